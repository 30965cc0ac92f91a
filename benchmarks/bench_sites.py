"""Benchmark: published-convention site figures over the 18.6-year nodal cycle, hourly,
streamed in chunks over time, against the unchunked site series.

For N sites (default 5, the baseline's kind: real LOLA horizons from the built-in terrain
stack at 2 m), computes over 163,048 hourly samples (18.6 Julian years) the shares of time
with any part / the centre of the Sun visible, the mean visible solar disk, the Earth's
centre-visible share and mean disk, and the longest darkness, with
``lupex.surface.site_figures.site_figures`` (one year per chunk). Prints wall time, the
peak traced Python allocation (tracemalloc) and the process's peak RSS, then the same for
the unchunked path (``site_series`` over the whole window, which holds ~6 float64
(n, 163,048) arrays: ~8 MB per site and array) on the same sites for comparison.

Run from the repo root:  .venv/bin/python benchmarks/bench_sites.py [--sites N] [--chunk S]

Measured 2026-11-29 on the 2-core development machine (load ~1): see benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import os
import resource
import time
import tracemalloc

import numpy as np

from lupex.surface.lola_builtin import builtin_stack
from lupex.surface.site_figures import nodal_cycle_jd, site_figures, site_horizon
from lupex.surface.site_series import site_series
from lupex.surface.tracks import body_track

SITES = [(-89.53432, 209.94767), (-88.74, 124.5), (-88.70486, 291.66596), (-85.21763, 36.59349),
         (-89.01701, 126.27302)]
JD0 = 2461771.5  # 2028-01-01 TDB


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sites", type=int, default=5)
    ap.add_argument("--chunk", type=int, default=8760, help="samples per chunk")
    args = ap.parse_args()
    sites = (SITES * (args.sites // len(SITES) + 1))[: args.sites]
    print(f"load average {os.getloadavg()[0]:.2f}; {len(sites)} sites")
    st = builtin_stack()
    hs = [site_horizon(st, la, lo, 2.0) for la, lo in sites]
    lat = np.array([s[0] for s in sites])
    lon = np.array([s[1] for s in sites])
    hor = np.array([h.horizon_rad for h in hs])
    eye = np.array([h.height_m + 2.0 for h in hs])
    jd = nodal_cycle_jd(JD0, 1.0)
    rss0 = _rss_mib()

    tracemalloc.start()
    t = time.perf_counter()
    f = site_figures(lat, lon, hor, eye, jd, chunk_samples=args.chunk)
    dt = time.perf_counter() - t
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"streamed: {jd.size:,} hourly samples x {len(sites)} sites in {dt:.1f} s; "
          f"peak traced {peak / 2**20:.1f} MiB (chunk {args.chunk} samples); peak RSS {_rss_mib():.0f} MiB "
          f"(before: {rss0:.0f} MiB)")
    print("  any-part sunlit over 18.6 yr:", np.round(f.sun_any_visible, 4).tolist())

    tracemalloc.start()
    t = time.perf_counter()
    ref = site_series(np.radians(lat), np.radians(lon), hor, body_track("sun", jd), eye)
    dt = time.perf_counter() - t
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"unchunked site_series (Sun only): {dt:.1f} s; peak traced {peak / 2**20:.1f} MiB "
          f"({peak / 2**20 / len(sites):.1f} MiB per site); peak RSS {_rss_mib():.0f} MiB")
    print(f"  max |mean disk streamed - unchunked| = {np.abs(ref.mean_fraction - f.sun_mean_disk).max():.1e}")


if __name__ == "__main__":
    main()
