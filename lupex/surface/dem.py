"""A digital elevation model on the south polar stereographic grid.

The grid convention (shared by every lupex surface module):

* ``height_m[i, j]`` is the height [m] above the 1737.4 km reference sphere
  of the pixel in row ``i`` and column ``j``;
* ``(x0_km, y0_km)`` is the UPPER-LEFT CORNER of the upper-left pixel, in
  south polar stereographic map coordinates (see :mod:`lupex.surface.projection`);
* rows go toward -Y, columns toward +X, so pixel centres are
  ``x_km[j] = x0_km + (j + 0.5) * pixel_km`` and
  ``y_km[i] = y0_km - (i + 0.5) * pixel_km``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lupex.surface.projection import xy_to_latlon

__all__ = ["Dem"]


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
        """Fractional (row, col) of map points, in pixel-centre units (centre of (0,0) -> (0, 0))."""
        col = (np.asarray(x_km, dtype=float) - self.x0_km) / self.pixel_km - 0.5
        row = (self.y0_km - np.asarray(y_km, dtype=float)) / self.pixel_km - 0.5
        return row, col


def sample_bilinear(dem: Dem, x_km, y_km, outside: float = np.nan) -> np.ndarray:
    """Height [m] of ``dem`` at map points by bilinear interpolation between pixel centres.

    Points outside the grid of pixel centres (beyond half a pixel inside the
    edge, clamped) get ``outside``.
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
