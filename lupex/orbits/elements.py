"""Classical orbital elements and Cartesian states of a two-body orbit.

Conventions (used by every function here)
-----------------------------------------
* Vectors are float64 arrays shaped ``(..., 3)``: Cartesian x, y, z on the
  last axis, any batch shape in front.  Scalars broadcast against the batch.
* Units: km, km/s, s, rad; ``mu`` in km^3/s^2.
* Elements are ``(p, ecc, inc, raan, argp, nu)`` with the semi-latus rectum
  ``p = h^2/mu`` instead of the semi-major axis, so that parabolic orbits
  (``ecc = 1``, ``a`` infinite) are represented as well (as in poliastro and
  Vallado 2013, sec. 2.5).  ``inc`` in [0, pi], ``raan`` and ``argp`` in
  [0, 2 pi), ``nu`` in [-pi, pi).
* Singular orbits (the undefined angle is set to zero, the position angle is
  measured from the remaining reference direction, in the sense of motion):

  ==========================  ======  ======  ==================================
  case                         raan    argp    nu holds
  ==========================  ======  ======  ==================================
  circular, inclined           node    0       argument of latitude u
  elliptic, equatorial         0       lon.    true anomaly (argp = longitude of
                                               periapsis from +x)
  circular, equatorial         0       0       true longitude from +x
  ==========================  ======  ======  ==================================

  "Circular" means ``ecc < tol`` and "equatorial" means ``sin(inc) < tol``
  (prograde ``inc = 0`` *or* retrograde ``inc = pi``; poliastro 0.17 treats
  only the prograde case).  For a retrograde equatorial orbit the in-plane
  angles grow in the sense of motion, i.e. clockwise seen from +z, which is
  what :func:`coe2rv` with ``raan = 0, inc = pi`` reproduces.
"""

from typing import NamedTuple

import numpy as np

from lupex.orbits._validate import gm as _check_gm
from lupex.orbits._validate import real as _check_real
from lupex.orbits._validate import vectors as _check_vectors

TWO_PI = 2.0 * np.pi


class ClassicalElements(NamedTuple):
    """Classical elements of one or many orbits (arrays of a common shape).

    Attributes
    ----------
    p_km : semi-latus rectum [km]
    ecc : eccentricity [-]
    inc_rad : inclination [rad], in [0, pi]
    raan_rad : right ascension of the ascending node [rad], in [0, 2 pi)
    argp_rad : argument of periapsis [rad], in [0, 2 pi)
    nu_rad : true anomaly (or u / true longitude, see module notes) [rad], in [-pi, pi)
    """

    p_km: np.ndarray
    ecc: np.ndarray
    inc_rad: np.ndarray
    raan_rad: np.ndarray
    argp_rad: np.ndarray
    nu_rad: np.ndarray

    @property
    def a_km(self):
        """Semi-major axis [km]: ``p / (1 - e^2)``; negative if hyperbolic, inf if parabolic."""
        return semimajor_axis(self.p_km, self.ecc)


def _dot(a, b):
    return np.einsum("...i,...i->...", a, b)


def _norm(a):
    return np.sqrt(_dot(a, a))


def semimajor_axis(p_km, ecc):
    """Semi-major axis ``a = p / (1 - e^2)`` [km].

    Negative for hyperbolic orbits (the usual convention, Vallado 2013 eq. 2-57),
    ``inf`` for a parabola.

    Parameters
    ----------
    p_km : array_like
        Semi-latus rectum [km], > 0.
    ecc : array_like
        Eccentricity [-], >= 0.

    Returns
    -------
    numpy.ndarray
        Semi-major axis [km], broadcast shape of the inputs: > 0 for ``ecc < 1``,
        ``inf`` for ``ecc == 1``, < 0 for ``ecc > 1``.

    Raises
    ------
    ValueError
        For ``p_km <= 0``, ``ecc < 0`` or non-finite input.
    """
    p_km = _check_real("p_km", p_km, low=0.0, low_open=True, unit="km")
    ecc = _check_real("ecc", ecc, low=0.0)
    with np.errstate(divide="ignore"):
        return p_km / (1.0 - ecc * ecc)


def coe2rv(mu, p_km, ecc, inc_rad, raan_rad, argp_rad, nu_rad):
    """Cartesian state from classical elements.

    The perifocal state (Vallado 2013, eq. 2-92/2-93)

        r_pqw = p / (1 + e cos nu) [cos nu, sin nu, 0]
        v_pqw = sqrt(mu / p) [-sin nu, e + cos nu, 0]

    is rotated to the inertial frame by ``R3(-raan) R1(-inc) R3(-argp)``.

    Parameters
    ----------
    mu : float
        Gravitational parameter [km^3/s^2], > 0.
    p_km : array_like
        Semi-latus rectum [km], > 0.
    ecc : array_like
        Eccentricity [-], >= 0 (0 circular, 1 parabolic, > 1 hyperbolic).
    inc_rad, raan_rad, argp_rad, nu_rad : array_like
        Inclination, RAAN, argument of periapsis, true anomaly [rad].  For the
        singular cases pass zeros and the angle listed in the module notes
        (argument of latitude or true longitude) as ``nu_rad``.

    Returns
    -------
    r_km, v_kms : ndarray
        Position [km] and velocity [km/s], shaped ``broadcast(...) + (3,)``.

    Raises
    ------
    ValueError
        For ``mu <= 0``, ``p <= 0``, ``ecc < 0``, non-finite input, or a true
        anomaly beyond the asymptote of an open orbit (``1 + e cos nu <= 0``).
    """
    mu = _check_gm(mu)
    p = _check_real("p_km", p_km, low=0.0, low_open=True, unit="km")
    e = _check_real("ecc", ecc, low=0.0)
    inc = _check_real("inc_rad", inc_rad)
    raan = _check_real("raan_rad", raan_rad)
    argp = _check_real("argp_rad", argp_rad)
    nu = _check_real("nu_rad", nu_rad)
    p, e, inc, raan, argp, nu = np.broadcast_arrays(p, e, inc, raan, argp, nu)

    cnu, snu = np.cos(nu), np.sin(nu)
    denom = 1.0 + e * cnu
    if np.any(denom <= 0.0):
        raise ValueError(
            "nu_rad must lie inside the asymptotes of an open orbit, "
            "|nu| < arccos(-1/ecc); got 1 + ecc*cos(nu) <= 0"
        )
    r_p = p / denom * cnu
    r_q = p / denom * snu
    sq = np.sqrt(mu / p)
    v_p = -sq * snu
    v_q = sq * (e + cnu)

    # Columns P and Q of the perifocal-to-inertial rotation matrix.
    co, so = np.cos(raan), np.sin(raan)
    cw, sw = np.cos(argp), np.sin(argp)
    ci, si = np.cos(inc), np.sin(inc)
    P = np.stack([co * cw - so * sw * ci, so * cw + co * sw * ci, sw * si], axis=-1)
    Q = np.stack([-co * sw - so * cw * ci, -so * sw + co * cw * ci, cw * si], axis=-1)
    r = r_p[..., None] * P + r_q[..., None] * Q
    v = v_p[..., None] * P + v_q[..., None] * Q
    return r, v


def _angle_in_plane(a, b, h_hat):
    """Angle from direction ``a`` to ``b`` measured about ``h_hat`` (sense of motion) [rad]."""
    return np.arctan2(_dot(h_hat, np.cross(a, b)), _dot(a, b))


def rv2coe(mu, r_km, v_kms, tol=1e-8):
    """Classical elements from a Cartesian state.

    Angular momentum ``h = r x v``, node vector ``n = z x h``, eccentricity
    vector ``e = ((v^2 - mu/r) r - (r.v) v) / mu`` and ``p = h^2/mu``
    (Vallado 2013, Algorithm 9).  Angles are taken with ``arctan2`` of
    in-plane components rather than ``arccos`` so they stay accurate near 0
    and pi.  Singular cases follow the table in the module notes.

    Parameters
    ----------
    mu : float
        Gravitational parameter [km^3/s^2].
    r_km, v_kms : array_like, shape (..., 3)
        Position [km] and velocity [km/s]; must not be parallel (h = 0 is a
        rectilinear orbit, which has no classical elements).
    tol : float
        Threshold on ``ecc`` and on ``sin(inc)`` below which the orbit is
        treated as circular / equatorial.  Snapping moves the state rebuilt by
        :func:`coe2rv` by up to about ``tol * |r|`` (1.5 cm at tol = 1e-8 and
        r = 1500 km); pass a smaller tol to keep nearly singular orbits exact.

    Returns
    -------
    ClassicalElements
        Arrays shaped like ``r_km[..., 0]``.
    """
    mu = _check_gm(mu)
    r = _check_vectors("r_km", r_km)
    v = _check_vectors("v_kms", v_kms)
    r, v = np.broadcast_arrays(r, v)
    rn = _norm(r)
    h = np.cross(r, v)
    hn = _norm(h)
    if np.any(hn <= 1e-12 * rn * _norm(v)) or np.any(rn == 0.0):
        raise ValueError(
            "r_km and v_kms must not be parallel or zero (rectilinear orbit: "
            "angular momentum r x v is zero and classical elements are undefined)"
        )
    h_hat = h / hn[..., None]
    e_vec = ((_dot(v, v) - mu / rn)[..., None] * r - _dot(r, v)[..., None] * v) / mu
    ecc = _norm(e_vec)
    p = hn * hn / mu
    inc = np.arctan2(np.hypot(h[..., 0], h[..., 1]), h[..., 2])

    circular = ecc < tol
    equatorial = np.sin(inc) < tol

    # Line of nodes; +x stands in for it on equatorial orbits.
    node = np.stack([-h[..., 1], h[..., 0], np.zeros_like(hn)], axis=-1)
    x_hat = np.broadcast_to(np.array([1.0, 0.0, 0.0]), node.shape)
    node = np.where(equatorial[..., None], x_hat, node)
    node = node / _norm(node)[..., None]

    raan = np.where(equatorial, 0.0, np.arctan2(node[..., 1], node[..., 0]) % TWO_PI)
    # Periapsis direction; on circular orbits the node stands in (argp = 0).
    e_dir = np.where(circular[..., None], node, e_vec / np.where(circular, 1.0, ecc)[..., None])
    argp = np.where(circular, 0.0, _angle_in_plane(node, e_dir, h_hat) % TWO_PI)
    nu = _angle_in_plane(e_dir, r, h_hat)
    nu = (nu + np.pi) % TWO_PI - np.pi
    return ClassicalElements(p, ecc, inc, raan, argp, nu)


def specific_energy(mu, r_km, v_kms):
    """Specific orbital energy ``eps = v^2/2 - mu/r`` [km^2/s^2] (vis-viva).

    The energy integral of the two-body problem (Vallado 2013, ch. 1; Curtis 2014, ch. 2).
    Negative for bound orbits, zero for a parabola, positive for
    hyperbolic ones.

    Parameters
    ----------
    mu : float
        Gravitational parameter of the central body [km^3/s^2], > 0.
    r_km : array_like, shape (..., 3)
        Position from the central body [km].
    v_kms : array_like, shape (..., 3)
        Velocity relative to the central body [km/s].

    Returns
    -------
    numpy.ndarray
        Specific energy [km^2/s^2], shape ``broadcast(r_km, v_kms)[..., 0]``.
    """
    mu = _check_gm(mu)
    r = _check_vectors("r_km", r_km)
    v = _check_vectors("v_kms", v_kms)
    return 0.5 * _dot(v, v) - mu / _norm(r)


def c3(mu, r_km, v_kms):
    """Characteristic energy ``C3 = v^2 - 2 mu / r = 2 eps`` [km^2/s^2].

    Positive for escape (hyperbolic) trajectories, where ``C3 = v_inf^2``
    (the launch-energy definition of Curtis 2014, ch. 8).

    Parameters
    ----------
    mu : float
        Gravitational parameter of the central body [km^3/s^2], > 0.
    r_km : array_like, shape (..., 3)
        Position from the central body [km].
    v_kms : array_like, shape (..., 3)
        Velocity relative to the central body [km/s].

    Returns
    -------
    numpy.ndarray
        C3 [km^2/s^2], twice :func:`specific_energy`.
    """
    return 2.0 * specific_energy(mu, r_km, v_kms)


def v_infinity(mu, r_km, v_kms):
    """Hyperbolic excess speed ``v_inf = sqrt(C3)`` [km/s].

    NaN where the orbit is bound (``C3 < 0``): such an orbit never escapes.
    Zero for a parabola (``C3 == 0``).

    Parameters
    ----------
    mu : float
        Gravitational parameter of the central body [km^3/s^2], > 0.
    r_km : array_like, shape (..., 3)
        Position from the central body [km].
    v_kms : array_like, shape (..., 3)
        Velocity relative to the central body [km/s].

    Returns
    -------
    numpy.ndarray
        Speed at infinity [km/s], NaN for bound orbits.
    """
    c3_ = c3(mu, r_km, v_kms)
    with np.errstate(invalid="ignore"):
        return np.where(c3_ >= 0.0, np.sqrt(np.abs(c3_)), np.nan)


def periapsis(p_km, ecc):
    """Periapsis radius ``r_p = p / (1 + e)`` [km] (any conic).

    The conic equation ``r = p / (1 + e cos nu)`` at ``nu = 0`` (Curtis 2014, ch. 2).

    Parameters
    ----------
    p_km : array_like
        Semi-latus rectum [km], > 0.
    ecc : array_like
        Eccentricity [-], >= 0.

    Returns
    -------
    numpy.ndarray
        Periapsis radius from the centre of the central body [km] (not an altitude).
    """
    p_km = _check_real("p_km", p_km, low=0.0, low_open=True, unit="km")
    ecc = _check_real("ecc", ecc, low=0.0)
    return p_km / (1.0 + ecc)


def apoapsis(p_km, ecc):
    """Apoapsis radius ``r_a = p / (1 - e)`` [km]; ``inf`` for ``e >= 1`` (open orbits).

    The conic equation ``r = p / (1 + e cos nu)`` at ``nu = pi`` (Curtis 2014, ch. 2).

    Parameters
    ----------
    p_km : array_like
        Semi-latus rectum [km], > 0.
    ecc : array_like
        Eccentricity [-], >= 0.

    Returns
    -------
    numpy.ndarray
        Apoapsis radius from the centre of the central body [km] (not an altitude);
        ``inf`` where ``ecc >= 1``.
    """
    p_km = _check_real("p_km", p_km, low=0.0, low_open=True, unit="km")
    ecc = _check_real("ecc", ecc, low=0.0)
    with np.errstate(divide="ignore"):
        return np.where(ecc < 1.0, p_km / np.where(ecc < 1.0, 1.0 - ecc, 1.0), np.inf)


def period(mu, a_km):
    """Orbital period ``T = 2 pi sqrt(a^3 / mu)`` [s] (Kepler's third law).

    Parameters
    ----------
    mu : float
        Gravitational parameter [km^3/s^2].
    a_km : array_like
        Semi-major axis [km], > 0 (open orbits have no period).
    """
    mu = _check_gm(mu)
    a = _check_real("a_km", a_km, low=0.0, low_open=True, unit="km (bound orbits only)")
    return TWO_PI * np.sqrt(a**3 / mu)
