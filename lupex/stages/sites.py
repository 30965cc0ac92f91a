"""Stage 'sites': the landing-site selection - every candidate assessed over the planned
surface mission (from the window's estimated touchdown) against the ranking's hard limits,
and the landing site chosen: ``landing.site`` or the top-ranked site that meets them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from ..lander.site_choice import LandingChoice, choose_landing_site
from ..report.sites import figures, report, summary
from ..scenario import Scenario
from ..surface import sites as S
from ..timescale import jd_tdb, tdb_grid, utc_of_jd_tdb
from .base import Progress, Stage


@dataclass(frozen=True, eq=False)
class SitesResult:
    """The assessment, the choice, and the chosen site's coordinates and ground height [m]."""

    assessment: S.SiteAssessment
    choice: LandingChoice
    lat_deg: float
    lon_deg: float
    height_m: float
    planned_touchdown_jd_tdb: float
    horizon_rad: np.ndarray

    @property
    def name(self) -> str:
        """The landing site's name."""
        return self.choice.name


def weights_of(scenario: Scenario) -> S.SiteWeights:
    """The ranking's score weights as :class:`lupex.surface.sites.SiteWeights`.

    Parameters
    ----------
    scenario : lupex.scenario.Scenario
        The validated scenario.
    """
    w = scenario.ranking.weights
    return S.SiteWeights(illumination=w.get("illumination", 0.0), night=w.get("night", 0.0),
                         earth=w.get("earth", 0.0), slope=w.get("slope", 0.0),
                         psr_access=w.get("psr_distance", 0.0))


def run(scenario: Scenario, inputs: Mapping, progress: Progress) -> SitesResult:
    """Assess the sites over the planned surface mission and choose the landing site.

    Parameters
    ----------
    scenario : lupex.scenario.Scenario
        The validated scenario.
    inputs : mapping
        The terrain stage's result (``inputs["terrain"]``: map, horizons, each site's own
        horizon and height) and the window's (``inputs["window"]``: the estimated touchdown).
    progress : callable
        Progress callback ``(done, total)``.
    """
    ter, win = inputs["terrain"], inputs["window"]
    progress(0, 2)
    td = float(win.search.touchdown_jd_tdb[win.search.chosen])
    if scenario.surface.start is not None:
        td = float(jd_tdb(scenario.surface.start))
    _, jd = tdb_grid(utc_of_jd_tdb(td), scenario.surface.duration_days, scenario.surface.time_step_hours)
    rk = scenario.ranking
    constraints = S.SiteConstraints(max_slope_deg=rk.max_slope_deg, min_illumination=rk.min_illumination,
                                    max_night_h=rk.max_night_hours, min_earth_fraction=rk.min_earth_visibility)
    dem = ter.terrain.dem
    # The PSR distance is left to the surface stage (an 18.6-year shadow map): no PSR here.
    assessment = S.assess_sites(dem, ter.horizon_rad, ter.terrain.slope_deg, ter.sites, jd, constraints,
                                weights_of(scenario), psr=np.zeros(dem.shape, dtype=bool),
                                site_horizon_rad=[h.horizon_rad for h in ter.site_horizons],
                                site_height_m=[h.height_m + h.observer_height_m for h in ter.site_horizons],
                                workers=scenario.compute.workers)
    progress(1, 2)
    choice = choose_landing_site(assessment, scenario.landing.site)
    i = choice.index
    progress(2, 2)
    return SitesResult(assessment, choice, float(assessment.lat_deg[i]), float(assessment.lon_deg[i]),
                       float(ter.site_horizons[i].height_m), td, ter.site_horizons[i].horizon_rad)


STAGE = Stage("sites", "Landing-site selection", ("terrain", "window"), run, summary, report, figures)
