"""Input checks shared by the two-body modules: one clear ValueError per bad input.

Astropy quantities are converted to the unit the parameter's name says (``tof_s``: s),
never stripped (:func:`lupex.units.as_value`).
"""

import numpy as np

from lupex.units import UnitError, as_value


def vectors(name, x):
    """Return ``x`` as a float64 array of 3-vectors shaped (..., 3).

    Raises ValueError naming ``name`` when the last axis is not 3 or any
    component is not finite.
    """
    try:
        arr = as_value(name, x)
    except UnitError:
        raise
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be numeric 3-vectors shaped (..., 3): {exc}") from None
    if arr.ndim == 0 or arr.shape[-1] != 3:
        raise ValueError(f"{name} must be shaped (..., 3) (Cartesian x, y, z last); got {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite; got NaN or inf")
    return arr


def real(name, x, low=-np.inf, high=np.inf, low_open=False, high_open=False, unit=""):
    """Return ``x`` as a finite float64 array checked against [low, high].

    ``low_open``/``high_open`` make the bound strict.  The message names the
    parameter and the allowed range.
    """
    try:
        arr = as_value(name, x, "km3 / s2" if name == "mu" else None)
    except UnitError:
        raise
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be numeric: {exc}") from None
    lo_br = "(" if low_open else "["
    hi_br = ")" if high_open else "]"
    allowed = f"{lo_br}{low:g}, {high:g}{hi_br}" + (f" {unit}" if unit else "")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite and in {allowed}; got NaN or inf")
    bad_lo = arr <= low if low_open else arr < low
    bad_hi = arr >= high if high_open else arr > high
    bad = bad_lo | bad_hi
    if np.any(bad):
        first = arr[bad].flat[0]
        raise ValueError(f"{name} must be in {allowed}; got {first!r}")
    return arr


def gm(mu):
    """Check a gravitational parameter [km^3/s^2]: a finite positive scalar."""
    mu = real("mu", mu, low=0.0, low_open=True, unit="km^3/s^2")
    if mu.ndim != 0:
        raise ValueError(f"mu must be a scalar gravitational parameter; got shape {mu.shape}")
    return float(mu)
