"""Shared, expensive launch simulations, computed once per test session."""
import numpy as np
import pytest

from lupex.launch import CircularOrbit, LunarTransfer, payload_vs_c3, simulate_launch
from lupex.launch.performance import max_payload
from lupex.launch.targets import GTO

#: C3 points the lead's pipeline asks for [km^2/s^2]
C3_POINTS = np.array([-3.0, -2.0, -1.0, 0.0, 1.0, 2.0])


@pytest.fixture(scope="session")
def curve_24l():
    return payload_vs_c3("h3-24l", C3_POINTS)


@pytest.fixture(scope="session")
def gto_24l(curve_24l):
    # kick taken from the curve's optimisation (same vehicle, same azimuth)
    return max_payload("h3-24l", GTO(1.5, 250.0), azimuth_deg=90.0, kick_deg=curve_24l.kick_deg,
                       first_guess_kg=8000.0)


@pytest.fixture(scope="session")
def tf2_result():
    """H3 Test Flight 2 (H3-22S, 2024-02-17): VEP-4 (~2.6 t) plus two small
    satellites and adapters, ~2.7 t in all, to the ALOS-3 sun-synchronous
    orbit (669 km, 97.9 deg)."""
    return simulate_launch("h3-22s", CircularOrbit(669.0, 97.9), payload_kg=2700.0)


@pytest.fixture(scope="session")
def lto_result(curve_24l):
    from astropy.time import Time
    return simulate_launch("h3-24l", LunarTransfer(-2.0, arg_perigee_deg=200.0),
                           Time("2028-01-15T00:00:00", scale="utc"), payload_kg=6300.0,
                           kick_deg=curve_24l.kick_deg)


@pytest.fixture(scope="session")
def gto_result(curve_24l):
    return simulate_launch("h3-24l", GTO(1.5), payload_kg=6500.0, kick_deg=curve_24l.kick_deg)


@pytest.fixture(scope="session")
def f26_result():
    """H-IIA F26-like flight (720 kg to a 254 km circle, due east); pitch kick from the
    vehicle file's flown flight-path angle, so no optimisation (~2 s)."""
    return simulate_launch("h2a-202", CircularOrbit(254.0), azimuth_deg=90.0, payload_kg=720.0)
