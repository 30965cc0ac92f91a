"""The temporary lunar-orbit stand-in: the PDI state it hands the descent lies on the
descent orbit's periselene, uprange of the site, in a plane that holds the site."""

import numpy as np
import pytest

from lupex import ephemeris as eph
from lupex.constants import GM_MOON_KM3S2, R_MOON_KM
from lupex.geometry import enu_basis
from lupex.lander.orbit_standin import fly_lunar_orbit_phase_standin

JD = 2462031.5
LAT, LON = -88.70486, 291.66596


@pytest.fixture(scope="module")
def phase():
    # a polar arrival at 100 km over the Moon's ME pole at JD
    m = eph.icrf_to_moon_me(JD)
    r_me = np.array([R_MOON_KM + 100.0, 0.0, 0.0])
    v_me = np.array([0.0, 0.0, -2.3])
    return fly_lunar_orbit_phase_standin(JD, m.T @ r_me, m.T @ v_me, 5890.0, 13000.0, 315.0, LAT, LON, 30.0,
                                         14.5, JD + 5.0)


def test_pdi_is_uprange_of_the_site_in_the_plane(phase):
    p = phase.pdi
    _, _, up = enu_basis(np.radians(LAT), np.radians(LON))
    u = p.r_me_km / np.linalg.norm(p.r_me_km)
    ang = np.degrees(np.arctan2(np.linalg.norm(np.cross(u, up)), u @ up))
    assert ang == pytest.approx(14.5, abs=0.01)  # Moon turns 0.0 deg between PDI and the pass
    assert p.alt_km == pytest.approx(30.0, abs=1e-9)
    # the inertial orbit plane holds the site (to 1e-6 rad: 2 m at the Moon's radius)
    h = np.cross(p.r_icrf_km, p.v_icrf_kms)
    assert abs(h @ (eph.icrf_to_moon_me(p.epoch_jd_tdb).T @ up)) / np.linalg.norm(h) < 1e-6
    # periselene speed of the 30 x 100 km orbit (vis-viva), less the ground's ~0 m/s at 77 S
    rp, ra = R_MOON_KM + 30.0, R_MOON_KM + 100.0
    vp = np.sqrt(GM_MOON_KM3S2 * (2 / rp - 2 / (rp + ra)))
    assert np.linalg.norm(p.v_me_kms) == pytest.approx(vp, abs=2e-3)


def test_burns_chain_and_events_are_ordered(phase):
    b = phase.burns
    assert b[0].mass_before_kg == 5890.0 and b[1].mass_before_kg == b[0].mass_after_kg
    jds = [jd for _, jd in phase.events]
    assert jds == sorted(jds) and phase.phasing_wait_s > 0.0
    assert jds[-1] - JD >= 1.0  # at least the minimum wait
