"""Stage 'sky': Sun and Earth azimuth/elevation at each candidate site over the surface
mission, on a flat (terrain-free) horizon. The terrain-aware version is the surface stage."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from .. import ephemeris
from ..report.sky import figures, report, summary
from ..scenario import Scenario
from .base import Progress, Stage


@dataclass(frozen=True)
class SkyResult:
    site_names: tuple[str, ...]
    times_iso: tuple[str, str]  # first and last UTC time
    hours: np.ndarray  # (n,) hours since the start
    tracks: tuple[ephemeris.SkyTrack, ...]


def run(scenario: Scenario, inputs: Mapping, progress: Progress) -> SkyResult:
    """Sun and Earth azimuth/elevation at each site over the surface mission, flat horizon.

    Parameters
    ----------
    scenario : lupex.scenario.Scenario
        The validated scenario.
    inputs : mapping
        The timeline stage's result (``inputs["timeline"]``: the surface mission's window).
    progress : callable
        Progress callback ``(done, total)``.
    """
    times, jd = inputs["timeline"].surface_grid(scenario.surface.time_step_hours)
    tracks = []
    for i, site in enumerate(scenario.sites):
        progress(i, len(scenario.sites))
        tracks.append(ephemeris.sky_track(np.radians(site.lat_deg), np.radians(site.lon_deg), jd))
    progress(len(scenario.sites), len(scenario.sites))
    hours = (jd - jd[0]) * 24.0
    return SkyResult(tuple(s.name for s in scenario.sites), (times[0].isot, times[-1].isot),
                     hours, tuple(tracks))


STAGE = Stage("sky", "Sun and Earth above the candidate sites", ("timeline",), run, summary, report, figures)
