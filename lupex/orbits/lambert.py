"""Lambert's problem (two-point boundary value problem) solved with Izzo's method.

Given two positions and a time of flight, find the two-body orbit joining them.
Izzo (2015), "Revisiting Lambert's problem", Celest. Mech. Dyn. Astr. 121,
1-15, writes the time of flight as a function ``T(x)`` of one variable on
every conic:

* chord ``c = |r2 - r1|``, semi-perimeter ``s = (r1 + r2 + c)/2``,
  ``lambda^2 = 1 - c/s`` (sign: + for transfer angles below pi in the
  requested sense of motion), non-dimensional time ``T = sqrt(2 mu / s^3) tof``;
* ``y = sqrt(1 - lambda^2 (1 - x^2))``; x in (-1, 1) for ellipses, 1 for the
  parabola, > 1 for hyperbolas (eq. 18);
* ``T(x) = [ (psi + M pi) / sqrt|1 - x^2| - x + lambda y ] / (1 - x^2)``
  with ``cos psi = x y + lambda (1 - x^2)`` on ellipses, the sinh form on
  hyperbolas (eq. 18), and Battin's hypergeometric series near x = 1 for
  M = 0 (eq. 20);
* ``T(x) = T*`` is solved with Householder's third-order iteration
  (eq. 22 for the derivatives, sec. 3.2 for the starters) and the velocities
  follow from eq. 23.

For ``M >= 1`` complete revolutions there are two solutions when the time of
flight exceeds the minimum ``T_min(M)`` (found with Halley's method on
``dT/dx = 0``) and none below it.  Both are returned: index 0 is the *left*
branch (``x < x_Tmin``, poliastro ``lowpath=False``), index 1 the *right*
branch (``x > x_Tmin``, poliastro ``lowpath=True``).  Their semi-major axes
are in the result so the short- or long-period one can be picked.

Everything is vectorised over a batch of problems: ``r1``, ``r2`` shaped
(..., 3) and ``tof`` (...) broadcast together.
"""

from dataclasses import dataclass

import numpy as np

from lupex.orbits._validate import gm as _check_gm
from lupex.orbits._validate import real as _check_real
from lupex.orbits._validate import vectors as _check_vectors


@dataclass(frozen=True)
class LambertSolution:
    """Solutions of a batch of Lambert problems for one number of revolutions.

    Attributes
    ----------
    v1_kms, v2_kms : ndarray, shape (..., K, 3)
        Velocity at r1 (departure) and at r2 (arrival) [km/s]; K = 1 for
        ``revs = 0``, K = 2 (left, right branch) for ``revs >= 1``.  NaN where
        no solution exists.
    a_km : ndarray, shape (..., K)
        Semi-major axis of each transfer [km] (negative for hyperbolas).
    x : ndarray, shape (..., K)
        Izzo's free parameter at the solution.
    feasible : ndarray of bool, shape (...)
        False where ``tof`` is shorter than the minimum for ``revs`` revolutions.
    revs : int
        Number of complete revolutions M.
    """

    v1_kms: np.ndarray
    v2_kms: np.ndarray
    a_km: np.ndarray
    x: np.ndarray
    feasible: np.ndarray
    revs: int


def _y(x, lam):
    return np.sqrt(np.maximum(1.0 - lam * lam * (1.0 - x * x), 0.0))


def _hyp2f1b(z):
    """Gauss hypergeometric 2F1(3, 1; 5/2; z) by its series, |z| < 1 (Izzo 2015, eq. 20)."""
    res = np.ones_like(z)
    term = np.ones_like(z)
    for k in range(400):
        term = term * (3.0 + k) * (1.0 + k) / (2.5 + k) * z / (k + 1.0)
        res = res + term
        if np.all(np.abs(term) <= 1e-17 * np.abs(res)):
            break
    return res


def _tof(x, y, lam, revs):
    """Non-dimensional time of flight T(x) (Izzo 2015, eq. 18 and 20)."""
    one_m_x2 = 1.0 - x * x
    near_parabola = (x > np.sqrt(0.6)) & (x < np.sqrt(1.4)) if revs == 0 else np.zeros(x.shape, bool)
    with np.errstate(invalid="ignore", divide="ignore"):
        ell = x < 1.0
        psi_e = np.arccos(np.clip(x * y + lam * one_m_x2, -1.0, 1.0))
        psi_h = np.arcsinh((y - x * lam) * np.sqrt(np.maximum(-one_m_x2, 0.0)))
        psi = np.where(ell, psi_e, psi_h)
        t_psi = ((psi + revs * np.pi) / np.sqrt(np.abs(one_m_x2)) - x + lam * y) / one_m_x2
    if np.any(near_parabola):
        eta = y - lam * x
        s1 = np.where(near_parabola, 0.5 * (1.0 - lam - x * eta), 0.0)
        q = 4.0 / 3.0 * _hyp2f1b(s1)
        t_series = 0.5 * (eta**3 * q + 4.0 * lam * eta)
        return np.where(near_parabola, t_series, t_psi)
    return t_psi


def _tof_derivatives(x, y, t, lam):
    """dT/dx, d2T/dx2, d3T/dx3 (Izzo 2015, eq. 22)."""
    one_m_x2 = 1.0 - x * x
    l2 = lam * lam
    l3 = l2 * lam
    d1 = (3.0 * t * x - 2.0 + 2.0 * l3 * x / y) / one_m_x2
    d2 = (3.0 * t + 5.0 * x * d1 + 2.0 * (1.0 - l2) * l3 / y**3) / one_m_x2
    d3 = (7.0 * x * d2 + 8.0 * d1 - 6.0 * (1.0 - l2) * l3 * l2 * x / y**5) / one_m_x2
    return d1, d2, d3


def _householder(x, t_target, lam, revs, maxiter, tol):
    """Solve T(x) = t_target elementwise with Householder's 3rd-order method."""
    active = np.ones(x.shape, dtype=bool)
    for _ in range(maxiter):
        y = _y(x, lam)
        t = _tof(x, y, lam, revs)
        f = t - t_target
        d1, d2, d3 = _tof_derivatives(x, y, t, lam)
        with np.errstate(invalid="ignore", divide="ignore"):
            step = f * (d1 * d1 - 0.5 * f * d2) / (d1 * (d1 * d1 - f * d2) + d3 * f * f / 6.0)
        step = np.where(active & np.isfinite(step), step, 0.0)
        x = x - step
        active = np.abs(step) > tol * np.maximum(1.0, np.abs(x))
        if not np.any(active):
            break
    return x


def _x_tmin(lam, revs, maxiter, tol):
    """x where T(x) is least for ``revs`` revolutions: Halley's method on T'(x) = 0."""
    x = np.full(lam.shape, 0.1)
    active = np.ones(lam.shape, dtype=bool)
    for _ in range(maxiter):
        y = _y(x, lam)
        t = _tof(x, y, lam, revs)
        d1, d2, d3 = _tof_derivatives(x, y, t, lam)
        with np.errstate(invalid="ignore", divide="ignore"):
            step = 2.0 * d1 * d2 / (2.0 * d2 * d2 - d1 * d3)
        step = np.where(active & np.isfinite(step), step, 0.0)
        x = x - step
        active = np.abs(step) > tol
        if not np.any(active):
            break
    return x


def _starters(t, lam, revs):
    """Initial x (Izzo 2015, sec. 3.2; middle M = 0 case as corrected in poliastro #1362)."""
    if revs == 0:
        t0 = np.arccos(lam) + lam * np.sqrt(1.0 - lam * lam)
        t1 = 2.0 / 3.0 * (1.0 - lam**3)
        with np.errstate(invalid="ignore", divide="ignore"):
            long_ = (t0 / t) ** (2.0 / 3.0) - 1.0
            short = 2.5 * t1 / t * (t1 - t) / (1.0 - lam**5) + 1.0
            mid = np.exp(np.log(2.0) * np.log(t / t0) / np.log(t1 / t0)) - 1.0
        return (np.where(t >= t0, long_, np.where(t < t1, short, mid)),)
    ql = ((revs * np.pi + np.pi) / (8.0 * t)) ** (2.0 / 3.0)
    qr = ((8.0 * t) / (revs * np.pi)) ** (2.0 / 3.0)
    return (ql - 1.0) / (ql + 1.0), (qr - 1.0) / (qr + 1.0)


def lambert(mu, r1_km, r2_km, tof_s, revs=0, prograde=True, infeasible="raise",
            maxiter=35, rtol=1e-13):
    """Solve Lambert's problem with Izzo's (2015) algorithm, all solutions for ``revs``.

    Parameters
    ----------
    mu : float
        Gravitational parameter [km^3/s^2].
    r1_km, r2_km : array_like, shape (..., 3)
        Departure and arrival positions [km], same inertial frame.
    tof_s : array_like
        Time of flight [s], > 0, broadcasting with the batch shape of r1/r2.
    revs : int
        Number of complete revolutions M >= 0.
    prograde : bool
        True: the transfer's angular momentum has a positive z component
        (counter-clockwise seen from +z); False: retrograde.  The transfer
        angle (in (0, 2 pi)) follows from this choice.
    infeasible : {"raise", "nan"}
        What to do where ``tof`` is below the minimum for ``revs``
        revolutions: raise ValueError (default) or return NaN and mark
        ``feasible`` False (for grids such as porkchop plots).
    maxiter : int
        Iteration cap for Householder / Halley.
    rtol : float
        Convergence threshold on x (relative for |x| > 1).

    Returns
    -------
    LambertSolution

    Raises
    ------
    ValueError
        Bad shapes or values; r1 and r2 collinear (0 or 180 deg transfer: the
        plane is undefined); ``tof`` too short for ``revs`` with ``infeasible="raise"``.
    """
    mu = _check_gm(mu)
    r1 = _check_vectors("r1_km", r1_km)
    r2 = _check_vectors("r2_km", r2_km)
    tof = _check_real("tof_s", tof_s, low=0.0, low_open=True, unit="s")
    if not isinstance(revs, (int, np.integer)) or revs < 0:
        raise ValueError(f"revs must be an integer >= 0; got {revs!r}")
    revs = int(revs)
    if infeasible not in ("raise", "nan"):
        raise ValueError(f"infeasible must be 'raise' or 'nan'; got {infeasible!r}")
    try:
        batch = np.broadcast_shapes(r1.shape[:-1], r2.shape[:-1], tof.shape)
    except ValueError:
        raise ValueError(
            f"r1_km {r1.shape}, r2_km {r2.shape} and tof_s {tof.shape} do not broadcast"
        ) from None
    r1 = np.broadcast_to(r1, batch + (3,)).reshape(-1, 3)
    r2 = np.broadcast_to(r2, batch + (3,)).reshape(-1, 3)
    tof = np.broadcast_to(tof, batch).reshape(-1)

    r1n = np.linalg.norm(r1, axis=-1)
    r2n = np.linalg.norm(r2, axis=-1)
    if np.any(r1n == 0.0) or np.any(r2n == 0.0):
        raise ValueError("r1_km and r2_km must not be the zero vector")
    cn = np.linalg.norm(r2 - r1, axis=-1)
    s = 0.5 * (r1n + r2n + cn)
    ir1 = r1 / r1n[:, None]
    ir2 = r2 / r2n[:, None]
    ih = np.cross(ir1, ir2)
    ihn = np.linalg.norm(ih, axis=-1)
    if np.any(ihn < 1e-12):
        raise ValueError(
            "r1_km and r2_km must not be collinear (transfer angle 0 or 180 deg): "
            "the transfer plane is undefined"
        )
    ih = ih / ihn[:, None]
    lam = np.sqrt(np.maximum(1.0 - cn / s, 0.0))
    # Transfer angle above pi in the requested sense: lambda < 0 and tangential
    # unit vectors follow the sense of motion (Izzo 2015, Algorithm 1).
    sense = np.where(ih[:, 2] < 0.0, -1.0, 1.0) * (1.0 if prograde else -1.0)
    lam = lam * sense
    it1 = sense[:, None] * np.cross(ih, ir1)
    it2 = sense[:, None] * np.cross(ih, ir2)
    t = np.sqrt(2.0 * mu / s**3) * tof

    if revs == 0:
        feasible = np.ones(t.shape, dtype=bool)
        xs = [_householder(_starters(t, lam, 0)[0], t, lam, 0, maxiter, rtol)]
    else:
        x_min = _x_tmin(lam, revs, maxiter, rtol)
        t_min = _tof(x_min, _y(x_min, lam), lam, revs)
        feasible = t >= t_min
        if infeasible == "raise" and not np.all(feasible):
            i = int(np.flatnonzero(~feasible)[0])
            tmin_s = t_min[i] / np.sqrt(2.0 * mu / s[i] ** 3)
            raise ValueError(
                f"tof_s={tof[i]:.6g} s is shorter than the minimum {tmin_s:.6g} s for "
                f"revs={revs} revolutions between these positions: no solution"
            )
        x0l, x0r = _starters(t, lam, revs)
        xs = [_householder(x0l, t, lam, revs, maxiter, rtol),
              _householder(x0r, t, lam, revs, maxiter, rtol)]

    gamma = np.sqrt(mu * s / 2.0)
    rho = (r1n - r2n) / cn
    sigma = np.sqrt(np.maximum(1.0 - rho * rho, 0.0))
    v1s, v2s, a_s = [], [], []
    for x in xs:
        y = _y(x, lam)
        # Izzo 2015, eq. 23: radial and tangential velocity components.
        vr1 = gamma * ((lam * y - x) - rho * (lam * y + x)) / r1n
        vr2 = -gamma * ((lam * y - x) + rho * (lam * y + x)) / r2n
        vt = gamma * sigma * (y + lam * x)
        v1s.append(vr1[:, None] * ir1 + (vt / r1n)[:, None] * it1)
        v2s.append(vr2[:, None] * ir2 + (vt / r2n)[:, None] * it2)
        with np.errstate(divide="ignore"):
            a_s.append(s / (2.0 * (1.0 - x * x)))  # a = a_min / (1 - x^2), a_min = s/2
    v1 = np.stack(v1s, axis=1)
    v2 = np.stack(v2s, axis=1)
    a = np.stack(a_s, axis=1)
    x = np.stack(xs, axis=1)
    bad = ~feasible
    v1[bad] = np.nan
    v2[bad] = np.nan
    a[bad] = np.nan
    x[bad] = np.nan
    k = len(xs)
    return LambertSolution(
        v1_kms=v1.reshape(batch + (k, 3)),
        v2_kms=v2.reshape(batch + (k, 3)),
        a_km=a.reshape(batch + (k,)),
        x=x.reshape(batch + (k,)),
        feasible=feasible.reshape(batch),
        revs=revs,
    )
