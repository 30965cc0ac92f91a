"""Monte Carlo building blocks: seeded block draws, the confidence ellipse against the
closed form for a known Gaussian, fractions and percentiles."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.stats import binom

from lupex.dispersions import blocks, draw, draw_block, error_ellipse, fraction_true, percentiles

SIGMAS = {"thrust": 0.01, "isp": 0.003, "pos_m": 100.0}


@given(st.integers(1, 5000), st.integers(1, 300))
def test_blocks_cover_every_sample_once(n, size):
    bl = blocks(n, size)
    assert sum(s for _, s in bl) == n
    assert [b for b, _ in bl] == list(range(len(bl)))
    assert all(0 < s <= size for _, s in bl)


def test_draws_depend_on_seed_and_block_only():
    """A block is the same however the run is split: the first 120 samples of a 1000-sample
    run are the 120-sample run; block 3 alone equals block 3 inside the full draw."""
    full = draw(SIGMAS, seed=7, n_samples=1000)
    part = draw(SIGMAS, seed=7, n_samples=120)
    for k in SIGMAS:
        np.testing.assert_array_equal(full[k][:120], part[k])
        np.testing.assert_array_equal(draw_block(SIGMAS, 7, 3, 50)[k], full[k][150:200])
    other = draw(SIGMAS, seed=8, n_samples=120)
    assert not np.array_equal(other["thrust"], part["thrust"])


def test_draws_have_the_requested_sigma():
    d = draw(SIGMAS, seed=1, n_samples=20_000)
    for k, s in SIGMAS.items():
        # sample std of n normals: relative standard error 1/sqrt(2(n-1)) = 0.5 %; 4 sigma
        assert d[k].std(ddof=1) == pytest.approx(s, rel=4 / np.sqrt(2 * 19_999))
        assert abs(d[k].mean()) < 4 * s / np.sqrt(20_000)


def test_ellipse_matches_the_closed_form_of_a_known_gaussian():
    """Covariance with semi-axes sqrt(9.21 * lambda): lambda = 400^2 and 100^2 m^2 along 30 deg.
    With n = 40,000 the variance's relative standard error is sqrt(2/n) = 0.7 %, so the axes
    (square roots) are within 0.35 %; 5 sigma gives the 1.8 % tolerance."""
    rng = np.random.default_rng(3)
    a = np.radians(30.0)
    rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    pts = rng.standard_normal((40_000, 2)) * [400.0, 100.0] @ rot.T + [50.0, -20.0]
    e = error_ellipse(pts[:, 0], pts[:, 1], 0.99)
    k = -2.0 * np.log(0.01)
    assert e.semi_major == pytest.approx(np.sqrt(k) * 400.0, rel=0.018)
    assert e.semi_minor == pytest.approx(np.sqrt(k) * 100.0, rel=0.018)
    assert (e.angle_deg % 180.0) == pytest.approx(30.0, abs=1.0)
    np.testing.assert_allclose(e.center, [50.0, -20.0], atol=5 * 400.0 / np.sqrt(40_000))
    # about 99 % of fresh points fall inside: within the binomial 99.99 % interval
    fresh = rng.standard_normal((20_000, 2)) * [400.0, 100.0] @ rot.T + [50.0, -20.0]
    inside = int(e.contains(fresh).sum())
    lo, hi = binom.interval(0.9999, 20_000, 0.99)
    assert lo - 60 <= inside <= hi + 60  # + the ellipse's own fitting error (~0.3 % of area)
    b = e.boundary()
    assert np.allclose(b[0], b[-1]) and e.contains(e.center)


@pytest.mark.parametrize("bad", [{"x": [1, 2], "y": [1, 2]}, {"x": [1, 2, 3], "y": [1, 2]}])
def test_ellipse_refuses_too_few_points(bad):
    with pytest.raises(ValueError, match="error_ellipse"):
        error_ellipse(bad["x"], bad["y"])


def test_fraction_and_percentiles():
    p, se = fraction_true([True, False, False, False])
    assert p == 0.25 and se == pytest.approx(np.sqrt(0.25 * 0.75 / 4))
    s = percentiles([1.0, 2.0, 3.0, np.nan, 5.0])
    assert s["failed"] == 1 and s["samples"] == 5 and s["p50"] == 2.5 and s["mean"] == 2.75
