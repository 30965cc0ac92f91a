"""South-polar maps, all drawn one way.

Every map of a :class:`lupex.surface.dem.Dem` grid (shaded relief, slope, illumination,
Earth visibility, a rover traverse) is built by :func:`polar_map`: axes in south polar
stereographic km, the pole marked (or an arrow toward it when it is off the map), one
site marker and label style, an optional PSR outline, a colour bar and a title.  Figures
are made without pyplot (no global state, safe under Agg) and nothing is written to disk.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from lupex.surface.dem import Dem
from lupex.surface.projection import latlon_to_xy
from lupex.surface.slope import slope_aspect

__all__ = ["hillshade", "polar_map", "site_list"]

#: Figure size [inch] of every map.
MAP_FIGSIZE = (7.5, 6.5)
#: Colour of permanently-shadowed-region outlines.
PSR_COLOUR = "cyan"


def hillshade(dem: Dem, sun_azimuth_deg: float = 315.0, sun_elevation_deg: float = 45.0):
    """Relief shading in [0, 1] from slope and aspect (grid azimuth of the light).

    ``shade = cos(z) cos(s) + sin(z) sin(s) cos(A - aspect)`` (Burrough & McDonnell 1998,
    Principles of GIS, eq. 8.5), z the light's zenith angle, s slope, aspect the
    downslope grid azimuth, A the light's grid azimuth.

    Parameters
    ----------
    dem : Dem
        The terrain.
    sun_azimuth_deg : float
        Grid azimuth of the light [deg] (from grid +Y toward +X).
    sun_elevation_deg : float
        Elevation of the light [deg].

    Returns
    -------
    numpy.ndarray, shape (ny, nx)
        Shading, 0 (dark) to 1 (lit face-on).
    """
    s, asp = slope_aspect(dem)
    z = np.radians(90.0 - sun_elevation_deg)
    a = np.radians(sun_azimuth_deg)
    return np.clip(np.cos(z) * np.cos(s) + np.sin(z) * np.sin(s) * np.cos(a - asp), 0.0, 1.0)


def site_list(sites) -> list[tuple[str, float, float]]:
    """Sites as ``[(name, lat_deg, lon_deg), ...]`` from a list of triples or any object with
    ``names``, ``lat_deg`` and ``lon_deg`` sequences (e.g. a
    :class:`lupex.surface.sites.SiteAssessment`); None gives an empty list."""
    if sites is None:
        return []
    if hasattr(sites, "names"):
        return [(str(n), float(la), float(lo)) for n, la, lo in zip(sites.names, sites.lat_deg, sites.lon_deg)]
    return [(str(n), float(la), float(lo)) for n, la, lo in sites]


def _mark_pole(ax, left, right, bottom, top):
    if left <= 0 <= right and bottom <= 0 <= top:
        ax.plot(0, 0, marker="+", color="red", ms=14, mew=2)
        ax.annotate("S pole", (0, 0), xytext=(5, 5), textcoords="offset points", color="red")
        return
    # arrow from the upper-left corner toward the pole
    w, hgt = right - left, top - bottom
    cx, cy = left + 0.1 * w, top - 0.08 * hgt
    r = np.hypot(cx, cy)
    length = 0.15 * min(w, hgt)
    ax.annotate("", xy=(cx - length * cx / r, cy - length * cy / r), xytext=(cx, cy),
                arrowprops={"arrowstyle": "-|>", "color": "red", "lw": 2})
    ax.annotate("to pole", (cx, cy), xytext=(4, 4), textcoords="offset points", color="red")


def _mark_sites(ax, sites, left, right, bottom, top):
    for name, lat, lon in site_list(sites):
        x, y = latlon_to_xy(np.radians(lat), np.radians(lon))
        if left <= x <= right and bottom <= y <= top:
            ax.plot(x, y, "o", mfc="yellow", mec="black", ms=7)
            ax.annotate(name, (x, y), xytext=(6, -12), textcoords="offset points", color="black",
                        backgroundcolor=(1, 1, 1, 0.6), fontsize=8)


def polar_map(dem: Dem, values=None, *, label: str = "", cmap: str = "viridis", vmin=None, vmax=None,
              relief: bool = False, extend: str = "neither", psr=None, sites=None, title: str = ""):
    """A map of ``values`` on the DEM's grid in the one lupex map style.

    Parameters
    ----------
    dem : Dem
        The grid (its extent [km] gives the axes).
    values : array_like (ny, nx) or None
        The quantity to colour (None: relief only).
    label : str
        Colour-bar label, with the unit.
    cmap : str
        Matplotlib colour map of ``values``.
    vmin, vmax : float or None
        Colour range.
    relief : bool
        Draw a grey shaded relief (:func:`hillshade`) under a translucent ``values`` layer.
    extend : {"neither", "min", "max", "both"}
        Colour-bar arrows for values beyond the range.
    psr : bool array_like (ny, nx) or None
        Permanently shadowed pixels, outlined in cyan.
    sites : sequence of (name, lat_deg, lon_deg), a SiteAssessment, or None
        Sites to mark (those on the map).
    title : str
        Axes title.

    Returns
    -------
    fig, ax : matplotlib.figure.Figure, matplotlib.axes.Axes
        The figure and its map axes (callers may draw more, e.g. a path, and zoom).
    """
    fig = Figure(figsize=MAP_FIGSIZE, layout="constrained")
    ax = fig.add_subplot()
    ext = dem.extent_km()
    left, right, bottom, top = ext
    if relief:
        ax.imshow(hillshade(dem), cmap="gray", extent=ext, origin="upper", vmin=0, vmax=1)
    if values is not None:
        im = ax.imshow(values, cmap=cmap, extent=ext, origin="upper", vmin=vmin, vmax=vmax,
                       alpha=0.35 if relief else None, interpolation="nearest")
        fig.colorbar(im, ax=ax, label=label, shrink=0.85, extend=extend)
    if psr is not None and np.any(psr):
        x, y = dem.xy()
        ax.contour(x, y, np.asarray(psr, dtype=float), levels=[0.5], colors=PSR_COLOUR, linewidths=1.0)
        ax.plot([], [], color=PSR_COLOUR, label="PSR outline")
        ax.legend(loc="lower right", fontsize=8)
    _mark_pole(ax, left, right, bottom, top)
    _mark_sites(ax, sites, left, right, bottom, top)
    ax.set_xlabel("X [km] (south polar stereographic)")
    ax.set_ylabel("Y [km]")
    ax.set_aspect("equal")
    ax.set_xlim(left, right)
    ax.set_ylim(bottom, top)
    ax.set_title(title)
    return fig, ax
