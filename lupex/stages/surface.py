"""Stage 'surface': what a planner asks of each site — sunlight and Earth visibility against
the terrain over the surface mission, permanently shadowed regions over the 18.6-year
precession cycle, distance to them, a ranked table, solar energy and comms per day, and a
rover traverse from the best site to a PSR edge.

When the terrain stage kept the horizon masks in tiles on disk (``TerrainResult.tiled``)
nothing here reads the whole mask cube: the PSR, mean-illumination and Earth-visibility
maps are streamed tile by tile (:mod:`lupex.surface.tiles`: each tile's pixels on
``compute.workers`` forked processes, or whole tiles on the ``compute.scheduler``'s
workers), the site assessment reads the site pixels and rover boxes, and the traverse its
path's pixels."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass

from ..cluster import dask_client
from ..report.surface import figures, report, summary
from ..scenario import Scenario
from ..surface import energy as E
from ..surface import psr as P
from ..surface import sites as S
from ..surface import traverse as TV
from ..surface.illumination_map import IlluminationMap
from ..surface.site_figures import SiteFigures, nodal_cycle_jd, site_figures
from ..surface.tiles import earth_visibility_tiles, psr_tiles
from ..surface.tracks import body_track
from ..surface.visibility import earth_visibility_map
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
    figures_mission: SiteFigures
    figures_cycle: SiteFigures


def _weights(scenario: Scenario) -> S.SiteWeights:
    w = scenario.ranking.weights
    return S.SiteWeights(illumination=w.get("illumination", 0.0), night=w.get("night", 0.0),
                         earth=w.get("earth", 0.0), slope=w.get("slope", 0.0),
                         psr_access=w.get("psr_distance", 0.0))


def _maps_in_memory(dem, masks, jd, workers: int):
    """PSR (18.6 years from the window's start) and Earth-visibility maps of in-memory masks."""
    psr = P.psr_map(dem, masks, start_jd=float(jd[0]), workers=workers)
    lat, lon = dem.latlon()
    return psr, earth_visibility_map(lat, lon, masks, jd, time_series=False)


def _maps_in_tiles(dem, masks, jd, compute):
    """The same maps streamed tile by tile from the masks' store: tiles read here with
    their pixels on ``compute.workers`` forked processes, or on the ``compute.scheduler``'s
    Dask workers (one client for both maps)."""
    store = masks.store
    with (contextlib.nullcontext() if compute.scheduler is None
          else dask_client(compute.workers, compute.scheduler)) as client:
        where = {"workers": compute.workers, "client": client}
        psr = psr_tiles(store, dem, float(jd[0]), **where)
        earth = earth_visibility_tiles(store, dem, jd, time_series=False, **where)
    return psr, earth


def run(scenario: Scenario, inputs: Mapping, progress: Progress) -> SurfaceResult:
    """Terrain-aware illumination, Earth visibility, PSRs, site ranking, energy and the
    rover traverse over the surface mission.

    Parameters
    ----------
    scenario : lupex.scenario.Scenario
        The validated scenario.
    inputs : mapping
        The terrain stage's result (``inputs["terrain"]``: the map and its horizon masks)
        and the timeline's (``inputs["timeline"]``: the surface mission's window).
    progress : callable
        Progress callback ``(done, total)``.
    """
    ter: TerrainResult = inputs["terrain"]
    dem, masks = ter.terrain.dem, ter.horizon_rad
    _, jd = inputs["timeline"].surface_grid(scenario.surface.time_step_hours)
    progress(0, 6)
    if ter.tiled:
        psr, earth_map = _maps_in_tiles(dem, masks, jd, scenario.compute)
    else:
        psr, earth_map = _maps_in_memory(dem, masks, jd, scenario.compute.workers)
    progress(2, 6)
    rk = scenario.ranking
    constraints = S.SiteConstraints(max_slope_deg=rk.max_slope_deg, min_illumination=rk.min_illumination,
                                    max_night_h=rk.max_night_hours,
                                    min_earth_fraction=rk.min_earth_visibility)
    site_hor = [h.horizon_rad for h in ter.site_horizons]
    eye_m = [h.height_m + h.observer_height_m for h in ter.site_horizons]
    assessment = S.assess_sites(dem, masks, ter.terrain.slope_deg, ter.sites, jd, constraints,
                                _weights(scenario), psr=psr, site_horizon_rad=site_hor,
                                site_height_m=eye_m, workers=scenario.compute.workers)
    progress(3, 6)
    energy = E.daily_budget(assessment.sun, body_track("sun", jd), assessment.earth)
    lat = [s[1] for s in ter.sites]
    lon = [s[2] for s in ter.sites]
    fig_mission = site_figures(lat, lon, site_hor, eye_m, jd)
    progress(4, 6)
    fig_cycle = site_figures(lat, lon, site_hor, eye_m,
                               nodal_cycle_jd(float(jd[0]), scenario.surface.cycle_step_hours))
    progress(5, 6)
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
    progress(6, 6)
    return SurfaceResult(ter, psr, earth_map, assessment, energy, traverse, note, fig_mission, fig_cycle)


STAGE = Stage("surface", "Illumination, Earth visibility, PSRs and site ranking", ("terrain", "timeline"), run, summary,
              report, figures)
