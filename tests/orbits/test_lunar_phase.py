"""The lunar-orbit phase (lupex.orbits.lunar_phase): its bookkeeping, its PDI targeting checked
with an independent two-body ground track, and Chandrayaan-3's and SLIM's published orbit
sequences."""

import itertools

import numpy as np
import pytest

from lupex import ephemeris as eph
from lupex.constants import G0_MS2, R_MOON_KM
from lupex.orbits.frames import convert_state
from lupex.orbits.grgm660prim import GRGM660PRIM_GM_KM3S2
from lupex.orbits.kepler import propagate_grid
from lupex.orbits.lunar_phase import fly_lunar_orbit_phase

MU = GRGM660PRIM_GM_KM3S2
EPOCH = 2462031.5068          # the baseline transfer's arrival periselene (Sep 2028)
# Connecting Ridge, centre of the shared 10 m Site01 DEM (NASA PGDA 78, Barker et al. 2021).
SITE = (-89.53432, 209.94767)
LANDER = {"mass_kg": 6000.0, "thrust_n": 3000.0, "isp_s": 315.0}
PDI = {"pdi_alt_km": 30.0, "pdi_uprange_deg": 13.7}


def _arrival(alt_km, v_inf_kms, jd=EPOCH):
    """Polar periselene state over the Moon's equator (Moon-centred ICRF), speed from the
    hyperbolic excess: v_p^2 = v_inf^2 + 2 mu / r_p."""
    m = eph.icrf_to_moon_me(jd)
    r = R_MOON_KM + alt_km
    return r * m[0], np.sqrt(v_inf_kms**2 + 2 * MU / r) * m[2]


def _impulsive(ra_km, rp_km, ra_new_km):
    """Two-body speed change at periapsis rp that moves the apoapsis from ra to ra_new [km/s]."""
    def vp(ra):
        return np.sqrt(MU * (2 / rp_km - 2 / (rp_km + ra)))
    return vp(ra_km) - vp(ra_new_km)


@pytest.fixture(scope="module")
def phase():
    r, v = _arrival(100.0, 0.85)
    return fly_lunar_orbit_phase(EPOCH, r, v, site_lat_deg=SITE[0], site_lon_deg=SITE[1],
                                 **LANDER, **PDI)


def test_mass_ledger_is_the_rocket_equation(phase):
    burns = phase.burns
    assert burns[0].mass_before_kg == LANDER["mass_kg"]
    for a, b in itertools.pairwise(burns):
        assert b.mass_before_kg == pytest.approx(a.mass_after_kg, abs=1e-9)   # coasts: no flow
    ve = LANDER["isp_s"] * G0_MS2 * 1e-3
    mdot = LANDER["thrust_n"] / (LANDER["isp_s"] * G0_MS2)
    for b in burns:
        # m1 = m0 - mdot tb and dv = ve ln(m0/m1); the integrator holds m to 1e-10 of m0.
        assert b.mass_after_kg == pytest.approx(b.mass_before_kg - mdot * b.duration_s,
                                                abs=1e-6)
        assert b.dv_kms == pytest.approx(ve * np.log(b.mass_before_kg / b.mass_after_kg),
                                         rel=1e-12)
    assert phase.propellant_kg == pytest.approx(
        sum(b.mass_before_kg - b.mass_after_kg for b in burns), abs=1e-6)
    assert phase.pdi_mass_kg == pytest.approx(burns[-1].mass_after_kg, abs=1e-6)
    assert phase.total_dv_kms == pytest.approx(sum(b.dv_kms for b in burns), rel=1e-12)


def test_sequence_reaches_the_chandrayaan3_orbit_sizes(phase):
    by = {b.name: b for b in phase.burns}
    # Aposelenes targeted to 1e-4 of the orbit radius (the duration iteration's tolerance).
    for name, apo in (("loi", 18074.0), ("lowering 1", 4313.0), ("lowering 2", 1437.0)):
        assert by[name].aposelene_alt_km == pytest.approx(apo, abs=1e-4 * (R_MOON_KM + apo))
    # Circular orbit: both apsides within 5 km of 100 km (the field makes a low orbit's
    # osculating apsides breathe by a few km within a revolution).
    last = by.get("circularisation 2", by["circularisation"])
    assert abs(last.periselene_alt_km - 100.0) < 5.0
    assert abs(last.aposelene_alt_km - 100.0) < 5.0
    assert by["doi"].periselene_alt_km == pytest.approx(30.0, abs=3.0)


def test_finite_burns_stay_near_their_impulses(phase):
    # Finite-burn loss of each apsis burn: under 1% for these 0.5 m/s^2 burns of at most
    # n tb ~ 0.4 rad (Robbins 1966: the loss grows as (n tb)^2 / 24 ~ 0.7%). (The trim's and
    # DOI's references assume a circular orbit, so they are not compared.)
    for b in phase.burns:
        if b.name not in ("plane trim", "doi") and b.dv_impulsive_kms > 0.01:
            assert 0.0 <= b.dv_kms - b.dv_impulsive_kms < 0.01 * b.dv_impulsive_kms


def test_pdi_is_uprange_of_the_site_on_an_independent_ground_track(phase):
    assert phase.pdi_alt_km == pytest.approx(PDI["pdi_alt_km"], abs=0.05)
    assert phase.site_along_track_deg == pytest.approx(PDI["pdi_uprange_deg"], abs=0.01)
    assert abs(phase.site_cross_track_km) < 0.05
    # Independent check: the two-body coast from PDI, drawn in MOON_ME by lupex.orbits.frames
    # (not the phase's own PA-axes site vector), passes the site at the estimated touchdown.
    t = np.linspace(0.0, 1800.0, 3601)
    r, v = propagate_grid(MU, phase.pdi_r_icrf_km[None], phase.pdi_v_icrf_kms[None], t)
    r_me, _ = convert_state(r[0], v[0], phase.pdi_jd_tdb + t / 86400.0, "moon_icrf", "moon_me")
    lat, lon = np.radians(SITE)
    s = np.array([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])
    u = r_me / np.linalg.norm(r_me, axis=1)[:, None]
    k = np.argmax(u @ s)
    miss_km = np.arccos(min(u[k] @ s, 1.0)) * R_MOON_KM
    along_deg = np.degrees(np.arccos(u[0] @ u[k]))
    # The phase aims the plane at the site 600 s after PDI; along the coast the ground track
    # passes the site within 0.5 km (two-body vs the degree-8 field over 10 min: the
    # non-central terms, ~1e-4 of g, displace the track by ~0.1 km) and 13.7 deg from PDI
    # to 0.05 deg (1.5 km: the coast's speed differs from the descent's, not the geometry).
    assert miss_km < 0.5
    assert along_deg == pytest.approx(PDI["pdi_uprange_deg"], abs=0.05)


def test_timeline_and_track(phase):
    names = [n for n, _ in phase.events]
    assert names[0] == "loi" and names[-1] == "pdi" and "doi" in names
    jd = [j for _, j in phase.events]
    assert np.all(np.diff(jd) > 0)
    assert phase.wait_s >= 0
    assert np.all(np.diff(phase.track_jd_tdb) > 0)
    assert phase.track_jd_tdb[-1] == pytest.approx(phase.pdi_jd_tdb, abs=1e-9)
    assert np.all(np.isfinite(phase.track_lat_deg)) and np.all(np.isfinite(phase.history_alt_km))
    # The last revolutions pass over the south pole (polar orbit) ...
    assert phase.track_lat_deg.min() < -89.0
    # ... and the lander never touches the ground before PDI.
    assert phase.history_alt_km.min() > PDI["pdi_alt_km"] - 1.0


def test_chandrayaan3_lowering_burns_match_the_published_orbits():
    """Chandrayaan-3 (ISRO, Aug 2023): 164 x 18074 km after LOI, 170 x 4313 km on 6 Aug,
    174 x 1437 km on 9 Aug (module docstring of lupex.orbits.lunar_phase). Flown from a
    164 km arrival periselene, the chandrayaan3 sequence's two lowering burns cost what the
    published orbit sizes need: the impulsive dv between the published orbits at their
    mean periselene, 188.4 and 185.0 m/s. Measured 189.3 and 185.3 m/s (+0.5%, +0.15%).
    Tolerance 2%: the finite-burn loss (< 0.3%) and the periselene's drift, 164 -> 170 ->
    174 km for Chandrayaan-3 but 162 -> 197 km here (the Earth's pull on the 18074 km orbit
    depends on its orientation, which the published sequence does not give; 30 km of
    periselene moves these dv by ~0.5%); aposelenes are published to 1 km."""
    r, v = _arrival(164.0, 0.8)
    ph = fly_lunar_orbit_phase(EPOCH, r, v, site_lat_deg=SITE[0], site_lon_deg=SITE[1],
                               circular_alt_km=150.0, **LANDER, **PDI)
    by = {b.name: b for b in ph.burns}
    ref1 = _impulsive(R_MOON_KM + 18074, R_MOON_KM + 167, R_MOON_KM + 4313)
    ref2 = _impulsive(R_MOON_KM + 4313, R_MOON_KM + 172, R_MOON_KM + 1437)
    assert by["lowering 1"].dv_kms == pytest.approx(ref1, rel=0.02)
    assert by["lowering 2"].dv_kms == pytest.approx(ref2, rel=0.02)
    assert by["lowering 1"].aposelene_alt_km == pytest.approx(4313.0, abs=1.0)
    assert by["lowering 2"].aposelene_alt_km == pytest.approx(1437.0, abs=1.0)


def test_slim_capture_orbit_has_the_published_period():
    """SLIM (JAXA, 25 Dec 2023): LOI into 600 x 4000 km with a period of about 6.4 h. Flown
    from a 600 km periselene through the GRAIL field, the slim sequence's capture orbit must
    return to periselene 6.4 h later (the two-body period of 600 x 4000 km is 6.39 h; the
    published 6.4 h is rounded to 0.1 h, and the field and the Earth change one revolution's
    length by < 0.5%: tolerance 0.06 h)."""
    r, v = _arrival(600.0, 0.3)
    ph = fly_lunar_orbit_phase(EPOCH, r, v, site_lat_deg=SITE[0], site_lon_deg=SITE[1],
                               sequence="slim", mass_kg=700.0, thrust_n=1000.0, isp_s=300.0,
                               pdi_alt_km=15.0, pdi_uprange_deg=13.7, max_wait_days=0.0)
    by = {b.name: b for b in ph.burns}
    assert by["loi"].aposelene_alt_km == pytest.approx(4000.0, abs=1.0)
    mid = {k: 0.5 * (b.start_jd_tdb + b.end_jd_tdb) for k, b in by.items()}
    period_h = (mid["circularisation"] - mid["loi"]) * 24.0
    assert period_h == pytest.approx(6.4, abs=0.06)
    assert by["doi 1"].periselene_alt_km == pytest.approx(150.0, abs=3.0)
    assert ph.pdi_alt_km == pytest.approx(15.0, abs=0.05)


@pytest.mark.parametrize("kw, match", [
    ({"sequence": "apollo"}, "sequence"),
    ({"pdi_alt_km": 120.0}, "pdi_alt_km"),
    ({"mass_kg": -1.0}, "mass_kg"),
    ({"site_lat_deg": -95.0}, "site_lat_deg"),
    ({"degree": 40}, "degree"),
    ({"pdi_uprange_deg": 0.0}, "pdi_uprange_deg"),
])
def test_bad_input_is_named(kw, match):
    r, v = _arrival(100.0, 0.85)
    args = {"site_lat_deg": SITE[0], "site_lon_deg": SITE[1], **LANDER, **PDI, **kw}
    with pytest.raises(ValueError, match=match):
        fly_lunar_orbit_phase(EPOCH, r, v, **args)


def test_state_not_at_periselene_is_rejected():
    r, v = _arrival(100.0, 0.85)
    with pytest.raises(ValueError, match="periselene"):
        fly_lunar_orbit_phase(EPOCH, r, v + 0.1 * r / np.linalg.norm(r),
                              site_lat_deg=SITE[0], site_lon_deg=SITE[1], **LANDER, **PDI)


@pytest.mark.slow
def test_degree_8_default_agrees_with_degree_20(phase, shared_data):
    """The shipped degree-8 field against GRGM660PRIM to degree 20 (the shared ICGEM file,
    Lemoine et al. 2013): the phase re-targets PDI in either field, so what the field changes
    is the cost and timing. Measured on the baseline's arrival, degree 8 -> 20 -> 60: total dv
    857.8 / 858.5 / 858.2 m/s, PDI epoch within 4 s, PDI within 0.01 deg; on this synthetic
    arrival the PDI comes 30 s later at degree 20 (the orbit's phase drifts differently over
    the 1.8 days from LOI; DOI timing absorbs it). Tolerances: 3 m/s (0.35%, the trim and
    DOI that absorb the field's differences are ~20 m/s) and 60 s (1/120 of the 2 h
    revolution)."""
    from lupex.orbits.gravity_files import read_field

    path = shared_data / "gravity" / "GRGM660PRIM_to150.gfc"
    if not path.exists():
        pytest.skip(f"{path} absent (see shared/data/README.md)")
    r, v = _arrival(100.0, 0.85)
    ph = fly_lunar_orbit_phase(EPOCH, r, v, site_lat_deg=SITE[0], site_lon_deg=SITE[1],
                               degree=20, gravity_field=read_field(path, degree=20),
                               **LANDER, **PDI)
    assert ph.degree == 20 and phase.degree == 8
    assert ph.total_dv_kms == pytest.approx(phase.total_dv_kms, abs=0.003)
    assert abs(ph.pdi_jd_tdb - phase.pdi_jd_tdb) * 86400.0 < 60.0
    assert ph.pdi_alt_km == pytest.approx(PDI["pdi_alt_km"], abs=0.05)


@pytest.mark.slow
def test_a_site_off_the_pole_is_reached_after_a_phasing_wait():
    """At 70 deg S the plane must wait for the Moon to turn the site under it (13.2 deg/day
    of longitude, 137 km/day of cross-track at this latitude): the wait ends at the pass, so
    the trim stays a few m/s (a 10-min prediction grid and the ~1 rev timing error between
    pass and landing leave < 20 km, i.e. < 20 m/s), and PDI is on target."""
    r, v = _arrival(100.0, 0.85)
    ph = fly_lunar_orbit_phase(EPOCH, r, v, site_lat_deg=-70.0, site_lon_deg=30.0,
                               **LANDER, **PDI)
    assert ph.wait_s > 86400.0
    assert ph.plane_trim_dv_kms < 0.020
    assert abs(ph.site_cross_track_km) < 0.05
    assert ph.site_along_track_deg == pytest.approx(PDI["pdi_uprange_deg"], abs=0.01)
    # PDI's ground point is 13.7 deg from the site on the sphere (the Moon turns 0.1 deg
    # during the 600 s descent estimate; 0.15 deg allows it).
    lat = np.radians([ph.pdi_lat_deg, -70.0])
    dlon = np.radians(ph.pdi_lon_deg - 30.0)
    sep = np.degrees(np.arccos(np.sin(lat[0]) * np.sin(lat[1])
                               + np.cos(lat[0]) * np.cos(lat[1]) * np.cos(dlon)))
    assert sep == pytest.approx(PDI["pdi_uprange_deg"], abs=0.15)


@pytest.mark.slow
def test_earliest_pdi_is_respected():
    """``earliest_pdi_jd_tdb`` (the landing day, chosen elsewhere for light): PDI comes after
    it, within a day (the search starts 1.25 revolutions before it; near the pole no waiting
    helps, so the first opportunity is taken)."""
    r, v = _arrival(100.0, 0.85)
    day = EPOCH + 5.0
    ph = fly_lunar_orbit_phase(EPOCH, r, v, site_lat_deg=SITE[0], site_lon_deg=SITE[1],
                               earliest_pdi_jd_tdb=day, **LANDER, **PDI)
    assert day <= ph.pdi_jd_tdb < day + 1.0
    assert abs(ph.site_cross_track_km) < 0.05
