"""Direct Earth-Moon transfer targeting from a Tanegashima launch: lift-off time, parking
orbit, tangential TLI to a polar lunar periselene, differentially corrected through the full
force model, then the LOI burn.

Method
------
1. Patched-conic guess (Moon's gravity ignored): the arrival is at lift-off + coast + TOF;
   aim at the B-plane point that turns the hyperbola into an orbit of the commanded
   periselene radius and inclination, b = r_p sqrt(1 + 2 mu_M / (r_p v_inf^2)) (Battin
   1999, eq. 8.96; Vallado 2013, sec. 12.4). The parking plane is one a Tanegashima launch
   gives (:mod:`lupex.launch.parking`): inclination at least the pad's latitude (default the
   lowest that also contains the aim, i.e. the most easterly launch), node fixed by the
   lift-off time through the Earth's rotation; the lift-off nearest the wanted date whose
   plane contains the aim is solved in closed form. The TLI is tangential (the TLI point is
   the departure perigee) at the true anomaly before the aim where a two-body ellipse whose
   time from perigee to the aim's radius equals the TOF reaches that radius.
2. Shooting: ``scipy.optimize.least_squares`` varies the lift-off time (turning the parking
   plane with the Earth), the coast (moving the TLI point along the orbit) and the TLI
   magnitude so that the Earth-centred Cowell run (Earth point mass + J2, Moon and Sun from
   DE421) reaches its first periselene at the commanded altitude and inclination (to the
   Moon's mean-Earth equator).
3. LOI: one impulsive retro-burn at periselene to the local circular speed,
   dv = v_p - sqrt(mu_M / r_p).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq

from lupex import ephemeris as eph
from lupex.constants import OMEGA_EARTH_RADS, R_EARTH_KM, R_MOON_KM
from lupex.launch.parking import (
    H3_ASCENT_LAG_S,
    ParkingCalibration,
    itrs_to_gcrs_matrix,
    pad_geocentric_latitude_deg,
    parking_orbit,
    solve_lift_off,
)
from lupex.orbits.cowell import ForceModel, Trajectory, propagate
from lupex.orbits.events import MOON_SOI_KM, body_periapsis
from lupex.orbits.forces import GM_KM3S2, tabulate_ephemeris
from lupex.orbits.patched_conic import time_to_radius_s

MU_E = GM_KM3S2["earth"]
MU_M = GM_KM3S2["moon"]


@dataclass(frozen=True)
class TransferResult:
    """A targeted direct Earth-Moon transfer (impulsive TLI and LOI).

    Vectors are Earth-centred ICRF at the TLI epoch unless stated, shape (3,): ``r_tli_km``
    the TLI point [km], ``v_parking_kms`` the parking-orbit velocity there and
    ``dv_tli_kms`` the TLI impulse [km/s]. Scalars: C3 [km^2/s^2], time of flight to
    periselene [s], periselene altitude [km], inclination and latitude to the Moon's ME
    equator [deg], periselene speed and LOI impulse [km/s]. ``trajectory`` is the
    corrected full-model arc (Earth-centred, ending at periselene).

    The launch side: ``lift_off_jd_tdb`` (TDB Julian date); ``launch_azimuth_deg`` the
    closed-form Earth-relative azimuth for the parking inclination
    (:func:`lupex.launch.site.launch_azimuth_deg`; the H3 model's own azimuth for that
    inclination is solved by the launch stage); ``parking_inclination_deg`` to the Earth's
    equator of date and ``parking_raan_deg`` its node on that equator, measured from the
    ITRS x axis frozen at lift-off, i.e. east of the Greenwich meridian at lift-off (the
    frame the H3 model flies in) [deg]; ``coast_s`` lift-off to TLI [s] (ascent and
    parking-orbit coast); ``parking_pole_icrf`` the Earth's rotation axis in ICRF (3,);
    ``parking_calibration`` the flown plane used, if any (its azimuth is then the H3's).
    """

    epoch_tli_jd_tdb: float
    r_tli_km: np.ndarray
    v_parking_kms: np.ndarray
    dv_tli_kms: np.ndarray
    c3_km2s2: float
    tof_s: float
    periselene_alt_km: float
    periselene_inclination_deg: float
    periselene_latitude_deg: float
    v_periselene_kms: float
    dv_loi_kms: float
    success: bool
    residual_norm: float
    n_propagations: int
    trajectory: Trajectory
    lift_off_jd_tdb: float = float("nan")
    launch_azimuth_deg: float = float("nan")
    parking_inclination_deg: float = float("nan")
    parking_raan_deg: float = float("nan")
    coast_s: float = float("nan")
    parking_pole_icrf: np.ndarray | None = None
    parking_calibration: ParkingCalibration | None = None

    @property
    def dv_tli_mag_kms(self) -> float:
        """Magnitude of the TLI impulse [km/s]."""
        return float(np.linalg.norm(self.dv_tli_kms))


def earth_moon_rotating_km(r_km, jd_tdb) -> np.ndarray:
    """Earth-centred ICRF positions in the Earth-Moon rotating frame [km], (..., 3).

    Axes at each instant: x towards the Moon (DE421), z along the Moon's geocentric orbital
    angular momentum r_M x v_M, y = z x x (Szebehely 1967, *Theory of Orbits*, ch. 1: the
    synodic frame, here with the Earth, not the barycentre, at the origin).

    Parameters
    ----------
    r_km : array_like, shape (..., 3)
        Earth-centred ICRF positions [km].
    jd_tdb : array_like, shape (...)
        Their TDB Julian dates.

    Returns
    -------
    numpy.ndarray, shape (..., 3)
        The same positions on the rotating axes [km].
    """
    jd = np.asarray(jd_tdb, dtype=float)
    rm, vm = eph.barycentric_state("moon", jd)
    re, ve = eph.barycentric_state("earth", jd)
    x = rm - re
    h = np.cross(x, vm - ve)
    x = x / np.linalg.norm(x, axis=-1, keepdims=True)
    z = h / np.linalg.norm(h, axis=-1, keepdims=True)
    y = np.cross(z, x)
    r = np.asarray(r_km, dtype=float)
    return np.stack([np.sum(r * x, -1), np.sum(r * y, -1), np.sum(r * z, -1)], axis=-1)


def _moon_pole_icrf(jd_tdb):
    """MOON_ME z axis in ICRF (third row of ICRF -> ME)."""
    return eph.icrf_to_moon_me(jd_tdb)[..., 2, :]


def _periselene(traj: Trajectory, name: str):
    """Moon-relative state at the periselene event, or None if it did not happen."""
    t = traj.event_t_s.get(name, np.array([]))
    if t.size == 0:
        return None
    jd = traj.epoch_jd_tdb + t[0] / 86400.0
    rm, vm = eph.barycentric_state("moon", jd)
    re, ve = eph.barycentric_state("earth", jd)
    y = traj.event_states[name][0]
    return t[0], jd, y[:3] - (rm - re), y[3:] - (vm - ve)


def _inclination_deg(d, dv, jd):
    h = np.cross(d, dv)
    return np.degrees(np.arccos(np.dot(h, _moon_pole_icrf(jd)) / np.linalg.norm(h)))


def _b_hat(s_hat, pole, inclination_deg: float, approach: str) -> np.ndarray:
    """Unit B vector (B-plane aim direction, Vallado 2013 sec. 12.4) for an incoming
    asymptote ``s_hat`` giving an orbit of ``inclination_deg`` to the plane normal to ``pole``.

    With ``b_pol`` the unit projection of the pole on the B-plane and ``b_eq = s x b_pol``,
    ``B = s_ns cos(t) b_pol + sin(t) b_eq`` with t = 90 deg - i gives the orbit normal
    ``h = B x s = s_ns cos(t) (b_pol x s) + sin(t) b_pol``, so ``h . pole`` is proportional
    to ``cos(i)``; ``s_ns`` = -1 puts the aim on the south side of the pole.
    """
    b_pol = pole - np.dot(pole, s_hat) * s_hat
    b_pol /= np.linalg.norm(b_pol)
    b_eq = np.cross(s_hat, b_pol)
    tilt = np.radians(90.0 - inclination_deg)
    sign = -1.0 if approach == "south" else 1.0
    return sign * np.cos(tilt) * b_pol + np.sin(tilt) * b_eq


def _b_plane_miss_km(d_km, v_kms, jd: float, periselene_km: float, inclination_deg: float,
                     approach: str) -> np.ndarray:
    """B-plane miss (B - B_target) on two axes normal to the incoming asymptote [km], (2,).

    From the Moon-relative periselene state: e-vector, asymptote
    ``S = e_hat / e + sqrt(1 - 1/e^2) (h_hat x e_hat)``, ``B = b (S x h_hat)`` with
    ``b = |a| sqrt(e^2 - 1)`` (Vallado 2013, Algorithm 79 / sec. 12.4); the target has
    ``|B| = r_p sqrt(1 + 2 mu / (r_p v_inf^2))`` along :func:`_b_hat`.
    """
    r = np.linalg.norm(d_km)
    v2 = float(np.dot(v_kms, v_kms))
    h = np.cross(d_km, v_kms)
    h_hat = h / np.linalg.norm(h)
    e_vec = ((v2 - MU_M / r) * d_km - np.dot(d_km, v_kms) * v_kms) / MU_M
    e = np.linalg.norm(e_vec)
    vinf2 = v2 - 2 * MU_M / r
    if e <= 1.0 or vinf2 <= 0.0:          # captured: no asymptote; fall back on radius
        return np.array([r - periselene_km, 0.0])
    e_hat = e_vec / e
    s_hat = e_hat / e + np.sqrt(1 - 1 / e**2) * np.cross(h_hat, e_hat)
    b_vec = (MU_M / vinf2) * np.sqrt(e**2 - 1) * np.cross(s_hat, h_hat)
    b_t = periselene_km * np.sqrt(1 + 2 * MU_M / (periselene_km * vinf2))
    miss = b_vec - b_t * _b_hat(s_hat, _moon_pole_icrf(jd), inclination_deg, approach)
    t_ax = np.cross(s_hat, [0.0, 0.0, 1.0])
    t_ax /= np.linalg.norm(t_ax)
    return np.array([np.dot(miss, t_ax), np.dot(miss, np.cross(s_hat, t_ax))])


def _aim(jd_arr: float, periselene_alt_km: float, inclination_deg: float, approach: str):
    """B-plane aim point near the Moon at ``jd_arr`` (Earth-centred ICRF) [km], (3,)."""
    rm, vm = eph.barycentric_state("moon", jd_arr)
    re, ve = eph.barycentric_state("earth", jd_arr)
    r_moon, v_moon = rm - re, vm - ve
    rp = R_MOON_KM + periselene_alt_km
    # A Hohmann-like arrival is slow (~0.2 km/s) in the Earth frame: v_inf ~ -v_moon.
    s_hat = -v_moon / np.linalg.norm(v_moon)
    vinf = np.linalg.norm(v_moon) * 0.85
    b = rp * np.sqrt(1 + 2 * MU_M / (rp * vinf**2))
    b_hat = _b_hat(s_hat, _moon_pole_icrf(jd_arr), inclination_deg, approach)
    return r_moon + b * b_hat


def _departure_conic(r_park_km: float, r_aim_km: float, tof_s: float):
    """C3 [km^2/s^2] of the tangential departure whose two-body time from perigee to
    ``r_aim_km`` is ``tof_s`` (clipped to the Hohmann time), and the true anomaly [rad]
    at which it reaches that radius."""
    c3_lo = -2.0 * MU_E / (r_aim_km + r_park_km) * (1.0 - 1e-9)
    f = lambda c3: time_to_radius_s(r_park_km, c3, r_aim_km, MU_E) - tof_s
    c3 = c3_lo if f(c3_lo) <= 0.0 else brentq(f, c3_lo, -1e-3, xtol=1e-9)
    a = -MU_E / c3
    e = 1.0 - r_park_km / a
    p = a * (1.0 - e * e)
    return c3, float(np.arccos(np.clip((p / r_aim_km - 1.0) / e, -1.0, 1.0)))


#: Shortest lift-off-to-TLI time [s] an H3 flight can give: SECO1 ~650 s after lift-off
#: (lupex.launch, h3-24l), a short coast, and half of the ~365 s second burn, measured to
#: the departure perigee.
MIN_COAST_S = 900.0


def design_transfer(near_jd_tdb: float, parking_alt_km: float = 200.0,
                    periselene_alt_km: float = 100.0, inclination_deg: float = 90.0,
                    tof_guess_days: float = 4.5, approach: str = "south",
                    max_nfev: int = 40, parking_inclination_deg: float | None = None,
                    lag_s: float = H3_ASCENT_LAG_S,
                    calibration: ParkingCalibration | None = None) -> TransferResult:
    """Target a direct transfer from a Tanegashima launch to a lunar periselene.

    Parameters
    ----------
    near_jd_tdb : float
        Wanted lift-off (TDB Julian date); the solved lift-off is the nearest whose
        parking plane contains the Moon-arrival aim (within half a day).
    parking_alt_km : float
        Circular parking-orbit altitude above the 6378.137 km equatorial radius [km].
    periselene_alt_km : float
        Commanded periselene altitude above the 1737.4 km sphere [km], 20-5000.
    inclination_deg : float
        Commanded inclination of the arrival orbit to the Moon's ME equator [deg], 0-180
        (90 = polar; values near 0 or 180 make the B-plane aim ill-defined).
    tof_guess_days : float
        Patched-conic time of flight for the initial guess [d], 2.5-6.
    approach : {"south", "north"}
        Side of the Moon's equatorial plane the B-plane aim point lies on.
    max_nfev : int
        Budget of full-model propagations for the shooting stage.
    parking_inclination_deg : float, optional
        Parking-orbit inclination to the equator of date [deg]; default the lowest
        reachable (pad latitude + 0.75 deg) or the aim's declination + 1 deg, whichever
        is larger.
    lag_s : float
        Ascent lag of the vehicle on the parking orbit [s]
        (:data:`lupex.launch.parking.H3_ASCENT_LAG_S`).
    calibration : lupex.launch.parking.ParkingCalibration, optional
        The parking plane and departure phase a flown ascent reached
        (:func:`lupex.launch.handover.calibrate_parking`); replaces the closed-form plane,
        ``parking_inclination_deg`` and ``lag_s``.

    Returns
    -------
    TransferResult
    """
    if not 150.0 <= parking_alt_km <= 2000.0:
        raise ValueError(f"parking_alt_km: must be in [150, 2000] km, got {parking_alt_km}")
    if not 20.0 <= periselene_alt_km <= 5000.0:
        raise ValueError(f"periselene_alt_km: must be in [20, 5000] km, got {periselene_alt_km}")
    if not 10.0 <= inclination_deg <= 170.0:
        raise ValueError(f"inclination_deg: must be in [10, 170] deg, got {inclination_deg}")
    if not 2.5 <= tof_guess_days <= 6.0:
        raise ValueError(f"tof_guess_days: must be in [2.5, 6] d, got {tof_guess_days}")
    if approach not in ("south", "north"):
        raise ValueError(f"approach: must be 'south' or 'north', got {approach!r}")

    # --- 1. patched-conic guess with a reachable parking plane -------------------------
    near = float(near_jd_tdb)
    q = itrs_to_gcrs_matrix(near)
    r_park = R_EARTH_KM + parking_alt_km
    rp = R_MOON_KM + periselene_alt_km
    tof = tof_guess_days * 86400.0
    t_lift, coast, inc_park = near, 1800.0, parking_inclination_deg
    if calibration is not None:
        inc_park = calibration.inclination_deg
    for _ in range(3):
        aim = _aim(t_lift + (coast + tof) / 86400.0, periselene_alt_km, inclination_deg,
                   approach)
        if inc_park is None or (parking_inclination_deg is None and calibration is None):
            dec = np.degrees(np.arcsin(abs(np.dot(q.T @ aim, [0, 0, 1])) / np.linalg.norm(aim)))
            inc_park = float(max(pad_geocentric_latitude_deg() + 0.75, dec + 1.0))
        t_lift = solve_lift_off(aim, near, inc_park, q_gcrs=q, q_ref_jd_tdb=near,
                                calibration=calibration)
        po = parking_orbit(t_lift, inc_park, parking_alt_km, lag_s=lag_s, q_gcrs=q,
                           q_ref_jd_tdb=near, calibration=calibration)
        c3_0, nu_a = _departure_conic(r_park, float(np.linalg.norm(aim)), tof)
        # argument of latitude of the aim in the parking plane (frame Q)
        o, i = np.radians(po.raan_of_date_deg), np.radians(inc_park)
        node = np.array([np.cos(o), np.sin(o), 0.0])
        m = np.cross([np.sin(o) * np.sin(i), -np.cos(o) * np.sin(i), np.cos(i)], node)
        a_q = q.T @ aim
        u_aim = np.arctan2(np.dot(a_q, m), np.dot(a_q, node))
        du = (po.u_of_date_rad(1.0) - po.u_of_date_rad(0.0))
        coast = po.lag_s + ((u_aim - nu_a - po.u_site_rad) % (2 * np.pi)) / du
        if coast < MIN_COAST_S:
            coast += 2 * np.pi / du
    v_circ = np.sqrt(MU_E / r_park)
    dv0 = np.sqrt(c3_0 + 2 * MU_E / r_park) - v_circ

    # --- 2. shooting through the full force model -------------------------------------
    model = ForceModel("earth", third_bodies=("moon", "sun"), earth_j2=True)
    span = 1.6 * tof
    ev = body_periapsis("moon", MOON_SOI_KM, terminal=True, name="periselene")

    def setup(x):
        t_l = t_lift + x[0] * 60.0 / 86400.0
        c = coast + x[1] * 60.0
        orb = parking_orbit(t_l, inc_park, parking_alt_km, lag_s=lag_s, q_gcrs=q,
                            q_ref_jd_tdb=near, calibration=calibration)
        r, v = orb.state_gcrs(c)
        return orb, t_l + c / 86400.0, c, r, v, v * (x[2] / np.linalg.norm(v))

    def run(x):
        _, epoch, _, r, v, dv = setup(x)
        table = tabulate_ephemeris("earth", epoch, 0.0, span, moon_rotation=False)
        return propagate(r, v + dv, epoch, span, model, events=(ev,), table=table,
                         rtol=1e-10), table

    def residual(x):
        tr, table = run(x)
        p = _periselene(tr, "periselene")
        if p is None:
            d = np.linalg.norm(tr.r_km - table.position("moon", tr.t_s), axis=-1).min()
            return np.array([(d - rp) / 100.0, 0.0])
        _, jd, d, dvv = p
        return _b_plane_miss_km(d, dvv, jd, rp, inclination_deg, approach) / 100.0


    x, n_prop = np.array([0.0, 0.0, dv0]), 0
    f = residual(x)
    n_prop += 1
    steps = np.array([1e-4, 1e-4, 1e-6])      # [min, min, km/s]: ~1-5 km at the Moon
    # |B| miss of 0.05 km: periselene within ~0.05 km, plane within 0.05/1840 rad (0.002 deg)
    while np.linalg.norm(f) > 5e-4 and n_prop + 4 <= max_nfev:
        jac = np.empty((2, 3))
        for k in range(3):
            xk = x.copy()
            xk[k] += steps[k]
            jac[:, k] = (residual(xk) - f) / steps[k]
        n_prop += 3
        # minimum-norm Newton step in scaled variables (3 unknowns, 2 conditions)
        dx = steps * np.linalg.lstsq(jac * steps, -f, rcond=None)[0]
        for damp in (1.0, 0.5, 0.25):
            f_new = residual(x + damp * dx)
            n_prop += 1
            if np.linalg.norm(f_new) < np.linalg.norm(f) or damp == 0.25:
                break
        x, f = x + damp * dx, f_new
    orb, epoch, c, r1, v_park, dv = setup(x)
    tr, _ = run(x)
    p = _periselene(tr, "periselene")
    if p is None:
        raise RuntimeError("design_transfer: the corrected trajectory does not reach the Moon")
    t_p, jd_p, d, dvv = p
    r_p = np.linalg.norm(d)
    v_p = np.linalg.norm(dvv)
    v_tli = v_park + dv
    lat = np.degrees(np.arcsin(np.dot(d, _moon_pole_icrf(jd_p)) / r_p))
    inc_p = _inclination_deg(d, dvv, jd_p)
    ok = bool(abs(r_p - rp) < 1.0 and abs(inc_p - inclination_deg) < 0.05)  # 1 km, 0.05 deg
    return TransferResult(
        float(epoch), r1, v_park, dv,
        float(np.dot(v_tli, v_tli) - 2 * MU_E / np.linalg.norm(r1)), float(t_p),
        float(r_p - R_MOON_KM), float(inc_p), float(lat),
        float(v_p), float(v_p - np.sqrt(MU_M / r_p)), ok, float(np.linalg.norm(f)),
        n_prop + 1, tr, lift_off_jd_tdb=float(orb.lift_off_jd_tdb),
        launch_azimuth_deg=float(orb.launch_azimuth_deg),
        parking_inclination_deg=float(orb.inclination_deg),
        parking_raan_deg=float(orb.raan_of_date_deg
                               - np.degrees(OMEGA_EARTH_RADS * (orb.lift_off_jd_tdb - near)
                                            * 86400.0)) % 360.0,
        coast_s=float(c), parking_pole_icrf=q[:, 2].copy(), parking_calibration=calibration)
