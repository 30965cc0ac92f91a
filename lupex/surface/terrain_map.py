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
from lupex.surface.synthetic import synthetic_south_pole

__all__ = ["Terrain", "build_terrain"]

@dataclass(frozen=True, eq=False)
class Terrain:
    """Site terrain: DEM, slope map and the request that produced them.

    Attributes
    ----------
    dem : Dem
    slope_deg : ndarray (ny, nx)   slope [deg] at ``slope_baseline_km``
    center_lat_deg, center_lon_deg : float   requested site [deg]
    slope_baseline_km : float or None   plane-fit window (None: 3 x 3 pixels)
    """

    dem: Dem
    slope_deg: np.ndarray
    center_lat_deg: float
    center_lon_deg: float
    slope_baseline_km: float | None = None

    def horizons(self, **kwargs) -> np.ndarray:
        """Horizon mask (ny, nx, A) float32 [rad] of this terrain, via the disk cache.

        Keyword arguments are those of :func:`lupex.surface.cache.cached_horizon_mask`
        (n_azimuths, max_distance_km, observer_height_m, far_field, workers, progress).
        """
        from lupex.surface.cache import cached_horizon_mask

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
        src = load_dem(dem_path, max_fill_fraction)
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
