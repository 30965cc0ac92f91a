"""A site's sunlight and Earth view in the published conventions, over any window, streamed
over time so an 18.6-year hourly run needs memory for one chunk only.

The conventions of the polar-illumination literature (Bussey et al. 2010, Icarus 208, 558;
Mazarico et al. 2011, Icarus 211, 1066; Glaeser et al. 2014, Icarus 243, 78):

* **any part of the Sun visible** -- share of time with some of the solar disk above the
  local horizon (what "illuminated X % of the time" usually means);
* **Sun centre visible** -- share of time with the disk's centre above the horizon (the
  point-Sun convention);
* **mean visible disk fraction** -- time mean of the visible part of the disk (0..1), the
  average solar power relative to full Sun;
* **Earth centre visible** and the Earth's **mean visible disk fraction** (direct-to-Earth
  communication);
* **longest continuous darkness** [h] -- longest stretch with no part of the Sun visible,
  stretches cut by the window's ends.

Each sample stands for the hours to the next (:func:`lupex.surface.tracks.sample_weights_h`).
A site's horizon is its own mask (:func:`site_horizon`), computed on a small window centred
on the site at the pixel size of the finest terrain layer covering it, with the site's
observer height, and searched through the whole :class:`~lupex.surface.stack.TerrainStack`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lupex.constants import NODAL_PERIOD_YEARS
from lupex.surface.dem import Dem, MapWindow
from lupex.surface.disk import disk_fraction
from lupex.surface.horizon import horizon_series, mask_rows
from lupex.surface.projection import latlon_to_xy
from lupex.surface.site_series import body_sky_geometry
from lupex.surface.stack import TerrainStack
from lupex.surface.tracks import body_track, sample_weights_h

__all__ = ["SiteFigures", "SiteHorizon", "nodal_cycle_jd", "site_figures", "site_horizon"]

#: Pixels on a side of the small window a site's own horizon is computed on (odd: the
#: centre pixel sits exactly on the site).
_SITE_WINDOW_PX = 17


@dataclass(frozen=True)
class SiteHorizon:
    """One site's own horizon mask.

    Attributes
    ----------
    horizon_rad : numpy.ndarray, shape (A,)
        Horizon elevation [rad] per grid azimuth bin ``2 pi k / A``.
    height_m : float
        Ground height [m] above the 1737.4 km sphere at the site.
    observer_height_m : float
        Eye height above the ground [m].
    pixel_km : float
        Pixel size [km] of the terrain the mask was computed at (the finest layer there).
    layer : str
        Name of that layer.
    """

    horizon_rad: np.ndarray
    height_m: float
    observer_height_m: float
    pixel_km: float
    layer: str


def site_horizon(stack: TerrainStack, lat_deg: float, lon_deg: float, observer_height_m: float = 2.0,
                 n_azimuths: int = 360, max_distance_km: float = 150.0, workers: int = 1,
                 cache: bool = True) -> SiteHorizon:
    """The horizon of one site at the finest resolution the stack has there.

    A 17 x 17-pixel window centred on the site, at the pixel size of the finest layer
    covering it, is resampled from the stack; its masks are computed with the whole stack
    as far field (every layer out to ``max_distance_km``) and the centre pixel's is kept.

    Parameters
    ----------
    stack : TerrainStack
        The terrain.
    lat_deg, lon_deg : float
        Site latitude [deg] (south cap) and east longitude [deg].
    observer_height_m : float
        Eye height above the ground [m] (a rover's camera or a panel, e.g. 2 m).
    n_azimuths : int
        Azimuth bins of the mask.
    max_distance_km : float
        Horizon search distance [km].
    workers : int
        Threads for the horizon engine.
    cache : bool
        Reuse masks from the disk cache (:mod:`lupex.surface.cache`).

    Returns
    -------
    SiteHorizon

    Raises
    ------
    ValueError
        When no layer of the stack covers the site.
    """
    x, y = latlon_to_xy(np.radians(lat_deg), np.radians(lon_deg))
    k = int(stack.layer_index(float(x), float(y)))
    if k < 0:
        raise ValueError(f"site at ({lat_deg:.4f}, {lon_deg:.4f}) deg lies outside the terrain stack "
                         f"({stack.describe()})")
    layer = stack.layers[k]
    p = layer.pixel_km
    win = MapWindow.around(lat_deg, lon_deg, _SITE_WINDOW_PX * p / 2, p)
    # the window's outer pixels may fall on a coarser layer at a layer's edge: sample them
    # from the stack at the site's pixel size (sample_m), never refusing a site near an edge
    xs, ys = np.meshgrid(win.x_km(), win.y_km())
    dem = Dem(stack.sample_m(xs, ys, pixel_km=p), win.x0_km, win.y0_km, p, source=layer.dem.source,
              synthetic=layer.dem.synthetic)
    if cache:
        from lupex.surface.cache import cached_horizon_mask

        masks = cached_horizon_mask(dem, n_azimuths, max_distance_km, observer_height_m, stack, workers)
    else:
        from lupex.surface.horizon import horizon_mask

        masks = horizon_mask(dem, n_azimuths, max_distance_km, observer_height_m, stack, workers)
    c = _SITE_WINDOW_PX // 2
    return SiteHorizon(np.array(masks[c, c], dtype=float), float(dem.height_m[c, c]),
                       float(observer_height_m), p, layer.name)


@dataclass(frozen=True)
class SiteFigures:
    """Published-convention figures of n sites over one window (arrays shaped (n,)).

    Attributes
    ----------
    jd_start, jd_end : float
        First and last sample, TDB Julian dates.
    n_samples : int
        Time samples.
    hours : float
        Window length [h] (sum of sample weights).
    sun_any_visible : numpy.ndarray
        Share of time with any part of the Sun visible (0..1).
    sun_centre_visible : numpy.ndarray
        Share of time with the Sun's centre visible (0..1).
    sun_mean_disk : numpy.ndarray
        Time-mean visible solar-disk fraction (0..1).
    earth_centre_visible : numpy.ndarray
        Share of time with the Earth's centre visible (0..1).
    earth_mean_disk : numpy.ndarray
        Time-mean visible Earth-disk fraction (0..1).
    longest_dark_h : numpy.ndarray
        Longest continuous stretch with no part of the Sun visible [h].
    """

    jd_start: float
    jd_end: float
    n_samples: int
    hours: float
    sun_any_visible: np.ndarray
    sun_centre_visible: np.ndarray
    sun_mean_disk: np.ndarray
    earth_centre_visible: np.ndarray
    earth_mean_disk: np.ndarray
    longest_dark_h: np.ndarray


def nodal_cycle_jd(start_jd: float, step_h: float = 1.0, years: float = NODAL_PERIOD_YEARS) -> np.ndarray:
    """Sample times over one lunar nodal cycle: ``start_jd + k step_h`` for ``years``.

    Parameters
    ----------
    start_jd : float
        First sample, TDB Julian date.
    step_h : float
        Step [h] (hourly: ~163,000 samples over 18.6 years).
    years : float
        Window [Julian years].

    Returns
    -------
    numpy.ndarray
        TDB Julian dates.
    """
    if not (np.isfinite(step_h) and 0.01 <= step_h <= 48):
        raise ValueError(f"step_h: must be in [0.01, 48] h, got {step_h!r}")
    return float(start_jd) + np.arange(0.0, years * 365.25 * 24.0, step_h) / 24.0


def _dark_runs(lit: np.ndarray, edges_h: np.ndarray, carry: np.ndarray, longest: np.ndarray) -> None:
    """Update each site's running dark stretch ``carry`` [h] and ``longest`` [h] with one chunk.

    ``lit`` (n, m); sample j covers [edges_h[j], edges_h[j + 1]) hours from the chunk start.
    """
    total = edges_h[-1]
    for i in range(lit.shape[0]):
        on = np.flatnonzero(lit[i])
        if on.size == 0:
            carry[i] += total
            continue
        runs = [carry[i] + edges_h[on[0]]]
        if on.size > 1:
            runs.append(float(np.max(edges_h[on[1:]] - edges_h[on[:-1] + 1])))
        longest[i] = max(longest[i], *runs)
        carry[i] = total - edges_h[on[-1] + 1]


def site_figures(lat_deg, lon_deg, horizon_rad, height_m, jd_tdb, chunk_samples: int = 8760) -> SiteFigures:
    """Published-convention Sun and Earth figures of a few sites, streamed over time.

    Memory is O(n_sites x chunk_samples) whatever the window's length: the Sun's and
    Earth's tracks are computed chunk by chunk, sums and the running darkness carried over.

    Parameters
    ----------
    lat_deg, lon_deg : array_like, shape (n,)
        Site latitude and east longitude [deg].
    horizon_rad : array_like, shape (n, A)
        Each site's mask [rad] in grid azimuth (e.g. :attr:`SiteHorizon.horizon_rad`).
    height_m : array_like, shape (n,)
        Eye height above the 1737.4 km sphere [m] (ground + observer; the Earth's
        topocentric origin).
    jd_tdb : array_like, shape (nt,)
        Strictly increasing TDB Julian dates (e.g. :func:`nodal_cycle_jd`).
    chunk_samples : int
        Samples per chunk (one year of hours by default: ~0.4 MB per site and array).

    Returns
    -------
    SiteFigures
    """
    lat = np.radians(np.atleast_1d(np.asarray(lat_deg, dtype=float)))
    lon = np.radians(np.atleast_1d(np.asarray(lon_deg, dtype=float)))
    hor = mask_rows(horizon_rad, lat.size)
    hgt = np.broadcast_to(np.asarray(height_m, dtype=float), lat.shape)
    jd = np.asarray(jd_tdb, dtype=float)
    w_all = sample_weights_h(jd)
    if not (isinstance(chunk_samples, (int, np.integer)) and chunk_samples >= 2):
        raise ValueError(f"chunk_samples: must be an integer >= 2, got {chunk_samples!r}")
    n = lat.size
    sums = {k: np.zeros(n) for k in ("sun_any", "sun_centre", "sun_disk", "earth_centre", "earth_disk")}
    carry, longest = np.zeros(n), np.zeros(n)
    for i0 in range(0, jd.size, chunk_samples):
        sl = slice(i0, i0 + chunk_samples)
        w = w_all[sl]
        for body in ("sun", "earth"):
            tr = body_track(body, jd[sl])
            el, _, az = body_sky_geometry(lat, lon, tr, hgt)
            x = (el - horizon_series(hor, az)) / tr.radius_rad[None, :]
            frac = disk_fraction(x)
            if body == "sun":
                lit = frac > 0.0
                sums["sun_any"] += lit @ w
                sums["sun_centre"] += (x > 0.0) @ w
                sums["sun_disk"] += frac @ w
                _dark_runs(lit, np.concatenate(([0.0], np.cumsum(w))), carry, longest)
            else:
                sums["earth_centre"] += (x > 0.0) @ w
                sums["earth_disk"] += frac @ w
    longest = np.maximum(longest, carry)
    hours = float(w_all.sum())
    return SiteFigures(float(jd[0]), float(jd[-1]), int(jd.size), hours,
                       sums["sun_any"] / hours, sums["sun_centre"] / hours, sums["sun_disk"] / hours,
                       sums["earth_centre"] / hours, sums["earth_disk"] / hours, longest)
