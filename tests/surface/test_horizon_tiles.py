"""Tiles of observer pixels computed from one terrain pyramid equal the whole-map masks."""

import numpy as np
import pytest
from scipy.ndimage import gaussian_filter

from lupex.surface.dem import Dem
from lupex.surface.horizon import horizon_mask, horizon_pyramid, horizon_tile
from lupex.surface.synthetic import synthetic_south_pole


@pytest.fixture(scope="module")
def case():
    rng = np.random.default_rng(3)
    h = gaussian_filter(rng.normal(size=(131, 117)), 3) * 3000.0
    dem = Dem(h, -20.0, 30.0, 0.24)
    far = synthetic_south_pole(60.0, 0.24, seed=2)
    full = horizon_mask(dem, 24, 50.0, far_field=far, workers=1)
    return dem, far, full


@pytest.mark.parametrize(
    ("rows", "cols"),
    [((0, 131), (0, 117)), ((5, 77), (13, 100)), ((101, 131), (3, 4)), ((77, 78), (0, 117)),
     ((31, 130), (99, 117))],
)
def test_tile_equals_whole_map_bit_for_bit(case, rows, cols):
    # every operation is elementwise over observers, and tiles at odd offsets map their
    # children to parents by global parity: the same cells, the same bits
    dem, far, full = case
    pyr = horizon_pyramid(dem, 24, 50.0, far_field=far)
    t = horizon_tile(pyr, rows, cols)
    np.testing.assert_array_equal(t, full[rows[0]:rows[1], cols[0]:cols[1]])


def test_azimuth_range_and_two_worker_processes(case):
    dem, far, full = case
    pyr = horizon_pyramid(dem, 24, 50.0, far_field=far)
    np.testing.assert_array_equal(horizon_tile(pyr, (3, 40), (50, 90), (7, 19)),
                                  full[3:40, 50:90, 7:19])
    np.testing.assert_array_equal(horizon_mask(dem, 24, 50.0, far_field=far, workers=2), full)


def test_tile_outside_map_is_refused(case):
    dem, far, _ = case
    pyr = horizon_pyramid(dem, 24, 50.0, far_field=far)
    with pytest.raises(ValueError, match="rows, cols"):
        horizon_tile(pyr, (0, 200), (0, 10))


def test_compiled_kernels_equal_the_numpy_path(case, monkeypatch):
    # the numba kernels repeat the NumPy path's float32 operations in the same order
    from lupex.surface import horizon as H

    if not H._KERNELS:
        pytest.skip("numba absent: only the NumPy path exists")
    dem, far, full = case
    monkeypatch.setattr(H, "_USE_KERNELS", [False])
    plain = horizon_mask(dem, 24, 50.0, far_field=far, workers=1)
    np.testing.assert_array_equal(plain, full)
    pyr = horizon_pyramid(dem, 24, 50.0, far_field=far)
    np.testing.assert_array_equal(horizon_tile(pyr, (5, 77), (13, 100)), full[5:77, 13:100])


def _with_and_without_kernels(monkeypatch, fn):
    from lupex.surface import horizon as H

    if not H._KERNELS:
        pytest.skip("numba absent: only the NumPy path exists")
    compiled = fn()
    monkeypatch.setattr(H, "_USE_KERNELS", [False])
    plain = fn()
    monkeypatch.setattr(H, "_USE_KERNELS", [True])
    return compiled, plain


@pytest.mark.parametrize("small_grid", [0, 4096])
def test_compiled_coarse_march_equals_numpy_at_every_stride(case, monkeypatch, small_grid):
    # to 200 km the pyramid has 6 levels: observers of levels 1-2 read their own terrain
    # (stride 1), of 3-4 every 2nd pixel (the parity sub-grids), of 5 every 4th (a copy);
    # _SMALL_GRID = 0 marches every level with the row kernels, the default the top ones
    # with the one-gather kernel
    from lupex.surface import horizon as H

    dem, far, _ = case
    monkeypatch.setattr(H, "_SMALL_GRID", small_grid)
    pyr = horizon_pyramid(dem, 24, 200.0, far_field=far)
    assert len(pyr.levels) == 6
    assert [H._terrain_level(lev)[1] for lev in range(6)] == [1, 1, 1, 2, 2, 4]
    compiled, plain = _with_and_without_kernels(
        monkeypatch, lambda: (horizon_tile(pyr, (0, 131), (0, 117)),
                              horizon_tile(pyr, (3, 130), (1, 116), (5, 11))))
    for a, b in zip(compiled, plain, strict=True):
        np.testing.assert_array_equal(a.view(np.uint32), b.view(np.uint32))


def test_compiled_single_level_equals_numpy(case, monkeypatch):
    # 5 km < D0 pixels: one level, no coarse hand-off (the level-0 kernel's no-parent case)
    dem, far, _ = case
    compiled, plain = _with_and_without_kernels(
        monkeypatch, lambda: horizon_mask(dem, 16, 5.0, observer_height_m=1.5, far_field=far,
                                          workers=1))
    np.testing.assert_array_equal(compiled.view(np.uint32), plain.view(np.uint32))


@pytest.mark.parametrize(("n_az", "workers"), [(360, 2), (360, 3), (24, 2), (7, 2), (4, 64)])
def test_worker_items_give_each_worker_an_equal_contiguous_share(n_az, workers):
    from lupex.surface.horizon import _BATCH, _worker_items

    items = _worker_items(n_az, workers)
    assert sorted(k for a, b in items for k in range(a, b)) == list(range(n_az))
    assert all(0 < b - a <= _BATCH for a, b in items)
    n = min(workers, n_az)  # fork_map deals item k to worker k mod n
    shares = [sum(b - a for a, b in items[w::n]) for w in range(n)]
    assert max(shares) - min(shares) <= 1


@pytest.mark.parametrize("workers", [2, 3])
@pytest.mark.parametrize("kernels", [True, False])
def test_worker_threads_and_processes_give_the_same_masks(case, monkeypatch, workers, kernels):
    # with the compiled kernels the workers are threads, without them forked processes
    from lupex.surface import horizon as H

    dem, far, full = case
    monkeypatch.setattr(H, "_USE_KERNELS", [kernels])
    np.testing.assert_array_equal(horizon_mask(dem, 24, 50.0, far_field=far, workers=workers),
                                  full)


def test_worker_progress_reaches_the_total_in_the_calling_thread(case):
    import threading

    dem, far, full = case
    calls = []
    h = horizon_mask(dem, 24, 50.0, far_field=far, workers=2,
                     progress=lambda d, t: calls.append((d, t, threading.get_ident())))
    np.testing.assert_array_equal(h, full)
    assert [d for d, _, _ in calls] == sorted(d for d, _, _ in calls)
    assert calls[-1][:2] == (24, 24)
    assert {ident for _, _, ident in calls} == {threading.get_ident()}


@pytest.mark.parametrize("stacked", [False, True])
def test_far_field_sampled_on_threads_equals_one_thread(stacked):
    # the pyramid samples large far-field grids in row halves on threads: pointwise, so
    # equal bit for bit to one pass (a nested TerrainStack box-averages per layer)
    from lupex.surface import horizon as H
    from lupex.surface.stack import TerrainLayer, TerrainStack

    fine = synthetic_south_pole(20.0, 0.06, seed=4)
    coarse = synthetic_south_pole(120.0, 0.24, seed=5)
    far = coarse
    if stacked:
        far = TerrainStack((TerrainLayer(fine, None, "fine"), TerrainLayer(coarse, None, "coarse")))
    x = -150.0 + (np.arange(1100) + 0.5) * 0.27  # 1.1 M points: split in two
    y = 150.0 - (np.arange(1000) + 0.5) * 0.27
    grids = [(x, y, 0.27), (x[:50], y[:40], 0.54)]
    two = H._sample_far_levels(far, grids, n_threads=2)
    one = H._sample_far_levels(far, grids, n_threads=1)
    for a, b in zip(two, one, strict=True):
        assert a.shape == b.shape
        np.testing.assert_array_equal(a.view(np.uint32), b.view(np.uint32))
