"""Presentation of the H3 launch (stage 'launch'): summary figures, Markdown and figures.

Summary builders turn :mod:`lupex.launch` results (flight, performance curve, margin,
payload solution, ascent losses) into ``{"value", "unit"}`` figures through
:func:`lupex.report.quantity.quantity`.  The stage result
(``lupex.stages.launch.LaunchStageResult``) carries ``required_c3_km2s2``, ``c3_source``,
``curve``, ``margin``, ``flight`` (or ``None``), ``flown_payload_kg`` and ``note``; the
functions here read those attributes only, so this module does not import the stage back.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from lupex.launch import (
    LUNAR_TRANSFER_PAYLOAD_BIAS,
    MODEL_BIAS_NOTE,
    TANEGASHIMA_LP2,
    LaunchFlight,
    Margin,
    PayloadSolution,
    PerformanceCurve,
    bias_corrected_margin_kg,
    load_vehicle,
)
from lupex.launch.handover import HANDOVER_TOLERANCES
from lupex.launch.losses import AscentLosses
from lupex.report.quantity import quantity

# -- summary figures -----------------------------------------------------------------


def flight_summary(flight: LaunchFlight) -> dict:
    """Figures of one flown launch: timeline events, loads, final orbit and GCRS state."""
    events = {e.name: {"time": quantity(e.t_s, "s"), "altitude": quantity(e.alt_km, "km"),
                       "speed": quantity(e.speed_kms, "km/s"),
                       "downrange": quantity(e.downrange_km, "km")}
              for e in flight.events}
    out = {"vehicle": flight.vehicle, "target": type(flight.target).__name__,
           "feasible": flight.feasible, "message": flight.message,
           "payload_mass": quantity(flight.payload_kg, "kg"),
           "launch_azimuth": quantity(flight.azimuth_deg, "deg"),
           "pitch_kick": quantity(flight.kick_deg, "deg"),
           "max_dynamic_pressure": quantity(flight.max_q_pa / 1000.0, "kPa"),
           "max_dynamic_pressure_time": quantity(flight.t_max_q_s, "s"),
           "peak_axial_acceleration": quantity(flight.max_axial_accel_g, "g0"),
           "peak_axial_acceleration_time": quantity(flight.t_max_accel_s, "s"),
           "perigee_altitude": quantity(flight.perigee_alt_km, "km"),
           "apogee_altitude": quantity(flight.apogee_alt_km, "km"),
           "inclination": quantity(flight.inclination_deg, "deg"),
           "argument_of_perigee": quantity(flight.arg_perigee_deg, "deg"),
           "c3": quantity(flight.c3_km2s2, "km^2/s^2"),
           "upper_stage_propellant_margin": quantity(flight.propellant_margin_kg, "kg"),
           "events": events}
    if flight.final_r_gcrs_km is not None:
        out["final_position_gcrs"] = quantity(flight.final_r_gcrs_km, "km")
        out["final_velocity_gcrs"] = quantity(flight.final_v_gcrs_kms, "km/s")
    return out


def curve_summary(curve: PerformanceCurve) -> dict:
    """Figures of a payload-versus-C3 curve (payload ``None`` beyond the curve)."""
    return {"vehicle": curve.vehicle,
            "c3": quantity([float(x) for x in curve.c3_km2s2], "km^2/s^2"),
            "payload_mass": quantity([float(x) for x in curve.payload_kg], "kg"),
            "parking_orbit_altitude": quantity(curve.parking_alt_km, "km"),
            "launch_azimuth": quantity(curve.azimuth_deg, "deg"),
            "pitch_kick": quantity(curve.kick_deg, "deg"), "caveat": MODEL_BIAS_NOTE}


def margin_summary(margin: Margin) -> dict:
    """Figures of a spacecraft's launch margin at its required C3."""
    return {"c3": quantity(margin.c3_km2s2, "km^2/s^2"),
            "capability": quantity(margin.capability_kg, "kg"),
            "spacecraft_mass": quantity(margin.spacecraft_mass_kg, "kg"),
            "margin": quantity(margin.margin_kg, "kg"),
            "margin_after_model_bias": quantity(bias_corrected_margin_kg(margin), "kg"),
            "model_bias": quantity(LUNAR_TRANSFER_PAYLOAD_BIAS, "1"),
            "feasible": margin.feasible,
            "message": margin.message, "caveat": MODEL_BIAS_NOTE}


def losses_summary(losses: AscentLosses) -> dict:
    """Figures of one powered phase's ideal Delta-v and its losses [m/s]."""
    return {"window_start": quantity(losses.t0_s, "s"), "window_end": quantity(losses.t1_s, "s"),
            "ideal_delta_v": quantity(losses.ideal_dv_ms, "m/s"),
            "gravity_loss": quantity(losses.gravity_loss_ms, "m/s"),
            "drag_loss": quantity(losses.drag_loss_ms, "m/s"),
            "back_pressure_loss": quantity(losses.back_pressure_loss_ms, "m/s"),
            "steering_loss": quantity(losses.steering_loss_ms, "m/s"),
            "speed_gain": quantity(losses.speed_gain_ms, "m/s")}


def payload_summary(solution: PayloadSolution) -> dict:
    """Figures of a largest-payload solution."""
    return {"payload_mass": quantity(solution.payload_kg, "kg"),
            "launch_azimuth": quantity(solution.azimuth_deg, "deg"),
            "pitch_kick": quantity(solution.kick_deg, "deg")}


def launch_summary(result) -> dict:
    """Summary of the launch stage, every figure ``{"value", "unit"}`` (JSON-ready).

    Parameters
    ----------
    result : lupex.stages.launch.LaunchStageResult
    """
    out = {
        "required_c3": quantity(result.required_c3_km2s2, "km^2/s^2"),
        "required_c3_source": result.c3_source,
        "performance": curve_summary(result.curve),
        "margin": margin_summary(result.margin),
        "feasible": bool(result.margin.feasible),
        "flown_payload": quantity(result.flown_payload_kg, "kg"),
        "note": result.note,
    }
    if result.flight is not None:
        out["flight"] = flight_summary(result.flight)
    if getattr(result, "handover", None) is not None:
        out["handover"] = handover_summary(result.handover)
    return out


def handover_summary(h) -> dict:
    """The H3 departure orbit against the transfer's post-TLI orbit, with the tolerances.

    Parameters
    ----------
    h : lupex.launch.handover.Handover
    """
    units = {"separation_after_tli_s": "s", "position_diff_km": "km",
             "velocity_diff_kms": "km/s", "plane_angle_deg": "deg",
             "c3_diff_km2s2": "km^2/s^2", "argp_diff_deg": "deg", "perigee_time_diff_s": "s",
             "perigee_alt_diff_km": "km"}
    out = {k.rsplit("_", 1)[0] if k.endswith(("_s", "_km", "_kms", "_deg", "_km2s2")) else k:
           quantity(getattr(h, k), u) for k, u in units.items()}
    out["tolerance"] = {k.rsplit("_", 1)[0]: quantity(v, units[k])
                        for k, v in HANDOVER_TOLERANCES.items()}
    out["within_tolerance"] = bool(h.within_tolerances)
    return out


# -- Markdown ------------------------------------------------------------------------


def launch_report(result) -> str:
    """Markdown section of the launch stage: verdict, payload table, ascent timeline.

    Parameters
    ----------
    result : lupex.stages.launch.LaunchStageResult
    """
    margin, curve = result.margin, result.curve
    lines = [
        f"Required C3 {result.required_c3_km2s2:.3f} km²/s² (from {result.c3_source}).",
        "",
        f"**{margin.message}**",
        "",
        (f"Launch margin as computed {margin.margin_kg:+.0f} kg; after the model's measured "
         f"+{LUNAR_TRANSFER_PAYLOAD_BIAS:.1%} payload optimism "
         f"{bias_corrected_margin_kg(margin):+.0f} kg (the truth lies between: the published "
         "figure it is measured against is a lower bound)."),
        "",
        f"Caveat: {MODEL_BIAS_NOTE}",
        "",
        "| C3 (km²/s²) | " + " | ".join(f"{c:+.0f}" for c in curve.c3_km2s2) + " |",
        "|---|" + "---|" * len(curve.c3_km2s2),
        "| payload (kg) | " + " | ".join(f"{p:.0f}" for p in curve.payload_kg) + " |",
        "",
    ]
    if result.note:
        lines += [result.note, ""]
    flight = result.flight
    if flight is not None:
        lines += [
            (f"Ascent with {result.flown_payload_kg:.0f} kg, azimuth {flight.azimuth_deg:.1f}°, "
             f"pitch kick {flight.kick_deg:.2f}°: max q {flight.max_q_pa / 1e3:.1f} kPa at "
             f"{flight.t_max_q_s:.0f} s, peak axial acceleration "
             f"{flight.max_axial_accel_g:.2f} g at {flight.t_max_accel_s:.0f} s."),
            "",
            "| event | time (s) | altitude (km) | speed (km/s) | downrange (km) |",
            "|---|---|---|---|---|",
        ]
        lines += [f"| {e.name} | {e.t_s:.1f} | {e.alt_km:.1f} | {e.speed_kms:.3f} | "
                  f"{e.downrange_km:.0f} |" for e in flight.events]
    h = getattr(result, "handover", None)
    if h is not None:
        lines += [
            "",
            ("Handover to the transfer (H3 finite guided burns vs the transfer's impulsive "
             f"TLI; {'within' if h.within_tolerances else 'OUTSIDE'} the stated tolerances): "
             f"plane {h.plane_angle_deg:.3f}°, C3 {h.c3_diff_km2s2:+.4f} km²/s², argument of "
             f"perigee {h.argp_diff_deg:+.3f}°, perigee time {h.perigee_time_diff_s:+.1f} s, "
             f"perigee height {h.perigee_alt_diff_km:+.1f} km; at separation "
             f"({h.separation_after_tli_s:.0f} s after TLI) {h.position_diff_km:.1f} km and "
             f"{h.velocity_diff_kms * 1e3:.1f} m/s apart."),
        ]
    return "\n".join(lines)


# -- figures -------------------------------------------------------------------------

_MARKED = ("SRB separation", "fairing separation", "MECO", "SSI1", "SECO1", "SSI2", "SECO2",
           "payload separation")


def _mark_events(ax, flight, t_max):
    for e in flight.events:
        if e.name in _MARKED and e.t_s <= t_max:
            ax.axvline(e.t_s, color="0.6", lw=0.6, ls=":")


def plot_ascent_profile(flight: LaunchFlight, t_max_s: float | None = None) -> Figure:
    """Altitude, speed, flight-path angle, dynamic pressure and axial acceleration vs time.

    Parameters
    ----------
    flight : lupex.launch.LaunchFlight
    t_max_s : float, optional
        Right edge of the time axis [s]; default 30 s after the first cut-off (SECO1).
    """
    tr = flight.trajectory
    if t_max_s is None:
        t_max_s = next((e.t_s for e in flight.events if e.name == "SECO1"), tr.t_s[-1]) + 30.0
    sel = tr.t_s <= t_max_s
    t = tr.t_s[sel]
    fig = Figure(figsize=(8.0, 10.0), layout="constrained")
    axes = fig.subplots(5, 1, sharex=True)
    panels = [(tr.alt_km, "altitude [km]"),
              (tr.speed_kms, "inertial speed [km/s]"),
              (tr.fpa_deg, "flight-path angle [deg]"),
              (tr.q_pa / 1000.0, "dynamic pressure [kPa]"),
              (tr.axial_accel_g, "axial accel. [g0]")]
    for ax, (y, label) in zip(axes, panels):
        ax.plot(t, y[sel], lw=1.2)
        ax.set_ylabel(label)
        ax.grid(alpha=0.3)
        _mark_events(ax, flight, t_max_s)
    axes[1].plot(t, tr.airspeed_kms[sel], lw=0.8, ls="--", label="airspeed")
    axes[1].legend(loc="upper left", fontsize=8)
    axes[3].annotate(f"max q {flight.max_q_pa / 1000:.1f} kPa @ {flight.t_max_q_s:.0f} s",
                     (flight.t_max_q_s, flight.max_q_pa / 1000), fontsize=8,
                     xytext=(10, -12), textcoords="offset points")
    for e in flight.events:
        if e.name in _MARKED and e.t_s <= t_max_s:
            axes[0].annotate(e.name, (e.t_s, e.alt_km), fontsize=7, rotation=60,
                             xytext=(2, 4), textcoords="offset points")
    axes[-1].set_xlabel("time from lift-off [s]")
    fig.suptitle(f"{flight.vehicle}: ascent to {type(flight.target).__name__}, "
                 f"payload {flight.payload_kg:.0f} kg, azimuth {flight.azimuth_deg:.1f} deg")
    return fig


def plot_ground_track(flight: LaunchFlight) -> Figure:
    """Sub-vehicle track from Tanegashima on longitude/latitude axes [deg] (no coastlines).

    Parameters
    ----------
    flight : lupex.launch.LaunchFlight
    """
    tr = flight.trajectory
    lon = np.degrees(np.unwrap(np.radians(tr.lon_deg)))
    fig = Figure(figsize=(8.0, 4.5), layout="constrained")
    ax = fig.subplots()
    powered = tr.thrust_n > 0
    ax.plot(lon, tr.lat_deg, color="0.6", lw=0.8, label="coast")
    ax.plot(np.where(powered, lon, np.nan), np.where(powered, tr.lat_deg, np.nan), lw=2,
            color="C3", label="powered")
    ax.plot(TANEGASHIMA_LP2[1], TANEGASHIMA_LP2[0], "k^", label="Tanegashima LP-2")
    for e in flight.events:
        if e.name in ("SRB separation", "MECO", "SECO1", "SECO2", "payload separation"):
            i = int(np.argmin(np.abs(tr.t_s - e.t_s)))
            ax.plot(lon[i], tr.lat_deg[i], "o", ms=4, color="C0")
            ax.annotate(e.name, (lon[i], tr.lat_deg[i]), fontsize=7, xytext=(3, 3),
                        textcoords="offset points")
    ax.set_xlabel("east longitude [deg]")
    ax.set_ylabel("geodetic latitude [deg]")
    ax.set_title(f"{flight.vehicle} ground track")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    return fig


def plot_payload_vs_c3(curve: PerformanceCurve, spacecraft_mass_kg: float | None = None,
                       c3_required: float | None = None, lower_bounds=()) -> Figure:
    """Payload [t] versus C3 [km^2/s^2]: the simulated grid and an optional spacecraft point.

    Parameters
    ----------
    curve : lupex.launch.PerformanceCurve
    spacecraft_mass_kg : float, optional
        Spacecraft launch mass [kg], drawn at ``c3_required`` [km^2/s^2].
    c3_required : float, optional
        Required C3 [km^2/s^2].
    lower_bounds : sequence of (float, float, str)
        Published "at least" figures ``(c3_km2s2, payload_kg, label)``, drawn as upward
        triangles.
    """
    fig = Figure(figsize=(6.5, 4.5), layout="constrained")
    ax = fig.subplots()
    lo, hi = curve.grid_c3_km2s2.min(), curve.grid_c3_km2s2.max()
    c3 = np.linspace(lo, hi, 200)
    ax.plot(c3, curve.payload_at(c3) / 1000.0, label=f"{curve.vehicle} (PCHIP of simulations)")
    ax.plot(curve.grid_c3_km2s2, curve.grid_payload_kg / 1000.0, "o", ms=4,
            label="simulated ascents")
    ax.plot(curve.c3_km2s2, curve.payload_kg / 1000.0, "x", color="k", ms=6,
            label="requested C3")
    if spacecraft_mass_kg is not None and c3_required is not None:
        ax.plot([c3_required], [spacecraft_mass_kg / 1000.0], "r*", ms=12, label="spacecraft")
    for c3_pub, m_pub, label in lower_bounds:   # on top: the spacecraft may sit on the same spot
        ax.plot([c3_pub], [m_pub / 1000.0], "^", color="C2", mec="k", ms=7, zorder=5, label=label)
    ax.set_xlabel("C3 [km$^2$/s$^2$]")
    ax.set_ylabel("payload [t]")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    ax.set_title(f"{curve.vehicle}: payload vs launch energy "
                 f"({curve.parking_alt_km:.0f} km parking orbit)")
    return fig


def launch_figures(result) -> dict:
    """Figures of the launch stage: payload vs C3, and ascent and ground track if flown.

    Parameters
    ----------
    result : lupex.stages.launch.LaunchStageResult

    Returns
    -------
    dict of str to matplotlib.figure.Figure
    """
    pub = load_vehicle(result.curve.vehicle).published
    bounds = [(pub["lto_c3_km2s2"], pub["lto_payload_kg"],
               f"published: > {pub['lto_payload_kg'] / 1e3:.1f} t to lunar transfer")] \
        if {"lto_c3_km2s2", "lto_payload_kg"} <= pub.keys() else []
    figs = {"launch_payload_vs_c3": plot_payload_vs_c3(
        result.curve, result.margin.spacecraft_mass_kg, result.required_c3_km2s2, bounds)}
    if result.flight is not None:
        figs["launch_ascent"] = plot_ascent_profile(result.flight)
        figs["launch_ground_track"] = plot_ground_track(result.flight)
    return figs
