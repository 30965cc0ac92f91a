"""The ``lupex`` command: ``lupex validate FILE``, ``lupex run FILE --out DIR``,
``lupex sweep SPEC --out DIR`` and ``lupex schema``; also ``python -m lupex``.

Exit codes (:data:`EXIT_CODES`, documented in README.md and ``lupex --help``):

=====  ==============================================================================
0      done
1      invalid scenario (every problem listed with its path in the file)
2      usage: bad arguments, an unknown ``--only`` stage, an ``--out`` that is taken
3      runtime failure: a stage or the results writer failed (one line; ``--debug``)
130    interrupted (Ctrl-C): no results folder was written
143    terminated (SIGTERM): no results folder was written
=====  ==============================================================================

Messages go through :mod:`logging` (logger ``lupex``) to stderr: ``--verbose`` adds each
stage's start and duration, ``--quiet`` keeps stdout and stderr empty on success (errors
are still printed).
"""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import threading
import time
import warnings
from pathlib import Path

from erfa import ErfaWarning

from . import __version__

EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_RUNTIME = 0, 1, 2, 3
EXIT_INTERRUPTED, EXIT_TERMINATED = 130, 143

#: Every exit code and what it means.
EXIT_CODES = {
    EXIT_OK: "done",
    EXIT_INVALID: "invalid scenario",
    EXIT_USAGE: "usage error (arguments, --only, --out taken)",
    EXIT_RUNTIME: "runtime failure",
    EXIT_INTERRUPTED: "interrupted (Ctrl-C)",
    EXIT_TERMINATED: "terminated (SIGTERM)",
}

log = logging.getLogger("lupex")


class UsageError(Exception):
    """The command line asks for something that cannot be done (exit code 2)."""


def _positive_workers(text: str) -> int:
    from .cluster import MAX_LOCAL_WORKERS as MAX_WORKERS

    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be an integer, got {text!r}") from None
    if not 1 <= n <= MAX_WORKERS:
        raise argparse.ArgumentTypeError(f"must be between 1 and {MAX_WORKERS}, got {n}")
    return n


def _parser() -> argparse.ArgumentParser:
    codes = "; ".join(f"{k} {v}" for k, v in EXIT_CODES.items())
    p = argparse.ArgumentParser(
        prog="lupex",
        description="Lunar south-pole mission analysis (Chandrayaan-5 / LUPEX): "
        "a scenario file in, a checked results folder out.",
        epilog=f"exit codes: {codes}.",
    )
    p.add_argument("--version", action="version", version=f"lupex {__version__}")
    talk = argparse.ArgumentParser(add_help=False)
    loud = talk.add_mutually_exclusive_group()
    loud.add_argument("-q", "--quiet", action="store_true",
                      help="print nothing on success (errors still go to stderr)")
    loud.add_argument("-v", "--verbose", action="count", default=0,
                      help="log each step to stderr (-vv: debug detail)")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    v = sub.add_parser("validate", parents=[talk], help="check a scenario file and list every problem",
                       description="Check a scenario file; print every problem with its path "
                       "in the file; exit 1 if there is any.")
    v.add_argument("scenario", type=Path, help="scenario YAML file (see configs/README.md)")
    r = sub.add_parser("run", parents=[talk], help="run a scenario and write a results folder",
                       description="Run every stage of a scenario and write summary.json, "
                       "report.md, report.html, plots/, maps/, tables/ and trajectories/ into "
                       "a new results folder (written atomically).",
                       epilog=f"exit codes: {codes}.")
    r.add_argument("scenario", type=Path, help="scenario YAML file (see configs/README.md)")
    r.add_argument("--out", type=Path, default=None,
                   help="results folder (default: results/<scenario file name>)")
    r.add_argument("--force", action="store_true", help="replace an existing results folder")
    r.add_argument("--only", nargs="+", metavar="STAGE", help="run only these stages")
    r.add_argument("--workers", type=_positive_workers, default=None, metavar="N",
                   help="processes for the parallel parts (default: the scenario's "
                   "compute.workers, 2); results do not depend on it")
    r.add_argument("--debug", action="store_true", help="show full tracebacks on errors")
    w = sub.add_parser("sweep", parents=[talk], help="run a scenario over a grid or list of field values",
                       description="Run one base scenario over a grid and/or list of scenario "
                       "field values (a sweep spec, see configs/README.md) and write one table "
                       "(sweep.csv), summary.json, report.md and trade plots.")
    w.add_argument("spec", type=Path, help="sweep spec YAML file")
    w.add_argument("--out", type=Path, default=None,
                   help="sweep folder (default: results/<spec file name>)")
    w.add_argument("--force", action="store_true", help="replace an existing results folder")
    w.add_argument("--workers", type=_positive_workers, default=1, metavar="N",
                   help="cases run in N worker processes (default 1)")
    w.add_argument("--debug", action="store_true", help="show full tracebacks on errors")
    sub.add_parser("schema", help="print the scenario file's JSON Schema (for editors)",
                   description="Print the JSON Schema of a scenario file (from the pydantic "
                   "model), e.g. for the YAML language server: lupex schema > lupex.schema.json")
    return p


class _StderrHandler(logging.StreamHandler):
    """A handler writing to whatever ``sys.stderr`` is when a record is emitted."""

    def emit(self, record):
        self.stream = sys.stderr
        super().emit(record)


def _setup_logging(quiet: bool, verbose: int) -> None:
    """Send the ``lupex`` logger and Python warnings to stderr at the level asked for."""
    level = logging.ERROR if quiet else (logging.DEBUG if verbose > 1 else
                                         logging.INFO if verbose else logging.WARNING)
    handler = _StderrHandler()
    handler.setFormatter(logging.Formatter("%(message)s" if not verbose else
                                           "%(asctime)s %(levelname)s %(name)s: %(message)s",
                                           datefmt="%H:%M:%S"))
    log.handlers[:] = [handler]
    log.setLevel(level)
    log.propagate = False
    logging.captureWarnings(True)
    pw = logging.getLogger("py.warnings")
    pw.handlers[:] = [handler]
    pw.setLevel(level)
    pw.propagate = False


def _say(quiet: bool, text: str) -> None:
    """A result line on stdout (nothing when quiet)."""
    if not quiet:
        print(text)


def _load_or_report(path: Path, quiet: bool = False):
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
    _say(quiet, f"{path}: valid ({scenario.mission.name}, {len(scenario.sites)} sites); "
         f"{describe(mem)}")
    return scenario, text


def _validate(args) -> int:
    return EXIT_INVALID if _load_or_report(args.scenario, args.quiet) is None else EXIT_OK


def _schema(args) -> int:
    from .scenario import Scenario

    schema = Scenario.model_json_schema()
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema,
              "title": "lupex scenario"}
    print(json.dumps(schema, indent=2))
    return EXIT_OK


def _run(args) -> int:
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from . import pipeline, results

    loaded = _load_or_report(args.scenario, args.quiet)
    if loaded is None:
        return EXIT_INVALID
    scenario, text = loaded
    if args.workers is not None:  # the run's worker count: a run setting, not the scenario's
        scenario = scenario.model_copy(
            update={"compute": scenario.compute.model_copy(update={"workers": args.workers})})
    out = args.out or Path("results") / args.scenario.stem
    try:
        results.check_destination(out, args.force)
        stages = pipeline.select(args.only)
    except (results.ResultsExistError, pipeline.PipelineError) as exc:
        raise UsageError(str(exc)) from None
    console = Console(stderr=True, quiet=args.quiet)
    columns = (TextColumn("{task.description:<28}"), BarColumn(),
               TextColumn("{task.percentage:>3.0f}%"), TimeElapsedColumn())
    # A progress bar and log lines would fight over the terminal: --verbose logs instead.
    show_bar = not (args.quiet or args.verbose)
    try:
        lock = results.DestinationLock(out)
        lock.__enter__()
    except results.ResultsExistError as exc:
        raise UsageError(str(exc)) from None
    try:
        with Progress(*columns, console=console, disable=not show_bar) as bar:
            try:
                results.check_destination(out, args.force)  # again, now that this run holds it
            except results.ResultsExistError as exc:
                raise UsageError(str(exc)) from None
            started: dict[str, float] = {}

            def log_finished(now):
                if started:  # the previous stage ended when this one starts
                    last = next(reversed(started))
                    log.info("stage %s took %.1f s", last, now - started[last])

            def progress_for(stage):
                task = bar.add_task(stage.title[:28], total=1.0)
                now = time.perf_counter()
                log_finished(now)
                log.info("stage %s: %s", stage.name, stage.title)
                started[stage.name] = now

                def update(done, total):
                    bar.update(task, completed=done / total if total else 1.0)
                    log.debug("stage %s: %g/%g", stage.name, done, total)

                return update

            outputs = pipeline.run(scenario, progress_for, only=args.only)
            bar.stop()
            log_finished(time.perf_counter())
            log.info("writing %s", out)
            try:
                written = results.write(out, scenario, text, str(args.scenario), stages,
                                        outputs, force=args.force)
            except results.ResultsExistError as exc:  # the folder appeared meanwhile
                raise UsageError(str(exc)) from None
    finally:
        lock.__exit__(None, None, None)
    _say(args.quiet, f"results: {written}/ (summary.json, report.md, report.html, plots/, "
         "maps/, tables/, trajectories/)")
    return EXIT_OK


def _sweep(args) -> int:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from . import results
    from .report import sweep as R
    from .sweep import SweepError, load_spec, run_sweep

    try:
        spec = load_spec(args.spec)
    except SweepError as exc:
        print(f"{exc.source}: {len(exc.problems)} problem(s)", file=sys.stderr)
        for line in exc.problems:
            print(f"  {line}", file=sys.stderr)
        return EXIT_INVALID
    out = args.out or Path("results") / args.spec.stem
    try:
        results.check_destination(out, args.force)
    except results.ResultsExistError as exc:
        raise UsageError(str(exc)) from None
    console = Console(stderr=True, quiet=args.quiet)
    _say(args.quiet, f"{args.spec}: valid ({len(spec.cases)} cases of {spec.scenario_path.name})")
    columns = (TextColumn("sweep"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    try:
        with results.DestinationLock(out), Progress(*columns, console=console,
                                                    disable=args.quiet) as bar:
            task = bar.add_task("sweep", total=len(spec.cases))
            rows = run_sweep(spec, args.workers, lambda done, total: bar.update(task, completed=done))
            bar.stop()
            summary = R.sweep_summary(rows, spec.parameters, spec.metrics, str(args.spec),
                                      str(spec.scenario_path))
            written = results.write_sweep(
                out, args.spec.read_text(encoding="utf-8"), spec.base_text, summary,
                R.table_csv(rows, spec.parameters, spec.metrics), R.sweep_report(summary),
                R.trade_figures(rows, spec.parameters, spec.metrics), force=args.force)
    except results.ResultsExistError as exc:  # locked by another run, or appeared meanwhile
        raise UsageError(str(exc)) from None
    _say(args.quiet, f"results: {written}/ (sweep.csv, summary.json, report.md, plots/); "
         f"{summary['failed']} of {summary['cases']} cases failed")
    return EXIT_OK


class Terminated(BaseException):
    """SIGTERM arrived: unwind like an interrupt so temporary files and locks are removed."""


def _on_sigterm(signum, frame):
    raise Terminated()


def main(argv: list[str] | None = None) -> int:
    """Run the ``lupex`` command with ``argv`` (default ``sys.argv[1:]``); return its exit
    code (:data:`EXIT_CODES`): 0 done, 1 invalid scenario, 2 usage, 3 runtime failure,
    130 interrupted, 143 terminated. Argument errors exit 2 through argparse."""
    args = _parser().parse_args(argv)
    _setup_logging(getattr(args, "quiet", False), getattr(args, "verbose", 0))
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _on_sigterm)
    # Planning dates lie past the last published leap second: ERFA keeps the last TAI-UTC
    # offset (the only defensible choice) and warns "dubious year"; say nothing of it.
    warnings.filterwarnings("ignore", message=r".*dubious year", category=ErfaWarning)
    commands = {"validate": _validate, "run": _run, "schema": _schema, "sweep": _sweep}
    try:
        return commands[args.command](args)
    except KeyboardInterrupt:
        print("interrupted: no results folder was written", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Terminated:
        print("terminated: no results folder was written", file=sys.stderr)
        return EXIT_TERMINATED
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except Exception as exc:  # one clear line, not a traceback, unless --debug
        if getattr(args, "debug", False):
            raise
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_RUNTIME
    finally:
        logging.captureWarnings(False)


if __name__ == "__main__":
    sys.exit(main())
