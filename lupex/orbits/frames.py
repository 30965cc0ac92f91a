"""State conversions between Earth-centred ICRF, Moon-centred ICRF and the Moon-fixed ME and PA
frames, vectorised over time (e.g. a transfer drawn in Moon-fixed axes).

Frames (names as used in ``convert_state``):

* ``"earth_icrf"``: ICRF axes, origin the Earth's centre (GCRS-like, geometric: no
  aberration or light time; relativistic frame differences below 1 m are ignored).
* ``"moon_icrf"``: ICRF axes, origin the Moon's centre (the frame of JPL Horizons' @301
  ICRF vectors and of the Cowell propagator with ``central="moon"``).
* ``"moon_pa"``: Moon-fixed principal-axis frame (DE421 libration angles): GRAIL gravity.
* ``"moon_me"``: Moon-fixed mean-Earth/polar-axis frame: LOLA maps and selenographic
  coordinates.

Positions (n, 3) [km], velocities (n, 3) [km/s], times ``jd_tdb`` (n,) TDB Julian dates.
Rotating-frame velocities include the transport term: with M = M(t) the ICRF -> body
matrix, r_b = M r and v_b = M v + dM/dt r  (= M (v - omega x r)); dM/dt is exact, from the
Euler-angle rates in the DE421 libration kernel.
"""

from __future__ import annotations

import numpy as np

from lupex import ephemeris as eph
from lupex.ephemeris import icrf_to_moon_pa_with_rate

FRAMES = ("earth_icrf", "moon_icrf", "moon_pa", "moon_me")


def _fixed_matrix(frame: str, jd):
    m, dm = icrf_to_moon_pa_with_rate(jd)
    if frame == "moon_me":
        p = eph.pa_to_me_matrix()
        m = np.einsum("ij,...jk->...ik", p, m)
        dm = np.einsum("ij,...jk->...ik", p, dm)
    return m, dm


def _states(r_km, v_kms, jd_tdb):
    r = np.asarray(r_km, dtype=float)
    v = np.asarray(v_kms, dtype=float)
    jd = np.atleast_1d(np.asarray(jd_tdb, dtype=float))
    if r.shape != v.shape or r.ndim == 0 or r.shape[-1] != 3 or r.ndim > 2:
        raise ValueError(f"r_km, v_kms: must both be (3,) or (n, 3), got {r.shape}, {v.shape}")
    n = 1 if r.ndim == 1 else r.shape[0]
    if jd.shape not in ((1,), (n,)):
        raise ValueError(f"jd_tdb: must be a scalar or shape ({n},), got {jd.shape}")
    return r.reshape(-1, 3), v.reshape(-1, 3), np.broadcast_to(jd, (n,)), r.ndim == 1


def moon_geocentric_state(jd_tdb) -> tuple[np.ndarray, np.ndarray]:
    """Geometric state of the Moon relative to the Earth, ICRF axes (DE421).

    Parameters
    ----------
    jd_tdb : float or array_like, shape (n,)
        TDB Julian dates [d].

    Returns
    -------
    r_km, v_kms : numpy.ndarray
        Position [km] and velocity [km/s], shape (n, 3) (``(3,)`` for a scalar time).
    """
    re, ve = eph.barycentric_state("earth", jd_tdb)
    rm, vm = eph.barycentric_state("moon", jd_tdb)
    return rm - re, vm - ve


def convert_state(r_km, v_kms, jd_tdb, from_frame: str, to_frame: str):
    """Convert states between ``FRAMES`` (see module docstring).

    Parameters
    ----------
    r_km, v_kms : array_like, shape (3,) or (n, 3)
        Positions [km] and velocities [km/s] in ``from_frame``.
    jd_tdb : float or array_like, shape (n,)
        TDB Julian dates of the states [d].
    from_frame, to_frame : one of FRAMES

    Returns
    -------
    r_km, v_kms : numpy.ndarray
        Positions [km] and velocities [km/s] in ``to_frame``, the input's shape.
    """
    for name, f in (("from_frame", from_frame), ("to_frame", to_frame)):
        if f not in FRAMES:
            raise ValueError(f"{name}: must be one of {FRAMES}, got {f!r}")
    r, v, jd, single = _states(r_km, v_kms, jd_tdb)
    eph.check_span(jd, "jd_tdb")
    # Step 1: to Moon-centred ICRF.
    if from_frame == "earth_icrf":
        rm, vm = moon_geocentric_state(jd)
        r, v = r - rm, v - vm
    elif from_frame in ("moon_pa", "moon_me"):
        m, dm = _fixed_matrix(from_frame, jd)
        r_i = np.einsum("...ji,...j->...i", m, r)
        v = np.einsum("...ji,...j->...i", m, v - np.einsum("...ij,...j->...i", dm, r_i))
        r = r_i
    # Step 2: from Moon-centred ICRF to the target.
    if to_frame == "earth_icrf":
        rm, vm = moon_geocentric_state(jd)
        r, v = r + rm, v + vm
    elif to_frame in ("moon_pa", "moon_me"):
        m, dm = _fixed_matrix(to_frame, jd)
        v = np.einsum("...ij,...j->...i", m, v) + np.einsum("...ij,...j->...i", dm, r)
        r = np.einsum("...ij,...j->...i", m, r)
    if single:
        return r[0], v[0]
    return r, v
