"""PSR and long-period mean illumination: distribution method against time stepping."""

import numpy as np
import pytest

from lupex.constants import R_MOON_KM
from lupex.report.surface import psr_summary as to_summary
from lupex.surface.psr import max_subsolar_latitude, pixel_area_km2, psr_map
from lupex.surface.site_series import visible_fraction
from lupex.surface.tracks import body_track
from tests.surface._illum_helpers import pit

JD2020 = 2458849.5  # 2020-01-01 TDB


@pytest.fixture(scope="module")
def shallow_pit():
    # Depth 20 m, radius 400 m: the floor centre sees the rim at 2.9 deg (above the Sun's
    # ~1.59 + 0.27 deg) but points near the wall look across 800 m at 1.4 deg: a partial PSR.
    return pit(n=40, pixel_km=0.025, radius_km=0.4, depth_km=0.02)


def test_distribution_method_matches_time_stepping(shallow_pit):
    dem, hor, floor = shallow_pit
    step_h, years = 3.0, 1.0
    res = psr_map(dem, hor, JD2020, years=years, step_h=step_h, workers=1)
    # Slow reference: exact geometry for every pixel at every step.
    jd = JD2020 + np.arange(0.0, years * 365.25 * 24, step_h) / 24.0
    tr = body_track("sun", jd)
    lat, lon = dem.latlon()
    frac = visible_fraction(lat.ravel(), lon.ravel(), hor.reshape(-1, 360), tr)
    ref_mean = (frac @ tr.weight_h / tr.weight_h.sum()).reshape(dem.shape)
    ref_never = (frac.max(axis=1) == 0).reshape(dem.shape)
    diff = np.abs(res.mean_fraction - ref_mean)
    # Measured max 1.1e-4 (binning in azimuth and latitude, e linear across the disk).
    assert diff.max() < 1e-3
    # Conservative PSR: never flags a pixel the reference saw lit, and misses few.
    assert not np.any(res.psr & ~ref_never)
    assert res.psr.sum() >= 0.9 * ref_never.sum() and ref_never[floor].any() and not ref_never.all()


def test_full_cycle_psr_of_the_pit(shallow_pit):
    dem, hor, floor = shallow_pit
    res = psr_map(dem, hor, JD2020, step_h=6.0, workers=1)  # 18.6 years
    c = dem.shape[0] // 2
    assert res.psr[c, c] and not res.psr[0, 0]  # floor centre dark, plain outside lit
    assert np.all(res.mean_fraction[res.psr] == 0)
    # The flat plain around the pole is lit about half the time (Sun above 0 +- its radius).
    assert res.mean_fraction[~floor].mean() == pytest.approx(0.5, abs=0.1)
    # PSR area in closed form: the floor points whose farthest wall (s = a + r) is seen above
    # the Sun's highest top edge, e_max = 1.59 + 0.27 deg: r < D/tan(e_max) - a (flat, point
    # geometry).  Taking the largest latitude and the largest disk radius together slightly
    # overstates e_max (they do not coincide), and counting 25 m pixels on a ~0.2 km disk adds
    # a few per cent: measured 0.158 km^2 against 0.145 km^2 (+9 %).
    r_psr = 0.02 / np.tan(np.radians(1.59 + 0.272)) - 0.4
    assert res.psr_area_km2 == pytest.approx(np.pi * r_psr**2, rel=0.2)
    s = to_summary(res)
    assert s["psr_area"]["unit"] == "km^2" and s["psr_area"]["value"] == pytest.approx(res.psr_area_km2)
    assert 1.5 < s["max_subsolar_latitude"]["value"] < 1.6


def test_subsolar_latitude_within_1p6_deg_2020_2039():
    # Cassini: lunar equator 1.543 deg from the ecliptic; physical libration and the Sun's
    # parallax from the Moon's orbit add a few hundredths (DE421 gives 1.589 deg).
    lat = np.degrees(max_subsolar_latitude(JD2020, years=20.0, step_h=12.0))
    assert 1.54 <= lat <= 1.6


def test_pixel_area_uses_true_scale():
    dem, _, _ = pit(n=4, pixel_km=0.1, centre_xy_km=(0.0, 2 * R_MOON_KM * np.tan(np.radians(2.5))))
    area = pixel_area_km2(dem)
    # At 85 S the stereographic scale is k = 2/(1 + sin 85) = 1.0019 (Snyder eq. 21-4)
    k = 2 / (1 + np.sin(np.radians(85.0)))
    assert area.mean() == pytest.approx(0.01 / k**2, rel=1e-4)


def test_psr_map_rejects_bad_shapes(shallow_pit):
    dem, hor, _ = shallow_pit
    with pytest.raises(ValueError, match="horizon_rad"):
        psr_map(dem, hor[:-1], JD2020)
    with pytest.raises(ValueError, match="years"):
        psr_map(dem, hor, JD2020, years=-1)
