"""Permanently shadowed regions and long-period mean illumination from the Sun's direction distribution.

Over the 18.6-year precession cycle of the lunar node the Sun's direction in MOON_ME
sweeps every longitude about 230 times while its latitude (the sub-solar latitude) stays
within about +-1.59 deg (1.543 deg inclination of the lunar equator to the ecliptic
[Cassini's laws; e.g. Heiken et al. 1991, Lunar Sourcebook, p. 28] plus physical libration
and the Sun's parallax from the Moon's orbit; :func:`max_subsolar_latitude` measures it from
DE421).  The Sun being at infinity, a pixel's lit fraction depends only on that direction
distribution, not on the order of the samples: the time-weighted histogram of (sub-solar
longitude bin, latitude) is built once, and each pixel's mean is a lookup against its
threshold tables (:func:`lupex.surface.illumination_map.illumination_map` with
``time_series=False``): O(pixels x longitude bins), independent of the 163,000 hourly steps.

A pixel is a PSR when no sample shows any part of the solar disk.  The test is made
conservative against binning (it can only shrink the PSR): per longitude bin it uses the
most favourable (southernmost) solar latitude of the samples in that bin and the LOWEST
horizon within half a bin plus theta*|delta|_max of the Sun's azimuth.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lupex.constants import NODAL_PERIOD_YEARS
from lupex.surface.dem import Dem
from lupex.surface.illumination_map import illumination_map
from lupex.surface.projection import scale_factor
from lupex.surface.tracks import body_track

__all__ = ["PsrResult", "max_subsolar_latitude", "pixel_area_km2", "psr_map", "psr_result", "sun_window"]


def pixel_area_km2(dem: Dem) -> np.ndarray:
    """True area on the 1737.4 km sphere of each DEM pixel [km^2]: ``pixel_km^2 / k^2`` with
    the stereographic scale factor ``k = 2 / (1 - sin(lat))`` (Snyder 1987, eq. 21-4; areas
    scale by k^2 because the projection is conformal)."""
    lat, _ = dem.latlon()
    return dem.pixel_km**2 / scale_factor(lat) ** 2


def max_subsolar_latitude(start_jd: float, years: float = NODAL_PERIOD_YEARS, step_h: float = 6.0) -> float:
    """Largest |sub-solar latitude| [rad] in MOON_ME over a window (DE421, LT+S).

    The Sun's apparent direction from the Moon's centre (light time and stellar aberration,
    :func:`lupex.surface.tracks.body_track`) is sampled every ``step_h`` hours from
    ``start_jd``; the result is the largest sampled value, so it can only fall short of
    the true maximum (by less than the latitude's change over one step).

    Parameters
    ----------
    start_jd : float
        Window start, TDB Julian date [d]; the window must lie within DE421 (1900-2050).
    years : float
        Window length [Julian years of 365.25 d]; default one nodal cycle (18.6 years).
    step_h : float
        Sampling interval [h].

    Returns
    -------
    float
        Maximum absolute planetocentric sub-solar latitude [rad].
    """
    jd = float(start_jd) + np.arange(0.0, years * 365.25 * 24.0, step_h) / 24.0
    return float(np.abs(body_track("sun", jd).lat_rad).max())


@dataclass(frozen=True)
class PsrResult:
    """Permanent shadow and long-period mean illumination of a DEM.

    ``mean_fraction`` (ny, nx): time-mean visible fraction of the solar disk; ``psr``
    (ny, nx) bool: never any part of the Sun visible (conservative); ``psr_area_km2``: true
    area of the PSR pixels; ``pixel_area_km2`` (ny, nx); ``max_subsolar_lat_deg`` over the
    window; ``n_samples``/``step_h``: the time sampling the distribution was built from.
    """

    start_jd_tdb: float
    years: float
    step_h: float
    n_samples: int
    mean_fraction: np.ndarray
    psr: np.ndarray
    psr_area_km2: float
    pixel_area_km2: np.ndarray
    max_subsolar_lat_deg: float
    n_lon_bins: int


def psr_map(dem: Dem, horizon_rad: np.ndarray, start_jd: float, years: float = NODAL_PERIOD_YEARS, *,
            step_h: float = 1.0, n_lon_bins: int = 720, workers: int = 2,
            chunk_pixels: int = 1024) -> PsrResult:
    """Permanently shadowed regions and mean illumination over a (default 18.6-year) window.

    Parameters
    ----------
    dem : Dem
        Grid whose pixel centres locate the masks (south of 60 deg S).
    horizon_rad : ndarray, shape (ny, nx, A)
        Horizon masks in grid azimuth [rad] (:mod:`lupex.surface.projection` convention).
    start_jd : float
        Window start, TDB Julian date; the window must lie within DE421 (1900-2050).
    years : float
        Window length [Julian years of 365.25 d]; 18.6 covers a full nodal cycle.
    step_h : float
        Sampling of the Sun's direction [h] (only the histogram sees it; cost is O(samples)
        for the ephemeris, then independent of it).
    n_lon_bins : int
        Sub-solar longitude bins (azimuth quantisation 180/n deg).

    Returns
    -------
    PsrResult
    """
    hor = np.asarray(horizon_rad)
    if hor.ndim != 3 or hor.shape[:2] != dem.shape:
        raise ValueError(f"horizon_rad: must be shaped (ny, nx, A) = {dem.shape} + (A,); got {hor.shape}")
    track = sun_window(start_jd, years, step_h)
    lat, lon = dem.latlon()
    res = illumination_map(lat, lon, hor, track, n_lon_bins=n_lon_bins, time_series=False,
                           workers=workers, chunk_pixels=chunk_pixels)
    return psr_result(dem, res, track, start_jd, years, step_h)


def sun_window(start_jd: float, years: float, step_h: float):
    """The Sun's track over a PSR window, sampled every ``step_h`` hours from ``start_jd``.

    Parameters
    ----------
    start_jd : float
        Window start, TDB Julian date; the window must lie within DE421 (1900-2050).
    years : float
        Window length [Julian years of 365.25 d], in (0, 150].
    step_h : float
        Sampling [h], in [0.01, 48].

    Returns
    -------
    BodyTrack

    Raises
    ------
    ValueError
        For a length or step out of range (naming the argument and its range).
    """
    if not (np.isfinite(years) and 0 < years <= 150):
        raise ValueError(f"years: must be in (0, 150], got {years!r}")
    if not (np.isfinite(step_h) and 0.01 <= step_h <= 48):
        raise ValueError(f"step_h: must be in [0.01, 48] hours, got {step_h!r}")
    jd = float(start_jd) + np.arange(0.0, years * 365.25 * 24.0, step_h) / 24.0
    return body_track("sun", jd)


def psr_result(dem: Dem, res, track, start_jd: float, years: float, step_h: float) -> PsrResult:
    """The :class:`PsrResult` of a map's long-window Sun map (whole or assembled from tiles).

    Parameters
    ----------
    dem : Dem
        The map grid (pixel areas).
    res : lupex.surface.illumination_map.IlluminationMap
        The Sun's map over the window (``time_series=False``).
    track : BodyTrack
        The Sun's track it was computed from (:func:`sun_window`).
    start_jd, years, step_h : float
        The window, as given to :func:`sun_window` (TDB Julian date, Julian years, hours).

    Returns
    -------
    PsrResult
    """
    area = pixel_area_km2(dem)
    return PsrResult(
        start_jd_tdb=float(start_jd), years=float(years), step_h=float(step_h), n_samples=int(track.jd_tdb.size),
        mean_fraction=res.mean_fraction, psr=res.never_visible,
        psr_area_km2=float(area[res.never_visible].sum()), pixel_area_km2=area,
        max_subsolar_lat_deg=float(np.degrees(np.abs(track.lat_rad).max())), n_lon_bins=res.n_lon_bins,
    )
