"""Guidance: linear-tangent shooting for the upper stage, and the pitch kick.

:func:`solve_upper_guidance` finds the two coefficients of the linear-tangent law
``tan(chi) = tan0 - c (t - t_ign)`` so that the first cut-off (on reaching the target
orbital energy) happens at the target radius with zero flight-path angle -- the
deterministic equivalent of closed-loop linear-tangent guidance.  :func:`fly_mission` flies
a whole mission with that guidance; :func:`optimise_kick` and :func:`kick_for_srb_sep_fpa`
choose the pitch-over kick of the gravity turn.
"""
from __future__ import annotations

import numpy as np
from scipy.optimize import brentq, least_squares, minimize_scalar

from lupex.constants import GM_EARTH_WGS84_KM3S2

from .dynamics import altitude_km, specific_energy
from .flight import (
    AscentFailure,
    FlightLog,
    fly_first_stage,
    fly_guided,
    guided_ascent,
    insertion_radii_km,
)
from .targets import GTO, CircularOrbit, LunarTransfer
from .vehicle import Vehicle


def _insertion_residual(r_target, y):
    r = np.linalg.norm(y[:3])
    v = y[3:6]
    sin_fpa = float(np.dot(y[:3], v)) / (r * np.linalg.norm(v))
    return np.array([(r - r_target) / 100.0, sin_fpa * 10.0])

def solve_upper_guidance(flight: FlightLog, t0, y0, rp_km, ra_km, guess=None,
                         azimuth_deg=90.0, kick_deg=0.0):
    """Linear-tangent coefficients that put the upper stage at the perigee of the target
    orbit when its cut-off energy is reached.

    Shooting: ``scipy.optimize.least_squares`` on [radius error, sin(fpa), energy
    shortfall], from ``guess`` or the best of a small grid.

    Parameters
    ----------
    flight : FlightLog
        The flight at the guidance start (its fairing/booster configuration is copied).
    t0 : float
        Guidance start [s from lift-off].
    y0 : array_like, shape (7,)
        ODE state there (km, km/s, kg).
    rp_km, ra_km : float
        Perigee and apogee radii of the insertion orbit [km].
    guess : tuple of float, optional
        Starting coefficients ``(tan0, rate [1/ks])`` (the rate in 1/1000 s).
    azimuth_deg, kick_deg : float
        Launch azimuth and pitch kick [deg] (for the sequence up to SSI1).

    Returns
    -------
    tuple of float
        ``(tan0, rate [1/s])`` of ``tan(chi) = tan0 - rate (t - t0)``.

    Raises
    ------
    AscentFailure
        If the stage cannot reach the target energy or the shooting fails.
    """
    a = 0.5 * (rp_km + ra_km)
    e_t = -GM_EARTH_WGS84_KM3S2 / (2 * a)
    fairing0, boosters0 = flight.fairing_on, flight.boosters_on

    def resid(p):
        probe = FlightLog(flight.veh, flight.payload_kg, record=False)
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

def fly_mission(veh: Vehicle, payload_kg: float, target, azimuth_deg: float, kick_deg: float,
                record: bool = False, guidance=None, coast_s: float | None = None,
                burn_to_depletion: bool = False, guidance_guess=None):
    """Fly a complete mission from the pad to payload separation.

    Parameters
    ----------
    veh : Vehicle
    payload_kg : float
        Spacecraft mass [kg].
    target : CircularOrbit, EllipticOrbit, GTO or LunarTransfer
    azimuth_deg, kick_deg : float
        Launch azimuth [deg clockwise from north] and pitch kick [deg].
    record : bool
        Record every segment (for a :class:`~lupex.launch.trajectory.Trajectory`).
    guidance : tuple of float, optional
        Linear-tangent coefficients ``(tan0, rate [1/s])``; default solved by
        :func:`solve_upper_guidance`, starting from ``guidance_guess``.
    coast_s : float, optional
        Parking-orbit coast of a lunar transfer [s]; default 60 s.
    burn_to_depletion : bool
        GTO/lunar targets: ignore the energy/apogee stop and burn the second burn until
        the usable propellant is gone (the highest C3 a payload can reach).
    guidance_guess : tuple of float, optional
        Starting point ``(tan0, rate [1/ks])`` of the guidance shooting.

    Returns
    -------
    flight : FlightLog
    out : dict
        See :func:`lupex.launch.flight.fly_guided`.

    Notes
    -----
    Flight profile (times from lift-off):

    0. core ignition ``core.ignition_before_liftoff_s`` before lift-off: the engines
       start and are checked with the vehicle held down, burning ``core.pad_burn_kg``
       on the pad (the SRBs light at T-0);
    1. vertical rise (``sequence.vertical_rise_s``) along the geodetic normal;
    2. pitch-over kick: the thrust is ramped away from vertical by ``kick_deg`` towards
       the launch azimuth over ``pitch_kick_duration_s``;
    3. gravity turn (zero angle of attack) through SRB burn-out and separation, fairing
       jettison and MECO, then the staging coast;
    4. first upper-stage burn under linear-tangent steering ``tan(chi) = tan0 - c (t -
       t_ign)``, whose two coefficients are found by shooting so that the cut-off (on
       reaching the target orbital energy) happens at the target radius with zero
       flight-path angle -- the deterministic equivalent of closed-loop linear-tangent
       guidance;
    5. for GTO and lunar transfer: parking-orbit coast, then a second burn (thrust along
       the inertial velocity) to the target apogee or C3; for GTO an impulsive apogee
       burn completes the long-coast profile;
    6. spacecraft separation ``payload_separation_delay_s`` after the last cut-off.
    """
    fl = FlightLog(veh, payload_kg, record)
    t, y = fly_first_stage(fl, azimuth_deg, kick_deg)
    if guidance is None:
        rp, ra = insertion_radii_km(target)
        guidance = solve_upper_guidance(fl, t, y, rp, ra, guess=guidance_guess,
                                        azimuth_deg=azimuth_deg, kick_deg=kick_deg)
    return fl, fly_guided(fl, t, y, target, guidance, azimuth_deg, kick_deg, coast_s=coast_s,
                          burn_to_depletion=burn_to_depletion)


def _fpa_at_guidance_start_deg(veh: Vehicle, payload_kg: float, azimuth_deg: float,
                               kick_deg: float) -> float:
    fl = FlightLog(veh, payload_kg, False)
    _, y = fly_first_stage(fl, azimuth_deg, kick_deg)
    r, v = y[:3], y[3:6]
    return float(np.degrees(np.arcsin(np.dot(r, v) / (np.linalg.norm(r) * np.linalg.norm(v)))))


def kick_for_srb_sep_fpa(veh: Vehicle, payload_kg: float, azimuth_deg: float, fpa_deg: float,
                         kick_max_deg: float = 45.0) -> float:
    """Pitch kick whose gravity turn reaches a flight-path angle at the guidance start.

    The angle falls monotonically as the kick grows; solved with Brent's method.

    Parameters
    ----------
    veh : Vehicle
    payload_kg : float
        Spacecraft mass [kg].
    azimuth_deg : float
        Launch azimuth [deg clockwise from north].
    fpa_deg : float
        Inertial flight-path angle to reach at the start of guidance (SRB separation)
        [deg].
    kick_max_deg : float
        Largest kick tried [deg].

    Returns
    -------
    float
        Pitch kick [deg], to 0.01 deg.

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

    Parameters
    ----------
    veh : Vehicle
    payload_kg : float
        Spacecraft mass [kg].
    target : CircularOrbit, EllipticOrbit, GTO or LunarTransfer
        GTO and lunar targets are optimised to their circular parking orbit.
    azimuth_deg : float
        Launch azimuth [deg clockwise from north].
    kick_max_deg : float
        Largest kick tried [deg].
    n_scan : int
        Kicks sampled across the admissible range before refining.
    xatol : float
        Tolerance of the refinement on the kick [deg].

    Returns
    -------
    kick_deg : float
        Best pitch kick [deg].
    margin_kg : float
        Usable upper-stage propellant left at insertion [kg].
    guidance : tuple of float
        Linear-tangent coefficients ``(tan0, rate [1/s])`` of that flight.

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
        fl = FlightLog(veh, payload_kg, False)
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
