"""Summary, Markdown and figure of the lander's budget (lupex.report.lander)."""

import json
from types import SimpleNamespace

from lupex.lander import mass_budget, powered_descent
from lupex.orbits.lunar_orbit import plan_lunar_orbit
from lupex.report.lander import budget_figures, budget_report, budget_summary
from lupex.report.quantity import UNITS, units_used


def test_budget_summary_report_and_figures(tmp_path):
    descent = powered_descent(4300.0, 13000.0, 315.0, orbit_alt_km=100.0)
    budget = mass_budget(6000.0, [("LOI", 0.8), ("powered descent", descent.dv_kms)], 315.0,
                         3700.0)
    plan = plan_lunar_orbit(perilune_alt_km=descent.ignition_alt_km, n_samples=50)
    r = SimpleNamespace(v_inf_kms=0.8, plan=plan, descent=descent, budget=budget,
                        assumptions=("assumed",))
    s = budget_summary(r)
    assert json.loads(json.dumps(s)) == s
    assert units_used(s) <= UNITS.keys()
    assert s["feasible"] is (budget.propellant_margin_kg >= 0)
    assert [b["name"] for b in s["burns"]] == ["LOI", "powered descent"]
    assert "powered descent" in budget_report(r)
    figs = budget_figures(r)
    assert set(figs) == {"descent_and_dv_budget", "lunar_orbit"}
    figs["descent_and_dv_budget"].savefig(tmp_path / "d.png")
