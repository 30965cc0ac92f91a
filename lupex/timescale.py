"""Time grids for a run: UTC calendar times in, TDB Julian dates out (astropy does the scales)."""

from __future__ import annotations

import datetime as dt
import warnings

import astropy.units as u
import numpy as np
from astropy.time import Time
from erfa import ErfaWarning


def tdb_grid(start_utc: dt.datetime, duration_days: float, step_hours: float) -> tuple[Time, np.ndarray]:
    """Evenly spaced times from ``start_utc`` over ``duration_days`` (end included when it
    falls on a step); returns the astropy ``Time`` (UTC) and float64 TDB Julian dates."""
    n = int(np.floor(duration_days * 24.0 / step_hours + 1e-9)) + 1
    t = Time(start_utc, scale="utc") + np.arange(n) * step_hours * u.hour
    with warnings.catch_warnings():
        # Past the last published leap second ERFA warns "dubious year" and keeps the last
        # TAI-UTC offset, which is the only defensible choice for planning dates.
        warnings.simplefilter("ignore", ErfaWarning)
        tdb = t.tdb
    return t, tdb.jd1 + tdb.jd2
