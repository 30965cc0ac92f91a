"""Orbital mechanics for the mission: from the Earth parking orbit to the lander's descent orbit.

Plain float64 arrays in km, km/s, s and rad (units in the names); **vectors are shaped
(..., 3), last axis x, y, z**, rotation matrices (..., 3, 3); times are TDB Julian dates
(``jd_tdb``) or seconds past an epoch (``t_s``). Results are frozen dataclasses; nothing
here plots or formats (that is :mod:`lupex.report.transfer`).

Two-body core:

- :mod:`~lupex.orbits.elements` - ``coe2rv``, ``rv2coe``, apsides, period, energy, C3
- :mod:`~lupex.orbits.kepler` - universal-variable two-body propagation (exported here as
  ``propagate`` and ``propagate_grid``, the poliastro-style names)
- :mod:`~lupex.orbits.lambert` - Izzo's Lambert solver with multi-revolution branches
- :mod:`~lupex.orbits.maneuvers` - Hohmann, bi-elliptic, plane changes, impulses in VNB/RTN
- :mod:`~lupex.orbits.patched_conic` - patched-conic lunar approach speed
- :mod:`~lupex.orbits.lunar_orbit` - ``plan_lunar_orbit``: LOI, parking orbit, DOI

Full force model:

- :mod:`~lupex.orbits.cowell` - numerical propagation (Cowell, DOP853) through a
  ``ForceModel``, giving a ``Trajectory`` (exported here as ``propagate_cowell``)
- :mod:`~lupex.orbits.forces` - point masses, Battin third-body form, J2, the Moon's field;
  ``tabulate_ephemeris``
- :mod:`~lupex.orbits.events` - apsides, altitude, impact, sphere-of-influence events
- :mod:`~lupex.orbits.gravity` - spherical-harmonic fields (``GravityField``,
  ``sh_acceleration``); :mod:`~lupex.orbits.gravity_files` reads ICGEM / PDS SHADR / GMAT
  files; :mod:`~lupex.orbits.grgm660prim` ships GRGM660PRIM to degree 8
- :mod:`~lupex.orbits.frames` - states between Earth/Moon-centred ICRF and MOON_ME/PA
- :mod:`~lupex.orbits.transfer` - ``design_transfer``: a targeted direct Earth-Moon transfer
"""

from lupex.orbits.cowell import ForceModel, Trajectory
from lupex.orbits.cowell import propagate as propagate_cowell
from lupex.orbits.elements import (
    ClassicalElements,
    c3,
    coe2rv,
    period,
    rv2coe,
    semimajor_axis,
    specific_energy,
    v_infinity,
)
from lupex.orbits.events import MOON_SOI_KM, Event, body_periapsis, impact, soi_crossing
from lupex.orbits.forces import EphemerisTable, tabulate_ephemeris
from lupex.orbits.frames import FRAMES, convert_state, moon_geocentric_state
from lupex.orbits.gravity import GravityField, make_field, sh_acceleration, sh_potential, truncate
from lupex.orbits.gravity_files import read_field, read_gmat_cof, read_icgem, read_shadr
from lupex.orbits.grgm660prim import grgm660prim_low_degree
from lupex.orbits.kepler import propagate, propagate_grid
from lupex.orbits.lambert import LambertSolution, lambert
from lupex.orbits.lunar_orbit import LunarOrbitPlan, plan_lunar_orbit
from lupex.orbits.maneuvers import (
    TransferCost,
    apply_impulse,
    bielliptic,
    combined_plane_change_dv,
    hohmann,
    local_frame,
    plane_change_dv,
    vis_viva_speed,
)
from lupex.orbits.patched_conic import lunar_arrival_vinf
from lupex.orbits.transfer import TransferResult, design_transfer

__all__ = [
    "FRAMES", "MOON_SOI_KM",
    "ClassicalElements", "EphemerisTable", "Event", "ForceModel", "GravityField",
    "LambertSolution", "LunarOrbitPlan", "Trajectory", "TransferCost", "TransferResult",
    "apply_impulse", "bielliptic", "body_periapsis", "c3", "coe2rv", "combined_plane_change_dv",
    "convert_state", "design_transfer", "grgm660prim_low_degree", "hohmann", "impact",
    "lambert", "local_frame", "lunar_arrival_vinf", "make_field", "moon_geocentric_state",
    "period", "plan_lunar_orbit", "plane_change_dv", "propagate", "propagate_cowell",
    "propagate_grid", "read_field", "read_gmat_cof", "read_icgem", "read_shadr",
    "rv2coe", "semimajor_axis", "sh_acceleration", "sh_potential", "soi_crossing",
    "specific_energy", "tabulate_ephemeris", "truncate", "v_infinity", "vis_viva_speed",
]
