"""States in the Moon-fixed MOON_ME frame: the ICRF -> MOON_ME transformation of a position
and velocity, and the Moon's spin vector, from the DE421 libration angles and their rates.

r_me = M r,   v_me = M v + (dM/dt) r   (the transport theorem; Curtis, *Orbital Mechanics
for Engineering Students*, 3rd ed., sec. 1.9), and the spin omega from the skew matrix
[omega]x = -(dM/dt) M^T. M is ICRF -> MOON_ME (:func:`lupex.ephemeris.icrf_to_moon_pa_with_rate`
followed by the constant PA -> ME rotation).
"""

from __future__ import annotations

import numpy as np

from lupex import ephemeris as eph

__all__ = ["icrf_to_me_state", "moon_spin_me_rads"]


def _me_with_rate(jd_tdb):
    m, dm = eph.icrf_to_moon_pa_with_rate(jd_tdb)
    p = eph.pa_to_me_matrix()
    return np.einsum("ij,njk->nik", p, m), np.einsum("ij,njk->nik", p, dm)


def icrf_to_me_state(jd_tdb, r_icrf_km, v_icrf_kms):
    """Moon-centred ICRF position and velocity -> MOON_ME position and velocity relative to
    the rotating Moon.

    Parameters
    ----------
    jd_tdb : float or array_like, shape (n,)
        TDB Julian dates.
    r_icrf_km : array_like, shape (3,) or (n, 3)
        Moon-centred ICRF position [km].
    v_icrf_kms : array_like, shape (3,) or (n, 3)
        Moon-centred ICRF velocity [km/s].

    Returns
    -------
    r_me_km, v_me_kms : numpy.ndarray, shape (n, 3)
    """
    m, dm = _me_with_rate(jd_tdb)
    r = np.broadcast_to(np.asarray(r_icrf_km, dtype=float), (m.shape[0], 3))
    v = np.broadcast_to(np.asarray(v_icrf_kms, dtype=float), (m.shape[0], 3))
    r_me = np.einsum("nij,nj->ni", m, r)
    v_me = np.einsum("nij,nj->ni", m, v) + np.einsum("nij,nj->ni", dm, r)
    return r_me, v_me


def moon_spin_me_rads(jd_tdb: float) -> np.ndarray:
    """The Moon's angular velocity in MOON_ME [rad/s], shape (3,) (about 2.66e-6 rad/s
    along +z: one turn per sidereal month).

    Parameters
    ----------
    jd_tdb : float
        TDB Julian date.
    """
    m, dm = _me_with_rate(float(jd_tdb))
    w = -(dm[0] @ m[0].T)
    return np.array([w[2, 1], w[0, 2], w[1, 0]])
