"""Sweeps: the spec parser (property-based), field overrides, case expansion, a small sweep run
end to end through ``lupex sweep``, and the table matching what single runs report."""

from __future__ import annotations

import csv
import json
import math
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lupex import cli
from lupex.sweep import SweepError, apply_overrides, expand, leaf, load_spec, run_case

REPO = Path(__file__).resolve().parents[1]
BASE = REPO / "configs" / "lupex_baseline.yaml"


def _spec(tmp_path: Path, body: dict) -> Path:
    shutil.copy(BASE, tmp_path / "base.yaml")
    p = tmp_path / "spec.yaml"
    p.write_text(yaml.safe_dump({"scenario": "base.yaml", **body}))
    return p


def test_overrides_set_nested_fields_and_list_items_without_touching_the_input():
    base = {"a": {"b": 1}, "sites": [{"lat_deg": -89.0}, {"lat_deg": -88.0}]}
    out = apply_overrides(base, [("a.b", 2), ("sites[1].lat_deg", -87.5), ("new.x", 3)])
    assert out == {"a": {"b": 2}, "sites": [{"lat_deg": -89.0}, {"lat_deg": -87.5}],
                   "new": {"x": 3}}
    assert base["a"]["b"] == 1 and base["sites"][1]["lat_deg"] == -88.0


@pytest.mark.parametrize("path", ["sites[5].lat_deg", "a..b", "a.b c", "a.b.c"])
def test_overrides_name_a_bad_path(path):
    with pytest.raises(ValueError, match="has no item|not a field path|not inside"):
        apply_overrides({"a": {"b": 1}, "sites": [{}]}, [(path, 0)])


@given(st.dictionaries(st.sampled_from(["x.a", "x.b", "y.c"]),
                       st.lists(st.integers(-5, 5), min_size=1, max_size=4), min_size=1),
       st.lists(st.dictionaries(st.sampled_from(["x.a", "name"]), st.integers(0, 3)),
                max_size=3))
def test_expansion_is_the_grid_product_then_the_listed_cases(grid, cases):
    out = expand(grid, cases)
    assert len(out) == math.prod(len(v) for v in grid.values()) + len(cases)
    combos = {tuple(v for _, v in c.overrides) for c in out[:len(out) - len(cases)]}
    assert len(combos) == len({tuple(v) for v in __import__("itertools").product(*grid.values())})
    for c in out:
        assert all(isinstance(k, str) and k != "name" for k, _ in c.overrides)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.none(), st.integers(), st.text(max_size=20),
                 st.lists(st.integers(), max_size=3),
                 st.dictionaries(st.text(max_size=8), st.one_of(st.integers(), st.text(max_size=8),
                                                                st.lists(st.integers())),
                                 max_size=4)))
def test_any_malformed_spec_gives_problems_not_a_traceback(tmp_path, body):
    p = tmp_path / "spec.yaml"
    p.write_text(yaml.safe_dump(body))
    try:
        spec = load_spec(p)
    except SweepError as exc:
        assert exc.problems and all(isinstance(x, str) and ":" in x for x in exc.problems)
    else:  # only a complete, valid spec loads
        assert spec.cases


def test_bad_values_are_named_by_case_and_field_before_anything_runs(tmp_path):
    p = _spec(tmp_path, {"grid": {"spacecraft.lander.isp_s": [315, 9999]},
                         "cases": [{"name": "odd", "sites[9].lat_deg": -89}]})
    with pytest.raises(SweepError) as err:
        load_spec(p)
    text = "\n".join(err.value.problems)
    assert "case 'isp_s=9999': spacecraft.lander.isp_s: must be between 150 and 480" in text
    assert "case 'odd': sites[9].lat_deg: the scenario has no item 9 there" in text


def test_leaf_reads_values_and_keys_with_spaces():
    s = {"stages": {"sky": {"sites": {"Peak near Shackleton": {"x": {"value": 1.5, "unit": "deg"}}}}}}
    assert leaf(s, "stages.sky.sites.Peak near Shackleton.x") == 1.5
    assert leaf(s, "stages.sky.missing") is None


def test_a_failing_case_is_recorded_not_raised():
    base = yaml.safe_load(BASE.read_text())
    row = run_case(base, str(BASE.parent), [("terrain.dem", "/nonexistent.tif")], ["terrain"],
                   ["stages.terrain.pixel_size"])
    assert row["status"] == "failed" and "dem" in row["error"]


@pytest.mark.slow
def test_sweep_cli_writes_a_table_that_matches_single_runs(tmp_path):
    """Two cases of a cheap stage selection; each row equals what `lupex run` of the same
    scenario reports (the sweep adds no physics of its own)."""
    p = _spec(tmp_path, {"only": ["terrain", "window", "transfer"],
                         "grid": {"transfer.parking_altitude_km": [200, 400]},
                         "metrics": ["stages.transfer.c3", "stages.window.candidates"]})
    out = tmp_path / "out"
    assert cli.main(["sweep", str(p), "--out", str(out), "--quiet"]) == 0
    rows = list(csv.DictReader((out / "sweep.csv").open()))
    assert [r["status"] for r in rows] == ["ok", "ok"]
    assert [float(r["transfer.parking_altitude_km"]) for r in rows] == [200.0, 400.0]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["kind"] == "sweep" and summary["cases"] == 2 and summary["failed"] == 0
    assert (out / "plots" / "trade_c3.png").is_file()
    # the same case as a plain run
    data = yaml.safe_load((tmp_path / "base.yaml").read_text())
    data["transfer"]["parking_altitude_km"] = 400
    (tmp_path / "case.yaml").write_text(yaml.safe_dump(data))
    single = tmp_path / "single"
    assert cli.main(["run", str(tmp_path / "case.yaml"), "--out", str(single), "--quiet",
                     "--only", "terrain", "window", "transfer"]) == 0
    s = json.loads((single / "summary.json").read_text())
    assert float(rows[1]["stages.transfer.c3 [km^2/s^2]"]) == s["stages"]["transfer"]["c3"]["value"]
    # a second sweep into the same folder needs --force, and --force replaces it
    assert cli.main(["sweep", str(p), "--out", str(out), "--quiet"]) != 0


@pytest.mark.parametrize("path", sorted((REPO / "configs" / "sweeps").glob("*.yaml")))
def test_shipped_sweep_specs_are_valid(path):
    spec = load_spec(path)
    assert spec.cases and spec.metrics
