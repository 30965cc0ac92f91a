"""Powered flight in the full force model: a finite burn integrated with the mass it really has.

The state y = (r [km], v [km/s], m [kg]) obeys (Cowell form, as in :mod:`lupex.orbits.cowell`)

    r' = v,    v' = a_grav(t, r) + (T / m) u(r, v) * 1e-3,    m' = -T / (Isp g0)

with T the thrust [N], Isp [s], g0 = 9.80665 m/s^2 and u the unit thrust direction held
fixed in the local VNB frame (V along the velocity, N along r x v, B = V x N; Vallado 2013,
sec. 6.5): ``(-1, 0, 0)`` is the anti-velocity (retrograde) steering of an orbit-lowering
burn, ``(0, 1, 0)`` a plane trim. ``a_grav`` is :func:`lupex.orbits.forces.total_acceleration`
(the Moon's field, Earth and Sun from DE421). The mass equation integrates to the rocket
equation m(t) = m0 - mdot t exactly (Tsiolkovsky; Curtis 2014, eq. 11.30), so a burn of
duration tb delivers the propellant-equivalent dv = Isp g0 ln(m0 / (m0 - mdot tb)).

Times are seconds past the epoch of the ``EphemerisTable`` passed in, so a whole mission phase
shares one table. Integration: scipy DOP853 (Hairer, Norsett & Wanner 1993) with dense output.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.integrate import solve_ivp

from lupex.constants import G0_MS2
from lupex.orbits.forces import EphemerisTable, ForceModel, total_acceleration

#: Retrograde (anti-velocity) steering in the VNB frame.
ANTI_VELOCITY = (-1.0, 0.0, 0.0)
#: Prograde steering in the VNB frame.
VELOCITY = (1.0, 0.0, 0.0)


@dataclass(frozen=True)
class Arc:
    """One integrated arc, coast or burn (times in seconds past the table's epoch).

    Attributes
    ----------
    t0_s, t1_s : float        start and end [s]
    thrust_n : float          thrust during the arc [N] (0 for a coast)
    isp_s : float             specific impulse [s] (irrelevant for a coast)
    steering_vnb : tuple      thrust direction in VNB
    t_s : (n,)                integrator steps [s]
    y : (n, 7)                states (r [km], v [km/s], m [kg]) at ``t_s``
    events : dict             event name -> (k,) times [s]
    sol                       scipy ``OdeSolution`` (dense output); use :meth:`state_at`
    """

    t0_s: float
    t1_s: float
    thrust_n: float
    isp_s: float
    steering_vnb: tuple
    t_s: np.ndarray
    y: np.ndarray
    events: dict
    sol: object

    @property
    def y1(self) -> np.ndarray:
        """State at the end of the arc, (7,)."""
        return self.y[-1]

    def state_at(self, t_s) -> np.ndarray:
        """States inside the arc from the dense output, shape ``t_s.shape + (7,)``.

        Parameters
        ----------
        t_s : float or array_like
            Seconds past the table's epoch [s], within [t0_s, t1_s].
        """
        t = np.asarray(t_s, dtype=float)
        lo, hi = min(self.t0_s, self.t1_s), max(self.t0_s, self.t1_s)
        if np.any(t < lo - 1e-6) or np.any(t > hi + 1e-6):
            raise ValueError(f"t_s: must lie within the arc [{lo}, {hi}] s")
        return np.moveaxis(self.sol(np.clip(t, lo, hi)), 0, -1)


def mass_flow_kgs(thrust_n: float, isp_s: float) -> float:
    """Propellant mass flow mdot = T / (Isp g0) [kg/s].

    Parameters
    ----------
    thrust_n : float
        Thrust [N].
    isp_s : float
        Specific impulse [s].
    """
    return float(thrust_n) / (float(isp_s) * G0_MS2)


def burn_duration_s(dv_kms: float, mass_kg: float, thrust_n: float, isp_s: float) -> float:
    """Duration of a constant-thrust burn delivering ``dv_kms`` (rocket equation).

    tb = m0 (1 - exp(-dv / (Isp g0))) / mdot   (Curtis 2014, eq. 11.30 solved for the time).

    Parameters
    ----------
    dv_kms : float
        Propellant-equivalent velocity change [km/s], >= 0.
    mass_kg : float
        Mass at ignition [kg].
    thrust_n, isp_s : float
        Thrust [N] and specific impulse [s].
    """
    ve = isp_s * G0_MS2 * 1e-3
    return float(mass_kg * -np.expm1(-dv_kms / ve) / mass_flow_kgs(thrust_n, isp_s))


def thrust_direction(r_km, v_kms, steering_vnb) -> np.ndarray:
    """Inertial unit thrust vector for a direction fixed in the local VNB frame.

    Parameters
    ----------
    r_km, v_kms : array_like, shape (3,)
        Position [km] and velocity [km/s].
    steering_vnb : array_like, shape (3,)
        Direction components along V (velocity), N (orbit normal) and B = V x N; normalised here.

    Returns
    -------
    numpy.ndarray
        Unit vector (3,) in the axes of ``v_kms``.
    """
    v_hat = v_kms / np.linalg.norm(v_kms)
    h = np.cross(r_km, v_kms)
    n_hat = h / np.linalg.norm(h)
    s = np.asarray(steering_vnb, dtype=float)
    d = s[0] * v_hat + s[1] * n_hat + s[2] * np.cross(v_hat, n_hat)
    return d / np.linalg.norm(d)


def fly(y0, t0_s: float, t1_s: float, model: ForceModel, table: EphemerisTable, *,
        thrust_n: float = 0.0, isp_s: float = 300.0, steering_vnb=ANTI_VELOCITY,
        events=(), rtol: float = 1e-10) -> Arc:
    """Integrate a coast (``thrust_n = 0``) or a constant-thrust burn from t0_s to t1_s.

    Parameters
    ----------
    y0 : array_like, shape (7,)
        Initial state: position [km], velocity [km/s] (central-body ICRF) and mass [kg].
    t0_s, t1_s : float
        Start and end, seconds past ``table``'s epoch [s]; t1_s < t0_s integrates backwards.
    model : ForceModel
        Gravitational accelerations.
    table : EphemerisTable
        Body positions and the Moon's orientation covering [t0_s, t1_s].
    thrust_n : float
        Thrust [N], >= 0.
    isp_s : float
        Specific impulse [s], > 0.
    steering_vnb : array_like, shape (3,)
        Thrust direction in the local VNB frame (default anti-velocity).
    events : sequence of (name, func, terminal, direction)
        Zero-crossing functions ``func(t, y)`` of the 7-state.
    rtol : float
        Relative tolerance; absolute tolerances are rtol x |r0|, |v0| and m0.

    Returns
    -------
    Arc
    """
    y0 = np.asarray(y0, dtype=float)
    if y0.shape != (7,) or not np.all(np.isfinite(y0)) or y0[6] <= 0:
        raise ValueError(f"y0: must be a finite 7-state with positive mass, got {y0!r}")
    if not thrust_n >= 0 or not isp_s > 0:
        raise ValueError(f"thrust_n, isp_s: must be >= 0 N and > 0 s, got {thrust_n}, {isp_s}")
    mdot = mass_flow_kgs(thrust_n, isp_s)
    steer = tuple(float(x) for x in steering_vnb)

    def rhs(t, y):
        r, v, m = y[:3], y[3:6], y[6]
        a = total_acceleration(t, r, model, table)
        if thrust_n > 0:
            a = a + thrust_direction(r, v, steer) * (thrust_n / m * 1e-3)
        return np.concatenate([v, a, [-mdot]])

    ivp_events = []
    for _name, func, terminal, direction in events:
        def g(t, y, _f=func):
            return _f(t, y)
        g.terminal = terminal
        g.direction = direction
        ivp_events.append(g)
    atol = np.r_[np.full(3, rtol * np.linalg.norm(y0[:3])),
                 np.full(3, rtol * max(np.linalg.norm(y0[3:6]), 1e-6)), rtol * y0[6]]
    sol = solve_ivp(rhs, (float(t0_s), float(t1_s)), y0, method="DOP853", rtol=rtol, atol=atol,
                    dense_output=True, events=ivp_events or None)
    if sol.status == -1:
        raise RuntimeError(f"fly: integration failed: {sol.message}")
    ev = {}
    for k, (name, *_rest) in enumerate(events):
        t_ev = np.asarray(sol.t_events[k])
        ev[name] = t_ev[t_ev != t0_s]
    return Arc(float(t0_s), float(sol.t[-1]), float(thrust_n), float(isp_s), steer, sol.t,
               sol.y.T, ev, sol.sol)
