"""Presentation of the lunar-orbit phase (stage 'lunar_orbit'): burns, events, the PDI state
and the node-phasing wait."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

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
    p = r.phase
    return {
        "landing_site": r.site_name,
        "sequence": p.sequence,
        "gravity_degree": quantity(p.degree, "1"),
        "burns": [{"name": b.name, "start_utc": utc_iso(b.start_jd_tdb), "dv": quantity(b.dv_kms * 1e3, "m/s"),
                   "duration": quantity(b.duration_s, "s"), "mass_before": quantity(b.mass_before_kg, "kg"),
                   "mass_after": quantity(b.mass_after_kg, "kg"),
                   "periselene_altitude_after": quantity(b.periselene_alt_km, "km"),
                   "aposelene_altitude_after": quantity(b.aposelene_alt_km, "km")} for b in _burns(r)],
        "events": {name: {"utc": utc_iso(jd), "jd_tdb": quantity(jd, "JD_TDB")} for name, jd in p.events},
        "total_dv": quantity(p.total_dv_kms * 1e3, "m/s"),
        "propellant": quantity(p.propellant_kg, "kg"),
        "phasing_wait": quantity(p.wait_s / 86400.0, "d"),
        "plane_trim_dv": quantity(p.plane_trim_dv_kms * 1e3, "m/s"),
        "site_cross_track_at_pdi": quantity(p.site_cross_track_km, "km"),
        "time_in_lunar_orbit": quantity(p.pdi_jd_tdb - r.arrival_jd_tdb, "d"),
        "pdi": {"utc": utc_iso(p.pdi_jd_tdb), "lat": quantity(p.pdi_lat_deg, "deg"),
                "lon": quantity(p.pdi_lon_deg, "deg"),
                "altitude": quantity(p.pdi_alt_km, "km"), "mass": quantity(r.pdi_mass_kg, "kg"),
                "uprange_angle": quantity(r.nominal.uprange_deg, "deg"),
                "ground_range": quantity(r.nominal.ground_range_km, "km")},
        "note": r.note,
    }


def report(r) -> str:
    """Markdown: the burn table and the PDI state.

    Parameters
    ----------
    r : lupex.stages.lunar_orbit.LunarOrbitResult
        The stage result.
    """
    p = r.phase
    rows = [("| burn | start (UTC) | Δv (m/s) | duration (s) | mass before (kg) | mass after (kg) "
            "| orbit after (km) |"), "|---|---|---|---|---|---|---|"]
    rows += [f"| {b.name} | {utc_iso(b.start_jd_tdb)[:19]} | {b.dv_kms * 1e3:.1f} | {b.duration_s:.0f} | "
             f"{b.mass_before_kg:.1f} | {b.mass_after_kg:.1f} | "
             + (f"{b.periselene_alt_km:.0f} x {b.aposelene_alt_km:.0f} |"
                if np.isfinite(b.periselene_alt_km) else "|") for b in _burns(r)]
    return "\n".join(rows + [
        "",
        (f"Powered descent starts {utc_iso(p.pdi_jd_tdb)[:19]} UTC at ({p.pdi_lat_deg:.3f}, "
         f"{p.pdi_lon_deg:.3f}) deg, {p.pdi_alt_km:.1f} km, {r.nominal.uprange_deg:.2f} deg "
         f"({r.nominal.ground_range_km:.0f} km) uprange of {r.site_name}, with "
         f"{r.pdi_mass_kg:.0f} kg, {(p.pdi_jd_tdb - r.arrival_jd_tdb):.2f} d after arrival."),
        "", f"Model: {r.note}."])


def figures(r) -> dict:
    """The phase's altitude against time, the burns marked.

    Parameters
    ----------
    r : lupex.stages.lunar_orbit.LunarOrbitResult
        The stage result.
    """
    p = r.phase
    fig = Figure(figsize=(8.0, 4.0), constrained_layout=True)
    ax = fig.add_subplot()
    t0 = r.arrival_jd_tdb
    ax.plot(p.history_jd_tdb - t0, p.history_alt_km, color="tab:blue", lw=0.8)
    for b in p.burns:
        ax.axvspan(b.start_jd_tdb - t0, b.end_jd_tdb - t0, color="tab:red", alpha=0.3)
        ax.annotate(b.name, (b.start_jd_tdb - t0, ax.get_ylim()[1]), rotation=90, va="top",
                    fontsize=7)
    ax.set_yscale("log")
    ax.set_xlabel("days after arrival at the Moon")
    ax.set_ylabel("altitude [km]")
    ax.set_title(f"Lunar orbit phase ({p.sequence}): {p.total_dv_kms * 1e3:.0f} m/s, "
                 f"PDI {(p.pdi_jd_tdb - t0):.1f} d after arrival")
    ax.grid(alpha=0.3, which="both")
    return {"lunar_orbit_altitude": fig}
