"""Summaries, Markdown and figures of the sites, lunar-orbit, landing and ledger stages
(lupex.report.sites, lunar_orbit, landing, lander)."""

import json
from types import SimpleNamespace

import numpy as np
import pytest

from lupex import ephemeris as eph
from lupex.constants import GM_MOON_KM3S2, R_MOON_KM
from lupex.lander import guided as G
from lupex.lander.ledger import mass_ledger
from lupex.lander.touchdown_sky import touchdown_sky
from lupex.orbits.lunar_phase import Burn, fly_lunar_orbit_phase
from lupex.report import lander, landing, lunar_orbit
from lupex.report.quantity import UNITS, units_used
from lupex.surface.dem import Dem
from lupex.surface.projection import latlon_to_xy

JD = 2462031.5
LAT, LON, HGT = -88.70486, 291.66596, 1769.6


@pytest.fixture(scope="module")
def stages():
    m = eph.icrf_to_moon_me(JD)
    r_p = R_MOON_KM + 100.0   # a polar periselene over the equator, v_inf 0.85 km/s
    phase = fly_lunar_orbit_phase(JD, r_p * m[0], np.sqrt(0.85**2 + 2 * GM_MOON_KM3S2 / r_p) * m[2],
                                  5890.0, 13000.0, 315.0, LAT, LON, 30.0, 14.5)
    design = G.DescentDesign(high_gate_alt_km=3.0, high_gate_uprange_km=3.0, approach_s=70.0, hover_alt_m=100.0,
                             hover_s=20.0, terminal_s=35.0, step_s=0.5)
    d = G.fly_guided_descent(phase.pdi_r_me_km, phase.pdi_v_me_kms, phase.pdi_mass_kg, 13000.0, 315.0, LAT, LON, HGT,
                             design)
    tcm = Burn("TCM allowance", JD - 2, JD - 2, 13.0, 0.03, 0.03, 5950.0, 5890.0, np.nan, np.nan)
    lo = SimpleNamespace(tcm=tcm, phase=phase, site_name="rim", arrival_jd_tdb=JD, note="model",
                         nominal=G.NominalRange(14.5, 440.0, 480.0), pdi_mass_kg=phase.pdi_mass_kg)
    x, y = latlon_to_xy(np.radians(LAT), np.radians(LON))
    dem = Dem(np.full((40, 40), HGT), float(x) - 10.0, float(y) + 10.0, 0.5)
    terrain = SimpleNamespace(terrain=SimpleNamespace(dem=dem), sites=(("rim", LAT, LON),))
    jd_td = phase.pdi_jd_tdb + d.t_touchdown_s[0] / 86400.0
    sky = touchdown_sky(LAT, LON, HGT + 2.0, np.zeros(360), jd_td)
    ld = SimpleNamespace(descent=d, design=design, site_name="rim", site_lat_deg=LAT, site_lon_deg=LON,
                         site_height_m=HGT, pdi_jd_tdb=phase.pdi_jd_tdb, touchdown_jd_tdb=jd_td, sky=sky,
                         dem_height_at_touchdown_m=HGT, min_clearance_m=150.0, terrain=terrain, orbit=lo,
                         on_target=bool(d.miss_m[0] < 100.0))
    burns = [(tcm.name, 0.03, 5950.0, 5890.0)] + [(b.name, b.dv_kms, b.mass_before_kg, b.mass_after_kg)
                                                  for b in phase.burns]
    pm = d.phase_mass_kg[:, 0]
    dv = d.phase_dv_kms()
    burns += [(k, float(dv[k][0]), float(pm[i]), float(pm[i + 1])) for i, k in enumerate(G.PHASES)]
    led = SimpleNamespace(ledger=mass_ledger(6000.0, 1900.0, 350.0, 3700.0, burns, 315.0, 0.02, 0.05),
                          assumptions=("assumed",))
    return lo, ld, led


def _json_units(s):
    assert json.loads(json.dumps(s)) == s
    assert units_used(s) <= UNITS.keys()


def test_landing_summary_report_and_figures(stages, tmp_path):
    _, ld, _ = stages
    s = landing.summary(ld)
    _json_units(s)
    assert s["miss_distance"]["value"] < 100.0 and s["within_100_m"] is True
    assert s["touchdown_height"] == {"value": HGT, "unit": "m"}
    assert "Touchdown" in landing.report(ld)
    figs = landing.figures(ld)
    assert set(figs) == {"landing_map", "landing_approach_map", "descent_profile"}
    for k, f in figs.items():
        f.savefig(tmp_path / f"{k}.png")


def test_lunar_orbit_and_ledger_presentation(stages, tmp_path):
    lo, _, led = stages
    s = lunar_orbit.summary(lo)
    _json_units(s)
    names = [b["name"] for b in s["burns"]]
    assert names[:2] == ["TCM allowance", "loi"] and names[-1] == "doi" and len(names) >= 5
    assert "uprange" in lunar_orbit.report(lo)
    lunar_orbit.figures(lo)["lunar_orbit_altitude"].savefig(tmp_path / "lo.png")
    s = lander.summary(led)
    _json_units(s)
    assert s["ledger_total"]["value"] == pytest.approx(6000.0)
    assert s["feasible"] is (led.ledger.margin_kg >= 0)
    assert "total = launch mass" in lander.report(led)
    lander.figures(led)["dv_waterfall"].savefig(tmp_path / "w.png")
