"""Launch-window search: which launch date, within the scenario's window, puts the surface
mission in the most sunlight at the candidate sites.

For each candidate launch date (vectorised): touchdown = launch + parking coast + an
estimated time of flight + the lunar-orbit allowance; the Sun's elevation at each site at
touchdown (flat horizon, Sun centre); and the share of the following surface mission with
some of the Sun's disk above each site's own terrain horizon (one hourly Sun track over the
whole span, windowed by cumulative sums). The best date maximises the mean sunlit share over
the sites, among dates with the Sun above every site's horizon at touchdown (all dates when
none has).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lupex.surface.horizon import horizon_series, mask_rows
from lupex.surface.site_series import body_sky_geometry
from lupex.surface.tracks import body_track

__all__ = ["WindowSearch", "search_window"]

SECONDS_PER_DAY = 86_400.0


@dataclass(frozen=True)
class WindowSearch:
    """The window table (m candidate dates, n sites).

    Attributes
    ----------
    launch_jd_tdb, touchdown_jd_tdb : numpy.ndarray, shape (m,)
        Candidate lift-off and its estimated touchdown, TDB Julian dates.
    sun_elevation_deg : numpy.ndarray, shape (m, n)
        Sun centre elevation at touchdown over a flat horizon [deg].
    sunlit_fraction : numpy.ndarray, shape (m, n)
        Share of the surface mission with any part of the Sun above the site's terrain
        horizon (0..1).
    feasible : numpy.ndarray, shape (m,)
        Sun centre above every site's flat horizon at touchdown.
    chosen : int
        Index of the best candidate.
    tof_estimate_days : float
        The estimated time of flight used [d].
    """

    launch_jd_tdb: np.ndarray
    touchdown_jd_tdb: np.ndarray
    sun_elevation_deg: np.ndarray
    sunlit_fraction: np.ndarray
    feasible: np.ndarray
    chosen: int
    tof_estimate_days: float

    @property
    def mean_sunlit_fraction(self) -> np.ndarray:
        """Mean over the sites of the sunlit share, shape (m,)."""
        return self.sunlit_fraction.mean(axis=1)


def search_window(start_jd_tdb: float, window_days: float, step_hours: float, lat_deg, lon_deg,
                  horizon_rad, height_m, coast_s: float, tof_s: float, lunar_orbit_days: float,
                  surface_days: float, sample_hours: float = 1.0) -> WindowSearch:
    """Score every candidate launch date of a window (see the module docstring).

    Parameters
    ----------
    start_jd_tdb : float
        First candidate lift-off (the scenario's launch date), TDB Julian date.
    window_days : float
        Window length [d]; 0 gives the single date ``start_jd_tdb``.
    step_hours : float
        Spacing of candidate dates [h].
    lat_deg, lon_deg : array_like, shape (n,)
        Site latitude and east longitude [deg].
    horizon_rad : array_like, shape (n, A)
        Each site's own terrain horizon [rad], grid azimuth.
    height_m : array_like, shape (n,)
        Eye height above the 1737.4 km sphere [m].
    coast_s : float
        Lift-off to TLI [s].
    tof_s : float
        Estimated TLI-to-arrival time [s] (e.g. :func:`lupex.orbits.patched_conic.time_to_radius_s`).
    lunar_orbit_days : float
        Arrival to touchdown [d].
    surface_days : float
        Surface mission length [d].
    sample_hours : float
        Sampling of the Sun over the surface missions [h].

    Returns
    -------
    WindowSearch
    """
    if not (step_hours > 0 and sample_hours > 0 and window_days >= 0 and surface_days > 0):
        raise ValueError("search_window: step_hours, sample_hours, surface_days must be > 0, "
                         "window_days >= 0")
    lat = np.radians(np.atleast_1d(np.asarray(lat_deg, dtype=float)))
    lon = np.radians(np.atleast_1d(np.asarray(lon_deg, dtype=float)))
    hor = mask_rows(horizon_rad, lat.size)
    hgt = np.broadcast_to(np.asarray(height_m, dtype=float), lat.shape)
    n_cand = int(np.floor(window_days * 24.0 / step_hours + 1e-9)) + 1
    launch = float(start_jd_tdb) + np.arange(n_cand) * step_hours / 24.0
    lead = coast_s / SECONDS_PER_DAY + tof_s / SECONDS_PER_DAY + lunar_orbit_days
    touchdown = launch + lead

    el_td, _, _ = body_sky_geometry(lat, lon, body_track("sun", touchdown), hgt)  # (n, m)
    # one Sun track over every candidate's surface mission
    n_mission = max(round(surface_days * 24.0 / sample_hours), 1)
    n_span = int(np.ceil((touchdown[-1] - touchdown[0]) * 24.0 / sample_hours)) + n_mission + 1
    jd = touchdown[0] + np.arange(n_span) * sample_hours / 24.0
    tr = body_track("sun", jd)
    el, _, az = body_sky_geometry(lat, lon, tr, hgt)
    lit = (el - horizon_series(hor, az)) > -tr.radius_rad[None, :]  # some of the disk up
    cs = np.concatenate((np.zeros((lat.size, 1)), np.cumsum(lit, axis=1)), axis=1)
    i0 = np.rint((touchdown - touchdown[0]) * 24.0 / sample_hours).astype(int)
    frac = (cs[:, i0 + n_mission] - cs[:, i0]) / n_mission  # (n, m)

    feasible = np.all(el_td > 0.0, axis=0)
    score = frac.mean(axis=0)
    pool = np.flatnonzero(feasible) if feasible.any() else np.arange(n_cand)
    chosen = int(pool[np.argmax(score[pool])])
    return WindowSearch(launch, touchdown, np.degrees(el_td.T), frac.T, feasible, chosen,
                        tof_s / SECONDS_PER_DAY)
