"""Stage 'launch': the H3 ascent from Tanegashima into the lunar transfer, its event
timeline, payload versus C3, and the margin against the spacecraft's launch mass."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from .. import launch as L
from ..launch.mission import MODEL_BIAS_NOTE
from ..scenario import Scenario
from ..timescale import utc_time
from .base import Progress, Stage

C3_GRID_KM2S2 = (-3.0, -2.0, -1.0, 0.0, 1.0, 2.0)


@dataclass(frozen=True)
class LaunchStageResult:
    required_c3_km2s2: float
    c3_source: str
    curve: L.PerformanceCurve
    margin: L.Margin
    flight: L.LaunchResult | None  # None when no feasible ascent could be flown
    flown_payload_kg: float
    note: str


def run(scenario: Scenario, inputs: Mapping, progress: Progress) -> LaunchStageResult:
    c3, source = float(inputs["transfer"].c3_km2s2), "the targeted transfer"
    vehicle = scenario.launch.vehicle
    progress(0, 3)
    curve = L.payload_vs_c3(vehicle, list(C3_GRID_KM2S2))
    progress(2, 3)
    margin = L.margin_kg(curve, c3, scenario.spacecraft.launch_mass_kg)
    # Fly the spacecraft itself when the vehicle can lift it, else the most it can lift.
    payload = scenario.spacecraft.launch_mass_kg if margin.feasible else margin.capability_kg
    flight, note = None, ""
    if np.isfinite(payload):
        try:
            flight = L.simulate_launch(vehicle, L.LunarTransfer(c3_km2s2=c3),
                                       launch_time=utc_time(scenario.launch.date),
                                       azimuth_deg=scenario.launch.azimuth_deg,
                                       payload_kg=float(payload), kick_deg=curve.kick_deg)
        except L.AscentFailure as exc:
            note = f"ascent with {payload:.0f} kg could not be flown: {exc}"
    else:
        note = f"C3 {c3:.2f} km^2/s^2 is beyond the vehicle's curve"
    if not margin.feasible:
        note = (note + " " if note else "") + (
            f"The spacecraft ({scenario.spacecraft.launch_mass_kg:.0f} kg) is heavier than "
            f"{vehicle} can inject at C3 {c3:.2f} km^2/s^2; the timeline shows the vehicle's "
            "maximum payload instead.")
    progress(3, 3)
    return LaunchStageResult(c3, source, curve, margin, flight, float(payload), note.strip())


def summary(r: LaunchStageResult) -> dict:
    out = {
        "required_c3": {"value": r.required_c3_km2s2, "unit": "km^2/s^2"},
        "required_c3_source": r.c3_source,
        "performance": L.to_summary(r.curve),
        "margin": L.to_summary(r.margin),
        "feasible": bool(r.margin.feasible),
        "flown_payload": {"value": r.flown_payload_kg, "unit": "kg"},
        "note": r.note,
    }
    if r.flight is not None:
        out["flight"] = L.to_summary(r.flight)
    return out


def report(r: LaunchStageResult) -> str:
    m = r.margin
    lines = [
        f"Required C3 {r.required_c3_km2s2:.3f} km²/s² (from {r.c3_source}).",
        "",
        f"**{m.message}**",
        "",
        f"Caveat: {MODEL_BIAS_NOTE}",
        "",
        "| C3 (km²/s²) | " + " | ".join(f"{c:+.0f}" for c in r.curve.c3_km2s2) + " |",
        "|---|" + "---|" * len(r.curve.c3_km2s2),
        "| payload (kg) | " + " | ".join(f"{p:.0f}" for p in r.curve.payload_kg) + " |",
        "",
    ]
    if r.note:
        lines += [r.note, ""]
    f = r.flight
    if f is not None:
        lines += [
            (f"Ascent with {r.flown_payload_kg:.0f} kg, azimuth {f.azimuth_deg:.1f}°, pitch kick "
            f"{f.kick_deg:.2f}°: max q {f.max_q_pa / 1e3:.1f} kPa at {f.t_max_q_s:.0f} s, peak axial "
            f"acceleration {f.max_axial_accel_g:.2f} g at {f.t_max_accel_s:.0f} s."),
            "",
            "| event | time (s) | altitude (km) | speed (km/s) | downrange (km) |",
            "|---|---|---|---|---|",
        ]
        lines += [f"| {e.name} | {e.t_s:.1f} | {e.alt_km:.1f} | {e.speed_kms:.3f} | "
                  f"{e.downrange_km:.0f} |" for e in f.events]
    return "\n".join(lines)


def figures(r: LaunchStageResult) -> dict:
    pub = L.load_vehicle(r.curve.vehicle).published
    bounds = [(pub["lto_c3_km2s2"], pub["lto_payload_kg"],
               f"published: > {pub['lto_payload_kg'] / 1e3:.1f} t to lunar transfer")] \
        if {"lto_c3_km2s2", "lto_payload_kg"} <= pub.keys() else []
    figs = {"launch_payload_vs_c3": L.plot_payload_vs_c3(r.curve, r.margin.spacecraft_mass_kg,
                                                           r.required_c3_km2s2, bounds)}
    if r.flight is not None:
        figs["launch_ascent"] = L.plot_ascent_profile(r.flight)
        figs["launch_ground_track"] = L.plot_ground_track(r.flight)
    return figs


STAGE = Stage("launch", "H3 launch from Tanegashima", ("transfer",), run, summary, report, figures)
