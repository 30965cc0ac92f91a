"""A built-in synthetic lunar south pole: the default terrain when no DEM is given.

Deterministic from a seed.  The result is NOT real topography: it places the large
named features at their published positions and sizes, gives craters the published
shapes of fresh lunar craters, adds a power-law population of small craters and
fractal roughness, so that slopes, horizons and illumination behave like the real
south pole in a statistical sense.

Named features (IAU/USGS Gazetteer of Planetary Nomenclature, planetarynames.wr.usgs.gov,
as quoted by the sources noted; east longitudes, diameters D):

=================  ========  =========  ========  ====================================
feature            lat [deg] lon [deg]  D [km]    note
=================  ========  =========  ========  ====================================
Shackleton         -89.67    129.78     21        gazetteer (site list of shared data)
de Gerlache        -88.5     272.9      32.4      gazetteer (87.1 W)
Sverdrup           -88.5     208.0      35        gazetteer (152 W)
Slater             -88.08    111.29     25.1      gazetteer (approved 2015)
Shoemaker          -88.03    39.85      48        gazetteer
Faustini           -87.18    85.02      42.5      gazetteer
Haworth            -87.45    354.83     51.4      gazetteer (5.17 W; depth 2.4 km)
Nobile             -85.2     53.5       73        approximate (not verified here)
Cabeus             -85.3     317.9      99        approximate (not verified here)
Malapert           -84.9     12.9       69        approximate (not verified here)
Amundsen           -84.5     82.8       103       approximate (not verified here)
Malapert massif    -86.0     2.1        ~40 base  ~5 km high, site list of shared data
Mons Mouton        -84.6     31.0       130       ~6 km high flat-topped (NASA SVS 5074;
                                                  formerly Leibnitz beta)
=================  ========  =========  ========  ====================================

Crater shape (Pike 1977, "Size-dependence in the shape of fresh impact craters on the
Moon", in Impact and Explosion Cratering, 489-509): rim-to-floor depth
d = 0.196 D^1.01 and rim height h = 0.036 D^1.014 (km) for simple craters; for
complex craters (D > 22 km here; Shackleton at 21 km is simple) d = 1.044 D^0.301 and
h = 0.236 D^0.399.  Interior: paraboloid bowl (simple) or a flat floor of radius
0.4 R joined by a parabolic wall (complex); exterior ejecta h (r/R)^-3 (McGetchin et
al. 1973, EPSL 20, 226).  Small craters: cumulative density N(>D) = 0.1 D^-2 per km^2
(D in km), about 6 % of geometric saturation 1.54 D^-2 (Gault 1970, Radio Science 5,
273), i.e. an equilibrium-like highland surface, between 3 pixels and 8 km.
Roughness: Gaussian random field with power spectrum P(k) ~ k^-(2H+2), Hurst
exponent H = 0.9 and RMS height difference 10 m at 100 m baseline (RMS slope about
6 deg), of the order found for the highlands by Rosenburg et al. 2011 (JGR 116,
E02001).
"""

from __future__ import annotations

import numpy as np

from lupex.surface.dem import Dem, MapWindow
from lupex.surface.projection import latlon_to_xy, scale_factor

__all__ = [
    "NAMED_CRATERS",
    "NAMED_MASSIFS",
    "SYNTHETIC_CENTER_LAT_DEG",
    "SYNTHETIC_HALF_WIDTH_KM",
    "SYNTHETIC_PIXEL_M",
    "crater_profile",
    "synthetic_south_pole",
]

#: Pixel sizes [m] :func:`synthetic_south_pole` accepts (inclusive): the fractal and crater
#: model is calibrated between 20 m and 240 m (the LOLA polar products' range).
SYNTHETIC_PIXEL_M = (20.0, 240.0)
#: Half widths [km] of the synthetic map it accepts (inclusive).
SYNTHETIC_HALF_WIDTH_KM = (1.0, 400.0)
#: Latitudes [deg] of the synthetic map's centre it accepts (inclusive).
SYNTHETIC_CENTER_LAT_DEG = (-90.0, -80.0)

#: (name, lat_deg, lon_deg_east, diameter_km) -- see module docstring for sources.
NAMED_CRATERS = (
    ("Shackleton", -89.67, 129.78, 21.0),
    ("de Gerlache", -88.5, 272.9, 32.4),
    ("Sverdrup", -88.5, 208.0, 35.0),
    ("Slater", -88.08, 111.29, 25.1),
    ("Shoemaker", -88.03, 39.85, 48.0),
    ("Faustini", -87.18, 85.02, 42.5),
    ("Haworth", -87.45, 354.83, 51.4),
    ("Nobile", -85.2, 53.5, 73.0),
    ("Cabeus", -85.3, 317.9, 99.0),
    ("Malapert", -84.9, 12.9, 69.0),
    ("Amundsen", -84.5, 82.8, 103.0),
)

#: (name, lat_deg, lon_deg_east, base diameter km, height km, flat_top)
NAMED_MASSIFS = (
    ("Malapert massif", -86.0, 2.1, 40.0, 5.0, False),
    ("Mons Mouton", -84.6, 31.0, 130.0, 6.0, True),
)

_SIMPLE_MAX_D_KM = 22.0
_SFD_C = 0.1  # N(>D) = C D^-2 per km^2
_D_MAX_SMALL_KM = 8.0
_HURST = 0.9
_RMS_DH_100M_M = 10.0


def crater_shape(diameter_km):
    """(depth_km, rim_height_km) of a fresh lunar crater (Pike 1977)."""
    d = np.asarray(diameter_km, dtype=float)
    simple = d <= _SIMPLE_MAX_D_KM
    depth = np.where(simple, 0.196 * d**1.01, 1.044 * d**0.301)
    rim = np.where(simple, 0.036 * d**1.014, 0.236 * d**0.399)
    return depth, rim


def crater_profile(r_over_R, diameter_km):
    """Height [km] relative to the pre-impact surface at normalised radius r/R.

    Simple: bowl h - d + d (r/R)^2; complex: flat floor to 0.4 R then a parabolic
    wall; outside the rim the ejecta blanket h (r/R)^-3 (McGetchin et al. 1973), with
    depth d and rim height h from :func:`crater_shape` (Pike 1977). The profile is
    continuous at the rim (height h at r = R); craters up to 22 km across are simple.

    Parameters
    ----------
    r_over_R : array_like
        Distance from the crater centre over the rim radius D/2 [-], >= 0.
    diameter_km : float
        Rim-to-rim diameter D [km]; a scalar (it selects the simple or complex shape).

    Returns
    -------
    numpy.ndarray
        Height relative to the pre-impact surface [km], shape of ``r_over_R``.
    """
    x = np.asarray(r_over_R, dtype=float)
    depth, rim = crater_shape(diameter_km)
    if diameter_km <= _SIMPLE_MAX_D_KM:
        inside = rim - depth + depth * x**2
    else:
        rf = 0.4
        u = np.clip((x - rf) / (1 - rf), 0.0, None)
        inside = rim - depth + depth * u**2
    outside = rim * np.maximum(x, 1.0) ** -3
    return np.where(x <= 1.0, inside, outside)


def _stamp(h, x_km, y_km, xc, yc, rad_grid_km, diameter_km, pixel_km, x0, y0, reach=3.0):
    """Add one crater (centre xc, yc; radius in grid km) to h within its bounding window."""
    ny, nx = h.shape
    w = reach * rad_grid_km
    c0 = max(0, int(np.floor((xc - w - x0) / pixel_km)))
    c1 = min(nx, int(np.ceil((xc + w - x0) / pixel_km)) + 1)
    r0 = max(0, int(np.floor((y0 - (yc + w)) / pixel_km)))
    r1 = min(ny, int(np.ceil((y0 - (yc - w)) / pixel_km)) + 1)
    if c0 >= c1 or r0 >= r1:
        return
    dx = x_km[c0:c1] - xc
    dy = y_km[r0:r1] - yc
    rr = np.sqrt(dy[:, None] ** 2 + dx[None, :] ** 2) / rad_grid_km
    prof = crater_profile(np.minimum(rr, reach), diameter_km)
    # ejecta falls to zero at the window edge (continuous) instead of stopping at reach^-3
    _, rim = crater_shape(diameter_km)
    prof = np.where(rr <= 1.0, prof, prof - rim * reach**-3)
    h[r0:r1, c0:c1] += 1000.0 * prof


def _fractal(n_y, n_x, pixel_km, rng):
    """Gaussian fractal field [m] with P(k) ~ k^-(2H+2), RMS dh 10 m at 100 m baseline."""
    ky = np.fft.fftfreq(n_y, d=pixel_km)
    kx = np.fft.rfftfreq(n_x, d=pixel_km)
    k = np.hypot(ky[:, None], kx[None, :])
    k[0, 0] = np.inf
    amp = k ** (-(_HURST + 1.0))
    noise = rng.normal(size=(n_y, n_x))
    f = np.fft.irfft2(np.fft.rfft2(noise) * amp, s=(n_y, n_x))
    # normalise the structure function at a 100 m baseline (or 1 pixel if coarser)
    lag = max(1, round(0.1 / pixel_km))
    dh = np.sqrt(np.mean((f[:, lag:] - f[:, :-lag]) ** 2))
    base_km = lag * pixel_km
    target = _RMS_DH_100M_M * (base_km / 0.1) ** _HURST
    return f * (target / dh)


def synthetic_south_pole(
    half_width_km: float = 50.0,
    pixel_km: float = 0.1,
    seed: int = 0,
    center_lat_deg: float = -90.0,
    center_lon_deg: float = 0.0,
) -> Dem:
    """Synthetic south-polar terrain on the lupex polar stereographic grid.

    Parameters
    ----------
    half_width_km : float
        Half the side of the square map [km] (grid units), in :data:`SYNTHETIC_HALF_WIDTH_KM`.
    pixel_km : float
        Pixel size [km], in :data:`SYNTHETIC_PIXEL_M` / 1000 (20-240 m).
    seed : int
        Random seed; the map is a deterministic function of all arguments.
    center_lat_deg, center_lon_deg : float
        Map centre [deg]; latitude in [-90, -80].

    Returns
    -------
    Dem
        ``synthetic=True``, with a note saying it is invented terrain.
    """
    lo_m, hi_m = SYNTHETIC_PIXEL_M
    if not (lo_m / 1000 - 1e-12 <= pixel_km <= hi_m / 1000 + 1e-12):
        raise ValueError(
            f"pixel_km must be in [{lo_m / 1000:g}, {hi_m / 1000:g}] km ({lo_m:g}-{hi_m:g} m); "
            f"got {pixel_km}"
        )
    lo_km, hi_km = SYNTHETIC_HALF_WIDTH_KM
    if not (lo_km <= half_width_km <= hi_km):
        raise ValueError(f"half_width_km must be in [{lo_km:g}, {hi_km:g}] km; got {half_width_km}")
    lat_lo, lat_hi = SYNTHETIC_CENTER_LAT_DEG
    if not (lat_lo <= center_lat_deg <= lat_hi):
        raise ValueError(f"center_lat_deg must be in [{lat_lo:g}, {lat_hi:g}]; got {center_lat_deg}")
    if not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer; got {seed!r}")
    win = MapWindow.around(center_lat_deg, center_lon_deg, half_width_km, pixel_km)
    n, x0, y0 = win.n_pixels, win.x0_km, win.y0_km
    x_km, y_km = win.x_km(), win.y_km()
    rng = np.random.default_rng(seed)
    h = _fractal(n, n, pixel_km, rng)
    xg, yg = np.meshgrid(x_km, y_km)

    # named massifs: Gaussian (or flat-topped super-Gaussian) bumps
    for _, lat, lon, base_km, height_km, flat in NAMED_MASSIFS:
        mx, my = latlon_to_xy(np.radians(lat), np.radians(lon))
        k = float(scale_factor(np.radians(lat)))
        sig = base_km * k / 4.0
        r2 = ((xg - mx) ** 2 + (yg - my) ** 2) / sig**2
        if r2.min() > 25:
            continue
        shape = np.exp(-0.5 * r2**2 / 4.0) if flat else np.exp(-0.5 * r2)
        h += 1000.0 * height_km * shape

    # small craters: power-law population, random positions, stamped in windows
    area = (n * pixel_km) ** 2
    d_min = 3 * pixel_km
    n_small = rng.poisson(_SFD_C * area * (d_min**-2 - _D_MAX_SMALL_KM**-2))
    u = rng.random(n_small)
    # inverse CDF of N(>D) ~ D^-2 truncated to [d_min, d_max]
    diam = (d_min**-2 - u * (d_min**-2 - _D_MAX_SMALL_KM**-2)) ** -0.5
    cx = x0 + rng.random(n_small) * n * pixel_km
    cy = y0 - rng.random(n_small) * n * pixel_km
    order = np.argsort(-diam)  # big first, small ones superposed on them
    for i in order:
        _stamp(h, x_km, y_km, cx[i], cy[i], diam[i] / 2, diam[i], pixel_km, x0, y0)

    # named craters last (they are the fresh, dominant features of the real map)
    for _, lat, lon, dkm in NAMED_CRATERS:
        mx, my = latlon_to_xy(np.radians(lat), np.radians(lon))
        k = float(scale_factor(np.radians(lat)))
        _stamp(h, x_km, y_km, float(mx), float(my), dkm / 2 * k, dkm, pixel_km, x0, y0)

    return Dem(
        h,
        x0,
        y0,
        pixel_km,
        source=f"lupex synthetic south pole (seed {seed})",
        synthetic=True,
        note=(
            "SYNTHETIC terrain, not real topography: named craters at IAU positions with "
            "Pike (1977) fresh-crater shapes, N(>D) = 0.1 D^-2 small craters, fractal "
            "roughness (H = 0.9)."
        ),
    )
