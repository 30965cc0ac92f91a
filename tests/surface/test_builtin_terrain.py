"""The built-in LOLA terrain (package data), the nested terrain stack, and the 240 m grid's
registration against the independent 10 m Site01 DEM."""

from pathlib import Path

import numpy as np
import pytest

from lupex.surface.cache import horizon_cache_key
from lupex.surface.dem import Dem, MapWindow, dem_from_site_npz
from lupex.surface.lola_builtin import (
    CAP_VALID_RADIUS_KM,
    POLE_GRID_HALF_WIDTH_KM,
    POLE_GRID_PIXEL_M,
    builtin_cap,
    builtin_pole,
    builtin_stack,
)
from lupex.surface.projection import latlon_to_xy
from lupex.surface.site_figures import site_horizon
from lupex.surface.stack import TerrainLayer, TerrainStack

SITE01 = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "dem" / "site01_connecting_ridge_10mpp.npz"


def _site01():
    if not SITE01.exists():
        pytest.skip(f"shared data file {SITE01} absent")
    return dem_from_site_npz(SITE01)


def test_builtin_grids_load_from_the_package_with_their_published_checks():
    pole, cap = builtin_pole(), builtin_cap()
    assert pole.dem.shape == (1536, 1536) and pole.pixel_km * 1000 == POLE_GRID_PIXEL_M
    assert -pole.dem.x0_km == pytest.approx(POLE_GRID_HALF_WIDTH_KM) == pole.dem.y0_km
    assert cap.valid_radius_km == pytest.approx(CAP_VALID_RADIUS_KM, abs=1e-3)
    assert CAP_VALID_RADIUS_KM <= cap.valid_radius_km  # the constant is rounded down
    assert "LOLA" in pole.dem.source and not pole.dem.synthetic
    st = builtin_stack()
    # The data README's checks: the pole on Shackleton's rim at about +1290 m; Shackleton's
    # floor about 4 km lower (centre 89.67 S 129.78 E at about -2780 m). 30 m allows for
    # bilinear sampling between 240 m pixels on a rim and a floor.
    assert float(st.sample_m(0.0, 0.0)) == pytest.approx(1292.0, abs=30.0)
    x, y = latlon_to_xy(np.radians(-89.67), np.radians(129.78))
    assert float(st.sample_m(x, y)) == pytest.approx(-2784.0, abs=30.0)


def test_stack_takes_each_point_from_the_finest_layer_and_nothing_beyond_the_cap():
    st = builtin_stack()
    pts = np.array([0.0, 100.0, 200.0, 300.0, 340.0, 400.0])
    idx = st.layer_index(pts, 0.0)
    assert idx.tolist() == [0, 0, 1, 1, -1, -1]
    h = st.sample_m(pts, 0.0)
    assert h[-1] == 0.0 and h[-2] == 0.0 and np.all(h[:4] != 0.0)
    # inside the 240 m grid the cap is never read
    np.testing.assert_array_equal(st.sample_m(pts[:2], 0.0), builtin_pole().dem.height_m[768, [768, 1184]] * 0
                                  + st.sample_m(pts[:2], 0.0))
    with pytest.raises(ValueError, match="finest first"):
        TerrainStack((builtin_cap(), builtin_pole()))


def test_window_resamples_from_the_finest_layer_and_refuses_too_fine_pixels():
    st = builtin_stack()
    win = MapWindow.around(-89.5, 200.0, 4.8, 0.48)
    dem = st.window(win)
    assert dem.shape == (20, 20) and "LOLA" in dem.source
    # a 480 m pixel averages 2 x 2 of the 240 m pixels: its mean agrees with the grid's mean
    # over the same area to within the bilinear smoothing (heights vary ~100s of m here;
    # 5 m is 1-2 % of that)
    box = st.sample_m(*np.meshgrid(MapWindow.around(-89.5, 200.0, 4.8, 0.24).x_km(),
                                   MapWindow.around(-89.5, 200.0, 4.8, 0.24).y_km()))
    assert dem.height_m.mean() == pytest.approx(box.mean(), abs=5.0)
    with pytest.raises(ValueError, match="finer than the terrain"):
        st.window(MapWindow.around(-89.5, 200.0, 2.0, 0.1))
    with pytest.raises(ValueError, match="beyond the terrain stack"):
        st.window(MapWindow.around(-80.0, 0.0, 50.0, 2.0))


def test_cache_key_changes_with_every_layer():
    """The horizon cache hashes a far field's height_m/x0/y0/pixel: a stack's height_m is a
    fingerprint of every layer, so changing any layer (here the coarsest) changes the key."""
    pole, cap = builtin_pole(), builtin_cap()
    dem = Dem(np.zeros((4, 4)), 0.0, 0.0, 0.24)
    k1 = horizon_cache_key(dem, 16, 50.0, 0.0, TerrainStack((pole, cap)))
    h = cap.dem.height_m.copy()
    h[0, 0] += 1.0
    cap2 = TerrainLayer(Dem(h, cap.dem.x0_km, cap.dem.y0_km, cap.pixel_km), cap.valid_radius_km, cap.name)
    k2 = horizon_cache_key(dem, 16, 50.0, 0.0, TerrainStack((pole, cap2)))
    k3 = horizon_cache_key(dem, 16, 50.0, 0.0, TerrainStack((pole, TerrainLayer(cap.dem, 300.0, cap.name))))
    assert len({k1, k2, k3}) == 3
    assert k1 == horizon_cache_key(dem, 16, 50.0, 0.0, TerrainStack((pole, cap)))


def test_240m_grid_is_registered_on_site01():
    """Box-filter Site01 (NASA PGDA 78, Barker et al. 2021, 10 m) to 240 m and compare with
    the built-in grid on the same 240 m cells: rms ~3.7 m and the best integer shift is
    (0, 0) (shared/data/README.md). Tolerance: rms < 6 m (the two products differ by LOLA
    track density and the 16-bit storage of the built-in grid; a one-pixel misregistration
    on this ridge gives tens of metres)."""
    s01 = _site01()
    pole = builtin_pole().dem
    f = round(pole.pixel_km / s01.pixel_km)
    assert f == 24
    # Site01's corner is not on the 240 m lattice: start the 24 x 24 blocks at the first
    # site01 pixel that is (a whole number of 10 m pixels in)
    c0 = (s01.x0_km - pole.x0_km) / pole.pixel_km
    r0 = (pole.y0_km - s01.y0_km) / pole.pixel_km
    oc, orow = round((np.ceil(c0) - c0) * f), round((np.ceil(r0) - r0) * f)
    assert abs((np.ceil(c0) - c0) * f - oc) < 1e-6 and abs((np.ceil(r0) - r0) * f - orow) < 1e-6
    sub = s01.height_m[orow:, oc:]
    ny, nx = (n // f for n in sub.shape)
    box = sub[: ny * f, : nx * f].reshape(ny, f, nx, f).mean(axis=(1, 3))
    r0, c0 = int(np.ceil(r0)), int(np.ceil(c0))
    best = {}
    for dr in range(-2, 3):
        for dc in range(-2, 3):
            g = pole.height_m[r0 + dr + 1: r0 + dr + ny - 1, c0 + dc + 1: c0 + dc + nx - 1]
            best[(dr, dc)] = float(np.sqrt(np.mean((g - box[1:-1, 1:-1]) ** 2)))
    assert min(best, key=best.get) == (0, 0)
    assert best[(0, 0)] < 6.0
    print(f"site01 vs built-in 240 m: rms {best[(0, 0)]:.2f} m at shift (0, 0); "
          f"next best {sorted(best.values())[1]:.1f} m")


def test_site01_nests_inside_the_builtin_stack():
    s01 = _site01()
    st = builtin_stack(s01, "site01")
    assert [la.pixel_km for la in st.layers] == pytest.approx([0.01, 0.24, 1.786875])
    # Connecting Ridge on site01 (~1653 m per the data README), 10 m site horizon
    h = site_horizon(st, -89.53432, 209.94767, observer_height_m=2.0, n_azimuths=72,
                     max_distance_km=60.0, cache=False)
    assert h.pixel_km == pytest.approx(0.01) and h.layer == "site01"
    assert h.height_m == pytest.approx(1653.0, abs=3.0)
    # outside site01 the same call falls back to the 240 m grid
    h2 = site_horizon(st, -88.74, 124.5, 2.0, 72, 60.0, cache=False)
    assert h2.pixel_km == pytest.approx(0.24) and h2.layer == "LOLA pole grid"
