"""Terrain horizon masks: the elevation of the skyline seen from every DEM pixel, per azimuth.

Geometry
--------
For an observer at pixel P (height h0 above the 1737.4 km sphere, plus an
optional observer height) and a terrain point Q at true ground distance d and
height h along azimuth alpha, the elevation of Q above P's local horizontal
plane (the plane tangent to the sphere at P, so the Moon's curvature counts) is

    tan e = Z / D,   Z = h - h0 - d^2 / 2R,   D = d (1 + h / R),

the small-angle form of the exact sphere result Z = (h - h0) - (R + h)(1 - cos(d/R)),
D = (R + h) sin(d/R); the neglected terms are h d^2/2R^2 (< 20 m at 150 km for
|h| < 5 km: 0.008 deg), d^4/24R^3 (4 m at 150 km) and a 1e-3 relative change of D
at 150 km.  The horizon is max over Q of e.  (The slow reference marcher of the tests,
tests/surface/reference_horizon.py, uses the exact expressions.)
Terrain beyond the DEM is the bare sphere (h = 0) unless a far field (a ``Dem``
or a nested :class:`~lupex.surface.stack.TerrainStack`) is given.  Rays are
straight lines in the stereographic plane; they leave the true great circle by
at most rho L^2 / 4R^2 sideways (0.19 km for a ray of L = 150 km starting
rho = 100 km from the pole, 0.07 deg of azimuth).
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

* level 0 (the DEM itself) marches distances 1..D0 pixels (D0 = 32);
* level L >= 1 has observers at 2^L x 2^L block centres (heights = block means)
  and marches D0 2^(L-1) .. D0 2^L fine pixels in steps of one terrain pixel,
  reading terrain from its own level for L <= 2 and from the finer level
  min(L - 1, 3) beyond (at most 2^5 of its pixels per observer spacing), until
  max_distance is reached.  Far terrain is thus smoothed over at most 1/15 (level
  1-2 band starts) to ~1/100 (far) of its distance.

Rays are sampled where they cross grid lines (a 1-D linear interpolation, no
gathers: the same shift for every observer, so each sample is a shifted *view*;
stride-2 reads use contiguous parity sub-grids; the few tiny top levels use one
gather).  Each coarse level keeps, per observer and azimuth, the argmax point as
(Z, D, L): its height above the observer's horizontal plane, its distance along
the ray and its sideways offset.  Going from level L+1 to L, a parent's point is
handed to its four children with the exact change of observer:
D -> D - delta.u, L -> L - delta.n, Z -> Z - (h_child - h_parent) + (d^2 - d'^2)/2R
with d = hypot(D, L), so the point's elevation from the child is exact; the child
keeps whichever of that and its own band's best is higher.  What is approximate
(by the envelope theorem only to second order for the along-ray part): the
parent's ray passes up to ~0.35 parent pixels beside the child (~0.7 where the
parent reads finer terrain from a half-pixel-shifted origin, levels >= 3), so far
terrain is seen up to ~1.3-2.7 deg off in azimuth at the start of a band (D0/2 - 1 = 15
parent pixels out) and ~0.6-1.3 deg at its end -- it matters where the horizon changes fast with azimuth
(steep isolated peaks seen obliquely); and far terrain is smoothed as said above.
The accuracy against the exact marcher, on random terrain and on the real Connecting
Ridge DEM, is measured and bounded by tests/surface/test_horizon.py and
tests/surface/test_horizon_real.py.

Work per azimuth is about N^2 (D0 + ~5) sample evaluations whatever the ray length:
O(N^2 A) overall (the number of levels, O(log R), only adds tiny grids).  Work is
float32, row by row in compiled kernels (:mod:`lupex.surface._horizon_kernels`, numba:
the NumPy path's operations in the same order, bit for bit, fused, without the GIL) or,
without numba, in NumPy over row blocks that stay in cache; the final arctan is a
float32 polynomial (error < 1.2e-5 rad).  Azimuth batches are written into the
(ny, nx, A) result by worker threads (the kernels release the GIL), or without the
kernels by forked worker processes (threads would serialise on the GIL between NumPy
calls) into one shared-memory result.

Tiles
-----
The terrain pyramid is built once per map (:func:`horizon_pyramid`); any rectangle of
observer pixels is then computed on its own (:func:`horizon_tile`) from views of it:
each level's tile is the range of cells covering the rectangle, children find their
parents by global parity, and every operation is elementwise over observers, so a tile
equals the same cells of the whole map bit for bit (tests/surface/test_horizon_tiles.py).
This is what :mod:`lupex.surface.tiles` streams to disk in bounded memory.
"""

from __future__ import annotations

import mmap
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from itertools import pairwise

import numpy as np

import lupex.surface._horizon_kernels as _kern
from lupex.constants import R_MOON_KM
from lupex.surface.dem import Dem
from lupex.surface.parallel import fork_available, fork_map, shared_array
from lupex.surface.projection import scale_factor_xy
from lupex.surface.stack import TerrainStack

__all__ = [
    "ALGORITHM_VERSION",
    "HorizonPyramid",
    "azimuths_rad",
    "horizon_at",
    "horizon_mask",
    "horizon_pyramid",
    "horizon_series",
    "horizon_tile",
    "mask_rows",
]

#: Bump when the numerical results of :func:`horizon_mask` change (cache key).
ALGORITHM_VERSION = "mro-6"

#: Compiled kernels (numba) present, and whether to use them (tests switch them off to
#: compare with the NumPy path).
_KERNELS = _kern.KERNELS
_USE_KERNELS = [True]
#: Fine-level march length in pixels (D0 above).
_D0 = 32
#: Observers of levels 1.._OWN_TERRAIN_LEVELS read their own level's terrain (and sit at
#: their block centres); on the real site01 DEM this was more accurate than reading the
#: finer level, and faster: the near bands suffer more from the half-pixel observer
#: offset that finer terrain needs than from block-mean smoothing.
_OWN_TERRAIN_LEVELS = 2
#: Beyond, coarse observers of level L read terrain level min(L - 1, _TERRAIN_CAP) ...
_TERRAIN_CAP = 3
#: ... but never more than 2^_MAX_STRIDE_LOG2 of its pixels per observer spacing.
_MAX_STRIDE_LOG2 = 5
#: Observer grids up to this many pixels are marched with one gather (few Python calls).
_SMALL_GRID = 4096
#: Z [km] of "no terrain point" (tan = -1e4 at D = 1 km): finite, so blends stay NaN-free.
_NOTHING_KM = -1.0e4


def azimuths_rad(n_azimuths: int) -> np.ndarray:
    """Grid azimuths of the mask bins, alpha_k = 2 pi k / A [rad]."""
    return 2.0 * np.pi * np.arange(n_azimuths) / n_azimuths


def _validate(dem, n_azimuths, max_distance_km, observer_height_m, far_field, workers):
    if not isinstance(dem, Dem):
        raise ValueError(f"dem must be a lupex.surface.dem.Dem; got {type(dem).__name__}")  # noqa: TRY004 (bad input is a ValueError by contract)
    if far_field is not None and not isinstance(far_field, (Dem, TerrainStack)):
        raise ValueError("far_field must be None, a lupex.surface.dem.Dem or a "
                         "lupex.surface.stack.TerrainStack")
    if not (isinstance(n_azimuths, (int, np.integer)) and 4 <= n_azimuths <= 3600):
        raise ValueError(f"n_azimuths must be an integer in [4, 3600]; got {n_azimuths!r}")
    if not (np.isfinite(max_distance_km) and 0 < max_distance_km <= 600.0):
        raise ValueError(f"max_distance_km must be in (0, 600] km; got {max_distance_km!r}")
    if not (np.isfinite(observer_height_m) and 0.0 <= observer_height_m <= 1000.0):
        raise ValueError(f"observer_height_m must be in [0, 1000] m; got {observer_height_m!r}")
    if not (isinstance(workers, (int, np.integer)) and 1 <= workers <= 64):
        raise ValueError(f"workers must be an integer in [1, 64]; got {workers!r}")


def _sample_far(far_field: Dem | TerrainStack | None, x_km, y_km, pixel_km: float) -> np.ndarray:
    """Heights [km] of the far field at map points (bilinear), 0 (bare sphere) outside it.

    A :class:`~lupex.surface.stack.TerrainStack` gives each point from the finest layer
    covering it, box-averaged over the level's ``pixel_km`` [km] where that layer is finer.
    """
    if far_field is None:
        return np.zeros(np.broadcast(x_km, y_km).shape, dtype=np.float32)
    if isinstance(far_field, TerrainStack):
        return (far_field.sample_m(x_km, y_km, pixel_km=pixel_km) / 1000.0).astype(np.float32)
    from lupex.surface.dem import sample_bilinear

    h = sample_bilinear(far_field, x_km, y_km, outside=0.0)
    return (h / 1000.0).astype(np.float32)


def _terrain_level(level: int) -> tuple[int, int]:
    """(terrain level read by observers of ``level``, observer spacing in its pixels)."""
    if level <= _OWN_TERRAIN_LEVELS:
        return level, 1
    tl = max(min(level - 1, _TERRAIN_CAP), level - _MAX_STRIDE_LOG2)
    return tl, 2 ** (level - tl)


def _n_levels(pixel_km: float, max_distance_km: float) -> int:
    lev = 0
    while _D0 * (2**lev) * pixel_km < max_distance_km:
        lev += 1
    return lev + 1


def _sample_far_levels(far_field, grids, n_threads: int = 2) -> list[np.ndarray]:
    """:func:`_sample_far` on each level's grid of cell centres (x [km], y [km], pixel_km),
    large grids in row halves on threads (NumPy's indexing and arithmetic release the GIL;
    the samples are pointwise, so the values do not depend on the split): the far field
    of a 1000^2 map at 20 m to 150 km is 7 M samples, ~0.3 s in one thread."""
    jobs = []
    for lev, (x, y, p) in enumerate(grids):
        step = -(-len(y) // n_threads) if x.size * y.size >= 2**20 else len(y)
        jobs += [(lev, x, y[a : a + step], p) for a in range(0, len(y), step)]

    def run(job):
        _, x, y, p = job
        return _sample_far(far_field, x[None, :], y[:, None], p)

    if len(jobs) > len(grids):
        with ThreadPoolExecutor(n_threads) as ex:
            parts = list(ex.map(run, jobs))
    else:
        parts = [run(job) for job in jobs]
    return [np.concatenate([part for (lev, *_), part in zip(jobs, parts, strict=True) if lev == k])
            for k in range(len(grids))]


def _build_levels(dem: Dem, far_field: Dem | TerrainStack | None, max_distance_km: float):
    """Terrain pyramid: list of (terrain_km, margin, ny, nx, pixel_km) per level.

    Level l covers its observer grid (ny, nx) plus ``margin`` cells on every side;
    cells come from 2x2 means of level l - 1 where it reaches, and from the far field
    (bare sphere where absent) sampled at the cell centres elsewhere.
    """
    p0 = dem.pixel_km
    n_lev = _n_levels(p0, max_distance_km)
    # margin each terrain level needs: (D0 + 2) strides of its readers, even
    need = [0] * n_lev
    for lev in range(n_lev):
        tl, st = _terrain_level(lev)
        need[tl] = max(need[tl], (_D0 + 2) * st + 2)
    margins = [max(2, m + (m % 2)) for m in need]
    grids = []
    ny, nx = dem.shape
    for lev in range(n_lev):
        m = margins[lev]
        if lev > 0:
            ny, nx = -(-ny // 2), -(-nx // 2)
        p = p0 * 2**lev
        x = dem.x0_km + (np.arange(-m, nx + m) + 0.5) * p
        y = dem.y0_km - (np.arange(-m, ny + m) + 0.5) * p
        grids.append((m, ny, nx, p, x, y))
    far = _sample_far_levels(far_field, [(x, y, p) for (_, _, _, p, x, y) in grids])
    levels = []
    for lev, ((m, ny, nx, p, _, _), terr) in enumerate(zip(grids, far, strict=True)):
        if lev == 0:
            terr[m : m + ny, m : m + nx] = dem.height_m / 1000.0
        else:
            prev, pm = levels[-1][0], levels[-1][1]
            # level lev-1 cell -pm is level-lev cell -pm/2 (pm even): index m - pm/2 here
            ky, kx = prev.shape[0] // 2, prev.shape[1] // 2
            o = m - pm // 2
            src = prev[: 2 * ky, : 2 * kx].reshape(ky, 2, kx, 2).mean(axis=(1, 3))
            # clip to this level's grid
            a0, b0 = max(0, o), max(0, o)
            a1, b1 = min(terr.shape[0], o + ky), min(terr.shape[1], o + kx)
            terr[a0:a1, b0:b1] = src[a0 - o : a1 - o, b0 - o : b1 - o]
        levels.append((terr, m, ny, nx, p))
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


def _band_steps(level: int, pt_km: float, dist_per_step: float, max_distance_km: float):
    """Major-axis step numbers j [terrain pixels] marched by observers of one level."""
    _, st = _terrain_level(level)
    j = np.arange(1, _D0 + 1) if level == 0 else np.arange((_D0 // 2 - 1) * st, _D0 * st + 1)
    return j[j * dist_per_step * pt_km <= max_distance_km * (1 + 1e-12)]


def _view(terr, subs, st, a0, nr, b0, nx):
    """terr[a0 : a0 + nr st : st, b0 : b0 + nx st : st], contiguous when st == 2."""
    if st == 2 and subs is not None:
        sub = subs[a0 % 2][b0 % 2]
        return sub[a0 // 2 : a0 // 2 + nr, b0 // 2 : b0 // 2 + nx]
    return terr[a0 : a0 + nr * st : st, b0 : b0 + nx * st : st]


def _views(terr, subs, m, st, r0, nr, nx, j, geom):
    """The two terrain views bracketing step j for observer rows r0..r0+nr, and the weight.

    ``subs``: the four parity sub-grids terr[a::2, b::2] (contiguous copies), which
    turn the stride-2 reads of coarse observers into contiguous ones.
    """
    major, rate, sgn, _ = geom
    off = j * rate
    io = int(np.floor(off))
    f = np.float32(off - io)
    base = m + st // 2
    if major == "col":
        a0, b0 = base + r0 * st + io, base + sgn * j
        va = _view(terr, subs, st, a0, nr, b0, nx)
        vb = _view(terr, subs, st, a0 + 1, nr, b0, nx)
    else:
        a0, b0 = base + r0 * st + sgn * j, base + io
        va = _view(terr, subs, st, a0, nr, b0, nx)
        vb = _view(terr, subs, st, a0, nr, b0 + 1, nx)
    return va, vb, f


def _march_fine(terr, m, nx, p_km, steps, geom, fac, rows, k_curv):
    """Level 0: max over steps of tan e = (h - h0 - d^2/2R) / d, d true distance [km].

    With d = d_grid / k: tan e = k [(h - h0) / d_grid - d_grid / (2 R k^2)].  The max over
    steps is taken on the bracket with k^2 -> ``k_curv``^2 (one value for the whole map,
    so tiles of the map give identical results; the curvature term is < 7e-5 rad within
    D0 pixels and k varies by < 0.4 % over 150 km, so the error is < 3e-7 rad), then
    multiplied by ``fac`` = k / (1 + h0/R) per observer (the (1 + h/R) factor of D with
    the observer's height: heights within D0 pixels differ by << R, relative error < 1e-4).
    ``fac`` and ``eye`` here are (ny, nx) arrays of the tile; ``rows`` a row range of it.
    """
    r0, r1 = rows
    nr = r1 - r0
    eye, fac = fac[0][r0:r1], fac[1][r0:r1]
    if _KERNELS and _USE_KERNELS[0]:
        return _fine_kernel(terr, m, nx, p_km, steps, geom, eye, fac, r0, nr, k_curv)
    best = np.full((nr, nx), -np.inf, dtype=np.float32)
    hs = np.empty((nr, nx), dtype=np.float32)
    tmp = np.empty((nr, nx), dtype=np.float32)
    dps = geom[3]
    for j in steps:
        va, vb, f = _views(terr, None, m, 1, r0, nr, nx, j, geom)
        dg = j * dps * p_km
        np.multiply(va, np.float32(1.0) - f, out=hs)
        np.multiply(vb, f, out=tmp)
        hs += tmp
        hs -= eye
        hs *= np.float32(1.0 / dg)
        hs -= np.float32(dg / (2 * R_MOON_KM * k_curv * k_curv))
        np.maximum(best, hs, out=best)
    best *= fac
    return best


def _contiguous_base(terr):
    """(C-contiguous 2-D array, row offset, column offset) that ``terr`` is a view of."""
    base = terr.base
    if (base is not None and base.ndim == 2 and base.flags.c_contiguous
            and base.dtype == terr.dtype and terr.strides[1] == terr.itemsize
            and terr.strides[0] == base.strides[0]):
        off = (terr.__array_interface__["data"][0] - base.__array_interface__["data"][0])
        dr, dc = divmod(off // terr.itemsize, base.shape[1])
        return base, dr, dc
    if terr.flags.c_contiguous:
        return terr, 0, 0
    return np.ascontiguousarray(terr), 0, 0


def _step_offsets(steps, rate):
    """Per step of a march: the steps as int64, the whole-pixel offset ``io`` across the
    ray's minor axis and the interpolation weights ``f`` and ``1 - f`` (float32), computed
    elementwise as the NumPy path computes them step by step."""
    steps = np.asarray(steps, dtype=np.int64)
    off = steps * rate
    io = np.floor(off).astype(np.int64)
    f = (off - io).astype(np.float32)
    return steps, io, f, np.float32(1.0) - f


def _coarse_kernel(terr, subs, m, st, nx, p_km, steps, geom, eye, r0, nr):
    """:func:`_march_coarse` by the compiled kernel, with the NumPy path's constants."""
    major, rate, sgn, dps = geom
    # the NumPy path's per-step float64 expressions, elementwise, rounded to float32
    steps, io, f, omf = _step_offsets(steps, rate)
    dk = steps * dps * p_km
    c2 = (dk * dk / (2 * R_MOON_KM)).astype(np.float32)
    inv = (1.0 / dk).astype(np.float32)
    dkf = dk.astype(np.float32)
    base = m + st // 2
    z = np.empty((nr, nx), dtype=np.float32)
    d = np.empty((nr, nx), dtype=np.float32)
    eye = np.ascontiguousarray(eye)
    if st == 2 and subs is not None:  # contiguous parity sub-grids of the view
        _kern.coarse_march2(subs[0][0], subs[0][1], subs[1][0], subs[1][1], base + r0 * st, base,
                            major == "col", int(sgn), steps, io, f, omf, c2, inv, dkf, eye, z, d)
        return z, d
    src, dr, dc = _contiguous_base(terr)
    _kern.coarse_march(src, dr + base + r0 * st, dc + base, st, major == "col", int(sgn),
                       steps, io, f, omf, c2, inv, dkf, eye, z, d)
    return z, d


def _fine_kernel(terr, m, nx, p_km, steps, geom, eye, fac, r0, nr, k_curv, out=None):
    """:func:`_march_fine` by the compiled kernel, with the NumPy path's per-step constants."""
    major, rate, sgn, dps = geom
    # the NumPy path's per-step float64 expressions, elementwise, rounded to float32
    steps, io, f, omf = _step_offsets(steps, rate)
    dg = steps * dps * p_km
    inv = (1.0 / dg).astype(np.float32)
    cc = (dg / (2 * R_MOON_KM * k_curv * k_curv)).astype(np.float32)
    if out is None:
        out = np.empty((nr, nx), dtype=np.float32)
    # the whole (C-contiguous) level with the view's offset: contiguous rows vectorise
    src, dr, dc = _contiguous_base(terr)
    _kern.fine_march(src, dr + m + r0, dc + m, major == "col", int(sgn), steps, io, f, omf, inv,
                     cc, np.ascontiguousarray(eye), np.ascontiguousarray(fac), out)
    return out


def _march_coarse(terr, subs, m, st, nx, p_km, steps, geom, eye, rows):
    """Coarse level: best (Z, D) over the band, grid distances, (1 + h/R) applied later.

    Z = h - h0 - d^2/2R, D = d (the h d^2/2R^2 term of the exact Z is < 20 m at 150 km,
    0.008 deg, and is dropped).
    """
    r0, r1 = rows
    nr = r1 - r0
    if _KERNELS and _USE_KERNELS[0]:
        return _coarse_kernel(terr, subs, m, st, nx, p_km, steps, geom, eye[r0:r1], r0, nr)
    best_t = np.full((nr, nx), -np.inf, dtype=np.float32)
    best_d = np.zeros((nr, nx), dtype=np.float32)
    eye = eye[r0:r1]
    hs = np.empty((nr, nx), dtype=np.float32)
    tmp = np.empty((nr, nx), dtype=np.float32)
    msk = np.empty((nr, nx), dtype=bool)
    dps = geom[3]
    for j in steps:
        va, vb, f = _views(terr, subs, m, st, r0, nr, nx, j, geom)
        dk = j * dps * p_km
        np.multiply(va, np.float32(1.0) - f, out=hs)
        np.multiply(vb, f, out=tmp)
        hs += tmp
        hs -= eye
        hs -= np.float32(dk * dk / (2 * R_MOON_KM))
        hs *= np.float32(1.0 / dk)
        np.greater(hs, best_t, out=msk)
        np.maximum(best_t, hs, out=best_t)
        # best_d += msk * (dk - best_d), without a masked copy (slow on random masks)
        np.subtract(np.float32(dk), best_d, out=tmp)
        tmp *= msk
        best_d += tmp
    return best_t * best_d, best_d


def _small_kernel(terr, subs, m, st, ny, nx, p_km, steps, geom, eye):
    """:func:`_march_small` by the compiled kernel, with the NumPy path's constants."""
    major, rate, sgn, dps = geom
    j = steps.astype(float)
    off = j * rate
    io = np.floor(off).astype(np.int64)
    f = (off - io).astype(np.float32)
    omf = 1 - f
    dk = (j * dps * p_km).astype(np.float32)
    base = m + st // 2
    z = np.empty((ny, nx), dtype=np.float32)
    d = np.empty((ny, nx), dtype=np.float32)
    steps = np.asarray(steps, dtype=np.int64)
    two_r = np.float32(2 * R_MOON_KM)
    if st == 2 and subs is not None:  # contiguous parity sub-grids of the view
        _kern.march_small2(subs[0][0], subs[0][1], subs[1][0], subs[1][1], base, base,
                           major == "col", int(sgn), steps, io, f, omf, dk, two_r, eye, z, d)
        return z, d
    src, dr, dc = _contiguous_base(terr)
    _kern.march_small(src, dr + base, dc + base, st, major == "col", int(sgn), steps, io, f, omf,
                      dk, two_r, eye, z, d)
    return z, d


def _march_small(terr, m, st, ny, nx, p_km, steps, geom, eye, subs=None):
    """Same as :func:`_march_coarse` for a small observer grid, all steps in one gather."""
    if _KERNELS and _USE_KERNELS[0]:
        return _small_kernel(terr, subs, m, st, ny, nx, p_km, steps, geom, eye)
    major, rate, sgn, dps = geom
    j = steps.astype(float)
    off = j * rate
    io = np.floor(off).astype(np.intp)
    f = (off - io).astype(np.float32)[:, None, None]
    base = m + st // 2
    rr = base + np.arange(ny) * st
    cc = base + np.arange(nx) * st
    if major == "col":
        ra = rr[None, :, None] + io[:, None, None]
        ca = cc[None, None, :] + sgn * steps[:, None, None]
        va, vb = terr[ra, ca], terr[ra + 1, ca]
    else:
        ra = rr[None, :, None] + sgn * steps[:, None, None]
        ca = cc[None, None, :] + io[:, None, None]
        va, vb = terr[ra, ca], terr[ra, ca + 1]
    h = va * (1 - f) + vb * f
    dk = (j * dps * p_km).astype(np.float32)[:, None, None]
    t = (h - eye - dk * dk / np.float32(2 * R_MOON_KM)) / dk
    i = np.argmax(t, axis=0)
    tb = np.take_along_axis(t, i[None], axis=0)[0]
    db = dk[i, 0, 0]
    return tb * db, db


def _finish_far(z, d, lat, eye, k):
    """Apply the true-distance factor k and the (1 + h/R) factor to a (Z, D, L) triple.

    During marching distances are grid distances and Z = h - h0 - d^2/2R with
    d = hypot(D, L).  With true distance d/k: Z += d^2 (1 - 1/k^2) / 2R, and the
    horizontal distance is (d/k)(1 + h*/R), h* = Z + h0 + d^2/2R the argmax height.
    """
    two_r = np.float32(2 * R_MOON_KM)
    d2 = d * d + lat * lat
    # (clipped to +-20 km, beyond any lunar relief, so "no point" sentinels stay inert)
    hstar = np.clip(z + eye + d2 / two_r, -20.0, 20.0)
    z = z + d2 * ((np.float32(1.0) - 1.0 / (k * k)) / two_r)
    f = (np.float32(1.0) + hstar / np.float32(R_MOON_KM)) / k
    return z, d * f, lat * f


def _classes(ny, nx, a0, b0, p_child, s_child, s_parent, sa, ca):
    """Child classes of a tile's level grid with their parent slices and observer shifts.

    The tile's grid at this level starts at global cell (a0, b0) and has (ny, nx) cells;
    its parent grid starts at (a0 // 2, b0 // 2).  Returns, per class of global (row,
    column) parity, ``(sr, sc, pr, pc, na, nb, du, dn)``: the class's children are the
    local cells ``[sr::2, sc::2]`` (``na`` x ``nb`` of them) and their parents the local
    cells ``[pr : pr + na, pc : pc + nb]``; (du, dn) [km] is the observer shift along
    the ray u = (sin a, cos a) and sideways n = (cos a, -sin a).

    A child's observer sits at its pixel centre plus ``s_child`` (x, y) [km]; the
    parent's at its block centre plus ``s_parent``.  Pixel centres of global row 2I lie
    p/2 above (+Y) the parent centre and of row 2I+1 p/2 below; column 2J lies p/2 to
    the left (-X), 2J+1 to the right.
    """
    out = []
    for sr in (0, 1):
        for sc in (0, 1):
            na, nb = len(range(sr, ny, 2)), len(range(sc, nx, 2))
            if na == 0 or nb == 0:
                continue
            ga, gb = (a0 + sr) % 2, (b0 + sc) % 2
            pr, pc = (a0 + sr) // 2 - a0 // 2, (b0 + sc) // 2 - b0 // 2
            oy = 0.5 * p_child if ga == 0 else -0.5 * p_child
            ox = -0.5 * p_child if gb == 0 else 0.5 * p_child
            dx = ox + s_child[0] - s_parent[0]
            dy = oy + s_child[1] - s_parent[1]
            out.append((sr, sc, pr, pc, na, nb,
                        np.float32(dx * sa + dy * ca), np.float32(dx * ca - dy * sa)))
    return out


def _observer_shift(level: int, levels) -> tuple[float, float]:
    """Offset (x, y) [km] of a level's observer from its block centre.

    Observers reading a finer terrain level march from terrain index I st + st//2, half
    a terrain pixel right of and below the block centre; observers reading their own
    level (st = 1) and level-0 observers sit at their centres.
    """
    tl, st = _terrain_level(level)
    if st == 1:
        return 0.0, 0.0
    pt = levels[tl][4]
    return 0.5 * pt, -0.5 * pt


def _one_azimuth(tile: _Tile, alpha, max_distance_km, out):
    """Horizon elevation [rad] at level 0 of a tile for one azimuth, into ``out`` (ny, nx).

    Coarse levels carry, per observer, the argmax point as (Z, D, L): height above the
    observer's horizontal plane, distance along the ray and sideways offset (along
    n = (cos a, -sin a) in (X, Y)) [km].  Moving the observer by delta gives
    D -> D - delta.u, L -> L - delta.n and Z -> Z - dh + (d^2 - d'^2)/2R, d = hypot(D, L):
    the point's elevation from the new observer is then exact, only its azimuth is off
    by atan(L/D).  ``tile.dhc[lev][sr][sc]``: h_child - h_parent for local class (sr, sc).
    Every operation is elementwise over observers, so a tile's result equals the same
    cells of the whole map's, bit for bit.
    """
    geom = _steps(alpha)
    sa, ca = np.float32(np.sin(alpha)), np.float32(np.cos(alpha))
    two_r = np.float32(2 * R_MOON_KM)
    levels = tile.levels
    parent = None
    compiled = _KERNELS and _USE_KERNELS[0]
    for lev in range(len(levels) - 1, 0, -1):
        ny, nx = tile.shape[lev]
        p = levels[lev][4]
        terr, subs, m, st, pt = tile.readers[lev]
        steps = _band_steps(lev, pt, geom[3], max_distance_km)
        if not len(steps):
            z = np.full((ny, nx), _NOTHING_KM, dtype=np.float32)
            d = np.ones((ny, nx), dtype=np.float32)
        elif tile.small[lev]:
            z, d = _march_small(terr, m, st, ny, nx, pt, steps, geom, tile.eyes[lev], subs)
        else:
            z = np.empty((ny, nx), dtype=np.float32)
            d = np.empty((ny, nx), dtype=np.float32)
            rb = ny if compiled else _row_block(nx)  # kernels: one call per level
            for r0 in range(0, ny, rb):
                r1 = min(ny, r0 + rb)
                z[r0:r1], d[r0:r1] = _march_coarse(
                    terr, subs, m, st, nx, pt, steps, geom, tile.eyes[lev], (r0, r1)
                )
        lat = np.zeros_like(d)
        if parent is not None and compiled:
            _blend_kernel(tile, lev, parent, z, d, lat, sa, ca, bool(len(steps)))
        elif parent is not None:
            zp, dp, lp = parent
            pd2 = dp * dp + lp * lp
            d2own = d * d
            cls = _classes(ny, nx, tile.origin[lev][0], tile.origin[lev][1], p,
                           _observer_shift(lev, levels), _observer_shift(lev + 1, levels), sa, ca)
            for sr, sc, pr, pc, na, nb, du, dn in cls:
                ps = (slice(pr, pr + na), slice(pc, pc + nb))
                dc = dp[ps] - du
                lc = lp[ps] - dn
                dist2 = dc * dc + lc * lc
                zc = zp[ps] - tile.dhc[lev][sr][sc] + (pd2[ps] - dist2) / two_r
                zo = z[sr::2, sc::2]
                # zc / |dc, lc| > zo / d  <=>  zc |zc| d^2 > zo |zo| |dc, lc|^2 (d > 0)
                take = zc * np.abs(zc) * d2own[sr::2, sc::2] > zo * np.abs(zo) * dist2
                pairs = ((zo, zc), (d[sr::2, sc::2], dc), (lat[sr::2, sc::2], lc))
                if not len(steps):  # no own band (-inf): the parent's point throughout
                    for own, new in pairs:
                        own[...] = new
                    continue
                # blend by arithmetic: 3x faster than a masked copy on random masks
                w = take.astype(np.float32)
                for own, new in pairs:
                    new -= own
                    new *= w
                    own += new
        if lev == 1 and compiled:
            _kern.finish_far(z, d, lat, tile.eyes[1], tile.k1, two_r, np.float32(R_MOON_KM))
        elif lev == 1:
            z, d, lat = _finish_far(z, d, lat, tile.eyes[1], tile.k1)
        parent = (z, d, lat)

    # level 0: fine march by row blocks, then the parent's far horizon per child class
    terr, _, m, _, p = tile.readers[0]
    ny, nx = tile.shape[0]
    steps = _band_steps(0, p, geom[3], max_distance_km)
    if compiled:  # the whole level in one call, straight into out
        _fine_kernel(terr, m, nx, p, steps, geom, tile.fac0[0], tile.fac0[1], 0, ny, tile.k_curv,
                     out)
        _merge0_kernel(tile, parent, levels, p, sa, ca, out)
        return
    rb = _row_block(nx)
    for r0 in range(0, ny, rb):
        r1 = min(ny, r0 + rb)
        out[r0:r1] = _march_fine(terr, m, nx, p, steps, geom, tile.fac0, (r0, r1), tile.k_curv)
    if parent is not None:
        zp, dp, lp = parent
        pd2 = (dp * dp + lp * lp) / two_r
        for sr, sc, pr, pc, na, nb, du, dn in _classes(
            ny, nx, tile.origin[0][0], tile.origin[0][1], p, (0.0, 0.0),
            _observer_shift(1, levels), sa, ca
        ):
            ps = (slice(pr, pr + na), slice(pc, pc + nb))
            dc = dp[ps] - du
            lc = lp[ps] - dn
            dc *= dc
            lc *= lc
            dc += lc  # squared distance from the child
            zc = zp[ps] - tile.dhc[0][sr][sc]
            zc += pd2[ps]
            zc -= dc / two_r
            zc /= np.sqrt(dc, out=dc)
            view = out[sr::2, sc::2]
            np.maximum(view, zc, out=view)
    _atan_inplace(out)


def _class_arrays(tile, lev, p, s_child, s_parent, sa, ca):
    """Per-class parent offsets, observer shifts and height differences of a tile's level,
    as the compiled kernels take them (see :func:`_classes`)."""
    ny, nx = tile.shape[lev]
    pr = np.zeros(2, dtype=np.int64)
    pc = np.zeros(2, dtype=np.int64)
    du = np.zeros((2, 2), dtype=np.float32)
    dn = np.zeros((2, 2), dtype=np.float32)
    dh = [[np.zeros((1, 1), np.float32)] * 2 for _ in range(2)]
    for sr, sc, r_, c_, _, _, u, n in _classes(
        ny, nx, tile.origin[lev][0], tile.origin[lev][1], p, s_child, s_parent, sa, ca
    ):
        pr[sr], pc[sc], du[sr, sc], dn[sr, sc] = r_, c_, u, n
        dh[sr][sc] = tile.dhc[lev][sr][sc]
    return pr, pc, du, dn, dh


def _blend_kernel(tile, lev, parent, z, d, lat, sa, ca, own_band):
    """The coarse hand-off of :func:`_one_azimuth` (level ``lev`` from its parent, in place
    into z, d, lat) by the compiled kernel."""
    levels = tile.levels
    pr, pc, du, dn, dh = _class_arrays(tile, lev, levels[lev][4], _observer_shift(lev, levels),
                                       _observer_shift(lev + 1, levels), sa, ca)
    zp, dp, lp = (np.ascontiguousarray(a) for a in parent)
    _kern.blend(z, d, lat, zp, dp, lp, dh[0][0], dh[0][1], dh[1][0], dh[1][1], pr, pc, du, dn,
                np.float32(2 * R_MOON_KM), own_band)


def _merge0_kernel(tile, parent, levels, p, sa, ca, out):
    """The level-0 hand-off and arctan of :func:`_one_azimuth` by the compiled kernel."""
    if parent is None:  # a one-level pyramid: nothing to hand off (placeholders)
        z = np.zeros((1, 1), np.float32)
        zp = dp = lp = z
        pr, pc = np.zeros(2, dtype=np.int64), np.zeros(2, dtype=np.int64)
        du = dn = np.zeros((2, 2), dtype=np.float32)
        dh = [[z, z], [z, z]]
    else:
        zp, dp, lp = (np.ascontiguousarray(a) for a in parent)
        pr, pc, du, dn, dh = _class_arrays(tile, 0, p, (0.0, 0.0), _observer_shift(1, levels),
                                           sa, ca)
    _kern.merge0(out, zp, dp, lp, np.float32(2 * R_MOON_KM), pr, pc, du, dn,
                 dh[0][0], dh[0][1], dh[1][0], dh[1][1], parent is not None)


def _row_block(nx: int) -> int:
    """Rows per block: ~128k pixels, 0.5 MB float32 temporaries, few Python-level calls."""
    return max(8, 2 * (131072 // max(nx, 1) // 2))


def _atan_inplace(t: np.ndarray) -> None:
    """arctan in place for float32, |error| < 1.2e-5 rad (0.0007 deg; measured 1.16e-5).

    The degree-9 odd polynomial of Abramowitz & Stegun (1964) eq. 4.4.48 on [0, 1]
    (|error| <= 1e-5 there, plus float32 rounding), with atan(x) = pi/2 - atan(1/x)
    beyond: about 3x faster than ``np.arctan`` on float32 arrays.  Quantisation of
    cached masks (0.005 deg) is coarser.
    """
    a = np.abs(t)
    big = a > 1
    np.divide(np.float32(1.0), a, out=a, where=big)
    z2 = a * a
    p = np.float32(0.0208351) * z2
    p += np.float32(-0.0851330)
    p *= z2
    p += np.float32(0.1801410)
    p *= z2
    p += np.float32(-0.3302995)
    p *= z2
    p += np.float32(0.9998660)
    p *= a
    # beyond 1: pi/2 - p
    np.subtract(np.float32(np.pi / 2), p, out=p, where=big)
    np.copysign(p, t, out=t)


@dataclass(frozen=True, eq=False)
class HorizonPyramid:
    """The terrain pyramid of a map and everything a tile of it needs, azimuth independent.

    Built once per map by :func:`horizon_pyramid` (a few bytes per map pixel: the float32
    levels, 1.33 x the map); tiles of observer pixels are then computed independently
    from it by :func:`horizon_tile`.  Picklable, so it can be shipped to worker processes.
    """

    levels: tuple  # per level: (terrain_km with margin, margin, ny, nx, pixel_km)
    eyes: tuple  # per level: observer heights [km] (ny, nx), views of the terrain
    small: tuple  # per level: whole level marched with one gather (decided on the map)
    x0_km: float
    y0_km: float
    k_curv: float  # scale factor used in the fine march's curvature term (map centre)
    n_azimuths: int
    max_distance_km: float

    @property
    def shape(self) -> tuple[int, int]:
        """(ny, nx) of the map."""
        return self.levels[0][2], self.levels[0][3]


@dataclass(frozen=True, eq=False)
class _Tile:
    """Tile-local views of a :class:`HorizonPyramid` (rows r0:r1, cols c0:c1 at level 0)."""

    levels: tuple
    shape: tuple  # per level (ny, nx) of the tile
    origin: tuple  # per level (row, col) of the tile's first cell in the level's grid
    readers: tuple  # per level: (terrain view, parity sub-grids or None, margin, stride, pt)
    eyes: tuple
    dhc: tuple
    small: tuple
    fac0: tuple  # (eye, k / (1 + eye / R)) at level 0
    k1: np.ndarray | None  # scale factor at level-1 observers
    k_curv: float


def horizon_pyramid(
    dem: Dem,
    n_azimuths: int = 360,
    max_distance_km: float = 150.0,
    observer_height_m: float = 0.0,
    far_field: Dem | TerrainStack | None = None,
) -> HorizonPyramid:
    """The terrain pyramid :func:`horizon_tile` computes masks from.

    Parameters
    ----------
    dem, n_azimuths, max_distance_km, observer_height_m, far_field
        As :func:`horizon_mask` (km, m).

    Returns
    -------
    HorizonPyramid
    """
    _validate(dem, n_azimuths, max_distance_km, observer_height_m, far_field, 1)
    levels = _build_levels(dem, far_field, float(max_distance_km))
    oh_km = np.float32(observer_height_m / 1000.0)
    eyes = tuple(t[m : m + ny, m : m + nx] + oh_km for (t, m, ny, nx, _) in levels)
    small = tuple(ny * nx <= _SMALL_GRID for (_, _, ny, nx, _) in levels)
    ny, nx = dem.shape
    xc = dem.x0_km + 0.5 * nx * dem.pixel_km
    yc = dem.y0_km - 0.5 * ny * dem.pixel_km
    k_curv = float(np.float32(scale_factor_xy(np.array([xc]), np.array([yc]))[0]))
    return HorizonPyramid(tuple(levels), eyes, small, float(dem.x0_km), float(dem.y0_km),
                          k_curv, int(n_azimuths), float(max_distance_km))


def _k_grid(pyr: HorizonPyramid, lev: int, rows: tuple[int, int], cols: tuple[int, int]):
    """Scale factor k (float32) at the observers of one level's cells rows x cols."""
    p = pyr.levels[lev][4]
    xs = pyr.x0_km + (np.arange(*cols) + 0.5) * p
    ys = pyr.y0_km - (np.arange(*rows) + 0.5) * p
    return scale_factor_xy(xs[None, :], ys[:, None]).astype(np.float32)


def _tile(pyr: HorizonPyramid, rows: tuple[int, int], cols: tuple[int, int]) -> _Tile:
    """Tile-local views and small copies (parity sub-grids, height differences)."""
    (r0, r1), (c0, c1) = rows, cols
    levels = pyr.levels
    shape, origin, readers, eyes = [], [], [], []
    for lev, (_, _, ny, nx, _) in enumerate(levels):
        s = 2**lev
        a, b = r0 // s, min(ny, -(-r1 // s))
        c, d = c0 // s, min(nx, -(-c1 // s))
        shape.append((b - a, d - c))
        origin.append((a, c))
        eyes.append(np.ascontiguousarray(pyr.eyes[lev][a:b, c:d]))  # the kernels read rows
        tl, st = _terrain_level(lev)
        terr, m, _, _, pt = levels[tl]
        view = terr[a * st : b * st + 2 * m + st, c * st : d * st + 2 * m + st]
        subs = None
        if st == 2 and lev > 0:
            subs = [[np.ascontiguousarray(view[i::2, j::2]) for j in (0, 1)] for i in (0, 1)]
        readers.append((view, subs, m, st, pt))
    dhc = []
    for lev in range(len(levels) - 1):
        (ny, nx), (a, c) = shape[lev], origin[lev]
        e, ep = eyes[lev], eyes[lev + 1]
        rows_ = []
        for sr in (0, 1):
            cols_ = []
            for sc in (0, 1):
                na, nb = len(range(sr, ny, 2)), len(range(sc, nx, 2))
                pr, pc = (a + sr) // 2 - a // 2, (c + sc) // 2 - c // 2
                cols_.append(np.ascontiguousarray(
                    e[sr::2, sc::2] - ep[pr : pr + na, pc : pc + nb]))
            rows_.append(cols_)
        dhc.append(rows_)
    k0 = _k_grid(pyr, 0, rows, cols)
    eye0 = np.ascontiguousarray(eyes[0])
    fac0 = (eye0, k0 / (np.float32(1.0) + eye0 / np.float32(R_MOON_KM)))
    k1 = None
    if len(levels) > 1:
        (a, c), (ny1, nx1) = origin[1], shape[1]
        k1 = _k_grid(pyr, 1, (a, a + ny1), (c, c + nx1))
    return _Tile(levels, tuple(shape), tuple(origin), tuple(readers), tuple(eyes), tuple(dhc),
                 pyr.small, fac0, k1, pyr.k_curv)


def horizon_tile(
    pyr: HorizonPyramid,
    rows: tuple[int, int],
    cols: tuple[int, int],
    azimuths: tuple[int, int] | None = None,
    out: np.ndarray | None = None,
    progress: Callable[[int], None] | None = None,
) -> np.ndarray:
    """Horizon masks [rad] of the map pixels rows x cols, equal bit for bit to the same
    cells of :func:`horizon_mask` on the whole map.

    Parameters
    ----------
    pyr : HorizonPyramid
        The map's pyramid (:func:`horizon_pyramid`).
    rows, cols : tuple of int
        Half-open pixel ranges (start, stop) of the tile.
    azimuths : tuple of int, optional
        Half-open range of azimuth bins; default all.
    out : numpy.ndarray, optional
        float32 (ny, nx, k1 - k0) array written in place (a view into a larger array
        is fine); default a new array.
    progress : callable(n), optional
        Called with the number of azimuths finished after each batch.

    Returns
    -------
    numpy.ndarray, float32, shape (r1 - r0, c1 - c0, k1 - k0)
    """
    (r0, r1), (c0, c1) = rows, cols
    ny, nx = pyr.shape
    if not (0 <= r0 < r1 <= ny and 0 <= c0 < c1 <= nx):
        raise ValueError(f"rows, cols: tile {rows} x {cols} must lie within the map's "
                         f"{ny} x {nx} pixels and be non-empty")
    k0, k1 = (0, pyr.n_azimuths) if azimuths is None else azimuths
    tile = _tile(pyr, (r0, r1), (c0, c1))
    if out is None:
        out = _fresh_array((r1 - r0, c1 - c0, k1 - k0))[0]
    _tile_azimuths(pyr, tile, None, (k0, k1), out, progress)
    return out


#: Azimuths computed into one (batch, ny, nx) buffer before its transposed write.
_BATCH = 24


def _tile_azimuths(pyr, tile, buf, azimuths, out, progress=None):
    """Azimuth bins azimuths = (k0, k1) of a tile into ``out`` (ty, tx, k1 - k0), through
    ``buf`` (a float32 scratch of at least (min(_BATCH, k1 - k0), ty, tx), or None)."""
    k0, k1 = azimuths
    ty, tx = tile.shape[0]
    if buf is None:
        buf = _fresh_array((min(_BATCH, k1 - k0), ty, tx))[0]
    alphas = azimuths_rad(pyr.n_azimuths)
    for b0 in range(k0, k1, _BATCH):
        b1 = min(k1, b0 + _BATCH)
        # a contiguous (batch, ny, nx) buffer, then one transposed write
        for kk in range(b0, b1):
            _one_azimuth(tile, alphas[kk], pyr.max_distance_km, buf[kk - b0])
        if _KERNELS and _USE_KERNELS[0]:  # the same copy without the GIL (threads)
            _kern.transpose_batch(buf[: b1 - b0], out[:, :, b0 - k0 : b1 - k0])
        else:  # transposed copy in row tiles: 8x faster than one big strided copy (cache/TLB)
            for q in range(0, ty, 64):
                out[q : q + 64, :, b0 - k0 : b1 - k0] = (
                    buf[: b1 - b0, q : q + 64, :].transpose(1, 2, 0))
        if progress is not None:
            progress(b1 - b0)


#: In a forked worker of :func:`horizon_mask`: (pyramid, its whole-map tile, scratch buffer),
#: built at the worker's first batch and reused by its next ones (the tile's copies take
#: ~25 ms at 1000^2, and a fresh 96 MB buffer's pages cost as much or more).
_WORKER_STATE: list = []


def _azimuth_batch(item, pyr, out):
    """Worker: azimuth bins item = (k0, k1) of the whole map, written into shared ``out``."""
    k0, k1 = item
    ny, nx = pyr.shape
    if not (_WORKER_STATE and _WORKER_STATE[0] is pyr):
        _WORKER_STATE[:] = [pyr, _tile(pyr, (0, ny), (0, nx)),
                            np.empty((_BATCH, ny, nx), dtype=np.float32)]
    _tile_azimuths(pyr, _WORKER_STATE[1], _WORKER_STATE[2], (k0, k1), out[:, :, k0:k1])
    return k1 - k0


#: madvise(2) MADV_POPULATE_WRITE (Linux >= 5.14; not named by Python's mmap module).
_MADV_POPULATE_WRITE = 23


def _populate(buf: mmap.mmap, start: int, length: int) -> None:
    """Fault in pages [start, start + length) of ``buf`` in one call (fewer traps than
    one fault per 4 kB page at first write); a no-op where the kernel lacks it."""
    try:
        buf.madvise(_MADV_POPULATE_WRITE, start, length)
    except (OSError, ValueError):
        pass


def _fresh_array(shape) -> tuple[np.ndarray, mmap.mmap | None]:
    """An uninitialised float32 array in fresh private memory of 4 kB pages, and its mmap.

    Not in transparent huge pages (NumPy asks for them for large arrays): with this
    machine's ``defrag = madvise`` a huge-page fault may compact memory first, and faulting
    in 1.44 GB took 0.4-2.5 s of system time against 0.45-0.5 s in 4 kB pages populated at
    once (0.8 s for shared memory); one worker at 1000^2 x 360 az spent 3.6-4.3 s of system
    time with np.empty, 0.5-0.6 s with this (same run).
    """
    count = int(np.prod(shape, dtype=np.int64))
    if not (hasattr(mmap, "MAP_PRIVATE") and hasattr(mmap, "MAP_ANONYMOUS")):
        return np.empty(shape, dtype=np.float32), None  # pragma: no cover (not POSIX)
    store = mmap.mmap(-1, max(4 * count, 1), flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    try:
        store.madvise(mmap.MADV_NOHUGEPAGE)
    except (AttributeError, OSError, ValueError):  # pragma: no cover
        pass
    return np.frombuffer(store, dtype=np.float32, count=count).reshape(shape), store


def _thread_map(pyr: HorizonPyramid, items, n_threads: int, tick) -> np.ndarray:
    """Masks (ny, nx, A) of the whole map, azimuth ranges ``items`` on ``n_threads`` threads.

    The compiled kernels release the GIL and hold ~95 % of the work (the rest is a few
    dozen Python-level calls per azimuth), so threads use the cores as processes did,
    but share one tile and one page table: each page of the result is faulted in once,
    not once per process (1000^2 x 360 az: 0.35 M minor faults against 0.73 M, CPU
    6.0-6.6 s against 7.1-7.5 s, same run).  The result is private memory in 4 kB pages
    (:func:`_fresh_array`), each thread first populating a share of it in one call.
    ``tick(n)`` is called in this thread as ranges complete.
    """
    ny, nx = pyr.shape
    out, store = _fresh_array((ny, nx, pyr.n_azimuths))
    tile = _tile(pyr, (0, ny), (0, nx))
    local = threading.local()

    def run(item):
        buf = getattr(local, "buf", None)
        if buf is None:
            buf = local.buf = _fresh_array((_BATCH, ny, nx))[0]
        k0, k1 = item
        _tile_azimuths(pyr, tile, buf, (k0, k1), out[:, :, k0:k1])
        return k1 - k0

    with ThreadPoolExecutor(n_threads) as ex:
        if store is not None:  # first in the queue: one share of the pages per thread
            page, nbytes = mmap.PAGESIZE, out.nbytes
            edges = [i * (nbytes // page) // n_threads * page for i in range(n_threads)]
            for a, b in pairwise([*edges, nbytes]):
                ex.submit(_populate, store, a, b - a)
        futures = [ex.submit(run, item) for item in items]
        try:
            for fut in as_completed(futures):
                tick(fut.result())
        except BaseException:
            for fut in futures:
                fut.cancel()
            raise
    return out


def _worker_items(n_azimuths: int, workers: int) -> list[tuple[int, int]]:
    """Azimuth ranges of at most _BATCH bins, ordered so that dealing item k to worker
    k mod (number of chunks) (as :func:`~lupex.surface.parallel.fork_map` does) gives every
    worker a contiguous chunk of A / workers bins (equal work: 15 batches of 24 dealt to
    2 workers gave one of them 8 and the other 7)."""
    edges = [i * n_azimuths // workers for i in range(workers + 1)]
    chunks = [(a, b) for a, b in pairwise(edges) if b > a]
    m = -(-max(b - a for a, b in chunks) // _BATCH)
    return [(a + j * (b - a) // m, a + (j + 1) * (b - a) // m)
            for j in range(m) for a, b in chunks]


def horizon_mask(
    dem: Dem,
    n_azimuths: int = 360,
    max_distance_km: float = 150.0,
    observer_height_m: float = 0.0,
    far_field: Dem | TerrainStack | None = None,
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
    far_field : Dem, TerrainStack or None
        Terrain used beyond the DEM edge (bare sphere where absent): one coarser
        :class:`Dem`, or a :class:`~lupex.surface.stack.TerrainStack` whose finest layer
        covering each sample gives its height (box-averaged to the sample spacing).
    workers : int
        Parallel workers, each computing a share of the azimuths: threads with the
        compiled kernels (which release the GIL), else forked processes writing into one
        shared-memory result.  The result does not depend on it.
    progress : callable(done, total) or None
        Called as azimuths complete.

    Returns
    -------
    ndarray, float32, shape (ny, nx, A)
        Horizon elevation [rad] above the local horizontal plane; C-order.
    """
    _validate(dem, n_azimuths, max_distance_km, observer_height_m, far_field, workers)
    pyr = horizon_pyramid(dem, n_azimuths, max_distance_km, observer_height_m, far_field)
    ny, nx = dem.shape
    done = [0]

    def tick(nb):
        done[0] += nb
        if progress is not None:
            progress(done[0], n_azimuths)

    items = _worker_items(n_azimuths, workers)
    n_proc = min(workers, n_azimuths)
    if _KERNELS and _USE_KERNELS[0]:
        return _thread_map(pyr, items, n_proc, tick)
    if n_proc == 1 or len(items) == 1 or not fork_available():
        out = np.empty((ny, nx, n_azimuths), dtype=np.float32)
        horizon_tile(pyr, (0, ny), (0, nx), out=out, progress=tick)
        return out
    out = shared_array((ny, nx, n_azimuths), np.float32)
    fork_map(_azimuth_batch, items, (pyr, out), n_proc, on_result=tick)
    return out


def horizon_at(horizon_rad: np.ndarray, alpha_rad) -> np.ndarray:
    """Mask elevation [rad] at grid azimuths ``alpha_rad``, linear between the two nearest bins.

    Parameters
    ----------
    horizon_rad : numpy.ndarray, shape (..., A)
        Masks [rad], bins at grid azimuths ``2 pi k / A``.
    alpha_rad : array_like
        Grid azimuths [rad], broadcast against ``horizon_rad.shape[:-1]``.

    Returns
    -------
    numpy.ndarray, shape horizon_rad.shape[:-1]
        Horizon elevation [rad].
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


def mask_rows(horizon_rad, n_pixels: int | None = None) -> np.ndarray:
    """Horizon masks checked and flattened to one row per pixel.

    Parameters
    ----------
    horizon_rad : array_like, shape (..., A)
        Masks [rad] in grid azimuth, A >= 4 bins.
    n_pixels : int, optional
        The number of pixels the masks must describe.

    Returns
    -------
    numpy.ndarray, shape (n, A)
        A view when possible.

    Raises
    ------
    ValueError
        For fewer than 4 bins, a pixel count other than ``n_pixels``, or elevations that are
        not finite or outside [-pi/2, pi/2].
    """
    hor = np.asarray(horizon_rad)
    if hor.ndim < 2 or hor.shape[-1] < 4:
        raise ValueError(
            f"horizon_rad: must be shaped (..., A) with A >= 4 azimuth bins; got shape {hor.shape}")
    hor = hor.reshape(-1, hor.shape[-1])
    if n_pixels is not None and hor.shape[0] != n_pixels:
        raise ValueError(
            f"horizon_rad: {hor.shape[0]} pixels do not match the {n_pixels} lat/lon points")
    lo, hi = np.nanmin(hor), np.nanmax(hor)
    if not (np.isfinite(lo) and np.isfinite(hi)) or lo < -np.pi / 2 or hi > np.pi / 2:
        raise ValueError(
            f"horizon_rad: elevations must be finite and within [-pi/2, pi/2] rad; got [{lo}, {hi}]")
    return hor


def horizon_series(horizon_rad: np.ndarray, alpha_rad: np.ndarray) -> np.ndarray:
    """Mask elevation [rad] of each pixel along its own azimuth series.

    Parameters
    ----------
    horizon_rad : numpy.ndarray, shape (n, A)
        Masks [rad] in grid azimuth.
    alpha_rad : numpy.ndarray, shape (n, m)
        Grid azimuths [rad], one series per pixel.

    Returns
    -------
    numpy.ndarray, shape (n, m)
        :func:`horizon_at` on a zero-copy (n, m, A) view (linear between bins).
    """
    n, m = alpha_rad.shape
    view = np.broadcast_to(horizon_rad[:, None, :], (n, m, horizon_rad.shape[-1]))
    return horizon_at(view, alpha_rad)
