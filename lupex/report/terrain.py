"""The terrain stage for a reader: its summary figures, Markdown section and maps.

Works on a :class:`lupex.surface.terrain_map.Terrain` and on the terrain stage's result
(an object with ``terrain``, ``horizon_rad`` (ny, nx, A), ``max_distance_km`` and
``sites``); builds every figure with :func:`lupex.report.quantity.quantity`.
"""

from __future__ import annotations

import numpy as np

from lupex.report.maps import polar_map
from lupex.report.quantity import quantity
from lupex.surface.dem import sample_bilinear
from lupex.surface.lola_builtin import LOLA_CITATION
from lupex.surface.projection import latlon_to_xy

__all__ = ["figures", "headline", "plot_shaded_relief", "plot_slope_map", "report", "summary",
           "terrain_summary"]

#: Slope limit [deg] used for the "safe fraction" figure (typical lander design limit;
#: Chandrayaan-3's lander was qualified for 12 deg).
SAFE_SLOPE_DEG = 12.0


def terrain_summary(terrain) -> dict:
    """Every reported figure of a :class:`~lupex.surface.terrain_map.Terrain`.

    Parameters
    ----------
    terrain : Terrain
        DEM, slope map [deg] and the requested centre [deg].

    Returns
    -------
    dict
        ``{name: {"value", "unit"}}``: grid size [pixel], pixel size [m], map size [km],
        heights [m] above 1737.4 km, slopes [deg], the fraction of the map below
        :data:`SAFE_SLOPE_DEG` [1], whether the terrain is SYNTHETIC and its source.
    """
    dem = terrain.dem
    h = dem.height_m
    s = terrain.slope_deg
    ny, nx = dem.shape
    xc, yc = latlon_to_xy(np.radians(terrain.center_lat_deg), np.radians(terrain.center_lon_deg))
    hc = float(sample_bilinear(dem, float(xc), float(yc)))
    row, col = dem.xy_to_index(float(xc), float(yc))
    sc = float(s[int(np.clip(round(float(row)), 0, ny - 1)), int(np.clip(round(float(col)), 0, nx - 1))])
    left, right, bottom, top = dem.extent_km()
    base = terrain.slope_baseline_km
    return {
        "center_lat": quantity(terrain.center_lat_deg, "deg"),
        "center_lon": quantity(terrain.center_lon_deg, "deg"),
        "grid_rows": quantity(int(ny), "pixel"),
        "grid_cols": quantity(int(nx), "pixel"),
        "pixel_size": quantity(dem.pixel_km * 1000.0, "m"),
        "map_width": quantity(right - left, "km"),
        "map_height": quantity(top - bottom, "km"),
        "synthetic": quantity(bool(dem.synthetic), "1"),
        "source": dem.source,
        "filled_fraction": quantity(float(dem.filled_fraction), "1"),
        "height_at_center": quantity(hc, "m"),
        "height_min": quantity(float(h.min()), "m"),
        "height_max": quantity(float(h.max()), "m"),
        "height_mean": quantity(float(h.mean()), "m"),
        "slope_baseline": quantity(np.nan if base is None else base * 1000.0, "m"),
        "slope_at_center": quantity(sc, "deg"),
        "slope_median": quantity(float(np.median(s)), "deg"),
        "slope_p95": quantity(float(np.percentile(s, 95)), "deg"),
        "area_fraction_slope_below_limit": quantity(float(np.mean(s < SAFE_SLOPE_DEG)), "1"),
        "slope_limit": quantity(SAFE_SLOPE_DEG, "deg"),
    }


def _layers_text(stack) -> str:
    return "; ".join(f"{la.name} at {la.pixel_km * 1000:g} m"
                     + (f" (valid within {la.valid_radius_km:.1f} km of the pole)" if la.valid_radius_km else "")
                     for la in stack.layers)


def headline(result) -> str:
    """One line naming the terrain's source and resolution, for the first lines of a report.

    Parameters
    ----------
    result : TerrainResult
        The terrain stage's result (map, stack of layers, site horizons).

    Returns
    -------
    str
        Markdown; the synthetic pole is named **SYNTHETIC**.
    """
    dem = result.terrain.dem
    px = dem.pixel_km * 1000.0
    if dem.synthetic:
        return (f"**Terrain: SYNTHETIC south pole** (invented craters and roughness, not real data), "
                f"map at {px:g} m.")
    return (f"**Terrain: real LOLA south pole** ({_layers_text(result.stack)}); map resampled to "
            f"{px:g} m; site figures at each site's finest layer.")


def summary(result) -> dict:
    """The terrain stage's summary: :func:`terrain_summary`, the horizon-mask sampling, the
    terrain layers (text) and each site's horizon resolution [m] and observer height [m]."""
    out = terrain_summary(result.terrain)
    out["horizon_azimuths"] = quantity(int(result.horizon_rad.shape[2]), "1")
    out["horizon_max_distance"] = quantity(result.max_distance_km, "km")
    out["map_observer_height"] = quantity(result.observer_height_m, "m")
    out["layers"] = _layers_text(result.stack)
    out["sites"] = {
        name: {"terrain_pixel": quantity(h.pixel_km * 1000.0, "m"), "layer": h.layer,
               "ground_height": quantity(h.height_m, "m"), "observer_height": quantity(h.observer_height_m, "m")}
        for (name, _, _), h in zip(result.sites, result.site_horizons)}
    return out


def report(result) -> str:
    """The terrain stage's Markdown section (the SYNTHETIC terrain said so in bold)."""
    s = summary(result)
    dem = result.terrain.dem
    kind = ("**SYNTHETIC** terrain (built-in south pole: named craters at their published "
            "positions, a random crater population and roughness; not real LOLA data)"
            if dem.synthetic else
            (f"Real terrain: {_layers_text(result.stack)} -- from {LOLA_CITATION} "
             "(and the user's DEM where given), each place read from the finest layer covering it"))
    lines = [
        headline(result),
        "",
        (f"{kind}; map {s['grid_rows']['value']} x {s['grid_cols']['value']} pixels of "
         f"{s['pixel_size']['value']:.0f} m; heights {s['height_min']['value']:.0f} to "
         f"{s['height_max']['value']:.0f} m above 1737.4 km."),
        (f"Horizon masks: {s['horizon_azimuths']['value']} azimuths out to "
         f"{result.max_distance_km:g} km through every layer, Moon's curvature included; map "
         f"observer height {result.observer_height_m:g} m."),
        "",
        "| site | terrain at the site | pixel (m) | ground height (m) | observer height (m) |",
        "|---|---|---|---|---|",
    ]
    for (name, _, _), h in zip(result.sites, result.site_horizons):
        lines.append(f"| {name} | {h.layer} | {h.pixel_km * 1000:g} | {h.height_m:.0f} | {h.observer_height_m:g} |")
    return "\n".join(lines)


def plot_shaded_relief(terrain, sites=None, title: str | None = None):
    """Shaded relief with a height tint [m above 1737.4 km] and the sites.

    Parameters
    ----------
    terrain : Terrain or Dem
        The map.
    sites : sequence of (name, lat_deg, lon_deg), optional
        Sites to mark.
    title : str, optional
        Default "Shaded relief - SYNTHETIC terrain", or the DEM's note (e.g. "resampled
        to 480 m from LOLA pole grid (240 m)") or file name.

    Returns
    -------
    matplotlib.figure.Figure
    """
    dem = getattr(terrain, "dem", terrain)
    kind = "SYNTHETIC terrain" if dem.synthetic else (dem.note or dem.source.split("/")[-1] or "DEM")
    fig, _ = polar_map(dem, dem.height_m, label="height above 1737.4 km [m]", cmap="terrain", relief=True,
                       sites=sites, title=title or f"Shaded relief - {kind}")
    return fig


def plot_slope_map(terrain, sites=None, vmax_deg: float = 30.0, title: str | None = None):
    """Slope map [deg] of a :class:`~lupex.surface.terrain_map.Terrain` with the sites.

    Parameters
    ----------
    terrain : Terrain
        Uses its ``slope_deg`` map and ``slope_baseline_km``.
    sites : sequence of (name, lat_deg, lon_deg), optional
        Sites to mark.
    vmax_deg : float
        Top of the colour scale [deg].
    title : str, optional
        Default names the slope baseline.

    Returns
    -------
    matplotlib.figure.Figure
    """
    base = terrain.slope_baseline_km
    fig, _ = polar_map(terrain.dem, terrain.slope_deg, label="slope [deg]", cmap="magma_r", vmin=0,
                       vmax=vmax_deg, extend="max", sites=sites,
                       title=title or f"Slope ({'3x3 px' if base is None else f'{base * 1000:g} m'} baseline)")
    return fig


def figures(result) -> dict:
    """The terrain stage's maps: shaded relief and slope, with the candidate sites."""
    return {"terrain_relief": plot_shaded_relief(result.terrain, sites=result.sites),
            "terrain_slope": plot_slope_map(result.terrain, sites=result.sites)}
