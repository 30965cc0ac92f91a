"""Orbital events against Kepler-problem closed forms (two-body lunar orbits)."""

import numpy as np
import pytest

from lupex.constants import R_MOON_KM
from lupex.orbits import events as ev
from lupex.orbits.cowell import ForceModel, propagate
from lupex.orbits.forces import GM_KM3S2

MU = GM_KM3S2["moon"]
JD0 = 2460000.5
TWO_BODY = ForceModel("moon", third_bodies=())


def test_laplace_soi_of_the_moon():
    # r = a (m/M)^(2/5) (Battin 1999 eq. 8.80): 66,200 km with a = 384,400 km; textbooks
    # quote ~66,100 km (Curtis 2014, Table A.2: 66,100 km).
    assert ev.MOON_SOI_KM == pytest.approx(66_100.0, rel=3e-3)
    with pytest.raises(ValueError):
        ev.laplace_soi_radius(384400.0, 1.0, 0.5)


def _ellipse_from_apoapsis():
    rp, ra = 1837.4, 3737.4
    a = (rp + ra) / 2
    va = np.sqrt(MU * (2 / ra - 1 / a))
    return np.array([-ra, 0, 0.0]), np.array([0, -va, 0.0]), rp, ra, a


def test_apsides_times_follow_kepler():
    r0, v0, rp, _, a = _ellipse_from_apoapsis()
    period = 2 * np.pi * np.sqrt(a**3 / MU)
    tr = propagate(r0, v0, JD0, 2.2 * period, TWO_BODY,
                   events=(ev.periapsis(), ev.apoapsis()))
    tp, ta = tr.event_t_s["periapsis"], tr.event_t_s["apoapsis"]
    # Starting at apoapsis: periapses at T/2, 3T/2; apoapses at T, 2T. Root-finding on the
    # dense output is good to ~1e-9 s here; 1e-6 s leaves margin.
    np.testing.assert_allclose(tp, [0.5 * period, 1.5 * period], atol=1e-6)
    np.testing.assert_allclose(ta, [period, 2 * period], atol=1e-6)
    np.testing.assert_allclose(np.linalg.norm(tr.event_states["periapsis"][:, :3], axis=-1), rp,
                               rtol=1e-10)


def test_altitude_crossing_time_from_keplers_equation():
    r0, v0, rp, ra, a = _ellipse_from_apoapsis()
    e = (ra - rp) / (ra + rp)
    level = 1737.4 + 1000.0
    down = ev.altitude(1000.0, direction=-1, name="down_1000")
    tr = propagate(r0, v0, JD0, 7000.0, TWO_BODY, events=(down,))
    # r = a (1 - e cos E); time from periapsis M/n = (E - e sin E)/n; the descent is the
    # crossing before periapsis, at T/2 - t(E) measured from apoapsis.
    big_e = np.arccos((1 - level / a) / e)
    t_from_peri = (big_e - e * np.sin(big_e)) / np.sqrt(MU / a**3)
    half = np.pi * np.sqrt(a**3 / MU)
    assert tr.event_t_s["down_1000"][0] == pytest.approx(half - t_from_peri, abs=1e-6)


def test_impact_is_terminal():
    # Drop from 100 km with a tiny tangential speed: hits the reference sphere and stops.
    r0 = np.array([R_MOON_KM + 100.0, 0.0, 0.0])
    v0 = np.array([0.0, 0.1, 0.0])
    tr = propagate(r0, v0, JD0, 3600.0, TWO_BODY, events=(ev.impact(),))
    assert tr.event_t_s["impact"].size == 1
    assert tr.t_s[-1] == pytest.approx(tr.event_t_s["impact"][0])
    assert np.linalg.norm(tr.r_km[-1]) == pytest.approx(R_MOON_KM, abs=1e-6)


def test_soi_exit_time_on_a_hyperbola():
    # Escape hyperbola from 100 km periapsis with v_inf = 0.8 km/s: time to r = r_SOI from
    # the hyperbolic Kepler equation M = e sinh F - F (Vallado 2013 eq. 2-36).
    rp, vinf = 1837.4, 0.8
    a = -MU / vinf**2
    e = 1 - rp / a
    vp = np.sqrt(vinf**2 + 2 * MU / rp)
    leave = ev.soi_crossing("moon", direction=+1, terminal=True)
    tr = propagate([rp, 0, 0], [0, vp, 0], JD0, 3 * 86400.0, TWO_BODY, events=(leave,))
    f = np.arccosh((1 - ev.MOON_SOI_KM / a) / e)
    t_exit = (e * np.sinh(f) - f) / np.sqrt(MU / -a**3)
    assert tr.event_t_s["soi_moon"][0] == pytest.approx(t_exit, rel=1e-9)


def test_soi_event_uses_the_ephemeris_when_central_is_earth():
    # Earth-centred: the event measures the distance to the Moon's DE421 position, so it is
    # -r_SOI at the Moon's centre and +5 km just outside the sphere.
    from lupex.orbits.forces import tabulate_ephemeris

    tab = tabulate_ephemeris("earth", JD0, 0.0, 3600.0)
    moon = tab.position("moon", 0.0)
    g = ev.soi_crossing("moon").func
    assert g(0.0, moon, np.zeros(3), tab) == pytest.approx(-ev.MOON_SOI_KM, abs=1e-6)
    assert g(0.0, moon + [ev.MOON_SOI_KM + 5.0, 0, 0], np.zeros(3), tab) == pytest.approx(5.0)


def test_bad_event_arguments():
    with pytest.raises(ValueError, match="direction"):
        ev.altitude(100.0, direction=2)
    with pytest.raises(ValueError, match="radius_km"):
        ev.soi_crossing(radius_km=-1.0)
    with pytest.raises(ValueError, match="alt_km"):
        ev.altitude(np.nan)


def test_body_periapsis_sign_follows_relative_radial_velocity():
    from lupex.orbits.forces import tabulate_ephemeris

    tab = tabulate_ephemeris("earth", JD0, 0.0, 3600.0, moon_rotation=False)
    g = ev.body_periapsis("moon").func
    moon, vmoon = tab.position("moon", 10.0), tab.velocity("moon", 10.0)
    off = np.array([5000.0, 0.0, 0.0])
    # Moving toward the Moon at 1 km/s relative: g = -1; away: +1; outside the SOI: -1.
    assert g(10.0, moon + off, vmoon - [1.0, 0, 0], tab) == pytest.approx(-1.0, abs=1e-9)
    assert g(10.0, moon + off, vmoon + [1.0, 0, 0], tab) == pytest.approx(1.0, abs=1e-9)
    assert g(10.0, moon + 10 * ev.MOON_SOI_KM * np.array([1.0, 0, 0]), vmoon, tab) == -1.0
    # The interpolant's derivative is DE421's velocity (Hermite data) to < 1 mm/s.
    from lupex.orbits.frames import moon_geocentric_state

    _, v_true = moon_geocentric_state(JD0 + 10.0 / 86400)
    assert np.linalg.norm(vmoon - v_true) < 1e-6
