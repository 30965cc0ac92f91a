"""Stage 'surface': what a planner asks of each site — sunlight and Earth visibility against
the terrain over the surface mission, permanently shadowed regions over the 18.6-year
precession cycle, distance to them, a ranked table, solar energy and comms per day, and a
rover traverse from the best site to a PSR edge."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from ..scenario import Scenario
from ..surface import energy as E
from ..surface import psr as P
from ..surface import sites as S
from ..surface import surface_plots as SP
from ..surface import traverse as TV
from ..surface.illumination import IlluminationMap, body_track
from ..surface.visibility import earth_visibility_map
from ..timescale import tdb_grid
from .base import Progress, Stage
from .terrain import TerrainResult


@dataclass(frozen=True, eq=False)
class SurfaceResult:
    terrain: TerrainResult
    psr: P.PsrResult
    earth_map: IlluminationMap
    assessment: S.SiteAssessment
    energy: E.EnergyBudget
    traverse: TV.Traverse | None
    traverse_note: str


def _weights(scenario: Scenario) -> S.SiteWeights:
    w = scenario.ranking.weights
    return S.SiteWeights(illumination=w.get("illumination", 0.0), night=w.get("night", 0.0),
                         earth=w.get("earth", 0.0), slope=w.get("slope", 0.0),
                         psr_access=w.get("psr_distance", 0.0))


def run(scenario: Scenario, inputs: Mapping, progress: Progress) -> SurfaceResult:
    ter: TerrainResult = inputs["terrain"]
    dem, masks = ter.terrain.dem, ter.horizon_rad
    _, jd = tdb_grid(scenario.landing_time(), scenario.surface.duration_days,
                     scenario.surface.time_step_hours)
    progress(0, 5)
    psr = P.psr_map(dem, masks, start_jd=float(jd[0]))
    progress(1, 5)
    lat, lon = dem.latlon()
    earth_map = earth_visibility_map(lat, lon, masks, jd, time_series=False)
    progress(2, 5)
    rk = scenario.ranking
    constraints = S.SiteConstraints(max_slope_deg=rk.max_slope_deg, min_illumination=rk.min_illumination,
                                    max_night_h=rk.max_night_hours,
                                    min_earth_fraction=rk.min_earth_visibility)
    assessment = S.assess_sites(dem, masks, ter.terrain.slope_deg, ter.sites, jd, constraints,
                                _weights(scenario), psr=psr)
    progress(3, 5)
    energy = E.daily_budget(assessment.sun, body_track("sun", jd), assessment.earth)
    progress(4, 5)
    traverse, notes = None, []
    if psr.psr.any():
        for i in (int(k) for k in assessment.order):  # best-ranked site the rover can leave
            try:
                traverse = TV.plan_traverse(dem, ter.terrain.slope_deg, masks,
                                            (assessment.lat_deg[i], assessment.lon_deg[i]),
                                            psr=psr.psr, depart_jd=float(jd[0]),
                                            max_slope_deg=max(rk.max_slope_deg, 20.0))
                traverse_site = assessment.names[i]
                break
            except ValueError as exc:
                notes.append(f"no traverse from {assessment.names[i]}: {exc}")
    else:
        notes.append("no permanently shadowed pixel on this map: no traverse target")
    note = "; ".join(notes)
    if traverse is not None:
        note = (note + "; " if note else "") + f"traverse from {traverse_site}"
    progress(5, 5)
    return SurfaceResult(ter, psr, earth_map, assessment, energy, traverse, note)


def summary(r: SurfaceResult) -> dict:
    names = list(r.assessment.names)
    out = {
        "psr": P.to_summary(r.psr),
        "sites": S.to_summary(r.assessment),
        "energy_and_comms": E.to_summary(r.energy, names),
        "earth_visibility_map_mean": {"value": float(np.mean(r.earth_map.mean_fraction)), "unit": ""},
    }
    out["traverse"] = {"note": r.traverse_note}
    if r.traverse is not None:
        out["traverse"].update(TV.to_summary(r.traverse))
    return out


def report(r: SurfaceResult) -> str:
    a = r.assessment
    lines = [
        (f"Terrain-aware over the surface mission ({a.window_h:.0f} h). Permanently shadowed "
        f"area on the map: {r.psr.psr_area_km2:.2f} km² (18.6-year cycle, Sun as a disk)."),
        "",
        ("| rank | site | score | feasible | slope (deg) | sunlit | longest night (h) | Earth centre up "
        "| Sun & Earth | to PSR (km) | energy (Wh/m²/day) | Earth contact (h/day) |"),
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in a.to_rows():
        i = a.names.index(row["name"])
        energy = float(np.mean(r.energy.energy_wh_m2[i]))
        contact = float(np.nanmean(r.energy.earth_contact_h[i]))
        failed = "yes" if row["feasible"] else "no (" + ", ".join(row["failed"]) + ")"
        lines.append(
            f"| {row['rank']} | {row['name']} | {row['score']:.3f} | {failed} | {row['slope_deg']:.1f} "
            f"| {row['mean_illumination']:.1%} | {row['longest_night_h']:.0f} | {row['earth_fraction']:.1%} "
            f"| {row['sun_earth_overlap']:.1%} | {row['psr_distance_km']:.2f} | {energy:.0f} | {contact:.1f} |")
    if r.traverse is not None:
        t = r.traverse
        lines += ["", (f"Rover traverse ({r.traverse_note}) to the nearest PSR edge: "
                      f"{t.length_km:.2f} km, max slope {t.max_slope_deg:.1f}°, {t.drive_time_h:.1f} h "
                      f"at {t.speed_kmh:g} km/h, {t.shadow_time_h:.1f} h in shadow.")]
    elif r.traverse_note:
        lines += ["", r.traverse_note]
    return "\n".join(lines)


def figures(r: SurfaceResult) -> dict:
    dem, sites, a = r.terrain.terrain.dem, r.terrain.sites, r.assessment
    figs = {
        "illumination_map": SP.plot_illumination_map(
            dem, r.psr.mean_fraction, psr=r.psr.psr, sites=sites,
            title="Mean solar illumination over 18.6 years (PSRs outlined)"),
        "earth_visibility_map": SP.plot_earth_visibility_map(dem, r.earth_map.mean_fraction, sites=sites),
        "energy_per_day": SP.plot_energy(r.energy, list(a.names)),
    }
    for i, name in enumerate(a.names):
        key = "".join(c if c.isalnum() else "_" for c in name.lower())
        horizon = r.terrain.horizon_rad[int(a.row[i]), int(a.col[i])]
        figs[f"horizon_{key}"] = SP.plot_horizon_polar(a, i, horizon, np.radians(a.lon_deg[i]))
        figs[f"timeline_{key}"] = SP.plot_site_timeline(a, i)
    if r.traverse is not None:
        figs["traverse"] = SP.plot_traverse(dem, r.traverse, background=r.psr.mean_fraction, psr=r.psr.psr)
    return figs


STAGE = Stage("surface", "Illumination, Earth visibility, PSRs and site ranking", ("terrain",), run, summary,
              report, figures)
