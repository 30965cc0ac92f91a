"""Benchmark of lupex.surface.horizon.horizon_mask on a 1000 x 1000 DEM.

Run from the repository root:  PYTHONPATH=. python benchmarks/bench_horizon.py [--quick]

* DEM: synthetic south pole, 1000 x 1000 pixels at 20 m (20 km square near the pole),
  plus a synthetic far field at 240 m covering +-170 km so rays reach 150 km.
* Fast method: 360 azimuths to 150 km, 2 worker threads.  Reports wall time,
  pixel-azimuths per second and peak resident memory (ru_maxrss).
* Baseline: a straightforward per-azimuth NumPy ray marcher (uniform 1-pixel steps out
  to 150 km, bilinear heights from the DEM inside it and the far field outside), run in
  the same process on a subset (pixels x azimuths, below) and extrapolated linearly to
  the full problem -- its cost is exactly proportional to pixels x azimuths x steps.
  The printed ratio is baseline (extrapolated) / fast (measured).
* The machine is shared: the 1-minute load average is printed before and after.
"""

from __future__ import annotations

import os
import resource
import sys
import time

import numpy as np

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

    t = time.perf_counter()
    c = time.process_time()
    mask = horizon_mask(dem, n_az, dist, far_field=far, workers=2)
    t_fast = time.perf_counter() - t
    c_fast = time.process_time() - c
    load_mid = os.getloadavg()[0]
    n_pa = dem.shape[0] * dem.shape[1] * n_az
    rss_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    print(
        f"fast horizon_mask: {dem.shape[0]}x{dem.shape[1]} px x {n_az} az to {dist:g} km: "
        f"{t_fast:.2f} s, {n_pa / t_fast / 1e6:.1f} M pixel-azimuths/s, "
        f"peak RSS {rss_gb:.2f} GB (output alone {mask.nbytes / 1e9:.2f} GB); "
        f"CPU time {c_fast:.1f} s summed over the 2 threads (load average {load_mid:.2f} "
        "at its end; on an idle machine the wall time is about CPU time / 2)"
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
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)
