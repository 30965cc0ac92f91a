"""lupex: lunar south-pole mission simulator (Chandrayaan-5 / LUPEX).

Conventions used throughout the package:

* vectors are ``(..., 3)`` float64 arrays, the last axis x, y, z in the frame a function
  names; inside, plain floats carry their unit in the name (``alt_km``, ``dv_kms``);
* times are UTC at the public boundary (astropy ``Time`` or ``datetime``) and TDB Julian
  dates inside (:mod:`lupex.timescale` is the one conversion);
* every physical constant lives in :mod:`lupex.constants`;
* physics packages (``launch``, ``orbits``, ``lander``, ``surface``, ``ephemeris``) return
  data; :mod:`lupex.report` presents it, :mod:`lupex.stages` wires it to a scenario.

Nothing downloads at run time: astropy's automatic IERS and leap-second downloads are
switched off when lupex is imported, so astropy uses the tables its wheel bundles (past
their expiry it keeps the last leap second and UT1-UTC, good to < 1 s for planning).
"""

from astropy.utils import iers as _iers

_iers.conf.auto_download = False

__version__ = "0.1.0"
