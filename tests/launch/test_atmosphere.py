"""1976 US Standard Atmosphere as used by the ascent.

References: U.S. Standard Atmosphere 1976 (NOAA-S/T 76-1562), Table I
(geometric altitude); the ``ambiance`` package reproduces it to its printed
digits below 81 km.
"""
import numpy as np
import pytest
from ambiance import Atmosphere

from lupex.launch.atmosphere import atmosphere_scalar, standard_atmosphere


@pytest.mark.parametrize("alt_km, rho, p, a", [
    (0.0, 1.2250, 101325.0, 340.294),      # US76 Table I, sea level
    (11.0, 0.36480, 22700.0, 295.154),     # tropopause region
    (20.0, 8.8910e-2, 5529.3, 295.069),
    (50.0, 1.0269e-3, 79.779, 329.799),
])
def test_matches_us76_table(alt_km, rho, p, a):
    r, pp, aa = standard_atmosphere(alt_km)
    # 4-5 printed digits in the table, 20 m linear interpolation (<1e-5): 5e-4 relative
    assert r == pytest.approx(rho, rel=5e-4)
    assert pp == pytest.approx(p, rel=5e-4)
    assert aa == pytest.approx(a, rel=5e-4)


def test_agrees_with_ambiance_between_grid_points():
    h = np.linspace(0.0, 80.9, 997)            # deliberately off the 20 m grid
    amb = Atmosphere(h * 1000.0)
    rho, p, a = standard_atmosphere(h)
    # linear interpolation over 20 m of an exponential with scale height >= 6 km is
    # < 2e-5; cells straddling a layer boundary (lapse-rate kink) reach ~3e-5
    np.testing.assert_allclose(rho, amb.density, rtol=5e-5)
    np.testing.assert_allclose(p, amb.pressure, rtol=5e-5)
    np.testing.assert_allclose(a, amb.speed_of_sound, rtol=2e-5)   # sqrt(T): half the T kink


@pytest.mark.parametrize("alt_km, rho", [(100.0, 5.604e-7), (150.0, 2.076e-9),
                                         (500.0, 5.215e-13)])
def test_upper_band_reproduces_us76(alt_km, rho):
    assert standard_atmosphere(alt_km)[0] == pytest.approx(rho, rel=1e-3)


def test_density_continuous_and_decreasing_across_81km():
    h = np.linspace(60.0, 400.0, 3401)
    rho = standard_atmosphere(h)[0]
    assert np.all(np.diff(rho) < 0)
    i = np.searchsorted(h, 81.0)
    # no jump at the ambiance/table join: neighbours within the local 0.1 km decay
    assert rho[i] / rho[i + 1] < 1.05


def test_scalar_path_equals_vector_path():
    for h in [0.0, 5.4321, 80.999, 81.02, 95.0, 333.0, 1200.0]:
        np.testing.assert_allclose(atmosphere_scalar(h), [float(x) for x in
                                                          standard_atmosphere(h)], rtol=1e-12)


@pytest.mark.parametrize("bad", [-2.0, np.nan, np.inf])
def test_bad_altitude_raises(bad):
    with pytest.raises(ValueError, match="alt_km"):
        standard_atmosphere([0.0, bad])
