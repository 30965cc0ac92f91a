"""Gravitational parameters and reference radii used by the two-body core.

GM values are the DE431 "ASTRO-VALUES" of Folkner et al. (2014), as
distributed by NAIF in ``gm_de431.tpc`` (keys ``BODY399_GM``, ``BODY301_GM``,
``BODY10_GM``; a copy lives in ``shared/data/spice/gm_de431.tpc``).  They are
identical to the DE430 values and agree with DE421 to better than 1 part in
1e8 for the Earth and Moon.  Units are km^3/s^2 throughout.
"""

#: Earth GM [km^3/s^2], DE431 ``BODY399_GM``.
GM_EARTH_KM3S2 = 3.9860043543609598e05
#: Moon GM [km^3/s^2], DE431 ``BODY301_GM``.
GM_MOON_KM3S2 = 4.9028000661637961e03
#: Sun GM [km^3/s^2], DE431 ``BODY10_GM``.
GM_SUN_KM3S2 = 1.3271244004193938e11

#: Mean lunar radius [km]: the LOLA reference sphere (LDEM products, PDS label).
R_MOON_KM = 1737.4
#: Earth equatorial radius [km], WGS-84 / IERS 2010 value.
R_EARTH_KM = 6378.137
