"""Solar panel energy and Earth contact per day."""

import numpy as np
import pytest

from lupex.constants import AU_KM, SOLAR_CONSTANT_W_M2
from lupex.report.surface import energy_summary as to_summary
from lupex.surface.energy import cos_incidence, daily_budget
from lupex.surface.site_series import site_series
from lupex.surface.tracks import body_track
from tests.surface._illum_helpers import fixed_sun_track

JD2026 = 2461041.5


def test_cos_incidence_closed_forms():
    # Vertical panel facing the Sun: cos e; horizontal panel: sin e; facing away: -cos e.
    e = np.radians(1.5)
    assert cos_incidence(e, 1.0) == pytest.approx(np.cos(e))
    assert cos_incidence(e, 1.0, tilt_rad=0.0) == pytest.approx(np.sin(e))
    assert cos_incidence(e, 1.0, normal_az_rad=1.0 + np.pi) == pytest.approx(-np.cos(e))
    assert cos_incidence(e, 1.0, normal_az_rad=1.0 + np.pi / 3) == pytest.approx(0.5 * np.cos(e))


def test_fixed_sun_gives_closed_form_daily_energy():
    # Sun held 1.2 deg high, fully visible, at exactly 1 AU for 48 hourly samples.
    n = 48
    tr = fixed_sun_track(np.radians(-1.2), 0.3, n=n, dist_km=AU_KM)
    ser = site_series([np.radians(-89.999)], [0.0], np.zeros((1, 360), np.float32), tr)
    b = daily_budget(ser, tr, efficiency=0.25)
    e = np.radians(1.2)  # elevation at (nearly) the pole
    expected = 0.25 * SOLAR_CONSTANT_W_M2 * np.cos(e) * 24.0
    np.testing.assert_allclose(b.energy_wh_m2[0], expected, rtol=1e-4)
    np.testing.assert_allclose(b.sunlit_h[0], 24.0)
    assert np.isnan(b.earth_contact_h).all()
    back = daily_budget(ser, tr, efficiency=0.25, normal_az_rad=float(ser.az_local_rad[0, 0]) + np.pi)
    assert np.all(back.energy_wh_m2 == 0)
    s = to_summary(b, ["pole"])
    assert s["pole_mean_daily_energy"]["unit"] == "Wh/m^2/d"


def test_real_month_at_a_ridge_site():
    # Flat-horizon site at 89.45 S over January 2026 (southern summer: Sun up nearly all the
    # time).  With the Sun within 2.2 deg of the horizon, cos e > 0.999 and the disk is
    # whole on most days, so such a day's energy is eta * sum_h S(d_h) to within 0.07 %, with S(d) = 1361 (AU/d)^2 near perihelion = 1361 * 1.03.
    jd = JD2026 + np.arange(0, 30 * 24) / 24.0
    sun = body_track("sun", jd)
    earth = body_track("earth", jd)
    lat, lon = [np.radians(-89.45)], [np.radians(222.7)]
    flat = np.zeros((1, 360), np.float32)
    ser = site_series(lat, lon, flat, sun)
    b = daily_budget(ser, sun, site_series(lat, lon, flat, earth), efficiency=0.3)
    s_day = 1361 * np.mean((AU_KM / sun.dist_km) ** 2)
    assert s_day == pytest.approx(1361 * 1.033, rel=0.003)
    whole = ser.fraction[0].reshape(30, 24).min(axis=1) == 1.0  # days with the whole disk up
    assert whole.sum() > 10
    # The Moon's own orbit moves it +-0.26 % along the Sun line, so S swings +-0.5 % in a month:
    # per-hour S, with cos e >= cos 1.8 deg (max elevation here 1.69 deg), bounds each whole day.
    s_hour = (1361 * (AU_KM / sun.dist_km) ** 2).reshape(30, 24).sum(axis=1)
    ratio = b.energy_wh_m2[0][whole] / (0.3 * s_hour[whole])
    assert np.all((ratio > np.cos(np.radians(1.8))) & (ratio <= 1.0))
    part = ~whole & (b.sunlit_h[0] > 0)
    assert np.all(b.energy_wh_m2[0][part] < 0.3 * s_day * b.sunlit_h[0][part] * 1.002)
    assert b.energy_wh_m2.shape == (1, 30) and np.all(b.earth_contact_h <= 24.0 + 1e-6)
    assert np.all((b.sunlit_h > 0) == (b.energy_wh_m2 > 0))


def test_energy_rejects_bad_efficiency():
    tr = fixed_sun_track(-0.02, 0.0, n=3)
    ser = site_series([-1.5], [0.0], np.zeros((1, 360), np.float32), tr)
    with pytest.raises(ValueError, match="efficiency"):
        daily_budget(ser, tr, efficiency=1.5)
