"""The mission timeline: one list of events, each in UTC and as a TDB Julian date, built
once from the solved transfer.

lift-off -> (ascent and parking-orbit coast) -> TLI (the transfer's epoch) -> arrival at
periselene and LOI (TLI + the solved time of flight) -> the lunar-orbit phase's events
(lowering burns, DOI, PDI) -> touchdown (the flown descent's, or an allowance after LOI when
none is given) = surface mission start -> surface mission end. Every later stage reads its
time window from here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lupex.timescale import jd_tdb, tdb_grid, utc_iso, utc_of_jd_tdb

__all__ = ["PARKING_COAST_S", "Event", "Timeline", "mission_timeline"]

SECONDS_PER_DAY = 86_400.0
#: Lift-off to TLI [s] assumed by the launch-window search, before any transfer is solved
#: (the order of an H3 escape profile). The flown timeline uses the transfer's solved coast
#: (``TransferResult.coast_s``: ascent plus parking-orbit coast of the launch -> TLI handover).
PARKING_COAST_S = 30.0 * 60.0


@dataclass(frozen=True)
class Event:
    """One instant of the mission.

    Attributes
    ----------
    name : str
        Event name (``lift_off``, ``tli``, ``loi`` ...).
    utc : str
        UTC, ISO-8601.
    jd_tdb : float
        The same instant as a TDB Julian date.
    """

    name: str
    utc: str
    jd_tdb: float


@dataclass(frozen=True)
class Timeline:
    """The mission's events in time order (see the module docstring).

    Attributes
    ----------
    events : tuple of Event
        lift_off, tli, loi, touchdown, surface_start, surface_end.
    """

    events: tuple[Event, ...]

    def event(self, name: str) -> Event:
        """The event called ``name``.

        Parameters
        ----------
        name : str
            An event name.
        """
        for e in self.events:
            if e.name == name:
                return e
        raise KeyError(f"no event {name!r}; events are {[e.name for e in self.events]}")

    @property
    def surface_days(self) -> float:
        """Surface mission length [d]."""
        return self.event("surface_end").jd_tdb - self.event("surface_start").jd_tdb

    def surface_grid(self, step_hours: float) -> tuple[object, np.ndarray]:
        """The surface mission's time grid, the same for every stage that reads it.

        Parameters
        ----------
        step_hours : float
            Spacing [h].

        Returns
        -------
        times : astropy.time.Time
            UTC grid from surface start over the surface mission.
        jd_tdb : numpy.ndarray
            The same instants as TDB Julian dates.
        """
        return tdb_grid(utc_of_jd_tdb(self.event("surface_start").jd_tdb), self.surface_days,
                        step_hours)


def mission_timeline(tli_jd_tdb: float, tof_s: float, lunar_orbit_days: float,
                     surface_days: float, coast_s: float = PARKING_COAST_S,
                     touchdown_utc=None, orbit_events=(), touchdown_jd_tdb=None) -> Timeline:
    """The mission's events from the solved transfer.

    Parameters
    ----------
    tli_jd_tdb : float
        TLI epoch, TDB Julian date (the targeted transfer's epoch).
    tof_s : float
        Solved time of flight TLI -> periselene [s].
    lunar_orbit_days : float
        Time from LOI to touchdown [d] (lunar orbit, descent-orbit insertion, descent).
    surface_days : float
        Surface mission length [d].
    coast_s : float
        Lift-off to TLI [s] (ascent and parking-orbit coast).
    touchdown_utc : datetime.datetime, optional
        A touchdown given by the scenario (``surface.start``), replacing LOI + the lunar-orbit
        allowance; must not precede LOI.
    orbit_events : sequence of (str, float)
        Events between LOI and touchdown (name, TDB Julian date), e.g. the lunar-orbit
        burns, DOI and PDI; names already in the timeline are skipped.
    touchdown_jd_tdb : float, optional
        The flown touchdown (TDB Julian date); it replaces both allowances.

    Returns
    -------
    Timeline
    """
    jd_tli = float(tli_jd_tdb)
    jd_lift = jd_tli - float(coast_s) / SECONDS_PER_DAY
    jd_loi = jd_tli + float(tof_s) / SECONDS_PER_DAY
    if touchdown_jd_tdb is not None:
        jd_td = float(touchdown_jd_tdb)
        if jd_td < jd_loi:
            raise ValueError(f"touchdown {utc_iso(jd_td)} precedes the arrival at the Moon {utc_iso(jd_loi)}")
    elif touchdown_utc is None:
        jd_td = jd_loi + float(lunar_orbit_days)
    else:
        jd_td = float(jd_tdb(touchdown_utc))
        if jd_td < jd_loi:
            raise ValueError(f"surface.start {utc_iso(jd_td)} precedes the arrival at the Moon "
                             f"{utc_iso(jd_loi)} (TLI + the solved time of flight)")
    jd_end = jd_td + float(surface_days)
    names = ["lift_off", "tli", "loi"]
    jds = [jd_lift, jd_tli, jd_loi]
    for name, jd in sorted(orbit_events, key=lambda e: e[1]):
        if name in names or name in ("touchdown", "surface_start", "surface_end"):
            continue
        if not jd_loi <= float(jd) <= jd_td:
            raise ValueError(f"event {name!r} at {utc_iso(float(jd))} lies outside LOI .. touchdown")
        names.append(str(name))
        jds.append(float(jd))
    names += ["touchdown", "surface_start", "surface_end"]
    jds += [jd_td, jd_td, jd_end]
    return Timeline(tuple(Event(n, utc_iso(j), j) for n, j in zip(names, jds)))
