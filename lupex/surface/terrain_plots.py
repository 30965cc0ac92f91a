"""Maps of the terrain: shaded relief with sites, and slope with a colour bar.

Functions take result objects and return a matplotlib ``Figure`` (no pyplot state, no
files written).  Axes are south polar stereographic km; the pole is marked (or an
arrow points to it when it is off the map).
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from lupex.surface.dem import Dem
from lupex.surface.projection import latlon_to_xy
from lupex.surface.slope import slope_aspect

__all__ = ["hillshade", "plot_shaded_relief", "plot_slope_map"]


def hillshade(dem: Dem, sun_azimuth_deg: float = 315.0, sun_elevation_deg: float = 45.0):
    """Relief shading in [0, 1] from slope and aspect (grid azimuth of the light).

    ``shade = cos(z) cos(s) + sin(z) sin(s) cos(A - aspect)`` (Burrough & McDonnell 1998,
    Principles of GIS, eq. 8.5), z the light's zenith angle, s slope, aspect the
    downslope grid azimuth, A the light's grid azimuth.
    """
    s, asp = slope_aspect(dem)
    z = np.radians(90.0 - sun_elevation_deg)
    a = np.radians(sun_azimuth_deg)
    return np.clip(np.cos(z) * np.cos(s) + np.sin(z) * np.sin(s) * np.cos(a - asp), 0.0, 1.0)


def _decorate(ax, dem: Dem, sites):
    left, right, bottom, top = dem.extent_km()
    ax.set_xlabel("X [km] (south polar stereographic)")
    ax.set_ylabel("Y [km]")
    ax.set_aspect("equal")
    if left <= 0 <= right and bottom <= 0 <= top:
        ax.plot(0, 0, marker="+", color="red", ms=14, mew=2)
        ax.annotate("S pole", (0, 0), xytext=(5, 5), textcoords="offset points", color="red")
    else:
        # arrow from the upper-left corner toward the pole
        w, hgt = right - left, top - bottom
        cx, cy = left + 0.1 * w, top - 0.08 * hgt
        r = np.hypot(cx, cy)
        L = 0.15 * min(w, hgt)
        ax.annotate(
            "",
            xy=(cx - L * cx / r, cy - L * cy / r),
            xytext=(cx, cy),
            arrowprops={"arrowstyle": "-|>", "color": "red", "lw": 2},
        )
        ax.annotate("to pole", (cx, cy), xytext=(4, 4), textcoords="offset points", color="red")
    for label, lat, lon in sites or ():
        x, y = latlon_to_xy(np.radians(lat), np.radians(lon))
        if left <= x <= right and bottom <= y <= top:
            ax.plot(x, y, "o", mfc="yellow", mec="black", ms=7)
            ax.annotate(
                str(label),
                (x, y),
                xytext=(6, -12),
                textcoords="offset points",
                color="black",
                backgroundcolor=(1, 1, 1, 0.6),
                fontsize=8,
            )
    ax.set_xlim(left, right)
    ax.set_ylim(bottom, top)


def plot_shaded_relief(terrain, sites=None, title: str | None = None) -> Figure:
    """Shaded relief with height tint; ``sites`` = [(label, lat_deg, lon_deg), ...].

    ``terrain`` is a :class:`lupex.surface.terrain.Terrain` or a :class:`Dem`.
    """
    dem = terrain if isinstance(terrain, Dem) else terrain.dem
    fig = Figure(figsize=(7.5, 6.5), layout="constrained")
    ax = fig.add_subplot()
    ext = dem.extent_km()
    ax.imshow(hillshade(dem), cmap="gray", extent=ext, origin="upper", vmin=0, vmax=1)
    im = ax.imshow(dem.height_m, cmap="terrain", extent=ext, origin="upper", alpha=0.35)
    fig.colorbar(im, ax=ax, label="height above 1737.4 km [m]", shrink=0.85)
    _decorate(ax, dem, sites)
    kind = "SYNTHETIC terrain" if dem.synthetic else (dem.source.split("/")[-1] or "DEM")
    ax.set_title(title or f"Shaded relief - {kind}")
    return fig


def plot_slope_map(terrain, sites=None, vmax_deg: float = 30.0, title: str | None = None) -> Figure:
    """Slope map [deg] with a colour bar; ``terrain`` is a Terrain (uses its slope map)."""
    dem = terrain.dem
    fig = Figure(figsize=(7.5, 6.5), layout="constrained")
    ax = fig.add_subplot()
    im = ax.imshow(
        terrain.slope_deg,
        cmap="magma_r",
        extent=dem.extent_km(),
        origin="upper",
        vmin=0,
        vmax=vmax_deg,
    )
    fig.colorbar(im, ax=ax, label="slope [deg]", shrink=0.85, extend="max")
    _decorate(ax, dem, sites)
    base = terrain.slope_baseline_km
    ax.set_title(title or f"Slope ({'3x3 px' if base is None else f'{base * 1000:g} m'} baseline)")
    return fig
