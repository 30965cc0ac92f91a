"""The GRAIL lunar gravity field GRGM660PRIM to degree and order 8, shipped in the code as a table.

Source: Lemoine, F. G., et al. (2013), "High-degree gravity models from GRAIL primary mission
data", J. Geophys. Res. Planets 118, 1676-1698, doi:10.1002/jgre.20118; the published
coefficient table is GSFC's GRGM660PRIM as distributed by ICGEM (GFZ Potsdam, August 2013),
from which the entries below (degree and order 0-8) are transcribed: fully normalised
(4-pi geodesy), reference radius 1738.0 km, GM 4902.7998069317 km^3/s^2 (the ICGEM header's
0.4902799806931690D+13 m^3/s^2), DE421 principal-axis (MOON_PA) frame, tide-free.

Use: a dependable field without any data file (e.g. degree 8 for mission design, where the
terms beyond 8 change a 100 km polar orbit's 1-day prediction by kilometres but not its
character). ``tests/orbits/test_gravity.py`` checks every entry against the shared .gfc file.
For orientation: Cbar_20 = -9.0883e-5 is the unnormalised J2 = -sqrt(5) Cbar_20 = 2.0322e-4.
"""

from __future__ import annotations

import numpy as np

from lupex.orbits.gravity import GravityField, make_field

GRGM660PRIM_NAME = "GRGM660PRIM"
GRGM660PRIM_GM_KM3S2 = 4902.79980693169
GRGM660PRIM_RADIUS_KM = 1738.0
GRGM660PRIM_MAX_DEGREE = 8

# (n, m, Cbar_nm, Sbar_nm), fully normalised, MOON_PA frame.
GRGM660PRIM_LOW_DEGREE = (
    (0, 0, 1.0000000000000000e+00, 0.0000000000000000e+00),
    (1, 0, 0.0000000000000000e+00, 0.0000000000000000e+00),
    (1, 1, 0.0000000000000000e+00, 0.0000000000000000e+00),
    (2, 0, -9.0882923650771000e-05, 0.0000000000000000e+00),
    (2, 1, 8.4954064857652000e-11, 9.7726994478963000e-10),
    (2, 2, 3.4670944268756000e-05, -2.4064244523445000e-10),
    (3, 0, -3.1974039070981000e-06, 0.0000000000000000e+00),
    (3, 1, 2.6367948585301000e-05, 5.4545621847344000e-06),
    (3, 2, 1.4171538267300000e-05, 4.8779443647939000e-06),
    (3, 3, 1.2275202024553000e-05, -1.7743747889595000e-06),
    (4, 0, 3.2347924522417000e-06, 0.0000000000000000e+00),
    (4, 1, -6.0134612265187000e-06, 1.6643327702085000e-06),
    (4, 2, -7.1161737190123000e-06, -6.7770230383514000e-06),
    (4, 3, -1.3499173662211000e-06, -1.3444991147298000e-05),
    (4, 4, -6.0069115393815000e-06, 3.9266111458205000e-06),
    (5, 0, -2.2378186921630000e-07, 0.0000000000000000e+00),
    (5, 1, -1.0116123460056000e-06, -4.1189034337587000e-06),
    (5, 2, 4.3995350687644000e-06, 1.0571040222894000e-06),
    (5, 3, 4.6619443222845000e-07, 8.6988722731551000e-06),
    (5, 4, 2.7542004508342000e-06, 6.7624331748839000e-08),
    (5, 5, 3.1107298179928000e-06, -2.7545431341824000e-06),
    (6, 0, 3.8184191011809000e-06, 0.0000000000000000e+00),
    (6, 1, 1.5282769193243000e-06, -2.5995934726699000e-06),
    (6, 2, -4.3973005721118000e-06, -2.1676869353337000e-06),
    (6, 3, -3.3175420296933000e-06, -3.4274097833201000e-06),
    (6, 4, 3.4122057961179000e-07, -4.0580193556196000e-06),
    (6, 5, 1.4543741845815000e-06, -1.0341804065343000e-05),
    (6, 6, -4.6842414195666000e-06, 7.2298542235022000e-06),
    (7, 0, 5.5933881887179000e-06, 0.0000000000000000e+00),
    (7, 1, 7.4716915273387000e-06, -1.1974837275945000e-07),
    (7, 2, -6.5012294054409000e-07, 2.4111005879337000e-06),
    (7, 3, 5.9942806310729000e-07, 2.3573269328809000e-06),
    (7, 4, -8.4369454620858000e-07, 7.5651532118738000e-07),
    (7, 5, -2.0682821988196000e-07, 1.0693087986911000e-06),
    (7, 6, -1.0653045588942000e-06, 1.1004282428111000e-06),
    (7, 7, -1.8202645695564000e-06, -1.5999965833572000e-06),
    (8, 0, 2.3468300594816000e-06, 0.0000000000000000e+00),
    (8, 1, 4.1735904924527000e-09, 1.0980290732908000e-06),
    (8, 2, 3.0093221489840000e-06, 1.9305655599870000e-06),
    (8, 3, -1.8890482916189000e-06, 9.5448280394919000e-07),
    (8, 4, 3.4086972282043000e-06, -5.2824948185726000e-07),
    (8, 5, -1.2480443032891000e-06, 2.9185712820190000e-06),
    (8, 6, -1.6604388534337000e-06, -2.1146631041151000e-06),
    (8, 7, -1.5096535588051000e-06, 3.2688520883962000e-06),
    (8, 8, -2.4856047110162000e-06, 2.1164273548016000e-06),
)


def grgm660prim_low_degree(degree: int = GRGM660PRIM_MAX_DEGREE) -> GravityField:
    """The shipped GRGM660PRIM coefficients up to ``degree`` (0-8) as a ``GravityField``."""
    if not 0 <= int(degree) <= GRGM660PRIM_MAX_DEGREE:
        raise ValueError(f"degree: must be in [0, {GRGM660PRIM_MAX_DEGREE}] for the shipped "
                         f"GRGM660PRIM table, got {degree}")
    degree = int(degree)
    c = np.zeros((degree + 1, degree + 1))
    s = np.zeros((degree + 1, degree + 1))
    for n, m, cnm, snm in GRGM660PRIM_LOW_DEGREE:
        if n <= degree:
            c[n, m], s[n, m] = cnm, snm
    return make_field(GRGM660PRIM_NAME, GRGM660PRIM_GM_KM3S2, GRGM660PRIM_RADIUS_KM, c, s,
                      "MOON_PA", "Lemoine et al. 2013 (GRGM660PRIM, ICGEM), lupex table d/o 8")
