"""Time series and event tables (CSV) and the gridded horizons (netCDF) of a run.

* ``tables/sky_<site>.csv``: per site and time step, the Sun's and the Earth's local
  azimuth and elevation, the terrain horizon's elevation at that azimuth and the visible
  fraction of each disk (the surface stage's terrain-aware series; with only the sky stage,
  the flat-horizon azimuth and elevation);
* ``tables/lit_intervals.csv``: per site, the lit and dark intervals (any part of the Sun
  visible, or none) with start, stop and duration: the equivalent of GMAT's
  EclipseLocator report;
* ``tables/comm_windows.csv``: per site, the intervals with at least
  :data:`COMM_MIN_EARTH_FRACTION` of the Earth's disk above the terrain: the equivalent of
  GMAT's ContactLocator report;
* ``tables/energy_per_day.csv``: per site and Earth day, panel energy, sunlit and contact
  hours (the surface stage's energy budget);
* ``tables/horizons.nc``: the sites' horizon masks, their Sun and Earth visible-fraction
  series and, when not too large, the map's horizon-mask cube (netCDF through xarray).

Interval edges are the time samples (resolution = the scenario's ``surface.time_step_hours``):
a run of samples ``i..j`` in one state is reported from ``t_i`` to ``t_{j+1}`` (the next
sample, or the window's last sample), so consecutive intervals tile the window.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..timescale import utc_iso

#: Earth disk fraction above the terrain that counts as contact (the same 0.5 as the
#: surface stage's daily contact hours, lupex.surface.energy.daily_budget).
COMM_MIN_EARTH_FRACTION = 0.5

#: Largest map horizon cube written to horizons.nc [bytes] (as int16): beyond it only the
#: sites' horizons are written (the full cube stays in the horizon cache).
MAX_CUBE_BYTES = 96 * 2**20


def slug(name: str) -> str:
    """A file-name-safe form of a site name (``Connecting Ridge`` -> ``connecting_ridge``)."""
    s = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
    return s or "site"


def runs(flags) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Maximal runs of equal values in a 1-D boolean series.

    Parameters
    ----------
    flags : array_like of bool, shape (n,)
        The series (n >= 1).

    Returns
    -------
    start, stop, value : numpy.ndarray
        For each run, the index of its first sample, one past its last sample, and its
        value; the runs tile ``0..n`` in order.
    """
    f = np.asarray(flags, dtype=bool).ravel()
    if f.size == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0, dtype=bool)
    edges = np.flatnonzero(f[1:] != f[:-1]) + 1
    start = np.concatenate(([0], edges))
    stop = np.concatenate((edges, [f.size]))
    return start, stop, f[start]


def intervals(jd_tdb, flags) -> list[tuple[bool, float, float]]:
    """The intervals of a sampled on/off series as ``(value, start_jd, stop_jd)``.

    Parameters
    ----------
    jd_tdb : array_like, shape (n,)
        Sample times (TDB Julian dates), increasing.
    flags : array_like of bool, shape (n,)
        The state at each sample.

    Returns
    -------
    list of (bool, float, float)
        Each run from its first sample to the next run's first sample (the last run ends
        at the last sample), see the module docstring.
    """
    t = np.asarray(jd_tdb, dtype=float).ravel()
    start, stop, value = runs(flags)
    ends = t[np.minimum(stop, t.size - 1)]
    return [(bool(v), float(t[a]), float(e)) for v, a, e in zip(value, start, ends)]


def _write_csv(path: Path, header: Sequence[str], rows) -> Path:
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def _fmt(x, digits=6):
    """A CSV number: NaN as an empty cell, else ``digits`` decimals."""
    x = float(x)
    return "" if not np.isfinite(x) else f"{x:.{digits}f}"


def _site_series(results: Mapping[str, Any]):
    """(names, sun SiteSeries, earth SiteSeries) from the surface stage, or None."""
    a = getattr(results.get("surface"), "assessment", None)
    sun, earth = getattr(a, "sun", None), getattr(a, "earth", None)
    if a is None or sun is None or getattr(sun, "fraction", None) is None:
        return None
    return tuple(a.names), sun, earth


def sky_tables(folder: Path, results: Mapping[str, Any]) -> list[str]:
    """Write one ``sky_<site>.csv`` per site; return the file names.

    Parameters
    ----------
    folder : pathlib.Path
        The ``tables/`` folder.
    results : mapping
        Stage results by name (``surface`` preferred, else ``sky``).
    """
    written = []
    series = _site_series(results)
    deg = np.degrees
    if series is not None:
        names, sun, earth = series
        utc = utc_iso(sun.jd_tdb)
        header = ["utc", "jd_tdb", "sun_az_deg", "sun_el_deg", "sun_horizon_el_deg",
                  "sun_visible_fraction"]
        if earth is not None:
            header += ["earth_az_deg", "earth_el_deg", "earth_horizon_el_deg",
                       "earth_visible_fraction"]
        for i, name in enumerate(names):
            cols = [utc, [f"{x:.8f}" for x in sun.jd_tdb]]
            cols += [[_fmt(v) for v in deg(sun.az_local_rad[i]) % 360.0],
                     [_fmt(v) for v in deg(sun.el_rad[i])],
                     [_fmt(v) for v in deg(sun.horizon_rad[i])],
                     [_fmt(v) for v in sun.fraction[i]]]
            if earth is not None:
                cols += [[_fmt(v) for v in deg(earth.az_local_rad[i]) % 360.0],
                         [_fmt(v) for v in deg(earth.el_rad[i])],
                         [_fmt(v) for v in deg(earth.horizon_rad[i])],
                         [_fmt(v) for v in earth.fraction[i]]]
            p = _write_csv(folder / f"sky_{slug(name)}.csv", header, zip(*cols))
            written.append(p.name)
        return written
    sky = results.get("sky")
    tracks = getattr(sky, "tracks", None)
    if not tracks:
        return written
    header = ["utc", "jd_tdb", "sun_az_deg", "sun_el_flat_deg", "earth_az_deg",
              "earth_el_flat_deg"]
    for name, tr in zip(sky.site_names, tracks):
        cols = [utc_iso(tr.jd_tdb), [f"{x:.8f}" for x in tr.jd_tdb],
                [_fmt(v) for v in deg(tr.sun_az_rad) % 360.0], [_fmt(v) for v in deg(tr.sun_el_rad)],
                [_fmt(v) for v in deg(tr.earth_az_rad) % 360.0],
                [_fmt(v) for v in deg(tr.earth_el_rad)]]
        written.append(_write_csv(folder / f"sky_{slug(name)}.csv", header, zip(*cols)).name)
    return written


def _interval_rows(name, jd, flags, labels):
    rows = []
    for value, a, b in intervals(jd, flags):
        rows.append([name, labels[value], *utc_iso([a, b]), f"{(b - a) * 24.0:.4f}"])
    return rows


def event_tables(folder: Path, results: Mapping[str, Any]) -> list[str]:
    """Write ``lit_intervals.csv`` and ``comm_windows.csv``; return the file names.

    Parameters
    ----------
    folder : pathlib.Path
        The ``tables/`` folder.
    results : mapping
        Stage results by name (needs ``surface``).
    """
    series = _site_series(results)
    if series is None:
        return []
    names, sun, earth = series
    lit_rows, comm_rows = [], []
    for i, name in enumerate(names):
        lit_rows += _interval_rows(name, sun.jd_tdb, sun.fraction[i] > 0.0,
                                   {True: "lit", False: "dark"})
        if earth is not None:
            contact = earth.fraction[i] >= COMM_MIN_EARTH_FRACTION
            comm_rows += [r[:1] + r[2:] for r in
                          _interval_rows(name, earth.jd_tdb, contact, {True: "c", False: "-"})
                          if r[1] == "c"]
    header = ["site", "state", "start_utc", "stop_utc", "duration_h"]
    out = [_write_csv(folder / "lit_intervals.csv", header, lit_rows).name]
    if earth is not None:
        out.append(_write_csv(folder / "comm_windows.csv",
                              ["site", "start_utc", "stop_utc", "duration_h"], comm_rows).name)
    return out


def energy_table(folder: Path, results: Mapping[str, Any]) -> list[str]:
    """Write ``energy_per_day.csv`` from the surface stage's energy budget.

    Parameters
    ----------
    folder : pathlib.Path
        The ``tables/`` folder.
    results : mapping
        Stage results by name (needs ``surface``).
    """
    surface = results.get("surface")
    en = getattr(surface, "energy", None)
    names = getattr(getattr(surface, "assessment", None), "names", None)
    if en is None or names is None:
        return []
    days = utc_iso(en.day_start_jd)
    days = [days] if isinstance(days, str) else days
    rows = []
    for i, name in enumerate(names):
        for k, day in enumerate(days):
            rows.append([name, day, _fmt(en.energy_wh_m2[i, k], 3), _fmt(en.sunlit_h[i, k], 3),
                         _fmt(en.earth_contact_h[i, k], 3)])
    header = ["site", "day_start_utc", "energy_wh_m2", "sunlit_h", "earth_contact_h"]
    return [_write_csv(folder / "energy_per_day.csv", header, rows).name]


def _cube_counts(cube, scale: float, rows: int = 64) -> np.ndarray:
    """The map's horizon cube as int16 counts of ``scale`` [rad], built a block of rows at
    a time: an in-memory array or a :class:`lupex.surface.tiles.TiledMasks` view on disk
    (read slice by slice, never whole in float), the same counts either way.

    Parameters
    ----------
    cube : array_like or TiledMasks
        Masks (ny, nx, A) [rad].
    scale : float
        Radians per count.
    rows : int
        Rows per block (a view reads its own chunk rows).
    """
    chunks = getattr(cube, "chunks", None)
    step = int(chunks[0]) if chunks else rows
    out = np.empty(np.shape(cube), dtype=np.int16)
    for r in range(0, out.shape[0], step):
        out[r : r + step] = np.round(np.nan_to_num(np.asarray(cube[r : r + step])) / scale)
    return out


def horizons_dataset(results: Mapping[str, Any], max_cube_bytes: int = MAX_CUBE_BYTES):
    """The sites' horizon masks, their visibility series and the map horizon cube as an
    ``xarray.Dataset`` (CF conventions), or None without a terrain result.

    Parameters
    ----------
    results : mapping
        Stage results by name (``terrain``; ``surface`` adds the series).
    max_cube_bytes : int
        The map cube is left out when it would exceed this size as int16 [bytes].
    """
    import xarray as xr

    ter = results.get("terrain")
    dem = getattr(getattr(ter, "terrain", None), "dem", None)
    if dem is None:
        return None
    from .geotiff import MOON_SOUTH_POLAR_CRS

    ds = xr.Dataset(attrs={
        "Conventions": "CF-1.8", "title": "lupex horizon masks and site visibility",
        "source": dem.source, "synthetic_terrain": int(bool(dem.synthetic)),
        "azimuth_convention": "grid azimuth: from map +Y (the 0 deg meridian) toward map +X "
                              "(90 deg E), bin k centred on 360 k / n_azimuth deg; local "
                              "azimuth = grid azimuth - east longitude (lupex.surface.projection)",
    })
    site_h = getattr(ter, "site_horizons", None) or ()
    sites = [s[0] for s in getattr(ter, "sites", ())]
    if site_h and len(site_h) == len(sites):
        h = np.stack([np.asarray(s.horizon_rad, dtype=float) for s in site_h])
        az = 360.0 * np.arange(h.shape[1]) / h.shape[1]
        ds = ds.assign_coords(site=("site", np.array(sites, dtype=object)),
                              site_azimuth=("site_azimuth", az, {"units": "degree"}))
        ds["site_horizon_el"] = (("site", "site_azimuth"), np.degrees(h),
                                 {"units": "degree", "long_name": "site horizon elevation, at "
                                  "the site's observer height, per grid azimuth"})
    series = _site_series(results)
    if series is not None:
        names, sun, earth = series
        ds = ds.assign_coords(time=("time", np.asarray(sun.jd_tdb, dtype=float),
                                    {"units": "d", "long_name": "TDB Julian date"}))
        if "site" not in ds.coords:
            ds = ds.assign_coords(site=("site", np.array(names, dtype=object)))
        ds["sun_visible_fraction"] = (("site", "time"), np.asarray(sun.fraction, dtype=float),
                                      {"units": "1", "long_name": "visible fraction of the "
                                       "solar disk above the terrain"})
        if earth is not None:
            ds["earth_visible_fraction"] = (("site", "time"), np.asarray(earth.fraction, dtype=float),
                                            {"units": "1", "long_name": "visible fraction of "
                                             "the Earth's disk above the terrain"})
    cube = getattr(ter, "horizon_rad", None)
    if cube is not None and math.prod(np.shape(cube)) * 2 <= max_cube_bytes:
        scale = 1e-4  # rad per count: 0.006 deg steps, |h| < 3.27 rad fits int16
        counts = _cube_counts(cube, scale)
        ds = ds.assign_coords(
            x=("x", dem.x_km() * 1000.0, {"units": "m", "standard_name": "projection_x_coordinate"}),
            y=("y", dem.y_km() * 1000.0, {"units": "m", "standard_name": "projection_y_coordinate"}),
            azimuth=("azimuth", 360.0 * np.arange(cube.shape[2]) / cube.shape[2], {"units": "degree"}))
        ds["horizon_el"] = (("y", "x", "azimuth"), counts,
                            {"units": "rad", "scale_factor": scale, "grid_mapping": "crs",
                             "long_name": "terrain horizon elevation per grid azimuth"})
        import pyproj

        ds["crs"] = ((), np.int32(0), {"crs_wkt": pyproj.CRS(MOON_SOUTH_POLAR_CRS).to_wkt(),
                                       "spatial_ref": MOON_SOUTH_POLAR_CRS})
    return ds


def write_horizons(folder: Path, results: Mapping[str, Any]) -> list[str]:
    """Write ``horizons.nc`` (netCDF-3 through xarray's scipy engine); return its name.

    Parameters
    ----------
    folder : pathlib.Path
        The ``tables/`` folder.
    results : mapping
        Stage results by name.
    """
    ds = horizons_dataset(results)
    if ds is None or not ds.data_vars:
        return []
    if "site" in ds.coords:  # netCDF-3 has no variable-length strings
        ds = ds.assign_coords(site=ds["site"].astype(str))
    path = folder / "horizons.nc"
    ds.to_netcdf(path, engine="scipy", format="NETCDF3_64BIT")
    return [path.name]


def write_tables(folder: Path, results: Mapping[str, Any]) -> list[str]:
    """Write every table the run's stages allow into ``folder``; return the file names.

    Parameters
    ----------
    folder : pathlib.Path
        The ``tables/`` folder (created if anything is written).
    results : mapping
        Stage results by name.
    """
    folder.mkdir(parents=True, exist_ok=True)
    names = (sky_tables(folder, results) + event_tables(folder, results)
             + energy_table(folder, results) + write_horizons(folder, results))
    if not names:
        folder.rmdir()
    return names
