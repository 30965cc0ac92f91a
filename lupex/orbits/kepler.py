"""Two-body (Keplerian) propagation of Cartesian states with universal variables.

One formulation covers ellipses, parabolas and hyperbolas: the universal
anomaly ``chi`` [km^0.5] solves the universal Kepler equation (Vallado 2013,
Algorithm 8; Curtis 2014, sec. 3.7; Battin 1999, sec. 4.5)

    sqrt(mu) dt = sigma0 chi^2 C(z) + (1 - alpha r0) chi^3 S(z) + r0 chi,

with ``alpha = 2/r0 - v0^2/mu`` (1/a), ``sigma0 = r0.v0 / sqrt(mu)``,
``z = alpha chi^2`` and the Stumpff functions ``C = c2``, ``S = c3``.  The
state follows from the Lagrange coefficients f, g, fdot, gdot.

The root is found with the Laguerre-Conway iteration (Conway 1986, "An
improved algorithm due to Laguerre for the solution of Kepler's equation",
Celest. Mech. 39, 199), safeguarded by a bracket that holds for every conic:
F is increasing (F' = r >= r_p > 0), so the root lies between 0 and
sqrt(mu) dt / r_p; a step that leaves the bracket (or overflows, as cosh does
far out on a hyperbola) is replaced by bisection.  All orbits and epochs
iterate together as NumPy arrays, stopping when every element has converged.

Broadcasting convention: the orbit batch shape is ``r0.shape[:-1]``; it
broadcasts with ``tof.shape`` by NumPy rules.  N orbits to the same M epochs:
``propagate(mu, r0[:, None, :], v0[:, None, :], t)`` with ``r0`` (N, 3) and
``t`` (M,) gives (N, M, 3); :func:`propagate_grid` does exactly that.
"""

import numpy as np

from lupex.orbits._validate import gm as _check_gm
from lupex.orbits._validate import real as _check_real
from lupex.orbits._validate import vectors as _check_vectors

#: Points handled per vectorised block (bounds memory to ~30 arrays of this size).
CHUNK = 1 << 18
#: Relative change of chi at which the iteration stops.
RTOL = 1e-13
MAXITER = 200  # Laguerre converges in < 10; the rest is room for bisection from far brackets
_LAGUERRE_N = 5.0


def _series(z, first_denominator_index, nterms=12):
    """sum_k (-z)^k / (2k + m)! for m = first_denominator_index (Horner form)."""
    m = first_denominator_index
    out = np.ones_like(z)
    # Horner: 1/m! * (1 - z/((m+1)(m+2)) * (1 - z/((m+3)(m+4)) * (...)))
    for k in range(nterms, 0, -1):
        out = 1.0 - z * out / ((m + 2 * k - 1) * (m + 2 * k))
    fact = 1.0
    for j in range(2, m + 1):
        fact *= j
    return out / fact


def stumpff(z):
    """Stumpff functions ``c2(z), c3(z)`` of the universal Kepler equation.

    ``c2 = (1 - cos sqrt z) / z``, ``c3 = (sqrt z - sin sqrt z) / z^1.5`` for
    ``z > 0`` and the cosh/sinh forms for ``z < 0`` (Vallado 2013, eq. 2-52).
    For ``|z| < 1`` the Taylor series ``c2 = sum (-z)^k / (2k+2)!``,
    ``c3 = sum (-z)^k / (2k+3)!`` are used (twelve terms: truncation < 1e-20)
    because the closed forms lose digits to cancellation there;
    ``c2(0) = 1/2``, ``c3(0) = 1/6``.

    Parameters
    ----------
    z : array_like
        ``alpha chi^2`` [-].

    Returns
    -------
    c2, c3 : ndarray
    """
    z = np.asarray(z, dtype=np.float64)
    c2 = np.empty_like(z)
    c3 = np.empty_like(z)
    small = np.abs(z) < 1.0
    pos = z >= 1.0
    neg = z <= -1.0
    if np.any(small):
        zs = z[small]
        c2[small] = _series(zs, 2)
        c3[small] = _series(zs, 3)
    if np.any(pos):
        zp = z[pos]
        s = np.sqrt(zp)
        c2[pos] = (1.0 - np.cos(s)) / zp
        c3[pos] = (s - np.sin(s)) / (zp * s)
    if np.any(neg):
        zn = -z[neg]
        s = np.sqrt(zn)
        with np.errstate(over="ignore", invalid="ignore"):
            c2[neg] = (np.cosh(s) - 1.0) / zn
            c3[neg] = (np.sinh(s) - s) / (zn * s)
    return c2, c3


def _elliptic_guess(sqrt_mu, r0, sigma0, alpha, dt):
    """Starting chi for bound orbits from Kepler's equation in eccentric anomaly.

    With ``a = 1/alpha``: ``e cos E0 = 1 - r0/a``, ``e sin E0 = sigma0 / sqrt(a)``;
    the target mean anomaly ``M = E0 - e sin E0 + n dt`` is inverted with the
    third-order starter ``E = M + e sin M (1 + e cos M)`` and ``chi = sqrt(a) (E - E0)``
    (Vallado 2013, eq. 2-39 and 2-41).  Only a starting point: Laguerre refines it.
    """
    sa = 1.0 / np.sqrt(alpha)
    ec = 1.0 - r0 * alpha
    es = sigma0 * np.sqrt(alpha)
    e0 = np.arctan2(es, ec)
    m = e0 - es + sqrt_mu * alpha * np.sqrt(alpha) * dt
    sm, cm = np.sin(m), np.cos(m)
    ecc = np.hypot(ec, es)
    e1 = m + ecc * sm * (1.0 + ecc * cm)
    return sa * (e1 - e0)


def _solve_chi(sqrt_mu, r0, sigma0, alpha, dt, rp=None):
    """Universal anomaly chi [km^0.5] for flat arrays of (r0, sigma0, alpha, dt).

    Laguerre-Conway iteration with n = 5 on
    ``F(chi) = sigma0 chi^2 c2 + (1 - alpha r0) chi^3 c3 + r0 chi - sqrt(mu) dt``,
    ``F' = r(chi)``, ``F'' = sigma0 (1 - z c2) + (1 - alpha r0) chi (1 - z c3)``.
    A point stops when its step falls below ``RTOL |chi|`` or its residual
    below the rounding floor of F; converged points drop out of the working
    set, so the cost follows the slowest points only where they are.

    Safeguard: since ``F' = r >= r_p``, ``F(0) = -sqrt(mu) dt`` and F is increasing,
    the root lies in ``[0, sqrt(mu) dt / r_p]`` (mirrored for dt < 0). The bracket
    shrinks with the sign of F at each iterate; a Laguerre step that leaves it, an
    iterate where F overflows, or a step no smaller than half the one before (the
    linear creep of Newton-type steps down an exponential, far out on a hyperbola) is
    replaced by bisection (geometric where the bracket spans orders of magnitude).
    Where Laguerre converges as it should, its steps shrink faster than that and are
    taken unchanged. ``rp`` [km] is the periapsis radius (None: unbounded
    bracket, doubling outward).
    """
    bound = alpha > 1e-12
    with np.errstate(invalid="ignore", divide="ignore"):
        chi = np.where(bound, _elliptic_guess(sqrt_mu, r0, sigma0, np.where(bound, alpha, 1.0), dt), 0.0)
    hyper = alpha < -1e-12
    if np.any(hyper):
        # Vallado 2013, Algorithm 8, hyperbolic starter.
        a = 1.0 / np.where(hyper, alpha, -1.0)
        sgn = np.where(dt >= 0.0, 1.0, -1.0)
        num = -2.0 * sqrt_mu * sqrt_mu * alpha * dt
        den = sigma0 * sqrt_mu + sgn * np.sqrt(-sqrt_mu * sqrt_mu * a) * (1.0 - r0 * alpha)
        with np.errstate(invalid="ignore", divide="ignore"):
            guess = sgn * np.sqrt(-a) * np.log(num / den)
        # The log starter is meant for long arcs; for short ones (tiny or
        # denormal dt) it can come out with the wrong sign or not at all.
        usable = np.isfinite(guess) & (guess * sgn > 0.0)
        chi = np.where(hyper, np.where(usable, guess, sqrt_mu * dt / r0), chi)
    # Near a parabola, start from the straight-line estimate; Laguerre does the rest.
    chi = np.where(~bound & ~hyper, sqrt_mu * dt / r0, chi)

    # The bracket [lo, hi] of the root (see the docstring).
    with np.errstate(divide="ignore", invalid="ignore"):
        # padded by 1e-9: for a circle the root is this bound itself, up to rounding of r_p
        reach = np.abs(sqrt_mu * dt) / (np.inf if rp is None else rp) * (1.0 + 1e-9)
    reach = np.where(np.isfinite(reach), reach, np.inf)
    lo = np.where(dt >= 0.0, 0.0, -reach)
    hi = np.where(dt >= 0.0, reach, 0.0)
    chi = np.where(np.isfinite(chi) & (chi >= lo) & (chi <= hi), chi, _bisect(lo, hi, dt))

    n = _LAGUERRE_N
    work = np.arange(dt.size)
    r0w, sw, aw, dtw, chiw, low, high = r0, sigma0, alpha, dt, chi, lo, hi
    last = np.full(dt.shape, np.inf)  # the size of each point's previous move
    for _ in range(MAXITER):
        chi2 = chiw * chiw
        z = aw * chi2
        c2, c3 = stumpff(z)
        one_m_ar = 1.0 - aw * r0w
        with np.errstate(invalid="ignore", over="ignore"):
            terms = (sw * chi2 * c2, one_m_ar * chi2 * chiw * c3, r0w * chiw, sqrt_mu * dtw)
            f = terms[0] + terms[1] + terms[2] - terms[3]
            # Rounding floor of F: below it the step is noise (seen on fast
            # hyperbolas where the terms reach 1e5 and cancel).
            f_noise = 8.0 * np.finfo(float).eps * sum(np.abs(t) for t in terms)
            df = chi2 * c2 + sw * chiw * (1.0 - z * c3) + r0w * (1.0 - z * c2)
            ddf = sw * (1.0 - z * c2) + one_m_ar * chiw * (1.0 - z * c3)
            disc = np.sqrt(np.abs((n - 1.0) ** 2 * df * df - n * (n - 1.0) * f * ddf))
            step = n * f / (df + np.copysign(disc, df))
        # F is increasing, F(0) = -sqrt(mu) dt: an infinite F keeps its sign; a NaN one
        # (inf - inf, far out where cosh overflows) lies beyond the root on chi's side.
        finite = np.isfinite(f)
        above = np.where(np.isnan(f), chiw > 0.0, f > 0.0)
        high = np.where(above, chiw, high)
        low = np.where(above, low, chiw)
        new = chiw - step
        inside = (finite & np.isfinite(new) & (new >= low) & (new <= high)
                  & (np.abs(step) < 0.5 * last))
        # ... or when the bracket has closed to rounding around the root (a root at the
        # bracket's end, e.g. a circle's chi = sqrt(mu) dt / r_p, where the step need not shrink)
        tight = (high - low) <= 4.0 * np.finfo(float).eps * np.maximum(np.abs(chiw), 1e-300)
        done = finite & ((np.abs(step) <= RTOL * np.maximum(np.abs(chiw), 1e-300))
                         | (np.abs(f) <= f_noise) | tight)
        moved = np.where(inside | done, np.where(done & ~inside, chiw, new), _bisect(low, high, dtw))
        last = np.abs(moved - chiw)
        chiw = moved
        chi[work] = chiw
        keep = ~done
        if not np.any(keep):
            return chi
        work = work[keep]
        r0w, sw, aw, dtw, chiw = r0w[keep], sw[keep], aw[keep], dtw[keep], chiw[keep]
        low, high, last = low[keep], high[keep], last[keep]
    raise RuntimeError(
        f"universal Kepler iteration did not converge for {work.size} of {dt.size} "
        f"points after {MAXITER} iterations"
    )


def _bisect(lo, hi, dt):
    """A point inside (lo, hi): the midpoint, or the geometric mean from the root's side
    of zero when the bracket spans more than a factor of 16 (so far brackets shrink by
    orders of magnitude per step); an infinite side doubles the other."""
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        inner = np.where(dt >= 0.0, lo, -hi)   # the end nearer zero, as a magnitude
        outer = np.where(dt >= 0.0, hi, -lo)
        geo = np.sqrt(np.maximum(inner, 1e-6 * outer)) * np.sqrt(outer)  # no underflow
        mag = np.where(outer > 16.0 * np.maximum(inner, 0.0), geo, 0.5 * (inner + outer))
        mag = np.where(np.isfinite(outer), mag, 2.0 * np.maximum(inner, 1.0))
    return np.where(dt >= 0.0, mag, -mag)


def propagate(mu, r0_km, v0_kms, tof_s, chunk=CHUNK):
    """Propagate two-body states by a time of flight (any conic).

    Parameters
    ----------
    mu : float
        Gravitational parameter [km^3/s^2].
    r0_km, v0_kms : array_like, shape (..., 3)
        Initial position [km] and velocity [km/s]; batch shape ``B0 = r0.shape[:-1]``.
    tof_s : array_like
        Time of flight [s] (negative propagates backwards); shape broadcasting
        with ``B0``.
    chunk : int
        Points solved per vectorised block (memory bound only).

    Returns
    -------
    r_km, v_kms : ndarray, shape ``broadcast(B0, tof.shape) + (3,)``
        Position [km] and velocity [km/s] after ``tof_s``.

    Notes
    -----
    Elliptic times of flight are first reduced by a whole number of periods
    (``|dt| <= T/2``), so many-revolution propagation costs the same as one
    and keeps ``z = alpha chi^2 <= pi^2``.  Lagrange coefficients
    (Vallado 2013, eq. 2-43, 2-46)::

        f = 1 - chi^2 c2 / r0          g = dt - chi^3 c3 / sqrt(mu)
        gdot = 1 - chi^2 c2 / r        fdot = sqrt(mu) chi (z c3 - 1) / (r r0)

    Rectilinear orbits (r0 parallel to v0) are not supported: the iteration
    works, but the Lagrange form is singular at the centre.
    """
    mu = _check_gm(mu)
    r0 = _check_vectors("r0_km", r0_km)
    v0 = _check_vectors("v0_kms", v0_kms)
    tof = _check_real("tof_s", tof_s, unit="s")
    if r0.shape != v0.shape:
        r0, v0 = np.broadcast_arrays(r0, v0)
    if chunk < 1:
        raise ValueError(f"chunk must be a positive integer; got {chunk}")
    orbit_shape = r0.shape[:-1]
    try:
        out_shape = np.broadcast_shapes(orbit_shape, tof.shape)
    except ValueError:
        raise ValueError(
            f"tof_s shape {tof.shape} does not broadcast with the orbit batch shape "
            f"{orbit_shape} (r0_km.shape[:-1])"
        ) from None
    final_shape = out_shape
    if out_shape == ():  # one orbit, one time: work on shape (1,)
        r0, v0, tof = r0.reshape(1, 3), v0.reshape(1, 3), tof.reshape(1)
        orbit_shape, out_shape = (1,), (1,)

    r0f = r0.reshape(-1, 3)
    v0f = v0.reshape(-1, 3)
    r0n = np.sqrt(np.einsum("ij,ij->i", r0f, r0f))
    if np.any(r0n == 0.0):
        raise ValueError("r0_km must not be the zero vector (body centre)")
    sqrt_mu = np.sqrt(mu)
    v2 = np.einsum("ij,ij->i", v0f, v0f)
    sigma0 = np.einsum("ij,ij->i", r0f, v0f) / sqrt_mu
    alpha = 2.0 / r0n - v2 / mu
    # Periapsis radius r_p = p / (1 + e), p = h^2 / mu, e^2 = 1 - p alpha: bounds the solver's
    # bracket (0 for a rectilinear orbit: unbounded bracket).
    h = np.cross(r0f, v0f)
    p_km = np.einsum("ij,ij->i", h, h) / mu
    rp = p_km / (1.0 + np.sqrt(np.maximum(1.0 - p_km * alpha, 0.0)))
    with np.errstate(invalid="ignore", divide="ignore"):
        per = np.where(alpha > 0.0, 2.0 * np.pi / (sqrt_mu * np.abs(alpha) ** 1.5), np.inf)

    orbit_id = np.broadcast_to(np.arange(r0f.shape[0]).reshape(orbit_shape), out_shape)
    tof_b = np.broadcast_to(tof, out_shape)
    npts = int(np.prod(out_shape))
    r_out = np.empty((npts, 3))
    v_out = np.empty((npts, 3))
    for start in range(0, npts, chunk):
        idx = np.unravel_index(np.arange(start, min(start + chunk, npts)), out_shape)
        k = orbit_id[idx]
        dt = tof_b[idx]
        pk = per[k]
        bound = np.isfinite(pk)
        pk = np.where(bound, pk, 0.0)  # open orbits: no reduction
        dt = dt - pk * np.round(dt / np.where(bound, pk, 1.0))
        r0k, sk, ak = r0n[k], sigma0[k], alpha[k]
        chi = _solve_chi(sqrt_mu, r0k, sk, ak, dt, rp[k])
        chi2 = chi * chi
        z = ak * chi2
        c2, c3 = stumpff(z)
        rn = chi2 * c2 + sk * chi * (1.0 - z * c3) + r0k * (1.0 - z * c2)
        f = 1.0 - chi2 * c2 / r0k
        g = dt - chi2 * chi * c3 / sqrt_mu
        fdot = sqrt_mu * chi * (z * c3 - 1.0) / (rn * r0k)
        gdot = 1.0 - chi2 * c2 / rn
        rv0, vv0 = r0f[k], v0f[k]
        r_out[start : start + len(k)] = f[:, None] * rv0 + g[:, None] * vv0
        v_out[start : start + len(k)] = fdot[:, None] * rv0 + gdot[:, None] * vv0
    return r_out.reshape(final_shape + (3,)), v_out.reshape(final_shape + (3,))


def propagate_grid(mu, r0_km, v0_kms, tof_s, chunk=CHUNK):
    """Propagate N orbits to the same M times of flight: (N, 3) x (M,) -> (N, M, 3).

    Thin wrapper over :func:`propagate` with ``r0[:, None, :]``; see there for the method.

    Parameters
    ----------
    mu : float
        Gravitational parameter [km^3/s^2].
    r0_km, v0_kms : array_like, shape (N, 3)
        Initial positions [km] and velocities [km/s].
    tof_s : array_like, shape (M,)
        Times of flight [s].
    chunk : int
        Points solved per vectorised block (memory bound only).

    Returns
    -------
    r_km, v_kms : ndarray, shape (N, M, 3)
    """
    r0 = _check_vectors("r0_km", r0_km)
    v0 = _check_vectors("v0_kms", v0_kms)
    tof = _check_real("tof_s", tof_s, unit="s")
    if r0.ndim != 2 or v0.shape != r0.shape or tof.ndim != 1:
        raise ValueError(
            "propagate_grid wants r0_km and v0_kms shaped (N, 3) and tof_s shaped (M,); "
            f"got {r0.shape}, {v0.shape}, {tof.shape}"
        )
    return propagate(mu, r0[:, None, :], v0[:, None, :], tof, chunk=chunk)
