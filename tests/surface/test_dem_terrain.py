"""The terrain map (build_terrain), its summary figures and its plots."""

import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import numpy as np
import pytest
from matplotlib.figure import Figure

from lupex.report.maps import hillshade
from lupex.report.terrain import plot_shaded_relief, plot_slope_map
from lupex.report.terrain import terrain_summary as to_summary
from lupex.surface.terrain_map import build_terrain

SITE01 = (
    Path(__file__).resolve().parents[2]
    / ".."
    / "shared"
    / "data"
    / "dem"
    / ("site01_connecting_ridge_10mpp.npz")
)


def test_synthetic_terrain_summary_is_json():
    t = build_terrain(-89.5, 200.0, 3.0, 0.05, seed=2)
    assert t.dem.synthetic and t.slope_deg.shape == t.dem.shape == (120, 120)
    s = to_summary(t)
    json.dumps(s)
    # every figure is a quantity; the source is text, not a quantity
    assert all(set(v) == {"value", "unit"} for k, v in s.items() if k != "source")
    assert isinstance(s["source"], str) and s["source"]
    assert s["pixel_size"]["value"] == pytest.approx(50.0)
    assert s["synthetic"]["value"] is True
    assert 0.0 <= s["area_fraction_slope_below_limit"]["value"] <= 1.0


def test_site01_terrain_crop_and_regrid():
    # Real DEM: shared/data/dem/site01_connecting_ridge_10mpp.npz (NASA PGDA product 78,
    # Barker et al. 2021).  Connecting Ridge point height ~1653 m (shared data README).
    if not SITE01.exists():
        pytest.skip(f"shared data file {SITE01} absent")
    t = build_terrain(-89.53432, 209.94767, 2.0, dem_path=SITE01)
    assert t.dem.shape == (400, 400) and not t.dem.synthetic
    s = to_summary(t)
    assert s["height_at_center"]["value"] == pytest.approx(1653.0, abs=2.0)
    # the ridge is gentle at the site: the published landing-site analyses quote slopes
    # under ~10 deg there (Glaeser et al. 2014): allow up to 15 deg at 3 x 3 x 10 m
    assert s["slope_at_center"]["value"] < 15.0
    t2 = build_terrain(-89.53432, 209.94767, 2.0, pixel_km=0.04, dem_path=SITE01)
    assert t2.dem.shape == (100, 100)
    assert to_summary(t2)["height_at_center"]["value"] == pytest.approx(1653.0, abs=5.0)
    with pytest.raises(ValueError, match="does not cover"):
        build_terrain(-89.0, 0.0, 2.0, dem_path=SITE01)
    with pytest.raises(ValueError, match="does not cover"):
        build_terrain(-89.0, 0.0, 2.0, pixel_km=0.05, dem_path=SITE01)


def test_terrain_horizons_use_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("LUPEX_CACHE_DIR", str(tmp_path))
    t = build_terrain(-89.5, 200.0, 1.0, 0.05, seed=1)
    h = t.horizons(n_azimuths=16, max_distance_km=10.0)
    assert h.shape == (40, 40, 16) and h.dtype == np.float32
    assert len(list(tmp_path.glob("horizon-*.npy"))) == 1


def test_plots_return_figures(tmp_path):
    t = build_terrain(-89.6, 150.0, 15.0, 0.1, seed=0)
    sites = [("Shackleton", -89.67, 129.78), ("far away", -80.0, 0.0)]
    for fig in (plot_shaded_relief(t, sites), plot_slope_map(t, sites)):
        assert isinstance(fig, Figure)
        fig.savefig(tmp_path / "x.png")
    hs = hillshade(t.dem)
    assert hs.shape == t.dem.shape and hs.min() >= 0 and hs.max() <= 1
    # a flat map is lit uniformly at cos(zenith)
    flat = build_terrain(-89.9, 0.0, 1.0, 0.1, seed=0).dem
    from lupex.surface.dem import Dem

    z = Dem(np.zeros((5, 5)), flat.x0_km, flat.y0_km, 0.1)
    np.testing.assert_allclose(hillshade(z, sun_elevation_deg=30.0), 0.5, atol=1e-12)
