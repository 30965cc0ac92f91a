"""Landing-site choice: the top-ranked site meeting the hard limits, an override, or a clear
error; the ranking never puts a site that breaks a limit above one that meets them."""

import numpy as np
import pytest

from lupex.lander.site_choice import choose_landing_site
from lupex.surface.projection import xy_to_latlon
from lupex.surface.sites import SiteConstraints, SiteWeights, assess_sites
from tests.surface._illum_helpers import pit

JD2028 = 2461771.5


def _deg(x, y):
    la, lo = xy_to_latlon(x, y)
    return float(np.degrees(la)), float(np.degrees(lo))


@pytest.fixture(scope="module")
def scene():
    dem, hor, _ = pit(n=60, pixel_km=0.025, radius_km=0.4, depth_km=0.02)
    sites = [("floor", *_deg(0.0, 0.05)), ("plain", *_deg(0.6, 0.0)), ("far", *_deg(-0.7, -0.6))]
    jd = JD2028 + np.arange(0, 30 * 24, 2) / 24.0
    return dem, hor, sites, jd


def _assess(scene, cons, weights=None):
    dem, hor, sites, jd = scene
    return assess_sites(dem, hor, np.zeros(dem.shape), sites, jd, cons, weights,
                        psr=np.zeros(dem.shape, dtype=bool), area_km=0.3, workers=1)


def test_a_site_breaking_a_limit_never_outranks_one_meeting_them(scene):
    # Score on slope alone (flat everywhere here: every site scores 1), so the dark floor,
    # which breaks the illumination and night limits, ties the best score: it must still
    # rank below every site that meets the limits.
    cons = SiteConstraints(max_slope_deg=15, min_illumination=0.2, max_night_h=400, min_earth_fraction=0.0)
    a = _assess(scene, cons, SiteWeights(illumination=0.0, night=0.0, earth=0.0, slope=1.0, psr_access=0.0))
    ranked = [bool(a.feasible[i]) for i in a.order]
    assert ranked == sorted(ranked, reverse=True)  # all that meet the limits come first
    assert a.names[a.order[-1]] == "floor" and not a.feasible[a.names.index("floor")]
    c = choose_landing_site(a)
    assert c.meets_limits and c.name != "floor"


def test_override_and_no_site_error(scene):
    cons = SiteConstraints(max_slope_deg=15, min_illumination=0.2, max_night_h=400, min_earth_fraction=0.0)
    a = _assess(scene, cons)
    c = choose_landing_site(a, "floor")
    assert c.name == "floor" and not c.meets_limits and "breaks the limits" in c.reason
    with pytest.raises(ValueError, match="landing.site: 'nowhere'"):
        choose_landing_site(a, "nowhere")
    impossible = SiteConstraints(max_slope_deg=15, min_illumination=1.0, max_night_h=0, min_earth_fraction=1.0)
    with pytest.raises(ValueError, match=r"no site meets the hard limits.*ranking.min_illumination 1.*plain: slope"):
        choose_landing_site(_assess(scene, impossible))
