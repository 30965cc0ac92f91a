"""The slow, exact horizon marcher that lupex.surface.horizon.horizon_mask is tested against.

Uniform steps along every ray, bilinear heights, exact sphere geometry: O(N^2 A R), for
tests only (benchmarks/bench_horizon.py keeps its own straightforward marcher).
"""

from __future__ import annotations

import numpy as np

from lupex.constants import R_MOON_KM
from lupex.surface.dem import Dem, sample_bilinear
from lupex.surface.horizon import azimuths_rad
from lupex.surface.projection import scale_factor_xy


def _far_heights_m(far_field: Dem | None, x_km, y_km) -> np.ndarray:
    """Heights [m] of the far field at map points (bilinear), 0 (bare sphere) outside it."""
    if far_field is None:
        return np.zeros(np.broadcast(x_km, y_km).shape)
    # float32 km, as horizon_mask reads the far field
    h = (sample_bilinear(far_field, x_km, y_km, outside=0.0) / 1000.0).astype(np.float32)
    return 1000.0 * h.astype(float)


def horizon_mask_reference(
    dem: Dem,
    n_azimuths: int = 360,
    max_distance_km: float = 150.0,
    observer_height_m: float = 0.0,
    step_px: float = 0.25,
    far_field: Dem | None = None,
    pixels=None,
) -> np.ndarray:
    """Slow reference: uniform steps of ``step_px`` pixels along every ray, bilinear sampling.

    Exact sphere geometry (Z = (h - h0) - (R+h)(1 - cos theta), D = (R+h) sin theta,
    theta = d_true / R with d_true = d_grid / k of the observer).  Terrain
    outside the DEM is read from ``far_field`` or is the bare sphere.  Cost O(N^2 A R).

    ``pixels``: optional (rows, cols) index arrays to evaluate; returns
    (npix, A) then, else (ny, nx, A).
    """
    ny, nx = dem.shape
    if pixels is None:
        rr, cc = np.meshgrid(np.arange(ny), np.arange(nx), indexing="ij")
        rr, cc = rr.ravel(), cc.ravel()
    else:
        rr, cc = (np.asarray(a).ravel() for a in pixels)
    # terrain = DEM pixel centres padded with far field / bare sphere at the same spacing
    pad = int(np.ceil(max_distance_km / dem.pixel_km)) + 2
    xe = dem.x0_km + (np.arange(-pad, nx + pad) + 0.5) * dem.pixel_km
    ye = dem.y0_km - (np.arange(-pad, ny + pad) + 0.5) * dem.pixel_km
    ext = _far_heights_m(far_field, xe[None, :], ye[:, None])
    ext[pad : pad + ny, pad : pad + nx] = dem.height_m
    big = Dem(ext, dem.x0_km - pad * dem.pixel_km, dem.y0_km + pad * dem.pixel_km, dem.pixel_km)
    x0 = dem.x_km()[cc]
    y0 = dem.y_km()[rr]
    h0 = dem.height_m[rr, cc] / 1000.0 + observer_height_m / 1000.0
    k = scale_factor_xy(x0, y0)
    # Like horizon_mask, rays start where they first cross a grid line (1 px along the
    # major axis: 1 to 1.41 px): the DEM says nothing about sub-pixel slopes.
    out = np.empty((rr.size, n_azimuths))
    R = R_MOON_KM
    for kk, a in enumerate(azimuths_rad(n_azimuths)):
        d1 = 1.0 / max(abs(np.sin(a)), abs(np.cos(a)))
        d = np.arange(d1, max_distance_km / dem.pixel_km + 1e-9, step_px) * dem.pixel_km
        xs = x0[:, None] + d[None, :] * np.sin(a)
        ys = y0[:, None] + d[None, :] * np.cos(a)
        h = sample_bilinear(big, xs, ys, outside=0.0) / 1000.0
        th = d[None, :] / k[:, None] / R
        z = (h - h0[:, None]) - (R + h) * (1 - np.cos(th))
        dd = (R + h) * np.sin(th)
        out[:, kk] = np.max(np.arctan2(z, dd), axis=1, initial=-np.pi / 2)
    if pixels is None:
        return out.reshape(ny, nx, n_azimuths)
    return out
