"""Stage 'terrain': the map around the candidate sites (the built-in real LOLA south pole,
with a user's high-resolution DEM nested inside it, or the SYNTHETIC pole), its slopes,
horizon masks for every pixel (cached on disk) and each site's own horizon."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from ..report.terrain import figures, report, summary
from ..scenario import Scenario
from ..surface import terrain_map as T
from ..surface.site_figures import SiteHorizon, site_horizon
from ..surface.stack import TerrainStack
from .base import Progress, Stage


@dataclass(frozen=True, eq=False)
class TerrainResult:
    terrain: T.Terrain
    horizon_rad: np.ndarray  # (ny, nx, A) float32, grid azimuth
    max_distance_km: float
    sites: tuple[tuple[str, float, float], ...]
    stack: TerrainStack
    site_horizons: tuple[SiteHorizon, ...]
    observer_height_m: float


def run(scenario: Scenario, inputs: Mapping, progress: Progress) -> TerrainResult:
    """The map window (LOLA terrain stack or the SYNTHETIC pole), slopes, horizon masks and
    each site's own horizon at its observer height.

    Parameters
    ----------
    scenario : lupex.scenario.Scenario
        The validated scenario.
    inputs : mapping
        Empty: this stage needs no earlier result.
    progress : callable
        Progress callback ``(done, total)``.
    """
    tr = scenario.terrain
    progress(0, 10)
    stack, terrain = T.terrain_for(tr.source, tr.center_lat_deg, tr.center_lon_deg, tr.half_width_km,
                                   tr.pixel_m / 1000.0, tr.dem, tr.seed)
    progress(1, 10)
    masks = terrain.horizons(n_azimuths=tr.horizon_azimuths, max_distance_km=tr.max_distance_km,
                             observer_height_m=tr.observer_height_m, far_field=stack, workers=2,
                             progress=lambda done, total: progress(1 + 8 * done / max(total, 1), 10))
    progress(9, 10)
    site_h = tuple(site_horizon(stack, s.lat_deg, s.lon_deg, s.observer_height_m, tr.horizon_azimuths,
                                tr.max_distance_km, workers=2) for s in scenario.sites)
    progress(10, 10)
    sites = tuple((s.name, s.lat_deg, s.lon_deg) for s in scenario.sites)
    return TerrainResult(terrain, masks, tr.max_distance_km, sites, stack, site_h, tr.observer_height_m)


STAGE = Stage("terrain", "Terrain and horizons", (), run, summary, report, figures)
