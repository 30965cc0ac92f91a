"""DEM input: PDS3 .IMG/.LBL, GeoTIFF, lupex .npz formats, crop, resampling, holes."""

from pathlib import Path

import numpy as np
import pytest

from lupex.surface.dem import (
    Dem,
    LatLonGrid,
    crop,
    fill_holes,
    latlon_grid_from_npz,
    load_dem,
    resample_to_polar,
    sample_bilinear,
)
from lupex.surface.pds3 import parse_label, read_pds3
from lupex.surface.projection import latlon_to_xy

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "dem"
SITE01 = DATA / "site01_connecting_ridge_10mpp.npz"
LDEM4 = DATA / "LDEM_4.IMG"
CAP8 = DATA / "moon_dem_8ppd_south_cap_70S.npz"


def _need(p):
    if not p.exists():
        pytest.skip(f"shared data file {p} absent")


# ---------------------------------------------------------------- real files
def test_site01_documented_heights():
    # shared/data/dem/site01_connecting_ridge_10mpp.npz: resampled from NASA PGDA product 78
    # (Barker et al. 2021, Site01 5 m DEM).  README checks: centre height 1944.75 m (the mean
    # of the 4 central pixels, the exact centre of the even grid); at 89.53432 S,
    # 209.94767 E (Connecting Ridge, Gracy & Lee LPSC 2024) about 1653 m.  Heights are
    # stored to 0.1 m and bilinear interpolation on 10 m pixels moves a few dm: 2 m tolerance.
    _need(SITE01)
    d = load_dem(SITE01)
    assert d.shape == (1600, 1600) and d.pixel_km == pytest.approx(0.010)
    assert d.filled_fraction == 0.0 and not d.synthetic
    ny, nx = d.shape
    assert d.height_m[ny // 2 - 1 : ny // 2 + 1, nx // 2 - 1 : nx // 2 + 1].mean() == pytest.approx(
        1944.75, abs=0.01
    )
    x, y = latlon_to_xy(np.radians(-89.53432), np.radians(209.94767))
    assert float(sample_bilinear(d, x, y)) == pytest.approx(1653.0, abs=2.0)


def test_ldem4_label_and_values():
    # LRO LOLA GDR LDEM_4 V3.0 (PDS): label MINIMUM/MAXIMUM DN -17758/21008 x 0.5 m (the
    # file's minimum DN is -17757: the label rounds it; 1 m tolerance there).
    _need(LDEM4)
    im = read_pds3(LDEM4)
    assert im.projection == "SIMPLE CYLINDRICAL" and im.height_m.shape == (720, 1440)
    assert im.map_resolution_ppd == 4.0 and im.radius_km == 1737.4
    assert np.nanmax(im.height_m) == 21008 * 0.5
    assert np.nanmin(im.height_m) == pytest.approx(-17758 * 0.5, abs=1.0)
    g = load_dem(DATA / "LDEM_4.LBL")
    assert isinstance(g, LatLonGrid)
    # DSMAP convention: line 1 centre 89.875 N, sample 1 centre 0.125 E (README: row 0 is
    # 90 N, column 0 starts at 0 E)
    assert g.lat_deg[0] == 89.875 and g.lon_deg[0] == 0.125 and g.lat_deg[-1] == -89.875


def test_ldem4_agrees_with_8ppd_cap():
    # Two independent products: the 8 ppd cap "matches LOLA LDEM_4 to 88 m rms" globally
    # (shared/data README).  Resampled to the same polar grid around the pole (150 km
    # square, 2 km pixels, coarser than neither's detail) they must agree to < 250 m rms
    # (polar relief is rougher than the global average) and show no offset > 50 m.
    _need(LDEM4)
    _need(CAP8)
    a = resample_to_polar(load_dem(LDEM4), -90.0, 0.0, 75.0, 2.0)
    b = resample_to_polar(latlon_grid_from_npz(CAP8), -90.0, 0.0, 75.0, 2.0)
    diff = a.height_m - b.height_m
    assert np.sqrt(np.mean(diff**2)) < 250.0
    assert abs(diff.mean()) < 50.0
    # and the 10 m site DEM sits inside, with a consistent mean height (site relief is
    # smoothed away at 2 km: compare the site mean with the coarse value, 300 m)
    _need(SITE01)
    s = load_dem(SITE01)
    xs, ys = s.xy()
    coarse = sample_bilinear(b, xs[::100, ::100], ys[::100, ::100])
    assert np.mean(coarse) == pytest.approx(s.height_m[::100, ::100].mean(), abs=300.0)


# ---------------------------------------------------------------- PDS3 written here
def _label(
    lines,
    samples,
    stype="LSB_INTEGER",
    bits=16,
    proj="POLAR STEREOGRAPHIC",
    extra="",
    pointer='"T.IMG"',
    scale="20.0 <METERS/PIXEL>",
):
    return f"""PDS_VERSION_ID = PDS3
/* a comment */
RECORD_TYPE = FIXED_LENGTH
RECORD_BYTES = {samples * bits // 8}
^IMAGE = {pointer}
OBJECT = IMAGE
  NAME = HEIGHT
  DESCRIPTION = "multi-line
     description"
  LINES = {lines}
  LINE_SAMPLES = {samples}
  SAMPLE_TYPE = {stype}
  SAMPLE_BITS = {bits}
  SCALING_FACTOR = 0.5
  OFFSET = 1737400.
  MISSING_CONSTANT = -32768
  {extra}
END_OBJECT = IMAGE
OBJECT = IMAGE_MAP_PROJECTION
  MAP_PROJECTION_TYPE = "{proj}"
  A_AXIS_RADIUS = 1737.4 <KM>
  CENTER_LATITUDE = -90 <DEG>
  CENTER_LONGITUDE = 0 <DEG>
  MAP_SCALE = {scale}
  LINE_PROJECTION_OFFSET = 9.5 <PIXEL>
  SAMPLE_PROJECTION_OFFSET = 4.5 <PIXEL>
  MAP_RESOLUTION = 4 <PIX/DEG>
  POSITIVE_LONGITUDE_DIRECTION = "EAST"
  MISSION_PHASE_NAME = {{"A","B
     C"}}
END_OBJECT = IMAGE_MAP_PROJECTION
END
"""


def test_parse_label_values_units_sets():
    lab = parse_label(_label(4, 5))
    img = lab["IMAGE"]
    assert img["LINES"].value == 4 and img["SCALING_FACTOR"].value == 0.5
    assert img["DESCRIPTION"].value == "multi-line description"
    proj = lab["IMAGE_MAP_PROJECTION"]
    assert proj["MAP_SCALE"].value == 20.0 and proj["MAP_SCALE"].unit == "METERS/PIXEL"
    assert proj["MISSION_PHASE_NAME"].value == ("A", "B C")
    with pytest.raises(ValueError, match="END_OBJECT"):
        parse_label("OBJECT = A\nX = 1\nEND")
    # an unterminated quote inside parentheses used to loop forever (found by the fuzz tests)
    with pytest.raises(ValueError, match="unterminated"):
        parse_label('A = ("x, 1)\nEND')


def test_pds3_detached_polar_int16(tmp_path):
    rng = np.random.default_rng(0)
    dn = rng.integers(-2000, 2000, size=(20, 10)).astype("<i2")
    dn[3, 4] = -32768  # MISSING_CONSTANT
    (tmp_path / "T.IMG").write_bytes(dn.tobytes())
    (tmp_path / "T.LBL").write_text(_label(20, 10))
    d = load_dem(tmp_path / "T.IMG")  # finds T.LBL beside it
    assert isinstance(d, Dem)
    assert d.filled_fraction == pytest.approx(1 / 200)
    np.testing.assert_allclose(d.height_m[0, 0], dn[0, 0] * 0.5)
    assert np.isfinite(d.height_m).all()
    # centre of line 1 / sample 1 is X = -SPO s, Y = LPO s -> corner half a pixel out
    assert d.x0_km == pytest.approx(-5.0 * 0.02) and d.y0_km == pytest.approx(10.0 * 0.02)
    assert d.pixel_km == pytest.approx(0.02)


def test_pds3_attached_msb_float(tmp_path):
    vals = np.linspace(-100, 100, 6 * 8).reshape(6, 8).astype(">f4")
    lab = _label(6, 8, "IEEE_REAL", 32, pointer="3", scale="0.02 <KM/PIXEL>")
    rec = 8 * 4
    head = lab.encode()
    nrec = -(-len(head) // rec) + 1
    head = head.ljust((nrec - 1) * rec, b" ")
    lab = lab.replace("^IMAGE = 3", f"^IMAGE = {nrec}")
    head = lab.encode().ljust((nrec - 1) * rec, b" ")
    (tmp_path / "A.IMG").write_bytes(head + vals.tobytes())
    d = load_dem(tmp_path / "A.IMG")
    np.testing.assert_allclose(d.height_m, vals.astype(float) * 0.5, rtol=1e-6)


def test_pds3_corrupt_files(tmp_path):
    dn = np.zeros((20, 10), "<i2")
    (tmp_path / "T.IMG").write_bytes(dn.tobytes()[:-10])  # truncated
    (tmp_path / "T.LBL").write_text(_label(20, 10))
    with pytest.raises(ValueError, match="bytes"):
        load_dem(tmp_path / "T.LBL")
    (tmp_path / "T.IMG").write_bytes(dn.tobytes())
    (tmp_path / "T.LBL").write_text(_label(20, 10, stype="VAX_REAL", bits=32))
    with pytest.raises(ValueError, match="SAMPLE_TYPE"):
        load_dem(tmp_path / "T.LBL")
    (tmp_path / "T.LBL").write_text(_label(20, 10, proj="MERCATOR"))
    with pytest.raises(ValueError, match="MAP_PROJECTION_TYPE"):
        load_dem(tmp_path / "T.LBL")
    (tmp_path / "T.LBL").write_text(_label(20, 10).replace("  LINES = 20\n", ""))
    with pytest.raises(ValueError, match="LINES"):
        load_dem(tmp_path / "T.LBL")
    # mostly missing: more than max_fill_fraction
    (tmp_path / "T.IMG").write_bytes(np.full((20, 10), -32768, "<i2").tobytes())
    (tmp_path / "T.LBL").write_text(_label(20, 10))
    with pytest.raises(ValueError, match="missing"):
        load_dem(tmp_path / "T.LBL")
    (tmp_path / "L.IMG").write_bytes(b"\0" * 100)
    with pytest.raises(ValueError, match="no PDS3 label"):
        load_dem(tmp_path / "L.IMG")
    with pytest.raises(ValueError, match="not found"):
        load_dem(tmp_path / "nothing.IMG")


# ---------------------------------------------------------------- GeoTIFF
def _geotiff(path, data, ct=15, lat0=-90.0, nodata=None, raster_type=1):
    import tifffile

    # GeoKeyDirectory: version 1.1.0, then (key, location, count, value/offset)
    keys = [
        (1024, 0, 1, 1),  # GTModelTypeGeoKey = projected
        (1025, 0, 1, raster_type),
        (2057, 34736, 1, 0),  # semi-major axis
        (3075, 0, 1, ct),
        (3076, 0, 1, 9001),
        (3081, 34736, 1, 1),  # origin latitude
        (3095, 34736, 1, 2),  # straight vertical pole longitude
    ]
    gkd = [1, 1, 0, len(keys)] + [v for k in keys for v in k]
    extratags = [
        (33550, "d", 3, (20.0, 20.0, 0.0), False),
        (33922, "d", 6, (0.0, 0.0, 0.0, -5000.0, 8000.0, 0.0), False),
        (34735, "H", len(gkd), gkd, False),
        (34736, "d", 3, (1737400.0, lat0, 0.0), False),
    ]
    if nodata is not None:
        extratags.append((42113, "s", 0, str(nodata), False))
    tifffile.imwrite(path, data, extratags=extratags)


def test_geotiff_roundtrip_and_nodata(tmp_path):
    pytest.importorskip("tifffile")
    h = np.arange(30 * 40, dtype="f4").reshape(30, 40)
    h[5, 5] = -9999.0
    p = tmp_path / "site.tif"
    _geotiff(p, h, nodata=-9999)
    d = load_dem(p)
    assert d.x0_km == pytest.approx(-5.0) and d.y0_km == pytest.approx(8.0)
    assert d.pixel_km == pytest.approx(0.02) and d.shape == (30, 40)
    assert d.filled_fraction == pytest.approx(1 / 1200)
    assert d.height_m[5, 5] in (h[4, 5], h[6, 5], h[5, 4], h[5, 6])
    # PixelIsPoint: the tiepoint names the centre of pixel (0, 0)
    _geotiff(p, h, raster_type=2)
    d2 = load_dem(p)
    assert d2.x0_km == pytest.approx(-5.01) and d2.y0_km == pytest.approx(8.01)


def test_geotiff_wrong_projection(tmp_path):
    pytest.importorskip("tifffile")
    p = tmp_path / "x.tif"
    _geotiff(p, np.zeros((4, 4), "f4"), ct=1)
    with pytest.raises(ValueError, match="stereographic"):
        load_dem(p)
    _geotiff(p, np.zeros((4, 4), "f4"), lat0=90.0)
    with pytest.raises(ValueError, match="-90"):
        load_dem(p)
    p.write_bytes(b"not a tiff at all")
    with pytest.raises(ValueError, match="TIFF"):
        load_dem(p)


# ---------------------------------------------------------------- crop, resample, fill
def test_crop_centre_and_coverage():
    h = np.arange(100 * 100, dtype=float).reshape(100, 100)
    d = Dem(h, -1.0, 1.0, 0.02)  # covers X, Y in [-1, 1] km around the pole
    lat = np.degrees(-np.pi / 2 + 2 * np.arctan(0.3 / (2 * 1737.4)))
    c = crop(d, lat, 90.0, 0.2)  # site at X = 0.3, Y = 0
    assert c.shape == (20, 20)
    xs, ys = c.xy()
    assert xs.mean() == pytest.approx(0.3, abs=0.011) and ys.mean() == pytest.approx(0.0, abs=0.011)
    np.testing.assert_array_equal(c.height_m, d.height_m[40:60, 55:75])
    with pytest.raises(ValueError, match="does not cover"):
        crop(d, lat, 90.0, 0.9)
    with pytest.raises(ValueError, match="center_lat_deg"):
        crop(d, 10.0, 0.0, 0.1)


def test_resample_exact_for_smooth_field():
    # A field linear in latitude is reproduced exactly by bilinear resampling.
    lat = np.arange(-70.125, -90, -0.25)
    lon = np.arange(0.125, 360, 0.25)
    g = LatLonGrid(np.repeat((lat[:, None] + 90) * 100.0, lon.size, axis=1), lat, lon)
    d = resample_to_polar(g, -85.0, 45.0, 20.0, 1.0)
    la, _ = d.latlon()
    np.testing.assert_allclose(d.height_m, (np.degrees(la) + 90) * 100.0, atol=1e-6)
    with pytest.raises(ValueError, match="latitudes"):
        resample_to_polar(LatLonGrid(g.height_m[:20], lat[:20], lon), -89.0, 0.0, 20.0, 1.0)


def test_fill_holes():
    h = np.array([[1.0, np.nan], [3.0, 4.0]])
    f, frac = fill_holes(h, 0.5)
    assert frac == 0.25 and np.isfinite(f).all() and f[0, 1] in (1.0, 4.0)
    with pytest.raises(ValueError, match="no valid"):
        fill_holes(np.full((2, 2), np.nan))
    with pytest.raises(ValueError, match="max_fill_fraction"):
        fill_holes(h, 0.1)


# ---------------------------------------------------------------- bad input (issue items 5, 6, 11)
def _polar_pair(tmp_path, dn, **label_kw):
    """Write T.IMG (the DNs) and T.LBL (a label for their shape, overridable) in tmp_path."""
    lines, samples = label_kw.pop("lines", dn.shape[0]), label_kw.pop("samples", dn.shape[1])
    (tmp_path / "T.IMG").write_bytes(dn.astype("<i2").tobytes())
    (tmp_path / "T.LBL").write_text(_label(lines, samples, **label_kw))
    return tmp_path / "T.LBL"


def test_pds3_label_disagreeing_with_file_size(tmp_path):
    # 200 x 200 int16 = 80000 bytes; a label saying 199 x 201 (79998 bytes) used to read
    # silently skewed rows.  Both byte counts and the data file are in the message.
    lbl = _polar_pair(tmp_path, np.zeros((200, 200)), lines=199, samples=201)
    with pytest.raises(ValueError, match=r"79998.*T\.IMG has 80000 bytes"):
        load_dem(lbl)
    lbl = _polar_pair(tmp_path, np.zeros((200, 200)), lines=200, samples=199)  # too large a file
    with pytest.raises(ValueError, match="label and file disagree"):
        load_dem(lbl)


@pytest.mark.parametrize(
    ("old", "new", "what"),
    [
        ("LINES = 20", "LINES = abc", "LINES"),
        ("LINES = 20", "LINES = 19.5", "LINES"),
        ("LINES = 20", "LINES = -20", "LINES"),
        ("SAMPLE_BITS = 16", "", "SAMPLE_BITS"),
        ("SCALING_FACTOR = 0.5", "SCALING_FACTOR = 0", "SCALING_FACTOR"),
        ("SCALING_FACTOR = 0.5", "SCALING_FACTOR = 1e999", "SCALING_FACTOR"),
        ("OFFSET = 1737400.", "OFFSET = nan", "OFFSET"),
        ("A_AXIS_RADIUS = 1737.4 <KM>", "A_AXIS_RADIUS = -1 <KM>", "A_AXIS_RADIUS"),
        ("MAP_SCALE = 20.0 <METERS/PIXEL>", "MAP_SCALE = -20 <METERS/PIXEL>", "MAP_SCALE"),
        ("CENTER_LATITUDE = -90 <DEG>", "CENTER_LATITUDE = -200 <DEG>", "CENTER_LATITUDE"),
        ("LINE_PROJECTION_OFFSET = 9.5 <PIXEL>", "", "LINE_PROJECTION_OFFSET"),
        ('^IMAGE = "T.IMG"', '^IMAGE = ("T.IMG", x)', "IMAGE"),
        ('^IMAGE = "T.IMG"', "^IMAGE = ()", "IMAGE"),
        ("RECORD_BYTES = 20", "RECORD_BYTES = 0", "RECORD_BYTES"),
    ],
)
def test_pds3_label_field_out_of_range(tmp_path, old, new, what):
    lbl = _polar_pair(tmp_path, np.zeros((20, 10)))
    text = lbl.read_text()
    assert old in text
    lbl.write_text(text.replace(old, new))
    with pytest.raises(ValueError, match=what) as err:
        load_dem(lbl)
    assert str(lbl) in str(err.value)


def test_pds3_window_decodes_only_the_crop(tmp_path):
    # A polar product read with the crop's MapWindow gives the same crop as the whole file
    # (same pixels, same lattice) from a decoded part a few pixels larger than the crop.
    from lupex.surface.dem import MapWindow
    from lupex.surface.projection import xy_to_latlon

    dn = np.random.default_rng(1).integers(-2000, 2000, size=(60, 50))
    lbl = _polar_pair(tmp_path, dn)
    whole = load_dem(lbl)
    lat, lon = (np.degrees(v) for v in xy_to_latlon(0.3, 0.0))  # inside: X -0.1..0.9 km
    part = load_dem(lbl, window=MapWindow.around(lat, lon, 0.2, 0.2))
    assert part.shape[0] < 30 and part.shape[1] < 30
    a, b = crop(whole, lat, lon, 0.2), crop(part, lat, lon, 0.2)
    np.testing.assert_array_equal(a.height_m, b.height_m)
    assert a.x0_km == pytest.approx(b.x0_km, abs=1e-12) and a.y0_km == pytest.approx(b.y0_km)
    far = MapWindow.around(-80.0, 0.0, 1.0, 0.02)
    with pytest.raises(ValueError, match="does not cover") as err:
        load_dem(lbl, window=far)
    assert "T.IMG" in str(err.value)


def test_ldem4_window_matches_whole_file():
    # LDEM_4 (see test_ldem4_label_and_values): the rows a 150 km polar square needs give
    # the same resampled map as the whole global grid, to rounding.
    _need(LDEM4)
    from lupex.surface.dem import MapWindow

    win = MapWindow.around(-89.0, 0.0, 75.0, 2.0)
    part = load_dem(LDEM4, window=win)
    assert part.height_m.shape[0] < 30 and part.height_m.shape[1] == 1440
    a = resample_to_polar(part, -89.0, 0.0, 75.0, 2.0)
    b = resample_to_polar(load_dem(LDEM4), -89.0, 0.0, 75.0, 2.0)
    np.testing.assert_allclose(a.height_m, b.height_m, atol=1e-6)


def _tiff_header_only(path, ny, nx):
    """A little-endian TIFF whose one IFD declares ny x nx float32 pixels, with no pixel data."""
    import struct

    entries = [(256, 4, 1, nx), (257, 4, 1, ny), (258, 3, 1, 32), (259, 3, 1, 1), (262, 3, 1, 1),
               (273, 4, 1, 8), (277, 3, 1, 1), (278, 4, 1, ny), (279, 4, 1, 4 * nx * ny % 2**32),
               (339, 3, 1, 3)]
    ifd = struct.pack("<H", len(entries))
    for tag, typ, count, value in entries:
        ifd += struct.pack("<HHI", tag, typ, count)
        ifd += struct.pack("<HH", value, 0) if typ == 3 else struct.pack("<I", value)
    path.write_bytes(b"II*\0" + struct.pack("<I", 8) + ifd + b"\0\0\0\0")


def test_geotiff_declared_huge_is_refused_before_reading(tmp_path):
    pytest.importorskip("tifffile")
    p = tmp_path / "huge.tif"
    _tiff_header_only(p, 10**6, 10**6)
    with pytest.raises(ValueError, match=r"1000000 x 1000000 = 1000000000000 pixels.*limit") as e:
        load_dem(p)
    assert str(p) in str(e.value)


def _npz_with_header(path, members):
    """Write an .npz whose members are {name: (declared shape, dtype str, data bytes)}."""
    import io
    import zipfile

    with zipfile.ZipFile(path, "w") as zf:
        for name, (shape, descr, data) in members.items():
            buf = io.BytesIO()
            np.lib.format.write_array_header_1_0(
                buf, {"descr": descr, "fortran_order": False, "shape": shape}
            )
            zf.writestr(f"{name}.npy", buf.getvalue() + data)


def test_npz_declared_huge_is_refused_before_reading(tmp_path):
    p = tmp_path / "huge.npz"
    scalar = ((), "<f8", np.float64(0.0).tobytes())
    _npz_with_header(p, {
        "height_dm": ((10**6, 10**6), "<i2", b"\0" * 64),
        "x0_m": scalar, "y0_m": scalar,
        "pixel_m": ((), "<f8", np.float64(10.0).tobytes()),
        "ref_radius_m": ((), "<f8", np.float64(1737400.0).tobytes()),
    })
    with pytest.raises(ValueError, match=r"height_dm declares 1000000 x 1000000.*limit") as e:
        load_dem(p)
    assert str(p) in str(e.value)


def test_raster_limit_follows_available_memory():
    from lupex.surface.raster_budget import MAX_DEM_PIXELS, raster_pixel_limit

    assert raster_pixel_limit(available_bytes=10**15)[0] == MAX_DEM_PIXELS
    n, why = raster_pixel_limit(available_bytes=48 * 10**6)  # 24 MB usable, 3 float64 copies
    assert n == 10**6 and "available memory" in why


def test_random_and_empty_tiff_name_the_file(tmp_path):
    pytest.importorskip("tifffile")
    p = tmp_path / "junk.tif"
    for content in (np.random.default_rng(3).bytes(300), b"", b"II*\0\x08\0\0\0\0\0"):
        p.write_bytes(content)
        with pytest.raises(ValueError, match="junk.tif"):
            load_dem(p)


def _site_arrays(**override):
    a = {"height_dm": np.zeros((4, 5), "i2"), "x0_m": 0.0, "y0_m": 0.0, "pixel_m": 10.0,
         "ref_radius_m": 1737400.0}
    a.update(override)
    return {k: v for k, v in a.items() if v is not None}


@pytest.mark.parametrize(
    ("arrays", "what"),
    [
        ({}, "unknown .npz layout"),
        (_site_arrays(x0_m=None), "needs keys"),
        (_site_arrays(pixel_m=np.nan), "pixel_m"),
        (_site_arrays(pixel_m=-10.0), "pixel_m"),
        (_site_arrays(pixel_m=np.array([10.0, 20.0])), "pixel_m"),
        (_site_arrays(pixel_m="ten"), "pixel_m"),
        (_site_arrays(height_dm=np.zeros(20, "i2")), "height_dm must be a 2-D"),
        (_site_arrays(height_dm=np.zeros((4, 5), complex)), "height_dm has dtype"),
        (_site_arrays(height_dm=np.array([["a", "b"]])), "height_dm has dtype"),
        (_site_arrays(height_dm=np.zeros((0, 5), "i2")), "height_dm declares shape"),
        (_site_arrays(height_dm=np.full((4, 5), np.nan)), "no valid heights"),
        (_site_arrays(ref_radius_m=1738000.0), "ref_radius_m"),
        ({"elev_km": np.zeros((3, 4)), "lat_deg": np.zeros((3, 1)), "lon_deg": np.arange(4.0)},
         "lat_deg must be a 1-D"),
        ({"elev_km": np.zeros((3, 4)), "lat_deg": [-80.0, -81, -82], "lon_deg": np.ones(4)},
         "lon_deg"),
    ],
)
def test_malformed_npz_names_file_and_problem(tmp_path, arrays, what):
    p = tmp_path / "bad.npz"
    np.savez(p, **arrays)
    with pytest.raises(ValueError, match=what) as e:
        load_dem(p)
    assert str(p) in str(e.value) and e.value.__cause__ is None


def test_npz_that_is_not_an_archive(tmp_path):
    p = tmp_path / "x.npz"
    for content in (b"", b"PK\x03\x04garbage", np.random.default_rng(4).bytes(200)):
        p.write_bytes(content)
        with pytest.raises(ValueError, match="x.npz"):
            load_dem(p)
    np.save(tmp_path / "y.npy", np.zeros(3))
    (tmp_path / "y.npy").rename(p)
    with pytest.raises(ValueError, match="not an .npz archive"):
        load_dem(p)


def test_synthetic_pixel_range_is_public():
    from lupex.surface.synthetic import SYNTHETIC_PIXEL_M, synthetic_south_pole

    assert SYNTHETIC_PIXEL_M == (20.0, 240.0)
    lo, hi = SYNTHETIC_PIXEL_M
    with pytest.raises(ValueError, match=f"{lo:g}-{hi:g} m"):
        synthetic_south_pole(5.0, hi / 1000 * 1.01)
    assert synthetic_south_pole(2.0, hi / 1000).pixel_km == pytest.approx(0.24)
