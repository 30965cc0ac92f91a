"""Patched-conic estimates of an Earth-Moon transfer: the Moon's sphere of influence is
entered on a two-body Earth-centred arc, whose speed relative to the Moon there is the
hyperbolic excess speed of the lunar approach.
"""

from __future__ import annotations

from lupex.constants import GM_EARTH_KM3S2, MOON_MEAN_DISTANCE_KM
from lupex.orbits.maneuvers import hohmann


def lunar_arrival_vinf(r_park_km: float, moon_distance_km: float = MOON_MEAN_DISTANCE_KM,
                       mu_earth_km3s2: float = GM_EARTH_KM3S2) -> float:
    """Patched-conic estimate of the approach speed relative to the Moon [km/s] for a
    Hohmann-type transfer from a circular parking orbit to the Moon's (circular) orbit:
    v_inf = v_moon - v_apo (the transfer's apogee speed, Curtis sec. 8.5).

    Parameters
    ----------
    r_park_km : float
        Radius of the circular parking orbit [km].
    moon_distance_km : float
        Radius of the Moon's (circular) orbit [km].
    mu_earth_km3s2 : float
        The Earth's GM [km^3/s^2].

    Returns
    -------
    float
        Hyperbolic excess speed at the Moon [km/s].
    """
    return float(hohmann(mu_earth_km3s2, r_park_km, moon_distance_km).dv_kms[..., 1])


def time_to_radius_s(r_park_km: float, c3_km2s2: float, r_target_km: float = MOON_MEAN_DISTANCE_KM,
                     mu_earth_km3s2: float = GM_EARTH_KM3S2) -> float:
    """Two-body time from perigee of a departure conic to a radius (a cheap estimate of the
    Earth-Moon time of flight, before any targeting).

    Parameters
    ----------
    r_park_km : float
        Perigee radius: the circular parking orbit the injection leaves from [km].
    c3_km2s2 : float
        Departure energy C3 [km^2/s^2] (negative: an ellipse).
    r_target_km : float
        Radius to reach [km] (the Moon's mean distance).
    mu_earth_km3s2 : float
        The Earth's GM [km^3/s^2].

    Returns
    -------
    float
        Time of flight [s]; ``inf`` when the conic never reaches ``r_target_km``.
    """
    import math

    if c3_km2s2 >= 0.0:
        raise ValueError("time_to_radius_s: only elliptic departures (C3 < 0) are supported")
    a = -mu_earth_km3s2 / c3_km2s2
    e = 1.0 - r_park_km / a
    if a * (1.0 + e) < r_target_km:
        return math.inf
    cos_e = (1.0 - r_target_km / a) / e
    ea = math.acos(max(-1.0, min(1.0, cos_e)))
    return (ea - e * math.sin(ea)) / math.sqrt(mu_earth_km3s2 / a**3)
