"""Stage 'timeline': the mission's events (lift-off, TLI, LOI, each lunar-orbit burn, DOI,
PDI, touchdown, surface mission) in UTC and TDB, built once from the solved transfer, the
flown lunar-orbit phase and the flown descent; later stages read their window here."""

from __future__ import annotations

from collections.abc import Mapping

from ..report.timeline import figures, report, summary
from ..scenario import Scenario
from ..timeline import Timeline, mission_timeline
from .base import Progress, Stage


def run(scenario: Scenario, inputs: Mapping, progress: Progress) -> Timeline:
    """The mission timeline; the surface mission starts at the flown touchdown.

    Parameters
    ----------
    scenario : lupex.scenario.Scenario
        The validated scenario.
    inputs : mapping
        ``inputs["transfer"]`` (TLI epoch and time of flight), ``inputs["lunar_orbit"]`` (its
        burns and events) and ``inputs["landing"]`` (the touchdown epoch).
    progress : callable
        Progress callback ``(done, total)``.
    """
    tr, lo, ld = inputs["transfer"], inputs["lunar_orbit"], inputs["landing"]
    progress(0, 1)
    events = [(name, jd) for name, jd in lo.phase.events]
    events += [(f"{b.name.lower().replace(' ', '_')}_end", b.end_jd_tdb) for b in lo.phase.burns]
    tl = mission_timeline(tr.epoch_tli_jd_tdb, tr.tof_s, scenario.lunar_orbit.days_to_touchdown,
                          scenario.surface.duration_days, coast_s=tr.coast_s, orbit_events=events,
                          touchdown_jd_tdb=ld.touchdown_jd_tdb)
    progress(1, 1)
    return tl


STAGE = Stage("timeline", "Mission timeline", ("transfer", "lunar_orbit", "landing"), run, summary, report,
              figures)
