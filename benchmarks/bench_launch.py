"""Launch-area benchmarks, reported as ratios measured in one run.

Run:  PYTHONPATH=$PWD /work/venv/bin/python benchmarks/bench_launch.py

1. Scalar fast paths used inside the ODE right-hand side versus the
   vectorised public functions called on one value (why dynamics.py is
   written on floats).
2. The payload-versus-C3 curve at six C3 points versus the 60 s budget the
   pipeline allows (ratio < 1 means within budget).
"""
from __future__ import annotations

import time
import timeit

import numpy as np

from lupex.launch import payload_vs_c3
from lupex.launch.aero import drag_coefficient, drag_coefficient_scalar
from lupex.launch.atmosphere import atmosphere_scalar, standard_atmosphere


def _per_call(stmt, n=20000):
    return min(timeit.repeat(stmt, number=n, repeat=3)) / n


def main():
    t_vec = _per_call(lambda: standard_atmosphere(37.2))
    t_sca = _per_call(lambda: atmosphere_scalar(37.2))
    print(f"atmosphere: vectorised on a scalar / scalar path = {t_vec / t_sca:.1f}x")
    t_vec = _per_call(lambda: drag_coefficient(1.3))
    t_sca = _per_call(lambda: drag_coefficient_scalar(1.3))
    print(f"drag coefficient: vectorised on a scalar / scalar path = {t_vec / t_sca:.1f}x")
    t0 = time.perf_counter()
    curve = payload_vs_c3("h3-24l", np.array([-3.0, -2.0, -1.0, 0.0, 1.0, 2.0]))
    dt = time.perf_counter() - t0
    print(f"payload_vs_c3, 6 C3 points, {curve.grid_payload_kg.size} simulated payloads: "
          f"{dt:.1f} s = {dt / 60.0:.2f} of the 60 s budget")


if __name__ == "__main__":
    main()
