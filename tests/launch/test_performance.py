"""Payload-versus-C3 curve, margins and infeasible payloads."""
import numpy as np
import pytest

from lupex.launch import LunarTransfer, margin_kg, payload_vs_c3, simulate_launch, with_payloads
from lupex.launch.performance import max_c3_km2s2
from lupex.launch.vehicle import load_vehicle


def test_curve_shape(curve_24l):
    p = curve_24l.payload_kg
    assert np.all(np.isfinite(p))
    assert np.all(np.diff(p) < 0)            # heavier payload, lower C3
    assert np.all(np.diff(curve_24l.grid_c3_km2s2) < 0)


def test_interpolated_payload_reaches_its_c3(curve_24l):
    """Re-fly the PCHIP payload at C3 = -2 to propellant depletion: it must reach -2.
    The grid is 2 t apart; 0.1 km^2/s^2 corresponds to ~15 kg of payload."""
    m = float(curve_24l.payload_at(-2.0))
    c3, _ = max_c3_km2s2(load_vehicle("h3-24l"), m, curve_24l.parking_alt_km,
                         curve_24l.azimuth_deg, curve_24l.kick_deg)
    assert c3 == pytest.approx(-2.0, abs=0.1)


def test_margin_flags(curve_24l):
    ok = margin_kg(curve_24l, -2.0, 6300.0)
    assert ok.feasible and ok.margin_kg == pytest.approx(ok.capability_kg - 6300.0)
    heavy = margin_kg(curve_24l, -2.0, 20_000.0)
    assert not heavy.feasible and heavy.margin_kg < 0
    assert "TOO HEAVY" in heavy.message


@pytest.mark.parametrize("c3, mass, match", [(-2.0, -1.0, "spacecraft_mass_kg"),
                                             (np.nan, 6000.0, "c3 must be finite")])
def test_margin_bad_input(curve_24l, c3, mass, match):
    with pytest.raises(ValueError, match=match):
        margin_kg(curve_24l, c3, mass)


def _curve(grid_payload_kg, grid_c3):
    from lupex.launch import PerformanceCurve

    g, c = np.asarray(grid_payload_kg, float), np.asarray(grid_c3, float)
    return PerformanceCurve("test", np.array([-2.0]), np.array([np.nan]), 200.0, 90.0, 1.0, g, c)


def test_a_c3_beyond_reach_is_a_result_not_an_error():
    # The lightest simulated payload (0 kg) reaches only C3 -6.2: the vehicle cannot reach
    # C3 -1.97 at all, so the margin is minus the whole spacecraft.
    m = margin_kg(_curve([0.0, 2000.0, 4000.0], [-6.2, -20.0, -40.0]), -1.97, 7200.0)
    assert not m.feasible and m.capability_kg == 0.0 and m.margin_kg == -7200.0
    assert "cannot reach C3 = -1.97" in m.message and "best C3 -6.20" in m.message
    # A lightest payload of 2 t reaching only -6.2: the capability is below 2 t, unknown.
    m = margin_kg(_curve([2000.0, 4000.0], [-6.2, -20.0]), -1.97, 7200.0)
    assert not m.feasible and np.isnan(m.capability_kg) and "less than 2000 kg" in m.message
    with pytest.raises(ValueError, match="simulate lighter payloads"):
        margin_kg(_curve([2000.0, 4000.0], [-6.2, -20.0]), -1.97, 1000.0)
    # Below the range: more than the heaviest payload, so a lighter spacecraft fits.
    m = margin_kg(_curve([2000.0, 4000.0], [10.0, 5.0]), -1.97, 3000.0)
    assert m.feasible and "more than 4000 kg" in m.message
    with pytest.raises(ValueError, match="simulate heavier payloads"):
        margin_kg(_curve([2000.0, 4000.0], [10.0, 5.0]), -1.97, 5000.0)


def test_lighter_payloads_extend_a_curve_with_its_own_kick(curve_24l):
    light = with_payloads(curve_24l, [1000.0])
    assert 1000.0 in light.grid_payload_kg and light.kick_deg == curve_24l.kick_deg
    c3_1t = light.grid_c3_km2s2[light.grid_payload_kg == 1000.0][0]
    assert c3_1t > curve_24l.grid_c3_km2s2.max()  # lighter flies higher
    # the original points are kept exactly
    keep = np.isin(light.grid_payload_kg, curve_24l.grid_payload_kg)
    np.testing.assert_array_equal(light.grid_c3_km2s2[keep], curve_24l.grid_c3_km2s2)


@pytest.mark.parametrize("c3", [[-20.0], [0.0, np.nan], [[1.0, 2.0]]])
def test_curve_bad_c3(c3):
    with pytest.raises(ValueError, match="c3_km2s2"):
        payload_vs_c3("h3-24l", c3)


def test_too_heavy_spacecraft_is_flagged(curve_24l):
    result = simulate_launch("h3-24l", LunarTransfer(-2.0), payload_kg=12_000.0,
                        kick_deg=curve_24l.kick_deg)
    assert not result.feasible and "too heavy" in result.message
    assert result.c3_km2s2 < -2.0                 # burnt to depletion short of the target
