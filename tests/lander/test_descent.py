"""Powered descent against closed forms and limits."""

import numpy as np
import pytest

from lupex.constants import G0_KMS2, GM_MOON_KM3S2, R_MOON_KM
from lupex.lander import descent as D

MU = GM_MOON_KM3S2
R = R_MOON_KM


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
    mdot = 13.0 / (315.0 * G0_KMS2)  # kN / (s * km/s^2) = kg/s
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
