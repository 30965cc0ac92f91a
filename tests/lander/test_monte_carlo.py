"""Landing Monte Carlo: identical results with 1 and 2 Dask workers, the ellipse of the
terrain-relative navigation error against its closed form, the first-order correction costs
and the rocket equation."""

import numpy as np
import pytest

from lupex import dispersions as MC
from lupex.cluster import map_chunks
from lupex.constants import G0_KMS2, GM_MOON_KM3S2, R_MOON_KM
from lupex.geometry import enu_basis
from lupex.lander import guided as G
from lupex.lander import monte_carlo as LM
from lupex.scenario import MonteCarlo

SITE = (-88.70486, 291.66596, 1769.6)
OMEGA = np.array([0.0, 0.0, 2.6617e-6])
DESIGN = G.DescentDesign(high_gate_alt_km=3.0, high_gate_uprange_km=3.0, approach_s=70.0,
                         hover_alt_m=100.0, hover_s=20.0, terminal_s=35.0, braking_throttle=0.85,
                         step_s=0.5)


def _case():
    rp, ra = R_MOON_KM + 30.0, R_MOON_KM + 100.0
    v = float(np.sqrt(GM_MOON_KM3S2 * (2 / rp - 2 / (rp + ra))))
    nom = G.nominal_descent_range(30.0, v, 4476.0, 13000.0, 315.0, DESIGN, SITE[2] * 1e-3)
    _, north, up = enu_basis(np.radians(SITE[0] + nom.uprange_deg), np.radians(SITE[1]))
    return LM.DescentCase((R_MOON_KM + 30.0) * up, -v * north, 4476.0, 13000.0, 315.0, *SITE,
                          DESIGN, OMEGA)


def _sigmas(**over):
    s = MonteCarlo().model_dump(exclude={"samples", "seed"})  # the scenario's defaults
    s.update(over)
    return LM.descent_sigmas(**s)


def _block(block, case, sigmas, seed):
    return LM.descent_block(block, case, sigmas, seed)


@pytest.mark.slow
def test_same_seed_same_results_with_one_and_two_workers():
    """The issue's requirement: the blocks' outcomes do not depend on how many worker processes
    fly them (each block is seeded by its index, and flown as the same batch)."""
    case, sig = _case(), _sigmas()
    blocks = MC.blocks(24, 12)
    one = map_chunks(_block, blocks, (case, sig, 7), workers=1)
    two = map_chunks(_block, blocks, (case, sig, 7), workers=2)
    for a, b in zip(one, two, strict=True):
        assert a.keys() == b.keys()
        for k in a:
            np.testing.assert_array_equal(a[k], b[k])
    assert all(o["landed"].all() for o in one)


@pytest.mark.slow
def test_trn_error_alone_gives_the_closed_form_ellipse():
    """With only the navigation error (30 m per axis) dispersed, the touchdowns are the flown
    nominal point plus N(0, 30 m) per axis: the 99 % ellipse's semi-axes are
    sqrt(-2 ln 0.01) * 30 = 91.0 m. 400 samples estimate a variance to sqrt(2/400) = 7 %, so an
    axis to 3.5 %; 4 sigma = 14 %."""
    zero = {k: 0.0 for k in ("pdi_position_m", "pdi_velocity_ms", "thrust_rel", "isp_rel",
                             "injection_velocity_ms", "loi_magnitude_rel", "loi_pointing_deg",
                             "launch_performance_rel")}
    out = LM.descent_block((0, 400), _case(), _sigmas(**zero, trn_m=30.0), 3)
    assert out["landed"].all()
    np.testing.assert_allclose(out["descent_propellant_kg"], out["descent_propellant_kg"][0])
    e = MC.error_ellipse(out["east_m"], out["north_m"])
    expected = np.sqrt(-2.0 * np.log(0.01)) * 30.0
    assert e.semi_major == pytest.approx(expected, rel=0.14)
    assert e.semi_minor == pytest.approx(expected, rel=0.14)


def test_upstream_costs_are_the_error_magnitudes():
    d = {"tli_x_kms": np.array([0.003]), "tli_y_kms": np.array([0.004]),
         "tli_z_kms": np.array([0.0]), "loi_mag_rel": np.array([0.01]),
         "loi_pt1_rad": np.array([0.0]), "loi_pt2_rad": np.array([0.0])}
    tcm, loi = LM.upstream_dv_kms(d, 0.85)
    assert tcm[0] == pytest.approx(0.005) and loi[0] == pytest.approx(0.0085)


def test_extra_propellant_is_the_rocket_equation():
    m = LM.extra_propellant_kg(5000.0, 0.1, 315.0)
    assert m == pytest.approx(5000.0 * (1.0 - np.exp(-0.1 / (315.0 * G0_KMS2))), rel=1e-12)
    assert LM.extra_propellant_kg(5000.0, 0.0, 315.0) == 0.0
