"""Summaries and figures of the orbital results (lupex.report.transfer): JSON-ready figures
with units from the vocabulary, and figures that draw."""

import json

import numpy as np
import pytest
from matplotlib.figure import Figure

from lupex.constants import R_MOON_KM
from lupex.orbits.cowell import ForceModel, propagate
from lupex.orbits.forces import GM_KM3S2
from lupex.orbits.lunar_orbit import plan_lunar_orbit
from lupex.orbits.transfer import TransferResult
from lupex.report.quantity import UNITS, units_used
from lupex.report.transfer import (
    lunar_orbit_summary,
    plot_lunar_orbit,
    plot_trajectory,
    plot_transfer,
    trajectory_summary,
    transfer_summary,
)

JD0 = 2460000.5
MU_MOON = GM_KM3S2["moon"]


def _polar_arc(duration_s=7200.0):
    a = R_MOON_KM + 100.0
    r0, v0 = np.array([a, 0.0, 0.0]), np.array([0.0, 0.0, np.sqrt(MU_MOON / a)])
    return propagate(r0, v0, JD0, duration_s, ForceModel("moon", third_bodies=()))


def test_trajectory_summary_and_plot(tmp_path):
    tr = _polar_arc()
    s = trajectory_summary(tr)
    json.dumps(s)
    assert s["min_radius"]["unit"] == "km"
    assert s["min_radius"]["value"] == pytest.approx(1837.4, abs=1e-6)
    assert s["epoch_jd_tdb"]["unit"] == "JD_TDB"
    assert units_used(s) <= UNITS.keys()
    fig = plot_trajectory(tr)
    fig.savefig(tmp_path / "traj.png")
    assert len(fig.axes) == 3


def test_lunar_orbit_summary():
    plan = plan_lunar_orbit(parking_alt_km=100.0, inc_deg=90.0, v_inf_kms=0.0, perilune_alt_km=30.0)
    summary = lunar_orbit_summary(plan)
    assert json.loads(json.dumps(summary)) == summary
    assert all(set(v) == {"value", "unit"} for v in summary.values())
    assert summary["total_dv"]["value"] == pytest.approx(1e3 * (plan.loi_dv_kms + plan.doi_dv_kms))
    assert units_used(summary) <= UNITS.keys()


def test_plot_lunar_orbit():
    fig = plot_lunar_orbit(plan_lunar_orbit(inc_deg=85.0, n_samples=50))
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    assert "DOI" in fig.axes[1].get_title()


def test_transfer_summary_and_plot(tmp_path):
    # A stand-in transfer result (the real one takes a minute to target): an Earth-centred
    # arc whose summary and plot exercise every field.
    r0, v0 = np.array([6578.0, 0.0, 0.0]), np.array([0.0, 10.9, 0.5])
    tr = propagate(r0, v0, JD0, 2 * 86400.0, ForceModel("earth", third_bodies=()))
    res = TransferResult(JD0, r0, v0 - [0.0, 3.1, 0.0], np.array([0.0, 3.1, 0.0]), -2.0,
                         2 * 86400.0, 100.0, 90.0, -42.0, 2.4, 0.8, True, 0.0, 5, tr)
    s = transfer_summary(res)
    json.dumps(s)
    assert s["c3"]["unit"] == "km^2/s^2"
    assert s["tli_epoch_jd_tdb"] == {"value": JD0, "unit": "JD_TDB"}
    assert s["tli_delta_v"]["value"] == pytest.approx(3.1)
    assert units_used(s) <= UNITS.keys()
    fig = plot_transfer(res)
    fig.savefig(tmp_path / "transfer.png")
