"""The terrain map of a site: its DEM, slope map and (cached) horizon masks, as data.

:func:`build_terrain` takes plain numbers (and an optional DEM file path) and returns a
frozen :class:`Terrain`: the DEM cropped or resampled around the site (or the SYNTHETIC
south pole), its slope map [deg], and :meth:`Terrain.horizons` for the horizon masks.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lupex.surface.dem import (
    Dem,
    LatLonGrid,
    MapWindow,
    crop,
    load_dem,
    regrid,
    resample_to_polar,
)
from lupex.surface.slope import slope_deg as _slope_deg
from lupex.surface.stack import TerrainStack
from lupex.surface.synthetic import synthetic_south_pole

__all__ = ["Terrain", "build_stack_terrain", "build_terrain"]

@dataclass(frozen=True, eq=False)
class Terrain:
    """Site terrain: DEM, slope map and the request that produced them.

    Attributes
    ----------
    dem : Dem
    slope_deg : ndarray (ny, nx)   slope [deg] at ``slope_baseline_km``
    center_lat_deg, center_lon_deg : float   requested site [deg]
    slope_baseline_km : float or None   plane-fit window (None: 3 x 3 pixels)
    stack : TerrainStack or None   the nested terrain the map was cut from (the horizons'
        far field); None for a map from one file or the synthetic pole alone
    """

    dem: Dem
    slope_deg: np.ndarray
    center_lat_deg: float
    center_lon_deg: float
    slope_baseline_km: float | None = None
    stack: TerrainStack | None = None

    def horizons(self, **kwargs) -> np.ndarray:
        """Horizon mask (ny, nx, A) float32 [rad] of this terrain, via the disk cache.

        Keyword arguments are those of :func:`lupex.surface.cache.cached_horizon_mask`
        (n_azimuths, max_distance_km, observer_height_m, far_field, workers, progress);
        ``far_field`` defaults to the terrain's :attr:`stack` (every layer searched).
        """
        from lupex.surface.cache import cached_horizon_mask

        if self.stack is not None:
            kwargs.setdefault("far_field", self.stack)
        return cached_horizon_mask(self.dem, **kwargs)



def build_terrain(
    center_lat_deg: float,
    center_lon_deg: float,
    half_width_km: float,
    pixel_km: float | None = None,
    dem_path: str | Path | None = None,
    seed: int = 0,
    slope_baseline_km: float | None = None,
    max_fill_fraction: float = 0.25,
) -> Terrain:
    """Terrain around a south-polar site, from a DEM file or the synthetic south pole.

    Parameters
    ----------
    center_lat_deg, center_lon_deg : float
        Site [deg], latitude in [-90, -60] (east longitude).
    half_width_km : float
        Half side of the square map [km].
    pixel_km : float or None
        Pixel size [km].  With a DEM file None keeps its native pixels (crop only);
        with the synthetic terrain it defaults to 0.1 km and must be in 0.02-0.24.
    dem_path : path or None
        PDS3 .IMG/.LBL, GeoTIFF or lupex .npz (see :func:`lupex.surface.dem.load_dem`);
        None builds :func:`lupex.surface.synthetic.synthetic_south_pole` from ``seed``.
    seed : int
        Seed of the synthetic terrain.
    slope_baseline_km : float or None
        Slope plane-fit window (lander footprint); None = 3 x 3 pixels.
    max_fill_fraction : float
        Largest fraction of missing DEM pixels that may be filled (else ValueError).

    Returns
    -------
    Terrain

    Examples
    --------
    >>> t = build_terrain(-89.45, 222.0, 5.0, 0.05)            # synthetic  # doctest: +SKIP
    >>> t = build_terrain(-89.53432, 209.94767, 4.0,
    ...                   dem_path="site01_connecting_ridge_10mpp.npz")  # doctest: +SKIP
    >>> masks = t.horizons()                                    # doctest: +SKIP
    """
    if dem_path is None:
        dem = synthetic_south_pole(
            half_width_km,
            0.1 if pixel_km is None else pixel_km,
            seed,
            center_lat_deg,
            center_lon_deg,
        )
    else:
        # decode only the window's part of a PDS3 product (its crop needs only the window's
        # centre and extent, so the half-width stands in for an unknown pixel size)
        win = MapWindow.around(center_lat_deg, center_lon_deg, half_width_km,
                               pixel_km if pixel_km is not None else half_width_km)
        src = load_dem(dem_path, max_fill_fraction, window=win)
        if isinstance(src, LatLonGrid):
            if pixel_km is None:
                raise ValueError("pixel_km is required to resample a lat/lon (cylindrical) DEM")
            dem = resample_to_polar(
                src, center_lat_deg, center_lon_deg, half_width_km, pixel_km, max_fill_fraction
            )
        elif pixel_km is None or abs(pixel_km - src.pixel_km) < 1e-9 * src.pixel_km:
            dem = crop(src, center_lat_deg, center_lon_deg, half_width_km)
        else:
            dem = regrid(src, MapWindow.around(center_lat_deg, center_lon_deg, half_width_km, pixel_km))
    slope = _slope_deg(dem, slope_baseline_km)
    slope.setflags(write=False)
    return Terrain(dem, slope, float(center_lat_deg), float(center_lon_deg), slope_baseline_km)


def build_stack_terrain(
    center_lat_deg: float,
    center_lon_deg: float,
    half_width_km: float,
    pixel_km: float,
    stack: TerrainStack,
    slope_baseline_km: float | None = None,
) -> Terrain:
    """The map window resampled from a nested terrain stack (e.g. a user's 10 m DEM inside
    the built-in 240 m LOLA grid inside the 1.8 km cap).

    Each map pixel comes from the finest layer covering it (box-averaged to the map pixel
    where that layer is at least twice finer); the window may lie anywhere in the stack at
    any pixel size the layers under it support (:meth:`TerrainStack.window`).

    Parameters
    ----------
    center_lat_deg, center_lon_deg : float
        Window centre [deg], latitude in [-90, -60] (east longitude).
    half_width_km : float
        Half side of the square map [km].
    pixel_km : float
        Map pixel [km].
    stack : TerrainStack
        The terrain, finest layer first.
    slope_baseline_km : float or None
        Slope plane-fit window (None: 3 x 3 pixels).

    Returns
    -------
    Terrain
        With ``stack`` set, so :meth:`Terrain.horizons` searches every layer.
    """
    dem = stack.window(MapWindow.around(center_lat_deg, center_lon_deg, half_width_km, pixel_km))
    slope = _slope_deg(dem, slope_baseline_km)
    slope.setflags(write=False)
    return Terrain(dem, slope, float(center_lat_deg), float(center_lon_deg), slope_baseline_km, stack)


def terrain_for(source: str, center_lat_deg: float, center_lon_deg: float, half_width_km: float,
                pixel_km: float, dem_path: str | Path | None = None, seed: int = 0,
                ) -> tuple[TerrainStack, Terrain]:
    """The terrain stack and map window a scenario asks for.

    Parameters
    ----------
    source : {"lola", "synthetic"}
        ``lola``: the built-in real LOLA south pole (:mod:`lupex.surface.lola_builtin`) with
        the optional ``dem_path`` nested inside it; ``synthetic``: the invented pole of
        :mod:`lupex.surface.synthetic`, labelled SYNTHETIC.
    center_lat_deg, center_lon_deg : float
        Window centre [deg].
    half_width_km : float
        Half side of the window [km].
    pixel_km : float
        Map pixel [km].
    dem_path : path or None
        A south polar stereographic DEM (PDS3, GeoTIFF or lupex .npz) to nest (lola only).
    seed : int
        Seed of the synthetic terrain.

    Returns
    -------
    stack : TerrainStack
        Every layer, finest first (the synthetic map alone for ``synthetic``).
    terrain : Terrain
        The map window.
    """
    from lupex.surface.lola_builtin import builtin_stack
    from lupex.surface.stack import TerrainLayer

    if source == "synthetic":
        if dem_path is not None:
            raise ValueError("dem_path: a user DEM is nested in the LOLA terrain, not in the synthetic pole")
        terrain = build_terrain(center_lat_deg, center_lon_deg, half_width_km, pixel_km, seed=seed)
        return TerrainStack((TerrainLayer(terrain.dem, None, "SYNTHETIC pole"),)), terrain
    if source != "lola":
        raise ValueError(f"source: must be 'lola' or 'synthetic', got {source!r}")
    user = None
    if dem_path is not None:
        user = load_dem(dem_path)
        if not isinstance(user, Dem):
            raise ValueError(f"terrain.dem: {dem_path} is a latitude/longitude grid; a nested DEM must be "
                             "south polar stereographic (PDS3 polar, GeoTIFF or lupex .npz)")
    stack = builtin_stack(user, Path(dem_path).name if dem_path is not None else "user DEM")
    return stack, build_stack_terrain(center_lat_deg, center_lon_deg, half_width_km, pixel_km, stack)
