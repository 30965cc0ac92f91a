"""Height of a flown path above the terrain map under it (is the descent clear of the ground?)."""

from __future__ import annotations

import numpy as np

from lupex.constants import R_MOON_KM
from lupex.surface.dem import Dem
from lupex.surface.projection import latlon_to_xy

__all__ = ["terrain_clearance_m"]


def terrain_clearance_m(dem: Dem, r_me_km) -> np.ndarray:
    """Height of each point above the map's ground under it [m] (nearest pixel); NaN off the
    map or north of the equator.

    Parameters
    ----------
    dem : Dem
        The terrain (heights above the 1737.4 km sphere).
    r_me_km : array_like, shape (n, 3)
        MOON_ME positions [km].

    Returns
    -------
    numpy.ndarray, shape (n,)
        Clearance [m]: height above the sphere minus the ground height there.
    """
    r = np.asarray(r_me_km, dtype=float).reshape(-1, 3)
    rn = np.linalg.norm(r, axis=-1)
    lat = np.arcsin(r[:, 2] / rn)
    south = lat <= 0.0
    x, y = latlon_to_xy(np.where(south, lat, -np.pi / 2), np.arctan2(r[:, 1], r[:, 0]))
    row, col = dem.xy_to_index(x, y)
    ri, ci = np.floor(row + 0.5).astype(int), np.floor(col + 0.5).astype(int)
    ny, nx = dem.shape
    on = south & (ri >= 0) & (ri < ny) & (ci >= 0) & (ci < nx)
    ground = np.full(r.shape[0], np.nan)
    ground[on] = dem.height_m[ri[on], ci[on]]
    return (rn - R_MOON_KM) * 1e3 - ground
