"""Stage 'transfer': a direct trans-lunar injection from the parking orbit, targeted through
the full force model (DE421 Earth, Moon, Sun; Earth J2) to a periselene at the scenario's
lunar-orbit altitude and inclination, with the lunar-orbit-insertion cost."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from ..orbits import transfer as T
from ..scenario import Scenario
from ..timescale import tdb_grid
from .base import Progress, Stage

PARKING_COAST = dt.timedelta(minutes=30)  # lift-off to TLI, order of an H3 escape profile (assumed)


def run(scenario: Scenario, inputs: Mapping, progress: Progress) -> T.TransferResult:
    progress(0, 1)
    _, jd = tdb_grid(scenario.launch.date + PARKING_COAST, 0.0, 1.0)
    res = T.design_transfer(
        float(jd[0]), parking_alt_km=scenario.transfer.parking_altitude_km,
        periselene_alt_km=scenario.lunar_orbit.altitude_km,
        inclination_deg=scenario.lunar_orbit.inclination_deg,
        tof_guess_days=min(max(scenario.transfer.time_of_flight_days, 2.5), 6.0),
    )
    if not res.success:
        raise ValueError(
            f"transfer: targeting from launch.date {scenario.launch.date:%Y-%m-%d %H:%M} did not "
            f"converge (residual {res.residual_norm:.3g}); try another launch.date or "
            "transfer.time_of_flight_days between 3 and 5.5"
        )
    progress(1, 1)
    return res


def report(res: T.TransferResult) -> str:
    return "\n".join([
        "| quantity | value |", "|---|---|",
        f"| TLI Δv from the parking orbit | {res.dv_tli_mag_kms * 1e3:.0f} m/s |",
        f"| C3 | {res.c3_km2s2:.3f} km²/s² |",
        f"| time of flight | {res.tof_s / 86400:.2f} days |",
        (f"| periselene altitude / inclination (ME) | {res.periselene_alt_km:.1f} km / "
         f"{res.periselene_inclination_deg:.2f}° |"),
        f"| LOI Δv into the circular orbit | {res.dv_loi_kms * 1e3:.0f} m/s |",
        "",
        ("Impulsive TLI at lift-off + 30 min, targeted by shooting through DE421 point masses "
         "and Earth J2; the Moon is a point mass on the way."),
    ])


def figures(res: T.TransferResult) -> dict:
    return {"transfer": T.plot_transfer(res)}


STAGE = Stage("transfer", "Earth-Moon transfer", (), run, T.to_summary, report, figures)
