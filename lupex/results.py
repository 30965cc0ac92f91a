"""The results folder: the only module that writes a run's files.

A run is written into a hidden temporary folder beside the destination and renamed into
place only when everything is written, so an interrupted or failed run never leaves a
folder that looks complete. While a run writes to ``DIR``, a lock file ``.DIR.lock`` beside
it (holding the writer's process id) keeps a second run from writing there too. ``--force``
replaces only a folder that is recognisably a lupex results folder (a ``summary.json``
written by lupex, and nothing but the files a run writes); any other folder is refused, so
no user file is ever deleted. Layout::

    summary.json   machine-readable: version, scenario hash, seeds, every figure with its unit
    report.md      the human report, linking the plots
    report.html    the same, self-contained (plots embedded), with links to the files below
    scenario.yaml  the exact scenario text that was run
    plots/*.png
    maps/*.tif             Cloud-Optimised GeoTIFFs, IAU_2015:30135 (lupex.report.geotiff)
    tables/*.csv, *.nc     time series, event tables, horizons (lupex.report.tables)
    trajectories/*.oem, *.czml  CCSDS OEM and Cesium CZML (lupex.report.trajectories)

Only the stages that ran give exports (``--only``): a missing stage's files are left out.
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
from .report.terrain import headline as terrain_headline
from .scenario import Scenario, scenario_hash
from .stages.base import Stage


class ResultsExistError(FileExistsError):
    """The destination exists and may not be replaced (or is being written by another run)."""


#: What a run writes at the top of its folder: a folder holding anything else is not ours.
RESULT_ENTRIES = frozenset({"summary.json", "report.md", "report.html", "scenario.yaml", "plots",
                            "maps", "tables", "trajectories", "sweep.csv", "spec.yaml"})

#: The export folders, in the order the reports list them.
EXPORT_FOLDERS = ("maps", "tables", "trajectories")


def is_results_folder(path: Path) -> bool:
    """True if ``path`` is a folder a lupex run wrote: its ``summary.json`` parses and names a
    lupex version, and it holds nothing but the entries a run writes."""
    path = Path(path)
    if not path.is_dir() or not (path / "summary.json").is_file():
        return False
    if any(p.name not in RESULT_ENTRIES for p in path.iterdir()):
        return False
    try:
        return "lupex_version" in json.loads((path / "summary.json").read_text())
    except (OSError, ValueError):
        return False


def check_destination(out_dir: Path, force: bool) -> None:
    """Fail before any work when the destination is taken.

    Parameters
    ----------
    out_dir : pathlib.Path
        The results folder asked for.
    force : bool
        Whether an existing lupex results folder may be replaced.

    Raises
    ------
    ResultsExistError
        ``out_dir`` is a file; exists and ``force`` is off; exists and is not a lupex results
        folder (see :func:`is_results_folder`); or its nearest existing parent is not
        writable.
    """
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise ResultsExistError(f"--out {out_dir}: exists and is not a folder")
    if out_dir.exists() and not force:
        raise ResultsExistError(f"--out {out_dir}: folder exists (use --force to replace it)")
    if out_dir.exists() and not is_results_folder(out_dir):
        foreign = sorted(p.name for p in out_dir.iterdir() if p.name not in RESULT_ENTRIES)[:3]
        why = f"it holds {', '.join(foreign)}" if foreign else "it has no lupex summary.json"
        raise ResultsExistError(
            f"--out {out_dir}: not a lupex results folder ({why}); --force replaces only "
            "folders written by lupex: choose a new --out")
    parent = out_dir.parent if str(out_dir.parent) else Path(".")
    probe = parent
    while not probe.exists():
        probe = probe.parent
    if not os.access(probe, os.W_OK | os.X_OK):
        raise ResultsExistError(f"--out {out_dir}: folder {probe} is not writable")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _sibling_pid(path: Path, prefix: str) -> int | None:
    """The process id at the end of a hidden sibling's name (``.NAME.partial-PID``)."""
    tail = path.name[len(prefix):]
    return int(tail) if tail.isdigit() else None


def clean_stale(out_dir: Path) -> list[Path]:
    """Remove the temporary folders and lock that killed runs left beside ``out_dir``.

    Only hidden siblings named ``.NAME.partial-PID``, ``.NAME.old-PID`` or ``.NAME.lock``
    whose process is no longer running are removed; returns what was removed.
    """
    out_dir = Path(out_dir)
    parent = out_dir.parent
    removed = []
    if not parent.is_dir():
        return removed
    for kind in ("partial-", "old-"):
        prefix = f".{out_dir.name}.{kind}"
        for p in parent.glob(f".{out_dir.name}.{kind}*"):
            pid = _sibling_pid(p, prefix)
            if pid is not None and pid != os.getpid() and not _pid_alive(pid) and p.is_dir():
                shutil.rmtree(p, ignore_errors=True)
                removed.append(p)
    lock = parent / f".{out_dir.name}.lock"
    try:
        pid = int(lock.read_text().strip() or "0")
    except (OSError, ValueError):
        pid = None
    if lock.exists() and pid is not None and not _pid_alive(pid):
        lock.unlink(missing_ok=True)
        removed.append(lock)
    return removed


class DestinationLock:
    """Exclusive claim on a results destination for one run (a ``.NAME.lock`` file created
    with O_EXCL beside it); a second run gets :class:`ResultsExistError` at once."""

    def __init__(self, out_dir: Path):
        self.out_dir = Path(out_dir)
        self.path = self.out_dir.parent / f".{self.out_dir.name}.lock"
        self.held = False

    def __enter__(self):
        self.out_dir.parent.mkdir(parents=True, exist_ok=True)
        clean_stale(self.out_dir)
        try:
            fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            try:
                other = self.path.read_text().strip()
            except OSError:
                other = "?"
            raise ResultsExistError(
                f"--out {self.out_dir}: another lupex run (process {other}) is writing this "
                f"folder; wait for it or choose another --out (a stale lock is {self.path})"
            ) from None
        with os.fdopen(fd, "w") as fh:
            fh.write(str(os.getpid()))
        self.held = True
        return self

    def __exit__(self, *exc) -> None:
        if self.held:
            self.path.unlink(missing_ok=True)
            self.held = False


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


def _strict(obj):
    """``obj`` with every NaN or infinite float replaced by None: JSON has no NaN, and a file
    other tools cannot parse is worse than an explicit null."""
    if isinstance(obj, dict):
        return {k: _strict(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_strict(v) for v in obj]
    if isinstance(obj, (float, np.floating)) and not np.isfinite(obj):
        return None
    return obj


def build_summary(scenario: Scenario, text: str, source: str, stages: list[Stage],
                  results: Mapping[str, Any]) -> dict:
    """The summary.json mapping: version, time, scenario hash, seeds and each stage's figures.

    Parameters
    ----------
    scenario : lupex.scenario.Scenario
        The validated scenario.
    text : str
        The scenario file's exact text (hashed).
    source : str
        Where the scenario came from (its path as given).
    stages : list of Stage
        The stages that ran, in order.
    results : mapping
        Their results by stage name.
    """
    return {
        "lupex_version": __version__,
        "created_utc": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "scenario": {"file": source, "sha256": scenario_hash(text), "mission": scenario.mission.name},
        "seeds": scenario.seeds(),
        "stages": {s.name: s.summary(results[s.name]) for s in stages if s.name in results},
    }


def build_report(summary: dict, scenario: Scenario, stages: list[Stage], results: Mapping[str, Any],
                 plot_names: Mapping[str, list[str]]) -> str:
    """The Markdown report: a header, then each stage's section followed by its plots.

    Parameters
    ----------
    summary : dict
        The run's summary (:func:`build_summary`).
    scenario : lupex.scenario.Scenario
        The validated scenario.
    stages : list of Stage
        The stages that ran, in order.
    results : mapping
        Their results by stage name.
    plot_names : mapping
        Plot names (files ``plots/NAME.png``) by stage name.
    """
    lines = [f"# {scenario.mission.name}", ""]
    if "terrain" in results:
        lines += [terrain_headline(results["terrain"]), ""]
    lines += [
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


def write_exports(folder: Path, scenario: Scenario, results: Mapping[str, Any]) -> dict[str, list[str]]:
    """Write the maps, tables and trajectory files of whichever stages ran into ``folder``;
    return the file names by sub-folder (empty sub-folders are not created).

    Parameters
    ----------
    folder : pathlib.Path
        The results folder being written.
    scenario : lupex.scenario.Scenario
        The validated scenario (the ranking's slope limit makes the hazard map).
    results : mapping
        Stage results by name.
    """
    from .report import geotiff, tables, trajectories

    sites = getattr(results.get("terrain"), "sites", None) or tuple(
        (s.name, s.lat_deg, s.lon_deg) for s in scenario.sites)
    return {
        "maps": geotiff.write_maps(folder / "maps", results, scenario.ranking.max_slope_deg),
        "tables": tables.write_tables(folder / "tables", results),
        "trajectories": trajectories.write_trajectories(folder / "trajectories", results, sites),
    }


def files_section(files: Mapping[str, list[str]]) -> str:
    """The Markdown list of a run's export files (empty when there are none).

    Parameters
    ----------
    files : mapping
        File names by sub-folder (:func:`write_exports`).
    """
    lines = [f"- [{sub}/{n}]({sub}/{n})" for sub in EXPORT_FOLDERS for n in files.get(sub, [])]
    if not lines:
        return ""
    return "\n".join(["## Files of this run", "",
                      ("Maps (GeoTIFF, IAU_2015:30135), tables (CSV, netCDF) and trajectories "
                       "(CCSDS OEM, CZML); see README.md \"Outputs\"."), "", *lines, ""])


def write(out_dir: str | Path, scenario: Scenario, text: str, source: str, stages: list[Stage],
          results: Mapping[str, Any], force: bool = False) -> Path:
    """Write the results folder atomically; return its path.

    Parameters
    ----------
    out_dir : str or pathlib.Path
        The results folder.
    scenario, text, source, stages, results
        As for :func:`build_summary`.
    force : bool
        Replace an existing lupex results folder.

    Raises
    ------
    ResultsExistError
        As :func:`check_destination`, also if the folder appeared while the run wrote.
    """
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
        (tmp / "summary.json").write_text(
            json.dumps(_strict(summary), indent=2, default=_jsonable, allow_nan=False) + "\n")
        files = write_exports(tmp, scenario, results)
        report_md = build_report(summary, scenario, stages, results, plot_names)
        section = files_section(files)
        if section:
            report_md = report_md.rstrip("\n") + "\n\n" + section
        (tmp / "report.md").write_text(report_md)
        from .report.html import build_html, trajectory_3d
        from .report.trajectories import ephemerides

        (tmp / "report.html").write_text(build_html(
            report_md, tmp, {}, scenario.mission.name, trajectory_3d(ephemerides(results))))
        (tmp / "scenario.yaml").write_text(text)
        _into_place(tmp, out_dir, force)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out_dir


def _into_place(tmp: Path, out_dir: Path, force: bool) -> None:
    """Rename the finished temporary folder to ``out_dir``; with ``force`` swap out an existing
    lupex results folder, then drop it (a folder that appeared meanwhile needs ``force``)."""
    if out_dir.exists():
        if not force:
            raise ResultsExistError(f"--out {out_dir}: folder appeared while this run was "
                                    "writing (use --force to replace it)")
        check_destination(out_dir, force)
        old = out_dir.parent / f".{out_dir.name}.old-{os.getpid()}"
        out_dir.rename(old)
        tmp.rename(out_dir)
        shutil.rmtree(old, ignore_errors=True)
    else:
        tmp.rename(out_dir)


def write_sweep(out_dir: str | Path, spec_text: str, scenario_text: str, summary: Mapping,
                table_csv: str, report_md: str, figures: Mapping, dpi: int = 120,
                force: bool = False) -> Path:
    """Write a sweep's folder atomically (like :func:`write`); return its path.

    Layout: ``summary.json`` (version, the spec, every case's row), ``sweep.csv``,
    ``report.md``, ``spec.yaml`` and ``scenario.yaml`` (the exact texts), ``plots/``.

    Parameters
    ----------
    out_dir : str or pathlib.Path
        The sweep's folder.
    spec_text, scenario_text : str
        The sweep spec's and the base scenario's exact texts.
    summary : mapping
        :func:`lupex.report.sweep.sweep_summary`'s mapping.
    table_csv, report_md : str
        The case table and the report.
    figures : mapping of str to matplotlib.figure.Figure
        Trade plots by name.
    dpi : int
        Plot resolution.
    force : bool
        Replace an existing lupex results folder.
    """
    out_dir = Path(out_dir)
    check_destination(out_dir, force)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_dir.parent / f".{out_dir.name}.partial-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        (tmp / "plots").mkdir(parents=True)
        names = []
        for name, fig in figures.items():
            fig.savefig(tmp / "plots" / f"{name}.png", dpi=dpi)
            names.append(name)
        full = {"lupex_version": __version__,
                "created_utc": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                **summary, "plots": [f"plots/{n}.png" for n in names]}
        (tmp / "summary.json").write_text(
            json.dumps(_strict(full), indent=2, default=_jsonable, allow_nan=False) + "\n")
        (tmp / "sweep.csv").write_text(table_csv)
        (tmp / "report.md").write_text(report_md + "".join(f"\n![{n}](plots/{n}.png)\n"
                                                           for n in names))
        (tmp / "spec.yaml").write_text(spec_text)
        (tmp / "scenario.yaml").write_text(scenario_text)
        _into_place(tmp, out_dir, force)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out_dir
