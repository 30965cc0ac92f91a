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

from dataclasses import dataclass

import numpy as np

from lupex.constants import R_MOON_KM
from lupex.surface.geotiff import read_geotiff
from lupex.surface.pds3 import read_pds3
from lupex.surface.projection import latlon_to_xy, xy_to_latlon

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
    from scipy.ndimage import distance_transform_edt

    h = np.array(height_m, dtype=float)
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


def dem_from_pds3(path, max_fill_fraction: float = 0.25):
    """Read a PDS3 DEM: a :class:`Dem` (polar stereographic) or :class:`LatLonGrid` (cylindrical).

    Missing pixels of a polar product are filled from their nearest neighbour and
    counted in ``Dem.filled_fraction``; a cylindrical grid keeps NaN (resample with
    :func:`resample_to_polar`, which fills).

    The polar grid's corner comes from the label's offsets: the centre of (line 1,
    sample 1) is ``X = -SAMPLE_PROJECTION_OFFSET * s``, ``Y = LINE_PROJECTION_OFFSET * s``
    with ``s = MAP_SCALE`` (PDS DSMAP.CAT convention). A cylindrical product's pixel
    latitudes and longitudes follow from ``CENTER_LATITUDE``/``CENTER_LONGITUDE``, the
    offsets and ``MAP_RESOLUTION`` [pixels/deg].

    Parameters
    ----------
    path : str or os.PathLike
        The PDS3 product (read by :func:`lupex.surface.pds3.read_pds3`).
    max_fill_fraction : float
        Largest fraction of missing pixels [0..1] a polar product may have filled
        (else ValueError); not used for cylindrical grids.

    Returns
    -------
    Dem or LatLonGrid
        Heights [m] above the 1737.4 km sphere.

    Raises
    ------
    ValueError
        For a polar product whose ``CENTER_LONGITUDE`` is not 0 or whose radius is not
        1737.4 km, or with too many missing pixels.
    """
    im = read_pds3(path)
    ny, nx = im.height_m.shape
    if im.projection == "POLAR STEREOGRAPHIC":
        if abs(im.center_lon_deg) > 1e-9:
            raise ValueError(
                f"{path}: CENTER_LONGITUDE {im.center_lon_deg} deg; lupex grids need 0 deg"
            )
        if abs(im.radius_km - R_MOON_KM) > 1e-6:
            raise ValueError(f"{path}: A_AXIS_RADIUS {im.radius_km} km; lupex grids need {R_MOON_KM}")
        h, frac = fill_holes(im.height_m, max_fill_fraction)
        s = im.map_scale_km
        # centre of (line 1, sample 1) is X = -SPO s, Y = LPO s (PDS DSMAP.CAT convention)
        return Dem(
            h,
            x0_km=(-im.sample_offset - 0.5) * s,
            y0_km=(im.line_offset + 0.5) * s,
            pixel_km=s,
            source=im.source,
            filled_fraction=frac,
            note=f"PDS3 polar stereographic {ny}x{nx} at {s * 1000:.3f} m/pixel",
        )
    res = im.map_resolution_ppd
    lat = im.center_lat_deg - (np.arange(1, ny + 1) - im.line_offset - 1) / res
    lon = im.center_lon_deg + (np.arange(1, nx + 1) - im.sample_offset - 1) / res
    return LatLonGrid(im.height_m, lat, lon, source=im.source)



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
    """
    r = read_geotiff(path)
    h, frac = fill_holes(r.height_m, max_fill_fraction)
    return Dem(h, r.x0_km, r.y0_km, r.pixel_km, source=r.source, filled_fraction=frac,
               note=f"GeoTIFF polar stereographic {h.shape[0]}x{h.shape[1]}")


def dem_from_site_npz(path) -> Dem:
    """Read a site DEM ``.npz`` with keys height_dm, x0_m, y0_m, pixel_m, ref_radius_m.

    (The format of ``shared/data/dem/site01_connecting_ridge_10mpp.npz``: int16
    decimetres above the sphere, upper-left corner in south polar stereographic metres.)
    """
    with np.load(path) as z:
        need = {"height_dm", "x0_m", "y0_m", "pixel_m", "ref_radius_m"}
        if not need <= set(z.files):
            raise ValueError(f"{path}: site DEM npz needs keys {sorted(need)}, has {z.files}")
        if abs(float(z["ref_radius_m"]) - 1737400.0) > 1e-3:
            raise ValueError(f"{path}: ref_radius_m {float(z['ref_radius_m'])} != 1737400")
        h = z["height_dm"].astype(float) / 10.0
        note = str(z["note"]) if "note" in z.files else ""
        x0, y0, p = float(z["x0_m"]), float(z["y0_m"]), float(z["pixel_m"])
    h, frac = fill_holes(h)
    return Dem(
        h, x0 / 1000.0, y0 / 1000.0, p / 1000.0, source=str(path), filled_fraction=frac, note=note
    )


def latlon_grid_from_npz(path) -> LatLonGrid:
    """Read a lat/lon grid ``.npz`` with keys elev_km, lat_deg, lon_deg (e.g. the 8 ppd cap)."""
    with np.load(path) as z:
        need = {"elev_km", "lat_deg", "lon_deg"}
        if not need <= set(z.files):
            raise ValueError(f"{path}: lat/lon npz needs keys {sorted(need)}, has {z.files}")
        return LatLonGrid(z["elev_km"] * 1000.0, z["lat_deg"], z["lon_deg"], source=str(path))


def load_dem(path, max_fill_fraction: float = 0.25):
    """Read any supported DEM file: PDS3 .IMG/.LBL, GeoTIFF .tif, or the lupex .npz formats.

    Parameters
    ----------
    path : str or os.PathLike
        The file; the suffix picks the reader.
    max_fill_fraction : float
        Largest fraction of missing pixels that may be filled (else ValueError).

    Returns
    -------
    Dem or LatLonGrid
        Polar stereographic products give a :class:`Dem` (heights [m] above 1737.4 km);
        cylindrical ones a :class:`LatLonGrid` (resample with :func:`resample_to_polar`).
    """
    from pathlib import Path

    p = Path(path)
    if not p.exists():
        raise ValueError(f"DEM file not found: {p}")
    suf = p.suffix.lower()
    if suf in (".img", ".lbl"):
        return dem_from_pds3(p, max_fill_fraction)
    if suf in (".tif", ".tiff"):
        return dem_from_geotiff(p, max_fill_fraction)
    if suf == ".npz":
        with np.load(p) as z:
            files = set(z.files)
        if "height_dm" in files:
            return dem_from_site_npz(p)
        if "elev_km" in files:
            return latlon_grid_from_npz(p)
        raise ValueError(f"{p}: unknown .npz layout (keys {sorted(files)})")
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
