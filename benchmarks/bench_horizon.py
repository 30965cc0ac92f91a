"""Benchmark of lupex.surface.horizon.horizon_mask on a 1000 x 1000 DEM.

Run from the repository root:  .venv/bin/python benchmarks/bench_horizon.py [--quick]

* DEM: synthetic south pole, 1000 x 1000 pixels at 20 m (20 km square near the pole),
  plus a synthetic far field at 240 m covering +-170 km so rays reach 150 km.
* Fast method: 360 azimuths to 150 km, 2 workers (threads running the compiled kernels,
  which release the GIL; forked processes where numba is absent).  Reports wall time,
  CPU time (with any worker processes'), pixel-azimuths per second and peak resident
  memory (ru_maxrss).  First, 1 vs 2 workers on a 400 x 400 corner in the same run: the
  speed-up from the second core (about 2 on a quiet machine) and that the results are
  identical.
* Baseline: a straightforward per-azimuth NumPy ray marcher (uniform 1-pixel steps out
  to 150 km, bilinear heights from the DEM inside it and the far field outside), run in
  the same process on a subset (pixels x azimuths, below) and extrapolated linearly to
  the full problem -- its cost is exactly proportional to pixels x azimuths x steps.
  The printed ratio is baseline (extrapolated) / fast (measured).
* Peer: rvt-py's horizon search on the real 240 m grid at equal directions and radius
  (``pip install --no-deps rvt-py``: its GDAL dependency is not needed by ``rvt.vis``).
* Accuracy on real terrain against the exact marcher of the tests (240 m grid at 150 km,
  Connecting Ridge 10 m DEM at 40 m).
* The machine is shared: the 1-minute load average is printed before and after.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

import numpy as np

# Run as a script, sys.path[0] is benchmarks/: put the repository root first so that
# ``tests`` (the exact marcher used by accuracy_real) imports without PYTHONPATH.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lupex.constants import R_MOON_KM
from lupex.surface.dem import Dem, sample_bilinear
from lupex.surface.horizon import azimuths_rad, horizon_mask
from lupex.surface.synthetic import synthetic_south_pole


def baseline_mask(dem: Dem, far: Dem, rows, cols, alphas, max_distance_km: float):
    """Straightforward marcher: every pixel along every azimuth in 1-pixel steps."""
    x0 = dem.x_km()[cols]
    y0 = dem.y_km()[rows]
    h0 = dem.height_m[np.ix_(rows, cols)].ravel() / 1000.0
    xg, yg = np.meshgrid(x0, y0)
    xg, yg = xg.ravel(), yg.ravel()
    out = np.full((xg.size, len(alphas)), -np.inf)
    for k, a in enumerate(alphas):
        # like horizon_mask, rays start where they first cross a grid line (1-1.41 px)
        d1 = 1.0 / max(abs(np.sin(a)), abs(np.cos(a)))
        steps = np.arange(d1, max_distance_km / dem.pixel_km + 1e-9, 1.0) * dem.pixel_km
        best = np.full(xg.size, -np.inf)
        for d in steps:
            xs = xg + d * np.sin(a)
            ys = yg + d * np.cos(a)
            h = sample_bilinear(dem, xs, ys, outside=np.nan)
            out_of = np.isnan(h)
            if out_of.any():
                h[out_of] = sample_bilinear(far, xs[out_of], ys[out_of], outside=0.0)
            t = (h / 1000.0 - h0 - d * d / (2 * R_MOON_KM)) / d
            np.maximum(best, t, out=best)
        out[:, k] = np.arctan(best)
    return out


def _cpu_s() -> float:
    """CPU time [s] of this process (its threads) and its finished children (forked workers)."""
    a = resource.getrusage(resource.RUSAGE_SELF)
    b = resource.getrusage(resource.RUSAGE_CHILDREN)
    return a.ru_utime + a.ru_stime + b.ru_utime + b.ru_stime


def _rss_gb() -> tuple[float, float]:
    """Peak RSS [GB] of this process and of its largest finished child."""
    return (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2,
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024**2)


def workers_ratio(dem: Dem, far: Dem, n_az: int, dist: float) -> None:
    """1 vs 2 workers on the same map, same run: the speed-up and equality."""
    t = time.perf_counter()
    one = horizon_mask(dem, n_az, dist, far_field=far, workers=1)
    t1 = time.perf_counter() - t
    t = time.perf_counter()
    two = horizon_mask(dem, n_az, dist, far_field=far, workers=2)
    t2 = time.perf_counter() - t
    same = np.array_equal(one, two)
    print(f"workers on {dem.shape[0]}x{dem.shape[1]} px x {n_az} az: 1 worker {t1:.2f} s, "
          f"2 workers {t2:.2f} s, speed-up x{t1 / t2:.2f}; results identical: {same} "
          f"(load {os.getloadavg()[0]:.2f})")


def main(quick: bool = False):
    n_az, dist = 360, 150.0
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    t = time.perf_counter()
    dem = synthetic_south_pole(10.0, 0.02, seed=1, center_lat_deg=-89.5, center_lon_deg=210.0)
    far = synthetic_south_pole(170.0, 0.24, seed=2)
    print(
        f"terrain: {dem.shape} at {dem.pixel_km * 1000:.0f} m + far field {far.shape} "
        f"at {far.pixel_km * 1000:.0f} m, built in {time.perf_counter() - t:.1f} s"
    )
    sub = Dem(dem.height_m[:400, :400], dem.x0_km, dem.y0_km, dem.pixel_km)
    workers_ratio(sub, far, n_az, dist)

    load_pre = os.getloadavg()[0]
    t = time.perf_counter()
    c = _cpu_s()
    mask = horizon_mask(dem, n_az, dist, far_field=far, workers=2)
    t_fast = time.perf_counter() - t
    c_fast = _cpu_s() - c
    load_mid = os.getloadavg()[0]
    n_pa = dem.shape[0] * dem.shape[1] * n_az
    rss, rss_child = _rss_gb()
    print(
        f"fast horizon_mask: {dem.shape[0]}x{dem.shape[1]} px x {n_az} az to {dist:g} km: "
        f"{t_fast:.2f} s, {n_pa / t_fast / 1e6:.1f} M pixel-azimuths/s, "
        f"peak RSS {rss:.2f} GB (the {mask.nbytes / 1e9:.2f} GB result included; largest "
        f"worker process {rss_child:.2f} GB, none with threads); CPU time {c_fast:.1f} s "
        f"over 2 workers (load average {load_pre:.2f} before, {load_mid:.2f} at its end; "
        "on an idle machine the wall time is about CPU time / 2)"
    )

    # baseline on a subset, extrapolated
    sub_px, sub_az = (10, 4) if quick else (20, 8)
    rng = np.random.default_rng(0)
    rows = np.sort(rng.choice(dem.shape[0], sub_px, replace=False))
    cols = np.sort(rng.choice(dem.shape[1], sub_px, replace=False))
    alphas = azimuths_rad(n_az)[:: n_az // sub_az][:sub_az]
    t = time.perf_counter()
    ref = baseline_mask(dem, far, rows, cols, alphas, dist)
    t_base = time.perf_counter() - t
    scale = (dem.shape[0] * dem.shape[1] / sub_px**2) * (n_az / len(alphas))
    t_base_full = t_base * scale
    print(
        f"baseline (uniform 1-px steps, {int(dist / dem.pixel_km)} steps/ray) on "
        f"{sub_px}x{sub_px} px x {len(alphas)} az: {t_base:.2f} s -> extrapolated to the "
        f"full problem x{scale:.0f}: {t_base_full:.0f} s ({t_base_full / 3600:.2f} h)"
    )
    print(f"speed-up (extrapolated baseline / measured fast): {t_base_full / t_fast:.0f}x")
    kk = np.arange(0, n_az, n_az // sub_az)[: len(alphas)]
    err = np.degrees(mask[np.ix_(rows, cols)].reshape(-1, n_az)[:, kk] - ref)
    print(
        f"fast vs baseline on the subset: rms {np.sqrt(np.mean(err**2)):.3f} deg, "
        f"max |err| {np.abs(err).max():.3f} deg, mean {err.mean():+.3f} deg"
    )
    rvt_peer()
    accuracy_real()
    print(f"load average after: {os.getloadavg()[0]:.2f}")


def _errors(name, mask, ref):
    err = np.degrees(mask - ref)
    print(f"  {name}: rms {np.sqrt(np.mean(err**2)):.3f} deg, p99 "
          f"{np.percentile(np.abs(err), 99):.3f} deg, max |err| {np.abs(err).max():.3f} deg, "
          f"mean {err.mean():+.3f} deg over {err.size} pixel-azimuths")


def accuracy_real() -> None:
    """Horizon error against the exact marcher (tests/surface/reference_horizon.py: exact
    sphere geometry, bilinear heights, 0.5-px steps) on real terrain:

    * the shipped 240 m LOLA grid, 400 x 400 px at the pole (its own far field beyond),
      72 azimuths to 150 km, 200 random pixels;
    * the Connecting Ridge 10 m DEM (shared/data) at 40 m, its whole 16 km, with the
      LOLA 8 ppd cap as far field, 72 azimuths to 40 km, 100 pixels >= 10 px from its edge.
    """
    from pathlib import Path

    from lupex.surface.dem import latlon_grid_from_npz, resample_to_polar
    from lupex.surface.lola_builtin import builtin_pole
    from lupex.surface.terrain_map import build_terrain
    from tests.surface.reference_horizon import horizon_mask_reference

    print("accuracy against the exact marcher on real terrain:")
    pole = builtin_pole().dem
    n = 400
    c0 = (pole.shape[0] - n) // 2
    dem = Dem(pole.height_m[c0 : c0 + n, c0 : c0 + n], pole.x0_km + c0 * pole.pixel_km,
              pole.y0_km - c0 * pole.pixel_km, pole.pixel_km)
    mask = horizon_mask(dem, 72, 150.0, far_field=pole, workers=2)
    rng = np.random.default_rng(0)
    rows, cols = rng.integers(0, n, 200), rng.integers(0, n, 200)
    ref = horizon_mask_reference(dem, 72, 150.0, step_px=0.5, far_field=pole, pixels=(rows, cols))
    _errors("shipped 240 m grid, 400^2 px, 150 km", mask[rows, cols], ref)
    data = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "dem"
    site, cap = data / "site01_connecting_ridge_10mpp.npz", data / "moon_dem_8ppd_south_cap_70S.npz"
    if not (site.exists() and cap.exists()):
        print(f"  {site} absent: Connecting Ridge figure skipped")
        return
    t = build_terrain(-89.4631, 222.5104, 7.9, pixel_km=0.04, dem_path=site)
    far = resample_to_polar(latlon_grid_from_npz(cap), -89.5, 210.0, 60.0, 1.0)
    mask = horizon_mask(t.dem, 72, 40.0, far_field=far, workers=2)
    rows = rng.integers(10, t.dem.shape[0] - 10, 100)
    cols = rng.integers(10, t.dem.shape[1] - 10, 100)
    ref = horizon_mask_reference(t.dem, 72, 40.0, step_px=0.5, far_field=far, pixels=(rows, cols))
    _errors("Connecting Ridge 10 m DEM at 40 m, 40 km", mask[rows, cols], ref)


def _rvt_curved(h_m, pixel_m, n_dir, r_px, rows, cols):
    """rvt-py's own search (its ``horizon_shift_vector`` offsets, nearest-pixel heights)
    with the lunar curvature term, at some pixels: elevation [rad] per rvt direction."""
    from rvt.vis import horizon_shift_vector

    move = horizon_shift_vector(num_directions=n_dir, radius_pixels=r_px, min_radius=1)
    out = np.empty((len(rows), n_dir))
    h0 = h_m[rows, cols]
    for i, direction in enumerate(move):
        best = np.full(len(rows), -np.inf)
        for (sr, sc), d_px in zip(move[direction]["shift"], move[direction]["distance"], strict=True):
            # np.roll(height, (sr, sc)) puts height[i - sr, j - sc] at (i, j)
            d_km = d_px * pixel_m / 1000.0
            t = ((h_m[rows - sr, cols - sc] - h0) / 1000.0 - d_km * d_km / (2 * R_MOON_KM)) / d_km
            np.maximum(best, t, out=best)
        out[:, i] = np.arctan(best)
    return out


def rvt_peer(n: int = 1000, n_dir: int = 32, r_px: int = 200) -> None:
    """rvt-py (Relief Visualization Toolbox) horizon search against lupex, same run.

    The real 240 m LOLA grid shipped with lupex, n x n pixels around the pole, n_dir
    directions to r_px pixels.  rvt's ``sky_view_factor_compute`` (openness output: its
    horizon search in every direction, np.roll of the whole grid per offset) is timed;
    lupex's ``horizon_mask`` at the same directions and radius.  Agreement: lupex's
    horizons against rvt's search geometry with the Moon's curvature added (rvt itself
    assumes a flat surface: -d/2R is 0.8 deg at 48 km), on pixels >= r_px from the edge
    (rvt reflects the grid at its edges, lupex reads the far field there).
    """
    try:
        from rvt.vis import sky_view_factor_compute
    except ImportError:
        print("rvt-py not installed (pip install --no-deps rvt-py): peer skipped")
        return
    from lupex.surface.lola_builtin import builtin_pole

    pole = builtin_pole().dem
    c0 = (pole.shape[0] - n) // 2
    dem = Dem(pole.height_m[c0 : c0 + n, c0 : c0 + n], pole.x0_km + c0 * pole.pixel_km,
              pole.y0_km - c0 * pole.pixel_km, pole.pixel_km)
    pixel_m = dem.pixel_km * 1000.0
    dist = r_px * dem.pixel_km
    t = time.perf_counter()
    opns = sky_view_factor_compute(dem.height_m / pixel_m, radius_max=r_px, radius_min=1,
                                   num_directions=n_dir, compute_svf=False, compute_opns=True)
    t_rvt = time.perf_counter() - t
    t = time.perf_counter()
    mask = horizon_mask(dem, n_dir, dist, far_field=pole, workers=2)
    t_lpx = time.perf_counter() - t
    print(f"peer rvt-py 2.2 sky_view_factor_compute (openness) on the real 240 m grid, {n}x{n} "
          f"px, {n_dir} directions to {r_px} px ({dist:g} km): {t_rvt:.2f} s; lupex "
          f"horizon_mask (2 workers): {t_lpx:.2f} s; ratio x{t_rvt / t_lpx:.1f} "
          f"(load {os.getloadavg()[0]:.2f})")
    rng = np.random.default_rng(1)
    rows = rng.integers(r_px, n - r_px, 400)
    cols = rng.integers(r_px, n - r_px, 400)
    ref = _rvt_curved(dem.height_m, pixel_m, n_dir, r_px, rows, cols)
    # rvt direction k (x = cos a along rows, y = sin a along columns, rolled) looks toward
    # (row, col) - (cos a, sin a): lupex grid azimuth -a, bin -k mod n_dir
    k = (-np.arange(n_dir)) % n_dir
    err = np.degrees(mask[rows, cols][:, k] - ref)
    flat = 90.0 - opns["opns"][rows, cols]
    curved_mean = np.degrees(mask[rows, cols].mean(axis=1))
    print(f"  agreement with rvt's search + curvature on 400 interior px x {n_dir} dir: "
          f"rms {np.sqrt(np.mean(err**2)):.2f} deg, median |d| {np.median(np.abs(err)):.2f} deg, "
          f"max |d| {np.abs(err).max():.2f} deg (rvt samples the nearest pixel on a "
          f"1/3-px radius grid, lupex interpolates); rvt's flat mean horizon (90 - openness) "
          f"minus lupex's: {np.mean(flat - curved_mean):+.2f} deg (the curvature rvt ignores)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description="Benchmark of lupex's horizon masks: 1000^2 x 360 azimuths to 150 km on 2 "
        "worker processes, 1 vs 2 processes, a per-azimuth marcher, rvt-py, accuracy on "
        "real terrain (see the module docstring).")
    parser.add_argument("--quick", action="store_true",
                        help="a smaller subset for the straightforward marcher (10^2 px x 4 az)")
    main(quick=parser.parse_args().quick)
