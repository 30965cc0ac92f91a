"""Solar energy on a lander's panel and hours of Earth contact, per Earth day, at a site.

Irradiance at the Moon: S = S_1AU (1 AU / d)^2 with S_1AU = 1361 W/m^2 (total solar
irradiance at solar minimum, Kopp & Lean 2011, GRL 38, L01706), d the Sun's distance.
Power per panel area: P = eta * S * f * max(cos i, 0), with f the visible fraction of the
solar disk above the terrain (:func:`lupex.surface.site_series.site_series`) and i the
angle between the Sun and the panel normal.

Panel orientation: normal with tilt t from the local vertical (t = 90 deg: vertical panel)
and local azimuth A_n (from north toward east).  In local (east, north, up) the Sun is
(cos e sin A, cos e cos A, sin e) and the normal (sin t sin A_n, sin t cos A_n, cos t), so
``cos i = sin t cos e cos(A - A_n) + cos t sin e``.  A panel that tracks the Sun in azimuth
(A_n = A, typical of polar landers' rotating vertical arrays) gets ``cos i = cos(e - t)``
i.e. cos e for a vertical panel.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lupex.constants import AU_KM, SOLAR_CONSTANT_W_M2
from lupex.surface.site_series import SiteSeries
from lupex.surface.tracks import BodyTrack

__all__ = ["EnergyBudget", "cos_incidence", "daily_budget", "panel_power_w_m2"]


def cos_incidence(el_rad, az_rad, tilt_rad=np.pi / 2, normal_az_rad=None):
    """Cosine of the Sun's incidence angle on a panel (may be negative: Sun behind).

    Parameters
    ----------
    el_rad, az_rad : array_like
        Sun elevation and local azimuth (north through east) [rad].
    tilt_rad : float
        Panel normal's angle from the local vertical [rad] (pi/2 = vertical panel).
    normal_az_rad : float or None
        Local azimuth of the panel normal [rad]; None tracks the Sun in azimuth.
    """
    el = np.asarray(el_rad, dtype=float)
    daz = 0.0 if normal_az_rad is None else np.asarray(az_rad, dtype=float) - normal_az_rad
    return np.sin(tilt_rad) * np.cos(el) * np.cos(daz) + np.cos(tilt_rad) * np.sin(el)


def panel_power_w_m2(sun: SiteSeries, track: BodyTrack, efficiency: float = 0.3, tilt_rad: float = np.pi / 2,
                     normal_az_rad: float | None = None) -> np.ndarray:
    """Electrical power per panel area [W/m^2] at each site and time.

    ``P = efficiency * S_1AU (AU/d)^2 * f * max(cos i, 0)`` (module docstring).

    Parameters
    ----------
    sun : SiteSeries
        The Sun's exact series at the sites (visible fraction, elevation, local azimuth).
    track : BodyTrack
        The Sun's track the series was computed from (distance [km]).
    efficiency : float
        Panel efficiency, in (0, 1].
    tilt_rad : float
        Panel normal's angle from the local vertical [rad] (pi/2: vertical panel).
    normal_az_rad : float or None
        Local azimuth of the panel normal [rad]; None tracks the Sun in azimuth.

    Returns
    -------
    numpy.ndarray, shape (n, nt)
        Power [W/m^2].
    """
    if not 0.0 < efficiency <= 1.0:
        raise ValueError(f"efficiency: must be in (0, 1], got {efficiency!r}")
    if not 0.0 <= tilt_rad <= np.pi:
        raise ValueError(f"tilt_rad: must be in [0, pi] rad, got {tilt_rad!r}")
    if sun.body != "sun" or track.body != "sun" or sun.jd_tdb.shape != track.jd_tdb.shape:
        raise ValueError("sun/track: must be the Sun's SiteSeries and the BodyTrack it was computed from")
    irr = SOLAR_CONSTANT_W_M2 * (AU_KM / track.dist_km) ** 2
    cosi = np.maximum(cos_incidence(sun.el_rad, sun.az_local_rad, tilt_rad, normal_az_rad), 0.0)
    return efficiency * irr[None, :] * sun.fraction * cosi


@dataclass(frozen=True)
class EnergyBudget:
    """Per-Earth-day energy and Earth contact at n sites.

    ``day_start_jd`` (m,): start of each day (window start + whole days); ``energy_wh_m2``
    (n, m): panel energy per area per day [Wh/m^2]; ``earth_contact_h`` (n, m): hours with the
    Earth's visible fraction >= ``min_earth_fraction`` (NaN without an Earth series);
    ``sunlit_h`` (n, m): hours with any sunlight.  A last partial day is kept (its hours are
    fewer than 24).
    """

    day_start_jd: np.ndarray
    energy_wh_m2: np.ndarray
    earth_contact_h: np.ndarray
    sunlit_h: np.ndarray
    efficiency: float
    tilt_deg: float
    normal_az_deg: float | None


def daily_budget(sun: SiteSeries, track: BodyTrack, earth: SiteSeries | None = None, *, efficiency: float = 0.3,
                 tilt_rad: float = np.pi / 2, normal_az_rad: float | None = None,
                 min_earth_fraction: float = 0.5) -> EnergyBudget:
    """Energy [Wh/m^2] and Earth contact [h] per Earth day from site time series.

    Each sample stands for ``track.weight_h`` hours (rectangle rule), so energy per day is
    ``sum P_i w_i`` over the samples starting in that day.

    Parameters
    ----------
    sun, track, efficiency, tilt_rad, normal_az_rad
        As :func:`panel_power_w_m2`.
    earth : SiteSeries, optional
        The Earth's series at the same sites and times (for contact hours).
    min_earth_fraction : float
        Visible Earth-disk fraction counted as contact (0.5: the Earth's centre up).

    Returns
    -------
    EnergyBudget
        Energy [Wh/m^2], contact and sunlit hours [h] per site and Earth day.
    """
    p = panel_power_w_m2(sun, track, efficiency, tilt_rad, normal_az_rad)
    day = np.floor(track.jd_tdb - track.jd_tdb[0]).astype(np.intp)
    m = int(day[-1]) + 1
    n = p.shape[0]
    w = track.weight_h

    def per_day(values):
        out = np.zeros((n, m))
        for i in range(n):  # n sites (a handful); the time axis is vectorised
            out[i] = np.bincount(day, weights=values[i] * w, minlength=m)
        return out

    energy = per_day(p)
    sunlit = per_day((sun.fraction > 0).astype(float))
    if earth is not None:
        if earth.fraction.shape != sun.fraction.shape:
            raise ValueError("earth: must be sampled like the Sun series (same sites and times)")
        contact = per_day((earth.fraction >= min_earth_fraction - 1e-12).astype(float))
    else:
        contact = np.full((n, m), np.nan)
    return EnergyBudget(track.jd_tdb[0] + np.arange(m), energy, contact, sunlit, float(efficiency),
                        float(np.degrees(tilt_rad)), None if normal_az_rad is None else float(np.degrees(normal_az_rad)))
