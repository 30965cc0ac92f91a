"""Presentation of the lander's mass ledger (stage 'ledger'): summary figures, Markdown and
the delta-v waterfall.

The stage result (``lupex.stages.ledger.LedgerResult``) carries ``ledger``
(:class:`lupex.lander.ledger.MassLedger`) and ``assumptions``; the functions here read those
attributes only, so this module does not import the stage back.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from lupex.report.quantity import quantity


def summary(r) -> dict:
    """The ledger, each figure ``{"value", "unit"}`` (JSON-ready).

    Parameters
    ----------
    r : lupex.stages.ledger.LedgerResult
        The stage result.
    """
    g = r.ledger
    lines = []
    for x in g.lines:
        row = {"name": x.name, "kind": x.kind, "mass": quantity(x.mass_kg, "kg")}
        if x.kind in ("burn", "reserve"):
            row["dv"] = quantity(x.dv_kms * 1e3, "m/s")
        if x.kind == "burn":
            row["mass_before"] = quantity(x.mass_before_kg, "kg")
            row["mass_after"] = quantity(x.mass_after_kg, "kg")
        lines.append(row)
    return {
        "lines": lines,
        "launch_mass": quantity(g.launch_mass_kg, "kg"),
        "ledger_total": quantity(g.total_kg, "kg"),
        "total_dv": quantity(g.total_dv_kms * 1e3, "m/s"),
        "propellant_loaded": quantity(g.propellant_loaded_kg, "kg"),
        "propellant_used": quantity(g.propellant_used_kg, "kg"),
        "residuals": quantity(g.line("residual").mass_kg, "kg"),
        "dispersion_reserve": quantity(g.line("reserve").mass_kg, "kg"),
        "propellant_margin": quantity(g.margin_kg, "kg"),
        "landed_mass": quantity(g.landed_mass_kg, "kg"),
        "feasible": g.margin_kg >= 0.0,
        "assumptions": list(r.assumptions),
    }


def report(r) -> str:
    """Markdown: the ledger table and the margin verdict.

    Parameters
    ----------
    r : lupex.stages.ledger.LedgerResult
        The stage result.
    """
    g = r.ledger
    rows = ["| line | Δv (m/s) | mass (kg) | lander mass after (kg) |", "|---|---|---|---|"]
    for x in g.lines:
        dv = f"{x.dv_kms * 1e3:.1f}" if np.isfinite(x.dv_kms) else ""
        after = f"{x.mass_after_kg:.1f}" if np.isfinite(x.mass_after_kg) else ""
        rows.append(f"| {x.name} | {dv} | {x.mass_kg:.1f} | {after} |")
    rows.append(f"| **total = launch mass** | **{g.total_dv_kms * 1e3:.0f}** | **{g.total_kg:.1f}** | |")
    verdict = "enough" if g.margin_kg >= 0 else "**NOT enough**"
    return "\n".join(rows + [
        "",
        (f"Propellant loaded {g.propellant_loaded_kg:.0f} kg, burned {g.propellant_used_kg:.0f} kg, residuals "
         f"{g.line('residual').mass_kg:.0f} kg, dispersion reserve {g.line('reserve').mass_kg:.0f} kg: "
         f"{verdict} (margin {g.margin_kg:+.0f} kg)."),
        "", "Assumptions: " + " ".join(r.assumptions)])


def plot_dv_waterfall(ledger) -> Figure:
    """Delta-v waterfall: each burn's dv stacked from separation to touchdown, with the
    propellant it cost.

    Parameters
    ----------
    ledger : lupex.lander.ledger.MassLedger
        The ledger.
    """
    burns = ledger.burns
    dv = np.array([b.dv_kms * 1e3 for b in burns])
    start = np.concatenate([[0.0], np.cumsum(dv)[:-1]])
    fig = Figure(figsize=(10, 4.8), layout="constrained")
    ax = fig.add_subplot()
    names = [b.name for b in burns] + ["total"]
    ax.bar(range(len(burns)), dv, bottom=start, color="tab:purple")
    ax.bar(len(burns), dv.sum(), color="tab:grey")
    for i, b in enumerate(burns):
        ax.text(i, start[i] + dv[i], f"{dv[i]:.0f} m/s\n{b.mass_kg:.0f} kg", ha="center", va="bottom", fontsize=7)
    ax.text(len(burns), dv.sum(), f"{dv.sum():.0f} m/s", ha="center", va="bottom", fontsize=8)
    ax.set_xticks(range(len(names)), names, rotation=30, ha="right", fontsize=8)
    ax.set_ylim(0.0, 1.15 * max(dv.sum(), 1.0))  # room for the labels
    ax.set(ylabel="cumulative Δv (m/s)",
           title=f"Δv waterfall; propellant margin {ledger.margin_kg:+.0f} kg after residuals and reserve")
    ax.grid(alpha=0.3, axis="y")
    return fig


def figures(r) -> dict:
    """The ledger's figures, by file stem.

    Parameters
    ----------
    r : lupex.stages.ledger.LedgerResult
        The stage result.
    """
    return {"dv_waterfall": plot_dv_waterfall(r.ledger)}
