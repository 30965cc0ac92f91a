"""Local offsets to latitude and longitude against their closed forms on the sphere."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lupex.geometry import offset_latlon_deg

R_KM = 1739.2


@given(st.floats(-89.9, 89.9), st.floats(0.0, 360.0), st.floats(-5e4, 5e4))
def test_a_north_offset_turns_the_latitude_by_atan_d_over_r(lat, lon, d_m):
    """Along the meridian the point rises by atan(d / R) in latitude (the offset lies in the
    local horizontal plane); 1e-9 deg covers the round-off of the vector path."""
    la, lo = offset_latlon_deg(lat, lon, 0.0, d_m, R_KM)
    expected = lat + np.degrees(np.arctan(d_m * 1e-3 / R_KM))
    assert la == pytest.approx(expected, abs=1e-9)
    if abs(expected) < 89.9:
        assert (lo - lon + 180.0) % 360.0 - 180.0 == pytest.approx(0.0, abs=1e-7)


def test_an_east_offset_keeps_the_distance_on_the_sphere():
    """100 m east of a point near the pole: the central angle is atan(0.1 km / R)."""
    lat, lon = offset_latlon_deg(-88.7, 291.7, 100.0, 0.0, R_KM)
    a = np.radians([-88.7, lat]), np.radians([291.7, lon])
    u = np.stack([np.cos(a[0]) * np.cos(a[1]), np.cos(a[0]) * np.sin(a[1]), np.sin(a[0])], axis=-1)
    ang = np.arctan2(np.linalg.norm(np.cross(u[0], u[1])), u[0] @ u[1])
    assert ang == pytest.approx(np.arctan(0.1 / R_KM), rel=1e-9)
