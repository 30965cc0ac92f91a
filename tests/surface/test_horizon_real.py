"""Horizons on real LOLA terrain: the Connecting Ridge site DEM with a LOLA far field.

Data: shared/data/dem/site01_connecting_ridge_10mpp.npz (resampled from NASA PGDA product
78, Barker et al. 2021) and shared/data/dem/moon_dem_8ppd_south_cap_70S.npz (LOLA-derived
0.125 deg grid), see shared/data/README.md.
"""

from pathlib import Path

import numpy as np
import pytest

from lupex.surface.dem import latlon_grid_from_npz, resample_to_polar
from lupex.surface.horizon import horizon_mask
from lupex.surface.projection import latlon_to_xy, local_to_grid_azimuth
from lupex.surface.terrain_map import build_terrain
from tests.surface.reference_horizon import horizon_mask_reference

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "dem"
CR_LAT, CR_LON = -89.53432, 209.94767  # Connecting Ridge (Gracy & Lee, LPSC 2024 #1695)


@pytest.fixture(scope="module")
def site():
    for f in ("site01_connecting_ridge_10mpp.npz", "moon_dem_8ppd_south_cap_70S.npz"):
        if not (DATA / f).exists():
            pytest.skip(f"shared data file {DATA / f} absent")
    # the whole 16 km site DEM at 40 m (centred on its middle, X = -11, Y = -12 km)
    t = build_terrain(
        -89.4631, 222.5104, 7.9, pixel_km=0.04, dem_path=DATA / "site01_connecting_ridge_10mpp.npz"
    )
    far = resample_to_polar(
        latlon_grid_from_npz(DATA / "moon_dem_8ppd_south_cap_70S.npz"), -89.5, 210.0, 60.0, 1.0
    )
    return t.dem, far, horizon_mask(t.dem, 72, 40.0, far_field=far)


def test_real_terrain_against_exact_marcher(site):
    # Exact marcher: 0.5-pixel steps (20 m) to 40 km over the same terrain (DEM, then the
    # far field, then the bare sphere).  Pixels at least 10 px from the DEM edge (at the
    # edge the site DEM and the 1 km far field disagree by tens of metres, a cliff whose
    # apparent height depends on where samples fall).  Measured on these 30 pixels x 72
    # azimuths (algorithm mro-6, D0 = 32): rms 0.091 deg, 99th percentile 0.39 deg, max
    # 0.68 deg (mro-4 with D0 = 12: 0.27, 0.97 and 2.6 deg; the residue is the sideways
    # blur of far terrain on steep crater walls).  Bounds: the 1 deg on the max,
    # rms < 0.15, p99 < 0.6, |mean| < 0.05 deg.
    dem, far, mask = site
    rng = np.random.default_rng(0)
    rows = rng.integers(10, dem.shape[0] - 10, 30)
    cols = rng.integers(10, dem.shape[1] - 10, 30)
    ref = horizon_mask_reference(dem, 72, 40.0, step_px=0.5, far_field=far, pixels=(rows, cols))
    err = np.degrees(mask[rows, cols] - ref)
    assert np.abs(err).max() < 1.0
    assert np.sqrt(np.mean(err**2)) < 0.15
    assert np.percentile(np.abs(err), 99) < 0.6
    assert abs(err.mean()) < 0.05


def test_shipped_240m_pole_grid_against_exact_marcher():
    # The real 240 m LOLA grid shipped with lupex (its own far field beyond the window):
    # a 120 x 120 px window at the pole, 72 azimuths to 40 km, 30 random pixels, exact
    # marcher at 0.5-px steps.  Measured: rms 0.092, p99 0.38, max 0.77, mean -0.02 deg
    # (benchmarks/bench_horizon.py gives the 400 x 400 px, 150 km figure: max 0.63 deg).
    from lupex.surface.dem import Dem
    from lupex.surface.lola_builtin import builtin_pole

    pole = builtin_pole().dem
    n = 120
    c0 = (pole.shape[0] - n) // 2
    dem = Dem(pole.height_m[c0 : c0 + n, c0 : c0 + n], pole.x0_km + c0 * pole.pixel_km,
              pole.y0_km - c0 * pole.pixel_km, pole.pixel_km)
    mask = horizon_mask(dem, 72, 40.0, far_field=pole, workers=1)
    rng = np.random.default_rng(0)
    rows, cols = rng.integers(0, n, 30), rng.integers(0, n, 30)
    ref = horizon_mask_reference(dem, 72, 40.0, step_px=0.5, far_field=pole, pixels=(rows, cols))
    err = np.degrees(mask[rows, cols] - ref)
    assert np.abs(err).max() < 1.0
    assert np.sqrt(np.mean(err**2)) < 0.15
    assert abs(err.mean()) < 0.05


def test_connecting_ridge_looks_over_shackleton(site):
    # From the ridge point toward the pole (local azimuth 180 deg, grid azimuth
    # 180 + 209.95 deg) the view crosses Shackleton's interior to its far rim, at about the
    # ridge's height ~20 km away: the horizon there is within a degree of the curvature
    # dip (-0.3 deg at 20 km), i.e. the ridge sees the Sun low over the pole -- why it is
    # among the best-lit places (Glaeser et al. 2014, Icarus 243, 78: 92 % at 2 m).
    dem, far, mask = site
    x, y = latlon_to_xy(np.radians(CR_LAT), np.radians(CR_LON))
    r, c = (round(float(v)) for v in dem.xy_to_index(x, y))
    k = round(np.degrees(local_to_grid_azimuth(np.pi, np.radians(CR_LON))) / 5.0) % 72
    ref = horizon_mask_reference(dem, 72, 40.0, step_px=0.5, far_field=far, pixels=([r], [c]))
    assert np.degrees(mask[r, c, k]) == pytest.approx(np.degrees(ref[0, k]), abs=0.2)
    assert -1.5 < np.degrees(mask[r, c, k]) < 1.0
    # and most directions are open: median horizon below 1.5 deg (the Sun's maximum
    # elevation at the pole is 1.54 deg)
    assert np.degrees(np.median(mask[r, c])) < 1.5
