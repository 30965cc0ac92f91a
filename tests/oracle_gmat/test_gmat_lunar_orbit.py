"""A 100 km polar lunar orbit with GRGM660PRIM to degree and order 8: lupex against GMAT.

Moon-centred ICRF axes, the shipped GRGM660PRIM table (``lupex.orbits.grgm660prim``)
written as a GMAT ``.cof`` file with its own GM and 1738.0 km radius, Earth and Sun point
masses with lupex's DE431 GMs, DE421 from the same ``de421.bsp`` (SPICE mode), 4 hours
(two revolutions) from the baseline's arrival time.

Not matched: GMAT's Moon body-fixed axes are 5.3 arcsec from lupex's MOON_PA (DE421
libration, ``moon_pa_de421_1900-2050.bpc``) at this epoch, measured below; most likely
GMAT's default lunar orientation (DE405 libration, the ephemeris it bundles) rather than
DE421's; ``Luna.RotationDataSource = 'DE421'`` was accepted but changed nothing.  Rotating
a degree-8 field by 2.6e-5 rad moves this orbit by O(0.1-1 m) in 4 h, so the measured
0.33 m is an upper bound on the propagators' own difference here; the 1 m tolerance
(5e-4 of the 1837 km orbit radius) is three times it.  Issue #13 needs the axes matched (e.g. a GMAT
Luna frame from the DE421 PCK) before comparing at higher degree.

Run: ``.venv/bin/python -m pytest -q -m oracle tests/oracle_gmat -rA``.
"""

from __future__ import annotations

import importlib.resources

import gmat_venv
import numpy as np
import pytest

from lupex import ephemeris as eph
from lupex.constants import GM_EARTH_KM3S2, GM_MOON_KM3S2, GM_SUN_KM3S2, R_MOON_KM
from lupex.orbits.cowell import ForceModel, propagate
from lupex.orbits.grgm660prim import GRGM660PRIM_LOW_DEGREE, grgm660prim_low_degree

pytestmark = [pytest.mark.oracle, pytest.mark.slow]

EPOCH_JD_TDB = 2461849.97   # ~ the baseline transfer's periselene, 2028-03-19 11:17 TDB
DEGREE = 8
DURATION_S = 4 * 3600.0
GMAT_MJD_OFFSET = 2430000.0


def _cof_moon(path, field) -> None:
    """GRGM660PRIM to ``DEGREE`` as a GMAT .cof file (normalised, GM m^3/s^2, radius m)."""
    lines = ["COMMENT   1", "C lupex: GRGM660PRIM d/o 8 (Lemoine et al. 2013), MOON_PA",
             (f"POTFIELD{DEGREE:3d}{DEGREE:3d}  1{field.gm_km3s2 * 1e9:21.14e}"
             f"{field.radius_km * 1e3:21.14e}{1.0:21.14e}")]
    for n, m, c, s in GRGM660PRIM_LOW_DEGREE:
        if 2 <= n <= DEGREE:
            lines.append(f"RECOEF{n:5d}{m:3d}   {c:21.14e}{s:21.14e}")
    path.write_text("\n".join(lines) + "\nEND\n")


def _initial_state():
    """Circular-speed polar state 100 km up, over the Moon's equator, in Moon-centred ICRF."""
    m = eph.icrf_to_moon_pa(EPOCH_JD_TDB)
    pole, x = m[2], m[0]
    r = R_MOON_KM + 100.0
    v = np.sqrt(GM_MOON_KM3S2 / r)
    return r * x, v * pole


def _script(r0, v0, cof, out) -> str:
    f = repr
    mjd = EPOCH_JD_TDB - GMAT_MJD_OFFSET
    sats = []
    for name, cs, (x, y, z) in (("Sat", "MoonICRF", r0), ("A1", "MoonFixed", (1e6, 0, 0)),
                                ("A2", "MoonFixed", (0, 1e6, 0))):
        sats += [f"Create Spacecraft {name};", f"{name}.DateFormat = TDBModJulian;",
                 f"{name}.Epoch = '{mjd!r}';", f"{name}.CoordinateSystem = {cs};",
                 f"{name}.X = {f(float(x))};", f"{name}.Y = {f(float(y))};",
                 f"{name}.Z = {f(float(z))};"]
    sats += [f"Sat.VX = {f(float(v0[0]))};", f"Sat.VY = {f(float(v0[1]))};",
             f"Sat.VZ = {f(float(v0[2]))};"]
    reports = []
    for name, fname in (("RF", "arc.txt"), ("RB", "frame.txt")):
        reports += [f"Create ReportFile {name};", f"{name}.Filename = '{out / fname}';",
                    f"{name}.Precision = 17;", f"{name}.FixedWidth = false;",
                    f"{name}.Delimiter = ' ';", f"{name}.WriteHeaders = false;"]
    de421 = importlib.resources.files("skyfield_data") / "data" / "de421.bsp"
    lines = [
        "SolarSystem.EphemerisSource = 'SPICE';", f"SolarSystem.SPKFilename = '{de421}';",
        f"Earth.Mu = {f(GM_EARTH_KM3S2)};", f"Luna.Mu = {f(GM_MOON_KM3S2)};",
        f"Sun.Mu = {f(GM_SUN_KM3S2)};",
        "Create CoordinateSystem MoonICRF;", "MoonICRF.Origin = Luna;", "MoonICRF.Axes = ICRF;",
        "Create CoordinateSystem MoonFixed;", "MoonFixed.Origin = Luna;",
        "MoonFixed.Axes = BodyFixed;",
        *sats,
        "Create ForceModel FM;", "FM.CentralBody = Luna;", "FM.PrimaryBodies = {Luna};",
        f"FM.GravityField.Luna.Degree = {DEGREE};", f"FM.GravityField.Luna.Order = {DEGREE};",
        f"FM.GravityField.Luna.PotentialFile = '{cof}';",
        "FM.PointMasses = {Earth, Sun};", "FM.SRP = Off;", "FM.Drag = None;",
        "FM.RelativisticCorrection = Off;",
        "Create Propagator Prop;", "Prop.FM = FM;", "Prop.Type = RungeKutta89;",
        "Prop.InitialStepSize = 10;", "Prop.Accuracy = 1e-13;", "Prop.MinStep = 0;",
        "Prop.MaxStep = 60;",
        *reports,
        "RF.Add = {Sat.ElapsedSecs, Sat.MoonICRF.X, Sat.MoonICRF.Y, Sat.MoonICRF.Z};",
        "BeginMissionSequence;",
        ("Report RB A1.MoonICRF.X A1.MoonICRF.Y A1.MoonICRF.Z A2.MoonICRF.X A2.MoonICRF.Y "
        "A2.MoonICRF.Z;"),
        f"Propagate Prop(Sat) {{Sat.ElapsedSecs = {DURATION_S!r}}};",
    ]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def gmat_lunar(gmat_python, tmp_path_factory):
    out = tmp_path_factory.mktemp("gmat_lunar")
    field = grgm660prim_low_degree(DEGREE)
    cof = out / "grgm660prim_d8.cof"
    _cof_moon(cof, field)
    r0, v0 = _initial_state()
    script = out / "lunar.script"
    script.write_text(_script(r0, v0, cof, out))
    placeholder = out / "LP165P.cof"           # GMAT's default Moon field name, opened first
    placeholder.write_text(cof.read_text())
    gmat_venv.run_script(gmat_python, script, extra_files=(placeholder,))
    arc = np.loadtxt(out / "arc.txt", ndmin=2)
    frame = np.loadtxt(out / "frame.txt")
    return {"t_s": arc[:, 0], "r_km": arc[:, 1:4], "x_axis": frame[:3] / 1e6,
            "y_axis": frame[3:6] / 1e6, "field": field, "r0": r0, "v0": v0}


def test_gmat_moon_fixed_frame_is_moon_pa(gmat_lunar, gmat_diffs):
    m = eph.icrf_to_moon_pa(EPOCH_JD_TDB)
    ang = [np.degrees(np.arccos(np.clip(gmat_lunar[k] @ m[i], -1, 1))) * 3600
           for i, k in ((0, "x_axis"), (1, "y_axis"))]
    gmat_diffs["Moon-fixed axes: GMAT vs lupex MOON_PA (x, y)"] = (
        f"{ang[0]:.4f}, {ang[1]:.4f} arcsec")
    # Measured 5.3 arcsec (see the module docstring); this pins it so a change shows.
    assert max(ang) < 10.0


def test_lunar_orbit_matches_gmat(gmat_lunar, gmat_diffs):
    model = ForceModel("moon", gravity_field=gmat_lunar["field"], degree=DEGREE, order=DEGREE,
                       third_bodies=("earth", "sun"))
    tr = propagate(gmat_lunar["r0"], gmat_lunar["v0"], EPOCH_JD_TDB, DURATION_S, model)
    t = gmat_lunar["t_s"]
    r, _ = tr.state_at(t)
    dr = np.linalg.norm(r - gmat_lunar["r_km"], axis=1) * 1e3
    gmat_diffs[f"100 km polar orbit, GRGM660PRIM d/o {DEGREE}, 4 h"] = (
        f"max {dr.max():7.3f} m, end {dr[-1]:7.3f} m (orbit radius 1837 km)")
    assert dr.max() < 1.0
