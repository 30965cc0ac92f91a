"""Deorbit, powered descent and the mass budget against closed forms and limits."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lupex.orbits import budget as B
from lupex.orbits import descent as D

MU = D.GM_MOON_KM3S2
R = D.R_MOON_KM


@pytest.fixture(scope="module")
def descent():
    return D.powered_descent(4300.0, 13000.0, 315.0, orbit_alt_km=100.0)


def test_descent_ends_at_rest_on_the_surface(descent):
    assert abs(descent.alt_km[-1]) < 1e-3  # within 1 m of the surface
    assert descent.speed_kms[-1] < 2e-4  # and at rest (0.1 m/s stop tolerance)
    assert descent.alt_km.min() > -1e-3  # never below it


def test_descent_starts_on_the_descent_orbit(descent):
    r0 = R + descent.ignition_alt_km
    v_expected = np.sqrt(MU * (2 / r0 - 1 / (0.5 * (r0 + R + 100.0))))  # vis-viva at periselene
    assert descent.ignition_speed_kms == pytest.approx(v_expected, rel=1e-12)


def test_descent_mass_flow_matches_thrust_and_isp(descent):
    # Independent of the integrated mass state: constant full thrust burns T/(Isp g0) kg/s.
    mdot = 13.0 / (315.0 * D.G0_KMS2)  # kN / (s * km/s^2) = kg/s
    assert descent.propellant_kg == pytest.approx(mdot * descent.duration_s, rel=1e-9)
    # Gravity losses are positive and modest for thrust/weight ~1.9 (Apollo LM: ~0.2-0.3 km/s).
    assert 0.05 < descent.gravity_loss_kms < 0.35


def test_high_thrust_limit_approaches_the_impulsive_cost():
    # As thrust/weight grows the burn tends to an impulse at the surface: the gravity loss
    # falls (roughly as (T/W)^-2 for a gravity turn) and the ignition altitude with it.
    runs = [D.powered_descent(1000.0, t, 315.0) for t in (4000.0, 8000.0, 16000.0)]
    losses = [r.gravity_loss_kms / r.ignition_speed_kms for r in runs]
    assert losses[0] > losses[1] > losses[2] > 0.0
    assert losses[2] < 0.005  # T/W ~ 9.9
    assert runs[0].ignition_alt_km > runs[1].ignition_alt_km > runs[2].ignition_alt_km


def test_too_little_thrust_is_named():
    with pytest.raises(ValueError, match=r"spacecraft.lander.thrust_n: .*thrust/weight at the surface 0.43"):
        D.powered_descent(4300.0, 3000.0, 315.0)


@settings(max_examples=40, deadline=None)
@given(m0=st.floats(100.0, 1e5), dv=st.floats(0.0, 5.0), isp=st.floats(150.0, 480.0))
def test_rocket_equation_inverts(m0, dv, isp):
    mf = B.mass_after_burn(m0, dv, isp)
    assert isp * D.G0_KMS2 * np.log(m0 / mf) == pytest.approx(dv, abs=1e-12)


def test_budget_chain_multiplies():
    b = B.mass_budget(6000.0, [("a", 1.0), ("b", 0.5)], 300.0, 3000.0)
    direct = 6000.0 * np.exp(-1.5 / (300.0 * D.G0_KMS2))
    assert b.lines[-1].mass_after_kg == pytest.approx(direct, rel=1e-12)
    assert b.propellant_margin_kg == pytest.approx(3000.0 - (6000.0 - direct))
    with pytest.raises(ValueError, match="burn 'x'"):
        B.mass_budget(6000.0, [("x", -1.0)], 300.0, 3000.0)


def test_lunar_arrival_speed_of_a_hohmann_transfer():
    # Patched conic from a 200 km parking orbit: apogee speed 0.186 km/s against the Moon's
    # 1.018 km/s (vis-viva), so v_inf ~0.83 km/s (Curtis sec. 8.5 style estimate).
    v_inf = B.lunar_arrival_vinf(6378.137 + 200.0)
    mu = 398600.4354360959
    a = 0.5 * (6578.137 + 384400.0)
    assert v_inf == pytest.approx(np.sqrt(mu / 384400.0) - np.sqrt(mu * (2 / 384400.0 - 1 / a)))
    assert 0.80 < v_inf < 0.85
