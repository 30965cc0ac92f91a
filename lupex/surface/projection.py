"""South polar stereographic projection of the lunar reference sphere, and azimuth conventions.

This module is the single place where the map geometry used by every terrain
and illumination product of lupex is defined.

Projection
----------
The LOLA polar gridded products (e.g. ``LDEM_75S_*`` labels, PDS3
``IMAGE_MAP_PROJECTION`` "POLAR STEREOGRAPHIC", and NASA PGDA product 78 site
DEMs) project the 1737.4 km reference sphere as

    rho = 2 R tan(colat / 2),   colat = 90 deg + lat   (lat < 0 on the south cap)
    X   = rho sin(lon),          Y = rho cos(lon)

with longitude east-positive in the MOON_ME (mean Earth / polar axis) frame,
so the pole is the origin, the 0 deg meridian points along +Y and 90 deg E
along +X.  The exact inverse is

    lat = -90 deg + 2 atan(rho / 2R),   lon = atan2(X, Y).

These are the equations written in the LOLA PDS polar labels (``LAT = -90 +
2*ATAN(P/(2*R))``, ``LON = CENTER_LONGITUDE + ATAN2(X, Y)`` with
``CENTER_LONGITUDE = 0``).

Scale factor
------------
The projection is conformal; the point scale factor (grid length / true
length on the sphere) is

    k(lat) = sec^2(colat / 2) = 2 / (1 + cos(colat)) = 2 / (1 - sin(lat)),

which is 1 at the pole and 1.0018 at 85 deg S (Snyder 1987, "Map
Projections -- A Working Manual", USGS PP 1395, eq. 21-4 with k0 = 1).

Azimuth conventions
-------------------
*Grid azimuth* alpha is the direction (dX, dY) = (sin alpha, cos alpha) in the
map plane, measured from grid +Y toward grid +X, in [0, 2 pi).  Horizon masks
are stored in grid azimuth.

*Local azimuth* A is the usual topocentric one: from local north toward local
east.  On the south cap local north (increasing latitude) points radially
AWAY from the pole in the map, i.e. along (sin lon, cos lon), and local east
(increasing longitude) is d(X, Y)/d lon normalised = (cos lon, -sin lon).
Because the projection is conformal the two azimuths differ by a pure
rotation:

    alpha = A + lon (mod 2 pi),      A = alpha - lon (mod 2 pi).

So the direction from any pixel toward the pole has local azimuth pi (south)
whatever its longitude.  The local (east, north, up) vectors themselves are
:func:`lupex.geometry.enu_basis`.
"""

from __future__ import annotations

import numpy as np

from lupex.constants import R_MOON_KM

TWO_PI = 2.0 * np.pi

__all__ = [
    "R_MOON_KM",
    "grid_to_local_azimuth",
    "latlon_to_xy",
    "local_to_grid_azimuth",
    "radial_unit_vector",
    "scale_factor",
    "scale_factor_xy",
    "south_cap_points",
    "xy_to_latlon",
]


def _check_south(lat_rad):
    lat = np.asarray(lat_rad, dtype=float)
    if np.any(~np.isfinite(lat)) or np.any(lat > 0.0) or np.any(lat < -np.pi / 2 - 1e-12):
        raise ValueError(
            "lat_rad must be finite and in [-pi/2, 0] (south polar stereographic); "
            f"got values in [{np.min(lat):.6g}, {np.max(lat):.6g}]"
        )
    return lat


def latlon_to_xy(lat_rad, lon_rad, radius_km: float = R_MOON_KM):
    """Project latitude/longitude to south polar stereographic map coordinates.

    Parameters
    ----------
    lat_rad : array_like
        Planetocentric latitude [rad], in [-pi/2, 0].
    lon_rad : array_like
        East-positive longitude [rad], any range.
    radius_km : float
        Sphere radius [km]; default the LOLA reference sphere 1737.4 km.

    Returns
    -------
    x_km, y_km : ndarray
        Map coordinates [km]: ``rho = 2 R tan((pi/2 + lat)/2)``,
        ``x = rho sin(lon)``, ``y = rho cos(lon)``.
    """
    lat = _check_south(lat_rad)
    lon = np.asarray(lon_rad, dtype=float)
    rho = 2.0 * radius_km * np.tan(0.5 * (0.5 * np.pi + lat))
    return rho * np.sin(lon), rho * np.cos(lon)


def xy_to_latlon(x_km, y_km, radius_km: float = R_MOON_KM):
    """Inverse south polar stereographic projection.

    Parameters
    ----------
    x_km, y_km : array_like
        Map coordinates [km] (pole at the origin).
    radius_km : float
        Sphere radius [km].

    Returns
    -------
    lat_rad, lon_rad : ndarray
        ``lat = -pi/2 + 2 atan(rho / 2R)`` [rad] and ``lon = atan2(x, y)`` [rad]
        in (-pi, pi].  At the pole itself lon = 0 by convention.
    """
    x = np.asarray(x_km, dtype=float)
    y = np.asarray(y_km, dtype=float)
    rho = np.hypot(x, y)
    lat = -0.5 * np.pi + 2.0 * np.arctan(rho / (2.0 * radius_km))
    lon = np.arctan2(x, y)
    return lat, lon


def scale_factor(lat_rad):
    """Point scale factor k of the polar stereographic projection (k0 = 1 at the pole).

    ``k = 2 / (1 - sin(lat))`` = grid distance / true distance on the sphere
    (Snyder 1987, USGS PP 1395, eq. 21-4).  True ground distance is grid
    distance divided by k.

    Parameters
    ----------
    lat_rad : array_like
        Latitude [rad] in [-pi/2, 0].
    """
    lat = _check_south(lat_rad)
    return 2.0 / (1.0 - np.sin(lat))


def scale_factor_xy(x_km, y_km, radius_km: float = R_MOON_KM):
    """Scale factor from map coordinates: ``k = 1 + rho^2 / (4 R^2)`` (same as :func:`scale_factor`).

    With ``rho = 2 R tan(colat/2)``, ``k = sec^2(colat/2) = 1 + tan^2(colat/2)``
    (Snyder 1987, eq. 21-4 with k0 = 1). No range check: any map point is accepted.

    Parameters
    ----------
    x_km, y_km : array_like
        Map coordinates [km] (pole at the origin).
    radius_km : float
        Sphere radius [km]; default the LOLA reference sphere 1737.4 km.

    Returns
    -------
    numpy.ndarray
        Scale factor k [-] (grid distance / true distance), >= 1.
    """
    rho2 = np.asarray(x_km, dtype=float) ** 2 + np.asarray(y_km, dtype=float) ** 2
    return 1.0 + rho2 / (4.0 * radius_km**2)


def grid_to_local_azimuth(alpha_rad, lon_rad):
    """Convert grid azimuth alpha to local (north-through-east) azimuth: ``A = alpha - lon`` mod 2 pi.

    See the module notes: the projection is conformal, so the two azimuths differ by the
    pure rotation ``lon``.

    Parameters
    ----------
    alpha_rad : array_like
        Grid azimuth [rad], from map +Y toward map +X.
    lon_rad : array_like
        East longitude of the point [rad].

    Returns
    -------
    numpy.ndarray
        Local azimuth [rad], clockwise from local north toward east, in [0, 2 pi).
    """
    return np.mod(np.asarray(alpha_rad, dtype=float) - np.asarray(lon_rad, dtype=float), TWO_PI)


def local_to_grid_azimuth(az_rad, lon_rad):
    """Convert local azimuth A (from north toward east) to grid azimuth: ``alpha = A + lon`` mod 2 pi.

    Inverse of :func:`grid_to_local_azimuth` (module notes).

    Parameters
    ----------
    az_rad : array_like
        Local azimuth [rad], clockwise from local north toward east.
    lon_rad : array_like
        East longitude of the point [rad].

    Returns
    -------
    numpy.ndarray
        Grid azimuth [rad], from map +Y toward map +X, in [0, 2 pi).
    """
    return np.mod(np.asarray(az_rad, dtype=float) + np.asarray(lon_rad, dtype=float), TWO_PI)


def radial_unit_vector(lat_rad, lon_rad):
    """Unit radial (local vertical) vector in MOON_ME, shape ``lat.shape + (3,)``.

    ``(cos lat cos lon, cos lat sin lon, sin lat)`` in the body-fixed Cartesian axes of
    MOON_ME (x toward 0 deg longitude, z toward the north pole); these are not the map's
    X/Y axes. Any latitude is accepted (no south-cap check).

    Parameters
    ----------
    lat_rad : array_like
        Planetocentric latitude [rad].
    lon_rad : array_like
        East longitude [rad], broadcastable with ``lat_rad``.

    Returns
    -------
    numpy.ndarray, shape (..., 3)
        Unit vectors [-].
    """
    lat = np.asarray(lat_rad, dtype=float)
    lon = np.asarray(lon_rad, dtype=float)
    cl = np.cos(lat)
    return np.stack([cl * np.cos(lon), cl * np.sin(lon), np.sin(lat)], axis=-1)


def south_cap_points(lat_rad, lon_rad, max_lat_rad: float = 0.0):
    """Latitudes and longitudes checked to lie on the south cap, flattened.

    Parameters
    ----------
    lat_rad, lon_rad : array_like
        Latitude and east longitude [rad], same shape.
    max_lat_rad : float
        Northernmost latitude allowed [rad] (0: the southern hemisphere).

    Returns
    -------
    lat, lon : numpy.ndarray, shape (n,)

    Raises
    ------
    ValueError
        For different shapes, or latitudes not finite or outside [-pi/2, max_lat_rad].
    """
    lat = np.asarray(lat_rad, dtype=float).ravel()
    lon = np.asarray(lon_rad, dtype=float).ravel()
    if lat.shape != lon.shape:
        raise ValueError(f"lat_rad/lon_rad: shapes differ ({lat.shape} vs {lon.shape})")
    if lat.size and (not np.all(np.isfinite(lat)) or lat.min() < -np.pi / 2 - 1e-12 or lat.max() > max_lat_rad):
        raise ValueError(
            f"lat_rad: must lie in [-pi/2, {max_lat_rad:.4f}] rad (south cap); "
            f"got [{np.nanmin(lat):.4f}, {np.nanmax(lat):.4f}]")
    return lat, lon
