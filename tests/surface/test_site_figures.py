"""Published-convention site figures, streamed over time: chunking changes nothing."""

import numpy as np
import pytest

from lupex.surface.lit_periods import run_statistics
from lupex.surface.site_figures import nodal_cycle_jd, site_figures
from lupex.surface.site_series import site_series
from lupex.surface.tracks import body_track

LAT = np.array([-89.5, -88.7, -85.2])
LON = np.array([210.0, 124.5, 36.6])
JD0 = 2461771.5  # 2028-01-01


def _masks(a=72):
    """A bumpy, different horizon per site (0.5-2.5 deg), so the Sun comes and goes."""
    az = 2 * np.pi * np.arange(a) / a
    return np.radians(np.stack([1.5 + np.sin(3 * az + k) for k in range(3)]))


def test_streaming_equals_one_chunk_and_the_site_series():
    jd = JD0 + np.arange(0, 60 * 24, 1.0) / 24
    hor = _masks()
    h = np.array([1600.0, 1400.0, 6700.0])
    one = site_figures(LAT, LON, hor, h, jd, chunk_samples=jd.size)
    many = site_figures(LAT, LON, hor, h, jd, chunk_samples=97)  # chunk edges inside runs
    for name in ("sun_any_visible", "sun_centre_visible", "sun_mean_disk", "earth_centre_visible",
                 "earth_mean_disk", "longest_dark_h"):
        # sums over the same samples in another order: round-off only
        np.testing.assert_allclose(getattr(many, name), getattr(one, name), rtol=1e-12, atol=1e-12)
    ref = site_series(np.radians(LAT), np.radians(LON), hor, body_track("sun", jd), h)
    w = ref.fraction.shape[1]
    # the same formulas in another evaluation order (matrix products): 1e-9 of a fraction
    np.testing.assert_allclose(one.sun_mean_disk, ref.mean_fraction, rtol=1e-9)
    np.testing.assert_allclose(one.sun_any_visible, (ref.fraction > 0).sum(axis=1) / w, rtol=1e-9)
    np.testing.assert_allclose(one.longest_dark_h, run_statistics(ref.fraction > 0, jd).longest_dark_h)
    assert one.n_samples == jd.size and one.hours == pytest.approx(jd.size)
    # conventions nest: centre visible <= any part visible; mean disk between them
    assert np.all(one.sun_centre_visible <= one.sun_any_visible)
    assert np.all(one.sun_mean_disk <= one.sun_any_visible + 1e-12)


def test_low_horizon_means_always_lit_and_a_wall_means_never():
    jd = nodal_cycle_jd(JD0, step_h=24.0, years=1.0)
    low = np.full((1, 36), np.radians(-5.0))
    f = site_figures(LAT[:1], LON[:1], low, [0.0], jd)
    assert f.sun_any_visible[0] == 1.0 and f.sun_mean_disk[0] == 1.0 and f.longest_dark_h[0] == 0.0
    wall = np.full((1, 36), np.radians(20.0))
    f = site_figures(LAT[:1], LON[:1], wall, [0.0], jd)
    assert f.sun_any_visible[0] == 0.0 and f.longest_dark_h[0] == pytest.approx(f.hours)
    assert nodal_cycle_jd(JD0).size == 163_048  # hourly over 18.6 Julian years
