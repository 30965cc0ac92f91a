"""Optional compiled (numba) kernels of the horizon engine, bit-identical to its NumPy path.

Each kernel performs the same float32 operations, in the same order and with the same
per-step constants (computed in Python exactly as the NumPy path computes them), as the
NumPy code it replaces; numba does not contract multiply-adds into FMAs without fastmath,
so results are equal bit for bit (tests/surface/test_horizon_tiles.py compares both).
``error_model="numpy"``: a division by zero gives inf/NaN as in NumPy instead of raising.
The kernels fuse the per-step passes (no temporaries leave the registers) and release the
GIL.  Without numba (``KERNELS`` is False) the engine uses its NumPy path.
"""

from __future__ import annotations

import numpy as np

try:  # pragma: no cover - exercised by whichever environment runs the tests
    import numba

    KERNELS = True
except ImportError:  # pragma: no cover
    numba = None
    KERNELS = False

__all__ = ["KERNELS", "fine_march"]


def _fine_march_py(terr, base_r, base_c, col_major, sgn, steps, io, f, omf, inv, cc, eye, fac, out):
    """out[r, c] = fac * max_j ((h_j - eye) * inv_j - cc_j), h_j = omf_j va + f_j vb."""
    nr, nx = out.shape
    best = np.empty(nx, dtype=np.float32)
    for r in range(nr):
        best[:] = -np.inf
        er = eye[r]
        for k in range(steps.shape[0]):
            j = steps[k]
            if col_major:
                ra = terr[base_r + r + io[k]]
                rb = terr[base_r + r + io[k] + 1]
                b0 = base_c + sgn * j
                _fine_row(ra[b0:b0 + nx], rb[b0:b0 + nx], er, omf[k], f[k], inv[k], cc[k], best)
            else:
                ra = terr[base_r + r + sgn * j]
                b0 = base_c + io[k]
                _fine_row(ra[b0:b0 + nx], ra[b0 + 1:b0 + 1 + nx], er, omf[k], f[k], inv[k], cc[k],
                          best)
        fr = fac[r]
        for c in range(nx):
            out[r, c] = best[c] * fr[c]


def _fine_row_py(va, vb, er, omf, f, inv, cc, best):
    for c in range(best.shape[0]):
        h = ((va[c] * omf + vb[c] * f) - er[c]) * inv - cc
        best[c] = max(best[c], h)


if KERNELS:
    _fine_row = numba.njit(nogil=True, cache=True, error_model="numpy", inline="always")(_fine_row_py)

fine_march = numba.njit(nogil=True, cache=True, error_model="numpy")(_fine_march_py) if KERNELS else None


# float32 constants of lupex.surface.horizon._atan_inplace (Abramowitz & Stegun 4.4.48)
_A9 = np.float32(0.0208351)
_A7 = np.float32(-0.0851330)
_A5 = np.float32(0.1801410)
_A3 = np.float32(-0.3302995)
_A1 = np.float32(0.9998660)
_ONE = np.float32(1.0)
_HALF_PI = np.float32(np.pi / 2)


def _atan_rows_py(out):
    """:func:`lupex.surface.horizon._atan_inplace` on a 2-D array, branch-free (vectorises).

    1/a is computed everywhere but used only where |t| > 1, as there; the sign is set by
    comparison, so only t = -0.0 differs (+0.0 instead of -0.0, equal as numbers).
    """
    ny, nx = out.shape
    for r in range(ny):
        row = out[r]
        for c in range(nx):
            t = row[c]
            a = abs(t)
            big = a > _ONE
            inv = _ONE / a
            a = inv if big else a
            z2 = a * a
            p = _A9 * z2
            p = p + _A7
            p = p * z2
            p = p + _A5
            p = p * z2
            p = p + _A3
            p = p * z2
            p = p + _A1
            p = p * a
            p = (_HALF_PI - p) if big else p
            row[c] = -p if t < 0 else p


def _merge0_py(out, zp, dp, lp, two_r, pr, pc, du, dn, dh00, dh01, dh10, dh11, has_parent):
    """Level 0: out = atan(max(out, elevation tangent of the parent's point from the child)),
    class by class (row parity sr, column parity sc) with contiguous parent rows."""
    ny, nx = out.shape
    if has_parent:
        for sr in range(2):
            for sc in range(2):
                if sr == 0:
                    dh = dh00 if sc == 0 else dh01
                else:
                    dh = dh10 if sc == 0 else dh11
                u = du[sr, sc]
                n = dn[sr, sc]
                nb = (nx - sc + 1) // 2
                for i in range((ny - sr + 1) // 2):
                    a = pr[sr] + i
                    zrow = zp[a]
                    drow = dp[a]
                    lrow = lp[a]
                    hrow = dh[i]
                    orow = out[sr + 2 * i]
                    b0 = pc[sc]
                    for jj in range(nb):
                        dpv = drow[b0 + jj]
                        lpv = lrow[b0 + jj]
                        pd2 = (dpv * dpv + lpv * lpv) / two_r
                        dc = dpv - u
                        lc = lpv - n
                        dc = dc * dc
                        lc = lc * lc
                        d2 = dc + lc
                        zc = zrow[b0 + jj] - hrow[jj]
                        zc = zc + pd2
                        zc = zc - d2 / two_r
                        zc = zc / np.sqrt(d2)
                        v = orow[sc + 2 * jj]
                        # np.maximum: a NaN wins from either side
                        orow[sc + 2 * jj] = zc if (zc > v or zc != zc) and v == v else v  # noqa: PLR0124
    _atan_rows(out)


if KERNELS:
    _atan_rows = numba.njit(nogil=True, cache=True, error_model="numpy")(_atan_rows_py)
    merge0 = numba.njit(nogil=True, cache=True, error_model="numpy")(_merge0_py)
else:  # pragma: no cover
    merge0 = None


def _coarse_row_py(va, vb, er, omf, f, c2, inv, dkf, bt, bd):
    """One step for a row of observers (va, vb: the two terrain samples bracketing it)."""
    for c in range(bt.shape[0]):
        t = ((va[c] * omf + vb[c] * f) - er[c]) - c2
        t = t * inv
        o = bt[c]
        e = bd[c]
        # selects, not a branch: vectorises
        bt[c] = t if t > o else o  # noqa: FURB136
        bd[c] = (e + (dkf - e)) if t > o else e


def _coarse_march_py(terr, a_base, b_base, st, col_major, sgn, steps, io, f, omf, c2, inv, dkf,
                     eye, zout, dout):
    """Best (Z, D) over a coarse band, as lupex.surface.horizon._march_coarse.

    Per step: h = (omf va + f vb - eye) - c2, t = h inv; where t beats the best, the best
    tangent becomes t and the distance bd + (dk - bd) (the NumPy path's blend, kept
    literally for equal bits).  Terrain point of observer (r, c) at step k:
    terr[a + r st, b + c st] with (a, b) from the step (and the next row or column for vb).
    Strided samples are first copied into contiguous rows, so the step loop vectorises.
    """
    nr, nx = zout.shape
    bt = np.empty(nx, dtype=np.float32)
    bd = np.empty(nx, dtype=np.float32)
    va = np.empty(nx, dtype=np.float32)
    vb = np.empty(nx, dtype=np.float32)
    for r in range(nr):
        bt[:] = -np.inf
        bd[:] = 0.0
        er = eye[r]
        for k in range(steps.shape[0]):
            j = steps[k]
            if col_major:
                a = a_base + r * st + io[k]
                b = b_base + sgn * j
                ra = terr[a]
                rb = terr[a + 1]
                for c in range(nx):
                    va[c] = ra[b + c * st]
                    vb[c] = rb[b + c * st]
            else:
                a = a_base + r * st + sgn * j
                b = b_base + io[k]
                ra = terr[a]
                for c in range(nx):
                    va[c] = ra[b + c * st]
                    vb[c] = ra[b + 1 + c * st]
            _coarse_row(va, vb, er, omf[k], f[k], c2[k], inv[k], dkf[k], bt, bd)
        for c in range(nx):
            zout[r, c] = bt[c] * bd[c]
            dout[r, c] = bd[c]


if KERNELS:
    _coarse_row = numba.njit(nogil=True, cache=True, error_model="numpy", inline="always")(
        _coarse_row_py)
coarse_march = numba.njit(nogil=True, cache=True, error_model="numpy")(_coarse_march_py) if KERNELS else None
