"""Launch-window search: the chosen date is the table's best, a zero-day window gives the
scenario's date, and the Sun's elevation at touchdown agrees with ephemeris.sky_track."""

import datetime as dt

import numpy as np
import pytest

from lupex import ephemeris
from lupex.orbits.patched_conic import time_to_radius_s
from lupex.timeline import PARKING_COAST_S
from lupex.timescale import jd_tdb
from lupex.window import search_window

LAT, LON = [-89.53432, -85.21763], [209.94767, 36.59349]
FLAT = np.zeros((2, 360))


def _search(window_days, start=dt.datetime(2028, 9, 1, tzinfo=dt.UTC), horizon=FLAT):
    return search_window(float(jd_tdb(start)), window_days, 6.0, LAT, LON, horizon, [2.0, 2.0],
                         PARKING_COAST_S, 4.3 * 86400.0, 5.0, 20.0)


def test_the_chosen_date_is_the_best_with_the_sun_up():
    s = _search(30.0)
    assert s.launch_jd_tdb.size == 121 and s.sunlit_fraction.shape == (121, 2)
    ok = np.flatnonzero(s.feasible)
    assert ok.size and s.chosen in ok
    assert s.mean_sunlit_fraction[s.chosen] == pytest.approx(s.mean_sunlit_fraction[ok].max())
    assert np.all(s.sun_elevation_deg[s.chosen] > 0.0)


def test_a_zero_day_window_gives_the_scenario_date():
    start = dt.datetime(2028, 3, 15, 3, tzinfo=dt.UTC)
    s = _search(0.0, start)
    assert s.launch_jd_tdb.size == 1 and s.chosen == 0
    assert s.launch_jd_tdb[0] == pytest.approx(float(jd_tdb(start)), abs=1e-9)


def test_sun_elevation_at_touchdown_matches_sky_track():
    s = _search(5.0)
    for i, (la, lo) in enumerate(zip(LAT, LON)):
        tr = ephemeris.sky_track(np.radians(la), np.radians(lo), s.touchdown_jd_tdb)
        assert np.degrees(tr.sun_el_rad) == pytest.approx(s.sun_elevation_deg[:, i], abs=0.01)


def test_a_high_horizon_darkens_and_flat_sunlit_matches_elevation():
    s = _search(2.0)
    up = np.radians(30.0) * np.ones((2, 360))
    assert np.all(_search(2.0, horizon=up).sunlit_fraction == 0.0)
    assert np.all((s.sunlit_fraction >= 0.0) & (s.sunlit_fraction <= 1.0))


def test_conic_time_of_flight_is_near_the_targeted_one():
    # C3 -2 km^2/s^2 from 200 km: ~4.2 d, the targeted transfer of the baseline takes 4.32 d
    assert time_to_radius_s(6578.137, -2.0) / 86400.0 == pytest.approx(4.25, abs=0.15)
    assert time_to_radius_s(6578.137, -3.0) == np.inf or time_to_radius_s(6578.137, -3.0) > 4 * 86400


def test_a_year_long_survey_follows_the_lunar_seasons():
    """A 400-day daily survey (one vectorised call): the sunlit share at the south-polar
    sites swings with the Moon's southern summer (sub-solar latitude most negative around
    10 October 2028, issue 12) and winter (around 12 April 2028 / 2029)."""
    s = search_window(float(jd_tdb(dt.datetime(2028, 1, 1, tzinfo=dt.UTC))), 400.0, 24.0,
                      LAT, LON, FLAT, [2.0, 2.0], PARKING_COAST_S, 4.3 * 86400.0, 5.0, 100.0)
    assert s.launch_jd_tdb.size == 401
    day = s.launch_jd_tdb - s.launch_jd_tdb[0]
    summer = s.mean_sunlit_fraction[(day > 200) & (day < 260)].mean()   # Jul-Sep launches
    winter = s.mean_sunlit_fraction[(day > 10) & (day < 70)].mean()     # Jan-Mar launches
    assert summer > winter + 0.2


def test_survey_calendar_grid_and_plot():
    from lupex.report.window import _calendar_grid, plot_survey_calendar
    from lupex.timescale import utc_iso

    s = _search(40.0)
    utc = utc_iso(s.launch_jd_tdb)
    months, grid = _calendar_grid(utc, s.mean_sunlit_fraction)
    assert months == ["2028-09", "2028-10"]
    # the best of the four 6-hourly candidates of 1 September
    assert grid[0, 0] == pytest.approx(s.mean_sunlit_fraction[:4].max())
    assert np.isnan(grid[0, 30])                      # no 31 September
    fig = plot_survey_calendar(s, utc)
    assert len(fig.axes) == 2                          # calendar and colour bar
