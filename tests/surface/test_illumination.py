"""Illumination: disk fraction, exact site series, the threshold-table map path, run lengths."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lupex import ephemeris
from lupex.geometry import angular_radius
from lupex.surface.disk import disk_fraction
from lupex.surface.illumination_map import illumination_map
from lupex.surface.lit_periods import run_statistics
from lupex.surface.site_series import site_series, visible_fraction
from lupex.surface.thresholds import lon_bin, threshold_tables
from lupex.surface.tracks import BODY_RADIUS_KM, body_track, sample_weights_h
from tests.surface._illum_helpers import fixed_sun_track, pit

JD0 = 2461041.5  # 2026-01-01 TDB


# ------------------------------------------------------------------ disk fraction
def test_disk_fraction_matches_monte_carlo():
    # Uniform points in the unit disk; the fraction above a chord at height -x.
    rng = np.random.default_rng(42)
    n = 400_000
    r = np.sqrt(rng.random(n))
    t = rng.random(n) * 2 * np.pi
    y = r * np.sin(t)
    for x in (-0.95, -0.6, -0.2, 0.0, 0.3, 0.77, 0.99):
        mc = np.mean(y + x > 0)
        # binomial sigma <= 0.5/sqrt(4e5) = 7.9e-4: 0.004 is 5 sigma
        assert disk_fraction(x) == pytest.approx(mc, abs=0.004)


def test_disk_fraction_limits_and_symmetry():
    assert disk_fraction(1.0) == 1.0 and disk_fraction(5.0) == 1.0
    assert disk_fraction(-1.0) == 0.0 and disk_fraction(-3.0) == 0.0
    assert disk_fraction(0.0) == pytest.approx(0.5, abs=1e-15)


@settings(max_examples=100, deadline=None)
@given(st.floats(-1.5, 1.5), st.floats(0.0, 0.5))
def test_disk_fraction_symmetric_and_monotone(x, dx):
    assert disk_fraction(x) + disk_fraction(-x) == pytest.approx(1.0, abs=1e-12)
    assert disk_fraction(x + dx) >= disk_fraction(x) - 1e-15


def test_sun_angular_radius_is_0p267_deg():
    tr = body_track("sun", JD0 + np.arange(0, 365, 5.0))
    deg = np.degrees(tr.radius_rad)
    # asin(695700 km / 1 AU) = 0.26646 deg; the Earth's orbital eccentricity (0.0167) and
    # the Moon's 384,400 km offset from the Earth (0.26 % of 1 AU) give +-1.93 %.
    assert deg.min() > 0.2664 * (1 - 0.0195) and deg.max() < 0.2665 * (1 + 0.0195)
    assert deg.max() - deg.min() > 0.2664 * 0.03  # the annual swing is really there
    assert np.mean(deg) == pytest.approx(0.2666, abs=0.001)


# ---------------------------------------------- flat horizon against the ephemeris
@pytest.mark.parametrize("body", ["sun", "earth"])
def test_flat_horizon_matches_independent_sky_track(body):
    # Bare sphere, observer on the surface: the mask is 0 everywhere (tangent plane).
    lat, lon = np.radians(-89.45), np.radians(222.7)
    jd = JD0 + np.arange(0, 60 * 4) / 4.0
    tr = body_track(body, jd)
    ser = site_series([lat], [lon], np.zeros((1, 360), np.float32), tr)
    # Independent reference: one ephemeris call per time step with the site as observer
    # (light time and aberration from the site), then ephemeris.azimuth_elevation.
    site = ephemeris.site_vector_me(lat, lon)
    az, el, dist = np.empty(jd.size), np.empty(jd.size), np.empty(jd.size)
    for i, t in enumerate(jd):
        v = ephemeris.body_position_me(body, t, site_me_km=site)
        a, e = ephemeris.azimuth_elevation(v[None, :], lat, lon)
        az[i], el[i], dist[i] = a[0], e[0], np.linalg.norm(v)
    ref = disk_fraction(el / angular_radius(BODY_RADIUS_KM[body], dist))
    # Sun: lupex uses the direction from the Moon's centre (parallax 1.2e-5 rad), times
    # df/de <= (2/pi)/rho = 137 /rad -> <= 1.6e-3.  Earth: lupex takes the geocentric-frame
    # vector minus the site, so light time and aberration are those of the Moon's centre;
    # measured 0.15 arcsec (7e-7 rad) apart; 1e-4 in fraction is 0.5 arcsec at df/de = 38 /rad.
    tol = 2.5e-3 if body == "sun" else 1e-4
    assert np.max(np.abs(ser.fraction[0] - ref)) < tol
    assert ser.mean_fraction[0] == pytest.approx(np.mean(ref), abs=tol / 10)
    assert np.max(np.abs(np.angle(np.exp(1j * (ser.az_local_rad[0] - az))))) < 1e-4


# ------------------------------------------------------- closed-form pit shadow
def lens_area(a, d):
    """Area common to two circles of radius a whose centres are d apart."""
    if d >= 2 * a:
        return 0.0
    return 2 * a * a * np.arccos(d / (2 * a)) - 0.5 * d * np.sqrt(4 * a * a - d * d)


@pytest.mark.parametrize("elev_deg", [4.0, 8.0, 15.0])
def test_pit_floor_shadow_matches_closed_form(elev_deg):
    # Pit at the pole, radius a, depth D; Sun at elevation e and azimuth ~fixed: the lit floor
    # is the rim disk shifted by L = D/tan(e) toward the Sun intersected with the floor disk.
    a, depth = 0.4, 0.05
    dem, hor, floor = pit(n=100, pixel_km=0.01, radius_km=a, depth_km=depth)
    lat, lon = dem.latlon()
    tr = fixed_sun_track(np.radians(-elev_deg), np.radians(30.0))
    frac = visible_fraction(lat[floor], lon[floor], hor[floor], tr)[:, 0]
    shadow = 1 - frac.mean()
    expected = 1 - lens_area(a, depth / np.tan(np.radians(elev_deg))) / (np.pi * a * a)
    # Pixel sampling of a 40-pixel-radius disk (~1 %) and the local-vertical tilt across
    # the pit (0.013 deg, changing L by < 0.3 % at 4 deg) bound the difference.
    assert shadow == pytest.approx(expected, abs=0.015)
    m = illumination_map(lat[floor], lon[floor], hor[floor], tr, workers=1)
    assert 1 - m.mean_fraction.mean() == pytest.approx(expected, abs=0.015)


# ------------------------------------------- map engine against the exact path
@pytest.fixture(scope="module")
def random_sites():
    rng = np.random.default_rng(1)
    n = 300
    lat = np.radians(-89.6 + rng.random(n) * 0.9)
    lon = rng.random(n) * 2 * np.pi
    az = np.arange(360) * 2 * np.pi / 360
    hor = np.radians(1.0) * (1 + np.sin(3 * az[None, :] + 6 * rng.random((n, 1)))) * rng.random((n, 1))
    return lat, lon, hor.astype(np.float32)


@pytest.mark.parametrize("body", ["sun", "earth"])
def test_map_engine_matches_exact_path(random_sites, body):
    lat, lon, hor = random_sites
    jd = JD0 + np.arange(0, 120 * 24) / 24.0
    tr = body_track(body, jd)
    ex = site_series(lat, lon, hor, tr)
    m = illumination_map(lat, lon, hor, tr, chunk_pixels=128)
    # Mean: azimuth quantised to 0.25 deg against masks of slope <= 3 deg/deg, a 0.005 deg
    # latitude histogram and e linear in delta across the disk: measured 3e-4.
    assert np.max(np.abs(m.mean_fraction - ex.mean_fraction)) < 2e-3
    # Lit/dark state per sample: disagreements only where the disk's top edge is within
    # 0.03 deg of the horizon (same error sources), and rare.
    rho = np.average(tr.radius_rad, weights=tr.weight_h)
    par = tr.parallax_rad.mean()
    tab = threshold_tables(lat, lon, hor, 720, centre_offset_rad=par, top_offset_rad=rho - par)
    shifted = tr.lat_rad - (tr.radius_rad - tr.parallax_rad) + (rho - par)
    lit = (shifted[:, None] < tab["beta_top"][lon_bin(tr.lon_rad, 720)]).T
    bad = lit != (ex.fraction > 0)
    assert bad.mean() < 2e-3
    margin = (ex.el_rad - ex.horizon_rad + tr.radius_rad)[bad]
    assert np.all(np.abs(margin) < np.radians(0.03))
    # The engine's blocked run-length logic reproduces run_statistics on its own lit series...
    ref = run_statistics(lit, jd)
    np.testing.assert_allclose(m.longest_dark_h, ref.longest_dark_h, atol=1e-6)
    np.testing.assert_allclose(m.longest_lit_h, ref.longest_lit_h, atol=1e-6)
    np.testing.assert_array_equal(m.n_lit_periods, ref.n_lit_periods)
    # ...and the exact path for most pixels (a grazing sample can split a run in one of them).
    close = np.abs(m.longest_dark_h - ex.stats.longest_dark_h) <= 2.0
    assert close.mean() > 0.9


# ---------------------------------------------------------------- run lengths
def _runs_reference(lit, w):
    """Plain-Python run-length scan, one pixel at a time."""
    out = []
    for row in lit:
        runs, cur, dur = [], row[0], 0.0
        for state, dt in zip(row, w):
            if state == cur:
                dur += dt
            else:
                runs.append((cur, dur))
                cur, dur = state, dt
        runs.append((cur, dur))
        dark = [d for s, d in runs if not s]
        litr = [d for s, d in runs if s]
        out.append((max(dark, default=0.0), max(litr, default=0.0), len(litr),
                    float(np.mean(litr)) if litr else 0.0))
    return np.array(out)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 6), st.integers(1, 60), st.floats(0.05, 0.95), st.integers(0, 2**31 - 1))
def test_run_statistics_match_python_loop(n, nt, p, seed):
    rng = np.random.default_rng(seed)
    # Runs of random length: a Markov chain with switching probability p
    flips = rng.random((n, nt)) < p
    lit = (np.cumsum(flips, axis=1) + rng.integers(0, 2, (n, 1))) % 2 == 1
    jd = JD0 + np.cumsum(rng.random(nt) + 0.1) / 24.0
    st_ = run_statistics(lit, jd)
    ref = _runs_reference(lit, sample_weights_h(jd))
    np.testing.assert_allclose(st_.longest_dark_h, ref[:, 0], atol=1e-9)
    np.testing.assert_allclose(st_.longest_lit_h, ref[:, 1], atol=1e-9)
    np.testing.assert_array_equal(st_.n_lit_periods, ref[:, 2])
    np.testing.assert_allclose(st_.mean_lit_h, ref[:, 3], atol=1e-9)


# ------------------------------------------------------------------ bad input
def test_bad_inputs_raise_clear_errors():
    tr = body_track("sun", JD0 + np.arange(3) / 24)
    with pytest.raises(ValueError, match="horizon_rad"):
        site_series([-1.5], [0.0], np.zeros(360), tr)
    with pytest.raises(ValueError, match="horizon_rad"):
        site_series([-1.5], [0.0], np.full((1, 360), 4.0), tr)
    with pytest.raises(ValueError, match="lat_rad"):
        illumination_map(np.array([-0.5]), np.array([0.0]), np.zeros((1, 360)), tr)
    with pytest.raises(ValueError, match="jd_tdb"):
        body_track("sun", [JD0, JD0 - 1])
    with pytest.raises(ValueError, match="body"):
        body_track("mars", [JD0])
    with pytest.raises(ValueError, match="jd_tdb"):
        body_track("sun", [1e6])
    with pytest.raises(ValueError, match="n_lon_bins"):
        illumination_map(np.array([-1.5]), np.array([0.0]), np.zeros((1, 360)), tr, n_lon_bins=3)


def test_near_pole_tables_match_general_closed_form(random_sites):
    # Pixels within 0.5 deg of the pole take the transcendental-free path; adding one pixel
    # at 85 S forces the exact general path for all.  Stated bound: |Delta| < 2e-5 rad of
    # azimuth (times mask slopes <= 0.06 rad/rad here) plus < 1e-5 rad from q: 3e-5 rad.
    _, _, hor = random_sites
    rng = np.random.default_rng(5)
    n = hor.shape[0]
    lat = np.radians(-90 + 0.5 * rng.random(n))
    lon = rng.random(n) * 2 * np.pi
    kw = {"centre_offset_rad": 0.001, "top_offset_rad": 0.0046, "low_margin_rad": 0.005, "tables": ("centre", "top", "top_low")}
    fast = threshold_tables(lat, lon, hor, 720, **kw)
    general = threshold_tables(np.append(lat, np.radians(-85.0)), np.append(lon, 0.0),
                                  np.vstack((hor, hor[:1])), 720, **kw)
    for name, tab in fast.items():
        assert np.max(np.abs(tab - general[name][:, :n])) < 3e-5, name


def test_forked_workers_give_identical_maps(random_sites):
    lat, lon, hor = random_sites
    tr = body_track("sun", JD0 + np.arange(0, 20 * 24) / 24.0)
    one = illumination_map(lat, lon, hor, tr, chunk_pixels=32, workers=1)
    two = illumination_map(lat, lon, hor, tr, chunk_pixels=32, workers=2)  # 10 chunks: forked
    for name in ("mean_fraction", "never_visible", "longest_dark_h", "n_lit_periods"):
        np.testing.assert_array_equal(getattr(one, name), getattr(two, name))


def test_single_table_series_near_pole_matches_exact_path():
    # Within 0.5 deg of the pole the series is compared against beta_centre shifted by rho:
    # check it against the exact path like the general-branch test above.
    rng = np.random.default_rng(11)
    n = 200
    lat = np.radians(-90 + 0.45 * rng.random(n))
    lon = rng.random(n) * 2 * np.pi
    az = np.arange(360) * 2 * np.pi / 360
    hor = (np.radians(1.2) * (1 + np.sin(2 * az[None, :] + 6 * rng.random((n, 1)))) * rng.random((n, 1)))
    tr = body_track("sun", JD0 + np.arange(0, 90 * 24) / 24.0)
    ex = site_series(lat, lon, hor.astype(np.float32), tr)
    m = illumination_map(lat, lon, hor.astype(np.float32), tr, workers=1)
    assert np.max(np.abs(m.mean_fraction - ex.mean_fraction)) < 2e-3
    assert np.mean(np.abs(m.longest_dark_h - ex.stats.longest_dark_h) <= 2.0) > 0.9
    assert np.mean(m.n_lit_periods == ex.stats.n_lit_periods) > 0.8
