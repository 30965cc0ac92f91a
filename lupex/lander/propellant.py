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
    """Mass after a burn, by the rocket equation m = m0 exp(-dv / (Isp g0)).

    Parameters
    ----------
    m0_kg : array_like
        Mass before the burn [kg].
    dv_kms : array_like
        Velocity change [km/s].
    isp_s : array_like
        Specific impulse [s].

    Returns
    -------
    numpy.ndarray
        Mass after the burn [kg].
    """
    return np.asarray(m0_kg, dtype=float) * np.exp(-np.asarray(dv_kms) / (np.asarray(isp_s) * G0_KMS2))


@dataclass(frozen=True)
class BurnLine:
    """One burn of a :class:`MassBudget`: its delta-v [km/s] and the mass before/after [kg]."""

    name: str
    dv_kms: float
    mass_before_kg: float
    mass_after_kg: float

    @property
    def propellant_kg(self) -> float:
        return self.mass_before_kg - self.mass_after_kg


@dataclass(frozen=True)
class MassBudget:
    """Burns in flight order and the propellant loaded [kg]; totals as properties."""

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
    """Chain burns by the rocket equation, each starting from the mass the previous one left.

    Parameters
    ----------
    m0_kg : float
        Mass before the first burn [kg].
    burns : list of (str, float)
        Burn name and velocity change [km/s], >= 0, in flight order.
    isp_s : float
        Specific impulse of every burn [s].
    propellant_loaded_kg : float
        Propellant on board [kg], for the margin.

    Returns
    -------
    MassBudget
        One ``BurnLine`` per burn (dv [km/s], mass before and after [kg]) and the loaded
        propellant [kg].
    """
    lines, m = [], float(m0_kg)
    for name, dv in burns:
        if not np.isfinite(dv) or dv < 0:
            raise ValueError(f"burn {name!r}: dv must be a non-negative number of km/s, got {dv}")
        m_after = float(mass_after_burn(m, dv, isp_s))
        lines.append(BurnLine(name, float(dv), m, m_after))
        m = m_after
    return MassBudget(tuple(lines), float(propellant_loaded_kg))
