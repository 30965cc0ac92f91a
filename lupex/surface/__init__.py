"""The lunar south-polar surface: terrain, horizons, sunlight, Earth visibility, permanent
shadow, landing-site ranking, solar energy and rover traverses, as plain data.

Typical use::

    from lupex.surface import build_stack_terrain, builtin_stack, psr_map
    t = build_stack_terrain(-89.45, 222.0, 5.0, 0.24, builtin_stack())  # real LOLA, 240 m
    masks = t.horizons(n_azimuths=360)                  # (ny, nx, A) [rad], cached on disk
    psr = psr_map(t.dem, masks, start_jd=2461771.5)     # 18.6-year permanent shadow

Conventions (defined once, in :mod:`lupex.surface.projection` and :mod:`lupex.surface.dem`):

* maps are on the south polar stereographic grid of the 1737.4 km sphere (X, Y in km, the
  pole at the origin, 0 deg E along +Y); heights are metres above that 1737.4 km sphere;
* horizon masks ``(..., A)`` are in GRID azimuth alpha (from grid +Y toward +X, bins
  ``2 pi k / A``); local azimuth (from north toward east) is ``A = alpha - lon``;
* angles in radians unless the name says ``_deg``; times are TDB Julian dates;
* arrays of vectors are ``(..., 3)``, last axis x, y, z (MOON_ME frame);
* the built-in terrain is real: LRO LOLA LDEM_75S_120M at 240 m inside the 1.8 km cap
  (:mod:`lupex.surface.lola_builtin`, public-domain NASA PDS data), nested with any finer
  user DEM in a :class:`TerrainStack`; the invented pole of :mod:`lupex.surface.synthetic`
  is SYNTHETIC (``Dem.synthetic``) and labelled so everywhere it appears.

Nothing here draws or formats: summaries, reports and plots are in :mod:`lupex.report`.
"""

from lupex.surface.cache import cached_horizon_mask
from lupex.surface.dem import Dem, LatLonGrid, MapWindow, crop, load_dem, regrid, resample_to_polar
from lupex.surface.disk import disk_fraction
from lupex.surface.energy import EnergyBudget, daily_budget, panel_power_w_m2
from lupex.surface.horizon import horizon_at, horizon_mask
from lupex.surface.illumination_map import IlluminationMap, illumination_map
from lupex.surface.lit_periods import RunStats, run_statistics
from lupex.surface.lola_builtin import builtin_stack
from lupex.surface.projection import latlon_to_xy, scale_factor, xy_to_latlon
from lupex.surface.psr import PsrResult, psr_map
from lupex.surface.site_figures import (
    SiteFigures,
    SiteHorizon,
    nodal_cycle_jd,
    site_figures,
    site_horizon,
)
from lupex.surface.site_series import SiteSeries, site_series, visible_fraction
from lupex.surface.sites import (
    SiteAssessment,
    SiteConstraints,
    SiteWeights,
    assess_sites,
    locate_site,
)
from lupex.surface.slope import slope_aspect, slope_deg
from lupex.surface.stack import TerrainLayer, TerrainStack
from lupex.surface.synthetic import synthetic_south_pole
from lupex.surface.terrain_map import Terrain, build_stack_terrain, build_terrain
from lupex.surface.tracks import BodyTrack, body_track
from lupex.surface.traverse import Traverse, plan_traverse
from lupex.surface.visibility import (
    CommWindows,
    comm_windows,
    earth_visibility_map,
    earth_visibility_series,
)

__all__ = [
    "BodyTrack",
    "CommWindows",
    "Dem",
    "EnergyBudget",
    "IlluminationMap",
    "LatLonGrid",
    "MapWindow",
    "PsrResult",
    "RunStats",
    "SiteAssessment",
    "SiteConstraints",
    "SiteFigures",
    "SiteHorizon",
    "SiteSeries",
    "SiteWeights",
    "Terrain",
    "TerrainLayer",
    "TerrainStack",
    "Traverse",
    "assess_sites",
    "body_track",
    "build_stack_terrain",
    "build_terrain",
    "builtin_stack",
    "cached_horizon_mask",
    "comm_windows",
    "crop",
    "daily_budget",
    "disk_fraction",
    "earth_visibility_map",
    "earth_visibility_series",
    "horizon_at",
    "horizon_mask",
    "illumination_map",
    "latlon_to_xy",
    "load_dem",
    "locate_site",
    "nodal_cycle_jd",
    "panel_power_w_m2",
    "plan_traverse",
    "psr_map",
    "regrid",
    "resample_to_polar",
    "run_statistics",
    "scale_factor",
    "site_figures",
    "site_horizon",
    "site_series",
    "slope_aspect",
    "slope_deg",
    "synthetic_south_pole",
    "visible_fraction",
    "xy_to_latlon",
]
