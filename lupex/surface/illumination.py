"""Fraction of the solar (or Earth) disk visible above a pixel's terrain horizon, over time.

Two evaluation paths share the conventions of :mod:`lupex.surface.projection`
(horizon masks ``(..., A)`` in grid azimuth, bin centres ``alpha_k = 2 pi k / A``):

* **Exact, per pixel and time** (:func:`body_sky_geometry`, :func:`visible_fraction`,
  :func:`site_series`): the body's elevation ``asin(s.u)`` and grid azimuth are computed for
  every pixel and time from the ephemeris (topocentric for the Earth), the horizon is
  interpolated linearly between the two nearest bins, and the visible part of the disk is the
  circular-segment fraction :func:`disk_fraction`.  Use it for sites (a few to a few
  thousand pixels) and as the reference for the fast path.

* **Map-wide, threshold tables** (:func:`threshold_tables`, :func:`illumination_map`): the
  body's direction is described by its sub-body latitude delta(t) and longitude lambda(t)
  in MOON_ME, both pixel independent.  For each pixel and each of ``L`` longitude bins the
  *threshold latitude* beta at which the disk centre (or its top edge) sits exactly on the
  horizon is solved in closed form, with the pixel's own local vertical u (the tilt across
  the map enters exactly).  Near the south pole the elevation falls as delta rises
  (e ~ -delta), so the body is entirely hidden iff ``delta'(t) >= beta_top(lambda(t))`` and a
  time series per pixel costs one table gather and one comparison.  Long-window averages
  use the body's (lambda, delta) distribution against the same tables
  (:func:`mean_fraction_from_distribution`), independent of the number of time steps.

Approximations of the map path (each bound checked by the tests against the exact path):
the body's grid azimuth is evaluated at delta = 0 (the delta-dependence is ~theta*delta,
theta = pixel colatitude: <= 0.06 deg for the Earth at 89.5 S, <= 0.002 deg for the Sun);
lambda is quantised to the nearest of ``L`` bins (default 720: <= 0.25 deg of azimuth, the
mask itself has 1 deg bins); the time variation of the disk radius and of the Earth's
parallax enters as a shift of delta with slope |de/d delta| taken as 1 (error
< 0.5 % of a 0.1 deg shift); the partial-disk fraction assumes e linear in delta across the
disk (2 rho ~ 0.5 deg); within 0.51 deg of the pole the tables use series forms with no
transcendental per element (bounds in :func:`threshold_tables`).  Measured against the
exact path: mean fraction within 6e-4, lit/dark state identical except for samples whose
disk top is within 0.03 deg of the horizon.  Valid on the south cap (lat < -60 deg), where
e decreases monotonically with delta; the functions refuse other latitudes.

Cost (benchmarks/bench_illumination.py): O(pixels x L) for the tables and the mean, plus
one gather and comparison per pixel and time step for the run statistics.
"""

from __future__ import annotations

import multiprocessing as mp
from dataclasses import dataclass

import numpy as np

from lupex import ephemeris
from lupex.constants import R_EARTH_KM, R_MOON_KM, SUN_RADIUS_KM
from lupex.geometry import angular_radius, enu_basis
from lupex.surface.horizon import horizon_at

BODY_RADIUS_KM = {"sun": SUN_RADIUS_KM, "earth": R_EARTH_KM}
TWO_PI = 2.0 * np.pi
MAX_MAP_LAT_RAD = np.radians(-60.0)  # the threshold path needs e to fall as delta rises

__all__ = [
    "BodyTrack",
    "IlluminationMap",
    "RunStats",
    "SiteSeries",
    "body_sky_geometry",
    "body_track",
    "disk_fraction",
    "illumination_map",
    "mean_fraction_from_distribution",
    "run_statistics",
    "sample_weights_h",
    "site_series",
    "threshold_tables",
    "visible_fraction",
]


# --------------------------------------------------------------------------- disk geometry
def disk_fraction(x):
    """Visible fraction of a uniform disk cut by a straight horizon.

    Parameters
    ----------
    x : array_like
        ``(e - h) / rho``: elevation of the disk centre above the horizon in units of the
        disk's angular radius rho.

    Returns
    -------
    ndarray
        ``f = (acos(-x) + x sqrt(1 - x^2)) / pi`` for |x| < 1, 1 for x >= 1, 0 for x <= -1:
        the area of the circular segment above a chord at distance x from the centre,
        divided by pi (Weisstein, "Circular Segment", MathWorld; A = R^2 acos(d/R) -
        d sqrt(R^2 - d^2) for the part beyond the chord).  Limb darkening is ignored.
    """
    x = np.clip(np.asarray(x, dtype=float), -1.0, 1.0)
    return (np.arccos(-x) + x * np.sqrt(1.0 - x * x)) / np.pi


def sample_weights_h(jd_tdb) -> np.ndarray:
    """Duration [h] each sample stands for: the step to the next sample (the last repeats the
    previous step; a single sample counts 1 h).  Times must be strictly increasing."""
    jd = np.asarray(jd_tdb, dtype=float)
    if jd.ndim != 1 or jd.size == 0:
        raise ValueError(f"jd_tdb: must be a non-empty 1-D array of TDB Julian dates, got shape {jd.shape}")
    if jd.size == 1:
        return np.ones(1)
    step = np.diff(jd) * 24.0
    if np.any(step <= 0):
        raise ValueError("jd_tdb: times must be strictly increasing")
    return np.append(step, step[-1])


# ------------------------------------------------------------------------- input checking
def _check_horizon(horizon_rad, n_pixels: int | None = None) -> np.ndarray:
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


def _check_latlon(lat_rad, lon_rad, max_lat: float = 0.0):
    lat = np.asarray(lat_rad, dtype=float).ravel()
    lon = np.asarray(lon_rad, dtype=float).ravel()
    if lat.shape != lon.shape:
        raise ValueError(f"lat_rad/lon_rad: shapes differ ({lat.shape} vs {lon.shape})")
    if lat.size and (not np.all(np.isfinite(lat)) or lat.min() < -np.pi / 2 - 1e-12 or lat.max() > max_lat):
        raise ValueError(
            f"lat_rad: must lie in [-pi/2, {max_lat:.4f}] rad (south cap); "
            f"got [{np.nanmin(lat):.4f}, {np.nanmax(lat):.4f}]")
    return lat, lon


def _horizon_series(horizon_rad: np.ndarray, alpha_rad: np.ndarray) -> np.ndarray:
    """Mask (n, A) at per-pixel azimuth series ``alpha_rad`` (n, m) [rad], linear between bins
    (:func:`lupex.surface.horizon.horizon_at` on a zero-copy (n, m, A) view)."""
    n, m = alpha_rad.shape
    view = np.broadcast_to(horizon_rad[:, None, :], (n, m, horizon_rad.shape[-1]))
    return horizon_at(view, alpha_rad)


# ------------------------------------------------------------------------- body directions
@dataclass(frozen=True)
class BodyTrack:
    """Pixel-independent description of the Sun's or Earth's motion over a window.

    ``lat_rad``/``lon_rad`` are the sub-body point in MOON_ME (from the Moon's centre, LT+S),
    ``radius_rad`` the apparent angular radius asin(R_body/d) and ``parallax_rad`` the
    horizontal parallax asin(R_moon/d) for the Earth, 0 for the Sun (the topocentric
    elevation near the horizon is the geocentric one minus it), ``weight_h`` the hours each sample stands for.
    """

    body: str
    jd_tdb: np.ndarray
    vec_me_km: np.ndarray  # (3, nt) from the Moon's centre
    lat_rad: np.ndarray
    lon_rad: np.ndarray
    dist_km: np.ndarray
    radius_rad: np.ndarray
    parallax_rad: np.ndarray
    weight_h: np.ndarray


def body_track(body: str, jd_tdb, chunk: int = 50_000) -> BodyTrack:
    """Sub-body latitude/longitude, distance and angular radius of ``body`` over ``jd_tdb``.

    Parameters
    ----------
    body : {"sun", "earth"}
    jd_tdb : array_like, shape (nt,)
        Strictly increasing TDB Julian dates within the DE421 span.
    """
    if body not in BODY_RADIUS_KM:
        raise ValueError(f"body: must be 'sun' or 'earth', got {body!r}")
    jd = ephemeris.check_span(np.atleast_1d(jd_tdb), "jd_tdb")
    w = sample_weights_h(jd)
    vec = np.concatenate([ephemeris.body_position_me(body, jd[i:i + chunk])
                          for i in range(0, jd.size, chunk)], axis=1)
    dist = np.linalg.norm(vec, axis=0)
    u = vec / dist
    # The Sun is treated as seen from the Moon's centre (its parallax, 0.0007 deg, is
    # dropped in both paths); the Earth's ~0.95 deg parallax is kept.
    parallax = np.arcsin(R_MOON_KM / dist) if body == "earth" else np.zeros_like(dist)
    return BodyTrack(
        body=body, jd_tdb=jd, vec_me_km=vec,
        lat_rad=np.arcsin(np.clip(u[2], -1.0, 1.0)), lon_rad=np.arctan2(u[1], u[0]),
        dist_km=dist, radius_rad=angular_radius(BODY_RADIUS_KM[body], dist),
        parallax_rad=parallax, weight_h=w,
    )


def body_sky_geometry(lat_rad, lon_rad, track: BodyTrack, height_m=0.0, topocentric: bool | None = None):
    """Exact elevation and azimuths of a body at each pixel and time.

    Parameters
    ----------
    lat_rad, lon_rad : array_like, shape (n,)
        Pixel latitude and east longitude [rad].
    track : BodyTrack
        From :func:`body_track`.
    height_m : float or array_like (n,)
        Pixel height above the 1737.4 km sphere [m] (moves the topocentric origin).
    topocentric : bool, optional
        Use the vector from the pixel (default: True for the Earth, False for the Sun, whose
        direction from the Moon's centre differs by < 0.0007 deg).

    Returns
    -------
    el_rad, az_local_rad, az_grid_rad : ndarray, shape (n, nt)
        Elevation asin(s.u) above the tangent plane, azimuth from local north toward east,
        and grid azimuth ``A + lon`` (:mod:`lupex.surface.projection`).
    """
    lat, lon = _check_latlon(lat_rad, lon_rad)
    east, north, up = enu_basis(lat, lon)  # (n, 3) each
    vec = track.vec_me_km
    topo = (track.body == "earth") if topocentric is None else topocentric
    su = up @ vec  # (n, nt)
    if topo:
        r = R_MOON_KM + np.broadcast_to(np.asarray(height_m, dtype=float) / 1000.0, lat.shape)[:, None]
        d = np.sqrt(track.dist_km[None, :] ** 2 - 2.0 * r * su + r * r)
        sin_e = (su - r) / d  # (s - r u).u / |s - r u|
    else:
        sin_e = su / track.dist_km[None, :]
    # The horizontal part of (s - r u) equals that of s, so azimuths need no parallax.
    a_loc = np.mod(np.arctan2(east @ vec, north @ vec), TWO_PI)
    return np.arcsin(np.clip(sin_e, -1.0, 1.0)), a_loc, np.mod(a_loc + lon[:, None], TWO_PI)


def visible_fraction(lat_rad, lon_rad, horizon_rad, track: BodyTrack, height_m=0.0,
                     chunk_pixels: int = 256) -> np.ndarray:
    """Exact visible fraction of the body's disk, shape (n, nt), chunked over pixels.

    ``f = disk_fraction((e - h(alpha)) / rho)`` with e the (topocentric for the Earth)
    elevation, h the mask interpolated at the body's grid azimuth and rho = asin(R/d).
    """
    lat, lon = _check_latlon(lat_rad, lon_rad)
    hor = _check_horizon(horizon_rad, lat.size)
    hgt = np.broadcast_to(np.asarray(height_m, dtype=float), lat.shape)
    out = np.empty((lat.size, track.jd_tdb.size))
    for i in range(0, lat.size, chunk_pixels):
        s = slice(i, i + chunk_pixels)
        el, _, az = body_sky_geometry(lat[s], lon[s], track, hgt[s])
        h = _horizon_series(hor[s], az)
        out[s] = disk_fraction((el - h) / track.radius_rad[None, :])
    return out


# ------------------------------------------------------------------- lit/dark run lengths
@dataclass(frozen=True)
class RunStats:
    """Lit/dark period statistics per pixel over a window (runs cut by the window ends).

    ``longest_dark_h``: longest stretch with no part of the disk visible [h];
    ``longest_lit_h``: longest stretch with some part visible [h]; ``n_lit_periods``: number
    of separate lit stretches; ``mean_lit_h``: their mean length [h] (0 where none).
    """

    longest_dark_h: np.ndarray
    longest_lit_h: np.ndarray
    n_lit_periods: np.ndarray
    mean_lit_h: np.ndarray


def _runs_from_transitions(t_idx, p_idx, lit0, edges_h) -> RunStats:
    """Run statistics from state changes.

    ``t_idx[i]``/``p_idx[i]``: the state of pixel ``p_idx[i]`` differs between samples
    ``t_idx[i] - 1`` and ``t_idx[i]`` (each pixel's entries in increasing time); ``lit0`` (n,) the state at sample 0; ``edges_h``
    (nt + 1,) cumulative hours, sample j covering [edges[j], edges[j+1]).  Vectorised: each
    run is the stretch between consecutive boundaries of the same pixel.
    """
    n = lit0.size
    nt = edges_h.size - 1
    # Callers list each pixel's changes in increasing time, so a stable sort by pixel
    # (radix sort for integers) suffices.
    order = np.argsort(p_idx, kind="stable")
    t, p = t_idx[order], p_idx[order]
    counts = np.bincount(p, minlength=n)
    first = np.concatenate(([0], np.cumsum(counts)[:-1]))
    rank = np.arange(t.size) - first[p]  # index of the transition within its pixel
    prev = np.where(rank > 0, np.roll(t, 1), 0)
    # Runs ending at each transition, then the final run of every pixel.
    last_t = np.zeros(n, dtype=np.intp)
    has = counts > 0
    last_t[has] = t[first[has] + counts[has] - 1]
    run_start = np.concatenate((prev, last_t))
    run_end = np.concatenate((t, np.full(n, nt)))
    run_pix = np.concatenate((p, np.arange(n)))
    run_rank = np.concatenate((rank, counts))
    run_lit = lit0[run_pix] ^ (run_rank % 2 == 1)
    dur = edges_h[run_end] - edges_h[run_start]
    longest_dark = np.zeros(n)
    longest_lit = np.zeros(n)
    np.maximum.at(longest_dark, run_pix[~run_lit], dur[~run_lit])
    np.maximum.at(longest_lit, run_pix[run_lit], dur[run_lit])
    n_lit = np.bincount(run_pix[run_lit], minlength=n)
    lit_total = np.bincount(run_pix[run_lit], weights=dur[run_lit], minlength=n)
    mean_lit = np.divide(lit_total, n_lit, out=np.zeros(n), where=n_lit > 0)
    return RunStats(longest_dark, longest_lit, n_lit, mean_lit)


def run_statistics(lit, jd_tdb) -> RunStats:
    """Longest darkness, longest lit stretch and number/mean length of lit periods.

    Parameters
    ----------
    lit : array_like of bool, shape (n, nt)
        True where some part of the disk is visible.
    jd_tdb : array_like, shape (nt,)
        Sample times; each sample stands for :func:`sample_weights_h` hours.
    """
    lit = np.atleast_2d(np.asarray(lit, dtype=bool))
    w = sample_weights_h(jd_tdb)
    if lit.shape[1] != w.size:
        raise ValueError(f"lit: has {lit.shape[1]} time samples but jd_tdb has {w.size}")
    p, t = np.nonzero(lit[:, 1:] != lit[:, :-1])
    edges = np.concatenate(([0.0], np.cumsum(w)))
    return _runs_from_transitions(t + 1, p, lit[:, 0].copy(), edges)


# --------------------------------------------------------------------- per-site time series
@dataclass(frozen=True)
class SiteSeries:
    """Exact time series of one body at a few sites (pixels).

    ``fraction`` (n, nt) visible disk fraction; ``el_rad``/``az_local_rad`` (n, nt) body
    elevation and local azimuth; ``horizon_rad`` (n, nt) mask elevation at the body's
    azimuth; ``stats`` the run statistics; ``mean_fraction`` (n,) time-weighted mean.
    """

    body: str
    jd_tdb: np.ndarray
    fraction: np.ndarray
    el_rad: np.ndarray
    az_local_rad: np.ndarray
    horizon_rad: np.ndarray
    mean_fraction: np.ndarray
    stats: RunStats


def site_series(lat_rad, lon_rad, horizon_rad, track: BodyTrack, height_m=0.0) -> SiteSeries:
    """Exact fraction/elevation/azimuth series and run statistics at a few pixels.

    ``horizon_rad`` is (n, A): the masks of the n sites.  Cost O(n * nt); intended for
    sites, not whole maps (see :func:`illumination_map`).
    """
    lat, lon = _check_latlon(lat_rad, lon_rad)
    hor = _check_horizon(horizon_rad, lat.size)
    el, a_loc, a_grid = body_sky_geometry(lat, lon, track, height_m)
    h = _horizon_series(hor, a_grid).astype(float)
    frac = disk_fraction((el - h) / track.radius_rad[None, :])
    mean = frac @ track.weight_h / track.weight_h.sum()
    return SiteSeries(track.body, track.jd_tdb, frac, el, a_loc, h, mean,
                      run_statistics(frac > 0.0, track.jd_tdb))


# ----------------------------------------------------------------------- threshold tables
def _mask_lookup(hor, pos):
    """Mask (n, A) at fractional bin positions ``pos`` [bins], linear between bin centres,
    returned as (L, n) float32.  ``pos`` is (L, 1) when all pixels read the same positions
    (then whole mask columns are gathered) or (L, n) (one gather per element)."""
    n, n_az = hor.shape
    k0f = np.floor(pos)
    w = (pos - k0f).astype(np.float32)
    k0 = np.mod(k0f.astype(np.int64), n_az)
    k1 = k0 + 1
    k1[k1 == n_az] = 0
    if pos.shape[1] == 1:
        hor_t = np.ascontiguousarray(hor.T, dtype=np.float32)  # (A, n)
        h0 = hor_t[k0[:, 0]]
        return h0 + (hor_t[k1[:, 0]] - h0) * w
    flat = np.ascontiguousarray(hor, dtype=np.float32).ravel()
    base = (np.arange(n, dtype=np.int64) * n_az)[None, :]
    h0 = np.take(flat, k0 + base)
    return h0 + (np.take(flat, k1 + base) - h0) * w


def threshold_tables(lat_rad, lon_rad, horizon_rad, n_lon_bins: int = 720, *, centre_offset_rad: float = 0.0,
                     top_offset_rad: float | None = None, low_margin_rad: float | None = None,
                     tables=("centre", "top")):
    """Per-pixel threshold latitudes of a body for each of ``n_lon_bins`` sub-body longitudes.

    Geometry (exact for a body on the lunar equator, delta = 0, and in each pixel's own
    vertical): a pixel at colatitude theta (= 90 deg + lat) and longitude lon sees a body at
    (delta, lambda) at elevation e with

        sin e = sin(theta) cos(delta) cos(x) - cos(theta) sin(delta),   x = lambda - lon,

    and, for delta = 0, local azimuth A = atan2(sin x, cos(theta) cos x), i.e. grid azimuth
    ``alpha = A + lon = lambda + Delta`` with ``tan Delta = sin x cos x (1 - cos theta) /
    (cos theta cos^2 x + sin^2 x)`` (|Delta| < pi/2, so a plain atan).  The horizon h_pk is
    the mask at alpha_pk.  Solving sin e = sin(target) for delta: with
    ``psi = atan(tan(theta) cos x)`` the left side is ``(cos theta / cos psi) sin(psi - delta)``, so

        delta = psi - asin(sin(target) cos(psi) / cos(theta))

    (clipped to +-pi/2 where the target elevation is out of reach).  ``beta_centre`` uses
    target = h + centre_offset, ``beta_top`` target = h - top_offset: with centre_offset =
    parallax and top_offset = rho - parallax these are the latitudes at which the topocentric
    disk centre, and its top edge, touch the horizon; e falls as delta rises, so the disk is
    wholly hidden iff delta >= beta_top.

    ``tables`` picks which of "centre", "top", "top_low" to compute.  ``beta_top_low``
    (needs ``low_margin_rad``) uses the LOWEST horizon
    within +-low_margin of alpha_pk (mask piecewise linear: the two ends and the bin centre
    between them), for a conservative "never visible" test.

    Computed in float32 (angles to ~1e-7 rad) directly in (L, n) layout.

    Returns
    -------
    dict of float32 arrays shaped (L, n): ``beta_centre``, ``beta_top``, ``beta_top_low``
    (those asked for).
    """
    lat, lon = _check_latlon(lat_rad, lon_rad, max_lat=MAX_MAP_LAT_RAD)
    hor = _check_horizon(horizon_rad, lat.size)
    n_az = hor.shape[1]
    f32 = np.float32
    theta = np.pi / 2 + lat
    lam = (np.arange(n_lon_bins) * (TWO_PI / n_lon_bins)).astype(f32)[:, None]
    scale = f32(n_az / TWO_PI)
    top = centre_offset_rad if top_offset_rad is None else top_offset_rad
    if "top_low" in tables and low_margin_rad is None:
        raise ValueError("low_margin_rad: needed for the 'top_low' table")
    offsets = {"centre": centre_offset_rad, "top": -top, "top_low": -top}

    def low_horizon(pos):
        m = f32(low_margin_rad * n_az / TWO_PI)  # margin in bins (< 1 bin)
        h_lo = np.minimum(_mask_lookup(hor, pos - m), _mask_lookup(hor, pos + m))
        knot = np.round(pos)
        knot_in = np.abs(knot - pos) <= m  # the bin centre between the two ends, if any
        return np.where(knot_in, np.minimum(h_lo, _mask_lookup(hor, knot)), h_lo)

    out = {}
    if float(theta.max()) < 0.0089:
        # Within 0.51 deg of the pole: |Delta| <= theta^2/4 < 2e-5 rad is dropped (every pixel
        # reads the mask at the bin positions), tan(theta) cos x = a cos(lam) + b sin(lam)
        # with a, b = tan(theta) (cos lon, sin lon), psi = tc - tc^3/3 (error < 1e-10 rad),
        # q = cos(psi)/cos(theta) = 1 + (theta^2 - tc^2)/2 + O(theta^4), and
        # asin(q sin y) = q y + (q - 1)(tan y - y) + ...: the dropped term is < 4e-5 (tan y - y),
        # i.e. < 1e-5 rad for horizons below 45 deg.  No transcendental per element.
        tth = np.tan(theta)
        a = (tth * np.cos(lon)).astype(f32)[None, :]
        b = (tth * np.sin(lon)).astype(f32)[None, :]
        tc = np.cos(lam) * a + np.sin(lam) * b
        tc2 = tc * tc
        psi = tc - tc * tc2 / f32(3)
        q = (f32(1) + (theta * theta / 2).astype(f32)[None, :]) - tc2 / f32(2)
        del tc, tc2
        pos = lam * scale  # (L, 1)
        h = _mask_lookup(hor, pos)
        for name in tables:
            hh = low_horizon(pos) if name == "top_low" else h
            out[f"beta_{name}"] = psi - q * (hh + f32(offsets[name]))
        return out

    # General south-cap pixel: exact closed forms, one transcendental set per element.
    cth, tth = np.cos(theta).astype(f32)[None, :], np.tan(theta).astype(f32)[None, :]
    x = lam - lon.astype(f32)[None, :]
    cx, sx = np.cos(x), np.sin(x)
    del x
    delta_az = np.arctan(sx * cx * (f32(1) - cth) / (cth * cx * cx + sx * sx))
    del sx
    pos = (lam + delta_az) * scale  # (L, n)
    del delta_az
    h = _mask_lookup(hor, pos)
    tc = tth * cx
    del cx
    psi = np.arctan(tc)
    # cos(psi) / cos(theta) = 1 / (cos(theta) sqrt(1 + tan^2(theta) cos^2 x))
    tc *= tc
    tc += f32(1)
    q = f32(1) / (np.sqrt(tc) * cth)
    del tc
    for name in tables:
        hh = low_horizon(pos) if name == "top_low" else h
        z = np.sin(hh + f32(offsets[name]))
        z *= q
        np.clip(z, -1, 1, out=z)
        out[f"beta_{name}"] = psi - np.arcsin(z)
    return out


def _lon_bin(lon_rad, n_lon_bins: int) -> np.ndarray:
    return np.round(np.mod(lon_rad, TWO_PI) * (n_lon_bins / TWO_PI)).astype(np.intp) % n_lon_bins


@dataclass(frozen=True)
class _Distribution:
    """Time-weighted histogram of a body's (lon bin, shifted latitude) and its lookup table
    ``phi[k, i] = sum_j w_kj disk_fraction((beta_i - delta_j) / rho)`` over a beta grid."""

    beta0: float
    dbeta: float
    phi: np.ndarray  # (L, nb)
    total_weight: float


def _distribution(track: BodyTrack, n_lon_bins: int, dlat_rad: float = np.radians(0.005)) -> _Distribution:
    k = _lon_bin(track.lon_rad, n_lon_bins)
    # Centre elevation ~ -delta + parallax: fold the parallax variation into delta.
    delta = track.lat_rad + (track.parallax_rad - track.parallax_rad.mean())
    rho = float(np.average(track.radius_rad, weights=track.weight_h))
    lo = delta.min() - 2 * rho - 2 * dlat_rad
    nj = int(np.ceil((delta.max() + 2 * rho + 2 * dlat_rad - lo) / dlat_rad)) + 1
    j = np.clip(np.round((delta - lo) / dlat_rad).astype(np.intp), 0, nj - 1)
    w = np.zeros((n_lon_bins, nj))
    np.add.at(w, (k, j), track.weight_h)
    grid = lo + np.arange(nj) * dlat_rad
    used = np.nonzero(w.any(axis=1))[0]
    kernel = disk_fraction((grid[None, :] - grid[:, None]) / rho)  # [j, i]: delta_j, beta_i
    phi = np.zeros((n_lon_bins, nj), dtype=np.float32)
    phi[used] = (w[used] @ kernel).astype(np.float32)
    return _Distribution(lo, dlat_rad, phi, float(track.weight_h.sum()))


def mean_fraction_from_distribution(beta_centre: np.ndarray, dist: _Distribution) -> np.ndarray:
    """Time-mean visible fraction per pixel: sum_k phi_k(beta_centre[k]) / total weight.

    O(L x pixels), independent of the number of time steps.  ``beta_centre`` is (L, n).
    """
    n_bins, nb = dist.phi.shape
    # (phi, next - phi) pairs packed as complex64 so one 8-byte gather feeds the lerp
    pair = np.empty((n_bins, nb), np.complex64)
    pair.real = dist.phi
    pair.imag[:, :-1] = np.diff(dist.phi, axis=1)
    pair.imag[:, -1] = 0.0
    pos = beta_centre - np.float32(dist.beta0)
    pos *= np.float32(1.0 / dist.dbeta)
    np.clip(pos, 0, nb - 1, out=pos)
    i0 = pos.astype(np.int32)
    pos -= i0
    i0 += (np.arange(n_bins, dtype=np.int32) * nb)[:, None]
    g = np.take(pair.ravel(), i0)
    val = g.real + g.imag * pos
    return val.sum(axis=0, dtype=np.float64) / dist.total_weight


# --------------------------------------------------------------------------- map engine
@dataclass(frozen=True)
class IlluminationMap:
    """Map-wide statistics of one body's visibility over a window (arrays shaped like the map).

    ``mean_fraction``: time-mean visible disk fraction (0..1); ``longest_dark_h``: longest
    stretch with no part visible [h]; ``longest_lit_h``, ``n_lit_periods``, ``mean_lit_h``
    as in :class:`RunStats` (None when ``time_series=False``); ``never_visible``: True where
    no sample shows any part of the disk -- from the series itself when ``time_series=True``,
    else by the conservative per-bin test (see :func:`illumination_map`).
    """

    body: str
    jd_start: float
    jd_end: float
    n_times: int
    mean_fraction: np.ndarray
    never_visible: np.ndarray
    longest_dark_h: np.ndarray | None
    longest_lit_h: np.ndarray | None
    n_lit_periods: np.ndarray | None
    mean_lit_h: np.ndarray | None
    n_lon_bins: int


def _chunk_stats(lat, lon, hor, track, dist, shifted_top, kbin, edges, n_lon_bins, margin, time_series, tblock):
    rho_bar = float(np.average(track.radius_rad, weights=track.weight_h))
    par_bar = float(track.parallax_rad.mean())
    # Near the pole beta_top = beta_centre + q rho_bar with |q - 1| < 4e-5 (see
    # threshold_tables), so the series compares (shifted_top - rho_bar) with beta_centre
    # (error < 1.1e-7 rad) and one table serves both the mean and the series.
    one_table = time_series and float(np.pi / 2 + lat.max()) < 0.0089
    if not time_series:
        which = ("centre", "top_low")
    else:
        which = ("centre",) if one_table else ("centre", "top")
    tab = threshold_tables(lat, lon, hor, n_lon_bins, centre_offset_rad=par_bar, top_offset_rad=rho_bar - par_bar,
                           low_margin_rad=margin, tables=which)
    mean = mean_fraction_from_distribution(tab["beta_centre"], dist)
    if time_series:
        if one_table:
            series, table = (shifted_top - rho_bar).astype(np.float32), tab["beta_centre"]
        else:
            series, table = shifted_top.astype(np.float32), tab["beta_top"]
        t, p, lit0 = _lit_transitions(table, series, kbin, tblock)
        runs = _runs_from_transitions(t, p, lit0, edges)
        never = runs.n_lit_periods == 0  # exact for the sampled series
    else:
        # Conservative never-visible test: every sample's shifted latitude at or beyond the
        # lowest-horizon top-edge threshold of its bin.
        bt_low = tab["beta_top_low"]
        dmin = np.full(n_lon_bins, np.inf, dtype=np.float32)
        np.minimum.at(dmin, kbin, shifted_top.astype(np.float32))
        used = np.isfinite(dmin)
        never = np.all(dmin[used, None] >= bt_low[used] + np.float32(1e-5), axis=0)
        runs = None
    # Where no sample shows the disk, the histogram's 0.005 deg smoothing must not leak a
    # 1e-8 mean in.
    mean[never] = 0.0
    return mean, never, runs


def _changes(changed: np.ndarray):
    """(row, col) of the True entries of a C-contiguous bool array whose rows have a length
    divisible by 8: scans 8-byte words first (changes are rare), then decodes the few
    non-zero words."""
    words = changed.view(np.uint64).ravel()
    hit = np.flatnonzero(words)
    sub = changed.reshape(-1, 8)[hit]
    w_idx, byte = np.nonzero(sub)
    flat = hit[w_idx] * 8 + byte
    return np.divmod(flat, changed.shape[1])


def _lit_transitions(bt, shifted, kbin, tblock=256):
    """State changes of ``lit[t, p] = shifted[t] < bt[kbin[t], p]`` (sample t, pixel p).

    Pixels that are lit (or dark) at every sample are settled first from per-bin extremes;
    for the others, blocks of ``tblock`` samples (sized for a 512 KiB L2 cache with 1024
    pixels): one row gather of the (L, n) table and one comparison per sample and pixel,
    then the changes between consecutive samples (carried across blocks).
    Returns (t_idx, p_idx, lit0): sample index where pixel p_idx changes state, and the
    state at sample 0.
    """
    n_all = bt.shape[1]
    # Pixels whose state cannot change: per longitude bin, compare the table with the
    # extreme shifted latitudes of the samples in that bin (exact, not a bound on time).
    n_bins = bt.shape[0]
    smin = np.full(n_bins, np.inf, np.float32)
    smax = np.full(n_bins, -np.inf, np.float32)
    np.minimum.at(smin, kbin, shifted)
    np.maximum.at(smax, kbin, shifted)
    used = np.isfinite(smin)
    always_lit = np.all(smax[used, None] < bt[used], axis=0)
    always_dark = np.all(smin[used, None] >= bt[used], axis=0)
    moving = np.flatnonzero(~(always_lit | always_dark))
    if moving.size < n_all:
        t, p, lit0_m = _lit_transitions(np.ascontiguousarray(bt[:, moving]), shifted, kbin, tblock) \
            if moving.size else (np.zeros(0, np.intp), np.zeros(0, np.intp), np.zeros(0, bool))
        lit0 = always_lit.copy()
        lit0[moving] = lit0_m
        return t, moving[p], lit0
    n = n_all
    pad = (-n) % 8
    if pad:  # keep rows a whole number of 8-byte words for _changes
        bt = np.concatenate((bt, np.repeat(bt[:, -1:], pad, axis=1)), axis=1)
    ts, ps = [], []
    prev = None
    for i in range(0, kbin.size, tblock):
        lit = np.less(shifted[i:i + tblock, None], bt[kbin[i:i + tblock]])  # (tb, n + pad)
        if prev is None:
            lit0 = lit[0, :n].copy()
        else:
            t, p = _changes(np.not_equal(prev, lit[:1]))
            ts.append(t + i)
            ps.append(p)
        t, p = _changes(np.not_equal(lit[1:], lit[:-1]))
        ts.append(t + i + 1)
        ps.append(p)
        prev = lit[-1:]
    t, p = np.concatenate(ts), np.concatenate(ps)
    keep = p < n
    return t[keep], p[keep], lit0


_FORK_ARGS = None  # inputs handed to forked workers by illumination_map


def _chunk_at(i, lat, lon, hor, track, dist, shifted_top, kbin, edges, n_lon_bins, margin, time_series, time_block,
              chunk_pixels):
    s = slice(i, i + chunk_pixels)
    return _chunk_stats(lat[s], lon[s], hor[s], track, dist, shifted_top, kbin, edges, n_lon_bins, margin,
                        time_series, time_block)


def _chunk_from_fork(i):
    return _chunk_at(i, *_FORK_ARGS)


def illumination_map(lat_rad, lon_rad, horizon_rad, track: BodyTrack, *, n_lon_bins: int = 720,
                     time_series: bool = True, chunk_pixels: int = 1024, workers: int = 2,
                     time_block: int = 256) -> IlluminationMap:
    """Mean visible fraction, never-visible mask and lit/dark run statistics for every pixel.

    Parameters
    ----------
    lat_rad, lon_rad : array_like
        Pixel latitude/longitude [rad], any shape (the map's, e.g. ``dem.latlon()``), south of
        60 deg S.
    horizon_rad : ndarray, shape lat.shape + (A,)
        Horizon masks in grid azimuth (float32 recommended).
    track : BodyTrack
        The body's motion over the window (:func:`body_track`).
    n_lon_bins : int
        Sub-body longitude bins L of the threshold tables (azimuth quantisation 180/L deg).
    time_series : bool
        Also compute the run statistics from the full time series (cost O(pixels x nt));
        otherwise only the distribution-based mean and the never-visible mask (O(pixels x L)).
    chunk_pixels, workers, time_block : int
        Pixels per chunk (memory ~ 20 bytes x L x chunk), worker processes (forked, used
        when there are at least 4 chunks per worker), time samples per comparison block.

    Notes
    -----
    Mean: each sample's shifted latitude delta'' = delta + (p - p_bar) is histogrammed per
    longitude bin (0.005 deg bins) and folded with the disk-fraction kernel of the mean radius,
    then looked up at each pixel's centre threshold (:func:`mean_fraction_from_distribution`).
    Time series: some of the disk is visible iff delta' = delta - (rho - p) + (rho_bar - p_bar)
    < beta_top at the sample's longitude bin.  Never visible: for every longitude bin, the
    smallest delta' of its samples is at least the threshold computed from the lowest horizon
    within half a bin plus theta_max*|delta|_max of alpha (and 1e-5 rad), so bin quantisation
    and the delta = 0 azimuth can only make the mask SMALLER than the truth (conservative PSR).
    """
    shape = np.shape(lat_rad)
    lat, lon = _check_latlon(lat_rad, lon_rad, max_lat=MAX_MAP_LAT_RAD)
    hor = _check_horizon(horizon_rad, lat.size)
    if not isinstance(n_lon_bins, (int, np.integer)) or not 36 <= n_lon_bins <= 8640:
        raise ValueError(f"n_lon_bins: must be an integer in [36, 8640], got {n_lon_bins!r}")
    rho_bar = float(np.average(track.radius_rad, weights=track.weight_h))
    par_bar = float(track.parallax_rad.mean())
    shifted_top = track.lat_rad - (track.radius_rad - track.parallax_rad) + (rho_bar - par_bar)
    kbin = _lon_bin(track.lon_rad, n_lon_bins)
    dist = _distribution(track, n_lon_bins)
    theta_max = float(np.pi / 2 + lat.max()) if lat.size else 0.0
    margin = np.pi / n_lon_bins + theta_max * float(np.abs(track.lat_rad).max()) + 1e-5
    edges = np.concatenate(([0.0], np.cumsum(track.weight_h)))

    args = (lat, lon, hor, track, dist, shifted_top, kbin, edges, n_lon_bins, margin, time_series, time_block,
            chunk_pixels)
    starts = list(range(0, lat.size, chunk_pixels))
    if workers > 1 and len(starts) >= 4 * workers and "fork" in mp.get_all_start_methods():
        # Processes, not threads: numpy's gathers and nonzero hold the GIL.  Forked workers
        # inherit the inputs copy-on-write (no pickling of the masks); only the per-chunk
        # results travel back.
        global _FORK_ARGS
        _FORK_ARGS = args
        try:
            with mp.get_context("fork").Pool(workers) as pool:
                parts = pool.map(_chunk_from_fork, starts, chunksize=max(1, len(starts) // (8 * workers)))
        finally:
            _FORK_ARGS = None
    else:
        parts = [_chunk_at(i, *args) for i in starts]
    mean = np.concatenate([p[0] for p in parts]).reshape(shape)
    never = np.concatenate([p[1] for p in parts]).reshape(shape)
    if time_series:
        field = {f: np.concatenate([getattr(p[2], f) for p in parts]).reshape(shape)
                 for f in ("longest_dark_h", "longest_lit_h", "n_lit_periods", "mean_lit_h")}
    else:
        field = dict.fromkeys(("longest_dark_h", "longest_lit_h", "n_lit_periods", "mean_lit_h"))
    return IlluminationMap(track.body, float(track.jd_tdb[0]), float(track.jd_tdb[-1]), int(track.jd_tdb.size),
                           mean, never, n_lon_bins=n_lon_bins, **field)
