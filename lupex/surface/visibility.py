"""Direct-to-Earth visibility from the lunar surface: the Earth's disk above the terrain horizon.

Seen from the south polar region the Earth hangs near the horizon (sub-Earth point within
+-6.7 deg latitude and +-7.9 deg longitude of (0, 0) by optical libration), so terrain
decides whether a site can talk to the Earth.  The geometry is that of
:mod:`lupex.surface.site_series` and :mod:`lupex.surface.illumination_map` with the Earth as the body: topocentric elevation (the
Earth's ~0.95 deg horizontal parallax matters), the Earth's disk of angular radius
asin(6378.137 km / d) ~ 0.95 deg, and the same horizon masks.

Conventions: "visible" for communication means the Earth's CENTRE is above the horizon
(visible disk fraction >= 0.5) unless ``min_fraction`` says otherwise; 0 < fraction < 0.5 is
the limb only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lupex.surface.illumination_map import illumination_map
from lupex.surface.site_series import SiteSeries, site_series
from lupex.surface.tracks import BodyTrack, body_track

__all__ = [
    "CommWindows",
    "comm_windows",
    "earth_visibility_map",
    "earth_visibility_series",
    "overlap_fraction",
    "subearth_libration",
]


def earth_visibility_series(lat_rad, lon_rad, horizon_rad, jd_tdb, height_m=0.0) -> SiteSeries:
    """Exact Earth disk fraction, elevation and azimuth at a few sites over ``jd_tdb``.

    Parameters
    ----------
    lat_rad, lon_rad : array_like (n,)
        Site latitude, east longitude [rad] (MOON_ME).
    horizon_rad : ndarray (n, A)
        The sites' horizon masks in grid azimuth [rad].
    jd_tdb : array_like (nt,)
        TDB Julian dates.
    height_m : float or (n,)
        Site heights above the 1737.4 km sphere [m] (topocentric origin).
    """
    return site_series(lat_rad, lon_rad, horizon_rad, body_track("earth", jd_tdb), height_m)


def earth_visibility_map(lat_rad, lon_rad, horizon_rad, jd_tdb, *, track: BodyTrack | None = None, **kwargs):
    """Map of the time-mean visible Earth-disk fraction and longest Earth-dark stretch.

    Thin wrapper of :func:`lupex.surface.illumination_map.illumination_map` for the Earth; pass a
    precomputed ``track`` to reuse it.  Returns an
    :class:`~lupex.surface.illumination_map.IlluminationMap` (``body == "earth"``).

    Parameters
    ----------
    lat_rad, lon_rad : array_like
        Pixel latitude and east longitude [rad] (MOON_ME), any common shape, south of
        60 deg S.
    horizon_rad : ndarray, shape lat.shape + (A,)
        Horizon masks in grid azimuth [rad] (:mod:`lupex.surface.projection`).
    jd_tdb : array_like (nt,)
        TDB Julian dates of the window, strictly increasing; ignored when ``track`` is given.
    track : BodyTrack, optional
        The Earth's track over the window (:func:`lupex.surface.tracks.body_track`); computed
        from ``jd_tdb`` when omitted.
    **kwargs
        Passed to :func:`~lupex.surface.illumination_map.illumination_map` (``n_lon_bins``,
        ``time_series``, ``chunk_pixels``, ``workers``, ``time_block``).

    Returns
    -------
    IlluminationMap
        Time-mean visible Earth-disk fraction [1], never-visible mask and, with
        ``time_series``, the Earth-dark/visible run statistics [h].
    """
    tr = track if track is not None else body_track("earth", jd_tdb)
    return illumination_map(lat_rad, lon_rad, horizon_rad, tr, **kwargs)


def subearth_libration(jd_tdb) -> tuple[np.ndarray, np.ndarray]:
    """Sub-Earth latitude and longitude [rad] in MOON_ME (optical + physical libration),
    longitude wrapped to (-pi, pi]."""
    tr = body_track("earth", jd_tdb)
    return tr.lat_rad, tr.lon_rad


@dataclass(frozen=True)
class CommWindows:
    """Direct-to-Earth contact windows at one site.

    ``start_jd``/``end_jd`` (m,) bound each window (end = start of the first sample after it,
    or the window end); ``duration_h`` (m,); ``visible_fraction_of_time`` over the window.
    """

    start_jd: np.ndarray
    end_jd: np.ndarray
    duration_h: np.ndarray
    visible_fraction_of_time: float


def comm_windows(jd_tdb, earth_fraction, min_fraction: float = 0.5) -> CommWindows:
    """Contact windows where the visible Earth-disk fraction is at least ``min_fraction``.

    Parameters
    ----------
    jd_tdb : array_like (nt,)
        Sample times (TDB JD), strictly increasing; each sample stands for the step to the next.
    earth_fraction : array_like (nt,)
        Visible Earth-disk fraction at one site (e.g. ``SiteSeries.fraction[i]``).
    min_fraction : float
        In (0, 1]: 0.5 = Earth centre above the horizon (default), 1 = whole disk.
    """
    jd = np.asarray(jd_tdb, dtype=float)
    f = np.asarray(earth_fraction, dtype=float)
    if f.shape != jd.shape or jd.ndim != 1:
        raise ValueError(f"earth_fraction: must match jd_tdb's shape {jd.shape}, got {f.shape}")
    if not 0.0 < min_fraction <= 1.0:
        raise ValueError(f"min_fraction: must be in (0, 1], got {min_fraction!r}")
    vis = f >= min_fraction - 1e-12
    step = np.diff(jd)
    ends_jd = np.append(jd[1:], jd[-1] + (step[-1] if step.size else 1 / 24))
    edges = np.diff(np.concatenate(([False], vis, [False])).astype(np.int8))
    i0, i1 = np.nonzero(edges == 1)[0], np.nonzero(edges == -1)[0]
    start, end = jd[i0], ends_jd[i1 - 1]
    w = ends_jd - jd
    return CommWindows(start, end, (end - start) * 24.0, float(w[vis].sum() / w.sum()))


def overlap_fraction(jd_tdb, sun_fraction, earth_fraction, min_earth_fraction: float = 0.5) -> np.ndarray:
    """Fraction of time [0..1] with some sunlight AND the Earth in view, per site.

    A sample counts when some of the solar disk is visible (fraction > 0) and the visible
    Earth-disk fraction is at least ``min_earth_fraction``.  Each sample is weighted by the
    step to the next one; the last sample by the step before it (one sample: weight 1).

    Parameters
    ----------
    jd_tdb : ndarray (nt,)
        Sample times, TDB Julian dates [d], increasing.
    sun_fraction : array_like (n, nt) or (nt,)
        Visible solar-disk fraction [1] per site and sample.
    earth_fraction : array_like (n, nt) or (nt,)
        Visible Earth-disk fraction [1] per site and sample.
    min_earth_fraction : float
        Earth-disk fraction needed for contact [1]: 0.5 = Earth centre above the horizon
        (default), 1 = whole disk.

    Returns
    -------
    numpy.ndarray (n,) or float
        Time-weighted fraction of the window [0..1] per site.
    """
    w = np.diff(np.append(jd_tdb, 2 * jd_tdb[-1] - jd_tdb[-2])) if len(jd_tdb) > 1 else np.ones(1)
    both = (np.asarray(sun_fraction) > 0) & (np.asarray(earth_fraction) >= min_earth_fraction - 1e-12)
    return both @ w / w.sum()
