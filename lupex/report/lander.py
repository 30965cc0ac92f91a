"""Presentation of the lander's delta-v and mass budget (stage 'budget'): summary figures,
Markdown, and the powered-descent / delta-v figure.

The stage result (``lupex.stages.budget.BudgetResult``) carries ``v_inf_kms``, ``plan``
(:class:`lupex.orbits.LunarOrbitPlan`), ``descent`` (:class:`lupex.lander.DescentResult`),
``budget`` (:class:`lupex.lander.MassBudget`) and ``assumptions``; the functions here read
those attributes only, so this module does not import the stage back.
"""

from __future__ import annotations

from matplotlib.figure import Figure

from lupex.report.quantity import quantity
from lupex.report.transfer import plot_lunar_orbit


def budget_summary(r) -> dict:
    """Reported figures of the lander's budget, each ``{"value", "unit"}`` (JSON-ready)."""
    b, d = r.budget, r.descent
    return {
        "arrival_v_inf": quantity(r.v_inf_kms, "km/s"),
        "lunar_orbit_period": quantity(r.plan.period_s / 60.0, "min"),
        "burns": [{"name": x.name, "dv": quantity(x.dv_kms * 1e3, "m/s"),
                   "propellant": quantity(x.propellant_kg, "kg"),
                   "mass_after": quantity(x.mass_after_kg, "kg")} for x in b.lines],
        "total_dv": quantity(b.total_dv_kms * 1e3, "m/s"),
        "propellant_used": quantity(b.propellant_used_kg, "kg"),
        "propellant_loaded": quantity(b.propellant_loaded_kg, "kg"),
        "propellant_margin": quantity(b.propellant_margin_kg, "kg"),
        "feasible": b.propellant_margin_kg >= 0.0,
        "descent": {
            "ignition_altitude": quantity(d.ignition_alt_km, "km"),
            "ignition_speed": quantity(d.ignition_speed_kms * 1e3, "m/s"),
            "duration": quantity(d.duration_s, "s"),
            "downrange": quantity(d.downrange_km[-1], "km"),
            "gravity_loss": quantity(d.gravity_loss_kms * 1e3, "m/s"),
        },
        "assumptions": list(r.assumptions),
    }


def budget_report(r) -> str:
    """Markdown section: the burn table, the propellant verdict and the descent."""
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


def budget_figures(r) -> dict:
    """The budget stage's figures, by file stem."""
    return {"descent_and_dv_budget": plot_descent_and_budget(r.descent, r.budget),
            "lunar_orbit": plot_lunar_orbit(r.plan)}


def plot_descent_and_budget(descent, budget) -> Figure:
    """Powered-descent profile (altitude against downrange, speed against time) and the
    delta-v of every burn.

    Parameters
    ----------
    descent : lupex.lander.DescentResult
    budget : lupex.lander.MassBudget
    """
    d = descent
    fig = Figure(figsize=(11, 3.6), layout="constrained")
    a1, a2, a3 = fig.subplots(1, 3)
    a1.plot(d.downrange_km, d.alt_km)
    a1.set(xlabel="downrange (km)", ylabel="altitude (km)", title="Powered descent")
    a2.plot(d.t_s, d.speed_kms * 1e3, label="speed")
    a2.set(xlabel="time since ignition (s)", ylabel="speed (m/s)", title="Braking")
    lines = budget.lines
    a3.barh([x.name for x in lines][::-1], [x.dv_kms * 1e3 for x in lines][::-1], color="tab:purple")
    a3.set(xlabel="Δv (m/s)", title=f"Δv budget, total {budget.total_dv_kms * 1e3:.0f} m/s")
    for ax in (a1, a2, a3):
        ax.grid(alpha=0.3)
    return fig
