"""The run's trajectories as :class:`lupex.report.oem.Ephemeris` objects, and their files.

Each stage that flies something has one extractor in :data:`EXTRACTORS` (stage name ->
function of that stage's result and all results, returning ephemerides). A stage that did
not run, or whose result lacks the trajectory, simply gives none. To export a new arc
(the lunar orbit, the descent), add one function here returning an ``Ephemeris`` with its
centre and frame, and one line in :data:`EXTRACTORS`; the OEM and CZML writers take it
as is.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from ..constants import OMEGA_EARTH_RADS
from .oem import Ephemeris, write_oem

SECONDS_PER_DAY = 86_400.0


def inertial_to_itrf(t_s, r_km, v_kms) -> tuple[np.ndarray, np.ndarray]:
    """Launch-frame states to Earth-fixed ones: the ascent's inertial frame ``I`` coincides
    with the Earth-fixed frame at ``t = 0`` and the Earth turns about +z at
    ``OMEGA_EARTH_RADS`` (``lupex.launch``), so ``r_F = R3(w t) r_I`` and
    ``v_F = R3(w t) (v_I - w x r_I)``.

    Parameters
    ----------
    t_s : array_like, shape (n,)
        Times since the frames coincided [s].
    r_km, v_kms : array_like, shape (n, 3)
        Inertial positions [km] and velocities [km/s].
    """
    t = np.asarray(t_s, dtype=float)
    r = np.asarray(r_km, dtype=float)
    v = np.asarray(v_kms, dtype=float)
    th = OMEGA_EARTH_RADS * t
    c, s = np.cos(th), np.sin(th)
    w = np.array([0.0, 0.0, OMEGA_EARTH_RADS])
    vr = v - np.cross(w, r)

    def rot(x):
        return np.stack([c * x[:, 0] + s * x[:, 1], -s * x[:, 0] + c * x[:, 1], x[:, 2]], axis=-1)

    return rot(r), rot(vr)


def _ascent(launch, results) -> list[Ephemeris]:
    flight = getattr(launch, "flight", None)
    traj = getattr(flight, "trajectory", None)
    t0 = getattr(flight, "launch_time", None)
    if traj is None or t0 is None:
        return []
    from ..timescale import jd_tdb

    jd = float(jd_tdb(t0)) + np.asarray(traj.t_s) / SECONDS_PER_DAY
    r, v = inertial_to_itrf(traj.t_s, traj.r_km, traj.v_kms)
    return [Ephemeris(f"{flight.vehicle} ascent", "LUPEX-ASCENT", "EARTH", "ITRF", jd, r, v,
                      ("H3 ascent from Tanegashima, lupex.launch 3-DOF model",
                       ("Earth-fixed axes (lift-off instant frame turned at the Earth rate; "
                        "no precession, nutation or polar motion)")))]


def _transfer(transfer, results) -> list[Ephemeris]:
    traj = getattr(transfer, "trajectory", None)
    if traj is None or getattr(traj, "r_km", None) is None:
        return []
    centre = str(getattr(traj, "central", "earth")).upper()
    jd = traj.epoch_jd_tdb + np.asarray(traj.t_s) / SECONDS_PER_DAY
    return [Ephemeris("LUPEX", "LUPEX-TRANSFER", centre, "ICRF", jd, traj.r_km, traj.v_kms,
                      (("Earth-Moon transfer from TLI to periselene, lupex.orbits Cowell "
                        "propagation (DE421 Earth, Moon, Sun; Earth J2)"),))]


def _lunar_orbit(lunar_orbit, results) -> list[Ephemeris]:
    ph = getattr(lunar_orbit, "phase", None)
    if ph is None or len(getattr(ph, "track_jd_tdb", ())) < 3:
        return []
    jd = np.asarray(ph.track_jd_tdb, dtype=float)
    r = np.asarray(ph.track_r_me_km, dtype=float)
    # the phase keeps positions of its last revolutions; velocities by second-order central
    # differences of those samples (np.gradient), adequate for display and interpolation
    v = np.gradient(r, jd * SECONDS_PER_DAY, axis=0)
    return [Ephemeris("LUPEX", "LUPEX-LUNAR-ORBIT", "MOON", "MOON_ME", jd, r, v,
                      ((f"last revolutions before powered descent ({ph.sequence} sequence), "
                        f"lupex.orbits.lunar_phase: GRGM660PRIM degree {ph.degree}, Earth, Sun"),
                       "velocities: central differences of the sampled positions"))]


def _descent(landing, results) -> list[Ephemeris]:
    d = getattr(landing, "descent", None)
    if d is None or getattr(d, "r_me_km", None) is None:
        return []
    jd = landing.pdi_jd_tdb + np.asarray(d.t_s) / SECONDS_PER_DAY
    keep = np.concatenate(([True], np.diff(jd) > 0))  # the last sample may repeat touchdown
    return [Ephemeris("LUPEX", "LUPEX-DESCENT", "MOON", "MOON_ME", jd[keep],
                      np.asarray(d.r_me_km)[keep, 0], np.asarray(d.v_me_kms)[keep, 0],
                      ((f"powered descent to {landing.site_name}, lupex.lander.guided "
                       "(velocity relative to the rotating Moon)"),))]


#: Stage name -> extractor (stage result, all results) -> ephemerides.
EXTRACTORS: dict[str, Callable[[Any, Mapping[str, Any]], list[Ephemeris]]] = {
    "launch": _ascent,
    "transfer": _transfer,
    "lunar_orbit": _lunar_orbit,
    "landing": _descent,
}

#: File stem of each stage's trajectory.
STEMS = {"launch": "ascent", "transfer": "transfer", "lunar_orbit": "lunar_orbit",
         "landing": "descent"}


def ephemerides(results: Mapping[str, Any]) -> dict[str, Ephemeris]:
    """Every exportable trajectory of a run, by file stem (in the pipeline's order).

    Parameters
    ----------
    results : mapping
        Stage results by name.
    """
    out: dict[str, Ephemeris] = {}
    for stage, extract in EXTRACTORS.items():
        if stage not in results:
            continue
        for k, eph in enumerate(extract(results[stage], results)):
            stem = STEMS.get(stage, stage) + (f"_{k + 1}" if k else "")
            out[stem] = eph
    return out


def write_trajectories(folder: Path, results: Mapping[str, Any], sites=()) -> list[str]:
    """Write each trajectory as ``NAME.oem`` and all of them as ``mission.czml``, plus the
    sites on the Moon as ``moon.czml``; return the file names.

    Parameters
    ----------
    folder : pathlib.Path
        The ``trajectories/`` folder (created if anything is written).
    results : mapping
        Stage results by name.
    sites : sequence of (str, float, float)
        Landing sites (name, lat_deg, lon_deg) for the Moon document.
    """
    from .czml import moon_czml, trajectories_czml

    ephs = ephemerides(results)
    if not ephs and not sites:
        return []
    folder.mkdir(parents=True, exist_ok=True)
    names = [write_oem(folder / f"{stem}.oem", eph).name for stem, eph in ephs.items()]
    earth = {k: e for k, e in ephs.items() if e.center_name == "EARTH"}
    moon = {k: e for k, e in ephs.items() if e.center_name == "MOON"}
    if earth:
        (folder / "mission.czml").write_text(trajectories_czml(earth))
        names.append("mission.czml")
    if moon or sites:
        (folder / "moon.czml").write_text(moon_czml(moon, sites))
        names.append("moon.czml")
    return names
