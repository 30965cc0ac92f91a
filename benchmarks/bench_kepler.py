"""Throughput of lupex's vectorised Kepler propagation next to poliastro's.

Run: ``python benchmarks/bench_kepler.py [n_orbits n_epochs]`` (default 10000 x 1000)
from the repository root.  lupex propagates the full grid in one call;
poliastro 0.17.0 (in the cached Python 3.10 oracle venv, see
tests/orbits/oracle/oracle_venv.py) propagates a subset with its ``farnocchia``
core, once from a Python loop (how a user calls it) and once from a numba
loop (its best case, JIT time excluded).  Throughputs are orbit-epochs per
second measured in this one run; the ratio compares throughputs.  Nothing is
written into the repository.
"""

import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests" / "orbits" / "oracle"))

from lupex.constants import GM_MOON_KM3S2
from lupex.orbits.elements import coe2rv
from lupex.orbits.kepler import propagate_grid

POLIASTRO_SCRIPT = r"""
import sys, time
import numpy as np
from numba import njit
from poliastro.core.propagation import farnocchia

d = np.load(sys.argv[1])
mu, r0, v0, t = float(d["mu"]), d["r0"], d["v0"], d["t"]

@njit
def grid(mu, r0, v0, t, out):
    for i in range(r0.shape[0]):
        for j in range(t.shape[0]):
            r, v = farnocchia(mu, r0[i], v0[i], t[j])
            out[i, j] = r

out = np.empty((r0.shape[0], t.shape[0], 3))
grid(mu, r0[:1], v0[:1], t[:1], out[:1, :1])  # JIT warm-up
t0 = time.perf_counter(); grid(mu, r0, v0, t, out); t_numba = time.perf_counter() - t0
n_py = min(r0.shape[0], 40)
t0 = time.perf_counter()
for i in range(n_py):
    for j in range(t.shape[0]):
        farnocchia(mu, r0[i], v0[i], t[j])
t_py = time.perf_counter() - t0
np.savez(sys.argv[2], out=out, t_numba=t_numba, t_py=t_py, n_py=n_py * t.shape[0])
"""


def _cases(rng, n):
    p = rng.uniform(1800.0, 8000.0, n)
    ecc = rng.uniform(0.0, 0.9, n)
    return coe2rv(GM_MOON_KM3S2, p, ecc, rng.uniform(0, np.pi, n), rng.uniform(0, 2 * np.pi, n),
                  rng.uniform(0, 2 * np.pi, n), rng.uniform(-np.pi, np.pi, n))


def main(n_orbits=10_000, n_epochs=1_000):
    rng = np.random.default_rng(1)
    r0, v0 = _cases(rng, n_orbits)
    t = np.linspace(0.0, 86400.0, n_epochs)
    propagate_grid(GM_MOON_KM3S2, r0[:10], v0[:10], t[:10])  # warm caches
    t0 = time.perf_counter()
    propagate_grid(GM_MOON_KM3S2, r0, v0, t)
    t_lupex = time.perf_counter() - t0
    rows = [("lupex propagate_grid (NumPy, one call)", n_orbits * n_epochs, t_lupex)]

    import oracle_venv

    python, reason = oracle_venv.ensure_oracle_python()
    worst_m = None
    if python is None:
        print(f"poliastro oracle unavailable: {reason}")
    else:
        n_sub, m_sub = min(n_orbits, 200), min(n_epochs, 100)
        ts = t[:: max(1, n_epochs // m_sub)][:m_sub]
        with tempfile.TemporaryDirectory() as tmp:
            inp, out = Path(tmp) / "in.npz", Path(tmp) / "out.npz"
            np.savez(inp, mu=GM_MOON_KM3S2, r0=r0[:n_sub], v0=v0[:n_sub], t=ts)
            script = Path(tmp) / "bench.py"
            script.write_text(POLIASTRO_SCRIPT)
            subprocess.run([str(python), str(script), str(inp), str(out)], check=True)
            res = np.load(out)
            ours, _ = propagate_grid(GM_MOON_KM3S2, r0[:n_sub], v0[:n_sub], ts)
            worst_m = 1e3 * np.max(np.linalg.norm(ours - res["out"], axis=-1))
            rows.append(("poliastro farnocchia, numba loop (no JIT)", n_sub * m_sub,
                         float(res["t_numba"])))
            rows.append(("poliastro farnocchia, Python loop", int(res["n_py"]), float(res["t_py"])))

    print(f"\nKepler propagation throughput ({n_orbits} orbits x {n_epochs} epochs for lupex)")
    print(f"{'method':<44s} {'points':>10s} {'time [s]':>10s} {'points/s':>12s} {'lupex ratio':>12s}")
    base = rows[0][1] / rows[0][2]
    for name, n, sec in rows:
        rate = n / sec
        print(f"{name:<44s} {n:10d} {sec:10.3f} {rate:12.4g} {base / rate:12.3g}")
    if worst_m is not None:
        print(f"largest position difference lupex vs poliastro on the subset: {worst_m:.3g} m")


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:3]]
    main(*args)
