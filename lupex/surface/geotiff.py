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

import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lupex.surface.raster_budget import check_raster_size

__all__ = ["GeoTiffRaster", "geokeys", "read_geotiff"]

_LINEAR_UNITS_KM = {9001: 1e-3, 9036: 1.0}


def _int_list(value, what: str) -> np.ndarray:
    """A tag value as a 1-D int64 array, or ValueError saying which tag is garbled."""
    try:
        out = np.asarray(value, dtype=np.int64).ravel()
    except (TypeError, ValueError, OverflowError):
        raise ValueError(f"GeoTIFF: {what} is not a list of integers") from None
    return out


def _float_list(value, what: str) -> np.ndarray:
    """A tag value as a 1-D float64 array, or ValueError saying which tag is garbled."""
    try:
        out = np.asarray(value, dtype=np.float64).ravel()
    except (TypeError, ValueError, OverflowError):
        raise ValueError(f"GeoTIFF: {what} is not a list of numbers") from None
    return out


def geokeys(tags: dict) -> dict:
    """Decode the GeoKeyDirectory into {key id: value} (doubles resolved, ASCII kept).

    Raises ValueError for a missing, truncated or inconsistent directory (a key pointing
    outside GeoDoubleParamsTag, a negative count).
    """
    if 34735 not in tags:
        raise ValueError("GeoTIFF: no GeoKeyDirectoryTag (34735); not a GeoTIFF")
    d = _int_list(tags[34735], "GeoKeyDirectoryTag (34735)")
    doubles = _float_list(tags.get(34736, []), "GeoDoubleParamsTag (34736)")
    ascii_ = tags.get(34737, "")
    if d.size < 4 or d[3] < 0 or d.size < 4 + 4 * int(d[3]):
        raise ValueError("GeoTIFF: truncated GeoKeyDirectoryTag")
    out = {}
    for i in range(int(d[3])):
        key, loc, count, off = (int(v) for v in d[4 + 4 * i : 8 + 4 * i])
        if loc == 0:
            out[key] = off
        elif loc == 34736:
            if count < 1 or off < 0 or off + count > doubles.size:
                raise ValueError(
                    f"GeoTIFF: GeoKey {key} points to doubles {off}..{off + count - 1}, but "
                    f"GeoDoubleParamsTag has {doubles.size}"
                )
            out[key] = float(doubles[off]) if count == 1 else doubles[off : off + count]
        elif loc == 34737:
            out[key] = str(ascii_)[max(off, 0) : max(off, 0) + max(count, 0)].rstrip("|")
    return out


def _key_number(keys: dict, key: int, default=None):
    """GeoKey ``key`` as a finite float (``default`` when absent); ValueError otherwise."""
    v = keys.get(key, default)
    if v is None:
        return None
    if isinstance(v, str) or np.ndim(v) != 0 or not np.isfinite(float(v)):
        raise ValueError(f"GeoTIFF: GeoKey {key} = {v!r} is not a finite number")
    return float(v)


def _tag_numbers(tags: dict, code: int, name: str, n: int) -> np.ndarray:
    """Tag ``code`` as exactly ``n`` finite floats; ValueError naming the tag otherwise."""
    v = _float_list(tags[code], f"{name} ({code})")
    if v.size != n or not np.all(np.isfinite(v)):
        raise ValueError(f"GeoTIFF: {name} ({code}) must hold {n} finite numbers, got {v.tolist()}")
    return v


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


def _grid(keys: dict, tags: dict) -> tuple[float, float, float]:
    """Upper-left corner and pixel size (x0_km, y0_km, pixel_km) from the GeoTIFF tags."""
    ct = keys.get(3075)
    if not isinstance(ct, int) or ct not in (14, 15):
        raise ValueError(f"ProjCoordTransGeoKey {ct!r} is not (polar) stereographic")
    lat0 = _key_number(keys, 3081, keys.get(3089))
    lon0 = _key_number(keys, 3095, keys.get(3080, keys.get(3088, 0.0)))
    k0 = _key_number(keys, 3092, 1.0)
    fe, fn = _key_number(keys, 3082, 0.0), _key_number(keys, 3083, 0.0)
    a_m = _key_number(keys, 2057)
    if lat0 is None or abs(lat0 + 90.0) > 1e-9:
        raise ValueError(f"projection origin latitude {lat0}; need -90 (south pole)")
    if abs(lon0) > 1e-9 or abs(k0 - 1.0) > 1e-12 or fe or fn:
        raise ValueError(
            f"need central longitude 0, scale 1, no false easting/northing "
            f"(got {lon0}, {k0}, {fe}, {fn})"
        )
    if a_m is None or abs(a_m - 1737400.0) > 1e-3:
        raise ValueError(f"sphere radius {a_m} m; need 1737400 m")
    unit = keys.get(3076, 9001)
    unit_km = _LINEAR_UNITS_KM.get(unit) if isinstance(unit, int) else None
    if unit_km is None:
        raise ValueError(
            f"unsupported ProjLinearUnitsGeoKey {unit!r} (9001 metre or 9036 km)"
        )
    if 33550 not in tags or 33922 not in tags:
        raise ValueError("needs ModelPixelScaleTag and ModelTiepointTag (no 34264 transform)")
    scale = _float_list(tags[33550], "ModelPixelScaleTag (33550)")
    if scale.size < 2 or not np.all(np.isfinite(scale[:2])):
        raise ValueError(f"ModelPixelScaleTag must start with 2 finite numbers: {scale.tolist()}")
    sx, sy = float(scale[0]), float(scale[1])
    if _float_list(tags[33922], "ModelTiepointTag (33922)").size > 6:
        raise ValueError("several tiepoints (warped grid) are not supported")
    tp = _tag_numbers(tags, 33922, "ModelTiepointTag", 6)
    if not sx > 0 or abs(sx - sy) > 1e-9 * sx:
        raise ValueError(f"pixels must be square and > 0 (scale {sx} x {sy})")
    i0, j0, x_t, y_t = tp[0], tp[1], tp[3], tp[4]
    raster_type = keys.get(1025, 1)
    if not isinstance(raster_type, int) or raster_type not in (1, 2):
        raise ValueError(f"GTRasterTypeGeoKey {raster_type!r} must be 1 (area) or 2 (point)")
    half = 0.5 if raster_type == 2 else 0.0  # PixelIsPoint: the tiepoint names a pixel centre
    x0_km = float((x_t - (i0 + half) * sx) * unit_km)
    y0_km = float((y_t + (j0 + half) * sy) * unit_km)
    pixel_km = sx * unit_km
    if not (np.isfinite(x0_km) and np.isfinite(y0_km) and np.isfinite(pixel_km) and pixel_km > 0):
        raise ValueError(f"grid corner ({x0_km}, {y0_km}) km or pixel {pixel_km} km not finite")
    return x0_km, y0_km, pixel_km


#: What tifffile may raise on a corrupt file (its parser is not ours to fix).
_TIFF_ERRORS = (ValueError, OSError, EOFError, IndexError, KeyError, TypeError,
                AttributeError, struct.error, OverflowError, NotImplementedError,
                RuntimeError, ZeroDivisionError, UnicodeError, MemoryError)


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
        Naming the file: for a file tifffile cannot parse, other projections,
        rotated/sheared grids, non-square pixels, multi-band or non-numeric images, garbled
        GeoTIFF tags, and (before any pixel is read) an image larger than
        :func:`lupex.surface.raster_budget.check_raster_size` allows.
    """
    import tifffile

    path = Path(path)
    if not path.exists():
        raise ValueError(f"GeoTIFF not found: {path}")
    try:
        tf = tifffile.TiffFile(path)
    except _TIFF_ERRORS as exc:
        raise ValueError(f"{path}: cannot read as TIFF ({type(exc).__name__}: {exc})") from None
    with tf:
        try:
            if len(tf.pages) < 1:
                raise ValueError("no image in the file")
            page = tf.pages.first if hasattr(tf.pages, "first") else tf.pages[0]
            tags = {t.code: t.value for t in page.tags.values()}
            shape, dtype = tuple(page.shape), page.dtype
        except _TIFF_ERRORS as exc:
            raise ValueError(f"{path}: cannot read as TIFF ({type(exc).__name__}: {exc})") from None
        if len(shape) != 2:
            raise ValueError(f"{path}: expected one band, got an image of shape {shape}")
        if dtype is None or np.dtype(dtype).kind not in "iuf":
            raise ValueError(f"{path}: sample type {dtype} is not integer or real")
        check_raster_size(path, shape, "GeoTIFF image")
        try:
            x0_km, y0_km, pixel_km = _grid(geokeys(tags), tags)
        except ValueError as exc:
            msg = str(exc).removeprefix("GeoTIFF: ")
            raise ValueError(f"{path}: {msg}") from None
        try:
            data = page.asarray()
        except _TIFF_ERRORS as exc:
            raise ValueError(f"{path}: cannot decode the TIFF image ({type(exc).__name__}: "
                             f"{exc})") from None
    if data.shape != shape:
        raise ValueError(f"{path}: decoded image {data.shape} differs from its header {shape}")
    h = data.astype(float)
    nod = tags.get(42113)
    bad = ~np.isfinite(h) | (h <= -1e30)
    if nod is not None:
        try:
            bad |= h == float(str(nod).strip("\x00 "))
        except ValueError:
            pass
    h[bad] = np.nan
    return GeoTiffRaster(h, x0_km, y0_km, pixel_km, str(path))
