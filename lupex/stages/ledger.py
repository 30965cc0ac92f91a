"""Stage 'ledger': the lander's one mass ledger - dry, rover, every burn's propellant flown
with the mass the lander really had (TCM, LOI, the lunar-orbit burns, DOI, the descent's
phases), residuals, a dispersion reserve and the propellant margin; it sums to the launch mass."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..lander.guided import PHASES
from ..lander.ledger import MassLedger, mass_ledger
from ..report.lander import figures, report, summary
from ..scenario import Scenario
from .base import Progress, Stage

DESCENT_LINES = {"braking": "powered descent: braking", "approach": "powered descent: approach",
                 "hover": "hover / hazard avoidance", "terminal": "terminal vertical descent"}


@dataclass(frozen=True)
class LedgerResult:
    """The ledger and what it assumed."""

    ledger: MassLedger
    assumptions: tuple[str, ...]


def run(scenario: Scenario, inputs: Mapping, progress: Progress) -> LedgerResult:
    """Chain every burn of the flown mission into one mass ledger.

    Parameters
    ----------
    scenario : lupex.scenario.Scenario
        The validated scenario.
    inputs : mapping
        ``inputs["lunar_orbit"]`` (TCM and the lunar-orbit burns) and ``inputs["landing"]``
        (the descent's phase masses).
    progress : callable
        Progress callback ``(done, total)``.
    """
    sc, la = scenario.spacecraft, scenario.landing
    lo, ld = inputs["lunar_orbit"], inputs["landing"]
    progress(0, 1)
    burns = [(lo.tcm.name, lo.tcm.dv_kms, lo.tcm.mass_before_kg, lo.tcm.mass_after_kg)]
    burns += [(b.name, b.dv_kms, b.mass_before_kg, b.mass_after_kg) for b in lo.phase.burns]
    pm = ld.descent.phase_mass_kg[:, 0]
    dv = ld.descent.phase_dv_kms()
    burns += [(DESCENT_LINES[p], float(dv[p][0]), float(pm[k]), float(pm[k + 1])) for k, p in enumerate(PHASES)]
    ledger = mass_ledger(sc.launch_mass_kg, sc.lander.dry_mass_kg, sc.rover_mass_kg, sc.lander.propellant_mass_kg,
                         burns, sc.lander.isp_s, la.residual_fraction, la.reserve_dv_ms * 1e-3)
    progress(1, 1)
    assumptions = (
        f"TCM allowance {la.tcm_dv_ms:g} m/s (landing.tcm_dv_ms), flown by the lander after separation.",
        ("Lunar-orbit burns as flown by the lunar-orbit phase; the descent's phases integrated "
        "with the guided descent (their dv is Isp g0 ln(m_before / m_after))."),
        (f"Residuals {la.residual_fraction:.1%} of the loaded propellant; dispersion reserve "
        f"{la.reserve_dv_ms:g} m/s at the landed mass."),
    )
    return LedgerResult(ledger, assumptions)


STAGE = Stage("ledger", "Mass ledger", ("lunar_orbit", "landing"), run, summary, report, figures)
