"""Axial aerodynamics of the launch vehicle: drag coefficient, dynamic pressure, heating.

No H3 aerodynamic data are public: the drag coefficient is an assumed generic curve
(see :func:`drag_coefficient`).
"""
from __future__ import annotations

from bisect import bisect_right

import numpy as np

#: Mach-number breakpoints of the drag-coefficient table [-].
CD_MACH = np.array([0.0, 0.6, 0.8, 0.95, 1.05, 1.2, 1.5, 2.0, 3.0, 4.0, 6.0, 10.0])
#: Zero-lift drag coefficient at :data:`CD_MACH` [-] (assumed generic curve; see module doc).
CD_VALUES = np.array([0.30, 0.30, 0.33, 0.44, 0.52, 0.52, 0.47, 0.39, 0.31, 0.27, 0.24, 0.22])

#: Free-molecular heating-rate threshold for fairing jettison [W/m^2]
#: (the 1,135 W/m^2 = 0.1 BTU/ft^2/s criterion of the H-IIA User's Manual and
#: most launch-vehicle manuals, with the rate defined as 1/2 rho V^3).
FMH_LIMIT_WM2 = 1135.0


def drag_coefficient(mach, scale=1.0):
    """Zero-lift drag coefficient of the vehicle at a Mach number.

    Parameters
    ----------
    mach : array_like
        Mach number [-], >= 0; clamped to the table above Mach 10.
    scale : float, optional
        Multiplier on the whole curve (for sensitivity studies).

    Returns
    -------
    numpy.ndarray
        Drag coefficient [-], linear interpolation in :data:`CD_VALUES`.

    Notes
    -----
    A generic slender-launch-vehicle curve of zero-lift axial-force coefficient against
    Mach number, with the shape such published curves share: a subsonic plateau, a
    transonic rise to roughly 1.7x the plateau peaking near Mach 1.1-1.2, and a slow
    supersonic decay towards ~0.2 (compare the Atlas curve on
    space.stackexchange.com/q/32265 and Braeunig, "Rocket & Space Technology:
    Aerodynamics", braeunig.us/space/aerodyn_wip.htm).  The values are assumptions,
    referenced to the summed cross-section of core and strap-on boosters; how little the
    payload depends on them is checked by
    ``tests/launch/test_dynamics.py::test_drag_curve_sensitivity``.
    """
    return scale * np.interp(mach, CD_MACH, CD_VALUES)


def dynamic_pressure(rho_kgm3, v_rel_ms):
    """Dynamic pressure ``q = 1/2 rho v^2``.

    Parameters
    ----------
    rho_kgm3 : array_like
        Air density [kg/m^3].
    v_rel_ms : array_like
        Airspeed [m/s].

    Returns
    -------
    numpy.ndarray
        Dynamic pressure [Pa].
    """
    return 0.5 * np.asarray(rho_kgm3) * np.asarray(v_rel_ms) ** 2


def free_molecular_heating(rho_kgm3, v_rel_ms):
    """Free-molecular heating rate ``1/2 rho v^3`` on a surface normal to the flow.

    This is the quantity launch-vehicle manuals limit at fairing jettison (1,135 W/m^2).

    Parameters
    ----------
    rho_kgm3 : array_like
        Air density [kg/m^3].
    v_rel_ms : array_like
        Airspeed [m/s].

    Returns
    -------
    numpy.ndarray
        Heating rate [W/m^2].
    """
    return 0.5 * np.asarray(rho_kgm3) * np.asarray(v_rel_ms) ** 3


_CDM_L, _CDV_L = CD_MACH.tolist(), CD_VALUES.tolist()


def drag_coefficient_scalar(mach: float) -> float:
    """Scalar fast path of :func:`drag_coefficient` (scale 1) for the ODE right-hand side.

    Parameters
    ----------
    mach : float
        Mach number [-].

    Returns
    -------
    float
        Drag coefficient [-].
    """
    if mach >= _CDM_L[-1]:
        return _CDV_L[-1]
    j = bisect_right(_CDM_L, mach) - 1
    if j < 0:
        return _CDV_L[0]
    w = (mach - _CDM_L[j]) / (_CDM_L[j + 1] - _CDM_L[j])
    return _CDV_L[j] + w * (_CDV_L[j + 1] - _CDV_L[j])
