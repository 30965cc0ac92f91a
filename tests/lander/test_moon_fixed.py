"""MOON_ME states and the Moon's spin against closed forms."""

import numpy as np
import pytest

from lupex import ephemeris as eph
from lupex.lander.moon_fixed import icrf_to_me_state, moon_spin_me_rads

JD = 2462043.37


def test_spin_is_one_turn_per_sidereal_month_about_the_pole():
    w = moon_spin_me_rads(JD)
    # sidereal month 27.3217 d; physical libration changes the rate by < 1e-3 over a month
    assert 2 * np.pi / np.linalg.norm(w) / 86400.0 == pytest.approx(27.3217, rel=2e-3)
    assert abs(w[2]) / np.linalg.norm(w) > 0.9999


def test_a_point_fixed_on_the_moon_has_no_me_velocity():
    # a point fixed in MOON_ME moves in ICRF at omega x r; its ME velocity must vanish
    r_me = np.array([100.0, -1700.0, -300.0])
    m = eph.icrf_to_moon_me(JD)
    w_icrf = m.T @ moon_spin_me_rads(JD)
    r_i = m.T @ r_me
    r2, v2 = icrf_to_me_state(JD, r_i, np.cross(w_icrf, r_i))
    assert np.allclose(r2[0], r_me, atol=1e-9)
    # omega x r ~ 4.6 m/s; residual from libration rates' variation: < 1 mm/s
    assert np.linalg.norm(v2[0]) < 1e-6
