"""The lander's lunar-orbit phase, flown with finite burns through the GRAIL field: capture,
lowering to a circular orbit, node phasing over the landing site, plane trim, DOI, PDI.

Sequence (every burn finite, constant thrust, anti-velocity steering unless stated, flown
with the mass it has, :mod:`lupex.orbits.finite_burn`; coasts in the Moon's GRGM660PRIM
field with Earth and Sun from DE421, :mod:`lupex.orbits.forces`):

1. **LOI** centred on the arrival periselene, sized so that the osculating aposelene is the
   sequence's capture value; then **apolune-lowering burns** at successive periselenes, and
   a circularisation at ``circular_alt_km`` in two apsis burns, ordered by where the
   periselene has drifted to (see ``SEQUENCES``).
2. **Node phasing**: a polar orbit's plane is nearly fixed in inertial space while the Moon
   turns under it at 360 deg / 27.32 d = 13.2 deg/day, so the ground track sweeps over every
   longitude twice a month. The lander coasts in the circular orbit until the plane contains
   the site (the zero of h_hat . s_hat(t), h the orbit normal and s the site's direction,
   both ICRF), at the earliest one revolution after circularisation (or after
   ``earliest_pdi_jd_tdb``); the wait is at most half a sidereal month. The pass is
   predicted from the current orbit normal and re-predicted after each day flown. Near the
   pole the plane may never contain the site (when |90 deg - i| exceeds the site's
   colatitude; the Moon's turning hardly moves a site near its axis, and the Earth's pull on
   the plane dominates): then no waiting helps and the descent starts at the first
   opportunity, the trim removing the gap (tens of km, tens of m/s).
3. **Plane trim** a quarter of a revolution before the site (out of plane, VNB +/-N), where
   a plane rotation moves the track at the site the most, then **DOI** half a revolution
   before PDI: three unknowns (trim duration, DOI centre time, DOI duration) are solved by
   Newton-Broyden iteration on the full-model trajectory so that the first periselene after
   DOI (PDI) has altitude ``pdi_alt_km``, lies ``pdi_uprange_deg`` before the site along the
   track, and the site lies in the orbit plane at the estimated touchdown time.

Gravity field: GRGM660PRIM to degree 8 by default, the table shipped in the package (the
pipeline must run without ../shared). Because the trim and DOI re-target PDI in whatever
field flies, the field's degree moves the phase's results little: on the baseline's arrival
degree 8 / 20 / 60 give total dv 857.8 / 858.5 / 858.2 m/s and PDI within 4 s and 0.01 deg,
while the CPU cost per day of low orbit grows ~2.5x at degree 20 and ~10x at degree 60
(about 1 s per day at degree 8). Pass ``gravity_field`` and ``degree`` for more.

Published sequences the options follow:

* Chandrayaan-3 (ISRO, Aug 2023): LOI on 5 Aug by a 1835 s retro-burn at periselene into
  164 x 18074 km; 170 x 4313 km (6 Aug), 174 x 1437 km (9 Aug), 150 x 177 km (14 Aug),
  153 x 163 km (16 Aug); lander deboosts to 113 x 157 km (18 Aug) and 25 x 134 km (20 Aug);
  PDI from about 30 km on 23 Aug (ISRO mission updates, quoted e.g. by The Hindu, 6 Aug 2023,
  https://www.thehindu.com/newsletter/editors-pick-chandrayaan-3-successfully-enters-the-lunar-orbit/article67164523.ece,
  and The Hans India, 15 Aug 2023). ``"chandrayaan3"`` lowers the aposelene through
  18074, 4313 and 1437 km and circularises (the Aug 14/16 burns; a second one only if needed),
  then one DOI to ``circular_alt_km x pdi_alt_km``.
* SLIM (JAXA, Dec 2023 - Jan 2024): LOI on 25 Dec into 600 x 4000 km (6.4 h period),
  aposelene lowered to a ~600 km circular orbit by mid-January, perilune lowered to ~150 km
  and then ~15 km on 19 Jan, descent at 00:00 JST 20 Jan (JAXA press release 25 Dec 2023,
  quoted by focustechnica.com "Japan's SLIM Moon Lander Enters Lunar Orbit"). ``"slim"``
  captures into periselene x 4000 km, circularises at ``circular_alt_km`` (default 600 km)
  and lowers the perilune in two DOI burns, to 150 km and then to ``pdi_alt_km``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lupex.constants import G0_MS2, R_MOON_KM
from lupex.ephemeris import pa_to_me_matrix
from lupex.orbits.finite_burn import ANTI_VELOCITY, VELOCITY, Arc, burn_duration_s, fly
from lupex.orbits.forces import ForceModel, tabulate_ephemeris
from lupex.orbits.frames import convert_state
from lupex.orbits.gravity import GravityField
from lupex.orbits.grgm660prim import GRGM660PRIM_MAX_DEGREE, grgm660prim_low_degree

#: Published orbit-sequence options: capture/lowering aposelene altitudes [km] flown at
#: successive periselenes, default circular altitude [km], intermediate DOI perilune
#: altitudes [km] (see the module docstring for the sources).
SEQUENCES = {
    "chandrayaan3": {"apolunes_km": (18074.0, 4313.0, 1437.0), "circular_alt_km": 100.0,
                     "doi_perilunes_km": ()},
    "slim": {"apolunes_km": (4000.0,), "circular_alt_km": 600.0, "doi_perilunes_km": (150.0,)},
}
_DAY_S = 86400.0
_SIDEREAL_MONTH_D = 27.321661          # Moon's sidereal rotation period [d] (IAU WGCCRE 2015)


@dataclass(frozen=True)
class Burn:
    """One finite burn of the phase.

    ``dv_kms`` is the propagant-equivalent Isp g0 ln(m0/m1); ``dv_impulsive_kms`` the two-body
    impulse that would make the same orbit change at the apsis (its difference is the
    finite-burn loss). Periselene/aposelene altitudes [km above 1737.4 km] are osculating,
    right after the burn, with the field's GM.
    """

    name: str
    start_jd_tdb: float
    end_jd_tdb: float
    duration_s: float
    dv_kms: float
    dv_impulsive_kms: float
    mass_before_kg: float
    mass_after_kg: float
    periselene_alt_km: float
    aposelene_alt_km: float


@dataclass(frozen=True)
class LunarOrbitPhase:
    """Result of :func:`fly_lunar_orbit_phase` (km, km/s, kg, s, deg, TDB Julian dates).

    Attributes
    ----------
    sequence : str
    burns : tuple of Burn               in flight order (loi, lowering..., trim, doi...)
    events : tuple of (str, float)      timeline events (name, jd_tdb), in order: each burn
                                        at its ignition (named as in ``burns``), then "pdi"
    circular_alt_km : float             commanded circular altitude
    circular_orbit_jd_tdb : float       end of the circularisation burn
    wait_s : float                      phasing coast in the circular orbit [s]
    pdi_jd_tdb : float
    pdi_r_icrf_km, pdi_v_icrf_kms : (3,)   Moon-centred ICRF state at PDI
    pdi_r_me_km, pdi_v_me_kms : (3,)       the same in MOON_ME (rotating-frame velocity)
    pdi_lat_deg, pdi_lon_deg, pdi_alt_km : float
    pdi_mass_kg : float
    doi_jd_tdb : float                  mid-point of the (last) DOI burn
    doi_lat_deg, doi_lon_deg, doi_alt_km : float   where it is, MOON_ME
    site_cross_track_km : float         signed distance of the site from the orbit plane at
                                        the estimated touchdown (+ along r x v)
    site_along_track_deg : float        angle from PDI to the site along the track
    plane_trim_dv_kms : float
    total_dv_kms : float                sum of the burns' dv
    propellant_kg : float
    track_jd_tdb : (n,)                 last revolutions before PDI (ground track)
    track_r_me_km : (n, 3)
    track_lat_deg, track_lon_deg, track_alt_km : (n,)
    history_jd_tdb, history_alt_km, history_mass_kg : (k,)   the whole phase, coarse
    degree : int                        gravity-field degree and order used
    """

    sequence: str
    burns: tuple
    events: tuple
    circular_alt_km: float
    circular_orbit_jd_tdb: float
    wait_s: float
    pdi_jd_tdb: float
    pdi_r_icrf_km: np.ndarray
    pdi_v_icrf_kms: np.ndarray
    pdi_r_me_km: np.ndarray
    pdi_v_me_kms: np.ndarray
    pdi_lat_deg: float
    pdi_lon_deg: float
    pdi_alt_km: float
    pdi_mass_kg: float
    doi_jd_tdb: float
    doi_lat_deg: float
    doi_lon_deg: float
    doi_alt_km: float
    site_cross_track_km: float
    site_along_track_deg: float
    plane_trim_dv_kms: float
    total_dv_kms: float
    propellant_kg: float
    track_jd_tdb: np.ndarray
    track_r_me_km: np.ndarray
    track_lat_deg: np.ndarray
    track_lon_deg: np.ndarray
    track_alt_km: np.ndarray
    history_jd_tdb: np.ndarray
    history_alt_km: np.ndarray
    history_mass_kg: np.ndarray
    degree: int


# ----------------------------------------------------------------------------- helpers

def _apsides_alt(mu, y):
    """Osculating periapsis and apoapsis altitudes [km] (apoapsis inf if unbound)."""
    r, v = y[:3], y[3:6]
    rn = np.linalg.norm(r)
    energy = 0.5 * v @ v - mu / rn
    h = np.cross(r, v)
    e = np.linalg.norm(np.cross(v, h) / mu - r / rn)
    if energy >= 0:
        return float(h @ h / mu / (1 + e) - R_MOON_KM), np.inf
    a = -mu / (2 * energy)
    return float(a * (1 - e) - R_MOON_KM), float(a * (1 + e) - R_MOON_KM)


def _apsis_event(kind):
    direction = 1.0 if kind == "peri" else -1.0
    return (kind, lambda t, y: float(y[:3] @ y[3:6]), True, direction)


def _site_pa(lat_deg, lon_deg):
    lat, lon = np.radians(lat_deg), np.radians(lon_deg)
    s_me = np.array([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])
    return pa_to_me_matrix().T @ s_me


def _site_icrf(table, s_pa, t_s):
    return np.einsum("...ji,j->...i", table.icrf_to_moon_pa(t_s), s_pa)


def _along_cross(r, v, s):
    """Angle [rad] ahead along the orbit from r to the projection of s, in [0, 2 pi), and the
    angle [rad] of s out of the plane (+ along r x v)."""
    h = np.cross(r, v)
    h /= np.linalg.norm(h)
    cross = np.arcsin(np.clip(s @ h, -1.0, 1.0))
    sp = s - (s @ h) * h
    ahead = np.arctan2(h @ np.cross(r, sp), r @ sp) % (2 * np.pi)
    return float(ahead), float(cross)


class _Flight:
    """The flown arcs (in flight order; later ones win where they overlap) and burn records,
    with the force model and engine every leg shares."""

    def __init__(self, model, table, thrust_n, isp_s, rtol):
        self.model, self.table = model, table
        self.thrust_n, self.isp_s, self.rtol = thrust_n, isp_s, rtol
        self.mu = model.central_gm_km3s2
        self.arcs: list[Arc] = []
        self.burns: list[tuple] = []

    def coast(self, y, t0, t1, events=()):
        return fly(y, t0, t1, self.model, self.table, events=events, rtol=self.rtol)

    def burn(self, y, t0, duration, steering):
        return fly(y, t0, t0 + duration, self.model, self.table, thrust_n=self.thrust_n,
                   isp_s=self.isp_s, steering_vnb=steering, rtol=self.rtol)


def _impulsive_dv(mu, y, target_alt_km):
    """Two-body dv [km/s] at the current radius (an apsis) that makes the opposite apsis
    ``target_alt_km``; the sign says prograde (+) or retrograde (-)."""
    r = np.linalg.norm(y[:3])
    v = np.linalg.norm(y[3:6])
    a_new = 0.5 * (r + R_MOON_KM + target_alt_km)
    return float(np.sqrt(mu * (2 / r - 1 / a_new)) - v)


def _opposite_alt(mu, y):
    """Osculating altitude [km] of the apsis opposite the current point: the apoapsis or the
    periapsis, whichever is farther from the current radius. Right after a burn made at an
    apsis this is the apsis the burn moved; unlike 'the apoapsis' it stays on the far side
    when a circularising burn overshoots (the burn point then becomes the apoapsis)."""
    peri, apo = _apsides_alt(mu, y)
    alt = np.linalg.norm(y[:3]) - R_MOON_KM
    return apo if apo - alt > alt - peri else peri


def _burn_to_apsis(fl, y_apsis, t_apsis, prev_arc, target_alt_km, at):
    """A finite burn centred on the apsis at ``t_apsis`` that sets the opposite apsis to
    ``target_alt_km``; secant iteration on the duration. ``prev_arc`` supplies the state at
    ignition (dense output); returns (arc, dv_impulsive)."""
    dv_imp = _impulsive_dv(fl.mu, y_apsis, target_alt_km)
    steering = VELOCITY if dv_imp > 0 else ANTI_VELOCITY
    tb = burn_duration_s(abs(dv_imp), y_apsis[6], fl.thrust_n, fl.isp_s)

    def run(d):
        t0 = t_apsis - 0.5 * d
        arc = fl.burn(prev_arc(t0), t0, d, steering)
        return arc, (min(_opposite_alt(fl.mu, arc.y1), 1e6) - target_alt_km)

    d0, f0 = tb, run(tb)[1]
    d1 = tb * 1.01 + 0.1
    arc1, f1 = run(d1)
    for _ in range(12):
        if abs(f1) < 1e-4 * (R_MOON_KM + target_alt_km) or f1 == f0:
            break
        d0, d1, f0 = d1, max(d1 - f1 * (d1 - d0) / (f1 - f0), 0.05 * tb), f1
        arc1, f1 = run(d1)
    return arc1, abs(dv_imp)


def _apsis_burn(fl, arc, name, alt, at, epoch):
    """Coast from the end of ``arc`` to the next apsis ``at`` ("peri"/"apo") and burn there
    to put the opposite apsis at ``alt`` [km]; records both and returns the burn's arc."""
    y, t = arc.y1, arc.t1_s
    c = _coast_to_apsis(fl, y, t, at, 1.5 * _period(fl.mu, y))
    t_aps = float(c.events[at][0])
    burn_arc, dvi = _burn_to_apsis(fl, c.state_at(t_aps), t_aps, c.state_at, alt, at)
    fl.arcs.append(_cut(c, burn_arc.t0_s))
    _record(fl, name, burn_arc, dvi, epoch)
    return burn_arc


def _record(fl, name, arc, dv_imp, epoch):
    m0, m1 = arc.y[0, 6], arc.y1[6]
    ve = fl.isp_s * G0_MS2 * 1e-3
    peri, apo = _apsides_alt(fl.mu, arc.y1)
    fl.burns.append(Burn(name, epoch + arc.t0_s / _DAY_S, epoch + arc.t1_s / _DAY_S,
                         arc.t1_s - arc.t0_s, float(ve * np.log(m0 / m1)), float(dv_imp),
                         float(m0), float(m1), peri, apo))
    fl.arcs.append(arc)


def _coast_to_apsis(fl, y, t, at, max_s):
    arc = fl.coast(y, t, t + max_s, events=(_apsis_event(at),))
    if arc.events[at].size == 0:
        raise RuntimeError(f"lunar orbit phase: no {at}selene within {max_s:.0f} s of "
                           f"t = {t:.0f} s")
    return arc


def _period(mu, y):
    r, v = np.linalg.norm(y[:3]), np.linalg.norm(y[3:6])
    a = 1.0 / (2 / r - v * v / mu)
    return 2 * np.pi * np.sqrt(a**3 / mu) if a > 0 else np.inf


def _check(name, x, lo, hi, unit):
    x = float(x)
    if not (np.isfinite(x) and lo <= x <= hi):
        raise ValueError(f"{name}: must be in [{lo:g}, {hi:g}] {unit}, got {x!r}")
    return x


# ----------------------------------------------------------------------------- the phase

def fly_lunar_orbit_phase(arrival_jd_tdb, r_arrival_km, v_arrival_kms, mass_kg, thrust_n,
                          isp_s, site_lat_deg, site_lon_deg, pdi_alt_km, pdi_uprange_deg,
                          sequence="chandrayaan3", circular_alt_km=None, degree=8,
                          gravity_field: GravityField | None = None, earliest_pdi_jd_tdb=None,
                          descent_duration_s=600.0, max_wait_days=None,
                          phasing_tolerance_km=1.0, track_revs=3.0, rtol=1e-10) -> LunarOrbitPhase:
    """Fly the lunar-orbit phase from the arrival periselene to powered-descent initiation.

    Parameters
    ----------
    arrival_jd_tdb : float
        Epoch of the arrival periselene, TDB Julian date [d].
    r_arrival_km, v_arrival_kms : array_like, shape (3,)
        Moon-centred ICRF state at that periselene [km, km/s] (e.g. from
        :func:`lupex.orbits.transfer.design_transfer`'s trajectory).
    mass_kg : float
        Lander mass at LOI ignition [kg], in (0, 1e5].
    thrust_n : float
        Main-engine thrust used for every burn [N], in [1, 1e6].
    isp_s : float
        Specific impulse [s], in [100, 500].
    site_lat_deg, site_lon_deg : float
        Landing site, MOON_ME selenographic latitude [-90, 90] and longitude [deg].
    pdi_alt_km : float
        Periselene altitude of the descent orbit where powered descent starts [km],
        in [5, 200] and below the circular altitude.
    pdi_uprange_deg : float
        Selenocentric angle from PDI to the site along the ground track [deg], in [1, 60].
    sequence : {"chandrayaan3", "slim"}
        Orbit sequence (``SEQUENCES``; module docstring).
    circular_alt_km : float, optional
        Circular-orbit altitude [km], in [20, 2000]; default the sequence's (100 or 600 km).
    degree : int
        Degree and order of the gravity field, in [2, the field's maximum]. The default 8 is
        the shipped GRGM660PRIM table (``lupex.orbits.grgm660prim``), 0.6-0.9 s of CPU per
        day of low orbit; pass a higher-degree ``gravity_field`` for more fidelity.
    gravity_field : GravityField, optional
        The Moon's field (MOON_PA); default GRGM660PRIM to degree 8.
    earliest_pdi_jd_tdb : float, optional
        Earliest PDI (e.g. the landing day's start) [JD TDB]: the phasing search starts
        1.25 revolutions before it.
    descent_duration_s : float
        Estimated PDI-to-touchdown time [s], in [0, 3600]: the site's position is taken at
        PDI + this, so the Moon's rotation during the descent is allowed for.
    max_wait_days : float, optional
        Longest phasing wait [d]; default half a sidereal month (13.66 d).
    phasing_tolerance_km : float
        The wait ends at the first time the predicted plane passes within this distance of
        the site [km], in [0, 100] (or at its exact pass, or its closest one); the plane trim
        removes the rest. Near the pole the plane is always within a few km of the site, so
        there is no wait beyond one revolution.
    track_revs : float
        Revolutions before PDI sampled for the ground track, in (0, 20].
    rtol : float
        Integration relative tolerance, in [1e-13, 1e-6].

    Returns
    -------
    LunarOrbitPhase
    """
    if sequence not in SEQUENCES:
        raise ValueError(f"sequence: must be one of {tuple(SEQUENCES)}, got {sequence!r}")
    seq = SEQUENCES[sequence]
    arrival_jd_tdb = _check("arrival_jd_tdb", arrival_jd_tdb, 2415020.5, 2469807.5, "JD TDB")
    r_arr = np.asarray(r_arrival_km, dtype=float)
    v_arr = np.asarray(v_arrival_kms, dtype=float)
    if r_arr.shape != (3,) or v_arr.shape != (3,) or not np.all(np.isfinite(np.r_[r_arr, v_arr])):
        raise ValueError("r_arrival_km, v_arrival_kms: must be finite 3-vectors")
    alt_arr = np.linalg.norm(r_arr) - R_MOON_KM
    _check("periselene altitude of r_arrival_km", alt_arr, 10.0, 5000.0, "km")
    mass_kg = _check("mass_kg", mass_kg, 1e-3, 1e5, "kg")
    thrust_n = _check("thrust_n", thrust_n, 1.0, 1e6, "N")
    isp_s = _check("isp_s", isp_s, 100.0, 500.0, "s")
    site_lat = _check("site_lat_deg", site_lat_deg, -90.0, 90.0, "deg")
    site_lon = _check("site_lon_deg", site_lon_deg, -360.0, 360.0, "deg")
    circ = seq["circular_alt_km"] if circular_alt_km is None else circular_alt_km
    circ = _check("circular_alt_km", circ, 20.0, 2000.0, "km")
    pdi_alt = _check("pdi_alt_km", pdi_alt_km, 5.0, min(200.0, circ - 1.0), "km")
    up = np.radians(_check("pdi_uprange_deg", pdi_uprange_deg, 1.0, 60.0, "deg"))
    t_desc = _check("descent_duration_s", descent_duration_s, 0.0, 3600.0, "s")
    max_wait = 0.5 * _SIDEREAL_MONTH_D if max_wait_days is None else max_wait_days
    max_wait = _check("max_wait_days", max_wait, 0.0, 30.0, "d") * _DAY_S
    phasing_tolerance_km = _check("phasing_tolerance_km", phasing_tolerance_km, 0.0, 100.0,
                                  "km")
    track_revs = _check("track_revs", track_revs, 1e-3, 20.0, "rev")
    rtol = _check("rtol", rtol, 1e-13, 1e-6, "")
    field = grgm660prim_low_degree(GRGM660PRIM_MAX_DEGREE) if gravity_field is None \
        else gravity_field
    degree = int(_check("degree", degree, 2, field.max_degree, ""))
    if abs(float(r_arr @ v_arr)) > 1e-3 * np.linalg.norm(r_arr) * np.linalg.norm(v_arr):
        raise ValueError("r_arrival_km, v_arrival_kms: the state must be at periselene "
                         "(r . v = 0)")
    inter = tuple(h for h in seq["doi_perilunes_km"] if pdi_alt < h < circ)

    epoch = arrival_jd_tdb
    model = ForceModel("moon", gravity_field=field, degree=degree, order=degree,
                       third_bodies=("earth", "sun"))
    span_s = (max_wait + 12 * _DAY_S) if earliest_pdi_jd_tdb is None else \
        (max(earliest_pdi_jd_tdb - epoch, 0.0) * _DAY_S + max_wait + 12 * _DAY_S)
    table = tabulate_ephemeris("moon", epoch, -3 * 3600.0, span_s, 1800.0)
    fl = _Flight(model, table, thrust_n, isp_s, rtol)
    mu = fl.mu

    # --- 1. LOI: centred on the arrival periselene (t = 0) ------------------------------
    y_arr = np.r_[r_arr, v_arr, mass_kg]
    apolunes = tuple(a for a in seq["apolunes_km"] if a > circ)
    first = apolunes[0] if apolunes else circ
    tb = burn_duration_s(abs(_impulsive_dv(mu, y_arr, first)), mass_kg, thrust_n, isp_s)
    if not tb < 0.95 * mass_kg / (thrust_n / (isp_s * G0_MS2)):
        raise ValueError("mass_kg, thrust_n, isp_s: LOI would burn more than 95% of the mass")
    back = fl.coast(y_arr, 0.0, -min(0.75 * tb + 60.0, 3 * 3600.0))

    def back_state(t):
        return back.state_at(t)

    arc, dvi = _burn_to_apsis(fl, y_arr, 0.0, back_state, first, "peri")
    fl.arcs.append(back)
    _record(fl, "loi", arc, dvi, epoch)

    # --- 2. lowering at successive periselenes; circularisation -------------------------
    targets = [(f"lowering {k}", a, "peri") for k, a in enumerate(apolunes[1:], 1)]
    for name, alt, at in targets:
        arc = _apsis_burn(fl, arc, name, alt, at, epoch)
    # Circularise in two apsis burns, the cheaper order given where the periselene has drifted
    # to: below the circular altitude, lower the aposelene to it, then raise the periselene;
    # above it, lower the periselene first (at aposelene), then the aposelene.
    peri_now = _apsides_alt(mu, arc.y1)[0]
    order = ("peri", "apo") if circ >= peri_now else ("apo", "peri")
    arc = _apsis_burn(fl, arc, "circularisation", circ, order[0], epoch)
    peri_now, apo_now = _apsides_alt(mu, arc.y1)
    if max(abs(peri_now - circ), abs(apo_now - circ)) > 2.0:
        arc = _apsis_burn(fl, arc, "circularisation 2", circ, order[1], epoch)
    t_circ = arc.t1_s
    y_circ = arc.y1
    period_c = _period(mu, y_circ)

    # --- 3. node phasing: wait until the plane contains the site ------------------------
    s_pa = _site_pa(site_lat, site_lon)
    lead = 2.0 * period_c + t_desc
    t_min = t_circ + period_c
    if earliest_pdi_jd_tdb is not None:
        # PDI follows the end of the wait by at least 1.25 revolutions (trim, DOI, half a rev).
        t_min = max(t_min, (earliest_pdi_jd_tdb - epoch) * _DAY_S - 1.25 * period_c)
    # The plane is nearly inertial over a day: predict the pass from the current orbit normal
    # on a 10-min grid (one table evaluation), fly at most a day towards it in the full model,
    # and predict again from there (the Earth's pull turns a low polar plane by tenths of a
    # degree over a week); the trim below removes what is left.
    y, t = y_circ, t_circ
    t_end = t_min + max_wait
    while True:
        h0 = np.cross(y[:3], y[3:6])
        h0 /= np.linalg.norm(h0)
        t_from = max(t, t_min)
        tt = np.linspace(t_from, max(t_end, t_from + 600.0),
                         int(max(t_end - t_from, 0.0) / 600.0) + 2)
        gap = _site_icrf(table, s_pa, tt + lead) @ h0 * R_MOON_KM
        t_w = _first_pass(tt, gap, phasing_tolerance_km)
        if t_w is None:              # the plane never crosses the site: no waiting helps
            t_w = t_from
        if t_w - t <= _DAY_S:
            break
        arc = fl.coast(y, t, t + _DAY_S)
        fl.arcs.append(arc)
        y, t = arc.y1, arc.t1_s
    if t_w > t:
        arc = fl.coast(y, t, t_w)
        fl.arcs.append(arc)
        y = arc.y1
    t_w = max(t_w, t)
    y_w = y

    # --- 4. plane trim + DOI, solved on the full model ----------------------------------
    ahead, cross = _along_cross(y_w[:3], y_w[3:6], _site_icrf(table, s_pa, t_w + lead))
    n_c = 2 * np.pi / period_c
    t_trim = t_w + ((ahead - 0.5 * np.pi) % (2 * np.pi)) / n_c
    if t_trim - t_w < 120.0:
        t_trim += period_c
    v_c = np.linalg.norm(y_w[3:6])
    mdot = thrust_n / (isp_s * G0_MS2)
    # A plane rotation by dtheta about the burn point, 90 deg before the site, moves the site's
    # cross-track angle by dtheta; dv = v dtheta; duration = m dv / T; thrust along -N
    # for a site on the +h side (the plane turns towards it).
    trim0 = float(y_w[6] * cross * v_c * 1e3 / thrust_n)
    t_doi = t_trim + (1.5 * np.pi - up) / n_c
    inter_t = []
    for _ in inter:
        inter_t.append(t_doi)
        t_doi = t_doi + period_c
    doi0 = burn_duration_s(abs(_impulsive_dv(mu, y_w, pdi_alt)), y_w[6], thrust_n, isp_s)

    def attempt(x):
        """Fly trim, DOI(s) and the coast to the next periselene for x = (signed trim
        duration [s], DOI centre [s], DOI duration [s]); residuals [km] and the flight."""
        trim_d, t_d, d_d = x
        arcs, recs = [], []
        y, t = y_w, t_w
        if abs(trim_d) > 1e-3:
            t0 = t_trim - 0.5 * abs(trim_d)
            c = fl.coast(y, t, t0)
            b = fl.burn(c.y1, t0, abs(trim_d), (0.0, -np.sign(trim_d), 0.0))
            arcs += [c, b]
            recs.append(("plane trim", b, abs(trim_d) * mdot / y[6] * isp_s * G0_MS2 * 1e-3))
            y, t = b.y1, b.t1_s
        for k, (h_k, t_k) in enumerate(zip(inter, inter_t)):
            dvi = abs(_impulsive_dv(mu, y, h_k))
            dk = burn_duration_s(dvi, y[6], thrust_n, isp_s)
            c = fl.coast(y, t, t_k - 0.5 * dk)
            b = fl.burn(c.y1, c.t1_s, dk, ANTI_VELOCITY)
            arcs += [c, b]
            recs.append((f"doi {k + 1}", b, dvi))
            y, t = b.y1, b.t1_s
        t0 = t_d - 0.5 * d_d
        c = fl.coast(y, t, t0)
        b = fl.burn(c.y1, t0, d_d, ANTI_VELOCITY)
        dvi = abs(_impulsive_dv(mu, c.y1, pdi_alt))
        recs.append(("doi" if not inter else f"doi {len(inter) + 1}", b, dvi))
        p = _coast_to_apsis(fl, b.y1, b.t1_s, "peri", 0.9 * _period(mu, b.y1))
        t_p = float(p.events["peri"][0])
        y_p = p.state_at(t_p)
        arcs += [c, b, _cut(p, t_p)]
        ahead_p, cross_p = _along_cross(y_p[:3], y_p[3:6],
                                        _site_icrf(table, s_pa, t_p + t_desc))
        if ahead_p > np.pi:
            ahead_p -= 2 * np.pi
        res = np.array([np.linalg.norm(y_p[:3]) - R_MOON_KM - pdi_alt,
                        (ahead_p - up) * R_MOON_KM, cross_p * R_MOON_KM])
        return res, (arcs, recs, t_p, y_p, ahead_p, cross_p)

    # Newton with a finite-difference Jacobian once, then Broyden's rank-one updates
    # (Broyden 1965, Math. Comp. 19, 577): the map is smooth and nearly linear here.
    x = np.array([trim0, t_doi, doi0])
    steps = np.array([0.5, 2.0, 0.5])
    res, out = attempt(x)
    jac = np.empty((3, 3))
    for j in range(3):
        dx = np.zeros(3)
        dx[j] = steps[j]
        jac[:, j] = (attempt(x + dx)[0] - res) / steps[j]
    for _ in range(12):
        if np.all(np.abs(res) < [0.02, 0.02, 0.01]):
            break
        dx = -np.linalg.solve(jac, res)
        res_new, out = attempt(x + dx)
        jac += np.outer(res_new - res - jac @ dx, dx) / (dx @ dx)
        x, res = x + dx, res_new
    if np.any(np.abs(res) > 10.0):
        raise RuntimeError(
            f"lunar orbit phase: trim and DOI did not converge on PDI (misses: altitude "
            f"{res[0]:.1f} km, along track {res[1]:.1f} km, cross track {res[2]:.1f} km); "
            "try another pdi_uprange_deg or a higher thrust_n")
    arcs, recs, t_p, y_p, ahead_p, cross_p = out
    fl.arcs += arcs
    for name, b, dvi in recs:
        _record(fl, name, b, dvi, epoch)
    return _result(fl, sequence, epoch, circ, t_circ, t_w - t_circ, t_p, y_p,
                   ahead_p, cross_p, period_c, track_revs)


def _first_pass(tt, gap, tol_km):
    """First time the plane is within ``tol_km`` of the site or crosses it, from the
    predicted gaps [km] at times ``tt``; None if it does neither."""
    ok = np.flatnonzero(np.abs(gap) <= tol_km)
    sign = np.flatnonzero(np.sign(gap[1:]) != np.sign(gap[:-1]))
    if ok.size and (not sign.size or ok[0] <= sign[0]):
        return float(tt[ok[0]])
    if sign.size:
        k = sign[0]
        return float(tt[k] - gap[k] * (tt[k + 1] - tt[k]) / (gap[k + 1] - gap[k]))
    return None


def _cut(arc, t_end):
    """The part of ``arc`` up to ``t_end`` (for sampling), as an Arc with the same dense output."""
    keep = arc.t_s <= t_end
    return Arc(arc.t0_s, float(t_end), arc.thrust_n, arc.isp_s, arc.steering_vnb,
               np.r_[arc.t_s[keep], t_end], np.vstack([arc.y[keep], arc.state_at(t_end)]),
               {}, arc.sol)


def _sample(arcs, t):
    """States (n, 7) at times ``t`` from the arcs covering them."""
    out = np.full((t.size, 7), np.nan)
    for a in arcs:
        lo, hi = min(a.t0_s, a.t1_s), max(a.t0_s, a.t1_s)
        m = (t >= lo) & (t <= hi)
        if m.any():
            out[m] = a.state_at(t[m])
    return out


def _latlon(r_me):
    rn = np.linalg.norm(r_me, axis=-1)
    lat = np.degrees(np.arcsin(r_me[..., 2] / rn))
    lon = np.degrees(np.arctan2(r_me[..., 1], r_me[..., 0]))
    return lat, lon, rn - R_MOON_KM


def _result(fl, sequence, epoch, circ, t_circ, wait_s, t_p, y_p, ahead_p, cross_p, period_c,
            track_revs):
    jd_p = epoch + t_p / _DAY_S
    r_me, v_me = convert_state(y_p[:3], y_p[3:6], jd_p, "moon_icrf", "moon_me")
    lat, lon, alt = _latlon(r_me)
    t_start = min(a.t0_s for a in fl.arcs)
    t_tr = np.linspace(max(t_p - track_revs * period_c, t_start), t_p,
                       int(track_revs * period_c / 20.0) + 2)
    y_tr = _sample(fl.arcs, t_tr)
    jd_tr = epoch + t_tr / _DAY_S
    r_tr, _ = convert_state(y_tr[:, :3], y_tr[:, 3:6], jd_tr, "moon_icrf", "moon_me")
    lat_tr, lon_tr, alt_tr = _latlon(r_tr)
    t_h = np.linspace(t_start, t_p, int((t_p - t_start) / 120.0) + 2)
    y_h = _sample(fl.arcs, t_h)
    burns = tuple(sorted(fl.burns, key=lambda b: b.start_jd_tdb))
    events = tuple((b.name, b.start_jd_tdb) for b in burns) + (("pdi", jd_p),)
    trim = sum(b.dv_kms for b in burns if b.name == "plane trim")
    doi = [b for b in burns if b.name.startswith("doi")][-1]
    jd_doi = 0.5 * (doi.start_jd_tdb + doi.end_jd_tdb)
    y_doi = _sample(fl.arcs, np.array([(jd_doi - epoch) * _DAY_S]))[0]
    r_doi, _ = convert_state(y_doi[:3], y_doi[3:6], jd_doi, "moon_icrf", "moon_me")
    doi_lat, doi_lon, doi_alt = _latlon(r_doi)
    return LunarOrbitPhase(
        sequence, burns, events, circ, epoch + t_circ / _DAY_S, float(wait_s), jd_p,
        y_p[:3].copy(), y_p[3:6].copy(), r_me, v_me, float(lat), float(lon), float(alt),
        float(y_p[6]), float(jd_doi), float(doi_lat), float(doi_lon), float(doi_alt),
        float(cross_p * R_MOON_KM), float(np.degrees(ahead_p)), float(trim),
        float(sum(b.dv_kms for b in burns)), float(burns[0].mass_before_kg - y_p[6]),
        jd_tr, r_tr, lat_tr, lon_tr, alt_tr, epoch + t_h / _DAY_S,
        np.linalg.norm(y_h[:, :3], axis=1) - R_MOON_KM, y_h[:, 6], fl.model.degree)
