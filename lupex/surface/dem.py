"""A digital elevation model on the south polar stereographic grid.

The grid convention (shared by every lupex surface module):

* ``height_m[i, j]`` is the height [m] above the 1737.4 km reference sphere
  of the pixel in row ``i`` and column ``j``;
* ``(x0_km, y0_km)`` is the UPPER-LEFT CORNER of the upper-left pixel, in
  south polar stereographic map coordinates (see :mod:`lupex.surface.projection`);
* rows go toward -Y, columns toward +X, so pixel centres are
  ``x_km[j] = x0_km + (j + 0.5) * pixel_km`` and
  ``y_km[i] = y0_km - (i + 0.5) * pixel_km``.

A :class:`MapWindow` is a square window of that grid around a site (centre, pixel size,
pixel count); :func:`crop`, :func:`regrid`, :func:`resample_to_polar` and the synthetic
terrain all build their grids from one.  File readers (:mod:`lupex.surface.pds3`,
:mod:`lupex.surface.geotiff`) return raw rasters; :func:`load_dem` turns them into a
:class:`Dem` or :class:`LatLonGrid`.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lupex.constants import R_MOON_KM
from lupex.surface.geotiff import read_geotiff
from lupex.surface.pds3 import open_pds3, pds3_heights_m
from lupex.surface.projection import latlon_to_xy, xy_to_latlon
from lupex.surface.raster_budget import raster_size_problem

__all__ = [
    "Dem",
    "LatLonGrid",
    "MapWindow",
    "crop",
    "dem_from_geotiff",
    "dem_from_pds3",
    "dem_from_site_npz",
    "fill_holes",
    "latlon_grid_from_npz",
    "load_dem",
    "regrid",
    "resample_to_polar",
    "sample_bilinear",
    "sample_latlon",
]


@dataclass(frozen=True, eq=False)
class Dem:
    """Heights on a regular south polar stereographic grid.

    Attributes
    ----------
    height_m : ndarray, shape (ny, nx)
        Height [m] above the 1737.4 km sphere (float; finite everywhere).
    x0_km, y0_km : float
        Map coordinates [km] of the upper-left corner of pixel (0, 0).
    pixel_km : float
        Pixel size [km] in grid units (true size is pixel_km / k).
    source : str
        Where the heights came from (file path, or "synthetic ...").
    synthetic : bool
        True when the terrain is invented (:mod:`lupex.surface.synthetic`).
    filled_fraction : float
        Fraction of pixels that were missing in the source and filled.
    note : str
        Free text (e.g. how holes were filled, or "synthetic terrain").
    """

    height_m: np.ndarray
    x0_km: float
    y0_km: float
    pixel_km: float
    source: str = ""
    synthetic: bool = False
    filled_fraction: float = 0.0
    note: str = ""

    def __post_init__(self):
        h = np.asarray(self.height_m)
        if h.ndim != 2 or min(h.shape) < 1:
            raise ValueError(f"height_m must be a 2-D (ny, nx) array; got shape {h.shape}")
        if not np.issubdtype(h.dtype, np.floating):
            h = h.astype(np.float64)
        if not np.all(np.isfinite(h)):
            raise ValueError(
                "height_m contains NaN/inf; fill holes first (e.g. lupex.surface.dem.fill_holes)"
            )
        if not (np.isfinite(self.pixel_km) and self.pixel_km > 0):
            raise ValueError(f"pixel_km must be finite and > 0; got {self.pixel_km!r}")
        if not (np.isfinite(self.x0_km) and np.isfinite(self.y0_km)):
            raise ValueError("x0_km and y0_km must be finite")
        if not (0.0 <= self.filled_fraction <= 1.0):
            raise ValueError(f"filled_fraction must be in [0, 1]; got {self.filled_fraction!r}")
        h = h.copy()
        h.setflags(write=False)
        object.__setattr__(self, "height_m", h)
        object.__setattr__(self, "x0_km", float(self.x0_km))
        object.__setattr__(self, "y0_km", float(self.y0_km))
        object.__setattr__(self, "pixel_km", float(self.pixel_km))

    @property
    def shape(self) -> tuple[int, int]:
        return self.height_m.shape

    def x_km(self) -> np.ndarray:
        """Pixel-centre X [km] of each column, shape (nx,)."""
        return self.x0_km + (np.arange(self.shape[1]) + 0.5) * self.pixel_km

    def y_km(self) -> np.ndarray:
        """Pixel-centre Y [km] of each row, shape (ny,)."""
        return self.y0_km - (np.arange(self.shape[0]) + 0.5) * self.pixel_km

    def xy(self) -> tuple[np.ndarray, np.ndarray]:
        """Pixel-centre map coordinate grids (x_km, y_km), each (ny, nx)."""
        return np.meshgrid(self.x_km(), self.y_km())

    def latlon(self) -> tuple[np.ndarray, np.ndarray]:
        """Pixel-centre latitude and east longitude grids [rad], each (ny, nx)."""
        return xy_to_latlon(*self.xy())

    def extent_km(self) -> tuple[float, float, float, float]:
        """(left, right, bottom, top) of the grid's outer edges [km], for imshow."""
        ny, nx = self.shape
        return (
            self.x0_km,
            self.x0_km + nx * self.pixel_km,
            self.y0_km - ny * self.pixel_km,
            self.y0_km,
        )

    def xy_to_index(self, x_km, y_km):
        """Fractional (row, col) of map points, in pixel-centre units (centre of (0,0) -> (0, 0)).

        ``col = (x - x0) / pixel - 0.5`` and ``row = (y0 - y) / pixel - 0.5`` (rows go
        toward -Y). Points off the grid give indices outside [0, n - 1]; nothing is
        clipped or rounded.

        Parameters
        ----------
        x_km, y_km : array_like
            South polar stereographic map coordinates [km] (grid units).

        Returns
        -------
        row, col : numpy.ndarray
            Fractional row and column indices [pixels], broadcast shape of the inputs.
        """
        col = (np.asarray(x_km, dtype=float) - self.x0_km) / self.pixel_km - 0.5
        row = (self.y0_km - np.asarray(y_km, dtype=float)) / self.pixel_km - 0.5
        return row, col



@dataclass(frozen=True)
class MapWindow:
    """A square window of the south polar stereographic grid around a site.

    Attributes
    ----------
    center_x_km, center_y_km : float
        Map coordinates [km] of the window's centre.
    pixel_km : float
        Pixel size [km] (grid units).
    n_pixels : int
        Pixels along each side.

    Build one with :meth:`around`; its corner is :attr:`x0_km`, :attr:`y0_km` (the
    :class:`Dem` convention) and its pixel centres :meth:`x_km`, :meth:`y_km`.
    """

    center_x_km: float
    center_y_km: float
    pixel_km: float
    n_pixels: int

    #: Largest window side [pixels] (a 20000^2 map of horizons would not fit in memory).
    MAX_PIXELS = 20000

    @classmethod
    def around(cls, center_lat_deg: float, center_lon_deg: float, half_width_km: float,
               pixel_km: float) -> MapWindow:
        """The window of ``round(2 half_width_km / pixel_km)`` pixels centred on a site.

        Parameters
        ----------
        center_lat_deg, center_lon_deg : float
            Site latitude [deg] in [-90, -60] (the south cap) and east longitude [deg].
        half_width_km : float
            Half side of the square [km] (grid units), >= ``pixel_km``.
        pixel_km : float
            Pixel size [km], > 0.

        Raises
        ------
        ValueError
            For a centre off the south cap, a non-positive pixel, a window narrower than a
            pixel or wider than :attr:`MAX_PIXELS`.
        """
        if not (-90.0 <= center_lat_deg <= -60.0):
            raise ValueError(f"center_lat_deg must be in [-90, -60] (south cap); got {center_lat_deg}")
        if not (np.isfinite(pixel_km) and pixel_km > 0):
            raise ValueError(f"pixel_km must be > 0; got {pixel_km}")
        if not (np.isfinite(half_width_km) and half_width_km >= pixel_km):
            raise ValueError(f"half_width_km must be >= pixel_km ({pixel_km}); got {half_width_km}")
        n = round(2 * half_width_km / pixel_km)
        if n > cls.MAX_PIXELS:
            raise ValueError(f"grid of {n} x {n} pixels is too large (max {cls.MAX_PIXELS})")
        x, y = latlon_to_xy(np.radians(center_lat_deg), np.radians(center_lon_deg))
        return cls(float(x), float(y), float(pixel_km), int(n))

    @property
    def x0_km(self) -> float:
        """Map X [km] of the window's left edge."""
        return self.center_x_km - self.n_pixels * self.pixel_km / 2

    @property
    def y0_km(self) -> float:
        """Map Y [km] of the window's top edge."""
        return self.center_y_km + self.n_pixels * self.pixel_km / 2

    def x_km(self) -> np.ndarray:
        """Pixel-centre X [km] of each column, shape (n,)."""
        return self.x0_km + (np.arange(self.n_pixels) + 0.5) * self.pixel_km

    def y_km(self) -> np.ndarray:
        """Pixel-centre Y [km] of each row, shape (n,)."""
        return self.y0_km - (np.arange(self.n_pixels) + 0.5) * self.pixel_km

    def latlon(self) -> tuple[np.ndarray, np.ndarray]:
        """Pixel-centre latitude and east longitude grids [rad], each (n, n)."""
        return xy_to_latlon(*np.meshgrid(self.x_km(), self.y_km()))


def sample_bilinear(dem: Dem, x_km, y_km, outside: float = np.nan) -> np.ndarray:
    """Height [m] of ``dem`` at map points by bilinear interpolation between pixel centres.

    Parameters
    ----------
    dem : Dem
        The grid.
    x_km, y_km : array_like
        Map coordinates [km], broadcastable.
    outside : float
        Value [m] for points beyond the outer pixel edges (points between the last pixel
        centre and the edge take the edge value).

    Returns
    -------
    numpy.ndarray
        Heights [m] above 1737.4 km, shaped like the broadcast points.
    """
    row, col = dem.xy_to_index(x_km, y_km)
    ny, nx = dem.shape
    inside = (row >= -0.5) & (row <= ny - 0.5) & (col >= -0.5) & (col <= nx - 0.5)
    row = np.clip(row, 0.0, ny - 1.0)
    col = np.clip(col, 0.0, nx - 1.0)
    r0 = np.minimum(np.floor(row).astype(np.intp), max(ny - 2, 0))
    c0 = np.minimum(np.floor(col).astype(np.intp), max(nx - 2, 0))
    r1 = np.minimum(r0 + 1, ny - 1)
    c1 = np.minimum(c0 + 1, nx - 1)
    fr = row - r0
    fc = col - c0
    h = dem.height_m
    val = (h[r0, c0] * (1 - fr) + h[r1, c0] * fr) * (1 - fc) + (
        h[r0, c1] * (1 - fr) + h[r1, c1] * fr
    ) * fc
    return np.where(inside, val, outside)


@dataclass(frozen=True, eq=False)
class LatLonGrid:
    """Heights on a regular latitude/longitude grid (simple cylindrical products).

    Attributes
    ----------
    height_m : ndarray (nlat, nlon)
        Height [m] above the 1737.4 km sphere; NaN where missing.
    lat_deg : ndarray (nlat,)
        Cell-centre latitudes [deg], strictly monotonic.
    lon_deg : ndarray (nlon,)
        Cell-centre east longitudes [deg], increasing and evenly spaced (wraps at 360).
    source : str
    """

    height_m: np.ndarray
    lat_deg: np.ndarray
    lon_deg: np.ndarray
    source: str = ""

    def __post_init__(self):
        h = np.asarray(self.height_m, dtype=float)
        lat = np.asarray(self.lat_deg, dtype=float)
        lon = np.asarray(self.lon_deg, dtype=float)
        if h.ndim != 2 or h.shape != (lat.size, lon.size):
            raise ValueError(
                f"height_m shape {h.shape} must be (len(lat_deg), len(lon_deg)) = "
                f"({lat.size}, {lon.size})"
            )
        if lat.size < 2 or lon.size < 2:
            raise ValueError("LatLonGrid needs at least 2 latitudes and 2 longitudes")
        dl = np.diff(lat)
        if not (np.all(dl > 0) or np.all(dl < 0)):
            raise ValueError("lat_deg must be strictly monotonic")
        if np.any(np.abs(lat) > 90):
            raise ValueError("lat_deg must be in [-90, 90]")
        dlon = np.diff(lon)
        if np.any(dlon <= 0) or np.ptp(dlon) > 1e-6 * abs(dlon[0]) + 1e-9:
            raise ValueError("lon_deg must be increasing and evenly spaced")
        object.__setattr__(self, "height_m", h)
        object.__setattr__(self, "lat_deg", lat)
        object.__setattr__(self, "lon_deg", lon)


def fill_holes(height_m: np.ndarray, max_fill_fraction: float = 0.25):
    """Fill NaN pixels with the value of the nearest valid pixel.

    Nearest in Euclidean pixel distance (:func:`scipy.ndimage.distance_transform_edt`);
    any non-finite value (NaN or inf) counts as missing. The input is not modified.

    Parameters
    ----------
    height_m : array_like, shape (ny, nx)
        Heights [m] with missing pixels non-finite.
    max_fill_fraction : float
        Largest fraction of missing pixels [0..1] that may be filled.

    Returns
    -------
    filled : numpy.ndarray, shape (ny, nx)
        A float64 copy with every missing pixel filled [m].
    fraction : float
        Fraction of the pixels that were filled [0..1].

    Raises
    ------
    ValueError
        When every pixel is missing or more than ``max_fill_fraction`` of them are.
    """
    return _fill_holes_in_place(np.array(height_m, dtype=float), max_fill_fraction)


def _fill_holes_in_place(h: np.ndarray, max_fill_fraction: float):
    """:func:`fill_holes` on a float64 array the caller owns, overwriting its holes.

    The readers decode into a fresh array; filling it in place saves one full copy.
    """
    from scipy.ndimage import distance_transform_edt

    bad = ~np.isfinite(h)
    frac = float(bad.mean())
    if frac == 0.0:
        return h, 0.0
    if frac == 1.0:
        raise ValueError("the DEM has no valid heights (all pixels missing)")
    if frac > max_fill_fraction:
        raise ValueError(
            f"{100 * frac:.1f} % of the DEM pixels are missing, more than "
            f"max_fill_fraction = {100 * max_fill_fraction:.1f} %"
        )
    idx = distance_transform_edt(bad, return_distances=False, return_indices=True)
    h[bad] = h[tuple(i[bad] for i in idx)]
    return h, frac


@contextmanager
def _naming(path):
    """Let a ValueError out with the file's name in front (unless it names it already)."""
    try:
        yield
    except ValueError as exc:
        msg = str(exc)
        if str(path) in msg:
            raise
        raise ValueError(f"{path}: {msg}") from None


def _does_not_cover(source, extent, window: MapWindow) -> ValueError:
    """The error for a map window that sticks out of a DEM's extent (as :func:`crop` says it)."""
    e = extent
    return ValueError(
        f"the DEM ({source}, X {e[0]:.2f}..{e[1]:.2f} km, Y {e[2]:.2f}..{e[3]:.2f} km) does "
        f"not cover the {window.n_pixels * window.pixel_km:g} km square centred at "
        f"X {window.center_x_km:.2f}, Y {window.center_y_km:.2f} km"
    )


def polar_window_slices(x0_km: float, y0_km: float, pixel_km: float, shape: tuple[int, int],
                        window: MapWindow, margin: int = 2) -> tuple[slice, slice] | None:
    """Rows and columns of a polar grid that a map window needs, with a margin.

    Parameters
    ----------
    x0_km, y0_km : float
        Upper-left corner [km] of the grid (the :class:`Dem` convention).
    pixel_km : float
        Grid pixel size [km].
    shape : tuple of int
        Grid (rows, columns).
    window : MapWindow
        The square to be cropped or resampled from the grid.
    margin : int
        Extra pixels [count] kept on each side (bilinear needs one; rounding another).

    Returns
    -------
    (rows, cols) : tuple of slice, or None
        The sub-grid, clipped to the grid; None when the window's edges lie more than one
        pixel outside the grid (it cannot be cropped from it).
    """
    ny, nx = shape
    side = window.n_pixels * window.pixel_km
    c_lo = int(np.floor((window.x0_km - x0_km) / pixel_km))
    c_hi = int(np.ceil((window.x0_km + side - x0_km) / pixel_km))
    r_lo = int(np.floor((y0_km - window.y0_km) / pixel_km))
    r_hi = int(np.ceil((y0_km - (window.y0_km - side)) / pixel_km))
    if c_lo < -1 or r_lo < -1 or c_hi > nx + 1 or r_hi > ny + 1:
        return None
    return (slice(max(r_lo - margin, 0), min(r_hi + margin, ny)),
            slice(max(c_lo - margin, 0), min(c_hi + margin, nx)))


def window_latitude_range_deg(window: MapWindow) -> tuple[float, float]:
    """Lowest and highest latitude [deg] inside a map window (south polar stereographic).

    Latitude grows with the distance from the pole, so the extremes are the window's
    point nearest the pole (the pole itself when inside) and its farthest corner.
    """
    side = window.n_pixels * window.pixel_km
    xs = (window.x0_km, window.x0_km + side)
    ys = (window.y0_km - side, window.y0_km)
    near = (float(np.clip(0.0, *xs)), float(np.clip(0.0, *ys)))
    far = (max(xs, key=abs), max(ys, key=abs))
    lat_near, _ = xy_to_latlon(*near)
    lat_far, _ = xy_to_latlon(*far)
    return float(np.degrees(lat_near)), float(np.degrees(lat_far))


def dem_from_pds3(path, max_fill_fraction: float = 0.25, window: MapWindow | None = None):
    """Read a PDS3 DEM: a :class:`Dem` (polar stereographic) or :class:`LatLonGrid` (cylindrical).

    Missing pixels of a polar product are filled from their nearest neighbour and
    counted in ``Dem.filled_fraction``; a cylindrical grid keeps NaN (resample with
    :func:`resample_to_polar`, which fills).

    The polar grid's corner comes from the label's offsets: the centre of (line 1,
    sample 1) is ``X = -SAMPLE_PROJECTION_OFFSET * s``, ``Y = LINE_PROJECTION_OFFSET * s``
    with ``s = MAP_SCALE`` (PDS DSMAP.CAT convention). A cylindrical product's pixel
    latitudes and longitudes follow from ``CENTER_LATITUDE``/``CENTER_LONGITUDE``, the
    offsets and ``MAP_RESOLUTION`` [pixels/deg].

    The file is memory-mapped in its stored dtype; only the decoded part becomes float64.

    Parameters
    ----------
    path : str or os.PathLike
        The PDS3 product (opened by :func:`lupex.surface.pds3.open_pds3`).
    max_fill_fraction : float
        Largest fraction of missing pixels [0..1] a polar product may have filled
        (else ValueError); not used for cylindrical grids.
    window : MapWindow or None
        The square the caller will crop or resample to.  Given, only the rows and columns
        it needs are decoded (a polar product: the window plus 2 pixels, holes filled and
        counted within that part; a cylindrical one: the latitudes it spans plus 2 rows, all
        longitudes).  None decodes the whole product.

    Returns
    -------
    Dem or LatLonGrid
        Heights [m] above the 1737.4 km sphere.

    Raises
    ------
    ValueError
        Naming the file: everything :func:`~lupex.surface.pds3.open_pds3` refuses, a polar
        product whose ``CENTER_LONGITUDE`` is not 0 or whose radius is not 1737.4 km, too
        many missing pixels, or a polar product that does not cover ``window``.
    """
    with _naming(path):
        im = open_pds3(path)
        ny, nx = im.shape
        if im.projection == "POLAR STEREOGRAPHIC":
            return _polar_dem(im, max_fill_fraction, window)
        res = im.map_resolution_ppd
        lat = im.center_lat_deg - (np.arange(1, ny + 1) - im.line_offset - 1) / res
        lon = im.center_lon_deg + (np.arange(1, nx + 1) - im.sample_offset - 1) / res
        rows = slice(None)
        if window is not None:
            lo, hi = window_latitude_range_deg(window)
            pad = 2.0 / res
            (idx,) = np.nonzero((lat >= lo - pad) & (lat <= hi + pad))
            if idx.size >= 2:
                rows = slice(int(idx.min()), int(idx.max()) + 1)
        return LatLonGrid(pds3_heights_m(im, rows), lat[rows], lon, source=im.source)


def _polar_dem(im, max_fill_fraction: float, window: MapWindow | None) -> Dem:
    """The :class:`Dem` of an opened polar stereographic PDS3 product (or its window)."""
    if abs(im.center_lon_deg) > 1e-9:
        raise ValueError(f"CENTER_LONGITUDE {im.center_lon_deg} deg; lupex grids need 0 deg")
    if abs(im.radius_km - R_MOON_KM) > 1e-6:
        raise ValueError(f"A_AXIS_RADIUS {im.radius_km} km; lupex grids need {R_MOON_KM}")
    ny, nx = im.shape
    s = im.map_scale_km
    # centre of (line 1, sample 1) is X = -SPO s, Y = LPO s (PDS DSMAP.CAT convention)
    x0, y0 = (-im.sample_offset - 0.5) * s, (im.line_offset + 0.5) * s
    rows, cols = slice(0, ny), slice(0, nx)
    if window is not None:
        part = polar_window_slices(x0, y0, s, (ny, nx), window)
        if part is None:
            extent = (x0, x0 + nx * s, y0 - ny * s, y0)
            raise _does_not_cover(im.source, extent, window)
        rows, cols = part
    h, frac = _fill_holes_in_place(pds3_heights_m(im, rows, cols), max_fill_fraction)
    what = f"{ny}x{nx}" if h.shape == (ny, nx) else (
        f"rows {rows.start}..{rows.stop - 1}, columns {cols.start}..{cols.stop - 1} of {ny}x{nx}"
    )
    return Dem(
        h,
        x0_km=x0 + cols.start * s,
        y0_km=y0 - rows.start * s,
        pixel_km=s,
        source=im.source,
        filled_fraction=frac,
        note=f"PDS3 polar stereographic {what} at {s * 1000:.3f} m/pixel",
    )


def dem_from_geotiff(path, max_fill_fraction: float = 0.25) -> Dem:
    """Read a south polar stereographic GeoTIFF DEM (:func:`lupex.surface.geotiff.read_geotiff`).

    Nodata pixels are filled from their nearest neighbour and counted in
    ``Dem.filled_fraction``.

    Parameters
    ----------
    path : str or os.PathLike
        The ``.tif`` file.
    max_fill_fraction : float
        Largest fraction of missing pixels that may be filled (else ValueError).

    Returns
    -------
    Dem

    Raises
    ------
    ValueError
        Naming the file, for anything :func:`~lupex.surface.geotiff.read_geotiff` refuses
        or too many missing pixels.
    """
    with _naming(path):
        r = read_geotiff(path)
        h, frac = _fill_holes_in_place(r.height_m, max_fill_fraction)
        return Dem(h, r.x0_km, r.y0_km, r.pixel_km, source=r.source, filled_fraction=frac,
                   note=f"GeoTIFF polar stereographic {h.shape[0]}x{h.shape[1]}")


#: What the zip and .npy decoders may raise on a corrupt archive.
_NPZ_ERRORS = (ValueError, OSError, EOFError, KeyError, zipfile.BadZipFile, zlib.error,
               NotImplementedError, RuntimeError, struct.error, OverflowError, UnicodeError,
               SyntaxError, TypeError, IndexError, MemoryError)
#: numpy dtype kinds accepted for heights and coordinates (integer, unsigned, real).
_NUMERIC_KINDS = "iuf"


@contextmanager
def _open_npz(path):
    """``np.load`` of an ``.npz`` archive (no pickles), with corrupt files as ValueError."""
    try:
        z = np.load(path, allow_pickle=False)
    except _NPZ_ERRORS as exc:
        raise ValueError(f"not a readable .npz archive ({type(exc).__name__}: {exc})") from None
    if not isinstance(z, np.lib.npyio.NpzFile):
        raise ValueError("not an .npz archive (a single .npy array?)")  # noqa: TRY004
    with z:
        yield z


def _npz_header(z, key: str) -> tuple[tuple[int, ...], np.dtype]:
    """Shape and dtype that member ``key`` declares, read without loading its data."""
    names = z.zip.namelist()
    member = key if key in names else f"{key}.npy"
    try:
        with z.zip.open(member) as f:
            version = np.lib.format.read_magic(f)
            if version == (1, 0):
                shape, _, dtype = np.lib.format.read_array_header_1_0(f)
            elif version == (2, 0):
                shape, _, dtype = np.lib.format.read_array_header_2_0(f)
            else:
                raise ValueError(f".npy format version {version} is not supported")
    except _NPZ_ERRORS as exc:
        raise ValueError(f"member {key!r} is not a readable .npy array ({exc})") from None
    return tuple(shape), np.dtype(dtype)


def _npz_array(z, key: str, ndim: int, kinds: str = _NUMERIC_KINDS) -> np.ndarray:
    """Member ``key`` of an open .npz, its header checked (dims, dtype, size) before loading."""
    shape, dtype = _npz_header(z, key)
    if len(shape) != ndim:
        raise ValueError(f"{key} must be a {ndim}-D array; it declares shape {shape}")
    if dtype.kind not in kinds or dtype.hasobject:
        raise ValueError(f"{key} has dtype {dtype}; allowed kinds {kinds!r}")
    problem = raster_size_problem(shape, key) if ndim else None
    if problem:
        raise ValueError(problem)
    try:
        a = z[key]
    except _NPZ_ERRORS as exc:
        raise ValueError(f"cannot read {key} ({type(exc).__name__}: {exc})") from None
    if a.shape != shape:
        raise ValueError(f"{key}: decoded shape {a.shape} differs from its header {shape}")
    return a


def _npz_number(z, key: str, positive: bool = False) -> float:
    """Scalar member ``key`` (one integer or real value) as a finite float (> 0 if ``positive``)."""
    shape, _ = _npz_header(z, key)
    a = _npz_array(z, key, len(shape))
    if a.size != 1:
        raise ValueError(f"{key} must be a single number; got shape {a.shape}")
    x = float(a.reshape(-1)[0])
    if not np.isfinite(x) or (positive and x <= 0):
        raise ValueError(f"{key} = {x} must be a finite number{' > 0' if positive else ''}")
    return x


def _npz_keys(z, need: set, what: str) -> None:
    """Refuse an archive missing any of the ``need`` keys."""
    if not need <= set(z.files):
        raise ValueError(f"{what} npz needs keys {sorted(need)}, has {sorted(z.files)}")


def dem_from_site_npz(path) -> Dem:
    """Read a site DEM ``.npz`` with keys height_dm, x0_m, y0_m, pixel_m, ref_radius_m.

    (The format of ``shared/data/dem/site01_connecting_ridge_10mpp.npz``: int16
    decimetres above the sphere, upper-left corner in south polar stereographic metres.)
    Each member's header is checked (dimensions, numeric dtype, size) before it is read.

    Parameters
    ----------
    path : str or os.PathLike
        The ``.npz`` file.

    Returns
    -------
    Dem

    Raises
    ------
    ValueError
        Naming the file and the problem: not an npz, a key missing, a member of the wrong
        shape or dtype, a non-finite or non-positive ``pixel_m``, a radius other than
        1737.4 km, a height array too large or too full of holes.
    """
    with _naming(path), _open_npz(path) as z:
        _npz_keys(z, {"height_dm", "x0_m", "y0_m", "pixel_m", "ref_radius_m"}, "site DEM")
        radius = _npz_number(z, "ref_radius_m")
        if abs(radius - 1737400.0) > 1e-3:
            raise ValueError(f"ref_radius_m {radius} != 1737400")
        x0, y0 = _npz_number(z, "x0_m"), _npz_number(z, "y0_m")
        p = _npz_number(z, "pixel_m", positive=True)
        note = ""
        if "note" in z.files:
            note = str(_npz_array(z, "note", len(_npz_header(z, "note")[0]), kinds="US"))
        h = _npz_array(z, "height_dm", 2).astype(np.float64)
        h /= 10.0
        h, frac = _fill_holes_in_place(h, 0.25)
        return Dem(
            h, x0 / 1000.0, y0 / 1000.0, p / 1000.0, source=str(path), filled_fraction=frac,
            note=note,
        )


def latlon_grid_from_npz(path) -> LatLonGrid:
    """Read a lat/lon grid ``.npz`` with keys elev_km, lat_deg, lon_deg (e.g. the 8 ppd cap).

    Raises
    ------
    ValueError
        Naming the file and the problem (as :func:`dem_from_site_npz`, and for latitudes
        or longitudes that :class:`LatLonGrid` refuses).
    """
    with _naming(path), _open_npz(path) as z:
        _npz_keys(z, {"elev_km", "lat_deg", "lon_deg"}, "lat/lon")
        lat = _npz_array(z, "lat_deg", 1)
        lon = _npz_array(z, "lon_deg", 1)
        h = _npz_array(z, "elev_km", 2).astype(np.float64)
        h *= 1000.0
        return LatLonGrid(h, lat, lon, source=str(path))


def load_dem(path, max_fill_fraction: float = 0.25, window: MapWindow | None = None):
    """Read any supported DEM file: PDS3 .IMG/.LBL, GeoTIFF .tif, or the lupex .npz formats.

    Parameters
    ----------
    path : str or os.PathLike
        The file; the suffix picks the reader.
    max_fill_fraction : float
        Largest fraction of missing pixels that may be filled (else ValueError).
    window : MapWindow or None
        The square the caller will crop or resample to: a PDS3 product then decodes only
        the part it needs (:func:`dem_from_pds3`); other formats are read whole.

    Returns
    -------
    Dem or LatLonGrid
        Polar stereographic products give a :class:`Dem` (heights [m] above 1737.4 km);
        cylindrical ones a :class:`LatLonGrid` (resample with :func:`resample_to_polar`).

    Raises
    ------
    ValueError
        One error naming the file and what is wrong with it, for every unreadable,
        inconsistent or oversized file (checked before the pixels are read).
    """
    p = Path(path)
    if not p.is_file():
        raise ValueError(f"DEM file not found: {p}")
    suf = p.suffix.lower()
    if suf in (".img", ".lbl"):
        return dem_from_pds3(p, max_fill_fraction, window)
    if suf in (".tif", ".tiff"):
        return dem_from_geotiff(p, max_fill_fraction)
    if suf == ".npz":
        with _naming(p), _open_npz(p) as z:
            files = set(z.files)
        if "height_dm" in files:
            return dem_from_site_npz(p)
        if "elev_km" in files:
            return latlon_grid_from_npz(p)
        raise ValueError(f"{p}: unknown .npz layout (keys {sorted(files)}); expected the site "
                         "DEM (height_dm, ...) or lat/lon grid (elev_km, ...) layout")
    raise ValueError(f"{p}: unsupported DEM format {suf!r} (.IMG/.LBL, .tif, .npz)")


def sample_latlon(grid: LatLonGrid, lat_rad, lon_rad) -> np.ndarray:
    """Bilinear heights [m] of a lat/lon grid at points (longitude wraps; NaN propagates).

    Interpolation is linear in latitude and east longitude [deg] between grid nodes.
    Points up to half a pixel beyond the first or last latitude take the edge row's value;
    longitude wraps across 360 deg when the grid covers the full circle.

    Parameters
    ----------
    grid : LatLonGrid
        Heights [m] on nodes ``lat_deg`` (monotonic) x ``lon_deg`` (increasing, even).
    lat_rad, lon_rad : array_like
        Planetocentric latitude and east longitude [rad] of the points, same shape.

    Returns
    -------
    numpy.ndarray
        Height [m] at each point, shape of ``lat_rad``.

    Raises
    ------
    ValueError
        For points outside the grid's latitudes (beyond half a pixel) or, on a grid that
        does not wrap, beyond its last longitude.
    """
    lat = np.degrees(np.asarray(lat_rad, dtype=float))
    lon = np.degrees(np.asarray(lon_rad, dtype=float))
    la, lo = grid.lat_deg, grid.lon_deg
    nlat, nlon = grid.height_m.shape
    fr = (lat - la[0]) / (la[1] - la[0])
    if np.any(fr < -0.5 - 1e-9) or np.any(fr > nlat - 0.5 + 1e-9):
        raise ValueError(
            f"points outside the grid's latitudes [{la.min():.4f}, {la.max():.4f}] deg "
            f"(requested {lat.min():.4f} .. {lat.max():.4f})"
        )
    fr = np.clip(fr, 0.0, nlat - 1.0)
    dlon = lo[1] - lo[0]
    fc = np.mod(lon - lo[0], 360.0) / dlon
    wraps = abs(nlon * dlon - 360.0) < 1e-6
    if not wraps and np.any(fc > nlon - 1 + 1e-9):
        raise ValueError("points outside the grid's longitudes")
    r0 = np.minimum(np.floor(fr).astype(np.intp), nlat - 2)
    c0 = np.floor(fc).astype(np.intp) % nlon
    c1 = (c0 + 1) % nlon
    wr = fr - r0
    wc = fc - np.floor(fc)
    h = grid.height_m
    return (h[r0, c0] * (1 - wr) + h[r0 + 1, c0] * wr) * (1 - wc) + (
        h[r0, c1] * (1 - wr) + h[r0 + 1, c1] * wr
    ) * wc


def resample_to_polar(
    grid: LatLonGrid,
    center_lat_deg: float,
    center_lon_deg: float,
    half_width_km: float,
    pixel_km: float,
    max_fill_fraction: float = 0.25,
) -> Dem:
    """Resample a lat/lon grid to a square south polar stereographic :class:`Dem`.

    Bilinear in (lat, lon) at each output pixel centre; missing values are filled from
    the nearest neighbour and reported in ``filled_fraction``.

    Parameters
    ----------
    grid : LatLonGrid
        The source heights [m].
    center_lat_deg, center_lon_deg : float
        Centre of the output map [deg], latitude in [-90, -60].
    half_width_km : float
        Half side of the output square [km] (grid units).
    pixel_km : float
        Output pixel size [km].
    max_fill_fraction : float
        Largest fraction of missing output pixels that may be filled (else ValueError).

    Returns
    -------
    Dem
    """
    win = MapWindow.around(center_lat_deg, center_lon_deg, half_width_km, pixel_km)
    lat, lon = win.latlon()
    h = sample_latlon(grid, lat, lon)
    h, frac = fill_holes(h, max_fill_fraction)
    return Dem(
        h,
        win.x0_km,
        win.y0_km,
        pixel_km,
        source=grid.source,
        filled_fraction=frac,
        note=f"resampled (bilinear in lat/lon) from {grid.source}",
    )


def crop(dem: Dem, center_lat_deg: float, center_lon_deg: float, half_width_km: float) -> Dem:
    """Square sub-grid of ``dem`` centred on a site, on the same pixel lattice.

    Parameters
    ----------
    dem : Dem
        The source grid.
    center_lat_deg, center_lon_deg : float
        Site [deg], latitude in [-90, -60].
    half_width_km : float
        Half side of the square [km] (grid units), rounded to whole source pixels.

    Returns
    -------
    Dem
        Same pixels, same lattice.

    Raises
    ------
    ValueError
        When the requested square is not fully inside the DEM.
    """
    win = MapWindow.around(center_lat_deg, center_lon_deg, half_width_km, dem.pixel_km)
    xc, yc, n = win.center_x_km, win.center_y_km, win.n_pixels
    row, col = dem.xy_to_index(xc, yc)
    # first row/col such that the n x n window is centred on the site
    r0 = int(np.floor(row - (n - 1) / 2 + 0.5))
    c0 = int(np.floor(col - (n - 1) / 2 + 0.5))
    ny, nx = dem.shape
    if r0 < 0 or c0 < 0 or r0 + n > ny or c0 + n > nx:
        e = dem.extent_km()
        raise ValueError(
            f"the DEM ({dem.source or 'in memory'}, X {e[0]:.2f}..{e[1]:.2f} km, "
            f"Y {e[2]:.2f}..{e[3]:.2f} km) does not cover a {2 * half_width_km:g} km square "
            f"centred at {center_lat_deg}, {center_lon_deg} deg (X {xc:.2f}, Y {yc:.2f} km)"
        )
    return Dem(
        dem.height_m[r0 : r0 + n, c0 : c0 + n],
        dem.x0_km + c0 * dem.pixel_km,
        dem.y0_km - r0 * dem.pixel_km,
        dem.pixel_km,
        source=dem.source,
        synthetic=dem.synthetic,
        filled_fraction=dem.filled_fraction,
        note=dem.note,
    )


def regrid(dem: Dem, window: MapWindow) -> Dem:
    """Bilinear resampling of a polar DEM onto the pixel centres of ``window``.

    Parameters
    ----------
    dem : Dem
        The source grid.
    window : MapWindow
        The output grid (its own pixel size).

    Returns
    -------
    Dem
        Keeps the source's name, synthetic flag and filled fraction; the note records the
        resampling.

    Raises
    ------
    ValueError
        When the window is not fully inside the DEM's pixel centres.
    """
    h = sample_bilinear(dem, window.x_km()[None, :], window.y_km()[:, None])
    if np.isnan(h).any():
        e = dem.extent_km()
        raise ValueError(
            f"the DEM ({dem.source}, X {e[0]:.2f}..{e[1]:.2f}, Y {e[2]:.2f}..{e[3]:.2f} km) "
            f"does not cover the {window.n_pixels * window.pixel_km:g} km square centred at "
            f"X {window.center_x_km:.2f}, Y {window.center_y_km:.2f} km"
        )
    return Dem(
        h,
        window.x0_km,
        window.y0_km,
        window.pixel_km,
        source=dem.source,
        synthetic=dem.synthetic,
        filled_fraction=dem.filled_fraction,
        note=(dem.note + f" | resampled bilinearly to {window.pixel_km * 1000:g} m").strip(" |"),
    )
