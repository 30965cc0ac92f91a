"""Stage 'terrain': the map around the candidate sites (a user's LOLA DEM, or the built-in
SYNTHETIC south pole), its slopes, and horizon masks for every pixel (cached on disk)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from ..report.terrain import figures, report, summary
from ..scenario import Scenario
from ..surface import terrain_map as T
from .base import Progress, Stage


@dataclass(frozen=True, eq=False)
class TerrainResult:
    terrain: T.Terrain
    horizon_rad: np.ndarray  # (ny, nx, A) float32, grid azimuth
    max_distance_km: float
    sites: tuple[tuple[str, float, float], ...]


def run(scenario: Scenario, inputs: Mapping, progress: Progress) -> TerrainResult:
    """The map window (a user's DEM or the SYNTHETIC pole), its slopes and horizon masks.

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
    dem_path = tr.dem
    progress(0, 10)
    terrain = T.build_terrain(tr.center_lat_deg, tr.center_lon_deg, tr.half_width_km,
                              pixel_km=tr.pixel_m / 1000.0, dem_path=dem_path, seed=tr.seed)
    progress(1, 10)
    masks = terrain.horizons(n_azimuths=tr.horizon_azimuths, max_distance_km=tr.max_distance_km,
                             workers=2,
                             progress=lambda done, total: progress(1 + 9 * done / max(total, 1), 10))
    progress(10, 10)
    sites = tuple((s.name, s.lat_deg, s.lon_deg) for s in scenario.sites)
    return TerrainResult(terrain, masks, tr.max_distance_km, sites)


STAGE = Stage("terrain", "Terrain and horizons", (), run, summary, report, figures)
