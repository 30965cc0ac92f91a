"""The results folder: the only module that writes a run's files.

A run is written into a hidden temporary folder beside the destination and renamed into
place only when everything is written, so an interrupted or failed run never leaves a
folder that looks complete. Layout::

    summary.json   machine-readable: version, scenario hash, seeds, every figure with its unit
    report.md      the human report, linking the plots
    scenario.yaml  the exact scenario text that was run
    plots/*.png
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from . import __version__
from .scenario import Scenario, scenario_hash
from .stages.base import Stage


class ResultsExistError(FileExistsError):
    """The destination exists and overwriting was not asked for."""


def check_destination(out_dir: Path, force: bool) -> None:
    """Fail before any work when the destination is taken (or is a file)."""
    if out_dir.exists() and not out_dir.is_dir():
        raise ResultsExistError(f"--out {out_dir}: exists and is not a folder")
    if out_dir.exists() and not force:
        raise ResultsExistError(f"--out {out_dir}: folder exists (use --force to replace it)")


def _jsonable(obj: Any):
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, (dt.datetime, dt.date)):
        return obj.isoformat()
    if isinstance(obj, Path):
        return str(obj)
    raise TypeError(f"summary value of type {type(obj).__name__} is not JSON-serialisable")


def build_summary(scenario: Scenario, text: str, source: str, stages: list[Stage],
                  results: Mapping[str, Any]) -> dict:
    return {
        "lupex_version": __version__,
        "created_utc": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "scenario": {"file": source, "sha256": scenario_hash(text), "mission": scenario.mission.name},
        "seeds": scenario.seeds(),
        "stages": {s.name: s.summary(results[s.name]) for s in stages if s.name in results},
    }


def build_report(summary: dict, scenario: Scenario, stages: list[Stage], results: Mapping[str, Any],
                 plot_names: Mapping[str, list[str]]) -> str:
    lines = [
        f"# {scenario.mission.name}",
        "",
        scenario.mission.description.strip(),
        "",
        (f"lupex {summary['lupex_version']}, run {summary['created_utc']}; scenario "
         f"`{summary['scenario']['file']}` (sha256 `{summary['scenario']['sha256'][:16]}…`); "
         f"seeds {summary['seeds']}."),
        "",
    ]
    for stage in stages:
        if stage.name not in results:
            continue
        lines += [f"## {stage.title}", "", stage.report(results[stage.name]).strip(), ""]
        for name in plot_names.get(stage.name, []):
            lines += [f"![{name}](plots/{name}.png)", ""]
    return "\n".join(lines)


def write(out_dir: str | Path, scenario: Scenario, text: str, source: str, stages: list[Stage],
          results: Mapping[str, Any], force: bool = False) -> Path:
    """Write the results folder atomically; return its path."""
    out_dir = Path(out_dir)
    check_destination(out_dir, force)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_dir.parent / f".{out_dir.name}.partial-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        (tmp / "plots").mkdir(parents=True)
        summary = build_summary(scenario, text, source, stages, results)
        plot_names: dict[str, list[str]] = {}
        if scenario.output.plots:
            for stage in stages:
                if stage.name not in results:
                    continue
                for name, fig in stage.figures(results[stage.name]).items():
                    fig.savefig(tmp / "plots" / f"{name}.png", dpi=scenario.output.dpi)
                    plot_names.setdefault(stage.name, []).append(name)
        summary["plots"] = [f"plots/{n}.png" for names in plot_names.values() for n in names]
        (tmp / "summary.json").write_text(json.dumps(summary, indent=2, default=_jsonable) + "\n")
        (tmp / "report.md").write_text(build_report(summary, scenario, stages, results, plot_names))
        (tmp / "scenario.yaml").write_text(text)
        if out_dir.exists():  # force: swap, then drop the old folder
            old = out_dir.parent / f".{out_dir.name}.old-{os.getpid()}"
            out_dir.rename(old)
            tmp.rename(out_dir)
            shutil.rmtree(old, ignore_errors=True)
        else:
            tmp.rename(out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out_dir
