"""The surface stage for a reader: summary figures, Markdown and plots of sunlight, Earth
visibility, permanently shadowed regions, the ranked sites, energy and the rover traverse.

Summary builders take the physics results of :mod:`lupex.surface` and build every figure
with :func:`lupex.report.quantity.quantity`; maps are drawn by :func:`lupex.report.maps.polar_map`.
The stage-level functions take the surface stage's result (an object with ``terrain``,
``psr``, ``earth_map``, ``assessment``, ``energy``, ``traverse`` and ``traverse_note``).
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from lupex.report.maps import polar_map
from lupex.report.quantity import quantity
from lupex.surface.projection import grid_to_local_azimuth

__all__ = [
    "energy_summary",
    "figures",
    "illumination_summary",
    "plot_earth_visibility_map",
    "plot_energy",
    "plot_horizon_polar",
    "plot_illumination_map",
    "plot_site_timeline",
    "plot_traverse",
    "psr_summary",
    "report",
    "site_figures_summary",
    "sites_summary",
    "summary",
    "traverse_summary",
]


# ------------------------------------------------------------------------------ summaries
def psr_summary(result) -> dict:
    """Figures of a :class:`lupex.surface.psr.PsrResult`: window, PSR area [km^2], mean
    illumination [1] and the largest sub-solar latitude [deg]."""
    return {
        "window_start_jd_tdb": quantity(result.start_jd_tdb, "JD_TDB"),
        "window_years": quantity(result.years, "yr"),
        "sun_samples": quantity(result.n_samples, "1"),
        "psr_area": quantity(result.psr_area_km2, "km^2"),
        "psr_pixel_fraction": quantity(float(result.psr.mean()), "1"),
        "map_area": quantity(float(result.pixel_area_km2.sum()), "km^2"),
        "mean_illumination_map_mean": quantity(float(result.mean_fraction.mean()), "1"),
        "mean_illumination_map_max": quantity(float(result.mean_fraction.max()), "1"),
        "max_subsolar_latitude": quantity(result.max_subsolar_lat_deg, "deg"),
    }


#: Unit of each column of :meth:`lupex.surface.sites.SiteAssessment.to_rows`.
_SITE_UNITS = {"lat_deg": "deg", "lon_deg": "deg", "slope_deg": "deg", "mean_illumination": "1",
               "longest_night_h": "h", "earth_fraction": "1", "sun_earth_overlap": "1", "psr_distance_km": "km",
               "area_feasible_fraction": "1", "score": "1", "rank": "1", "feasible": "1"}


def sites_summary(result) -> dict:
    """Figures of a :class:`lupex.surface.sites.SiteAssessment`, keyed by site name (rank,
    position [deg], slope [deg], sunlight [1], longest night [h], Earth view [1], distance
    to a PSR [km], score [1], feasibility and the failed constraints)."""
    out = {"window_hours": quantity(result.window_h, "h")}
    for row in result.to_rows():
        name = row.pop("name")
        out[name] = {k: list(v) if k == "failed" else quantity(v, _SITE_UNITS[k])
                     for k, v in row.items()}
    return out


#: The published-convention site figures (:class:`lupex.surface.site_figures.SiteFigures`):
#: summary key, attribute, unit, report column.
PUBLISHED_FIGURES = (
    ("sun_any_part_visible_fraction", "sun_any_visible", "1", "any part of the Sun visible"),
    ("sun_centre_visible_fraction", "sun_centre_visible", "1", "Sun centre visible"),
    ("sun_mean_visible_disk_fraction", "sun_mean_disk", "1", "mean visible solar disk"),
    ("earth_centre_visible_fraction", "earth_centre_visible", "1", "Earth centre visible"),
    ("earth_mean_visible_disk_fraction", "earth_mean_disk", "1", "mean visible Earth disk"),
    ("longest_continuous_darkness", "longest_dark_h", "h", "longest darkness (h)"),
)


def site_figures_summary(fig, names) -> dict:
    """The published-convention figures of a :class:`lupex.surface.site_figures.SiteFigures`:
    the window (start/end [JD_TDB], samples [1], length [h]) and per site the shares of
    time [1], mean visible disk fractions [1] and the longest darkness [h].

    Parameters
    ----------
    fig : SiteFigures
        The figures of n sites over one window.
    names : sequence of str
        The n site names (keys).

    Returns
    -------
    dict
    """
    out = {"window_start_jd_tdb": quantity(fig.jd_start, "JD_TDB"),
           "window_end_jd_tdb": quantity(fig.jd_end, "JD_TDB"),
           "samples": quantity(fig.n_samples, "1"), "window_hours": quantity(fig.hours, "h")}
    for i, name in enumerate(names):
        out[name] = {key: quantity(float(getattr(fig, attr)[i]), unit) for key, attr, unit, _ in PUBLISHED_FIGURES}
    return out


def energy_summary(budget, names=None) -> dict:
    """Mean and minimum daily panel energy [Wh/m^2/d] and mean daily Earth contact [h/d]
    per site of a :class:`lupex.surface.energy.EnergyBudget`.

    Days are the budget's Earth days; a last partial day counts like the others, so it can
    set the minimum. The contact figure is NaN when the budget has no Earth series.

    Parameters
    ----------
    budget : lupex.surface.energy.EnergyBudget
        Per-day energy ``energy_wh_m2`` (n, m) [Wh/m^2] and contact ``earth_contact_h``
        (n, m) [h].
    names : sequence of str, optional
        One name per site (row), used as key prefix; default ``"site0"``, ``"site1"``, ...

    Returns
    -------
    dict
        ``"<name>_mean_daily_energy"``, ``"<name>_min_daily_energy"`` and
        ``"<name>_mean_daily_earth_contact"`` for each site, as
        :func:`lupex.report.quantity.quantity` figures.
    """
    names = names or [f"site{i}" for i in range(budget.energy_wh_m2.shape[0])]
    out = {}
    for i, name in enumerate(names):
        contact = budget.earth_contact_h[i]
        out[f"{name}_mean_daily_energy"] = quantity(float(budget.energy_wh_m2[i].mean()), "Wh/m^2/d")
        out[f"{name}_min_daily_energy"] = quantity(float(budget.energy_wh_m2[i].min()), "Wh/m^2/d")
        out[f"{name}_mean_daily_earth_contact"] = quantity(
            float(np.nanmean(contact)) if np.isfinite(contact).any() else np.nan, "h/d")
    return out


def traverse_summary(tr) -> dict:
    """Figures of a :class:`lupex.surface.traverse.Traverse`: length [km], slope [deg],
    times [h], speed [km/h] and the departure epoch [JD_TDB]."""
    return {
        "length": quantity(tr.length_km, "km"),
        "max_slope": quantity(tr.max_slope_deg, "deg"),
        "drive_time": quantity(tr.drive_time_h, "h"),
        "shadow_time": quantity(tr.shadow_time_h, "h"),
        "shadow_length": quantity(tr.shadow_length_km, "km"),
        "speed": quantity(tr.speed_kmh, "km/h"),
        "depart_jd_tdb": quantity(tr.depart_jd, "JD_TDB"),
    }


def illumination_summary(result) -> dict:
    """Map-wide figures of a :class:`lupex.surface.illumination_map.IlluminationMap`."""
    out = {
        "body": result.body,
        "window_start_jd_tdb": quantity(result.jd_start, "JD_TDB"),
        "window_end_jd_tdb": quantity(result.jd_end, "JD_TDB"),
        "n_times": quantity(result.n_times, "1"),
        "mean_fraction_map_mean": quantity(float(np.mean(result.mean_fraction)), "1"),
        "mean_fraction_map_max": quantity(float(np.max(result.mean_fraction)), "1"),
        "never_visible_pixel_fraction": quantity(float(np.mean(result.never_visible)), "1"),
    }
    if result.longest_dark_h is not None:
        out["longest_dark_map_min"] = quantity(float(np.min(result.longest_dark_h)), "h")
        out["longest_dark_map_median"] = quantity(float(np.median(result.longest_dark_h)), "h")
    return out


def summary(r) -> dict:
    """The surface stage's summary (PSRs, sites, energy and comms, Earth view, traverse)."""
    names = list(r.assessment.names)
    out = {
        "psr": psr_summary(r.psr),
        "sites": sites_summary(r.assessment),
        "energy_and_comms": energy_summary(r.energy, names),
        "earth_visibility_map_mean": quantity(float(np.mean(r.earth_map.mean_fraction)), "1"),
        "site_figures_mission": site_figures_summary(r.figures_mission, names),
        "site_figures_18_6_years": site_figures_summary(r.figures_cycle, names),
    }
    out["traverse"] = {"note": r.traverse_note}
    if r.traverse is not None:
        out["traverse"].update(traverse_summary(r.traverse))
    return out


def report(r) -> str:
    """The surface stage's Markdown section: PSR area, the ranked site table, the traverse."""
    a = r.assessment
    lines = [
        (f"Terrain-aware over the surface mission ({a.window_h:.0f} h). Permanently shadowed "
         f"area on the map: {r.psr.psr_area_km2:.2f} km² (18.6-year cycle, Sun as a disk)."),
        "",
        ("| rank | site | score | feasible | slope (deg) | sunlit | longest night (h) | Earth centre up "
         "| Sun & Earth | to PSR (km) | energy (Wh/m²/day) | Earth contact (h/day) |"),
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in a.to_rows():
        i = a.names.index(row["name"])
        energy = float(np.mean(r.energy.energy_wh_m2[i]))
        contact = float(np.nanmean(r.energy.earth_contact_h[i]))
        failed = "yes" if row["feasible"] else "no (" + ", ".join(row["failed"]) + ")"
        lines.append(
            f"| {row['rank']} | {row['name']} | {row['score']:.3f} | {failed} | {row['slope_deg']:.1f} "
            f"| {row['mean_illumination']:.1%} | {row['longest_night_h']:.0f} | {row['earth_fraction']:.1%} "
            f"| {row['sun_earth_overlap']:.1%} | {row['psr_distance_km']:.2f} | {energy:.0f} | {contact:.1f} |")
    lines += ["", _published_table(r), ""]
    if r.traverse is not None:
        t = r.traverse
        lines += ["", (f"Rover traverse ({r.traverse_note}) to the nearest PSR edge: "
                       f"{t.length_km:.2f} km, max slope {t.max_slope_deg:.1f}°, {t.drive_time_h:.1f} h "
                       f"at {t.speed_kmh:g} km/h, {t.shadow_time_h:.1f} h in shadow.")]
    elif r.traverse_note:
        lines += ["", r.traverse_note]
    return "\n".join(lines)


def _published_table(r) -> str:
    """The site figures in the published conventions, over the mission and over 18.6 years."""
    a, fm, fc = r.assessment, r.figures_mission, r.figures_cycle
    hs = r.terrain.site_horizons
    head = ("| site | window | any part of the Sun visible | Sun centre visible | mean visible solar disk "
            "| Earth centre visible | mean visible Earth disk | longest darkness (h) |")
    lines = [
        (f"Site figures in the published conventions (each site on its own exact Sun/Earth path, "
         f"at its observer height, on the finest terrain covering it): over the surface mission "
         f"({fm.hours:.0f} h, {fm.n_samples:,} samples) and over the 18.6-year nodal cycle "
         f"({fc.hours / 8766:.1f} yr, {fc.n_samples:,} samples of {fc.hours / max(fc.n_samples, 1):.2g} h)."),
        "", head, "|---|---|---|---|---|---|---|---|"]
    for i, name in enumerate(a.names):
        label = f"{name} (eye {hs[i].observer_height_m:g} m, terrain {hs[i].pixel_km * 1000:g} m)"
        for win, f in (("mission", fm), ("18.6 yr", fc)):
            lines.append(
                f"| {label} | {win} | {f.sun_any_visible[i]:.1%} | {f.sun_centre_visible[i]:.1%} "
                f"| {f.sun_mean_disk[i]:.1%} | {f.earth_centre_visible[i]:.1%} | {f.earth_mean_disk[i]:.1%} "
                f"| {f.longest_dark_h[i]:.0f} |")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------- plots
def _days_since_start(jd):
    return np.asarray(jd) - np.asarray(jd)[0]


def plot_illumination_map(dem, mean_fraction, psr=None, sites=None, title="Mean solar illumination"):
    """Map of the time-mean visible solar-disk fraction [1], PSR outlines and sites.

    Parameters
    ----------
    dem : Dem
        The grid.
    mean_fraction : array_like (ny, nx)
        Time-mean visible solar-disk fraction (0..1), from a PsrResult or IlluminationMap.
    psr : bool array_like (ny, nx), optional
        Permanently shadowed pixels.
    sites : SiteAssessment or sequence of (name, lat_deg, lon_deg), optional
    title : str

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, _ = polar_map(dem, mean_fraction, label="visible solar-disk fraction (time mean)", cmap="inferno",
                       vmin=0.0, vmax=1.0, psr=psr, sites=sites, title=title)
    return fig


def plot_earth_visibility_map(dem, earth_fraction, sites=None, title="Mean Earth visibility"):
    """Map of the time-mean visible Earth-disk fraction [1] (from an Earth IlluminationMap).

    Drawn by :func:`lupex.report.maps.polar_map` on the DEM's polar stereographic grid,
    colour scale fixed to 0..1.

    Parameters
    ----------
    dem : Dem
        The grid.
    earth_fraction : array_like (ny, nx)
        Time-mean visible Earth-disk fraction (0..1).
    sites : SiteAssessment or sequence of (name, lat_deg, lon_deg), optional
        Sites to mark.
    title : str
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, _ = polar_map(dem, earth_fraction, label="visible Earth-disk fraction (time mean)", cmap="viridis",
                       vmin=0.0, vmax=1.0, sites=sites, title=title)
    return fig


def plot_horizon_polar(assessment, i: int, horizon_rad, lon_rad: float):
    """Horizon mask of site ``i`` with the Sun's and Earth's paths, elevation vs LOCAL azimuth.

    Parameters
    ----------
    assessment : SiteAssessment
        Gives the site's name and Sun/Earth series.
    i : int
        Site index (input order).
    horizon_rad : array_like (A,)
        The site's mask in grid azimuth [rad]; shown in local azimuth A = alpha - lon (north
        up, east clockwise as on a sky chart seen from above).
    lon_rad : float
        The site's east longitude [rad].

    Returns
    -------
    matplotlib.figure.Figure
        Polar axes; radius is elevation [deg] (outer edge = lowest shown).
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


def plot_site_timeline(assessment, i: int):
    """Sun and Earth elevation [deg] at site ``i`` over the window, with the horizon at their
    azimuths and the stretches when some of each disk is visible.

    Two panels (Sun above, Earth below) against days since the window's first sample
    (TDB); "visible" means a visible disk fraction > 0. The title gives the site's mean
    sunlit fraction, longest night [h] and Earth-in-view fraction.

    Parameters
    ----------
    assessment : SiteAssessment
        Gives the site's name, its Sun and Earth series (centre elevation [rad], horizon
        elevation at the body's azimuth [rad], visible fraction) and its statistics.
    i : int
        Site index (input order).

    Returns
    -------
    matplotlib.figure.Figure
    """
    sun, earth = assessment.sun, assessment.earth
    days = _days_since_start(sun.jd_tdb)
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


def plot_energy(budget, names=None):
    """Daily panel energy [Wh/m^2 per day] and Earth-contact hours [h per day] per site.

    Step plots against days since the budget's first day (TDB); the title gives the panel
    tilt, pointing (sun-tracking or fixed normal azimuth) and efficiency.

    Parameters
    ----------
    budget : lupex.surface.energy.EnergyBudget
        Per-day energy and contact of n sites.
    names : sequence of str, optional
        Legend name of each site; default ``"site0"``, ``"site1"``, ...

    Returns
    -------
    matplotlib.figure.Figure
    """
    n = budget.energy_wh_m2.shape[0]
    names = names or [f"site{i}" for i in range(n)]
    days = _days_since_start(budget.day_start_jd)
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


def plot_traverse(dem, traverse, background=None, psr=None, title="Rover traverse"):
    """The traverse over a shaded relief (or ``background``, e.g. mean illumination [1]), with
    PSR outlines; segments driven in darkness drawn in cyan; zoomed on the drive.

    A path point counts as dark when none of the Sun's disk is visible there
    (``traverse.sun_fraction == 0``). The view is a square at least 2 km wide centred on
    the path.

    Parameters
    ----------
    dem : Dem
        The grid the traverse's ``rows``/``cols`` index.
    traverse : lupex.surface.traverse.Traverse
        The path and its statistics (length [km], max slope [deg], drive and shadow times
        [h]), shown in the title.
    background : array_like (ny, nx), optional
        Field drawn under the path on a 0..1 scale, labelled as the mean visible solar
        fraction; default a shaded relief of the DEM.
    psr : bool array_like (ny, nx), optional
        Permanently shadowed pixels to outline.
    title : str
        Figure title (the path figures are appended).

    Returns
    -------
    matplotlib.figure.Figure
    """
    if background is None:
        fig, ax = polar_map(dem, None, relief=True, psr=psr, title=title)
    else:
        fig, ax = polar_map(dem, background, label="mean visible solar fraction", cmap="inferno", vmin=0,
                            vmax=1, psr=psr, title=title)
    x, y = dem.x_km()[traverse.cols], dem.y_km()[traverse.rows]
    ax.plot(x, y, color="lime", lw=2, label="path (lit)")
    dark = np.ma.masked_where(traverse.sun_fraction > 0, y)
    ax.plot(x, dark, color="cyan", lw=3, label="path in shadow")
    ax.plot(x[0], y[0], "o", color="white", markeredgecolor="black", label="start")
    ax.plot(x[-1], y[-1], "*", color="yellow", markersize=12, markeredgecolor="black", label="target")
    ax.set_title(f"{title}: {traverse.length_km:.2f} km, max slope {traverse.max_slope_deg:.1f} deg, "
                 f"{traverse.shadow_time_h:.1f} h of {traverse.drive_time_h:.1f} h in shadow", fontsize=10)
    ax.legend(loc="lower right", fontsize=8)
    # Zoom on the drive (a rover's km on a map tens of km wide would be a dot).
    half = max(1.0, 0.75 * max(np.ptp(x), np.ptp(y)))
    ax.set_xlim(0.5 * (x.min() + x.max()) - half, 0.5 * (x.min() + x.max()) + half)
    ax.set_ylim(0.5 * (y.min() + y.max()) - half, 0.5 * (y.min() + y.max()) + half)
    return fig


def _file_key(name: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in name.lower())


def figures(r) -> dict:
    """The surface stage's plots: illumination and Earth-visibility maps, energy, each
    site's horizon and timeline, and the traverse."""
    dem, sites, a = r.terrain.terrain.dem, r.terrain.sites, r.assessment
    figs = {
        "illumination_map": plot_illumination_map(
            dem, r.psr.mean_fraction, psr=r.psr.psr, sites=sites,
            title="Mean solar illumination over 18.6 years (PSRs outlined)"),
        "earth_visibility_map": plot_earth_visibility_map(dem, r.earth_map.mean_fraction, sites=sites),
        "energy_per_day": plot_energy(r.energy, list(a.names)),
    }
    for i, name in enumerate(a.names):
        key = _file_key(name)
        horizon = r.terrain.horizon_rad[int(a.row[i]), int(a.col[i])]
        figs[f"horizon_{key}"] = plot_horizon_polar(a, i, horizon, np.radians(a.lon_deg[i]))
        figs[f"timeline_{key}"] = plot_site_timeline(a, i)
    if r.traverse is not None:
        figs["traverse"] = plot_traverse(dem, r.traverse, background=r.psr.mean_fraction, psr=r.psr.psr)
    return figs
