"""Least-cost rover traverse from a landing point to a permanently-shadowed-region edge.

Cost surface (per unit of true ground length): ``1 + w_s (slope / max_slope)^2 +
w_d (1 - illumination)``, infinite (impassable) where the slope exceeds ``max_slope_deg``;
the path minimises the integral of cost along 8-connected moves
(``skimage.graph.MCP_Geometric``: diagonal steps cost sqrt(2) x the mean of the two pixels).
Grid lengths are divided by the stereographic scale factor k to give ground lengths.

Along the chosen path the rover is timed at ``speed_kmh`` from ``depart_jd`` and the Sun's
visible fraction is evaluated exactly at each pixel at the moment the rover is there
(horizon mask at the Sun's azimuth), which gives the time driven in shadow.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.ndimage import binary_erosion
from skimage.graph import MCP_Geometric

from lupex.geometry import enu_basis
from lupex.surface.dem import Dem
from lupex.surface.disk import disk_fraction
from lupex.surface.horizon import horizon_at
from lupex.surface.projection import scale_factor
from lupex.surface.sites import locate_site
from lupex.surface.tiles import as_masks, mask_pixels
from lupex.surface.tracks import body_track

__all__ = ["Traverse", "plan_traverse", "psr_edge"]


@dataclass(frozen=True)
class Traverse:
    """A planned drive.  ``rows``/``cols`` (m,) pixels along the path; ``length_km`` true
    ground length including height change; ``max_slope_deg`` along it; ``drive_time_h`` at
    ``speed_kmh``; ``shadow_time_h``/``shadow_length_km`` driven with no part of the Sun
    visible; ``sun_fraction`` (m,) visible solar-disk fraction at each pixel on arrival;
    ``arrival_jd`` (m,)."""

    rows: np.ndarray
    cols: np.ndarray
    length_km: float
    max_slope_deg: float
    drive_time_h: float
    shadow_time_h: float
    shadow_length_km: float
    speed_kmh: float
    depart_jd: float
    arrival_jd: np.ndarray
    sun_fraction: np.ndarray
    target_rc: tuple[int, int]


def psr_edge(psr: np.ndarray) -> np.ndarray:
    """PSR pixels with at least one non-PSR 8-neighbour (the rim a rover can reach in light)."""
    psr = np.asarray(psr, dtype=bool)
    return psr & ~binary_erosion(psr, structure=np.ones((3, 3)), border_value=1)


def plan_traverse(dem: Dem, slope_deg: np.ndarray, horizon_rad: np.ndarray, start_latlon_deg, *,
                  target_latlon_deg=None, psr: np.ndarray | None = None, illumination: np.ndarray | None = None,
                  depart_jd: float, speed_kmh: float = 0.1, max_slope_deg: float = 20.0,
                  slope_weight: float = 1.0, shadow_weight: float = 1.0) -> Traverse:
    """Plan a least-cost traverse and time it against the real Sun.

    Parameters
    ----------
    dem : Dem
    slope_deg : ndarray (ny, nx)
        Pixel slope [deg].
    horizon_rad : ndarray or TiledMasks, shape (ny, nx, A)
        Horizon masks [rad] (grid azimuth), for shadow along the drive; of a
        :class:`~lupex.surface.tiles.TiledMasks` view only the path's pixels are read.
    start_latlon_deg : (lat, lon)
        Landing point [deg].
    target_latlon_deg : (lat, lon), optional
        Destination; default the nearest passable PSR-edge pixel of ``psr`` (straight-line).
    psr : bool ndarray (ny, nx), optional
        Permanent-shadow map (needed when no target is given).
    illumination : ndarray (ny, nx), optional
        Mean visible solar fraction (0..1) for the shadow term of the cost (default: no term).
    depart_jd : float
        Departure time, TDB Julian date.
    speed_kmh : float
        Mean driving speed [km/h] (default 0.1 km/h = 2.8 cm/s, an assumption of the order of
        Yutu-2's and VIPER's planned average progress).
    max_slope_deg : float
        Steepest passable slope [deg].
    slope_weight, shadow_weight : float
        Cost weights (>= 0).
    """
    slope = np.asarray(slope_deg, dtype=float)
    hor = as_masks(horizon_rad)
    if slope.shape != dem.shape or hor.shape[:2] != dem.shape or hor.ndim != 3:
        raise ValueError(f"slope_deg and horizon_rad must be shaped {dem.shape} and {dem.shape} + (A,)")
    if not (0 < speed_kmh < 100 and 0 < max_slope_deg < 90 and slope_weight >= 0 and shadow_weight >= 0):
        raise ValueError("speed_kmh must be in (0, 100), max_slope_deg in (0, 90), weights >= 0")
    lat, lon = dem.latlon()
    k = scale_factor(lat)
    start = locate_site(dem, "start", *start_latlon_deg)
    passable = slope <= max_slope_deg
    if target_latlon_deg is not None:
        target = locate_site(dem, "target", *target_latlon_deg)
    else:
        if psr is None or not np.any(psr):
            raise ValueError("psr: a non-empty PSR map is needed when no target is given")
        edge = np.argwhere(psr_edge(psr) & passable)
        if edge.size == 0:
            raise ValueError("psr: no passable PSR-edge pixel (all exceed max_slope_deg)")
        d2 = ((edge - np.array(start)) ** 2).sum(axis=1)
        target = tuple(int(v) for v in edge[np.argmin(d2)])
    for name, rc in (("start", start), ("target", target)):
        if not passable[rc]:
            raise ValueError(f"{name}: pixel {rc} has slope {slope[rc]:.1f} deg > max_slope_deg {max_slope_deg}")
    shade = 0.0 if illumination is None else 1.0 - np.clip(np.asarray(illumination, dtype=float), 0, 1)
    cost = (1.0 + slope_weight * (slope / max_slope_deg) ** 2 + shadow_weight * shade) / k
    cost = np.where(passable, cost, np.inf)
    mcp = MCP_Geometric(cost, fully_connected=True)
    cum, _ = mcp.find_costs([start], [target])
    if not np.isfinite(cum[target]):
        raise ValueError(f"no passable route from {start} to {target} with slopes <= {max_slope_deg} deg")
    path = np.array(mcp.traceback(target))
    r, c = path[:, 0], path[:, 1]

    # True ground length: grid step / k (mean of the two ends), with the height change.
    step_grid = np.hypot(np.diff(r), np.diff(c)) * dem.pixel_km
    k_mid = 0.5 * (k[r[1:], c[1:]] + k[r[:-1], c[:-1]])
    dz_km = np.diff(dem.height_m[r, c]) / 1000.0
    seg_km = np.hypot(step_grid / k_mid, dz_km)
    length = float(seg_km.sum())

    # Exact Sun at each pixel when the rover reaches it (times strictly increase).
    t_h = np.concatenate(([0.0], np.cumsum(seg_km) / speed_kmh))
    arrival = float(depart_jd) + t_h / 24.0  # consecutive pixels differ, so seg_km > 0
    tr = body_track("sun", arrival)
    east, north, up = enu_basis(lat[r, c], lon[r, c])
    s = tr.vec_me_km / tr.dist_km[:, None]  # (m, 3), one Sun direction per path pixel
    el = np.arcsin(np.clip(np.sum(up * s, axis=1), -1, 1))
    alpha = np.arctan2(np.sum(east * s, axis=1), np.sum(north * s, axis=1)) + lon[r, c]
    h = horizon_at(mask_pixels(hor, r, c), alpha)
    frac = disk_fraction((el - h) / tr.radius_rad)
    dark_seg = frac[:-1] == 0  # each segment takes the state at its start
    return Traverse(
        rows=r, cols=c, length_km=length, max_slope_deg=float(slope[r, c].max()),
        drive_time_h=float(t_h[-1]), shadow_time_h=float(seg_km[dark_seg].sum() / speed_kmh),
        shadow_length_km=float(seg_km[dark_seg].sum()), speed_kmh=float(speed_kmh), depart_jd=float(depart_jd),
        arrival_jd=arrival, sun_fraction=frac, target_rc=(int(target[0]), int(target[1])),
    )
