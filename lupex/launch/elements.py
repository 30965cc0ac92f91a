"""Osculating two-body elements of ascent states (for cut-off conditions and reports).

Vectorised over the last axis; km, km/s, rad.  Equations: Vallado (2013),
algorithm 9 (RV2COE); the angles are independent of the frame's x axis
except the node, which is measured from the integration frame's x axis
(Greenwich at lift-off).
"""
from __future__ import annotations

import numpy as np

from lupex.constants import GM_EARTH_WGS84_KM3S2


def state_to_elements(r_km, v_kms, mu=GM_EARTH_WGS84_KM3S2):
    """Classical elements of a state.

    Parameters
    ----------
    r_km, v_kms : array_like, shape (3, ...)
        Position [km] and velocity [km/s].
    mu : float
        Gravitational parameter [km^3/s^2].

    Returns
    -------
    dict of numpy.ndarray
        ``a_km`` (negative for hyperbolas), ``ecc``, ``inc_rad``,
        ``raan_rad``, ``argp_rad``, ``nu_rad``, ``energy_km2s2``,
        ``c3_km2s2`` (= 2 energy), ``rp_km``, ``ra_km`` (inf unless
        elliptic), ``fpa_rad`` (flight-path angle above local horizontal).
    """
    r = np.asarray(r_km, dtype=float)
    v = np.asarray(v_kms, dtype=float)
    rn = np.linalg.norm(r, axis=0)
    vn = np.linalg.norm(v, axis=0)
    h = np.cross(r, v, axis=0)
    hn = np.linalg.norm(h, axis=0)
    energy = 0.5 * vn ** 2 - mu / rn
    rv = np.sum(r * v, axis=0)
    e_vec = ((vn ** 2 - mu / rn) * r - rv * v) / mu
    ecc = np.linalg.norm(e_vec, axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        a = -mu / (2.0 * energy)
        inc = np.arccos(np.clip(h[2] / hn, -1.0, 1.0))
        node = np.stack([-h[1], h[0], np.zeros_like(h[0])])
        nn = np.linalg.norm(node, axis=0)
        raan = np.mod(np.arctan2(node[1], node[0]), 2 * np.pi)
        cos_w = np.sum(node * e_vec, axis=0) / (nn * ecc)
        argp = np.arccos(np.clip(cos_w, -1.0, 1.0))
        argp = np.where(e_vec[2] < 0, 2 * np.pi - argp, argp)
        cos_nu = np.sum(e_vec * r, axis=0) / (ecc * rn)
        nu = np.arccos(np.clip(cos_nu, -1.0, 1.0))
        nu = np.where(rv < 0, 2 * np.pi - nu, nu)
        p = hn ** 2 / mu
        rp = p / (1.0 + ecc)
        ra = np.where(ecc < 1.0, p / (1.0 - ecc), np.inf)
        fpa = np.arcsin(np.clip(rv / (rn * vn), -1.0, 1.0))
    return {"a_km": a, "ecc": ecc, "inc_rad": inc, "raan_rad": raan, "argp_rad": argp,
            "nu_rad": nu, "energy_km2s2": energy, "c3_km2s2": 2.0 * energy,
            "rp_km": rp, "ra_km": ra, "fpa_rad": fpa}
