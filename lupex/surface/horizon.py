"""Terrain horizon masks: the elevation of the skyline seen from every DEM pixel, per azimuth.

Geometry
--------
For an observer at pixel P (height h0 above the 1737.4 km sphere, plus an
optional observer height) and a terrain point Q at true ground distance d and
height h along azimuth alpha, the elevation of Q above P's local horizontal
plane (the plane tangent to the sphere at P, so the Moon's curvature counts) is

    tan e = Z / D,   Z = h (1 - d^2 / 2R^2) - h0 - d^2 / 2R,   D = d (1 + h / R),

the small-angle form of the exact sphere result Z = (h - h0) - (R + h)(1 - cos(d/R)),
D = (R + h) sin(d/R); the neglected terms are d^4/24R^3 (4 m at 150 km) and
a 1e-3 relative change of D at 150 km.  The horizon is max over Q of e.
Terrain beyond the DEM is the bare sphere (h = 0) unless a far-field ``Dem``
is given.  Rays are straight lines in the stereographic plane; they leave the
true great circle by at most rho L^2 / 4R^2 sideways (0.19 km for a ray of
L = 150 km starting rho = 100 km from the pole, 0.07 deg of azimuth).
Distances are computed on the grid and converted to true distances with the
observer pixel's scale factor k (d_true = d_grid / k; see
:mod:`lupex.surface.projection`), neglecting k's change along the ray
(relative distance error <= d rho / 2R^2: 0.4 % at d = rho = 150 km).

Algorithm (multi-resolution observers, O(N^2 A) work)
------------------------------------------------------
Output size is N^2 A, which bounds any method from below.  Brute-force ray
marching costs O(N^2 A R) for R samples per ray, and geometric step spacing
(sampling at distances growing by a constant factor with far terrain read
from coarser DEMs, the practice of Mazarico et al. 2011, Icarus 211, 1066-1081,
who computed horizons from 240 m polar LOLA DEMs, and Glaeser et al. 2014,
Icarus 243, 78-90, at 20 m) costs O(N^2 A log R): still ~200 samples per
pixel-azimuth, too slow in NumPy for 10^6 pixels.  The upper-convex-hull sweep
reaches O(N^2 A) but is sequential along each profile and does not vectorise
in NumPy.  We use our own multi-resolution variant that is O(N^2 A) and fully
vectorised: build a 2x2-mean pyramid of the DEM (padded with the far field)
and evaluate each distance octave with *observers* on a level whose block
size matches the octave, not only terrain:

* level 0 (the DEM itself) marches distances 1..D0 pixels (D0 = 8);
* level L >= 1 has observers at the centres of 2^L x 2^L blocks (heights = block
  means) and marches D0 2^(L-1) .. D0 2^L fine pixels, reading terrain from the
  finer level L - DELTA (DELTA = 1) in steps of one of its pixels, until
  max_distance is reached.

Rays are sampled where they cross grid lines (a 1-D linear interpolation, no
gathers: the same shift for every observer, so each sample is a shifted *view*).
Each level keeps, per observer and azimuth, the argmax pair (Z, D).  Going
from level L+1 to L, a parent's pair is handed to its four children with the
exact change of observer: Z -> Z - (h_child - h_parent) + (D^2 - (D - delta)^2)/2R,
D -> D - delta, where delta is the child's offset from the parent centre along
the ray; the child keeps whichever of that and its own band's best has the
larger Z/D.  By the envelope theorem this is exact to first order for the
along-ray shift.  What is approximate: (i) the sideways offset of the parent's
ray (up to ~0.7/D0 rad = 5 deg of azimuth at the start of each band, less
further out), which matters where the horizon changes fast with azimuth (the
flank of a steep isolated peak seen obliquely); (ii) block-mean smoothing of
far terrain over 2^(L-DELTA) pixels at distances >= D0 2^(L-1) pixels.  Measured
against the exact marcher on random terrain with slopes up to 20 deg: rms
0.05-0.15 deg, 99th percentile < 0.7 deg (tests/surface/test_horizon.py).

Work per azimuth is about N^2 (D0 + 2 (D0/2 + 2)/3) sample evaluations whatever
the ray length: O(N^2 A) overall, independent of the search distance except for
the O(log R) number of (tiny) levels.  Work is float32, in row blocks to stay
in cache, with azimuth batches split over threads (NumPy releases the GIL).

Accuracy: see tests/surface/test_horizon*.py (against a slow exact marcher and
closed forms).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from lupex.surface.dem import Dem
from lupex.surface.projection import R_MOON_KM, scale_factor_xy

__all__ = [
    "ALGORITHM_VERSION",
    "azimuths_rad",
    "horizon_at",
    "horizon_mask",
    "horizon_mask_reference",
]

#: Bump when the numerical results of :func:`horizon_mask` change (cache key).
ALGORITHM_VERSION = "mro-1"

#: Fine-level march length in pixels (D0 above).
_D0 = 8
#: Observers of level L read terrain from level L - _DELTA (finer), in 1-pixel steps.
_DELTA = 1
#: Pyramid margin [level pixels]; must be even and >= (D0 + 2) 2^DELTA.
_MARGIN = (_D0 + 3) * 2**_DELTA

_R = np.float32(R_MOON_KM)


def azimuths_rad(n_azimuths: int) -> np.ndarray:
    """Grid azimuths of the mask bins, alpha_k = 2 pi k / A [rad]."""
    return 2.0 * np.pi * np.arange(n_azimuths) / n_azimuths


def _validate(dem, n_azimuths, max_distance_km, observer_height_m, far_field, workers):
    if not isinstance(dem, Dem):
        raise ValueError(f"dem must be a lupex.surface.dem.Dem; got {type(dem).__name__}")  # noqa: TRY004 (bad input is a ValueError by contract)
    if far_field is not None and not isinstance(far_field, Dem):
        raise ValueError("far_field must be None or a lupex.surface.dem.Dem")
    if not (isinstance(n_azimuths, (int, np.integer)) and 4 <= n_azimuths <= 3600):
        raise ValueError(f"n_azimuths must be an integer in [4, 3600]; got {n_azimuths!r}")
    if not (np.isfinite(max_distance_km) and 0 < max_distance_km <= 600.0):
        raise ValueError(f"max_distance_km must be in (0, 600] km; got {max_distance_km!r}")
    if not (np.isfinite(observer_height_m) and 0.0 <= observer_height_m <= 1000.0):
        raise ValueError(f"observer_height_m must be in [0, 1000] m; got {observer_height_m!r}")
    if not (isinstance(workers, (int, np.integer)) and 1 <= workers <= 64):
        raise ValueError(f"workers must be an integer in [1, 64]; got {workers!r}")


def _sample_far(far_field: Dem | None, x_km, y_km) -> np.ndarray:
    """Heights [km] of the far field at map points (bilinear), 0 (bare sphere) outside it."""
    if far_field is None:
        return np.zeros(np.broadcast(x_km, y_km).shape, dtype=np.float32)
    from lupex.surface.dem import sample_bilinear

    h = sample_bilinear(far_field, x_km, y_km, outside=0.0)
    return (h / 1000.0).astype(np.float32)


def _block_mean(a: np.ndarray, ky: int, kx: int) -> np.ndarray:
    return a[: 2 * ky, : 2 * kx].reshape(ky, 2, kx, 2).mean(axis=(1, 3), dtype=np.float32)


def _build_levels(dem: Dem, far_field: Dem | None, max_distance_km: float):
    """Terrain pyramid: list of (terrain_km (ny+2m, nx+2m) float32, ny, nx, pixel_km)."""
    m = _MARGIN
    p0 = dem.pixel_km
    levels = []
    ny, nx = dem.shape
    # level 0: DEM padded by m pixels of far field / bare sphere
    ii = np.arange(-m, ny + m)
    jj = np.arange(-m, nx + m)
    x = dem.x0_km + (jj + 0.5) * p0
    y = dem.y0_km - (ii + 0.5) * p0
    terr = _sample_far(far_field, x[None, :], y[:, None])
    terr[m : m + ny, m : m + nx] = dem.height_m / 1000.0
    levels.append((terr, ny, nx, p0))
    level = 0
    while _D0 * (2**level) * p0 < max_distance_km:
        level += 1
        prev, pny, pnx, _ = levels[-1]
        ny, nx = -(-pny // 2), -(-pnx // 2)
        p = p0 * 2**level
        ii = np.arange(-m, ny + m)
        jj = np.arange(-m, nx + m)
        x = dem.x0_km + (jj + 0.5) * p
        y = dem.y0_km - (ii + 0.5) * p
        terr = _sample_far(far_field, x[None, :], y[:, None])
        ky, kx = prev.shape[0] // 2, prev.shape[1] // 2
        h = m // 2
        terr[h : h + ky, h : h + kx] = _block_mean(prev, ky, kx)
        levels.append((terr, ny, nx, p))
    return levels


def _steps(alpha: float):
    """Grid-line stepping for azimuth alpha.

    Returns (major, minor_rate, sign_major, dist_per_step): each step moves one
    pixel along the major axis ("row" or "col") and ``minor_rate`` pixels along
    the other, and covers ``dist_per_step`` pixels of distance.  Sampling where
    the ray crosses grid lines needs only a 1-D linear interpolation.
    """
    sa, ca = np.sin(alpha), np.cos(alpha)
    # direction in (row, col) index space: +Y is -row, +X is +col
    dr, dc = -ca, sa
    if abs(dc) >= abs(dr):
        return "col", dr / abs(dc), 1 if dc > 0 else -1, 1.0 / abs(dc)
    return "row", dc / abs(dr), 1 if dr > 0 else -1, 1.0 / abs(dr)


def _terrain_level(level: int) -> tuple[int, int]:
    """(terrain level read by observers of ``level``, stride in terrain pixels)."""
    tl = max(0, level - _DELTA)
    return tl, 2 ** (level - tl)


def _band_steps(level: int, pt_km: float, dist_per_step: float, max_distance_km: float):
    """Major-axis step numbers j [terrain pixels] marched by observers of one level."""
    _, st = _terrain_level(level)
    j = np.arange(1, _D0 + 1) if level == 0 else np.arange((_D0 // 2 - 1) * st, _D0 * st + 1)
    return j[j * dist_per_step * pt_km <= max_distance_km * (1 + 1e-12)]


def _march(terr, st, nx, p_km, steps, geom, eye, rows, track, kb=1.0):
    """Best horizon over one band for observer rows ``rows`` of one level (float32, km).

    ``terr`` is the terrain level read (pixel ``p_km``), ``st`` the observer
    spacing in its pixels; observer I sits at terrain index I st + st // 2.
    Returns t = max Z/D, and if ``track`` the grid distance D* [km] of the argmax
    (there with D = d, the (1 + h/R) factor applied later).  Without ``track``
    distances are divided by the scale factor ``kb`` (true distances).
    """
    m = _MARGIN + st // 2
    major, rate, sgn, dps = geom
    r0, r1 = rows
    nr = r1 - r0
    best_t = np.full((nr, nx), -np.inf, dtype=np.float32)
    best_d = np.zeros((nr, nx), dtype=np.float32) if track else None
    eye = eye[r0:r1]
    hs = np.empty((nr, nx), dtype=np.float32)
    tmp = np.empty((nr, nx), dtype=np.float32)
    msk = np.empty((nr, nx), dtype=bool)
    for j in steps:
        off = j * rate
        io = int(np.floor(off))
        f = np.float32(off - io)
        if major == "col":
            a0, b0 = m + r0 * st + io, m + sgn * j
            va = terr[a0 : a0 + nr * st : st, b0 : b0 + nx * st : st]
            vb = terr[a0 + 1 : a0 + 1 + nr * st : st, b0 : b0 + nx * st : st]
        else:
            a0, b0 = m + r0 * st + sgn * j, m + io
            va = terr[a0 : a0 + nr * st : st, b0 : b0 + nx * st : st]
            vb = terr[a0 : a0 + nr * st : st, b0 + 1 : b0 + 1 + nx * st : st]
        # linear interpolation across the grid line
        np.multiply(va, np.float32(1.0) - f, out=hs)
        np.multiply(vb, f, out=tmp)
        hs += tmp
        dk = j * dps * p_km if track else j * dps * p_km / kb
        # Z = h (1 - d^2/2R^2) - eye - d^2/2R
        np.multiply(hs, np.float32(1.0 - dk * dk / (2 * R_MOON_KM**2)), out=tmp)
        tmp -= eye
        tmp -= np.float32(dk * dk / (2 * R_MOON_KM))
        if track:
            tmp *= np.float32(1.0 / dk)
            np.greater(tmp, best_t, out=msk)
            np.maximum(best_t, tmp, out=best_t)
            # best_d += msk * (dk - best_d), without a masked copy (slow on random masks)
            np.subtract(np.float32(dk), best_d, out=hs)
            hs *= msk
            best_d += hs
        else:
            # D = d (1 + h/R)
            hs *= np.float32(dk / R_MOON_KM)
            hs += np.float32(dk)
            tmp /= hs
            np.maximum(best_t, tmp, out=best_t)
    return best_t, best_d


def _up2(a: np.ndarray, nrow: int, ncol: int) -> np.ndarray:
    """Nearest-parent upsampling by 2 in both axes, cropped to (nrow, ncol)."""
    return np.repeat(np.repeat(a, 2, axis=0)[:nrow], 2, axis=1)[:, :ncol]


def _child_geometry(levels, eyes):
    """Per level L < top: dh = h_child - h_parent (ny_L, nx_L) and child offsets [km].

    Offsets of a child centre from its parent centre: row 2I is +p/2 in Y, row
    2I+1 is -p/2; column 2J is -p/2 in X, column 2J+1 is +p/2.
    """
    out = []
    for lev in range(len(levels) - 1):
        _, ny, nx, p = levels[lev]
        dh = eyes[lev] - _up2(eyes[lev + 1], ny, nx)
        oy = np.where(np.arange(ny) % 2 == 0, 0.5, -0.5)[:, None].astype(np.float32) * p
        ox = np.where(np.arange(nx) % 2 == 0, -0.5, 0.5)[None, :].astype(np.float32) * p
        out.append((dh, ox, oy))
    return out


def _finish_far(z, d, lat, eye, k):
    """Apply the true-distance factor k and the (1 + h/R) factor to a (Z, D, L) triple.

    During marching distances are grid distances and Z = h(1 - d^2/2R^2) - h0 - d^2/2R
    with d = hypot(D, L).  With true distance d/k: Z += d^2 (1 - 1/k^2) / 2R, and the
    horizontal distance is (d/k)(1 + h*/R), h* = Z + h0 + d^2/2R the argmax height.
    """
    two_r = np.float32(2 * R_MOON_KM)
    d2 = d * d + lat * lat
    hstar = z + eye + d2 / two_r
    z = z + d2 * ((np.float32(1.0) - 1.0 / (k * k)) / two_r)
    f = (np.float32(1.0) + hstar / np.float32(R_MOON_KM)) / k
    return z, d * f, lat * f


def _one_azimuth(levels, eyes, kgrids, child, alpha, max_distance_km, row_block, out):
    """Horizon elevation [rad] at level 0 for one azimuth, into ``out`` (ny, nx).

    Coarse levels carry, per observer, the argmax point as (Z, D, L): height above the
    observer's horizontal plane, distance along the ray and sideways offset (along
    n = (cos a, -sin a) in (X, Y)) [km].  Moving the observer by delta gives
    D -> D - delta.u, L -> L - delta.n and Z -> Z - dh + (d^2 - d'^2)/2R, d = hypot(D, L):
    the point's elevation from the new observer is then exact, only its azimuth is off
    by atan(L/D).
    """
    geom = _steps(alpha)
    sa, ca = np.float32(np.sin(alpha)), np.float32(np.cos(alpha))
    two_r = np.float32(2 * R_MOON_KM)
    parent = None
    for lev in range(len(levels) - 1, -1, -1):
        _, ny, nx, _ = levels[lev]
        tl, st = _terrain_level(lev)
        terr, _, _, pt = levels[tl]
        steps = _band_steps(lev, pt, geom[3], max_distance_km)
        track = lev > 0
        # observers march from terrain index I st + st//2, i.e. +pt/2 in X and -pt/2 in Y
        # from their block centre when st is even: move (D, L) back to the centre after
        if st % 2 == 0:
            shift_u = np.float32(0.5 * pt * (sa - ca))
            shift_n = np.float32(0.5 * pt * (ca + sa))
        else:
            shift_u = shift_n = None
        if track:
            z = np.empty((ny, nx), dtype=np.float32)
            dd = np.empty((ny, nx), dtype=np.float32)
            ll = np.empty((ny, nx), dtype=np.float32)
        for r0 in range(0, ny, row_block):
            r1 = min(ny, r0 + row_block)
            if len(steps):
                kb = float(kgrids[lev][r0:r1].mean())
                t, d = _march(terr, st, nx, pt, steps, geom, eyes[lev], (r0, r1), track, kb)
            else:
                t = np.full((r1 - r0, nx), -np.inf, dtype=np.float32)
                d = np.ones((r1 - r0, nx), dtype=np.float32)
            if parent is not None:
                zp, dp, lp = parent
                q0, q1 = r0 // 2, (r1 + 1) // 2
                dh, ox, oy = child[lev]
                oyb = oy[r0:r1]
                zc = _up2(zp[q0:q1], r1 - r0, nx)
                dc = _up2(dp[q0:q1], r1 - r0, nx)
                lc = _up2(lp[q0:q1], r1 - r0, nx)
                # the drop d^2/2R changes with the distance too: + (d^2 - d'^2) / 2R
                zc += (dc * dc + lc * lc) / two_r - dh[r0:r1]
                dc -= ox * sa + oyb * ca
                lc -= ox * ca - oyb * sa
                dist2 = dc * dc + lc * lc
                zc -= dist2 / two_r
            if track:
                zb = t * d
                lb = np.zeros_like(d)
                if shift_u is not None:
                    zb += d * d / two_r
                    d += shift_u
                    lb += shift_n
                    zb -= (d * d + lb * lb) / two_r
                if parent is not None:
                    # compare zc / |dc, lc| with zb / |d, lb| (both distances > 0)
                    take = zc * np.abs(zc) * (d * d + lb * lb) > zb * np.abs(zb) * dist2
                    zb = np.where(take, zc, zb)
                    d = np.where(take, dc, d)
                    lb = np.where(take, lc, lb)
                z[r0:r1] = zb
                dd[r0:r1] = d
                ll[r0:r1] = lb
            else:
                if parent is not None:
                    zc /= np.sqrt(dist2)
                    np.maximum(t, zc, out=t)
                np.arctan(t, out=out[r0:r1])
        if track:
            if lev == 1:
                z, dd, ll = _finish_far(z, dd, ll, eyes[1], kgrids[1])
            parent = (z, dd, ll)


def horizon_mask(
    dem: Dem,
    n_azimuths: int = 360,
    max_distance_km: float = 150.0,
    observer_height_m: float = 0.0,
    far_field: Dem | None = None,
    workers: int = 2,
    progress: Callable[[int, int], None] | None = None,
) -> np.ndarray:
    """Horizon elevation [rad] at every pixel of ``dem`` and every grid azimuth.

    Parameters
    ----------
    dem : Dem
        Terrain (south polar stereographic grid).
    n_azimuths : int
        Number A of azimuth bins, alpha_k = 2 pi k / A (grid azimuth, from grid
        +Y toward +X; local azimuth = alpha - lon).  360 default, 720 allowed.
    max_distance_km : float
        Search distance [km] (grid distance), 150 default, up to 600.
    observer_height_m : float
        Eye height above the surface [m], 0..1000.
    far_field : Dem or None
        Coarser terrain used beyond the DEM edge (bare sphere where absent).
    workers : int
        Threads (azimuths are split between them).
    progress : callable(done, total) or None
        Called after each azimuth.

    Returns
    -------
    ndarray, float32, shape (ny, nx, A)
        Horizon elevation [rad] above the local horizontal plane; C-order.
    """
    _validate(dem, n_azimuths, max_distance_km, observer_height_m, far_field, workers)
    levels = _build_levels(dem, far_field, float(max_distance_km))
    oh_km = np.float32(observer_height_m / 1000.0)
    m = _MARGIN
    eyes = [t[m : m + ny, m : m + nx] + oh_km for (t, ny, nx, _) in levels]
    ny, nx = dem.shape
    row_block = max(8, 2 * (32768 // max(nx, 1) // 2))
    # scale factor at each level's observers (true distance = grid distance / k)
    kgrids = []
    for _, lny, lnx, lp in levels:
        xs = dem.x0_km + (np.arange(lnx) + 0.5) * lp
        ys = dem.y0_km - (np.arange(lny) + 0.5) * lp
        kgrids.append(scale_factor_xy(xs[None, :], ys[:, None]).astype(np.float32))
    child = _child_geometry(levels, eyes)
    alphas = azimuths_rad(n_azimuths)
    out = np.empty((ny, nx, n_azimuths), dtype=np.float32)
    # azimuths in batches: a contiguous (batch, ny, nx) buffer, then one transposed write
    batch = 8
    starts = list(range(0, n_azimuths, batch))
    done = [0]

    def run(k0):
        k1 = min(n_azimuths, k0 + batch)
        buf = np.empty((k1 - k0, ny, nx), dtype=np.float32)
        for kk in range(k0, k1):
            _one_azimuth(
                levels,
                eyes,
                kgrids,
                child,
                alphas[kk],
                float(max_distance_km),
                row_block,
                buf[kk - k0],
            )
        out[:, :, k0:k1] = buf.transpose(1, 2, 0)
        return k1 - k0

    def tick(nb):
        done[0] += nb
        if progress is not None:
            progress(done[0], n_azimuths)

    if workers == 1:
        for k0 in starts:
            tick(run(k0))
    else:
        with ThreadPoolExecutor(max_workers=int(workers)) as pool:
            for nb in pool.map(run, starts):
                tick(nb)
    return out


def default_workers() -> int:
    """Two threads, or fewer if the machine has one core."""
    return max(1, min(2, os.cpu_count() or 1))


def horizon_mask_reference(
    dem: Dem,
    n_azimuths: int = 360,
    max_distance_km: float = 150.0,
    observer_height_m: float = 0.0,
    step_px: float = 0.25,
    far_field: Dem | None = None,
    pixels=None,
) -> np.ndarray:
    """Slow reference: uniform steps of ``step_px`` pixels along every ray, bilinear sampling.

    Exact sphere geometry (Z = (h - h0) - (R+h)(1 - cos theta), D = (R+h) sin theta,
    theta = d_true / R with d_true = d_grid / k of the observer).  Terrain
    outside the DEM is read from ``far_field`` or is the bare sphere.  Only for
    tests and the benchmark: cost O(N^2 A R).

    ``pixels``: optional (rows, cols) index arrays to evaluate; returns
    (npix, A) then, else (ny, nx, A).
    """
    from lupex.surface.dem import sample_bilinear

    ny, nx = dem.shape
    if pixels is None:
        rr, cc = np.meshgrid(np.arange(ny), np.arange(nx), indexing="ij")
        rr, cc = rr.ravel(), cc.ravel()
    else:
        rr, cc = (np.asarray(a).ravel() for a in pixels)
    # terrain = DEM pixel centres padded with far field / bare sphere at the same spacing
    pad = int(np.ceil(max_distance_km / dem.pixel_km)) + 2
    xe = dem.x0_km + (np.arange(-pad, nx + pad) + 0.5) * dem.pixel_km
    ye = dem.y0_km - (np.arange(-pad, ny + pad) + 0.5) * dem.pixel_km
    ext = 1000.0 * _sample_far(far_field, xe[None, :], ye[:, None]).astype(float)
    ext[pad : pad + ny, pad : pad + nx] = dem.height_m
    big = Dem(ext, dem.x0_km - pad * dem.pixel_km, dem.y0_km + pad * dem.pixel_km, dem.pixel_km)
    x0 = dem.x_km()[cc]
    y0 = dem.y_km()[rr]
    h0 = dem.height_m[rr, cc] / 1000.0 + observer_height_m / 1000.0
    k = scale_factor_xy(x0, y0)
    # Like horizon_mask, rays start where they first cross a grid line (1 px along the
    # major axis: 1 to 1.41 px): the DEM says nothing about sub-pixel slopes.
    out = np.empty((rr.size, n_azimuths))
    R = R_MOON_KM
    for kk, a in enumerate(azimuths_rad(n_azimuths)):
        d1 = 1.0 / max(abs(np.sin(a)), abs(np.cos(a)))
        d = np.arange(d1, max_distance_km / dem.pixel_km + 1e-9, step_px) * dem.pixel_km
        xs = x0[:, None] + d[None, :] * np.sin(a)
        ys = y0[:, None] + d[None, :] * np.cos(a)
        h = sample_bilinear(big, xs, ys, outside=0.0) / 1000.0
        th = d[None, :] / k[:, None] / R
        z = (h - h0[:, None]) - (R + h) * (1 - np.cos(th))
        dd = (R + h) * np.sin(th)
        out[:, kk] = np.max(np.arctan2(z, dd), axis=1)
    if pixels is None:
        return out.reshape(ny, nx, n_azimuths)
    return out


def horizon_at(horizon_rad: np.ndarray, alpha_rad) -> np.ndarray:
    """Mask elevation [rad] at grid azimuths ``alpha_rad``, linear between the two nearest bins.

    ``alpha_rad`` broadcasts against ``horizon_rad.shape[:-1]``.
    """
    a = horizon_rad.shape[-1]
    f = np.mod(np.asarray(alpha_rad, dtype=float), 2 * np.pi) * a / (2 * np.pi)
    f = np.broadcast_to(f, horizon_rad.shape[:-1])
    i0 = np.floor(f).astype(np.intp) % a
    i1 = (i0 + 1) % a
    w = (f - np.floor(f)).astype(np.float32)
    h0 = np.take_along_axis(horizon_rad, i0[..., None], axis=-1)[..., 0]
    h1 = np.take_along_axis(horizon_rad, i1[..., None], axis=-1)[..., 0]
    return h0 * (1 - w) + h1 * w
