"""The mission timeline for a reader: each event in UTC and TDB, and the time between them.

Works on a :class:`lupex.timeline.Timeline`; builds every figure with
:func:`lupex.report.quantity.quantity`.
"""

from __future__ import annotations

from lupex.report.quantity import quantity

__all__ = ["report", "summary"]

_LABELS = {
    "lift_off": "lift-off",
    "tli": "trans-lunar injection (TLI)",
    "loi": "arrival at periselene, lunar-orbit insertion (LOI)",
    "touchdown": "touchdown",
    "surface_start": "surface mission start",
    "surface_end": "surface mission end",
}


def summary(tl) -> dict:
    """The timeline's summary: every event's UTC time and TDB Julian date, and its time since
    lift-off [d].

    Parameters
    ----------
    tl : lupex.timeline.Timeline
        The mission timeline.
    """
    t0 = tl.event("lift_off").jd_tdb
    return {"events": {e.name: {"utc": e.utc, "jd_tdb": quantity(e.jd_tdb, "JD_TDB"),
                                "since_lift_off": quantity(e.jd_tdb - t0, "d")}
                       for e in tl.events}}


def report(tl) -> str:
    """The timeline's Markdown section: one row per event.

    Parameters
    ----------
    tl : lupex.timeline.Timeline
        The mission timeline.
    """
    t0 = tl.event("lift_off").jd_tdb
    lines = [("Built once from the solved transfer; the sky and surface stages read their window "
              "from it. Time in lunar orbit is an allowance (`lunar_orbit.days_to_touchdown`)."), "",
             "| event | UTC | TDB Julian date | days after lift-off |", "|---|---|---|---|"]
    for e in tl.events:
        lines.append(f"| {_LABELS.get(e.name, e.name)} | {e.utc[:19]} | {e.jd_tdb:.5f} | {e.jd_tdb - t0:.3f} |")
    return "\n".join(lines)


def figures(tl) -> dict:
    """No plots: the timeline is a table.

    Parameters
    ----------
    tl : lupex.timeline.Timeline
        The mission timeline.
    """
    return {}
