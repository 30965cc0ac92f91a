"""Stage 'landing': the site-targeted powered descent from PDI onto the terrain at the
landing site - braking, throttled approach, hazard-avoidance hover and terminal vertical
descent - with the touchdown point, miss distance, velocities and the Sun and the Earth
against the site's horizon at touchdown."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from ..lander import guided as G
from ..lander.clearance import terrain_clearance_m
from ..lander.moon_fixed import moon_spin_me_rads
from ..lander.touchdown_sky import TouchdownSky, touchdown_sky
from ..report.landing import figures, report, summary
from ..scenario import Scenario
from ..surface.projection import latlon_to_xy
from .base import Progress, Stage
from .lunar_orbit import descent_design

SECONDS_PER_DAY = 86_400.0


@dataclass(frozen=True, eq=False)
class LandingResult:
    """The descent (one member), the site, epochs, the sky at touchdown, the DEM height under
    the touchdown point [m], and what the map needs (terrain, last orbits)."""

    descent: G.GuidedDescent
    design: G.DescentDesign
    site_name: str
    site_lat_deg: float
    site_lon_deg: float
    site_height_m: float
    pdi_jd_tdb: float
    touchdown_jd_tdb: float
    sky: TouchdownSky
    dem_height_at_touchdown_m: float
    min_clearance_m: float  # lowest height above the map's ground over braking and approach
    terrain: object
    orbit: object

    @property
    def on_target(self) -> bool:
        """Landed within 100 m of the site."""
        return bool(self.descent.landed[0] and self.descent.miss_m[0] <= 100.0)


def run(scenario: Scenario, inputs: Mapping, progress: Progress) -> LandingResult:
    """Fly the guided descent from the lunar-orbit phase's PDI state to the landing site.

    Parameters
    ----------
    scenario : lupex.scenario.Scenario
        The validated scenario.
    inputs : mapping
        ``inputs["lunar_orbit"]`` (PDI state and mass), ``inputs["sites"]`` (the landing
        site, its ground height and horizon) and ``inputs["terrain"]`` (the map).
    progress : callable
        Progress callback ``(done, total)``.
    """
    lo, site, ter = inputs["lunar_orbit"], inputs["sites"], inputs["terrain"]
    sc = scenario.spacecraft
    design = descent_design(scenario)
    progress(0, 2)
    ph = lo.phase
    d = G.fly_guided_descent(ph.pdi_r_me_km, ph.pdi_v_me_kms, lo.pdi_mass_kg, sc.lander.thrust_n, sc.lander.isp_s,
                             site.lat_deg, site.lon_deg, site.height_m, design,
                             omega_me_rads=moon_spin_me_rads(ph.pdi_jd_tdb))
    if not d.landed[0]:
        raise ValueError(f"landing: the descent to {site.name} did not reach the ground within "
                         f"{d.t_s[-1]:.0f} s; check landing.* and spacecraft.lander.thrust_n")
    progress(1, 2)
    jd_td = ph.pdi_jd_tdb + float(d.t_touchdown_s[0]) / SECONDS_PER_DAY
    i = site.choice.index
    eye = site.height_m + ter.site_horizons[i].observer_height_m
    sky = touchdown_sky(site.lat_deg, site.lon_deg, eye, site.horizon_rad, jd_td)
    dem = ter.terrain.dem
    x, y = latlon_to_xy(np.radians(d.lat_deg[0]), np.radians(d.lon_deg[0]))
    row, col = dem.xy_to_index(x, y)
    r = int(np.clip(np.floor(row + 0.5), 0, dem.shape[0] - 1))
    c = int(np.clip(np.floor(col + 0.5), 0, dem.shape[1] - 1))
    # clearance over the map during braking and approach (then the lander hovers and descends
    # over its site, whose height is the site's own finer-layer height, not the map pixel's)
    clear = terrain_clearance_m(dem, d.r_me_km[:, 0])
    high = d.t_s < d.phase_end_s["approach"][0]
    min_clear = float(np.nanmin(clear[high])) if np.any(high & np.isfinite(clear)) else float("nan")
    progress(2, 2)
    return LandingResult(d, design, site.name, site.lat_deg, site.lon_deg, site.height_m, ph.pdi_jd_tdb,
                         jd_td, sky, float(dem.height_m[r, c]), min_clear, ter, lo)


STAGE = Stage("landing", "Powered descent to the landing site", ("lunar_orbit", "sites", "terrain"), run,
              summary, report, figures)
