"""The built-in synthetic south pole."""

import numpy as np
import pytest

from lupex.surface.dem import sample_bilinear
from lupex.surface.projection import latlon_to_xy
from lupex.surface.synthetic import crater_profile, crater_shape, synthetic_south_pole


def test_pike_relations():
    # Pike (1977): simple d = 0.196 D^1.01, h = 0.036 D^1.014; complex d = 1.044 D^0.301,
    # h = 0.236 D^0.399 (km).  Shackleton (D = 21 km) is simple: d = 4.3 km, close to the
    # ~4.2 km LOLA depth (Zuber et al. 2012, Nature 486, 378).
    d, h = crater_shape(21.0)
    assert d == pytest.approx(0.196 * 21**1.01) and 4.0 < d < 4.5
    assert h == pytest.approx(0.036 * 21**1.014)
    d, h = crater_shape(50.0)
    assert d == pytest.approx(1.044 * 50**0.301) and h == pytest.approx(0.236 * 50**0.399)
    # profile: floor at h - d, rim at h, continuous at the rim, ejecta decays as r^-3
    for dd in (5.0, 50.0):
        depth, rim = crater_shape(dd)
        assert crater_profile(0.0, dd) == pytest.approx(rim - depth)
        assert crater_profile(1.0, dd) == pytest.approx(rim)
        assert crater_profile(2.0, dd) == pytest.approx(rim / 8)


def test_deterministic_and_marked_synthetic():
    a = synthetic_south_pole(5.0, 0.05, seed=3)
    b = synthetic_south_pole(5.0, 0.05, seed=3)
    c = synthetic_south_pole(5.0, 0.05, seed=4)
    np.testing.assert_array_equal(a.height_m, b.height_m)
    assert not np.array_equal(a.height_m, c.height_m)
    assert a.synthetic and "SYNTHETIC" in a.note and a.shape == (200, 200)


def test_shackleton_at_its_published_place():
    # Shackleton at 89.67 S, 129.78 E (IAU), D = 21 km: the floor (centre) is about
    # d - h = 3.7 km below the rim crest, which lies 10.5 km from the centre.
    dem = synthetic_south_pole(30.0, 0.2, seed=1)
    x, y = latlon_to_xy(np.radians(-89.67), np.radians(129.78))
    floor = sample_bilinear(dem, x, y)
    ang = np.linspace(0, 2 * np.pi, 36, endpoint=False)
    rim = sample_bilinear(dem, x + 10.5 * np.sin(ang), y + 10.5 * np.cos(ang))
    depth, _ = crater_shape(21.0)
    # other craters and roughness perturb the rim: mean over 36 points within 400 m
    assert np.mean(rim) - floor == pytest.approx(depth * 1000, abs=400)
    # the floor is the deepest place within 8 km of the centre (bowl)
    xs, ys = dem.xy()
    near = np.hypot(xs - x, ys - y) < 8
    assert dem.height_m[near].min() > floor - 300


def test_small_crater_population_and_roughness():
    # Rough check of the N(>D) ~ D^-2 population and the fractal roughness: at 20 m
    # pixels a 10 km square has 1-px slopes of order 5-15 deg RMS, no NaN, and relief
    # of hundreds of metres (craters up to 8 km).
    from lupex.surface.slope import slope_deg

    dem = synthetic_south_pole(5.0, 0.02, seed=0, center_lat_deg=-85.0, center_lon_deg=45.0)
    s = slope_deg(dem)
    assert np.isfinite(dem.height_m).all()
    assert 3.0 < np.sqrt(np.mean(s**2)) < 25.0
    assert np.ptp(dem.height_m) > 100.0


def test_bad_arguments():
    with pytest.raises(ValueError, match="pixel_km"):
        synthetic_south_pole(10.0, 0.01)
    with pytest.raises(ValueError, match="half_width_km"):
        synthetic_south_pole(1000.0, 0.1)
    with pytest.raises(ValueError, match="center_lat_deg"):
        synthetic_south_pole(10.0, 0.1, center_lat_deg=-70.0)
    with pytest.raises(ValueError, match="seed"):
        synthetic_south_pole(10.0, 0.1, seed=-1)
