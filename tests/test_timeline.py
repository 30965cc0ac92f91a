"""The mission timeline: arrival = TLI + the solved time of flight, touchdown = surface start,
and the surface grid every later stage reads starts and ends on the timeline's events."""

import datetime as dt

import pytest

from lupex.timeline import PARKING_COAST_S, mission_timeline
from lupex.timescale import jd_tdb


def test_events_follow_the_solved_transfer():
    tli = float(jd_tdb(dt.datetime(2028, 9, 20, 3, 30, tzinfo=dt.UTC)))
    tl = mission_timeline(tli, tof_s=4.3236 * 86400.0, lunar_orbit_days=5.0, surface_days=100.0)
    ev = {e.name: e.jd_tdb for e in tl.events}
    assert [e.name for e in tl.events] == ["lift_off", "tli", "loi", "touchdown", "surface_start",
                                           "surface_end"]
    assert ev["tli"] - ev["lift_off"] == pytest.approx(PARKING_COAST_S / 86400.0)
    assert ev["loi"] - ev["tli"] == pytest.approx(4.3236, abs=1e-8)  # float64 JD: ~40 us
    assert ev["touchdown"] == ev["loi"] + 5.0 and ev["surface_start"] == ev["touchdown"]
    assert tl.surface_days == pytest.approx(100.0)
    assert tl.event("lift_off").utc.startswith("2028-09-20T03:00:00")
    _, jd = tl.surface_grid(1.0)
    assert jd[0] == pytest.approx(ev["surface_start"], abs=1e-8)
    # the grid steps in UTC hours, the timeline adds TDB days: ~2 ms apart after 100 d
    assert jd[-1] == pytest.approx(ev["surface_end"], abs=1e-7) and jd.size == 2401


def test_a_given_touchdown_is_kept_but_not_before_arrival():
    tli = float(jd_tdb(dt.datetime(2028, 9, 20, tzinfo=dt.UTC)))
    td = dt.datetime(2028, 10, 1, tzinfo=dt.UTC)
    tl = mission_timeline(tli, 4.3 * 86400.0, 5.0, 10.0, touchdown_utc=td)
    assert tl.event("touchdown").jd_tdb == pytest.approx(float(jd_tdb(td)))
    with pytest.raises(ValueError, match="precedes the arrival"):
        mission_timeline(tli, 4.3 * 86400.0, 5.0, 10.0,
                         touchdown_utc=dt.datetime(2028, 9, 22, tzinfo=dt.UTC))


def test_flown_lunar_orbit_events_and_touchdown_replace_the_allowance():
    tli = float(jd_tdb(dt.datetime(2028, 9, 12, 15, 30, tzinfo=dt.UTC)))
    loi = tli + 4.36
    events = [("pdi", loi + 11.86), ("doi", loi + 11.82), ("loi_end", loi + 0.004), ("loi", loi)]
    tl = mission_timeline(tli, 4.36 * 86400.0, 5.0, 100.0, orbit_events=events, touchdown_jd_tdb=loi + 11.87)
    assert [e.name for e in tl.events] == ["lift_off", "tli", "loi", "loi_end", "doi", "pdi", "touchdown",
                                           "surface_start", "surface_end"]
    assert tl.event("touchdown").jd_tdb == tl.event("surface_start").jd_tdb == pytest.approx(loi + 11.87)
    assert tl.surface_days == pytest.approx(100.0)
    with pytest.raises(ValueError, match="outside LOI"):
        mission_timeline(tli, 4.36 * 86400.0, 5.0, 100.0, orbit_events=[("doi", loi + 20.0)],
                         touchdown_jd_tdb=loi + 11.87)
    with pytest.raises(ValueError, match="precedes the arrival"):
        mission_timeline(tli, 4.36 * 86400.0, 5.0, 100.0, touchdown_jd_tdb=loi - 1.0)
