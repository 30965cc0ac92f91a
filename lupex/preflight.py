"""Checks a run needs before any heavy work: enough memory for the map, and where that
limit lies. ``lupex validate`` prints them; ``lupex run`` refuses to start when they fail.

The memory model is measured, not derived: on the built-in LOLA terrain with 360 azimuths
the baseline (304 x 304 pixels at 480 m) peaks at 0.93 GB resident on two cores and the
same map at 240 m (608 x 608) at 2.22 GB: 0.50 GB plus 4.6 kB per pixel, of which the
float32 horizon masks are 4 bytes per azimuth and the illumination, Earth-visibility and
PSR engines' working arrays (in two worker processes) about 2.2 times as much again.
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
#: Part of the available memory a run may plan to use.
USABLE_FRACTION = 0.8


@dataclass(frozen=True)
class MemoryCheck:
    """The estimated peak of a run against the memory the machine has free."""

    pixels: int
    estimate_bytes: float
    available_bytes: float | None

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


def estimate_peak_bytes(pixels: int, azimuths: int) -> float:
    """Estimated peak resident memory [bytes] of a run:
    ``BASE_BYTES + pixels * azimuths * BYTES_PER_PIXEL_AZIMUTH``.

    Parameters
    ----------
    pixels : int
        Map pixels.
    azimuths : int
        Horizon azimuths per pixel.
    """
    return BASE_BYTES + pixels * azimuths * BYTES_PER_PIXEL_AZIMUTH


def check_memory(scenario, available_bytes: float | None = None) -> MemoryCheck:
    """The memory check for a validated scenario.

    Parameters
    ----------
    scenario : lupex.scenario.Scenario
        The validated scenario (its terrain window and horizon azimuths).
    available_bytes : float, optional
        Memory free [bytes]; default what the machine has free now.
    """
    t = scenario.terrain
    px = map_pixels(t.half_width_km, t.pixel_m)
    avail = available_memory_bytes() if available_bytes is None else available_bytes
    return MemoryCheck(px, estimate_peak_bytes(px, t.horizon_azimuths), avail)


def max_half_width_km(pixel_m: float, azimuths: int, available_bytes: float) -> float:
    """The largest map half-width [km] whose estimated peak fits.

    Parameters
    ----------
    pixel_m : float
        Pixel size [m].
    azimuths : int
        Horizon azimuths per pixel.
    available_bytes : float
        Memory free [bytes]; the run may plan on ``USABLE_FRACTION`` of it.
    """
    budget = USABLE_FRACTION * available_bytes - BASE_BYTES
    n = math.sqrt(max(budget, 0.0) / (azimuths * BYTES_PER_PIXEL_AZIMUTH))
    return n / 2.0 * pixel_m / 1000.0


def describe(check: MemoryCheck) -> str:
    """One line for the terminal: the estimate against what is free."""
    gb = 1e9
    free = ("unknown" if check.available_bytes is None
            else f"{check.available_bytes / gb:.1f} GB available")
    return (f"memory: about {check.estimate_bytes / gb:.1f} GB at peak for "
            f"{check.pixels:,} map pixels; {free}")


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
    hw = max_half_width_km(t.pixel_m, t.horizon_azimuths, check.available_bytes)
    return (f"terrain.half_width_km / terrain.pixel_m: a {t.half_width_km:g} km half-width at "
            f"{t.pixel_m:g} m is {check.pixels:,} pixels and needs about "
            f"{check.estimate_bytes / 1e9:.1f} GB, more than {USABLE_FRACTION:.0%} of the "
            f"{check.available_bytes / 1e9:.1f} GB available; at {t.pixel_m:g} m the half-width "
            f"may be at most {hw:.1f} km (or use coarser pixels)")
