"""One launch, end to end: the pipeline entry point and its frozen result.

:func:`simulate_launch` picks the launch azimuth (from the target
inclination, within Tanegashima's range), optimises the pitch kick, finds
the largest payload when none is given, flies the mission with recording
on, and packs events, trajectory and final orbit into a
:class:`LaunchFlight`.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lupex.constants import GM_EARTH_WGS84_KM3S2, OMEGA_EARTH_RADS, R_EARTH_KM
from lupex.orbits.elements import apoapsis, c3, periapsis, rv2coe

from .flight import AscentFailure
from .guidance import fly_mission, optimise_kick
from .performance import default_azimuth_deg, max_payload
from .site import check_azimuth
from .targets import GTO, CircularOrbit, EllipticOrbit, LunarTransfer
from .trajectory import Event, Trajectory, build_events, build_trajectory
from .vehicle import load_vehicle


@dataclass(frozen=True)
class LaunchFlight:
    """Outcome of :func:`simulate_launch`.

    Attributes
    ----------
    vehicle : str
    target : CircularOrbit | EllipticOrbit | GTO | LunarTransfer
    payload_kg : float
        Spacecraft mass flown [kg].
    azimuth_deg, kick_deg : float
        Launch azimuth [deg clockwise from north] and pitch kick [deg].
    events : tuple of Event
        Lift-off ... payload separation, time-ordered.
    trajectory : Trajectory
    max_q_pa, t_max_q_s : float
        Peak dynamic pressure [Pa] and its time [s].
    max_axial_accel_g, t_max_accel_s : float
        Peak sensed axial acceleration (thrust - drag)/m [g0] and its time [s].
    perigee_alt_km, apogee_alt_km : float
        Final orbit, heights above the equatorial radius [km] (apogee inf if
        hyperbolic).
    inclination_deg, arg_perigee_deg : float
        Final orbit inclination and argument of perigee [deg] (Earth
        equator of date; the node is left out because it depends on the
        launch time).
    c3_km2s2 : float
        Final C3 = v^2 - 2 mu / r [km^2/s^2].
    propellant_margin_kg : float
        Usable upper-stage propellant left at the end [kg].
    feasible : bool
        False when the payload is too heavy to reach the target (the flight
        then burns to depletion and the final orbit is what was reached).
    message : str
    launch_time : astropy.time.Time or None
    final_r_gcrs_km, final_v_gcrs_kms : numpy.ndarray, shape (3,), or None
        Position [km] and velocity [km/s] at payload separation in GCRS, when
        ``launch_time`` was given.
    """
    vehicle: str
    target: object
    payload_kg: float
    azimuth_deg: float
    kick_deg: float
    events: tuple
    trajectory: Trajectory
    max_q_pa: float
    t_max_q_s: float
    max_axial_accel_g: float
    t_max_accel_s: float
    perigee_alt_km: float
    apogee_alt_km: float
    inclination_deg: float
    arg_perigee_deg: float
    c3_km2s2: float
    propellant_margin_kg: float
    feasible: bool
    message: str
    launch_time: object = None
    final_r_gcrs_km: np.ndarray | None = None
    final_v_gcrs_kms: np.ndarray | None = None

    def event(self, name: str) -> Event:
        """The first event called ``name``.

        Parameters
        ----------
        name : str
            Event name, e.g. ``"MECO"``, ``"SECO1"``, ``"payload separation"``.

        Returns
        -------
        Event
            Its time [s from lift-off], altitude [km], speed [km/s] and downrange [km].

        Raises
        ------
        KeyError
            If the flight has no such event.
        """
        for e in self.events:
            if e.name == name:
                return e
        raise KeyError(f"no event {name!r}; events: {[e.name for e in self.events]}")


def _to_gcrs(t_launch, t_s, y):
    """State in the integration frame at ``t_s`` -> GCRS position [km] and velocity [km/s],
    each (3,) (astropy ITRS->GCRS).

    Nothing may download at run time, so astropy's IERS auto-download is
    switched off: dates beyond the bundled IERS-B table use UT1 = UTC and
    mean polar motion (|UT1-UTC| < 0.9 s, i.e. < 0.004 deg of Earth
    rotation, ~0.4 km at the surface).
    """
    import warnings

    import astropy.units as u
    from astropy.coordinates import GCRS, ITRS, CartesianDifferential, CartesianRepresentation
    from astropy.utils import iers

    th = OMEGA_EARTH_RADS * t_s
    c, s = np.cos(th), np.sin(th)
    rot = np.array([[c, s, 0.0], [-s, c, 0.0], [0.0, 0.0, 1.0]])   # I -> ECEF(t)
    r_i, v_i = np.asarray(y[:3]), np.asarray(y[3:6])
    r_e = rot @ r_i
    v_e = rot @ (v_i - np.cross([0.0, 0.0, OMEGA_EARTH_RADS], r_i))
    obstime = t_launch + t_s * u.s
    rep = CartesianRepresentation(r_e * u.km, differentials=CartesianDifferential(v_e * u.km / u.s))
    with iers.conf.set_temp("auto_download", False), iers.conf.set_temp("auto_max_age", None), \
            iers.conf.set_temp("iers_degraded_accuracy", "ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        g = ITRS(rep, obstime=obstime).transform_to(GCRS(obstime=obstime))
    rg = g.cartesian.xyz.to_value(u.km)
    vg = g.cartesian.differentials["s"].d_xyz.to_value(u.km / u.s)
    return rg, vg


def _coast_for_argp(veh, payload, target, az, kick, guess):
    """Parking-orbit coast [s] giving the departure orbit the target argument of perigee."""
    coast = 60.0
    for _ in range(4):
        _, out = fly_mission(veh, payload, target, az, kick, coast_s=coast, guidance_guess=guess)
        y = out["y_end"]
        el = rv2coe(GM_EARTH_WGS84_KM3S2, y[:3], y[3:6])
        err = (np.radians(target.arg_perigee_deg) - float(el.argp_rad) + np.pi) \
            % (2 * np.pi) - np.pi
        if abs(err) < np.radians(0.05):
            break
        r = R_EARTH_KM + target.parking_alt_km
        n = np.sqrt(GM_EARTH_WGS84_KM3S2 / r ** 3)
        period = 2 * np.pi / n
        coast = (coast + err / n) % period
        coast = max(coast, 1.0)
    return coast


def simulate_launch(vehicle, target, launch_time=None, azimuth_deg=None, *,
                    payload_kg: float | None = None, kick_deg: float | None = None
                    ) -> LaunchFlight:
    """Simulate an H3 launch from Tanegashima to a target.

    Parameters
    ----------
    vehicle : str or Vehicle
        ``"h3-24l"``, ``"h3-22s"``, ``"h3-30s"``, a YAML path or a loaded vehicle.
    target : CircularOrbit, EllipticOrbit, GTO or LunarTransfer
        Injection target (see :mod:`lupex.launch.targets`).
    launch_time : astropy.time.Time, optional
        Lift-off time; when given the final state is also reported in GCRS.
    azimuth_deg : float, optional
        Launch azimuth [deg clockwise from north], within
        :data:`lupex.launch.site.ALLOWED_AZIMUTH_DEG`; default from the
        target inclination, or due east.
    payload_kg : float, optional
        Spacecraft mass [kg]; default: the largest the vehicle can carry to
        the target.
    kick_deg : float, optional
        Pitch-kick angle [deg]; default optimised for the payload.

    Returns
    -------
    LaunchFlight
        ``feasible`` is False when ``payload_kg`` is more than the vehicle
        can deliver (the flight then shows what it does reach).
    """
    veh = load_vehicle(vehicle)
    if not isinstance(target, (CircularOrbit, EllipticOrbit, GTO, LunarTransfer)):
        raise ValueError("target must be a CircularOrbit, EllipticOrbit, GTO or LunarTransfer; "  # noqa: TRY004 (project rule: bad input is one ValueError)
                         f"got {type(target).__name__}")
    if payload_kg is not None and (not np.isfinite(payload_kg) or not 0 <= payload_kg <= 50_000):
        raise ValueError(f"payload_kg must be within [0, 50000] kg; got {payload_kg}")
    az = default_azimuth_deg(target) if azimuth_deg is None else check_azimuth(azimuth_deg)
    m_ref = 5000.0 if payload_kg is None else float(payload_kg)
    if kick_deg is None:
        kick_deg, _, g = optimise_kick(veh, m_ref, target, az)
        guess = (g[0], g[1] * 1e3)
    else:
        guess = None
    if payload_kg is None:
        payload_kg = max_payload(veh, target, az, kick_deg, first_guess_kg=m_ref).payload_kg
    coast = None
    if isinstance(target, LunarTransfer) and target.arg_perigee_deg is not None:
        coast = _coast_for_argp(veh, payload_kg, target, az, kick_deg, guess)
    feasible, message = True, "target reached"
    try:
        fl, out = fly_mission(veh, payload_kg, target, az, kick_deg, record=True,
                              coast_s=coast, guidance_guess=guess)
    except AscentFailure as err:
        if not isinstance(target, (GTO, LunarTransfer)):
            raise AscentFailure(f"{veh.name} cannot put {payload_kg:.0f} kg into {target}: "
                                f"{err}") from None
        try:
            fl, out = fly_mission(veh, payload_kg, target, az, kick_deg, record=True,
                                  coast_s=coast, guidance_guess=guess, burn_to_depletion=True)
        except AscentFailure as err2:
            raise AscentFailure(f"{veh.name} cannot put {payload_kg:.0f} kg even into the "
                                f"parking orbit: {err2}") from None
        feasible, message = False, f"payload too heavy for the target: {err}"
    traj = build_trajectory(fl)
    events = build_events(fl)
    y = out["y_end"]
    el = rv2coe(GM_EARTH_WGS84_KM3S2, y[:3], y[3:6])
    iq, ia = int(np.argmax(traj.q_pa)), int(np.argmax(traj.axial_accel_g))
    r_gcrs, v_gcrs = (None, None) if launch_time is None else \
        _to_gcrs(launch_time, out["t_end"], y)
    return LaunchFlight(
        vehicle=veh.name, target=target, payload_kg=float(payload_kg), azimuth_deg=float(az),
        kick_deg=float(kick_deg), events=events, trajectory=traj,
        max_q_pa=float(traj.q_pa[iq]), t_max_q_s=float(traj.t_s[iq]),
        max_axial_accel_g=float(traj.axial_accel_g[ia]), t_max_accel_s=float(traj.t_s[ia]),
        perigee_alt_km=float(periapsis(el.p_km, el.ecc)) - R_EARTH_KM,
        apogee_alt_km=float(apoapsis(el.p_km, el.ecc)) - R_EARTH_KM,
        inclination_deg=float(np.degrees(el.inc_rad)),
        arg_perigee_deg=float(np.degrees(el.argp_rad)),
        c3_km2s2=float(c3(GM_EARTH_WGS84_KM3S2, y[:3], y[3:6])),
        propellant_margin_kg=float(out["margin_kg"]), feasible=feasible, message=message,
        launch_time=launch_time, final_r_gcrs_km=r_gcrs,
        final_v_gcrs_kms=v_gcrs)

