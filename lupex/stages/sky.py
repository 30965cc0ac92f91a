"""Stage 'sky': Sun and Earth azimuth/elevation at each candidate site over the surface
mission, on a flat (terrain-free) horizon. The terrain-aware version is the surface stage."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure

from lupex.constants import R_EARTH_KM, SUN_RADIUS_KM

from .. import ephemeris
from ..scenario import Scenario
from ..surface.illumination import angular_radius
from ..timescale import tdb_grid
from .base import Progress, Stage


@dataclass(frozen=True)
class SkyResult:
    site_names: tuple[str, ...]
    times_iso: tuple[str, str]  # first and last UTC time
    hours: np.ndarray  # (n,) hours since the start
    tracks: tuple[ephemeris.SkyTrack, ...]


def run(scenario: Scenario, inputs: Mapping, progress: Progress) -> SkyResult:
    start = scenario.landing_time()
    times, jd = tdb_grid(start, scenario.surface.duration_days, scenario.surface.time_step_hours)
    tracks = []
    for i, site in enumerate(scenario.sites):
        progress(i, len(scenario.sites))
        tracks.append(ephemeris.sky_track(np.radians(site.lat_deg), np.radians(site.lon_deg), jd))
    progress(len(scenario.sites), len(scenario.sites))
    hours = (jd - jd[0]) * 24.0
    return SkyResult(tuple(s.name for s in scenario.sites), (times[0].isot, times[-1].isot),
                     hours, tuple(tracks))


def _fraction_above(el_rad: np.ndarray, radius_rad: np.ndarray) -> float:
    """Time fraction with any part of the disk above a flat horizon."""
    return float(np.mean(el_rad > -radius_rad))


def _site_figures(track: ephemeris.SkyTrack) -> dict:
    sun_radius = angular_radius(SUN_RADIUS_KM, track.sun_dist_km)
    earth_radius = angular_radius(R_EARTH_KM, track.earth_dist_km)
    return {
        "sun_elevation_max": {"value": float(np.degrees(track.sun_el_rad.max())), "unit": "deg"},
        "sun_elevation_min": {"value": float(np.degrees(track.sun_el_rad.min())), "unit": "deg"},
        "sun_up_fraction_flat_horizon": {"value": _fraction_above(track.sun_el_rad, sun_radius),
                                         "unit": "1"},
        "earth_elevation_max": {"value": float(np.degrees(track.earth_el_rad.max())), "unit": "deg"},
        "earth_elevation_min": {"value": float(np.degrees(track.earth_el_rad.min())), "unit": "deg"},
        "earth_visible_fraction_flat_horizon": {
            "value": _fraction_above(track.earth_el_rad, earth_radius), "unit": "1"},
        "sun_angular_radius_mean": {"value": float(np.degrees(sun_radius.mean())), "unit": "deg"},
    }


def summary(result: SkyResult) -> dict:
    return {
        "window_utc": {"start": result.times_iso[0], "end": result.times_iso[1]},
        "samples": len(result.hours),
        "corrections": "light time + stellar aberration (LT+S), DE421, MOON_ME",
        "sites": {name: _site_figures(t) for name, t in zip(result.site_names, result.tracks)},
    }


def report(result: SkyResult) -> str:
    lines = [
        (f"Window {result.times_iso[0]} to {result.times_iso[1]} UTC, {len(result.hours)} samples; "
         "flat horizon (terrain ignored), DE421 with light time and aberration."),
        "",
        "| site | Sun el. min / max (deg) | Sun up (flat) | Earth el. min / max (deg) | Earth up (flat) |",
        "|---|---|---|---|---|",
    ]
    for name, t in zip(result.site_names, result.tracks):
        f = _site_figures(t)
        lines.append(
            f"| {name} | {f['sun_elevation_min']['value']:.2f} / {f['sun_elevation_max']['value']:.2f}"
            f" | {f['sun_up_fraction_flat_horizon']['value']:.1%}"
            f" | {f['earth_elevation_min']['value']:.2f} / {f['earth_elevation_max']['value']:.2f}"
            f" | {f['earth_visible_fraction_flat_horizon']['value']:.1%} |"
        )
    return "\n".join(lines)


def figures(result: SkyResult) -> dict:
    n = len(result.site_names)
    fig = Figure(figsize=(10, 2.6 * n), layout="constrained")
    axes = fig.subplots(n, 1, sharex=True, squeeze=False)[:, 0]
    days = result.hours / 24.0
    for ax, name, t in zip(axes, result.site_names, result.tracks):
        ax.plot(days, np.degrees(t.sun_el_rad), color="tab:orange", label="Sun centre")
        ax.plot(days, np.degrees(t.earth_el_rad), color="tab:blue", label="Earth centre")
        ax.axhline(0.0, color="k", lw=0.8)
        ax.set_ylabel("elevation (deg)")
        ax.set_title(f"{name}: flat horizon", loc="left", fontsize=10)
        ax.grid(alpha=0.3)
    axes[0].legend(loc="upper right", fontsize=8)
    axes[-1].set_xlabel(f"days since {result.times_iso[0][:16]} UTC")
    return {"sky_elevation": fig}


STAGE = Stage("sky", "Sun and Earth above the candidate sites", (), run, summary, report, figures)
