"""Benchmark: map-wide illumination over a year (hourly) and over an 18.6-year cycle.

For N pixels (default 1,000,000: a 1000 x 1000 grid of 16 m pixels centred on the south
pole) with synthetic horizon masks (360 azimuths, float32: a random 0-1.5 deg base plus three
random harmonics of 0-1.6 deg peak-to-peak), measures in one run:

(a) one year at hourly steps (8,760 times): per-pixel mean sunlit fraction and longest
    darkness (plus lit-period statistics) with ``illumination_map(time_series=True)``;
(b) 18.6 years at hourly steps (~163,000 times): mean illumination and the PSR map by the
    direction-distribution method (``illumination_map(time_series=False)``);

and for each the straightforward reference — exact geometry, horizon interpolation and disk
fraction at every pixel and time step, looping over time steps — on a pixel subset,
extrapolated linearly in pixels.  Prints time, peak memory and the speed ratio.

Run from the repo root:  PYTHONPATH=$PWD python benchmarks/bench_illumination.py [--pixels N]

Measured figures, with the load average of each run, are recorded in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import os
import resource
import time
import tracemalloc

import numpy as np

from lupex.geometry import enu_basis
from lupex.surface.disk import disk_fraction
from lupex.surface.horizon import horizon_at
from lupex.surface.illumination_map import illumination_map
from lupex.surface.projection import xy_to_latlon
from lupex.surface.tracks import body_track

JD0 = 2461771.5  # 2028-01-01 TDB


def synthetic_masks(n_side: int, pixel_km: float, seed: int = 0):
    rng = np.random.default_rng(seed)
    half = n_side * pixel_km / 2
    c = -half + (np.arange(n_side) + 0.5) * pixel_km
    x, y = np.meshgrid(c, c[::-1])
    lat, lon = xy_to_latlon(x, y)
    n = n_side * n_side
    az = (np.arange(360) * 2 * np.pi / 360).astype(np.float32)
    hor = np.empty((n, 360), np.float32)
    amp = rng.random((n, 3), dtype=np.float32) * np.float32(np.radians(0.8))
    ph = rng.random((n, 3), dtype=np.float32) * np.float32(2 * np.pi)
    base = rng.random((n, 1), dtype=np.float32) * np.float32(np.radians(1.5))
    for i in range(0, n, 65536):
        s = slice(i, i + 65536)
        h = base[s] + amp[s, 0:1] * (1 + np.sin(az + ph[s, 0:1]))
        h += amp[s, 1:2] * (1 + np.sin(2 * az + ph[s, 1:2]))
        h += amp[s, 2:3] * (1 + np.sin(5 * az + ph[s, 2:3]))
        hor[s] = h
    return lat.ravel(), lon.ravel(), hor


def reference_time_stepping(lat, lon, hor, track):
    """Straightforward loop over time steps: exact el/az, mask interpolation, disk fraction;
    running mean and longest darkness per pixel."""
    east, north, up = enu_basis(lat, lon)
    mean = np.zeros(lat.size)
    run = np.zeros(lat.size)
    longest = np.zeros(lat.size)
    for t in range(track.jd_tdb.size):
        s = track.vec_me_km[t] / track.dist_km[t]
        el = np.arcsin(up @ s)
        alpha = np.arctan2(east @ s, north @ s) + lon
        h = horizon_at(hor, alpha)
        f = disk_fraction((el - h) / track.radius_rad[t])
        w = track.weight_h[t]
        mean += f * w
        dark = f == 0
        run = np.where(dark, run + w, 0.0)
        np.maximum(longest, run, out=longest)
    return mean / track.weight_h.sum(), longest


def measure(fn):
    tracemalloc.start()
    t0 = time.perf_counter()
    c0 = time.process_time()
    out = fn()
    dt = time.perf_counter() - t0
    measure.cpu_s = time.process_time() - c0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return out, dt, peak / 2**20


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pixels", type=int, default=1_000_000)
    ap.add_argument("--ref-pixels", type=int, default=1000)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    n_side = round(float(np.sqrt(args.pixels)))
    t0 = time.perf_counter()
    lat, lon, hor = synthetic_masks(n_side, 0.016)
    n = lat.size
    print(f"{n} pixels ({n_side} x {n_side}, 16 m, pole-centred), masks {hor.nbytes / 2**30:.2f} GiB float32, "
          f"built in {time.perf_counter() - t0:.1f} s; workers={args.workers}")
    rng = np.random.default_rng(1)
    sub = np.sort(rng.choice(n, size=min(args.ref_pixels, n), replace=False))

    for label, years in (("(a) 1 year hourly", 1.0), ("(b) 18.6 years hourly", 18.6)):
        jd = JD0 + np.arange(0.0, years * 365.25 * 24) / 24.0
        tr, t_eph, _ = measure(lambda jd=jd: body_track("sun", jd))
        series = years == 1.0
        load = os.getloadavg()[0]
        res, t_map, mem = measure(lambda tr=tr, series=series: illumination_map(
            lat, lon, hor, tr, time_series=series, workers=args.workers))
        cpu_map = measure.cpu_s
        # Reference on a subset (b: a tenth of the subset, its per-pixel cost is 18.6x higher,
        # half of it drawn from the pixels the map calls PSR, to check none of them is lit)
        if series:
            ref_idx = sub
        else:
            psr_px = np.flatnonzero(res.never_visible)
            k = max(5, sub.size // 20)
            pick = rng.choice(psr_px, size=min(k, psr_px.size), replace=False) if psr_px.size else psr_px
            ref_idx = np.unique(np.concatenate((sub[:k], pick)))
        (ref_mean, ref_dark), t_ref, _ = measure(
            lambda tr=tr, ri=ref_idx: reference_time_stepping(lat[ri], lon[ri], hor[ri], tr))
        t_ref_full = t_ref * n / ref_idx.size
        dmean = np.abs(res.mean_fraction[ref_idx] - ref_mean)
        print(f"{label}: {tr.jd_tdb.size} times; ephemeris {t_eph:.1f} s; map engine {t_map:.1f} s wall, "
              f"{cpu_map:.1f} s CPU in the parent process, load average {load:.1f} on {os.cpu_count()} cores "
              f"(traced peak {mem:.0f} MiB); reference {t_ref:.1f} s on {ref_idx.size} px -> "
              f"{t_ref_full:.0f} s extrapolated; speed-up x{t_ref_full / t_map:.0f}")
        print(f"    mean-fraction |map - reference| max {dmean.max():.2e}, mean {dmean.mean():.1e}")
        print(f"    never sunlit {res.never_visible.mean():.1%} of pixels, mean fraction over the map "
              f"{res.mean_fraction.mean():.3f}")
        if series:
            dd = np.abs(res.longest_dark_h[ref_idx] - ref_dark)
            print(f"    longest darkness: equal (<=1 h) for {np.mean(dd <= 1.0):.1%} of reference pixels, "
                  f"median |diff| {np.median(dd):.1f} h")
        else:
            never_ref = ref_mean == 0
            print(f"    PSR pixels {res.never_visible.mean():.2%} of map; on the subset: map {res.never_visible[ref_idx].sum()}"
                  f", reference never-lit {never_ref.sum()}, map-only (must be 0) "
                  f"{np.sum(res.never_visible[ref_idx] & ~never_ref)}")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    print(f"process peak RSS {rss:.2f} GiB (includes the {hor.nbytes / 2**30:.2f} GiB of masks)")


if __name__ == "__main__":
    main()
