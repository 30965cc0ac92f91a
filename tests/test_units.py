"""Astropy quantities at the public boundary are converted, never stripped (40 min is
2,400 s, not 40 s), and a quantity in the wrong unit is refused with the parameter's name."""

import astropy.units as u
import numpy as np
import pytest

from lupex.constants import GM_EARTH_KM3S2
from lupex.orbits import lambert, propagate, rv2coe
from lupex.units import UnitError, as_value, unit_of

R = np.array([7000.0, 0.0, 0.0])
V = np.array([0.0, 7.5, 0.0])


def test_propagate_converts_every_quantity():
    plain = propagate(GM_EARTH_KM3S2, R, V, 2400.0)
    q = propagate(GM_EARTH_KM3S2 * u.km**3 / u.s**2, (R * 1000) * u.m, V * u.km / u.s,
                  40 * u.min)
    np.testing.assert_array_equal(q[0], plain[0])
    np.testing.assert_array_equal(q[1], plain[1])
    forty_s = propagate(GM_EARTH_KM3S2, R, V, 40.0)[0]
    assert np.linalg.norm(q[0] - forty_s) > 1000.0  # the old bug: 40 min taken as 40 s


def test_a_quantity_in_the_wrong_unit_is_refused_by_name():
    with pytest.raises(UnitError, match=r"tof_s: expected a quantity in s .* got a quantity in kg"):
        propagate(GM_EARTH_KM3S2, R, V, 40 * u.kg)
    with pytest.raises(UnitError, match="r_km"):
        rv2coe(GM_EARTH_KM3S2, R * u.s, V)


def test_lambert_takes_quantities():
    r2 = np.array([0.0, 9000.0, 1000.0])
    a = lambert(GM_EARTH_KM3S2, R, r2, 3600.0)
    b = lambert(GM_EARTH_KM3S2, R * u.km, r2 * u.km, 1 * u.h)
    np.testing.assert_array_equal(a.v1_kms, b.v1_kms)


def test_units_from_names():
    assert unit_of("tof_s") == "s" and unit_of("v0_kms") == "km / s" and unit_of("ecc") is None
    assert as_value("x_km", 2 * u.m) == pytest.approx(0.002)
    with pytest.raises(UnitError, match="dimensionless"):
        as_value("ecc", 2 * u.m)
    assert as_value("ecc", 0.5 * u.one) == 0.5
