"""Where the Sun and the Earth are, seen from the Moon: one body's track over a time window.

:func:`body_track` is the one place in :mod:`lupex.surface` that calls :mod:`lupex.ephemeris`
(DE421 with light time and stellar aberration, MOON_ME frame); everything else in the
package reads the :class:`BodyTrack` it returns.  Vectors are ``(nt, 3)``, last axis x, y, z.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lupex import ephemeris
from lupex.constants import R_EARTH_KM, R_MOON_KM, SUN_RADIUS_KM
from lupex.geometry import angular_radius

__all__ = ["BODY_RADIUS_KM", "BodyTrack", "body_track", "sample_weights_h"]

#: Radius [km] of each body whose disk lupex follows.
BODY_RADIUS_KM = {"sun": SUN_RADIUS_KM, "earth": R_EARTH_KM}


def sample_weights_h(jd_tdb) -> np.ndarray:
    """Duration [h] each sample stands for: the step to the next sample.

    Parameters
    ----------
    jd_tdb : array_like, shape (nt,)
        Strictly increasing TDB Julian dates.

    Returns
    -------
    numpy.ndarray, shape (nt,)
        Hours; the last sample repeats the previous step, a single sample counts 1 h.
    """
    jd = np.asarray(jd_tdb, dtype=float)
    if jd.ndim != 1 or jd.size == 0:
        raise ValueError(f"jd_tdb: must be a non-empty 1-D array of TDB Julian dates, got shape {jd.shape}")
    if jd.size == 1:
        return np.ones(1)
    step = np.diff(jd) * 24.0
    if np.any(step <= 0):
        raise ValueError("jd_tdb: times must be strictly increasing")
    return np.append(step, step[-1])


@dataclass(frozen=True)
class BodyTrack:
    """Pixel-independent description of the Sun's or Earth's motion over a window.

    Attributes
    ----------
    body : {"sun", "earth"}
    jd_tdb : numpy.ndarray, shape (nt,)
        Sample times, TDB Julian dates.
    vec_me_km : numpy.ndarray, shape (nt, 3)
        The body's position [km] from the Moon's centre in MOON_ME (LT+S).
    lat_rad, lon_rad : numpy.ndarray, shape (nt,)
        Sub-body point [rad] in MOON_ME.
    dist_km : numpy.ndarray, shape (nt,)
        Distance [km] from the Moon's centre.
    radius_rad : numpy.ndarray, shape (nt,)
        Apparent angular radius asin(R_body / d) [rad].
    parallax_rad : numpy.ndarray, shape (nt,)
        Horizontal parallax asin(R_moon / d) [rad] for the Earth (the topocentric elevation
        near the horizon is the geocentric one minus it), 0 for the Sun.
    weight_h : numpy.ndarray, shape (nt,)
        Hours each sample stands for (:func:`sample_weights_h`).
    """

    body: str
    jd_tdb: np.ndarray
    vec_me_km: np.ndarray
    lat_rad: np.ndarray
    lon_rad: np.ndarray
    dist_km: np.ndarray
    radius_rad: np.ndarray
    parallax_rad: np.ndarray
    weight_h: np.ndarray


def _position_me_km(body: str, jd: np.ndarray, chunk: int) -> np.ndarray:
    """The body's MOON_ME position [km], shape (nt, 3): the package's one ephemeris call."""
    return np.concatenate([ephemeris.body_position_me(body, jd[i:i + chunk])
                           for i in range(0, jd.size, chunk)], axis=0)


def body_track(body: str, jd_tdb, chunk: int = 50_000) -> BodyTrack:
    """Sub-body latitude/longitude, distance and angular radius of ``body`` over ``jd_tdb``.

    Parameters
    ----------
    body : {"sun", "earth"}
        The body.
    jd_tdb : array_like, shape (nt,)
        Strictly increasing TDB Julian dates within the DE421 span (1900-2050).
    chunk : int
        Samples per ephemeris call (bounds memory).

    Returns
    -------
    BodyTrack
    """
    if body not in BODY_RADIUS_KM:
        raise ValueError(f"body: must be 'sun' or 'earth', got {body!r}")
    jd = ephemeris.check_span(np.atleast_1d(jd_tdb), "jd_tdb")
    w = sample_weights_h(jd)
    vec = _position_me_km(body, jd, chunk)
    dist = np.linalg.norm(vec.T, axis=0)
    u = vec.T / dist
    # The Sun is treated as seen from the Moon's centre (its parallax, 0.0007 deg, is
    # dropped in both paths); the Earth's ~0.95 deg parallax is kept.
    parallax = np.arcsin(R_MOON_KM / dist) if body == "earth" else np.zeros_like(dist)
    return BodyTrack(
        body=body, jd_tdb=jd, vec_me_km=vec,
        lat_rad=np.arcsin(np.clip(u[2], -1.0, 1.0)), lon_rad=np.arctan2(u[1], u[0]),
        dist_km=dist, radius_rad=angular_radius(BODY_RADIUS_KM[body], dist),
        parallax_rad=parallax, weight_h=w,
    )
