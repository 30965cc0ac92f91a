"""Stage 'terrain': the map around the candidate sites (the built-in real LOLA south pole,
with a user's high-resolution DEM nested inside it, or the SYNTHETIC pole), its slopes,
horizon masks for every pixel (cached on disk) and each site's own horizon.

``compute.workers`` worker processes compute the masks; with ``compute.tiled`` (or a
``compute.scheduler``) they are computed in tiles into a zarr store on disk
(:mod:`lupex.surface.tiles`) and ``horizon_rad`` is a read-only view of it
(:class:`~lupex.surface.tiles.TiledMasks`).  The later stages never read that view whole:
the surface stage streams its maps tile by tile, and the site assessment, traverse and
reports read slices or scattered pixels, so memory stays bounded by a tile.  With the
default ``compute.tiled: auto`` this happens only for maps whose masks would not fit in
memory (:func:`lupex.preflight.check_memory`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from ..preflight import check_memory
from ..report.terrain import figures, report, summary
from ..scenario import Scenario
from ..surface import terrain_map as T
from ..surface.site_figures import SiteHorizon, site_horizon
from ..surface.stack import TerrainStack
from ..surface.tiles import TiledMasks, horizon_store
from .base import Progress, Stage


@dataclass(frozen=True, eq=False)
class TerrainResult:
    terrain: T.Terrain
    horizon_rad: np.ndarray  # (ny, nx, A) float32, grid azimuth (or a TiledMasks view)
    max_distance_km: float
    sites: tuple[tuple[str, float, float], ...]
    stack: TerrainStack
    site_horizons: tuple[SiteHorizon, ...]
    observer_height_m: float
    tiled: bool = False  # horizon_rad is a TiledMasks view of an on-disk store


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
    comp = scenario.compute
    workers = min(comp.workers, 64)
    tiled = check_memory(scenario).tiled or comp.scheduler is not None
    tick = lambda done, total: progress(1 + 8 * done / max(total, 1), 10)
    if tiled:
        store = horizon_store(terrain.dem, tr.horizon_azimuths, tr.max_distance_km,
                              tr.observer_height_m, stack, tile_px=comp.tile_px,
                              workers=comp.workers, scheduler=comp.scheduler, progress=tick)
        masks = TiledMasks(store)
    else:
        masks = terrain.horizons(n_azimuths=tr.horizon_azimuths, max_distance_km=tr.max_distance_km,
                                 observer_height_m=tr.observer_height_m, far_field=stack,
                                 workers=workers, progress=tick)
    progress(9, 10)
    site_h = tuple(site_horizon(stack, s.lat_deg, s.lon_deg, s.observer_height_m, tr.horizon_azimuths,
                                tr.max_distance_km, workers=workers) for s in scenario.sites)
    progress(10, 10)
    sites = tuple((s.name, s.lat_deg, s.lon_deg) for s in scenario.sites)
    return TerrainResult(terrain, masks, tr.max_distance_km, sites, stack, site_h, tr.observer_height_m,
                         tiled)


STAGE = Stage("terrain", "Terrain and horizons", (), run, summary, report, figures)
