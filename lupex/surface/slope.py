"""Surface slope, aspect and roughness of a DEM, measured on the sphere.

Heights are radial heights above the 1737.4 km sphere, so the local horizontal at a
pixel is the sphere's tangent plane there and a bare sphere (h = 0) has zero slope
everywhere.  Ground distances are true distances on the sphere: grid distance divided by
the stereographic scale factor k (:func:`lupex.surface.projection.scale_factor_xy`)
and multiplied by (1 + h/R) for the terrain's radius (h/R <= 0.4 % on the Moon).

Slope at a baseline L (e.g. a lander footprint): gradient of the least-squares plane
fitted to heights in an L x L window (uniform weights; for a square window the fit is
separable: the x-gradient is sum(x h) / sum(x^2)).  Roughness: RMS residual of heights
from that plane.  Windows at the map edge use the nearest edge values (biases slopes
there low by up to the window's half width: mask L/2 at the border if it matters).
"""

from __future__ import annotations

import numpy as np
from scipy.ndimage import correlate1d, uniform_filter1d

from lupex.constants import R_MOON_KM
from lupex.surface.dem import Dem
from lupex.surface.projection import scale_factor_xy

__all__ = ["roughness_m", "slope_aspect", "slope_deg"]


def _window_px(dem: Dem, baseline_km: float | None) -> int:
    if baseline_km is None:
        return 3
    if not (np.isfinite(baseline_km) and baseline_km > 0):
        raise ValueError(f"baseline_km must be > 0; got {baseline_km}")
    w = round(float(baseline_km) / dem.pixel_km)
    if w > min(dem.shape):
        raise ValueError(
            f"baseline_km {baseline_km} spans {w} pixels, more than the DEM ({dem.shape})"
        )
    return max(3, w | 1)  # odd, at least 3 (a central difference)


def _plane_fit(h: np.ndarray, w: int):
    """Least-squares plane over w x w windows: (d h/d col, d h/d row) per pixel [units/pixel]."""
    half = w // 2
    ramp = np.arange(-half, half + 1, dtype=float)
    ramp /= np.sum(ramp**2)
    gx = uniform_filter1d(correlate1d(h, ramp, axis=1, mode="nearest"), w, axis=0, mode="nearest")
    gy = uniform_filter1d(correlate1d(h, ramp, axis=0, mode="nearest"), w, axis=1, mode="nearest")
    return gx, gy


def _true_gradient(dem: Dem, w: int):
    """Gradient of height per true ground metre, east-ish along grid +X and +Y."""
    h = dem.height_m
    g_col, g_row = _plane_fit(h, w)
    xg, yg = dem.xy()
    k = scale_factor_xy(xg, yg)
    # per grid km -> per true km: multiply by k; rows go toward -Y
    scale = k / (dem.pixel_km * 1000.0) / (1.0 + h / (R_MOON_KM * 1000.0))
    return g_col * scale, -g_row * scale


def slope_aspect(dem: Dem, baseline_km: float | None = None):
    """Slope [rad] and downslope direction (grid azimuth [rad]) at every pixel.

    Parameters
    ----------
    dem : Dem
    baseline_km : float or None
        Plane-fit window side [km] (rounded to an odd number of pixels, >= 3); None
        gives the 3 x 3 pixel slope.

    Returns
    -------
    slope_rad, aspect_grid_rad : ndarray (ny, nx)
        ``slope = atan(|grad h|)`` with the gradient per true ground distance;
        aspect is the grid azimuth (from +Y toward +X) of steepest descent
        (local azimuth = aspect - lon, see :mod:`lupex.surface.projection`).
    """
    gx, gy = _true_gradient(dem, _window_px(dem, baseline_km))
    slope = np.arctan(np.hypot(gx, gy))
    aspect = np.mod(np.arctan2(-gx, -gy), 2 * np.pi)
    return slope, aspect


def slope_deg(dem: Dem, baseline_km: float | None = None) -> np.ndarray:
    """Slope [deg] at every pixel (see :func:`slope_aspect`).

    Parameters
    ----------
    dem : Dem
        Heights [m] above 1737.4 km.
    baseline_km : float or None
        Plane-fit window side [km]; None gives the 3 x 3 pixel slope.

    Returns
    -------
    numpy.ndarray, shape (ny, nx)
        Slope [deg] against the sphere's tangent plane.
    """
    return np.degrees(slope_aspect(dem, baseline_km)[0])


def roughness_m(dem: Dem, baseline_km: float) -> np.ndarray:
    """RMS deviation [m] of heights from the least-squares plane over a baseline window.

    ``rms^2 = var(h) - gx^2 var(x) - gy^2 var(y)`` over each w x w window (x, y
    centred pixel offsets), which is the mean squared residual of the plane fit.
    The plane is fitted in grid pixels (heights against pixel offsets), as in
    :func:`slope_aspect`; the residual does not depend on the horizontal scale. Edge
    windows use the nearest edge values; negative rounding residues are clipped to 0.

    Parameters
    ----------
    dem : Dem
        Heights [m] above the 1737.4 km sphere.
    baseline_km : float
        Window side [km], > 0, rounded to an odd number of pixels (at least 3) and no
        larger than the DEM; None is also accepted and gives 3 x 3 pixels.

    Returns
    -------
    numpy.ndarray, shape (ny, nx)
        RMS plane-fit residual [m].

    Raises
    ------
    ValueError
        For a non-positive or non-finite baseline, or one wider than the DEM.
    """
    w = _window_px(dem, baseline_km)
    h = dem.height_m
    mean = uniform_filter1d(uniform_filter1d(h, w, 0, mode="nearest"), w, 1, mode="nearest")
    mean2 = uniform_filter1d(uniform_filter1d(h * h, w, 0, mode="nearest"), w, 1, mode="nearest")
    gx, gy = _plane_fit(h, w)
    half = w // 2
    var_x = np.mean(np.arange(-half, half + 1, dtype=float) ** 2)
    res2 = mean2 - mean**2 - (gx**2 + gy**2) * var_x
    return np.sqrt(np.clip(res2, 0.0, None))
