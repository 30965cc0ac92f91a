"""The run as an ordered list of stages, each declaring the earlier results it needs.

A stage (:class:`lupex.stages.base.Stage`) is a name, the names of the stages whose
results it needs, and four plain functions (run, summary, report, figures). The pipeline
orders the stages so that every stage runs after those it needs, hands each one exactly
those results, and refuses a run whose selection leaves a needed stage out: no stage ever
substitutes a simpler input for a missing one.

Stages know nothing of files or the terminal; ``lupex.results`` writes the folder and
``lupex.cli`` talks to the user. A new stage is a new module in ``lupex/stages`` and one
line in :func:`stages`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .scenario import Scenario
from .stages.base import Progress, Stage, no_progress


class PipelineError(ValueError):
    """The stage selection cannot run: an unknown stage, or a needed one left out."""


def stages() -> list[Stage]:
    """Every stage, in the order a full run executes them (needs before needers)."""
    from .stages import (
        dispersions,
        landing,
        launch,
        ledger,
        lunar_orbit,
        sites,
        sky,
        surface,
        terrain,
        timeline,
        transfer,
        window,
    )

    return order([terrain.STAGE, window.STAGE, transfer.STAGE, sites.STAGE, lunar_orbit.STAGE, landing.STAGE,
                  timeline.STAGE, sky.STAGE, launch.STAGE, ledger.STAGE, surface.STAGE,
                  dispersions.STAGE])


def order(candidates: list[Stage]) -> list[Stage]:
    """``candidates`` sorted so each stage follows the stages it needs (stable otherwise).

    Raises
    ------
    PipelineError
        If a stage needs one that is not among ``candidates``, or the needs form a cycle.
    """
    names = {s.name for s in candidates}
    for s in candidates:
        missing = [n for n in s.needs if n not in names]
        if missing:
            raise PipelineError(
                f"stage {s.name!r} needs the result of {', '.join(map(repr, missing))}: "
                f"run it too (e.g. --only {' '.join(missing)} {s.name})")
    done: list[Stage] = []
    pending = list(candidates)
    while pending:
        ready = [s for s in pending if all(n in {d.name for d in done} for n in s.needs)]
        if not ready:
            raise PipelineError(f"stages {[s.name for s in pending]} need each other (a cycle)")
        done.append(ready[0])
        pending.remove(ready[0])
    return done


def select(only: list[str] | None = None) -> list[Stage]:
    """The stages to run: all of them, or those named in ``only`` (checked, ordered)."""
    every = stages()
    if only is None:
        return every
    known = {s.name for s in every}
    unknown = sorted(set(only) - known)
    if unknown:
        raise PipelineError(f"--only: unknown stage(s) {unknown}; stages are {sorted(known)}")
    return order([s for s in every if s.name in only])


def run(scenario: Scenario, progress_for: Callable[[Stage], Progress] | None = None,
        only: list[str] | None = None) -> dict[str, Any]:
    """Run the selected stages in order; return their results by stage name.

    Parameters
    ----------
    scenario : lupex.scenario.Scenario
        The validated scenario.
    progress_for : callable, optional
        Given a stage, returns its progress callback ``(done, total)``; None shows nothing.
    only : list of str, optional
        Stage names to run (checked by :func:`select`); None runs every stage.
    """
    results: dict[str, Any] = {}
    for stage in select(only):
        progress = progress_for(stage) if progress_for else no_progress
        inputs = {name: results[name] for name in stage.needs}
        results[stage.name] = stage.run(scenario, inputs, progress)
    return results
