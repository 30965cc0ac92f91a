"""Stage 'transfer': a direct trans-lunar injection from the parking orbit, targeted through
the full force model (DE421 Earth, Moon, Sun; Earth J2) to a periselene at the scenario's
lunar-orbit altitude and inclination, with the lunar-orbit-insertion cost."""

from __future__ import annotations

from collections.abc import Mapping

from ..orbits import transfer as T
from ..report.transfer import transfer_figures, transfer_report, transfer_summary
from ..scenario import Scenario
from ..timeline import PARKING_COAST_S
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
    progress(0, 1)
    lift_off = inputs["window"].chosen_launch_jd_tdb
    res = T.design_transfer(
        lift_off + PARKING_COAST_S / 86_400.0, parking_alt_km=scenario.transfer.parking_altitude_km,
        periselene_alt_km=scenario.lunar_orbit.altitude_km,
        inclination_deg=scenario.lunar_orbit.inclination_deg,
        tof_guess_days=min(max(scenario.transfer.time_of_flight_days, 2.5), 6.0),
    )
    if not res.success:
        raise ValueError(
            f"transfer: targeting from the chosen launch {utc_iso(lift_off)[:16]} did not "
            f"converge (residual {res.residual_norm:.3g}); try another launch.date or "
            "transfer.time_of_flight_days between 3 and 5.5"
        )
    progress(1, 1)
    return res


STAGE = Stage("transfer", "Earth-Moon transfer", ("window",), run, transfer_summary, transfer_report,
              transfer_figures)
