"""CCSDS Orbit Ephemeris Messages (OEM, KVN text) for any trajectory.

The writer is generic: an object name and id, a centre, a reference frame, epochs and
positions and velocities make one OEM (CCSDS 502.0-B-3, "Orbit Data Messages", sections 5
and 7: header, one ``META_START``/``META_STOP`` block, then one ephemeris line per epoch,
``epoch x y z x_dot y_dot z_dot`` in km and km/s). The files load in GMAT
(``EphemerisFile``/``Spacecraft.EphemerisName``), Orekit (``OemParser``), STK, and SPICE's
MKSPK (OEM input) to make an SPK. :func:`read_oem` parses one back (the tests use it).

Epochs are written in UTC (``TIME_SYSTEM = UTC``) with microseconds, strictly increasing
as the standard requires: repeated sample times (segment joins of a propagation) keep the
last state.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..timescale import utc_of_jd_tdb

OEM_VERSION = "2.0"


@dataclass(frozen=True)
class Ephemeris:
    """A trajectory to export: who, about what, in which frame, when and where.

    Attributes
    ----------
    object_name, object_id : str
        The spacecraft (``OBJECT_NAME``, ``OBJECT_ID``).
    center_name : str
        Origin of the frame (``EARTH``, ``MOON``).
    ref_frame : str
        Axes (``ICRF``, ``ITRF``, ``MOON_ME``...), written as ``REF_FRAME``.
    jd_tdb : numpy.ndarray, shape (n,), or astropy.time.Time
        Epochs (TDB Julian dates, or a ``Time`` in any scale), increasing.
    r_km, v_kms : numpy.ndarray or astropy.units.Quantity, shape (n, 3)
        Positions [km] and velocities [km/s] relative to ``center_name`` in ``ref_frame``
        (quantities are converted, e.g. metres to km).
    comments : tuple of str
        ``COMMENT`` lines (what the arc is, its model).
    """

    object_name: str
    object_id: str
    center_name: str
    ref_frame: str
    jd_tdb: np.ndarray
    r_km: np.ndarray
    v_kms: np.ndarray
    comments: tuple[str, ...] = field(default=())

    def __post_init__(self):
        from ..timescale import jd_tdb as to_jd_tdb
        from ..units import as_value

        # astropy at the boundary: epochs may be a Time (any scale), states Quantities
        jd = self.jd_tdb
        jd = np.asarray(to_jd_tdb(jd) if hasattr(jd, "scale") and hasattr(jd, "jd") else jd,
                        dtype=float).ravel()
        r = as_value("r_km", self.r_km).reshape(-1, 3)
        v = as_value("v_kms", self.v_kms).reshape(-1, 3)
        if not (jd.size == r.shape[0] == v.shape[0]) or jd.size < 2:
            raise ValueError(f"ephemeris {self.object_name}: needs n >= 2 epochs with (n, 3) "
                             f"r and v; got {jd.size}, {r.shape}, {v.shape}")
        if not (np.all(np.isfinite(jd)) and np.all(np.isfinite(r)) and np.all(np.isfinite(v))):
            raise ValueError(f"ephemeris {self.object_name}: non-finite epoch or state")
        # keep the last state of repeated epochs; the standard wants increasing epochs
        order = np.argsort(jd, kind="stable")
        jd, r, v = jd[order], r[order], v[order]
        keep = np.append(np.diff(jd) > 0.0, True)
        object.__setattr__(self, "jd_tdb", jd[keep])
        object.__setattr__(self, "r_km", r[keep])
        object.__setattr__(self, "v_kms", v[keep])


def _utc_text(jd_tdb) -> list[str]:
    t = utc_of_jd_tdb(jd_tdb)
    t.precision = 6
    return [str(s) for s in np.atleast_1d(t.isot)]


def oem_text(eph: Ephemeris, originator: str = "lupex", created: dt.datetime | None = None) -> str:
    """The OEM (KVN) text of one ephemeris.

    Parameters
    ----------
    eph : Ephemeris
        The trajectory.
    originator : str
        ``ORIGINATOR`` of the message.
    created : datetime.datetime, optional
        ``CREATION_DATE`` (UTC); default now.
    """
    created = created or dt.datetime.now(dt.UTC)
    epochs = _utc_text(eph.jd_tdb)
    lines = [f"CCSDS_OEM_VERS = {OEM_VERSION}",
             f"CREATION_DATE = {created.strftime('%Y-%m-%dT%H:%M:%S')}",
             f"ORIGINATOR = {originator}", "",
             "META_START",
             f"OBJECT_NAME = {eph.object_name}",
             f"OBJECT_ID = {eph.object_id}",
             f"CENTER_NAME = {eph.center_name}",
             f"REF_FRAME = {eph.ref_frame}",
             "TIME_SYSTEM = UTC",
             f"START_TIME = {epochs[0]}",
             f"STOP_TIME = {epochs[-1]}",
             "META_STOP", ""]
    lines += [f"COMMENT {c}" for c in eph.comments]
    rv = np.hstack([eph.r_km, eph.v_kms])
    lines += [f"{e} " + " ".join(f"{x:.9e}" for x in row) for e, row in zip(epochs, rv)]
    return "\n".join(lines) + "\n"


def write_oem(path: Path, eph: Ephemeris, originator: str = "lupex") -> Path:
    """Write one ephemeris as an OEM file; return the path.

    Parameters
    ----------
    path : pathlib.Path
        The file (``.oem``).
    eph : Ephemeris
        The trajectory.
    originator : str
        ``ORIGINATOR`` of the message.
    """
    Path(path).write_text(oem_text(eph, originator))
    return Path(path)


@dataclass(frozen=True)
class OemData:
    """An OEM read back: its header and metadata keys, epochs (UTC text) and states."""

    header: dict
    meta: dict
    epochs_utc: list[str]
    r_km: np.ndarray
    v_kms: np.ndarray


def read_oem(text: str) -> OemData:
    """Parse a single-segment OEM (KVN) text.

    Parameters
    ----------
    text : str
        The file's text.

    Raises
    ------
    ValueError
        On a missing ``META_START``/``META_STOP`` block or a malformed data line.
    """
    header, meta, epochs, states = {}, {}, [], []
    where = "header"
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("COMMENT"):
            continue
        if line == "META_START":
            where = "meta"
            continue
        if line == "META_STOP":
            where = "data"
            continue
        if where in ("header", "meta"):
            key, sep, value = line.partition("=")
            if not sep:
                raise ValueError(f"OEM line {n}: expected KEY = value, got {line!r}")
            (header if where == "header" else meta)[key.strip()] = value.strip()
            continue
        parts = line.split()
        if len(parts) not in (7, 10):
            raise ValueError(f"OEM line {n}: expected an epoch and 6 (or 9) numbers")
        epochs.append(parts[0])
        states.append([float(x) for x in parts[1:7]])
    if where != "data":
        raise ValueError("OEM: no META_START ... META_STOP block")
    s = np.asarray(states, dtype=float).reshape(-1, 6)
    return OemData(header, meta, epochs, s[:, :3], s[:, 3:])
