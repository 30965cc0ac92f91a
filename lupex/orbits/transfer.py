"""Direct Earth-Moon transfer targeting: TLI from a circular parking orbit to a polar lunar
periselene, differentially corrected through the full force model, then the LOI burn.

Method
------
1. Patched-conic guess (Moon's gravity ignored): pick the arrival time t0 + TOF, aim at the
   B-plane point that turns the hyperbola into a polar orbit of the commanded periselene
   radius, b = r_p sqrt(1 + 2 mu_M / (r_p v_inf^2)) (Battin 1999, eq. 8.96; Vallado 2013,
   sec. 12.4), and solve Lambert's problem from a parking-orbit point 175 degrees behind it
   (Izzo's solver, :func:`lupex.orbits.lambert.lambert`). The parking orbit lies in the Lambert transfer plane.
2. Shooting: ``scipy.optimize.least_squares`` varies the TLI Delta-v vector so that the
   Earth-centred Cowell run (Earth point mass + J2, Moon and Sun from DE421) reaches its
   first periselene at the commanded altitude and inclination (to the Moon's mean-Earth
   equator). The burn is impulsive at the fixed epoch and parking-orbit point.
3. LOI: one impulsive retro-burn at periselene to the local circular speed,
   dv = v_p - sqrt(mu_M / r_p).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import least_squares

from lupex import ephemeris as eph
from lupex.constants import R_EARTH_KM, R_MOON_KM
from lupex.orbits.cowell import ForceModel, Trajectory, propagate
from lupex.orbits.events import MOON_SOI_KM, body_periapsis
from lupex.orbits.forces import GM_KM3S2, tabulate_ephemeris
from lupex.orbits.lambert import lambert

MU_E = GM_KM3S2["earth"]
MU_M = GM_KM3S2["moon"]


def _lambert_v1(r1_km, r2_km, tof_s: float, mu: float) -> np.ndarray:
    """Departure velocity of the single-revolution prograde (about +z) Lambert arc, from
    :func:`lupex.orbits.lambert.lambert` (Izzo 2015)."""
    sol = lambert(mu, np.asarray(r1_km, float), np.asarray(r2_km, float), tof_s)
    return sol.v1_kms.reshape(-1, 3)[0]


@dataclass(frozen=True)
class TransferResult:
    """A targeted direct Earth-Moon transfer (impulsive TLI and LOI).

    Vectors are Earth-centred ICRF at the TLI epoch unless stated, shape (3,): ``r_tli_km``
    the TLI point [km], ``v_parking_kms`` the parking-orbit velocity there and
    ``dv_tli_kms`` the TLI impulse [km/s]. Scalars: C3 [km^2/s^2], time of flight to
    periselene [s], periselene altitude [km], inclination and latitude to the Moon's ME
    equator [deg], periselene speed and LOI impulse [km/s]. ``trajectory`` is the
    corrected full-model arc (Earth-centred, ending at periselene).
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

    @property
    def dv_tli_mag_kms(self) -> float:
        """Magnitude of the TLI impulse [km/s]."""
        return float(np.linalg.norm(self.dv_tli_kms))


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


def design_transfer(epoch_jd_tdb: float, parking_alt_km: float = 200.0,
                    periselene_alt_km: float = 100.0, inclination_deg: float = 90.0,
                    tof_guess_days: float = 4.5, approach: str = "south",
                    max_nfev: int = 40) -> TransferResult:
    """Target a direct transfer from a circular Earth parking orbit to a lunar periselene.

    Parameters
    ----------
    epoch_jd_tdb : float
        TLI burn epoch (TDB Julian date).
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

    # --- 1. patched-conic guess ---------------------------------------------------------
    tof = tof_guess_days * 86400.0
    jd_arr = epoch_jd_tdb + tof_guess_days
    rm, vm = eph.barycentric_state("moon", jd_arr)
    re, ve = eph.barycentric_state("earth", jd_arr)
    r_moon, v_moon = rm - re, vm - ve
    r_park = R_EARTH_KM + parking_alt_km
    rp = R_MOON_KM + periselene_alt_km
    # A Hohmann-like arrival is slow (~0.2 km/s) in the Earth frame: v_inf ~ -v_moon.
    s_hat = -v_moon / np.linalg.norm(v_moon)
    vinf = np.linalg.norm(v_moon) * 0.85
    b = rp * np.sqrt(1 + 2 * MU_M / (rp * vinf**2))
    pole = _moon_pole_icrf(jd_arr)
    # B in the plane of the pole and v_inf gives a polar orbit; tilt it for other i.
    b_pol = pole - np.dot(pole, s_hat) * s_hat
    b_pol /= np.linalg.norm(b_pol)
    b_eq = np.cross(s_hat, b_pol)
    tilt = np.radians(90.0 - inclination_deg)
    b_hat = (np.cos(tilt) * b_pol + np.sin(tilt) * b_eq) * (-1 if approach == "south" else 1)
    aim = r_moon + b * b_hat
    h_moon = np.cross(r_moon, v_moon)
    h_moon /= np.linalg.norm(h_moon)
    u = -aim / np.linalg.norm(aim)
    ang = np.radians(5.0)   # depart 175 deg before the aim point, prograde about h_moon
    r1 = r_park * (np.cos(ang) * u + np.sin(ang) * np.cross(h_moon, u))
    # Lambert in a frame whose +z is h_moon, so "prograde" means the Moon's sense.
    basis = np.array([u, np.cross(h_moon, u), h_moon])
    v1_b = _lambert_v1(basis @ r1, basis @ aim, tof, MU_E)
    v1 = basis.T @ v1_b
    h_t = np.cross(r1, v1)
    v_park = np.sqrt(MU_E / r_park) * np.cross(h_t, r1) / np.linalg.norm(np.cross(h_t, r1))

    # --- 2. shooting through the full force model -------------------------------------
    model = ForceModel("earth", third_bodies=("moon", "sun"), earth_j2=True)
    span = 1.6 * tof
    table = tabulate_ephemeris("earth", epoch_jd_tdb, 0.0, span, moon_rotation=False)
    ev = body_periapsis("moon", MOON_SOI_KM, terminal=True, name="periselene")

    def run(dv):
        return propagate(r1, v_park + dv, epoch_jd_tdb, span, model, events=(ev,),
                         table=table, rtol=1e-10)

    def residual(dv):
        tr = run(dv)
        p = _periselene(tr, "periselene")
        if p is None:
            d = np.linalg.norm(tr.r_km - table.position("moon", tr.t_s), axis=-1).min()
            return np.array([(d - rp) / 100.0, 0.0])
        _, jd, d, dvv = p
        return np.array([(np.linalg.norm(d) - rp) / 100.0,     # 100 km <-> 1 unit
                         (_inclination_deg(d, dvv, jd) - inclination_deg) / 1.0])

    sol = least_squares(residual, v1 - v_park, method="trf", x_scale=1e-3, diff_step=1e-6,
                        xtol=1e-10, ftol=1e-8, gtol=1e-12, max_nfev=max_nfev)
    dv = sol.x
    tr = run(dv)
    p = _periselene(tr, "periselene")
    if p is None:
        raise RuntimeError("design_transfer: the corrected trajectory does not reach the Moon")
    t_p, jd_p, d, dvv = p
    r_p = np.linalg.norm(d)
    v_p = np.linalg.norm(dvv)
    v_tli = v_park + dv
    lat = np.degrees(np.arcsin(np.dot(d, _moon_pole_icrf(jd_p)) / r_p))
    ok = bool(np.all(np.abs(sol.fun) < np.array([0.01, 0.05])))  # 1 km, 0.05 deg
    return TransferResult(
        float(epoch_jd_tdb), r1, v_park, dv,
        float(np.dot(v_tli, v_tli) - 2 * MU_E / r_park), float(t_p),
        float(r_p - R_MOON_KM), float(_inclination_deg(d, dvv, jd_p)), float(lat),
        float(v_p), float(v_p - np.sqrt(MU_M / r_p)), ok, float(np.linalg.norm(sol.fun)),
        int(sol.nfev), tr)
