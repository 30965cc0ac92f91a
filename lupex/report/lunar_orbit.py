"""Presentation of the lunar-orbit phase (stage 'lunar_orbit'): burns, events, the PDI state
and the node-phasing wait."""

from __future__ import annotations

from lupex.report.quantity import quantity
from lupex.timescale import utc_iso


def _burns(r):
    return [r.tcm, *r.phase.burns]


def summary(r) -> dict:
    """Burns, events and the PDI state, each figure ``{"value", "unit"}``.

    Parameters
    ----------
    r : lupex.stages.lunar_orbit.LunarOrbitResult
        The stage result.
    """
    p = r.phase.pdi
    return {
        "landing_site": r.site_name,
        "burns": [{"name": b.name, "start_utc": utc_iso(b.start_jd_tdb), "dv": quantity(b.dv_kms * 1e3, "m/s"),
                   "duration": quantity(b.duration_s, "s"), "mass_before": quantity(b.mass_before_kg, "kg"),
                   "mass_after": quantity(b.mass_after_kg, "kg")} for b in _burns(r)],
        "events": {name: {"utc": utc_iso(jd), "jd_tdb": quantity(jd, "JD_TDB")} for name, jd in r.phase.events},
        "phasing_wait": quantity(r.phase.phasing_wait_s / 86400.0, "d"),
        "pdi": {"utc": utc_iso(p.epoch_jd_tdb), "lat": quantity(p.lat_deg, "deg"), "lon": quantity(p.lon_deg, "deg"),
                "altitude": quantity(p.alt_km, "km"), "mass": quantity(r.pdi_mass_kg, "kg"),
                "uprange_angle": quantity(r.nominal.uprange_deg, "deg"),
                "ground_range": quantity(r.nominal.ground_range_km, "km")},
        "note": r.phase.note,
    }


def report(r) -> str:
    """Markdown: the burn table and the PDI state.

    Parameters
    ----------
    r : lupex.stages.lunar_orbit.LunarOrbitResult
        The stage result.
    """
    p = r.phase.pdi
    rows = ["| burn | start (UTC) | Δv (m/s) | duration (s) | mass before (kg) | mass after (kg) |",
            "|---|---|---|---|---|---|"]
    rows += [f"| {b.name} | {utc_iso(b.start_jd_tdb)[:19]} | {b.dv_kms * 1e3:.1f} | {b.duration_s:.0f} | "
             f"{b.mass_before_kg:.1f} | {b.mass_after_kg:.1f} |" for b in _burns(r)]
    return "\n".join(rows + [
        "",
        (f"Powered descent starts {utc_iso(p.epoch_jd_tdb)[:19]} UTC at ({p.lat_deg:.3f}, {p.lon_deg:.3f}) deg, "
         f"{p.alt_km:.1f} km, {r.nominal.uprange_deg:.2f} deg ({r.nominal.ground_range_km:.0f} km) uprange of "
         f"{r.site_name}, with {r.pdi_mass_kg:.0f} kg; node phasing wait {r.phase.phasing_wait_s / 86400.0:.2f} d."),
        "", f"Model: {r.phase.note}."])


def figures(r) -> dict:
    """No plots here (the landing stage draws the last orbits over the terrain).

    Parameters
    ----------
    r : lupex.stages.lunar_orbit.LunarOrbitResult
        The stage result.
    """
    return {}
