"""Patched-conic estimates of the lunar approach."""

import numpy as np
import pytest

from lupex.orbits.patched_conic import lunar_arrival_vinf


def test_lunar_arrival_speed_of_a_hohmann_transfer():
    # Patched conic from a 200 km parking orbit: apogee speed 0.186 km/s against the Moon's
    # 1.018 km/s (vis-viva), so v_inf ~0.83 km/s (Curtis sec. 8.5 style estimate).
    v_inf = lunar_arrival_vinf(6378.137 + 200.0)
    mu = 398600.4354360959
    a = 0.5 * (6578.137 + 384400.0)
    assert v_inf == pytest.approx(np.sqrt(mu / 384400.0) - np.sqrt(mu * (2 / 384400.0 - 1 / a)))
    assert 0.80 < v_inf < 0.85
