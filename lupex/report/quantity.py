"""Summary quantities: one helper and one vocabulary of unit strings.

Every figure in ``summary.json`` is ``{"value": v, "unit": u}``; ``v`` is a plain Python
number (or a list of them), ``None`` where the quantity is undefined (NaN or infinite: JSON
has no NaN), and ``u`` is one of :data:`UNITS`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

#: The unit strings summary.json uses, with their meaning. Powers are written ``^``;
#: "1" marks a dimensionless number (fraction, ratio, count).
UNITS: dict[str, str] = {
    "1": "dimensionless: a fraction (0-1), a ratio or a count",
    "m": "metre",
    "km": "kilometre",
    "km^2": "square kilometre",
    "m/s": "metre per second",
    "km/s": "kilometre per second",
    "km/h": "kilometre per hour",
    "km^2/s^2": "square kilometre per square second (C3, specific energy x 2)",
    "deg": "degree of arc",
    "kg": "kilogram",
    "s": "second",
    "min": "minute",
    "h": "hour",
    "h/d": "hours per Earth day",
    "d": "day of 86,400 s (a duration)",
    "yr": "Julian year of 365.25 d",
    "JD_TDB": "Julian date in the TDB time scale (an epoch, not a duration)",
    "kPa": "kilopascal",
    "g0": "multiples of standard gravity, 9.80665 m/s^2",
    "Wh/m^2/d": "watt-hours per square metre per Earth day",
    "pixel": "map pixels",
}


def _plain(v):
    """A JSON-safe Python scalar: NaN and infinities become None."""
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, np.integer)):
        return int(v)
    f = float(v)
    return f if math.isfinite(f) else None


def quantity(value, unit: str) -> dict:
    """One summary figure ``{"value": value, "unit": unit}``.

    Parameters
    ----------
    value : float, int, numpy scalar or array_like
        The number (or a sequence of numbers, kept as a list). NaN and infinite values
        become ``None``.
    unit : str
        A key of :data:`UNITS`.

    Raises
    ------
    ValueError
        If ``unit`` is not in the vocabulary.
    """
    if unit not in UNITS:
        raise ValueError(f"unit {unit!r} is not in lupex.report.quantity.UNITS {sorted(UNITS)}")
    if isinstance(value, (str, bytes)):
        raise TypeError(f"quantity value must be numeric, got {value!r}")
    if np.ndim(value) == 0:
        return {"value": _plain(value), "unit": unit}
    return {"value": [_plain(v) for v in np.asarray(value).ravel()]
            if np.ndim(value) == 1 else np.vectorize(_plain, otypes=[object])(value).tolist(),
            "unit": unit}


def units_used(summary) -> set[str]:
    """Every unit string found in a (nested) summary mapping."""
    out: set[str] = set()
    stack: list = [summary]
    while stack:
        o = stack.pop()
        if isinstance(o, dict):
            if "unit" in o and "value" in o:
                out.add(o["unit"])
            stack.extend(o.values())
        elif isinstance(o, Iterable) and not isinstance(o, (str, bytes)):
            stack.extend(o)
    return out
