"""The built-in real south-polar terrain: two LOLA grids shipped inside the package.

Source and licence
------------------
Both grids come from the Lunar Reconnaissance Orbiter's Lunar Orbiter Laser Altimeter
gridded data record **LDEM_75S_120M** (PDS data set LRO-L-LOLA-4-GDR-V1.0; Smith, D. E.
et al. 2010, "The Lunar Orbiter Laser Altimeter investigation on the Lunar Reconnaissance
Orbiter mission", Space Sci. Rev. 150, 209-241; Smith, D. E., Neumann, G. A. et al.,
LRO LOLA GDR, NASA Planetary Data System, https://pds-geosciences.wustl.edu/missions/lro/lola.htm).
NASA data are in the public domain. The grids were carried by the open-source MoonDAO
project (github.com/Official-MoonDao/MoonDAO at commit 8e4a3d7, "all terrain assets are
derived from public-domain NASA data") as 16-bit images (height step 0.19 m) and stored
here unchanged as ``.npz`` (keys ``height_halfm`` int16 half-metres above the 1737.4 km
sphere, ``x0_m``, ``y0_m`` the upper-left corner, ``pixel_m``, ``ref_radius_m``,
``source``, ``licence``, ``verification``; the projection and grid layout of
:mod:`lupex.surface.dem`):

* ``south_pole_ldem75s_240m.npz`` -- 1536 x 1536 pixels of 240 m, +-184.32 km around
  the pole (LDEM_75S_120M reduced 2x);
* ``south_cap_ldem75s_1787m.npz`` -- the whole 75 deg S cap at 1786.875 m; heights were
  faded to 0 beyond colatitude 11 deg by the product that carried it, so it is valid only
  within ``valid_radius_m`` = 334.6 km of the pole (:attr:`TerrainLayer.valid_radius_km`).
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import numpy as np

from lupex.surface.dem import Dem
from lupex.surface.stack import TerrainLayer, TerrainStack

__all__ = [
    "BUILTIN_CAP_FILE",
    "BUILTIN_POLE_FILE",
    "CAP_VALID_RADIUS_KM",
    "LOLA_CITATION",
    "POLE_GRID_HALF_WIDTH_KM",
    "POLE_GRID_PIXEL_M",
    "builtin_cap",
    "builtin_pole",
    "builtin_stack",
]

#: Package data file of the 240 m south-pole grid.
BUILTIN_POLE_FILE = "south_pole_ldem75s_240m.npz"
#: Package data file of the 1787 m cap grid.
BUILTIN_CAP_FILE = "south_cap_ldem75s_1787m.npz"
#: Half side [km] of the 240 m pole grid (768 pixels of 240 m; checked against the file by
#: tests/surface/test_builtin_terrain.py).
POLE_GRID_HALF_WIDTH_KM = 184.32
#: Pixel [m] of the pole grid.
POLE_GRID_PIXEL_M = 240.0
#: The cap grid's ``valid_radius_m`` [km], rounded down (the file holds 334.5852 km).
CAP_VALID_RADIUS_KM = 334.585
#: One line naming the data, for reports.
LOLA_CITATION = ("LRO LOLA LDEM_75S_120M (LRO-L-LOLA-4-GDR, NASA PDS; Smith et al. 2010), "
                 "public-domain NASA data")


def _read(name: str) -> tuple[Dem, float | None]:
    ref = resources.files("lupex").joinpath("data").joinpath("terrain").joinpath(name)
    with ref.open("rb") as fh, np.load(fh) as z:
        if abs(float(z["ref_radius_m"]) - 1737400.0) > 1e-3:
            raise ValueError(f"{name}: ref_radius_m {float(z['ref_radius_m'])} != 1737400")
        h = z["height_halfm"].astype(np.float64) * 0.5
        x0, y0, p = float(z["x0_m"]), float(z["y0_m"]), float(z["pixel_m"])
        valid = float(z["valid_radius_m"]) / 1000.0 if "valid_radius_m" in z.files else None
    dem = Dem(h, x0 / 1000.0, y0 / 1000.0, p / 1000.0,
              source=f"built-in {LOLA_CITATION} at {p:g} m/pixel (lupex/data/terrain/{name})",
              note=f"LOLA LDEM_75S_120M at {p:g} m")
    return dem, valid


@lru_cache(maxsize=1)
def builtin_pole() -> TerrainLayer:
    """The 240 m LOLA south-pole grid (+-184.32 km around the pole) as a layer.

    Returns
    -------
    TerrainLayer
        Heights [m] above the 1737.4 km sphere on a 1536 x 1536 grid of 240 m pixels.
    """
    dem, _ = _read(BUILTIN_POLE_FILE)
    return TerrainLayer(dem, None, "LOLA pole grid")


@lru_cache(maxsize=1)
def builtin_cap() -> TerrainLayer:
    """The 1787 m LOLA 75 deg S cap, valid only within 334.6 km of the pole.

    Returns
    -------
    TerrainLayer
        Heights [m] above the 1737.4 km sphere; ``valid_radius_km`` from the file.
    """
    dem, valid = _read(BUILTIN_CAP_FILE)
    return TerrainLayer(dem, valid, "LOLA cap")


def builtin_stack(dem: Dem | None = None, name: str = "user DEM") -> TerrainStack:
    """The built-in terrain stack, finest first: an optional high-resolution DEM, the 240 m
    pole grid, the 1787 m cap.

    Parameters
    ----------
    dem : Dem, optional
        A user's high-resolution south polar stereographic DEM (e.g. 5-20 m) to nest inside.
    name : str
        Its label in reports.

    Returns
    -------
    TerrainStack
    """
    layers = [builtin_pole(), builtin_cap()]
    if dem is not None:
        layers.insert(0, TerrainLayer(dem, None, name))
    return TerrainStack(tuple(layers))
