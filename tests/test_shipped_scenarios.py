"""Every scenario shipped in configs/ runs end to end (reduced in size where it must be),
so none can rot: a valid scenario that crashes later is a defect."""

import json
from pathlib import Path

import pytest
import yaml

from lupex import cli, pipeline

REPO = Path(__file__).resolve().parents[1]
SCENARIOS = sorted((REPO / "configs").glob("*.yaml"))


def _reduced(d: dict) -> dict:
    """The same mission on a coarser, shorter footing: map pixels 2x larger on the LOLA
    terrain (4x, within 20-240 m, on the synthetic pole), horizons to 30 km, three days of
    surface mission every 6 h and the 18.6-year site figures daily."""
    t = d.setdefault("terrain", {})
    if t.get("source", "lola") == "synthetic":
        t["pixel_m"] = min(240.0, 4 * float(t.get("pixel_m") or 100.0))
    else:
        t["pixel_m"] = 2 * float(t.get("pixel_m") or 480.0)
    t["max_distance_km"] = 30.0
    d.setdefault("surface", {}).update(duration_days=3, time_step_hours=6, cycle_step_hours=24)
    d.setdefault("output", {})["dpi"] = 60
    return d


def test_every_scenario_is_covered():
    assert {p.name for p in SCENARIOS} >= {"lupex_baseline.yaml", "lupex_heavy_h3-30.yaml"}


@pytest.mark.slow
@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_shipped_scenario_runs(path, tmp_path, monkeypatch):
    monkeypatch.setenv("LUPEX_CACHE_DIR", str(tmp_path / "cache"))
    d = _reduced(yaml.safe_load(path.read_text()))
    scenario = tmp_path / path.name
    scenario.write_text(yaml.safe_dump(d, sort_keys=False))
    out = tmp_path / "out"
    assert cli.main(["run", str(scenario), "--out", str(out), "--quiet"]) == 0
    summary = json.loads((out / "summary.json").read_text())
    assert set(summary["stages"]) == {s.name for s in pipeline.stages()}
    if d["terrain"].get("source", "lola") == "lola":
        # the real terrain by default, said so in the report's first lines
        assert "real LOLA south pole" in (out / "report.md").read_text().splitlines()[2]
        sites = summary["stages"]["surface"]["site_figures_18_6_years"]
        assert all(sites[s["name"]]["sun_any_part_visible_fraction"]["unit"] == "1" for s in d["sites"])
    margin = summary["stages"]["launch"]["margin"]
    assert isinstance(margin["feasible"], bool) and margin["message"]
