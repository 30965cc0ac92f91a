"""Launch -> TLI handover: fly the H3 to the transfer's parking plane and departure orbit, and
compare the orbit it leaves the spacecraft on with the targeted transfer's post-TLI orbit.

The transfer (:func:`lupex.orbits.transfer.design_transfer`) fixes the lift-off time, the
parking inclination (to the equator of date) and an impulsive, tangential TLI at the
departure perigee. The H3 model flies a finite, guided ascent and a finite prograde second
burn: :func:`solve_azimuth` finds the launch azimuth whose flight reaches the parking
inclination (secant iterations on the flown inclination), the departure orbit's argument of
perigee sets the parking coast (:func:`lupex.launch.simulate_launch`), and
:func:`compare_handover` measures what is left.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lupex.constants import GM_EARTH_WGS84_KM3S2, R_EARTH_KM
from lupex.orbits.elements import c3, rv2coe

from .guidance import fly_mission
from .parking import ParkingCalibration, _rates, itrs_to_gcrs_matrix
from .site import TANEGASHIMA_LP2, check_azimuth
from .targets import LunarTransfer
from .vehicle import load_vehicle

__all__ = ["HANDOVER_TOLERANCES", "Handover", "calibrate_parking", "compare_handover", "departure_argp_deg",
           "solve_azimuth"]

MU = GM_EARTH_WGS84_KM3S2

#: What a finite, guided H3 burn may leave between its departure orbit and the transfer's
#: impulsive one (measured on the baseline, 2028-09-12: plane 0.006 deg, C3 -0.003
#: km^2/s^2, argument of perigee 0.006 deg, perigee time 0.6 s, perigee +25 km, 26 km and
#: 22 m/s apart 4 min after TLI). Justification: the plane and the apse line are set by the
#: azimuth solve (0.005 deg) and the coast solve (0.05 deg), so 0.05 and 0.1 deg; C3 by the
#: energy cut-off (event located to ~1e-3) and the two Earth GMs, 0.02 km^2/s^2 (~0.1 m/s
#: at TLI); the 365 s prograde burn spans ~24 deg of the parking orbit, which raises the
#: osculating perigee by tens of km (gravity loss geometry, Curtis 2020 sec. 6.x finite
#: burns), so perigee height 40 km, and the states 60 km / 0.05 km/s apart at separation;
#: the perigee time to 10 s (~80 km along the Moon's path at arrival, a small TCM).
HANDOVER_TOLERANCES = {"plane_angle_deg": 0.05, "c3_diff_km2s2": 0.02, "argp_diff_deg": 0.1,
                       "perigee_time_diff_s": 10.0, "perigee_alt_diff_km": 40.0,
                       "position_diff_km": 60.0, "velocity_diff_kms": 0.05}


def departure_argp_deg(r_gcrs_km, v_gcrs_kms, lift_off_jd_tdb: float) -> float:
    """Argument of perigee [deg] of a departure state, from the ascending node on the Earth's
    equator of date (the H3 model's launch frame: ITRS axes frozen at lift-off).

    Parameters
    ----------
    r_gcrs_km, v_gcrs_kms : array_like, shape (3,)
        Post-TLI state in GCRS [km, km/s].
    lift_off_jd_tdb : float
        Lift-off, TDB Julian date.
    """
    m = itrs_to_gcrs_matrix(lift_off_jd_tdb)
    el = rv2coe(MU, m.T @ np.asarray(r_gcrs_km, float), m.T @ np.asarray(v_gcrs_kms, float))
    return float(np.degrees(el.argp_rad) % 360.0)


def solve_azimuth(vehicle, payload_kg: float, inclination_deg: float, azimuth_guess_deg: float,
                  kick_deg: float, parking_alt_km: float = 200.0, tol_deg: float = 0.005,
                  max_flights: int = 5, c3_km2s2: float = -2.0):
    """Launch azimuth whose H3 ascent reaches a parking inclination (equator of date).

    Secant iterations on ``i(azimuth) - inclination_deg`` with the ascent to the circular
    parking orbit (one flight each, ~1 s).

    Parameters
    ----------
    vehicle : str or Vehicle
        Vehicle name, file or loaded vehicle.
    payload_kg : float
        Spacecraft mass [kg].
    inclination_deg : float
        Wanted parking inclination [deg].
    azimuth_guess_deg : float
        Starting azimuth [deg clockwise from north] (e.g. the closed form).
    kick_deg : float
        Pitch kick [deg].
    parking_alt_km : float
        Parking-orbit altitude [km].
    tol_deg : float
        Inclination tolerance [deg].
    max_flights : int
        Most flights flown.

    Returns
    -------
    azimuth_deg : float
        Solved azimuth [deg].
    inclination_deg : float
        Inclination that azimuth reaches [deg].
    n_flights : int
        Flights flown.
    out : dict
        The last flight's end state (``t_end`` [s], ``y_end``; launch frame).
    c3_km2s2 : float
        Departure C3 flown [km^2/s^2].
    """
    veh = load_vehicle(vehicle)
    tgt = LunarTransfer(c3_km2s2=c3_km2s2, parking_alt_km=parking_alt_km)
    last = {}

    def inc(az):
        check_azimuth(az)
        _, out = fly_mission(veh, payload_kg, tgt, az, kick_deg)
        last["out"] = out
        y = out["y_end"]
        h = np.cross(y[:3], y[3:6])
        return float(np.degrees(np.arccos(h[2] / np.linalg.norm(h))))

    a0, i0 = float(azimuth_guess_deg), inc(azimuth_guess_deg)
    n = 1
    if abs(i0 - inclination_deg) <= tol_deg:
        return a0, i0, n, last["out"]
    # di/daz ~ sin(beta) cos(lat) / sin(i) ~ 0.5 near due east from Tanegashima
    a1 = a0 + 2.0 * (inclination_deg - i0)
    i1 = inc(a1)
    n += 1
    while abs(i1 - inclination_deg) > tol_deg and n < max_flights and i1 != i0:
        a0, i0, a1 = a1, i1, a1 + (inclination_deg - i1) * (a1 - a0) / (i1 - i0)
        i1 = inc(a1)
        n += 1
    return float(a1), float(i1), n, last["out"]


def calibrate_parking(vehicle, payload_kg: float, inclination_deg: float,
                      azimuth_guess_deg: float, kick_deg: float, parking_alt_km: float = 200.0,
                      c3_km2s2: float = -2.0, site=TANEGASHIMA_LP2) -> ParkingCalibration:
    """The parking plane and departure phase the vehicle reaches for an inclination.

    Solves the azimuth (:func:`solve_azimuth`), then reads from the last flight (launch
    frame = ITRS axes at lift-off): the node (extrapolated back to lift-off with the mean J2
    rate) relative to the pad's longitude, and the departure perigee's argument of latitude
    and time, giving ``u0 = u_p - du/dt t_p`` (see :class:`lupex.launch.parking.ParkingCalibration`).

    Parameters
    ----------
    vehicle : str or Vehicle
        Vehicle name, file or loaded vehicle.
    payload_kg : float
        Spacecraft mass [kg].
    inclination_deg : float
        Wanted parking inclination (equator of date) [deg].
    azimuth_guess_deg : float
        Starting azimuth [deg].
    kick_deg : float
        Pitch kick [deg].
    parking_alt_km : float
        Parking-orbit altitude [km].
    c3_km2s2 : float
        Departure C3 [km^2/s^2].
    site : tuple of float
        Pad geodetic latitude, east longitude [deg] and height [km].

    Returns
    -------
    ParkingCalibration
    """
    az, inc, n, out = solve_azimuth(vehicle, payload_kg, inclination_deg, azimuth_guess_deg,
                                    kick_deg, parking_alt_km, c3_km2s2=c3_km2s2)
    y, t_end = out["y_end"], float(out["t_end"])
    el = rv2coe(MU, y[:3], y[3:6])
    t_p = t_end - _time_since_perigee_s(y[:3], y[3:6])
    dnode, du = _rates(R_EARTH_KM + parking_alt_km, np.radians(inc))
    node0 = float(el.raan_rad) - dnode * t_end
    u0 = float(el.argp_rad) - du * t_p
    return ParkingCalibration(float(az), float(inc), float(np.radians(site[1]) - node0),
                              float(u0 % (2 * np.pi)), int(n), float(kick_deg), float(payload_kg))


@dataclass(frozen=True)
class Handover:
    """The H3's departure orbit against the transfer's post-TLI orbit.

    Attributes
    ----------
    separation_after_tli_s : float
        H3 payload separation minus the transfer's (impulsive) TLI epoch [s].
    position_diff_km, velocity_diff_kms : float
        |H3 state - transfer arc state| at the separation instant [km, km/s].
    plane_angle_deg : float
        Angle between the two orbit normals [deg].
    c3_diff_km2s2 : float
        C3 of the H3 orbit minus the transfer's [km^2/s^2].
    argp_diff_deg : float
        Argument of perigee difference (equator of date) [deg], wrapped to +-180.
    perigee_time_diff_s : float
        Time of perigee passage, H3 minus transfer [s].
    perigee_alt_diff_km : float
        Perigee altitude difference [km].
    """

    separation_after_tli_s: float
    position_diff_km: float
    velocity_diff_kms: float
    plane_angle_deg: float
    c3_diff_km2s2: float
    argp_diff_deg: float
    perigee_time_diff_s: float
    perigee_alt_diff_km: float

    @property
    def within_tolerances(self) -> bool:
        """Every difference within :data:`HANDOVER_TOLERANCES`."""
        return all(abs(getattr(self, k)) <= v for k, v in HANDOVER_TOLERANCES.items())


def _time_since_perigee_s(r, v) -> float:
    el = rv2coe(MU, r, v)
    a, e, nu = float(el.a_km), float(el.ecc), float(el.nu_rad)
    n = np.sqrt(MU / a**3)
    ea = 2 * np.arctan(np.sqrt((1 - e) / (1 + e)) * np.tan(nu / 2))
    return float((ea - e * np.sin(ea)) / n)


def compare_handover(flight, transfer) -> Handover:
    """Compare an H3 flight's separation state with a targeted transfer.

    Parameters
    ----------
    flight : LaunchFlight
        Flown with ``launch_time`` = the transfer's lift-off (GCRS final state available).
    transfer : lupex.orbits.transfer.TransferResult
        The targeted transfer (its ``trajectory`` starts at the impulsive TLI).

    Returns
    -------
    Handover
    """
    if flight.final_r_gcrs_km is None:
        raise ValueError("flight: must be flown with a launch_time (no GCRS state)")
    rh, vh = np.asarray(flight.final_r_gcrs_km), np.asarray(flight.final_v_gcrs_kms)
    t_sep = float(flight.event("payload separation").t_s)
    dt = t_sep - float(transfer.coast_s)
    rt, vt = transfer.trajectory.state_at(max(dt, 0.0))
    r0, v0 = transfer.r_tli_km, transfer.v_parking_kms + transfer.dv_tli_kms
    hh, ht = np.cross(rh, vh), np.cross(r0, v0)
    ang = np.degrees(np.arccos(np.clip(np.dot(hh, ht) / np.linalg.norm(hh) / np.linalg.norm(ht),
                                       -1.0, 1.0)))
    jd_l = transfer.lift_off_jd_tdb
    d_argp = (departure_argp_deg(rh, vh, jd_l) - departure_argp_deg(r0, v0, jd_l) + 180.0) \
        % 360.0 - 180.0
    tp_h = t_sep - _time_since_perigee_s(rh, vh)
    tp_t = float(transfer.coast_s) - _time_since_perigee_s(r0, v0)
    el_h, el_t = rv2coe(MU, rh, vh), rv2coe(MU, r0, v0)
    rp_h = float(el_h.p_km) / (1 + float(el_h.ecc))
    rp_t = float(el_t.p_km) / (1 + float(el_t.ecc))
    return Handover(dt, float(np.linalg.norm(rh - rt)), float(np.linalg.norm(vh - vt)),
                    float(ang), float(c3(MU, rh, vh) - c3(MU, r0, v0)), float(d_argp),
                    float(tp_h - tp_t), float((rp_h - R_EARTH_KM) - (rp_t - R_EARTH_KM)))
