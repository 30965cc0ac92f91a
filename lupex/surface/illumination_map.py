"""The map engine: how long every pixel of a map sees the Sun (or the Earth) over a window.

For every pixel: the time-mean visible disk fraction, the never-visible (permanent shadow)
mask and, optionally, the lit/dark run statistics, from the threshold tables of
:mod:`lupex.surface.thresholds` (one gather and one comparison per pixel and time step, or
none at all for the long-window mean).  Masks are in grid azimuth
(:mod:`lupex.surface.projection`).  Bounds against the exact path
(:mod:`lupex.surface.site_series`) are checked by tests/surface/test_illumination.py.

Cost (benchmarks/bench_illumination.py): O(pixels x L) for the tables and the mean, plus
one gather and comparison per pixel and time step for the run statistics; pixel chunks
run in forked processes (:func:`lupex.surface.parallel.fork_map`).  With numba the
near-pole tables, the mean, the never-visible test and the run statistics run as compiled
kernels (:mod:`lupex.surface._illumination_kernels`, equal bit for bit): the run kernel
reads each pixel's series once and skips the segments whose state its table settles.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import lupex.surface._illumination_kernels as _ik
from lupex.surface.horizon import mask_rows
from lupex.surface.lit_periods import RunStats, runs_from_transitions
from lupex.surface.parallel import fork_map
from lupex.surface.projection import south_cap_points
from lupex.surface.thresholds import (
    MAX_MAP_LAT_RAD,
    POLE_SERIES_COLAT_RAD,
    TWO_PI,
    body_distribution,
    lon_bin,
    mean_fraction_from_distribution,
    threshold_tables,
)
from lupex.surface.tracks import BodyTrack

__all__ = ["IlluminationMap", "illumination_map"]

_KERNELS = _ik.KERNELS
_USE_KERNELS = [True]  # tests switch the compiled kernels off to compare both paths


@dataclass(frozen=True)
class IlluminationMap:
    """Map-wide statistics of one body's visibility over a window (arrays shaped like the map).

    ``mean_fraction``: time-mean visible disk fraction (0..1); ``longest_dark_h``: longest
    stretch with no part visible [h]; ``longest_lit_h``, ``n_lit_periods``, ``mean_lit_h``
    as in :class:`lupex.surface.lit_periods.RunStats` (None when ``time_series=False``); ``never_visible``: True where
    no sample shows any part of the disk -- from the series itself when ``time_series=True``,
    else by the conservative per-bin test (see :func:`illumination_map`).
    """

    body: str
    jd_start: float
    jd_end: float
    n_times: int
    mean_fraction: np.ndarray
    never_visible: np.ndarray
    longest_dark_h: np.ndarray | None
    longest_lit_h: np.ndarray | None
    n_lit_periods: np.ndarray | None
    mean_lit_h: np.ndarray | None
    n_lon_bins: int


def _chunk_stats(lat, lon, hor, track, dist, shifted_top, kbin, edges, n_lon_bins, margin, time_series, tblock):
    """Per-pixel statistics of a chunk.  Pixels within POLE_SERIES_COLAT_RAD of the pole
    take the series-form tables, the others the closed forms, each pixel by its own
    latitude: so a pixel's values do not depend on the chunk (or tile) it falls in."""
    args = (track, dist, shifted_top, kbin, edges, n_lon_bins, margin, time_series, tblock)
    near = (np.pi / 2 + lat) < POLE_SERIES_COLAT_RAD
    if near.all() or not near.any():
        return _group_stats(lat, lon, hor, *args)
    groups = [np.flatnonzero(near), np.flatnonzero(~near)]
    parts = [_group_stats(lat[g], lon[g], hor[g], *args) for g in groups]
    n = lat.size
    mean, never = np.empty(n), np.empty(n, bool)
    for g, part in zip(groups, parts):
        mean[g], never[g] = part[0], part[1]
    runs = None
    if time_series:
        fields = {}
        for f in ("longest_dark_h", "longest_lit_h", "n_lit_periods", "mean_lit_h"):
            fields[f] = np.empty(n, getattr(parts[0][2], f).dtype)
            for g, part in zip(groups, parts):
                fields[f][g] = getattr(part[2], f)
        runs = RunStats(**fields)
    return mean, never, runs


def _group_stats(lat, lon, hor, track, dist, shifted_top, kbin, edges, n_lon_bins, margin, time_series, tblock):
    """:func:`_chunk_stats` of pixels that all take the same table forms, through the
    compiled kernels when numba is there, else NumPy (equal results, bit for bit)."""
    rho_bar = float(np.average(track.radius_rad, weights=track.weight_h))
    par_bar = float(track.parallax_rad.mean())
    # Near the pole beta_top = beta_centre + q rho_bar with |q - 1| < 4e-5 (see
    # threshold_tables), so the series compares (shifted_top - rho_bar) with beta_centre
    # (error < 1.1e-7 rad) and one table serves both the mean and the series.
    one_table = time_series and float(np.pi / 2 + lat.max()) < POLE_SERIES_COLAT_RAD  # all or none here
    if not time_series:
        which = ("centre", "top_low")
    else:
        which = ("centre",) if one_table else ("centre", "top")
    compiled = _KERNELS and _USE_KERNELS[0]
    tabs, rows = _tables(lat, lon, hor, n_lon_bins, which, par_bar, rho_bar, margin, compiled)
    if compiled:
        mean = _ik.mean_fraction(tabs["centre"], dist, rows)
    else:
        mean = mean_fraction_from_distribution(tabs["centre"], dist)
    if time_series:
        if one_table:
            series, table = (shifted_top - rho_bar).astype(np.float32), tabs["centre"]
        else:
            series, table = shifted_top.astype(np.float32), tabs["top"]
        if compiled:
            table = table if rows else _ik.transpose(table)  # the runs read one pixel's row at a time
            runs = RunStats(*_ik.run_rows(table, series, kbin, edges, _ik.time_segments(series, kbin)))
        else:
            runs = runs_from_transitions(*_lit_transitions(table, series, kbin, tblock), edges)
        never = runs.n_lit_periods == 0  # exact for the sampled series
    else:
        # Conservative never-visible test: every sample's shifted latitude at or beyond the
        # lowest-horizon top-edge threshold of its bin.
        dmin, used = _bin_minimum(shifted_top, kbin, n_lon_bins)
        eps = np.float32(1e-5)
        if compiled:
            never = _ik.never_visible(tabs["top_low"], dmin, used, eps, rows)
        else:
            never = np.all(dmin[used, None] >= tabs["top_low"][used] + eps, axis=0)
        runs = None
    # Where no sample shows the disk, the histogram's 0.005 deg smoothing must not leak a
    # 1e-8 mean in.
    mean[never] = 0.0
    return mean, never, runs


def _bin_minimum(shifted, kbin, n_lon_bins):
    """Smallest float32 shifted latitude of the samples in each longitude bin, and which
    bins have samples."""
    dmin = np.full(n_lon_bins, np.inf, dtype=np.float32)
    np.minimum.at(dmin, kbin, shifted.astype(np.float32))
    return dmin, np.isfinite(dmin)


def _tables(lat, lon, hor, n_lon_bins, which, par_bar, rho_bar, margin, compiled):
    """The threshold tables ``which`` and whether they are laid out one row per pixel:
    (n, L) from one compiled pass near the pole, else ``threshold_tables``' (L, n) (away
    from the pole NumPy's vectorised transcendentals beat scalar ones)."""
    if compiled and float(np.pi / 2 + lat.max()) < POLE_SERIES_COLAT_RAD:
        offsets = {"centre": par_bar, "top": -(rho_bar - par_bar), "top_low": -(rho_bar - par_bar)}
        n_az = hor.shape[1]
        tabs = _ik.pole_rows(lat, lon, hor, n_lon_bins, [offsets[w] for w in which],
                             [1 if w == "top_low" else 0 for w in which], margin * n_az / TWO_PI)
        return dict(zip(which, tabs)), True
    tab = threshold_tables(lat, lon, hor, n_lon_bins, centre_offset_rad=par_bar, top_offset_rad=rho_bar - par_bar,
                           low_margin_rad=margin, tables=which)
    return {w: tab[f"beta_{w}"] for w in which}, False


def _changes(changed: np.ndarray):
    """(row, col) of the True entries of a C-contiguous bool array whose rows have a length
    divisible by 8: scans 8-byte words first (changes are rare), then decodes the few
    non-zero words."""
    words = changed.view(np.uint64).ravel()
    hit = np.flatnonzero(words)
    sub = changed.reshape(-1, 8)[hit]
    w_idx, byte = np.nonzero(sub)
    flat = hit[w_idx] * 8 + byte
    return np.divmod(flat, changed.shape[1])


def _lit_transitions(bt, shifted, kbin, tblock=256):
    """State changes of ``lit[t, p] = shifted[t] < bt[kbin[t], p]`` (sample t, pixel p).

    Pixels that are lit (or dark) at every sample are settled first from per-bin extremes;
    for the others, blocks of ``tblock`` samples (sized for a 512 KiB L2 cache with 1024
    pixels): one row gather of the (L, n) table and one comparison per sample and pixel,
    then the changes between consecutive samples (carried across blocks).
    Returns (t_idx, p_idx, lit0): sample index where pixel p_idx changes state, and the
    state at sample 0.
    """
    n_all = bt.shape[1]
    # Pixels whose state cannot change: per longitude bin, compare the table with the
    # extreme shifted latitudes of the samples in that bin (exact, not a bound on time).
    n_bins = bt.shape[0]
    smin = np.full(n_bins, np.inf, np.float32)
    smax = np.full(n_bins, -np.inf, np.float32)
    np.minimum.at(smin, kbin, shifted)
    np.maximum.at(smax, kbin, shifted)
    used = np.isfinite(smin)
    always_lit = np.all(smax[used, None] < bt[used], axis=0)
    always_dark = np.all(smin[used, None] >= bt[used], axis=0)
    moving = np.flatnonzero(~(always_lit | always_dark))
    if moving.size < n_all:
        t, p, lit0_m = _lit_transitions(np.ascontiguousarray(bt[:, moving]), shifted, kbin, tblock) \
            if moving.size else (np.zeros(0, np.intp), np.zeros(0, np.intp), np.zeros(0, bool))
        lit0 = always_lit.copy()
        lit0[moving] = lit0_m
        return t, moving[p], lit0
    n = n_all
    pad = (-n) % 8
    if pad:  # keep rows a whole number of 8-byte words for _changes
        bt = np.concatenate((bt, np.repeat(bt[:, -1:], pad, axis=1)), axis=1)
    ts, ps = [], []
    prev = None
    for i in range(0, kbin.size, tblock):
        lit = np.less(shifted[i:i + tblock, None], bt[kbin[i:i + tblock]])  # (tb, n + pad)
        if prev is None:
            lit0 = lit[0, :n].copy()
        else:
            t, p = _changes(np.not_equal(prev, lit[:1]))
            ts.append(t + i)
            ps.append(p)
        t, p = _changes(np.not_equal(lit[1:], lit[:-1]))
        ts.append(t + i + 1)
        ps.append(p)
        prev = lit[-1:]
    t, p = np.concatenate(ts), np.concatenate(ps)
    keep = p < n
    return t[keep], p[keep], lit0



def _chunk_at(i, lat, lon, hor, track, dist, shifted_top, kbin, edges, n_lon_bins, margin, time_series, time_block,
              chunk_pixels):
    s = slice(i, i + chunk_pixels)
    return _chunk_stats(lat[s], lon[s], hor[s], track, dist, shifted_top, kbin, edges, n_lon_bins, margin,
                        time_series, time_block)



def illumination_map(lat_rad, lon_rad, horizon_rad, track: BodyTrack, *, n_lon_bins: int = 720,
                     time_series: bool = True, chunk_pixels: int = 1024, workers: int = 2,
                     time_block: int = 256, margin_lat_rad: float | None = None) -> IlluminationMap:
    """Mean visible fraction, never-visible mask and lit/dark run statistics for every pixel.

    Parameters
    ----------
    lat_rad, lon_rad : array_like
        Pixel latitude/longitude [rad], any shape (the map's, e.g. ``dem.latlon()``), south of
        60 deg S.
    horizon_rad : ndarray, shape lat.shape + (A,)
        Horizon masks in grid azimuth (float32 recommended).
    track : BodyTrack
        The body's motion over the window (:func:`lupex.surface.tracks.body_track`).
    n_lon_bins : int
        Sub-body longitude bins L of the threshold tables (azimuth quantisation 180/L deg).
    time_series : bool
        Also compute the run statistics from the full time series (cost O(pixels x nt));
        otherwise only the distribution-based mean and the never-visible mask (O(pixels x L)).
    chunk_pixels, workers, time_block : int
        Pixels per chunk (memory ~ 20 bytes x L x chunk), worker processes (forked, used
        when there are at least 4 chunks per worker), time samples per comparison block.
    margin_lat_rad : float, optional
        Latitude [rad] whose colatitude sets the never-visible test's margin (below);
        default the northernmost pixel's.  A tile of a larger map passes the map's, so
        its pixels get the same answer as in the whole map.

    Notes
    -----
    Mean: each sample's shifted latitude delta'' = delta + (p - p_bar) is histogrammed per
    longitude bin (0.005 deg bins) and folded with the disk-fraction kernel of the mean radius,
    then looked up at each pixel's centre threshold (:func:`mean_fraction_from_distribution`).
    Time series: some of the disk is visible iff delta' = delta - (rho - p) + (rho_bar - p_bar)
    < beta_top at the sample's longitude bin.  Never visible: for every longitude bin, the
    smallest delta' of its samples is at least the threshold computed from the lowest horizon
    within half a bin plus theta_max*|delta|_max of alpha (and 1e-5 rad), so bin quantisation
    and the delta = 0 azimuth can only make the mask SMALLER than the truth (conservative PSR).
    """
    shape = np.shape(lat_rad)
    lat, lon = south_cap_points(lat_rad, lon_rad, max_lat_rad=MAX_MAP_LAT_RAD)
    hor = mask_rows(horizon_rad, lat.size)
    if not isinstance(n_lon_bins, (int, np.integer)) or not 36 <= n_lon_bins <= 8640:
        raise ValueError(f"n_lon_bins: must be an integer in [36, 8640], got {n_lon_bins!r}")
    rho_bar = float(np.average(track.radius_rad, weights=track.weight_h))
    par_bar = float(track.parallax_rad.mean())
    shifted_top = track.lat_rad - (track.radius_rad - track.parallax_rad) + (rho_bar - par_bar)
    kbin = lon_bin(track.lon_rad, n_lon_bins)
    dist = body_distribution(track, n_lon_bins)
    top = lat.max() if margin_lat_rad is None else margin_lat_rad
    theta_max = float(np.pi / 2 + top) if lat.size else 0.0
    margin = np.pi / n_lon_bins + theta_max * float(np.abs(track.lat_rad).max()) + 1e-5
    edges = np.concatenate(([0.0], np.cumsum(track.weight_h)))

    args = (lat, lon, hor, track, dist, shifted_top, kbin, edges, n_lon_bins, margin, time_series, time_block,
            chunk_pixels)
    starts = list(range(0, lat.size, chunk_pixels))
    # Processes, not threads: numpy's gathers and nonzero hold the GIL.  Forked workers
    # inherit the inputs copy-on-write (no pickling of the masks); only the per-chunk
    # results travel back.  Fewer than 4 chunks per worker are not worth the fork.
    parts = fork_map(_chunk_at, starts, args, workers if len(starts) >= 4 * workers else 1)
    mean = np.concatenate([p[0] for p in parts]).reshape(shape)
    never = np.concatenate([p[1] for p in parts]).reshape(shape)
    if time_series:
        field = {f: np.concatenate([getattr(p[2], f) for p in parts]).reshape(shape)
                 for f in ("longest_dark_h", "longest_lit_h", "n_lit_periods", "mean_lit_h")}
    else:
        field = dict.fromkeys(("longest_dark_h", "longest_lit_h", "n_lit_periods", "mean_lit_h"))
    return IlluminationMap(track.body, float(track.jd_tdb[0]), float(track.jd_tdb[-1]), int(track.jd_tdb.size),
                           mean, never, n_lon_bins=n_lon_bins, **field)
