"""Stage 'budget': the lander's delta-v and mass budget from separation to touchdown —
trajectory-correction allowance, lunar orbit insertion, deorbit, powered descent, hover."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from ..constants import GM_MOON_KM3S2, R_MOON_KM
from ..lander import descent as D
from ..lander import propellant as B
from ..orbits.lunar_orbit import LunarOrbitPlan, plan_lunar_orbit
from ..report.lander import budget_figures, budget_report, budget_summary
from ..scenario import Scenario
from .base import Progress, Stage

TCM_ALLOWANCE_KMS = 0.030  # trajectory-correction allowance, typical of lunar transfers (assumed)
HOVER_S = 30.0  # hazard-avoidance hover before touchdown (assumed allowance)


@dataclass(frozen=True)
class BudgetResult:
    v_inf_kms: float
    plan: LunarOrbitPlan  # LOI, circular orbit, DOI to the descent periselene
    descent: D.DescentResult
    budget: B.MassBudget
    assumptions: tuple[str, ...]


def run(scenario: Scenario, inputs: Mapping, progress: Progress) -> BudgetResult:
    """The lander's delta-v and propellant budget from separation to touchdown: TCM
    allowance, LOI from the transfer's arrival speed, DOI, powered descent, hover.

    Parameters
    ----------
    scenario : lupex.scenario.Scenario
        The validated scenario.
    inputs : mapping
        The transfer stage's result (``inputs["transfer"]``, its periselene speed).
    progress : callable
        Progress callback ``(done, total)``.
    """
    sc, orbit = scenario.spacecraft, scenario.lunar_orbit
    r_orbit = R_MOON_KM + orbit.altitude_km
    v_peri = inputs["transfer"].v_periselene_kms  # targeted through the full force model
    v_inf = float(np.sqrt(max(v_peri**2 - 2.0 * GM_MOON_KM3S2 / r_orbit, 0.0)))
    source = "the targeted transfer's arrival (full force model)"

    def plan(perilune_alt_km):
        return plan_lunar_orbit(parking_alt_km=orbit.altitude_km, inc_deg=orbit.inclination_deg,
                                v_inf_kms=v_inf, perilune_alt_km=perilune_alt_km)

    progress(1, 4)
    m0 = sc.launch_mass_kg
    # LOI does not depend on the descent orbit: a provisional plan gives the mass in orbit.
    loi = plan(0.5 * orbit.altitude_km).loi_dv_kms
    pre = B.mass_budget(m0, [("TCM allowance", TCM_ALLOWANCE_KMS), ("LOI", loi)], sc.lander.isp_s,
                        sc.lander.propellant_mass_kg)
    descent = D.powered_descent(pre.lines[-1].mass_after_kg, sc.lander.thrust_n, sc.lander.isp_s,
                                orbit.altitude_km)
    final_plan = plan(descent.ignition_alt_km)
    progress(3, 4)
    hover = GM_MOON_KM3S2 / R_MOON_KM**2 * HOVER_S  # g_moon * t [km/s]
    burns = [("TCM allowance", TCM_ALLOWANCE_KMS), ("LOI", loi),
             ("deorbit (DOI)", final_plan.doi_dv_kms), ("powered descent", descent.dv_kms),
             ("hover / hazard avoidance", hover)]
    budget = B.mass_budget(m0, burns, sc.lander.isp_s, sc.lander.propellant_mass_kg)
    progress(4, 4)
    assumptions = (
        "The lander performs every burn after separation from the launcher.",
        f"Approach speed and LOI from {source}; LOI is one burn into the circular orbit.",
        f"TCM allowance {TCM_ALLOWANCE_KMS * 1e3:.0f} m/s and a {HOVER_S:.0f} s hover (assumed).",
        ("Powered descent: full-thrust gravity turn over a spherical Moon, periselene chosen so "
         "the lander comes to rest at the surface; the descent burn's mass is integrated, the "
         "others use the rocket equation at the lander's Isp."),
    )
    return BudgetResult(v_inf, final_plan, descent, budget, assumptions)


STAGE = Stage("budget", "Delta-v and mass budget", ("transfer",), run, budget_summary,
              budget_report, budget_figures)
