"""Earth model for the ascent: WGS-84 ellipsoid, J2 gravity, sub-points and ranges.

The integration frame ``I`` is inertial and coincides with the Earth-fixed (WGS-84) frame
at lift-off, ``t = 0``; the Earth then turns about ``+z`` at ``OMEGA_EARTH_RADS``, which
preserves ``z`` and ``sqrt(x^2 + y^2)``, so only longitude needs the rotation angle.
Units km, km/s, s, rad; vectors ``(..., 3)``.  The local east/north/up frame is
:func:`lupex.geometry.enu_basis`.
"""
from __future__ import annotations

import numpy as np

from lupex.constants import (
    GM_EARTH_WGS84_KM3S2,
    J2_EARTH,
    OMEGA_EARTH_RADS,
    R_EARTH_KM,
    R_EARTH_MEAN_KM,
    WGS84_F,
)

#: WGS-84 first eccentricity squared [-], e^2 = f (2 - f).
WGS84_E2 = WGS84_F * (2.0 - WGS84_F)
#: WGS-84 semi-minor axis [km], b = a (1 - f).
WGS84_B_KM = R_EARTH_KM * (1.0 - WGS84_F)


def gravity_j2(r_km):
    """Gravitational acceleration of a point mass plus the J2 zonal term.

    Parameters
    ----------
    r_km : array_like, shape (..., 3)
        Position in the integration frame ``I`` (z along the Earth's spin
        axis) [km].

    Returns
    -------
    numpy.ndarray, shape (..., 3)
        Acceleration [km/s^2].

    Notes
    -----
    Vallado (2013), eq. 8-30::

        a = -mu r / |r|^3 * [1 + 3/2 J2 (R/|r|)^2 (1 - 5 z^2/|r|^2)]   (x, y)
        a_z = -mu z / |r|^3 * [1 + 3/2 J2 (R/|r|)^2 (3 - 5 z^2/|r|^2)]
    """
    r = np.asarray(r_km, dtype=float)
    x, y, z = r[..., 0], r[..., 1], r[..., 2]
    rn2 = x * x + y * y + z * z
    rn = np.sqrt(rn2)
    k = 1.5 * J2_EARTH * R_EARTH_KM**2 / rn2
    zz = z * z / rn2
    base = -GM_EARTH_WGS84_KM3S2 / (rn2 * rn)
    fxy = base * (1.0 + k * (1.0 - 5.0 * zz))
    fz = base * (1.0 + k * (3.0 - 5.0 * zz))
    return np.stack([fxy * x, fxy * y, fz * z], axis=-1)


def geodetic_from_rz(rho_km, z_km):
    """Geodetic latitude and ellipsoidal height from cylindrical coordinates.

    Parameters
    ----------
    rho_km : array_like
        Distance from the spin axis, ``sqrt(x^2 + y^2)`` [km].
    z_km : array_like
        Distance along the spin axis [km].

    Returns
    -------
    lat_rad, alt_km : numpy.ndarray
        Geodetic latitude [rad] and height above the WGS-84 ellipsoid [km].

    Notes
    -----
    Bowring's (1976) closed form with one parametric-latitude step
    (Bowring, *Survey Review* 23(181), 323-327).  Its error is below 1 mm
    for heights under 1000 km, far below anything the ascent resolves.
    """
    rho = np.asarray(rho_km, dtype=float)
    z = np.asarray(z_km, dtype=float)
    a, b, e2 = R_EARTH_KM, WGS84_B_KM, WGS84_E2
    ep2 = e2 / (1.0 - e2)
    beta = np.arctan2(a * z, b * rho)
    lat = np.arctan2(z + ep2 * b * np.sin(beta) ** 3, rho - e2 * a * np.cos(beta) ** 3)
    # one refinement: parametric latitude from the first estimate
    beta = np.arctan2(b * np.sin(lat), a * np.cos(lat))
    lat = np.arctan2(z + ep2 * b * np.sin(beta) ** 3, rho - e2 * a * np.cos(beta) ** 3)
    sl, cl = np.sin(lat), np.cos(lat)
    n = a / np.sqrt(1.0 - e2 * sl * sl)
    # height: use the better-conditioned projection for each latitude band
    alt = np.where(np.abs(cl) > 0.1, rho / np.where(cl == 0.0, 1.0, cl) - n,
                   z / np.where(sl == 0.0, 1.0, sl) - n * (1.0 - e2))
    return lat, alt


def ecef_from_geodetic(lat_rad, lon_rad, alt_km):
    """Earth-fixed position of a geodetic point on WGS-84.

    Parameters
    ----------
    lat_rad, lon_rad : array_like
        Geodetic latitude and east longitude [rad].
    alt_km : array_like
        Height above the ellipsoid [km].

    Returns
    -------
    numpy.ndarray, shape (..., 3)
        ECEF position [km] (NIMA TR8350.2 eq. 4-14).
    """
    lat = np.asarray(lat_rad, dtype=float)
    lon = np.asarray(lon_rad, dtype=float)
    h = np.asarray(alt_km, dtype=float)
    n = R_EARTH_KM / np.sqrt(1.0 - WGS84_E2 * np.sin(lat) ** 2)
    return np.stack([(n + h) * np.cos(lat) * np.cos(lon),
                     (n + h) * np.cos(lat) * np.sin(lon),
                     (n * (1.0 - WGS84_E2) + h) * np.sin(lat)], axis=-1)


def subpoint(r_km, t_s):
    """Geodetic latitude, longitude and altitude below inertial positions.

    Parameters
    ----------
    r_km : array_like, shape (n, 3)
        Positions in the integration frame ``I`` [km].
    t_s : array_like, shape (n,)
        Seconds since lift-off, giving the Earth-rotation angle.

    Returns
    -------
    lat_rad, lon_rad, alt_km : numpy.ndarray, shape (n,)
        Geodetic latitude [rad], east longitude wrapped to (-pi, pi] [rad],
        height above WGS-84 [km].
    """
    r = np.asarray(r_km, dtype=float)
    theta = OMEGA_EARTH_RADS * np.asarray(t_s, dtype=float)
    lon = np.arctan2(r[..., 1], r[..., 0]) - theta
    lon = np.angle(np.exp(1j * lon))
    lat, alt = geodetic_from_rz(np.hypot(r[..., 0], r[..., 1]), r[..., 2])
    return lat, lon, alt


def great_circle_km(lat1_rad, lon1_rad, lat2_rad, lon2_rad):
    """Great-circle distance on the mean-radius sphere (haversine form).

    Parameters
    ----------
    lat1_rad, lon1_rad : array_like
        First point's latitude and east longitude [rad].
    lat2_rad, lon2_rad : array_like
        Second point's latitude and east longitude [rad].

    Returns
    -------
    numpy.ndarray
        Distance [km] on a sphere of radius ``R_EARTH_MEAN_KM``.
    """
    dlat = np.asarray(lat2_rad) - lat1_rad
    dlon = np.asarray(lon2_rad) - lon1_rad
    h = np.sin(dlat / 2) ** 2 + np.cos(lat1_rad) * np.cos(lat2_rad) * np.sin(dlon / 2) ** 2
    return 2.0 * R_EARTH_MEAN_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
