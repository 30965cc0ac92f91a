"""Flight integration and events: the ascent flown segment by segment with fixed steering.

``scipy.integrate.solve_ivp`` (DOP853) integrates each segment; staging happens at fixed
times (booster burn-out, MECO: burn times follow from propellant mass and flow) and
terminal events stop segments at fairing jettison, ground impact, the target energy or
apogee, and equator crossing.  :class:`FlightLog` records what was flown; the flight
profile is described in :func:`lupex.launch.guidance.fly_mission`.
"""
from __future__ import annotations

from math import radians, sqrt

import numpy as np
from scipy.integrate import solve_ivp

from lupex.constants import G0_MS2, GM_EARTH_WGS84_KM3S2, OMEGA_EARTH_RADS, R_EARTH_KM
from lupex.geometry import enu_basis
from lupex.orbits.elements import rv2coe

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
from .earth import ecef_from_geodetic, geodetic_from_rz
from .site import TANEGASHIMA_LP2
from .targets import GTO, CircularOrbit, EllipticOrbit
from .vehicle import Vehicle

_RTOL = 1e-9          # recorded (reported) flights
_RTOL_SEARCH = 1e-8   # flights inside optimisers; the reported flight re-solves its guidance
_ATOL = np.array([1e-6, 1e-6, 1e-6, 1e-9, 1e-9, 1e-9, 1e-3])
#: geostationary radius [km] (42,164.17 km: mu^(1/3) / n_sidereal^(2/3)).
R_GEO_KM = (GM_EARTH_WGS84_KM3S2 / OMEGA_EARTH_RADS ** 2) ** (1.0 / 3.0)


class AscentFailure(RuntimeError):
    """The trajectory hit the ground or could not reach its target."""


class FlightLog:
    """Mutable bookkeeping of one simulated flight: configuration, events, recorded states.

    Parameters
    ----------
    veh : Vehicle
    payload_kg : float
        Spacecraft mass [kg].
    record : bool
        Keep every integrated segment (for :func:`lupex.launch.trajectory.build_trajectory`)
        and integrate at the tighter reporting tolerance.
    """

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
        """Drag reference area of the current configuration [m^2]."""
        return self.veh.reference_area_m2(self.boosters_on)

    def mark(self, name: str, t: float, y) -> None:
        """Log event ``name`` at ``t`` [s from lift-off] with ODE state ``y``.

        Appends ``(name, t, copy of y)`` to :attr:`events`.

        Parameters
        ----------
        name : str
            Event label as reported (e.g. ``"fairing separation"``).
        t : float
            Time of the event [s from lift-off].
        y : array_like, shape (7,)
            ODE state ``[x, y, z, vx, vy, vz, m]`` [km, km/s, kg] in the inertial frame of
            :mod:`lupex.launch.earth` (see :mod:`lupex.launch.dynamics`); copied.
        """
        self.events.append((name, float(t), np.array(y, dtype=float)))

    # -- integration ------------------------------------------------------
    def run(self, seg: Segment, t0: float, t1: float, y0, stop_events=(), max_step=np.inf):
        """Integrate one segment, handling fairing jettison; return (t, y, fired_index).

        ``solve_ivp`` (DOP853) with the segment's fixed steering (:func:`make_rhs`), at the
        recording tolerance (rtol 1e-9, ``max_step`` honoured) when the log records, else
        the looser search tolerance (rtol 1e-8, no step limit). Besides ``stop_events`` two
        events are always watched: ground impact (altitude below -0.5 km, raises
        :class:`AscentFailure`) and, while the fairing is on and its rule is not
        ``"time"``, the fairing's altitude or heating-flux (1/2 rho v^3) rule; when that fires,
        :meth:`jettison_fairing` drops the mass and the integration resumes from there.
        Every integrated piece is stored if recording, and the peak dynamic pressure is
        tracked on segments with drag.

        Parameters
        ----------
        seg : Segment
            Steering mode, burning engines and drag area of the segment.
        t0, t1 : float
            Start and end of the segment [s from lift-off].
        y0 : array_like, shape (7,)
            State at ``t0``: ``[x, y, z, vx, vy, vz, m]`` [km, km/s, kg], inertial frame of
            :mod:`lupex.launch.earth`.
        stop_events : sequence of callable
            ``solve_ivp`` event functions ``g(t, y)``; those marked ``terminal`` end the
            segment early.
        max_step : float
            Largest integration step [s]; only used when recording.

        Returns
        -------
        t : float
            Time the segment ended [s from lift-off].
        y : numpy.ndarray, shape (7,)
            State at ``t``.
        fired_index : int or None
            ``None`` if the segment ran to ``t1``; otherwise the index in ``stop_events``
            of the first (in list order) event that recorded a crossing.

        Raises
        ------
        AscentFailure
            If the integrator fails or the vehicle hits the ground.
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
        """Drop the fairing's mass from state ``y`` (in place) and log the event.

        Logs ``"fairing separation"`` with the state before the drop, subtracts the fairing
        mass from ``y[6]`` and sets :attr:`fairing_on` to False.

        Parameters
        ----------
        t : float
            Jettison time [s from lift-off].
        y : numpy.ndarray, shape (7,)
            ODE state ``[x, y, z, vx, vy, vz, m]`` [km, km/s, kg]; modified in place.
        """
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
    """Time closed-loop (linear-tangent) steering takes over from the gravity turn.

    Parameters
    ----------
    veh : Vehicle

    Returns
    -------
    float
        [s from lift-off]: ``sequence.guidance_start_s`` if set, else SRB separation, else
        120 s (past max-q, where a non-zero angle of attack no longer loads the structure).
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


def fly_phase(flight: FlightLog, t0: float, y0, t1: float, azimuth_deg: float, kick_deg: float,
              lts=None, t_guid: float = np.inf):
    """Fly the fixed-time sequence from ``t0`` to ``t1`` (<= second-stage ignition).

    Before ``t_guid`` the thrust follows vertical rise, kick and gravity turn; from
    ``t_guid`` on, the linear-tangent law ``lts``.  Staging masses are dropped at the
    sequence's marks, which are logged as events.

    Parameters
    ----------
    flight : FlightLog
    t0, t1 : float
        Start and end [s from lift-off].
    y0 : array_like, shape (7,)
        ODE state at ``t0`` (km, km/s, kg).
    azimuth_deg, kick_deg : float
        Launch azimuth [deg clockwise from north] and pitch kick [deg].
    lts : tuple of float, optional
        Linear-tangent coefficients ``(tan0, rate [1/s])`` referenced to ``t_guid``.
    t_guid : float
        Start of linear-tangent steering [s from lift-off].

    Returns
    -------
    t : float
        Time reached [s from lift-off].
    y : numpy.ndarray, shape (7,)
        ODE state there.
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


def fly_first_stage(flight: FlightLog, azimuth_deg: float, kick_deg: float, site=TANEGASHIMA_LP2):
    """Fly from the pad to the start of closed-loop guidance (:func:`guidance_start_s`).

    Parameters
    ----------
    flight : FlightLog
    azimuth_deg, kick_deg : float
        Launch azimuth [deg clockwise from north] and pitch kick [deg].
    site : tuple of float
        Pad geodetic latitude [deg], east longitude [deg] and height [km].

    Returns
    -------
    t : float
        Guidance start [s from lift-off].
    y : numpy.ndarray, shape (7,)
        ODE state there (km, km/s, kg).
    """
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


def _lts_burn(flight: FlightLog, t0, y0, tan0, rate, energy_target, t_ref=None):
    """Upper-stage linear-tangent burn until ``energy_target`` or depletion."""
    seg = Segment(Mode.LINEAR_TANGENT, UPPER, flight.area(), tan0=tan0, tan_rate=rate,
                  t_ref_s=t0 if t_ref is None else t_ref)
    t_dep = t0 + flight.upper_usable_left_kg(y0) / flight.prop.upper_mdot
    t, y, fired = flight.run(seg, t0, t_dep, y0, stop_events=[_energy_event(energy_target)],
                             max_step=20.0)
    return t, y, fired is not None


def guided_ascent(flight: FlightLog, t_g: float, y_g, lts, energy_target, azimuth_deg, kick_deg):
    """Linear-tangent flight from ``t_g`` through MECO and staging to SECO1.

    Parameters
    ----------
    flight : FlightLog
    t_g : float
        Guidance start [s from lift-off].
    y_g : array_like, shape (7,)
        ODE state there (km, km/s, kg).
    lts : tuple of float
        Linear-tangent coefficients ``(tan0, rate [1/s])`` referenced to ``t_g``.
    energy_target : float
        Specific orbital energy at which the upper stage cuts off [km^2/s^2].
    azimuth_deg, kick_deg : float
        Launch azimuth and pitch kick [deg].

    Returns
    -------
    t : float
        Cut-off (or depletion) time [s from lift-off].
    y : numpy.ndarray, shape (7,)
        ODE state there.
    reached : bool
        False when the upper stage ran out of usable propellant first.
    """
    t_ign = _ignition_time(flight.veh)
    t, y = fly_phase(flight, t_g, y_g, t_ign, azimuth_deg, kick_deg, lts=lts, t_guid=t_g)
    return _lts_burn(flight, t, y, lts[0], lts[1], energy_target, t_ref=t_g)


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


def insertion_radii_km(target) -> tuple[float, float]:
    """Perigee and apogee radii of the orbit the first upper-stage burn enters.

    Parameters
    ----------
    target : CircularOrbit, EllipticOrbit, GTO or LunarTransfer

    Returns
    -------
    rp_km, ra_km : float
        Radii [km]: the target orbit's for :class:`CircularOrbit` and
        :class:`EllipticOrbit`, the circular parking orbit's for :class:`GTO` and
        :class:`LunarTransfer` (altitudes above the equatorial radius).
    """
    if isinstance(target, CircularOrbit):
        rp = ra = R_EARTH_KM + target.alt_km
    elif isinstance(target, EllipticOrbit):
        rp, ra = R_EARTH_KM + target.perigee_alt_km, R_EARTH_KM + target.apogee_alt_km
    else:
        rp = ra = R_EARTH_KM + target.parking_alt_km
    return rp, ra


def fly_guided(fl: FlightLog, t: float, y, target, guidance, azimuth_deg: float,
               kick_deg: float, coast_s: float | None = None,
               burn_to_depletion: bool = False) -> dict:
    """Fly from the guidance start ``(t, y)`` to payload separation with fixed guidance.

    Parameters
    ----------
    fl : FlightLog
        The flight, as left by :func:`fly_first_stage` (events are appended).
    t : float
        Guidance start [s from lift-off].
    y : array_like, shape (7,)
        ODE state there (km, km/s, kg).
    target : CircularOrbit, EllipticOrbit, GTO or LunarTransfer
    guidance : tuple of float
        Linear-tangent coefficients ``(tan0, rate [1/s])``.
    azimuth_deg, kick_deg : float
        Launch azimuth and pitch kick [deg] (for the fixed-time sequence up to SSI1).
    coast_s : float, optional
        Parking-orbit coast before the second burn of a lunar transfer [s]; default 60 s.
    burn_to_depletion : bool
        GTO/lunar targets: ignore the energy/apogee stop and burn the second burn until
        the usable propellant is gone.

    Returns
    -------
    dict
        ``guidance``, ``t_end`` [s], ``y_end`` (ODE state), ``margin_kg`` (usable
        upper-stage propellant left [kg]), and for GTO the apogee-burn figures.

    Raises
    ------
    AscentFailure
        If the upper stage runs out of propellant before a cut-off.
    """
    veh = fl.veh
    rp, ra = insertion_radii_km(target)
    e_t = -GM_EARTH_WGS84_KM3S2 / (rp + ra)
    t, y, ok = guided_ascent(fl, t, y, guidance, e_t, azimuth_deg, kick_deg)
    if not ok:
        raise AscentFailure("upper stage ran out of propellant before orbit insertion")
    fl.mark("SECO1", t, y)
    out = {"guidance": guidance}
    if isinstance(target, (CircularOrbit, EllipticOrbit)):
        return _finish(fl, t, y, out)

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
    return _finish(fl, t, y, out)


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


def _finish(fl: FlightLog, t, y, out):
    seq = fl.veh.sequence
    margin = fl.upper_usable_left_kg(y)
    if fl.record and seq.payload_separation_delay_s > 0:
        t, y = _coast_to(fl, t, y, t1=t + seq.payload_separation_delay_s)
    fl.mark("payload separation", t, y)
    out.update(t_end=t, y_end=y, margin_kg=float(margin))
    return out
