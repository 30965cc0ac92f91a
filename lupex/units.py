"""Astropy quantities at the public boundary: converted to the unit a function works in,
or refused with the parameter's name, never silently stripped.

Inside lupex numbers are plain float64 with the unit in the name (``tof_s``, ``r_km``);
``numpy.asarray`` on an astropy ``Quantity`` would drop its unit and treat 40 min as 40 s,
so every public function passes its array arguments through :func:`as_value`.
"""

from __future__ import annotations

import numpy as np

#: Units by the suffix of a parameter name (the lupex naming convention).
SUFFIX_UNITS = {
    "_km3s2": "km3 / s2", "_kms": "km / s", "_km": "km", "_m": "m", "_s": "s", "_h": "h",
    "_days": "d", "_rad": "rad", "_deg": "deg", "_kg": "kg", "_n": "N", "_kn": "kN",
}


class UnitError(ValueError):
    """A quantity given in a unit that cannot be converted to the parameter's."""


def unit_of(name: str) -> str | None:
    """The unit a parameter named ``name`` is in, from its suffix (``r0_km`` -> ``km``), or
    None for a dimensionless or unnamed one."""
    for suffix in sorted(SUFFIX_UNITS, key=len, reverse=True):
        if name.endswith(suffix):
            return SUFFIX_UNITS[suffix]
    return None


def is_quantity(x) -> bool:
    """True for an astropy ``Quantity`` (tested by duck type: astropy is imported lazily)."""
    return hasattr(x, "unit") and hasattr(x, "to_value")


def as_value(name: str, x, unit: str | None = None) -> np.ndarray:
    """``x`` as a float64 array in ``unit``: a ``Quantity`` is converted, a plain number or
    array is taken as already in ``unit``.

    Parameters
    ----------
    name : str
        The parameter's name, used in errors and, when ``unit`` is None, to find the unit
        from its suffix (:data:`SUFFIX_UNITS`).
    x : array_like or astropy.units.Quantity
        The value.
    unit : str, optional
        The unit the function works in (astropy syntax); None takes it from ``name``; a
        parameter with no unit accepts only dimensionless quantities.

    Raises
    ------
    UnitError
        If ``x`` is a quantity whose unit cannot be converted to ``unit``.
    """
    if not is_quantity(x):
        return np.asarray(x, dtype=np.float64)
    import astropy.units as u

    unit = unit if unit is not None else unit_of(name)
    target = u.dimensionless_unscaled if unit is None else u.Unit(unit)
    try:
        return np.asarray(x.to_value(target), dtype=np.float64)
    except u.UnitConversionError:
        want = "a dimensionless number" if unit is None else f"a quantity in {target}"
        raise UnitError(f"{name}: expected {want} (or a plain number in {target}), "
                         f"got a quantity in {x.unit}") from None
