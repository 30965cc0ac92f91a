"""The ``lupex`` command: ``lupex validate FILE`` and ``lupex run FILE --out DIR``."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
import warnings
from pathlib import Path

from erfa import ErfaWarning

from . import __version__


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="lupex",
        description="Lunar south-pole mission analysis (Chandrayaan-5 / LUPEX): "
        "a scenario file in, a checked results folder out.",
    )
    p.add_argument("--version", action="version", version=f"lupex {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    v = sub.add_parser("validate", help="check a scenario file and list every problem",
                       description="Check a scenario file; print every problem with its path "
                       "in the file; exit 1 if there is any.")
    v.add_argument("scenario", type=Path, help="scenario YAML file (see configs/README.md)")
    r = sub.add_parser("run", help="run a scenario and write a results folder",
                       description="Run every stage of a scenario and write summary.json, "
                       "report.md and plots/ into a new results folder (written atomically).")
    r.add_argument("scenario", type=Path, help="scenario YAML file (see configs/README.md)")
    r.add_argument("--out", type=Path, default=None,
                   help="results folder (default: results/<scenario file name>)")
    r.add_argument("--force", action="store_true", help="replace an existing results folder")
    r.add_argument("--only", nargs="+", metavar="STAGE", help="run only these stages")
    r.add_argument("--quiet", action="store_true", help="no progress display")
    r.add_argument("--debug", action="store_true", help="show full tracebacks on errors")
    w = sub.add_parser("sweep", help="run a scenario over a grid or list of field values",
                       description="Run one base scenario over a grid and/or list of scenario "
                       "field values (a sweep spec, see configs/README.md) and write one table "
                       "(sweep.csv), summary.json, report.md and trade plots.")
    w.add_argument("spec", type=Path, help="sweep spec YAML file")
    w.add_argument("--out", type=Path, default=None,
                   help="sweep folder (default: results/<spec file name>)")
    w.add_argument("--force", action="store_true", help="replace an existing results folder")
    w.add_argument("--workers", type=int, default=1, metavar="N",
                   help="cases run in N worker processes (default 1)")
    w.add_argument("--quiet", action="store_true", help="no progress display")
    w.add_argument("--debug", action="store_true", help="show full tracebacks on errors")
    return p


def _load_or_report(path: Path):
    """The validated scenario and its text (saying it is valid), or None after printing
    every problem."""
    from .scenario import ScenarioError, load

    try:
        scenario, text = load(path)
    except ScenarioError as exc:
        print(f"{exc.source}: {len(exc.problems)} problem(s)", file=sys.stderr)
        for line in exc.problems:
            print(f"  {line}", file=sys.stderr)
        return None
    from .preflight import check_memory, describe, memory_problem

    mem = check_memory(scenario)
    problem = memory_problem(scenario, mem)
    if problem:
        print(f"{path}: 1 problem(s)", file=sys.stderr)
        print(f"  {problem}", file=sys.stderr)
        return None
    print(f"{path}: valid ({scenario.mission.name}, {len(scenario.sites)} sites); {describe(mem)}")
    return scenario, text


def _validate(args) -> int:
    return 1 if _load_or_report(args.scenario) is None else 0


def _run(args) -> int:
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from . import pipeline, results

    loaded = _load_or_report(args.scenario)
    if loaded is None:
        return 1
    scenario, text = loaded
    out = args.out or Path("results") / args.scenario.stem
    results.check_destination(out, args.force)
    try:
        stages = pipeline.select(args.only)
    except pipeline.PipelineError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    console = Console(stderr=True, quiet=args.quiet)
    columns = (TextColumn("{task.description:<28}"), BarColumn(),
               TextColumn("{task.percentage:>3.0f}%"), TimeElapsedColumn())
    with results.DestinationLock(out), Progress(*columns, console=console,
                                                disable=args.quiet) as bar:
        results.check_destination(out, args.force)  # again, now that this run holds it

        def progress_for(stage):
            task = bar.add_task(stage.title[:28], total=1.0)

            def update(done, total):
                bar.update(task, completed=done / total if total else 1.0)

            return update

        outputs = pipeline.run(scenario, progress_for, only=args.only)
        bar.stop()
        written = results.write(out, scenario, text, str(args.scenario), stages, outputs,
                                force=args.force)
    print(f"results: {written}/ (summary.json, report.md, plots/)")
    return 0


def _process_map(workers: int):
    """``map_cases`` running cases in ``workers`` processes, results in order."""
    from concurrent.futures import ProcessPoolExecutor

    def map_cases(fn, arg_list, progress):
        with ProcessPoolExecutor(max_workers=workers) as pool:
            futures = [pool.submit(fn, *a) for a in arg_list]
            out = []
            for k, f in enumerate(futures, 1):
                out.append(f.result())
                progress(k, len(arg_list))
        return out

    return map_cases


def _sweep(args) -> int:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from . import results
    from .report import sweep as R
    from .sweep import SweepError, load_spec, run_sweep

    if args.workers < 1:
        print(f"error: --workers must be at least 1, got {args.workers}", file=sys.stderr)
        return 2
    try:
        spec = load_spec(args.spec)
    except SweepError as exc:
        print(f"{exc.source}: {len(exc.problems)} problem(s)", file=sys.stderr)
        for line in exc.problems:
            print(f"  {line}", file=sys.stderr)
        return 1
    out = args.out or Path("results") / args.spec.stem
    results.check_destination(out, args.force)
    console = Console(stderr=True, quiet=args.quiet)
    if not args.quiet:
        print(f"{args.spec}: valid ({len(spec.cases)} cases of {spec.scenario_path.name})")
    columns = (TextColumn("sweep"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with results.DestinationLock(out), Progress(*columns, console=console,
                                                disable=args.quiet) as bar:
        task = bar.add_task("sweep", total=len(spec.cases))
        rows = run_sweep(spec, _process_map(args.workers) if args.workers > 1 else None,
                         lambda done, total: bar.update(task, completed=done))
        bar.stop()
        summary = R.sweep_summary(rows, spec.parameters, spec.metrics, str(args.spec),
                                  str(spec.scenario_path))
        written = results.write_sweep(
            out, args.spec.read_text(encoding="utf-8"), spec.base_text, summary,
            R.table_csv(rows, spec.parameters, spec.metrics), R.sweep_report(summary),
            R.trade_figures(rows, spec.parameters, spec.metrics), force=args.force)
    if not args.quiet:
        print(f"results: {written}/ (sweep.csv, summary.json, report.md, plots/); "
              f"{summary['failed']} of {summary['cases']} cases failed")
    return 0


class Terminated(BaseException):
    """SIGTERM arrived: unwind like an interrupt so temporary files and locks are removed."""


def _on_sigterm(signum, frame):
    raise Terminated()


def main(argv: list[str] | None = None) -> int:
    """Run the ``lupex`` command with ``argv`` (default ``sys.argv[1:]``); return its exit
    code: 0 done, 1 invalid scenario, 2 error, 130 interrupted, 143 terminated."""
    args = _parser().parse_args(argv)
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _on_sigterm)
    # Planning dates lie past the last published leap second: ERFA keeps the last TAI-UTC
    # offset (the only defensible choice) and warns "dubious year"; say nothing of it.
    warnings.filterwarnings("ignore", message=r".*dubious year", category=ErfaWarning)
    try:
        return {"validate": _validate, "run": _run, "sweep": _sweep}[args.command](args)
    except KeyboardInterrupt:
        print("interrupted: no results folder was written", file=sys.stderr)
        return 130
    except Terminated:
        print("terminated: no results folder was written", file=sys.stderr)
        return 143
    except Exception as exc:  # one clear line, not a traceback, unless --debug
        if getattr(args, "debug", False):
            raise
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
