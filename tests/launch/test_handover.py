"""The launch -> TLI handover: the solved transfer starts from a parking plane a Tanegashima
launch gives, and the H3 model flown to it leaves the spacecraft on the transfer's orbit.

One transfer is solved for the module (the baseline's searched date, 2028-09-12 15:00 UTC
wanted, 6000 kg on an H3-24L) as the transfer stage does it: closed-form plane, one H3
calibration of the plane, re-targeting.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from lupex import launch as L
from lupex.launch.earth import ecef_from_geodetic
from lupex.launch.guidance import optimise_kick
from lupex.launch.handover import (
    HANDOVER_TOLERANCES,
    calibrate_parking,
    compare_handover,
    departure_argp_deg,
)
from lupex.launch.parking import pad_gcrs_km, parking_orbit, solve_lift_off
from lupex.launch.site import ALLOWED_AZIMUTH_DEG, TANEGASHIMA_LP2
from lupex.launch.vehicle import load_vehicle
from lupex.orbits.transfer import design_transfer
from lupex.timescale import tdb_grid, utc_of_jd_tdb

pytestmark = pytest.mark.slow
WANTED_UTC = dt.datetime(2028, 9, 12, 15, 0, tzinfo=dt.UTC)
MASS_KG = 6000.0


@pytest.fixture(scope="module")
def solved():
    _, jd = tdb_grid(WANTED_UTC, 0.0, 1.0)
    r0 = design_transfer(float(jd[0]))
    veh = load_vehicle("h3-24l")
    kick = optimise_kick(veh, MASS_KG, L.LunarTransfer(c3_km2s2=r0.c3_km2s2),
                         r0.launch_azimuth_deg)[0]
    cal = calibrate_parking(veh, MASS_KG, r0.parking_inclination_deg, r0.launch_azimuth_deg,
                            kick, 200.0, r0.c3_km2s2)
    tr = design_transfer(float(jd[0]), calibration=cal)
    argp = departure_argp_deg(tr.r_tli_km, tr.v_parking_kms + tr.dv_tli_kms, tr.lift_off_jd_tdb)
    flight = L.simulate_launch(veh, L.LunarTransfer(c3_km2s2=tr.c3_km2s2, arg_perigee_deg=argp,
                                                    parking_alt_km=200.0,
                                                    inclination_deg=tr.parking_inclination_deg),
                               launch_time=utc_of_jd_tdb(tr.lift_off_jd_tdb),
                               azimuth_deg=cal.azimuth_deg, payload_kg=MASS_KG, kick_deg=kick)
    return float(jd[0]), r0, tr, flight


def test_both_transfers_reach_the_commanded_periselene(solved):
    _, r0, tr, _ = solved
    for r in (r0, tr):
        assert r.success
        assert abs(r.periselene_alt_km - 100.0) < 1.0       # the success criterion: 1 km
        assert abs(r.periselene_inclination_deg - 90.0) < 0.05
        assert r.n_propagations <= 20                        # a small number of runs


def test_lift_off_is_near_the_wanted_date(solved):
    jd, _, tr, _ = solved
    # two descending-pass opportunities a sidereal day: the nearest is within half a day
    assert abs(tr.lift_off_jd_tdb - jd) < 0.5
    assert tr.coast_s > 900.0                                # after SECO1 and a coast
    assert tr.epoch_tli_jd_tdb == pytest.approx(tr.lift_off_jd_tdb + tr.coast_s / 86400.0,
                                                abs=1e-9)


def test_closed_form_plane_passes_over_the_pad_at_lift_off(solved):
    """(b) The pad (ITRS) lies in the plane given by the reported inclination and node (both
    in the ITRS axes at lift-off): h = (sin O sin i, -cos O sin i, cos i), to < 1 km."""
    _, r0, _, _ = solved
    i, o = np.radians(r0.parking_inclination_deg), np.radians(r0.parking_raan_deg)
    h = np.array([np.sin(o) * np.sin(i), -np.cos(o) * np.sin(i), np.cos(i)])
    pad = ecef_from_geodetic(np.radians(TANEGASHIMA_LP2[0]), np.radians(TANEGASHIMA_LP2[1]),
                             TANEGASHIMA_LP2[2])
    assert abs(float(h @ pad)) < 1.0
    lo, hi = ALLOWED_AZIMUTH_DEG
    assert lo <= r0.launch_azimuth_deg <= hi
    assert r0.parking_inclination_deg >= 30.2               # geocentric latitude of the pad
    # and in GCRS through astropy's Earth orientation (the same plane)
    po = parking_orbit(r0.lift_off_jd_tdb, r0.parking_inclination_deg)
    assert abs(float(po.normal_gcrs @ pad_gcrs_km(r0.lift_off_jd_tdb))) < 1.0


def test_flown_plane_passes_over_the_pad(solved):
    """The H3-calibrated plane contains the pad to the ascent's own offset (a few km: the
    gravity turn in the rotating atmosphere), and its azimuth is allowed."""
    _, _, tr, flight = solved
    i, o = np.radians(tr.parking_inclination_deg), np.radians(tr.parking_raan_deg)
    h = np.array([np.sin(o) * np.sin(i), -np.cos(o) * np.sin(i), np.cos(i)])
    pad = ecef_from_geodetic(np.radians(TANEGASHIMA_LP2[0]), np.radians(TANEGASHIMA_LP2[1]),
                             TANEGASHIMA_LP2[2])
    assert abs(float(h @ pad)) < 10.0
    assert ALLOWED_AZIMUTH_DEG[0] <= flight.azimuth_deg <= ALLOWED_AZIMUTH_DEG[1]


def test_solve_lift_off_puts_the_aim_in_the_plane(solved):
    _, r0, _, _ = solved
    aim = np.array([-2.0e5, 3.0e5, -1.2e5])
    t = solve_lift_off(aim, r0.lift_off_jd_tdb, 31.0)
    po = parking_orbit(t, 31.0)
    # the direction lies in the plane to 1e-5 rad (4 km at the Moon; the shooting corrects
    # the rest): the frames at two instants differ by the Earth-rotation model
    # (OMEGA_EARTH_RADS vs astropy's Earth rotation angle and UT1 table) at ~1e-6 rad
    assert abs(float(po.normal_gcrs @ aim) / np.linalg.norm(aim)) < 1e-5


def test_h3_hands_over_onto_the_transfer(solved):
    """(a) The H3's separation orbit against the transfer's post-TLI orbit, within the
    justified tolerances (lupex.launch.handover.HANDOVER_TOLERANCES)."""
    _, _, tr, flight = solved
    h = compare_handover(flight, tr)
    assert flight.feasible
    for k, tol in HANDOVER_TOLERANCES.items():
        assert abs(getattr(h, k)) <= tol, (k, getattr(h, k), tol)
    assert h.within_tolerances


def test_ascent_lag_constant_matches_the_flown_phase(solved):
    """The closed form's lag (H3_ASCENT_LAG_S) against the phase the H3 calibration measured:
    u0 = u_s - du/dt lag, to 30 s (~2 deg of parking orbit, ~one coast-solve step)."""
    from lupex.launch.parking import H3_ASCENT_LAG_S, _rates

    _, _, tr, _ = solved
    cal = tr.parking_calibration
    po = parking_orbit(tr.lift_off_jd_tdb, cal.inclination_deg, 200.0, lag_s=0.0)
    du = _rates(po.radius_km, np.radians(cal.inclination_deg))[1]
    lag = ((po.u_site_rad - cal.u0_rad + np.pi) % (2 * np.pi) - np.pi) / du
    assert lag == pytest.approx(H3_ASCENT_LAG_S, abs=30.0)
