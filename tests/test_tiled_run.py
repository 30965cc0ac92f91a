"""A run with the horizon masks in tiles on disk (``compute.tiled: always``) gives the same
numbers as with the masks in memory (``never``), and its readers never load the whole cube.

The store and the in-memory cache hold the same int16 quanta of 0.01 deg
(:mod:`lupex.surface.tiles`, :mod:`lupex.surface.cache`), and every map engine works per
pixel, so the two paths must agree exactly: no tolerance.  The terrain is a small piece of
the SYNTHETIC pole (80 x 80 pixels) cut in 64-pixel tiles, so edge tiles are exercised."""

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
import yaml

from lupex.report.tables import horizons_dataset
from lupex.scenario import load
from lupex.stages import sites as sites_stage
from lupex.stages import surface as surface_stage
from lupex.stages import terrain as terrain_stage
from lupex.surface.tiles import TiledMasks, mask_pixels

REPO = Path(__file__).resolve().parents[1]
# surface start (TDB JD): a window with the Sun and the Earth each partly in view at site A
JD0 = 2461957.5
pytestmark = pytest.mark.slow  # two small runs: about 10 s


@dataclass
class _Timeline:
    """The one method of the timeline the surface stage reads: its surface-mission grid."""

    days: float

    def surface_grid(self, step_hours):
        return None, JD0 + np.arange(0.0, self.days * 24.0, step_hours) / 24.0


@dataclass
class _Search:
    touchdown_jd_tdb: np.ndarray
    chosen: int = 0


@dataclass
class _Window:
    search: _Search


def _scenario(tmp_path, tiled: str):
    d = yaml.safe_load((REPO / "configs" / "lupex_baseline.yaml").read_text())
    d["terrain"].update(source="synthetic", half_width_km=8.0, pixel_m=200.0, max_distance_km=30.0,
                        center_lat_deg=-88.5, center_lon_deg=10.0)
    d["sites"] = [{"name": "A", "lat_deg": -88.534, "lon_deg": 13.948},
                  {"name": "B", "lat_deg": -88.45, "lon_deg": 5.0}]
    d["surface"].update(duration_days=5, time_step_hours=3, cycle_step_hours=24)
    d["landing"] = {"site": "A"}  # the synthetic sites break the limits: the override path
    d["compute"] = {"tiled": tiled, "tile_px": 64, "workers": 1}
    p = tmp_path / f"{tiled}.yaml"
    p.write_text(yaml.safe_dump(d))
    return load(p)[0]


def _quiet(done, total):
    pass


def _run(scenario):
    ter = terrain_stage.run(scenario, {}, _quiet)
    win = _Window(_Search(np.array([JD0])))
    sites = sites_stage.run(scenario, {"terrain": ter, "window": win}, _quiet)
    surf = surface_stage.run(scenario, {"terrain": ter, "timeline": _Timeline(5.0)}, _quiet)
    return ter, sites, surf


def _json(summary) -> str:
    return json.dumps(summary, sort_keys=True, default=str)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("tiled_run")
    mp = pytest.MonkeyPatch()
    mp.setenv("LUPEX_CACHE_DIR", str(tmp / "cache"))
    try:
        mem = _run(_scenario(tmp, "never"))
        # the tiled run must never read the whole cube: any np.asarray of the view fails
        def whole(self, dtype=None, copy=None):
            raise AssertionError("the whole horizon cube was read from the tiled store")

        mp.setattr(TiledMasks, "__array__", whole)
        tiled = _run(_scenario(tmp, "always"))
        ds = horizons_dataset({"terrain": tiled[0], "surface": tiled[2]})
    finally:
        mp.undo()
    return mem, tiled, ds


def test_the_tiled_run_keeps_its_masks_on_disk(runs):
    (ter_m, _, _), (ter_t, _, _), _ = runs
    assert not ter_m.tiled and isinstance(ter_m.horizon_rad, np.ndarray)
    assert ter_t.tiled and isinstance(ter_t.horizon_rad, TiledMasks)
    assert ter_t.horizon_rad.shape == ter_m.horizon_rad.shape == (80, 80, 360)
    assert ter_t.horizon_rad.chunks[:2] == (64, 64)  # four tiles, three of them edge tiles


def test_tiled_and_in_memory_runs_give_identical_summaries(runs):
    (ter_m, sites_m, surf_m), (ter_t, sites_t, surf_t), _ = runs
    assert _json(terrain_stage.STAGE.summary(ter_t)) == _json(terrain_stage.STAGE.summary(ter_m))
    assert _json(sites_stage.STAGE.summary(sites_t)) == _json(sites_stage.STAGE.summary(sites_m))
    assert _json(surface_stage.STAGE.summary(surf_t)) == _json(surface_stage.STAGE.summary(surf_m))


def test_tiled_and_in_memory_maps_are_identical(runs):
    (_, _, m), (_, _, t), _ = runs
    # a case where every reader has something to compare: PSRs, the Earth and the Sun up
    assert m.psr.psr.any() and (~m.psr.psr).any() and m.earth_map.mean_fraction.max() > 0
    assert m.assessment.mean_illumination.max() > 0 and m.assessment.earth_fraction.max() > 0
    assert m.traverse is not None
    np.testing.assert_array_equal(t.psr.psr, m.psr.psr)
    np.testing.assert_array_equal(t.psr.mean_fraction, m.psr.mean_fraction)
    np.testing.assert_array_equal(t.earth_map.mean_fraction, m.earth_map.mean_fraction)
    np.testing.assert_array_equal(t.earth_map.never_visible, m.earth_map.never_visible)
    assert t.earth_map.body == "earth"
    for a, b in zip(t.assessment.local, m.assessment.local, strict=True):
        np.testing.assert_array_equal(a.sun.mean_fraction, b.sun.mean_fraction)
        np.testing.assert_array_equal(a.feasible, b.feasible)
    np.testing.assert_array_equal(t.traverse.rows, m.traverse.rows)
    np.testing.assert_array_equal(t.traverse.sun_fraction, m.traverse.sun_fraction)


def test_the_horizon_cube_is_written_from_the_tiles(runs):
    (ter_m, _, surf_m), _, ds = runs
    ref = horizons_dataset({"terrain": ter_m, "surface": surf_m})
    np.testing.assert_array_equal(ds["horizon_el"].values, ref["horizon_el"].values)
    np.testing.assert_array_equal(ds["site_horizon_el"].values, ref["site_horizon_el"].values)


def test_scattered_pixels_read_from_the_store_equal_the_array(runs):
    (ter_m, _, _), (ter_t, _, _), _ = runs
    rng = np.random.default_rng(3)
    r, c = rng.integers(0, 80, size=(2, 7, 5))  # pixels in every tile, any shape
    got = mask_pixels(ter_t.horizon_rad, r, c)
    assert got.shape == (7, 5, 360)
    np.testing.assert_array_equal(got, ter_m.horizon_rad[r, c])
    np.testing.assert_array_equal(mask_pixels(ter_m.horizon_rad, r, c), ter_m.horizon_rad[r, c])
    with pytest.raises(IndexError, match="within the map"):
        mask_pixels(ter_t.horizon_rad, [0, 80], [0, 0])
    with pytest.raises(ValueError, match="same shape"):
        mask_pixels(ter_t.horizon_rad, [0, 1], [0])
