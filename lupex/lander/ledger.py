"""One mass ledger for the lander, from the launch mass to touchdown: every kilogram assigned.

launch mass = not carried by the lander (stays with the launcher)
            + lander dry + rover + loaded propellant,
loaded propellant = sum of the burns' propellant + residuals (unusable) + dispersion reserve
                    + margin (what is left; negative: the lander cannot fly the mission).

Each burn is entered with the mass it really had (its mass before = the previous burn's mass
after); the chain is checked. The reserve is the propellant for ``reserve_dv`` at the landed
mass, m (1 - exp(-dv / (Isp g0))) (rocket equation; Curtis, *Orbital Mechanics for Engineering
Students*, 3rd ed., eq. 11.30).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lupex.constants import G0_KMS2

__all__ = ["LedgerLine", "MassLedger", "mass_ledger"]

#: Mass continuity between consecutive burns [kg]: they are passed on, not recomputed.
CHAIN_TOL_KG = 1e-6


@dataclass(frozen=True)
class LedgerLine:
    """One ledger entry: name, kind (``carried``, ``burn``, ``residual``, ``reserve``,
    ``margin``, ``not_carried``), mass [kg]; for a burn its dv [km/s] and masses before/after [kg]."""

    name: str
    kind: str
    mass_kg: float
    dv_kms: float = float("nan")
    mass_before_kg: float = float("nan")
    mass_after_kg: float = float("nan")


@dataclass(frozen=True)
class MassLedger:
    """The ledger's lines (summing to ``launch_mass_kg``) and its totals."""

    launch_mass_kg: float
    propellant_loaded_kg: float
    lines: tuple[LedgerLine, ...]

    @property
    def burns(self) -> tuple[LedgerLine, ...]:
        """The burn lines in flight order."""
        return tuple(x for x in self.lines if x.kind == "burn")

    @property
    def total_kg(self) -> float:
        """Sum of every line [kg] (equals the launch mass)."""
        return float(sum(x.mass_kg for x in self.lines))

    @property
    def total_dv_kms(self) -> float:
        """Sum of the burns' dv [km/s]."""
        return float(sum(x.dv_kms for x in self.burns))

    @property
    def propellant_used_kg(self) -> float:
        """Propellant burned [kg]."""
        return float(sum(x.mass_kg for x in self.burns))

    def line(self, kind: str) -> LedgerLine:
        """The first line of a kind.

        Parameters
        ----------
        kind : str
            A line kind.
        """
        return next(x for x in self.lines if x.kind == kind)

    @property
    def margin_kg(self) -> float:
        """Propellant left after the burns, residuals and the dispersion reserve [kg]."""
        return self.line("margin").mass_kg

    @property
    def landed_mass_kg(self) -> float:
        """Mass at touchdown [kg]."""
        return self.burns[-1].mass_after_kg


def mass_ledger(launch_mass_kg: float, dry_kg: float, rover_kg: float, propellant_kg: float, burns,
                isp_s: float, residual_fraction: float, reserve_dv_kms: float) -> MassLedger:
    """Build the ledger (see the module docstring).

    Parameters
    ----------
    launch_mass_kg : float
        Spacecraft mass at lift-off [kg].
    dry_kg, rover_kg, propellant_kg : float
        Lander dry mass, rover, loaded propellant [kg].
    burns : sequence of (name, dv_kms, mass_before_kg, mass_after_kg)
        Every burn in flight order, from separation to touchdown.
    isp_s : float
        Specific impulse for the reserve [s].
    residual_fraction : float
        Unusable propellant, fraction of the loaded propellant (0-0.1).
    reserve_dv_kms : float
        Dispersion reserve as dv at the landed mass [km/s].

    Returns
    -------
    MassLedger

    Raises
    ------
    ValueError
        If the burns do not start at the lander's separated mass or do not chain.
    """
    if not 0.0 <= residual_fraction <= 0.1:
        raise ValueError(f"residual_fraction: must be between 0 and 0.1, got {residual_fraction}")
    if not reserve_dv_kms >= 0.0:
        raise ValueError(f"reserve_dv_kms: must be >= 0, got {reserve_dv_kms}")
    carried = dry_kg + rover_kg + propellant_kg
    burns = [(str(n), float(dv), float(m0), float(m1)) for n, dv, m0, m1 in burns]
    if not burns:
        raise ValueError("burns: need at least one")
    expect = carried
    for name, dv, m0, m1 in burns:
        if abs(m0 - expect) > CHAIN_TOL_KG or not m1 <= m0:
            raise ValueError(f"burn {name!r}: starts with {m0:.6f} kg, but the lander has {expect:.6f} kg "
                             "then (each burn must fly with the mass it really has)")
        expect = m1
    lines = [LedgerLine("not carried by the lander (launch mass - dry - rover - propellant)", "not_carried",
                        float(launch_mass_kg - carried)),
             LedgerLine("lander dry", "carried", float(dry_kg)),
             LedgerLine("rover", "carried", float(rover_kg))]
    lines += [LedgerLine(n, "burn", m0 - m1, dv, m0, m1) for n, dv, m0, m1 in burns]
    used = sum(m0 - m1 for _, _, m0, m1 in burns)
    residual = residual_fraction * propellant_kg
    reserve = burns[-1][3] * (1.0 - float(np.exp(-reserve_dv_kms / (isp_s * G0_KMS2))))
    lines += [LedgerLine("residuals (unusable propellant)", "residual", residual),
              LedgerLine("dispersion reserve", "reserve", reserve, reserve_dv_kms),
              LedgerLine("propellant margin", "margin", propellant_kg - used - residual - reserve)]
    return MassLedger(float(launch_mass_kg), float(propellant_kg), tuple(lines))
