"""A scenario nests a user's high-resolution DEM (Site01, 10 m) by path inside the built-in
LOLA terrain, sets observer heights for the sites and the maps, and runs end to end
(reduced); the new terrain fields are validated with the field and range named."""

import json
from pathlib import Path

import pytest
import yaml

from lupex import cli
from lupex.scenario import problems_of

REPO = Path(__file__).resolve().parents[1]
SITE01 = REPO / ".." / "shared" / "data" / "dem" / "site01_connecting_ridge_10mpp.npz"


def _baseline() -> dict:
    return yaml.safe_load((REPO / "configs" / "lupex_baseline.yaml").read_text())


@pytest.mark.slow
def test_site01_nested_by_path_with_observer_heights_runs(tmp_path, monkeypatch):
    if not SITE01.exists():
        pytest.skip(f"shared data file {SITE01} absent")
    monkeypatch.setenv("LUPEX_CACHE_DIR", str(tmp_path / "cache"))
    d = _baseline()
    d["sites"] = [
        {"name": "Connecting Ridge", "lat_deg": -89.53432, "lon_deg": 209.94767, "observer_height_m": 10},
        {"name": "Ridge rover", "lat_deg": -89.52, "lon_deg": 212.0, "observer_height_m": 0},
    ]
    d["terrain"] = {"source": "lola", "dem": str(SITE01.resolve()), "center_lat_deg": -89.53432,
                    "center_lon_deg": 209.94767, "half_width_km": 1.5, "pixel_m": 30,
                    "max_distance_km": 60, "observer_height_m": 2}
    d["surface"].update(duration_days=3, time_step_hours=6, cycle_step_hours=24)
    d["output"]["dpi"] = 60
    scenario = tmp_path / "nested.yaml"
    scenario.write_text(yaml.safe_dump(d, sort_keys=False))
    out = tmp_path / "out"
    assert cli.main(["run", str(scenario), "--out", str(out), "--quiet", "--only", "terrain", "window", "transfer", "sites", "lunar_orbit", "landing", "timeline", "surface"]) == 0
    summary = json.loads((out / "summary.json").read_text())
    ter = summary["stages"]["terrain"]
    assert "site01" in ter["layers"] and "LOLA pole grid" in ter["layers"]
    assert ter["map_observer_height"] == {"value": 2.0, "unit": "m"}
    assert ter["pixel_size"]["value"] == pytest.approx(30.0)
    cr = ter["sites"]["Connecting Ridge"]
    assert cr["terrain_pixel"]["value"] == pytest.approx(10.0) and cr["layer"].startswith("site01")
    assert cr["observer_height"]["value"] == 10.0
    # Site01 at the Connecting Ridge point is about 1653 m (shared data README)
    assert cr["ground_height"]["value"] == pytest.approx(1653.0, abs=3.0)
    assert ter["sites"]["Ridge rover"]["observer_height"]["value"] == 0.0
    surf = summary["stages"]["surface"]
    for window in ("site_figures_mission", "site_figures_18_6_years"):
        f = surf[window]["Connecting Ridge"]
        assert 0.0 <= f["sun_centre_visible_fraction"]["value"] <= f["sun_any_part_visible_fraction"]["value"] <= 1
        assert f["longest_continuous_darkness"]["unit"] == "h"
    assert surf["site_figures_18_6_years"]["samples"]["value"] == 6794  # 18.6 yr daily
    report = (out / "report.md").read_text()
    assert report.splitlines()[2].startswith("**Terrain: real LOLA south pole**")
    assert "site01" in report.splitlines()[2]


def test_new_terrain_fields_are_validated_with_their_ranges():
    d = _baseline()
    d["sites"][0]["observer_height_m"] = 500
    d["terrain"]["observer_height_m"] = -1
    d["surface"]["cycle_step_hours"] = 0
    problems = problems_of(d)
    assert "sites[0].observer_height_m: must be between 0 and 100 m, got 500.0" in problems
    assert "terrain.observer_height_m: must be between 0 and 100 m, got -1.0" in problems
    assert "surface.cycle_step_hours: must be between 0.25 and 24 h, got 0.0" in problems
    d = _baseline()
    d["terrain"]["source"] = "lunar"
    assert any(p.startswith("terrain.source:") for p in problems_of(d))
    d = _baseline()
    d["terrain"]["pixel_m"] = 100
    (p,) = problems_of(d)
    assert p.startswith("terrain.pixel_m: 100 m is finer than the built-in LOLA grid (240 m)")
    d = _baseline()
    d["terrain"].update(source="synthetic", dem="configs/lupex_baseline.yaml")
    assert any(p.startswith("terrain.dem: a user DEM is nested inside the built-in LOLA terrain")
               for p in problems_of(d, REPO))
    d = _baseline()
    d["terrain"].update(center_lat_deg=-84.0, half_width_km=200, pixel_m=2000)
    assert any(p.startswith("terrain.half_width_km:") and "beyond the LOLA cap's valid radius 334.6 km" in p
               for p in problems_of(d))
    d = _baseline()
    d["terrain"]["source"] = "synthetic"
    d["terrain"]["pixel_m"] = None
    problems = problems_of(d)
    assert problems == []  # the synthetic pole's own default pixel (100 m)
