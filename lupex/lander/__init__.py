"""The lander: its landing site, its powered descent to the surface and its mass ledger.

- :mod:`lupex.lander.guided` - ``fly_guided_descent``: the site-targeted powered descent
  (braking, throttled approach, hazard-avoidance hover, vertical descent) in 3D over the
  rotating Moon, vectorised over a batch; ``nominal_descent_range``: the PDI uprange angle
- :mod:`lupex.lander.descent` - ``powered_descent``: a full-thrust gravity turn from the
  periselene of the descent orbit to rest on the surface (a closed-form-like reference)
- :mod:`lupex.lander.ledger` - ``mass_ledger``: every kilogram from launch to touchdown
- :mod:`lupex.lander.propellant` - the rocket equation chained over burns
- :mod:`lupex.lander.site_choice` - ``choose_landing_site``: override or top-ranked feasible
- :mod:`lupex.lander.touchdown_sky` - the Sun and the Earth against the site's horizon
- :mod:`lupex.lander.clearance` - height of a path above the terrain map
- :mod:`lupex.lander.moon_fixed` - ICRF -> MOON_ME states and the Moon's spin
- :mod:`lupex.lander.flown` - published figures of flown descents (Chandrayaan-3, Apollo 11, SLIM)

Units: km, km/s, s, kg, N as named. This package returns data only (no plotting, no reporting).
"""

from lupex.lander.descent import DescentResult, powered_descent
from lupex.lander.propellant import BurnLine, MassBudget, mass_after_burn, mass_budget

__all__ = ["BurnLine", "DescentResult", "MassBudget", "mass_after_burn", "mass_budget",
           "powered_descent"]
