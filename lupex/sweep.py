"""Scenario sweeps: one base scenario, many cases, one table.

A sweep spec (YAML) names a base scenario and the scenario fields to vary, as a grid (every
combination) and/or a list of cases::

    scenario: lupex_baseline.yaml          # relative to the spec file
    only: [terrain, window, transfer, launch]   # optional: the stages each case runs
    grid:
      spacecraft.lander.isp_s: [305, 315, 325]
      launch.date: [2028-08-25T03:00:00Z, 2028-09-24T03:00:00Z]
    cases:                                   # optional explicit cases, each a name + fields
      - {name: heavy, spacecraft.launch_mass_kg: 6300}
    metrics: [stages.launch.margin.margin]  # optional summary paths; default: a standard set

Field paths are dotted scenario paths; list items by index (``sites[0].lat_deg``). Every
case is validated before any case runs, so a bad value fails the sweep at once with the
case and the field named. Each case runs the pipeline in a fresh process-safe call
(:func:`run_case`, a pure function of its arguments); a case whose physics fails (e.g. a
transfer that does not converge) is recorded with its error instead of stopping the sweep.
Terrain work is cached on disk by content (``lupex.surface.cache``), so cases that share a
terrain compute its horizons once: one case of each distinct terrain runs first, the others
after it, in parallel when asked.
"""

from __future__ import annotations

import copy
import itertools
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .scenario import ScenarioError, problems_of

__all__ = [
    "DEFAULT_METRICS",
    "Case",
    "SweepError",
    "SweepSpec",
    "apply_overrides",
    "expand",
    "load_spec",
    "run_case",
    "run_sweep",
]

#: Summary paths tabulated when a spec names none (those missing from a case's summary,
#: e.g. a stage that did not run, are left empty).
DEFAULT_METRICS = (
    "stages.window.chosen_launch_utc",
    "stages.transfer.c3",
    "stages.transfer.time_of_flight",
    "stages.transfer.loi_delta_v",
    "stages.launch.margin.margin",
    "stages.launch.margin.margin_after_model_bias",
    "stages.ledger.propellant_margin",
    "stages.ledger.landed_mass",
    "stages.landing.landing_site",
    "stages.landing.miss_distance",
)

_INDEX = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\[(\d+)\]$")
_SPEC_KEYS = {"scenario", "only", "grid", "cases", "metrics"}
MAX_CASES = 10_000


class SweepError(ValueError):
    """A sweep spec that cannot run; ``problems`` lists each as 'path: message'."""

    def __init__(self, problems: list[str], source: str = "sweep"):
        self.problems = problems
        self.source = source
        super().__init__(f"{source}: {len(problems)} problem(s)\n" + "\n".join(problems))


@dataclass(frozen=True)
class Case:
    """One case of a sweep.

    Attributes
    ----------
    name : str
        Case name (given, or built from its values).
    overrides : tuple of (str, object)
        Scenario field paths and the values they take, in spec order.
    """

    name: str
    overrides: tuple[tuple[str, Any], ...]


@dataclass(frozen=True)
class SweepSpec:
    """A loaded sweep spec.

    Attributes
    ----------
    source : str
        The spec file as given.
    scenario_path : pathlib.Path
        The base scenario file.
    base : dict
        The base scenario, parsed YAML.
    base_text : str
        Its text.
    only : tuple of str or None
        Stages each case runs (None: all).
    cases : tuple of Case
    metrics : tuple of str
        Summary paths tabulated.
    parameters : tuple of str
        The field paths the sweep varies, in order.
    """

    source: str
    scenario_path: Path
    base: dict
    base_text: str
    only: tuple[str, ...] | None
    cases: tuple[Case, ...]
    metrics: tuple[str, ...]
    parameters: tuple[str, ...]


def _split(path: str) -> list[str | int]:
    """'sites[0].lat_deg' -> ['sites', 0, 'lat_deg']."""
    parts: list[str | int] = []
    for token in path.split("."):
        m = _INDEX.match(token)
        if m:
            parts += [m.group(1), int(m.group(2))]
        elif token.isidentifier():
            parts.append(token)
        else:
            raise ValueError(f"not a field path: {path!r} (use dotted names, list items as "
                             "name[index])")
    return parts


def apply_overrides(data: Mapping, overrides: Sequence[tuple[str, Any]]) -> dict:
    """A copy of the scenario mapping ``data`` with each field path set to its value.

    Parameters
    ----------
    data : mapping
        A parsed scenario.
    overrides : sequence of (str, object)
        Dotted field paths (``spacecraft.lander.isp_s``, ``sites[0].lat_deg``) and values.
        Sections missing from ``data`` are created; list items must exist.

    Raises
    ------
    ValueError
        A path that is malformed or indexes past a list's end, naming the path.
    """
    out = copy.deepcopy(dict(data))
    for path, value in overrides:
        parts = _split(path)
        node: Any = out
        for here, nxt in itertools.pairwise(parts):
            if isinstance(here, int):
                if not isinstance(node, list) or here >= len(node):
                    raise ValueError(f"{path}: the scenario has no item {here} there")
                node = node[here]
                continue
            if not isinstance(node, dict):
                raise ValueError(f"{path}: {here!r} is not inside a section")  # noqa: TRY004 (bad input is one ValueError)
            if here not in node or node[here] is None:
                node[here] = [] if isinstance(nxt, int) else {}
            node = node[here]
        last = parts[-1]
        if isinstance(last, int):
            if not isinstance(node, list) or last >= len(node):
                raise ValueError(f"{path}: the scenario has no item {last} there")
        elif not isinstance(node, dict):
            raise ValueError(f"{path}: {last!r} is not inside a section")  # noqa: TRY004 (bad input is one ValueError)
        node[last] = value
    return out


def _label(value: Any) -> str:
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return text[:10] if re.match(r"^\d{4}-\d\d-\d\dT", text) else text


def expand(grid: Mapping[str, Sequence], cases: Sequence[Mapping[str, Any]] = ()) -> list[Case]:
    """The cases of a sweep: every combination of the grid, then the listed cases.

    Parameters
    ----------
    grid : mapping of str to sequence
        Field path -> values; the cases are their Cartesian product (first path slowest).
    cases : sequence of mapping
        Explicit cases: field path -> value, plus an optional ``name``.

    Returns
    -------
    list of Case
    """
    out: list[Case] = []
    keys = list(grid)
    for values in itertools.product(*(grid[k] for k in keys)) if keys else ():
        overrides = tuple(zip(keys, values))
        out.append(Case(", ".join(f"{k.split('.')[-1]}={_label(v)}" for k, v in overrides),
                        overrides))
    for i, c in enumerate(cases):
        fields = tuple((k, v) for k, v in c.items() if k != "name")
        out.append(Case(str(c.get("name", f"case {i}")), fields))
    return out


def load_spec(path: str | Path) -> SweepSpec:
    """Read, expand and validate a sweep spec (every case against the scenario schema).

    Parameters
    ----------
    path : str or pathlib.Path
        The spec YAML file.

    Raises
    ------
    SweepError
        Every problem found, each as 'path: message' (``grid.<field>``, ``cases[i]``,
        ``case '<name>': <scenario path>: ...``).
    """
    path = Path(path)
    src = str(path)
    try:
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SweepError([f"cannot read file: {exc.strerror}"], src) from None
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        raise SweepError([f"not a readable YAML file: {str(exc).splitlines()[0]}"], src) from None
    if not isinstance(spec, dict):
        raise SweepError([("(top level): must be a mapping with 'scenario' and 'grid' or "
                          "'cases'")], src)
    problems = [f"{k}: unknown key; keys are {sorted(_SPEC_KEYS)}" for k in spec
                if k not in _SPEC_KEYS]
    grid = spec.get("grid") or {}
    cases = spec.get("cases") or []
    only = spec.get("only")
    metrics = spec.get("metrics") or list(DEFAULT_METRICS)
    if not isinstance(grid, dict) or not all(isinstance(v, list) and v for v in grid.values()):
        problems.append("grid: must map field paths to non-empty lists of values")
        grid = {}
    if not isinstance(cases, list) or not all(isinstance(c, dict) for c in cases):
        problems.append("cases: must be a list of mappings (field path: value, optional name)")
        cases = []
    if only is not None and not (isinstance(only, list) and all(isinstance(s, str) for s in only)):
        problems.append("only: must be a list of stage names")
        only = None
    if not (isinstance(metrics, list) and all(isinstance(m, str) for m in metrics)):
        problems.append("metrics: must be a list of summary paths (e.g. stages.transfer.c3)")
        metrics = list(DEFAULT_METRICS)
    if not grid and not cases:
        problems.append("grid, cases: give at least one case")
    n_cases = math.prod(len(v) for v in grid.values()) * bool(grid) + len(cases)
    if n_cases > MAX_CASES:
        problems.append(f"grid: {n_cases} cases; at most {MAX_CASES} per sweep")
    scen = spec.get("scenario")
    base, text, scenario_path = {}, "", path
    if not isinstance(scen, str):
        problems.append("scenario: the base scenario file, relative to this spec")
    else:
        scenario_path = (path.parent / scen).resolve()
        try:
            text = scenario_path.read_text(encoding="utf-8")
            base = yaml.safe_load(text)
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            problems.append(f"scenario: cannot read {scenario_path}: {exc}")
    if only is not None:
        from .pipeline import PipelineError, select
        try:
            select(only)
        except PipelineError as exc:
            problems.append(f"only: {exc}")
    if problems:
        raise SweepError(problems, src)
    expanded = expand(grid, cases)
    names = [c.name for c in expanded]
    for i, name in enumerate(names):
        if names.index(name) != i:
            problems.append(f"cases: duplicate case name {name!r}")
    for case in expanded:
        try:
            data = apply_overrides(base, case.overrides)
        except ValueError as exc:
            problems.append(f"case {case.name!r}: {exc}")
            continue
        problems += [f"case {case.name!r}: {p}" for p in
                     problems_of(data, base_dir=scenario_path.parent)]
    if problems:
        raise SweepError(problems, src)
    params = tuple(dict.fromkeys(k for c in expanded for k, _ in c.overrides))
    return SweepSpec(src, scenario_path, base, text, tuple(only) if only else None,
                     tuple(expanded), tuple(metrics), params)


def leaf(summary: Mapping, path: str) -> Any:
    """The value at a dotted summary path (a ``{"value", "unit"}`` leaf gives its value).

    Parameters
    ----------
    summary : mapping
        A run's summary (``summary.json``).
    path : str
        Dotted keys; a key may contain spaces (site names).

    Returns
    -------
    object or None
        None when the path is absent (e.g. its stage did not run).
    """
    node: Any = summary
    parts = path.split(".")
    i = 0
    while i < len(parts):
        if not isinstance(node, Mapping):
            return None
        for j in range(len(parts), i, -1):  # longest key first: names may hold dots
            key = ".".join(parts[i:j])
            if key in node:
                node, i = node[key], j
                break
        else:
            return None
    if isinstance(node, Mapping) and "value" in node:
        return node["value"]
    return node if not isinstance(node, (Mapping, list)) else None


def metric_units(summary: Mapping, metrics: Sequence[str]) -> dict[str, str]:
    """The unit of each metric path in a summary ("" where the leaf has none).

    Parameters
    ----------
    summary : mapping
        A run's summary.
    metrics : sequence of str
        Dotted summary paths.
    """
    out = {}
    for m in metrics:
        parent, _, last = m.rpartition(".")
        node = summary
        for key in parent.split(".") if parent else ():
            node = node.get(key, {}) if isinstance(node, Mapping) else {}
        item = node.get(last) if isinstance(node, Mapping) else None
        out[m] = item.get("unit", "") if isinstance(item, Mapping) else ""
    return out


def run_case(base: Mapping, base_dir: str, overrides: Sequence[tuple[str, Any]],
             only: Sequence[str] | None, metrics: Sequence[str]) -> dict[str, Any]:
    """Run one case and return its metrics (a pure function of its arguments: safe to run in
    any process).

    Parameters
    ----------
    base : mapping
        The base scenario, parsed.
    base_dir : str
        Folder relative file paths in the scenario are read from.
    overrides : sequence of (str, object)
        The case's field values.
    only : sequence of str or None
        Stages to run (None: all).
    metrics : sequence of str
        Summary paths to return.

    Returns
    -------
    dict
        ``{"status": "ok" | "failed", "error": str, "units": {path: unit}, path: value...}``.
    """
    from . import pipeline
    from .results import build_summary
    from .scenario import Scenario

    data = apply_overrides(base, overrides)
    row: dict[str, Any] = {"status": "ok", "error": "", "units": {}}
    try:
        scenario = Scenario.model_validate(data, context={"base_dir": base_dir})
        results = pipeline.run(scenario, only=list(only) if only else None)
        summary = build_summary(scenario, yaml.safe_dump(data), "sweep",
                                pipeline.select(list(only) if only else None), results)
    except ScenarioError as exc:  # validated already; kept for safety
        return {**row, "status": "failed", "error": str(exc)}
    except Exception as exc:  # noqa: BLE001 (a case's failure is data, the sweep goes on)
        return {**row, "status": "failed", "error": f"{type(exc).__name__}: {exc}"}
    row["units"] = metric_units(summary, metrics)
    for m in metrics:
        row[m] = leaf(summary, m)
    return row


def _terrain_key(case: Case, spec: SweepSpec) -> str:
    data = apply_overrides(spec.base, case.overrides)
    return yaml.safe_dump({k: data.get(k) for k in ("terrain", "sites")}, sort_keys=True)


def _case(args):
    return run_case(*args)


def run_sweep(spec: SweepSpec, workers: int = 1, progress: Callable[[int, int], None] | None = None,
              scheduler: str | None = None) -> list[dict[str, Any]]:
    """Run every case of a sweep; rows in case order.

    Parameters
    ----------
    spec : SweepSpec
        From :func:`load_spec`.
    workers : int
        Cases run on this many Dask worker processes (:func:`lupex.cluster.map_chunks`; 1: one
        after another here). Each case then runs its own stages with one worker.
    progress : callable, optional
        ``(done, total)`` after each case.
    scheduler : str, optional
        A ``dask.distributed`` scheduler address to run the cases on instead.

    Returns
    -------
    list of dict
        Per case: ``case`` (its name), each parameter's value, then :func:`run_case`'s row.
    """
    from .cluster import map_chunks

    n = len(spec.cases)

    def args(case, workers_inside=None):
        over = case.overrides + ((("compute.workers", workers_inside),) if workers_inside else ())
        return (spec.base, str(spec.scenario_path.parent), over, spec.only, spec.metrics)

    rows: list[dict | None] = [None] * n
    # one case per distinct terrain first, here with the scenario's workers (fills the horizon
    # cache), then the others on the sweep's workers, one worker inside each
    first: dict[str, int] = {}
    for i, c in enumerate(spec.cases):
        first.setdefault(_terrain_key(c, spec), i)
    lead = sorted(first.values())
    rest = [i for i in range(n) if i not in set(lead)]
    for k, i in enumerate(lead, 1):
        rows[i] = run_case(*args(spec.cases[i]))
        if progress:
            progress(k, n)
    inner = 1 if (workers > 1 or scheduler) else None  # no workers inside workers
    out = map_chunks(_case, [args(spec.cases[i], inner) for i in rest], workers=workers,
                     scheduler=scheduler,
                     progress=(lambda k, _t: progress(len(lead) + k, n)) if progress else None)
    for i, r in zip(rest, out, strict=True):
        rows[i] = r
    table = []
    for case, row in zip(spec.cases, rows, strict=True):
        values = dict(case.overrides)
        table.append({"case": case.name, **{p: values.get(p) for p in spec.parameters}, **row})
    return table
