"""A stack of nested terrain grids, finest first: heights anywhere from the finest grid that
covers the point.

A lunar south-pole analysis uses several grids at once: a user's high-resolution site DEM
(5-20 m), inside the 240 m LOLA pole grid, inside the 1.8 km LOLA cap (valid only within
its ``valid_radius_km``).  :class:`TerrainStack` answers "the height here, at this sampling"
by taking each point from the finest layer that covers it; beyond every layer there is
nothing (the bare 1737.4 km sphere, height 0, which no horizon can see beyond a few km).
When a point is sampled much more coarsely than its layer's pixels (a far horizon read
from a 10 m DEM at 640 m spacing), the layer is first box-averaged over the sampling
interval, so fine relief is averaged, not aliased.

The horizon engine (:func:`lupex.surface.horizon.horizon_mask`) takes a stack as its
``far_field``; :meth:`TerrainStack.window` resamples the analysis map window from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise

import numpy as np
from scipy.ndimage import uniform_filter

from lupex.surface.dem import Dem, MapWindow, sample_bilinear

__all__ = ["TerrainLayer", "TerrainStack"]


@dataclass(frozen=True, eq=False)
class TerrainLayer:
    """One grid of a :class:`TerrainStack`.

    Attributes
    ----------
    dem : Dem
        Heights [m] above the 1737.4 km sphere on the south polar stereographic grid.
    valid_radius_km : float or None
        Map radius [km] from the pole beyond which the layer's heights are not to be used
        (None: the whole grid is valid).
    name : str
        Short label for reports (e.g. "LOLA 240 m").
    """

    dem: Dem
    valid_radius_km: float | None = None
    name: str = ""

    def __post_init__(self):
        if not isinstance(self.dem, Dem):
            raise ValueError(f"TerrainLayer.dem must be a lupex.surface.dem.Dem; got {type(self.dem).__name__}")  # noqa: TRY004 (bad input is a ValueError by contract)
        if self.valid_radius_km is not None and not (np.isfinite(self.valid_radius_km)
                                                     and self.valid_radius_km > 0):
            raise ValueError(f"valid_radius_km must be None or > 0 km; got {self.valid_radius_km!r}")

    @property
    def pixel_km(self) -> float:
        """Pixel size [km] (grid units)."""
        return self.dem.pixel_km

    def covers(self, x_km, y_km) -> np.ndarray:
        """True where a map point lies on the grid (within its outer pixel edges) and
        within ``valid_radius_km`` of the pole.

        Parameters
        ----------
        x_km, y_km : array_like
            Map coordinates [km], broadcastable.

        Returns
        -------
        numpy.ndarray of bool
        """
        left, right, bottom, top = self.dem.extent_km()
        x, y = np.asarray(x_km, dtype=float), np.asarray(y_km, dtype=float)
        ok = (x >= left) & (x <= right) & (y >= bottom) & (y <= top)
        if self.valid_radius_km is not None:
            ok &= np.hypot(x, y) <= self.valid_radius_km
        return ok


@dataclass(frozen=True, eq=False)
class TerrainStack:
    """Nested terrain layers, finest first (pixel sizes non-decreasing).

    Attributes
    ----------
    layers : tuple of TerrainLayer
        Finest first.
    """

    layers: tuple[TerrainLayer, ...]
    _smoothed: dict = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self):
        layers = tuple(self.layers)
        if not layers or not all(isinstance(la, TerrainLayer) for la in layers):
            raise ValueError("layers: need at least one TerrainLayer")
        px = [la.pixel_km for la in layers]
        if any(b < a for a, b in pairwise(px)):
            raise ValueError(f"layers must be ordered finest first; pixel sizes [km] {px}")
        object.__setattr__(self, "layers", layers)

    # -------------------------------------------------------------- where each point comes from
    def layer_index(self, x_km, y_km) -> np.ndarray:
        """Index of the finest layer covering each map point, -1 where none does.

        Parameters
        ----------
        x_km, y_km : array_like
            Map coordinates [km], broadcastable.

        Returns
        -------
        numpy.ndarray of int
        """
        x, y = np.broadcast_arrays(np.asarray(x_km, dtype=float), np.asarray(y_km, dtype=float))
        idx = np.full(x.shape, -1, dtype=np.intp)
        for k in range(len(self.layers) - 1, -1, -1):  # coarsest first, finer overwrite
            idx[self.layers[k].covers(x, y)] = k
        return idx

    def pixel_km_at(self, x_km, y_km) -> np.ndarray:
        """Pixel size [km] of the finest layer covering each point (NaN where none does).

        Parameters
        ----------
        x_km, y_km : array_like
            Map coordinates [km], broadcastable.

        Returns
        -------
        numpy.ndarray
            Pixel sizes [km].
        """
        idx = self.layer_index(x_km, y_km)
        px = np.array([la.pixel_km for la in self.layers] + [np.nan])
        return px[idx]

    def _layer_dem(self, k: int, pixel_km: float | None) -> Dem:
        """Layer ``k``, box-averaged over ``pixel_km`` when that spans >= 2 of its pixels."""
        dem = self.layers[k].dem
        if pixel_km is None:
            return dem
        n = int(np.floor(pixel_km / dem.pixel_km + 1e-9))
        if n < 2:
            return dem
        key = (k, n)
        if key not in self._smoothed:
            h = uniform_filter(dem.height_m, size=n, mode="nearest")
            # scipy centres an even-sized box half a pixel up and left (output[i] averages
            # input[i - n/2 .. i + n/2 - 1]): move the grid by that half pixel, so the
            # averaged heights stay registered
            half = 0.5 * dem.pixel_km if n % 2 == 0 else 0.0
            self._smoothed[key] = Dem(h, dem.x0_km - half, dem.y0_km + half, dem.pixel_km,
                                      source=dem.source, synthetic=dem.synthetic,
                                      note=f"{dem.note} | box {n} px")
        return self._smoothed[key]

    def sample_m(self, x_km, y_km, pixel_km: float | None = None, outside: float = 0.0) -> np.ndarray:
        """Height [m] at map points, each from the finest layer covering it (bilinear).

        Parameters
        ----------
        x_km, y_km : array_like
            Map coordinates [km], broadcastable.
        pixel_km : float, optional
            The sampling interval [km]: a layer at least twice finer is box-averaged over
            it first (no aliasing of fine relief into coarse samples).
        outside : float
            Height [m] where no layer covers the point (default 0: the bare sphere).

        Returns
        -------
        numpy.ndarray
            Heights [m] above the 1737.4 km sphere, broadcast shape of the points.
        """
        x, y = np.broadcast_arrays(np.asarray(x_km, dtype=float), np.asarray(y_km, dtype=float))
        idx = self.layer_index(x, y)
        out = np.full(x.shape, float(outside))
        for k in range(len(self.layers)):
            sel = idx == k
            if sel.any():
                out[sel] = sample_bilinear(self._layer_dem(k, pixel_km), x[sel], y[sel],
                                           outside=float(outside))
        return out

    # ---------------------------------------------------------------------------- the map window
    def window(self, win: MapWindow) -> Dem:
        """The analysis map resampled from the stack on the pixel centres of ``win``.

        Each pixel comes from the finest layer covering it, box-averaged over the window's
        pixel when that layer is at least twice finer, then bilinear.

        Parameters
        ----------
        win : MapWindow
            Centre, pixel size [km] and pixel count.

        Returns
        -------
        Dem
            ``source`` names the layers used.

        Raises
        ------
        ValueError
            When part of the window is covered by no layer, or the window's pixel is finer
            than the finest layer covering some of it.
        """
        xs, ys = np.meshgrid(win.x_km(), win.y_km())
        idx = self.layer_index(xs, ys)
        if (idx < 0).any():
            raise ValueError(
                f"the map window (centre X {win.center_x_km:.2f}, Y {win.center_y_km:.2f} km, "
                f"{win.n_pixels * win.pixel_km:g} km wide) reaches beyond the terrain stack "
                f"({self.describe()})")
        used = sorted(set(np.unique(idx).tolist()))
        coarsest = max(self.layers[k].pixel_km for k in used)
        if win.pixel_km < coarsest * (1 - 1e-6):
            raise ValueError(
                f"pixel of {win.pixel_km * 1000:g} m is finer than the terrain under part of the "
                f"window ({coarsest * 1000:g} m, {self.layers[used[-1]].name}); use >= "
                f"{coarsest * 1000:g} m or a smaller window inside the finer layer")
        h = self.sample_m(xs, ys, pixel_km=win.pixel_km)
        names = ", ".join(f"{self.layers[k].name} ({self.layers[k].pixel_km * 1000:g} m)" for k in used)
        src = "; ".join(self.layers[k].dem.source for k in used)
        return Dem(h, win.x0_km, win.y0_km, win.pixel_km, source=src,
                   synthetic=any(self.layers[k].dem.synthetic for k in used),
                   note=f"resampled to {win.pixel_km * 1000:g} m from {names}")

    def describe(self) -> str:
        """The layers, finest first, as one line of text."""
        parts = []
        for la in self.layers:
            e = la.dem.extent_km()
            lim = f", valid within {la.valid_radius_km:.1f} km of the pole" if la.valid_radius_km else ""
            parts.append(f"{la.name} {la.pixel_km * 1000:g} m, X {e[0]:.1f}..{e[1]:.1f} km, "
                         f"Y {e[2]:.1f}..{e[3]:.1f} km{lim}")
        return " inside ".join(parts)

    @property
    def pixel_km(self) -> float:
        """Pixel size [km] of the finest layer."""
        return self.layers[0].pixel_km
