"""Sun, Earth and Moon positions from JPL DE421 and the Moon's orientation, read offline.

The one place lupex reads the ephemeris kernels: barycentric states, the Moon's frames
(ICRF -> MOON_PA / MOON_ME), corrected directions of the Sun and Earth seen from the Moon or
a site on it, and their azimuth/elevation.

Sources, both shipped inside PyPI wheels so nothing downloads at run time:

* ``de421.bsp`` (Folkner et al. 2008, JPL IOM 343R-08-003) from the ``skyfield-data`` wheel,
  read with ``jplephem``. Span 1899-07-29 to 2053-10-09.
* ``moon_pa_de421_1900-2050.bpc``, the Moon's principal-axis (PA) Euler angles integrated
  with DE421, from the ``lunarsky`` wheel. Span 1900-01-01 to 2051-01-01.

Conventions (the one place they are written down):

* Times are TDB Julian dates (``jd_tdb``, float64 arrays). The public layer takes astropy
  ``Time`` and converts with ``Time.tdb``; never pass UTC Julian dates here.
* Vectors are float64 arrays with time first and xyz last: shape ``(n, 3)`` (``(3,)`` for a
  scalar time), the ``(..., 3)`` layout of all of lupex. Rotation matrices are ``(n, 3, 3)``;
  ``M[k] @ v_icrf`` gives the vector in the body frame.
* ICRF axes = the J2000/ICRF axes of the DE421 ephemeris; positions in km, velocities km/s.
* MOON_ME is the Mean-Earth/polar-axis frame of the LOLA maps; MOON_PA the principal-axis
  frame of the GRAIL gravity fields. ME = R_PA->ME @ PA with the fixed DE421 rotation from the
  NAIF frame kernel ``moon_080317.tf`` (frame 31007: angles 67.92", 78.56", 0.30" about
  axes 3, 2, 1).

Corrections. ``correction="geometric"`` gives the instantaneous position. ``"LT+S"``
(the default for directions seen from the Moon) applies one-way light time (the body is
where it was when the light left it; iterated to convergence) and stellar aberration from
the observer's barycentric velocity, which is what a shadow on the lunar surface obeys:
the light that casts it left the Sun 499 s earlier and arrives aberrated by the Moon's
motion. The two differ by about 20 arcsec for the Sun, small beside the solar disk's
0.267 degree radius but large enough to fail a SPICE comparison, so the choice is explicit.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

from lupex.constants import C_KMS, R_MOON_KM
from lupex.geometry import enu_basis

ARCSEC = np.pi / (180.0 * 3600.0)

# Span where both kernels hold data (TDB Julian dates), from the kernels' own summaries.
DE421_SPAN_JD = (2414864.5, 2471184.5)
MOON_PA_SPAN_JD = (2415020.5, 2470172.5)
SPAN_JD = (max(DE421_SPAN_JD[0], MOON_PA_SPAN_JD[0]), min(DE421_SPAN_JD[1], MOON_PA_SPAN_JD[1]))
SPAN_TEXT = "1900-01-01 to 2051-01-01 TDB (DE421 and moon_pa_de421_1900-2050.bpc)"

# NAIF integer codes used in DE421's segments.
SSB, SUN, EMB, EARTH, MOON = 0, 10, 3, 399, 301
BODIES = ("sun", "earth", "moon")


class EphemerisRangeError(ValueError):
    """A requested time lies outside the span the offline kernels cover."""


def check_span(jd_tdb, what: str = "time") -> np.ndarray:
    """Return ``jd_tdb`` as a float64 array, or raise naming the allowed span.

    Light-time iteration reaches back at most ~500 s, well inside the margins kept here.

    Parameters
    ----------
    jd_tdb : array_like
        TDB Julian dates [d].
    what : str
        Name of the quantity, for the error message.

    Returns
    -------
    numpy.ndarray
        ``jd_tdb`` as float64, same shape.

    Raises
    ------
    EphemerisRangeError
        If a date is NaN, infinite, or outside :data:`SPAN_JD` (less one day at each end).
    """
    jd = np.asarray(jd_tdb, dtype=float)
    if not np.all(np.isfinite(jd)):
        raise EphemerisRangeError(f"{what}: contains NaN or infinite Julian dates")
    lo, hi = SPAN_JD[0] + 1.0, SPAN_JD[1] - 1.0
    if jd.size and (jd.min() < lo or jd.max() > hi):
        bad = jd.min() if jd.min() < lo else jd.max()
        raise EphemerisRangeError(
            f"{what}: JD {bad:.3f} TDB is outside the ephemeris span {SPAN_TEXT} "
            f"(JD {lo:.1f} to {hi:.1f})"
        )
    return jd


@lru_cache(maxsize=1)
def _de421():
    from jplephem.spk import SPK

    path = resources.files("skyfield_data") / "data" / "de421.bsp"
    return SPK.open(str(path))


@lru_cache(maxsize=1)
def _moon_pa_segment():
    from jplephem.pck import PCK

    path = resources.files("lunarsky") / "data" / "pck" / "moon_pa_de421_1900-2050.bpc"
    return PCK.open(str(path)).segments[0]


def _segment_state(center: int, target: int, jd_tdb: np.ndarray):
    """Position [km] and velocity [km/s] of ``target`` w.r.t. ``center`` from DE421."""
    pos, vel_per_day = _de421()[center, target].compute_and_differentiate(jd_tdb)
    return np.moveaxis(pos, 0, -1), np.moveaxis(vel_per_day / 86400.0, 0, -1)


def barycentric_state(body: str, jd_tdb) -> tuple[np.ndarray, np.ndarray]:
    """Geometric state of ``body`` relative to the solar-system barycentre, ICRF axes (DE421).

    Parameters
    ----------
    body : {"sun", "earth", "moon"}
    jd_tdb : float or array_like, shape (n,)
        TDB Julian dates [d].

    Returns
    -------
    r_km, v_kms : numpy.ndarray
        Position [km] and velocity [km/s], shape ``(n, 3)`` (``(3,)`` for a scalar time).
    """
    jd = check_span(jd_tdb)
    if body == "sun":
        return _segment_state(SSB, SUN, jd)
    if body not in ("earth", "moon"):
        raise ValueError(f"body: must be one of {BODIES}, got {body!r}")
    emb_r, emb_v = _segment_state(SSB, EMB, jd)
    r, v = _segment_state(EMB, EARTH if body == "earth" else MOON, jd)
    return emb_r + r, emb_v + v


def _aberrate(u: np.ndarray, v_obs_kms: np.ndarray) -> np.ndarray:
    """Stellar aberration of unit vectors ``u`` (..., 3) for an observer moving at ``v_obs``.

    Special-relativistic form (Explanatory Supplement 3rd ed., eq. 7.40, with gamma):
    u' = (u/gamma + beta + (u.beta) beta / (1 + 1/gamma)) / (1 + u.beta).
    """
    beta = v_obs_kms / C_KMS
    ub = np.sum(u * beta, axis=-1)[..., None]
    inv_gamma = np.sqrt(1.0 - np.sum(beta * beta, axis=-1))[..., None]
    out = (inv_gamma * u + beta + ub * beta / (1.0 + inv_gamma)) / (1.0 + ub)
    return out / np.linalg.norm(out, axis=-1)[..., None]


def relative_position_icrf(target: str, observer: str, jd_tdb, correction: str = "LT+S",
                           observer_offset_km=None, observer_offset_kms=None) -> np.ndarray:
    """Position of ``target`` seen from ``observer`` in ICRF axes.

    Parameters
    ----------
    target, observer : {"sun", "earth", "moon"}
    jd_tdb : float or array_like, shape (n,)
        Observation times, TDB Julian dates [d].
    correction : {"geometric", "LT", "LT+S"}
        Geometric; one-way light time (iterated 3 times: converges to < 1 mm for these
        bodies); light time plus stellar aberration (apparent direction, length = LT distance).
    observer_offset_km, observer_offset_kms : array_like (3,) or (n, 3), optional
        Observer's offset [km] and velocity [km/s] from the observer body's centre in ICRF
        (a surface site).

    Returns
    -------
    numpy.ndarray
        Position [km], shape ``(n, 3)`` (``(3,)`` for a scalar time).
    """
    if correction not in ("geometric", "LT", "LT+S"):
        raise ValueError(f"correction: must be 'geometric', 'LT' or 'LT+S', got {correction!r}")
    jd = check_span(jd_tdb)
    obs_r, obs_v = barycentric_state(observer, jd)
    if observer_offset_km is not None:
        obs_r = obs_r + np.asarray(observer_offset_km, dtype=float)
    if observer_offset_kms is not None:
        obs_v = obs_v + np.asarray(observer_offset_kms, dtype=float)
    tgt_r, _ = barycentric_state(target, jd)
    rel = tgt_r - obs_r
    if correction == "geometric":
        return rel
    for _ in range(3):
        lt_days = np.linalg.norm(rel, axis=-1) / C_KMS / 86400.0
        tgt_r, _ = barycentric_state(target, jd - lt_days)
        rel = tgt_r - obs_r
    if correction == "LT":
        return rel
    dist = np.linalg.norm(rel, axis=-1)[..., None]
    return _aberrate(rel / dist, obs_v) * dist


def _rot(axis: int, angle: np.ndarray) -> np.ndarray:
    """Frame rotation matrix [angle]_axis (SPICE convention: rotates the axes by +angle),
    shape (..., 3, 3)."""
    angle = np.asarray(angle, dtype=float)
    c, s = np.cos(angle), np.sin(angle)
    one, zero = np.ones_like(angle), np.zeros_like(angle)
    if axis == 1:
        rows = [[one, zero, zero], [zero, c, s], [zero, -s, c]]
    elif axis == 2:
        rows = [[c, zero, -s], [zero, one, zero], [s, zero, c]]
    else:
        rows = [[c, s, zero], [-s, c, zero], [zero, zero, one]]
    return np.moveaxis(np.array(rows), (0, 1), (-2, -1))


def _matmul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Product of stacks of matrices shaped (..., 3, 3)."""
    return np.einsum("...ij,...jk->...ik", a, b)


def pa_to_me_matrix() -> np.ndarray:
    """Fixed rotation taking MOON_PA (DE421) vectors to MOON_ME (DE421) vectors, shape (3, 3).

    NAIF ``moon_080317.tf``, TKFRAME_31007: MOON_ME_DE421 relative to MOON_PA_DE421 with
    ANGLES = (67.92, 78.56, 0.30) arcsec about AXES = (3, 2, 1); per the SPICE frames
    required reading, the matrix taking the relative frame to the defined one is
    [angle_3]_axis3 [angle_2]_axis2 [angle_1]_axis1 with the angles negated.

    Returns
    -------
    numpy.ndarray
        Rotation matrix, shape (3, 3) (dimensionless).
    """
    a1, a2, a3 = (-67.92 * ARCSEC, -78.56 * ARCSEC, -0.30 * ARCSEC)
    return _matmul(_matmul(_rot(1, a3), _rot(2, a2)), _rot(3, a1))


def icrf_to_moon_pa(jd_tdb) -> np.ndarray:
    """Rotation ICRF -> MOON_PA (DE421 libration angles).

    The binary PCK holds 3-1-3 Euler angles (phi, theta, psi); the frame matrix is
    [psi]_3 [theta]_1 [phi]_3 (SPICE PCK required reading, type 2 segments).

    Parameters
    ----------
    jd_tdb : float or array_like, shape (n,)
        TDB Julian dates [d].

    Returns
    -------
    numpy.ndarray
        Rotation matrices, shape ``(n, 3, 3)`` (``(3, 3)`` for a scalar time).
    """
    jd = check_span(jd_tdb)
    angles = _moon_pa_segment().compute(jd, 0.0, derivative=False)
    phi, theta, psi = angles[0], angles[1], angles[2]
    return _matmul(_matmul(_rot(3, psi), _rot(1, theta)), _rot(3, phi))


def _drot(axis: int, angle: np.ndarray) -> np.ndarray:
    """d/d(angle) of ``_rot(axis, angle)``, shape (..., 3, 3)."""
    c, s = np.cos(angle), np.sin(angle)
    z = np.zeros_like(angle)
    if axis == 1:
        rows = [[z, z, z], [z, -s, c], [z, -c, -s]]
    else:  # axis 3
        rows = [[-s, c, z], [-c, -s, z], [z, z, z]]
    return np.moveaxis(np.array(rows), (0, 1), (-2, -1))


def icrf_to_moon_pa_with_rate(jd_tdb) -> tuple[np.ndarray, np.ndarray]:
    """ICRF -> MOON_PA matrix M and its time derivative dM/dt.

    M = [psi]_3 [theta]_1 [phi]_3 with the 3-1-3 Euler angles of the DE421 libration PCK
    (as in :func:`icrf_to_moon_pa`); dM/dt by the product rule with the
    kernel's own angle rates (Chebyshev derivatives, rad/s).

    Parameters
    ----------
    jd_tdb : float or array_like, shape (n,)
        TDB Julian dates [d]; a scalar is treated as one time.

    Returns
    -------
    m, dm_dt : numpy.ndarray
        M (dimensionless) and dM/dt [1/s], each shape ``(n, 3, 3)``.
    """
    jd = np.atleast_1d(check_span(jd_tdb))
    ang, rate = _moon_pa_segment().compute(jd, 0.0, derivative=True)
    phi, theta, psi = ang
    dphi, dtheta, dpsi = rate
    r3p, r1t, r3f = _rot(3, psi), _rot(1, theta), _rot(3, phi)
    mm = _matmul
    m = mm(mm(r3p, r1t), r3f)
    dm = (mm(mm(_drot(3, psi) * dpsi[:, None, None], r1t), r3f)
          + mm(mm(r3p, _drot(1, theta) * dtheta[:, None, None]), r3f)
          + mm(mm(r3p, r1t), _drot(3, phi) * dphi[:, None, None]))
    return m, dm


def icrf_to_moon_me(jd_tdb) -> np.ndarray:
    """Rotation ICRF -> MOON_ME (mean Earth/polar axis, the LOLA map frame).

    Parameters
    ----------
    jd_tdb : float or array_like, shape (n,)
        TDB Julian dates [d].

    Returns
    -------
    numpy.ndarray
        Rotation matrices, shape ``(n, 3, 3)`` (``(3, 3)`` for a scalar time).
    """
    pa = icrf_to_moon_pa(jd_tdb)
    return np.einsum("ij,...jk->...ik", pa_to_me_matrix(), pa)


def rotate(matrix: np.ndarray, vec: np.ndarray) -> np.ndarray:
    """Apply rotation matrices to vectors: ``matrix @ vec`` for each time.

    Parameters
    ----------
    matrix : numpy.ndarray, shape (..., 3, 3)
    vec : numpy.ndarray, shape (..., 3)
        Broadcast against ``matrix``'s leading axes; any unit.

    Returns
    -------
    numpy.ndarray
        Rotated vectors, shape (..., 3), in the unit of ``vec``.
    """
    return np.einsum("...ij,...j->...i", matrix, vec)


def body_position_me(target: str, jd_tdb, correction: str = "LT+S", site_me_km=None) -> np.ndarray:
    """Position of the Sun or Earth relative to the Moon's centre, or to a surface site, in
    MOON_ME axes.

    ``site_me_km`` is a fixed point on the Moon in ME; it is rotated into ICRF at each
    time for the light-time and aberration corrections (its rotational velocity, < 5 m/s,
    changes the aberration by < 0.004 arcsec and is neglected).

    Parameters
    ----------
    target : {"sun", "earth"}
    jd_tdb : float or array_like, shape (n,)
        TDB Julian dates [d].
    correction : {"geometric", "LT", "LT+S"}
        See :func:`relative_position_icrf`.
    site_me_km : array_like, shape (3,), optional
        Observer on the Moon, MOON_ME [km]; default the Moon's centre.

    Returns
    -------
    numpy.ndarray
        Position [km], shape ``(n, 3)`` (``(3,)`` for a scalar time).
    """
    if target not in ("sun", "earth"):
        raise ValueError(f"target: must be 'sun' or 'earth', got {target!r}")
    jd = check_span(jd_tdb)
    m = icrf_to_moon_me(jd)
    offset = None
    if site_me_km is not None:
        site = np.asarray(site_me_km, dtype=float)
        if site.shape != (3,):
            raise ValueError(f"site_me_km: must be a 3-vector in km, got shape {site.shape}")
        offset = np.einsum("...ji,j->...i", m, site)  # M^T site: ME -> ICRF
    rel_icrf = relative_position_icrf(target, "moon", jd, correction, observer_offset_km=offset)
    return rotate(m, rel_icrf)


def unit(v: np.ndarray) -> np.ndarray:
    """Unit vectors along ``v``.

    Parameters
    ----------
    v : numpy.ndarray, shape (..., 3)
        Nonzero vectors, any unit.

    Returns
    -------
    numpy.ndarray
        Unit vectors (dimensionless), shape (..., 3).
    """
    return v / np.linalg.norm(v, axis=-1)[..., None]


def subpoint_latlon(target: str, jd_tdb, correction: str = "LT+S") -> tuple[np.ndarray, np.ndarray]:
    """Selenographic (ME) latitude and east longitude of the sub-solar or sub-Earth point.

    Parameters
    ----------
    target : {"sun", "earth"}
    jd_tdb : float or array_like, shape (n,)
        TDB Julian dates [d].
    correction : {"geometric", "LT", "LT+S"}
        See :func:`relative_position_icrf`.

    Returns
    -------
    lat_rad, lon_rad : numpy.ndarray
        Latitude [rad] in [-pi/2, pi/2] and east longitude [rad] in [0, 2 pi), shape (n,).
    """
    u = unit(body_position_me(target, jd_tdb, correction))
    return (np.arcsin(np.clip(u[..., 2], -1.0, 1.0)),
            np.mod(np.arctan2(u[..., 1], u[..., 0]), 2 * np.pi))


def site_vector_me(lat_rad, lon_rad, height_km=0.0, radius_km: float = R_MOON_KM) -> np.ndarray:
    """MOON_ME position of a site on a sphere.

    Parameters
    ----------
    lat_rad, lon_rad : array_like
        Selenographic latitude and east longitude [rad].
    height_km : array_like
        Height above the sphere [km].
    radius_km : float
        Sphere radius [km]; default the LOLA reference sphere.

    Returns
    -------
    numpy.ndarray
        Position [km], shape ``broadcast(lat, lon, height).shape + (3,)``.
    """
    lat, lon = np.asarray(lat_rad, dtype=float), np.asarray(lon_rad, dtype=float)
    r = radius_km + np.asarray(height_km, dtype=float)
    return np.stack(np.broadcast_arrays(r * np.cos(lat) * np.cos(lon),
                                        r * np.cos(lat) * np.sin(lon), r * np.sin(lat)), axis=-1)


def azimuth_elevation(vec_me: np.ndarray, lat_rad: float, lon_rad: float) -> tuple[np.ndarray, np.ndarray]:
    """Topocentric azimuth and elevation of directions seen from one site (flat horizon).

    Elevation is above the plane tangent to the sphere (geometric, no terrain).

    Parameters
    ----------
    vec_me : numpy.ndarray, shape (..., 3)
        Direction vectors in MOON_ME, any unit.
    lat_rad, lon_rad : float
        The site's selenographic latitude and east longitude [rad].

    Returns
    -------
    az_rad, el_rad : numpy.ndarray
        Azimuth from local north toward east [rad] in [0, 2 pi) and elevation [rad] in
        [-pi/2, pi/2], shape ``vec_me.shape[:-1]``.
    """
    east, north, up = enu_basis(lat_rad, lon_rad)
    e = vec_me @ east
    n = vec_me @ north
    u = vec_me @ up
    return np.mod(np.arctan2(e, n), 2 * np.pi), np.arctan2(u, np.hypot(e, n))


@dataclass(frozen=True)
class SkyTrack:
    """Azimuth/elevation [rad] and distance [km] of the Sun and Earth at one site over time
    (flat horizon), each shape (n,) like ``jd_tdb`` (TDB Julian dates)."""

    jd_tdb: np.ndarray  # (n,)
    sun_az_rad: np.ndarray
    sun_el_rad: np.ndarray
    sun_dist_km: np.ndarray
    earth_az_rad: np.ndarray
    earth_el_rad: np.ndarray
    earth_dist_km: np.ndarray


def sky_track(lat_rad: float, lon_rad: float, jd_tdb, height_km: float = 0.0,
              correction: str = "LT+S") -> SkyTrack:
    """Sun and Earth azimuth/elevation at a lunar surface site over time (flat horizon).

    Parameters
    ----------
    lat_rad, lon_rad : float
        The site's selenographic latitude and east longitude [rad].
    jd_tdb : array_like, shape (n,)
        TDB Julian dates [d].
    height_km : float
        Height of the observer above the reference sphere [km].
    correction : {"geometric", "LT", "LT+S"}
        See :func:`relative_position_icrf`.

    Returns
    -------
    SkyTrack
    """
    jd = check_span(jd_tdb)
    site = site_vector_me(lat_rad, lon_rad, height_km)
    out = {}
    for body in ("sun", "earth"):
        rel = body_position_me(body, jd, correction, site_me_km=site)
        az, el = azimuth_elevation(rel, lat_rad, lon_rad)
        out[body] = (az, el, np.linalg.norm(rel, axis=-1))
    return SkyTrack(jd, *out["sun"], *out["earth"])
