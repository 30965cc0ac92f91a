"""Figures of a launch: ascent profile, ground track, payload versus C3.

Each function takes result objects and returns a ``matplotlib.figure.Figure``
built without pyplot (safe under the Agg backend, no global state); nothing
here writes files.
"""
from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from .site import TANEGASHIMA_LP2

_MARKED = ("SRB separation", "fairing separation", "MECO", "SSI1", "SECO1", "SSI2", "SECO2",
           "payload separation")


def _mark_events(ax, result, t_max):
    for e in result.events:
        if e.name in _MARKED and e.t_s <= t_max:
            ax.axvline(e.t_s, color="0.6", lw=0.6, ls=":")


def plot_ascent_profile(result, t_max_s: float | None = None) -> Figure:
    """Altitude, speed, flight-path angle, dynamic pressure and axial acceleration vs time.

    Parameters
    ----------
    result : LaunchResult
    t_max_s : float, optional
        Right edge of the time axis [s]; default the first cut-off (SECO1).
    """
    tr = result.trajectory
    if t_max_s is None:
        t_max_s = next((e.t_s for e in result.events if e.name == "SECO1"), tr.t_s[-1]) + 30.0
    sel = tr.t_s <= t_max_s
    t = tr.t_s[sel]
    fig = Figure(figsize=(8.0, 10.0), layout="constrained")
    axes = fig.subplots(5, 1, sharex=True)
    panels = [(tr.alt_km, "altitude [km]"),
              (tr.speed_kms, "inertial speed [km/s]"),
              (tr.fpa_deg, "flight-path angle [deg]"),
              (tr.q_pa / 1000.0, "dynamic pressure [kPa]"),
              (tr.axial_accel_g, "axial accel. [g0]")]
    for ax, (y, label) in zip(axes, panels):
        ax.plot(t, y[sel], lw=1.2)
        ax.set_ylabel(label)
        ax.grid(alpha=0.3)
        _mark_events(ax, result, t_max_s)
    axes[1].plot(t, tr.airspeed_kms[sel], lw=0.8, ls="--", label="airspeed")
    axes[1].legend(loc="upper left", fontsize=8)
    axes[3].annotate(f"max q {result.max_q_pa / 1000:.1f} kPa @ {result.t_max_q_s:.0f} s",
                     (result.t_max_q_s, result.max_q_pa / 1000), fontsize=8,
                     xytext=(10, -12), textcoords="offset points")
    for e in result.events:
        if e.name in _MARKED and e.t_s <= t_max_s:
            axes[0].annotate(e.name, (e.t_s, e.alt_km), fontsize=7, rotation=60,
                             xytext=(2, 4), textcoords="offset points")
    axes[-1].set_xlabel("time from lift-off [s]")
    fig.suptitle(f"{result.vehicle}: ascent to {type(result.target).__name__}, "
                 f"payload {result.payload_kg:.0f} kg, azimuth {result.azimuth_deg:.1f} deg")
    return fig


def plot_ground_track(result) -> Figure:
    """Sub-vehicle track from Tanegashima on simple longitude/latitude axes (no coastlines)."""
    tr = result.trajectory
    lon = np.degrees(np.unwrap(np.radians(tr.lon_deg)))
    fig = Figure(figsize=(8.0, 4.5), layout="constrained")
    ax = fig.subplots()
    powered = tr.thrust_n > 0
    ax.plot(lon, tr.lat_deg, color="0.6", lw=0.8, label="coast")
    ax.plot(np.where(powered, lon, np.nan), np.where(powered, tr.lat_deg, np.nan), lw=2,
            color="C3", label="powered")
    ax.plot(TANEGASHIMA_LP2[1], TANEGASHIMA_LP2[0], "k^", label="Tanegashima LP-2")
    for e in result.events:
        if e.name in ("SRB separation", "MECO", "SECO1", "SECO2", "payload separation"):
            i = int(np.argmin(np.abs(tr.t_s - e.t_s)))
            ax.plot(lon[i], tr.lat_deg[i], "o", ms=4, color="C0")
            ax.annotate(e.name, (lon[i], tr.lat_deg[i]), fontsize=7, xytext=(3, 3),
                        textcoords="offset points")
    ax.set_xlabel("east longitude [deg]")
    ax.set_ylabel("geodetic latitude [deg]")
    ax.set_title(f"{result.vehicle} ground track")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    return fig


def plot_payload_vs_c3(curve, spacecraft_mass_kg: float | None = None,
                       c3_required: float | None = None, lower_bounds=()) -> Figure:
    """Payload versus C3, with the simulated grid and an optional spacecraft point.

    ``lower_bounds``: published "at least" figures to compare with, as
    ``(c3_km2s2, payload_kg, label)`` triples, drawn as upward triangles.
    """
    fig = Figure(figsize=(6.5, 4.5), layout="constrained")
    ax = fig.subplots()
    lo, hi = curve.grid_c3_km2s2.min(), curve.grid_c3_km2s2.max()
    c3 = np.linspace(lo, hi, 200)
    ax.plot(c3, curve.payload_at(c3) / 1000.0, label=f"{curve.vehicle} (PCHIP of simulations)")
    ax.plot(curve.grid_c3_km2s2, curve.grid_payload_kg / 1000.0, "o", ms=4,
            label="simulated ascents")
    ax.plot(curve.c3_km2s2, curve.payload_kg / 1000.0, "x", color="k", ms=6,
            label="requested C3")
    if spacecraft_mass_kg is not None and c3_required is not None:
        ax.plot([c3_required], [spacecraft_mass_kg / 1000.0], "r*", ms=12, label="spacecraft")
    for c3_pub, m_pub, label in lower_bounds:   # on top: the spacecraft may sit on the same spot
        ax.plot([c3_pub], [m_pub / 1000.0], "^", color="C2", mec="k", ms=7, zorder=5, label=label)
    ax.set_xlabel("C3 [km$^2$/s$^2$]")
    ax.set_ylabel("payload [t]")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    ax.set_title(f"{curve.vehicle}: payload vs launch energy "
                 f"({curve.parking_alt_km:.0f} km parking orbit)")
    return fig
