"""Landing Monte Carlo: dispersed descents of the baseline per second, serial against 2 Dask
worker processes, in the same run (the same seeded blocks, so the results must be identical).

Runs the baseline up to the landing (horizons from the cache), then flies ``--samples``
dispersed descents (default 1000) twice: ``workers=1`` (one process, no Dask) and
``workers=2`` (a local Dask cluster of 2 processes), and prints samples/s, the ratio and the
99 % ellipse. Usage: ``python benchmarks/bench_montecarlo.py [--samples N]``.
"""

from __future__ import annotations

import argparse
import os
import time
import warnings
from pathlib import Path

import numpy as np

from lupex import dispersions as MC
from lupex import pipeline
from lupex.cluster import map_chunks
from lupex.lander import monte_carlo as LM
from lupex.lander.moon_fixed import moon_spin_me_rads
from lupex.scenario import load

REPO = Path(__file__).resolve().parents[1]


def _block(block, case, sigmas, seed):
    return LM.descent_block(block, case, sigmas, seed)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--samples", type=int, default=1000)
    args = ap.parse_args()
    warnings.filterwarnings("ignore", message=".*dubious year")
    sc, _ = load(REPO / "configs" / "lupex_baseline.yaml")
    t = time.perf_counter()
    res = pipeline.run(sc, only=["terrain", "window", "transfer", "sites", "lunar_orbit", "landing"])
    print(f"baseline up to the landing: {time.perf_counter() - t:.1f} s")
    lo, ld = res["lunar_orbit"], res["landing"]
    ph = lo.phase
    case = LM.DescentCase(np.asarray(ph.pdi_r_me_km), np.asarray(ph.pdi_v_me_kms), lo.pdi_mass_kg,
                          sc.spacecraft.lander.thrust_n, sc.spacecraft.lander.isp_s,
                          ld.site_lat_deg, ld.site_lon_deg, ld.site_height_m, ld.design,
                          np.asarray(moon_spin_me_rads(ph.pdi_jd_tdb)))
    mc = sc.monte_carlo
    sig = LM.descent_sigmas(mc.pdi_position_m, mc.pdi_velocity_ms, mc.thrust_rel, mc.isp_rel,
                            mc.trn_m, mc.injection_velocity_ms, mc.loi_magnitude_rel,
                            mc.loi_pointing_deg, mc.launch_performance_rel)
    blocks = MC.blocks(args.samples)
    out = {}
    for workers in (1, 2):
        t = time.perf_counter()
        parts = map_chunks(_block, blocks, (case, sig, mc.seed), workers=workers)
        dt = time.perf_counter() - t
        out[workers] = (dt, {k: np.concatenate([p[k] for p in parts]) for k in parts[0]})
        print(f"{args.samples} samples, {workers} worker(s): {dt:.1f} s, "
              f"{args.samples / dt:.1f} samples/s (load {os.getloadavg()[0]:.1f})")
    same = all(np.array_equal(out[1][1][k], out[2][1][k], equal_nan=True) for k in out[1][1])
    r = out[2][1]
    e = MC.error_ellipse(r["east_m"][r["landed"]], r["north_m"][r["landed"]])
    print(f"2 workers / 1: x{out[1][0] / out[2][0]:.2f} faster; results identical: {same}")
    print(f"landed {r['landed'].mean() * 100:.1f} %; 99 % ellipse {e.semi_major:.0f} x "
          f"{e.semi_minor:.0f} m; miss p99 {np.percentile(r['miss_m'], 99):.0f} m")


if __name__ == "__main__":
    main()
