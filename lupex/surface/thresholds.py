"""Threshold tables: at which sub-body latitude a pixel loses the Sun (or the Earth), per
sub-body longitude -- the fast path of the map engine.

The body's direction is described by its sub-body latitude delta(t) and longitude lambda(t)
in MOON_ME, both pixel independent.  For each pixel and each of ``L`` longitude bins the
*threshold latitude* beta at which the disk centre (or its top edge) sits exactly on the
horizon is solved in closed form, with the pixel's own local vertical u (the tilt across
the map enters exactly).  Near the south pole the elevation falls as delta rises
(e ~ -delta), so the body is entirely hidden iff ``delta'(t) >= beta_top(lambda(t))`` and a
time series per pixel costs one table gather and one comparison.  Long-window averages use
the body's (lambda, delta) distribution against the same tables
(:func:`mean_fraction_from_distribution`), independent of the number of time steps.

Approximations (each bounded by tests/surface/test_illumination.py against the exact path,
:mod:`lupex.surface.site_series`): the body's grid azimuth is evaluated at delta = 0 (the
delta-dependence is ~theta*delta, theta = pixel colatitude); lambda is quantised to the
nearest of ``L`` bins (default 720: <= 0.25 deg of azimuth); the time variation of the disk
radius and of the Earth's parallax enters as a shift of delta with slope |de/d delta| taken
as 1; the partial-disk fraction assumes e linear in delta across the disk; within 0.51 deg
of the pole the tables use series forms with no transcendental per element (bounds in
:func:`threshold_tables`).  Valid on the south cap (lat < -60 deg), where e decreases
monotonically with delta; the functions refuse other latitudes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lupex.surface.disk import disk_fraction
from lupex.surface.horizon import mask_rows
from lupex.surface.projection import south_cap_points
from lupex.surface.tracks import BodyTrack

__all__ = [
    "MAX_MAP_LAT_RAD",
    "POLE_SERIES_COLAT_RAD",
    "BodyDistribution",
    "body_distribution",
    "lon_bin",
    "mean_fraction_from_distribution",
    "threshold_tables",
]

TWO_PI = 2.0 * np.pi
#: Northernmost latitude [rad] of the threshold path (it needs e to fall as delta rises).
MAX_MAP_LAT_RAD = np.radians(-60.0)
#: Colatitude [rad] (0.51 deg) within which every pixel of a table takes the series forms.
POLE_SERIES_COLAT_RAD = 0.0089


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

    (the asin argument clipped to [-1, 1] where the target elevation is out of reach).  ``beta_centre`` uses
    target = h + centre_offset, ``beta_top`` target = h - top_offset: with centre_offset =
    parallax and top_offset = rho - parallax these are the latitudes at which the topocentric
    disk centre, and its top edge, touch the horizon; e falls as delta rises, so the disk is
    wholly hidden iff delta >= beta_top.

    ``tables`` picks which of "centre", "top", "top_low" to compute.  ``beta_top_low``
    (needs ``low_margin_rad``) uses the LOWEST horizon
    within +-low_margin of alpha_pk (mask piecewise linear: the two ends and the bin centre
    between them), for a conservative "never visible" test.

    Computed in float32 (angles to ~1e-7 rad) directly in (L, n) layout.  When every pixel
    lies within 0.51 deg of the pole, series forms replace the closed forms (their bounds
    are in the comments of that branch).

    Parameters
    ----------
    lat_rad, lon_rad : array_like, shape (n,) or any common shape (flattened)
        Pixel latitude [rad], in [-pi/2, -60 deg], and east longitude [rad] (MOON_ME).
    horizon_rad : array_like, shape (..., A)
        One horizon mask per pixel [rad], elevation in grid azimuth bins (A >= 4, bin k
        centred on ``2 pi k / A`` from map +Y toward +X; :mod:`lupex.surface.projection`),
        interpolated linearly between bin centres.
    n_lon_bins : int
        Number L of sub-body longitude bins, centred on ``lambda_k = 2 pi k / L``.
    centre_offset_rad : float
        Added to the horizon for ``beta_centre`` [rad] (e.g. the body's parallax, for a
        topocentric disk centre).
    top_offset_rad : float, optional
        Subtracted from the horizon for ``beta_top`` and ``beta_top_low`` [rad] (angular
        radius minus parallax); default ``centre_offset_rad``.
    low_margin_rad : float, optional
        Half-width of the azimuth interval searched for the lowest horizon [rad], less than
        one mask bin; required for ``"top_low"``.
    tables : sequence of {"centre", "top", "top_low"}
        Tables to compute.

    Returns
    -------
    dict of float32 arrays shaped (L, n): ``beta_centre``, ``beta_top``, ``beta_top_low``
    (those asked for), threshold sub-body latitudes [rad].

    Raises
    ------
    ValueError
        For latitudes outside the south cap, masks that do not match the pixels, or
        ``"top_low"`` without ``low_margin_rad``.
    """
    lat, lon = south_cap_points(lat_rad, lon_rad, max_lat_rad=MAX_MAP_LAT_RAD)
    hor = mask_rows(horizon_rad, lat.size)
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
    if float(theta.max()) < POLE_SERIES_COLAT_RAD:
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


def lon_bin(lon_rad, n_lon_bins: int) -> np.ndarray:
    """Index of the nearest of ``n_lon_bins`` sub-body longitude bins, centres ``2 pi k / L``.

    Parameters
    ----------
    lon_rad : array_like
        Sub-body east longitude [rad], any range.
    n_lon_bins : int
        Number L of bins.

    Returns
    -------
    numpy.ndarray of intp, in [0, L)
    """
    return np.round(np.mod(lon_rad, TWO_PI) * (n_lon_bins / TWO_PI)).astype(np.intp) % n_lon_bins


@dataclass(frozen=True)
class BodyDistribution:
    """Time-weighted histogram of a body's (longitude bin, shifted latitude) and its lookup
    table ``phi[k, i] = sum_j w_kj disk_fraction((beta_i - delta_j) / rho)`` over a latitude
    grid ``beta_i = beta0 + i dbeta`` [rad]; ``total_weight`` [h] is the window's length."""

    beta0: float
    dbeta: float
    phi: np.ndarray  # (L, nb)
    total_weight: float


def body_distribution(track: BodyTrack, n_lon_bins: int, dlat_rad: float = np.radians(0.005)) -> BodyDistribution:
    """The :class:`BodyDistribution` of a track.

    Parameters
    ----------
    track : BodyTrack
        The body's motion over the window.
    n_lon_bins : int
        Sub-body longitude bins L.
    dlat_rad : float
        Latitude bin [rad] of the histogram (0.005 deg default).

    Returns
    -------
    BodyDistribution
        The disk of the mean radius is folded in; the parallax variation is folded into the
        latitude (centre elevation ~ -delta + parallax).
    """
    k = lon_bin(track.lon_rad, n_lon_bins)
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
    return BodyDistribution(lo, dlat_rad, phi, float(track.weight_h.sum()))


def mean_fraction_from_distribution(beta_centre: np.ndarray, dist: BodyDistribution) -> np.ndarray:
    """Time-mean visible fraction per pixel: sum_k phi_k(beta_centre[k]) / total weight.

    O(L x pixels), independent of the number of time steps.

    Parameters
    ----------
    beta_centre : numpy.ndarray, shape (L, n), float32
        Centre threshold latitudes [rad] (:func:`threshold_tables`).
    dist : BodyDistribution
        The body's distribution over the window.

    Returns
    -------
    numpy.ndarray, shape (n,)
        Time-mean visible disk fraction (0..1).
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
