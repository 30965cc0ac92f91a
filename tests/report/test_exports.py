"""The run's exports read back: GeoTIFF maps (CRS, transform, values), CSV tables and the
netCDF horizons, CCSDS OEM and CZML trajectories, and the self-contained HTML report."""

import csv
import itertools
import json
import os
from pathlib import Path

import numpy as np
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from lupex import cli
from lupex.constants import GM_MOON_KM3S2
from lupex.report import geotiff, oem, tables, trajectories
from lupex.surface.dem import Dem

REPO = Path(__file__).resolve().parents[2]


# --- one small complete run, shared by the read-back tests ------------------------------

@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("exports")
    old = os.environ.get("LUPEX_CACHE_DIR")
    os.environ["LUPEX_CACHE_DIR"] = str(tmp / "cache")
    try:
        d = yaml.safe_load((REPO / "configs" / "lupex_baseline.yaml").read_text())
        d["terrain"].update(source="synthetic", half_width_km=4.0, pixel_m=200.0,
                            max_distance_km=30.0, center_lat_deg=-89.5, center_lon_deg=200.0)
        d["sites"] = [{"name": "A", "lat_deg": -89.534, "lon_deg": 209.948},
                      {"name": "B two", "lat_deg": -89.45, "lon_deg": 195.0}]
        d["surface"].update(duration_days=5, time_step_hours=3, cycle_step_hours=24)
        d["landing"] = {"site": "A"}  # the synthetic sites break the slope limit: land anyway
        scenario = tmp / "small.yaml"
        scenario.write_text(yaml.safe_dump(d))
        out = tmp / "out"
        assert cli.main(["run", str(scenario), "--out", str(out), "--quiet"]) == 0
    finally:
        if old is None:
            os.environ.pop("LUPEX_CACHE_DIR", None)
        else:
            os.environ["LUPEX_CACHE_DIR"] = old
    return out


def _csv(path):
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh))


# --- GeoTIFF ------------------------------------------------------------------------------

def _same_map(crs) -> bool:
    """``crs`` is IAU_2015:30135 by name and sphere, and maps points identically to it
    (1e-6 m on coordinates of 1e5 m: round-off)."""
    import pyproj

    ref = pyproj.CRS("IAU_2015:30135")
    if crs.name != ref.name or crs.ellipsoid.semi_major_metre != 1737400.0:
        return False
    xy = np.array([[-1.5e5, 2.0e5], [0.0, 0.0], [3.0e4, -7.0e4], [1.2e5, 1.0e3]])
    tf = pyproj.Transformer.from_crs(crs, ref, always_xy=True)
    x, y = tf.transform(xy[:, 0], xy[:, 1])
    return bool(np.max(np.abs(np.column_stack([x, y]) - xy)) < 1e-6)


def _dem():
    rng = np.random.default_rng(1)
    return Dem(rng.normal(1000.0, 300.0, (37, 53)), x0_km=-12.3, y0_km=45.6, pixel_km=0.24,
               source="test grid")


def test_geotiff_round_trip_crs_transform_values(tmp_path):
    import pyproj
    import rasterio

    dem = _dem()
    p = geotiff.write_geotiff(tmp_path / "h.tif", geotiff.MapLayer("h", dem.height_m, "m", "h"), dem)
    with rasterio.open(p) as r:
        values = r.read(1)
        crs = pyproj.CRS.from_wkt(r.crs.to_wkt())
        t = r.transform
        tags = r.tags()
        assert r.profile["tiled"] and r.profile["blockxsize"] == 256
    assert values.dtype == np.float32
    np.testing.assert_array_equal(values, dem.height_m.astype(np.float32))
    # the CRS is the IAU 2015 lunar south polar stereographic (GeoTIFF keys store it as
    # polar stereographic variant B with true scale at the pole, the same map)
    assert _same_map(crs)
    assert (t.a, t.e, t.c, t.f) == pytest.approx((240.0, -240.0, -12300.0, 45600.0), abs=1e-6)
    assert tags["UNIT"] == "m"
    # Independent check of the georeferencing: PROJ's inverse of each pixel centre in the
    # file's own CRS is the latitude/longitude lupex's projection gives that pixel. Both
    # are the same closed form (Snyder eq. 21-4); 1e-9 deg (3e-5 m) is float64 round-off
    # on coordinates of ~1e4 m.
    rows, cols = np.mgrid[0:dem.shape[0], 0:dem.shape[1]]
    x, y = rasterio.transform.xy(t, rows.ravel(), cols.ravel(), offset="center")
    to_geo = pyproj.Transformer.from_crs(crs, crs.geodetic_crs, always_xy=True)
    lon, lat = to_geo.transform(np.asarray(x), np.asarray(y))
    lat_l, lon_l = (np.degrees(a).ravel() for a in dem.latlon())
    assert np.max(np.abs(lat - lat_l)) < 1e-9
    dlon = (lon - lon_l + 180.0) % 360.0 - 180.0
    assert np.max(np.abs(dlon)) < 1e-9


def test_geotiff_is_cloud_optimised(tmp_path):
    big = Dem(np.zeros((600, 700)), x0_km=0.0, y0_km=0.0, pixel_km=0.1)
    p = geotiff.write_geotiff(tmp_path / "z.tif", geotiff.MapLayer("z", big.height_m, "m", "z"), big)
    head = p.read_bytes()[:2000]
    # GDAL's COG driver writes this ghost header: IFDs first, then tiles, overviews after
    assert b"GDAL_STRUCTURAL_METADATA" in head and b"LAYOUT=IFDS_BEFORE_DATA" in head
    import rasterio

    with rasterio.open(p) as r:
        assert r.overviews(1)  # reduced-resolution levels for zoomed-out reads


def test_geotiff_refuses_a_map_off_the_grid(tmp_path):
    with pytest.raises(ValueError, match="shape"):
        geotiff.write_geotiff(tmp_path / "x.tif",
                              geotiff.MapLayer("x", np.zeros((3, 3)), "m", "x"), _dem())


def test_run_maps_read_back(run_dir):
    import pyproj
    import rasterio

    names = sorted(p.name for p in (run_dir / "maps").iterdir())
    assert names == sorted(f"{n}.tif" for n in ("heights", "slope", "hazard", "mean_illumination",
                                                 "psr", "earth_visibility"))
    summary = json.loads((run_dir / "summary.json").read_text())
    with rasterio.open(run_dir / "maps" / "slope.tif") as r:
        slope = r.read(1)
        assert _same_map(pyproj.CRS.from_wkt(r.crs.to_wkt()))
        assert (r.transform.a, r.transform.e) == pytest.approx((200.0, -200.0))
    with rasterio.open(run_dir / "maps" / "hazard.tif") as r:
        hazard = r.read(1)
    limit = yaml.safe_load((REPO / "configs" / "lupex_baseline.yaml").read_text())["ranking"]["max_slope_deg"]
    np.testing.assert_array_equal(hazard, (slope > limit).astype(np.uint8))
    with rasterio.open(run_dir / "maps" / "mean_illumination.tif") as r:
        illum = r.read(1)
    with rasterio.open(run_dir / "maps" / "psr.tif") as r:
        psr = r.read(1)
    assert 0.0 <= illum.min() and illum.max() <= 1.0
    assert set(np.unique(psr)) <= {0, 1}
    assert np.all(illum[psr == 1] == 0.0)  # never lit -> zero mean illumination
    assert summary["stages"]["surface"]


# --- tables --------------------------------------------------------------------------------

@settings(max_examples=200, deadline=None)
@given(st.lists(st.booleans(), min_size=1, max_size=60))
def test_runs_tile_the_series_and_alternate(flags):
    start, stop, value = tables.runs(flags)
    assert start[0] == 0 and stop[-1] == len(flags)
    np.testing.assert_array_equal(start[1:], stop[:-1])
    assert np.all(value[1:] != value[:-1])
    rebuilt = np.repeat(value, stop - start)
    np.testing.assert_array_equal(rebuilt, flags)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.booleans(), min_size=2, max_size=40), st.floats(0.01, 2.0))
def test_intervals_cover_the_window(flags, step_d):
    jd = 2460000.0 + step_d * np.arange(len(flags))
    iv = tables.intervals(jd, flags)
    assert iv[0][1] == jd[0] and iv[-1][2] == jd[-1]
    assert all(a[2] == b[1] for a, b in itertools.pairwise(iv))
    assert sum(b - a for _, a, b in iv) == pytest.approx(jd[-1] - jd[0])


def test_slug():
    assert tables.slug("Connecting Ridge") == "connecting_ridge"
    assert tables.slug("de Gerlache Rim 2") == "de_gerlache_rim_2"
    assert tables.slug("!!!") == "site"


def test_run_time_series_and_events_read_back(run_dir):
    from astropy.time import Time

    t = run_dir / "tables"
    rows = _csv(t / "sky_a.csv")
    assert (t / "sky_b_two.csv").exists()
    n = 5 * 24 // 3 + 1  # 5 days at 3 h, both ends
    assert len(rows) == n
    frac = np.array([float(r["sun_visible_fraction"]) for r in rows])
    assert np.all((0.0 <= frac) & (frac <= 1.0))
    el = np.array([float(r["sun_el_deg"]) for r in rows])
    hor = np.array([float(r["sun_horizon_el_deg"]) for r in rows])
    # The Sun's radius is 0.27 deg: fully above the terrain -> whole disk, fully below -> none
    assert np.all(frac[el - hor > 0.3] == 1.0) and np.all(frac[el - hor < -0.3] == 0.0)
    az = np.array([float(r["earth_az_deg"]) for r in rows])
    assert np.all((0.0 <= az) & (az < 360.0))
    start, end = Time(rows[0]["utc"]), Time(rows[-1]["utc"])
    # lit/dark intervals tile the window at each site, like an EclipseLocator report
    lit = _csv(t / "lit_intervals.csv")
    for site in ("A", "B two"):
        mine = [r for r in lit if r["site"] == site]
        assert mine[0]["start_utc"] == rows[0]["utc"][:len(mine[0]["start_utc"])]
        total_h = sum(float(r["duration_h"]) for r in mine)
        assert total_h == pytest.approx((end - start).to_value("h"), abs=1e-3)
        for r in mine:
            assert r["state"] in ("lit", "dark")
            d = (Time(r["stop_utc"]) - Time(r["start_utc"])).to_value("h")
            assert d == pytest.approx(float(r["duration_h"]), abs=1e-3)
    # the lit hours agree with the sampled series (each sample stands for one step)
    lit_h = sum(float(r["duration_h"]) for r in lit if r["site"] == "A" and r["state"] == "lit")
    assert lit_h == pytest.approx(3.0 * np.count_nonzero(frac[:-1] > 0), abs=3.0 + 1e-6)
    comm = _csv(t / "comm_windows.csv")
    assert list(comm[0]) == ["site", "start_utc", "stop_utc", "duration_h"] if comm else True
    efrac = np.array([float(r["earth_visible_fraction"]) for r in rows])
    comm_h = sum(float(r["duration_h"]) for r in comm if r["site"] == "A")
    assert comm_h == pytest.approx(3.0 * np.count_nonzero(efrac[:-1] >= 0.5), abs=3.0 + 1e-6)
    energy = _csv(t / "energy_per_day.csv")
    assert {r["site"] for r in energy} == {"A", "B two"}
    assert all(float(r["energy_wh_m2"]) >= 0.0 and 0.0 <= float(r["sunlit_h"]) <= 24.0
               for r in energy)


def test_run_horizons_netcdf_reads_back(run_dir):
    import pyproj
    import xarray as xr

    with xr.open_dataset(run_dir / "tables" / "horizons.nc", engine="scipy") as ds:
        assert list(ds["site"].values) == ["A", "B two"]
        assert ds["site_horizon_el"].dims == ("site", "site_azimuth")
        assert ds["sun_visible_fraction"].shape == (2, 41)
        cube = ds["horizon_el"]
        assert cube.dims == ("y", "x", "azimuth") and cube.attrs["units"] == "rad"
        assert float(np.abs(cube).max()) < np.pi / 2
        assert _same_map(pyproj.CRS.from_wkt(ds["crs"].attrs["crs_wkt"]))
        assert np.all(np.diff(ds["x"].values) > 0) and np.all(np.diff(ds["y"].values) < 0)
        rows = _csv(run_dir / "tables" / "sky_a.csv")
        np.testing.assert_allclose(ds["sun_visible_fraction"].values[0],
                                   [float(r["sun_visible_fraction"]) for r in rows], atol=1e-6)


# --- trajectories -------------------------------------------------------------------------

def _circular(n=50):
    mu, r0 = 398600.4418, 7000.0
    w = np.sqrt(mu / r0**3)
    t = np.linspace(0.0, 5400.0, n)
    r = r0 * np.stack([np.cos(w * t), np.sin(w * t), np.zeros_like(t)], axis=-1)
    v = r0 * w * np.stack([-np.sin(w * t), np.cos(w * t), np.zeros_like(t)], axis=-1)
    return 2462000.5 + t / 86400.0, r, v


def test_oem_round_trip_values_and_epochs(tmp_path):
    from astropy.time import Time

    jd, r, v = _circular()
    eph = oem.Ephemeris("SAT", "2028-001A", "EARTH", "ICRF", jd, r, v, ("a test arc",))
    p = oem.write_oem(tmp_path / "x.oem", eph)
    back = oem.read_oem(p.read_text())
    assert back.header["CCSDS_OEM_VERS"] == "2.0"
    assert back.meta["CENTER_NAME"] == "EARTH" and back.meta["REF_FRAME"] == "ICRF"
    assert back.meta["TIME_SYSTEM"] == "UTC" and back.meta["START_TIME"] == back.epochs_utc[0]
    # 10 significant digits: 5e-10 relative at most
    np.testing.assert_allclose(back.r_km, r, rtol=6e-10, atol=1e-9)
    np.testing.assert_allclose(back.v_kms, v, rtol=6e-10, atol=1e-12)
    # epochs: UTC text with microseconds; back in TDB they are the input to the float's
    # own resolution (4e-11 d = 3.5 us at JD 2.46e6) plus the printed 0.5 us
    got = Time(back.epochs_utc, scale="utc").tdb.jd
    assert np.max(np.abs(got - jd)) * 86400.0 < 5e-6


def test_ephemeris_takes_astropy_time_and_quantities():
    import astropy.units as u
    from astropy.time import Time

    from lupex.units import UnitError

    jd, r, v = _circular(4)
    plain = oem.Ephemeris("S", "S", "EARTH", "ICRF", jd, r, v)
    t = Time(jd, format="jd", scale="tdb").utc  # another scale: converted back to TDB
    eph = oem.Ephemeris("S", "S", "EARTH", "ICRF", t, r * 1000.0 * u.m, v * u.km / u.s)
    np.testing.assert_allclose(eph.jd_tdb, plain.jd_tdb, rtol=0, atol=1e-9)  # 86 us
    np.testing.assert_allclose(eph.r_km, r, rtol=1e-15)
    with pytest.raises(UnitError, match="r_km"):
        oem.Ephemeris("S", "S", "EARTH", "ICRF", jd, r * u.s, v)


def test_oem_drops_repeated_epochs_and_refuses_bad_input():
    jd, r, v = _circular(5)
    jd2 = np.concatenate([jd[:3], jd[2:]])
    r2, v2 = np.vstack([r[:3], r[2:] + 1.0]), np.vstack([v[:3], v[2:]])
    eph = oem.Ephemeris("S", "S", "EARTH", "ICRF", jd2, r2, v2)
    assert eph.jd_tdb.size == 5 and np.all(np.diff(eph.jd_tdb) > 0)
    np.testing.assert_array_equal(eph.r_km[2], r[2] + 1.0)  # the last state of a repeat
    with pytest.raises(ValueError, match="non-finite"):
        oem.Ephemeris("S", "S", "EARTH", "ICRF", jd, r * np.nan, v)
    with pytest.raises(ValueError, match="n >= 2"):
        oem.Ephemeris("S", "S", "EARTH", "ICRF", jd[:1], r[:1], v[:1])
    with pytest.raises(ValueError, match="META"):
        oem.read_oem("CCSDS_OEM_VERS = 2.0\n")


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(-4e5, 4e5), min_size=6, max_size=6))
def test_oem_parser_round_trips_any_state(state):
    jd = np.array([2462000.5, 2462000.6])
    r = np.array([state[:3], state[:3]])
    v = np.array([state[3:], state[3:]]) * 1e-4
    back = oem.read_oem(oem.oem_text(oem.Ephemeris("S", "S", "MOON", "ICRF", jd, r, v)))
    np.testing.assert_allclose(back.r_km, r, rtol=6e-10, atol=1e-300)
    np.testing.assert_allclose(back.v_kms, v, rtol=6e-10, atol=1e-300)


def test_ascent_frame_change_keeps_a_ground_point_still():
    # A point fixed on the turning Earth: in the launch-inertial frame it moves as
    # r_I(t) = R3(-w t) r0, v_I = w x r_I; in Earth-fixed axes it must be r0 at rest.
    from lupex.constants import OMEGA_EARTH_RADS as w

    t = np.linspace(0.0, 86164.0, 97)
    r0 = np.array([-3610.4, 4156.9, 3208.8])
    c, s = np.cos(w * t), np.sin(w * t)
    r_i = np.stack([c * r0[0] - s * r0[1], s * r0[0] + c * r0[1], np.full_like(t, r0[2])], -1)
    v_i = np.cross([0.0, 0.0, w], r_i)
    r_f, v_f = trajectories.inertial_to_itrf(t, r_i, v_i)
    np.testing.assert_allclose(r_f, np.broadcast_to(r0, r_f.shape), atol=1e-9)  # km, round-off
    np.testing.assert_allclose(v_f, 0.0, atol=1e-12)


def test_run_trajectories_read_back(run_dir):
    from astropy.time import Time

    folder = run_dir / "trajectories"
    summary = json.loads((run_dir / "summary.json").read_text())
    ev = summary["stages"]["timeline"]["events"]
    tr = oem.read_oem((folder / "transfer.oem").read_text())
    assert tr.meta["CENTER_NAME"] == "EARTH" and tr.meta["REF_FRAME"] == "ICRF"
    # the arc starts at TLI and ends at the periselene, LOI on the timeline (1 ms: the
    # timeline prints milliseconds)
    assert abs((Time(tr.epochs_utc[0]) - Time(ev["tli"]["utc"])).to_value("s")) < 1e-3
    assert abs((Time(tr.epochs_utc[-1]) - Time(ev["loi"]["utc"])).to_value("s")) < 1e-3
    r_tli = np.linalg.norm(tr.r_km[0])
    park = yaml.safe_load((REPO / "configs" / "lupex_baseline.yaml").read_text())["transfer"]
    assert r_tli == pytest.approx(6378.137 + park.get("parking_altitude_km", 200.0), abs=1.0)
    asc = oem.read_oem((folder / "ascent.oem").read_text())
    assert asc.meta["REF_FRAME"] == "ITRF"
    assert abs((Time(asc.epochs_utc[0]) - Time(ev["lift_off"]["utc"])).to_value("s")) < 1e-3
    # lift-off from Tanegashima (30.4 N, 131.0 E) on the ground, at rest in Earth-fixed axes
    x, y, _ = asc.r_km[0]
    assert np.degrees(np.arctan2(y, x)) == pytest.approx(130.97, abs=0.05)
    assert np.linalg.norm(asc.v_kms[0]) < 0.01
    # the descent ends at touchdown on the landing site, Moon-fixed; the last orbits end at PDI
    de = oem.read_oem((folder / "descent.oem").read_text())
    assert de.meta["CENTER_NAME"] == "MOON" and de.meta["REF_FRAME"] == "MOON_ME"
    assert abs((Time(de.epochs_utc[0]) - Time(ev["pdi"]["utc"])).to_value("s")) < 1e-3
    assert abs((Time(de.epochs_utc[-1]) - Time(ev["touchdown"]["utc"])).to_value("s")) < 1.0
    land = summary["stages"]["landing"]
    lat = np.degrees(np.arcsin(de.r_km[-1, 2] / np.linalg.norm(de.r_km[-1])))
    assert lat == pytest.approx(land["touchdown_lat"]["value"], abs=1e-6)
    assert np.linalg.norm(de.v_kms[-1]) * 1e3 < 5.0  # at rest within the touchdown speed
    lo = oem.read_oem((folder / "lunar_orbit.oem").read_text())
    assert lo.meta["CENTER_NAME"] == "MOON" and lo.meta["REF_FRAME"] == "MOON_ME"
    # central-difference velocities: the local circular speed within 5 % (the 100 km circle
    # and the 30 x 100 km descent orbit differ from it by under 1 %; the rest is sampling)
    v_circ = np.sqrt(GM_MOON_KM3S2 / np.linalg.norm(lo.r_km, axis=-1))
    assert np.median(np.linalg.norm(lo.v_kms, axis=-1) / v_circ) == pytest.approx(1.0, abs=0.05)
    doc = json.loads((folder / "mission.czml").read_text())
    assert doc[0]["id"] == "document" and doc[0]["properties"]["centralBody"] == "EARTH"
    pk = {p["id"]: p for p in doc[1:]}
    assert pk["transfer"]["position"]["referenceFrame"] == "INERTIAL"
    assert pk["ascent"]["position"]["referenceFrame"] == "FIXED"
    samples = np.asarray(pk["transfer"]["position"]["cartesian"]).reshape(-1, 4)
    np.testing.assert_allclose(samples[:, 1:] / 1000.0, tr.r_km, rtol=1e-9)
    moon = json.loads((folder / "moon.czml").read_text())
    assert moon[0]["properties"]["centralBody"] == "MOON"
    sites = [p for p in moon[1:] if p["id"].startswith("site-")]
    assert [p["name"] for p in sites] == ["A", "B two"]
    lon, lat, _ = sites[0]["position"]["cartographicDegrees"]
    assert (lat, (lon + 360.0) % 360.0) == pytest.approx((-89.534, 209.948))


def test_html_report_is_self_contained(run_dir):
    page = (run_dir / "report.html").read_text()
    assert page.startswith("<!DOCTYPE html>")
    assert "data:image/png;base64," in page and 'src="plots/' not in page
    assert '<a href="maps/heights.tif">' in page and '<a href="trajectories/transfer.oem">' in page
    assert "<table>" in page and "lift-off" in page  # the timeline table


def test_only_terrain_exports_what_exists(tmp_path, monkeypatch):
    monkeypatch.setenv("LUPEX_CACHE_DIR", str(tmp_path / "cache"))
    d = yaml.safe_load((REPO / "configs" / "lupex_baseline.yaml").read_text())
    d["terrain"].update(source="synthetic", half_width_km=3.0, pixel_m=200.0,
                        max_distance_km=20.0, center_lat_deg=-89.5, center_lon_deg=200.0)
    d["sites"] = [{"name": "A", "lat_deg": -89.534, "lon_deg": 209.948}]
    s = tmp_path / "s.yaml"
    s.write_text(yaml.safe_dump(d))
    out = tmp_path / "o"
    assert cli.main(["run", str(s), "--out", str(out), "--quiet", "--only", "terrain"]) == 0
    assert sorted(p.name for p in (out / "maps").iterdir()) == ["hazard.tif", "heights.tif", "slope.tif"]
    assert sorted(p.name for p in (out / "tables").iterdir()) == ["horizons.nc"]
    assert sorted(p.name for p in (out / "trajectories").iterdir()) == ["moon.czml"]
    assert (out / "report.html").exists()


def test_interactive_3d_view_needs_only_plotly():
    from lupex.report import html

    jd, r, v = _circular(20)
    arcs = {"x": oem.Ephemeris("S", "S", "EARTH", "ICRF", jd, r, v)}
    frag = html.trajectory_3d(arcs)
    try:
        import plotly  # noqa: F401
    except ImportError:
        assert frag == ""  # without the `interactive` extra the report simply has no 3D view
        return
    assert "plotly" in frag.lower() and "scatter3d" in frag
    assert html.trajectory_3d({"m": oem.Ephemeris("S", "S", "MOON", "MOON_ME", jd, r, v)}) == ""


def test_moon_arcs_go_to_cesium_in_moon_fixed_axes():
    # a Moon-centred ICRF arc: the CZML holds it rotated into MOON_ME (same radius; the
    # rotation is lupex.ephemeris's, checked against SPICE in tests/test_ephemeris.py)
    from lupex.ephemeris import icrf_to_moon_me
    from lupex.report import czml

    jd, r, v = _circular(12)
    eph = oem.Ephemeris("LO", "LO", "MOON", "ICRF", jd, r * 0.27, v * 0.5)
    doc = json.loads(czml.moon_czml({"lunar_orbit": eph}, [("S", -89.5, 210.0)]))
    pk = {p["id"]: p for p in doc}
    assert pk["lunar_orbit"]["position"]["referenceFrame"] == "FIXED"
    xyz = np.asarray(pk["lunar_orbit"]["position"]["cartesian"]).reshape(-1, 4)[:, 1:] / 1000.0
    expect = np.einsum("nij,nj->ni", icrf_to_moon_me(eph.jd_tdb), eph.r_km)
    np.testing.assert_allclose(xyz, expect, rtol=1e-12)
    np.testing.assert_allclose(np.linalg.norm(xyz, axis=1), np.linalg.norm(eph.r_km, axis=1))
    with pytest.raises(ValueError, match="MOON-centred"):
        czml.moon_fixed(oem.Ephemeris("E", "E", "EARTH", "ICRF", jd, r, v))
