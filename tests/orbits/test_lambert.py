"""Izzo Lambert solver: published example, closure under Kepler propagation, branches."""

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from lupex.constants import GM_EARTH_KM3S2
from lupex.orbits.kepler import propagate
from lupex.orbits.lambert import lambert

MU = GM_EARTH_KM3S2


def test_curtis_example_5_2():
    # Curtis, Orbital Mechanics for Engineering Students (3rd ed.), Example 5.2:
    # mu = 398600, 1 h transfer; v1 = (-5.9925, 1.9254, 3.2456) km/s,
    # v2 = (-3.3125, -4.1966, -0.38529) km/s (printed to 4-5 significant digits).
    sol = lambert(398600.0, [5000.0, 10000.0, 2100.0], [-14600.0, 2500.0, 7000.0], 3600.0)
    np.testing.assert_allclose(sol.v1_kms[0], [-5.9925, 1.9254, 3.2456], atol=6e-5)
    np.testing.assert_allclose(sol.v2_kms[0], [-3.3125, -4.1966, -0.38529], atol=6e-5)


def _unit(v):
    v = np.asarray(v, float)
    return v / np.linalg.norm(v)


vec = st.tuples(st.floats(-1, 1), st.floats(-1, 1), st.floats(-1, 1)).filter(
    lambda t: np.linalg.norm(t) > 0.1)


@settings(max_examples=150, deadline=None)
@given(d1=vec, d2=vec, r1n=st.floats(6600, 60000), r2n=st.floats(6600, 60000),
       tof_frac=st.floats(0.02, 3.0), revs=st.integers(0, 3), prograde=st.booleans())
def test_closure_property(d1, d2, r1n, r2n, tof_frac, revs, prograde):
    r1, r2 = _unit(d1) * r1n, _unit(d2) * r2n
    assume(abs(np.dot(_unit(r1), _unit(r2))) < np.cos(np.radians(1.0)))
    a_ref = 0.5 * (r1n + r2n)
    tof = tof_frac * (revs + 1) * 2 * np.pi * np.sqrt(a_ref**3 / MU)
    sol = lambert(MU, r1, r2, tof, revs=revs, prograde=prograde, infeasible="nan")
    if revs == 0:
        assert sol.feasible  # a zero-revolution solution exists for every tof > 0
    if not sol.feasible:
        return
    for k in range(sol.v1_kms.shape[0]):
        r_end, v_end = propagate(MU, r1, sol.v1_kms[k], tof)
        # Closure: Kepler from (r1, v1) for tof reaches r2.  Both solvers are
        # converged to ~1e-13 in their variables; 1e-9 of the orbit size (a
        # few cm) leaves room for ill-conditioned near-parabolic geometries.
        scale = max(r1n, r2n, np.linalg.norm(r_end))
        np.testing.assert_allclose(r_end, r2, rtol=0, atol=1e-9 * scale)
        np.testing.assert_allclose(v_end, sol.v2_kms[k], rtol=0,
                                   atol=1e-9 * scale * np.linalg.norm(sol.v2_kms[k]) / min(r1n, r2n))
        h_z = np.cross(r1, sol.v1_kms[k])[2]
        assert (h_z > 0) == prograde or abs(h_z) < 1e-9 * np.linalg.norm(np.cross(r1, sol.v1_kms[k]))


def test_multi_rev_branches_and_minimum_time():
    r1 = np.array([7000.0, 0.0, 0.0])
    r2 = np.array([-3000.0, 8000.0, 1000.0])
    sol = lambert(MU, r1, r2, 86400.0, revs=2)
    assert sol.v1_kms.shape == (2, 3) and sol.a_km.shape == (2,)
    left, right = sol.x
    assert left < right  # index 0 is the left branch (x < x_Tmin)
    # Two distinct transfers, both closing on r2 after two full revolutions.
    assert np.linalg.norm(sol.v1_kms[0] - sol.v1_kms[1]) > 1e-3
    for k in range(2):
        assert np.linalg.norm(propagate(MU, r1, sol.v1_kms[k], 86400.0)[0] - r2) < 1e-6
        # Period check: M full revolutions fit inside the tof.
        assert 2 * 2 * np.pi * np.sqrt(sol.a_km[k] ** 3 / MU) < 86400.0
    # Far too short for 2 revolutions: clear error, or NaN when asked.
    with pytest.raises(ValueError, match="shorter than the minimum"):
        lambert(MU, r1, r2, 3600.0, revs=2)
    nan_sol = lambert(MU, r1, r2, 3600.0, revs=2, infeasible="nan")
    assert not nan_sol.feasible and np.all(np.isnan(nan_sol.v1_kms))


def test_vectorised_batch_matches_single_calls():
    rng = np.random.default_rng(3)
    r1 = rng.normal(size=(6, 3)) * 8000
    r2 = rng.normal(size=(6, 3)) * 9000
    tof = rng.uniform(2000, 30000, 6)
    batch = lambert(MU, r1, r2, tof)
    for i in range(6):
        one = lambert(MU, r1[i], r2[i], tof[i])
        np.testing.assert_allclose(batch.v1_kms[i], one.v1_kms, rtol=1e-14)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"r1_km": [7000.0, 0, 0], "r2_km": [-8000.0, 0, 0], "tof_s": 3600.0}, "collinear"),
        ({"r1_km": [7000.0, 0, 0], "r2_km": [0, 8000.0, 0], "tof_s": -5.0}, "tof_s"),
        ({"r1_km": [7000.0, 0], "r2_km": [0, 8000.0, 0], "tof_s": 5.0}, "r1_km"),
        ({"r1_km": [7000.0, 0, 0], "r2_km": [0, 8000.0, 0], "tof_s": 5.0, "revs": -1}, "revs"),
    ],
)
def test_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        lambert(MU, **kwargs)
