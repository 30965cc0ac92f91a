"""The run as a short, ordered list of stages.

A stage is four plain functions bundled in a :class:`Stage`:

* ``run(scenario, earlier, progress) -> result``: the physics, from the validated scenario
  and a mapping of earlier stages' results (by stage name) to a typed, frozen result object;
* ``summary(result) -> dict``: every figure as ``{"value": ..., "unit": ...}`` for summary.json;
* ``report(result) -> str``: a Markdown section for the human report;
* ``figures(result) -> dict[str, Figure]``: plots, written as PNG by the results writer.

Stages know nothing of files or the terminal; ``lupex.results`` writes the folder and
``lupex.cli`` talks to the user. A new stage is a new module in ``lupex/stages`` and one line
in :data:`STAGES`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .scenario import Scenario

Progress = Callable[[float, float], None]  # (done, total), any units


def no_progress(done: float, total: float) -> None:
    """A progress callback that ignores its arguments."""


@dataclass(frozen=True)
class Stage:
    name: str
    title: str
    run: Callable[[Scenario, Mapping[str, Any], Progress], Any]
    summary: Callable[[Any], dict]
    report: Callable[[Any], str]
    figures: Callable[[Any], dict]


def stages() -> list[Stage]:
    """The stages of a run, in order (imported here so importing lupex stays light)."""
    from .stages import budget, launch, sky, surface, terrain, transfer

    return [sky.STAGE, transfer.STAGE, launch.STAGE, budget.STAGE, terrain.STAGE, surface.STAGE]


def run(scenario: Scenario, progress_for: Callable[[Stage], Progress] | None = None,
        only: list[str] | None = None) -> dict[str, Any]:
    """Run every stage (or those named in ``only``) in order; return results by stage name."""
    results: dict[str, Any] = {}
    for stage in stages():
        if only is not None and stage.name not in only:
            continue
        progress = progress_for(stage) if progress_for else no_progress
        results[stage.name] = stage.run(scenario, results, progress)
    return results
