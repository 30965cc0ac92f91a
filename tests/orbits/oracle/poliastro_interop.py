"""Conversion between lupex's plain (km, km/s) states and ``poliastro.twobody.Orbit``, for the
poliastro oracle (``poliastro_oracle.py``, run in a Python 3.10 venv).

poliastro (0.17, archived) installs only on Python <= 3.10, so this module
must stay importable there too: it imports nothing beyond NumPy at module
level, uses no 3.11-only syntax, and loads astropy/poliastro lazily inside
the functions.
"""

import numpy as np

_MISSING = (
    "poliastro is not importable in this Python; it is optional for lupex and only "
    "installs on Python <= 3.10 (pip install poliastro==0.17.0 in a 3.10 venv)"
)


def _poliastro():
    try:
        from astropy import units as u
        from astropy.time import Time
        from poliastro.bodies import Body
        from poliastro.twobody import Orbit
    except ImportError as exc:
        raise ImportError(_MISSING + f" ({exc})") from exc
    return u, Time, Body, Orbit


def to_poliastro(r_km, v_kms, mu, epoch=None, attractor=None):
    """Build a ``poliastro.twobody.Orbit`` from a Cartesian state.

    Parameters
    ----------
    r_km, v_kms : array_like, shape (3,)
        Position [km] and velocity [km/s] relative to the attractor.
    mu : float
        Gravitational parameter [km^3/s^2].  Unless ``attractor`` is given, a
        bare ``poliastro.bodies.Body`` with exactly this GM is made, so both
        libraries use the same mu (poliastro's own Earth/Moon GMs differ from
        DE431 in the 8th digit).
    epoch : astropy.time.Time, optional
        Epoch of the state; poliastro's default (J2000 TDB) if None.
    attractor : poliastro.bodies.Body, optional
        Use this body instead (its GM must match ``mu`` to 1e-12 relative).

    Returns
    -------
    poliastro.twobody.Orbit

    Raises
    ------
    ImportError
        With an explanation when poliastro is not installed.
    ValueError
        Bad shapes, or an attractor whose GM differs from ``mu``.
    """
    u, Time, Body, Orbit = _poliastro()
    r = np.asarray(r_km, dtype=float)
    v = np.asarray(v_kms, dtype=float)
    if r.shape != (3,) or v.shape != (3,):
        raise ValueError(f"r_km and v_kms must be shaped (3,); got {r.shape} and {v.shape}")
    mu = float(mu)
    if not mu > 0.0:
        raise ValueError(f"mu must be > 0 km^3/s^2; got {mu}")
    if attractor is None:
        attractor = Body(None, mu * u.km**3 / u.s**2, "lupex attractor")
    else:
        k = attractor.k.to_value(u.km**3 / u.s**2)
        if abs(k - mu) > 1e-12 * mu:
            raise ValueError(f"attractor GM {k} km^3/s^2 differs from mu={mu} km^3/s^2")
    kwargs = {} if epoch is None else {"epoch": Time(epoch)}
    return Orbit.from_vectors(attractor, r * u.km, v * u.km / u.s, **kwargs)


def from_poliastro(orbit):
    """Plain state of a ``poliastro.twobody.Orbit``.

    Returns
    -------
    r_km : ndarray, shape (3,)
    v_kms : ndarray, shape (3,)
    mu : float
        Attractor GM [km^3/s^2].
    epoch : astropy.time.Time
    """
    u, _, _, _ = _poliastro()
    r = np.asarray(orbit.r.to_value(u.km), dtype=float)
    v = np.asarray(orbit.v.to_value(u.km / u.s), dtype=float)
    mu = float(orbit.attractor.k.to_value(u.km**3 / u.s**2))
    return r, v, mu, orbit.epoch
