"""Reader for PDS3 gridded products (LOLA GDR ``.IMG`` with a detached or attached ``.LBL``).

The label is ODL (PDS Standards Reference, JPL D-7669 part 2, ch. 12): ``KEY = VALUE``
lines grouped by ``OBJECT = NAME`` ... ``END_OBJECT``, values being numbers with
optional ``<unit>``, quoted strings (which may span lines), sets ``{...}``,
sequences ``(...)``, and ``/* comments */``.  We parse the subset gridded DEMs use.

Geometry (PDS DSMAP.CAT convention, 1-based LINE and SAMPLE at pixel centres):

* SIMPLE CYLINDRICAL / EQUIRECTANGULAR:
  ``lat = CENTER_LATITUDE - (LINE - LINE_PROJECTION_OFFSET - 1) / MAP_RESOLUTION``,
  ``lon = CENTER_LONGITUDE + (SAMPLE - SAMPLE_PROJECTION_OFFSET - 1) / MAP_RESOLUTION``
  (checked on LDEM_4: line 1 is 89.875 N, sample 1 is 0.125 E);
* POLAR STEREOGRAPHIC (south, CENTER_LATITUDE = -90):
  ``X = (SAMPLE - SAMPLE_PROJECTION_OFFSET - 1) MAP_SCALE``,
  ``Y = (1 - LINE + LINE_PROJECTION_OFFSET) MAP_SCALE``, then
  ``lat = -90 + 2 atan(rho / 2R)``, ``lon = CENTER_LONGITUDE + atan2(X, Y)`` --
  the lupex projection (:mod:`lupex.surface.projection`) when CENTER_LONGITUDE = 0.

Heights: ``HEIGHT = DN * SCALING_FACTOR`` for LOLA products, whose ``OFFSET`` is the
1737.4 km reference radius (the LDEM label note: PLANETARY_RADIUS = DN * SCALING_FACTOR +
OFFSET); for other products with a small ``OFFSET``, ``HEIGHT = DN * SCALING_FACTOR +
OFFSET``.  Pixels equal to ``MISSING_CONSTANT`` (or NaN) are missing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lupex.constants import R_MOON_KM
from lupex.surface.raster_budget import check_raster_size

__all__ = ["Pds3Image", "Pds3Product", "open_pds3", "parse_label", "pds3_heights_m", "read_pds3"]

_SAMPLE_TYPES = {
    # (SAMPLE_TYPE, SAMPLE_BITS) -> numpy dtype
    ("LSB_INTEGER", 16): "<i2",
    ("MSB_INTEGER", 16): ">i2",
    ("LSB_INTEGER", 32): "<i4",
    ("MSB_INTEGER", 32): ">i4",
    ("LSB_UNSIGNED_INTEGER", 16): "<u2",
    ("MSB_UNSIGNED_INTEGER", 16): ">u2",
    ("UNSIGNED_INTEGER", 16): ">u2",
    ("INTEGER", 16): ">i2",
    ("LSB_UNSIGNED_INTEGER", 8): "u1",
    ("MSB_UNSIGNED_INTEGER", 8): "u1",
    ("UNSIGNED_INTEGER", 8): "u1",
    ("PC_REAL", 32): "<f4",
    ("IEEE_REAL", 32): ">f4",
    ("REAL", 32): ">f4",
    ("FLOAT", 32): ">f4",
    ("PC_REAL", 64): "<f8",
    ("IEEE_REAL", 64): ">f8",
}


@dataclass(frozen=True)
class Value:
    """A label value: ``value`` (str, float, int, tuple) and its ``unit`` (or None)."""

    value: object
    unit: str | None = None


def _tokenise_value(text: str, pos: int):
    """Parse one ODL value starting at ``pos``; return (python value, unit, new pos)."""
    n = len(text)
    while pos < n and text[pos] in " \t":
        pos += 1
    if pos >= n:
        return "", None, pos
    c = text[pos]
    if c == '"':
        end = text.find('"', pos + 1)
        if end < 0:
            raise ValueError("PDS3 label: unterminated quoted string")
        raw = " ".join(text[pos + 1 : end].split())
        return raw, None, end + 1
    if c == "'":
        end = text.find("'", pos + 1)
        if end < 0:
            raise ValueError("PDS3 label: unterminated quoted symbol")
        return text[pos + 1 : end], None, end + 1
    if c in "({":
        close = ")" if c == "(" else "}"
        depth, end = 0, pos
        while end < n:
            if text[end] in "({":
                depth += 1
            elif text[end] in ")}":
                depth -= 1
                if depth == 0:
                    break
            elif text[end] == '"':
                end = text.find('"', end + 1)
                if end < 0:  # (find's -1 would restart the scan: an endless loop)
                    raise ValueError("PDS3 label: unterminated quoted string")
            end += 1
        if end >= n or text[end] != close:
            raise ValueError("PDS3 label: unbalanced parentheses or braces")
        inner = text[pos + 1 : end]
        items = []
        p = 0
        while p < len(inner):
            v, u, p = _tokenise_value(inner, p)
            items.append(v if u is None else Value(v, u))
            while p < len(inner) and inner[p] in " \t\r\n,":
                p += 1
        return tuple(items), None, end + 1
    m = re.compile(r"[^\s,)}<]+").match(text, pos)
    tok = m.group(0) if m else ""
    pos = m.end() if m else pos + 1
    val: object = tok
    try:
        val = int(tok)
    except ValueError:
        try:
            val = float(tok)
        except ValueError:
            pass
    unit = None
    mu = re.compile(r"\s*<([^>]*)>").match(text, pos)
    if mu:
        unit = mu.group(1).strip()
        pos = mu.end()
    return val, unit, pos


def parse_label(text: str) -> dict:
    """Parse PDS3 ODL label text into nested dicts.

    Objects become nested dicts under their name (repeated names get ``_2``, ``_3``
    suffixes); each attribute is a :class:`Value`.  Stops at ``END``.
    """
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.DOTALL)
    root: dict = {}
    stack = [root]
    pos, n = 0, len(text)
    key_re = re.compile(r"\s*(\^?[A-Za-z_][A-Za-z0-9_:]*)\s*(=)?")
    while pos < n:
        m = key_re.match(text, pos)
        if not m or m.end() == pos:
            pos += 1
            continue
        key = m.group(1).upper()
        pos = m.end()
        if not m.group(2):
            if key == "END":
                break
            continue
        val, unit, pos = _tokenise_value(text, pos)
        if key in ("OBJECT", "GROUP"):
            name = str(val).upper()
            cur = stack[-1]
            k, i = name, 2
            while k in cur:
                k, i = f"{name}_{i}", i + 1
            cur[k] = {}
            stack.append(cur[k])
        elif key in ("END_OBJECT", "END_GROUP"):
            if len(stack) == 1:
                raise ValueError("PDS3 label: END_OBJECT without OBJECT")
            stack.pop()
        else:
            stack[-1][key] = Value(val, unit)
    if len(stack) != 1:
        raise ValueError("PDS3 label: OBJECT without END_OBJECT")
    return root


def _find(d: dict, name: str):
    """Depth-first search for an object named ``name`` (or its first numbered copy)."""
    if name in d and isinstance(d[name], dict):
        return d[name]
    for v in d.values():
        if isinstance(v, dict):
            r = _find(v, name)
            if r is not None:
                return r
    return None


_NOT_AVAILABLE = ("N/A", "NULL", "UNK", "NONE")
_ABSENT = object()


def _num(obj: dict, key: str, default=None, required=True) -> float:
    """The number under ``key`` (finite or not); ``default`` when absent or N/A."""
    v = obj.get(key)
    if isinstance(v, dict):
        raise ValueError(f"label: {key} is an object, not a value")  # noqa: TRY004 (corrupt file)
    if v is None or isinstance(v.value, str) and v.value.upper() in _NOT_AVAILABLE:
        if required and default is None:
            raise ValueError(f"label: {key} missing")
        return default
    if not isinstance(v.value, (int, float)):
        raise ValueError(f"label: {key} = {v.value!r} is not a number")  # noqa: TRY004 (corrupt file)
    try:
        return float(v.value)
    except OverflowError:
        raise ValueError(f"label: {key} = {v.value} is out of range") from None


def _finite(obj: dict, key: str, lo=-np.inf, hi=np.inf, default=None, required=True,
            positive=False) -> float:
    """A finite label number in [lo, hi] (and > 0 if ``positive``); ``default`` (unchecked)
    when absent and optional."""
    x = _num(obj, key, None if required else _ABSENT, required)
    if x is _ABSENT:
        return default
    if positive and not (np.isfinite(x) and x > 0):
        raise ValueError(f"label: {key} = {x} must be a finite number > 0")
    if not (np.isfinite(x) and lo <= x <= hi):
        raise ValueError(f"label: {key} = {x} is out of range (allowed {lo:g} .. {hi:g})")
    return x


def _count(obj: dict, key: str, lo: int, hi: int) -> int:
    """A required whole-number label field in [lo, hi] (LINES, LINE_SAMPLES, SAMPLE_BITS)."""
    x = _num(obj, key)
    if not (np.isfinite(x) and x == int(x) and lo <= x <= hi):
        raise ValueError(f"label: {key} = {x:g} must be a whole number in {lo} .. {hi}")
    return int(x)


#: Largest PDS3 label [bytes] read (labels of gridded DEMs are a few kB).
MAX_LABEL_BYTES = 1 << 20
#: Largest LINES or LINE_SAMPLES accepted (LOLA's largest polar product is 30400 x 30400).
MAX_LINES = 10**6


@dataclass(frozen=True)
class Pds3Image:
    """A decoded PDS3 image with its map geometry.

    Attributes
    ----------
    height_m : ndarray (lines, samples), float64, NaN where missing
    projection : str   "POLAR STEREOGRAPHIC" or "SIMPLE CYLINDRICAL"
    map_scale_km : float   pixel size [km] (polar) or at the equator (cylindrical)
    map_resolution_ppd : float or None   pixels per degree (cylindrical)
    line_offset, sample_offset : float   LINE/SAMPLE_PROJECTION_OFFSET
    center_lat_deg, center_lon_deg : float
    radius_km : float   A_AXIS_RADIUS
    source : str
    """

    height_m: np.ndarray
    projection: str
    map_scale_km: float
    map_resolution_ppd: float | None
    line_offset: float
    sample_offset: float
    center_lat_deg: float
    center_lon_deg: float
    radius_km: float
    source: str


@dataclass(frozen=True, eq=False)
class Pds3Product:
    """A PDS3 gridded product opened but not decoded: its label and a memory map of its DNs.

    Attributes
    ----------
    dn : numpy.memmap, shape (lines, samples)
        The stored samples in their stored dtype (read-only; nothing is loaded until used).
    m_per_dn : float
        Height step [m] of one DN (SCALING_FACTOR).
    add_m : float
        Height [m] added to ``DN * m_per_dn`` to get the height above the 1737.4 km sphere.
    missing_dn : float or None
        MISSING_CONSTANT (pixels equal to it are missing).
    projection, map_scale_km, map_resolution_ppd, line_offset, sample_offset,
    center_lat_deg, center_lon_deg, radius_km, source
        As in :class:`Pds3Image`.
    """

    dn: np.ndarray
    m_per_dn: float
    add_m: float
    missing_dn: float | None
    projection: str
    map_scale_km: float
    map_resolution_ppd: float | None
    line_offset: float
    sample_offset: float
    center_lat_deg: float
    center_lon_deg: float
    radius_km: float
    source: str

    @property
    def shape(self) -> tuple[int, int]:
        return self.dn.shape


def _read_label_text(path: Path) -> str:
    """The text of a detached label file, refusing files too big to be one."""
    size = path.stat().st_size
    if size > MAX_LABEL_BYTES:
        raise ValueError(f"{size} bytes is too big for a PDS3 label (max {MAX_LABEL_BYTES})")
    return path.read_text(encoding="latin-1")


def _pointer_offset(v, rec: int, unit: str | None) -> int:
    """Byte offset of the image from an ^IMAGE record number (1-based) or <BYTES> position."""
    if isinstance(v, Value):
        v, unit = v.value, v.unit
    if not isinstance(v, int) or isinstance(v, bool) or v < 1:
        raise ValueError(f"label: ^IMAGE position {v!r} must be a whole number >= 1")
    return v - 1 if (unit or "").upper() == "BYTES" else (v - 1) * rec


def _locate(path: Path) -> tuple[dict, Path, int]:
    """Return (label, data file, byte offset of the image) for a .LBL or .IMG path."""
    if not path.is_file():
        raise ValueError(f"PDS3 file not found: {path}")
    with open(path, "rb") as f:
        head = f.read(65536)
    attached = head.lstrip().upper().startswith(b"PDS_VERSION_ID")
    if attached:
        text = head.decode("latin-1")
        end = re.search(r"^\s*END\s*$", text, flags=re.MULTILINE)
        label = parse_label(text[: end.end()] if end else text)
    elif path.suffix.upper() == ".IMG":
        lbl = None
        for cand in path.parent.iterdir():
            if cand.stem.upper() == path.stem.upper() and cand.suffix.upper() == ".LBL":
                lbl = cand
        if lbl is None:
            raise ValueError(f"no PDS3 label: {path} has no attached label and no .LBL beside it")
        label = parse_label(_read_label_text(lbl))
    else:
        label = parse_label(_read_label_text(path))
    ptr = label.get("^IMAGE")
    if ptr is None:
        for v in label.values():
            if isinstance(v, dict) and "^IMAGE" in v:
                ptr = v["^IMAGE"]
    if not isinstance(ptr, Value):
        raise ValueError("label: no ^IMAGE pointer")  # noqa: TRY004 (corrupt file)
    rec_f = _finite(label, "RECORD_BYTES", 1, 2**31, default=1.0, required=False)
    if rec_f != int(rec_f):
        raise ValueError(f"label: RECORD_BYTES = {rec_f:g} is not a whole number")
    rec = int(rec_f)
    pv, punit = ptr.value, ptr.unit
    fname, offset = None, 0
    if isinstance(pv, tuple):
        if not pv or not isinstance(pv[0], str):
            raise ValueError(f"label: ^IMAGE = {pv!r} must start with a file name")
        fname = pv[0]
        if len(pv) > 1:
            offset = _pointer_offset(pv[1], rec, None)
    elif isinstance(pv, str):
        fname = pv
    else:  # record number (attached label), or <BYTES>
        offset = _pointer_offset(pv, rec, punit)
    if fname is None:
        data = path
    else:
        data = None
        for cand in path.parent.iterdir():
            if cand.name.upper() == fname.upper() and cand.is_file():
                data = cand
        if data is None:
            raise ValueError(f"label points to {fname!r}, not found beside {path}")
    return label, data, offset


def _open(path: Path) -> Pds3Product:
    """:func:`open_pds3` without the file name in its errors."""
    label, data_path, offset = _locate(path)
    img = _find(label, "IMAGE")
    if img is None:
        raise ValueError("label: no IMAGE object")
    lines = _count(img, "LINES", 1, MAX_LINES)
    samples = _count(img, "LINE_SAMPLES", 1, MAX_LINES)
    bits = _count(img, "SAMPLE_BITS", 1, 64)
    stype = str(img.get("SAMPLE_TYPE", Value("")).value).upper().replace(" ", "_")
    key = (stype, bits)
    if key not in _SAMPLE_TYPES:
        raise ValueError(
            f"SAMPLE_TYPE {stype} with SAMPLE_BITS {bits} is not supported; "
            f"supported: {sorted(set(_SAMPLE_TYPES))}"
        )
    dtype = np.dtype(_SAMPLE_TYPES[key])
    nbytes = lines * samples * dtype.itemsize
    size = data_path.stat().st_size
    if size != offset + nbytes:
        raise ValueError(
            f"label says {lines} x {samples} samples of {bits} bits = {nbytes} bytes from "
            f"byte {offset}, i.e. a {offset + nbytes}-byte file, but {data_path} has {size} "
            "bytes: label and file disagree"
        )
    sf = _finite(img, "SCALING_FACTOR", default=1.0, required=False)
    if sf == 0.0:
        raise ValueError("label: SCALING_FACTOR = 0 (every height would be 0)")
    off = _finite(img, "OFFSET", default=0.0, required=False)
    mc = img.get("MISSING_CONSTANT")
    missing_dn = None
    if isinstance(mc, Value) and isinstance(mc.value, (int, float)):
        missing_dn = mc.value
    proj = _find(label, "IMAGE_MAP_PROJECTION")
    if proj is None:
        raise ValueError("label: no IMAGE_MAP_PROJECTION object")
    radius_km = _finite(proj, "A_AXIS_RADIUS", 1e-3, 1e7, positive=True)
    if (proj["A_AXIS_RADIUS"].unit or "KM").upper() in ("M", "METER", "METERS"):
        radius_km /= 1000.0
    # LOLA: OFFSET is the reference radius [m]; elsewhere an additive height offset
    lola = abs(off - radius_km * 1000.0) < 1.0 or abs(off - radius_km) < 1e-3
    # heights relative to the product's sphere -> relative to the 1737.4 km sphere
    add_m = (0.0 if lola else off) + (radius_km - R_MOON_KM) * 1000.0
    ptype = str(proj.get("MAP_PROJECTION_TYPE", Value("")).value).upper()
    scale = _finite(proj, "MAP_SCALE", default=np.nan, required=False, positive=True)
    sunit = str(getattr(proj.get("MAP_SCALE"), "unit", None) or "KM/PIXEL").upper()
    scale_km = scale / 1000.0 if sunit.startswith("M") else scale
    res = _finite(proj, "MAP_RESOLUTION", default=np.nan, required=False, positive=True)
    clat = _finite(proj, "CENTER_LATITUDE", -90.0, 90.0, default=0.0, required=False)
    clon = _finite(proj, "CENTER_LONGITUDE", -360.0, 360.0, default=0.0, required=False)
    if ptype in ("SIMPLE CYLINDRICAL", "EQUIRECTANGULAR", "SIMPLE_CYLINDRICAL"):
        ptype = "SIMPLE CYLINDRICAL"
        if not np.isfinite(res):
            res = 2 * np.pi * radius_km / 360.0 / scale_km
        if not (np.isfinite(res) and res > 0):
            raise ValueError(
                "label: a cylindrical product needs MAP_RESOLUTION or MAP_SCALE > 0"
            )
    elif ptype in ("POLAR STEREOGRAPHIC", "POLAR_STEREOGRAPHIC"):
        ptype = "POLAR STEREOGRAPHIC"
        if clat != -90.0:
            raise ValueError(
                f"only south polar stereographic (CENTER_LATITUDE -90) is supported, got {clat}"
            )
        if not (np.isfinite(scale_km) and scale_km > 0):
            raise ValueError("label: MAP_SCALE (> 0) missing for a polar stereographic product")
        res = None
    else:
        raise ValueError(
            f"MAP_PROJECTION_TYPE {ptype!r} not supported "
            "(POLAR STEREOGRAPHIC or SIMPLE CYLINDRICAL)"
        )
    line_offset = _finite(proj, "LINE_PROJECTION_OFFSET")
    sample_offset = _finite(proj, "SAMPLE_PROJECTION_OFFSET")
    dn = np.memmap(data_path, dtype=dtype, mode="r", offset=offset, shape=(lines, samples))
    return Pds3Product(
        dn=dn,
        m_per_dn=sf,
        add_m=add_m,
        missing_dn=missing_dn,
        projection=ptype,
        map_scale_km=float(scale_km),
        map_resolution_ppd=None if res is None else float(res),
        line_offset=line_offset,
        sample_offset=sample_offset,
        center_lat_deg=clat,
        center_lon_deg=clon,
        radius_km=radius_km,
        source=str(data_path),
    )


def open_pds3(path) -> Pds3Product:
    """Open a PDS3 gridded DEM (``.IMG`` or ``.LBL``) without decoding its pixels.

    The label is parsed and checked, the data file's size must be exactly the image's
    (``LINES x LINE_SAMPLES x SAMPLE_BITS / 8`` bytes after the ``^IMAGE`` offset), and the
    samples are memory-mapped in their stored dtype; :func:`pds3_heights_m` decodes a window.

    Parameters
    ----------
    path : str or os.PathLike
        The ``.IMG`` (label attached, or a ``.LBL`` beside it) or the ``.LBL``.

    Returns
    -------
    Pds3Product

    Raises
    ------
    ValueError
        Naming the file, for a missing file or label, a label field missing, non-numeric
        or out of range, an unsupported sample type or projection, or a data file whose
        size disagrees with the label.
    """
    path = Path(path)
    try:
        return _open(path)
    except (ValueError, OSError) as exc:
        msg = str(exc).removeprefix("PDS3 ")
        raise ValueError(msg if str(path) in msg else f"PDS3 {path}: {msg}") from None


def pds3_heights_m(product: Pds3Product, rows: slice = slice(None),
                   cols: slice = slice(None)) -> np.ndarray:
    """Decode a window of a PDS3 product to heights [m] above the 1737.4 km sphere.

    Only the window's samples are read and converted, so the memory used is that of
    the window (float64), whatever the file's size.

    Parameters
    ----------
    product : Pds3Product
        From :func:`open_pds3`.
    rows, cols : slice
        The window (line and sample indices, 0-based).

    Returns
    -------
    numpy.ndarray, shape (rows, cols), float64
        ``DN * SCALING_FACTOR + add_m`` [m]; NaN where the sample is non-finite or equals
        MISSING_CONSTANT.

    Raises
    ------
    ValueError
        When the window is larger than :func:`lupex.surface.raster_budget.check_raster_size`
        allows.
    """
    dn = product.dn[rows, cols]
    check_raster_size(product.source, dn.shape, "PDS3 image window")
    h = dn.astype(np.float64)
    missing = ~np.isfinite(h)
    if product.missing_dn is not None:
        missing |= dn == product.missing_dn
    h *= product.m_per_dn
    h += product.add_m
    h[missing] = np.nan
    return h


def read_pds3(path) -> Pds3Image:
    """Read and decode a whole PDS3 gridded DEM (``.IMG`` or ``.LBL``; label detached or attached).

    Raises ``ValueError`` naming the file for everything :func:`open_pds3` refuses, and
    for an image too large to decode (:func:`lupex.surface.raster_budget.check_raster_size`).
    """
    p = open_pds3(path)
    return Pds3Image(
        height_m=pds3_heights_m(p),
        projection=p.projection,
        map_scale_km=p.map_scale_km,
        map_resolution_ppd=p.map_resolution_ppd,
        line_offset=p.line_offset,
        sample_offset=p.sample_offset,
        center_lat_deg=p.center_lat_deg,
        center_lon_deg=p.center_lon_deg,
        radius_km=p.radius_km,
        source=p.source,
    )
