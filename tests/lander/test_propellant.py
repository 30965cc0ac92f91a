"""The lander's mass budget: the rocket equation and its chaining over burns."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lupex.constants import G0_KMS2
from lupex.lander import propellant as B


@settings(max_examples=40, deadline=None)
@given(m0=st.floats(100.0, 1e5), dv=st.floats(0.0, 5.0), isp=st.floats(150.0, 480.0))
def test_rocket_equation_inverts(m0, dv, isp):
    mf = B.mass_after_burn(m0, dv, isp)
    assert isp * G0_KMS2 * np.log(m0 / mf) == pytest.approx(dv, abs=1e-12)


def test_budget_chain_multiplies():
    b = B.mass_budget(6000.0, [("a", 1.0), ("b", 0.5)], 300.0, 3000.0)
    direct = 6000.0 * np.exp(-1.5 / (300.0 * G0_KMS2))
    assert b.lines[-1].mass_after_kg == pytest.approx(direct, rel=1e-12)
    assert b.propellant_margin_kg == pytest.approx(3000.0 - (6000.0 - direct))
    with pytest.raises(ValueError, match="burn 'x'"):
        B.mass_budget(6000.0, [("x", -1.0)], 300.0, 3000.0)
