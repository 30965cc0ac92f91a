"""The launch window for a reader: the window table and a calendar plot of the sunlit share
of the surface mission against the launch date, the chosen date marked.

Works on the window stage's result (``search``, a :class:`lupex.window.WindowSearch`,
``site_names``, ``launch_utc`` and ``touchdown_utc``); figures via
:func:`lupex.report.quantity.quantity`.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from lupex.report.quantity import quantity

__all__ = ["figures", "report", "summary"]


def summary(result) -> dict:
    """The window table: per candidate date its touchdown, the Sun's elevation at each site
    at touchdown, each site's sunlit share of the surface mission, and the chosen flag.

    Parameters
    ----------
    result : lupex.stages.window.WindowResult
        The window stage's result.
    """
    s = result.search
    rows = []
    for k in range(s.launch_jd_tdb.size):
        rows.append({
            "launch_utc": result.launch_utc[k],
            "launch_jd_tdb": quantity(s.launch_jd_tdb[k], "JD_TDB"),
            "touchdown_utc": result.touchdown_utc[k],
            "touchdown_jd_tdb": quantity(s.touchdown_jd_tdb[k], "JD_TDB"),
            "sun_elevation_at_touchdown": {n: quantity(s.sun_elevation_deg[k, i], "deg")
                                           for i, n in enumerate(result.site_names)},
            "sunlit_fraction": {n: quantity(s.sunlit_fraction[k, i], "1")
                                for i, n in enumerate(result.site_names)},
            "mean_sunlit_fraction": quantity(s.mean_sunlit_fraction[k], "1"),
            "sun_up_at_touchdown": bool(s.feasible[k]),
            "chosen": k == s.chosen,
        })
    return {"candidates": quantity(s.launch_jd_tdb.size, "1"),
            "time_of_flight_estimate": quantity(s.tof_estimate_days, "d"),
            "chosen_launch_utc": result.launch_utc[s.chosen],
            "touchdown_constraint_met": bool(s.feasible[s.chosen]),
            "table": rows}


def report(result) -> str:
    """The window's Markdown section: the chosen date and the best few candidates.

    Parameters
    ----------
    result : lupex.stages.window.WindowResult
        The window stage's result.
    """
    s = result.search
    k = s.chosen
    lines = [
        (f"{s.launch_jd_tdb.size} candidate launch dates from {result.launch_utc[0][:16]} to "
         f"{result.launch_utc[-1][:16]} UTC; touchdown estimated as lift-off + coast + "
         f"{s.tof_estimate_days:.2f} d (two-body conic at the scenario's C3) + the lunar-orbit "
         "allowance. Chosen: the highest mean sunlit share (any part of the Sun above each "
         "site's terrain horizon) with the Sun's centre above every site's flat horizon at "
         "touchdown" + ("" if s.feasible[k] else " (no date met that; best share regardless)") + "."),
        "",
        (f"**Chosen launch {result.launch_utc[k][:16]} UTC**, touchdown ~{result.touchdown_utc[k][:16]} "
         f"UTC, mean sunlit share {s.mean_sunlit_fraction[k]:.1%}."),
        "",
        "| launch (UTC) | touchdown (UTC) | Sun el. at touchdown, min over sites (deg) | mean sunlit share | chosen |",
        "|---|---|---|---|---|",
    ]
    best = np.argsort(-s.mean_sunlit_fraction, kind="stable")[:8]
    for j in sorted(set(best.tolist()) | {k}):
        lines.append(f"| {result.launch_utc[j][:16]} | {result.touchdown_utc[j][:16]} | "
                     f"{s.sun_elevation_deg[j].min():.2f} | {s.mean_sunlit_fraction[j]:.1%} | "
                     f"{'**yes**' if j == k else ''} |")
    return "\n".join(lines)


def figures(result) -> dict:
    """The calendar plot: sunlit share of the surface mission against the launch date.

    Parameters
    ----------
    result : lupex.stages.window.WindowResult
        The window stage's result.
    """
    s = result.search
    days = s.launch_jd_tdb - s.launch_jd_tdb[0]
    fig = Figure(figsize=(9, 4), layout="constrained")
    ax = fig.subplots()
    for i, n in enumerate(result.site_names):
        ax.plot(days, s.sunlit_fraction[:, i] * 100.0, lw=1, label=n)
    ax.plot(days, s.mean_sunlit_fraction * 100.0, color="k", lw=2, label="mean")
    bad = ~s.feasible
    ax.plot(days[bad], s.mean_sunlit_fraction[bad] * 100.0, "x", color="tab:red",
            label="Sun below a site's horizon at touchdown")
    ax.axvline(days[s.chosen], color="tab:green", ls="--", label=f"chosen {result.launch_utc[s.chosen][:10]}")
    ax.set_xlabel(f"launch date, days after {result.launch_utc[0][:16]} UTC")
    ax.set_ylabel("surface mission sunlit (%)")
    ax.set_title("Launch window: Sun on the sites over the surface mission")
    ax.legend(fontsize=7, loc="best")
    return {"launch_window": fig}
