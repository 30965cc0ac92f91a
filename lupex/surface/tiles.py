"""Horizon masks of maps beyond memory: tiles in a chunked on-disk store, maps streamed.

A map's horizon masks are stored in a zarr array of int16 hundredths of a degree
(quantisation error <= 0.005 deg = 8.7e-5 rad, the same quanta as
:mod:`lupex.surface.cache`, so both give the same values bit for bit), shape
(ny, nx, A), one chunk per tile of ``tile_px`` x ``tile_px`` observer pixels with all
azimuths: 720 bytes per pixel at 360 azimuths instead of the 1,440 of float32 masks in
memory, compressed on disk.  The store is named by the content key of the cache
(``horizon-<key>.zarr`` in :func:`lupex.surface.cache.cache_dir`): any change of DEM,
far field or parameters gives a new store, and a store is reused only when it says it is
complete (written last, after every tile).

Tiles are computed independently (:func:`lupex.surface.horizon.horizon_tile`) from the
map's terrain pyramid, held in memory by each worker (1.33 x 4 bytes per map pixel, plus
the observer heights), and equal the whole-map masks bit for bit.  Work is spread with
:func:`lupex.cluster.map_chunks` (local worker processes, or a Dask scheduler address).
Memory per worker is bounded by the tile: its float32 masks (4 A bytes per pixel, 377 MB
for 512^2 x 360), the int16 copy and one azimuth batch, whatever the map size.

Maps of the Sun's and the Earth's visibility and the PSR map are then computed tile by
tile from the store (:func:`illumination_tiles`, :func:`earth_visibility_tiles`,
:func:`psr_tiles`): each worker reads one tile's masks, runs
:func:`lupex.surface.illumination_map.illumination_map` on it with the map-wide
never-visible margin, and returns only its (ny, nx) statistics.  Readers of a few pixels
(site assessment, rover traverse, reports) take :class:`TiledMasks` slices or
:func:`mask_pixels`, which reads only the chunks holding the pixels asked for.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lupex.cluster import map_chunks
from lupex.constants import NODAL_PERIOD_YEARS
from lupex.surface.cache import _dequantise, _quantise, cache_dir, horizon_cache_key
from lupex.surface.dem import Dem
from lupex.surface.horizon import HorizonPyramid, horizon_pyramid, horizon_tile
from lupex.surface.illumination_map import IlluminationMap, illumination_map
from lupex.surface.projection import xy_to_latlon
from lupex.surface.psr import PsrResult, psr_result, sun_window
from lupex.surface.stack import TerrainStack
from lupex.surface.tracks import BodyTrack, body_track

__all__ = [
    "DEFAULT_TILE_PX",
    "TileGrid",
    "TiledMasks",
    "as_masks",
    "earth_visibility_tiles",
    "horizon_store",
    "illumination_tiles",
    "mask_pixels",
    "psr_tiles",
    "read_tile",
    "tile_ranges",
]

#: Observer pixels on a tile's side: 512^2 x 360 azimuths is 377 MB of float32 masks.
DEFAULT_TILE_PX = 512
_STATS = ("longest_dark_h", "longest_lit_h", "n_lit_periods", "mean_lit_h")


@dataclass(frozen=True)
class TileGrid:
    """The map grid (origin [km], pixel [km], shape) and the tile side [px]; small to ship."""

    x0_km: float
    y0_km: float
    pixel_km: float
    shape: tuple[int, int]
    tile_px: int

    @classmethod
    def of(cls, dem: Dem, tile_px: int = DEFAULT_TILE_PX) -> TileGrid:
        """The grid of ``dem`` cut in tiles of ``tile_px`` pixels.

        Parameters
        ----------
        dem : Dem
            The map grid.
        tile_px : int
            Tile side [px].
        """
        return cls(float(dem.x0_km), float(dem.y0_km), float(dem.pixel_km), tuple(dem.shape),
                   int(tile_px))

    def latlon(self, rows: tuple[int, int], cols: tuple[int, int]):
        """Pixel-centre latitude and east longitude [rad] of a tile, as ``Dem.latlon``.

        Parameters
        ----------
        rows, cols : tuple of int
            Half-open pixel ranges of the tile.
        """
        x = self.x0_km + (np.arange(*cols) + 0.5) * self.pixel_km
        y = self.y0_km - (np.arange(*rows) + 0.5) * self.pixel_km
        return xy_to_latlon(*np.meshgrid(x, y))

    def north_lat_rad(self) -> float:
        """Northernmost pixel-centre latitude [rad] of the map (its corners and edges)."""
        ny, nx = self.shape
        lat = [self.latlon((0, ny), c)[0] for c in ((0, 1), (nx - 1, nx))]
        lat += [self.latlon(r, (0, nx))[0] for r in ((0, 1), (ny - 1, ny))]
        # the map is south of 60 S and convex in x, y: its northernmost point is on the edge
        return float(max(v.max() for v in lat))


def tile_ranges(shape: tuple[int, int], tile_px: int) -> list:
    """Row and column ranges ``((r0, r1), (c0, c1))`` of the tiles covering ``shape``.

    Parameters
    ----------
    shape : tuple of int
        Map (ny, nx) [px].
    tile_px : int
        Tile side [px] (edge tiles are smaller).
    """
    ny, nx = shape
    return [((r, min(ny, r + tile_px)), (c, min(nx, c + tile_px)))
            for r in range(0, ny, tile_px) for c in range(0, nx, tile_px)]


def _validate_tile(tile_px) -> None:
    if not (isinstance(tile_px, int) and 16 <= tile_px <= 8192):
        raise ValueError(f"tile_px: must be an integer in [16, 8192]; got {tile_px!r}")


_ALIGNED: dict = {}  # id(pyramid) -> (pyramid, its aligned copy), in this worker process


def _aligned_pyramid(pyr: HorizonPyramid) -> HorizonPyramid:
    """``pyr`` with every array aligned, copied at most once per worker process.

    Arrays a Dask worker deserialises may start at an unaligned address (the level-0
    terrain did); numba then compiles its kernels for unaligned data, which do not
    vectorise: tiles took 3x the CPU of the same tile in the parent (4.5-5.5 s against
    1.6-1.7 s for 512^2 x 360 az)."""
    if all(t.flags.aligned for t, *_ in pyr.levels) and all(e.flags.aligned for e in pyr.eyes):
        return pyr
    hit = _ALIGNED.get(id(pyr))
    if hit is None or hit[0] is not pyr:
        _ALIGNED.clear()
        levels = tuple((np.array(t), *rest) for t, *rest in pyr.levels)
        eyes = tuple(np.array(e) for e in pyr.eyes)
        hit = _ALIGNED[id(pyr)] = (pyr, dataclasses.replace(pyr, levels=levels, eyes=eyes))
    return hit[1]


def _store_tile(tile, pyr, path: str):
    """Worker: one tile's masks, quantised, written into its own chunk of the store."""
    import zarr

    (r0, r1), (c0, c1) = tile
    h = horizon_tile(_aligned_pyramid(pyr), (r0, r1), (c0, c1))
    # quantised by blocks of rows: the float temporaries stay small next to the tile
    q = np.empty(h.shape, dtype=np.int16)
    for i in range(0, h.shape[0], 32):
        q[i : i + 32] = _quantise(h[i : i + 32])
    del h
    zarr.open_array(path, mode="r+")[r0:r1, c0:c1, :] = q
    return int(q.min()), int(q.max())


def _complete_store(path: Path, key: str, shape):
    """The store at ``path`` if it exists, is complete and matches; else None (recompute)."""
    import zarr

    if not path.exists():
        return None
    try:
        arr = zarr.open_array(str(path), mode="r")
    except Exception:  # noqa: BLE001 (an unreadable store is recomputed)
        return None
    ok = arr.attrs.get("complete") and arr.attrs.get("key") == key and arr.shape == shape
    return arr if ok else None


def horizon_store(
    dem: Dem,
    n_azimuths: int = 360,
    max_distance_km: float = 150.0,
    observer_height_m: float = 0.0,
    far_field: Dem | TerrainStack | None = None,
    *,
    tile_px: int = DEFAULT_TILE_PX,
    workers: int = 2,
    scheduler: str | None = None,
    client=None,
    directory=None,
    progress: Callable[[int, int], None] | None = None,
):
    """Horizon masks of ``dem`` in a content-keyed zarr store, computed tile by tile.

    Parameters
    ----------
    dem, n_azimuths, max_distance_km, observer_height_m, far_field
        As :func:`lupex.surface.horizon.horizon_mask` (km, m).
    tile_px : int
        Tile side [px], 16..8192 (memory per worker ~ 6 A tile_px^2 bytes).
    workers, scheduler, client
        Where the tiles run (:func:`lupex.cluster.map_chunks`).
    directory : path, optional
        Folder of the store; default :func:`lupex.surface.cache.cache_dir`.
    progress : callable(done, total), optional
        Called as tiles finish.

    Returns
    -------
    zarr.Array
        int16 (ny, nx, A) [0.01 deg], read-only; :func:`read_tile` gives radians.
    """
    import zarr
    from zarr.codecs import BloscCodec

    _validate_tile(tile_px)
    pyr = horizon_pyramid(dem, n_azimuths, max_distance_km, observer_height_m, far_field)
    key = horizon_cache_key(dem, n_azimuths, max_distance_km, observer_height_m, far_field)
    folder = Path(directory) if directory is not None else cache_dir()
    path = folder / f"horizon-{key[:32]}-t{tile_px}.zarr"
    shape = (*dem.shape, int(n_azimuths))
    done = _complete_store(path, key, shape)
    if done is not None:
        if progress is not None:
            progress(1, 1)
        return done
    folder.mkdir(parents=True, exist_ok=True)
    # Blosc LZ4 on byte-shuffled int16: a 512^2 x 360 tile writes in 0.5 s to 120 MB, where
    # zarr's default Zstandard took 1.8 s to 139 MB (as long as computing the tile).
    arr = zarr.create_array(store=str(path), shape=shape, dtype="<i2",
                            chunks=(tile_px, tile_px, int(n_azimuths)), overwrite=True,
                            fill_value=0, compressors=BloscCodec(cname="lz4", clevel=1, shuffle="shuffle"))
    arr.attrs.update({"key": key, "quantum_deg": 0.01, "complete": False})
    tiles = tile_ranges(dem.shape, tile_px)
    map_chunks(_store_tile, tiles, (pyr, str(path)), workers=workers, scheduler=scheduler,
               client=client, progress=progress)
    arr.attrs["complete"] = True
    return zarr.open_array(str(path), mode="r")


def read_tile(store, rows: tuple[int, int], cols: tuple[int, int]) -> np.ndarray:
    """A tile's masks [rad] (float32 (ny, nx, A)) from a :func:`horizon_store` array.

    Parameters
    ----------
    store : zarr.Array
        The int16 store.
    rows, cols : tuple of int
        Half-open pixel ranges.
    """
    return _dequantise(np.ascontiguousarray(store[rows[0]:rows[1], cols[0]:cols[1], :]))


def _illum_tile(tile, path: str, grid: TileGrid, track: BodyTrack, kwargs: dict):
    """Worker: one tile's illumination statistics from the store."""
    import zarr

    rows, cols = tile
    hor = read_tile(zarr.open_array(path, mode="r"), rows, cols)
    lat, lon = grid.latlon(rows, cols)
    res = illumination_map(lat, lon, hor, track, margin_lat_rad=grid.north_lat_rad(), **kwargs)
    return res.mean_fraction, res.never_visible, tuple(getattr(res, f) for f in _STATS)


def illumination_tiles(store, dem: Dem, track: BodyTrack, *, n_lon_bins: int = 720,
                       time_series: bool = True, tile_px: int | None = None, workers: int = 2,
                       scheduler: str | None = None, client=None,
                       progress: Callable[[int, int], None] | None = None) -> IlluminationMap:
    """:func:`~lupex.surface.illumination_map.illumination_map` of a whole map, tile by tile.

    Equal to the in-memory result on the store's (quantised) masks, pixel for pixel.

    Parameters
    ----------
    store : zarr.Array
        The map's masks (:func:`horizon_store`).
    dem : Dem
        The map grid.
    track : BodyTrack
        The body's track (Sun or Earth).
    n_lon_bins, time_series
        As :func:`~lupex.surface.illumination_map.illumination_map`.
    tile_px : int, optional
        Tile side [px]; default the store's chunk side.
    workers : int
        Processes: with neither ``scheduler`` nor ``client`` the tiles are read one after
        another here and each tile's pixels are shared among ``workers`` forked processes
        of the illumination engine, which share the tile copy-on-write (the 18.6-year PSR
        map of 1000^2 real-terrain pixels in 16 tiles, 2 shared cores: 36 s this way, 40 s
        on 2 local Dask workers, 25 s for the in-memory map); otherwise Dask workers take
        whole tiles.
    scheduler, client
        A Dask scheduler address or client to run the tiles on
        (:func:`lupex.cluster.map_chunks`), for maps beyond one machine.
    progress : callable(done, total), optional
        Called as tiles finish.

    Returns
    -------
    IlluminationMap
    """
    tile_px = int(store.chunks[0]) if tile_px is None else tile_px
    _validate_tile(tile_px)
    grid = TileGrid.of(dem, tile_px)
    tiles = tile_ranges(dem.shape, tile_px)
    # no Dask asked for: tiles run here, their pixels on the engine's own forked workers
    here = client is None and scheduler is None
    kwargs = {"n_lon_bins": n_lon_bins, "time_series": time_series,
              "workers": workers if here else 1}
    parts = map_chunks(_illum_tile, tiles, (str(store.store.root), grid, track, kwargs),
                       workers=1 if here else workers, scheduler=scheduler, client=client,
                       progress=progress)
    mean = np.empty(dem.shape)
    never = np.empty(dem.shape, dtype=bool)
    stats = [None] * len(_STATS)
    for ((r0, r1), (c0, c1)), (m, nv, st) in zip(tiles, parts, strict=True):
        mean[r0:r1, c0:c1] = m
        never[r0:r1, c0:c1] = nv
        for i, a in enumerate(st):
            if a is not None:
                if stats[i] is None:
                    stats[i] = np.empty(dem.shape, dtype=a.dtype)
                stats[i][r0:r1, c0:c1] = a
    return IlluminationMap(track.body, float(track.jd_tdb[0]), float(track.jd_tdb[-1]),
                           int(track.jd_tdb.size), mean, never, n_lon_bins=n_lon_bins,
                           **dict(zip(_STATS, stats, strict=True)))


def earth_visibility_tiles(store, dem: Dem, jd_tdb=None, *, track: BodyTrack | None = None,
                           **kwargs) -> IlluminationMap:
    """:func:`lupex.surface.visibility.earth_visibility_map` of a whole map, tile by tile.

    The Earth's track over the window (:func:`lupex.surface.tracks.body_track`) through
    :func:`illumination_tiles`; equal to the in-memory map on the store's masks.

    Parameters
    ----------
    store : zarr.Array
        The map's masks (:func:`horizon_store`).
    dem : Dem
        The map grid.
    jd_tdb : array_like (nt,), optional
        TDB Julian dates of the window, strictly increasing; ignored when ``track`` is given.
    track : BodyTrack, optional
        The Earth's track, to reuse one already computed.
    **kwargs
        Passed to :func:`illumination_tiles` (``n_lon_bins``, ``time_series``,
        ``workers``, ``scheduler``, ``client``, ``progress``).

    Returns
    -------
    IlluminationMap
        ``body == "earth"``: time-mean visible Earth-disk fraction [1] and never-visible mask.
    """
    if track is None:
        if jd_tdb is None:
            raise ValueError("jd_tdb: the window's TDB Julian dates are needed without a track")
        track = body_track("earth", np.asarray(jd_tdb, dtype=float))
    return illumination_tiles(store, dem, track, **kwargs)


def psr_tiles(store, dem: Dem, start_jd: float, years: float = NODAL_PERIOD_YEARS, *,
              step_h: float = 1.0, n_lon_bins: int = 720, workers: int = 2,
              scheduler: str | None = None, client=None,
              progress: Callable[[int, int], None] | None = None) -> PsrResult:
    """:func:`lupex.surface.psr.psr_map` of a whole map, tile by tile from the store.

    Parameters
    ----------
    store : zarr.Array
        The map's masks (:func:`horizon_store`).
    dem : Dem
        The map grid.
    start_jd : float
        Window start, TDB Julian date.
    years : float
        Window length [Julian years].
    step_h : float
        Sampling of the Sun's direction [h].
    n_lon_bins : int
        Sub-solar longitude bins.
    workers, scheduler, client
        Where the tiles run, as :func:`illumination_tiles`.
    progress : callable(done, total), optional
        Called as tiles finish.

    Returns
    -------
    PsrResult
    """
    track = sun_window(start_jd, years, step_h)
    res = illumination_tiles(store, dem, track, n_lon_bins=n_lon_bins, time_series=False,
                             workers=workers, scheduler=scheduler, client=client,
                             progress=progress)
    return psr_result(dem, res, track, start_jd, years, step_h)


class TiledMasks:
    """Read-only, array-like view [rad] of a :func:`horizon_store`: ``shape``, ``dtype``,
    slicing (reads and dequantises only the selection) and ``numpy.asarray`` (the whole
    map: use it only when it fits; maps beyond memory go through :func:`illumination_tiles`
    and :func:`psr_tiles`)."""

    def __init__(self, store):
        self.store = store

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self.store.shape)

    @property
    def ndim(self) -> int:
        return len(self.store.shape)

    dtype = np.dtype(np.float32)

    @property
    def size(self) -> int:
        return math.prod(self.store.shape)

    @property
    def chunks(self) -> tuple[int, ...]:
        return tuple(self.store.chunks)

    def __getitem__(self, key) -> np.ndarray:
        return _dequantise(np.asarray(self.store[key]))

    def __array__(self, dtype=None, copy=None):
        a = self[...]
        return a if dtype is None else a.astype(dtype)

    def pixels(self, rows, cols) -> np.ndarray:
        """Masks [rad] of scattered pixels, float32 ``rows.shape + (A,)``, as
        ``numpy.asarray(self)[rows, cols]`` but reading only the chunks that hold them
        (one bounding box per chunk: memory bounded by a tile).

        Parameters
        ----------
        rows, cols : array_like of int
            Pixel rows and columns, the same shape, within the map.
        """
        r = np.asarray(rows, dtype=np.intp)
        c = np.asarray(cols, dtype=np.intp)
        if r.shape != c.shape:
            raise ValueError(f"rows, cols: must have the same shape; got {r.shape} and {c.shape}")
        ny, nx, a = self.shape
        r1, c1 = r.ravel(), c.ravel()
        if r1.size and not (0 <= r1.min() and r1.max() < ny and 0 <= c1.min() and c1.max() < nx):
            raise IndexError(f"rows, cols: pixels must lie within the map {ny} x {nx}")
        out = np.empty((r1.size, a), dtype=np.float32)
        tr, tc = self.chunks[:2]
        key = (r1 // tr) * (-(-nx // tc)) + c1 // tc
        for k in np.unique(key):  # one read per chunk, not per pixel
            i = np.nonzero(key == k)[0]
            ra, rb, ca, cb = r1[i].min(), r1[i].max() + 1, c1[i].min(), c1[i].max() + 1
            block = np.asarray(self.store[ra:rb, ca:cb, :])
            out[i] = _dequantise(block[r1[i] - ra, c1[i] - ca])
        return out.reshape(*r.shape, a)


def as_masks(horizon_rad):
    """Horizon masks as given when they read in slices without a copy (a
    :class:`TiledMasks` view stays on disk), else ``numpy.asarray``.

    Parameters
    ----------
    horizon_rad : array_like or TiledMasks
        Masks (ny, nx, A) [rad].
    """
    return horizon_rad if isinstance(horizon_rad, TiledMasks) else np.asarray(horizon_rad)


def mask_pixels(horizon_rad, rows, cols) -> np.ndarray:
    """Masks [rad] of scattered pixels, ``rows.shape + (A,)``, from an array or a
    :class:`TiledMasks` view (:meth:`TiledMasks.pixels`: only the chunks holding them).

    Parameters
    ----------
    horizon_rad : array_like or TiledMasks
        Masks (ny, nx, A) [rad].
    rows, cols : array_like of int
        Pixel rows and columns, the same shape.
    """
    if isinstance(horizon_rad, TiledMasks):
        return horizon_rad.pixels(rows, cols)
    return np.asarray(horizon_rad)[np.asarray(rows, dtype=np.intp), np.asarray(cols, dtype=np.intp)]
