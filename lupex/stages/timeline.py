"""Stage 'timeline': the mission's events (lift-off, TLI, LOI, touchdown, surface mission)
in UTC and TDB, built once from the solved transfer; later stages read their window here."""

from __future__ import annotations

from collections.abc import Mapping

from ..report.timeline import figures, report, summary
from ..scenario import Scenario
from ..timeline import Timeline, mission_timeline
from .base import Progress, Stage


def run(scenario: Scenario, inputs: Mapping, progress: Progress) -> Timeline:
    """The mission timeline from the solved transfer and the scenario's allowances.

    Parameters
    ----------
    scenario : lupex.scenario.Scenario
        The validated scenario.
    inputs : mapping
        The transfer stage's result (``inputs["transfer"]``: TLI epoch and time of flight).
    progress : callable
        Progress callback ``(done, total)``.
    """
    tr = inputs["transfer"]
    progress(0, 1)
    tl = mission_timeline(tr.epoch_tli_jd_tdb, tr.tof_s, scenario.lunar_orbit.days_to_touchdown,
                          scenario.surface.duration_days, touchdown_utc=scenario.surface.start)
    progress(1, 1)
    return tl


STAGE = Stage("timeline", "Mission timeline", ("transfer",), run, summary, report, figures)
