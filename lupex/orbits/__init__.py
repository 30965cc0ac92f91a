"""Orbital mechanics for lupex.

Two-body core (plain float64 arrays, km / km/s / s / rad, vectors shaped (..., 3)):

- :mod:`lupex.constants` (top level) - DE431 GM values and reference radii
- :mod:`lupex.orbits.elements` - ``coe2rv``, ``rv2coe``, apsides, period, energy, C3
- :mod:`lupex.orbits.kepler` - universal-variable propagation, ``propagate``, ``propagate_grid``
- :mod:`lupex.orbits.lambert` - Izzo's Lambert solver with multi-revolution branches
- :mod:`lupex.orbits.maneuvers` - Hohmann, bi-elliptic, plane changes, impulses in VNB/RTN
- :mod:`lupex.orbits.lunar_orbit` - ``plan_lunar_orbit`` / ``to_summary`` (pipeline entry point)
"""
