"""A body's gravity field as a spherical-harmonic expansion with fully normalised coefficients.

The potential outside the reference sphere is (Kaula 1966; Montenbruck & Gill 2000, eq. 3.13)

    U(r, phi, lam) = GM/r * sum_{n=0}^{N} sum_{m=0}^{n} (R/r)^n Pbar_nm(sin phi)
                     * (Cbar_nm cos(m lam) + Sbar_nm sin(m lam))

with the "geodesy 4-pi" full normalisation Pbar_nm = N_nm P_nm,
N_nm = sqrt((2 - delta_0m)(2n + 1)(n - m)! / (n + m)!), so that Cbar_nm = C_nm / N_nm.
Cbar_00 = 1 carries the central term, so the acceleration returned here is the *whole*
gravity of the body (point mass plus harmonics), in its body-fixed frame.

Evaluation uses Cunningham's (1970) V/W recursion written for normalised functions:
V_nm + i W_nm = (R/r)^(n+1) Pbar_nm(sin phi) e^(i m lam) is built by a sectorial recursion
in m and a column recursion in n, both in Cartesian coordinates, so there is no singularity
at the poles (a low lunar polar orbit crosses them every revolution) and no factorial
overflow (the normalised values stay O(1)); subnormal underflow near the poles is flushed,
which bounds the supported degree to about 300 (beyond that use extended-range arithmetic,
Holmes & Featherstone 2002). The acceleration is then
Montenbruck & Gill eq. 3.33 with the normalisation ratios folded into fixed per-(n, m)
factors (derived in ``_accel_factors``). Everything is vectorised over positions (..., 3);
the only Python loops run over degree and order, never over points.

Coefficient files are read by :mod:`lupex.orbits.gravity_files`; a low-degree GRAIL field
ships in :mod:`lupex.orbits.grgm660prim`. Units inside: km, km^3/s^2, s.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

# Bound on the (N+2)^2 * chunk work arrays built per evaluation: about 2 x 40 MB.
_CHUNK_ELEMENTS = 5_000_000


@dataclass(frozen=True, eq=False)
class GravityField:
    """Fully normalised spherical-harmonic coefficients of one body.

    ``eq=False`` keeps identity hashing so per-field tables can be cached.

    Attributes
    ----------
    name : str
        Model name (e.g. ``"GRGM660PRIM"``).
    gm_km3s2 : float
        The model's GM [km^3/s^2]; the coefficients are relative to it.
    radius_km : float
        Reference radius R [km] of the expansion.
    c, s : ndarray (N+1, N+1)
        Cbar_nm and Sbar_nm indexed ``[n, m]``; zero where m > n. Read-only.
    frame : str
        Body-fixed frame of the coefficients (``"MOON_PA"`` for GRAIL fields).
    source : str
        File or citation the numbers came from.
    """

    name: str
    gm_km3s2: float
    radius_km: float
    c: np.ndarray
    s: np.ndarray
    frame: str
    source: str
    normalization: str = "fully normalized (4-pi geodesy)"

    @property
    def max_degree(self) -> int:
        return self.c.shape[0] - 1


def make_field(name, gm_km3s2, radius_km, c, s, frame="MOON_PA", source="") -> GravityField:
    """Validate and freeze coefficient arrays into a ``GravityField``.

    The arrays are copied as float64 and made read-only; nothing is renormalised, so they
    must already be fully normalised (4-pi geodesy convention, see the module notes).

    Parameters
    ----------
    name : str
        Model name (e.g. ``"GRGM660PRIM"``).
    gm_km3s2 : float
        The model's GM [km^3/s^2], > 0; the coefficients are relative to it.
    radius_km : float
        Reference radius R of the expansion [km], > 0.
    c, s : array_like, shape (N+1, N+1)
        Fully normalised Cbar_nm and Sbar_nm [-] indexed ``[n, m]``; zero where m > n.
        ``c[0, 0]`` is normally 1 (the central term).
    frame : str
        Body-fixed frame of the coefficients (default ``"MOON_PA"``).
    source : str
        File or citation the numbers came from.

    Returns
    -------
    GravityField

    Raises
    ------
    ValueError
        Naming the parameter, for non-positive or non-finite GM or radius, non-square or
        mismatched arrays, non-finite coefficients, or nonzero terms with m > n.
    """
    c = np.array(c, dtype=float)
    s = np.array(s, dtype=float)
    if not (np.isfinite(gm_km3s2) and gm_km3s2 > 0):
        raise ValueError(f"gm_km3s2: must be a positive finite number [km^3/s^2], got {gm_km3s2}")
    if not (np.isfinite(radius_km) and radius_km > 0):
        raise ValueError(f"radius_km: must be a positive finite number [km], got {radius_km}")
    if c.ndim != 2 or c.shape[0] != c.shape[1] or c.shape != s.shape:
        raise ValueError(f"c, s: must be square (N+1, N+1) arrays of equal shape, got "
                         f"{c.shape} and {s.shape}")
    if not (np.all(np.isfinite(c)) and np.all(np.isfinite(s))):
        raise ValueError("c, s: contain NaN or infinite coefficients")
    upper = np.triu_indices(c.shape[0], k=1)
    if np.any(c[upper] != 0) or np.any(s[upper] != 0):
        raise ValueError("c, s: nonzero coefficient with order m > degree n")
    c.setflags(write=False)
    s.setflags(write=False)
    return GravityField(name, float(gm_km3s2), float(radius_km), c, s, frame, source)


def truncate(field: GravityField, degree: int, order: int | None = None) -> GravityField:
    """Copy of ``field`` keeping degrees <= ``degree`` and orders <= ``order``.

    The dropped orders are set to zero (the arrays stay (degree+1, degree+1)); GM, radius
    and frame are kept and the source notes the truncation.

    Parameters
    ----------
    field : GravityField
        Field to truncate.
    degree : int
        Highest degree kept, in [0, ``field.max_degree``].
    order : int, optional
        Highest order kept, in [0, ``degree``]; default ``degree`` (all orders).

    Returns
    -------
    GravityField

    Raises
    ------
    ValueError
        For a degree or order outside the ranges above.
    """
    degree, order = check_degree_order(field, degree, order)
    c = field.c[: degree + 1, : degree + 1].copy()
    s = field.s[: degree + 1, : degree + 1].copy()
    c[:, order + 1:] = 0.0
    s[:, order + 1:] = 0.0
    return make_field(field.name, field.gm_km3s2, field.radius_km, c, s, field.frame,
                      f"{field.source} (truncated to {degree}x{order})")


def check_degree_order(field: GravityField, degree, order) -> tuple[int, int]:
    """Resolve ``degree``/``order`` (None = all) or raise ValueError naming the range.

    Parameters
    ----------
    field : GravityField
        Field the truncation applies to.
    degree : int or None
        Highest degree, in [0, ``field.max_degree``]; None gives ``field.max_degree``.
    order : int or None
        Highest order, in [0, degree]; None gives the resolved ``degree``.

    Returns
    -------
    degree, order : int

    Raises
    ------
    ValueError
        For a degree or order outside the ranges above.
    """
    degree = field.max_degree if degree is None else int(degree)
    if not 0 <= degree <= field.max_degree:
        raise ValueError(f"degree: must be in [0, {field.max_degree}] for {field.name}, "
                         f"got {degree}")
    order = degree if order is None else int(order)
    if not 0 <= order <= degree:
        raise ValueError(f"order: must be in [0, degree={degree}], got {order}")
    return degree, order


# ---------------------------------------------------------------------------------------
# Recursion tables
# ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Tables:
    nmax: int          # highest degree of the coefficients used (N)
    a: np.ndarray      # (N+2, N+2) column-recursion factor a_nm
    b: np.ndarray      # (N+2, N+2) column-recursion factor b_nm
    sect: np.ndarray   # (N+2,) sectorial factor c_m
    # complex (Cbar - i Sbar) times normalisation ratios, flattened over [n, m]:
    k0: np.ndarray     # (N+1, N+1) potential
    k1: np.ndarray     # (N+1, N+1), pairs with Z_{n+1,m+1}
    k2: np.ndarray     # (N+1, N+1), pairs with Z_{n+1,m-1}
    k3: np.ndarray     # (N+1, N+1), pairs with Z_{n+1,m}


def _recursion_factors(nmax: int):
    """a_nm, b_nm of Pbar_nm = a u Pbar_{n-1,m} - b Pbar_{n-2,m} and the sectorial c_m.

    a_nm = sqrt((2n-1)(2n+1) / ((n-m)(n+m))),
    b_nm = sqrt((2n+1)(n+m-1)(n-m-1) / ((n-m)(n+m)(2n-3))),
    c_1 = sqrt(3), c_m = sqrt((2m+1)/(2m)) (m >= 2)  (Holmes & Featherstone 2002, eqs. 11-13).
    Entries with m >= n are unused and left zero.
    """
    n = np.arange(nmax + 1, dtype=float)[:, None]
    m = np.arange(nmax + 1, dtype=float)[None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        a = np.sqrt((2 * n - 1) * (2 * n + 1) / ((n - m) * (n + m)))
        b = np.sqrt((2 * n + 1) * (n + m - 1) * (n - m - 1) / ((n - m) * (n + m) * (2 * n - 3)))
    valid = m < n
    a = np.where(valid, a, 0.0)
    b = np.where(valid & (n - m >= 2), b, 0.0)
    mm = np.arange(nmax + 1, dtype=float)
    with np.errstate(divide="ignore"):
        sect = np.sqrt((2 * mm + 1) / (2 * mm))
    sect[0] = 0.0
    if nmax >= 1:
        sect[1] = np.sqrt(3.0)
    return a, b, sect


def _accel_factors(nmax: int):
    """Normalisation ratios for the acceleration (Montenbruck & Gill 2000, eq. 3.33).

    With C_nm = N_nm Cbar_nm and V_nm = Vbar_nm / N_nm, each unnormalised product becomes
    Cbar * Vbar times a ratio of normalisations; worked out from N_nm above:

    k1 = N_nm / N_{n+1,m+1}           = sqrt((2-d_m0)/2 (2n+1)/(2n+3) (n+m+1)(n+m+2))
    k2 = (n-m+2)(n-m+1) N_nm / N_{n+1,m-1}
                                      = sqrt(2/(2-d_m1) (2n+1)/(2n+3) (n-m+1)(n-m+2))
    k3 = (n-m+1) N_nm / N_{n+1,m}     = sqrt((2n+1)/(2n+3) (n-m+1)(n+m+1))
    """
    n = np.arange(nmax + 1, dtype=float)[:, None]
    m = np.arange(nmax + 1, dtype=float)[None, :]
    q = (2 * n + 1) / (2 * n + 3)
    k1 = np.sqrt(np.where(m == 0, 1.0, 2.0) / 2.0 * q * (n + m + 1) * (n + m + 2))
    k2 = np.sqrt(2.0 / np.where(m == 1, 1.0, 2.0) * q * np.clip((n - m + 1) * (n - m + 2), 0, None))
    k3 = np.sqrt(q * np.clip((n - m + 1) * (n + m + 1), 0, None))
    k2[:, 0] = 0.0
    lower = m <= n
    return np.where(lower, k1, 0.0), np.where(lower, k2, 0.0), np.where(lower, k3, 0.0)


@lru_cache(maxsize=32)
def _tables(field: GravityField, degree: int, order: int) -> _Tables:
    c = field.c[: degree + 1, : degree + 1].copy()
    s = field.s[: degree + 1, : degree + 1].copy()
    c[:, order + 1:] = 0.0
    s[:, order + 1:] = 0.0
    a, b, sect = _recursion_factors(degree + 1)
    k1, k2, k3 = _accel_factors(degree)
    # M&G eq. 3.33 weights the m >= 1 x/y terms by 1/2 and the m = 0 term by 1.
    w = np.full(degree + 1, 0.5)
    w[0] = 1.0
    cs = c - 1j * s
    return _Tables(degree, a, b, sect, cs, cs * k1 * w, cs * k2 * w, cs * k3)


def _vw(x, y, z, radius_km: float, nmax: int, t: _Tables) -> np.ndarray:
    """Z_nm = Vbar_nm + i Wbar_nm for n, m <= nmax at points (x, y, z) [km].

    Returns a complex array (nmax+1, nmax+1, p), zero above the diagonal.
    V_00 = R/r; sectorial Z_mm = c_m (x + i y) R/r^2 Z_{m-1,m-1}, i.e. in closed form
    Z_mm = (R/r) (prod_{k<=m} c_k) ((x + i y) R/r^2)^m; column
    Z_nm = a_nm z R/r^2 Z_{n-1,m} - b_nm (R/r)^2 Z_{n-2,m}.
    """
    r2 = x * x + y * y + z * z
    zr = z * radius_km / r2
    rr = radius_km * radius_km / r2
    p = x.shape[0]
    zz = np.zeros((nmax + 1, nmax + 1, p), dtype=complex)
    xy = (x + 1j * y) * (radius_km / r2)
    m = np.arange(nmax + 1)
    diag = (np.cumprod(np.where(m == 0, 1.0, t.sect[: nmax + 1]))[:, None]
            * xy[None, :] ** m[:, None] * (radius_km / np.sqrt(r2))[None, :])
    # Near the poles (x + iy) -> 0 and high-order sectorials underflow into subnormal numbers,
    # which are exact-enough but ~100x slower to multiply. Flush them: a column can grow from
    # its sectorial by at most ~2^(N-m) (|Pbar_nm| <= sqrt(2n+1)), so terms below 1e-200
    # stay below 1e-150 of the central term for N <= 160 and their loss is invisible.
    diag[np.abs(diag) < 1e-200] = 0.0
    zz[m, m] = diag
    if nmax >= 1:
        zz[1, 0] = t.a[1, 0] * zr * zz[0, 0]
    for n in range(2, nmax + 1):
        zz[n, :n] = t.a[n, :n, None] * zr * zz[n - 1, :n] - t.b[n, :n, None] * rr * zz[n - 2, :n]
    return zz


def _as_points(r_km) -> tuple[np.ndarray, tuple]:
    """Positions (..., 3) as a (3, n) work array, and the leading shape to restore."""
    r = np.asarray(r_km, dtype=float)
    if r.ndim == 0 or r.shape[-1] != 3:
        raise ValueError(f"r_km: must have shape (..., 3), got {r.shape}")
    lead = r.shape[:-1]
    r = r.reshape(-1, 3).T
    if not np.all(np.isfinite(r)):
        raise ValueError("r_km: contains NaN or infinite coordinates")
    if np.any(np.sum(r * r, axis=0) == 0.0):
        raise ValueError("r_km: the field is singular at the body's centre (r = 0)")
    return r, lead


def sh_acceleration(r_km, field: GravityField, degree: int | None = None,
                    order: int | None = None) -> np.ndarray:
    """Gravitational acceleration of ``field`` at body-fixed positions [km/s^2].

    Parameters
    ----------
    r_km : array_like, shape (..., 3)
        Positions in the field's body-fixed frame (``field.frame``) [km]. Valid outside the
        Brillouin sphere; at the lunar surface the series converges slowly but is still
        what orbit codes use.
    field : GravityField
    degree, order : int, optional
        Truncation (default: all the field holds). ``degree=0`` is the point mass.

    Returns
    -------
    numpy.ndarray, shape (..., 3) like ``r_km``
        Acceleration including the central GM/r^2 term [km/s^2].

    Notes
    -----
    Montenbruck & Gill (2000) *Satellite Orbits*, eqs. 3.31-3.33 (Cunningham 1970), in
    normalised form (module docstring). With Z = V + iW and K = k (Cbar - i Sbar):
    a_x = GM/R^2 Re(-K1.Z_{n+1,m+1} + K2.Z_{n+1,m-1}),
    a_y = GM/R^2 Im(-K1.Z_{n+1,m+1} - K2.Z_{n+1,m-1}), a_z = -GM/R^2 Re(K3.Z_{n+1,m}).
    Cost O(N^2) per point, vectorised over points and chunked so work arrays stay below
    ~80 MB.
    """
    r, lead = _as_points(r_km)
    degree, order = check_degree_order(field, degree, order)
    t = _tables(field, degree, order)
    out = np.empty_like(r)
    chunk = max(1, _CHUNK_ELEMENTS // (degree + 2) ** 2)
    gm_r2 = field.gm_km3s2 / field.radius_km**2
    for i in range(0, r.shape[1], chunk):
        x, y, z = r[:, i:i + chunk]
        zp = _vw(x, y, z, field.radius_km, degree + 1, t)[1:]   # row index n+1, n = 0..N
        # einsum, not BLAS: these are skinny products, and a threaded BLAS contends for the
        # cores with everything else (measured 10x slower on a shared 2-core machine).
        s1 = np.einsum("nm,nmp->p", t.k1, zp[:, 1:])               # Z_{n+1,m+1}
        s3 = np.einsum("nm,nmp->p", t.k3, zp[:, :-1])              # Z_{n+1,m}
        # Z_{n+1,m-1}: shift right by one column; the m = 0 entry has K2 = 0.
        s2 = np.einsum("nm,nmp->p", t.k2[:, 1:], zp[:, :-2])
        out[:, i:i + chunk] = gm_r2 * np.array([(-s1 + s2).real, (-s1 - s2).imag, -s3.real])
    return out.T.reshape(lead + (3,))


def sh_potential(r_km, field: GravityField, degree: int | None = None,
                 order: int | None = None) -> np.ndarray:
    """Gravitational potential U of ``field`` at body-fixed positions [km^2/s^2].

    Sign convention: U > 0, acceleration = +grad U (geodesy convention); U = GM/r for
    ``degree=0``: U = GM/R Re(sum (Cbar - i Sbar) Z).

    Parameters
    ----------
    r_km : array_like, shape (..., 3)
        Positions in the field's body-fixed frame [km].
    field : GravityField
    degree, order : int, optional
        Truncation (default: all the field holds).

    Returns
    -------
    numpy.ndarray or float
        Potential [km^2/s^2], shape ``r_km.shape[:-1]``.
    """
    r, lead = _as_points(r_km)
    degree, order = check_degree_order(field, degree, order)
    t = _tables(field, degree, order)
    out = np.empty(r.shape[1])
    chunk = max(1, _CHUNK_ELEMENTS // (degree + 2) ** 2)
    for i in range(0, r.shape[1], chunk):
        x, y, z = r[:, i:i + chunk]
        zz = _vw(x, y, z, field.radius_km, degree, t)
        out[i:i + chunk] = np.einsum("nm,nmp->p", t.k0, zz).real
    out *= field.gm_km3s2 / field.radius_km
    return out[0] if lead == () else out.reshape(lead)
