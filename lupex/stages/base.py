"""What a stage is: a name, the stages whose results it needs, and four plain functions.

* ``run(scenario, inputs, progress) -> result``: the physics, from the validated scenario
  and ``inputs``, a mapping holding exactly the results of the stages named in ``needs``
  (by stage name), to a typed, frozen result object;
* ``summary(result) -> dict``: every figure as ``{"value": ..., "unit": ...}`` (built in
  :mod:`lupex.report`);
* ``report(result) -> str``: a Markdown section for the human report;
* ``figures(result) -> dict[str, Figure]``: plots, written as PNG by the results writer.

This module imports nothing from the rest of lupex but the scenario type, so stage
modules import it without importing the pipeline back.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ..scenario import Scenario

Progress = Callable[[float, float], None]  # (done, total), any units


def no_progress(done: float, total: float) -> None:
    """A progress callback that ignores its arguments.

    Parameters
    ----------
    done, total : float
        Work done and work in all, in any one unit.
    """


@dataclass(frozen=True)
class Stage:
    """One step of a run (see the module docstring for the four functions)."""

    name: str
    title: str
    needs: tuple[str, ...]
    run: Callable[[Scenario, Mapping[str, Any], Progress], Any]
    summary: Callable[[Any], dict]
    report: Callable[[Any], str]
    figures: Callable[[Any], dict]
