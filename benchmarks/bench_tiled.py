"""Benchmark: horizon masks of a map too big for memory, in tiles on disk, bounded memory.

Run from the repository root:  PYTHONPATH=. python benchmarks/bench_tiled.py [--side N]

* Map: the synthetic south pole, N x N pixels at 20 m (default 4500: a 90 km square,
  20.25 M pixels), with a synthetic 240 m far field to +-200 km.  360 azimuths to 150 km
  would be 29 GB of float32 masks in memory (1,440 bytes per pixel).
* :func:`lupex.surface.tiles.horizon_store`: tiles of 512 x 512 observer pixels computed
  by 2 local Dask worker processes from the terrain pyramid, written as int16 0.01 deg
  chunks of a zarr store in a temporary folder (deleted afterwards).
* Prints wall time, pixel-azimuths per second, the peak total resident memory of this
  process and all its descendants (sampled every 0.2 s with psutil) and the store's size
  on disk, plus the 1-minute load average before and after (the machine is shared).
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import threading
import time

import psutil

from lupex.surface.synthetic import synthetic_south_pole
from lupex.surface.tiles import horizon_store


class PeakRss:
    """Peak summed RSS [bytes] of this process and its descendants, sampled in a thread."""

    def __init__(self, period_s: float = 0.2):
        self.peak = 0
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, args=(period_s,), daemon=True)

    def _run(self, period_s):
        me = psutil.Process()
        while not self._stop.is_set():
            total = 0
            for p in [me, *me.children(recursive=True)]:
                try:
                    total += p.memory_info().rss
                except psutil.Error:
                    pass
            self.peak = max(self.peak, total)
            time.sleep(period_s)

    def __enter__(self):
        self._t.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._t.join()


def main(side: int = 4500, tile_px: int = 512, workers: int = 2) -> None:
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    t = time.perf_counter()
    half_km = side * 0.02 / 2
    dem = synthetic_south_pole(half_km, 0.02, seed=1)
    far = synthetic_south_pole(200.0, 0.24, seed=2)
    print(f"terrain: {dem.shape} at 20 m + far field {far.shape} at 240 m, built in "
          f"{time.perf_counter() - t:.1f} s")
    folder = tempfile.mkdtemp(prefix="lupex-bench-tiles-")
    try:
        with PeakRss() as rss:
            t = time.perf_counter()
            store = horizon_store(dem, 360, 150.0, far_field=far, tile_px=tile_px,
                                  workers=workers, directory=folder)
            wall = time.perf_counter() - t
        size = sum(f.stat().st_size for f in __import__("pathlib").Path(folder).rglob("*")
                   if f.is_file())
        n_pa = dem.shape[0] * dem.shape[1] * 360
        print(f"tiled horizons {side}x{side} px x 360 az to 150 km, tiles {tile_px}^2, "
              f"{workers} worker processes: {wall:.1f} s, {n_pa / wall / 1e6:.1f} M "
              f"pixel-azimuths/s; peak total RSS {rss.peak / 1e9:.2f} GB (in-memory float32 "
              f"masks would be {n_pa * 4 / 1e9:.1f} GB); store {store.dtype} {store.shape}, "
              f"{size / 1e9:.2f} GB on disk")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--side", type=int, default=4500)
    ap.add_argument("--tile", type=int, default=512)
    a = ap.parse_args()
    main(a.side, a.tile)
