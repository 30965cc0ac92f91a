"""The lander's propellant and mass budget, burn by burn.

Each burn spends propellant by the rocket equation (Tsiolkovsky):
m_after = m_before * exp(-dv / (Isp g0)) (Curtis, *Orbital Mechanics for Engineering
Students*, 3rd ed., eq. 11.30). The burns themselves (LOI, DOI) come from :mod:`lupex.orbits.lunar_orbit`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lupex.constants import G0_KMS2


def mass_after_burn(m0_kg, dv_kms, isp_s):
    """Mass after a burn of ``dv_kms`` at specific impulse ``isp_s``: m0 exp(-dv/(Isp g0))."""
    return np.asarray(m0_kg, dtype=float) * np.exp(-np.asarray(dv_kms) / (np.asarray(isp_s) * G0_KMS2))


@dataclass(frozen=True)
class BurnLine:
    name: str
    dv_kms: float
    mass_before_kg: float
    mass_after_kg: float

    @property
    def propellant_kg(self) -> float:
        return self.mass_before_kg - self.mass_after_kg


@dataclass(frozen=True)
class MassBudget:
    lines: tuple[BurnLine, ...]
    propellant_loaded_kg: float

    @property
    def total_dv_kms(self) -> float:
        return sum(b.dv_kms for b in self.lines)

    @property
    def propellant_used_kg(self) -> float:
        return sum(b.propellant_kg for b in self.lines)

    @property
    def propellant_margin_kg(self) -> float:
        """Loaded minus used; negative means the lander cannot fly the mission."""
        return self.propellant_loaded_kg - self.propellant_used_kg


def mass_budget(m0_kg: float, burns: list[tuple[str, float]], isp_s: float,
                propellant_loaded_kg: float) -> MassBudget:
    """Chain burns ``(name, dv_kms)`` from initial mass ``m0_kg`` by the rocket equation."""
    lines, m = [], float(m0_kg)
    for name, dv in burns:
        if not np.isfinite(dv) or dv < 0:
            raise ValueError(f"burn {name!r}: dv must be a non-negative number of km/s, got {dv}")
        m_after = float(mass_after_burn(m, dv, isp_s))
        lines.append(BurnLine(name, float(dv), m, m_after))
        m = m_after
    return MassBudget(tuple(lines), float(propellant_loaded_kg))
