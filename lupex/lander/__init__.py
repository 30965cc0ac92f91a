"""The lander: its powered descent to the lunar surface and its propellant budget.

- :mod:`lupex.lander.descent` - ``powered_descent``: a full-thrust gravity turn from the
  periselene of the descent orbit to rest on the surface (``DescentResult``)
- :mod:`lupex.lander.propellant` - ``mass_budget``: the rocket equation chained over the
  lander's burns (``MassBudget`` of ``BurnLine``), ``mass_after_burn``

Units: km, km/s, s, kg, N as named. The orbits the lander flies (LOI, DOI) are planned in
:mod:`lupex.orbits`; this package returns data only (no plotting, no reporting).
"""

from lupex.lander.descent import DescentResult, powered_descent
from lupex.lander.propellant import BurnLine, MassBudget, mass_after_burn, mass_budget

__all__ = ["BurnLine", "DescentResult", "MassBudget", "mass_after_burn", "mass_budget",
           "powered_descent"]
