"""H3 launch from Tanegashima: vehicle files, 3-DOF ascent, events and payload performance.

Pipeline entry points::

    from lupex.launch import simulate_launch, payload_vs_c3, margin_kg, LunarTransfer
    curve = payload_vs_c3("h3-24l", [-3.0, -2.0, -1.0, 0.0, 1.0, 2.0])
    verdict = margin_kg(curve, -2.0, 6300.0)
    result = simulate_launch("h3-24l", LunarTransfer(c3_km2s2=-2.0), payload_kg=6300.0)
    losses = ascent_budgets(result)["boost"]                # Delta-v budget, m/s
"""
from .ascent import AscentFailure, Event, Trajectory
from .budget import DeltaVBudget, ascent_budgets, delta_v_budget
from .mission import LaunchResult, simulate_launch
from .performance import (
                          MODEL_BIAS_NOTE,
                          Margin,
                          PayloadSolution,
                          PerformanceCurve,
                          margin_kg,
                          max_payload,
                          payload_to_gto,
                          payload_vs_c3,
)
from .site import ALLOWED_AZIMUTH_DEG, TANEGASHIMA_LP2, launch_azimuth_deg
from .targets import GTO, CircularOrbit, EllipticOrbit, LunarTransfer
from .vehicle import Vehicle, load_vehicle

__all__ = [
                          "ALLOWED_AZIMUTH_DEG",
                          "GTO",
                          "MODEL_BIAS_NOTE",
                          "TANEGASHIMA_LP2",
                          "AscentFailure",
                          "CircularOrbit",
                          "DeltaVBudget",
                          "EllipticOrbit",
                          "Event",
                          "LaunchResult",
                          "LunarTransfer",
                          "Margin",
                          "PayloadSolution",
                          "PerformanceCurve",
                          "Trajectory",
                          "Vehicle",
                          "ascent_budgets",
                          "delta_v_budget",
                          "launch_azimuth_deg",
                          "load_vehicle",
                          "margin_kg",
                          "max_payload",
                          "payload_to_gto",
                          "payload_vs_c3",
                          "simulate_launch",
]
