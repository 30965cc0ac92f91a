"""Readers of published gravity-field coefficient files, each returning one frozen
:class:`lupex.orbits.gravity.GravityField`.

Three formats: ICGEM ``.gfc`` (Barthelmes & Förste 2011, "The ICGEM format"), PDS SHADR
``.tab`` + ``.lbl`` (GRAIL/LRO PDS archives), and GMAT ``.cof`` (GMAT ``GravityFileUtil``:
``POTFIELD`` header, ``RECOEF`` records, ``END``); :func:`read_field` picks one by the file's
suffix. Units returned: km, km^3/s^2.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from lupex.orbits.gravity import GravityField, make_field


def _float(text: str, path, lineno: int, what: str) -> float:
    try:
        return float(text.replace("D", "E").replace("d", "e"))
    except ValueError:
        raise ValueError(f"{path}: line {lineno}: cannot read {what} from {text!r}") from None


def _int(text: str, path, lineno: int, what: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise ValueError(f"{path}: line {lineno}: cannot read {what} from {text!r}") from None


def _fill(records, nfile: int, degree, order, path) -> tuple[np.ndarray, np.ndarray]:
    """Place (lineno, n, m, C, S) records into (N+1, N+1) arrays, truncating."""
    nmax = nfile if degree is None else int(degree)
    if not 0 <= nmax <= nfile:
        raise ValueError(f"degree: must be in [0, {nfile}] for {path}, got {degree}")
    mmax = nmax if order is None else int(order)
    if not 0 <= mmax <= nmax:
        raise ValueError(f"order: must be in [0, degree={nmax}], got {order}")
    c = np.zeros((nmax + 1, nmax + 1))
    s = np.zeros((nmax + 1, nmax + 1))
    for lineno, n, m, cnm, snm in records:
        if n < 0 or m < 0 or m > n:
            raise ValueError(f"{path}: line {lineno}: invalid degree/order n={n}, m={m} "
                             "(need 0 <= m <= n)")
        if n > nfile:
            raise ValueError(f"{path}: line {lineno}: degree {n} exceeds the header's "
                             f"max degree {nfile}")
        if not (np.isfinite(cnm) and np.isfinite(snm)):
            raise ValueError(f"{path}: line {lineno}: non-finite coefficient")
        if n <= nmax and m <= mmax:
            c[n, m], s[n, m] = cnm, snm
    return c, s


def read_icgem(path, degree: int | None = None, order: int | None = None,
               frame: str = "MOON_PA") -> GravityField:
    """Read an ICGEM ``.gfc`` file (Barthelmes & Förste 2011, ICGEM format v1.0).

    Header keywords ``modelname``, ``earth_gravity_constant``/``gravity_constant``
    [m^3/s^2], ``radius`` [m], ``max_degree`` and ``norm`` are read up to ``end_of_head``;
    then ``gfc n m C S [sigmaC sigmaS]`` records. Time-variable keys (``gfct``, ``trnd``,
    ``acos``, ``asin``, ``dot``) are rejected. A missing ``norm`` is taken as
    ``fully_normalized``, the only one accepted; ``gravity_constant`` wins over
    ``earth_gravity_constant`` when both are present. GM and radius are converted from SI
    to km^3/s^2 and km. The ICGEM header does not state the frame: pass it (GRAIL fields:
    ``"MOON_PA"``). C00 = 1 is set if the file omits it.

    Parameters
    ----------
    path : str or path-like
        The ``.gfc`` file (read as Latin-1).
    degree : int, optional
        Highest degree kept, in [0, the file's maximum degree]; default all.
    order : int, optional
        Highest order kept, in [0, ``degree``]; default ``degree``.
    frame : str
        Body-fixed frame the coefficients refer to (default ``"MOON_PA"``, the GRAIL
        fields' frame); the file is not checked against it.

    Returns
    -------
    GravityField
        Fully normalised coefficients, GM [km^3/s^2] and reference radius [km].

    Raises
    ------
    ValueError
        Naming the file and line, for a malformed header or record, a degree/order out of
        range, or a non-finite coefficient.
    """
    path = Path(path)
    header: dict[str, tuple[int, str]] = {}
    records = []
    in_head = None
    with path.open("r", encoding="latin-1") as fh:
        for lineno, line in enumerate(fh, 1):
            tok = line.split()
            if not tok:
                continue
            if in_head is None:
                if tok[0] == "begin_of_head":
                    in_head = True
                elif tok[0] == "end_of_head":
                    in_head = False
                continue
            if in_head:
                if tok[0] == "end_of_head":
                    in_head = False
                elif len(tok) >= 2:
                    header[tok[0].lower()] = (lineno, tok[1])
                continue
            key = tok[0].lower()
            if key != "gfc":
                if key in ("gfct", "trnd", "acos", "asin", "dot"):
                    raise ValueError(f"{path}: line {lineno}: time-variable key {tok[0]!r} "
                                     "is not supported")
                raise ValueError(f"{path}: line {lineno}: unknown record key {tok[0]!r}")
            if len(tok) < 5:
                raise ValueError(f"{path}: line {lineno}: gfc record needs n m C S, got "
                                 f"{len(tok) - 1} fields")
            records.append((lineno, _int(tok[1], path, lineno, "degree"),
                            _int(tok[2], path, lineno, "order"),
                            _float(tok[3], path, lineno, "C"), _float(tok[4], path, lineno, "S")))
    if in_head is None or in_head:
        raise ValueError(f"{path}: no 'begin_of_head' ... 'end_of_head' block: not an ICGEM file")
    for key in ("radius", "max_degree"):
        if key not in header:
            raise ValueError(f"{path}: header lacks required keyword {key!r}")
    gm_key = "gravity_constant" if "gravity_constant" in header else "earth_gravity_constant"
    if gm_key not in header:
        raise ValueError(f"{path}: header lacks 'gravity_constant'")
    norm = header.get("norm", (0, "fully_normalized"))[1].lower()
    if norm != "fully_normalized":
        raise ValueError(f"{path}: line {header['norm'][0]}: norm {norm!r} not supported "
                         "(only fully_normalized)")
    gm = _float(header[gm_key][1], path, header[gm_key][0], gm_key) / 1e9
    radius = _float(header["radius"][1], path, header["radius"][0], "radius") / 1e3
    nfile = _int(header["max_degree"][1], path, header["max_degree"][0], "max_degree")
    c, s = _fill(records, nfile, degree, order, path)
    if c[0, 0] == 0.0:
        c[0, 0] = 1.0
    name = header.get("modelname", (0, path.stem))[1]
    return make_field(name, gm, radius, c, s, frame, str(path))


def _pds_label(path: Path) -> dict[str, str]:
    """Top-level ``KEY = value`` pairs of a PDS3 label (strings stripped of quotes)."""
    out = {}
    for line in path.read_text(encoding="latin-1").splitlines():
        mt = re.match(r"^\s*([A-Z0-9_^]+)\s*=\s*(.*?)\s*$", line)
        if mt and mt.group(1) not in out:
            out[mt.group(1)] = mt.group(2).strip('"')
    return out


def read_shadr(path, label_path=None, degree: int | None = None, order: int | None = None,
               frame: str = "MOON_PA") -> GravityField:
    """Read a PDS SHADR spherical-harmonic table (``.tab``, with its ``.lbl`` if given).

    Header record: R [km], GM [km^3/s^2], sigma GM, degree, order, normalisation state
    (1 = normalised), reference longitude, latitude; then one ``n, m, C, S, sC, sS`` record
    per line (PDS SHADR label, GRAIL GGGRX products). Only the header fields R, GM,
    degree and normalisation state are used. The label, if given, supplies the model name
    (``ORIGINAL_PRODUCT_ID``; nothing else in it is read or checked); without it the name
    is the file's stem in upper case. C00 = 1 is set if the table omits it.

    Parameters
    ----------
    path : str or path-like
        The SHADR ``.tab`` table (comma-separated, read as Latin-1).
    label_path : str or path-like, optional
        Its PDS3 ``.lbl`` label.
    degree : int, optional
        Highest degree kept, in [0, the file's maximum degree]; default all.
    order : int, optional
        Highest order kept, in [0, ``degree``]; default ``degree``.
    frame : str
        Body-fixed frame the coefficients refer to (default ``"MOON_PA"``, the GRAIL
        fields' frame); the file is not checked against it.

    Returns
    -------
    GravityField
        Fully normalised coefficients, GM [km^3/s^2] and reference radius [km].

    Raises
    ------
    ValueError
        Naming the file and line, for a malformed header or record, a degree/order out of
        range, or a non-finite coefficient.
    """
    path = Path(path)
    name = path.stem.upper()
    if label_path is not None:
        lbl = _pds_label(Path(label_path))
        name = lbl.get("ORIGINAL_PRODUCT_ID", name)
    records = []
    head = None
    with path.open("r", encoding="latin-1") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            fields = [f.strip() for f in line.split(",")]
            if head is None:
                if len(fields) < 6:
                    raise ValueError(f"{path}: line {lineno}: SHADR header needs 8 "
                                     f"comma-separated fields, got {len(fields)}")
                head = (lineno, fields)
                continue
            if len(fields) < 4:
                raise ValueError(f"{path}: line {lineno}: coefficient record needs n, m, C, S; "
                                 f"got {len(fields)} fields")
            records.append((lineno, _int(fields[0], path, lineno, "degree"),
                            _int(fields[1], path, lineno, "order"),
                            _float(fields[2], path, lineno, "C"),
                            _float(fields[3], path, lineno, "S")))
    if head is None:
        raise ValueError(f"{path}: empty file")
    hl, hf = head
    radius = _float(hf[0], path, hl, "reference radius")
    gm = _float(hf[1], path, hl, "GM")
    nfile = _int(hf[3], path, hl, "degree of field")
    norm = _int(hf[5], path, hl, "normalization state")
    if norm != 1:
        raise ValueError(f"{path}: line {hl}: normalization state {norm} not supported "
                         "(only 1 = fully normalised)")
    c, s = _fill(records, nfile, degree, order, path)
    if c[0, 0] == 0.0:
        c[0, 0] = 1.0
    return make_field(name, gm, radius, c, s, frame, str(path))


def read_gmat_cof(path, degree: int | None = None, order: int | None = None,
                  frame: str = "MOON_PA") -> GravityField:
    """Read a GMAT ``.cof`` gravity file (normalised coefficients).

    Layout, as GMAT's ``GravityFileUtil::ReadCofFile`` parses it: lines starting with ``C``
    are comments; ``POTFIELD`` with degree in columns 9-11 and order in 12-14 (I3), then
    free-format: an integer flag, GM [m^3/s^2], reference radius [m], a flag; ``RECOEF``
    with n in columns 9-11, m in 12-14, C in 18-38 and S in 39-59 (blank for m = 0), both
    E21.14-like; ``END`` stops. Fixed columns, because negative values often abut.
    GM and radius are converted from SI to km^3/s^2 and km; the model name is the file's
    stem in upper case. C00 = 1 is set if the file omits it.

    Parameters
    ----------
    path : str or path-like
        The ``.cof`` file (read as Latin-1).
    degree : int, optional
        Highest degree kept, in [0, the file's maximum degree]; default all.
    order : int, optional
        Highest order kept, in [0, ``degree``]; default ``degree``.
    frame : str
        Body-fixed frame the coefficients refer to (default ``"MOON_PA"``, the GRAIL
        fields' frame); the file is not checked against it.

    Returns
    -------
    GravityField
        Fully normalised coefficients, GM [km^3/s^2] and reference radius [km].

    Raises
    ------
    ValueError
        Naming the file and line, for a malformed header or record, a degree/order out of
        range, or a non-finite coefficient.
    """
    path = Path(path)
    records = []
    nfile = gm = radius = None
    with path.open("r", encoding="latin-1") as fh:
        for lineno, line in enumerate(fh, 1):
            line = line.rstrip("\n")
            key = line[:8].strip()
            if not line.strip() or line.startswith("C"):
                continue
            if key == "END":
                break
            if key == "POTFIELD":
                nfile = _int(line[8:11], path, lineno, "degree (columns 9-11)")
                _int(line[11:14], path, lineno, "order (columns 12-14)")
                rest = line[14:].split()
                if len(rest) < 3:
                    raise ValueError(f"{path}: line {lineno}: POTFIELD needs flag, GM, radius")
                gm = _float(rest[1], path, lineno, "GM") / 1e9
                radius = _float(rest[2], path, lineno, "radius") / 1e3
            elif key == "RECOEF":
                if nfile is None:
                    raise ValueError(f"{path}: line {lineno}: RECOEF before the POTFIELD header")
                s_text = line[38:59].strip()
                snm = _float(s_text, path, lineno, "S (columns 39-59)") if s_text else 0.0
                records.append((lineno, _int(line[8:11], path, lineno, "degree"),
                                _int(line[11:14], path, lineno, "order"),
                                _float(line[17:38], path, lineno, "C (columns 18-38)"), snm))
            else:
                raise ValueError(f"{path}: line {lineno}: unknown record {key!r} "
                                 "(expected POTFIELD, RECOEF, END or a C comment)")
    if nfile is None:
        raise ValueError(f"{path}: no POTFIELD header line: not a GMAT .cof file")
    c, s = _fill(records, nfile, degree, order, path)
    if c[0, 0] == 0.0:
        c[0, 0] = 1.0
    return make_field(path.stem.upper(), gm, radius, c, s, frame, str(path))


def read_field(path, degree: int | None = None, order: int | None = None, **kwargs) -> GravityField:
    """Read a gravity field choosing the reader by suffix (``.gfc``, ``.tab``, ``.cof``).

    ``.gfc`` goes to :func:`read_icgem`, ``.cof`` to :func:`read_gmat_cof` and ``.tab`` to
    :func:`read_shadr` (suffix case ignored). For ``.tab``, unless ``label_path`` is passed,
    the first ``.lbl``/``.LBL`` file in the same directory whose stem begins the table's
    stem (case ignored) is used as its label, if any.

    Parameters
    ----------
    path : str or path-like
        Coefficient file.
    degree : int, optional
        Highest degree kept; default all.
    order : int, optional
        Highest order kept; default ``degree``.
    **kwargs
        Passed to the reader (``frame``; ``label_path`` for ``.tab``).

    Returns
    -------
    GravityField

    Raises
    ------
    ValueError
        For an unknown suffix, or as raised by the reader.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".gfc":
        return read_icgem(path, degree, order, **kwargs)
    if suffix == ".cof":
        return read_gmat_cof(path, degree, order, **kwargs)
    if suffix == ".tab":
        lbl = kwargs.pop("label_path", None)
        if lbl is None:
            cands = sorted(path.parent.glob("*.lbl")) + sorted(path.parent.glob("*.LBL"))
            same = [p for p in cands if path.stem.lower().startswith(p.stem.lower())]
            lbl = same[0] if same else None
        return read_shadr(path, lbl, degree, order, **kwargs)
    raise ValueError(f"path: unknown gravity file suffix {suffix!r} (expected .gfc, .tab, .cof)")
