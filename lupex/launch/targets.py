"""Injection targets the upper stage can be guided to.

Each target is a small frozen dataclass validated on construction; bad
values raise one ``ValueError`` naming the field and its allowed range.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def _check(name: str, value, lo: float, hi: float) -> None:
    if value is None:
        return
    if not np.isfinite(value) or not lo <= value <= hi:
        raise ValueError(f"{name} must be within [{lo}, {hi}]; got {value}")


@dataclass(frozen=True)
class CircularOrbit:
    """Circular orbit, entered directly at the end of the first upper-stage burn.

    Attributes
    ----------
    alt_km : float
        Altitude above the WGS-84 equatorial radius [km], 150-2000.
    inclination_deg : float or None
        Inclination [deg]; sets the launch azimuth when no azimuth is given.
    """
    alt_km: float = 250.0
    inclination_deg: float | None = None

    def __post_init__(self):
        _check("alt_km", self.alt_km, 150.0, 2000.0)
        _check("inclination_deg", self.inclination_deg, 0.0, 180.0)


@dataclass(frozen=True)
class EllipticOrbit:
    """Elliptic orbit entered at perigee by the first upper-stage burn.

    Attributes
    ----------
    perigee_alt_km, apogee_alt_km : float
        Altitudes above the equatorial radius [km]; 150 <= perigee <= apogee <= 100,000.
    inclination_deg : float or None
    """
    perigee_alt_km: float
    apogee_alt_km: float
    inclination_deg: float | None = None

    def __post_init__(self):
        _check("perigee_alt_km", self.perigee_alt_km, 150.0, 2000.0)
        _check("apogee_alt_km", self.apogee_alt_km, self.perigee_alt_km, 100_000.0)
        _check("inclination_deg", self.inclination_deg, 0.0, 180.0)


@dataclass(frozen=True)
class GTO:
    """Geostationary transfer orbit defined, as JAXA does, by the Delta-v left to GEO.

    The upper stage reaches a parking orbit, coasts to the equator, burns
    prograde until the apogee reaches the geostationary radius (SECO2),
    then restarts at apogee (impulsive third burn, long-coast profile) to
    cut the remaining Delta-v to GEO (plane change included) down to
    ``dv_to_geo_kms``.  The third burn is applied along the full
    apogee-to-GEO Delta-v vector, so the remainder is exactly
    ``|dv_full| - dv_burn``; JAXA's reference orbit (perigee 2,700 km,
    20 deg) is one orbit of that family.

    Attributes
    ----------
    dv_to_geo_kms : float
        Delta-v the spacecraft must still supply to reach GEO [km/s], 1.0-2.5
        (JAXA reference: 1.5).
    parking_alt_km : float
        Circular parking-orbit altitude [km].
    """
    dv_to_geo_kms: float = 1.5
    parking_alt_km: float = 250.0

    def __post_init__(self):
        _check("dv_to_geo_kms", self.dv_to_geo_kms, 1.0, 2.5)
        _check("parking_alt_km", self.parking_alt_km, 150.0, 1000.0)


@dataclass(frozen=True)
class LunarTransfer:
    """Direct lunar transfer: parking orbit, coast, second burn to a C3.

    Attributes
    ----------
    c3_km2s2 : float
        Characteristic energy v_inf^2 = 2 E [km^2/s^2] at SECO2, -10 to +5
        (trans-lunar injection: about -2).
    arg_perigee_deg : float or None
        Argument of perigee of the departure orbit [deg, 0-360), measured in
        the orbit plane from the ascending node on the Earth's equator of
        date, set by the parking-orbit coast duration; ``None`` = a 60 s
        coast.
    parking_alt_km : float
        Circular parking-orbit altitude [km].
    inclination_deg : float or None
        Parking-orbit inclination [deg]; ``None`` = due-east launch.
    """
    c3_km2s2: float = -2.0
    arg_perigee_deg: float | None = None
    parking_alt_km: float = 200.0
    inclination_deg: float | None = None

    def __post_init__(self):
        _check("c3_km2s2", self.c3_km2s2, -10.0, 5.0)
        _check("arg_perigee_deg", self.arg_perigee_deg, 0.0, 360.0)
        _check("parking_alt_km", self.parking_alt_km, 150.0, 1000.0)
        _check("inclination_deg", self.inclination_deg, 0.0, 180.0)


Target = CircularOrbit | EllipticOrbit | GTO | LunarTransfer
