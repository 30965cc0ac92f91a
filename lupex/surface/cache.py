"""On-disk cache of horizon masks, keyed by the DEM's content and every parameter.

Masks are stored as int16 hundredths of a degree (quantisation error <= 0.005 deg =
8.7e-5 rad, well under the method's own accuracy) in plain ``.npy`` files named
``horizon-<key>-<check>.npy``:

- ``key`` is 32 hex digits of a SHA-256 of the height array bytes, grid origin and pixel
  size, the far-field DEM (same fields), the number of azimuths, search distance,
  observer height and the horizon algorithm version, so a cached mask is never stale:
  any change gives a new key;
- ``check`` is 16 hex digits of a SHA-256 of the stored int16 data (little-endian,
  C order), so a file whose bytes changed after it was written is detected.

A file is used only if it loads, has the expected header (shape, int16, C order), its
data hash to ``check`` and every value lies in [-90, 90] deg.  Anything else (truncated,
zeroed, flipped or out-of-range data, an unreadable file) gives one
:class:`HorizonCacheWarning` naming the file, which is then deleted and recomputed.
Files are written to a temporary name ``.horizon-<host>-<pid>-XXXXXXXX.npy.tmp`` in the
same directory and renamed (atomic on POSIX); temporary files left by a killed writer
on this host (its PID is gone), or older than :data:`STALE_TMP_AGE_S` without a PID of
this host, are removed on the next call.  A folder that cannot be written gives one
warning and the mask is returned uncached; the result is the same either way.

Directory: ``$LUPEX_CACHE_DIR`` if set, else ``~/.cache/lupex/horizons/``.
"""

from __future__ import annotations

import hashlib
import os
import re
import socket
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np

from lupex.surface.dem import Dem
from lupex.surface.horizon import ALGORITHM_VERSION, horizon_mask
from lupex.surface.stack import TerrainStack

__all__ = ["HorizonCacheWarning", "cache_dir", "cached_horizon_mask", "horizon_cache_key"]

_QUANTUM_DEG = 0.01
# Physical range of a horizon elevation, [-90, 90] deg, in stored quanta.
_Q_LIMIT = round(90.0 / _QUANTUM_DEG)
_CHECK_HEX = 16
STALE_TMP_AGE_S = 3600.0
"""Age [s] after which a temporary file not attributable to a process of this host is
removed (a write takes seconds; only files from other hosts or old versions qualify)."""

_TMP_PREFIX = ".horizon-"
_TMP_SUFFIX = ".npy.tmp"
# mkstemp's random part is 8 characters of [a-z0-9_]; host tag 8 hex digits.
_TMP_RE = re.compile(r"^\.horizon-([0-9a-f]{8})-(\d+)-[a-z0-9_]{8}\.npy\.tmp$")
_warned_unwritable: set[str] = set()


class HorizonCacheWarning(UserWarning):
    """A horizon cache file was bad (recomputed) or the cache folder is not writable."""


def cache_dir() -> Path:
    """The horizon cache directory (``$LUPEX_CACHE_DIR`` or ``~/.cache/lupex/horizons``)."""
    env = os.environ.get("LUPEX_CACHE_DIR")
    return Path(env) if env else Path.home() / ".cache" / "lupex" / "horizons"


def _hash_dem(h, dem: Dem | TerrainStack | None) -> None:
    """Feed a DEM (its grid and float64 heights), every layer of a stack (each with its
    valid radius), or the marker ``none`` into the hash ``h``."""
    if dem is None:
        h.update(b"none")
        return
    if isinstance(dem, TerrainStack):
        h.update(f"stack of {len(dem.layers)}".encode())
        for layer in dem.layers:
            _hash_dem(h, layer.dem)
            h.update(repr(layer.valid_radius_km).encode())
        return
    a = np.ascontiguousarray(dem.height_m, dtype=np.float64)
    h.update(repr((a.shape, dem.x0_km, dem.y0_km, dem.pixel_km)).encode())
    h.update(a.tobytes())


def horizon_cache_key(
    dem: Dem,
    n_azimuths: int,
    max_distance_km: float,
    observer_height_m: float,
    far_field: Dem | TerrainStack | None = None,
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
    far_field : Dem or TerrainStack, optional
        Coarser terrain used beyond ``dem``'s edge (a stack is hashed layer by layer).

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


def content_check(q: np.ndarray) -> str:
    """Checksum of stored mask data: 16 hex digits of SHA-256 of little-endian int16 bytes.

    Parameters
    ----------
    q : numpy.ndarray, int16
        Quantised mask [0.01 deg].

    Returns
    -------
    str
        16 hexadecimal characters.
    """
    data = np.ascontiguousarray(q, dtype="<i2")
    return hashlib.sha256(memoryview(data).cast("B")).hexdigest()[:_CHECK_HEX]


def _quantise(mask: np.ndarray) -> np.ndarray:
    """Horizon [rad] -> int16 quanta of 0.01 deg."""
    return np.round(np.degrees(mask) / _QUANTUM_DEG).astype(np.int16)


def _dequantise(q: np.ndarray) -> np.ndarray:
    """int16 quanta of 0.01 deg -> float32 horizon [rad]."""
    return np.radians(q.astype(np.float32) * np.float32(_QUANTUM_DEG)).astype(np.float32)


def _problem(q: np.ndarray, shape, check: str) -> str | None:
    """Why a loaded array is not a valid cached mask of ``shape``, or None if it is."""
    if q.shape != tuple(shape) or q.dtype != np.dtype("<i2") or not q.flags.c_contiguous:
        return f"header says {q.dtype} {q.shape}, expected int16 {tuple(shape)}"
    if content_check(q) != check:
        return "data do not match their checksum"
    if q.size and (int(q.min()) < -_Q_LIMIT or int(q.max()) > _Q_LIMIT):
        return "horizon angles outside [-90, 90] deg"
    return None


def _load(path: Path, shape, check: str) -> tuple[np.ndarray | None, str | None]:
    """Verified mask [rad] from ``path``, or (None, reason) if it is not usable.

    Memory-mapped first, so a truncated file or a header claiming a huge array fails
    before any data is read or allocated.
    """
    try:
        q = np.load(path, mmap_mode="r", allow_pickle=False)
        reason = _problem(q, shape, check)
        mask = None if reason else _dequantise(q)
        del q
    except Exception as e:  # noqa: BLE001 - any failure to read a cache file is a miss
        return None, f"unreadable ({type(e).__name__}: {e})"
    return mask, reason


def _pid_alive(pid: int) -> bool:
    """True if a process ``pid`` exists on this host (or we cannot tell)."""
    if pid <= 0:
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # EPERM: exists, owned by someone else
        return True
    return True


def _host_tag() -> str:
    """8 hex digits naming this host (PIDs are only meaningful on their own host)."""
    return hashlib.sha256(socket.gethostname().encode()).hexdigest()[:8]


def _tmp_prefix(pid: int | None = None) -> str:
    """Prefix of this process's (or ``pid``'s) temporary cache files."""
    return f"{_TMP_PREFIX}{_host_tag()}-{os.getpid() if pid is None else int(pid)}-"


def _is_stale_tmp(name: str, age_s: float, host: str) -> bool:
    """Whether temporary file ``name`` of age ``age_s`` [s] was left by a dead writer."""
    m = _TMP_RE.match(name)
    if m and m.group(1) == host:
        return not _pid_alive(int(m.group(2)))
    return age_s > STALE_TMP_AGE_S


def remove_stale_tmp(folder: Path, now: float | None = None) -> list[Path]:
    """Delete temporary files in ``folder`` whose writer is gone; return those deleted.

    A ``.horizon-<host>-<pid>-XXXXXXXX.npy.tmp`` of this host is stale when no process
    ``pid`` exists; any other ``.horizon-*.npy.tmp`` (other host, old name without PID)
    when it is older than :data:`STALE_TMP_AGE_S`.  A live process's file is never
    removed; errors (file already gone, read-only folder) are ignored.

    Parameters
    ----------
    folder : Path
        Cache folder.
    now : float, optional
        Current time [s since the epoch]; default :func:`time.time`.

    Returns
    -------
    list of Path
        Files deleted.
    """
    now = time.time() if now is None else now
    host = _host_tag()
    removed = []
    try:
        candidates = list(folder.glob(f"{_TMP_PREFIX}*{_TMP_SUFFIX}"))
    except OSError:
        return removed
    for p in candidates:
        try:
            if _is_stale_tmp(p.name, now - p.stat().st_mtime, host):
                p.unlink()
                removed.append(p)
        except OSError:
            continue
    return removed


def _warn(message: str) -> None:
    warnings.warn(message, HorizonCacheWarning, stacklevel=3)


def _cached(folder: Path, key: str, shape) -> np.ndarray | None:
    """A verified cached mask [rad] for ``key``; bad files are warned about and deleted."""
    try:
        paths = sorted(folder.glob(f"horizon-{key[:32]}-*.npy"))
    except OSError:
        return None
    for path in paths:
        check = path.stem.rsplit("-", 1)[-1]
        mask, reason = _load(path, shape, check)
        if mask is not None:
            return mask
        _warn(f"horizon cache file {path} is bad ({reason}); deleting and recomputing it")
        try:
            path.unlink()
        except OSError:
            pass
    return None


def _store(folder: Path, key: str, q: np.ndarray) -> None:
    """Write ``q`` atomically as ``folder/horizon-<key>-<check>.npy``; OSError if unable."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"horizon-{key[:32]}-{content_check(q)}.npy"
    fd, tmp = tempfile.mkstemp(prefix=_tmp_prefix(), suffix=_TMP_SUFFIX, dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            np.save(f, np.ascontiguousarray(q, dtype="<i2"))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    # A file of the unchecked format (horizon-<key>.npy) is superseded.
    (folder / f"horizon-{key[:32]}.npy").unlink(missing_ok=True)


def cached_horizon_mask(
    dem: Dem,
    n_azimuths: int = 360,
    max_distance_km: float = 150.0,
    observer_height_m: float = 0.0,
    far_field: Dem | TerrainStack | None = None,
    workers: int = 2,
    progress: Callable[[int, int], None] | None = None,
    directory: str | os.PathLike | None = None,
) -> np.ndarray:
    """:func:`lupex.surface.horizon.horizon_mask`, reused from the disk cache when possible.

    Same parameters and result as :func:`~lupex.surface.horizon.horizon_mask`, except that
    values are quantised to 0.01 deg.  The result is bit-identical whether it came from
    a clean cache file, was computed and stored, or was computed uncached because the
    folder is not writable; a bad cache file is never used (see the module docstring).

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

    Warns
    -----
    HorizonCacheWarning
        Once per bad cache file (named), and once per process per unwritable folder.
    """
    folder = Path(directory) if directory is not None else cache_dir()
    key = horizon_cache_key(dem, n_azimuths, max_distance_km, observer_height_m, far_field)
    shape = (*dem.shape, int(n_azimuths))
    remove_stale_tmp(folder)
    hit = _cached(folder, key, shape)
    if hit is not None:
        if progress is not None:
            progress(int(n_azimuths), int(n_azimuths))
        return hit
    mask = horizon_mask(
        dem, n_azimuths, max_distance_km, observer_height_m, far_field, workers, progress
    )
    q = _quantise(mask)
    try:
        _store(folder, key, q)
    except OSError as e:
        if str(folder) not in _warned_unwritable:
            _warned_unwritable.add(str(folder))
            _warn(
                f"horizon cache at {folder} is not writable ({type(e).__name__}: {e}); "
                "running uncached"
            )
    return _dequantise(q)
