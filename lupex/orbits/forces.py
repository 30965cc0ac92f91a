"""Gravitational accelerations on a spacecraft near the Earth and Moon, as plain array functions.

Every function takes positions in km (``(..., 3)``, xyz last) in ICRF axes centred on the
*central body* and returns km/s^2 of the same shape. Time enters only through
the body positions and orientations the caller supplies; ``EphemerisTable`` tabulates those
from DE421 (``lupex.ephemeris``) once per propagation, so the integrator's many right-hand
side calls never re-read the kernels.

GM values are DE431's (NAIF ``gm_de431.tpc``, shipped at shared/data/spice/): they go with
the DE421/DE430 family to 1e-9 relative, far below every other error here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.interpolate import CubicHermiteSpline, CubicSpline

from lupex import ephemeris as eph
from lupex.constants import GM_EARTH_KM3S2, GM_MOON_KM3S2, GM_SUN_KM3S2, J2_EARTH, R_EARTH_KM
from lupex.orbits.gravity import GravityField, check_degree_order, sh_acceleration

# NAIF gm_de431.tpc (BODY10_GM, BODY399_GM, BODY301_GM), kept once in constants.py.
GM_KM3S2 = {"sun": GM_SUN_KM3S2, "earth": GM_EARTH_KM3S2, "moon": GM_MOON_KM3S2}
# EGM2008 / WGS-84 Earth zonal harmonic and the radius it refers to (NGA, EGM2008 tide-free:
# Cbar_20 = -4.84165143790815e-4 -> J2 = 1.08262668e-3; R = 6378.137 km).


def _per_vector(x):
    """A per-vector quantity (shape ``r.shape[:-1]``) made to broadcast against (..., 3).

    A single vector's quantity stays a scalar, so the integrator's hot path does scalar
    arithmetic (numpy's array ``**`` may round differently from the scalar one).
    """
    return x[..., None] if np.ndim(x) else x


def point_mass(r_km, gm_km3s2: float) -> np.ndarray:
    """Two-body acceleration -GM r / |r|^3 [km/s^2] (Vallado 2013, eq. 1-22).

    Parameters
    ----------
    r_km : array_like, shape (..., 3)
        Position from the attracting body's centre [km].
    gm_km3s2 : float
        Attracting body's GM [km^3/s^2].

    Returns
    -------
    numpy.ndarray
        Acceleration [km/s^2], shape (..., 3), in the axes of ``r_km``.
    """
    r = np.asarray(r_km, dtype=float)
    return -gm_km3s2 * r / _per_vector(np.linalg.norm(r, axis=-1) ** 3)


def battin_f(q) -> np.ndarray:
    """Battin's f(q) = 1 - (1 + q)^(-3/2) without cancellation for small q.

    f(q) = q (3 + 3q + q^2) / (1 + (1 + q)^(3/2))   (Battin 1999, eq. 8.60).
    """
    q = np.asarray(q, dtype=float)
    return q * (3.0 + 3.0 * q + q * q) / (1.0 + (1.0 + q) ** 1.5)


def third_body(r_km, s_km, gm_km3s2: float) -> np.ndarray:
    """Perturbing acceleration of a third body on a spacecraft, relative to the central body.

    a = GM_b [ (s - r)/|s - r|^3 - s/|s|^3 ], the direct pull minus the pull on the central
    body (the indirect term). For |r| << |s| (Sun on a lunar orbiter, ratio 5e-6) the two
    terms cancel to 10 digits; Battin's form avoids that:

        d = r - s,  q = r.(r - 2 s) / s.s,   a = -GM_b / |d|^3 (r + f(q) s)

    (Battin 1999, *An Introduction to the Mathematics and Methods of Astrodynamics*,
    eqs. 8.59-8.61).

    Parameters
    ----------
    r_km : array_like, shape (..., 3)
        Spacecraft position from the central body [km].
    s_km : array_like, shape (..., 3)
        Third body's position from the central body [km].
    gm_km3s2 : float
        Third body's GM [km^3/s^2].

    Returns
    -------
    numpy.ndarray
        Acceleration [km/s^2], shape (..., 3).
    """
    r = np.asarray(r_km, dtype=float)
    s = np.asarray(s_km, dtype=float)
    d = r - s
    q = np.sum(r * (r - 2.0 * s), axis=-1) / np.sum(s * s, axis=-1)
    return (_per_vector(-gm_km3s2 / np.linalg.norm(d, axis=-1) ** 3)
            * (r + _per_vector(battin_f(q)) * s))


def j2_acceleration(r_km, gm_km3s2: float, j2: float, radius_km: float,
                    pole=(0.0, 0.0, 1.0)) -> np.ndarray:
    """Perturbing acceleration of a body's J2 about an arbitrary pole direction [km/s^2].

    With z = r.p (p the unit pole vector in the same axes as r):
    a = -3/2 J2 GM R^2 / r^5 [ (1 - 5 z^2/r^2) r + 2 z p ]
    (Vallado 2013 eq. 8-30 written in vector form; for p = e_z it is the textbook form).

    Parameters
    ----------
    r_km : array_like, shape (..., 3)
        Position from the body's centre [km].
    gm_km3s2 : float
        Body's GM [km^3/s^2].
    j2 : float
        Unnormalised zonal coefficient J2 = -C20 [-] (e.g. ``lupex.constants.J2_EARTH``).
    radius_km : float
        Reference radius that ``j2`` is normalised to [km].
    pole : array_like, shape (3,) or (..., 3)
        Unit vector of the body's spin axis in the axes of ``r_km`` (default +z). It is not
        normalised here.

    Returns
    -------
    numpy.ndarray
        Acceleration [km/s^2], shape (..., 3), without the central -GM r/r^3 term.
    """
    r = np.asarray(r_km, dtype=float)
    p = np.asarray(pole, dtype=float)
    rn2 = np.sum(r * r, axis=-1)
    z = np.sum(r * p, axis=-1)
    fac = -1.5 * j2 * gm_km3s2 * radius_km**2 / rn2**2.5
    return _per_vector(fac) * (_per_vector(1.0 - 5.0 * z * z / rn2) * r + _per_vector(2.0 * z) * p)


def earth_pole_icrf(jd_tdb) -> np.ndarray:
    """Earth's celestial intermediate pole (CIP) in ICRF axes at ``jd_tdb``, unit (..., 3).

    Third row of the IAU 2006/2000A bias-precession-nutation matrix (ERFA ``pnm06a``).
    It is 0.1-0.2 degrees from ICRF z in the 2020s (precession since J2000); using ICRF z
    instead would tilt the J2 node rate axis by that much. TDB is used for TT (< 2 ms apart).
    """
    import erfa

    jd = np.asarray(jd_tdb, dtype=float)
    m = erfa.pnm06a(jd, 0.0)
    return m[..., 2, :]


def moon_field_acceleration(r_icrf_km, icrf_to_pa, field: GravityField,
                            degree: int | None = None, order: int | None = None) -> np.ndarray:
    """Acceleration of the Moon's spherical-harmonic field at Moon-centred ICRF positions.

    The GRAIL fields are in MOON_PA, so r is rotated into PA with ``icrf_to_pa`` ((..., 3, 3),
    e.g. ``lupex.ephemeris.icrf_to_moon_pa``), evaluated, and rotated back. The result
    includes the central term (Cbar_00 = 1).

    Parameters
    ----------
    r_icrf_km : array_like, shape (..., 3)
        Moon-centred ICRF positions [km].
    icrf_to_pa : array_like, shape (..., 3, 3)
        ICRF -> MOON_PA rotation at each position's time.
    field : GravityField
    degree, order : int, optional
        Truncation of ``field`` (default: all of it).

    Returns
    -------
    numpy.ndarray
        Acceleration [km/s^2], ICRF axes, shape (..., 3).
    """
    r = np.asarray(r_icrf_km, dtype=float)
    m = np.asarray(icrf_to_pa, dtype=float)
    r_pa = np.einsum("...ij,...j->...i", m, r)
    a_pa = sh_acceleration(r_pa, field, degree, order)
    return np.einsum("...ji,...j->...i", m, a_pa)


@dataclass(frozen=True)
class EphemerisTable:
    """DE421 positions of the Sun, Earth and Moon relative to a central body, and the
    ICRF -> MOON_PA rotation, interpolated over one propagation span.

    Positions use cubic Hermite interpolation on DE421 positions *and* velocities at
    ``step_s`` spacing; the error is h^4/384 max|r''''| (de Boor, *A Practical Guide to
    Splines*, ch. IV): for the Earth-Moon vector (|r''''| ~ r n^4 = 2e-17 km/s^4) and
    h = 1800 s that is ~5e-7 km (0.5 mm); the Sun seen from the Moon carries the same
    monthly term. The nine rotation-matrix elements use a cubic spline (error
    ~5/384 (omega h)^4 = 3e-12 rad for the Moon's 2.66e-6 rad/s). ``tests/orbits/
    test_cowell.py`` measures both against direct DE421 calls.
    """

    central: str
    epoch_jd_tdb: float
    t0_s: float
    t1_s: float
    _pos: dict
    _rot: CubicSpline | None

    def position(self, body: str, t_s) -> np.ndarray:
        """Position of ``body`` relative to the central body [km], shape ``t_s.shape + (3,)``.

        Parameters
        ----------
        body : {"sun", "earth", "moon"}
        t_s : float or array_like
            Seconds past the table's epoch [s].
        """
        if body == self.central:
            return np.zeros(np.shape(t_s) + (3,))
        return self._pos[body](t_s)

    def velocity(self, body: str, t_s) -> np.ndarray:
        """Velocity of ``body`` relative to the central body [km/s], shape ``t_s.shape + (3,)``
        (derivative of the Hermite interpolant, which matches DE421's velocities at the nodes).

        Parameters
        ----------
        body : {"sun", "earth", "moon"}
            Body whose velocity is wanted; the central body itself gives zeros.
        t_s : float or array_like
            Seconds past the table's epoch [s] (TDB).

        Returns
        -------
        numpy.ndarray
            Velocity [km/s] in ICRF axes.
        """
        if body == self.central:
            return np.zeros(np.shape(t_s) + (3,))
        return self._pos[body](t_s, 1)

    def icrf_to_moon_pa(self, t_s) -> np.ndarray:
        """Rotation ICRF -> MOON_PA at ``t_s`` seconds past the epoch, shape
        ``t_s.shape + (3, 3)``."""
        if self._rot is None:
            raise ValueError("icrf_to_moon_pa: the table was built without the Moon's rotation")
        return self._rot(t_s).reshape(np.shape(t_s) + (3, 3))


def tabulate_ephemeris(central: str, epoch_jd_tdb: float, t0_s: float, t1_s: float,
                       step_s: float = 1800.0, bodies=("sun", "earth", "moon"),
                       moon_rotation: bool = True) -> EphemerisTable:
    """Tabulate DE421 body positions (and the Moon's orientation) over a propagation span.

    The grid extends two steps beyond each end so the interpolants are never evaluated in
    their less accurate end intervals.

    Parameters
    ----------
    central : {"earth", "moon"}
        Origin of the tabulated positions.
    epoch_jd_tdb : float
        Time origin, TDB Julian date [d].
    t0_s, t1_s : float
        Span to cover, seconds past the epoch [s] (either order).
    step_s : float
        Grid step [s].
    bodies : tuple of {"sun", "earth", "moon"}
        Bodies to tabulate (the central one is implicit: zero).
    moon_rotation : bool
        Also tabulate the ICRF -> MOON_PA rotation (needed by a lunar gravity field).

    Returns
    -------
    EphemerisTable
    """
    if central not in ("earth", "moon"):
        raise ValueError(f"central: must be 'earth' or 'moon', got {central!r}")
    if not step_s > 0:
        raise ValueError(f"step_s: must be > 0 s, got {step_s}")
    lo, hi = min(t0_s, t1_s), max(t0_s, t1_s)
    n = int(np.ceil((hi - lo) / step_s)) + 5
    t = lo - 2 * step_s + step_s * np.arange(n)
    jd = epoch_jd_tdb + t / 86400.0
    eph.check_span(jd, "propagation span")
    rc, vc = eph.barycentric_state(central, jd)
    pos = {}
    for body in bodies:
        if body == central:
            continue
        rb, vb = eph.barycentric_state(body, jd)
        pos[body] = CubicHermiteSpline(t, rb - rc, vb - vc)
    rot = None
    if moon_rotation:
        m = eph.icrf_to_moon_pa(jd)            # (n, 3, 3)
        rot = CubicSpline(t, m.reshape(n, 9))
    return EphemerisTable(central, float(epoch_jd_tdb), float(lo), float(hi), pos, rot)


@dataclass(frozen=True)
class ForceModel:
    """Which accelerations act, for ``lupex.orbits.cowell.propagate``.

    Attributes
    ----------
    central : {"earth", "moon"}
        Origin of the integration frame (ICRF axes, centred on this body).
    gravity_field : GravityField or None
        The Moon's field (MOON_PA frame) when ``central="moon"``; None = point mass with
        ``GM_KM3S2["moon"]``. When given, its own GM is used (its coefficients refer to it).
    degree, order : int or None
        Truncation of ``gravity_field`` (default: all of it).
    third_bodies : tuple of {"sun", "earth", "moon"}
        Point-mass perturbers (Battin's form), from DE421.
    earth_j2 : bool
        Earth's J2 about the IAU 2006 pole of the epoch (only with ``central="earth"``).
    extra_gm_km3s2 : float
        GM of the propagated body itself, added to the central GM: the relative two-body
        problem of two massive bodies has mu = GM_1 + GM_2 (e.g. the Moon about the Earth).
        Zero for a spacecraft.
    """

    central: str = "moon"
    gravity_field: GravityField | None = None
    degree: int | None = None
    order: int | None = None
    third_bodies: tuple = ("earth", "sun")
    earth_j2: bool = False
    extra_gm_km3s2: float = 0.0

    def __post_init__(self):
        if self.central not in ("earth", "moon"):
            raise ValueError(f"central: must be 'earth' or 'moon', got {self.central!r}")
        bad = [b for b in self.third_bodies if b not in GM_KM3S2 or b == self.central]
        if bad:
            raise ValueError(f"third_bodies: must be bodies other than the central one from "
                             f"{tuple(GM_KM3S2)}, got {bad}")
        if self.gravity_field is not None and self.central != "moon":
            raise ValueError("gravity_field: only the Moon's field is supported (central='moon')")
        if self.earth_j2 and self.central != "earth":
            raise ValueError("earth_j2: only meaningful with central='earth'")
        if not (np.isfinite(self.extra_gm_km3s2) and self.extra_gm_km3s2 >= 0):
            raise ValueError(f"extra_gm_km3s2: must be >= 0 km^3/s^2, got {self.extra_gm_km3s2}")
        if self.gravity_field is not None:
            check_degree_order(self.gravity_field, self.degree, self.order)

    @property
    def central_gm_km3s2(self) -> float:
        if self.gravity_field is not None:
            return self.gravity_field.gm_km3s2 + self.extra_gm_km3s2
        return GM_KM3S2[self.central] + self.extra_gm_km3s2


def total_acceleration(t_s, r_km, model: ForceModel, table: EphemerisTable,
                       earth_pole=(0.0, 0.0, 1.0)) -> np.ndarray:
    """Sum of the accelerations of ``model`` on a spacecraft.

    Parameters
    ----------
    t_s : float or array_like, shape (n,)
        Seconds past the table's epoch [s].
    r_km : array_like, shape (3,) with a scalar ``t_s``, or (n, 3)
        Central-body ICRF positions [km].
    model : ForceModel
    table : EphemerisTable
        Body positions over the span (same central body and epoch).
    earth_pole : array_like, shape (3,)
        Unit vector of the Earth's pole in ICRF, for ``model.earth_j2``.

    Returns
    -------
    numpy.ndarray
        Acceleration [km/s^2], shape of ``r_km``.
    """
    r = np.asarray(r_km, dtype=float)
    if model.gravity_field is not None:
        a = moon_field_acceleration(r, table.icrf_to_moon_pa(t_s), model.gravity_field,
                                    model.degree, model.order)
        if model.extra_gm_km3s2:
            a = a + point_mass(r, model.extra_gm_km3s2)
    else:
        a = point_mass(r, model.central_gm_km3s2)
    for body in model.third_bodies:
        a = a + third_body(r, table.position(body, t_s), GM_KM3S2[body])
    if model.earth_j2:
        a = a + j2_acceleration(r, GM_KM3S2["earth"], J2_EARTH, R_EARTH_KM, earth_pole)
    return a
