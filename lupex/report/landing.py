"""Presentation of the powered descent to the landing site (stage 'landing'): touchdown
point, miss distance, velocities, the sky at touchdown; the south-polar map with the last
orbits, DOI, PDI and touchdown over the terrain; the descent's altitude, speed components,
mass and throttle against time with Chandrayaan-3's published profile overlaid."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from lupex.lander.flown import CHANDRAYAAN3_PROFILE
from lupex.lander.guided import PHASES
from lupex.report.maps import MAP_FIGSIZE, polar_map
from lupex.report.quantity import quantity
from lupex.surface.projection import latlon_to_xy
from lupex.timescale import utc_iso


def _speeds(d):
    """Horizontal and downward speed [m/s] of member 0 at every sample."""
    r, v = d.r_me_km[:, 0], d.v_me_kms[:, 0]
    u = r / np.linalg.norm(r, axis=-1, keepdims=True)
    vv = -np.sum(v * u, axis=-1)
    vh = np.linalg.norm(v + vv[:, None] * u, axis=-1)
    return vh * 1e3, vv * 1e3


def summary(r) -> dict:
    """Touchdown figures, each ``{"value", "unit"}``.

    Parameters
    ----------
    r : lupex.stages.landing.LandingResult
        The stage result.
    """
    d = r.descent
    prop = d.phase_propellant_kg()
    return {
        "landing_site": r.site_name,
        "pdi_utc": utc_iso(r.pdi_jd_tdb), "touchdown_utc": utc_iso(r.touchdown_jd_tdb),
        "touchdown_jd_tdb": quantity(r.touchdown_jd_tdb, "JD_TDB"),
        "touchdown_lat": quantity(d.lat_deg[0], "deg"), "touchdown_lon": quantity(d.lon_deg[0], "deg"),
        "touchdown_height": quantity(r.site_height_m, "m"),
        "dem_height_at_touchdown": quantity(r.dem_height_at_touchdown_m, "m"),
        "min_terrain_clearance": quantity(r.min_clearance_m, "m"),
        "miss_distance": quantity(d.miss_m[0], "m"),
        "touchdown_vertical_speed": quantity(d.vertical_ms[0], "m/s"),
        "touchdown_horizontal_speed": quantity(d.horizontal_ms[0], "m/s"),
        "within_100_m": r.on_target,
        "descent_duration": quantity(d.t_touchdown_s[0], "s"),
        "descent_propellant": quantity(d.propellant_kg[0], "kg"),
        "phase_end": {p: quantity(t[0], "s") for p, t in d.phase_end_s.items()},
        "phase_propellant": {p: quantity(v[0], "kg") for p, v in prop.items()},
        "sun_elevation_at_touchdown": quantity(r.sky.sun_elevation_deg, "deg"),
        "sun_terrain_horizon": quantity(r.sky.sun_horizon_deg, "deg"),
        "sun_above_terrain": r.sky.sun_above_terrain,
        "earth_elevation_at_touchdown": quantity(r.sky.earth_elevation_deg, "deg"),
        "earth_terrain_horizon": quantity(r.sky.earth_horizon_deg, "deg"),
        "earth_above_terrain": r.sky.earth_above_terrain,
    }


def report(r) -> str:
    """Markdown: the touchdown and the phases.

    Parameters
    ----------
    r : lupex.stages.landing.LandingResult
        The stage result.
    """
    d = r.descent
    prop = d.phase_propellant_kg()
    rows = ["| phase | ends at (s) | propellant (kg) |", "|---|---|---|"]
    rows += [f"| {p} | {d.phase_end_s[p][0]:.0f} | {prop[p][0]:.1f} |" for p in PHASES]
    sky = r.sky
    verdict = "within" if r.on_target else "**NOT within**"
    return "\n".join([
        (f"Touchdown {utc_iso(r.touchdown_jd_tdb)[:19]} UTC at ({d.lat_deg[0]:.5f}, {d.lon_deg[0]:.5f}) deg on the "
         f"terrain at {r.site_height_m:.0f} m, {d.miss_m[0]:.2f} m from {r.site_name} ({verdict} 100 m); "
         f"vertical {d.vertical_ms[0]:.2f} m/s, horizontal {d.horizontal_ms[0]:.2f} m/s; "
         f"{d.t_touchdown_s[0]:.0f} s and {d.propellant_kg[0]:.0f} kg from PDI. Lowest height above the "
         f"terrain map during braking and approach: {r.min_clearance_m:.0f} m."),
        "",
        (f"At touchdown the Sun's centre is {sky.sun_elevation_deg:.2f} deg up against a terrain horizon of "
         f"{sky.sun_horizon_deg:.2f} deg ({'above' if sky.sun_above_terrain else '**below**'}), the Earth's "
         f"{sky.earth_elevation_deg:.2f} deg against {sky.earth_horizon_deg:.2f} deg "
         f"({'above' if sky.earth_above_terrain else '**below**'})."),
        "", *rows, "",
        ("Guidance: zero-effort-miss/velocity law per phase (braking to the high gate, throttled approach "
         "to the hover point, hazard-avoidance hover, vertical descent), 3D over the rotating Moon, "
         f"{r.design.step_s:g} s steps, throttle {r.design.min_throttle:g}-{r.design.max_throttle:g}."),
    ])


def plot_descent(r) -> Figure:
    """Altitude, speed components, mass and throttle against time (every sample), with
    Chandrayaan-3's published points.

    Parameters
    ----------
    r : lupex.stages.landing.LandingResult
        The stage result.
    """
    d = r.descent
    t = d.t_s
    vh, vv = _speeds(d)
    cy = CHANDRAYAAN3_PROFILE
    fig = Figure(figsize=(11, 7.5), layout="constrained")
    (a1, a2), (a3, a4) = fig.subplots(2, 2)
    a1.plot(t, d.alt_site_km[:, 0], label="this lander (above the site)")
    a1.plot(cy["t_s"], cy["alt_km"], "o--", color="tab:red", label="Chandrayaan-3 (published)")
    a1.set(xlabel="time since PDI (s)", ylabel="altitude (km)", title="Altitude")
    a2.plot(t, vh, label="horizontal")
    a2.plot(t, vv, label="vertical (down)")
    a2.plot(cy["t_s"], cy["horizontal_ms"], "o", color="tab:red", label="Chandrayaan-3 horizontal")
    a2.plot(cy["t_s"], cy["vertical_ms"], "s", color="tab:purple", label="Chandrayaan-3 vertical")
    a2.set(xlabel="time since PDI (s)", ylabel="speed (m/s)", title="Speed relative to the ground")
    a3.plot(t, d.mass_kg[:, 0])
    a3.set(xlabel="time since PDI (s)", ylabel="mass (kg)", title="Mass")
    a4.plot(t[:-1], d.throttle[:-1, 0])
    a4.set(xlabel="time since PDI (s)", ylabel="throttle (-)", title="Throttle", ylim=(0, 1.05))
    for ax in (a1, a2, a3, a4):
        for p in d.phase_end_s.values():
            ax.axvline(p[0], color="grey", lw=0.6, ls=":")
        ax.grid(alpha=0.3)
    a1.legend(fontsize=8)
    a2.legend(fontsize=8)
    return fig


def plot_polar_map(r) -> tuple[Figure, Figure]:
    """Moon-fixed south-polar map: the terrain with the descent's ground track, the last
    orbits' ground track, PDI and touchdown (left: the terrain map; right: the wide view
    with DOI).

    Parameters
    ----------
    r : lupex.stages.landing.LandingResult
        The stage result.
    """
    dem = r.terrain.terrain.dem
    fig, ax = polar_map(dem, relief=True, sites=r.terrain.sites,
                        title=f"Descent to {r.site_name}: ground track and touchdown")
    d = r.descent
    rr = d.r_me_km[:, 0]
    lat = np.arcsin(rr[:, 2] / np.linalg.norm(rr, axis=-1))
    lon = np.arctan2(rr[:, 1], rr[:, 0])
    x, y = latlon_to_xy(np.minimum(lat, 0.0), lon)
    ax.plot(x, y, color="tab:orange", lw=1.5, label="powered descent")
    o = r.orbit.phase
    south = o.track_lat_deg < 0.0
    xo, yo = latlon_to_xy(np.radians(np.where(south, o.track_lat_deg, -1.0)), np.radians(o.track_lon_deg))
    xo, yo = np.where(south, xo, np.nan), np.where(south, yo, np.nan)
    ax.plot(xo, yo, color="white", lw=0.8, ls="--", label="last orbits")
    xt, yt = latlon_to_xy(np.radians(d.lat_deg[0]), np.radians(d.lon_deg[0]))
    ax.plot(xt, yt, "*", color="yellow", ms=14, mec="k", label="touchdown")
    ax.legend(loc="upper right", fontsize=8)
    # wide view: the whole south-polar approach with DOI and PDI
    fig2 = Figure(figsize=MAP_FIGSIZE, layout="constrained")
    bx = fig2.add_subplot()
    bx.plot(xo, yo, color="tab:blue", lw=1.0, label="last orbits (ground track)")
    bx.plot(x, y, color="tab:orange", lw=2.0, label="powered descent")
    xp, yp = latlon_to_xy(np.radians(min(o.pdi_lat_deg, 0.0)), np.radians(o.pdi_lon_deg))
    bx.plot(xp, yp, "o", color="tab:green", label=f"PDI ({o.pdi_lat_deg:.1f}, {o.pdi_lon_deg:.1f}) deg")
    if o.doi_lat_deg < 0:
        xd, yd = latlon_to_xy(np.radians(o.doi_lat_deg), np.radians(o.doi_lon_deg))
        bx.plot(xd, yd, "s", color="tab:red", label="DOI")
    else:
        bx.plot([], [], "s", color="tab:red",
                label=f"DOI at ({o.doi_lat_deg:.1f}, {o.doi_lon_deg:.1f}) deg (northern hemisphere)")
    bx.plot(xt, yt, "*", color="gold", ms=14, mec="k", label="touchdown")
    left, right, bottom, top = dem.extent_km()
    bx.plot([left, right, right, left, left], [bottom, bottom, top, top, bottom], color="k", lw=0.8,
            label="terrain map")
    lim = 1.2 * max(np.hypot(xp, yp), 100.0)
    bx.set(xlim=(-lim, lim), ylim=(-lim, lim), aspect="equal", xlabel="X [km] (south polar stereographic)",
           ylabel="Y [km]", title="Last orbits, DOI, PDI and touchdown (Moon-fixed)")
    bx.plot(0, 0, "+", color="k")
    bx.legend(fontsize=8, loc="lower left")
    bx.grid(alpha=0.3)
    return fig, fig2


def figures(r) -> dict:
    """The landing's figures, by file stem.

    Parameters
    ----------
    r : lupex.stages.landing.LandingResult
        The stage result.
    """
    terrain_map, wide = plot_polar_map(r)
    return {"landing_map": terrain_map, "landing_approach_map": wide, "descent_profile": plot_descent(r)}
