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
