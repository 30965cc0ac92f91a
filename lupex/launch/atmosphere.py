"""1976 US Standard Atmosphere along the ascent: density, pressure and speed of sound.

Tabulated once at import from ``ambiance`` below 81 km and extended above with the
standard's density column (see :func:`standard_atmosphere`); a scalar fast path serves the
ODE right-hand side.
"""
from __future__ import annotations

from bisect import bisect_right
from math import exp

import numpy as np
from ambiance import Atmosphere

_H_TOP_M = 81_000.0
_STEP_M = 20.0
_H_BOTTOM_M = -1_000.0
_GRID_M = np.arange(_H_BOTTOM_M, _H_TOP_M + _STEP_M / 2, _STEP_M)
_AMB = Atmosphere(_GRID_M)
_RHO = np.asarray(_AMB.density, dtype=float)
_P = np.asarray(_AMB.pressure, dtype=float)
_A = np.asarray(_AMB.speed_of_sound, dtype=float)

# 1976 US Standard Atmosphere, Table I (geometric altitude), density [kg/m^3].
_US76_HIGH_KM = np.array([81.0, 86.0, 90.0, 100.0, 110.0, 120.0, 150.0, 200.0,
                          300.0, 400.0, 500.0, 1000.0])
_US76_HIGH_RHO = np.array([np.nan, 6.958e-6, 3.416e-6, 5.604e-7, 9.708e-8, 2.222e-8,
                           2.076e-9, 2.541e-10, 1.916e-11, 2.803e-12, 5.215e-13,
                           3.561e-15])
_US76_HIGH_RHO[0] = _RHO[-1]   # join continuously onto the ambiance table
_LOG_RHO_HIGH = np.log(_US76_HIGH_RHO)
# plain-float copies for the scalar path (see benchmarks/bench_launch.py for the speed-up)
_RHO_L, _P_L, _A_L = _RHO.tolist(), _P.tolist(), _A.tolist()
_HI_KM_L, _LOG_HI_L = _US76_HIGH_KM.tolist(), _LOG_RHO_HIGH.tolist()
_P_TOP, _RHO_TOP, _A_TOP = _P_L[-1], _RHO_L[-1], _A_L[-1]

#: Highest altitude the model covers [km].
ALT_MAX_KM = 1000.0
#: Lowest altitude the model covers [km].
ALT_MIN_KM = _H_BOTTOM_M / 1000.0


def standard_atmosphere(alt_km):
    """Density, pressure and speed of sound of the 1976 US Standard Atmosphere.

    Parameters
    ----------
    alt_km : array_like
        Geometric altitude above mean sea level [km], -1 to 1000 km.  Values
        above 1000 km return zero density and pressure (vacuum).

    Returns
    -------
    rho_kgm3, p_pa, a_ms : numpy.ndarray
        Density [kg/m^3], pressure [Pa] and speed of sound [m/s].

    Raises
    ------
    ValueError
        If any altitude is below -1 km or not finite.

    Notes
    -----
    Below 81.02 km (the upper limit of the ``ambiance`` package) the values come from
    ``ambiance.Atmosphere`` itself, sampled every 20 m at import and interpolated
    linearly (``tests/launch/test_atmosphere.py`` bounds the interpolation error).
    Above, the ascent still needs density for drag on the upper stage and, above all,
    for the free-molecular heating rate that decides fairing jettison (~110-130 km):
    density is interpolated log-linearly in the geometric-altitude density column of the
    1976 US Standard Atmosphere (NOAA-S/T 76-1562, Table I), quoted to four digits.
    Pressure there is scaled with density from its 81 km value (isothermal assumption; it
    only enters the nozzle back-pressure term, where it is < 1 Pa) and the speed of
    sound is held at its 81 km value (Mach number only feeds the drag coefficient,
    negligible at q < 1 Pa).
    """
    h = np.asarray(alt_km, dtype=float)
    if not np.all(np.isfinite(h)) or np.any(h < ALT_MIN_KM):
        raise ValueError(f"alt_km must be finite and >= {ALT_MIN_KM} km; got min "
                         f"{np.nanmin(h) if h.size else h}")
    hm = h * 1000.0
    low = hm <= _H_TOP_M
    rho = np.interp(hm, _GRID_M, _RHO)
    p = np.interp(hm, _GRID_M, _P)
    a = np.interp(hm, _GRID_M, _A)
    rho_hi = np.exp(np.interp(h, _US76_HIGH_KM, _LOG_RHO_HIGH))
    rho_hi = np.where(h > ALT_MAX_KM, 0.0, rho_hi)
    rho = np.where(low, rho, rho_hi)
    p = np.where(low, p, _P[-1] * rho_hi / _RHO[-1])
    return rho, p, a


def atmosphere_scalar(alt_km: float):
    """Scalar fast path of :func:`standard_atmosphere` for the ODE right-hand side.

    Same model; no input checking (altitudes below -1 km clamp).

    Parameters
    ----------
    alt_km : float
        Geometric altitude [km].

    Returns
    -------
    rho_kgm3, p_pa, a_ms : float
        Density [kg/m^3], pressure [Pa] and speed of sound [m/s].
    """
    hm = alt_km * 1000.0
    if hm <= _H_TOP_M:
        x = (hm - _H_BOTTOM_M) / _STEP_M
        if x <= 0.0:
            return _RHO_L[0], _P_L[0], _A_L[0]
        i = int(x)
        if i >= len(_RHO_L) - 1:
            return _RHO_TOP, _P_TOP, _A_TOP
        w = x - i
        return (_RHO_L[i] + w * (_RHO_L[i + 1] - _RHO_L[i]),
                _P_L[i] + w * (_P_L[i + 1] - _P_L[i]),
                _A_L[i] + w * (_A_L[i + 1] - _A_L[i]))
    if alt_km >= ALT_MAX_KM:
        return 0.0, 0.0, _A_TOP
    j = bisect_right(_HI_KM_L, alt_km) - 1
    h0, h1 = _HI_KM_L[j], _HI_KM_L[j + 1]
    w = (alt_km - h0) / (h1 - h0)
    rho = exp(_LOG_HI_L[j] + w * (_LOG_HI_L[j + 1] - _LOG_HI_L[j]))
    return rho, _P_TOP * rho / _RHO_TOP, _A_TOP
