"""Ascent losses: the ideal (rocket-equation) Delta-v of a recorded powered flight and
what gravity, drag, nozzle back-pressure and steering take from it (:func:`ascent_losses`).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lupex.constants import GM_EARTH_WGS84_KM3S2


@dataclass(frozen=True)
class AscentLosses:
    """Ideal Delta-v and losses of one powered phase (all in m/s).

    Attributes
    ----------
    t0_s, t1_s : float
        Time window integrated [s from lift-off].
    ideal_dv_ms : float
        Rocket-equation Delta-v of the propellant burnt, with vacuum Isp.
    back_pressure_loss_ms, drag_loss_ms, gravity_loss_ms, steering_loss_ms : float
        The losses; steering is the closure (see :func:`ascent_losses`).
    speed_gain_ms : float
        Increase of the inertial speed while thrusting.
    """
    t0_s: float
    t1_s: float
    ideal_dv_ms: float
    back_pressure_loss_ms: float
    drag_loss_ms: float
    gravity_loss_ms: float
    steering_loss_ms: float
    speed_gain_ms: float

    @property
    def total_loss_ms(self) -> float:
        """Sum of the four losses [m/s]."""
        return (self.back_pressure_loss_ms + self.drag_loss_ms + self.gravity_loss_ms
                + self.steering_loss_ms)


def ascent_losses(trajectory, t0_s: float = 0.0, t1_s: float = np.inf) -> AscentLosses:
    """Ideal Delta-v and its losses over the powered flight between two times.

    Parameters
    ----------
    trajectory : lupex.launch.trajectory.Trajectory
        A recorded ascent (``LaunchFlight.trajectory``).
    t0_s, t1_s : float
        Window [s from lift-off], ``t0_s < t1_s``; only thrusting intervals count.

    Returns
    -------
    AscentLosses

    Raises
    ------
    ValueError
        If the trajectory lacks thrust and drag samples or ``t0_s >= t1_s``.

    Notes
    -----
    Along a powered flight the rate of change of the inertial speed is::

        d|v|/dt = (F / m) cos(alpha) - D / m - g . v_hat

    with ``F`` the thrust at ambient pressure, ``alpha`` its angle to the
    inertial velocity, ``D`` the drag and ``g`` the gravitational
    acceleration.  Writing ``F = F_vac - A_e p`` and integrating over the
    burning time gives the classical budget of gravity, drag, back-pressure
    and steering losses (Sutton & Biblarz, *Rocket Propulsion Elements*, 9th
    ed., ch. 4, "Flight performance")::

        Delta|v| = dv_ideal - dv_back_pressure - dv_drag - dv_gravity - dv_steering

        dv_ideal         = int F_vac / m dt    (= sum of Isp_vac g0 ln(m0/m1) per element)
        dv_back_pressure = int A_e p / m dt
        dv_drag          = int D / m dt
        dv_gravity       = int g . v_hat dt    (point-mass gravity mu / r^2)

    The steering loss ``int F/m (1 - cos alpha) dt`` is obtained as the
    closure of the budget, so it also carries the (small) J2 part of gravity
    and the quadrature error; for a burn along the velocity it must vanish,
    which the tests check.  Integration is trapezoidal over the recorded
    samples, restricted to intervals where thrust acts at both ends.
    """
    tr = trajectory
    if tr.thrust_vac_n is None or tr.drag_n is None:
        raise ValueError("trajectory must carry thrust_vac_n and drag_n (build_trajectory)")
    if not t0_s < t1_s:
        raise ValueError(f"t0_s must be smaller than t1_s; got {t0_s}, {t1_s}")
    t, m = tr.t_s, tr.mass_kg
    r = np.linalg.norm(tr.r_km, axis=-1)
    v = np.linalg.norm(tr.v_kms, axis=-1)
    g_along_ms2 = GM_EARTH_WGS84_KM3S2 / r ** 2 * np.sum(tr.r_km * tr.v_kms, axis=-1) / (r * v) * 1e3
    on = (tr.thrust_vac_n > 0.0) & (t >= t0_s) & (t <= t1_s)
    step = on[1:] & on[:-1] & (np.diff(t) > 0.0)

    def integral(f):
        return float(np.sum((0.5 * (f[1:] + f[:-1]) * np.diff(t))[step]))

    ideal = integral(tr.thrust_vac_n / m)
    back = integral((tr.thrust_vac_n - tr.thrust_n) / m)
    drag = integral(tr.drag_n / m)
    grav = integral(g_along_ms2)
    gain = float(np.sum((np.diff(v) * 1e3)[step]))
    return AscentLosses(float(t0_s), float(min(t1_s, t[-1])), ideal, back, drag, grav,
                        ideal - back - drag - grav - gain, gain)


def losses_by_phase(flight) -> dict:
    """Ideal Delta-v and losses of the boost phase (lift-off to MECO) and of the upper
    stage (SSI1 on).

    Parameters
    ----------
    flight : LaunchFlight
        A flown launch (:func:`lupex.launch.simulate_launch`).

    Returns
    -------
    dict
        ``{"boost": AscentLosses, "upper": AscentLosses}``.
    """
    t_meco = flight.event("MECO").t_s
    t_ssi = flight.event("SSI1").t_s
    return {"boost": ascent_losses(flight.trajectory, 0.0, t_meco),
            "upper": ascent_losses(flight.trajectory, t_ssi, np.inf)}


__all__ = ["AscentLosses", "ascent_losses", "losses_by_phase"]
