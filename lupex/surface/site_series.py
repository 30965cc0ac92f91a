"""A body's exact path over a few sites: elevation, azimuth and visible disk fraction at
every pixel and time.

The body's elevation ``asin(s.u)`` and grid azimuth are computed for every pixel and time
from its :class:`~lupex.surface.tracks.BodyTrack` (topocentric for the Earth), the horizon
mask is interpolated linearly between its two nearest bins, and the visible part of the disk
is :func:`lupex.surface.disk.disk_fraction`.  Masks are in grid azimuth, bin centres
``alpha_k = 2 pi k / A`` (:mod:`lupex.surface.projection`).  Use it for sites (a few to a
few thousand pixels) and as the reference for the map engine
(:mod:`lupex.surface.illumination_map`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lupex.constants import R_MOON_KM
from lupex.geometry import enu_basis
from lupex.surface.disk import disk_fraction
from lupex.surface.horizon import horizon_series, mask_rows
from lupex.surface.lit_periods import RunStats, run_statistics
from lupex.surface.projection import south_cap_points
from lupex.surface.tracks import BodyTrack

__all__ = ["SiteSeries", "body_sky_geometry", "site_series", "visible_fraction"]

TWO_PI = 2.0 * np.pi


def body_sky_geometry(lat_rad, lon_rad, track: BodyTrack, height_m=0.0, topocentric: bool | None = None):
    """Exact elevation and azimuths of a body at each pixel and time.

    Parameters
    ----------
    lat_rad, lon_rad : array_like, shape (n,)
        Pixel latitude and east longitude [rad].
    track : BodyTrack
        From :func:`lupex.surface.tracks.body_track`.
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
    lat, lon = south_cap_points(lat_rad, lon_rad)
    east, north, up = enu_basis(lat, lon)  # (n, 3) each
    vec = np.ascontiguousarray(track.vec_me_km.T)  # (3, nt)
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
    """Exact visible fraction of the body's disk at each pixel and time, chunked over pixels.

    ``f = disk_fraction((e - h(alpha)) / rho)`` with e the (topocentric for the Earth)
    elevation, h the mask interpolated at the body's grid azimuth and rho = asin(R/d).

    Parameters
    ----------
    lat_rad, lon_rad : array_like, shape (n,)
        Pixel latitude and east longitude [rad].
    horizon_rad : array_like, shape (n, A)
        The pixels' masks [rad] in grid azimuth.
    track : BodyTrack
        The body's motion.
    height_m : float or array_like (n,)
        Pixel heights above the 1737.4 km sphere [m].
    chunk_pixels : int
        Pixels per chunk (memory).

    Returns
    -------
    numpy.ndarray, shape (n, nt)
        Visible disk fraction (0..1).
    """
    lat, lon = south_cap_points(lat_rad, lon_rad)
    hor = mask_rows(horizon_rad, lat.size)
    hgt = np.broadcast_to(np.asarray(height_m, dtype=float), lat.shape)
    out = np.empty((lat.size, track.jd_tdb.size))
    for i in range(0, lat.size, chunk_pixels):
        s = slice(i, i + chunk_pixels)
        el, _, az = body_sky_geometry(lat[s], lon[s], track, hgt[s])
        h = horizon_series(hor[s], az)
        out[s] = disk_fraction((el - h) / track.radius_rad[None, :])
    return out



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

    Cost O(n * nt); intended for sites, not whole maps (see
    :func:`lupex.surface.illumination_map.illumination_map`).

    Parameters
    ----------
    lat_rad, lon_rad : array_like, shape (n,)
        Site latitude and east longitude [rad].
    horizon_rad : array_like, shape (n, A)
        The sites' masks [rad] in grid azimuth.
    track : BodyTrack
        The body's motion over the window.
    height_m : float or array_like (n,)
        Site heights above the 1737.4 km sphere [m] (the Earth's topocentric origin).

    Returns
    -------
    SiteSeries
    """
    lat, lon = south_cap_points(lat_rad, lon_rad)
    hor = mask_rows(horizon_rad, lat.size)
    el, a_loc, a_grid = body_sky_geometry(lat, lon, track, height_m)
    h = horizon_series(hor, a_grid).astype(float)
    frac = disk_fraction((el - h) / track.radius_rad[None, :])
    mean = frac @ track.weight_h / track.weight_h.sum()
    return SiteSeries(track.body, track.jd_tdb, frac, el, a_loc, h, mean,
                      run_statistics(frac > 0.0, track.jd_tdb))
