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

__all__ = ["Pds3Image", "parse_label", "read_pds3"]

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


def _num(obj: dict, key: str, default=None, required=True) -> float:
    v = obj.get(key)
    if v is None or isinstance(v.value, str) and v.value.upper() in ("N/A", "NULL", "UNK"):
        if required and default is None:
            raise ValueError(f"PDS3 label: {key} missing")
        return default
    if not isinstance(v.value, (int, float)):
        raise ValueError(f"PDS3 label: {key} = {v.value!r} is not a number")  # noqa: TRY004 (corrupt file)
    return float(v.value)


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


def _locate(path: Path) -> tuple[dict, Path, int]:
    """Return (label, data file, byte offset of the image) for a .LBL or .IMG path."""
    if not path.exists():
        raise ValueError(f"PDS3 file not found: {path}")
    head = path.read_bytes()[:65536]
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
        label = parse_label(lbl.read_text(encoding="latin-1"))
    else:
        label = parse_label(path.read_text(encoding="latin-1"))
    ptr = label.get("^IMAGE")
    if ptr is None:
        for v in label.values():
            if isinstance(v, dict) and "^IMAGE" in v:
                ptr = v["^IMAGE"]
    if ptr is None:
        raise ValueError(f"PDS3 label of {path}: no ^IMAGE pointer")
    rec = _num(label, "RECORD_BYTES", default=1.0, required=False)
    pv, punit = ptr.value, ptr.unit
    fname, offset = None, 0
    if isinstance(pv, tuple):
        fname = str(pv[0])
        o = pv[1] if len(pv) > 1 else 1
        if isinstance(o, Value):
            offset = (
                int(o.value) - 1
                if (o.unit or "").upper() == "BYTES"
                else (int(o.value) - 1) * int(rec)
            )
        else:
            offset = (int(o) - 1) * int(rec)
    elif isinstance(pv, str):
        fname = pv
    else:  # record number (attached label), or <BYTES>
        offset = int(pv) - 1 if (punit or "").upper() == "BYTES" else (int(pv) - 1) * int(rec)
    if fname is None:
        data = path
    else:
        data = None
        for cand in path.parent.iterdir():
            if cand.name.upper() == fname.upper():
                data = cand
        if data is None:
            raise ValueError(f"PDS3 label points to {fname!r}, not found beside {path}")
    return label, data, offset


def read_pds3(path) -> Pds3Image:
    """Read a PDS3 gridded DEM (``.IMG`` or ``.LBL`` path; label detached or attached).

    Raises ``ValueError`` for unsupported sample types or projections, and when the
    file size disagrees with LINES x LINE_SAMPLES x SAMPLE_BITS.
    """
    path = Path(path)
    label, data_path, offset = _locate(path)
    img = _find(label, "IMAGE")
    if img is None:
        raise ValueError(f"PDS3 label of {path}: no IMAGE object")
    lines = int(_num(img, "LINES"))
    samples = int(_num(img, "LINE_SAMPLES"))
    bits = int(_num(img, "SAMPLE_BITS"))
    stype = str(img.get("SAMPLE_TYPE", Value("")).value).upper().replace(" ", "_")
    key = (stype, bits)
    if key not in _SAMPLE_TYPES:
        raise ValueError(
            f"PDS3 {path}: SAMPLE_TYPE {stype} with SAMPLE_BITS {bits} is not supported; "
            f"supported: {sorted(set(_SAMPLE_TYPES))}"
        )
    if lines < 1 or samples < 1:
        raise ValueError(f"PDS3 {path}: LINES and LINE_SAMPLES must be >= 1")
    dtype = np.dtype(_SAMPLE_TYPES[key])
    nbytes = lines * samples * dtype.itemsize
    size = data_path.stat().st_size
    if size - offset < nbytes:
        raise ValueError(
            f"PDS3 {data_path}: label says {lines} x {samples} samples of {bits} bits "
            f"({nbytes} bytes from offset {offset}) but the file has {size} bytes"
        )
    raw = np.fromfile(data_path, dtype=dtype, count=lines * samples, offset=offset)
    raw = raw.reshape(lines, samples)
    sf = _num(img, "SCALING_FACTOR", default=1.0, required=False)
    off = _num(img, "OFFSET", default=0.0, required=False)
    h = raw.astype(np.float64)
    missing = ~np.isfinite(h)
    mc = img.get("MISSING_CONSTANT")
    if mc is not None and isinstance(mc.value, (int, float)):
        missing |= raw == mc.value
    proj = _find(label, "IMAGE_MAP_PROJECTION")
    if proj is None:
        raise ValueError(f"PDS3 label of {path}: no IMAGE_MAP_PROJECTION object")
    radius_km = _num(proj, "A_AXIS_RADIUS")
    if (proj["A_AXIS_RADIUS"].unit or "KM").upper() in ("M", "METER", "METERS"):
        radius_km /= 1000.0
    # LOLA: OFFSET is the reference radius [m]; elsewhere an additive height offset
    if abs(off - radius_km * 1000.0) < 1.0 or abs(off - radius_km) < 1e-3:
        h = h * sf
    else:
        h = h * sf + off
    # heights relative to the product's sphere -> relative to the 1737.4 km sphere
    h += (radius_km - R_MOON_KM) * 1000.0
    h[missing] = np.nan
    ptype = str(proj.get("MAP_PROJECTION_TYPE", Value("")).value).upper()
    scale = _num(proj, "MAP_SCALE", default=np.nan, required=False)
    sunit = (proj["MAP_SCALE"].unit or "KM/PIXEL").upper() if "MAP_SCALE" in proj else ""
    scale_km = scale / 1000.0 if sunit.startswith("M") else scale
    res = _num(proj, "MAP_RESOLUTION", default=np.nan, required=False)
    clat = _num(proj, "CENTER_LATITUDE", default=0.0, required=False)
    clon = _num(proj, "CENTER_LONGITUDE", default=0.0, required=False)
    if ptype in ("SIMPLE CYLINDRICAL", "EQUIRECTANGULAR", "SIMPLE_CYLINDRICAL"):
        ptype = "SIMPLE CYLINDRICAL"
        if not np.isfinite(res):
            res = 2 * np.pi * radius_km / 360.0 / scale_km
    elif ptype in ("POLAR STEREOGRAPHIC", "POLAR_STEREOGRAPHIC"):
        ptype = "POLAR STEREOGRAPHIC"
        if clat != -90.0:
            raise ValueError(
                f"PDS3 {path}: only south polar stereographic (CENTER_LATITUDE -90) is supported, got {clat}"
            )
        if not np.isfinite(scale_km):
            raise ValueError(f"PDS3 {path}: MAP_SCALE missing for a polar stereographic product")
        res = None
    else:
        raise ValueError(
            f"PDS3 {path}: MAP_PROJECTION_TYPE {ptype!r} not supported "
            "(POLAR STEREOGRAPHIC or SIMPLE CYLINDRICAL)"
        )
    return Pds3Image(
        height_m=h,
        projection=ptype,
        map_scale_km=float(scale_km),
        map_resolution_ppd=None if res is None else float(res),
        line_offset=_num(proj, "LINE_PROJECTION_OFFSET"),
        sample_offset=_num(proj, "SAMPLE_PROJECTION_OFFSET"),
        center_lat_deg=clat,
        center_lon_deg=clon,
        radius_km=radius_km,
        source=str(data_path),
    )
