"""Stage 'lunar_orbit': from the transfer's arrival to powered-descent initiation - the TCM
allowance, LOI, the time in lunar orbit with node phasing so the descent orbit passes over
the landing site, DOI, and the PDI state placed at the descent's nominal uprange angle."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from .. import ephemeris as eph
from ..constants import G0_KMS2, GM_MOON_KM3S2, R_MOON_KM
from ..lander import guided as G
from ..lander.propellant import mass_after_burn
from ..lander.touchdown_sky import first_landing_window, touchdown_sky
from ..orbits.lunar_phase import Burn, LunarOrbitPhase, fly_lunar_orbit_phase
from ..report.lunar_orbit import figures, report, summary
from ..scenario import Scenario
from ..timescale import jd_tdb, utc_iso
from .base import Progress, Stage

SECONDS_PER_DAY = 86_400.0


@dataclass(frozen=True, eq=False)
class LunarOrbitResult:
    """The TCM allowance burn, the lunar-orbit phase, the descent's nominal range and the
    landing site it aims at."""

    tcm: Burn
    phase: LunarOrbitPhase
    nominal: G.NominalRange
    site_name: str
    arrival_jd_tdb: float
    landing_day_note: str = ""

    @property
    def pdi_mass_kg(self) -> float:
        """Lander mass at PDI [kg]: after the last lunar-orbit burn."""
        return float(self.phase.pdi_mass_kg)

    @property
    def note(self) -> str:
        """How the phase was modelled, in one line."""
        p = self.phase
        return (f"{p.sequence} sequence, finite burns, GRGM660PRIM to degree {p.degree} with "
                f"Earth and Sun; node phasing wait {p.wait_s / SECONDS_PER_DAY:.2f} d, plane "
                f"trim {p.plane_trim_dv_kms * 1e3:.1f} m/s, site {p.site_cross_track_km:.2f} km "
                "off the ground track at PDI"
                + (f"; {self.landing_day_note}" if self.landing_day_note else ""))


def descent_design(scenario: Scenario) -> G.DescentDesign:
    """The powered descent's design from ``landing``.

    Parameters
    ----------
    scenario : lupex.scenario.Scenario
        The validated scenario.
    """
    la = scenario.landing
    return G.DescentDesign(high_gate_alt_km=la.high_gate_altitude_km, high_gate_uprange_km=la.high_gate_uprange_km,
                           approach_s=la.approach_s, hover_alt_m=la.hover_altitude_m, hover_s=la.hover_s,
                           terminal_s=la.terminal_descent_s, touchdown_speed_ms=la.touchdown_speed_ms,
                           braking_throttle=la.braking_throttle, min_throttle=la.min_throttle)


def arrival_state(transfer):
    """The transfer's periselene: epoch (TDB JD) and Moon-centred ICRF position [km] and
    velocity [km/s].

    Parameters
    ----------
    transfer : lupex.orbits.transfer.TransferResult
        The targeted transfer (its trajectory ends at periselene).
    """
    tr = transfer.trajectory
    t = float(tr.event_t_s["periselene"][0])
    y = tr.event_states["periselene"][0]
    jd = tr.epoch_jd_tdb + t / SECONDS_PER_DAY
    rm, vm = eph.barycentric_state("moon", jd)
    re, ve = eph.barycentric_state("earth", jd)
    return jd, y[:3] - (rm - re), y[3:] - (vm - ve)


def fly_phase(arrival_jd, r_arr, v_arr, mass_kg, thrust_n, isp_s, site_lat_deg, site_lon_deg,
              pdi_alt_km, pdi_uprange_deg, sequence, earliest_pdi_jd_tdb=None):
    """The lunar-orbit phase (:func:`lupex.orbits.lunar_phase.fly_lunar_orbit_phase`).

    Parameters
    ----------
    arrival_jd : float
        Periselene epoch, TDB JD.
    r_arr, v_arr : numpy.ndarray, shape (3,)
        Moon-centred ICRF arrival state [km, km/s].
    mass_kg : float
        Mass before LOI [kg].
    thrust_n, isp_s : float
        Rated thrust [N] and specific impulse [s].
    site_lat_deg, site_lon_deg : float
        Landing site [deg].
    pdi_alt_km, pdi_uprange_deg : float
        PDI altitude [km] and central angle to the site [deg].
    sequence : str
        The lowering sequence (``chandrayaan3`` or ``slim``).
    earliest_pdi_jd_tdb : float, optional
        No PDI before this (TDB JD; the scenario's ``surface.start``).
    """
    return fly_lunar_orbit_phase(arrival_jd, r_arr, v_arr, mass_kg, thrust_n, isp_s, site_lat_deg,
                                 site_lon_deg, pdi_alt_km, pdi_uprange_deg, sequence=sequence,
                                 earliest_pdi_jd_tdb=earliest_pdi_jd_tdb)


def run(scenario: Scenario, inputs: Mapping, progress: Progress) -> LunarOrbitResult:
    """TCM, LOI, lunar orbit with node phasing, DOI, and the PDI state over the landing site.

    Parameters
    ----------
    scenario : lupex.scenario.Scenario
        The validated scenario.
    inputs : mapping
        The transfer's result (``inputs["transfer"]``: the arrival state) and the sites'
        (``inputs["sites"]``: the landing site, its height and the planned touchdown).
    progress : callable
        Progress callback ``(done, total)``.
    """
    sc, la = scenario.spacecraft, scenario.landing
    site = inputs["sites"]
    progress(0, 3)
    jd_arr, r_arr, v_arr = arrival_state(inputs["transfer"])
    m_sep = sc.lander.dry_mass_kg + sc.rover_mass_kg + sc.lander.propellant_mass_kg
    tcm_dv = la.tcm_dv_ms * 1e-3
    m_tcm = float(mass_after_burn(m_sep, tcm_dv, sc.lander.isp_s))
    # TCM allowance: spread over the coast; booked at mid-transfer (a single line in the ledger)
    tr = inputs["transfer"]
    jd_tcm = tr.epoch_tli_jd_tdb + 0.5 * tr.tof_s / SECONDS_PER_DAY
    dur = (m_sep - m_tcm) * sc.lander.isp_s * G0_KMS2 / (sc.lander.thrust_n * 1e-3)
    tcm = Burn("TCM allowance", jd_tcm, jd_tcm + dur / SECONDS_PER_DAY, dur, tcm_dv, tcm_dv, m_sep,
               m_tcm, float("nan"), float("nan"))
    # nominal descent range from the descent orbit's periselene speed and the expected mass
    r_c = float(np.linalg.norm(r_arr))
    rp = R_MOON_KM + la.pdi_altitude_km
    v_p = float(np.sqrt(GM_MOON_KM3S2 * (2.0 / rp - 2.0 / (rp + r_c))))
    m_guess = float(mass_after_burn(m_tcm, inputs["transfer"].dv_loi_kms, sc.lander.isp_s))
    nominal = G.nominal_descent_range(la.pdi_altitude_km, v_p, m_guess, sc.lander.thrust_n, sc.lander.isp_s,
                                      descent_design(scenario), site.height_m * 1e-3)
    progress(1, 3)
    start = None if scenario.surface.start is None else float(jd_tdb(scenario.surface.start))

    def fly(earliest):
        return fly_phase(jd_arr, r_arr, v_arr, m_tcm, sc.lander.thrust_n, sc.lander.isp_s,
                         site.lat_deg, site.lon_deg, la.pdi_altitude_km, nominal.uprange_deg,
                         scenario.lunar_orbit.sequence, earliest)

    phase = fly(start)
    notes: list[str] = []
    if start is None:
        # land with the Sun and the Earth above the site's own horizon: if the first pass
        # after the lowering sequence misses that, wait for the next joint window
        eye = site.height_m + scenario.sites[site.choice.index].observer_height_m
        td = phase.pdi_jd_tdb + nominal.braking_s / SECONDS_PER_DAY
        sky = touchdown_sky(site.lat_deg, site.lon_deg, eye, site.horizon_rad, td)
        if not (sky.sun_above_terrain and sky.earth_above_terrain):
            progress(2, 3)
            for bodies in (("sun", "earth"), ("sun",)):  # contact too if possible, light at least
                window = first_landing_window(site.lat_deg, site.lon_deg, eye, site.horizon_rad,
                                              phase.pdi_jd_tdb, bodies=bodies)
                if np.isfinite(window):
                    break
            if not np.isfinite(window):
                raise ValueError(f"lunar_orbit: no 12 h of sunlight at {site.name} within 30 d of "
                                 f"{utc_iso(phase.pdi_jd_tdb)[:10]}; choose another site "
                                 "(landing.site) or launch date")
            if bodies == ("sun",):
                waited = ("; no 12 h with the Earth also above its horizon within 30 d: landing "
                          "in sunlight without direct contact")
            else:
                waited = "; waited for the Sun and the Earth above the site's horizon"
            phase = fly(window)
            notes.append(waited.lstrip("; "))
    progress(3, 3)
    return LunarOrbitResult(tcm, phase, nominal, site.name, jd_arr, "; ".join(notes))


STAGE = Stage("lunar_orbit", "Lunar orbit: LOI, phasing, DOI", ("transfer", "sites"), run, summary, report,
              figures)
