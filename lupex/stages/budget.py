"""Stage 'budget': the lander's delta-v and mass budget from separation to touchdown —
trajectory-correction allowance, lunar orbit insertion, deorbit, powered descent, hover."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure

from ..constants import GM_MOON_KM3S2, R_MOON_KM
from ..orbits import budget as B
from ..orbits import descent as D
from ..orbits.lunar_orbit import LunarOrbitPlan, plan_lunar_orbit
from ..orbits.plots import plot_lunar_orbit
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


def summary(r: BudgetResult) -> dict:
    b = r.budget
    return {
        "arrival_v_inf": {"value": r.v_inf_kms, "unit": "km/s"},
        "lunar_orbit_period": {"value": r.plan.period_s / 60.0, "unit": "min"},
        "burns": [{"name": x.name, "dv": {"value": x.dv_kms * 1e3, "unit": "m/s"},
                   "propellant": {"value": x.propellant_kg, "unit": "kg"},
                   "mass_after": {"value": x.mass_after_kg, "unit": "kg"}} for x in b.lines],
        "total_dv": {"value": b.total_dv_kms * 1e3, "unit": "m/s"},
        "propellant_used": {"value": b.propellant_used_kg, "unit": "kg"},
        "propellant_loaded": {"value": b.propellant_loaded_kg, "unit": "kg"},
        "propellant_margin": {"value": b.propellant_margin_kg, "unit": "kg"},
        "feasible": b.propellant_margin_kg >= 0.0,
        "descent": {
            "ignition_altitude": {"value": r.descent.ignition_alt_km, "unit": "km"},
            "ignition_speed": {"value": r.descent.ignition_speed_kms * 1e3, "unit": "m/s"},
            "duration": {"value": r.descent.duration_s, "unit": "s"},
            "downrange": {"value": float(r.descent.downrange_km[-1]), "unit": "km"},
            "gravity_loss": {"value": r.descent.gravity_loss_kms * 1e3, "unit": "m/s"},
        },
        "assumptions": list(r.assumptions),
    }


def report(r: BudgetResult) -> str:
    b = r.budget
    rows = ["| burn | Δv (m/s) | propellant (kg) | mass after (kg) |", "|---|---|---|---|"]
    rows += [f"| {x.name} | {x.dv_kms * 1e3:.0f} | {x.propellant_kg:.0f} | {x.mass_after_kg:.0f} |"
             for x in b.lines]
    rows.append(f"| **total** | **{b.total_dv_kms * 1e3:.0f}** | **{b.propellant_used_kg:.0f}** | |")
    verdict = ("enough" if b.propellant_margin_kg >= 0 else "**NOT enough**")
    d = r.descent
    return "\n".join(rows + [
        "",
        (f"Propellant loaded {b.propellant_loaded_kg:.0f} kg, used {b.propellant_used_kg:.0f} kg: "
        f"{verdict} (margin {b.propellant_margin_kg:+.0f} kg)."),
        (f"Powered descent from {d.ignition_alt_km:.1f} km at {d.ignition_speed_kms * 1e3:.0f} m/s, "
        f"{d.duration_s:.0f} s, {d.downrange_km[-1]:.0f} km downrange, gravity loss "
        f"{d.gravity_loss_kms * 1e3:.0f} m/s."),
        "",
        "Assumptions: " + " ".join(r.assumptions),
    ])


def figures(r: BudgetResult) -> dict:
    d = r.descent
    fig = Figure(figsize=(11, 3.6), layout="constrained")
    a1, a2, a3 = fig.subplots(1, 3)
    a1.plot(d.downrange_km, d.alt_km)
    a1.set(xlabel="downrange (km)", ylabel="altitude (km)", title="Powered descent")
    a2.plot(d.t_s, d.speed_kms * 1e3, label="speed")
    a2.set(xlabel="time since ignition (s)", ylabel="speed (m/s)", title="Braking")
    lines = r.budget.lines
    a3.barh([x.name for x in lines][::-1], [x.dv_kms * 1e3 for x in lines][::-1], color="tab:purple")
    a3.set(xlabel="Δv (m/s)", title=f"Δv budget, total {r.budget.total_dv_kms * 1e3:.0f} m/s")
    for ax in (a1, a2, a3):
        ax.grid(alpha=0.3)
    return {"descent_and_dv_budget": fig, "lunar_orbit": plot_lunar_orbit(r.plan)}


STAGE = Stage("budget", "Delta-v and mass budget", ("transfer",), run, summary, report, figures)
