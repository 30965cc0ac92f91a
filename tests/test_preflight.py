"""Pre-run checks: a map too big for the machine is refused by validate and run, with the
fields to change and the largest half-width that fits (memory is faked: machine-independent)."""

from pathlib import Path

import pytest
import yaml

from lupex import cli, preflight
from lupex.scenario import load

REPO = Path(__file__).resolve().parents[1]
GB = 1e9


def _scenario(tmp_path, compute=None, **terrain) -> Path:
    """The baseline's three sites nearest the pole on the SYNTHETIC pole's 90 km map at
    100 m (the map the memory model was measured on), with ``terrain`` changes."""
    d = yaml.safe_load((REPO / "configs" / "lupex_baseline.yaml").read_text())
    d["sites"] = d["sites"][:3]
    d["terrain"].update(source="synthetic", center_lat_deg=-90.0, center_lon_deg=0.0, half_width_km=45.0,
                        pixel_m=100.0)
    d["terrain"].update(terrain)
    if compute is not None:
        d["compute"] = compute
    p = tmp_path / "s.yaml"
    p.write_text(yaml.safe_dump(d))
    return p


def test_map_pixels_follow_the_terrain_grid_rule():
    assert preflight.map_pixels(45.0, 100.0) == 900 * 900
    assert preflight.map_pixels(4.0, 200.0) == 40 * 40


@pytest.mark.parametrize("pixel_m, measured_gb", [(480.0, 0.933), (240.0, 2.219)])
def test_the_estimate_matches_measured_peaks(pixel_m, measured_gb):
    # Peak resident memory measured with /usr/bin/time -v on the baseline map (73 km
    # half-width, LOLA terrain, 360 azimuths) at two pixel sizes; the model must stay within
    # 25 % of each so its refusals are neither timid nor late.
    est = preflight.estimate_peak_bytes(preflight.map_pixels(73.0, pixel_m), 360)
    assert est == pytest.approx(measured_gb * GB, rel=0.25)


def test_a_map_too_big_is_refused_before_any_work(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(preflight, "available_memory_bytes", lambda: 16 * GB)
    p = _scenario(tmp_path, compute={"tiled": "never"}, pixel_m=20.0)  # 4500^2 px: ~70 GB
    out = tmp_path / "out"
    assert cli.main(["run", str(p), "--out", str(out), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "terrain.half_width_km / terrain.pixel_m" in err and "16.0 GB available" in err
    assert not out.exists()
    assert cli.main(["validate", str(p)]) == 1


def test_the_suggested_half_width_fits(tmp_path, monkeypatch):
    avail = 24 * GB
    hw = preflight.max_half_width_km(40.0, 360, avail)
    assert 38.0 < hw < 45.0  # all three baseline sites still inside
    never = {"tiled": "never"}
    ok, _ = load(_scenario(tmp_path, never, pixel_m=40.0, half_width_km=round(hw - 0.05, 1)))
    too, _ = load(_scenario(tmp_path, never, pixel_m=40.0, half_width_km=round(hw + 0.2, 1)))
    assert preflight.check_memory(ok, avail).fits
    assert not preflight.check_memory(too, avail).fits


def test_validate_prints_the_estimate(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(preflight, "available_memory_bytes", lambda: 16 * GB)
    assert cli.main(["validate", str(_scenario(tmp_path))]) == 0
    assert "memory: about 4.2 GB at peak for 810,000 map pixels; 16.0 GB available" in (
        capsys.readouterr().out)


def test_a_tiled_map_beyond_memory_fits_when_tiled(tmp_path):
    # 4500 x 4500 at 20 m: ~94 GB of masks in memory, ~6 GB with the masks on disk
    avail = 16 * GB
    whole, _ = load(_scenario(tmp_path, compute={"tiled": "never"}, pixel_m=20.0))
    tiled, _ = load(_scenario(tmp_path, pixel_m=20.0))  # the default: auto
    small, _ = load(_scenario(tmp_path, pixel_m=200.0))
    assert not preflight.check_memory(whole, avail).fits
    chk = preflight.check_memory(tiled, avail)
    assert chk.fits and chk.tiled and chk.estimate_bytes < 8 * GB
    assert "tiles on disk" in preflight.describe(chk)
    assert not preflight.check_memory(small, avail).tiled  # auto: in memory when it fits


def test_the_tiled_estimate_grows_with_the_tile_not_the_masks():
    a = preflight.estimate_peak_bytes(10**6, 360, tiled=True, workers=2, tile_px=512)
    b = preflight.estimate_peak_bytes(10**6, 720, tiled=True, workers=2, tile_px=512)
    c = preflight.estimate_peak_bytes(4 * 10**6, 360, tiled=True, workers=2, tile_px=512)
    tile = 2 * 512**2 * 360 * preflight.BYTES_PER_TILE_PIXEL_AZIMUTH
    assert b - a == pytest.approx(tile)
    assert c - a == pytest.approx(3 * 10**6 * preflight.BYTES_PER_PIXEL_TILED)
    hw = preflight.max_half_width_km(20.0, 360, 16 * GB, tiled=True)
    px = preflight.map_pixels(hw, 20.0)
    assert preflight.estimate_peak_bytes(px, 360, tiled=True) == pytest.approx(
        preflight.USABLE_FRACTION * 16 * GB, rel=1e-3)
