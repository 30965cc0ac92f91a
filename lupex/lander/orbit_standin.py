"""TEMPORARY stand-in for the lunar-orbit phase (``lupex.orbits.lunar_phase.fly_lunar_orbit_phase``,
built in parallel): two-body, impulsive-with-duration burns, from today's
:func:`lupex.orbits.lunar_orbit.plan_lunar_orbit`. The one entry point is
:func:`fly_lunar_orbit_phase_standin`; swap it for the real phase when that lands.

What it does (and does not):

* LOI at the transfer's periselene into the circular orbit of the arrival radius
  (dv from the arrival excess speed, Vallado 2013 eq. 12-13), no lowering sequence;
* the orbit plane is the arrival plane, fixed in ICRF (no gravity-field precession); the
  landing epoch is the instant nearest to ``target_jd_tdb`` when the Moon's rotation brings
  the site into that plane (node phasing), at least ``min_wait_days`` after LOI;
* DOI half a descent-orbit period before PDI lowers the periselene to ``pdi_alt_km``;
  PDI is at that periselene, ``pdi_uprange_deg`` before the site along the plane;
* the in-plane phase is not propagated from LOI to DOI (the stand-in places the lander
  where the landing needs it).

Burn durations are the rocket-equation burn times at the rated thrust,
t = m0 (1 - exp(-dv / (Isp g0))) Isp g0 / F.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq

from lupex import ephemeris as eph
from lupex.constants import G0_KMS2, GM_MOON_KM3S2, R_MOON_KM
from lupex.geometry import enu_basis
from lupex.lander.moon_fixed import icrf_to_me_state
from lupex.lander.propellant import mass_after_burn
from lupex.orbits.elements import period
from lupex.orbits.kepler import propagate_grid
from lupex.orbits.lunar_orbit import plan_lunar_orbit

__all__ = ["Burn", "LunarOrbitPhase", "PdiState", "fly_lunar_orbit_phase_standin"]

SECONDS_PER_DAY = 86_400.0


@dataclass(frozen=True)
class Burn:
    """One burn: name, start/end (TDB Julian dates), dv [km/s], duration [s], masses [kg]."""

    name: str
    start_jd_tdb: float
    end_jd_tdb: float
    dv_kms: float
    duration_s: float
    mass_before_kg: float
    mass_after_kg: float


@dataclass(frozen=True)
class PdiState:
    """The state at powered-descent initiation: epoch (TDB JD), Moon-centred ICRF and MOON_ME
    position [km] / velocity [km/s] (ME: relative to the rotating Moon), latitude, east
    longitude [deg] and altitude above the reference sphere [km]."""

    epoch_jd_tdb: float
    r_icrf_km: np.ndarray
    v_icrf_kms: np.ndarray
    r_me_km: np.ndarray
    v_me_kms: np.ndarray
    lat_deg: float
    lon_deg: float
    alt_km: float


@dataclass(frozen=True)
class LunarOrbitPhase:
    """Burns, events (name, TDB JD), the PDI state, the last revolutions sampled in MOON_ME
    (epochs, positions [km], lat/lon [deg], alt [km]) and the phasing wait [s]."""

    burns: tuple[Burn, ...]
    events: tuple[tuple[str, float], ...]
    pdi: PdiState
    track_jd_tdb: np.ndarray
    track_r_me_km: np.ndarray
    track_lat_deg: np.ndarray
    track_lon_deg: np.ndarray
    track_alt_km: np.ndarray
    phasing_wait_s: float
    note: str


def _burn(name, jd0, m0, dv, thrust_n, isp_s):
    m1 = float(mass_after_burn(m0, dv, isp_s))
    dur = (m0 - m1) * isp_s * G0_KMS2 / (thrust_n * 1e-3)
    return Burn(name, jd0, jd0 + dur / SECONDS_PER_DAY, float(dv), float(dur), float(m0), m1)


def fly_lunar_orbit_phase_standin(arrival_jd_tdb: float, r_arrival_km, v_arrival_kms, mass_kg: float,
                                  thrust_n: float, isp_s: float, site_lat_deg: float, site_lon_deg: float,
                                  pdi_alt_km: float, pdi_uprange_deg: float, target_jd_tdb: float,
                                  min_wait_days: float = 1.0, n_last_revs: float = 2.0) -> LunarOrbitPhase:
    """The stand-in lunar-orbit phase (see the module docstring).

    Parameters
    ----------
    arrival_jd_tdb : float
        Periselene epoch of the transfer, TDB Julian date.
    r_arrival_km, v_arrival_kms : array_like, shape (3,)
        Moon-centred ICRF state at periselene [km, km/s].
    mass_kg : float
        Lander mass before LOI [kg].
    thrust_n : float
        Rated thrust [N].
    isp_s : float
        Specific impulse [s].
    site_lat_deg, site_lon_deg : float
        Landing site [deg].
    pdi_alt_km : float
        PDI (descent-orbit periselene) altitude [km].
    pdi_uprange_deg : float
        Central angle PDI -> site [deg] (:func:`lupex.lander.guided.nominal_descent_range`).
    target_jd_tdb : float
        Planned touchdown, TDB JD (the window's estimate); the landing pass nearest to it.
    min_wait_days : float
        Least time from LOI to PDI [d].
    n_last_revs : float
        Circular-orbit revolutions before DOI to sample for the ground track.

    Returns
    -------
    LunarOrbitPhase
    """
    r_a = np.asarray(r_arrival_km, dtype=float)
    v_a = np.asarray(v_arrival_kms, dtype=float)
    mu = GM_MOON_KM3S2
    r_c = float(np.linalg.norm(r_a))
    circ_alt = r_c - R_MOON_KM
    if not 0.0 < pdi_alt_km < circ_alt:
        raise ValueError(f"pdi_alt_km: must be between 0 and the circular orbit's {circ_alt:.1f} km, "
                         f"got {pdi_alt_km}")
    v_inf = float(np.sqrt(max(np.dot(v_a, v_a) - 2.0 * mu / r_c, 0.0)))
    plan = plan_lunar_orbit(parking_alt_km=circ_alt, v_inf_kms=v_inf, perilune_alt_km=pdi_alt_km,
                            n_samples=2)
    h_hat = np.cross(r_a, v_a)
    h_hat /= np.linalg.norm(h_hat)
    _, _, up_me = enu_basis(np.radians(site_lat_deg), np.radians(site_lon_deg))

    def off_plane(jd):  # the site's direction out of the orbit plane, ICRF
        return float(h_hat @ (eph.icrf_to_moon_me(jd).T @ up_me))

    # node phasing: the instants the Moon's rotation brings the site into the plane
    t0 = arrival_jd_tdb + min_wait_days
    grid = t0 + np.arange(0.0, 30.0, 0.25)
    f = np.array([off_plane(j) for j in grid])
    roots = [brentq(off_plane, grid[i], grid[i + 1], xtol=1e-9) for i in np.nonzero(np.sign(f[:-1]) != np.sign(f[1:]))[0]]
    if not roots:
        raise ValueError("lunar orbit: the site never enters the orbit plane within 30 days")
    jd_td = min(roots, key=lambda j: abs(j - target_jd_tdb))
    u_site = eph.icrf_to_moon_me(jd_td).T @ up_me
    along = np.cross(h_hat, u_site)  # direction of motion at the site
    ang = np.radians(pdi_uprange_deg)
    u_pdi = np.cos(ang) * u_site - np.sin(ang) * along
    t_pdi_dir = np.cos(ang) * along + np.sin(ang) * u_site
    rp = R_MOON_KM + pdi_alt_km
    a_d = 0.5 * (rp + r_c)
    v_p = float(np.sqrt(mu * (2.0 / rp - 1.0 / a_d)))
    r_pdi, v_pdi = rp * u_pdi, v_p * t_pdi_dir
    half = 0.5 * float(period(mu, a_d))
    # PDI ~ a descent's duration before touchdown: the stand-in keeps PDI at the pass epoch
    jd_pdi = jd_td
    jd_doi = jd_pdi - half / SECONDS_PER_DAY
    # burns with the mass they really have
    loi = _burn("LOI", arrival_jd_tdb, mass_kg, plan.loi_dv_kms, thrust_n, isp_s)
    doi = _burn("DOI", jd_doi, loi.mass_after_kg, plan.doi_dv_kms, thrust_n, isp_s)
    # sampled last revolutions: circular orbit before DOI, then the descent orbit to PDI
    t_circ = float(period(mu, r_c))
    r_doi = -r_c * u_pdi
    v_doi_circ = -np.sqrt(mu / r_c) * t_pdi_dir
    tc = np.linspace(-n_last_revs * t_circ, 0.0, 241)
    rc, _ = propagate_grid(mu, r_doi[None], v_doi_circ[None], tc)
    td = np.linspace(-half, 0.0, 121)
    rd, _ = propagate_grid(mu, r_pdi[None], v_pdi[None], td)
    jd_tr = np.concatenate([jd_doi + tc / SECONDS_PER_DAY, jd_pdi + td[1:] / SECONDS_PER_DAY])
    r_tr_icrf = np.concatenate([rc[0], rd[0, 1:]])
    m_tr = eph.icrf_to_moon_me(jd_tr)
    r_tr = np.einsum("nij,nj->ni", m_tr, r_tr_icrf)
    rn = np.linalg.norm(r_tr, axis=-1)
    r_me, v_me = icrf_to_me_state(jd_pdi, r_pdi, v_pdi)
    r_me, v_me = r_me[0], v_me[0]
    rme_n = float(np.linalg.norm(r_me))
    pdi = PdiState(float(jd_pdi), r_pdi, v_pdi, r_me, v_me, float(np.degrees(np.arcsin(r_me[2] / rme_n))),
                   float(np.mod(np.degrees(np.arctan2(r_me[1], r_me[0])), 360.0)), rme_n - R_MOON_KM)
    events = (("loi", loi.start_jd_tdb), ("doi", doi.start_jd_tdb),
              ("pdi", jd_pdi))
    return LunarOrbitPhase(
        (loi, doi), events, pdi, jd_tr, r_tr, np.degrees(np.arcsin(r_tr[:, 2] / rn)),
        np.mod(np.degrees(np.arctan2(r_tr[:, 1], r_tr[:, 0])), 360.0), rn - R_MOON_KM,
        float((jd_doi - loi.end_jd_tdb) * SECONDS_PER_DAY),
        "stand-in: two-body, LOI straight into the circular orbit, no lowering sequence, plane fixed "
        "in ICRF, in-plane phase not propagated from LOI (replaced by the lunar-orbit phase module)")
