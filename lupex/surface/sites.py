"""Landing-site assessment and ranking: slope, sunlight, night length, Earth view and PSR access.

For each candidate (name, lat, lon) on a DEM with horizon masks:

* slope at the lander's footprint: the largest pixel slope within ``footprint_radius_km``;
* sunlight over the surface-mission window: exact disk-fraction series at the site pixel
  (:func:`lupex.surface.site_series.site_series`): time-mean fraction and longest night
  (longest stretch with no part of the Sun visible);
* Earth view: fraction of the window with the Earth's centre above the terrain
  (:mod:`lupex.surface.visibility`), and the overlap with sunlight;
* distance to the nearest permanently shadowed pixel (km), by a Euclidean distance
  transform (``scipy.ndimage.distance_transform_edt``) with the true pixel size;
* the same quantities as maps over the ``area_km`` x ``area_km`` box the rover explores
  (LUPEX: about 1 km x 1 km), from the map engine, and the fraction of that box meeting
  every constraint.

Hard constraints (all must hold) and score weights are inputs; the score is the weighted
mean of components in [0, 1]: mean illumination, 1 - night/window, Earth fraction,
1 - slope/max_slope, and 1 / (1 + d_psr / psr_scale_km).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.ndimage import distance_transform_edt, maximum_filter

from lupex.surface.dem import Dem
from lupex.surface.illumination_map import IlluminationMap, illumination_map
from lupex.surface.projection import latlon_to_xy, scale_factor
from lupex.surface.psr import PsrResult, psr_map
from lupex.surface.site_series import SiteSeries, site_series
from lupex.surface.slope import slope_deg as pixel_slope_deg
from lupex.surface.tiles import TiledMasks, as_masks, mask_pixels, psr_tiles
from lupex.surface.tracks import body_track, sample_weights_h
from lupex.surface.visibility import overlap_fraction

__all__ = ["SiteAssessment", "SiteConstraints", "SiteWeights", "assess_sites", "locate_site"]


@dataclass(frozen=True)
class SiteConstraints:
    """Hard limits a site must meet (all inputs, no defaults: they are mission choices).

    ``max_slope_deg`` [deg] at the lander footprint; ``min_illumination`` (0..1) time-mean
    visible solar-disk fraction over the window; ``max_night_h`` [h] longest continuous
    darkness; ``min_earth_fraction`` (0..1) share of the window with the Earth's centre up.
    """

    max_slope_deg: float
    min_illumination: float
    max_night_h: float
    min_earth_fraction: float

    def __post_init__(self):
        for name, lo, hi in (("max_slope_deg", 0, 90), ("min_illumination", 0, 1), ("max_night_h", 0, 1e6),
                             ("min_earth_fraction", 0, 1)):
            v = getattr(self, name)
            if not (np.isfinite(v) and lo <= v <= hi):
                raise ValueError(f"{name}: must be in [{lo}, {hi}], got {v!r}")


@dataclass(frozen=True)
class SiteWeights:
    """Score weights (any non-negative numbers; normalised by their sum) and the PSR
    distance scale [km] at which the PSR-access component falls to 1/2."""

    illumination: float = 1.0
    night: float = 1.0
    earth: float = 1.0
    slope: float = 1.0
    psr_access: float = 1.0
    psr_scale_km: float = 1.0

    def __post_init__(self):
        w = [self.illumination, self.night, self.earth, self.slope, self.psr_access]
        if min(w) < 0 or sum(w) <= 0 or not self.psr_scale_km > 0:
            raise ValueError("SiteWeights: weights must be >= 0 with a positive sum, psr_scale_km > 0")


def locate_site(dem: Dem, name: str, lat_deg: float, lon_deg: float) -> tuple[int, int]:
    """Row and column of the pixel containing a site.

    Parameters
    ----------
    dem : Dem
        The grid.
    name : str
        The site's name (for the error message).
    lat_deg, lon_deg : float
        Site latitude [deg] in [-90, 0) and east longitude [deg].

    Returns
    -------
    row, col : int

    Raises
    ------
    ValueError
        Naming the site and the grid's latitude/longitude extent when it is off the grid.
    """
    if not (np.isfinite(lat_deg) and -90.0 <= lat_deg < 0.0):
        raise ValueError(f"site {name!r}: latitude {lat_deg!r} deg must be in [-90, 0)")
    x, y = latlon_to_xy(np.radians(lat_deg), np.radians(lon_deg))
    row, col = dem.xy_to_index(x, y)
    r, c = int(np.floor(row + 0.5)), int(np.floor(col + 0.5))
    ny, nx = dem.shape
    if not (0 <= r < ny and 0 <= c < nx):
        lat, lon = dem.latlon()
        left, right, bottom, top = dem.extent_km()
        pole_inside = left <= 0 <= right and bottom <= 0 <= top
        lon_txt = "all longitudes (the pole is on the grid)" if pole_inside else (
            f"longitudes {np.degrees(lon.min()):.3f} to {np.degrees(lon.max()):.3f} deg E")
        raise ValueError(
            f"site {name!r} at ({lat_deg:.4f}, {lon_deg:.4f}) deg is off the DEM grid, which covers "
            f"latitudes {np.degrees(lat.min()):.4f} to {np.degrees(lat.max()):.4f} deg and {lon_txt}")
    return r, c


@dataclass(frozen=True)
class LocalMaps:
    """Maps over the rover box around one site: ``rows``/``cols`` slices into the DEM grid,
    ``sun``/``earth`` map-engine results, ``feasible`` (bool) pixels meeting every constraint."""

    rows: slice
    cols: slice
    sun: IlluminationMap
    earth: IlluminationMap
    slope_deg: np.ndarray
    feasible: np.ndarray


@dataclass(frozen=True)
class SiteAssessment:
    """Assessment of candidate sites, in the input order; ``order`` gives the ranking
    (feasible sites first, then by descending score).  Arrays are (n_sites,)."""

    names: tuple[str, ...]
    lat_deg: np.ndarray
    lon_deg: np.ndarray
    row: np.ndarray
    col: np.ndarray
    slope_deg: np.ndarray
    mean_illumination: np.ndarray
    longest_night_h: np.ndarray
    earth_fraction: np.ndarray
    sun_earth_overlap: np.ndarray
    psr_distance_km: np.ndarray
    area_feasible_fraction: np.ndarray
    feasible: np.ndarray
    failed: tuple[tuple[str, ...], ...]
    score: np.ndarray
    order: np.ndarray
    constraints: SiteConstraints
    weights: SiteWeights
    window_jd: tuple[float, float]
    window_h: float
    sun: SiteSeries = field(repr=False)
    earth: SiteSeries = field(repr=False)
    local: tuple[LocalMaps, ...] = field(repr=False)
    psr: np.ndarray = field(repr=False)
    slope_map_deg: np.ndarray = field(repr=False)

    def to_rows(self) -> list[dict]:
        """One plain dict per site in rank order (for tables and CSV)."""
        rows = []
        for rank, i in enumerate(self.order, start=1):
            rows.append({
                "rank": rank, "name": self.names[i], "lat_deg": float(self.lat_deg[i]),
                "lon_deg": float(self.lon_deg[i]), "slope_deg": float(self.slope_deg[i]),
                "mean_illumination": float(self.mean_illumination[i]),
                "longest_night_h": float(self.longest_night_h[i]),
                "earth_fraction": float(self.earth_fraction[i]),
                "sun_earth_overlap": float(self.sun_earth_overlap[i]),
                "psr_distance_km": float(self.psr_distance_km[i]),
                "area_feasible_fraction": float(self.area_feasible_fraction[i]),
                "feasible": bool(self.feasible[i]), "failed": list(self.failed[i]),
                "score": float(self.score[i]),
            })
        return rows


def _psr_mask(dem, horizon_rad, psr, start_jd, workers):
    if psr is None and isinstance(horizon_rad, TiledMasks):
        return psr_tiles(horizon_rad.store, dem, start_jd, step_h=6.0, workers=workers).psr
    if psr is None:
        return psr_map(dem, horizon_rad, start_jd, step_h=6.0, workers=workers).psr
    mask = psr.psr if isinstance(psr, PsrResult) else np.asarray(psr, dtype=bool)
    if mask.shape != dem.shape:
        raise ValueError(f"psr: must be a PsrResult or a bool map shaped {dem.shape}, got {mask.shape}")
    return mask


def assess_sites(dem: Dem, horizon_rad: np.ndarray, slope_deg: np.ndarray | None, sites, jd_tdb_window,
                 constraints: SiteConstraints, weights: SiteWeights | None = None, *,
                 footprint_radius_km: float = 0.01, area_km: float = 1.0, psr=None,
                 workers: int = 2, site_horizon_rad=None, site_height_m=None) -> SiteAssessment:
    """Assess and rank candidate landing sites (the pipeline's entry point for site selection).

    Parameters
    ----------
    dem : Dem
        The terrain grid (south polar stereographic, heights above 1737.4 km).
    horizon_rad : ndarray or TiledMasks, shape (ny, nx, A)
        Horizon masks in grid azimuth [rad] (from ``lupex.surface.horizon``), or a
        :class:`~lupex.surface.tiles.TiledMasks` view of an on-disk store: only the site
        pixels and the rover boxes are read then (the PSR map, when not given, is streamed
        tile by tile).
    slope_deg : ndarray (ny, nx) or None
        Pixel slope map [deg]; None computes it with :func:`lupex.surface.slope.slope_deg`
        at the DEM's own resolution.
    sites : sequence of (name, lat_deg, lon_deg)
        Candidates; each must lie on the grid.
    jd_tdb_window : array_like (nt,)
        Surface-mission sample times, TDB Julian dates (e.g. hourly over 100 days).
    constraints : SiteConstraints
    weights : SiteWeights, optional
        Default: equal weights, psr_scale_km = 1.
    footprint_radius_km : float
        Lander footprint radius [km] for the slope (max over pixels whose centres lie within).
    area_km : float
        Side of the square box around each site for the local maps [km] (rover range).
    psr : PsrResult or bool (ny, nx) or None
        Permanent-shadow map; None computes it (18.6 years, 6-hourly Sun samples).
    workers : int
        Threads for the map engine.
    site_horizon_rad : array_like (n_sites, A), optional
        Each site's own mask [rad] in grid azimuth (e.g. at its observer height and at the
        finest terrain there, :func:`lupex.surface.site_figures.site_horizon`); default the
        map's mask at the site's pixel.
    site_height_m : array_like (n_sites,), optional
        Eye heights [m] above 1737.4 km for those masks; default the map pixel's height.

    Returns
    -------
    SiteAssessment
    """
    weights = weights or SiteWeights()
    hor = as_masks(horizon_rad)
    if hor.ndim != 3 or hor.shape[:2] != dem.shape:
        raise ValueError(f"horizon_rad: must be shaped (ny, nx, A) = {dem.shape} + (A,); got {hor.shape}")
    slope_map = pixel_slope_deg(dem) if slope_deg is None else np.asarray(slope_deg, dtype=float)
    if slope_map.shape != dem.shape:
        raise ValueError(f"slope_deg: must be shaped {dem.shape}, got {slope_map.shape}")
    if not (0 < footprint_radius_km < 10 and 0 < area_km < 100):
        raise ValueError("footprint_radius_km must be in (0, 10) km and area_km in (0, 100) km")
    sites = list(sites)
    if not sites:
        raise ValueError("sites: need at least one (name, lat_deg, lon_deg)")
    names = tuple(str(s[0]) for s in sites)
    lat_deg = np.array([float(s[1]) for s in sites])
    lon_deg = np.array([float(s[2]) for s in sites])
    rc = np.array([locate_site(dem, n, la, lo) for n, la, lo in zip(names, lat_deg, lon_deg)])
    jd = np.asarray(jd_tdb_window, dtype=float)
    w_h = sample_weights_h(jd)
    window_h = float(w_h.sum())

    lat_map, lon_map = dem.latlon()
    k_map = scale_factor(lat_map)
    # Footprint slope: max slope within the footprint radius (a disk of pixels).
    r_px = int(np.ceil(footprint_radius_km / dem.pixel_km))
    yy, xx = np.mgrid[-r_px:r_px + 1, -r_px:r_px + 1]
    disk = (yy**2 + xx**2) * dem.pixel_km**2 <= max(footprint_radius_km, 0.5 * dem.pixel_km) ** 2
    foot_slope = maximum_filter(slope_map, footprint=disk, mode="nearest")

    sun_tr, earth_tr = body_track("sun", jd), body_track("earth", jd)
    r, c = rc[:, 0], rc[:, 1]
    if site_horizon_rad is None:
        s_lat, s_lon, s_hor, hgt = lat_map[r, c], lon_map[r, c], mask_pixels(hor, r, c), dem.height_m[r, c]
    else:
        s_hor = np.asarray(site_horizon_rad, dtype=float)
        if s_hor.shape != (len(sites), hor.shape[2]):
            raise ValueError(f"site_horizon_rad: must be shaped (n_sites, A) = ({len(sites)}, {hor.shape[2]}), "
                             f"got {s_hor.shape}")
        s_lat, s_lon = np.radians(lat_deg), np.radians(lon_deg)
        hgt = dem.height_m[r, c] if site_height_m is None else np.asarray(site_height_m, dtype=float)
    sun = site_series(s_lat, s_lon, s_hor, sun_tr, hgt)
    earth = site_series(s_lat, s_lon, s_hor, earth_tr, hgt)
    earth_frac = ((earth.fraction >= 0.5) @ w_h) / window_h
    overlap = overlap_fraction(jd, sun.fraction, earth.fraction)

    psr_mask = _psr_mask(dem, hor, psr, jd[0], workers)
    if psr_mask.any():
        # EDT in pixels, scaled by the true pixel size at each site (k varies < 0.2 % over a
        # site DEM, so one scale per site is exact enough).
        d_px = distance_transform_edt(~psr_mask)
        psr_km = d_px[r, c] * dem.pixel_km / k_map[r, c]
    else:
        psr_km = np.full(len(sites), np.inf)

    # Local maps over the rover box.
    half = max(1, round(0.5 * area_km / dem.pixel_km))
    local, area_ok = [], []
    for i in range(len(sites)):
        rs = slice(max(0, r[i] - half), min(dem.shape[0], r[i] + half + 1))
        cs = slice(max(0, c[i] - half), min(dem.shape[1], c[i] + half + 1))
        la, lo, hh = lat_map[rs, cs], lon_map[rs, cs], hor[rs, cs]
        ms = illumination_map(la, lo, hh, sun_tr, workers=workers)
        me = illumination_map(la, lo, hh, earth_tr, time_series=False, workers=workers)
        ok = ((foot_slope[rs, cs] <= constraints.max_slope_deg) & (ms.mean_fraction >= constraints.min_illumination)
              & (ms.longest_dark_h <= constraints.max_night_h))
        # Earth centre-up share is approximated on maps by the mean disk fraction (equal
        # where the Earth moves across the horizon symmetrically).
        ok &= me.mean_fraction >= constraints.min_earth_fraction
        local.append(LocalMaps(rs, cs, ms, me, foot_slope[rs, cs], ok))
        area_ok.append(float(ok.mean()))

    slope_site = foot_slope[r, c]
    tests = (
        ("slope", slope_site <= constraints.max_slope_deg),
        ("illumination", sun.mean_fraction >= constraints.min_illumination),
        ("night", sun.stats.longest_dark_h <= constraints.max_night_h),
        ("earth", earth_frac >= constraints.min_earth_fraction),
    )
    failed = tuple(tuple(name for name, ok in tests if not ok[i]) for i in range(len(sites)))
    feasible = np.array([not f for f in failed])
    comp = np.stack([
        sun.mean_fraction,
        1.0 - np.minimum(sun.stats.longest_dark_h / window_h, 1.0),
        earth_frac,
        1.0 - np.minimum(slope_site / max(constraints.max_slope_deg, 1e-9), 1.0),
        1.0 / (1.0 + psr_km / weights.psr_scale_km),
    ])
    wv = np.array([weights.illumination, weights.night, weights.earth, weights.slope, weights.psr_access])
    score = wv @ comp / wv.sum()
    order = np.lexsort((-score, ~feasible))
    return SiteAssessment(
        names, lat_deg, lon_deg, r, c, slope_site, sun.mean_fraction, sun.stats.longest_dark_h, earth_frac,
        overlap, psr_km, np.array(area_ok), feasible, failed, score, order, constraints, weights,
        (float(jd[0]), float(jd[-1])), window_h, sun, earth, tuple(local), psr_mask, slope_map,
    )
