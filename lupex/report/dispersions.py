"""Presentation of the landing Monte Carlo: summary figures (ellipse, probabilities, margin
percentiles, with the sample count and seed), a Markdown section, and plots (the 99 % ellipse
and the touchdowns on the slope and illumination maps; margin and miss histograms)."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from lupex.constants import R_MOON_KM
from lupex.dispersions import BLOCK_SIZE, fraction_true, percentiles
from lupex.geometry import offset_latlon_deg
from lupex.report.maps import polar_map
from lupex.report.quantity import quantity
from lupex.surface.projection import latlon_to_xy

__all__ = ["figures", "report", "summary"]

#: Unit of a sigma from its name's suffix, and the factor to the reported unit.
_SIGMA_UNITS = (("_kms", "m/s", 1e3), ("_km", "m", 1e3), ("_rad", "deg", np.degrees(1.0)),
                ("_rel", "1", 1.0), ("_m", "m", 1.0))
#: Half-width of the zoomed maps around the site [km].
ZOOM_KM = 1.5


def _sigma(name: str, value: float):
    for suffix, unit, k in _SIGMA_UNITS:
        if name.endswith(suffix):
            return quantity(value * k, unit)
    return quantity(value, "1")


def _dist(values, unit: str) -> dict:
    p = percentiles(values)
    return {"mean": quantity(p["mean"], unit), "std": quantity(p["std"], unit),
            "p1": quantity(p["p1"], unit), "p5": quantity(p["p5"], unit),
            "p50": quantity(p["p50"], unit), "p95": quantity(p["p95"], unit),
            "p99": quantity(p["p99"], unit)}


def summary(result) -> dict:
    """The Monte Carlo's figures for summary.json (``{"samples": 0}`` when it is off).

    Parameters
    ----------
    result : lupex.stages.dispersions.DispersionResult or None
    """
    if result is None:
        return {"samples": quantity(0, "1"), "note": "monte_carlo.samples is 0: no dispersions"}
    o = result.outcome
    landed = o["landed"]
    p_slope, se_slope = fraction_true(landed & (o["slope_deg"] > result.max_slope_deg))
    p_dark, se_dark = fraction_true(landed & ~o["sunlit"])
    p_short, se_short = fraction_true(o["propellant_margin_kg"] < 0.0)
    e = result.ellipse
    return {
        "samples": quantity(result.samples, "1"),
        "seed": result.seed,
        "block_size": quantity(BLOCK_SIZE, "1"),
        "landing_site": result.site_name,
        "sigmas": {k: _sigma(k, v) for k, v in result.sigmas.items()},
        "landed_fraction": quantity(float(landed.mean()), "1"),
        "landing_ellipse_99": None if e is None else {
            "semi_major": quantity(e.semi_major, "m"), "semi_minor": quantity(e.semi_minor, "m"),
            "major_axis_from_east_ccw": quantity(e.angle_deg, "deg"),
            "center_east": quantity(float(e.center[0]), "m"),
            "center_north": quantity(float(e.center[1]), "m")},
        "miss_distance": _dist(o["miss_m"][landed], "m"),
        "touchdown_vertical_speed": _dist(o["vertical_ms"][landed], "m/s"),
        "touchdown_horizontal_speed": _dist(o["horizontal_ms"][landed], "m/s"),
        "probability_slope_above_limit": quantity(p_slope, "1"),
        "probability_slope_above_limit_std_error": quantity(se_slope, "1"),
        "slope_limit": quantity(result.max_slope_deg, "deg"),
        "slope_terrain_pixel": quantity(result.slope_pixel_m, "m"),
        "probability_in_shadow": quantity(p_dark, "1"),
        "probability_in_shadow_std_error": quantity(se_dark, "1"),
        "tcm_correction": _dist(o["tcm_extra_ms"], "m/s"),
        "loi_correction": _dist(o["loi_fix_ms"], "m/s"),
        "propellant_margin": _dist(o["propellant_margin_kg"], "kg"),
        "probability_propellant_short": quantity(p_short, "1"),
        "probability_propellant_short_std_error": quantity(se_short, "1"),
        "launch_margin": _dist(o["launch_margin_kg"], "kg"),
        "launch_margin_after_model_bias": _dist(o["launch_margin_after_bias_kg"], "kg"),
    }


def report(result) -> str:
    """The Monte Carlo's Markdown section.

    Parameters
    ----------
    result : lupex.stages.dispersions.DispersionResult or None
    """
    if result is None:
        return "Off (`monte_carlo.samples: 0`)."
    s = summary(result)
    e = result.ellipse
    o = result.outcome

    def v(q):
        return q["value"]

    lines = [
        (f"{result.samples} dispersed landings at {result.site_name} (seed {result.seed}, blocks "
        f"of {BLOCK_SIZE}; the same seed gives the same samples with any worker count); "
        f"{v(s['landed_fraction']) * 100:.1f} % landed without a crash."),
        "",
        "| quantity | value |",
        "|---|---|",
    ]
    if e is not None:
        lines.append(f"| 99 % landing ellipse | {e.semi_major:.0f} m x {e.semi_minor:.0f} m, "
                     f"major axis {e.angle_deg:.0f} deg from east |")
    lines += [
        (f"| miss distance p50 / p99 | {v(s['miss_distance']['p50']):.0f} / "
        f"{v(s['miss_distance']['p99']):.0f} m |"),
        (f"| P(slope > {result.max_slope_deg:g} deg at touchdown) | "
        f"{v(s['probability_slope_above_limit']):.3f} "
        f"(terrain at {result.slope_pixel_m:.0f} m) |"),
        f"| P(touchdown in shadow) | {v(s['probability_in_shadow']):.3f} |",
        (f"| propellant margin p1 / p50 | {v(s['propellant_margin']['p1']):.0f} / "
        f"{v(s['propellant_margin']['p50']):.0f} kg |"),
        f"| P(propellant short) | {v(s['probability_propellant_short']):.3f} |",
        (f"| launch margin p1 / p50 (after the model's bias) | "
        f"{v(s['launch_margin_after_model_bias']['p1']):.0f} / "
        f"{v(s['launch_margin_after_model_bias']['p50']):.0f} kg |"),
        "",
        "Dispersions (one sigma): " + ", ".join(
            f"{k} {q['value']:.3g} {q['unit'] if q['unit'] != '1' else ''}".rstrip()
            for k, q in s["sigmas"].items()) + ".",
        "",
        ("The guidance flies each sample from its true state (orbit-knowledge errors cost "
         "propellant); the terrain-relative navigation error shifts the touchdown; TLI and LOI "
         "execution errors cost their own magnitude in corrections (first order). Worst miss "
         f"{np.nanmax(o['miss_m']):.0f} m."),
    ]
    return "\n".join(lines)


def _boundary_xy(result):
    """The 99 % ellipse on the map [km]."""
    b = result.ellipse.boundary()
    lat, lon = offset_latlon_deg(result.site_lat_deg, result.site_lon_deg, b[:, 0], b[:, 1],
                                 R_MOON_KM + result.site_height_m * 1e-3)
    return latlon_to_xy(np.radians(lat), np.radians(lon))


def _zoom(fig, ax, result, title):
    o = result.outcome
    x, y = latlon_to_xy(np.radians(o["touchdown_lat_deg"]), np.radians(o["touchdown_lon_deg"]))
    sx, sy = latlon_to_xy(np.radians(result.site_lat_deg), np.radians(result.site_lon_deg))
    ax.plot(x, y, ".", ms=2, color="k", alpha=0.5, label=f"{result.samples} touchdowns")
    if result.ellipse is not None:
        bx, by = _boundary_xy(result)
        ax.plot(bx, by, "-", color="red", lw=1.5, label="99 % ellipse")
    ax.plot(sx, sy, "+", color="red", ms=12, mew=2)
    ax.set_xlim(sx - ZOOM_KM, sx + ZOOM_KM)
    ax.set_ylim(sy - ZOOM_KM, sy + ZOOM_KM)
    ax.legend(loc="upper right", fontsize=8)
    ax.set_title(title)
    return fig


def figures(result) -> dict:
    """The Monte Carlo's plots (none when it is off).

    Parameters
    ----------
    result : lupex.stages.dispersions.DispersionResult or None
    """
    if result is None:
        return {}
    ter = result.terrain
    dem = ter.terrain.dem
    fig, ax = polar_map(dem, ter.terrain.slope_deg, label="slope [deg]", cmap="magma_r", vmin=0,
                        vmax=max(2.0 * result.max_slope_deg, 1.0), extend="max")
    out = {"dispersion_slope": _zoom(fig, ax, result,
                                     f"Touchdowns on the slope map ({dem.pixel_km * 1e3:.0f} m "
                                     f"pixels), {result.site_name}")}
    fig, ax = polar_map(dem, result.mean_illumination, label="mean illumination (18.6 yr)",
                        cmap="inferno", vmin=0.0, vmax=1.0)
    out["dispersion_illumination"] = _zoom(fig, ax, result, "Touchdowns on the mean "
                                           f"illumination map, {result.site_name}")
    o = result.outcome
    fig = Figure(figsize=(10.0, 3.4), constrained_layout=True)
    for ax, key, label in zip(fig.subplots(1, 3),
                              ("miss_m", "propellant_margin_kg", "launch_margin_after_bias_kg"),
                              ("miss distance [m]", "propellant margin [kg]",
                               "launch margin after the model's bias [kg]"), strict=True):
        vals = o[key][np.isfinite(o[key])]
        ax.hist(vals, bins=40, color="tab:blue", alpha=0.8)
        if key != "miss_m":
            ax.axvline(0.0, color="red", lw=1)
        ax.set_xlabel(label)
        ax.set_ylabel("samples")
        ax.grid(alpha=0.3)
    fig.suptitle(f"{result.samples} dispersed landings (seed {result.seed})")
    out["dispersion_histograms"] = fig
    return out
