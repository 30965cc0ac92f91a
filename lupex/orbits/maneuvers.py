"""Impulsive manoeuvres: classic transfer costs and applying a delta-v to a state.

All functions are vectorised (NumPy broadcasting over radii / speeds / angles);
units km, km/s, s, rad, ``mu`` in km^3/s^2.  Costs are delta-v *magnitudes*:
a transfer that lowers the orbit costs the same as the raise it mirrors.

Local orbital frames (Vallado 2013, sec. 3.3 "Satellite coordinate systems")
---------------------------------------------------------------------------
``"vnb"`` (velocity-normal-binormal): V = v/|v| (along track), N = (r x v)/|r x v|
(orbit normal), B = V x N (completes the right-handed triad; on a circular
orbit B = R, radially outward).

``"rtn"`` (radial-transverse-normal, Vallado's RSW): R = r/|r| (radial out),
N = (r x v)/|r x v| (orbit normal), T = N x R (transverse, along track on a
circular orbit).
"""

from dataclasses import dataclass

import numpy as np

from lupex.orbits._validate import gm as _check_gm
from lupex.orbits._validate import real as _check_real
from lupex.orbits._validate import vectors as _check_vectors


@dataclass(frozen=True)
class TransferCost:
    """Cost of an impulsive transfer.

    Attributes
    ----------
    dv_kms : ndarray, shape (..., n_burns)
        Magnitude of each burn, in order [km/s].
    tof_s : ndarray, shape (...)
        Time of flight from the first to the last burn [s].
    """

    dv_kms: np.ndarray
    tof_s: np.ndarray

    @property
    def dv_total_kms(self):
        """Sum of the burn magnitudes [km/s]."""
        return np.sum(self.dv_kms, axis=-1)


def _radius(name, r):
    return _check_real(name, r, low=0.0, low_open=True, unit="km")


def vis_viva_speed(mu_km3s2, r_km, a_km):
    """Orbital speed at radius r on an orbit of semi-major axis a [km/s].

    Vis-viva, ``v = sqrt(mu (2/r - 1/a))`` (Vallado 2013, eq. 1-31); ``a = r``
    gives the circular speed. The inputs are not validated: a negative ``a`` (hyperbola)
    works, and ``r > 2a`` on a bound orbit (unreachable radius) gives NaN with a NumPy
    warning.

    Parameters
    ----------
    mu_km3s2 : float
        Gravitational parameter of the central body [km^3/s^2].
    r_km : array_like
        Distance from the central body's centre [km].
    a_km : array_like
        Semi-major axis [km] (negative for a hyperbola).

    Returns
    -------
    numpy.ndarray
        Speed relative to the central body [km/s], broadcast shape of ``r_km``, ``a_km``.
    """
    r = np.asarray(r_km, dtype=float)
    return np.sqrt(mu_km3s2 * (2.0 / r - 1.0 / np.asarray(a_km, dtype=float)))


def _tangential_burn(mu, r, a_before, a_after):
    """|dv| of a tangential burn at an apsis of radius r, between semi-major axes."""
    return np.abs(vis_viva_speed(mu, r, a_after) - vis_viva_speed(mu, r, a_before))


def _half_period(mu, a):
    return np.pi * np.sqrt(a**3 / mu)


def hohmann(mu, r1_km, r2_km):
    """Hohmann transfer between coplanar circular orbits of radii r1 and r2.

    Transfer ellipse ``a_t = (r1 + r2)/2``; burns (Vallado 2013, Algorithm 36,
    eq. 6-2..6-4; Curtis 2014, sec. 6.3)::

        dv1 = | sqrt(mu (2/r1 - 1/a_t)) - sqrt(mu/r1) |
        dv2 = | sqrt(mu/r2) - sqrt(mu (2/r2 - 1/a_t)) |
        tof = pi sqrt(a_t^3 / mu)

    Parameters
    ----------
    mu : float
        Gravitational parameter [km^3/s^2].
    r1_km, r2_km : array_like
        Initial and final circular-orbit radii [km], > 0.

    Returns
    -------
    TransferCost
        Two burns.
    """
    mu = _check_gm(mu)
    r1 = _radius("r1_km", r1_km)
    r2 = _radius("r2_km", r2_km)
    at = 0.5 * (r1 + r2)
    dv = [_tangential_burn(mu, r1, r1, at), _tangential_burn(mu, r2, at, r2)]
    return TransferCost(np.stack(dv, axis=-1), _half_period(mu, at))


def bielliptic(mu, r1_km, rb_km, r2_km):
    """Bi-elliptic transfer r1 -> rb -> r2 between coplanar circular orbits.

    Two half-ellipses ``a1 = (r1 + rb)/2`` and ``a2 = (r2 + rb)/2`` with burns at
    r1, at the intermediate apoapsis rb and at r2 (Vallado 2013, Algorithm 37,
    eq. 6-5..6-8; Curtis 2014, sec. 6.4)::

        dv1 = | v(r1; a1) - sqrt(mu/r1) |
        dv2 = | v(rb; a2) - v(rb; a1) |
        dv3 = | sqrt(mu/r2) - v(r2; a2) |
        tof = pi (sqrt(a1^3/mu) + sqrt(a2^3/mu))

    with the vis-viva speed ``v(r; a) = sqrt(mu (2/r - 1/a))``.

    Parameters
    ----------
    mu : float
        Gravitational parameter [km^3/s^2].
    r1_km : array_like
        Initial circular-orbit radius [km], > 0.
    rb_km : array_like
        Radius of the intermediate apsis where the second burn is made [km], > 0
        (normally larger than both r1 and r2; not enforced).
    r2_km : array_like
        Final circular-orbit radius [km], > 0.

    Returns
    -------
    TransferCost
        Three burns.
    """
    mu = _check_gm(mu)
    r1 = _radius("r1_km", r1_km)
    rb = _radius("rb_km", rb_km)
    r2 = _radius("r2_km", r2_km)
    a1 = 0.5 * (r1 + rb)
    a2 = 0.5 * (r2 + rb)
    dv = [_tangential_burn(mu, r1, r1, a1), _tangential_burn(mu, rb, a1, a2),
          _tangential_burn(mu, r2, a2, r2)]
    return TransferCost(np.stack(dv, axis=-1), _half_period(mu, a1) + _half_period(mu, a2))


def plane_change_dv(v_kms, dinc_rad):
    """Delta-v of a pure plane change at constant speed: ``2 v sin(di/2)`` [km/s].

    Vallado 2013, eq. 6-19 (isosceles velocity triangle).

    Parameters
    ----------
    v_kms : array_like
        Speed at the manoeuvre point [km/s], >= 0.
    dinc_rad : array_like
        Angle between the old and new velocity (the plane rotation) [rad], in [0, pi].
    """
    v = _check_real("v_kms", v_kms, low=0.0, unit="km/s")
    di = _check_real("dinc_rad", dinc_rad, low=0.0, high=np.pi, unit="rad")
    return 2.0 * v * np.sin(0.5 * di)


def combined_plane_change_dv(v1_kms, v2_kms, dinc_rad):
    """Delta-v of a simultaneous plane rotation and speed change [km/s].

    Law of cosines on the velocity triangle (Vallado 2013, eq. 6-25)::

        dv = sqrt(v1^2 + v2^2 - 2 v1 v2 cos(di))

    Parameters
    ----------
    v1_kms, v2_kms : array_like
        Speed before and after the burn [km/s], >= 0.
    dinc_rad : array_like
        Angle between the two velocity vectors [rad], in [0, pi].
    """
    v1 = _check_real("v1_kms", v1_kms, low=0.0, unit="km/s")
    v2 = _check_real("v2_kms", v2_kms, low=0.0, unit="km/s")
    di = _check_real("dinc_rad", dinc_rad, low=0.0, high=np.pi, unit="rad")
    return np.sqrt(np.maximum(v1 * v1 + v2 * v2 - 2.0 * v1 * v2 * np.cos(di), 0.0))


def local_frame(r_km, v_kms, frame="vnb"):
    """Rotation matrix whose rows are the local frame's unit vectors (inertial components).

    Parameters
    ----------
    r_km, v_kms : array_like, shape (..., 3)
        Inertial state; r and v must not be parallel.
    frame : {"vnb", "rtn"}
        See the module notes for the definitions.

    Returns
    -------
    ndarray, shape (..., 3, 3)
        ``M`` with ``M @ x_inertial = x_local`` and ``M.T @ x_local = x_inertial``.
    """
    r = _check_vectors("r_km", r_km)
    v = _check_vectors("v_kms", v_kms)
    r, v = np.broadcast_arrays(r, v)
    h = np.cross(r, v)
    hn = np.linalg.norm(h, axis=-1, keepdims=True)
    if np.any(hn == 0.0):
        raise ValueError("r_km and v_kms must not be parallel: the orbit normal is undefined")
    n_hat = h / hn
    if frame == "vnb":
        first = v / np.linalg.norm(v, axis=-1, keepdims=True)
        rows = (first, n_hat, np.cross(first, n_hat))
    elif frame == "rtn":
        first = r / np.linalg.norm(r, axis=-1, keepdims=True)
        rows = (first, np.cross(n_hat, first), n_hat)
    else:
        raise ValueError(f"frame must be 'vnb' or 'rtn'; got {frame!r}")
    return np.stack(rows, axis=-2)


def apply_impulse(r_km, v_kms, dv_kms, frame="inertial"):
    """Add an impulsive delta-v to a state (position unchanged).

    Parameters
    ----------
    r_km, v_kms : array_like, shape (..., 3)
        Inertial state before the burn [km, km/s].
    dv_kms : array_like, shape (..., 3)
        Burn [km/s], components in ``frame``: ``"inertial"`` (same axes as v),
        ``"vnb"`` (V, N, B) or ``"rtn"`` (R, T, N); see the module notes.

    Returns
    -------
    r_km, v_kms : ndarray, shape broadcast(...) + (3,)
        State just after the burn (inertial).
    """
    r = _check_vectors("r_km", r_km)
    v = _check_vectors("v_kms", v_kms)
    dv = _check_vectors("dv_kms", dv_kms)
    if frame == "inertial":
        dv_in = dv
    else:
        m = local_frame(r, v, frame)
        dv_in = np.einsum("...ji,...j->...i", m, dv)
    r, v_new = np.broadcast_arrays(r, v + dv_in)
    return r.copy(), v_new
