"""CZML documents (through czml3) to watch the mission in Cesium.

* :func:`trajectories_czml`: Earth-centred arcs. ICRF arcs go in Cesium's ``INERTIAL``
  frame (ICRF axes at the Earth), Earth-fixed ones (the ascent) in ``FIXED``; positions in
  metres, sampled with Lagrange interpolation, with a path and a clock spanning the arcs.
* :func:`moon_czml`: the Moon as the central body. The document names it in its
  ``properties`` (``centralBody: MOON``) and its positions are Moon-fixed (MOON_ME, the
  frame of the LOLA maps): landing sites as cartographic points on the 1737.4 km sphere and
  any Moon-centred arc in ``FIXED``. Load it in a Cesium viewer whose globe is the Moon
  (``new Cesium.Viewer(el, {globe: new Cesium.Globe(Cesium.Ellipsoid.MOON)})``, Cesium
  1.116 and later) so that ``FIXED`` means Moon-fixed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

import numpy as np

from ..timescale import utc_of_jd_tdb
from .oem import Ephemeris

KM = 1000.0


def _iso(jd_tdb) -> str:
    t = utc_of_jd_tdb(jd_tdb)
    t.precision = 3
    return str(t.isot) + "Z"


def _arc_packet(pid: str, eph: Ephemeris, color, frame: str) -> dict:
    from czml3 import Packet
    from czml3.properties import Color, Path, Point, PolylineMaterial, Position, SolidColorMaterial

    t_s = (eph.jd_tdb - eph.jd_tdb[0]) * 86_400.0
    samples = np.column_stack([t_s, eph.r_km * KM]).ravel().tolist()
    start, stop = _iso(eph.jd_tdb[0]), _iso(eph.jd_tdb[-1])
    pkt = Packet(
        id=pid, name=eph.object_name, description=" ".join(eph.comments),
        availability=f"{start}/{stop}",
        position=Position(epoch=start, referenceFrame=frame, cartesian=samples,
                          interpolationAlgorithm="LAGRANGE", interpolationDegree=5),
        path=Path(material=PolylineMaterial(solidColor=SolidColorMaterial(color=Color(rgba=color))),
                  width=2, leadTime=0, trailTime=float(t_s[-1]) + 1.0, resolution=60),
        point=Point(color=Color(rgba=color), pixelSize=6),
    )
    return json.loads(pkt.to_json())


def _document(name: str, packets: list[dict], span: tuple[float, float] | None,
              properties: dict | None = None) -> str:
    head = {"id": "document", "name": name, "version": "1.0"}
    if span is not None:
        head["clock"] = {"interval": f"{_iso(span[0])}/{_iso(span[1])}",
                         "currentTime": _iso(span[0]), "multiplier": 600,
                         "range": "LOOP_STOP", "step": "SYSTEM_CLOCK_MULTIPLIER"}
    if properties:
        head["properties"] = properties
    return json.dumps([head, *packets], separators=(",", ":")) + "\n"


_COLORS = [[255, 200, 0, 255], [0, 200, 255, 255], [255, 80, 80, 255], [120, 255, 120, 255]]


def trajectories_czml(ephs: Mapping[str, Ephemeris], name: str = "lupex mission") -> str:
    """A CZML document (JSON text) of Earth-centred arcs.

    Parameters
    ----------
    ephs : mapping of str to Ephemeris
        Arcs by id; ``ref_frame`` ``ITRF`` goes in ``FIXED``, anything else in ``INERTIAL``.
    name : str
        The document's name.
    """
    packets = [_arc_packet(k, e, _COLORS[i % len(_COLORS)],
                           "FIXED" if e.ref_frame.upper().startswith("ITRF") else "INERTIAL")
               for i, (k, e) in enumerate(ephs.items())]
    span = None
    if ephs:
        span = (min(e.jd_tdb[0] for e in ephs.values()), max(e.jd_tdb[-1] for e in ephs.values()))
    return _document(name, packets, span, {"centralBody": "EARTH"})


def moon_fixed(eph: Ephemeris) -> Ephemeris:
    """A Moon-centred arc in Moon-fixed MOON_ME axes (positions rotated from ICRF with the
    DE421 libration, :func:`lupex.ephemeris.icrf_to_moon_me`); an arc already in MOON_ME
    is returned as is. Velocities are rotated too but stay inertial (no w x r term): CZML
    uses the positions only.

    Parameters
    ----------
    eph : Ephemeris
        A Moon-centred arc in ``ICRF`` or ``MOON_ME`` axes.

    Raises
    ------
    ValueError
        For any other centre or frame.
    """
    from dataclasses import replace

    from ..ephemeris import icrf_to_moon_me, rotate

    if eph.center_name != "MOON" or eph.ref_frame not in ("ICRF", "MOON_ME"):
        raise ValueError(f"moon_fixed: needs a MOON-centred ICRF or MOON_ME arc, got "
                         f"{eph.center_name} {eph.ref_frame}")
    if eph.ref_frame == "MOON_ME":
        return eph
    m = icrf_to_moon_me(eph.jd_tdb)
    return replace(eph, ref_frame="MOON_ME", r_km=rotate(m, eph.r_km), v_kms=rotate(m, eph.v_kms))


def moon_czml(ephs: Mapping[str, Ephemeris], sites: Sequence[tuple[str, float, float]] = (),
              name: str = "lupex at the Moon") -> str:
    """A CZML document with the Moon as central body: sites and Moon-fixed arcs.

    Parameters
    ----------
    ephs : mapping of str to Ephemeris
        Moon-centred arcs (ICRF arcs are turned into MOON_ME by :func:`moon_fixed`),
        written in ``FIXED``.
    sites : sequence of (str, float, float)
        Landing sites: name, latitude [deg], east longitude [deg].
    name : str
        The document's name.
    """
    from czml3 import Packet
    from czml3.properties import Color, Label, Point, Position

    packets = []
    for i, (sname, lat, lon) in enumerate(sites):
        lon180 = (float(lon) + 180.0) % 360.0 - 180.0
        pkt = Packet(id=f"site-{i}", name=str(sname),
                     position=Position(cartographicDegrees=[lon180, float(lat), 0.0]),
                     point=Point(color=Color(rgba=[255, 255, 255, 255]), pixelSize=8),
                     label=Label(text=str(sname)))
        packets.append(json.loads(pkt.to_json()))
    packets += [_arc_packet(k, moon_fixed(e), _COLORS[i % len(_COLORS)], "FIXED")
                for i, (k, e) in enumerate(ephs.items())]
    span = None
    if ephs:
        span = (min(e.jd_tdb[0] for e in ephs.values()), max(e.jd_tdb[-1] for e in ephs.values()))
    return _document(name, packets, span,
                     {"centralBody": "MOON", "frame": "MOON_ME (mean Earth / polar axis)",
                      "radius_m": 1737400.0})
