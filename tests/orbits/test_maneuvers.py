"""Impulsive manoeuvres: textbook values, geometric identities, local frames."""

import numpy as np
import pytest

from lupex.constants import GM_MOON_KM3S2, R_MOON_KM
from lupex.orbits.elements import coe2rv, rv2coe
from lupex.orbits.kepler import propagate
from lupex.orbits.maneuvers import (
    apply_impulse,
    bielliptic,
    combined_plane_change_dv,
    hohmann,
    local_frame,
    plane_change_dv,
)

MU_VALLADO = 398600.4418  # Vallado 2013 uses EGM-96 mu for his worked examples
RE_VALLADO = 6378.137


def test_hohmann_leo_to_geo_vallado_example_6_1():
    # Vallado (2013, 4th ed.) Example 6-1: 191.34411 km -> 35781.34857 km altitude:
    # dva = 2.457038, dvb = 1.478187, total 3.935224 km/s, tof 5.256713 h.
    # Quoted to 7 digits, so compare to 2e-6 km/s and 2e-6 h.
    h = hohmann(MU_VALLADO, RE_VALLADO + 191.34411, RE_VALLADO + 35781.34857)
    np.testing.assert_allclose(h.dv_kms, [2.457038, 1.478187], atol=2e-6)
    assert h.dv_total_kms == pytest.approx(3.935224, abs=2e-6)
    assert h.tof_s / 3600 == pytest.approx(5.256713, abs=2e-6)


def test_bielliptic_vallado_example_6_2():
    # Vallado (2013) Example 6-2: 191.34411 km -> 376310 km altitude via
    # rb = 503873 km altitude: total 3.904057 km/s, tof 593.919 h.  Vallado works
    # in canonical units, which moves the 6th digit of the time: 2e-3 h.
    b = bielliptic(MU_VALLADO, RE_VALLADO + 191.34411, RE_VALLADO + 503873.0,
                   RE_VALLADO + 376310.0)
    assert b.dv_kms.shape == (3,)
    assert b.dv_total_kms == pytest.approx(3.904057, abs=2e-6)
    assert b.tof_s / 3600 == pytest.approx(593.919, abs=2e-3)


def test_bielliptic_beats_hohmann_beyond_ratio_15_58():
    # Classic result (Vallado 2013, Fig. 6-6): with rb -> inf the bi-elliptic
    # transfer wins for r2/r1 > 11.94, and for every rb > r2 beyond 15.58.
    r1 = 7000.0
    for ratio, wins in ((10.0, False), (16.0, True)):
        r2 = ratio * r1
        assert (bielliptic(MU_VALLADO, r1, 1e3 * r2, r2).dv_total_kms
                < hohmann(MU_VALLADO, r1, r2).dv_total_kms) == wins


def test_hohmann_by_propagation():
    # Independent check: burn dv1 prograde, coast tof, arrive at r2 at apoapsis
    # with speed sqrt(mu/r2) - dv2.
    mu, r1, r2 = GM_MOON_KM3S2, R_MOON_KM + 100.0, R_MOON_KM + 2000.0
    h = hohmann(mu, r1, r2)
    r0, v0 = coe2rv(mu, r1, 0.0, 1.5, 0.2, 0.0, 0.3)
    r0, v0 = apply_impulse(r0, v0, [h.dv_kms[0], 0.0, 0.0], frame="vnb")
    r, v = propagate(mu, r0, v0, h.tof_s)
    assert np.linalg.norm(r) == pytest.approx(r2, rel=1e-12)
    assert np.linalg.norm(v) == pytest.approx(np.sqrt(mu / r2) - h.dv_kms[1], rel=1e-12)


def test_hohmann_is_symmetric_and_vectorised():
    up = hohmann(MU_VALLADO, [7000.0, 8000.0], [42000.0, 9000.0])
    down = hohmann(MU_VALLADO, [42000.0, 9000.0], [7000.0, 8000.0])
    assert up.dv_kms.shape == (2, 2)
    np.testing.assert_allclose(up.dv_total_kms, down.dv_total_kms, rtol=1e-14)
    np.testing.assert_allclose(up.tof_s, down.tof_s, rtol=1e-14)


def test_plane_changes():
    v = 1.633  # ~100 km lunar circular speed
    # Pure rotation by 90 deg: the isosceles right triangle, sqrt(2) v.
    assert plane_change_dv(v, np.pi / 2) == pytest.approx(np.sqrt(2) * v, rel=1e-15)
    # Combined with equal speeds reduces to the pure plane change.
    assert combined_plane_change_dv(v, v, 0.3) == pytest.approx(plane_change_dv(v, 0.3), rel=1e-14)
    # No rotation: only the speed change.
    assert combined_plane_change_dv(1.0, 1.7, 0.0) == pytest.approx(0.7, rel=1e-14)
    # Combining is cheaper than doing the two separately (triangle inequality).
    assert combined_plane_change_dv(1.0, 1.7, 0.4) < 0.7 + plane_change_dv(1.7, 0.4)
    with pytest.raises(ValueError, match="dinc_rad"):
        plane_change_dv(v, 4.0)


def test_plane_change_by_rotating_the_velocity():
    # Apply the computed dv along the bisector direction and check the new inclination.
    mu, di = GM_MOON_KM3S2, np.radians(12.0)
    r0, v0 = coe2rv(mu, 1837.4, 0.0, np.radians(80.0), 0.0, 0.0, 0.0)  # at the ascending node
    dv = plane_change_dv(np.linalg.norm(v0), di)
    # In VNB at the node, the burn is -sin(di/2) along V and cos(di/2) along N (rotated).
    _, v1 = apply_impulse(r0, v0, dv * np.array([-np.sin(di / 2), np.cos(di / 2), 0.0]), "vnb")
    assert np.linalg.norm(v1) == pytest.approx(np.linalg.norm(v0), rel=1e-14)
    el = rv2coe(mu, r0, v1)
    assert abs(np.degrees(el.inc_rad) - 80.0) == pytest.approx(12.0, abs=1e-10)


def test_local_frames_are_orthonormal_and_documented():
    r, v = np.array([7000.0, 0.0, 0.0]), np.array([0.0, 7.5, 0.0])
    vnb = local_frame(r, v, "vnb")
    rtn = local_frame(r, v, "rtn")
    np.testing.assert_allclose(vnb @ vnb.T, np.eye(3), atol=1e-15)
    np.testing.assert_allclose(vnb, [[0, 1, 0], [0, 0, 1], [1, 0, 0]], atol=1e-15)
    np.testing.assert_allclose(rtn, np.eye(3), atol=1e-15)
    _, v_new = apply_impulse(r, v, [0.1, 0.2, 0.3], "rtn")
    np.testing.assert_allclose(v_new, [0.1, 7.7, 0.3], atol=1e-15)
    with pytest.raises(ValueError, match="frame"):
        local_frame(r, v, "lvlh")
    with pytest.raises(ValueError, match="r1_km"):
        hohmann(MU_VALLADO, -1.0, 7000.0)


# --- the pipeline entry point: lunar capture, parking and descent orbit -------------

def test_lunar_orbit_plan_against_closed_forms_and_propagation():
    from lupex.orbits.lunar_orbit import plan_lunar_orbit

    plan = plan_lunar_orbit(parking_alt_km=100.0, inc_deg=90.0, v_inf_kms=0.0, perilune_alt_km=30.0)
    mu, r = plan.mu_km3s2, R_MOON_KM + 100.0
    # Parabolic arrival (v_inf = 0): capture costs (sqrt 2 - 1) v_circ exactly.
    assert plan.loi_dv_kms == pytest.approx((np.sqrt(2) - 1) * np.sqrt(mu / r), rel=1e-14)
    assert 117.7 < plan.period_s / 60 < 118.0
    # Descent coast ends at 30 km over the south pole (polar orbit, perilune at u = 270 deg).
    assert plan.descent_alt_km[-1] == pytest.approx(30.0, abs=1e-8)
    assert plan.descent_alt_km.min() == pytest.approx(30.0, abs=1e-8)
    np.testing.assert_allclose(plan.descent_r_km[-1] / np.linalg.norm(plan.descent_r_km[-1]),
                               [0, 0, -1], atol=1e-12)
    assert plan.perilune_lat_deg == -90.0
    np.testing.assert_allclose(plan.alt_km, 100.0, atol=1e-8)
    assert plan.max_energy_drift_rel < 1e-12


def test_loi_burn_captures_into_the_circular_orbit():
    from lupex.orbits.lunar_orbit import plan_lunar_orbit

    plan = plan_lunar_orbit(parking_alt_km=100.0, v_inf_kms=0.9)
    mu, r = plan.mu_km3s2, R_MOON_KM + 100.0
    # Periapsis of the arrival hyperbola: e = 1 + r v_inf^2 / mu, p = r (1 + e).
    e = 1.0 + r * 0.9**2 / mu
    r0, v0 = coe2rv(mu, r * (1 + e), e, np.pi / 2, 0.0, 0.0, 0.0)
    _, v1 = apply_impulse(r0, v0, [-plan.loi_dv_kms, 0.0, 0.0], frame="vnb")
    assert rv2coe(mu, r0, v1).ecc == pytest.approx(0.0, abs=1e-13)


def test_lunar_orbit_plan_bad_input():
    from lupex.orbits.lunar_orbit import plan_lunar_orbit

    with pytest.raises(ValueError, match="perilune_alt_km"):
        plan_lunar_orbit(parking_alt_km=100.0, perilune_alt_km=150.0)
    with pytest.raises(ValueError, match="inc_deg"):
        plan_lunar_orbit(inc_deg=200.0)
    with pytest.raises(ValueError, match="n_samples"):
        plan_lunar_orbit(n_samples=1)
