"""Checks a run needs before any heavy work: enough memory for the map, and where that
limit lies. ``lupex validate`` prints them; ``lupex run`` refuses to start when they fail.

The memory model is measured, not derived: on the built-in LOLA terrain with 360 azimuths
the baseline (304 x 304 pixels at 480 m) peaks at 0.93 GB resident on two cores and the
same map at 240 m (608 x 608) at 2.22 GB: 0.50 GB plus 4.6 kB per pixel, of which the
float32 horizon masks are 4 bytes per azimuth and the illumination, Earth-visibility and
PSR engines' working arrays (in two worker processes) about 2.2 times as much again.

When the horizons are computed in tiles (``compute.tiled``; :mod:`lupex.surface.tiles`)
the masks live on disk and memory no longer grows with pixels x azimuths: the estimate is
the base, the per-pixel 2-D maps (terrain, latitude/longitude, slopes, illumination,
Earth-visibility and PSR statistics, and each worker's copy of the terrain pyramid:
:data:`BYTES_PER_PIXEL_TILED`) and one tile's working set per worker
(``tile_px^2 x azimuths x`` :data:`BYTES_PER_TILE_PIXEL_AZIMUTH`).
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

#: Resident memory [bytes] of a run before any map work (interpreter, numpy, kernels, the
#: built-in terrain, the 18.6-year site series, plots).
BASE_BYTES = 500e6
#: Peak bytes per map pixel per horizon azimuth: 4 for the float32 mask, x3.2 measured for
#: the engines' working copies (see the module docstring).
BYTES_PER_PIXEL_AZIMUTH = 4.0 * 3.2
#: Tiled runs: bytes per map pixel of the 2-D maps kept whole (float64 heights, lat/lon,
#: slopes, ~8 float64 statistics maps, PSR and area) plus the float32 terrain pyramid and
#: observer heights (2 x 1.33 x 4 B) in the parent and in each of two workers.
BYTES_PER_PIXEL_TILED = 8.0 * 14 + 3 * 2 * 1.33 * 4.0
#: Tiled runs: bytes per tile pixel per azimuth in one worker: float32 masks (4), the
#: int16 copy (2), the dequantised read-back of the illumination pass (4) and its chunk
#: working arrays (~3).
BYTES_PER_TILE_PIXEL_AZIMUTH = 13.0
#: Part of the available memory a run may plan to use.
USABLE_FRACTION = 0.8


@dataclass(frozen=True)
class MemoryCheck:
    """The estimated peak of a run against the memory the machine has free."""

    pixels: int
    estimate_bytes: float
    available_bytes: float | None
    tiled: bool = False

    @property
    def fits(self) -> bool:
        return self.available_bytes is None or (
            self.estimate_bytes <= USABLE_FRACTION * self.available_bytes)


def available_memory_bytes() -> float | None:
    """Memory the system could give this process now [bytes] (Linux ``MemAvailable``), or
    None where it cannot be read."""
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return float(line.split()[1]) * 1024.0
    except OSError:
        pass
    try:
        return float(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):
        return None


def map_pixels(half_width_km: float, pixel_m: float) -> int:
    """Pixels of a square map window (the terrain I/O's rule: round(2 half-width / pixel)
    on a side).

    Parameters
    ----------
    half_width_km : float
        Half the window's side [km].
    pixel_m : float
        Pixel size [m].
    """
    n = round(2.0 * half_width_km * 1000.0 / pixel_m)
    return n * n


def estimate_peak_bytes(pixels: int, azimuths: int, tiled: bool = False, workers: int = 2,
                        tile_px: int = 512) -> float:
    """Estimated peak resident memory [bytes] of a run: in memory
    ``BASE_BYTES + pixels * azimuths * BYTES_PER_PIXEL_AZIMUTH``; tiled
    ``BASE_BYTES + pixels * BYTES_PER_PIXEL_TILED
    + workers * min(tile_px^2, pixels) * azimuths * BYTES_PER_TILE_PIXEL_AZIMUTH``.

    Parameters
    ----------
    pixels : int
        Map pixels.
    azimuths : int
        Horizon azimuths per pixel.
    tiled : bool
        Horizons in tiles on disk (:mod:`lupex.surface.tiles`).
    workers : int
        Worker processes (tiled runs).
    tile_px : int
        Tile side [px] (tiled runs).
    """
    if not tiled:
        return BASE_BYTES + pixels * azimuths * BYTES_PER_PIXEL_AZIMUTH
    tile = min(tile_px * tile_px, pixels)
    return (BASE_BYTES + pixels * BYTES_PER_PIXEL_TILED
            + workers * tile * azimuths * BYTES_PER_TILE_PIXEL_AZIMUTH)


def _compute(scenario):
    """(mode, workers, tile_px) of a scenario (defaults for one without ``compute``)."""
    c = getattr(scenario, "compute", None)
    if c is None:
        return "never", 2, 512
    return c.tiled, c.workers, c.tile_px


def check_memory(scenario, available_bytes: float | None = None) -> MemoryCheck:
    """The memory check for a validated scenario.

    ``compute.tiled``: ``never`` checks the in-memory estimate, ``always`` the tiled one,
    ``auto`` the in-memory one when it fits, else the tiled one (the run then tiles).

    Parameters
    ----------
    scenario : lupex.scenario.Scenario
        The validated scenario (its terrain window, horizon azimuths and compute block).
    available_bytes : float, optional
        Memory free [bytes]; default what the machine has free now.
    """
    t = scenario.terrain
    px = map_pixels(t.half_width_km, t.pixel_m)
    avail = available_memory_bytes() if available_bytes is None else available_bytes
    mode, workers, tile_px = _compute(scenario)
    mem = MemoryCheck(px, estimate_peak_bytes(px, t.horizon_azimuths), avail)
    if mode == "never" or (mode == "auto" and mem.fits):
        return mem
    return MemoryCheck(px, estimate_peak_bytes(px, t.horizon_azimuths, True, workers, tile_px),
                       avail, tiled=True)


def max_half_width_km(pixel_m: float, azimuths: int, available_bytes: float, tiled: bool = False,
                      workers: int = 2, tile_px: int = 512) -> float:
    """The largest map half-width [km] whose estimated peak fits.

    Parameters
    ----------
    pixel_m : float
        Pixel size [m].
    azimuths : int
        Horizon azimuths per pixel.
    available_bytes : float
        Memory free [bytes]; the run may plan on ``USABLE_FRACTION`` of it.
    tiled, workers, tile_px
        As :func:`estimate_peak_bytes`.
    """
    budget = USABLE_FRACTION * available_bytes - BASE_BYTES
    if tiled:
        budget -= workers * tile_px * tile_px * azimuths * BYTES_PER_TILE_PIXEL_AZIMUTH
        n = math.sqrt(max(budget, 0.0) / BYTES_PER_PIXEL_TILED)
    else:
        n = math.sqrt(max(budget, 0.0) / (azimuths * BYTES_PER_PIXEL_AZIMUTH))
    return n / 2.0 * pixel_m / 1000.0


def describe(check: MemoryCheck) -> str:
    """One line for the terminal: the estimate against what is free."""
    gb = 1e9
    free = ("unknown" if check.available_bytes is None
            else f"{check.available_bytes / gb:.1f} GB available")
    how = " (horizons in tiles on disk)" if check.tiled else ""
    return (f"memory: about {check.estimate_bytes / gb:.1f} GB at peak for "
            f"{check.pixels:,} map pixels{how}; {free}")


def memory_problem(scenario, check: MemoryCheck) -> str | None:
    """The error naming the fields to change when the map does not fit, else None.

    Parameters
    ----------
    scenario : lupex.scenario.Scenario
        The validated scenario.
    check : MemoryCheck
        Its memory check (:func:`check_memory`).
    """
    if check.fits:
        return None
    t = scenario.terrain
    _, workers, tile_px = _compute(scenario)
    hw = max_half_width_km(t.pixel_m, t.horizon_azimuths, check.available_bytes, check.tiled,
                           workers, tile_px)
    return (f"terrain.half_width_km / terrain.pixel_m: a {t.half_width_km:g} km half-width at "
            f"{t.pixel_m:g} m is {check.pixels:,} pixels and needs about "
            f"{check.estimate_bytes / 1e9:.1f} GB, more than {USABLE_FRACTION:.0%} of the "
            f"{check.available_bytes / 1e9:.1f} GB available; at {t.pixel_m:g} m the half-width "
            f"may be at most {hw:.1f} km (or use coarser pixels"
            + ("" if check.tiled else ", or compute.tiled: auto") + ")")
