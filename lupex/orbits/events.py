"""Orbital events for the Cowell propagator: apsides, altitude crossings, impact, sphere of
influence.

An ``Event`` holds a scalar function g(t_s, r_km, v_kms, table) whose sign change marks the
event (scipy ``solve_ivp`` root finding), plus ``terminal`` (stop the integration) and
``direction`` (+1: g rising through zero only, -1: falling only, 0: both). ``table`` is the
propagation's ``EphemerisTable`` (body positions relative to the central body).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from lupex.constants import MOON_MEAN_DISTANCE_KM, R_MOON_KM
from lupex.orbits.forces import GM_KM3S2

# Mean Earth-Moon distance [km] (semi-major axis of the lunar orbit; Simon et al. 1994).


def laplace_soi_radius(a_km: float, gm_small: float, gm_big: float) -> float:
    """Laplace's sphere-of-influence radius r = a (m/M)^(2/5) [km].

    Battin (1999) eq. 8.80; Curtis (2014) eq. 8.48. For the Moon with respect to the Earth:
    384,400 km x (4902.80 / 398600.4)^0.4 = 66,200 km (the often-quoted ~66,100 km uses
    slightly different a and mass ratio).

    Parameters
    ----------
    a_km : float
        Semi-major axis of the small body's orbit about the big one [km], > 0.
    gm_small : float
        Gravitational parameter of the small body [km^3/s^2], > 0.
    gm_big : float
        Gravitational parameter of the big body [km^3/s^2], > ``gm_small``.

    Returns
    -------
    float
        Sphere-of-influence radius about the small body [km].

    Raises
    ------
    ValueError
        Unless ``a_km > 0`` and ``0 < gm_small < gm_big``.
    """
    if not (a_km > 0 and gm_small > 0 and gm_big > gm_small):
        raise ValueError("laplace_soi_radius: need a_km > 0 and 0 < gm_small < gm_big")
    return a_km * (gm_small / gm_big) ** 0.4


MOON_SOI_KM = laplace_soi_radius(MOON_MEAN_DISTANCE_KM, GM_KM3S2["moon"], GM_KM3S2["earth"])


@dataclass(frozen=True)
class Event:
    """A zero-crossing event (see module docstring)."""

    name: str
    func: Callable
    terminal: bool = False
    direction: float = 0.0


def _check_direction(direction):
    if direction not in (-1, 0, 1):
        raise ValueError(f"direction: must be -1, 0 or +1, got {direction!r}")


def periapsis(terminal: bool = False, name: str = "periapsis") -> Event:
    """Periapsis about the central body: r.v = 0 crossing from negative (approaching) to
    positive (receding).

    Parameters
    ----------
    terminal : bool
        Stop the integration at the first periapsis.
    name : str
        Name under which the event is reported.

    Returns
    -------
    Event
        ``g = r.v`` [km^2/s] with ``direction = +1``.
    """
    return Event(name, lambda t, r, v, table: float(np.dot(r, v)), terminal, +1.0)


def apoapsis(terminal: bool = False, name: str = "apoapsis") -> Event:
    """Apoapsis about the central body: r.v = 0 crossing from positive (receding) to
    negative (approaching).

    Parameters
    ----------
    terminal : bool
        Stop the integration at the first apoapsis.
    name : str
        Name under which the event is reported.

    Returns
    -------
    Event
        ``g = r.v`` [km^2/s] with ``direction = -1``.
    """
    return Event(name, lambda t, r, v, table: float(np.dot(r, v)), terminal, -1.0)


def altitude(alt_km: float, radius_km: float = R_MOON_KM, direction: int = 0,
             terminal: bool = False, name: str | None = None) -> Event:
    """Crossing of an altitude over a sphere: g = |r| - (radius_km + alt_km).

    The sphere is centred on the central body (default the 1737.4 km lunar reference
    sphere of the LOLA maps); terrain is ignored.

    Parameters
    ----------
    alt_km : float
        Altitude above the sphere [km], finite (may be negative).
    radius_km : float
        Radius of the reference sphere [km], > 0.
    direction : {-1, 0, +1}
        -1: descending through the altitude only, +1: ascending only, 0: both.
    terminal : bool
        Stop the integration at the first crossing.
    name : str, optional
        Event name; default ``"altitude_<alt_km>km"``.

    Returns
    -------
    Event
        ``g`` [km].

    Raises
    ------
    ValueError
        For a direction outside {-1, 0, 1}, a non-finite ``alt_km`` or ``radius_km <= 0``.
    """
    _check_direction(direction)
    if not np.isfinite(alt_km) or not radius_km > 0:
        raise ValueError(f"alt_km, radius_km: need finite alt_km and radius_km > 0, got "
                         f"{alt_km}, {radius_km}")
    level = radius_km + alt_km
    return Event(name or f"altitude_{alt_km:g}km",
                 lambda t, r, v, table: float(np.linalg.norm(r) - level), terminal,
                 float(direction))


def impact(radius_km: float = R_MOON_KM) -> Event:
    """Terminal descent through altitude 0 on the reference sphere."""
    return altitude(0.0, radius_km, direction=-1, terminal=True, name="impact")


def soi_crossing(body: str = "moon", radius_km: float = MOON_SOI_KM, direction: int = 0,
                 terminal: bool = False, name: str | None = None) -> Event:
    """Crossing of a sphere around a body: g = |r - r_body(t)| - radius_km.

    ``direction=-1`` is entering the sphere (e.g. the Moon's sphere of influence), +1
    leaving it. The body's position comes from the propagation's ephemeris table, so this
    works with either central body (for the central body itself it is an altitude event).

    Parameters
    ----------
    body : {"sun", "earth", "moon"}
        Body the sphere is centred on.
    radius_km : float
        Sphere radius [km], > 0; default the Moon's Laplace sphere of influence
        (:data:`MOON_SOI_KM`).
    direction : {-1, 0, +1}
        -1: entering only, +1: leaving only, 0: both.
    terminal : bool
        Stop the integration at the first crossing.
    name : str, optional
        Event name; default ``"soi_<body>"``.

    Returns
    -------
    Event
        ``g`` [km].

    Raises
    ------
    ValueError
        For a direction outside {-1, 0, 1} or ``radius_km <= 0``.
    """
    _check_direction(direction)
    if not radius_km > 0:
        raise ValueError(f"radius_km: must be > 0, got {radius_km}")

    def g(t, r, v, table):
        return float(np.linalg.norm(r - table.position(body, t)) - radius_km)

    return Event(name or f"soi_{body}", g, terminal, float(direction))


def body_periapsis(body: str = "moon", within_km: float = MOON_SOI_KM, terminal: bool = True,
                   name: str | None = None) -> Event:
    """Closest approach to a third body (e.g. periselene on an Earth-centred transfer).

    g = (r - r_b).(v - v_b) / |r - r_b| (relative radial velocity) while within ``within_km``
    of the body, and -1 outside, so only an approach inside the sphere counts: crossing
    upward through zero is the periapsis. Body states come from the propagation's table.

    Parameters
    ----------
    body : {"sun", "earth", "moon"}
        Third body whose closest approach is sought.
    within_km : float
        Radius of the sphere around the body inside which an approach counts [km], > 0;
        default the Moon's sphere of influence (:data:`MOON_SOI_KM`).
    terminal : bool
        Stop the integration at the closest approach (default True).
    name : str, optional
        Event name; default ``"periapsis_<body>"``.

    Returns
    -------
    Event
        ``g`` [km/s] with ``direction = +1``.

    Raises
    ------
    ValueError
        For ``within_km <= 0``.
    """
    if not within_km > 0:
        raise ValueError(f"within_km: must be > 0, got {within_km}")

    def g(t, r, v, table):
        d = r - table.position(body, t)
        dist = np.linalg.norm(d)
        if dist > within_km:
            return -1.0
        return float(np.dot(d, v - table.velocity(body, t)) / dist)

    return Event(name or f"periapsis_{body}", g, terminal, +1.0)
