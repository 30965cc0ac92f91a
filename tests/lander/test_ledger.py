"""The mass ledger: every kilogram assigned, burns chained with the mass they really had."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lupex.constants import G0_KMS2
from lupex.lander.ledger import mass_ledger
from lupex.lander.propellant import mass_after_burn


def chain(m0, dvs, isp=315.0):
    out, m = [], m0
    for i, dv in enumerate(dvs):
        m1 = float(mass_after_burn(m, dv, isp))
        out.append((f"b{i}", dv, m, m1))
        m = m1
    return out


def test_ledger_sums_to_the_launch_mass_and_reports_the_margin():
    burns = chain(5950.0, [0.03, 0.83, 0.016, 1.98])
    g = mass_ledger(6000.0, 1900.0, 350.0, 3700.0, burns, 315.0, 0.02, 0.05)
    assert g.total_kg == pytest.approx(6000.0, abs=1e-9)
    assert g.line("not_carried").mass_kg == pytest.approx(50.0)
    # reserve: propellant for 50 m/s at the landed mass (rocket equation)
    landed = burns[-1][3]
    assert g.line("reserve").mass_kg == pytest.approx(landed * (1 - np.exp(-0.05 / (315.0 * G0_KMS2))), rel=1e-12)
    assert g.line("residual").mass_kg == pytest.approx(74.0)
    used = 5950.0 - landed
    assert g.margin_kg == pytest.approx(3700.0 - used - 74.0 - g.line("reserve").mass_kg, abs=1e-9)
    assert g.landed_mass_kg == landed


def test_a_burn_with_the_wrong_mass_is_refused():
    burns = chain(5950.0, [0.03, 0.83])
    burns[1] = (burns[1][0], burns[1][1], burns[1][2] + 20.0, burns[1][3])  # flown with post-TCM + 20 kg
    with pytest.raises(ValueError, match="mass it really has"):
        mass_ledger(6000.0, 1900.0, 350.0, 3700.0, burns, 315.0, 0.02, 0.05)
    with pytest.raises(ValueError, match="residual_fraction"):
        mass_ledger(6000.0, 1900.0, 350.0, 3700.0, chain(5950.0, [0.1]), 315.0, 0.5, 0.05)


@given(dvs=st.lists(st.floats(0.0, 1.0), min_size=1, max_size=8), res=st.floats(0.0, 0.1),
       reserve=st.floats(0.0, 0.2), extra=st.floats(0.0, 500.0))
def test_every_kilogram_is_assigned(dvs, res, reserve, extra):
    # Property: whatever the burns and allowances, the lines add up to the launch mass.
    carried = 1900.0 + 350.0 + 3700.0
    g = mass_ledger(carried + extra, 1900.0, 350.0, 3700.0, chain(carried, dvs), 315.0, res, reserve)
    assert g.total_kg == pytest.approx(carried + extra, rel=1e-12, abs=1e-9)
    assert g.total_dv_kms == pytest.approx(sum(dvs), abs=1e-12)
