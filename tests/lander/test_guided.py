"""The site-targeted guided descent against closed forms, flown missions' published figures
(lupex.lander.flown: Chandrayaan-3, Apollo 11, SLIM) and properties of the guidance."""

import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from lupex.constants import G0_KMS2, GM_MOON_KM3S2, R_MOON_KM
from lupex.geometry import enu_basis
from lupex.lander import guided as G
from lupex.lander.flown import APOLLO11, CHANDRAYAAN3, SLIM

MU, R = GM_MOON_KM3S2, R_MOON_KM
SITE = (-88.70486, 291.66596, 1769.6)  # de Gerlache Rim 2 and its LOLA ground height [m]
OMEGA = np.array([0.0, 0.0, 2.6617e-6])  # the Moon's spin [rad/s] (27.32 d)
BASE = G.DescentDesign(high_gate_alt_km=3.0, high_gate_uprange_km=3.0, approach_s=70.0, hover_alt_m=100.0,
                       hover_s=20.0, terminal_s=35.0, braking_throttle=0.95)


def pdi_state(lat_deg, lon_deg, uprange_deg, alt_km, speed_kms):
    """PDI on the site's meridian, uprange (north) of it, flying south horizontally."""
    _, north, up = enu_basis(np.radians(lat_deg + uprange_deg), np.radians(lon_deg))
    return (R + alt_km) * up, -speed_kms * north


def perilune_speed(hp_km, ha_km):
    rp, ra = R + hp_km, R + ha_km
    return float(np.sqrt(MU * (2 / rp - 2 / (rp + ra))))


@pytest.fixture(scope="module")
def baseline():
    v = perilune_speed(30.0, 100.0)
    nom = G.nominal_descent_range(30.0, v, 4476.0, 13000.0, 315.0, BASE, SITE[2] * 1e-3)
    r0, v0 = pdi_state(SITE[0], SITE[1], nom.uprange_deg, 30.0, v)
    return G.fly_guided_descent(r0, v0, 4476.0, 13000.0, 315.0, *SITE, BASE, omega_me_rads=OMEGA)


def test_baseline_lands_on_the_site_on_the_terrain(baseline):
    d = baseline
    assert d.landed[0]
    # the bar is 100 m; the guidance closes to millimetres (ZEM -> 0 as t_go -> 0)
    assert d.miss_m[0] < 1.0
    assert np.linalg.norm(d.r_touchdown_km[0]) == pytest.approx(R + SITE[2] * 1e-3, abs=1e-6)  # 1 mm
    # Vikram's touchdown specification (<= 2 m/s down, <= 0.5 m/s along the ground)
    assert 0.0 < d.vertical_ms[0] <= CHANDRAYAAN3["touchdown_vertical_max_ms"]
    assert d.horizontal_ms[0] <= CHANDRAYAAN3["touchdown_horizontal_max_ms"]
    assert d.alt_site_km[:-1, 0].min() > -1e-6  # never below the site's ground before touchdown
    # dense output: one sample a second (the plot's resolution)
    assert np.allclose(np.diff(d.t_s[:-1]), 1.0)


def test_mass_flow_is_the_throttle_integral(baseline):
    # Independent of the integrated mass: each step burns throttle * F / (Isp g0) * dt kg.
    # With 1 s samples of a 0.1 s zero-order hold, the sum of sampled throttles misses the
    # changes inside a second; the throttle varies < 1 % per second except at the phase
    # switches, so 0.5 % of the propellant bounds it.
    d = baseline
    flow = d.throttle[:-1, 0] * 13.0 / (315.0 * G0_KMS2)  # kg/s
    burned = np.sum(flow * np.diff(d.t_s))
    assert burned == pytest.approx(d.propellant_kg[0], rel=5e-3)
    dv = sum(v[0] for v in d.phase_dv_kms().values())
    assert dv == pytest.approx(315.0 * G0_KMS2 * np.log(4476.0 / d.mass_touchdown_kg[0]), rel=1e-12)


def test_hover_burns_what_a_hover_must():
    # Closed form: hovering (thrust = m g) gives m(t) = m0 exp(-g t / (Isp g0)) (rocket
    # equation with dv = g t). Start the descent above the hover point so the approach only
    # descends; compare over the hover's steady part (from 20 s in, after the approach's
    # arrival residual has died out under the 10 s horizon): the hover holds the point to cm
    # and the rest is the RK4 error, so 1e-5 relative.
    h_m = 100.0
    lat, lon, hgt = SITE
    _, _, up = enu_basis(np.radians(lat), np.radians(lon))
    design = G.DescentDesign(high_gate_alt_km=1.0, high_gate_uprange_km=0.0, approach_s=60.0, hover_alt_m=h_m,
                             hover_s=60.0, terminal_s=30.0, min_throttle=0.0)
    r0 = (R + hgt * 1e-3 + 2.0) * up
    d = G.fly_guided_descent(r0, np.zeros(3), 3000.0, 13000.0, 315.0, lat, lon, hgt, design)
    t0 = d.phase_end_s["approach"][0] + 20.0
    i, j = np.searchsorted(d.t_s, [t0, t0 + 35.0])
    g = MU / (R + hgt * 1e-3 + h_m * 1e-3) ** 2
    expected = d.mass_kg[i, 0] * np.exp(-g * (d.t_s[j] - d.t_s[i]) / (315.0 * G0_KMS2))
    assert d.mass_kg[j, 0] == pytest.approx(expected, rel=1e-5)
    assert np.ptp(d.alt_site_km[i:j, 0]) < 5e-5  # holds its height to centimetres
    assert d.landed[0] and d.miss_m[0] < 0.01


def test_chandrayaan3_rough_braking():
    # Chandrayaan-3's rough braking: 690 s from 30 km and 1.68 km/s to 358 m/s at 7.42 km,
    # 713.5 km toward the site (ISRO's plan). Vikram: 3.2 kN, ~1.7 t at PDI (1.75 t at
    # separation less two deboosts), Isp ~300 s (not published): the mass and Isp are each
    # uncertain by ~5 %, which moves the braking time and range by as much; 12 % tolerance.
    c = CHANDRAYAAN3
    vh_gate = c["rough_braking_end_horizontal_ms"] * 1e-3
    design = G.DescentDesign(high_gate_alt_km=c["rough_braking_end_alt_km"], approach_s=175.0,
                             high_gate_uprange_km=0.5 * vh_gate * 175.0, hover_alt_m=c["hover_alt_m"],
                             hover_s=c["hover_s"], terminal_s=60.0, braking_throttle=1.0, step_s=0.2)
    assert design.gate_speeds_kms[0] == pytest.approx(vh_gate)
    nom = G.nominal_descent_range(c["pdi_alt_km"], c["pdi_speed_kms"], 1700.0, c["thrust_n"], 300.0, design)
    assert nom.braking_s == pytest.approx(c["rough_braking_s"], rel=0.12)
    assert nom.ground_range_km == pytest.approx(c["rough_braking_range_km"], rel=0.12)
    r0, v0 = pdi_state(-69.37, 32.32, nom.uprange_deg, c["pdi_alt_km"], c["pdi_speed_kms"])
    d = G.fly_guided_descent(r0, v0, 1700.0, c["thrust_n"], 300.0, -69.37, 32.32, 0.0, design)
    assert d.landed[0] and d.miss_m[0] < 1.0
    # at the end of braking: the published 7.42 km and 358 m/s (ours by design, to 2 %)
    k = np.searchsorted(d.t_s, d.phase_end_s["braking"][0])
    assert d.alt_site_km[k, 0] == pytest.approx(c["rough_braking_end_alt_km"], rel=0.02)
    # whole descent ~19 min; ours leaves out the 10 s attitude hold and the hold near 800 m,
    # a few minutes of Vikram's sequence: 25 %
    assert d.t_touchdown_s[0] == pytest.approx(c["descent_duration_s"], rel=0.25)


def test_apollo11_descent():
    # Apollo 11: PDI at 50,000 ft ~14 deg uprange, 12 min 36 s burn; LM 15.1 t, 45 kN,
    # Isp 311 s. Ours flies the same gates; the uprange angle and duration agree to 15 %
    # (Apollo's braking throttled at the 92 % fixed throttle point and its landing phase
    # was flown by hand, a longer hover), the delta-v lies in the 1.9-2.3 km/s class of
    # lunar powered descents (orbital speed 1.69 km/s + gravity losses).
    a = APOLLO11
    design = G.DescentDesign(high_gate_alt_km=a["high_gate_alt_km"], high_gate_uprange_km=7.5, approach_s=150.0,
                             hover_alt_m=a["vertical_descent_alt_m"], hover_s=30.0, terminal_s=50.0,
                             touchdown_speed_ms=a["touchdown_speed_ms"], braking_throttle=a["braking_throttle"],
                             step_s=0.2)
    v = perilune_speed(a["pdi_alt_km"], 110.0)
    nom = G.nominal_descent_range(a["pdi_alt_km"], v, a["mass_kg"], a["thrust_n"], a["isp_s"], design)
    assert nom.uprange_deg == pytest.approx(a["pdi_uprange_deg"], rel=0.15)
    r0, v0 = pdi_state(0.67, 23.47, nom.uprange_deg, a["pdi_alt_km"], v)
    d = G.fly_guided_descent(r0, v0, a["mass_kg"], a["thrust_n"], a["isp_s"], 0.67, 23.47, 0.0, design)
    assert d.landed[0]
    assert d.t_touchdown_s[0] == pytest.approx(a["burn_s"], rel=0.15)
    assert 1.9 < sum(x[0] for x in d.phase_dv_kms().values()) < 2.3


def test_dispersed_batch_lands_within_slim_accuracy():
    # 64 PDI states dispersed by 2 km (1 sigma) in position, 5 m/s in velocity and 2 % in
    # mass, flown as one batch with a braking designed for 85 % throttle (a lander heavier
    # than the design by more than the throttle margin cannot brake in time: it runs out of
    # thrust, not of guidance): every one lands within SLIM's pre-avoidance 10 m (the
    # guidance closes the miss; navigation errors are not modelled here).
    rng = np.random.default_rng(13)
    design = G.DescentDesign(**{**BASE.__dict__, "step_s": 0.2, "braking_throttle": 0.85})
    v = perilune_speed(30.0, 100.0)
    nom = G.nominal_descent_range(30.0, v, 4476.0, 13000.0, 315.0, design, SITE[2] * 1e-3)
    r0, v0 = pdi_state(SITE[0], SITE[1], nom.uprange_deg, 30.0, v)
    n = 64
    d = G.fly_guided_descent(r0 + rng.normal(0, 2.0, (n, 3)), v0 + rng.normal(0, 0.005, (n, 3)),
                             4476.0 * (1 + rng.normal(0, 0.02, n)), 13000.0, 315.0, *SITE, design)
    assert d.landed.all()
    assert d.miss_m.max() < SLIM["pre_avoidance_m"]
    assert d.vertical_ms.max() <= CHANDRAYAAN3["touchdown_vertical_max_ms"]
    assert d.horizontal_ms.max() <= CHANDRAYAAN3["touchdown_horizontal_max_ms"]
    assert d.r_me_km.shape[1:] == (n, 3)
    # each member on its own clock: the braking ends when its own time-to-go runs out
    assert np.ptp(d.phase_end_s["braking"]) > 1.0


# derandomized and without shrinking: a few slow examples, the same on every machine
@settings(max_examples=6, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow],
          phases=[Phase.explicit, Phase.generate])
@given(uprange_err=st.floats(-0.5, 0.5), alt_km=st.floats(20.0, 40.0), gate_km=st.floats(1.5, 4.0),
       approach_s=st.floats(70.0, 150.0), lon=st.floats(0.0, 360.0))
def test_guidance_reaches_any_site_from_near_nominal_pdi(uprange_err, alt_km, gate_km, approach_s, lon):
    # Property: from a PDI within half a degree (15 km) of the nominal uprange point, at any
    # altitude and site longitude, with any gate and approach time the engine can fly (the
    # approach's uniform deceleration 2 d / T^2 plus gravity within the thrust at the end
    # mass: gate <= 4 km, T >= 70 s at 13 kN / ~2.5 t), the descent lands on the site within
    # the SLIM goal at a safe speed and never below the ground.
    design = G.DescentDesign(high_gate_alt_km=gate_km, high_gate_uprange_km=gate_km, approach_s=approach_s,
                             hover_alt_m=100.0, hover_s=10.0, terminal_s=35.0, step_s=0.25)
    v = perilune_speed(alt_km, 100.0)
    nom = G.nominal_descent_range(alt_km, v, 4476.0, 13000.0, 315.0, design, 1.0)
    r0, v0 = pdi_state(-89.0, lon, nom.uprange_deg + uprange_err, alt_km, v)
    d = G.fly_guided_descent(r0, v0, 4476.0, 13000.0, 315.0, -89.0, lon, 1000.0, design, omega_me_rads=OMEGA)
    assert d.landed[0]
    assert d.miss_m[0] < SLIM["goal_m"]
    assert d.vertical_ms[0] <= CHANDRAYAAN3["touchdown_vertical_max_ms"]
    assert d.alt_site_km[:-1, 0].min() > -1e-6


def test_an_approach_the_engine_cannot_fly_is_a_crash_not_a_landing():
    # 4 km gate, 50 s approach: 3.2 m/s^2 of braking on each axis plus gravity needs more than
    # 13 kN gives ~2.6 t; the lander reaches the ground in its approach, flagged, and frozen there.
    design = G.DescentDesign(high_gate_alt_km=4.0, high_gate_uprange_km=4.0, approach_s=50.0, hover_alt_m=100.0,
                             hover_s=10.0, terminal_s=35.0, step_s=0.25)
    v = perilune_speed(20.0, 100.0)
    nom = G.nominal_descent_range(20.0, v, 4476.0, 13000.0, 315.0, design, 1.0)
    r0, v0 = pdi_state(-89.0, 0.0, nom.uprange_deg, 20.0, v)
    d = G.fly_guided_descent(r0, v0, 4476.0, 13000.0, 315.0, -89.0, 0.0, 1000.0, design)
    assert not d.landed[0]
    assert np.isnan(d.phase_end_s["approach"][0])
    assert np.linalg.norm(d.r_touchdown_km[0]) == pytest.approx(R + 1.0, abs=1e-6)
    assert np.all(np.isfinite(d.r_me_km))


def test_bad_inputs_are_named():
    with pytest.raises(ValueError, match="min_throttle"):
        G.DescentDesign(min_throttle=0.9, max_throttle=0.8)
    with pytest.raises(ValueError, match="approach_s"):
        G.DescentDesign(approach_s=5.0)
    with pytest.raises(ValueError, match="r0_me_km"):
        G.fly_guided_descent(np.array([R + 1.0, 0, 0]), np.zeros(3), 1000.0, 5000.0, 300.0, 0.0, 0.0, 0.0)
    with pytest.raises(ValueError, match="pdi_alt_km"):
        G.nominal_descent_range(500.0, 1.6, 1000.0, 5000.0, 300.0)


def test_site_frame_is_orthonormal():
    site, up, along = G.site_frame(-89.0, 10.0, 1.2, np.array([[0.3, -1.0, 0.2]]))
    assert np.linalg.norm(site[0]) == pytest.approx(R + 1.2)
    assert np.linalg.norm(up[0]) == pytest.approx(1.0) and np.linalg.norm(along[0]) == pytest.approx(1.0)
    assert abs(up[0] @ along[0]) < 1e-15


def test_clearance_over_a_flat_map_is_the_height_above_it():
    from lupex.lander.clearance import terrain_clearance_m
    from lupex.surface.dem import Dem
    from lupex.surface.projection import latlon_to_xy

    x, y = latlon_to_xy(np.radians(-89.0), 0.0)
    dem = Dem(np.full((20, 20), 500.0), float(x) - 5.0, float(y) + 5.0, 0.5)
    _, _, up = enu_basis(np.radians(-89.0), 0.0)
    pts = np.stack([(R + 1.5) * up, (R + 0.2) * up, (R + 1.0) * -up])  # over, over, far side
    c = terrain_clearance_m(dem, pts)
    assert c[0] == pytest.approx(1000.0, abs=1e-6) and c[1] == pytest.approx(-300.0, abs=1e-6)
    assert np.isnan(c[2])
