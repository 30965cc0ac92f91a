"""Stage 'launch': the H3 ascent from Tanegashima into the lunar transfer, its event
timeline, payload versus C3, and the margin against the spacecraft's launch mass."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from .. import launch as L
from ..report.launch import launch_figures, launch_report, launch_summary
from ..scenario import Scenario
from ..timescale import utc_time
from .base import Progress, Stage

C3_GRID_KM2S2 = (-3.0, -2.0, -1.0, 0.0, 1.0, 2.0)


@dataclass(frozen=True)
class LaunchStageResult:
    """What the launch stage found (presented by :mod:`lupex.report.launch`).

    Attributes
    ----------
    required_c3_km2s2 : float
        C3 the spacecraft needs [km^2/s^2], and ``c3_source`` where it came from.
    curve : lupex.launch.PerformanceCurve
    margin : lupex.launch.Margin
    flight : lupex.launch.LaunchFlight or None
        The ascent flown (``None`` when no feasible ascent could be flown).
    flown_payload_kg : float
        Payload of that flight [kg]: the spacecraft, or the most the vehicle can lift.
    note : str
        Why the flight differs from the spacecraft's, if it does.
    """
    required_c3_km2s2: float
    c3_source: str
    curve: L.PerformanceCurve
    margin: L.Margin
    flight: L.LaunchFlight | None
    flown_payload_kg: float
    note: str


def run(scenario: Scenario, inputs: Mapping, progress: Progress) -> LaunchStageResult:
    """Payload vs C3 of the scenario's vehicle, the margin at the transfer's C3, and the
    ascent with the spacecraft (or the heaviest payload the vehicle can lift).

    Parameters
    ----------
    scenario : lupex.scenario.Scenario
        The validated scenario.
    inputs : mapping
        The transfer stage's result (``inputs["transfer"]``, its C3) and the timeline
        (``inputs["timeline"]``, the lift-off time).
    progress : callable
        Progress callback ``(done, total)``.
    """
    c3, source = float(inputs["transfer"].c3_km2s2), "the targeted transfer"
    vehicle = scenario.launch.vehicle
    progress(0, 3)
    curve = L.payload_vs_c3(vehicle, list(C3_GRID_KM2S2))
    if c3 > curve.grid_c3_km2s2.max():  # even the lightest grid payload falls short: fly lighter
        curve = L.with_payloads(curve, np.linspace(0.0, curve.grid_payload_kg.min(), 5)[:-1])
    progress(2, 3)
    margin = L.margin_kg(curve, c3, scenario.spacecraft.launch_mass_kg)
    # Fly the spacecraft itself when the vehicle can lift it, else the most it can lift.
    payload = scenario.spacecraft.launch_mass_kg if margin.feasible else margin.capability_kg
    flight, note = None, ""
    if np.isfinite(payload) and payload > 0.0:
        try:
            flight = L.simulate_launch(vehicle, L.LunarTransfer(c3_km2s2=c3),
                                       launch_time=utc_time(inputs["timeline"].event("lift_off").utc),
                                       azimuth_deg=scenario.launch.azimuth_deg,
                                       payload_kg=float(payload), kick_deg=curve.kick_deg)
        except L.AscentFailure as exc:
            note = f"ascent with {payload:.0f} kg could not be flown: {exc}"
    else:
        note = f"C3 {c3:.2f} km^2/s^2 is beyond what {vehicle} can reach with any payload"
    if not margin.feasible:
        note = (note + " " if note else "") + (
            f"The spacecraft ({scenario.spacecraft.launch_mass_kg:.0f} kg) is heavier than "
            f"{vehicle} can inject at C3 {c3:.2f} km^2/s^2"
            + ("; the timeline shows the vehicle's maximum payload instead." if flight else "."))
    progress(3, 3)
    return LaunchStageResult(c3, source, curve, margin, flight, float(payload), note.strip())


STAGE = Stage("launch", "H3 launch from Tanegashima", ("transfer", "timeline"), run, launch_summary,
              launch_report, launch_figures)
