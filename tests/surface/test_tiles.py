"""Tiled, on-disk horizon masks and the maps streamed from them equal the in-memory path."""

import numpy as np
import pytest
from scipy.ndimage import gaussian_filter

from lupex.surface.cache import cached_horizon_mask
from lupex.surface.dem import Dem
from lupex.surface.illumination_map import illumination_map
from lupex.surface.psr import psr_map
from lupex.surface.tiles import horizon_store, illumination_tiles, psr_tiles, read_tile, tile_ranges
from lupex.surface.tracks import body_track

JD0 = 2461000.5


@pytest.fixture(scope="module")
def case(tmp_path_factory):
    rng = np.random.default_rng(7)
    h = gaussian_filter(rng.normal(size=(70, 53)), 2.5) * 2500.0
    dem = Dem(h, -30.0, 20.0, 0.24)
    folder = tmp_path_factory.mktemp("tiles")
    mem = cached_horizon_mask(dem, 36, 40.0, workers=1, directory=folder / "npy")
    store = horizon_store(dem, 36, 40.0, tile_px=32, workers=1, directory=folder / "zarr")
    return dem, mem, store, folder


def test_store_equals_the_quantised_in_memory_masks(case):
    # the same 0.01 deg quanta as the cache: identical floats after dequantisation
    dem, mem, store, _ = case
    assert store.shape == (*dem.shape, 36) and store.dtype == np.int16
    np.testing.assert_array_equal(read_tile(store, (0, 70), (0, 53)), mem)
    np.testing.assert_array_equal(read_tile(store, (40, 70), (10, 33)), mem[40:70, 10:33])


def test_two_workers_write_the_same_store_and_a_complete_store_is_reused(case):
    dem, _, store, folder = case
    two = horizon_store(dem, 36, 40.0, tile_px=32, workers=2, directory=folder / "zarr2")
    np.testing.assert_array_equal(two[...], store[...])
    calls = []
    again = horizon_store(dem, 36, 40.0, tile_px=32, workers=1, directory=folder / "zarr",
                          progress=lambda d, t: calls.append((d, t)))
    assert calls == [(1, 1)] and again.attrs["complete"]


def test_streamed_illumination_and_psr_equal_the_in_memory_maps(case):
    dem, mem, store, _ = case
    track = body_track("sun", JD0 + np.arange(0.0, 30 * 24.0, 2.0) / 24.0)
    lat, lon = dem.latlon()
    ref = illumination_map(lat, lon, mem, track, workers=1)
    got = illumination_tiles(store, dem, track, workers=1)
    for f in ("mean_fraction", "never_visible", "longest_dark_h", "longest_lit_h",
              "n_lit_periods", "mean_lit_h"):
        np.testing.assert_array_equal(getattr(got, f), getattr(ref, f), err_msg=f)
    p_ref = psr_map(dem, mem, JD0, 1.0, step_h=6.0, workers=1)
    p_got = psr_tiles(store, dem, JD0, 1.0, step_h=6.0, workers=1)
    np.testing.assert_array_equal(p_got.psr, p_ref.psr)
    np.testing.assert_array_equal(p_got.mean_fraction, p_ref.mean_fraction)
    assert p_got.psr_area_km2 == p_ref.psr_area_km2


def test_tile_ranges_cover_the_map_once():
    cover = np.zeros((70, 53), dtype=int)
    for (r0, r1), (c0, c1) in tile_ranges((70, 53), 32):
        cover[r0:r1, c0:c1] += 1
    assert (cover == 1).all()


def test_bad_tile_size(case):
    dem, _, _, folder = case
    with pytest.raises(ValueError, match="tile_px"):
        horizon_store(dem, 36, 40.0, tile_px=4, workers=1, directory=folder / "bad")


def test_tiled_masks_read_like_the_array(case):
    from lupex.surface.tiles import TiledMasks

    _, mem, store, _ = case
    t = TiledMasks(store)
    assert t.shape == mem.shape and t.ndim == 3
    np.testing.assert_array_equal(t[5:9, 40, 3:7], mem[5:9, 40, 3:7])
    np.testing.assert_array_equal(np.asarray(t), mem)


def test_earth_visibility_streamed_equals_the_in_memory_map(case):
    from lupex.surface.tiles import earth_visibility_tiles
    from lupex.surface.visibility import earth_visibility_map

    dem, mem, store, _ = case
    jd = JD0 + np.arange(0.0, 10 * 24.0, 3.0) / 24.0
    lat, lon = dem.latlon()
    ref = earth_visibility_map(lat, lon, mem, jd, time_series=False, workers=1)
    got = earth_visibility_tiles(store, dem, jd, time_series=False, workers=1)
    assert got.body == "earth" and got.longest_dark_h is None
    np.testing.assert_array_equal(got.mean_fraction, ref.mean_fraction)
    np.testing.assert_array_equal(got.never_visible, ref.never_visible)
    with pytest.raises(ValueError, match="jd_tdb"):
        earth_visibility_tiles(store, dem)


def test_a_single_tile_map_runs_here_on_the_engines_workers(case):
    # one tile: the engine's own forked workers take its pixels; same answer
    dem, mem, _, folder = case
    one = horizon_store(dem, 36, 40.0, tile_px=128, workers=1, directory=folder / "one")
    track = body_track("sun", JD0 + np.arange(0.0, 5 * 24.0, 2.0) / 24.0)
    lat, lon = dem.latlon()
    ref = illumination_map(lat, lon, mem, track, workers=1)
    got = illumination_tiles(one, dem, track, workers=2)
    np.testing.assert_array_equal(got.mean_fraction, ref.mean_fraction)
    np.testing.assert_array_equal(got.longest_dark_h, ref.longest_dark_h)


def test_scattered_pixels_read_one_chunk_at_a_time(case, monkeypatch):
    from lupex.surface.tiles import TiledMasks, as_masks, mask_pixels

    _, mem, store, _ = case

    class Counted:  # the store, counting its reads
        shape, chunks, reads = store.shape, store.chunks, 0

        def __getitem__(self, key):
            Counted.reads += 1
            return store[key]

    t = TiledMasks(Counted())
    assert t.size == mem.size and t.chunks == (32, 32, 36) and as_masks(t) is t
    r = np.array([[0, 69, 31], [32, 5, 64]])
    c = np.array([[0, 52, 31], [32, 40, 1]])
    monkeypatch.setattr(TiledMasks, "__array__", lambda *a, **k: pytest.fail("whole cube read"))
    got = t.pixels(r, c)
    assert Counted.reads == 5  # six pixels in five 32 x 32 chunks
    assert got.dtype == np.float32 and got.shape == (2, 3, 36)
    np.testing.assert_array_equal(got, mem[r, c])
    np.testing.assert_array_equal(mask_pixels(t, r, c), mem[r, c])
    np.testing.assert_array_equal(mask_pixels(mem, r, c), mem[r, c])
    assert t.pixels([], []).shape == (0, 36)


def test_sites_and_traverse_read_only_their_pixels_from_the_store(case, monkeypatch):
    from lupex.surface.projection import xy_to_latlon
    from lupex.surface.sites import SiteConstraints, assess_sites
    from lupex.surface.tiles import TiledMasks
    from lupex.surface.traverse import plan_traverse

    dem, mem, store, _ = case
    lat, lon = dem.latlon()
    sites = [("a", float(np.degrees(lat[10, 10])), float(np.degrees(lon[10, 10]))),
             ("b", float(np.degrees(lat[50, 40])), float(np.degrees(lon[50, 40])))]
    jd = JD0 + np.arange(0.0, 3 * 24.0, 3.0) / 24.0
    cons = SiteConstraints(30.0, 0.0, 1e5, 0.0)
    slope = np.zeros(dem.shape)
    ref = assess_sites(dem, mem, slope, sites, jd, cons, area_km=1.0, workers=1)
    monkeypatch.setattr(TiledMasks, "__array__", lambda *a, **k: pytest.fail("whole cube read"))
    got = assess_sites(dem, TiledMasks(store), slope, sites, jd, cons, area_km=1.0, workers=1)
    np.testing.assert_array_equal(got.psr, ref.psr)  # the PSR map streamed from the tiles
    for f in ("mean_illumination", "longest_night_h", "earth_fraction", "psr_distance_km", "score"):
        np.testing.assert_array_equal(getattr(got, f), getattr(ref, f), err_msg=f)
    x, y = dem.x_km(), dem.y_km()
    end = [float(np.degrees(v)) for v in xy_to_latlon(x[45], y[60])]
    kw = {"target_latlon_deg": end, "depart_jd": JD0}
    t_ref = plan_traverse(dem, slope, mem, sites[0][1:], **kw)
    t_got = plan_traverse(dem, slope, TiledMasks(store), sites[0][1:], **kw)
    assert t_got.rows.size > 40  # the path crosses tiles
    np.testing.assert_array_equal(t_got.sun_fraction, t_ref.sun_fraction)


@pytest.mark.slow  # starts a local Dask cluster (a few seconds)
def test_maps_on_dask_workers_equal_the_maps_run_here(case):
    from lupex.cluster import dask_client

    dem, mem, store, _ = case
    track = body_track("sun", JD0 + np.arange(0.0, 5 * 24.0, 2.0) / 24.0)
    here = illumination_tiles(store, dem, track, workers=2)
    with dask_client(2) as client:
        there = illumination_tiles(store, dem, track, client=client)
        p_there = psr_tiles(store, dem, JD0, 1.0, step_h=6.0, client=client)
    for f in ("mean_fraction", "never_visible", "longest_dark_h", "n_lit_periods"):
        np.testing.assert_array_equal(getattr(there, f), getattr(here, f), err_msg=f)
    np.testing.assert_array_equal(p_there.psr, psr_map(dem, mem, JD0, 1.0, step_h=6.0, workers=1).psr)


def _unaligned(a):
    """A copy of ``a`` starting one byte past an aligned address (as Dask may deserialise)."""
    buf = np.empty(a.nbytes + 1, np.uint8)
    out = buf[1:].view(a.dtype).reshape(a.shape)
    out[...] = a
    return out


def test_unaligned_pyramid_is_copied_once_and_gives_the_same_tile(case):
    import dataclasses

    from lupex.surface import tiles as TL
    from lupex.surface.horizon import horizon_pyramid, horizon_tile

    dem = case[0]
    pyr = horizon_pyramid(dem, 36, 40.0)
    assert TL._aligned_pyramid(pyr) is pyr  # nothing to copy
    bad = dataclasses.replace(pyr, levels=tuple((_unaligned(t), *rest) for t, *rest in pyr.levels))
    assert not bad.levels[0][0].flags.aligned
    fixed = TL._aligned_pyramid(bad)
    assert all(t.flags.aligned for t, *_ in fixed.levels)
    assert TL._aligned_pyramid(bad) is fixed  # once per worker process
    np.testing.assert_array_equal(horizon_tile(fixed, (0, 40), (5, 50)), horizon_tile(pyr, (0, 40), (5, 50)))
