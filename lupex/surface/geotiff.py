"""Reader for south polar stereographic GeoTIFF DEMs (e.g. NASA PGDA LOLA site products).

Uses ``tifffile`` for the raster and reads the GeoTIFF tags ourselves (GeoTIFF 1.1,
OGC 19-008r4): ModelPixelScaleTag 33550 (sx, sy, sz), ModelTiepointTag 33922
(I, J, K, X, Y, Z: raster point (I, J) is map point (X, Y)), GeoKeyDirectoryTag 34735
with GeoDoubleParamsTag 34736, and GDAL_NODATA 42113.  Required keys: ProjCoordTransGeoKey
3075 = 15 (CT_PolarStereographic) or 14 (CT_Stereographic) with origin latitude
(ProjNatOriginLatGeoKey 3081 or ProjCenterLatGeoKey 3089) = -90, longitude
(ProjStraightVertPoleLongGeoKey 3095, ProjNatOriginLongGeoKey 3080 or ProjCenterLongGeoKey
3088) = 0, scale (ProjScaleAtNatOriginGeoKey 3092) = 1, no false easting/northing, and a
1737.4 km sphere (GeogSemiMajorAxisGeoKey 2057).  Map units are metres unless
ProjLinearUnitsGeoKey 3076 says otherwise (9001 metre, 9036 km).  GTRasterTypeGeoKey 1025
= 1 (PixelIsArea, the default) puts the tiepoint at a pixel corner, 2 (PixelIsPoint)
at a pixel centre.

The reader returns the raw raster (:class:`GeoTiffRaster`: heights with NaN where missing,
and the grid's corner and pixel size); :func:`lupex.surface.dem.load_dem` fills the holes
and builds the :class:`~lupex.surface.dem.Dem`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = ["GeoTiffRaster", "geokeys", "read_geotiff"]

_LINEAR_UNITS_KM = {9001: 1e-3, 9036: 1.0}


def geokeys(tags: dict) -> dict:
    """Decode the GeoKeyDirectory into {key id: value} (doubles resolved, ASCII kept)."""
    if 34735 not in tags:
        raise ValueError("GeoTIFF: no GeoKeyDirectoryTag (34735); not a GeoTIFF")
    d = np.asarray(tags[34735], dtype=np.int64).ravel()
    doubles = np.asarray(tags.get(34736, []), dtype=float).ravel()
    ascii_ = tags.get(34737, "")
    if d.size < 4 or d.size < 4 + 4 * int(d[3]):
        raise ValueError("GeoTIFF: truncated GeoKeyDirectoryTag")
    out = {}
    for i in range(int(d[3])):
        key, loc, count, off = (int(v) for v in d[4 + 4 * i : 8 + 4 * i])
        if loc == 0:
            out[key] = off
        elif loc == 34736:
            out[key] = float(doubles[off]) if count == 1 else doubles[off : off + count]
        elif loc == 34737:
            out[key] = str(ascii_)[off : off + count].rstrip("|")
    return out


@dataclass(frozen=True, eq=False)
class GeoTiffRaster:
    """A decoded south polar stereographic GeoTIFF raster.

    Attributes
    ----------
    height_m : numpy.ndarray, shape (ny, nx)
        Height [m] above the 1737.4 km sphere, float64, NaN where missing (nodata).
    x0_km, y0_km : float
        Map coordinates [km] of the upper-left corner of pixel (0, 0).
    pixel_km : float
        Pixel size [km].
    source : str
        The file path.
    """

    height_m: np.ndarray
    x0_km: float
    y0_km: float
    pixel_km: float
    source: str


def read_geotiff(path) -> GeoTiffRaster:
    """Read a south polar stereographic GeoTIFF of heights [m] above 1737.4 km.

    Parameters
    ----------
    path : str or os.PathLike
        The ``.tif`` file.

    Returns
    -------
    GeoTiffRaster
        Nodata pixels (GDAL_NODATA tag, NaN, or <= -1e30) are NaN.

    Raises
    ------
    ValueError
        For other projections, rotated/sheared grids, non-square pixels or multi-band images.
    """
    import tifffile

    path = Path(path)
    if not path.exists():
        raise ValueError(f"GeoTIFF not found: {path}")
    try:
        with tifffile.TiffFile(path) as tf:
            page = tf.pages[0]
            tags = {t.code: t.value for t in page.tags.values()}
            data = page.asarray()
    except (tifffile.TiffFileError, OSError, ValueError) as exc:
        raise ValueError(f"{path}: cannot read as TIFF ({exc})") from None
    if data.ndim != 2:
        raise ValueError(f"{path}: expected one band, got array of shape {data.shape}")
    keys = geokeys(tags)
    ct = keys.get(3075)
    if ct not in (14, 15):
        raise ValueError(f"{path}: ProjCoordTransGeoKey {ct} is not (polar) stereographic")
    lat0 = keys.get(3081, keys.get(3089))
    lon0 = keys.get(3095, keys.get(3080, keys.get(3088, 0.0)))
    k0 = keys.get(3092, 1.0)
    fe, fn = keys.get(3082, 0.0), keys.get(3083, 0.0)
    a_m = keys.get(2057)
    if lat0 is None or abs(float(lat0) + 90.0) > 1e-9:
        raise ValueError(f"{path}: projection origin latitude {lat0}; need -90 (south pole)")
    if abs(float(lon0)) > 1e-9 or abs(float(k0) - 1.0) > 1e-12 or fe or fn:
        raise ValueError(
            f"{path}: need central longitude 0, scale 1, no false easting/northing "
            f"(got {lon0}, {k0}, {fe}, {fn})"
        )
    if a_m is None or abs(float(a_m) - 1737400.0) > 1e-3:
        raise ValueError(f"{path}: sphere radius {a_m} m; need 1737400 m")
    unit_km = _LINEAR_UNITS_KM.get(int(keys.get(3076, 9001)))
    if unit_km is None:
        raise ValueError(f"{path}: unsupported ProjLinearUnitsGeoKey {keys.get(3076)}")
    if 33550 not in tags or 33922 not in tags:
        raise ValueError(
            f"{path}: needs ModelPixelScaleTag and ModelTiepointTag (no 34264 transform)"
        )
    sx, sy = (float(v) for v in tags[33550][:2])
    tp = [float(v) for v in tags[33922][:6]]
    if len(tags[33922]) > 6:
        raise ValueError(f"{path}: several tiepoints (warped grid) are not supported")
    if sx <= 0 or abs(sx - sy) > 1e-9 * sx:
        raise ValueError(f"{path}: pixels must be square (scale {sx} x {sy})")
    i0, j0, x_t, y_t = tp[0], tp[1], tp[3], tp[4]
    centre = keys.get(1025, 1) == 2  # PixelIsPoint: the tiepoint names a pixel centre
    half = 0.5 if centre else 0.0
    x0_km = (x_t - (i0 + half) * sx) * unit_km
    y0_km = (y_t + (j0 + half) * sy) * unit_km
    h = data.astype(float)
    nod = tags.get(42113)
    bad = ~np.isfinite(h) | (h <= -1e30)
    if nod is not None:
        try:
            bad |= h == float(str(nod).strip("\x00 "))
        except ValueError:
            pass
    h[bad] = np.nan
    return GeoTiffRaster(h, x0_km, y0_km, sx * unit_km, str(path))
