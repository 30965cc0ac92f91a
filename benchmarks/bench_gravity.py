"""Benchmark: spherical-harmonic acceleration, vectorised over points vs one point per call.

Run from the repository root: ``PYTHONPATH=. python benchmarks/bench_gravity.py``.
Prints ratios measured in this one run (no absolute-speed claims: the machine is shared).
Uses the shared GRGM660PRIM file when present, else the shipped degree-8 table.
"""

import time
from pathlib import Path

import numpy as np

from lupex.orbits.gravity import sh_acceleration
from lupex.orbits.gravity_files import read_icgem
from lupex.orbits.grgm660prim import grgm660prim_low_degree

GFC = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "gravity" / \
    "GRGM660PRIM_to150.gfc"


def _best(fn, repeat=3):
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return min(out)


def main():
    field = read_icgem(GFC) if GFC.exists() else grgm660prim_low_degree()
    rng = np.random.default_rng(0)
    pts = rng.normal(size=(400, 3))
    pts *= 1800.0 / np.linalg.norm(pts, axis=-1)[:, None]
    print(f"field {field.name}, max degree {field.max_degree}; 400 points at 62 km altitude")
    print(f"{'degree':>6} {'loop [ms/pt]':>13} {'vector [ms/pt]':>15} {'speed-up':>9}")
    for deg in [d for d in (8, 30, 60, 100, 150) if d <= field.max_degree]:
        loop = _best(lambda d=deg: [sh_acceleration(pts[k], field, d) for k in range(40)]) / 40
        vec = _best(lambda d=deg: sh_acceleration(pts, field, d)) / pts.shape[0]
        print(f"{deg:6d} {loop * 1e3:13.3f} {vec * 1e3:15.4f} {loop / vec:9.1f}")


if __name__ == "__main__":
    main()
