"""Presentation of the landing-site selection (stage 'sites'): the chosen site, why, and
every candidate's values against the hard limits."""

from __future__ import annotations

from lupex.report.quantity import quantity


def summary(r) -> dict:
    """The landing site and each candidate's assessment, each figure ``{"value", "unit"}``.

    Parameters
    ----------
    r : lupex.stages.sites.SitesResult
        The stage result.
    """
    a = r.assessment
    sites = {}
    for rank, i in enumerate(a.order, start=1):
        sites[a.names[i]] = {
            "rank": quantity(rank, "1"), "slope": quantity(a.slope_deg[i], "deg"),
            "mean_illumination": quantity(a.mean_illumination[i], "1"),
            "longest_night": quantity(a.longest_night_h[i], "h"),
            "earth_fraction": quantity(a.earth_fraction[i], "1"),
            "meets_limits": bool(a.feasible[i]), "failed": list(a.failed[i]),
            "score": quantity(a.score[i], "1")}
    return {"landing_site": r.name, "reason": r.choice.reason, "meets_limits": r.choice.meets_limits,
            "lat": quantity(r.lat_deg, "deg"), "lon": quantity(r.lon_deg, "deg"),
            "ground_height": quantity(r.height_m, "m"),
            "planned_touchdown_jd_tdb": quantity(r.planned_touchdown_jd_tdb, "JD_TDB"),
            "sites": sites}


def report(r) -> str:
    """Markdown: the chosen site and the ranked table.

    Parameters
    ----------
    r : lupex.stages.sites.SitesResult
        The stage result.
    """
    a, c = r.assessment, r.assessment.constraints
    lines = [(f"**Landing site: {r.name}** ({r.lat_deg:.4f}, {r.lon_deg:.4f}) deg, ground {r.height_m:.0f} m "
             f"- {r.choice.reason}."), "",
             (f"Hard limits: slope <= {c.max_slope_deg:g} deg, mean illumination >= {c.min_illumination:g}, "
             f"longest night <= {c.max_night_h:g} h, Earth in view >= {c.min_earth_fraction:g} of the surface "
             "mission (from the window's estimated touchdown). Sites that meet them rank first."), "",
             "| rank | site | slope (deg) | illumination | longest night (h) | Earth | score | limits |",
             "|---|---|---|---|---|---|---|---|"]
    for rank, i in enumerate(a.order, start=1):
        ok = "met" if a.feasible[i] else "fails " + ", ".join(a.failed[i])
        lines.append(f"| {rank} | {a.names[i]} | {a.slope_deg[i]:.1f} | {a.mean_illumination[i]:.2f} | "
                     f"{a.longest_night_h[i]:.0f} | {a.earth_fraction[i]:.2f} | {a.score[i]:.3f} | {ok} |")
    return "\n".join(lines)


def figures(r) -> dict:
    """No plots (the surface stage maps the sites).

    Parameters
    ----------
    r : lupex.stages.sites.SitesResult
        The stage result.
    """
    return {}
