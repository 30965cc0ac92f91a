"""Slopes and roughness on the sphere."""

import numpy as np
import pytest

from lupex.constants import R_MOON_KM
from lupex.surface.dem import Dem
from lupex.surface.projection import scale_factor_xy
from lupex.surface.slope import roughness_m, slope_aspect, slope_deg


def _grid(n, pixel_km, xc, yc):
    return Dem(np.zeros((n, n)), xc - n * pixel_km / 2, yc + n * pixel_km / 2, pixel_km)


def test_bare_sphere_has_zero_slope_everywhere():
    # Heights are radial above the sphere, so h = 0 is level everywhere: not a projection
    # artefact even 150 km from the pole where k = 1.002.
    d = _grid(50, 0.5, 0.0, 150.0)
    assert np.all(slope_deg(d) == 0.0)
    assert np.all(slope_deg(d, baseline_km=5.0) == 0.0)


@pytest.mark.parametrize("yc_km", [0.5, 150.0])
@pytest.mark.parametrize("theta_deg", [2.0, 15.0, 30.0])
def test_tilted_plane_on_sphere(yc_km, theta_deg):
    # A plane tilted by theta along grid azimuth 60 deg through the centre: its height
    # above the sphere at true distance s along the tilt is h = s tan(theta) + s^2/2R
    # (the sphere falls away below the plane).  Its slope from the local horizontal is
    # theta at the centre and theta + s/R at distance s (the horizontal turns with the
    # radius).  True distances include 1/k: ignoring k would be wrong by 0.2 % at 150 km
    # from the pole (0.06 deg at 30 deg), above the tolerances below.
    n, p = 101, 0.05
    d0 = _grid(n, p, 0.0, yc_km)
    x, y = d0.xy()
    xc, yc = x[n // 2, n // 2], y[n // 2, n // 2]
    a = np.radians(60.0)
    k = scale_factor_xy(xc, yc)
    s_km = ((x - xc) * np.sin(a) + (y - yc) * np.cos(a)) / k
    h = 1000.0 * (s_km * np.tan(np.radians(theta_deg)) + s_km**2 / (2 * R_MOON_KM))
    dem = Dem(h, d0.x0_km, d0.y0_km, p)
    slope, aspect = slope_aspect(dem)
    # Central difference of a quadratic is exact; (1 + h/R) and k's variation over 2 px
    # change tan(slope) by < 1e-5 relative: tolerance 2e-3 deg.
    assert np.degrees(slope[n // 2, n // 2]) == pytest.approx(theta_deg, abs=2e-3)
    # aspect = downslope grid azimuth = 60 + 180 deg
    assert np.degrees(aspect[n // 2, n // 2]) == pytest.approx(240.0, abs=1e-6)
    # 40 px (2 km) along the tilt: theta + s/R (+0.066 deg); the (1 + h/R) factor
    # (h up to 1.2 km) lowers tan by 7e-4 relative: 0.02 deg tolerance
    j = n // 2
    i_off = n // 2 - 20  # 20 rows up = +1 km in Y
    s = s_km[i_off, j]
    expect = theta_deg + np.degrees(s / R_MOON_KM)
    assert np.degrees(slope[i_off, j]) == pytest.approx(expect, abs=0.02)


def test_baseline_plane_fit_and_roughness():
    # A plane plus a checkerboard of +-1 m: slope from the plane fit over 9 px is the
    # plane's, and roughness is the checkerboard's RMS (1 m; the 9x9 window holds 41/40
    # of the two signs, so the residual RMS is 1 - 1/81^2 ~ 1 m to 1e-4).
    n, p = 60, 0.01
    d0 = _grid(n, p, 0.0, 1.0)
    x, _ = d0.xy()
    chk = np.where((np.add.outer(np.arange(n), np.arange(n)) % 2) == 0, 1.0, -1.0)
    h = 1000.0 * (x - x.mean()) * 0.1 + chk
    dem = Dem(h, d0.x0_km, d0.y0_km, p)
    sl = slope_deg(dem, baseline_km=0.09)
    assert sl[30, 30] == pytest.approx(np.degrees(np.arctan(0.1)), abs=0.01)
    r = roughness_m(dem, 0.09)
    assert r[30, 30] == pytest.approx(1.0, abs=2e-3)
    with pytest.raises(ValueError, match="baseline_km"):
        slope_deg(dem, baseline_km=-1.0)
    with pytest.raises(ValueError, match="baseline_km"):
        roughness_m(dem, 5.0)
