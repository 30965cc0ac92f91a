"""Presentation of a sweep: the case table (CSV text), its summary mapping, a Markdown report
and the trade plots (each metric against the swept parameters)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.figure import Figure

__all__ = ["sweep_report", "sweep_summary", "table_csv", "trade_figures"]


def _units(rows: Sequence[Mapping]) -> dict[str, str]:
    units: dict[str, str] = {}
    for r in rows:
        for k, u in (r.get("units") or {}).items():
            units.setdefault(k, u)
    return units


def _columns(parameters: Sequence[str], metrics: Sequence[str]) -> list[str]:
    return ["case", *parameters, *metrics, "status", "error"]


def _cell(v: Any) -> Any:
    if isinstance(v, float) and not np.isfinite(v):
        return ""
    if isinstance(v, (dt.datetime, dt.date)):
        return v.isoformat()
    return "" if v is None else v


def table_csv(rows: Sequence[Mapping], parameters: Sequence[str], metrics: Sequence[str]) -> str:
    """The sweep table as CSV text: one row per case; a metric's unit in its header,
    ``path [unit]``.

    Parameters
    ----------
    rows : sequence of mapping
        :func:`lupex.sweep.run_sweep`'s rows.
    parameters, metrics : sequence of str
        Swept field paths and tabulated summary paths.
    """
    units = _units(rows)
    cols = _columns(parameters, metrics)
    head = [c if not units.get(c) or units[c] == "1" else f"{c} [{units[c]}]" for c in cols]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(head)
    for r in rows:
        w.writerow([_cell(r.get(c)) for c in cols])
    return buf.getvalue()


def sweep_summary(rows: Sequence[Mapping], parameters: Sequence[str], metrics: Sequence[str],
                  spec_source: str, scenario_file: str) -> dict:
    """The sweep's summary mapping (what ``summary.json`` holds besides the version).

    Parameters
    ----------
    rows : sequence of mapping
        :func:`lupex.sweep.run_sweep`'s rows.
    parameters, metrics : sequence of str
        Swept field paths and tabulated summary paths.
    spec_source, scenario_file : str
        The spec and the base scenario, as given.
    """
    units = _units(rows)
    return {
        "kind": "sweep",
        "spec": spec_source,
        "scenario": scenario_file,
        "cases": len(rows),
        "failed": sum(r["status"] != "ok" for r in rows),
        "parameters": list(parameters),
        "metrics": {m: units.get(m, "") for m in metrics},
        "table": [{c: _cell(r.get(c)) for c in _columns(parameters, metrics)}
                  for r in rows],
    }


def sweep_report(summary: Mapping) -> str:
    """Markdown: what was swept, the table, the failed cases.

    Parameters
    ----------
    summary : mapping
        :func:`sweep_summary`'s mapping.
    """
    params, metrics = summary["parameters"], list(summary["metrics"])
    shown = [m for m in metrics if any(row.get(m) not in ("", None) for row in summary["table"])]
    lines = [f"# Sweep of `{summary['scenario']}`", "",
             (f"{summary['cases']} cases over {', '.join(f'`{p}`' for p in params) or 'listed cases'}"
             f"; {summary['failed']} failed. Full table: `sweep.csv`."), ""]
    head = ["case", *[p.split(".")[-1] for p in params],
            *[m.split(".")[-1] + (f" [{summary['metrics'][m]}]" if summary["metrics"][m] not in
                                  ("", "1") else "") for m in shown]]
    lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in summary["table"]:
        cells = [row["case"], *[row.get(p, "") for p in params], *[row.get(m, "") for m in shown]]
        lines.append("| " + " | ".join(f"{c:.4g}" if isinstance(c, float) else str(c)
                                       for c in cells) + " |")
    bad = [r for r in summary["table"] if r["status"] != "ok"]
    if bad:
        lines += ["", "Failed cases:", ""] + [f"- {r['case']}: {r['error']}" for r in bad]
    return "\n".join(lines) + "\n"


def _numeric(values: Sequence[Any]) -> np.ndarray | None:
    """Values as floats for an axis: numbers as they are, ISO dates as days since the first;
    None if any value is neither."""
    out = []
    for v in values:
        if isinstance(v, bool) or v is None:
            return None
        if isinstance(v, (int, float)):
            out.append(float(v))
            continue
        try:
            t = v if isinstance(v, dt.datetime) else dt.datetime.fromisoformat(str(v))
        except ValueError:
            return None
        out.append(t.timestamp() / 86_400.0)
    return np.asarray(out)


def trade_figures(rows: Sequence[Mapping], parameters: Sequence[str],
                  metrics: Sequence[str]) -> dict[str, Figure]:
    """One trade plot per numeric metric: the metric against the first swept parameter, one
    line per combination of the others.

    Parameters
    ----------
    rows : sequence of mapping
        :func:`lupex.sweep.run_sweep`'s rows.
    parameters, metrics : sequence of str
        Swept field paths and tabulated summary paths.

    Returns
    -------
    dict of str to matplotlib.figure.Figure
        ``trade_<metric name>``; empty when nothing numeric was swept.
    """
    ok = [r for r in rows if r["status"] == "ok"]
    units = _units(rows)
    figs: dict[str, Figure] = {}
    if not ok or not parameters:
        return figs
    x_name = parameters[0]
    x = _numeric([r.get(x_name) for r in ok])
    if x is None:
        return figs
    x_is_date = not all(isinstance(r.get(x_name), (int, float)) for r in ok)
    others = list(parameters[1:])
    for m in metrics:
        y = _numeric([r.get(m) for r in ok])
        if y is None or not all(isinstance(r.get(m), (int, float)) for r in ok):
            continue
        fig = Figure(figsize=(7.0, 4.2), constrained_layout=True)
        ax = fig.add_subplot()
        groups: dict[tuple, list[int]] = {}
        for i, r in enumerate(ok):
            groups.setdefault(tuple(r.get(o) for o in others), []).append(i)
        for key, idx in groups.items():
            idx = sorted(idx, key=lambda i: x[i])
            label = ", ".join(f"{o.split('.')[-1]}={v}" for o, v in zip(others, key)) or None
            ax.plot(x[idx] - (x.min() if x_is_date else 0.0), y[idx], "o-", label=label)
        unit = units.get(m, "")
        ax.set_ylabel(m.split(".")[-1] + (f" [{unit}]" if unit not in ("", "1") else ""))
        ax.set_xlabel(x_name + (" [days after the first]" if x_is_date else ""))
        ax.grid(alpha=0.3)
        if len(groups) > 1:
            ax.legend(fontsize=8)
        ax.set_title(f"{m.split('.')[-1]} against {x_name.split('.')[-1]}")
        figs[f"trade_{m.split('.')[-1]}"] = fig
    return figs
