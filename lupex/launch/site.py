"""The Tanegashima launch site and the launch azimuths its range allows.

Azimuth convention: degrees clockwise from geodetic north (0 = north, 90 = east), measured
in the Earth-fixed frame at the pad.
"""
from __future__ import annotations

import numpy as np

from lupex.constants import GM_EARTH_WGS84_KM3S2, OMEGA_EARTH_RADS, R_EARTH_KM

#: Yoshinobu Launch Complex pad 2 (LP-2), Tanegashima Space Center: geodetic
#: latitude [deg N], east longitude [deg], pad height [km] (approximate:
#: 30.40 N, 130.97 E; JAXA TNSC site description).
TANEGASHIMA_LP2 = (30.4009, 130.9753, 0.05)

#: Allowed launch azimuth range [deg clockwise from north] (inferred; see check_azimuth).
ALLOWED_AZIMUTH_DEG = (90.0, 195.0)


def check_azimuth(azimuth_deg: float) -> float:
    """Check a launch azimuth against Tanegashima's range, :data:`ALLOWED_AZIMUTH_DEG`.

    Parameters
    ----------
    azimuth_deg : float
        Launch azimuth [deg clockwise from north].

    Returns
    -------
    float
        The same azimuth [deg].

    Raises
    ------
    ValueError
        If it is outside the allowed range or not finite.

    Notes
    -----
    JAXA publishes no numerical azimuth limits for the Yoshinobu complex in the
    public material we could find, so the range is inferred from what has been
    flown: geostationary and low-inclination missions leave due east (GTO
    inclination ~28.5-30.4 deg, azimuth ~90-100 deg), HTV flights to the ISS
    (51.6 deg) leave to the south-east (azimuth ~134 deg, descending), and
    Sun-synchronous missions (97-98 deg, e.g. ALOS-3/4 on H3 TF1/F3) leave
    southwards, slightly west of south (azimuth ~189-192 deg), clearing the
    Ryukyu arc and passing east of the Philippines.  Northward flights would
    overfly Honshu/Shikoku and westward ones Kyushu and the East China Sea.
    We therefore allow ``ALLOWED_AZIMUTH_DEG = (90, 195)`` and reject anything
    else with a ``ValueError``.  Treat the bounds as an engineering assumption.
    """
    lo, hi = ALLOWED_AZIMUTH_DEG
    if not np.isfinite(azimuth_deg) or not lo <= azimuth_deg <= hi:
        raise ValueError(f"azimuth_deg must be within the Tanegashima range [{lo}, {hi}] deg "
                         f"(clockwise from north); got {azimuth_deg}")
    return float(azimuth_deg)


def launch_azimuth_deg(inclination_deg: float, lat_deg: float = TANEGASHIMA_LP2[0],
                       orbit_alt_km: float = 200.0) -> float:
    """Earth-relative launch azimuth that places the vehicle in an orbit of given inclination.

    Parameters
    ----------
    inclination_deg : float
        Target inclination [deg], ``|lat| <= i <= 180 - |lat|``.
    lat_deg : float
        Geodetic latitude of the pad [deg].
    orbit_alt_km : float
        Altitude of the insertion orbit, which sets the orbital speed used
        for the Earth-rotation correction [km].

    Returns
    -------
    float
        Azimuth [deg clockwise from north] of the *descending-pass* (south-
        eastward) solution, the one Tanegashima's range allows.

    Notes
    -----
    Inertial azimuth ``sin(beta_I) = cos(i) / cos(lat)`` (Vallado 2013,
    eq. 6-18); the Earth-relative azimuth removes the pad's eastward speed
    ``v_eq cos(lat)`` from the orbital velocity (Curtis, *Orbital Mechanics
    for Engineering Students*, 3rd ed., sec. 4.x)::

        tan(beta_R) = (v sin beta_I - omega R cos(lat)) / (v cos beta_I)

    For ``i = lat`` the result is due east (90 deg).
    """
    lat = np.radians(lat_deg)
    lo = abs(lat_deg)
    if not lo - 1e-9 <= inclination_deg <= 180.0 - lo + 1e-9:
        raise ValueError(f"inclination_deg must be within [{lo:.2f}, {180 - lo:.2f}] deg to be "
                         f"reachable from latitude {lat_deg} deg; got {inclination_deg}")
    s = np.clip(np.cos(np.radians(inclination_deg)) / np.cos(lat), -1.0, 1.0)
    beta_i = np.pi - np.arcsin(s)           # descending (south-eastward) branch
    v = np.sqrt(GM_EARTH_WGS84_KM3S2 / (R_EARTH_KM + orbit_alt_km))
    v_rot = OMEGA_EARTH_RADS * R_EARTH_KM * np.cos(lat)
    east = v * np.sin(beta_i) - v_rot
    north = v * np.cos(beta_i)
    return float(np.degrees(np.arctan2(east, north)) % 360.0)
