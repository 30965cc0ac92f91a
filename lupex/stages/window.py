"""Stage 'window': the launch-window search over ``launch.window_days``: each candidate date's
estimated touchdown, the Sun's elevation at the sites then, and the sunlit share of the
following surface mission against each site's own terrain horizon; the best date is the one
the transfer flies."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..constants import R_EARTH_KM
from ..orbits.patched_conic import time_to_radius_s
from ..report.window import figures, report, summary
from ..scenario import Scenario
from ..timeline import PARKING_COAST_S
from ..timescale import jd_tdb, utc_iso
from ..window import WindowSearch, search_window
from .base import Progress, Stage


@dataclass(frozen=True, eq=False)
class WindowResult:
    """The window table, and the survey's when ``launch.survey_days`` > 0.

    Attributes
    ----------
    search : lupex.window.WindowSearch
    site_names : tuple of str
    launch_utc, touchdown_utc : tuple of str
        The candidates' lift-off and estimated touchdown, UTC ISO.
    survey : lupex.window.WindowSearch or None
        The same scoring over ``launch.survey_days`` (reported, not flown).
    survey_launch_utc : tuple of str
        The survey's candidate lift-offs, UTC ISO.
    """

    search: WindowSearch
    site_names: tuple[str, ...]
    launch_utc: tuple[str, ...]
    touchdown_utc: tuple[str, ...]
    survey: WindowSearch | None = None
    survey_launch_utc: tuple[str, ...] = ()

    @property
    def chosen_launch_jd_tdb(self) -> float:
        """The chosen lift-off, TDB Julian date."""
        return float(self.search.launch_jd_tdb[self.search.chosen])


def run(scenario: Scenario, inputs: Mapping, progress: Progress) -> WindowResult:
    """Score every candidate launch date of the window and choose the best.

    Parameters
    ----------
    scenario : lupex.scenario.Scenario
        The validated scenario.
    inputs : mapping
        The terrain stage's result (``inputs["terrain"]``: each site's own horizon).
    progress : callable
        Progress callback ``(done, total)``.
    """
    ter = inputs["terrain"]
    progress(0, 1)
    tof_s = time_to_radius_s(R_EARTH_KM + scenario.transfer.parking_altitude_km,
                             scenario.transfer.c3_km2s2)
    def scan(days, step_hours):
        return search_window(float(jd_tdb(scenario.launch.date)), days, step_hours,
                             [s[1] for s in ter.sites], [s[2] for s in ter.sites],
                             [h.horizon_rad for h in ter.site_horizons],
                             [h.height_m + h.observer_height_m for h in ter.site_horizons],
                             PARKING_COAST_S, tof_s, scenario.lunar_orbit.days_to_touchdown,
                             scenario.surface.duration_days,
                             sample_hours=scenario.surface.time_step_hours)

    res = scan(scenario.launch.window_days, scenario.launch.window_step_hours)
    survey = None
    if scenario.launch.survey_days > 0:
        survey = scan(scenario.launch.survey_days, scenario.launch.survey_step_hours)
    progress(1, 1)
    return WindowResult(res, tuple(s[0] for s in ter.sites), tuple(utc_iso(res.launch_jd_tdb)),
                        tuple(utc_iso(res.touchdown_jd_tdb)), survey,
                        tuple(utc_iso(survey.launch_jd_tdb)) if survey is not None else ())


STAGE = Stage("window", "Launch window", ("terrain",), run, summary, report, figures)
