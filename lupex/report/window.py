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

__all__ = ["figures", "plot_survey_calendar", "report", "summary"]


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
    out = {"candidates": quantity(s.launch_jd_tdb.size, "1"),
           "time_of_flight_estimate": quantity(s.tof_estimate_days, "d"),
           "chosen_launch_utc": result.launch_utc[s.chosen],
           "touchdown_constraint_met": bool(s.feasible[s.chosen]),
           "table": rows}
    sv = getattr(result, "survey", None)
    if sv is not None:
        out["survey"] = {
            "candidates": quantity(sv.launch_jd_tdb.size, "1"),
            "best_launch_utc": result.survey_launch_utc[sv.chosen],
            "feasible_candidates": quantity(int(sv.feasible.sum()), "1"),
            "table": [{"launch_utc": result.survey_launch_utc[k],
                       "sun_up_at_touchdown": bool(sv.feasible[k]),
                       "mean_sunlit_fraction": quantity(sv.mean_sunlit_fraction[k], "1")}
                      for k in range(sv.launch_jd_tdb.size)],
        }
    return out


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
    sv = getattr(result, "survey", None)
    if sv is not None:
        lines += ["", (f"Survey: {sv.launch_jd_tdb.size} launch dates from "
                       f"{result.survey_launch_utc[0][:10]} to {result.survey_launch_utc[-1][:10]}, "
                       f"{int(sv.feasible.sum())} with the Sun up at every site at touchdown; "
                       f"best {result.survey_launch_utc[sv.chosen][:16]} UTC, mean sunlit share "
                       f"{sv.mean_sunlit_fraction[sv.chosen]:.1%} (calendar: window_survey.png; "
                       "reported only, the window's choice is flown).")]
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
    out = {"launch_window": fig}
    if getattr(result, "survey", None) is not None:
        out["window_survey"] = plot_survey_calendar(result.survey, result.survey_launch_utc)
    return out


def _calendar_grid(launch_utc, values):
    """Month rows x day-of-month columns of ``values`` (the best per day), NaN elsewhere."""
    months = sorted({u[:7] for u in launch_utc})
    grid = np.full((len(months), 31), np.nan)
    row = {m: i for i, m in enumerate(months)}
    for u, v in zip(launch_utc, values):
        i, j = row[u[:7]], int(u[8:10]) - 1
        grid[i, j] = v if np.isnan(grid[i, j]) else max(grid[i, j], v)
    return months, grid


def plot_survey_calendar(search, launch_utc) -> Figure:
    """Calendar of a survey: one row per month, one cell per launch day, coloured by the
    mean sunlit share of the surface mission; days with the Sun below a site's horizon at
    touchdown crossed; the best date ringed.

    Parameters
    ----------
    search : lupex.window.WindowSearch
        The survey.
    launch_utc : sequence of str
        Its candidate lift-offs, UTC ISO.
    """
    score = np.where(search.feasible, search.mean_sunlit_fraction, np.nan) * 100.0
    months, grid = _calendar_grid(launch_utc, search.mean_sunlit_fraction * 100.0)
    _, ok = _calendar_grid(launch_utc, np.nan_to_num(score, nan=-1.0))
    fig = Figure(figsize=(11, 0.32 * len(months) + 1.6), layout="constrained")
    ax = fig.subplots()
    im = ax.imshow(grid, aspect="auto", cmap="viridis", vmin=0.0, vmax=100.0,
                   extent=(0.5, 31.5, len(months) - 0.5, -0.5))
    bad = np.argwhere(ok < 0)
    ax.plot(bad[:, 1] + 1, bad[:, 0], "x", color="tab:red", ms=4,
            label="Sun below a site's horizon at touchdown")
    b = launch_utc[search.chosen]
    ax.plot(int(b[8:10]), months.index(b[:7]), "o", mfc="none", mec="w", ms=10, mew=2,
            label=f"best {b[:10]}")
    ax.set_yticks(range(len(months)), months, fontsize=7)
    ax.set_xticks(range(1, 32, 2))
    ax.set_xlabel("launch day of month")
    ax.set_title("Launch survey: mean sunlit share of the surface mission (%)")
    fig.colorbar(im, ax=ax, label="sunlit (%)")
    ax.legend(fontsize=7, loc="upper right")
    return fig
