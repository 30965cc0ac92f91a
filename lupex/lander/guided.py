"""A site-targeted powered descent: braking, throttled approach, hazard-avoidance hover and a
terminal vertical descent onto the terrain height at the landing site.

Dynamics, in the Moon-fixed MOON_ME frame (3D, rotating with the Moon at ``omega``)::

    r' = v
    v' = -mu r / |r|^3 - 2 omega x v - omega x (omega x r) + F / m
    m' = -|F| / (Isp g0)

(Curtis, *Orbital Mechanics for Engineering Students*, 3rd ed., sec. 1.9 for the rotating
frame terms; sec. 11.6 for the mass flow.) The Moon is a point mass: over a ~15-minute
descent the GRAIL field's higher harmonics move the lander by tens of metres, which the
closed loop below absorbs.

Guidance: each phase steers to a target state (position ``r_f`` and velocity ``v_f``) at a
fixed end time with the zero-effort-miss / zero-effort-velocity law, the energy-optimal
feedback for a uniform gravity field (Ebrahimi, Bahrami & Roshanian, *Acta Astronautica*
63, 2008; the same quadratic-acceleration family as Apollo's E-guidance, Klumpp 1974,
*Automatica* 10:133)::

    ZEM = r_f - (r + v t_go + g t_go^2 / 2),   ZEV = v_f - (v + g t_go)
    a_cmd = 6 ZEM / t_go^2 - 2 ZEV / t_go

re-evaluated every ``step_s`` (a 10 Hz flight computer by default) with ``g`` the local
gravity plus centrifugal acceleration; the commanded force ``m a_cmd`` is held over the step
(zero-order hold) and its magnitude kept within the throttle limits. Phases (after
Chandrayaan-3's published sequence: rough braking from 30 km to ~7.4 km in 690 s, fine
braking, a hover at ~150 m to choose a safe spot, vertical descent; Business Standard,
22 Aug 2023, quoting ISRO's plan,
https://www.business-standard.com/india-news/chandrayaan-3-landing-on-august-27-if-conditions-are-unfavourable-isro-123082200268_1.html):

1. **braking** - from PDI to the *high gate*, ``high_gate_alt_km`` above the site and
   ``high_gate_uprange_km`` before it, moving toward it at the speeds that let the
   approach decelerate uniformly;
2. **approach** - throttled, from the high gate to rest ``hover_alt_m`` above the site;
3. **hover** - hazard-avoidance hover over the site for ``hover_s``;
4. **terminal** - vertical descent to the ground at ``touchdown_speed_ms``.

The braking time-to-go is the one that decelerates uniformly over the remaining ground
distance to the high gate, t_go = 2 D / (v_h + v_gate) (constant-deceleration kinematics),
re-evaluated every step (as Apollo's guidance re-solved its time-to-go each cycle), so the law
adapts to where PDI really is and to a lander that lags behind its plan (e.g. at full
throttle); the later phases run for their fixed durations, each member of a batch on its own
clock. Reaching the ground before the vertical descent is a crash (``landed`` False). :func:`nominal_descent_range` gives the PDI
uprange angle a lunar-orbit phase should aim for: the ground arc a constant-throttle
gravity turn at ``braking_throttle`` needs from PDI speed to the high-gate speed, plus the
approach's ground distance.

Every function is vectorised over a batch of initial states (leading axis N).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.integrate import solve_ivp

from lupex.constants import G0_KMS2, GM_MOON_KM3S2, R_MOON_KM
from lupex.geometry import enu_basis

__all__ = ["DescentDesign", "GuidedDescent", "NominalRange", "fly_guided_descent",
           "nominal_descent_range", "site_frame"]

PHASES = ("braking", "approach", "hover", "terminal")


@dataclass(frozen=True)
class DescentDesign:
    """The descent's phase targets and limits (see the module docstring).

    Attributes
    ----------
    high_gate_alt_km : float
        High-gate altitude above the site [km] (Chandrayaan-3: 7.42 km).
    high_gate_uprange_km : float
        High-gate ground distance before the site [km].
    approach_s : float
        Approach duration, high gate to the hover point [s] (Chandrayaan-3 fine braking: 175 s).
    hover_alt_m : float
        Hover height above the site [m] (Chandrayaan-3: ~150 m).
    hover_s : float
        Hazard-avoidance hover [s] (Chandrayaan-3: ~30 s).
    terminal_s : float
        Vertical descent from the hover to touchdown [s].
    touchdown_speed_ms : float
        Commanded vertical touchdown speed [m/s] (Vikram's limit: <= 2 m/s).
    braking_throttle : float
        Throttle the nominal braking is designed for (0-1), leaving the rest for dispersions.
    min_throttle, max_throttle : float
        Throttle limits, fractions of the rated thrust.
    step_s : float
        Guidance and integration step [s].
    sample_s : float
        Spacing of the stored samples [s].
    """

    high_gate_alt_km: float = 7.4
    high_gate_uprange_km: float = 12.0
    approach_s: float = 175.0
    hover_alt_m: float = 150.0
    hover_s: float = 30.0
    terminal_s: float = 75.0
    touchdown_speed_ms: float = 1.0
    braking_throttle: float = 0.9
    min_throttle: float = 0.15
    max_throttle: float = 1.0
    step_s: float = 0.1
    sample_s: float = 1.0

    def __post_init__(self):
        checks = (("high_gate_alt_km", 0.5, 20.0), ("high_gate_uprange_km", 0.0, 100.0),
                  ("approach_s", 20.0, 1000.0), ("hover_alt_m", 10.0, 2000.0),
                  ("hover_s", 0.0, 600.0), ("terminal_s", 10.0, 600.0),
                  ("touchdown_speed_ms", 0.1, 5.0), ("braking_throttle", 0.3, 1.0),
                  ("min_throttle", 0.0, 1.0), ("max_throttle", 0.1, 1.0),
                  ("step_s", 0.01, 2.0), ("sample_s", 0.01, 60.0))
        for name, lo, hi in checks:
            v = getattr(self, name)
            if not (np.isfinite(v) and lo <= v <= hi):
                raise ValueError(f"{name}: must be between {lo:g} and {hi:g}, got {v!r}")
        if self.min_throttle >= self.max_throttle:
            raise ValueError(f"min_throttle: {self.min_throttle} must be below max_throttle "
                             f"{self.max_throttle}")
        if self.sample_s < self.step_s:
            raise ValueError(f"sample_s: {self.sample_s} s must be >= step_s {self.step_s} s")

    @property
    def gate_speeds_kms(self) -> tuple[float, float]:
        """High-gate horizontal and downward speeds [km/s] that decelerate uniformly to rest
        at the hover point over ``approach_s``: v = 2 d / T (constant-deceleration kinematics)."""
        drop_km = self.high_gate_alt_km - self.hover_alt_m * 1e-3
        return 2.0 * self.high_gate_uprange_km / self.approach_s, 2.0 * drop_km / self.approach_s


@dataclass(frozen=True)
class NominalRange:
    """The descent's nominal geometry from PDI (see :func:`nominal_descent_range`).

    Attributes
    ----------
    uprange_deg : float
        Central angle from the PDI point to the site [deg].
    ground_range_km : float
        The same on the site's sphere [km].
    braking_s : float
        Duration of the reference braking [s].
    """

    uprange_deg: float
    ground_range_km: float
    braking_s: float


def nominal_descent_range(pdi_alt_km: float, pdi_speed_kms: float, mass_kg: float, thrust_n: float,
                          isp_s: float, design: DescentDesign = DescentDesign(),
                          site_height_km: float = 0.0, mu_km3s2: float = GM_MOON_KM3S2,
                          radius_km: float = R_MOON_KM) -> NominalRange:
    """The PDI uprange angle of the nominal descent: the ground arc of a planar gravity turn at
    ``design.braking_throttle`` (thrust along -v) from the PDI speed, horizontal at PDI, down
    to the high-gate speed, plus the approach's ``high_gate_uprange_km``.

    Parameters
    ----------
    pdi_alt_km : float
        PDI altitude above the reference sphere [km], 5-200.
    pdi_speed_kms : float
        Horizontal speed at PDI [km/s], 0.5-2.5.
    mass_kg : float
        Mass at PDI [kg].
    thrust_n : float
        Rated thrust [N].
    isp_s : float
        Specific impulse [s].
    design : DescentDesign
        Gate targets and throttle.
    site_height_km : float
        Terrain height at the site above the reference sphere [km].
    mu_km3s2, radius_km : float
        The Moon's GM [km^3/s^2] and reference radius [km].

    Returns
    -------
    NominalRange
    """
    if not 5.0 <= pdi_alt_km <= 200.0:
        raise ValueError(f"pdi_alt_km: must be between 5 and 200 km, got {pdi_alt_km}")
    if not 0.5 <= pdi_speed_kms <= 2.5:
        raise ValueError(f"pdi_speed_kms: must be between 0.5 and 2.5 km/s, got {pdi_speed_kms}")
    f_kn = design.braking_throttle * thrust_n * 1e-3  # kN = kg km/s^2
    mdot = f_kn / (isp_s * G0_KMS2)
    vh_gate, vv_gate = design.gate_speeds_kms
    v_gate = float(np.hypot(vh_gate, vv_gate))

    def rhs(t, y):
        r, _, vr, vt, m = y
        acc = f_kn / m / max(np.hypot(vr, vt), 1e-9)
        return [vr, vt / r, vt * vt / r - mu_km3s2 / (r * r) - acc * vr, -vr * vt / r - acc * vt, -mdot]

    def slow(t, y):
        return np.hypot(y[2], y[3]) - v_gate

    slow.terminal, slow.direction = True, -1
    sol = solve_ivp(rhs, (0.0, 3600.0), [radius_km + pdi_alt_km, 0.0, 0.0, pdi_speed_kms, mass_kg],
                    method="DOP853", rtol=1e-9, atol=1e-9, events=slow)
    if not sol.t_events[0].size:
        raise ValueError(f"thrust_n: {thrust_n:g} N cannot brake {mass_kg:.0f} kg from "
                         f"{pdi_speed_kms * 1e3:.0f} m/s within an hour")
    theta = float(sol.y_events[0][0][1])
    r_site = radius_km + site_height_km
    ground = theta * r_site + design.high_gate_uprange_km
    return NominalRange(float(np.degrees(ground / r_site)), float(ground), float(sol.t_events[0][0]))


def site_frame(lat_deg, lon_deg, height_km, along_unit):
    """The site's position and the local up and along-track (horizontal, in the approach's
    direction of motion) unit vectors in MOON_ME.

    Parameters
    ----------
    lat_deg, lon_deg : float
        Site latitude and east longitude [deg].
    height_km : float
        Terrain height at the site above the reference sphere [km].
    along_unit : array_like, shape (..., 3)
        Any vector whose horizontal part is the approach direction (e.g. the PDI velocity);
        a vertical one (no horizontal part) takes local north.

    Returns
    -------
    r_site_km, up, along : numpy.ndarray, each shape (..., 3)
    """
    _, north, up = enu_basis(np.radians(lat_deg), np.radians(lon_deg))
    r_site = (R_MOON_KM + height_km) * up
    a = np.asarray(along_unit, dtype=float)
    a = a - (a @ up)[..., None] * up
    n = np.linalg.norm(a, axis=-1, keepdims=True)
    a = np.where(n > 1e-12, a / np.where(n > 1e-12, n, 1.0), north)
    return np.broadcast_to(r_site, a.shape), np.broadcast_to(up, a.shape), a


@dataclass(frozen=True)
class GuidedDescent:
    """A batch of N guided descents (N = 1 for one descent), sampled every ``sample_s``.

    Attributes
    ----------
    t_s : numpy.ndarray, shape (n,)
        Time since PDI [s].
    r_me_km, v_me_kms : numpy.ndarray, shape (n, N, 3)
        Position [km] and velocity relative to the rotating Moon [km/s], MOON_ME.
    mass_kg, throttle : numpy.ndarray, shape (n, N)
        Mass [kg] and throttle (thrust / rated thrust) held over the following step.
    alt_site_km : numpy.ndarray, shape (n, N)
        Height above the site's terrain sphere (radius R + site height) [km].
    phase_end_s : dict
        End time of each phase [s] (braking, approach, hover, terminal), each shape (N,)
        (NaN where the phase did not end).
    phase_mass_kg : numpy.ndarray, shape (5, N)
        Mass at PDI and at the end of each phase [kg] (the last: at touchdown).
    landed : numpy.ndarray, shape (N,)
        True where the lander reached the ground in its vertical descent within the time
        allowed (False: it hit the ground earlier - the touchdown state is then that impact
        - or never reached it).
    t_touchdown_s : numpy.ndarray, shape (N,)
    r_touchdown_km, v_touchdown_kms : numpy.ndarray, shape (N, 3)
        Touchdown state (MOON_ME; velocity relative to the ground).
    mass_touchdown_kg : numpy.ndarray, shape (N,)
    lat_deg, lon_deg : numpy.ndarray, shape (N,)
        Touchdown latitude and east longitude [deg].
    miss_m : numpy.ndarray, shape (N,)
        Great-circle distance from the site on the site's sphere [m].
    vertical_ms, horizontal_ms : numpy.ndarray, shape (N,)
        Touchdown speed down (positive) and along the ground [m/s].
    site_km : numpy.ndarray, shape (3,)
        The site's MOON_ME position [km].
    """

    t_s: np.ndarray
    r_me_km: np.ndarray
    v_me_kms: np.ndarray
    mass_kg: np.ndarray
    throttle: np.ndarray
    alt_site_km: np.ndarray
    phase_end_s: dict
    phase_mass_kg: np.ndarray
    landed: np.ndarray
    t_touchdown_s: np.ndarray
    r_touchdown_km: np.ndarray
    v_touchdown_kms: np.ndarray
    mass_touchdown_kg: np.ndarray
    lat_deg: np.ndarray
    lon_deg: np.ndarray
    miss_m: np.ndarray
    vertical_ms: np.ndarray
    horizontal_ms: np.ndarray
    site_km: np.ndarray
    isp_s: float

    @property
    def propellant_kg(self) -> np.ndarray:
        """Propellant burned PDI -> touchdown [kg], shape (N,)."""
        return self.phase_mass_kg[0] - self.mass_touchdown_kg

    def phase_propellant_kg(self) -> dict:
        """Propellant of each phase [kg], each shape (N,)."""
        pm = self.phase_mass_kg
        return {p: pm[i] - pm[i + 1] for i, p in enumerate(PHASES)}

    def phase_dv_kms(self) -> dict:
        """Ideal velocity change of each phase, Isp g0 ln(m_before / m_after) [km/s]."""
        pm = self.phase_mass_kg
        return {p: self.isp_s * G0_KMS2 * np.log(pm[i] / pm[i + 1]) for i, p in enumerate(PHASES)}


def _braking_tgo(r, v, u_gate, r_sph, vh_gate, floor_s):
    """Braking time-to-go [s], (N,): the time to cover the ground arc to the high gate at
    uniform deceleration from the current horizontal speed to the gate's, t = 2 D / (v + v_gate),
    re-evaluated every step (so a lander that lags behind its plan gets a longer braking)."""
    rn = np.linalg.norm(r, axis=-1, keepdims=True)
    u = r / rn
    arc = r_sph * np.arctan2(np.linalg.norm(np.cross(u, u_gate), axis=-1), np.sum(u * u_gate, axis=-1))
    vh = np.linalg.norm(v - np.sum(v * u, axis=-1, keepdims=True) * u, axis=-1)
    return np.maximum(2.0 * arc / np.maximum(vh + vh_gate, 1e-9), floor_s)


def _gravity(r, omega, mu):
    """Gravity plus centrifugal acceleration in the rotating frame [km/s^2], (N, 3)."""
    rn = np.linalg.norm(r, axis=-1, keepdims=True)
    return -mu * r / rn**3 - np.cross(omega, np.cross(omega, r))


def _deriv(r, v, m, force_kn, omega, mu, mdot):
    acc = _gravity(r, omega, mu) - 2.0 * np.cross(omega, v) + force_kn / m[:, None]
    return v, acc, -mdot


def fly_guided_descent(r0_me_km, v0_me_kms, mass0_kg, thrust_n: float, isp_s: float, site_lat_deg: float,
                       site_lon_deg: float, site_height_m: float, design: DescentDesign = DescentDesign(),
                       omega_me_rads=(0.0, 0.0, 0.0), mu_km3s2: float = GM_MOON_KM3S2) -> GuidedDescent:
    """Fly the guided descent from PDI to touchdown at a site (see the module docstring).

    Parameters
    ----------
    r0_me_km : array_like, shape (3,) or (N, 3)
        PDI position, MOON_ME [km].
    v0_me_kms : array_like, shape (3,) or (N, 3)
        PDI velocity relative to the rotating Moon, MOON_ME [km/s].
    mass0_kg : float or array_like (N,)
        Mass at PDI [kg].
    thrust_n : float or array_like (N,)
        Rated thrust [N] (one per batch member for dispersions).
    isp_s : float or array_like (N,)
        Specific impulse [s] (one per batch member for dispersions).
    site_lat_deg, site_lon_deg : float
        Landing site latitude and east longitude [deg].
    site_height_m : float
        Terrain height at the site above the 1737.4 km sphere [m].
    design : DescentDesign
        Phase targets, throttle limits and steps.
    omega_me_rads : array_like, shape (3,)
        The Moon's spin vector in MOON_ME [rad/s] (zero: a non-rotating Moon).
    mu_km3s2 : float
        The Moon's GM [km^3/s^2].

    Returns
    -------
    GuidedDescent

    Raises
    ------
    ValueError
        For a PDI state below the site or out of range, or non-positive mass or thrust.
    """
    r0 = np.atleast_2d(np.asarray(r0_me_km, dtype=float))
    v0 = np.atleast_2d(np.asarray(v0_me_kms, dtype=float))
    if r0.shape[-1] != 3 or v0.shape != r0.shape:
        raise ValueError(f"r0_me_km, v0_me_kms: must be (3,) or (N, 3) alike, got {r0.shape}, {v0.shape}")
    n = r0.shape[0]
    m0 = np.broadcast_to(np.asarray(mass0_kg, dtype=float), (n,)).copy()
    thrust_n = np.asarray(thrust_n, dtype=float)
    isp_s = np.asarray(isp_s, dtype=float)
    if thrust_n.ndim > 1 or isp_s.ndim > 1 or thrust_n.size not in (1, n) or isp_s.size not in (1, n):
        raise ValueError(f"thrust_n, isp_s: must be scalars or shape ({n},) like the batch")
    if not (np.all(m0 > 0) and np.all(thrust_n > 0) and np.all(isp_s > 0)):
        raise ValueError("mass0_kg, thrust_n, isp_s: must be > 0")
    if not -2000.0 < site_height_m < 12000.0 + 1e4:
        raise ValueError(f"site_height_m: must be a lunar terrain height in m, got {site_height_m}")
    h_site = site_height_m * 1e-3
    r_sph = R_MOON_KM + h_site
    if np.any(np.linalg.norm(r0, axis=-1) - r_sph < design.high_gate_alt_km):
        raise ValueError("r0_me_km: PDI must lie above the high gate over the site's terrain")
    omega = np.asarray(omega_me_rads, dtype=float)
    d = design
    f_max = thrust_n * 1e-3 * d.max_throttle  # kN
    f_min = thrust_n * 1e-3 * d.min_throttle
    ve = isp_s * G0_KMS2

    hover_horizon_s, floor_s = 10.0, 1.0
    site, up, along = site_frame(site_lat_deg, site_lon_deg, h_site, v0)
    vh_gate, vv_gate = d.gate_speeds_kms
    beta = d.high_gate_uprange_km / r_sph
    u_gate = np.cos(beta) * up - np.sin(beta) * along
    t_gate = np.cos(beta) * along + np.sin(beta) * up
    r_gate = (r_sph + d.high_gate_alt_km) * u_gate
    v_gate = vh_gate * t_gate - vv_gate * u_gate
    r_hover = (r_sph + d.hover_alt_m * 1e-3) * up
    v_td = -d.touchdown_speed_ms * 1e-3 * up
    # aim the vertical descent 1 s of touchdown speed below the ground, so that it crosses the
    # surface at the commanded speed before its gain grows without bound at t_go -> 0
    r_ground = site + v_td * floor_s
    zero = np.zeros_like(up)
    tgt_r = np.stack([r_gate, r_hover, r_hover, r_ground])  # (4, N, 3), by phase
    tgt_v = np.stack([v_gate, zero, zero, v_td])
    durations = np.array([np.inf, d.approach_s, d.hover_s, d.terminal_s])
    t_brake0 = _braking_tgo(r0, v0, u_gate, r_sph, vh_gate, floor_s)
    t_max = float(np.max(t_brake0)) + d.approach_s + d.hover_s + d.terminal_s + 120.0

    dt = d.step_s
    n_steps = int(np.ceil(t_max / dt))
    every = max(1, round(d.sample_s / dt))
    rows = np.arange(n)
    r, v, m = r0.copy(), v0.copy(), m0.copy()
    alive = np.ones(n, dtype=bool)
    crashed = np.zeros(n, dtype=bool)
    phase = np.zeros(n, dtype=int)
    phase_t0 = np.zeros(n)
    phase_end = np.full((4, n), np.nan)
    t_td = np.full(n, np.nan)
    r_td, v_td_out, m_td = np.full((n, 3), np.nan), np.full((n, 3), np.nan), np.full(n, np.nan)
    phase_mass = np.full((5, n), np.nan)
    phase_mass[0] = m0
    samples_t, samples_r, samples_v, samples_m, samples_thr = [], [], [], [], []
    for k in range(n_steps):
        t = k * dt
        # phase switches (per member): braking ends when its time-to-go runs out, the others
        # after their fixed durations
        tgo_b = _braking_tgo(r, v, u_gate, r_sph, vh_gate, floor_s)
        for _ in range(3):
            done = alive & (phase < 3) & np.where(phase == 0, tgo_b <= floor_s,
                                                   t - phase_t0 >= durations[np.minimum(phase, 3)] - 1e-9)
            if not done.any():
                break
            phase_end[phase[done], done] = t
            phase_mass[phase[done] + 1, done] = m[done]
            phase[done] += 1
            phase_t0[done] = t
        t_in = t - phase_t0
        t_go = np.where(phase == 0, tgo_b,
                        np.where(phase == 2, hover_horizon_s,
                                 np.maximum(durations[phase] - t_in, floor_s)))[:, None]
        rf, vf = tgt_r[phase, rows], tgt_v[phase, rows]
        g = _gravity(r, omega, mu_km3s2)
        zem = rf - (r + v * t_go + 0.5 * g * t_go**2)
        zev = vf - (v + g * t_go)
        a_cmd = 6.0 * zem / t_go**2 - 2.0 * zev / t_go
        hold = (phase == 3) & (t_in >= d.terminal_s - floor_s)  # hold the touchdown velocity
        a_cmd = np.where(hold[:, None], (vf - v) / floor_s - g, a_cmd)
        f = m[:, None] * a_cmd
        f_mag = np.linalg.norm(f, axis=-1)
        f_clip = np.clip(f_mag, f_min, f_max)
        force = f * (f_clip / np.maximum(f_mag, 1e-12))[:, None]
        force[~alive] = 0.0
        f_clip = np.where(alive, f_clip, 0.0)
        mdot = f_clip / ve
        if k % every == 0:
            samples_t.append(t)
            samples_r.append(r.copy())
            samples_v.append(v.copy())
            samples_m.append(m.copy())
            samples_thr.append(f_clip / (thrust_n * 1e-3))
        # classical RK4 with the command held over the step
        k1 = _deriv(r, v, m, force, omega, mu_km3s2, mdot)
        k2 = _deriv(r + 0.5 * dt * k1[0], v + 0.5 * dt * k1[1], m + 0.5 * dt * k1[2], force, omega, mu_km3s2, mdot)
        k3 = _deriv(r + 0.5 * dt * k2[0], v + 0.5 * dt * k2[1], m + 0.5 * dt * k2[2], force, omega, mu_km3s2, mdot)
        k4 = _deriv(r + dt * k3[0], v + dt * k3[1], m + dt * k3[2], force, omega, mu_km3s2, mdot)
        r_new = r + dt / 6.0 * (k1[0] + 2 * k2[0] + 2 * k3[0] + k4[0])
        v_new = v + dt / 6.0 * (k1[1] + 2 * k2[1] + 2 * k3[1] + k4[1])
        m_new = m + dt / 6.0 * (k1[2] + 2 * k2[2] + 2 * k3[2] + k4[2])
        h_old = np.linalg.norm(r, axis=-1) - r_sph
        h_new = np.linalg.norm(r_new, axis=-1) - r_sph
        hit = alive & (h_new <= 0.0)  # reaching the ground before the vertical descent is a crash
        if hit.any():  # linear interpolation to the ground within the step
            crashed |= hit & (phase < 3)
            w = (h_old[hit] / np.maximum(h_old[hit] - h_new[hit], 1e-15))[:, None]
            t_td[hit] = t + w[:, 0] * dt
            r_td[hit] = r[hit] + w * (r_new[hit] - r[hit])
            v_td_out[hit] = v[hit] + w * (v_new[hit] - v[hit])
            m_td[hit] = m[hit] + w[:, 0] * (m_new[hit] - m[hit])
            alive &= ~hit
        r = np.where(alive[:, None], r_new, r)
        v = np.where(alive[:, None], v_new, v)
        m = np.where(alive, m_new, m)
        if not alive.any():
            break
    t_end = (k + 1) * dt
    samples_t.append(t_end)
    samples_r.append(np.where(np.isnan(r_td), r, r_td))
    samples_v.append(np.where(np.isnan(v_td_out), v, v_td_out))
    samples_m.append(np.where(np.isnan(m_td), m, m_td))
    samples_thr.append(np.zeros(n))
    reached = ~np.isnan(t_td)
    landed = reached & ~crashed
    r_td = np.where(reached[:, None], r_td, r)
    v_td_out = np.where(reached[:, None], v_td_out, v)
    m_td = np.where(reached, m_td, m)
    phase_end[3] = np.where(landed, t_td, np.nan)
    for i in range(1, 5):  # phases never reached: no propellant after the last one flown
        phase_mass[i] = np.where(np.isnan(phase_mass[i]), m_td, phase_mass[i])
    phase_mass[4] = m_td
    # touchdown geometry
    rn = np.linalg.norm(r_td, axis=-1)
    lat = np.degrees(np.arcsin(r_td[:, 2] / rn))
    lon = np.mod(np.degrees(np.arctan2(r_td[:, 1], r_td[:, 0])), 360.0)
    # central angle by atan2(|a x b|, a . b): accurate at millimetres, unlike arccos near 1
    ang = np.arctan2(np.linalg.norm(np.cross(r_td, up[0]), axis=-1), r_td @ up[0])
    miss = r_sph * ang * 1e3
    u_td = r_td / rn[:, None]
    v_vert = -np.sum(v_td_out * u_td, axis=-1)
    v_hor = np.linalg.norm(v_td_out + v_vert[:, None] * u_td, axis=-1)
    r_s = np.stack(samples_r)
    return GuidedDescent(
        t_s=np.asarray(samples_t), r_me_km=r_s, v_me_kms=np.stack(samples_v), mass_kg=np.stack(samples_m),
        throttle=np.stack(samples_thr), alt_site_km=np.linalg.norm(r_s, axis=-1) - r_sph,
        phase_end_s={p: phase_end[i] for i, p in enumerate(PHASES)}, phase_mass_kg=phase_mass, landed=landed, t_touchdown_s=t_td,
        r_touchdown_km=r_td, v_touchdown_kms=v_td_out, mass_touchdown_kg=m_td, lat_deg=lat,
        lon_deg=lon, miss_m=miss, vertical_ms=v_vert * 1e3, horizontal_ms=v_hor * 1e3,
        site_km=np.asarray(site[0]), isp_s=float(isp_s) if isp_s.ndim == 0 else isp_s)
