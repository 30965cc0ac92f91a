"""Monte Carlo dispersions: seeded draws in fixed blocks, and the statistics of the outcome
(the landing ellipse, probabilities of a bad touchdown, margin percentiles).

Reproducibility whatever the worker count: samples are drawn in blocks of a fixed size, block
``b`` from its own generator ``numpy.random.default_rng([seed, b])``; a block is the unit of
work handed to a worker, and a block's outcome depends only on its samples. So the same seed
gives bit-identical results with 1, 2 or N workers, and the first N samples of a larger run
are the samples of a smaller one (when the block size is the same).

Every dispersed quantity is a Gaussian with zero mean and the scenario's one-sigma value,
multiplying (relative errors: launch performance, thrust, Isp, burn magnitude) or adding
(pointing, position and velocity errors) to the nominal.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.stats import chi2

__all__ = [
    "BLOCK_SIZE",
    "Ellipse",
    "blocks",
    "draw",
    "draw_block",
    "error_ellipse",
    "fraction_true",
    "percentiles",
]

#: Samples per block: the unit of seeding and of work (see the module docstring).
BLOCK_SIZE = 50


def blocks(n_samples: int, block_size: int = BLOCK_SIZE) -> list[tuple[int, int]]:
    """The blocks covering ``n_samples``: (block index, its sample count).

    Parameters
    ----------
    n_samples : int
        Total samples, >= 1.
    block_size : int
        Samples per block.
    """
    if n_samples < 1 or block_size < 1:
        raise ValueError(f"n_samples and block_size must be >= 1, got {n_samples}, {block_size}")
    full, rest = divmod(int(n_samples), int(block_size))
    return [(b, block_size) for b in range(full)] + ([(full, rest)] if rest else [])


def draw_block(sigmas: Mapping[str, float], seed: int, block: int, size: int
               ) -> dict[str, np.ndarray]:
    """One block's dispersions: for each name, ``size`` draws of N(0, sigma).

    Parameters
    ----------
    sigmas : mapping of str to float
        One-sigma value of each dispersed quantity (its unit is the caller's; a zero sigma
        gives zeros but still consumes its draws, so adding a quantity later does not change
        the others: names are drawn in sorted order).
    seed : int
        The run's seed (recorded in the summary).
    block : int
        Block index.
    size : int
        Samples in the block.
    """
    rng = np.random.default_rng([int(seed), int(block)])
    z = rng.standard_normal((int(size), len(sigmas)))  # sample-major: a short block is a prefix
    return {k: float(sigmas[k]) * z[:, i] for i, k in enumerate(sorted(sigmas))}


def draw(sigmas: Mapping[str, float], seed: int, n_samples: int,
         block_size: int = BLOCK_SIZE) -> dict[str, np.ndarray]:
    """All ``n_samples`` dispersions, block after block (see :func:`draw_block`).

    Parameters
    ----------
    sigmas : mapping of str to float
        One-sigma values by name.
    seed : int
        The run's seed.
    n_samples : int
        Samples.
    block_size : int
        Samples per block.
    """
    parts = [draw_block(sigmas, seed, b, s) for b, s in blocks(n_samples, block_size)]
    return {k: np.concatenate([p[k] for p in parts]) for k in sorted(sigmas)}


@dataclass(frozen=True)
class Ellipse:
    """A confidence ellipse of 2-D points.

    Attributes
    ----------
    center : numpy.ndarray, shape (2,)
        Mean point (same unit as the points).
    semi_major, semi_minor : float
        Semi-axes at the ellipse's probability.
    angle_deg : float
        Direction of the major axis, counter-clockwise from the first coordinate's axis.
    probability : float
        Probability the ellipse holds for a Gaussian with the sample mean and covariance.
    covariance : numpy.ndarray, shape (2, 2)
        Sample covariance.
    """

    center: np.ndarray
    semi_major: float
    semi_minor: float
    angle_deg: float
    probability: float
    covariance: np.ndarray

    def boundary(self, n: int = 181) -> np.ndarray:
        """Points on the ellipse, shape (n, 2).

        Parameters
        ----------
        n : int
            Number of points (closed: the last equals the first).
        """
        t = np.linspace(0.0, 2.0 * np.pi, n)
        a = np.radians(self.angle_deg)
        u = np.stack((self.semi_major * np.cos(t), self.semi_minor * np.sin(t)), axis=-1)
        rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
        return self.center + u @ rot.T

    def contains(self, points) -> np.ndarray:
        """Whether each point (…, 2) lies inside the ellipse.

        Parameters
        ----------
        points : array_like, shape (..., 2)
        """
        d = np.asarray(points, dtype=float) - self.center
        a = np.radians(self.angle_deg)
        along = d[..., 0] * np.cos(a) + d[..., 1] * np.sin(a)
        across = -d[..., 0] * np.sin(a) + d[..., 1] * np.cos(a)
        return (along / self.semi_major) ** 2 + (across / self.semi_minor) ** 2 <= 1.0


def error_ellipse(x, y, probability: float = 0.99) -> Ellipse:
    """The ellipse holding ``probability`` of a bivariate Gaussian fitted to the points.

    The semi-axes are ``sqrt(k * lambda_i)`` with ``lambda_i`` the eigenvalues of the sample
    covariance and ``k`` the chi-square quantile with 2 degrees of freedom,
    ``k = -2 ln(1 - p)`` (9.21 for p = 0.99); e.g. Wang et al. 2015, "Confidence ellipse",
    or any text on multivariate normal confidence regions.

    Parameters
    ----------
    x, y : array_like, shape (n,)
        Point coordinates (e.g. east and north of the target [m]), n >= 3.
    probability : float
        In (0, 1).
    """
    x = np.asarray(x, dtype=float).ravel()
    y = np.asarray(y, dtype=float).ravel()
    if x.size != y.size or x.size < 3:
        raise ValueError(f"error_ellipse: need >= 3 points of equal count, got {x.size}, {y.size}")
    if not 0.0 < probability < 1.0:
        raise ValueError(f"probability must be in (0, 1), got {probability}")
    cov = np.cov(np.stack((x, y)))
    w, v = np.linalg.eigh(cov)  # ascending
    k = float(chi2.ppf(probability, 2))
    major = v[:, 1]
    return Ellipse(np.array([x.mean(), y.mean()]), float(np.sqrt(k * max(w[1], 0.0))),
                   float(np.sqrt(k * max(w[0], 0.0))),
                   float(np.degrees(np.arctan2(major[1], major[0]))), float(probability), cov)


def fraction_true(flags) -> tuple[float, float]:
    """Share of True and its binomial standard error sqrt(p (1 - p) / n).

    Parameters
    ----------
    flags : array_like of bool, shape (n,)
    """
    f = np.asarray(flags, dtype=bool).ravel()
    if f.size == 0:
        raise ValueError("fraction_true: no samples")
    p = float(f.mean())
    return p, float(np.sqrt(p * (1.0 - p) / f.size))


def percentiles(values, q: Sequence[float] = (1.0, 5.0, 50.0, 95.0, 99.0)) -> dict[str, float]:
    """Mean, standard deviation and percentiles of a sample (NaNs are failures: counted, not
    averaged).

    Parameters
    ----------
    values : array_like, shape (n,)
    q : sequence of float
        Percentiles in [0, 100].
    """
    v = np.asarray(values, dtype=float).ravel()
    ok = v[np.isfinite(v)]
    out = {"mean": float(ok.mean()) if ok.size else float("nan"),
           "std": float(ok.std(ddof=1)) if ok.size > 1 else float("nan"),
           "failed": int(v.size - ok.size), "samples": int(v.size)}
    for p in q:
        out[f"p{p:g}"] = float(np.percentile(ok, p)) if ok.size else float("nan")
    return out
