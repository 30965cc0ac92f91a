"""Two-body plan of a lander's lunar orbit: capture, parking orbit and descent orbit.

The pipeline-facing entry point of the two-body core (:func:`plan_lunar_orbit`).
It strings the pure functions together for the Chandrayaan-5 / LUPEX arrival
sequence, all impulsive and two-body (a first-cut budget). The flown phase - finite burns,
the Chandrayaan-3- or SLIM-like lowering sequence, the GRAIL field, node phasing over the
site and DOI targeted to PDI - is :func:`lupex.orbits.lunar_phase.fly_lunar_orbit_phase`:

1. **LOI** - lunar orbit insertion: one burn at the periapsis of the arrival
   hyperbola (excess speed ``v_inf``) into the circular parking orbit,
   ``dv = sqrt(v_inf^2 + 2 mu / r) - sqrt(mu / r)`` (Vallado 2013, eq. 12-13
   with a circular target).
2. **Parking orbit** - circular, altitude ``h`` above the mean lunar sphere,
   inclination ``inc`` (90 deg: polar, reaching the south pole), propagated
   with :func:`lupex.orbits.kepler.propagate_grid` for a few periods.
3. **DOI** - descent orbit insertion: a retrograde burn that lowers the
   perilune to ``h_p`` (Chandrayaan-2/3 used ~100 km x 30 km), i.e. the first
   half of a Hohmann transfer; the lander coasts half the descent orbit to
   perilune, where powered descent starts.

Frame: Moon-centred inertial with z along the lunar spin axis and x the
direction ``raan`` is counted from (to the precision a two-body budget needs;
the frames helper converts to MOON_ME/PA).  The parking arc starts at the
ascending node (t = 0).  The DOI burn is placed at argument of latitude 90 deg,
so perilune falls at 270 deg, the orbit's southernmost point (latitude
``-min(inc, 180 - inc)``: the south pole itself for a polar orbit).
"""

from dataclasses import dataclass

import numpy as np

from lupex.constants import GM_MOON_KM3S2, R_MOON_KM
from lupex.orbits._validate import gm as _check_gm
from lupex.orbits._validate import real as _check_real
from lupex.orbits.elements import coe2rv, period, specific_energy
from lupex.orbits.kepler import propagate_grid
from lupex.orbits.maneuvers import apply_impulse, hohmann


@dataclass(frozen=True)
class LunarOrbitPlan:
    """Result of :func:`plan_lunar_orbit` (km, km/s, s, deg as named)."""

    mu_km3s2: float
    body_radius_km: float
    parking_alt_km: float
    inc_deg: float
    raan_deg: float
    v_inf_kms: float
    perilune_alt_km: float
    period_s: float
    circular_speed_kms: float
    loi_dv_kms: float
    doi_dv_kms: float
    doi_to_perilune_s: float
    descent_orbit_period_s: float
    perilune_speed_kms: float
    perilune_lat_deg: float
    t_s: np.ndarray
    r_km: np.ndarray
    v_kms: np.ndarray
    alt_km: np.ndarray
    descent_t_s: np.ndarray
    descent_r_km: np.ndarray
    descent_alt_km: np.ndarray
    max_energy_drift_rel: float


def plan_lunar_orbit(parking_alt_km=100.0, inc_deg=90.0, raan_deg=0.0, v_inf_kms=0.85,
                     perilune_alt_km=30.0, n_periods=3.0, n_samples=361,
                     mu_km3s2=GM_MOON_KM3S2, body_radius_km=R_MOON_KM):
    """Impulsive two-body plan: LOI into a circular parking orbit, then DOI.

    Parameters
    ----------
    parking_alt_km : float
        Circular parking-orbit altitude above the mean sphere [km], in (0, 20000].
    inc_deg : float
        Parking-orbit inclination [deg], in [0, 180] (90 = polar).
    raan_deg : float
        Right ascension of the ascending node [deg], in [0, 360).
    v_inf_kms : float
        Hyperbolic excess speed of the arrival [km/s], in [0, 5]
        (about 0.8-1.0 km/s for direct Earth-Moon transfers).
    perilune_alt_km : float
        Descent-orbit perilune altitude [km], in (0, parking_alt_km].
    n_periods : float
        Length of the propagated parking-orbit arc [periods], in (0, 1000].
    n_samples : int
        Number of states on that arc, in [2, 1e6].
    mu_km3s2, body_radius_km : float
        Moon GM [km^3/s^2] (default DE431) and reference radius [km] (LOLA 1737.4).

    Returns
    -------
    LunarOrbitPlan

    Example
    -------
    >>> plan = plan_lunar_orbit(parking_alt_km=100.0, inc_deg=90.0, v_inf_kms=0.85)
    >>> round(plan.period_s / 60, 1)
    117.8
    """
    alt = float(_check_real("parking_alt_km", parking_alt_km, 0.0, 20000.0, low_open=True, unit="km"))
    inc = float(_check_real("inc_deg", inc_deg, 0.0, 180.0, unit="deg"))
    raan = float(_check_real("raan_deg", raan_deg, 0.0, 360.0, high_open=True, unit="deg"))
    vinf = float(_check_real("v_inf_kms", v_inf_kms, 0.0, 5.0, unit="km/s"))
    hp = float(_check_real("perilune_alt_km", perilune_alt_km, 0.0, alt, low_open=True, unit="km"))
    nper = float(_check_real("n_periods", n_periods, 0.0, 1000.0, low_open=True))
    if int(n_samples) != n_samples or not 2 <= n_samples <= 1_000_000:
        raise ValueError(f"n_samples must be an integer in [2, 1000000]; got {n_samples!r}")
    mu = _check_gm(mu_km3s2)
    rb = float(_check_real("body_radius_km", body_radius_km, 0.0, low_open=True, unit="km"))

    r_park = rb + alt
    v_circ = np.sqrt(mu / r_park)
    loi = np.sqrt(vinf**2 + 2.0 * mu / r_park) - v_circ
    doi = hohmann(mu, r_park, rb + hp)
    a_desc = 0.5 * (r_park + rb + hp)
    t_park = float(period(mu, r_park))

    r0, v0 = coe2rv(mu, r_park, 0.0, np.radians(inc), np.radians(raan), 0.0, 0.0)
    t = np.linspace(0.0, nper * t_park, int(n_samples))
    r, v = propagate_grid(mu, r0[None], v0[None], t)
    r, v = r[0], v[0]
    e0 = specific_energy(mu, r0, v0)
    drift = float(np.max(np.abs(specific_energy(mu, r, v) - e0)) / abs(e0))
    # DOI at argument of latitude 90 deg: retrograde burn along -V (VNB frame),
    # then coast half the descent orbit to perilune at 270 deg.
    rn, vn = coe2rv(mu, r_park, 0.0, np.radians(inc), np.radians(raan), 0.0, 0.5 * np.pi)
    rd0, vd0 = apply_impulse(rn, vn, [-float(doi.dv_kms[0]), 0.0, 0.0], frame="vnb")
    td = np.linspace(0.0, float(doi.tof_s), 181)
    rd, _ = propagate_grid(mu, rd0[None], vd0[None], td)
    return LunarOrbitPlan(
        mu_km3s2=mu, body_radius_km=rb, parking_alt_km=alt, inc_deg=inc, raan_deg=raan,
        v_inf_kms=vinf, perilune_alt_km=hp, period_s=t_park, circular_speed_kms=float(v_circ),
        loi_dv_kms=float(loi), doi_dv_kms=float(doi.dv_kms[0]), doi_to_perilune_s=float(doi.tof_s),
        descent_orbit_period_s=float(period(mu, a_desc)),
        perilune_speed_kms=float(np.sqrt(mu * (2.0 / (rb + hp) - 1.0 / a_desc))),
        perilune_lat_deg=-min(inc, 180.0 - inc),
        t_s=t, r_km=r, v_kms=v, alt_km=np.linalg.norm(r, axis=-1) - rb,
        descent_t_s=td, descent_r_km=rd[0], descent_alt_km=np.linalg.norm(rd[0], axis=-1) - rb,
        max_energy_drift_rel=drift,
    )
