"""Stage 'transfer': the lift-off time, parking plane and coast of a Tanegashima launch and a
direct trans-lunar injection from it, targeted through the full force model (DE421 Earth,
Moon, Sun; Earth J2) to a periselene at the scenario's lunar-orbit altitude and inclination,
with the lunar-orbit-insertion cost.

Two passes: the closed-form parking plane (:mod:`lupex.launch.parking`) gives the
inclination; the H3 model then flies that inclination once (azimuth solved,
:func:`lupex.launch.handover.calibrate_parking`) and the transfer is re-targeted from the
plane and departure phase the vehicle actually reached, so the launch stage's H3 flight
hands over onto this transfer."""

from __future__ import annotations

from collections.abc import Mapping

from .. import launch as L
from ..launch.guidance import optimise_kick
from ..launch.handover import calibrate_parking
from ..launch.vehicle import load_vehicle
from ..orbits import transfer as T
from ..report.transfer import transfer_figures, transfer_report, transfer_summary
from ..scenario import Scenario
from ..timescale import utc_iso
from .base import Progress, Stage


def run(scenario: Scenario, inputs: Mapping, progress: Progress) -> T.TransferResult:
    """The TLI from the parking orbit targeted through the full force model to a periselene
    at the scenario's lunar-orbit altitude and inclination.

    Parameters
    ----------
    scenario : lupex.scenario.Scenario
        The validated scenario.
    inputs : mapping
        The window stage's result (``inputs["window"]``: the chosen launch date).
    progress : callable
        Progress callback ``(done, total)``.
    """
    progress(0, 3)
    lift_off = inputs["window"].chosen_launch_jd_tdb
    kw = {"parking_alt_km": scenario.transfer.parking_altitude_km,
              "periselene_alt_km": scenario.lunar_orbit.altitude_km,
              "inclination_deg": scenario.lunar_orbit.inclination_deg,
              "tof_guess_days": min(max(scenario.transfer.time_of_flight_days, 2.5), 6.0),
              "parking_inclination_deg": scenario.launch.parking_inclination_deg}
    res = T.design_transfer(lift_off, **kw)
    progress(1, 3)
    veh = load_vehicle(scenario.launch.vehicle)
    mass = float(scenario.spacecraft.launch_mass_kg)
    try:
        kick = optimise_kick(veh, mass, L.LunarTransfer(c3_km2s2=res.c3_km2s2),
                             res.launch_azimuth_deg)[0]
        cal = calibrate_parking(veh, mass, res.parking_inclination_deg, res.launch_azimuth_deg,
                                kick, scenario.transfer.parking_altitude_km, res.c3_km2s2)
    except L.AscentFailure:   # the vehicle cannot fly this payload: keep the closed form
        cal = None
    progress(2, 3)
    if cal is not None:
        res = T.design_transfer(lift_off, calibration=cal, **kw)
    if not res.success:
        raise ValueError(
            f"transfer: targeting from the chosen launch {utc_iso(lift_off)[:16]} did not "
            f"converge (residual {res.residual_norm:.3g}); try another launch.date or "
            "transfer.time_of_flight_days between 3 and 5.5"
        )
    progress(3, 3)
    return res


STAGE = Stage("transfer", "Earth-Moon transfer", ("window",), run, transfer_summary, transfer_report,
              transfer_figures)
