"""Tests of the south polar stereographic projection and the azimuth conventions."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lupex.constants import R_MOON_KM
from lupex.geometry import enu_basis
from lupex.surface.dem import Dem
from lupex.surface.projection import (
    grid_to_local_azimuth,
    latlon_to_xy,
    local_to_grid_azimuth,
    scale_factor,
    scale_factor_xy,
    xy_to_latlon,
)


def test_pole_is_origin():
    x, y = latlon_to_xy(-np.pi / 2, 1.234)
    assert abs(x) < 1e-9 and abs(y) < 1e-9


def test_axes_orientation():
    # lon 0 along +Y, lon 90E along +X (LOLA polar label convention)
    lat = np.radians(-85.0)
    x, y = latlon_to_xy(lat, 0.0)
    assert abs(x) < 1e-9 and y > 0
    x, y = latlon_to_xy(lat, np.pi / 2)
    assert x > 0 and abs(y) < 1e-9
    # rho = 2R tan(5deg/2) exactly
    assert np.hypot(x, y) == pytest.approx(2 * R_MOON_KM * np.tan(np.radians(2.5)), rel=1e-14)


@settings(max_examples=200, deadline=None)
@given(st.floats(-89.999, -0.01), st.floats(-179.9, 179.9))
def test_roundtrip(lat_deg, lon_deg):
    lat, lon = np.radians(lat_deg), np.radians(lon_deg)
    la, lo = xy_to_latlon(*latlon_to_xy(lat, lon))
    assert la == pytest.approx(lat, abs=1e-12)
    assert np.angle(np.exp(1j * (lo - lon))) == pytest.approx(0.0, abs=1e-10)


def test_scale_factor_matches_numerical_derivative():
    # k = d(rho)/(R d colat): independent finite-difference check of 2/(1 - sin lat)
    lat = np.radians(np.array([-89.9, -88.0, -85.0, -75.0, -45.0]))
    h = 1e-7
    x1, y1 = latlon_to_xy(lat - h, 0.0)
    x2, y2 = latlon_to_xy(lat + h, 0.0)
    k_num = (np.hypot(x2, y2) - np.hypot(x1, y1)) / (R_MOON_KM * 2 * h)
    np.testing.assert_allclose(scale_factor(lat), k_num, rtol=1e-8)
    x, y = latlon_to_xy(lat, 0.3)
    np.testing.assert_allclose(scale_factor_xy(x, y), scale_factor(lat), rtol=1e-12)
    assert scale_factor(-np.pi / 2) == 1.0


def test_bad_latitude():
    with pytest.raises(ValueError, match="lat_rad"):
        latlon_to_xy(0.1, 0.0)
    with pytest.raises(ValueError, match="lat_rad"):
        scale_factor(np.nan)


@pytest.mark.parametrize("lon_deg", [0.0, 37.0, 90.0, 180.0, 209.94767, -120.0])
def test_azimuth_conventions_explicit_points(lon_deg):
    lon = np.radians(lon_deg)
    lat = np.radians(-88.0)
    x, y = latlon_to_xy(lat, lon)
    # direction to the pole is local SOUTH (A = pi) everywhere
    alpha_pole = np.arctan2(-x, -y) % (2 * np.pi)
    assert grid_to_local_azimuth(alpha_pole, lon) == pytest.approx(np.pi, abs=1e-12)
    # local north = away from the pole
    a_n = local_to_grid_azimuth(0.0, lon)
    assert np.sin(a_n) == pytest.approx(x / np.hypot(x, y), abs=1e-12)
    assert np.cos(a_n) == pytest.approx(y / np.hypot(x, y), abs=1e-12)
    # local east (increasing longitude) is grid direction (cos lon, -sin lon)
    a_e = local_to_grid_azimuth(np.pi / 2, lon)
    x2, y2 = latlon_to_xy(lat, lon + 1e-6)
    d = np.array([x2 - x, y2 - y]) / np.hypot(x2 - x, y2 - y)
    np.testing.assert_allclose([np.sin(a_e), np.cos(a_e)], d, atol=1e-6)
    np.testing.assert_allclose(d, [np.cos(lon), -np.sin(lon)], atol=1e-6)


def test_enu_basis_against_projection():
    # A point displaced along the 3-D 'east' vector maps to the grid azimuth A + lon = pi/2 + lon
    lat, lon = np.radians(-86.0), np.radians(130.0)
    east, north, up = enu_basis(lat, lon)
    p = R_MOON_KM * up
    for vec, a_loc in ((east, np.pi / 2), (north, 0.0), (-east, 1.5 * np.pi)):
        q = p + 1e-4 * vec
        la = np.arcsin(q[2] / np.linalg.norm(q))
        lo = np.arctan2(q[1], q[0])
        x0, y0 = latlon_to_xy(lat, lon)
        x1, y1 = latlon_to_xy(la, lo)
        alpha = np.arctan2(x1 - x0, y1 - y0) % (2 * np.pi)
        assert np.angle(np.exp(1j * (alpha - local_to_grid_azimuth(a_loc, lon)))) == pytest.approx(
            0.0, abs=1e-6
        )


def test_dem_pixel_centres_and_validation():
    d = Dem(np.zeros((2, 3)), x0_km=-1.0, y0_km=2.0, pixel_km=0.5)
    np.testing.assert_allclose(d.x_km(), [-0.75, -0.25, 0.25])
    np.testing.assert_allclose(d.y_km(), [1.75, 1.25])
    assert d.extent_km() == (-1.0, 0.5, 1.0, 2.0)
    r, c = d.xy_to_index(0.25, 1.25)
    assert (r, c) == (1.0, 2.0)
    with pytest.raises(ValueError, match="height_m"):
        Dem(np.zeros(4), 0, 0, 1)
    with pytest.raises(ValueError, match="NaN"):
        Dem(np.array([[np.nan]]), 0, 0, 1)
    with pytest.raises(ValueError, match="pixel_km"):
        Dem(np.zeros((2, 2)), 0, 0, -1)
    with pytest.raises(ValueError):
        d.height_m[0, 0] = 5.0
