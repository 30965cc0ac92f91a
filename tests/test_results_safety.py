"""The results folder under misuse: --force on folders lupex did not write, two runs to one
folder, stale temporary folders from killed runs, and SIGTERM.

A destination that is taken is a usage error (exit 2, ``cli.EXIT_USAGE``), not a runtime
failure (3): the user fixes it by choosing another ``--out``."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from lupex import cli, results

REPO = Path(__file__).resolve().parents[1]


def _scenario(tmp_path, days=3) -> Path:
    d = yaml.safe_load((REPO / "configs" / "lupex_baseline.yaml").read_text())
    d["surface"].update(duration_days=days, time_step_hours=6)
    p = tmp_path / "s.yaml"
    p.write_text(yaml.safe_dump(d, sort_keys=False))
    return p


def _run(*args) -> int:
    return cli.main(["run", *map(str, args), "--quiet", "--only", "terrain", "window", "transfer", "sites", "lunar_orbit", "landing", "timeline", "sky"])


def test_force_refuses_a_folder_lupex_did_not_write(tmp_path, capsys):
    d = tmp_path / "d"
    d.mkdir()
    (d / "keep.txt").write_text("keep")
    assert _run(_scenario(tmp_path), "--out", d, "--force") == 2
    err = capsys.readouterr().err
    assert "not a lupex results folder" in err and "keep.txt" in err
    assert (d / "keep.txt").read_text() == "keep"


def test_force_on_the_working_folder_keeps_the_scenario(tmp_path, monkeypatch, capsys):
    scenario = _scenario(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert _run(scenario.name, "--out", ".", "--force") == 2
    assert "not a lupex results folder" in capsys.readouterr().err
    assert scenario.read_text().startswith("mission")


def test_a_results_folder_with_a_user_file_added_is_not_replaced(tmp_path, capsys):
    out = tmp_path / "res"
    assert _run(_scenario(tmp_path), "--out", out) == 0
    (out / "notes.txt").write_text("my notes")
    assert _run(_scenario(tmp_path), "--out", out, "--force") == 2
    assert (out / "notes.txt").read_text() == "my notes"
    assert results.is_results_folder(out) is False


def test_a_second_run_to_a_locked_folder_is_refused(tmp_path, capsys):
    out = tmp_path / "res"
    with results.DestinationLock(out):
        assert _run(_scenario(tmp_path), "--out", out) == 2
    assert "another lupex run" in capsys.readouterr().err
    assert not out.exists() and not (tmp_path / ".res.lock").exists()


def test_two_concurrent_runs_one_folder(tmp_path):
    # Two real processes race for one --out: exactly one writes it, the other says why.
    scenario = _scenario(tmp_path)
    out = tmp_path / "res"
    cmd = [sys.executable, "-m", "lupex.cli", "run", str(scenario), "--out", str(out),
           "--quiet", "--only", "terrain", "window", "transfer", "sites", "lunar_orbit", "landing", "timeline", "sky"]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    outs = [p.communicate(timeout=300) for p in procs]
    codes = sorted(p.returncode for p in procs)
    assert codes == [0, cli.EXIT_USAGE], outs
    loser_err = next(e for p, (_, e) in zip(procs, outs) if p.returncode == 2)
    assert any(s in loser_err for s in ("another lupex run", "folder exists", "appeared"))
    assert results.is_results_folder(out)
    assert json.loads((out / "summary.json").read_text())["stages"]["sky"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".res")]


def test_stale_leftovers_of_killed_runs_are_cleaned(tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()  # a process id that no longer runs
    partial = tmp_path / f".res.partial-{dead.pid}"
    (partial / "plots").mkdir(parents=True)
    (tmp_path / ".res.lock").write_text(str(dead.pid))
    live = tmp_path / f".res.partial-{os.getpid()}"  # a live run's: never touched
    live.mkdir()
    other = tmp_path / ".unrelated.partial-1"
    other.mkdir()
    removed = results.clean_stale(tmp_path / "res")
    assert set(removed) == {partial, tmp_path / ".res.lock"}
    assert live.exists() and other.exists()


@pytest.mark.slow
def test_sigterm_leaves_nothing_behind(tmp_path):
    scenario = _scenario(tmp_path, days=90)  # a few seconds of sky work
    out = tmp_path / "res"
    p = subprocess.Popen([sys.executable, "-m", "lupex.cli", "run", str(scenario), "--out",
                          str(out), "--quiet", "--only", "terrain", "window", "transfer", "sites", "lunar_orbit", "landing", "timeline", "sky"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lock = tmp_path / ".res.lock"
    deadline = time.monotonic() + 120
    while not lock.exists() and p.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert lock.exists(), "the run never took its lock"
    p.send_signal(signal.SIGTERM)
    _, err = p.communicate(timeout=120)
    if p.returncode == 0:  # finished before the signal landed: nothing to check
        pytest.skip("the run finished before SIGTERM arrived")
    assert p.returncode == 143 and "terminated" in err
    assert not out.exists()
    assert not [q for q in tmp_path.iterdir() if q.name.startswith(".res")]


_NO_NETWORK_RUNNER = """
import socket, sys
attempts = []
def refuse(*args, **kwargs):
    attempts.append(args)
    sys.stderr.write(f"NETWORK ATTEMPT {args!r}\\n")
    raise OSError("network blocked by the test")
socket.socket.connect = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse
# The clock past the bundled leap-second table's expiry, as on any machine from 2027 on.
from astropy.time import Time
from astropy.utils import iers
iers.LeapSeconds._today = staticmethod(
    lambda: Time("2031-06-01", scale="tai", format="iso", out_subfmt="date"))
from lupex import cli
code = cli.main(sys.argv[1:])
sys.exit(code if not attempts else 99)
"""


@pytest.mark.slow
def test_a_whole_run_makes_no_network_attempt_after_the_tables_expire(tmp_path):
    d = yaml.safe_load((REPO / "configs" / "lupex_baseline.yaml").read_text())
    d["terrain"].update(half_width_km=4.0, pixel_m=240.0, max_distance_km=30.0,
                        center_lat_deg=-89.5, center_lon_deg=200.0)
    d["sites"] = [{"name": "A", "lat_deg": -89.534, "lon_deg": 209.948}]
    d["surface"].update(duration_days=3, time_step_hours=6, cycle_step_hours=24)
    scenario = tmp_path / "small.yaml"
    scenario.write_text(yaml.safe_dump(d))
    env = {**os.environ, "LUPEX_CACHE_DIR": str(tmp_path / "cache")}
    p = subprocess.run([sys.executable, "-c", _NO_NETWORK_RUNNER, "run", str(scenario),
                        "--out", str(tmp_path / "out"), "--quiet"],
                       check=False, capture_output=True, text=True, env=env, timeout=900)
    assert "NETWORK ATTEMPT" not in p.stderr, p.stderr[-2000:]
    assert p.returncode == 0, p.stderr[-2000:]
    assert (tmp_path / "out" / "summary.json").exists()
