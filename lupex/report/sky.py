"""The sky stage for a reader: Sun and Earth elevations over a flat horizon at each site.

Works on the sky stage's result (an object with ``site_names``, ``times_iso`` (first, last
UTC), ``hours`` (n,) since the start and ``tracks``, one :class:`lupex.ephemeris.SkyTrack`
per site); builds every figure with :func:`lupex.report.quantity.quantity`.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from lupex.constants import R_EARTH_KM, SUN_RADIUS_KM
from lupex.geometry import angular_radius
from lupex.report.quantity import quantity

__all__ = ["figures", "report", "site_figures", "summary"]


def _fraction_above(el_rad: np.ndarray, radius_rad: np.ndarray) -> float:
    """Time fraction with any part of the disk above a flat horizon."""
    return float(np.mean(el_rad > -radius_rad))


def site_figures(track) -> dict:
    """Flat-horizon figures of one site's :class:`~lupex.ephemeris.SkyTrack`: extreme Sun and
    Earth elevations [deg], the time fractions with some of each disk up [1] and the Sun's
    mean angular radius [deg]."""
    sun_radius = angular_radius(SUN_RADIUS_KM, track.sun_dist_km)
    earth_radius = angular_radius(R_EARTH_KM, track.earth_dist_km)
    return {
        "sun_elevation_max": quantity(float(np.degrees(track.sun_el_rad.max())), "deg"),
        "sun_elevation_min": quantity(float(np.degrees(track.sun_el_rad.min())), "deg"),
        "sun_up_fraction_flat_horizon": quantity(_fraction_above(track.sun_el_rad, sun_radius), "1"),
        "earth_elevation_max": quantity(float(np.degrees(track.earth_el_rad.max())), "deg"),
        "earth_elevation_min": quantity(float(np.degrees(track.earth_el_rad.min())), "deg"),
        "earth_visible_fraction_flat_horizon": quantity(_fraction_above(track.earth_el_rad, earth_radius), "1"),
        "sun_angular_radius_mean": quantity(float(np.degrees(sun_radius.mean())), "deg"),
    }


def summary(result) -> dict:
    """The sky stage's summary: the UTC window, sample count, corrections and per-site figures."""
    return {
        "window_utc": {"start": result.times_iso[0], "end": result.times_iso[1]},
        "samples": len(result.hours),
        "corrections": "light time + stellar aberration (LT+S), DE421, MOON_ME",
        "sites": {name: site_figures(t) for name, t in zip(result.site_names, result.tracks)},
    }


def report(result) -> str:
    """The sky stage's Markdown section: one table row per site."""
    lines = [
        (f"Window {result.times_iso[0]} to {result.times_iso[1]} UTC, {len(result.hours)} samples; "
         "flat horizon (terrain ignored), DE421 with light time and aberration."),
        "",
        "| site | Sun el. min / max (deg) | Sun up (flat) | Earth el. min / max (deg) | Earth up (flat) |",
        "|---|---|---|---|---|",
    ]
    for name, t in zip(result.site_names, result.tracks):
        f = site_figures(t)
        lines.append(
            f"| {name} | {f['sun_elevation_min']['value']:.2f} / {f['sun_elevation_max']['value']:.2f}"
            f" | {f['sun_up_fraction_flat_horizon']['value']:.1%}"
            f" | {f['earth_elevation_min']['value']:.2f} / {f['earth_elevation_max']['value']:.2f}"
            f" | {f['earth_visible_fraction_flat_horizon']['value']:.1%} |"
        )
    return "\n".join(lines)


def figures(result) -> dict:
    """One panel per site: Sun and Earth centre elevation [deg] against days since the start."""
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
