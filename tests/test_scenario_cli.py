"""Scenario validation, the lupex command and the results folder."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from lupex import cli, results
from lupex.scenario import ScenarioError, load, problems_of

REPO = Path(__file__).resolve().parents[1]
BASELINE = REPO / "configs" / "lupex_baseline.yaml"


def _baseline() -> dict:
    return yaml.safe_load(BASELINE.read_text())


def _write(tmp_path, data, name="s.yaml") -> Path:
    p = tmp_path / name
    p.write_text(yaml.safe_dump(data, sort_keys=False))
    return p


@pytest.mark.parametrize("path", sorted((REPO / "configs").glob("*.yaml")))
def test_shipped_scenarios_are_valid(path):
    scenario, text = load(path)
    assert scenario.sites and text


def test_five_mistakes_give_five_errors_with_paths(tmp_path, capsys):
    d = _baseline()
    d["sites"][2]["lat_deg"] = -70.0  # out of range
    d["launch"]["date"] = "2075-01-01T00:00:00Z"  # beyond the ephemeris era
    d["spacecraft"]["lander"]["isp_s"] = 9000  # impossible
    d["terrain"]["pixel_m"] = "fine"  # wrong type
    d["surface"]["duraton_days"] = 10  # misspelt key
    code = cli.main(["validate", str(_write(tmp_path, d))])
    err = capsys.readouterr().err
    assert code == 1
    lines = [ln.strip() for ln in err.splitlines()[1:]]
    assert len(lines) == 5, err
    assert "sites[2].lat_deg: must be between -90 and -80 deg, got -70.0" in lines
    assert any(ln.startswith("launch.date: must be between 1990-01-01 and 2049-12-31") for ln in lines)
    assert any(ln.startswith("spacecraft.lander.isp_s: must be between 150 and 480 s") for ln in lines)
    assert any(ln.startswith("terrain.pixel_m:") for ln in lines)
    assert "surface.duraton_days: unknown field" in lines
    assert "Traceback" not in err


def test_site_off_the_terrain_grid_is_named(tmp_path):
    d = _baseline()
    d["sites"].append({"name": "Far away", "lat_deg": -85.0, "lon_deg": 0.0})
    problems = problems_of(d)
    assert len(problems) == 1
    assert problems[0].startswith("sites[4] (Far away): lies 104.")
    assert "terrain.half_width_km = 73 km" in problems[0]


def test_unknown_vehicle_lists_the_known_ones():
    d = _baseline()
    d["launch"]["vehicle"] = "h4-99"
    (problem,) = problems_of(d)
    assert problem.startswith("launch.vehicle: unknown vehicle 'h4-99'; known: h2a-202, h3-22s, h3-24l")


def test_mission_running_past_supported_dates(tmp_path):
    d = _baseline()
    d["launch"]["date"] = "2049-12-01T00:00:00Z"
    assert any(p.startswith("surface.duration_days: the surface mission would end")
               for p in problems_of(d))


def test_yaml_syntax_error_gives_line_number(tmp_path):
    p = tmp_path / "bad.yaml"
    p.write_text("mission:\n  name: x\nsites: [\n  - a: 1\n")
    with pytest.raises(ScenarioError) as exc:
        load(p)
    assert exc.value.problems[0].startswith("line ")


def test_top_level_must_be_mapping(tmp_path):
    p = tmp_path / "list.yaml"
    p.write_text("- 1\n- 2\n")
    with pytest.raises(ScenarioError, match="must be a mapping"):
        load(p)


def test_help_for_each_command():
    for module in ("lupex", "lupex.cli"):  # python -m lupex and the module itself
        for args in (["--help"], ["run", "--help"], ["validate", "--help"], ["schema", "--help"]):
            out = subprocess.run([sys.executable, "-m", module, *args], capture_output=True,
                                 text=True, cwd=REPO, check=False)
            assert out.returncode == 0 and "usage: lupex" in out.stdout


def test_help_documents_every_exit_code():
    out = subprocess.run([sys.executable, "-m", "lupex", "--help"], capture_output=True,
                         text=True, cwd=REPO, check=False).stdout
    text = " ".join(out.split())
    for code, meaning in cli.EXIT_CODES.items():
        assert f"{code} {' '.join(meaning.split())}" in text
    assert sorted(cli.EXIT_CODES) == [0, 1, 2, 3, 130, 143]
    readme = (REPO / "README.md").read_text()
    assert all(f"`{code}`" in readme for code in cli.EXIT_CODES)


def test_schema_is_the_scenario_json_schema(capsys):
    assert cli.main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert {"mission", "launch", "sites", "surface", "terrain"} <= set(schema["properties"])
    assert "additionalProperties" in json.dumps(schema)  # unknown keys flagged in editors


@pytest.mark.parametrize("argv", [["run", "s.yaml", "--workers", "0"],
                                  ["run", "s.yaml", "--workers", "two"],
                                  ["run", "s.yaml", "--quiet", "--verbose"],
                                  ["frobnicate"]])
def test_usage_errors_exit_2(argv, capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(argv)
    assert exc.value.code == cli.EXIT_USAGE == 2


def test_unknown_only_stage_is_a_usage_error(tmp_path, capsys):
    code = cli.main(["run", str(_small_scenario(tmp_path)), "--out", str(tmp_path / "r"),
                     "--quiet", "--only", "nosuchstage"])
    assert code == 2 and "unknown stage" in capsys.readouterr().err
    assert not (tmp_path / "r").exists()


def test_validate_quiet_prints_nothing(tmp_path, capsys):
    assert cli.main(["validate", str(BASELINE), "--quiet"]) == 0
    assert capsys.readouterr() == ("", "")
    assert cli.main(["validate", str(BASELINE)]) == 0
    assert "valid" in capsys.readouterr().out


def test_workers_reach_the_stages_and_verbose_logs_them(tmp_path, monkeypatch, capsys):
    from lupex.stages import terrain

    seen = []
    real_run = terrain.STAGE.run

    def spy(scenario, inputs, progress):
        seen.append(scenario.compute.workers)
        return real_run(scenario, inputs, progress)

    monkeypatch.setattr(terrain, "STAGE", terrain.STAGE.__class__(**{**terrain.STAGE.__dict__,
                                                                      "run": spy}))
    code = cli.main(["run", str(_small_scenario(tmp_path)), "--out", str(tmp_path / "r"),
                     "--verbose", "--workers", "3", "--only", "terrain"])
    assert code == 0 and seen == [3]  # --workers overrides the scenario's compute.workers (2)
    err = capsys.readouterr().err
    assert "stage terrain" in err and "took" in err


def test_run_quiet_is_fully_quiet(tmp_path):
    # A real process: nothing at all on stdout or stderr when the run succeeds.
    out = subprocess.run([sys.executable, "-m", "lupex", "run", str(_small_scenario(tmp_path)),
                          "--out", str(tmp_path / "r"), "--quiet", "--only", "terrain"],
                         capture_output=True, text=True, cwd=tmp_path, check=False)
    assert (out.returncode, out.stdout, out.stderr) == (0, "", "")
    assert (tmp_path / "r" / "summary.json").exists()


def _small_scenario(tmp_path) -> Path:
    d = _baseline()
    d["surface"]["duration_days"] = 3
    d["surface"]["time_step_hours"] = 6
    return _write(tmp_path, d)


def test_run_writes_a_complete_folder(tmp_path):
    out = tmp_path / "res"
    code = cli.main(["run", str(_small_scenario(tmp_path)), "--out", str(out), "--quiet",
                     "--only", "terrain", "window", "transfer", "sites", "lunar_orbit", "landing", "timeline", "sky"])
    assert code == 0
    summary = json.loads((out / "summary.json").read_text())
    assert summary["lupex_version"] and len(summary["scenario"]["sha256"]) == 64
    assert summary["seeds"] == {"terrain.seed": 2028}
    site = summary["stages"]["sky"]["sites"]["Connecting Ridge"]
    assert site["sun_elevation_max"]["unit"] == "deg"
    assert (out / "report.md").read_text().startswith("# LUPEX baseline")
    assert (out / "plots" / "sky_elevation.png").stat().st_size > 10_000
    assert not list(tmp_path.glob(".res.partial-*"))


def test_existing_folder_is_kept_without_force(tmp_path, capsys):
    out = tmp_path / "res"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    code = cli.main(["run", str(_small_scenario(tmp_path)), "--out", str(out), "--quiet"])
    assert code == 2 and "use --force" in capsys.readouterr().err
    assert (out / "keep.txt").read_text() == "mine"


def test_failed_run_leaves_no_folder(tmp_path, monkeypatch, capsys):
    from lupex.stages import sky

    def broken_figures(result):
        raise RuntimeError("plotting failed half way")

    monkeypatch.setattr(sky, "STAGE", sky.STAGE.__class__(**{**sky.STAGE.__dict__,
                                                              "figures": broken_figures}))
    out = tmp_path / "res"
    code = cli.main(["run", str(_small_scenario(tmp_path)), "--out", str(out), "--quiet",
                     "--only", "terrain", "window", "transfer", "sites", "lunar_orbit", "landing", "timeline", "sky"])
    assert code == cli.EXIT_RUNTIME == 3 and "plotting failed half way" in capsys.readouterr().err
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".res")]


def test_force_replaces_a_results_folder_atomically(tmp_path):
    out = tmp_path / "res"
    args = ["run", str(_small_scenario(tmp_path)), "--out", str(out), "--quiet", "--only", "terrain", "window", "transfer", "sites", "lunar_orbit", "landing", "timeline", "sky"]
    assert cli.main(args) == 0
    (out / "plots" / "stale.png").write_bytes(b"old plot")  # inside plots/: a run's own entry
    assert cli.main(args + ["--force"]) == 0
    assert not (out / "plots" / "stale.png").exists() and (out / "summary.json").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".res")]


def test_destination_that_is_a_file_is_refused(tmp_path):
    f = tmp_path / "file"
    f.write_text("x")
    with pytest.raises(results.ResultsExistError, match="not a folder"):
        results.check_destination(f, force=True)
