"""The compiled illumination kernels equal the NumPy path bit for bit.

Both paths perform the same float32 operations in the same order (no FMA contraction in
numba without fastmath), so the maps must be EQUAL, not close: any difference is a defect
of one of them.  The run kernel's segment skipping is checked against the transition-based
run statistics on random series (Hypothesis), where a skipped segment whose state were
misjudged would change a run length.
"""

import importlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lupex.surface._illumination_kernels as ik
from lupex.surface.lit_periods import runs_from_transitions
from lupex.surface.thresholds import (
    body_distribution,
    lon_bin,
    mean_fraction_from_distribution,
    threshold_tables,
)
from lupex.surface.tracks import body_track

IM = importlib.import_module("lupex.surface.illumination_map")
JD0 = 2461771.5  # 2028-01-01 TDB

needs_numba = pytest.mark.skipif(not ik.KERNELS, reason="numba not installed: the NumPy path is the only one")

FIELDS = ("mean_fraction", "never_visible", "longest_dark_h", "longest_lit_h", "n_lit_periods", "mean_lit_h")


def _masks(n, seed):
    rng = np.random.default_rng(seed)
    az = np.arange(360) * 2 * np.pi / 360
    hor = np.radians(1.5) * (1 + np.sin(3 * az[None, :] + 6 * rng.random((n, 1)))) * rng.random((n, 1))
    hor += np.radians(0.3) * rng.random((n, 360))  # rough, so runs split and rejoin
    return rng, hor.astype(np.float32)


def _both(monkeypatch, *args, **kw):
    out = []
    for use in (False, True):
        monkeypatch.setattr(IM, "_USE_KERNELS", [use])
        out.append(IM.illumination_map(*args, **kw))
    return out


@needs_numba
@pytest.mark.parametrize("near_pole", [True, False])
@pytest.mark.parametrize(("body", "days", "series"), [("sun", 60, True), ("earth", 60, True), ("sun", 400, False)])
def test_compiled_maps_equal_numpy_maps(monkeypatch, near_pole, body, days, series):
    n = 300
    rng, hor = _masks(n, 3)
    # Within 0.5 deg of the pole every chunk takes the series-form tables (compiled in rows);
    # out to 2 deg they take the closed forms (NumPy tables, compiled mean and runs).
    span = 0.45 if near_pole else 2.0
    lat = np.radians(-90 + span * rng.random(n))
    lon = rng.random(n) * 2 * np.pi
    tr = body_track(body, JD0 + np.arange(0, days * 24, 1 if series else 6) / 24.0)
    numpy_map, compiled = _both(monkeypatch, lat, lon, hor, tr, time_series=series, chunk_pixels=64, workers=1)
    checked = 0
    for name in FIELDS:
        a, b = getattr(numpy_map, name), getattr(compiled, name)
        if a is None:
            assert b is None
            continue
        np.testing.assert_array_equal(a, b, err_msg=name)
        checked += 1
    assert checked == (6 if series else 2)
    # The series must exercise changes of state, or the run kernel is untested here.
    if series:
        assert np.any(numpy_map.n_lit_periods > 1)


@needs_numba
def test_pole_rows_equal_threshold_tables():
    n = 200
    rng, hor = _masks(n, 4)
    lat = np.radians(-90 + 0.5 * rng.random(n))
    lon = rng.random(n) * 2 * np.pi
    margin = 0.004
    tab = threshold_tables(lat, lon, hor, 720, centre_offset_rad=0.001, top_offset_rad=0.0046, low_margin_rad=margin,
                           tables=("centre", "top", "top_low"))
    rows = ik.pole_rows(lat, lon, hor, 720, [0.001, -0.0046, -0.0046], [0, 0, 1], margin * 360 / (2 * np.pi))
    for k, name in enumerate(("centre", "top", "top_low")):
        np.testing.assert_array_equal(rows[k], tab[f"beta_{name}"].T, err_msg=name)


@needs_numba
def test_mean_kernels_equal_distribution_lookup():
    n = 500
    rng, hor = _masks(n, 5)
    lat = np.radians(-88 - 2 * rng.random(n))
    lon = rng.random(n) * 2 * np.pi
    tr = body_track("sun", JD0 + np.arange(0, 365 * 4) / 4.0)
    dist = body_distribution(tr, 720)
    beta = threshold_tables(lat, lon, hor, 720, tables=("centre",))["beta_centre"]
    beta[0, :5] = 1.0  # beyond both ends of the latitude grid: clipped alike
    beta[1, 5:10] = -1.0
    ref = mean_fraction_from_distribution(beta, dist)
    np.testing.assert_array_equal(ik.mean_fraction(beta, dist, rows=False), ref)
    np.testing.assert_array_equal(ik.mean_fraction(ik.transpose(beta), dist, rows=True), ref)
    assert 0.05 < ref.mean() < 0.95  # a map with both light and shadow


@needs_numba
@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 40), n_bins=st.integers(1, 100), nt=st.integers(1, 400), group=st.integers(1, 40),
       seed=st.integers(0, 2**32 - 1), monotone=st.booleans())
def test_run_kernel_equals_transition_runs(n, n_bins, nt, group, seed, monotone):
    rng = np.random.default_rng(seed)
    bt = rng.normal(size=(n, n_bins)).astype(np.float32)
    shifted = rng.normal(size=nt).astype(np.float32)
    # Like a sub-body longitude: bins visited in order (segments of several samples), or at random.
    kbin = (np.cumsum(rng.integers(0, 2, nt)) % n_bins) if monotone else rng.integers(0, n_bins, nt)
    edges = np.concatenate(([0.0], np.cumsum(rng.uniform(0.5, 1.5, nt))))
    lit = shifted[:, None] < bt.T[kbin]  # (nt, n)
    t, p = np.nonzero(lit[1:] != lit[:-1])
    order = np.lexsort((t, p))
    ref = runs_from_transitions(t[order] + 1, p[order], lit[0].copy(), edges)
    got = ik.run_rows(bt, shifted, kbin, edges, ik.time_segments(shifted, kbin, group), group)
    for name, value in zip(("longest_dark_h", "longest_lit_h", "n_lit_periods", "mean_lit_h"), got):
        np.testing.assert_array_equal(value, getattr(ref, name), err_msg=name)


@needs_numba
def test_transpose_is_the_transpose():
    a = np.arange(130 * 70, dtype=np.float32).reshape(130, 70)
    np.testing.assert_array_equal(ik.transpose(a), a.T)
    assert ik.transpose(a).flags.c_contiguous


@needs_numba
def test_time_segments_cover_the_series_in_order():
    kbin = lon_bin(np.radians(np.arange(0, 720, 0.5)[::-1]), 720)
    shifted = np.linspace(-0.01, 0.01, kbin.size).astype(np.float32)
    start, grp, smin, smax = ik.time_segments(shifted, kbin, 32)
    assert start[0] == 0 and np.all(np.diff(start) > 0)
    for s, g, lo, hi, end in zip(start, grp, smin, smax, np.append(start[1:], kbin.size)):
        assert np.all(kbin[s:end] // 32 == g)
        assert lo == shifted[s:end].min() and hi == shifted[s:end].max()


@pytest.mark.parametrize("compiled", [False, pytest.param(True, marks=needs_numba)])
@pytest.mark.parametrize("series", [True, False])
def test_pixel_values_do_not_depend_on_the_chunk(monkeypatch, compiled, series):
    # Pixels 0.3-0.8 deg from the pole: within 0.51 deg the tables take the series forms,
    # beyond it the closed forms (they differ by up to 3e-5 rad).  Each pixel must take its
    # own, whichever other pixels share its chunk (a tile of a larger map has other chunks).
    monkeypatch.setattr(IM, "_USE_KERNELS", [compiled])
    n = 256
    rng, hor = _masks(n, 6)
    lat = np.radians(-90 + 0.3 + 0.5 * rng.random(n))
    lon = rng.random(n) * 2 * np.pi
    tr = body_track("earth", JD0 + np.arange(0, 40 * 24, 2) / 24.0)
    near = np.pi / 2 + lat < 0.0089
    assert 0.2 < near.mean() < 0.8
    whole = IM.illumination_map(lat, lon, hor, tr, time_series=series, chunk_pixels=n, workers=1)
    order = np.argsort(near, kind="stable")  # chunks of only near or only far pixels
    split = IM.illumination_map(lat[order], lon[order], hor[order], tr, time_series=series, chunk_pixels=8, workers=1)
    for name in FIELDS:
        a = getattr(whole, name)
        if a is not None:
            np.testing.assert_array_equal(a[order], getattr(split, name), err_msg=name)
