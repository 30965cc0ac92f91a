"""On-disk cache of horizon masks, keyed by the DEM's content and every parameter.

Masks are stored as int16 hundredths of a degree (quantisation error <= 0.005 deg =
8.7e-5 rad, well under the method's own accuracy) in plain ``.npy`` files named by a
SHA-256 of: the height array bytes, grid origin and pixel size, the far-field DEM (same
fields), the number of azimuths, search distance, observer height and the horizon
algorithm version.  So a cached mask is never stale: any change gives a new key.
Files are written to a temporary name in the same directory and renamed (atomic on
POSIX), and a file whose header disagrees with the expected shape is recomputed.

Directory: ``$LUPEX_CACHE_DIR`` if set, else ``~/.cache/lupex/horizons/``.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

from lupex.surface.dem import Dem
from lupex.surface.horizon import ALGORITHM_VERSION, horizon_mask

__all__ = ["cache_dir", "cached_horizon_mask", "horizon_cache_key"]

_QUANTUM_DEG = 0.01


def cache_dir() -> Path:
    """The horizon cache directory (``$LUPEX_CACHE_DIR`` or ``~/.cache/lupex/horizons``)."""
    env = os.environ.get("LUPEX_CACHE_DIR")
    return Path(env) if env else Path.home() / ".cache" / "lupex" / "horizons"


def _hash_dem(h, dem: Dem | None) -> None:
    if dem is None:
        h.update(b"none")
        return
    a = np.ascontiguousarray(dem.height_m, dtype=np.float64)
    h.update(repr((a.shape, dem.x0_km, dem.y0_km, dem.pixel_km)).encode())
    h.update(a.tobytes())


def horizon_cache_key(
    dem: Dem,
    n_azimuths: int,
    max_distance_km: float,
    observer_height_m: float,
    far_field: Dem | None = None,
) -> str:
    """SHA-256 hex key of everything the mask depends on.

    Hashed: the horizon algorithm version and the storage quantum, then for ``dem`` and
    ``far_field`` (or the marker ``none``) the height array's shape and float64 bytes,
    grid origin and pixel size, then the three scalar parameters. Equal inputs give equal
    keys across runs and machines; any change in them gives a new key.

    Parameters
    ----------
    dem : Dem
        The DEM the masks are computed on.
    n_azimuths : int
        Number of azimuth sectors of the mask.
    max_distance_km : float
        Horizon search distance [km].
    observer_height_m : float
        Observer height above the terrain [m].
    far_field : Dem, optional
        Coarser DEM used beyond ``dem``'s edge.

    Returns
    -------
    str
        64 hexadecimal characters.
    """
    h = hashlib.sha256()
    h.update(f"lupex-horizon/{ALGORITHM_VERSION}/q{_QUANTUM_DEG}".encode())
    _hash_dem(h, dem)
    _hash_dem(h, far_field)
    h.update(repr((int(n_azimuths), float(max_distance_km), float(observer_height_m))).encode())
    return h.hexdigest()


def _load(path: Path, shape) -> np.ndarray | None:
    try:
        q = np.load(path, mmap_mode="r")
    except (OSError, ValueError, EOFError):
        return None
    if q.shape != shape or q.dtype != np.int16:
        return None
    return np.radians(q.astype(np.float32) * np.float32(_QUANTUM_DEG)).astype(np.float32)


def cached_horizon_mask(
    dem: Dem,
    n_azimuths: int = 360,
    max_distance_km: float = 150.0,
    observer_height_m: float = 0.0,
    far_field: Dem | None = None,
    workers: int = 2,
    progress: Callable[[int, int], None] | None = None,
    directory: str | os.PathLike | None = None,
) -> np.ndarray:
    """:func:`lupex.surface.horizon.horizon_mask`, reused from the disk cache when possible.

    Same parameters and result as :func:`~lupex.surface.horizon.horizon_mask`, except that
    values are quantised to 0.01 deg.

    Parameters
    ----------
    dem, n_azimuths, max_distance_km, observer_height_m, far_field, workers, progress
        As :func:`lupex.surface.horizon.horizon_mask` (km, m, grid azimuth bins).
    directory : path, optional
        Cache folder; default :func:`cache_dir`.

    Returns
    -------
    numpy.ndarray, float32, shape (ny, nx, A)
        Horizon elevation [rad] per pixel and grid azimuth.
    """
    folder = Path(directory) if directory is not None else cache_dir()
    key = horizon_cache_key(dem, n_azimuths, max_distance_km, observer_height_m, far_field)
    path = folder / f"horizon-{key[:32]}.npy"
    shape = (*dem.shape, int(n_azimuths))
    if path.exists():
        hit = _load(path, shape)
        if hit is not None:
            if progress is not None:
                progress(int(n_azimuths), int(n_azimuths))
            return hit
    mask = horizon_mask(
        dem, n_azimuths, max_distance_km, observer_height_m, far_field, workers, progress
    )
    q = np.round(np.degrees(mask) / _QUANTUM_DEG).astype(np.int16)
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".horizon-", suffix=".npy.tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            np.save(f, q)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return np.radians(q.astype(np.float32) * np.float32(_QUANTUM_DEG)).astype(np.float32)
