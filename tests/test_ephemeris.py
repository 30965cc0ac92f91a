"""lupex.ephemeris against independent references.

* NAIF SPICE results (../shared/data/spice/lunarsky_spice_fixtures.npz, computed with the
  NAIF toolkit at 11 epochs 1970-2040): the ICRF->MOON_ME rotation and the Earth's position.
* astropy's own DE421 reader (get_body_barycentric with the same de421.bsp).
* lunarsky's Moon-frame transforms (its own PCK evaluation and PA->ME chain).
* Physical facts: sub-solar latitude <= 1.54 deg; sub-Earth libration within about 8 deg.
"""

from importlib import resources

import astropy.units as u
import numpy as np
import pytest
from astropy.time import Time

from lupex import ephemeris as E
from lupex.geometry import enu_basis
from lupex.timescale import tdb_grid

ARCSEC_DEG = 3600.0


def _angle_arcsec(a, b):
    cos = np.sum(E.unit(a) * E.unit(b), axis=-1)
    return np.degrees(np.arccos(np.clip(cos, -1.0, 1.0))) * ARCSEC_DEG


def _rotation_angle_arcsec(m1, m2):
    """Angle of the rotation m1^T m2 (0 when the two matrices agree)."""
    tr = np.trace(m1.T @ m2)
    return np.degrees(np.arccos(np.clip((tr - 1.0) / 2.0, -1.0, 1.0))) * ARCSEC_DEG


@pytest.fixture(scope="module")
def spice(shared_data):
    return np.load(shared_data / "spice" / "lunarsky_spice_fixtures.npz")


def test_moon_me_rotation_matches_spice(spice):
    # SPICE's MOON_ME uses the same DE421 PA kernel and moon_080317.tf; differences are
    # Chebyshev round-off only. 0.01 arcsec = 8 cm on the lunar surface.
    jd = 2451545.0 + spice["ets"] / 86400.0
    m = E.icrf_to_moon_me(jd)
    err = [_rotation_angle_arcsec(m[k], spice["j2000_to_me"][k]) for k in range(len(jd))]
    assert max(err) < 0.01


def test_wrong_time_scale_would_fail(spice):
    # The same instants given as UTC calendar times through the public time layer must
    # reproduce SPICE; feeding UTC Julian dates as if TDB (69 s off) turns the Moon by
    # 69 s * 2.66e-6 rad/s = 38 arcsec, far outside the 0.01 arcsec tolerance above.
    t_tdb = Time(2451545.0 + spice["ets"] / 86400.0, format="jd", scale="tdb")
    utc = t_tdb.utc
    for k in (0, 5, 10):
        _, jd = tdb_grid(utc[k].to_datetime(), 0.0, 1.0)
        ok = _rotation_angle_arcsec(E.icrf_to_moon_me(jd)[0], spice["j2000_to_me"][k])
        assert ok < 0.05  # to_datetime rounds to microseconds: 1 us ~ 3e-12 rad
        utc_jd_as_if_tdb = np.array([utc[k].jd])
        wrong = _rotation_angle_arcsec(E.icrf_to_moon_me(utc_jd_as_if_tdb)[0],
                                       spice["j2000_to_me"][k])
        assert wrong > 10.0


def test_earth_in_moon_me_matches_spice(spice):
    # Geometric Earth position from the Moon in MOON_ME. 5 m: the rotations agree to
    # 0.0025 arcsec (1.2e-8 rad), i.e. 4.7 m at 384,000 km; the positions themselves to 1 m.
    jd = 2451545.0 + spice["ets"] / 86400.0
    earth = E.body_position_me("earth", jd, correction="geometric")
    assert np.abs(earth - spice["earth_me"]).max() < 5e-3  # km
    moon_from_earth = E.relative_position_icrf("moon", "earth", jd, "geometric")
    assert np.abs(moon_from_earth - spice["moon_earth_j2000"][:, :3]).max() < 1e-2  # km


def test_barycentric_positions_match_astropy_de421():
    from astropy.coordinates import get_body_barycentric, solar_system_ephemeris

    path = resources.files("skyfield_data") / "data" / "de421.bsp"
    t = Time("2028-03-19T15:00:00", scale="utc") + np.linspace(0.0, 400.0, 25) * u.day
    jd = t.tdb.jd1 + t.tdb.jd2
    with solar_system_ephemeris.set("file://" + str(path)):
        for body in E.BODIES:
            ref = get_body_barycentric(body, t).xyz.to_value(u.km)
            mine, _ = E.barycentric_state(body, jd)
            # Sub-metre: astropy keeps a two-part date, lupex one float (0.8 m worst at 30 km/s).
            assert np.abs(ref.T - mine).max() < 1e-3, body


def test_sun_direction_matches_lunarsky_and_corrections_are_what_they_claim(monkeypatch):
    import lunarsky.spice_utils as lsu
    from astropy.coordinates import ICRS, SkyCoord, get_body_barycentric, solar_system_ephemeris
    from jplephem.spk import SPK
    from lunarsky import MCMF

    path = resources.files("skyfield_data") / "data" / "de421.bsp"
    # lunarsky downloads DE430 on first use; hand it the offline DE421 so both use one ephemeris.
    monkeypatch.setattr(lsu, "_SPK", SPK.open(str(path)))
    t = Time("2028-03-19T15:00:00", scale="utc") + np.linspace(0.0, 30.0, 7) * u.day
    jd = t.tdb.jd1 + t.tdb.jd2
    with solar_system_ephemeris.set("file://" + str(path)):
        sun = SkyCoord(ICRS(get_body_barycentric("sun", t)), obstime=t)
        ref = sun.transform_to(MCMF(obstime=t)).cartesian.xyz.to_value(u.km).T
    # lunarsky is geometric (no light time, no aberration): lupex geometric agrees to
    # round-off (< 0.01 arcsec); both evaluate the same PCK with independent code.
    assert _angle_arcsec(ref, E.body_position_me("sun", jd, "geometric")).max() < 0.01
    # Light time alone moves the Sun by its barycentric motion over 499 s (~6 km): < 0.05".
    assert _angle_arcsec(ref, E.body_position_me("sun", jd, "LT")).max() < 0.05
    # Stellar aberration from the Moon's ~30 km/s barycentric speed: v/c = 20.6 arcsec at most.
    ab = _angle_arcsec(ref, E.body_position_me("sun", jd, "LT+S"))
    assert np.all((ab > 18.0) & (ab < 21.5))


def test_subsolar_latitude_stays_within_lunar_obliquity():
    # The Moon's mean equator is inclined 1.543 deg to the ecliptic (Cassini's laws). The
    # true sub-solar latitude adds physical libration in latitude (~0.04 deg, Eckhardt 1981)
    # and the Sun's ecliptic latitude seen from the Moon (up to 0.147 deg * sin 5.15 deg =
    # 0.013 deg), so the maximum over an 18.6-year cycle lies in 1.54-1.60 deg; a wrong
    # rotation (e.g. ME vs ecliptic axes, or a transposed matrix) lands far outside.
    _, jd = tdb_grid(Time("2020-01-01").to_datetime(), 365.25 * 19, 6.0)
    lat, _ = E.subpoint_latlon("sun", jd)
    lat_max = np.degrees(np.abs(lat)).max()
    assert 1.54 < lat_max < 1.60


def test_subearth_point_librates_within_eight_degrees():
    # Optical libration: about +-6.7 deg in latitude and +-7.9 deg in longitude (Meeus,
    # Astronomical Algorithms, ch. 53); over 19 years both come near but stay under 8.2.
    _, jd = tdb_grid(Time("2020-01-01").to_datetime(), 365.25 * 19, 6.0)
    lat, lon = E.subpoint_latlon("earth", jd)
    lon_deg = np.degrees((lon + np.pi) % (2 * np.pi) - np.pi)
    assert 6.0 < np.degrees(np.abs(lat)).max() < 7.0
    assert 7.0 < np.abs(lon_deg).max() < 8.2


def test_out_of_span_dates_are_refused_with_the_span():
    with pytest.raises(E.EphemerisRangeError, match="1900-01-01 to 2051-01-01"):
        E.body_position_me("sun", np.array([2451545.0, 2480000.0]))
    with pytest.raises(E.EphemerisRangeError, match="NaN"):
        E.check_span([np.nan])


def test_azimuth_convention_north_then_east():
    # At a site on the equator at 0E, a target due north (+Z) has azimuth 0 and one due
    # east (+Y) azimuth 90 deg; straight up (+X) has elevation 90 deg.
    vecs = np.array([[0.0, 0.0, 1.0], [0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])
    az, el = E.azimuth_elevation(vecs, 0.0, 0.0)
    assert np.allclose(np.degrees(az[:2]), [0.0, 90.0])
    assert np.allclose(np.degrees(el), [0.0, 0.0, 90.0])
    # Near the south pole, north points away from the pole: the pole itself is due south.
    lat, lon = np.radians(-89.0), np.radians(30.0)
    to_pole = np.array([0.0, 0.0, -1737.4]) - E.site_vector_me(lat, lon)
    az, _ = E.azimuth_elevation(to_pole[None, :], lat, lon)
    assert np.isclose(np.degrees(az[0]), 180.0)


def test_sky_track_elevation_agrees_with_subsolar_geometry():
    # For the Sun (at infinity to 1e-5 rad), the elevation at a site equals 90 deg minus the
    # angle between the site's vertical and the Sun direction from the Moon's centre.
    _, jd = tdb_grid(Time("2028-03-19T15:00").to_datetime(), 10.0, 6.0)
    lat, lon = np.radians(-89.5), np.radians(210.0)
    track = E.sky_track(lat, lon, jd)
    sun = E.unit(E.body_position_me("sun", jd))
    _, _, up = enu_basis(lat, lon)
    expected = np.arcsin(sun @ up)
    assert np.degrees(np.abs(track.sun_el_rad - expected)).max() < 0.002  # parallax 1737/1.5e8
