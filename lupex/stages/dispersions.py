"""Stage 'dispersions': Monte Carlo of the landing (``monte_carlo.samples`` > 0): dispersed
powered descents flown in seeded blocks on Dask workers, the 99 % landing ellipse, the
probability of touching down on a slope above the limit or in shadow, and the distributions
of the propellant and launch margins (:mod:`lupex.lander.monte_carlo`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from .. import dispersions as MC
from ..cluster import map_chunks
from ..constants import R_MOON_KM
from ..geometry import offset_latlon_deg
from ..lander import monte_carlo as LM
from ..lander.moon_fixed import moon_spin_me_rads
from ..launch.performance import LUNAR_TRANSFER_PAYLOAD_BIAS
from ..report.dispersions import figures, report, summary
from ..scenario import Scenario
from ..surface.horizon import horizon_series, mask_rows
from ..surface.projection import latlon_to_xy
from ..surface.site_series import body_sky_geometry
from ..surface.tracks import body_track
from .base import Progress, Stage

SECONDS_PER_DAY = 86_400.0


@dataclass(frozen=True, eq=False)
class DispersionResult:
    """The samples and their statistics (None when ``monte_carlo.samples`` is 0).

    Attributes
    ----------
    samples : int
    seed : int
    sigmas : dict
        One-sigma values by dispersion name (units in the names).
    outcome : dict of numpy.ndarray
        Per sample: touchdown east/north of the site [m], miss [m], velocities [m/s],
        propellant and launch margins [kg], slope at touchdown [deg], sunlit flag...
    ellipse : lupex.dispersions.Ellipse
        99 % landing ellipse, east/north of the site [m].
    site_name : str
    site_lat_deg, site_lon_deg, site_height_m : float
        The target [deg], [deg], ground height above the 1737.4 km sphere [m].
    max_slope_deg : float
        The ranking's slope limit.
    slope_pixel_m : float
        Resolution of the terrain the touchdown slopes were read from [m].
    terrain : object
        The terrain stage's result (maps for the plots).
    mean_illumination : numpy.ndarray
        The map's long-term mean visible fraction of the Sun (the surface stage's).
    """

    samples: int
    seed: int
    sigmas: dict
    outcome: dict
    ellipse: MC.Ellipse | None
    site_name: str
    site_lat_deg: float
    site_lon_deg: float
    site_height_m: float
    max_slope_deg: float
    slope_pixel_m: float
    terrain: object
    mean_illumination: np.ndarray


def _block(block, case, sigmas, seed):
    return LM.descent_block(block, case, sigmas, seed)


def _slope_deg(stack, lat_deg, lon_deg) -> tuple[np.ndarray, float]:
    """Slope at points from the finest terrain layer under each (central differences over one
    pixel of that layer); and that pixel size [m] at the first point."""
    x, y = latlon_to_xy(np.radians(lat_deg), np.radians(lon_deg))
    h_km = stack.pixel_km_at(x, y)
    dzx = (stack.sample_m(x + h_km, y) - stack.sample_m(x - h_km, y)) / (2e3 * h_km)
    dzy = (stack.sample_m(x, y + h_km) - stack.sample_m(x, y - h_km)) / (2e3 * h_km)
    return np.degrees(np.arctan(np.hypot(dzx, dzy))), float(np.atleast_1d(h_km)[0] * 1e3)


def run(scenario: Scenario, inputs: Mapping, progress: Progress) -> DispersionResult | None:
    """Fly ``monte_carlo.samples`` dispersed descents and gather the margins' distributions.

    Parameters
    ----------
    scenario : lupex.scenario.Scenario
        The validated scenario.
    inputs : mapping
        ``lunar_orbit`` (PDI state and mass), ``landing`` (the nominal descent), ``ledger``
        (the nominal propellant margin), ``launch`` (capability), ``sites`` (the landing
        site's horizon), ``terrain`` (slopes) and ``surface`` (the mean illumination map).
    progress : callable
        Progress callback ``(done, total)``.
    """
    mc = scenario.monte_carlo
    if mc.samples == 0:
        progress(1, 1)
        return None
    lo, ld, led = inputs["lunar_orbit"], inputs["landing"], inputs["ledger"].ledger
    launch, site, ter = inputs["launch"], inputs["sites"], inputs["terrain"]
    sc = scenario.spacecraft
    ph = lo.phase
    case = LM.DescentCase(np.asarray(ph.pdi_r_me_km, float), np.asarray(ph.pdi_v_me_kms, float),
                          float(lo.pdi_mass_kg), sc.lander.thrust_n, sc.lander.isp_s,
                          ld.site_lat_deg, ld.site_lon_deg, ld.site_height_m, ld.design,
                          np.asarray(moon_spin_me_rads(ph.pdi_jd_tdb), float))
    sigmas = LM.descent_sigmas(mc.pdi_position_m, mc.pdi_velocity_ms, mc.thrust_rel, mc.isp_rel,
                               mc.trn_m, mc.injection_velocity_ms, mc.loi_magnitude_rel,
                               mc.loi_pointing_deg, mc.launch_performance_rel)
    blocks = MC.blocks(mc.samples)
    progress(0, len(blocks))
    parts = map_chunks(_block, blocks, (case, sigmas, mc.seed), workers=scenario.compute.workers,
                       scheduler=scenario.compute.scheduler, progress=progress)
    out = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}

    # propellant margin: the ledger's, less the extra descent propellant and the corrections
    nominal_descent_kg = float(ld.descent.propellant_kg[0])
    # the LOI error is the capture burn's (the phase's "loi"), removed at the mass after it;
    # the TLI error is removed by the TCM, at the lander's mass before the TCM allowance
    loi = next(b for b in lo.phase.burns if b.name == "loi")
    tcm_kms, loi_fix_kms = LM.upstream_dv_kms(out, loi.dv_kms)
    isp = sc.lander.isp_s
    extra = (out["descent_propellant_kg"] - nominal_descent_kg
             + LM.extra_propellant_kg(lo.tcm.mass_before_kg, tcm_kms, isp)
             + LM.extra_propellant_kg(loi.mass_after_kg, loi_fix_kms, isp))
    out["propellant_margin_kg"] = led.margin_kg - extra
    out["tcm_extra_ms"] = tcm_kms * 1e3
    out["loi_fix_ms"] = loi_fix_kms * 1e3
    m = launch.margin
    cap = m.capability_kg * (1.0 + out["launch_perf_rel"])
    out["launch_margin_kg"] = cap - m.spacecraft_mass_kg
    out["launch_margin_after_bias_kg"] = cap / (1.0 + LUNAR_TRANSFER_PAYLOAD_BIAS) - m.spacecraft_mass_kg

    # the ground under each touchdown: slope from the finest terrain layer, Sun vs the site's
    # own horizon at the touchdown epoch (all samples lie within a few hundred metres of it)
    east, north = out["east_m"], out["north_m"]
    lat, lon = offset_latlon_deg(ld.site_lat_deg, ld.site_lon_deg, east, north,
                                 R_MOON_KM + ld.site_height_m * 1e-3)
    out["touchdown_lat_deg"], out["touchdown_lon_deg"] = lat, lon
    out["slope_deg"], pix_m = _slope_deg(ter.stack, lat, lon)
    jd_td = ph.pdi_jd_tdb + np.where(np.isfinite(out["t_touchdown_s"]), out["t_touchdown_s"],
                                        0.0) / SECONDS_PER_DAY
    jd_u, back = np.unique(jd_td, return_inverse=True)  # the track wants increasing times
    tr = body_track("sun", jd_u)
    el, _, az = body_sky_geometry(np.radians([ld.site_lat_deg]), np.radians([ld.site_lon_deg]),
                                  tr, np.array([ld.site_height_m]))
    hor = mask_rows(np.asarray(site.horizon_rad, dtype=float)[None, :], 1)
    out["sunlit"] = ((el - horizon_series(hor, az)) > -tr.radius_rad[None, :])[0][back]
    ok = out["landed"]
    ellipse = MC.error_ellipse(east[ok], north[ok], 0.99) if ok.sum() >= 3 else None
    return DispersionResult(int(mc.samples), int(mc.seed), sigmas, out, ellipse, ld.site_name,
                            ld.site_lat_deg, ld.site_lon_deg, ld.site_height_m,
                            scenario.ranking.max_slope_deg,
                            pix_m, ter, inputs["surface"].psr.mean_fraction)


STAGE = Stage("dispersions", "Landing dispersions (Monte Carlo)",
              ("lunar_orbit", "landing", "ledger", "launch", "sites", "terrain", "surface"), run,
              summary,
              report, figures)
