"""Small vector-geometry helpers shared by every package.

Vectors are ``(..., 3)`` arrays, last axis x, y, z (the layout used throughout lupex).
"""

from __future__ import annotations

import numpy as np


def enu_basis(lat_rad, lon_rad) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Local east, north and up unit vectors at a point of a body-fixed frame.

    For latitude phi and east longitude lambda (on a sphere; on an ellipsoid, geodetic
    latitude gives the normal's frame)::

        east  = (-sin lambda,           cos lambda,            0)
        north = (-sin phi cos lambda,  -sin phi sin lambda,    cos phi)
        up    = ( cos phi cos lambda,   cos phi sin lambda,    sin phi)

    Parameters
    ----------
    lat_rad, lon_rad : array_like
        Latitude and east longitude [rad], broadcastable against each other.

    Returns
    -------
    east, north, up : numpy.ndarray
        Unit vectors in the body-fixed frame, each shaped ``broadcast(lat, lon).shape + (3,)``.

    Notes
    -----
    A unit direction s has elevation ``asin(s . up)`` and azimuth
    ``atan2(s . east, s . north)`` (from north toward east).
    """
    lat, lon = np.broadcast_arrays(np.asarray(lat_rad, dtype=float),
                                   np.asarray(lon_rad, dtype=float))
    sl, cl = np.sin(lat), np.cos(lat)
    so, co = np.sin(lon), np.cos(lon)
    east = np.stack([-so, co, np.zeros_like(so)], axis=-1)
    north = np.stack([-sl * co, -sl * so, cl], axis=-1)
    up = np.stack([cl * co, cl * so, sl], axis=-1)
    return east, north, up


def angular_radius(radius_km, dist_km):
    """Apparent angular radius [rad] of a sphere: ``asin(R / d)``.

    Parameters
    ----------
    radius_km : array_like
        The sphere's radius [km].
    dist_km : array_like
        Distance from the observer to the sphere's centre [km], > ``radius_km``.
    """
    return np.arcsin(np.asarray(radius_km, dtype=float) / np.asarray(dist_km, dtype=float))


def offset_latlon_deg(lat_deg, lon_deg, east_m, north_m, radius_km):
    """Latitude and longitude [deg] of points displaced ``east_m``, ``north_m`` from a point
    in its local horizontal plane (the point at ``radius_km`` from the centre), taken along
    their radius: ``r = R up + e east + n north``, lat = asin(z / |r|), lon = atan2(y, x).

    Parameters
    ----------
    lat_deg, lon_deg : float
        The reference point [deg, east longitude].
    east_m, north_m : array_like
        Displacements [m], broadcastable.
    radius_km : float
        The reference point's distance from the centre [km].
    """
    east, north, up = enu_basis(np.radians(lat_deg), np.radians(lon_deg))
    e = np.asarray(east_m, dtype=float)[..., None] * 1e-3
    n = np.asarray(north_m, dtype=float)[..., None] * 1e-3
    r = float(radius_km) * up + e * east + n * north
    lat = np.degrees(np.arcsin(r[..., 2] / np.linalg.norm(r, axis=-1)))
    return lat, np.degrees(np.arctan2(r[..., 1], r[..., 0]))
