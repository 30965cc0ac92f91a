"""Earth visibility: libration range, parallax, contact windows and the sun/earth overlap."""

import numpy as np
import pytest

from lupex.surface.tracks import body_track
from lupex.surface.visibility import (
    comm_windows,
    earth_visibility_map,
    earth_visibility_series,
    overlap_fraction,
    subearth_libration,
)

JD2020 = 2458849.5


def test_subearth_libration_within_8_deg():
    # Optical libration: 6.8 deg in latitude (the 6.68 deg tilt of the lunar equator to the
    # orbit) and ~7.9 deg in longitude (eccentricity 0.055: 2e rad = 6.3 deg, up to ~8 deg
    # with the evection; Meeus 1998, ch. 53), 2020-2039 every 6 h.  DE421 gives 6.86 deg and
    # 8.08 deg: the longitude exceeds a flat 8 deg bound by 0.08 deg at the extreme
    # perigees, so the longitude bound here is 8.2 deg.
    lat, lon = subearth_libration(JD2020 + np.arange(0, 20 * 365.25, 0.25))
    lat, lon = np.degrees(lat), np.degrees(lon)
    assert np.abs(lat).max() < 7.0 and np.abs(lon).max() < 8.2
    assert np.abs(lat).max() > 6.6 and np.abs(lon).max() > 7.5  # the swing is really there
    assert abs(np.mean(lon)) < 0.1 and abs(np.mean(lat)) < 0.2  # ME: mean Earth at (0, 0)


def test_earth_angular_radius_and_parallax():
    tr = body_track("earth", JD2020 + np.arange(0, 28, 0.5))
    # asin(6378.137 / 356,400..406,700 km) = 0.90..1.03 deg; parallax asin(1737.4/d) ~ 0.26 deg
    assert 0.89 < np.degrees(tr.radius_rad).min() and np.degrees(tr.radius_rad).max() < 1.04
    assert 0.24 < np.degrees(tr.parallax_rad).min() and np.degrees(tr.parallax_rad).max() < 0.29


def test_near_side_limit_site_sees_earth_half_the_time():
    # On a flat horizon at the south pole the Earth's topocentric elevation is about
    # -lat_E - parallax, and lat_E swings +-6.7 deg about ~0 over a draconic month: the centre
    # is up about half the time less the parallax share (0.26 / 6.7 * 2/pi ~ 2.5 %).
    jd = JD2020 + np.arange(0, 27.2 * 4, 1 / 4)
    ser = earth_visibility_series([np.radians(-89.99)], [0.0], np.zeros((1, 360), np.float32), jd)
    win = comm_windows(jd, ser.fraction[0])
    assert win.visible_fraction_of_time == pytest.approx(0.47, abs=0.05)
    assert 3 <= win.start_jd.size <= 6  # one window per ~27-day month
    assert np.all(win.duration_h > 200)


def test_comm_windows_simple_series():
    jd = JD2020 + np.arange(10) / 24
    f = np.array([0, 0.6, 0.7, 0.2, 0, 1, 1, 1, 0.5, 0])
    win = comm_windows(jd, f)
    np.testing.assert_allclose(win.duration_h, [2.0, 4.0])
    assert win.start_jd[1] == pytest.approx(jd[5]) and win.end_jd[1] == pytest.approx(jd[9])
    assert win.visible_fraction_of_time == pytest.approx(0.6)
    with pytest.raises(ValueError, match="earth_fraction"):
        comm_windows(jd, f[:-1])
    with pytest.raises(ValueError, match="min_fraction"):
        comm_windows(jd, f, min_fraction=0)


def test_overlap_counts_only_joint_samples():
    jd = JD2020 + np.arange(4) / 24
    sun = np.array([[0.1, 0.0, 1.0, 1.0]])
    earth = np.array([[1.0, 1.0, 0.4, 0.9]])
    assert overlap_fraction(jd, sun, earth)[0] == pytest.approx(0.5)


def test_earth_map_matches_site_series():
    rng = np.random.default_rng(3)
    lat = np.radians(-89.3 - 0.6 * rng.random(64))
    lon = rng.random(64) * 2 * np.pi
    hor = (np.radians(3.0) * rng.random((64, 1)) * np.ones((1, 360))).astype(np.float32)
    jd = JD2020 + np.arange(0, 60, 0.25)
    m = earth_visibility_map(lat, lon, hor, jd, workers=1)
    ser = earth_visibility_series(lat, lon, hor, jd)
    # Same bounds as the sun map test (azimuth binning is moot for flat-topped masks here,
    # leaving the +-6.7 deg latitude linearisation): measured < 1e-3.
    assert np.max(np.abs(m.mean_fraction - ser.mean_fraction)) < 3e-3
