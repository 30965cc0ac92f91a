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
        return _validate(args) if args.command == "validate" else _run(args)
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
