"""Figures for illumination, Earth visibility, PSRs, sites, energy and traverses.

Every function takes result objects and returns a :class:`matplotlib.figure.Figure` built
without pyplot (safe under the Agg backend, no global state); nothing is written to disk.
Map axes are south polar stereographic X/Y in km (:mod:`lupex.surface.projection`).
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from lupex.surface.dem import Dem
from lupex.surface.energy import EnergyBudget
from lupex.surface.projection import grid_to_local_azimuth, latlon_to_xy
from lupex.surface.sites import SiteAssessment
from lupex.surface.terrain_plots import hillshade
from lupex.surface.traverse import Traverse

__all__ = [
    "plot_earth_visibility_map",
    "plot_energy",
    "plot_horizon_polar",
    "plot_illumination_map",
    "plot_site_timeline",
    "plot_traverse",
]


def _jd_to_days(jd):
    return np.asarray(jd) - np.asarray(jd)[0]


def _mark_sites(ax, sites):
    """Sites from a SiteAssessment or a list of (name, lat_deg, lon_deg)."""
    if sites is None:
        return
    if isinstance(sites, SiteAssessment):
        items = list(zip(sites.names, sites.lat_deg, sites.lon_deg))
    else:
        items = [(str(n), float(la), float(lo)) for n, la, lo in sites]
    for name, la, lo in items:
        x, y = latlon_to_xy(np.radians(la), np.radians(lo))
        ax.plot(x, y, marker="^", color="red", markersize=8, markeredgecolor="white")
        ax.annotate(name, (x, y), xytext=(5, 5), textcoords="offset points", color="white", fontsize=8,
                    bbox={"boxstyle": "round,pad=0.2", "fc": "black", "alpha": 0.6, "lw": 0})


def _map(dem: Dem, values, label, cmap, psr=None, sites=None, title="", vmin=0.0, vmax=1.0):
    fig = Figure(figsize=(7.5, 6.2), layout="constrained")
    ax = fig.add_subplot()
    im = ax.imshow(values, extent=dem.extent_km(), origin="upper", cmap=cmap, vmin=vmin, vmax=vmax,
                   interpolation="nearest")
    fig.colorbar(im, ax=ax, label=label, shrink=0.85)
    if psr is not None and np.any(psr):
        x, y = dem.xy()
        ax.contour(x, y, np.asarray(psr, dtype=float), levels=[0.5], colors="cyan", linewidths=1.0)
        ax.plot([], [], color="cyan", label="PSR outline")
        ax.legend(loc="lower right", fontsize=8)
    _mark_sites(ax, sites)
    ax.set_xlabel("X, polar stereographic [km]")
    ax.set_ylabel("Y [km]")
    ax.set_title(title)
    ax.set_aspect("equal")
    return fig


def plot_illumination_map(dem: Dem, mean_fraction, psr=None, sites=None, title="Mean solar illumination"):
    """Map of the time-mean visible solar-disk fraction, PSR outlines (cyan) and sites.

    ``mean_fraction`` (ny, nx) from an IlluminationMap or PsrResult; ``psr`` bool (ny, nx);
    ``sites`` a SiteAssessment or (name, lat_deg, lon_deg) list.
    """
    return _map(dem, mean_fraction, "visible solar-disk fraction (time mean)", "inferno", psr, sites, title)


def plot_earth_visibility_map(dem: Dem, earth_fraction, sites=None, title="Mean Earth visibility"):
    """Map of the time-mean visible Earth-disk fraction (from an Earth IlluminationMap)."""
    return _map(dem, earth_fraction, "visible Earth-disk fraction (time mean)", "viridis", None, sites, title)


def plot_horizon_polar(assessment: SiteAssessment, i: int, horizon_rad, lon_rad: float):
    """Horizon mask of site ``i`` with the Sun's and Earth's paths, elevation vs LOCAL azimuth.

    ``horizon_rad`` (A,) is the site's mask in grid azimuth; it is shown in local azimuth
    (A = alpha - lon, north up, east clockwise as on a sky chart seen from above).
    Radius is elevation [deg] (outer edge = lowest shown).
    """
    hor = np.asarray(horizon_rad, dtype=float)
    n_az = hor.size
    alpha = np.arange(n_az + 1) * 2 * np.pi / n_az
    a_loc = grid_to_local_azimuth(alpha, lon_rad)
    order = np.argsort(a_loc)
    h_deg = np.degrees(np.append(hor, hor[0]))[order]
    a_loc = a_loc[order]
    sun_el, sun_az = np.degrees(assessment.sun.el_rad[i]), assessment.sun.az_local_rad[i]
    earth_el, earth_az = np.degrees(assessment.earth.el_rad[i]), assessment.earth.az_local_rad[i]
    lo = min(h_deg.min(), sun_el.min(), earth_el.min()) - 0.5
    hi = max(h_deg.max(), sun_el.max(), earth_el.max()) + 0.5
    fig = Figure(figsize=(6.5, 6.5), layout="constrained")
    ax = fig.add_subplot(projection="polar")
    ax.set_theta_zero_location("N")
    ax.set_theta_direction(-1)
    ax.set_rlim(hi, lo)  # high elevations at the centre
    ax.fill_between(a_loc, h_deg, lo, color="0.35", alpha=0.8, label="terrain")
    ax.plot(a_loc, h_deg, color="black", lw=1)
    ax.scatter(sun_az, sun_el, s=3, color="orange", label="Sun centre")
    ax.scatter(earth_az, earth_el, s=3, color="tab:blue", label="Earth centre")
    ax.set_title(f"{assessment.names[i]}: horizon (elevation deg) and sky paths", fontsize=10)
    ax.legend(loc="lower left", bbox_to_anchor=(-0.1, -0.1), fontsize=8)
    return fig


def plot_site_timeline(assessment: SiteAssessment, i: int):
    """Sun and Earth elevation at site ``i`` over the window, with the horizon at their azimuths."""
    sun, earth = assessment.sun, assessment.earth
    days = _jd_to_days(sun.jd_tdb)
    fig = Figure(figsize=(10, 6), layout="constrained")
    ax1, ax2 = fig.subplots(2, 1, sharex=True)
    for ax, ser, name, color in ((ax1, sun, "Sun", "orange"), (ax2, earth, "Earth", "tab:blue")):
        ax.plot(days, np.degrees(ser.el_rad[i]), color=color, lw=1, label=f"{name} centre elevation")
        ax.plot(days, np.degrees(ser.horizon_rad[i]), color="black", lw=1, label=f"horizon at the {name}'s azimuth")
        vis = ser.fraction[i] > 0
        ax.fill_between(days, 0, 1, where=vis, transform=ax.get_xaxis_transform(), color=color, alpha=0.15,
                        label=f"some of the {name} visible")
        ax.set_ylabel("elevation [deg]")
        ax.legend(loc="upper right", fontsize=8)
        ax.grid(alpha=0.3)
    ax1.set_title(f"{assessment.names[i]}: mean sunlit fraction {assessment.mean_illumination[i]:.2f}, "
                  f"longest night {assessment.longest_night_h[i]:.0f} h, Earth in view "
                  f"{assessment.earth_fraction[i]:.0%}")
    ax2.set_xlabel(f"days since JD {sun.jd_tdb[0]:.1f} TDB")
    return fig


def plot_energy(budget: EnergyBudget, names=None):
    """Daily panel energy [Wh/m^2] and Earth-contact hours per site."""
    n = budget.energy_wh_m2.shape[0]
    names = names or [f"site{i}" for i in range(n)]
    days = _jd_to_days(budget.day_start_jd)
    fig = Figure(figsize=(10, 6), layout="constrained")
    ax1, ax2 = fig.subplots(2, 1, sharex=True)
    for i in range(n):
        ax1.step(days, budget.energy_wh_m2[i], where="post", label=names[i])
        ax2.step(days, budget.earth_contact_h[i], where="post", label=names[i])
    panel = "sun-tracking" if budget.normal_az_deg is None else f"normal az {budget.normal_az_deg:.0f} deg"
    ax1.set_ylabel("energy [Wh/m$^2$ per day]")
    ax1.set_title(f"Panel energy (tilt {budget.tilt_deg:.0f} deg, {panel}, efficiency {budget.efficiency:.2f})")
    ax2.set_ylabel("Earth contact [h per day]")
    ax2.set_xlabel(f"days since JD {budget.day_start_jd[0]:.1f} TDB")
    for ax in (ax1, ax2):
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    return fig


def plot_traverse(dem: Dem, traverse: Traverse, background=None, psr=None, title="Rover traverse"):
    """The traverse over a shaded relief (or ``background``, e.g. mean illumination), with
    PSR outlines; segments driven in darkness drawn in cyan."""
    fig = Figure(figsize=(7.5, 6.2), layout="constrained")
    ax = fig.add_subplot()
    if background is None:
        ax.imshow(hillshade(dem, 315.0, 30.0), extent=dem.extent_km(), cmap="gray", vmin=0, vmax=1)
    else:
        im = ax.imshow(background, extent=dem.extent_km(), cmap="inferno", vmin=0, vmax=1)
        fig.colorbar(im, ax=ax, label="mean visible solar fraction", shrink=0.85)
    x, y = dem.x_km()[traverse.cols], dem.y_km()[traverse.rows]
    if psr is not None and np.any(psr):
        gx, gy = dem.xy()
        ax.contour(gx, gy, np.asarray(psr, dtype=float), levels=[0.5], colors="cyan", linewidths=1.0)
    ax.plot(x, y, color="lime", lw=2, label="path (lit)")
    dark = np.ma.masked_where(traverse.sun_fraction > 0, y)
    ax.plot(x, dark, color="cyan", lw=3, label="path in shadow")
    ax.plot(x[0], y[0], "o", color="white", markeredgecolor="black", label="start")
    ax.plot(x[-1], y[-1], "*", color="yellow", markersize=12, markeredgecolor="black", label="target")
    ax.set_title(f"{title}: {traverse.length_km:.2f} km, max slope {traverse.max_slope_deg:.1f} deg, "
                 f"{traverse.shadow_time_h:.1f} h of {traverse.drive_time_h:.1f} h in shadow", fontsize=10)
    ax.set_xlabel("X, polar stereographic [km]")
    ax.set_ylabel("Y [km]")
    ax.legend(loc="lower right", fontsize=8)
    ax.set_aspect("equal")
    # Zoom on the drive (a rover's km on a map tens of km wide would be a dot).
    half = max(1.0, 0.75 * max(np.ptp(x), np.ptp(y)))
    ax.set_xlim(0.5 * (x.min() + x.max()) - half, 0.5 * (x.min() + x.max()) + half)
    ax.set_ylim(0.5 * (y.min() + y.max()) - half, 0.5 * (y.min() + y.max()) + half)
    return fig
