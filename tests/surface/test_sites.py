"""Landing-site assessment and ranking on a closed-form pit at the pole."""

import json

import numpy as np
import pytest

from lupex.report.surface import sites_summary as to_summary
from lupex.surface.projection import xy_to_latlon
from lupex.surface.psr import psr_map
from lupex.surface.sites import (
    SiteConstraints,
    SiteWeights,
    assess_sites,
    locate_site,
)
from tests.surface._illum_helpers import pit

JD2028 = 2461771.5  # 2028-01-01 TDB


def _deg(x, y):
    la, lo = xy_to_latlon(x, y)
    return float(np.degrees(la)), float(np.degrees(lo))


@pytest.fixture(scope="module")
def scene():
    dem, hor, floor = pit(n=60, pixel_km=0.025, radius_km=0.4, depth_km=0.02)
    psr = psr_map(dem, hor, JD2028, step_h=12.0, workers=1)
    sites = [("floor", *_deg(0.0, 0.05)), ("plain", *_deg(0.6, 0.0)), ("far", *_deg(-0.7, -0.6))]
    cons = SiteConstraints(max_slope_deg=15, min_illumination=0.2, max_night_h=400, min_earth_fraction=0.1)
    jd = JD2028 + np.arange(0, 30 * 24, 2) / 24.0
    res = assess_sites(dem, hor, np.zeros(dem.shape), sites, jd, cons, psr=psr, area_km=0.3, workers=1)
    return dem, hor, floor, psr, res


def test_ranking_and_constraints(scene):
    res = scene[-1]
    rows = res.to_rows()
    assert [r["name"] for r in rows][-1] == "floor"
    floor_row = rows[-1]
    assert not floor_row["feasible"] and "illumination" in floor_row["failed"] and "night" in floor_row["failed"]
    assert floor_row["mean_illumination"] == 0 and floor_row["psr_distance_km"] == 0
    assert rows[0]["feasible"] and rows[0]["score"] >= rows[1]["score"]
    # Nearer the PSR scores higher on access: the plain (0.6 km from the pole) beats "far".
    i_plain, i_far = res.names.index("plain"), res.names.index("far")
    assert res.psr_distance_km[i_plain] < res.psr_distance_km[i_far]


def test_psr_distance_matches_geometry(scene):
    dem, _, _, psr, res = scene
    # The PSR is a disk about the pit centre (pole); the distance transform from the plain
    # site (0.6 km out) must equal 0.6 km minus the PSR disk's radius, to a pixel (25 m).
    x, y = dem.xy()
    r_psr = np.hypot(x, y)[psr.psr].max()
    i = res.names.index("plain")
    assert res.psr_distance_km[i] == pytest.approx(0.6 - r_psr, abs=0.03)


def test_local_maps_and_summary(scene):
    res = scene[-1]
    loc = res.local[res.names.index("plain")]
    assert loc.sun.mean_fraction.shape == loc.feasible.shape == (13, 13)
    s = to_summary(res)
    json.dumps(s)  # serialisable
    assert s["plain"]["psr_distance_km"]["unit"] == "km" and s["window_hours"]["unit"] == "h"


def test_off_grid_site_names_site_and_extent(scene):
    dem, hor, *_ = scene
    with pytest.raises(ValueError, match=r"'Faraway'.*latitudes.*all longitudes"):
        locate_site(dem, "Faraway", -85.0, 10.0)
    cons = SiteConstraints(10, 0.5, 100, 0.5)
    with pytest.raises(ValueError, match="Faraway"):
        assess_sites(dem, hor, None, [("Faraway", -85.0, 10.0)], JD2028 + np.arange(3) / 24, cons, psr=np.zeros(dem.shape, bool))
    with pytest.raises(ValueError, match="max_slope_deg"):
        SiteConstraints(-1, 0.5, 100, 0.5)


def test_weights_validation():
    with pytest.raises(ValueError, match="SiteWeights"):
        SiteWeights(illumination=-1)


def test_plots_render_from_results(scene):
    from matplotlib.figure import Figure

    from lupex.report import surface as sp
    from lupex.surface.energy import daily_budget
    from lupex.surface.tracks import body_track

    dem, hor, _, psr, res = scene
    i = res.names.index("plain")
    figs = [
        sp.plot_illumination_map(dem, psr.mean_fraction, psr.psr, res),
        sp.plot_earth_visibility_map(dem, np.full(dem.shape, 0.4), res),
        sp.plot_horizon_polar(res, i, hor[res.row[i], res.col[i]], np.radians(res.lon_deg[i])),
        sp.plot_site_timeline(res, i),
        sp.plot_energy(daily_budget(res.sun, body_track("sun", res.sun.jd_tdb), res.earth), list(res.names)),
    ]
    for fig in figs:
        assert isinstance(fig, Figure) and fig.axes
        fig.canvas.draw()  # Agg render: catches bad artists without writing files
