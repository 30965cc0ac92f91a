"""The Sun and the Earth seen from the landing site at touchdown, against the site's own
terrain horizon (the check that the lander lands in sunlight and in view of the Earth)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lupex.surface.horizon import horizon_series, mask_rows
from lupex.surface.site_series import body_sky_geometry
from lupex.surface.tracks import body_track

__all__ = ["TouchdownSky", "first_landing_window", "touchdown_sky"]


@dataclass(frozen=True)
class TouchdownSky:
    """Elevation of the Sun's and the Earth's centres [deg] over the flat horizon and over the
    terrain horizon in their azimuth, and whether each is above the terrain."""

    sun_elevation_deg: float
    sun_horizon_deg: float
    earth_elevation_deg: float
    earth_horizon_deg: float

    @property
    def sun_above_terrain(self) -> bool:
        """Sun centre above the terrain horizon."""
        return self.sun_elevation_deg > self.sun_horizon_deg

    @property
    def earth_above_terrain(self) -> bool:
        """Earth centre above the terrain horizon."""
        return self.earth_elevation_deg > self.earth_horizon_deg


def touchdown_sky(lat_deg: float, lon_deg: float, height_m: float, horizon_rad, jd_tdb: float) -> TouchdownSky:
    """Sun and Earth against the site's terrain horizon at one instant.

    Parameters
    ----------
    lat_deg, lon_deg : float
        Site latitude and east longitude [deg].
    height_m : float
        Eye height above the 1737.4 km sphere [m].
    horizon_rad : array_like, shape (A,)
        The site's horizon mask [rad] in grid azimuth.
    jd_tdb : float
        Epoch, TDB Julian date.

    Returns
    -------
    TouchdownSky
    """
    out = []
    for body in ("sun", "earth"):
        el, hz = _elevation_and_horizon(lat_deg, lon_deg, height_m, horizon_rad, body,
                                        np.array([float(jd_tdb)]))
        out += [float(np.degrees(el[0])), float(np.degrees(hz[0]))]
    return TouchdownSky(*out)


def _elevation_and_horizon(lat_deg, lon_deg, height_m, horizon_rad, body, jd_tdb):
    """A body's centre elevation [rad] over the flat horizon and the site's terrain horizon in
    its azimuth [rad] at increasing epochs ``jd_tdb``, each shape (n,)."""
    hor = mask_rows(np.asarray(horizon_rad, dtype=float)[None, :], 1)
    el, _, az = body_sky_geometry(np.radians([lat_deg]), np.radians([lon_deg]),
                                  body_track(body, jd_tdb), height_m)
    return el[0], horizon_series(hor, az)[0]


def first_landing_window(lat_deg: float, lon_deg: float, height_m: float, horizon_rad,
                         start_jd_tdb: float, span_days: float = 30.0, step_hours: float = 0.5,
                         min_hours: float = 12.0, bodies=("sun", "earth")) -> float:
    """The first epoch from which the centres of ``bodies`` (default the Sun and the Earth)
    all stay above the site's terrain horizon for at least ``min_hours`` (a landing in light
    and in contact, with margin for a late pass); NaN if there is none within ``span_days``.

    Parameters
    ----------
    lat_deg, lon_deg : float
        Site latitude and east longitude [deg].
    height_m : float
        Eye height above the 1737.4 km sphere [m].
    horizon_rad : array_like, shape (A,)
        The site's horizon mask [rad] in grid azimuth.
    start_jd_tdb : float
        Earliest epoch, TDB Julian date.
    span_days : float
        How far to look [d].
    step_hours : float
        Sampling [h].
    min_hours : float
        Required length of the joint visibility [h].
    bodies : sequence of {"sun", "earth"}
        The bodies that must be up.

    Returns
    -------
    float
        TDB Julian date (a sample time), or NaN.
    """
    jd = float(start_jd_tdb) + np.arange(0.0, span_days * 24.0 + step_hours, step_hours) / 24.0
    up = np.ones(jd.size, dtype=bool)
    for body in bodies:
        el, hz = _elevation_and_horizon(lat_deg, lon_deg, height_m, horizon_rad, body, jd)
        up &= el > hz
    need = int(np.ceil(min_hours / step_hours)) + 1
    run = np.convolve(up.astype(int), np.ones(need, dtype=int), mode="valid")  # window sums
    ok = np.flatnonzero(run == need)
    return float(jd[ok[0]]) if ok.size else float("nan")
