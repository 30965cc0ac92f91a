"""Physical constants used by lupex, each defined once here with its source.

Units are in the name (``_KM``, ``_KM3S2``, ``_MS2`` ...).  Modules import what they need
from here; a test (``tests/test_architecture.py``) fails if a constant's value is
written again anywhere else in the package.

Vector layout, everywhere in lupex: arrays of vectors are shaped ``(..., 3)``, the last axis
holding x, y, z in the frame the function names.
"""

# --- Gravitational parameters: DE431 "ASTRO-VALUES" (Folkner et al. 2014), as distributed by
# NAIF in gm_de431.tpc (BODY399_GM, BODY301_GM, BODY10_GM). Identical to DE430 and within
# 1e-8 of DE421 for the Earth and Moon.

#: Earth GM [km^3/s^2], DE431 ``BODY399_GM``.
GM_EARTH_KM3S2 = 3.9860043543609598e05
#: Moon GM [km^3/s^2], DE431 ``BODY301_GM``.
GM_MOON_KM3S2 = 4.9028000661637961e03
#: Sun GM [km^3/s^2], DE431 ``BODY10_GM``.
GM_SUN_KM3S2 = 1.3271244004193938e11

# --- The Moon

#: Mean lunar radius [km]: the LOLA reference sphere of every LDEM product (PDS label).
R_MOON_KM = 1737.4
#: Mean Earth-Moon distance [km] (NASA Moon fact sheet; IAU semi-major axis).
MOON_MEAN_DISTANCE_KM = 384_400.0
#: Period of the regression of the Moon's node [yr] (18.61 yr; Meeus 1998, ch. 47), which
#: sets the long-term illumination cycle at the poles.
NODAL_PERIOD_YEARS = 18.6

# --- The Earth: WGS-84 (NIMA TR8350.2, 3rd ed., Table 3.1) and EGM2008.

#: Earth equatorial radius [km], the WGS-84 semi-major axis (also the IERS 2010 value and the
#: limb radius seen from the Moon).
R_EARTH_KM = 6378.137
#: WGS-84 flattening [-].
WGS84_F = 1.0 / 298.257223563
#: WGS-84 GM [km^3/s^2], the value the WGS-84 ellipsoid and the launch model are defined with
#: (differs from DE431's ``GM_EARTH_KM3S2`` by 1.6e-8 relative).
GM_EARTH_WGS84_KM3S2 = 398600.4418
#: Earth rotation rate [rad/s] (WGS-84).
OMEGA_EARTH_RADS = 7.292115e-5
#: Unnormalised Earth J2 [-] (EGM2008 tide-free Cbar_20 = -4.84165143790815e-4,
#: J2 = -sqrt(5) Cbar_20; Vallado 2013, Table D-1), referred to ``R_EARTH_KM``.
J2_EARTH = 1.08262668e-3
#: Mean Earth radius [km] (IUGG R1), for great-circle distances on the ground.
R_EARTH_MEAN_KM = 6371.0088
#: Standard sea-level pressure [Pa] (US Standard Atmosphere 1976).
P0_PA = 101_325.0

# --- Standards and the Sun

#: Standard gravity [m/s^2] for Isp conversions (CGPM 1901; exact).
G0_MS2 = 9.80665
#: Standard gravity [km/s^2].
G0_KMS2 = G0_MS2 * 1e-3
#: Speed of light [km/s] (SI definition; exact).
C_KMS = 299_792.458
#: Astronomical unit [km] (IAU 2012 Resolution B2; exact).
AU_KM = 149_597_870.7
#: Nominal solar radius [km] (IAU 2015 Resolution B3).
SUN_RADIUS_KM = 695_700.0
#: Total solar irradiance at 1 AU [W/m^2] (Kopp & Lean 2011).
SOLAR_CONSTANT_W_M2 = 1361.0
