"""Property tests: every DEM reader, fed broken files, returns a DEM or one ValueError naming the file.

Nothing else may escape (IndexError, KeyError, struct.error, MemoryError, tifffile's or
numpy's own exceptions...).  Each reader gets random bytes, and files written correctly
and then garbled: PDS3 labels with fields replaced by random values, GeoTIFFs written by
tifffile with random geo tags, and .npz archives with random keys, shapes and dtypes.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from lupex.surface.dem import Dem, LatLonGrid, load_dem
from tests.surface.test_dem_io import _geotiff, _label

FAST = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])


def _fresh(tmp_path) -> Path:
    """A new empty folder under tmp_path for one example."""
    return Path(tempfile.mkdtemp(dir=tmp_path))


def _outcome(path: Path):
    """load_dem(path): a Dem / LatLonGrid, or None after a ValueError that names the file."""
    try:
        out = load_dem(path)
    except ValueError as exc:
        assert str(path) in str(exc), f"error does not name {path}: {exc}"
        return None
    assert isinstance(out, (Dem, LatLonGrid))
    if isinstance(out, Dem):
        assert np.isfinite(out.height_m).all()
    return out


def _garble(data: bytes, edits) -> bytes:
    """Apply (position fraction, new byte) edits and an optional truncation to ``data``."""
    b = bytearray(data)
    for frac, val in edits:
        if b:
            b[min(int(frac * len(b)), len(b) - 1)] = val
    return bytes(b)


_edits = st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255)), max_size=8)
_cut = st.one_of(st.none(), st.floats(0, 1))


# ---------------------------------------------------------------- random bytes
@FAST
@given(data=st.binary(max_size=600), suffix=st.sampled_from([".IMG", ".LBL", ".tif", ".npz"]))
def test_random_bytes_any_reader(tmp_path, data, suffix):
    d = _fresh(tmp_path)
    p = d / f"R{suffix}"
    p.write_bytes(data)
    if suffix == ".LBL":  # a label beside random image bytes
        (d / "R.IMG").write_bytes(data[::-1])
    _outcome(p)


# ---------------------------------------------------------------- PDS3
_FIELDS = ["LINES", "LINE_SAMPLES", "SAMPLE_BITS", "SAMPLE_TYPE", "SCALING_FACTOR", "OFFSET",
           "MISSING_CONSTANT", "RECORD_BYTES", "^IMAGE", "A_AXIS_RADIUS", "CENTER_LATITUDE",
           "CENTER_LONGITUDE", "MAP_SCALE", "MAP_RESOLUTION", "LINE_PROJECTION_OFFSET",
           "SAMPLE_PROJECTION_OFFSET", "MAP_PROJECTION_TYPE", "OBJECT", "END_OBJECT"]
_values = st.one_of(
    st.integers(-(2**70), 2**70).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(['"T.IMG"', '("T.IMG", 2)', '("T.IMG", 5 <BYTES>)', "()", "(", "{1,2}",
                     '"', "N/A", "'N/A'", "LSB_INTEGER", "PC_REAL", "0", "-1", "1e999", "nan",
                     "20 <M>", "IMAGE", '"SIMPLE CYLINDRICAL"', '"POLAR STEREOGRAPHIC"', ""]),
    st.text(alphabet=st.characters(codec="latin-1"), max_size=12),
)


def _edit_label(text: str, edits) -> str:
    """Replace the value of each named field's first occurrence (or drop the line)."""
    lines = text.splitlines()
    for field, value, drop in edits:
        for i, line in enumerate(lines):
            if line.strip().startswith(field + " ") or line.strip().startswith(field + "="):
                lines[i] = "" if drop else f"  {field} = {value}"
                break
    return "\n".join(lines) + "\n"


@FAST
@given(
    shape=st.tuples(st.integers(1, 6), st.integers(1, 6)),
    proj=st.sampled_from(["POLAR STEREOGRAPHIC", "SIMPLE CYLINDRICAL"]),
    edits=st.lists(st.tuples(st.sampled_from(_FIELDS), _values, st.booleans()), max_size=4),
    nbytes_delta=st.sampled_from([0, 0, 0, -2, -1, 1, 2, 7]),
    dn=st.integers(-32768, 32767),
)
def test_pds3_label_and_image_pairs(tmp_path, shape, proj, edits, nbytes_delta, dn):
    d = _fresh(tmp_path)
    data = np.full(shape, dn, "<i2").tobytes()
    data = data[: len(data) + nbytes_delta] if nbytes_delta < 0 else data + b"\0" * nbytes_delta
    (d / "T.IMG").write_bytes(data)
    (d / "T.LBL").write_text(_edit_label(_label(*shape, proj=proj), edits), encoding="latin-1")
    out = _outcome(d / "T.LBL")
    if out is not None:  # only a label that matches the file's size can be accepted
        assert nbytes_delta == 0


@FAST
@given(edits=_edits, cut=_cut, attached_text=st.booleans())
def test_pds3_garbled_bytes(tmp_path, edits, cut, attached_text):
    d = _fresh(tmp_path)
    lab = _label(4, 5, "IEEE_REAL", 32, pointer="2", scale="0.02 <KM/PIXEL>")
    head = lab.encode().ljust(20 * ((len(lab) // 20) + 1), b" ")
    nrec = len(head) // 20 + 1
    head = lab.replace("^IMAGE = 2", f"^IMAGE = {nrec}").encode().ljust((nrec - 1) * 20, b" ")
    blob = head + np.arange(20, dtype=">f4").tobytes()
    blob = _garble(blob, edits)
    if cut is not None:
        blob = blob[: int(cut * len(blob))]
    p = d / ("A.IMG" if attached_text else "A.LBL")
    p.write_bytes(blob)
    _outcome(p)


# ---------------------------------------------------------------- GeoTIFF
_tag_values = st.one_of(
    st.lists(st.floats(allow_nan=True, allow_infinity=True), min_size=0, max_size=8),
    st.lists(st.integers(-5, 40000), min_size=0, max_size=40),
)


@FAST
@given(
    data=hnp.arrays(st.sampled_from(["f4", "f8", "i2", "u1", "i4"]),
                    st.tuples(st.integers(1, 5), st.integers(1, 5))),
    tag=st.sampled_from([33550, 33922, 34735, 34736, 42113, None]),
    values=_tag_values,
    edits=_edits,
    cut=_cut,
)
def test_geotiff_random_tags_and_bytes(tmp_path, data, tag, values, edits, cut):
    pytest.importorskip("tifffile")
    import tifffile

    d = _fresh(tmp_path)
    p = d / "g.tif"
    _geotiff(p, data, nodata=-9999)
    if tag is not None:  # rewrite the file with one geo tag replaced by random values
        with tifffile.TiffFile(p) as tf:
            tags = {t.code: t for t in tf.pages[0].tags.values()}
            extratags = [(c, t.dtype, t.count, t.value, False) for c, t in tags.items()
                         if c in (33550, 33922, 34735, 34736, 42113) and c != tag]
        if tag == 34735:
            ints = [int(v) % 65536 for v in values if np.isfinite(v)] or [0]
            extratags.append((tag, "H", len(ints), ints, False))
        elif tag == 42113:
            extratags.append((tag, "s", 0, repr(values), False))
        elif values:
            extratags.append((tag, "d", len(values), [float(v) for v in values], False))
        tifffile.imwrite(p, data, extratags=extratags)
    blob = _garble(p.read_bytes(), edits)
    if cut is not None:
        blob = blob[: int(cut * len(blob))]
    p.write_bytes(blob)
    _outcome(p)


# ---------------------------------------------------------------- npz
_npz_arrays = hnp.arrays(
    st.sampled_from(["i2", "u1", "f8", "f4", "?", "c16", "U3", "i8"]),
    hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4),
)
_npz_keys = st.sampled_from(["height_dm", "x0_m", "y0_m", "pixel_m", "ref_radius_m", "note",
                             "elev_km", "lat_deg", "lon_deg", "other"])


def _site(**override):
    a = {"height_dm": np.zeros((3, 4), "i2"), "x0_m": 0.0, "y0_m": 0.0, "pixel_m": 10.0,
         "ref_radius_m": 1737400.0}
    a.update(override)
    return a


@FAST
@given(
    base=st.sampled_from(["site", "latlon", "none"]),
    replace=st.dictionaries(_npz_keys, _npz_arrays, max_size=3),
    drop=st.lists(_npz_keys, max_size=2),
)
def test_npz_random_keys_shapes_dtypes(tmp_path, base, replace, drop):
    arrays = {"site": _site(), "none": {},
              "latlon": {"elev_km": np.zeros((3, 4)), "lat_deg": np.array([-80.0, -81.0, -82.0]),
                         "lon_deg": np.arange(4) * 90.0}}[base]
    arrays.update(replace)
    for k in drop:
        arrays.pop(k, None)
    p = _fresh(tmp_path) / "z.npz"
    np.savez(p, **arrays)
    _outcome(p)


@FAST
@given(edits=_edits, cut=_cut, compressed=st.booleans())
def test_npz_garbled_bytes(tmp_path, edits, cut, compressed):
    p = _fresh(tmp_path) / "z.npz"
    buf = io.BytesIO()
    (np.savez_compressed if compressed else np.savez)(buf, **_site())
    blob = _garble(buf.getvalue(), edits)
    if cut is not None:
        blob = blob[: int(cut * len(blob))]
    p.write_bytes(blob)
    _outcome(p)


@FAST
@given(shape=st.lists(st.integers(0, 10**7), min_size=0, max_size=3).map(tuple),
       descr=st.sampled_from(["<i2", "<f8", "|O", "<U5", "|b1"]))
def test_npz_declared_shapes(tmp_path, shape, descr):
    # a member whose header declares any shape (huge, empty, 1-D...) with a few bytes of data
    p = _fresh(tmp_path) / "z.npz"
    with zipfile.ZipFile(p, "w") as zf:
        for name, value in _site().items():
            if name == "height_dm":
                h = io.BytesIO()
                np.lib.format.write_array_header_1_0(
                    h, {"descr": descr, "fortran_order": False, "shape": shape})
                zf.writestr("height_dm.npy", h.getvalue() + b"\0" * 48)
            else:
                h = io.BytesIO()
                np.save(h, np.asarray(value))
                zf.writestr(f"{name}.npy", h.getvalue())
    _outcome(p)
