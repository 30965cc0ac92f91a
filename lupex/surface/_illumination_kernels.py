"""Optional compiled (numba) kernels of the map illumination engine, equal to its NumPy path.

The NumPy path (:mod:`lupex.surface.thresholds`, :mod:`lupex.surface.illumination_map`)
builds (L, n) tables of threshold latitudes, one longitude bin per row, and compares a
whole block of time samples at once.  These kernels work pixel by pixel on the same
float32 operations in the same order (numba contracts no multiply-add into an FMA without
fastmath), so every table entry, every lit/dark decision and every run length is equal
bit for bit (tests/surface/test_illumination_kernels.py compares both paths):

* :func:`pole_rows`: the near-pole threshold tables of
  :func:`lupex.surface.thresholds.threshold_tables` in (n, L) layout, each pixel's mask
  row staying in the L1 cache;
* :func:`mean_fraction`: :func:`lupex.surface.thresholds.mean_fraction_from_distribution`,
  summed over the bins in the same order;
* :func:`run_rows`: the run statistics of :func:`lupex.surface.lit_periods.runs_from_transitions`
  for ``lit[t] = shifted[t] < bt[kbin[t]]``, in one pass over time per pixel, skipping
  whole segments of samples whose lit state is settled by the extremes of the pixel's
  table over a group of bins (the state can only be read from a sample where it is not);
* :func:`never_visible`: the conservative never-visible test.

All kernels release the GIL.  Without numba (``KERNELS`` is False) the engine uses its
NumPy path.
"""

from __future__ import annotations

import numpy as np

try:  # pragma: no cover - exercised by whichever environment runs the tests
    import numba

    KERNELS = True
except ImportError:  # pragma: no cover
    numba = None
    KERNELS = False

__all__ = ["KERNELS", "mean_fraction", "never_visible", "pole_rows", "run_rows", "time_segments", "transpose"]

#: Longitude bins per group of the run kernel's segment test (32 bins = 16 deg at L = 720:
#: about 32 hourly Sun samples per segment; 8 to 32 measured within 20 % of each other).
GROUP_BINS = 32


def _lerp(hrow, k0, k1, w):
    h0 = hrow[k0]
    return h0 + (hrow[k1] - h0) * w


def _pole_rows_py(a, b, half_th2, cos_lam, sin_lam, k0, k1, w, lo0, lo1, low_w, hi0, hi1, hi_w, knot_in,
                  knot, hor, offsets, kinds, out):
    """out[m, p, k] = psi - q (h + offsets[m]) for table m, pixel p, bin k (near-pole forms).

    kinds[m]: 0 the mask at the bin position, 1 the lowest of the mask at pos -+ margin and
    at the bin centre between them (``knot_in``), as ``threshold_tables``' low_horizon.
    """
    n = a.shape[0]
    n_bins = cos_lam.shape[0]
    three = np.float32(3)
    two = np.float32(2)
    one = np.float32(1)
    for p in range(n):
        ap = a[p]
        bp = b[p]
        qp = one + half_th2[p]
        hrow = hor[p]
        for k in range(n_bins):
            tc = cos_lam[k] * ap + sin_lam[k] * bp
            tc2 = tc * tc
            psi = tc - tc * tc2 / three
            q = qp - tc2 / two
            h = _lerp(hrow, k0[k], k1[k], w[k])
            for m in range(kinds.shape[0]):
                if kinds[m] == 0:
                    hh = h
                else:
                    hh = min(_lerp(hrow, lo0[k], lo1[k], low_w[k]), _lerp(hrow, hi0[k], hi1[k], hi_w[k]))
                    if knot_in[k]:
                        hh = min(hh, _lerp(hrow, knot[k], knot[k], np.float32(0)))
                out[m, p, k] = psi - q * (hh + offsets[m])


def _mean_rows_py(beta, phi, beta0, inv_db, total_weight, out):
    """out[p] = sum_k (phi[k, i] + (phi[k, i + 1] - phi[k, i]) f) / total_weight, i + f the
    pixel's position on the latitude grid (clipped; no slope at the last node), summed over
    k in order in float64.  Pixels go in blocks of 64 so that each bin's phi row is read
    from the L1 cache by the whole block."""
    n, n_bins = beta.shape
    nb = phi.shape[1]
    top = np.float32(nb - 1)
    zero = np.float32(0)
    acc = np.empty(64)
    for p0 in range(0, n, 64):
        p1 = min(p0 + 64, n)
        acc[:] = 0.0
        for k in range(n_bins):
            prow = phi[k]
            for p in range(p0, p1):
                pos = (beta[p, k] - beta0) * inv_db
                pos = min(max(pos, zero), top)
                i0 = np.int32(pos)
                frac = np.float32(np.float64(pos) - np.float64(i0))
                d = prow[i0 + 1] - prow[i0] if i0 < nb - 1 else zero
                acc[p - p0] += np.float64(prow[i0] + d * frac)
        for p in range(p0, p1):
            out[p] = acc[p - p0] / total_weight


def _mean_cols_py(beta, phi, beta0, inv_db, total_weight, out):
    """:func:`_mean_rows_py` for a table in (L, n) layout (bins outer, same summation order)."""
    n_bins, n = beta.shape
    nb = phi.shape[1]
    top = np.float32(nb - 1)
    zero = np.float32(0)
    out[:] = 0.0
    for k in range(n_bins):
        row = beta[k]
        prow = phi[k]
        for p in range(n):
            pos = (row[p] - beta0) * inv_db
            pos = min(max(pos, zero), top)
            i0 = np.int32(pos)
            frac = np.float32(np.float64(pos) - np.float64(i0))
            d = prow[i0 + 1] - prow[i0] if i0 < nb - 1 else zero
            out[p] += np.float64(prow[i0] + d * frac)
    for p in range(n):
        out[p] = out[p] / total_weight


def _close_run_py(was_lit, dur, dark_max, lit_max, count, lit_sum):
    """A run of ``dur`` hours ends: update (longest dark, longest lit, lit runs, lit hours)."""
    if was_lit:
        return dark_max, max(lit_max, dur), count + 1, lit_sum + dur
    return max(dark_max, dur), lit_max, count, lit_sum


def _run_rows_py(bt, shifted, kbin, edges, seg_start, seg_group, seg_min, seg_max, group_bins,
                 longest_dark, longest_lit, n_lit, mean_lit):
    """Run statistics of lit[t] = shifted[t] < bt[p, kbin[t]], one pass over time per pixel.

    A segment whose largest sample lies below the smallest threshold of its group of bins
    is lit throughout, one whose smallest sample lies at or above the largest threshold is
    dark throughout; only the others are compared sample by sample.  Runs are closed in
    time order, as :func:`lupex.surface.lit_periods.runs_from_transitions` sums them.
    """
    n, n_bins = bt.shape
    nt = shifted.shape[0]
    n_seg = seg_start.shape[0]
    n_groups = (n_bins + group_bins - 1) // group_bins
    gmin = np.empty(n_groups, np.float32)
    gmax = np.empty(n_groups, np.float32)
    for p in range(n):
        row = bt[p]
        for g in range(n_groups):
            lo = row[g * group_bins]
            hi = lo
            for k in range(g * group_bins + 1, min((g + 1) * group_bins, n_bins)):
                v = row[k]
                lo = min(lo, v)
                hi = max(hi, v)
            gmin[g] = lo
            gmax[g] = hi
        state = shifted[0] < row[kbin[0]]
        start = 0
        dark_max, lit_max, count, lit_sum = 0.0, 0.0, 0, 0.0
        for s in range(n_seg):
            t0 = seg_start[s]
            t1 = seg_start[s + 1] if s + 1 < n_seg else nt
            g = seg_group[s]
            if seg_max[s] < gmin[g] or seg_min[s] >= gmax[g]:  # settled: lit, or dark, throughout
                lit = seg_max[s] < gmin[g]
                if lit != state:
                    dark_max, lit_max, count, lit_sum = _close_run(state, edges[t0] - edges[start], dark_max,
                                                                   lit_max, count, lit_sum)
                    state = lit
                    start = t0
                continue
            for t in range(t0, t1):
                lit = shifted[t] < row[kbin[t]]
                if lit != state:
                    dark_max, lit_max, count, lit_sum = _close_run(state, edges[t] - edges[start], dark_max,
                                                                   lit_max, count, lit_sum)
                    state = lit
                    start = t
        dark_max, lit_max, count, lit_sum = _close_run(state, edges[nt] - edges[start], dark_max, lit_max, count,
                                                       lit_sum)
        longest_dark[p] = dark_max
        longest_lit[p] = lit_max
        n_lit[p] = count
        mean_lit[p] = lit_sum / count if count > 0 else 0.0


def _never_cols_py(bt_low, dmin, used, eps, out):
    """:func:`_never_rows_py` for a table in (L, n) layout."""
    n_bins, n = bt_low.shape
    out[:] = True
    for k in range(n_bins):
        if used[k]:
            row = bt_low[k]
            d = dmin[k]
            for p in range(n):
                out[p] = out[p] and d >= row[p] + eps


def _transpose_py(src, out):
    """out = src.T in 64 x 64 blocks (both stay in the L1 cache)."""
    n0, n1 = src.shape
    for i0 in range(0, n0, 64):
        for j0 in range(0, n1, 64):
            for i in range(i0, min(i0 + 64, n0)):
                for j in range(j0, min(j0 + 64, n1)):
                    out[j, i] = src[i, j]


def _never_rows_py(bt_low, dmin, used, eps, out):
    """out[p] = all(dmin[k] >= bt_low[p, k] + eps for the used bins k)."""
    n, n_bins = bt_low.shape
    for p in range(n):
        row = bt_low[p]
        never = True
        for k in range(n_bins):
            if used[k] and not dmin[k] >= row[k] + eps:
                never = False
                break
        out[p] = never


if KERNELS:
    _jit = numba.njit(nogil=True, cache=True, error_model="numpy")
    _lerp = numba.njit(nogil=True, cache=True, error_model="numpy", inline="always")(_lerp)
    _close_run = numba.njit(nogil=True, cache=True, error_model="numpy", inline="always")(_close_run_py)
    _pole_rows = _jit(_pole_rows_py)
    _mean_rows = _jit(_mean_rows_py)
    _run_rows = _jit(_run_rows_py)
    _never_rows = _jit(_never_rows_py)
    _mean_cols = _jit(_mean_cols_py)
    _never_cols = _jit(_never_cols_py)
    _transpose = _jit(_transpose_py)


def transpose(src: np.ndarray) -> np.ndarray:
    """``src.T`` as a new C-contiguous float32 array, copied block by block.

    Parameters
    ----------
    src : ndarray, shape (m, n), float32

    Returns
    -------
    ndarray, shape (n, m), float32
    """
    src = np.ascontiguousarray(src, np.float32)
    out = np.empty(src.shape[::-1], np.float32)
    _transpose(src, out)
    return out


def _bin_lookup(pos):
    """(k0, k1, w) of a linear mask lookup at fractional bin positions ``pos`` (as
    ``threshold_tables``' _mask_lookup, whose A is applied by the caller)."""
    k0f = np.floor(pos)
    return k0f, (pos - k0f).astype(np.float32)


def pole_rows(lat, lon, hor, n_lon_bins: int, offsets, kinds, low_margin_bins: float = 0.0) -> np.ndarray:
    """Near-pole threshold tables in (n, L) layout, equal to ``threshold_tables(...)[name].T``.

    Parameters
    ----------
    lat, lon : ndarray, shape (n,)
        Pixel latitude and longitude [rad], every pixel within 0.51 deg of the pole.
    hor : ndarray, shape (n, A), float32
        Horizon masks in grid azimuth [rad].
    n_lon_bins : int
        Longitude bins L.
    offsets : sequence of float
        Per table: added to the horizon [rad] (``centre_offset`` or ``-top_offset``).
    kinds : sequence of int
        Per table: 0 the mask at the bin, 1 the lowest mask within ``low_margin_bins``.
    low_margin_bins : float
        Half-width [bins of the mask] of the low-horizon search.

    Returns
    -------
    ndarray, shape (len(offsets), n, L), float32
        Threshold sub-body latitudes [rad].
    """
    f32 = np.float32
    two_pi = 2.0 * np.pi
    n_az = hor.shape[1]
    theta = np.pi / 2 + lat
    tth = np.tan(theta)
    a = (tth * np.cos(lon)).astype(f32)
    b = (tth * np.sin(lon)).astype(f32)
    half_th2 = (theta * theta / 2).astype(f32)
    lam = (np.arange(n_lon_bins) * (two_pi / n_lon_bins)).astype(f32)
    pos = lam * f32(n_az / two_pi)

    def idx(p):
        k0f, w = _bin_lookup(p)
        k0 = np.mod(k0f.astype(np.int64), n_az)
        k1 = k0 + 1
        k1[k1 == n_az] = 0
        return k0, k1, w

    k0, k1, w = idx(pos)
    m = f32(low_margin_bins)
    lo0, lo1, low_w = idx(pos - m)
    hi0, hi1, hi_w = idx(pos + m)
    knot_f = np.round(pos)
    knot_in = np.abs(knot_f - pos) <= m
    knot = np.mod(knot_f.astype(np.int64), n_az)
    out = np.empty((len(offsets), lat.size, n_lon_bins), f32)
    _pole_rows(a, b, half_th2, np.cos(lam), np.sin(lam), k0, k1, w, lo0, lo1, low_w, hi0, hi1, hi_w, knot_in, knot,
               np.ascontiguousarray(hor, dtype=f32), np.asarray(offsets, f32), np.asarray(kinds, np.int64), out)
    return out


def mean_fraction(beta: np.ndarray, dist, rows: bool = True) -> np.ndarray:
    """:func:`lupex.surface.thresholds.mean_fraction_from_distribution`, fused.

    Parameters
    ----------
    beta : ndarray, shape (n, L) (``rows``) or (L, n), float32
        Centre threshold latitudes [rad].
    dist : lupex.surface.thresholds.BodyDistribution
        The body's distribution over the window.
    rows : bool
        True for one row per pixel, False for the (L, n) layout of ``threshold_tables``.

    Returns
    -------
    ndarray, shape (n,)
        Time-mean visible disk fraction.
    """
    beta = np.ascontiguousarray(beta, np.float32)
    out = np.empty(beta.shape[0 if rows else 1])
    (_mean_rows if rows else _mean_cols)(beta, np.ascontiguousarray(dist.phi, np.float32), np.float32(dist.beta0),
                                         np.float32(1.0 / dist.dbeta), float(dist.total_weight), out)
    return out


def time_segments(shifted: np.ndarray, kbin: np.ndarray, group_bins: int = GROUP_BINS):
    """Runs of consecutive samples whose longitude bins fall in one group of ``group_bins``
    bins, with the extremes of ``shifted`` over each (pixel independent, computed once).

    Parameters
    ----------
    shifted : ndarray, shape (nt,), float32
        The compared sub-body latitude series [rad].
    kbin : ndarray of int, shape (nt,)
        Longitude bin of each sample.
    group_bins : int
        Bins per group.

    Returns
    -------
    tuple of ndarray
        ``(start, group, smin, smax)`` per segment.
    """
    grp = np.asarray(kbin, np.int64) // group_bins
    start = np.flatnonzero(np.concatenate(([True], grp[1:] != grp[:-1])))
    smin = np.minimum.reduceat(shifted, start)
    smax = np.maximum.reduceat(shifted, start)
    return start, grp[start], smin.astype(np.float32), smax.astype(np.float32)


def run_rows(bt_rows, shifted, kbin, edges_h, segments, group_bins: int = GROUP_BINS):
    """Lit/dark run statistics of ``lit[t, p] = shifted[t] < bt_rows[p, kbin[t]]``.

    Parameters
    ----------
    bt_rows : ndarray, shape (n, L), float32
        Threshold latitudes [rad], one row per pixel.
    shifted : ndarray, shape (nt,), float32
        Compared sub-body latitude per sample [rad].
    kbin : ndarray of int, shape (nt,)
        Longitude bin per sample.
    edges_h : ndarray, shape (nt + 1,)
        Cumulative hours from the window start.
    segments : tuple
        :func:`time_segments` of ``shifted`` and ``kbin`` with the same ``group_bins``.
    group_bins : int
        Bins per group.

    Returns
    -------
    tuple of ndarray, shape (n,)
        ``(longest_dark_h, longest_lit_h, n_lit_periods, mean_lit_h)`` as
        :func:`lupex.surface.lit_periods.runs_from_transitions`.
    """
    n = bt_rows.shape[0]
    out = (np.empty(n), np.empty(n), np.empty(n, np.int64), np.empty(n))
    start, grp, smin, smax = segments
    _run_rows(np.ascontiguousarray(bt_rows, np.float32), np.ascontiguousarray(shifted, np.float32),
              np.ascontiguousarray(kbin, np.int64), np.ascontiguousarray(edges_h, np.float64), start, grp, smin, smax,
              int(group_bins), *out)
    return out


def never_visible(bt_low, dmin, used, eps, rows: bool = True) -> np.ndarray:
    """Never-visible test per pixel: ``all(dmin[k] >= bt_low[p, k] + eps)`` over the
    used bins (as ``illumination_map``'s conservative test).

    Parameters
    ----------
    bt_low : ndarray, shape (n, L) (``rows``) or (L, n), float32
        Low-horizon top-edge thresholds [rad].
    dmin : ndarray, shape (L,), float32
        Smallest compared latitude of the samples in each bin [rad].
    used : ndarray of bool, shape (L,)
        Bins with samples.
    eps : float
        Margin [rad] (float32).
    rows : bool
        True for one row per pixel, False for the (L, n) layout.

    Returns
    -------
    ndarray of bool, shape (n,)
    """
    bt_low = np.ascontiguousarray(bt_low, np.float32)
    out = np.empty(bt_low.shape[0 if rows else 1], bool)
    (_never_rows if rows else _never_cols)(bt_low, np.asarray(dmin, np.float32), np.asarray(used, bool),
                                           np.float32(eps), out)
    return out
