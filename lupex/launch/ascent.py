"""Ascent of the launch vehicle from lift-off to spacecraft separation.

Flight profile (times from lift-off):

0. core ignition ``core.ignition_before_liftoff_s`` before lift-off: the
   engines start and are checked with the vehicle held down, burning
   ``core.pad_burn_kg`` of the load on the pad (the SRBs light at T-0);
1. vertical rise (``sequence.vertical_rise_s``) along the geodetic normal;
2. pitch-over kick: the thrust is ramped away from vertical by
   ``kick_deg`` towards the launch azimuth over ``pitch_kick_duration_s``;
3. gravity turn (zero angle of attack) through SRB burn-out and
   separation, fairing jettison and MECO, then the staging coast;
4. first upper-stage burn under linear-tangent steering,
   ``tan(chi) = tan0 - c (t - t_ign)``, whose two coefficients are found by
   shooting so that the cut-off (on reaching the target orbital energy)
   happens at the target radius with zero flight-path angle -- the
   deterministic equivalent of closed-loop linear-tangent guidance;
5. for GTO and lunar transfer: parking-orbit coast, then a second burn
   (thrust along the inertial velocity) to the target apogee or C3; for
   GTO an impulsive apogee burn completes the long-coast profile;
6. spacecraft separation ``payload_separation_delay_s`` after the last
   cut-off.

Integration: ``scipy.integrate.solve_ivp`` (DOP853) segment by segment,
with staging at fixed times (booster burn-out, MECO: the burn times follow
from propellant mass and flow) and terminal events for fairing jettison
(heating-rate rule), ground impact, the target energy or apogee, and
equator crossing.
"""
from __future__ import annotations

from dataclasses import dataclass
from math import radians, sqrt

import numpy as np
from scipy.integrate import solve_ivp
from scipy.optimize import brentq, least_squares, minimize_scalar

from lupex.constants import G0_MS2, GM_EARTH_WGS84_KM3S2, OMEGA_EARTH_RADS, R_EARTH_KM
from lupex.geometry import enu_basis
from lupex.orbits.elements import rv2coe

from .aero import drag_coefficient, free_molecular_heating
from .atmosphere import atmosphere_scalar, standard_atmosphere
from .dynamics import (
    BOOSTERS,
    CORE,
    UPPER,
    Mode,
    Propulsion,
    Segment,
    airspeed_kms,
    altitude_km,
    make_rhs,
    specific_energy,
)
from .earth import ecef_from_geodetic, geodetic_from_rz, great_circle_km, subpoint
from .site import TANEGASHIMA_LP2
from .targets import GTO, CircularOrbit, EllipticOrbit, LunarTransfer
from .vehicle import Vehicle

_RTOL = 1e-9          # recorded (reported) flights
_RTOL_SEARCH = 1e-8   # flights inside optimisers; the reported flight re-solves its guidance
_ATOL = np.array([1e-6, 1e-6, 1e-6, 1e-9, 1e-9, 1e-9, 1e-3])
#: geostationary radius [km] (42,164.17 km: mu^(1/3) / n_sidereal^(2/3)).
R_GEO_KM = (GM_EARTH_WGS84_KM3S2 / OMEGA_EARTH_RADS ** 2) ** (1.0 / 3.0)


class AscentFailure(RuntimeError):
    """The trajectory hit the ground or could not reach its target."""


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


class _Flight:
    """Mutable bookkeeping of one simulated flight (internal)."""

    def __init__(self, veh: Vehicle, payload_kg: float, record: bool):
        self.veh = veh
        self.prop = Propulsion.from_vehicle(veh)
        self.payload_kg = payload_kg
        self.record = record
        self.fairing_on = True
        self.boosters_on = veh.n_boosters > 0
        self.events: list[tuple[str, float, np.ndarray]] = []
        self.t_parts: list[np.ndarray] = []
        self.y_parts: list[np.ndarray] = []
        self.eng_parts: list[np.ndarray] = []
        self.area_parts: list[np.ndarray] = []
        self.upper_prop_used_impulsive_kg = 0.0
        self.max_q_pa = 0.0

    # -- mass bookkeeping -------------------------------------------------
    def upper_dry_stack_kg(self) -> float:
        """Mass of upper stage without propellant, plus payload and fairing if on."""
        m = self.veh.upper.dry_mass_kg + self.payload_kg
        return m + (self.veh.fairing.mass_kg if self.fairing_on else 0.0)

    def upper_usable_left_kg(self, y) -> float:
        """Usable upper-stage propellant left in state ``y`` (reserve and residuals
        excluded) [kg]."""
        return y[6] - self.upper_dry_stack_kg() - self.veh.upper.unburnt_propellant_kg

    def area(self) -> float:
        return self.veh.reference_area_m2(self.boosters_on)

    def mark(self, name: str, t: float, y) -> None:
        self.events.append((name, float(t), np.array(y, dtype=float)))

    # -- integration ------------------------------------------------------
    def run(self, seg: Segment, t0: float, t1: float, y0, stop_events=(), max_step=np.inf):
        """Integrate one segment, handling fairing jettison; return (t, y, fired_index).

        ``fired_index`` is the index in ``stop_events`` of a terminal event
        that ended the segment early, or ``None``.
        """
        y = np.array(y0, dtype=float)
        t = t0
        while True:
            events = [_impact_event]
            fairing_idx = None
            if self.fairing_on and self.veh.fairing.rule != "time":
                events.append(_fairing_event(self.veh.fairing))
                fairing_idx = 1
            events.extend(stop_events)
            rhs = make_rhs(self.prop, seg)
            sol = solve_ivp(rhs, (t, t1), y, method="DOP853",
                            rtol=_RTOL if self.record else _RTOL_SEARCH, atol=_ATOL,
                            events=events, max_step=max_step if self.record else np.inf)
            if sol.status == -1:
                raise AscentFailure(f"integration failed: {sol.message}")
            self._store(sol.t, sol.y, seg)
            if seg.area_m2 > 0:
                self.max_q_pa = max(self.max_q_pa, float(np.max(_dynamic_pressure(sol.y))))
            y, t = sol.y[:, -1].copy(), float(sol.t[-1])
            if sol.status == 0:
                return t, y, None
            fired = [i for i, te in enumerate(sol.t_events) if len(te)]
            if 0 in fired:
                raise AscentFailure(f"vehicle hit the ground at t = {t:.1f} s")
            if fairing_idx is not None and fairing_idx in fired:
                self.jettison_fairing(t, y)
                continue
            offset = 1 + (fairing_idx is not None)
            return t, y, fired[0] - offset

    def jettison_fairing(self, t, y) -> None:
        self.mark("fairing separation", t, y)
        y[6] -= self.veh.fairing.mass_kg
        self.fairing_on = False

    def _store(self, t, y, seg: Segment) -> None:
        if not self.record:
            return
        self.t_parts.append(t)
        self.y_parts.append(y)
        self.eng_parts.append(np.full(t.shape, seg.engines, dtype=np.int8))
        self.area_parts.append(np.full(t.shape, seg.area_m2))


def _dynamic_pressure(y):
    """Dynamic pressure [Pa] of states ``y`` (7, n) (vectorised)."""
    _, alt = geodetic_from_rz(np.hypot(y[0], y[1]), y[2])
    rho = standard_atmosphere(np.maximum(alt, -0.9))[0]
    vr = np.stack([y[3] + OMEGA_EARTH_RADS * y[1], y[4] - OMEGA_EARTH_RADS * y[0], y[5]])
    return 0.5 * rho * np.sum(vr * vr, axis=0) * 1e6


def _impact_event(t, y):
    return altitude_km(y) + 0.5


_impact_event.terminal = True
_impact_event.direction = -1


def _fairing_event(fairing):
    limit, hmin = fairing.heating_limit_wm2, fairing.min_altitude_km
    rule, h_sep = fairing.rule, fairing.altitude_km

    def ev(t, y):
        h = altitude_km(y)
        if rule == "altitude":
            return h - h_sep
        if h < hmin:
            return 1.0
        rho = atmosphere_scalar(h)[0]
        v = airspeed_kms(y) * 1000.0
        return 0.5 * rho * v ** 3 / limit - 1.0

    ev.terminal = True
    ev.direction = 1 if rule == "altitude" else -1
    return ev


def _energy_event(energy_target):
    def ev(t, y):
        return specific_energy(y) - energy_target
    ev.terminal = True
    ev.direction = 1
    return ev


def _apogee_event(r_target_km):
    def ev(t, y):
        e = specific_energy(y)
        if e >= 0.0:
            return 1.0
        r = np.asarray(y[:3])
        v = np.asarray(y[3:6])
        h2 = float(np.sum(np.cross(r, v) ** 2))
        a = -GM_EARTH_WGS84_KM3S2 / (2 * e)
        ecc = sqrt(max(0.0, 1.0 - h2 / (GM_EARTH_WGS84_KM3S2 * a)))
        return a * (1.0 + ecc) - r_target_km
    ev.terminal = True
    ev.direction = 1
    return ev


def _node_event(t, y):
    """Equator crossing (z = 0), either direction."""
    return y[2]


_node_event.terminal = True


def _pad_state(site, mass_kg: float, t_s: float = 0.0) -> np.ndarray:
    """State of a vehicle standing on the pad at ``t_s`` from lift-off, in frame ``I``
    (which coincides with Earth-fixed axes at lift-off)."""
    lat, lon, h = site
    r = ecef_from_geodetic(np.radians(lat), np.radians(lon) + OMEGA_EARTH_RADS * t_s, h)
    v = np.cross([0.0, 0.0, OMEGA_EARTH_RADS], r)
    return np.concatenate([r, v, [mass_kg]])


def guidance_start_s(veh: Vehicle) -> float:
    """Time closed-loop (linear-tangent) steering takes over from the gravity turn [s].

    ``sequence.guidance_start_s`` if set, else SRB separation, else 120 s
    (past max-q, where a non-zero angle of attack no longer loads the
    structure).
    """
    if veh.sequence.guidance_start_s is not None:
        return veh.sequence.guidance_start_s
    if veh.n_boosters:
        return veh.boosters.burn_time_s + veh.boosters.separation_delay_s
    return 120.0


def _sequence_marks(veh: Vehicle):
    """Fixed-time events from lift-off to second-stage ignition, sorted."""
    seq = veh.sequence
    t_meco = veh.core.burn_time_s
    tv = seq.vertical_rise_s
    marks = [(tv, "pitch-over start"), (tv + seq.pitch_kick_duration_s, "pitch-over end"),
             (t_meco, "MECO"), (t_meco + seq.stage_separation_delay_s, "stage separation"),
             (t_meco + seq.upper_ignition_delay_s, "SSI1")]
    if veh.n_boosters:
        tb = veh.boosters.burn_time_s
        marks += [(tb, "SRB burn-out"), (tb + veh.boosters.separation_delay_s, "SRB separation")]
    if veh.fairing.rule == "time":
        marks.append((veh.fairing.time_s, "fairing separation"))
    return sorted(marks)


def fly_phase(flight: _Flight, t0: float, y0, t1: float, azimuth_deg: float, kick_deg: float,
              lts=None, t_guid: float = np.inf):
    """Fly the fixed-time sequence from ``t0`` to ``t1`` (<= second-stage ignition).

    Before ``t_guid`` the thrust follows vertical rise, kick and gravity
    turn; from ``t_guid`` on, the linear-tangent law ``lts = (tan0, rate)``
    referenced to ``t_guid``.  Staging masses are dropped at the marks.
    """
    veh, seq = flight.veh, flight.veh.sequence
    t_meco = veh.core.burn_time_s
    tv = seq.vertical_rise_s
    tk = tv + seq.pitch_kick_duration_s
    az, kick = radians(azimuth_deg), radians(kick_deg)
    marks = [m for m in _sequence_marks(veh) if t0 < m[0] <= t1]
    if not marks or marks[-1][0] < t1:
        marks.append((t1, None))
    t, y = t0, np.array(y0, dtype=float)
    for t_next, name in marks:
        if t_next > t:
            engines = (BOOSTERS if flight.boosters_on else 0) | (CORE if t < t_meco else 0)
            if lts is not None and t >= t_guid:
                seg = Segment(Mode.LINEAR_TANGENT, engines, flight.area(), tan0=lts[0],
                              tan_rate=lts[1], t_ref_s=t_guid)
            else:
                mode = Mode.VERTICAL if t < tv else Mode.KICK if t < tk else Mode.GRAVITY_TURN
                seg = Segment(mode, engines, flight.area(), az, kick, tv,
                              seq.pitch_kick_duration_s)
            t, y, _ = flight.run(seg, t, t_next, y, max_step=2.0 if t < 200 else 10.0)
        if name == "SRB separation":
            y[6] -= veh.n_boosters * veh.boosters.dry_mass_kg
            flight.boosters_on = False
        elif name == "stage separation":   # the spent core takes its residuals with it
            y[6] -= veh.core.dry_mass_kg + veh.core.unburnt_propellant_kg
        elif name == "fairing separation":
            if flight.fairing_on:
                flight.jettison_fairing(t, y)
            continue
        if name is not None:
            flight.mark(name, t, y)
    return t, y


def fly_first_stage(flight: _Flight, azimuth_deg: float, kick_deg: float, site=TANEGASHIMA_LP2):
    """Lift-off to the start of closed-loop guidance; returns ``(t, y)``."""
    veh = flight.veh
    y = _pad_state(site, veh.liftoff_mass_kg + flight.payload_kg)
    if veh.core.ignition_before_liftoff_s > 0:   # held down on the pad while the core starts
        t_ign = -veh.core.ignition_before_liftoff_s
        flight.mark("core ignition", t_ign,
                    _pad_state(site, veh.gross_mass_kg + flight.payload_kg, t_ign))
    flight.mark("lift-off", 0.0, y)
    return fly_phase(flight, 0.0, y, guidance_start_s(flight.veh), azimuth_deg, kick_deg)


def _ignition_time(veh: Vehicle) -> float:
    return veh.core.burn_time_s + veh.sequence.upper_ignition_delay_s


def _lts_burn(flight: _Flight, t0, y0, tan0, rate, energy_target, t_ref=None):
    """Upper-stage linear-tangent burn until ``energy_target`` or depletion."""
    seg = Segment(Mode.LINEAR_TANGENT, UPPER, flight.area(), tan0=tan0, tan_rate=rate,
                  t_ref_s=t0 if t_ref is None else t_ref)
    t_dep = t0 + flight.upper_usable_left_kg(y0) / flight.prop.upper_mdot
    t, y, fired = flight.run(seg, t0, t_dep, y0, stop_events=[_energy_event(energy_target)],
                             max_step=20.0)
    return t, y, fired is not None


def guided_ascent(flight: _Flight, t_g: float, y_g, lts, energy_target, azimuth_deg, kick_deg):
    """Linear-tangent flight from ``t_g`` through MECO and staging to SECO1.

    Returns ``(t, y, reached)``; ``reached`` is False on upper-stage depletion.
    """
    t_ign = _ignition_time(flight.veh)
    t, y = fly_phase(flight, t_g, y_g, t_ign, azimuth_deg, kick_deg, lts=lts, t_guid=t_g)
    return _lts_burn(flight, t, y, lts[0], lts[1], energy_target, t_ref=t_g)


def _insertion_residual(r_target, y):
    r = np.linalg.norm(y[:3])
    v = y[3:6]
    sin_fpa = float(np.dot(y[:3], v)) / (r * np.linalg.norm(v))
    return np.array([(r - r_target) / 100.0, sin_fpa * 10.0])


def solve_upper_guidance(flight: _Flight, t0, y0, rp_km, ra_km, guess=None,
                         azimuth_deg=90.0, kick_deg=0.0):
    """Linear-tangent coefficients, from the guidance start ``(t0, y0)``, that put
    the upper stage at perigee ``rp_km`` of an orbit with apogee ``ra_km``
    (radii, km) when the cut-off energy is reached.  Returns ``(tan0, rate [1/s])``.

    Shooting: ``scipy.optimize.least_squares`` on [radius error, sin(fpa),
    energy shortfall], from ``guess`` or the best of a small grid.

    Raises
    ------
    AscentFailure
        If the stage cannot reach the target energy or the shooting fails.
    """
    a = 0.5 * (rp_km + ra_km)
    e_t = -GM_EARTH_WGS84_KM3S2 / (2 * a)
    fairing0, boosters0 = flight.fairing_on, flight.boosters_on

    def resid(p):
        probe = _Flight(flight.veh, flight.payload_kg, record=False)
        probe.fairing_on, probe.boosters_on = fairing0, boosters0
        try:
            _, y, ok = guided_ascent(probe, t0, y0, (p[0], p[1] * 1e-3), e_t, azimuth_deg,
                                     kick_deg)
        except AscentFailure:   # steering that dives into the ground
            return np.array([-10.0, -10.0, 10.0])
        shortfall = 0.0 if ok else (e_t - specific_energy(y)) / abs(e_t)
        return np.append(_insertion_residual(rp_km, y), 10.0 * shortfall)

    def solve(start):
        return least_squares(resid, np.array(start, dtype=float),
                             bounds=([-2.0, -5.0], [6.0, 20.0]),
                             xtol=1e-10, ftol=1e-10, gtol=1e-10, diff_step=1e-6)

    sol = solve(guess) if guess is not None else None
    if sol is None or np.max(np.abs(sol.fun)) > 1e-3:
        # multi-start from the three best of a grid of steering laws
        grid = [(a_, b_) for a_ in (0.0, 0.3, 0.6, 1.0, 1.5) for b_ in (0.5, 1.5, 3.0, 5.0)]
        cost = [float(np.sum(resid(g) ** 2)) for g in grid]
        for j in np.argsort(cost)[:3]:
            sol = solve(grid[j])
            if np.max(np.abs(sol.fun)) <= 1e-3:
                break
    if np.max(np.abs(sol.fun)) > 1e-3:
        raise AscentFailure(f"upper-stage guidance did not converge (residual {sol.fun}: "
                            "[radius error/100 km, 10 sin(fpa), 10 energy shortfall])")
    return float(sol.x[0]), float(sol.x[1]) * 1e-3


def _coast_to(flight, t0, y0, t1=None, stop=None):
    seg = Segment(Mode.COAST, 0, flight.area())
    t_end = t1 if t1 is not None else t0 + 2.0e4
    t, y, _fired = flight.run(seg, t0, t_end, y0, stop_events=[] if stop is None else [stop],
                             max_step=60.0)
    return t, y


def _prograde_burn(flight, t0, y0, stop):
    seg = Segment(Mode.PROGRADE, UPPER, 0.0)
    t_dep = t0 + flight.upper_usable_left_kg(y0) / flight.prop.upper_mdot
    return flight.run(seg, t0, t_dep, y0, stop_events=[] if stop is None else [stop],
                      max_step=20.0)


def fly_mission(veh: Vehicle, payload_kg: float, target, azimuth_deg: float, kick_deg: float,
                record: bool = False, guidance=None, coast_s: float | None = None,
                burn_to_depletion: bool = False, guidance_guess=None):
    """Fly a complete mission; return the ``_Flight`` and a dict of outcomes.

    ``burn_to_depletion`` (GTO/lunar targets) ignores the energy/apogee stop
    and burns the second burn until the usable propellant is gone (used to
    find the highest C3 a payload can reach).  ``guidance`` fixes the
    linear-tangent coefficients ``(tan0, rate [1/s])``; otherwise they are
    solved, starting from ``guidance_guess``.
    """
    fl = _Flight(veh, payload_kg, record)
    t, y = fly_first_stage(fl, azimuth_deg, kick_deg)
    if isinstance(target, CircularOrbit):
        rp = ra = R_EARTH_KM + target.alt_km
    elif isinstance(target, EllipticOrbit):
        rp, ra = R_EARTH_KM + target.perigee_alt_km, R_EARTH_KM + target.apogee_alt_km
    else:
        rp = ra = R_EARTH_KM + target.parking_alt_km
    if guidance is None:
        guidance = solve_upper_guidance(fl, t, y, rp, ra, guess=guidance_guess,
                                        azimuth_deg=azimuth_deg, kick_deg=kick_deg)
    e_t = -GM_EARTH_WGS84_KM3S2 / (rp + ra)
    t, y, ok = guided_ascent(fl, t, y, guidance, e_t, azimuth_deg, kick_deg)
    if not ok:
        raise AscentFailure("upper stage ran out of propellant before orbit insertion")
    fl.mark("SECO1", t, y)
    out = {"guidance": guidance}
    if isinstance(target, (CircularOrbit, EllipticOrbit)):
        return fl, _finish(fl, t, y, out)

    # parking-orbit coast
    if isinstance(target, GTO):
        t, y = _coast_to(fl, t, y, stop=_node_event)
    else:
        dt = 60.0 if coast_s is None else max(coast_s, 1.0)
        t, y = _coast_to(fl, t, y, t1=t + dt)
    fl.mark("SSI2", t, y)
    if burn_to_depletion:
        stop = None
    elif isinstance(target, GTO):
        stop = _apogee_event(R_GEO_KM)
    else:
        stop = _energy_event(0.5 * target.c3_km2s2)
    t, y, fired = _prograde_burn(fl, t, y, stop)
    if stop is not None and fired is None:
        raise AscentFailure("upper stage ran out of propellant before reaching the target")
    fl.mark("SECO2", t, y)
    if isinstance(target, GTO):
        # coast to apogee (numerically, J2 on), then an impulsive burn along the
        # full apogee-to-GEO Delta-v vector, cutting what is left to dv_to_geo_kms
        t, y = _coast_to(fl, t, y, t1=t + _time_to_apoapsis(y))
        fl.mark("SSI3 (impulsive apogee burn)", t, y)
        dv_vec = geo_delta_v_kms(y[:3], y[3:6])
        dv_full = float(np.linalg.norm(dv_vec))
        dv_burn = max(dv_full - target.dv_to_geo_kms, 0.0)
        m_burn = y[6] * (1.0 - np.exp(-dv_burn * 1000.0 / (veh.upper.isp_vac_s * G0_MS2)))
        y[3:6] += dv_vec * (dv_burn / dv_full)
        y[6] -= m_burn
        fl.upper_prop_used_impulsive_kg = m_burn
        out.update(dv_full_kms=dv_full, dv_apogee_burn_kms=dv_burn, apogee_burn_kg=m_burn,
                   dv_to_geo_left_kms=float(np.linalg.norm(geo_delta_v_kms(y[:3], y[3:6]))))
        fl.mark("SECO3", t, y)
    return fl, _finish(fl, t, y, out)


def geo_delta_v_kms(r_km, v_kms):
    """Impulsive Delta-v vector [km/s] turning a state at apogee into a geostationary one.

    The geostationary velocity is taken horizontal, in the equatorial plane,
    prograde, with the circular speed at the geostationary radius,
    ``sqrt(mu / R_GEO)``; for a GTO apogee on the equator at R_GEO this is
    the classical combined circularisation and plane change
    ``sqrt(v_a^2 + v_geo^2 - 2 v_a v_geo cos(i))`` (Vallado 2013, eq. 6-68).

    Parameters
    ----------
    r_km, v_kms : array_like, shape (..., 3)
        Position [km] and velocity [km/s] in the integration frame (z along the spin axis).

    Returns
    -------
    numpy.ndarray, shape (..., 3)
        Delta-v [km/s].
    """
    r = np.asarray(r_km, dtype=float)
    east = enu_basis(0.0, np.arctan2(r[..., 1], r[..., 0]))[0]   # east at the equator below
    return sqrt(GM_EARTH_WGS84_KM3S2 / R_GEO_KM) * east - np.asarray(v_kms, dtype=float)


def _time_to_apoapsis(y) -> float:
    el = rv2coe(GM_EARTH_WGS84_KM3S2, y[:3], y[3:6])
    a, e, nu = float(el.a_km), float(el.ecc), float(el.nu_rad)
    n = sqrt(GM_EARTH_WGS84_KM3S2 / a ** 3)
    ea = 2 * np.arctan(np.sqrt((1 - e) / (1 + e)) * np.tan(nu / 2))
    m_now = ea - e * np.sin(ea)
    return float((np.pi - m_now) % (2 * np.pi) / n)


def _finish(fl: _Flight, t, y, out):
    seq = fl.veh.sequence
    margin = fl.upper_usable_left_kg(y)
    if fl.record and seq.payload_separation_delay_s > 0:
        t, y = _coast_to(fl, t, y, t1=t + seq.payload_separation_delay_s)
    fl.mark("payload separation", t, y)
    out.update(t_end=t, y_end=y, margin_kg=float(margin))
    return out


def _fpa_at_guidance_start_deg(veh: Vehicle, payload_kg: float, azimuth_deg: float,
                               kick_deg: float) -> float:
    fl = _Flight(veh, payload_kg, False)
    _, y = fly_first_stage(fl, azimuth_deg, kick_deg)
    r, v = y[:3], y[3:6]
    return float(np.degrees(np.arcsin(np.dot(r, v) / (np.linalg.norm(r) * np.linalg.norm(v)))))


def kick_for_srb_sep_fpa(veh: Vehicle, payload_kg: float, azimuth_deg: float, fpa_deg: float,
                         kick_max_deg: float = 45.0) -> float:
    """Pitch kick [deg] whose gravity turn reaches inertial flight-path angle ``fpa_deg``
    at the start of guidance (SRB separation).

    The angle falls monotonically as the kick grows; solved with Brent's method.

    Raises
    ------
    AscentFailure
        If no kick in ``[0.3, kick_max_deg]`` reaches that angle.
    """
    def f(k):
        try:
            return _fpa_at_guidance_start_deg(veh, payload_kg, azimuth_deg, k) - fpa_deg
        except AscentFailure:   # a kick so large the vehicle falls back: angle far too low
            return -90.0
    lo, hi = 0.3, kick_max_deg
    f_lo, f_hi = f(lo), f(hi)
    if f_lo < 0.0 or f_hi > 0.0:
        raise AscentFailure(f"no pitch kick in {lo}-{kick_max_deg} deg gives a flight-path angle "
                            f"of {fpa_deg} deg at SRB separation (range {f_hi + fpa_deg:.1f}-"
                            f"{f_lo + fpa_deg:.1f} deg)")
    return float(brentq(f, lo, hi, xtol=0.01))


def optimise_kick(veh: Vehicle, payload_kg: float, target, azimuth_deg: float,
                  kick_max_deg: float = 45.0, n_scan: int = 4, xatol: float = 0.5):
    """Pitch-kick angle [deg] maximising the upper-stage propellant left at SECO1.

    The kick sets how early the gravity turn leans over: larger kicks fly
    flatter (less gravity loss) but through denser air and, past a point,
    into the ground.  Kicks on a coarse grid are first flown to the
    guidance start only (cheap) and kept if the peak dynamic pressure stays
    under ``sequence.max_q_limit_kpa`` and the vehicle is still climbing
    (above 40 km, flight-path angle > 12 deg); the margin at SECO1 is then
    sampled at ``n_scan`` kicks across that range and refined with a
    bounded ``minimize_scalar``.  When the vehicle file gives the flight-path
    angle its flown pitch programme reaches at SRB separation
    (``sequence.srb_sep_fpa_deg``), the kick reaching it is flown instead
    (:func:`kick_for_srb_sep_fpa`).
    Returns ``(kick_deg, margin_kg, guidance)``.

    Raises
    ------
    AscentFailure
        If no kick reaches the insertion orbit within the q limit.
    """
    insert = CircularOrbit(target.parking_alt_km) if isinstance(target, (GTO, LunarTransfer)) \
        else target
    if veh.sequence.srb_sep_fpa_deg is not None:
        # the vehicle file pins the flown pitch programme: fly it, do not optimise
        kick = kick_for_srb_sep_fpa(veh, payload_kg, azimuth_deg, veh.sequence.srb_sep_fpa_deg,
                                    kick_max_deg)
        out = fly_mission(veh, payload_kg, insert, azimuth_deg, kick)[1]
        return kick, float(out["margin_kg"]), out["guidance"]
    q_lim = veh.sequence.max_q_limit_kpa * 1e3
    cache = {}
    last = [None]

    def margin(kick):
        kick = float(kick)
        if kick not in cache:
            try:
                cache[kick] = fly_mission(veh, payload_kg, insert, azimuth_deg, kick,
                                          guidance_guess=last[0])[1]
                g = cache[kick]["guidance"]
                last[0] = (g[0], g[1] * 1e3)
            except AscentFailure:
                cache[kick] = None
        return -np.inf if cache[kick] is None else cache[kick]["margin_kg"]

    def first_phase(k):
        """(excess of max-q over the limit, feasible for guidance) for kick ``k``."""
        fl = _Flight(veh, payload_kg, False)
        try:
            _, y = fly_first_stage(fl, azimuth_deg, k)
        except AscentFailure:
            return 1.0, False
        r, v = y[:3], y[3:6]
        sin_fpa = float(np.dot(r, v)) / (np.linalg.norm(r) * np.linalg.norm(v))
        # guidance needs the vehicle still climbing out of the dense air
        ok = altitude_km(y) > 40.0 and sin_fpa > np.sin(np.radians(12.0))
        return fl.max_q_pa / q_lim - 1.0, ok

    grid = np.unique(np.concatenate([np.geomspace(0.3, 3.0, 4),
                                     np.linspace(5.0, kick_max_deg, 9)]))
    phase = {float(k): first_phase(k) for k in grid}
    ok = [k for k, (dq, good) in phase.items() if dq <= 0 and good]
    if not ok:
        raise AscentFailure(f"no pitch kick in 0.3-{kick_max_deg:.0f} deg keeps max-q under "
                            f"{q_lim / 1e3:.0f} kPa and leaves the vehicle climbing at the "
                            "start of guidance")
    k_lo, k_hi = min(ok), max(ok)
    kicks = np.linspace(k_lo, k_hi, n_scan) if k_hi > k_lo else np.array([k_lo])
    scores = [margin(k) for k in kicks]
    if not np.any(np.isfinite(scores)):
        raise AscentFailure(f"no pitch kick in {k_lo:.1f}-{k_hi:.1f} deg reaches the "
                            f"insertion orbit with a {payload_kg:.0f} kg payload")
    i = int(np.argmax(scores))
    step = max(kicks[1] - kicks[0], 0.2) if len(kicks) > 1 else 0.5
    minimize_scalar(lambda k: -margin(k) if np.isfinite(margin(k)) else 1e9,
                    bounds=(max(kicks[i] - step, 0.1), kicks[i] + step),
                    method="bounded", options={"xatol": xatol})
    feasible = {k: o for k, o in cache.items() if o is not None}
    best = max(feasible, key=lambda k: feasible[k]["margin_kg"])
    return best, float(feasible[best]["margin_kg"]), feasible[best]["guidance"]


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


def build_trajectory(fl: _Flight, site=TANEGASHIMA_LP2) -> Trajectory:
    """Concatenate the recorded segments and derive every plotted quantity (vectorised)."""
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
    q = 0.5 * rho * vr_ms ** 2
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


def build_events(fl: _Flight, site=TANEGASHIMA_LP2) -> tuple[Event, ...]:
    """Timeline events with altitude, inertial speed and downrange (vectorised)."""
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
    """Free-molecular heating rate 1/2 rho v^3 along a trajectory [W/m^2]."""
    rho = standard_atmosphere(np.maximum(traj.alt_km, -0.9))[0]
    return free_molecular_heating(rho, traj.airspeed_kms * 1000.0)


__all__ = [
    "R_GEO_KM",
    "AscentFailure",
    "Event",
    "Trajectory",
    "build_events",
    "build_trajectory",
    "fly_mission",
    "kick_for_srb_sep_fpa",
    "optimise_kick",
    "solve_upper_guidance",
]
