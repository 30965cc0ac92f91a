"""Maps as Cloud-Optimised GeoTIFFs in the Moon's south polar stereographic CRS.

Every lupex map lives on one grid (:class:`lupex.surface.dem.Dem`): the LOLA polar
stereographic projection of the 1737.4 km sphere, ``X = rho sin(lon)``, ``Y = rho cos(lon)``,
``rho = 2 R tan(colat / 2)`` (:mod:`lupex.surface.projection`). That is exactly the IAU
2015 CRS ``IAU_2015:30135`` "Moon (2015) - Sphere / Ocentric / South Polar"
(``+proj=stere +lat_0=-90 +lon_0=0 +k=1 +R=1737400``), so the files carry it by its code
and full WKT and open in place in QGIS or any GDAL tool. The affine transform maps pixel
corners to metres: ``x = x0 + col * pixel``, ``y = y0 - row * pixel``.

rasterio writes them (its wheels bundle GDAL and PROJ, so GDAL's own ``COG`` driver makes
the tiled, overview-carrying layout a Cloud-Optimised GeoTIFF needs, and PROJ knows the
IAU codes); see README.md "Dependencies and why".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

#: The CRS of every lupex map (PROJ's IAU 2015 code for the lunar south polar stereographic).
MOON_SOUTH_POLAR_CRS = "IAU_2015:30135"


@dataclass(frozen=True)
class MapLayer:
    """One map to write: its file stem, values, units and what it is.

    Attributes
    ----------
    name : str
        File stem (``maps/NAME.tif``).
    values : numpy.ndarray, shape (ny, nx)
        The map on the terrain grid (float or uint8).
    unit : str
        Units of the values ("m", "deg", "1" for fractions and flags).
    description : str
        One line: what the values are, over which window.
    nodata : float or None
        The value marking no data, if any.
    """

    name: str
    values: np.ndarray
    unit: str
    description: str
    nodata: float | None = None


def grid_transform(x0_km: float, y0_km: float, pixel_km: float):
    """The affine transform (metres) of a grid whose upper-left corner is ``(x0, y0)``.

    Parameters
    ----------
    x0_km, y0_km : float
        Map coordinates [km] of the upper-left corner of pixel (0, 0).
    pixel_km : float
        Pixel size [km] in grid units.
    """
    from affine import Affine

    m = 1000.0
    return Affine(pixel_km * m, 0.0, x0_km * m, 0.0, -pixel_km * m, y0_km * m)


def write_geotiff(path: Path, layer: MapLayer, dem) -> Path:
    """Write one map as a Cloud-Optimised GeoTIFF on ``dem``'s grid; return the path.

    Parameters
    ----------
    path : pathlib.Path
        The file to write.
    layer : MapLayer
        The values (shape ``dem.shape``) and their metadata.
    dem : lupex.surface.dem.Dem
        The grid (corner and pixel size).

    Raises
    ------
    ValueError
        If the layer's shape differs from the grid's.
    """
    import rasterio
    from rasterio.crs import CRS

    values = np.asarray(layer.values)
    if values.shape != tuple(dem.shape):
        raise ValueError(f"map {layer.name}: shape {values.shape} differs from the grid's "
                         f"{tuple(dem.shape)}")
    if values.dtype == bool:
        values = values.astype(np.uint8)
    elif np.issubdtype(values.dtype, np.floating):
        values = values.astype(np.float32)
    ny, nx = values.shape
    profile = {
        "driver": "COG", "width": nx, "height": ny, "count": 1, "dtype": values.dtype.name,
        "crs": CRS.from_user_input(MOON_SOUTH_POLAR_CRS),
        "transform": grid_transform(dem.x0_km, dem.y0_km, dem.pixel_km),
        "compress": "DEFLATE", "blocksize": 256, "overview_resampling": "nearest",
    }
    if layer.nodata is not None:
        profile["nodata"] = layer.nodata
    with rasterio.Env(GDAL_PAM_ENABLED="NO"), rasterio.open(path, "w", **profile) as dst:
        dst.write(values, 1)
        dst.update_tags(UNIT=layer.unit, DESCRIPTION=layer.description, SOURCE=dem.source,
                        SYNTHETIC=str(bool(dem.synthetic)))
        dst.set_band_description(1, layer.description)
        dst.set_band_unit(1, layer.unit)
    return path


def _get(obj, *names):
    """``obj.a.b...`` or None where any link is missing (a stage may not have run or may
    have renamed a field: the exporter then leaves that map out)."""
    for n in names:
        obj = getattr(obj, n, None)
        if obj is None:
            return None
    return obj


def map_layers(results: Mapping[str, Any], max_slope_deg: float) -> list[MapLayer]:
    """The maps a run can give, from whichever stages ran.

    Parameters
    ----------
    results : mapping
        Stage results by name (``terrain`` and ``surface`` are used when present).
    max_slope_deg : float
        The ranking's slope limit [deg]: steeper pixels are hazards.
    """
    layers: list[MapLayer] = []
    terrain = _get(results.get("terrain"), "terrain")
    if terrain is None:
        return layers
    dem = terrain.dem
    layers.append(MapLayer("heights", dem.height_m, "m",
                           "height above the 1737.4 km reference sphere"))
    slope = _get(terrain, "slope_deg")
    if slope is not None:
        layers.append(MapLayer("slope", slope, "deg", "surface slope on the sphere"))
        layers.append(MapLayer("hazard", np.asarray(slope) > max_slope_deg, "1",
                               f"1 where the slope exceeds the ranking limit of "
                               f"{max_slope_deg:g} deg, else 0"))
    surface = results.get("surface")
    psr = _get(surface, "psr")
    if psr is not None:
        years = _get(psr, "years")
        span = f" over {years:.1f} years" if years is not None else ""
        layers.append(MapLayer("mean_illumination", psr.mean_fraction, "1",
                               f"time-mean visible fraction of the solar disk{span}"))
        layers.append(MapLayer("psr", psr.psr, "1",
                               f"1 where no part of the Sun is ever visible{span} "
                               "(permanently shadowed), else 0"))
    earth = _get(surface, "earth_map", "mean_fraction")
    if earth is not None:
        layers.append(MapLayer("earth_visibility", earth, "1",
                               "time-mean visible fraction of the Earth's disk over the "
                               "surface mission"))
    return [lay for lay in layers if np.shape(lay.values) == tuple(dem.shape)]


def write_maps(folder: Path, results: Mapping[str, Any], max_slope_deg: float) -> list[str]:
    """Write every available map into ``folder``; return the file names written.

    Parameters
    ----------
    folder : pathlib.Path
        The ``maps/`` folder (created if missing).
    results : mapping
        Stage results by name.
    max_slope_deg : float
        The ranking's slope limit [deg] (the hazard map).
    """
    layers = map_layers(results, max_slope_deg)
    if not layers:
        return []
    folder.mkdir(parents=True, exist_ok=True)
    dem = results["terrain"].terrain.dem
    return [write_geotiff(folder / f"{lay.name}.tif", lay, dem).name for lay in layers]
