"""The one path from UTC calendar times to the TDB Julian dates the physics uses.

Public functions take UTC as an astropy ``Time`` or a ``datetime``; everything inside lupex
works in float64 TDB Julian dates (``jd_tdb``). astropy does the scales (UTC -> TAI -> TT ->
TDB); past the last published leap second ERFA keeps the last TAI-UTC offset, the only
defensible choice for planning dates, and its "dubious year" warning is silenced here.
"""

from __future__ import annotations

import datetime as dt
import warnings

import astropy.units as u
import numpy as np
from astropy.time import Time
from erfa import ErfaWarning


def utc_time(t) -> Time:
    """``t`` (astropy ``Time`` in any scale, ``datetime`` or ISO string taken as UTC) as a
    UTC ``Time``."""
    if isinstance(t, Time):
        return t.utc
    if isinstance(t, dt.datetime) and t.tzinfo is not None:
        t = t.astimezone(dt.UTC).replace(tzinfo=None)
    return Time(t, scale="utc")


def jd_tdb(t) -> np.ndarray:
    """TDB Julian date(s) of UTC time(s) ``t`` (see :func:`utc_time`), float64."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ErfaWarning)
        tdb = utc_time(t).tdb
    return np.asarray(tdb.jd1 + tdb.jd2, dtype=float)


def tdb_grid(start_utc, duration_days: float, step_hours: float) -> tuple[Time, np.ndarray]:
    """Evenly spaced times from ``start_utc`` over ``duration_days`` (end included when it
    falls on a step).

    Parameters
    ----------
    start_utc : astropy.time.Time or datetime.datetime
        First time, UTC (see :func:`utc_time`).
    duration_days : float
        Span [d].
    step_hours : float
        Spacing [h].

    Returns
    -------
    times : astropy.time.Time
        The grid in UTC.
    jd_tdb : numpy.ndarray
        The same instants as float64 TDB Julian dates.
    """
    n = int(np.floor(duration_days * 24.0 / step_hours + 1e-9)) + 1
    t = utc_time(start_utc) + np.arange(n) * step_hours * u.hour
    return t, jd_tdb(t)


def utc_of_jd_tdb(jd_tdb_value) -> Time:
    """The UTC ``Time`` of TDB Julian date(s), exact to the float's resolution.

    Parameters
    ----------
    jd_tdb_value : float or array_like
        TDB Julian date(s).
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ErfaWarning)
        return Time(np.asarray(jd_tdb_value, dtype=float), format="jd", scale="tdb").utc


def utc_iso(jd_tdb_value) -> str | list[str]:
    """UTC ISO-8601 text (``YYYY-MM-DDTHH:MM:SS.sss``) of TDB Julian date(s).

    Parameters
    ----------
    jd_tdb_value : float or array_like
        TDB Julian date(s).

    Returns
    -------
    str or list of str
        One string for a scalar, a list for an array.
    """
    iso = utc_of_jd_tdb(jd_tdb_value).isot
    return str(iso) if np.ndim(iso) == 0 else [str(s) for s in np.ravel(iso)]
