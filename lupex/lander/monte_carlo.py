"""Monte Carlo of the landing: dispersed powered descents flown as batches, and first-order
costs of the execution errors upstream of them.

Per sample (all Gaussian, zero mean, the scenario's one-sigma values; drawn by
:func:`lupex.dispersions.draw_block`, so a block's outcome depends only on its seed and index):

* **Powered descent**, integrated as one batch per block by
  :func:`lupex.lander.guided.fly_guided_descent` (closed-loop guidance to the site): the PDI
  state is the nominal plus an orbit-knowledge error (position and velocity per MOON_ME
  axis), the engine's thrust and Isp are the nominal times (1 + error). The guidance flies
  each sample from where it really is, so the knowledge error costs propellant, not miss.
* **Terrain-relative navigation**: the lander steers to where it believes the site is; an
  error of the estimate (east, north) moves the whole final approach by that error, so it
  is added to the flown touchdown point (first order: a 30 m shift changes neither gravity
  nor the guidance's gains).
* **TLI (injection) error**: a velocity error per axis, removed by the first trajectory
  correction soon after injection, costing its magnitude (first order: a correction within
  hours of TLI costs about the error itself; later ones cost more).
* **LOI execution**: magnitude (relative) and pointing (two axes) errors of the LOI burn,
  removed during the lowering sequence at the cost of the error vector's magnitude.
* **Launcher performance**: the capability times (1 + error); the launch margin follows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lupex.constants import G0_KMS2
from lupex.dispersions import draw_block
from lupex.geometry import enu_basis
from lupex.lander.guided import DescentDesign, fly_guided_descent

__all__ = [
    "DESCENT_SIGMA_NAMES",
    "DescentCase",
    "descent_block",
    "descent_sigmas",
    "extra_propellant_kg",
    "upstream_dv_kms",
]

#: The dispersions one descent block draws (units in the names).
DESCENT_SIGMA_NAMES = ("pdi_x_km", "pdi_y_km", "pdi_z_km", "pdi_vx_kms", "pdi_vy_kms",
                       "pdi_vz_kms", "thrust_rel", "isp_rel", "trn_east_m", "trn_north_m",
                       "tli_x_kms", "tli_y_kms", "tli_z_kms", "loi_mag_rel", "loi_pt1_rad",
                       "loi_pt2_rad", "launch_perf_rel")


def descent_sigmas(pdi_position_m: float, pdi_velocity_ms: float, thrust_rel: float,
                   isp_rel: float, trn_m: float, injection_velocity_ms: float,
                   loi_magnitude_rel: float, loi_pointing_deg: float,
                   launch_performance_rel: float) -> dict[str, float]:
    """The one-sigma values by dispersion name, in the units the names say.

    Parameters
    ----------
    pdi_position_m, pdi_velocity_ms : float
        Orbit knowledge at PDI, per axis [m], [m/s].
    thrust_rel, isp_rel : float
        Engine thrust and Isp, relative.
    trn_m : float
        Terrain-relative navigation error per horizontal axis [m].
    injection_velocity_ms : float
        TLI velocity error per axis [m/s].
    loi_magnitude_rel, loi_pointing_deg : float
        LOI magnitude (relative) and pointing per axis [deg].
    launch_performance_rel : float
        Launcher capability, relative.
    """
    p, v, i = pdi_position_m * 1e-3, pdi_velocity_ms * 1e-3, injection_velocity_ms * 1e-3
    pt = np.radians(loi_pointing_deg)
    values = (p, p, p, v, v, v, thrust_rel, isp_rel, trn_m, trn_m, i, i, i, loi_magnitude_rel,
              pt, pt, launch_performance_rel)
    return {k: float(s) for k, s in zip(DESCENT_SIGMA_NAMES, values, strict=True)}


@dataclass(frozen=True)
class DescentCase:
    """The nominal descent every sample disperses (sent to each worker once).

    Attributes
    ----------
    r_me_km, v_me_kms : numpy.ndarray, shape (3,)
        PDI position and Moon-relative velocity, MOON_ME [km], [km/s].
    mass_kg, thrust_n, isp_s : float
        Mass at PDI [kg], rated thrust [N], Isp [s].
    site_lat_deg, site_lon_deg, site_height_m : float
        The target [deg], [deg], terrain height above the 1737.4 km sphere [m].
    design : lupex.lander.guided.DescentDesign
    omega_me_rads : numpy.ndarray, shape (3,)
        The Moon's spin in MOON_ME [rad/s].
    """

    r_me_km: np.ndarray
    v_me_kms: np.ndarray
    mass_kg: float
    thrust_n: float
    isp_s: float
    site_lat_deg: float
    site_lon_deg: float
    site_height_m: float
    design: DescentDesign
    omega_me_rads: np.ndarray


def descent_block(block: tuple[int, int], case: DescentCase, sigmas: dict, seed: int
                  ) -> dict[str, np.ndarray]:
    """Fly one block of dispersed descents as a batch (a pure function of its arguments).

    Parameters
    ----------
    block : (int, int)
        Block index and sample count (:func:`lupex.dispersions.blocks`).
    case : DescentCase
        The nominal descent.
    sigmas : dict
        :func:`descent_sigmas`'s values.
    seed : int
        The run's seed.

    Returns
    -------
    dict of numpy.ndarray, each shape (size,)
        ``east_m``, ``north_m`` of touchdown from the site (TRN error included), ``miss_m``,
        ``lat_deg``, ``lon_deg`` (flown, before the TRN shift), ``vertical_ms``,
        ``horizontal_ms``, ``descent_propellant_kg``, ``landed``, ``t_touchdown_s`` (from
        PDI), and the upstream draws
        (``tli_*``, ``loi_*``, ``launch_perf_rel``) for :func:`upstream_dv_kms`.
    """
    b, size = block
    d = draw_block(sigmas, seed, b, size)
    r0 = case.r_me_km + np.stack((d["pdi_x_km"], d["pdi_y_km"], d["pdi_z_km"]), axis=-1)
    v0 = case.v_me_kms + np.stack((d["pdi_vx_kms"], d["pdi_vy_kms"], d["pdi_vz_kms"]), axis=-1)
    thrust = case.thrust_n * (1.0 + d["thrust_rel"])
    isp = case.isp_s * (1.0 + d["isp_rel"])
    fl = fly_guided_descent(r0, v0, np.full(size, case.mass_kg), thrust, isp, case.site_lat_deg,
                            case.site_lon_deg, case.site_height_m, case.design,
                            omega_me_rads=case.omega_me_rads)
    east, north, _ = enu_basis(np.radians(case.site_lat_deg), np.radians(case.site_lon_deg))
    rel_m = (np.asarray(fl.r_touchdown_km) - np.asarray(fl.site_km)) * 1e3
    e_m = rel_m @ east + d["trn_east_m"]
    n_m = rel_m @ north + d["trn_north_m"]
    out = {"east_m": e_m, "north_m": n_m, "miss_m": np.hypot(e_m, n_m),
           "lat_deg": np.asarray(fl.lat_deg, float), "lon_deg": np.asarray(fl.lon_deg, float),
           "vertical_ms": np.asarray(fl.vertical_ms, float),
           "horizontal_ms": np.asarray(fl.horizontal_ms, float),
           "descent_propellant_kg": case.mass_kg - np.asarray(fl.mass_touchdown_kg, float),
           "landed": np.asarray(fl.landed, bool),
           "t_touchdown_s": np.asarray(fl.t_touchdown_s, float)}
    for k in ("tli_x_kms", "tli_y_kms", "tli_z_kms", "loi_mag_rel", "loi_pt1_rad", "loi_pt2_rad",
              "launch_perf_rel"):
        out[k] = d[k]
    return out


def upstream_dv_kms(draws: dict[str, np.ndarray], loi_dv_kms: float) -> tuple[np.ndarray, np.ndarray]:
    """First-order correction costs of the TLI and LOI execution errors (module docstring).

    Parameters
    ----------
    draws : dict of numpy.ndarray
        ``tli_x_kms``, ``tli_y_kms``, ``tli_z_kms``, ``loi_mag_rel``, ``loi_pt1_rad``,
        ``loi_pt2_rad``, each (n,).
    loi_dv_kms : float
        Nominal LOI Delta-v [km/s].

    Returns
    -------
    tcm_kms, loi_fix_kms : numpy.ndarray, shape (n,)
        Extra trajectory-correction Delta-v after TLI, and the Delta-v that removes the LOI
        error [km/s]: |dv_LOI| * sqrt(e_mag^2 + e_1^2 + e_2^2) for small pointing angles.
    """
    tcm = np.sqrt(draws["tli_x_kms"] ** 2 + draws["tli_y_kms"] ** 2 + draws["tli_z_kms"] ** 2)
    loi = abs(loi_dv_kms) * np.sqrt(draws["loi_mag_rel"] ** 2 + draws["loi_pt1_rad"] ** 2
                                    + draws["loi_pt2_rad"] ** 2)
    return tcm, loi


def extra_propellant_kg(mass_before_kg, dv_kms, isp_s: float) -> np.ndarray:
    """Propellant for an extra Delta-v at a given mass: m (1 - exp(-dv / (Isp g0)))
    (Tsiolkovsky).

    Parameters
    ----------
    mass_before_kg : float or array_like
        Mass when the extra burn is made [kg].
    dv_kms : array_like
        Extra Delta-v [km/s].
    isp_s : float
        Specific impulse [s].
    """
    return np.asarray(mass_before_kg, float) * -np.expm1(-np.asarray(dv_kms, float)
                                                          / (isp_s * G0_KMS2))
