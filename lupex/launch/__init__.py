"""H3 launch from Tanegashima: vehicle files, 3-DOF ascent, event timeline, payload vs C3.

Physics only: functions return frozen results (:class:`LaunchFlight`,
:class:`PerformanceCurve`, :class:`Margin`, :class:`AscentLosses`); summaries, Markdown and
figures are built in :mod:`lupex.report.launch`.  Units are in the names (``alt_km``,
``c3_km2s2``); arrays of vectors are ``(..., 3)``, last axis x, y, z (only the ODE state
``[x, y, z, vx, vy, vz, m]`` inside the integrator is a flat 7-vector).

    curve = payload_vs_c3("h3-24l", [-3.0, -2.0, -1.0, 0.0, 1.0, 2.0])
    verdict = margin_kg(curve, -2.0, 6300.0)
    flight = simulate_launch("h3-24l", LunarTransfer(c3_km2s2=-2.0), payload_kg=6300.0)
    boost = losses_by_phase(flight)["boost"]          # ideal Delta-v and losses [m/s]
"""
from .flight import AscentFailure
from .handover import Handover, calibrate_parking, compare_handover
from .losses import AscentLosses, ascent_losses, losses_by_phase
from .mission import LaunchFlight, simulate_launch
from .parking import ParkingCalibration, ParkingOrbit, parking_orbit, solve_lift_off
from .performance import (
    LUNAR_TRANSFER_PAYLOAD_BIAS,
    MODEL_BIAS_NOTE,
    Margin,
    PayloadSolution,
    PerformanceCurve,
    bias_corrected_margin_kg,
    margin_kg,
    max_payload,
    payload_to_gto,
    payload_vs_c3,
    with_payloads,
)
from .site import ALLOWED_AZIMUTH_DEG, TANEGASHIMA_LP2, launch_azimuth_deg
from .targets import GTO, CircularOrbit, EllipticOrbit, LunarTransfer
from .trajectory import Event, Trajectory
from .vehicle import Vehicle, load_vehicle, vehicle_names

__all__ = [
    "ALLOWED_AZIMUTH_DEG",
    "GTO",
    "LUNAR_TRANSFER_PAYLOAD_BIAS",
    "MODEL_BIAS_NOTE",
    "TANEGASHIMA_LP2",
    "AscentFailure",
    "AscentLosses",
    "CircularOrbit",
    "EllipticOrbit",
    "Event",
    "Handover",
    "LaunchFlight",
    "LunarTransfer",
    "Margin",
    "ParkingCalibration",
    "ParkingOrbit",
    "PayloadSolution",
    "PerformanceCurve",
    "Trajectory",
    "Vehicle",
    "ascent_losses",
    "bias_corrected_margin_kg",
    "calibrate_parking",
    "compare_handover",
    "launch_azimuth_deg",
    "load_vehicle",
    "losses_by_phase",
    "margin_kg",
    "max_payload",
    "parking_orbit",
    "payload_to_gto",
    "payload_vs_c3",
    "simulate_launch",
    "solve_lift_off",
    "vehicle_names",
    "with_payloads",
]
