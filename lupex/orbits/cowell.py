"""Cowell propagation: direct numerical integration of r'' = a(t, r) in central-body ICRF axes.

The state y = (r [km], v [km/s]) is integrated with scipy's ``solve_ivp`` DOP853 (Dormand &
Prince 8(5,3), Hairer, Nørsett & Wanner 1993, sec. II.10) with rtol = 1e-12 and absolute
tolerances scaled to the initial state (1e-12 x |r0| km and 1e-12 x |v0| km/s by default).
Accelerations come from ``lupex.orbits.forces`` with body positions pre-tabulated from DE421
over the span (``EphemerisTable``), so the kernels are read once per propagation.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.integrate import solve_ivp

from lupex.orbits.events import Event
from lupex.orbits.forces import (
    EphemerisTable,
    ForceModel,
    earth_pole_icrf,
    tabulate_ephemeris,
    total_acceleration,
)

__all__ = ["ForceModel", "Trajectory", "propagate"]


@dataclass(frozen=True)
class Trajectory:
    """A propagated arc.

    Attributes
    ----------
    epoch_jd_tdb : float       time origin (TDB Julian date); ``t_s`` counts from it
    central : str              "earth" or "moon" (ICRF axes centred there)
    t_s : (n,)                 output times [s]
    r_km, v_kms : (n, 3)       positions [km] and velocities [km/s] at ``t_s``
    event_t_s : dict           event name -> (k,) times of its occurrences [s]
    event_states : dict        event name -> (k, 6) states (r [km], v [km/s]) at those times
    success, message, nfev     from ``solve_ivp``
    sol                        scipy ``OdeSolution`` (dense output); use ``state_at``
    """

    epoch_jd_tdb: float
    central: str
    model: ForceModel
    t_s: np.ndarray
    r_km: np.ndarray
    v_kms: np.ndarray
    event_t_s: dict = field(default_factory=dict)
    event_states: dict = field(default_factory=dict)
    success: bool = True
    message: str = ""
    nfev: int = 0
    sol: object = None

    def state_at(self, t_s) -> tuple[np.ndarray, np.ndarray]:
        """State anywhere inside the arc, from the integrator's dense output (interpolation
        error of the order of the integration tolerance).

        Parameters
        ----------
        t_s : float or array_like, shape (m,)
            Seconds past the epoch [s], within the arc.

        Returns
        -------
        r_km, v_kms : numpy.ndarray
            Position [km] and velocity [km/s], shape ``t_s.shape + (3,)``.
        """
        t = np.asarray(t_s, dtype=float)
        lo, hi = min(self.t_s[0], self.t_s[-1]), max(self.t_s[0], self.t_s[-1])
        if np.any(t < lo - 1e-9) or np.any(t > hi + 1e-9):
            raise ValueError(f"t_s: must lie within the arc [{lo}, {hi}] s")
        y = np.moveaxis(self.sol(t), 0, -1)
        return y[..., :3], y[..., 3:]

    @property
    def jd_tdb(self) -> np.ndarray:
        """Output times as TDB Julian dates [d], shape (n,)."""
        return self.epoch_jd_tdb + self.t_s / 86400.0


def _vector(x, name: str) -> np.ndarray:
    a = np.asarray(x, dtype=float)
    if a.shape != (3,) or not np.all(np.isfinite(a)):
        raise ValueError(f"{name}: must be a finite 3-vector, got shape {a.shape}")
    return a


def propagate(r0_km, v0_kms, epoch_jd_tdb: float, duration_s: float, model: ForceModel,
              *, t_eval_s=None, events: tuple[Event, ...] = (), rtol: float = 1e-12,
              atol: float | None = None, max_step_s: float = np.inf,
              table: EphemerisTable | None = None, table_step_s: float = 1800.0) -> Trajectory:
    """Propagate a state through ``model`` for ``duration_s`` seconds (negative: backwards).

    Parameters
    ----------
    r0_km, v0_kms : (3,)
        Initial position [km] and velocity [km/s], ICRF axes, centred on ``model.central``.
    epoch_jd_tdb : float
        Epoch of the initial state, TDB Julian date (within 1900-2050, DE421's span).
    duration_s : float
        Propagation time [s], nonzero.
    model : ForceModel
    t_eval_s : array_like, optional
        Output times [s past epoch]; default: the integrator's own steps.
    events : tuple of Event
        Zero-crossing events (``lupex.orbits.events``); a terminal one stops the run.
    rtol, atol : float
        Relative tolerance; absolute tolerance as a fraction of |r0| and |v0| (default = rtol).
    max_step_s : float
        Largest step [s].
    table : EphemerisTable, optional
        Reuse a table (e.g. in a targeting loop); it must cover the span.
    table_step_s : float
        Grid step of the ephemeris table built when ``table`` is None [s].

    Returns
    -------
    Trajectory
    """
    r0 = _vector(r0_km, "r0_km")
    v0 = _vector(v0_kms, "v0_kms")
    if not np.isfinite(duration_s) or duration_s == 0:
        raise ValueError(f"duration_s: must be finite and nonzero, got {duration_s}")
    if not 0 < rtol < 1e-3:
        raise ValueError(f"rtol: must be in (0, 1e-3), got {rtol}")
    rmin = model.gravity_field.radius_km * 0.9 if model.gravity_field is not None else 1.0
    if np.linalg.norm(r0) < rmin:
        raise ValueError(f"r0_km: |r0| = {np.linalg.norm(r0):.1f} km is inside the central body")
    if table is None:
        table = tabulate_ephemeris(model.central, epoch_jd_tdb, 0.0, duration_s, table_step_s,
                                   moon_rotation=model.gravity_field is not None)
    elif (table.central != model.central or table.epoch_jd_tdb != epoch_jd_tdb
          or min(0.0, duration_s) < table.t0_s or max(0.0, duration_s) > table.t1_s):
        raise ValueError("table: must have the model's central body, the same epoch, and "
                         "cover [0, duration_s]")
    pole = earth_pole_icrf(epoch_jd_tdb) if model.earth_j2 else (0.0, 0.0, 1.0)

    def rhs(t, y):
        return np.concatenate([y[3:], total_acceleration(t, y[:3], model, table, pole)])

    ivp_events = []
    for ev in events:
        def g(t, y, _ev=ev):
            return _ev.func(t, y[:3], y[3:], table)
        g.terminal = ev.terminal
        g.direction = ev.direction
        ivp_events.append(g)

    a = rtol if atol is None else atol
    atol_vec = np.r_[np.full(3, a * np.linalg.norm(r0)), np.full(3, a * max(np.linalg.norm(v0), 1e-6))]
    sol = solve_ivp(rhs, (0.0, float(duration_s)), np.r_[r0, v0], method="DOP853",
                    t_eval=t_eval_s, events=ivp_events or None, rtol=rtol, atol=atol_vec,
                    dense_output=True, max_step=max_step_s)
    if sol.status == -1:
        raise RuntimeError(f"propagate: integration failed: {sol.message}")
    ev_t, ev_y = {}, {}
    for k, ev in enumerate(events):
        # An event function that is exactly zero at the start (e.g. r.v = 0 when starting at
        # apoapsis) is reported by scipy at t = 0; that is the initial condition, not an event.
        keep = np.asarray(sol.t_events[k]) != 0.0
        ev_t[ev.name] = np.asarray(sol.t_events[k])[keep]
        ev_y[ev.name] = np.asarray(sol.y_events[k]).reshape(-1, 6)[keep]
    return Trajectory(float(epoch_jd_tdb), model.central, model, sol.t, sol.y[:3].T, sol.y[3:].T,
                      ev_t, ev_y, bool(sol.success), str(sol.message), int(sol.nfev), sol.sol)
