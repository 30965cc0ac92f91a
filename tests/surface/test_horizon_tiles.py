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
