"""Lit and dark periods of a visibility series: the longest night, the longest day, and
the number and mean length of lit stretches, per pixel (runs cut by the window ends)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lupex.surface.tracks import sample_weights_h

__all__ = ["RunStats", "run_statistics", "runs_from_transitions"]


@dataclass(frozen=True)
class RunStats:
    """Lit/dark period statistics per pixel over a window (runs cut by the window ends).

    ``longest_dark_h``: longest stretch with no part of the disk visible [h];
    ``longest_lit_h``: longest stretch with some part visible [h]; ``n_lit_periods``: number
    of separate lit stretches; ``mean_lit_h``: their mean length [h] (0 where none).
    """

    longest_dark_h: np.ndarray
    longest_lit_h: np.ndarray
    n_lit_periods: np.ndarray
    mean_lit_h: np.ndarray


def runs_from_transitions(t_idx, p_idx, lit0, edges_h) -> RunStats:
    """Run statistics [h] from state changes.

    Vectorised: each run is the stretch between consecutive boundaries of the same pixel,
    the window start and end included as boundaries (so the first and last runs are cut by
    the window). A run's length is ``edges_h[end] - edges_h[start]``.

    Parameters
    ----------
    t_idx : ndarray of int, shape (k,)
        Sample index of each transition: the state of pixel ``p_idx[i]`` differs between
        samples ``t_idx[i] - 1`` and ``t_idx[i]`` (1 <= t_idx <= nt - 1).
    p_idx : ndarray of int, shape (k,)
        Pixel index of each transition, in [0, n); each pixel's entries must be in
        increasing time.
    lit0 : ndarray of bool, shape (n,)
        Each pixel's state at sample 0 (True = lit).
    edges_h : ndarray, shape (nt + 1,)
        Cumulative hours from the window start, sample j covering
        [edges_h[j], edges_h[j+1]) [h].

    Returns
    -------
    RunStats
        Per pixel: longest dark and longest lit run [h], number of lit runs, mean lit-run
        length [h] (0 where none).
    """
    n = lit0.size
    nt = edges_h.size - 1
    # Callers list each pixel's changes in increasing time, so a stable sort by pixel
    # (radix sort for integers) suffices.
    order = np.argsort(p_idx, kind="stable")
    t, p = t_idx[order], p_idx[order]
    counts = np.bincount(p, minlength=n)
    first = np.concatenate(([0], np.cumsum(counts)[:-1]))
    rank = np.arange(t.size) - first[p]  # index of the transition within its pixel
    prev = np.where(rank > 0, np.roll(t, 1), 0)
    # Runs ending at each transition, then the final run of every pixel.
    last_t = np.zeros(n, dtype=np.intp)
    has = counts > 0
    last_t[has] = t[first[has] + counts[has] - 1]
    run_start = np.concatenate((prev, last_t))
    run_end = np.concatenate((t, np.full(n, nt)))
    run_pix = np.concatenate((p, np.arange(n)))
    run_rank = np.concatenate((rank, counts))
    run_lit = lit0[run_pix] ^ (run_rank % 2 == 1)
    dur = edges_h[run_end] - edges_h[run_start]
    longest_dark = np.zeros(n)
    longest_lit = np.zeros(n)
    np.maximum.at(longest_dark, run_pix[~run_lit], dur[~run_lit])
    np.maximum.at(longest_lit, run_pix[run_lit], dur[run_lit])
    n_lit = np.bincount(run_pix[run_lit], minlength=n)
    lit_total = np.bincount(run_pix[run_lit], weights=dur[run_lit], minlength=n)
    mean_lit = np.divide(lit_total, n_lit, out=np.zeros(n), where=n_lit > 0)
    return RunStats(longest_dark, longest_lit, n_lit, mean_lit)


def run_statistics(lit, jd_tdb) -> RunStats:
    """Longest darkness, longest lit stretch and number/mean length of lit periods.

    Parameters
    ----------
    lit : array_like of bool, shape (n, nt)
        True where some part of the disk is visible.
    jd_tdb : array_like, shape (nt,)
        Sample times; each sample stands for :func:`sample_weights_h` hours.
    """
    lit = np.atleast_2d(np.asarray(lit, dtype=bool))
    w = sample_weights_h(jd_tdb)
    if lit.shape[1] != w.size:
        raise ValueError(f"lit: has {lit.shape[1]} time samples but jd_tdb has {w.size}")
    p, t = np.nonzero(lit[:, 1:] != lit[:, :-1])
    edges = np.concatenate(([0.0], np.cumsum(w)))
    return runs_from_transitions(t + 1, p, lit[:, 0].copy(), edges)
