"""Closed-form terrain for the illumination tests: a flat-floored cylindrical pit at the pole.

Until the terrain helper's horizon.py is merged, the masks here are built analytically
(no ray marching), so the tests check the illumination code against geometry, not against
another numerical horizon code.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from lupex.constants import AU_KM, R_MOON_KM, SUN_RADIUS_KM
from lupex.geometry import angular_radius
from lupex.surface.dem import Dem
from lupex.surface.tracks import BodyTrack


def pit(n=50, pixel_km=0.02, radius_km=0.4, depth_km=0.05, n_az=360, centre_xy_km=(0.0, 0.0)):
    """A cylindrical pit (vertical walls, flat floor) on the sphere.

    Returns (dem, horizon_rad (n, n, A) float32, floor mask (n, n) bool).  For a floor point
    p (map offset from the pit centre) the wall along grid azimuth alpha, d = (sin a, cos a),
    is at s = -p.d + sqrt(a^2 - |p|^2 + (p.d)^2); its rim is seen at atan((D - s^2/2R)/s)
    (the s^2/2R term is the sphere's drop).  Outside the pit the horizon is the bare sphere
    (0 for an observer on the surface).
    """
    half = n * pixel_km / 2
    cx, cy = centre_xy_km
    dem0 = Dem(np.zeros((n, n)), cx - half, cy + half, pixel_km, source="test pit", synthetic=True)
    x, y = dem0.xy()
    px, py = x - cx, y - cy
    floor = px**2 + py**2 < radius_km**2
    alpha = np.arange(n_az) * 2 * np.pi / n_az
    dx, dy = np.sin(alpha), np.cos(alpha)
    pd = px[..., None] * dx + py[..., None] * dy
    s = -pd + np.sqrt(np.maximum(radius_km**2 - (px**2 + py**2)[..., None] + pd**2, 0.0))
    s = np.maximum(s, 1e-6)
    hor = np.arctan((depth_km - s**2 / (2 * R_MOON_KM)) / s)
    hor = np.where(floor[..., None], hor, 0.0).astype(np.float32)
    dem = replace(dem0, height_m=np.where(floor, -1000 * depth_km, 0.0))
    return dem, hor, floor


def fixed_sun_track(lat_rad, lon_rad, n=1, dist_km=AU_KM) -> BodyTrack:
    """A BodyTrack with the Sun at fixed sub-solar latitudes/longitudes (arrays or scalars)."""
    lat = np.broadcast_to(np.asarray(lat_rad, float), (n,)).copy()
    lon = np.broadcast_to(np.asarray(lon_rad, float), (n,)).copy()
    d = np.full(n, dist_km)
    vec = (d * np.array([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])).T  # (n, 3)
    return BodyTrack("sun", 2451545.0 + np.arange(n) / 24.0, vec, lat, lon, d,
                     angular_radius(SUN_RADIUS_KM, d), np.zeros(n), np.ones(n))
