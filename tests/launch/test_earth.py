"""WGS-84 geometry and J2 gravity against closed forms."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lupex.constants import GM_EARTH_WGS84_KM3S2, J2_EARTH, R_EARTH_KM
from lupex.launch.earth import WGS84_B_KM, ecef_from_geodetic, geodetic_from_rz, gravity_j2


@settings(max_examples=200, deadline=None)
@given(lat=st.floats(-89.9, 89.9), lon=st.floats(-180, 180), h=st.floats(-1.0, 2000.0))
def test_geodetic_round_trip(lat, lon, h):
    r = ecef_from_geodetic(np.radians(lat), np.radians(lon), h)
    lat2, h2 = geodetic_from_rz(np.hypot(r[0], r[1]), r[2])
    # Bowring with one refinement: < 1 mm and < 1e-9 rad below 2000 km
    assert np.degrees(lat2) == pytest.approx(lat, abs=1e-7)
    assert h2 == pytest.approx(h, abs=1e-6)


def test_poles_and_equator_radii():
    assert ecef_from_geodetic(0.0, 0.0, 0.0)[0] == pytest.approx(R_EARTH_KM)
    assert ecef_from_geodetic(np.pi / 2, 0.0, 0.0)[2] == pytest.approx(WGS84_B_KM)


def test_j2_gravity_closed_form():
    r = 7000.0
    g_eq = gravity_j2([r, 0.0, 0.0])
    g_pole = gravity_j2([0.0, 0.0, r])
    k = 1.5 * J2_EARTH * (R_EARTH_KM / r) ** 2
    # equator: mu/r^2 (1 + 3/2 J2 (R/r)^2); pole: mu/r^2 (1 - 3 J2 (R/r)^2)  (Vallado eq. 8-30)
    assert -g_eq[0] == pytest.approx(GM_EARTH_WGS84_KM3S2 / r**2 * (1 + k), rel=1e-14)
    assert -g_pole[2] == pytest.approx(GM_EARTH_WGS84_KM3S2 / r**2 * (1 - 2 * k), rel=1e-14)


def test_gravity_is_vectorised():
    r = np.array([[7000.0, 0.0, 0.0], [0.0, 7000.0, 1.0]])     # (n, 3)
    g = gravity_j2(r)
    assert g.shape == (2, 3)
    np.testing.assert_allclose(g[0], gravity_j2(r[0]))
