"""How large a raster the DEM readers agree to decode, checked from its header.

A file's header declares its shape before any pixel is read; a corrupt or hostile one can
declare 10^6 x 10^6 pixels.  :func:`check_raster_size` refuses such a raster before the
reader allocates anything, naming the file, the declared size and the limit.

The limit is the smaller of a hard cap (:data:`MAX_DEM_PIXELS`, the largest map a
:class:`~lupex.surface.dem.MapWindow` may have) and what fits in a fraction of the memory
available now: decoding holds about :data:`FLOAT64_COPIES` float64 copies of the raster at
once (the decoded heights, the hole-filled copy and the :class:`~lupex.surface.dem.Dem`'s
own read-only copy).
"""

from __future__ import annotations

import os

__all__ = ["FLOAT64_COPIES", "MAX_DEM_PIXELS", "MEMORY_FRACTION", "available_memory_bytes",
           "check_raster_size", "raster_pixel_limit", "raster_size_problem"]

#: Hard cap on decoded pixels [count]: 20000 x 20000, the largest MapWindow.
MAX_DEM_PIXELS = 20000 * 20000
#: Fraction [0..1] of the available memory that decoding one raster may use.
MEMORY_FRACTION = 0.5
#: float64 copies of the raster alive at once while a DEM is decoded and filled.
FLOAT64_COPIES = 3


def available_memory_bytes() -> int | None:
    """Memory [bytes] available to a new allocation now, or None where unknown.

    ``MemAvailable`` of ``/proc/meminfo`` (Linux), else free physical pages from ``sysconf``.
    """
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, AttributeError):
        return None


def raster_pixel_limit(available_bytes: int | None = None) -> tuple[int, str]:
    """Largest raster [pixels] a reader may decode now, and why that is the limit.

    Parameters
    ----------
    available_bytes : int or None
        Available memory [bytes]; None reads it with :func:`available_memory_bytes`.

    Returns
    -------
    limit : int
        Pixel count [count].
    reason : str
        A phrase for error messages ("the hard cap ..." or "... of the available memory").
    """
    avail = available_memory_bytes() if available_bytes is None else available_bytes
    cap = (MAX_DEM_PIXELS, f"the hard cap MAX_DEM_PIXELS = {MAX_DEM_PIXELS}")
    if avail is None:
        return cap
    by_memory = int(MEMORY_FRACTION * avail) // (8 * FLOAT64_COPIES)
    if by_memory >= MAX_DEM_PIXELS:
        return cap
    return by_memory, (
        f"{by_memory} pixels: {FLOAT64_COPIES} float64 copies within {MEMORY_FRACTION:.0%} "
        f"of the {avail / 2**30:.1f} GiB available memory"
    )


def raster_size_problem(shape, what: str = "raster") -> str | None:
    """What is wrong with a declared raster shape (empty, or too large to decode), or None.

    Parameters
    ----------
    shape : tuple of int
        The shape a file's header declares (any number of dimensions).
    what : str
        What the shape is of, for the message (e.g. "GeoTIFF image", "height_dm").

    Returns
    -------
    str or None
        A sentence naming the declared shape and the limit; None when the shape is fine.
    """
    dims = tuple(int(n) for n in shape)
    if not dims or min(dims) < 1:
        return f"{what} declares shape {dims}; every dimension must be >= 1"
    n = 1
    for d in dims:
        n *= d
    limit, reason = raster_pixel_limit()
    if n <= limit:
        return None
    size = " x ".join(str(d) for d in dims)
    return (
        f"{what} declares {size} = {n} pixels ({8 * n / 2**30:.1f} GiB as float64), more "
        f"than the limit of {reason}"
    )


def check_raster_size(path, shape, what: str = "raster") -> None:
    """Refuse a declared raster shape that is empty or too large, before decoding it.

    Parameters
    ----------
    path : str or os.PathLike
        The file, named in the error.
    shape : tuple of int
        The shape its header declares.
    what : str
        What the shape is of, for the message.

    Raises
    ------
    ValueError
        ``"{path}: "`` followed by :func:`raster_size_problem`'s sentence.
    """
    problem = raster_size_problem(shape, what)
    if problem is not None:
        raise ValueError(f"{path}: {problem}")
