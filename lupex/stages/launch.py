"""Stage 'launch': the H3 ascent from Tanegashima into the lunar transfer, its event
timeline, payload versus C3, and the margin against the spacecraft's launch mass."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from .. import launch as L
from ..launch.handover import compare_handover, departure_argp_deg
from ..report.launch import launch_figures, launch_report, launch_summary
from ..scenario import Scenario
from ..timescale import utc_of_jd_tdb
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
    handover : lupex.launch.handover.Handover or None
        The flight's departure orbit against the transfer's post-TLI orbit.
    """
    required_c3_km2s2: float
    c3_source: str
    curve: L.PerformanceCurve
    margin: L.Margin
    flight: L.LaunchFlight | None
    flown_payload_kg: float
    note: str
    handover: object = None


def run(scenario: Scenario, inputs: Mapping, progress: Progress) -> LaunchStageResult:
    """Payload vs C3 of the scenario's vehicle, the margin at the transfer's C3, and the
    ascent with the spacecraft (or the heaviest payload the vehicle can lift).

    Parameters
    ----------
    scenario : lupex.scenario.Scenario
        The validated scenario.
    inputs : mapping
        The transfer stage's result (``inputs["transfer"]``: C3, lift-off, azimuth, parking
        plane and departure perigee) and the timeline (``inputs["timeline"]``).
    progress : callable
        Progress callback ``(done, total)``.
    """
    tr = inputs["transfer"]
    c3, source = float(tr.c3_km2s2), "the targeted transfer"
    vehicle = scenario.launch.vehicle
    cal = tr.parking_calibration
    az = cal.azimuth_deg if cal is not None else tr.launch_azimuth_deg
    progress(0, 3)
    curve = L.payload_vs_c3(vehicle, list(C3_GRID_KM2S2), scenario.transfer.parking_altitude_km,
                            azimuth_deg=az)
    if c3 > curve.grid_c3_km2s2.max():  # even the lightest grid payload falls short: fly lighter
        curve = L.with_payloads(curve, np.linspace(0.0, curve.grid_payload_kg.min(), 5)[:-1])
    progress(2, 3)
    margin = L.margin_kg(curve, c3, scenario.spacecraft.launch_mass_kg)
    # Fly the spacecraft itself when the vehicle can lift it, else the most it can lift.
    payload = scenario.spacecraft.launch_mass_kg if margin.feasible else margin.capability_kg
    flight, note, handover = None, "", None
    if np.isfinite(payload) and payload > 0.0:
        # the transfer's lift-off, azimuth, plane and departure perigee (coast)
        argp = departure_argp_deg(tr.r_tli_km, tr.v_parking_kms + tr.dv_tli_kms,
                                  tr.lift_off_jd_tdb)
        target = L.LunarTransfer(c3_km2s2=c3, arg_perigee_deg=argp,
                                 parking_alt_km=scenario.transfer.parking_altitude_km,
                                 inclination_deg=tr.parking_inclination_deg)
        kick = cal.kick_deg if cal is not None else curve.kick_deg
        try:
            flight = L.simulate_launch(vehicle, target,
                                       launch_time=utc_of_jd_tdb(tr.lift_off_jd_tdb),
                                       azimuth_deg=az, payload_kg=float(payload), kick_deg=kick)
            handover = compare_handover(flight, tr)
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
    return LaunchStageResult(c3, source, curve, margin, flight, float(payload), note.strip(),
                             handover)


STAGE = Stage("launch", "H3 launch from Tanegashima", ("transfer", "timeline"), run, launch_summary,
              launch_report, launch_figures)
