"""Trajectory post-processing: the recorded flight as arrays and a timeline of events.

:func:`build_trajectory` turns the segments a :class:`~lupex.launch.flight.FlightLog`
recorded into a :class:`Trajectory` of vectorised quantities (position and velocity
``(n, 3)``, altitude, airspeed, dynamic pressure, thrust, drag ...); :func:`build_events`
gives the :class:`Event` timeline.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lupex.constants import G0_MS2, OMEGA_EARTH_RADS

from .aero import drag_coefficient, dynamic_pressure, free_molecular_heating
from .atmosphere import standard_atmosphere
from .dynamics import BOOSTERS, CORE, UPPER
from .earth import great_circle_km, subpoint
from .flight import FlightLog
from .site import TANEGASHIMA_LP2


@dataclass(frozen=True)
class Event:
    """One timeline event.

    Attributes
    ----------
    name : str
    t_s : float
        Time from lift-off [s].
    alt_km : float
        Height above WGS-84 [km].
    speed_kms : float
        Inertial speed [km/s].
    downrange_km : float
        Great-circle distance from the pad on the mean sphere [km].
    """
    name: str
    t_s: float
    alt_km: float
    speed_kms: float
    downrange_km: float


@dataclass(frozen=True)
class Trajectory:
    """Sampled ascent, vectorised quantities derived from the integrated states.

    All arrays share the sample axis (first); ``r_km`` and ``v_kms`` are ``(n, 3)``
    (inertial frame ``I``), the others ``(n,)``.  Units in names; angles in deg.
    """
    t_s: np.ndarray
    r_km: np.ndarray
    v_kms: np.ndarray
    mass_kg: np.ndarray
    alt_km: np.ndarray
    lat_deg: np.ndarray
    lon_deg: np.ndarray
    downrange_km: np.ndarray
    speed_kms: np.ndarray
    airspeed_kms: np.ndarray
    fpa_deg: np.ndarray
    q_pa: np.ndarray
    mach: np.ndarray
    thrust_n: np.ndarray
    axial_accel_g: np.ndarray
    #: thrust the engines would give in vacuum [N] (their mass flow times Isp_vac g0)
    thrust_vac_n: np.ndarray | None = None
    #: axial drag force [N]
    drag_n: np.ndarray | None = None


def build_trajectory(fl: FlightLog, site=TANEGASHIMA_LP2) -> Trajectory:
    """Concatenate the recorded segments and derive every reported quantity (vectorised).

    Parameters
    ----------
    fl : FlightLog
        A flight flown with ``record=True``.
    site : tuple of float
        Pad geodetic latitude [deg], east longitude [deg] and height [km] (for downrange).

    Returns
    -------
    Trajectory
    """
    t = np.concatenate(fl.t_parts)
    y = np.concatenate(fl.y_parts, axis=1)
    eng = np.concatenate(fl.eng_parts)
    area = np.concatenate(fl.area_parts)
    r, v, m = np.ascontiguousarray(y[:3].T), np.ascontiguousarray(y[3:6].T), y[6]
    lat, lon, alt = subpoint(r, t)
    rho, p, a_snd = standard_atmosphere(np.maximum(alt, -0.9))
    v_rel = v - np.cross([0.0, 0.0, OMEGA_EARTH_RADS], r)
    vr_ms = np.linalg.norm(v_rel, axis=-1) * 1000.0
    mach = vr_ms / a_snd
    q = dynamic_pressure(rho, vr_ms)
    pr = fl.prop
    fb = pr.n_boosters * pr.booster_peak_n * np.interp(
        t / max(pr.booster_burn_s, 1e-9), pr.booster_tau, pr.booster_f,
        right=0.0) if pr.n_boosters else np.zeros_like(t)
    thrust = np.where(eng & BOOSTERS, np.maximum(fb - pr.booster_exit_area_m2 * p, 0.0), 0.0)
    thrust += np.where(eng & CORE, pr.core_thrust_vac_n - pr.core_exit_area_m2 * p, 0.0)
    thrust += np.where(eng & UPPER, pr.upper_thrust_n, 0.0)
    thrust_vac = (np.where(eng & BOOSTERS, fb, 0.0) + np.where(eng & CORE, pr.core_thrust_vac_n, 0.0)
                  + np.where(eng & UPPER, pr.upper_thrust_n, 0.0))
    drag = q * drag_coefficient(mach) * area
    accel_g = (thrust - drag) / m / G0_MS2
    speed = np.linalg.norm(v, axis=-1)
    fpa = np.degrees(np.arcsin(np.clip(np.sum(r * v, axis=-1) /
                                       (np.linalg.norm(r, axis=-1) * speed), -1, 1)))
    lat0, lon0 = np.radians(site[0]), np.radians(site[1])
    down = great_circle_km(lat0, lon0, lat, lon)
    return Trajectory(t, r, v, m, alt, np.degrees(lat), np.degrees(lon), down, speed,
                      vr_ms / 1000.0, fpa, q, mach, thrust, accel_g, thrust_vac, drag)


def build_events(fl: FlightLog, site=TANEGASHIMA_LP2) -> tuple[Event, ...]:
    """Timeline of a flight: its logged events with altitude, inertial speed and downrange.

    Parameters
    ----------
    fl : FlightLog
    site : tuple of float
        Pad geodetic latitude [deg], east longitude [deg] and height [km] (for downrange).

    Returns
    -------
    tuple of Event
        Time-ordered (stable for events at the same time).
    """
    names = [e[0] for e in fl.events]
    t = np.array([e[1] for e in fl.events])
    y = np.stack([e[2] for e in fl.events])
    lat, lon, alt = subpoint(y[:, :3], t)
    speed = np.linalg.norm(y[:, 3:6], axis=-1)
    down = great_circle_km(np.radians(site[0]), np.radians(site[1]), lat, lon)
    order = np.argsort(t, kind="stable")
    return tuple(Event(names[i], float(t[i]), float(alt[i]), float(speed[i]), float(down[i]))
                 for i in order)


def heating_rate_wm2(traj: Trajectory) -> np.ndarray:
    """Free-molecular heating rate ``1/2 rho v^3`` along a trajectory.

    Parameters
    ----------
    traj : Trajectory

    Returns
    -------
    numpy.ndarray, shape (n,)
        Heating rate [W/m^2] at each sample.
    """
    rho = standard_atmosphere(np.maximum(traj.alt_km, -0.9))[0]
    return free_molecular_heating(rho, traj.airspeed_kms * 1000.0)
