"""lupex's Cowell propagation of the targeted Earth-Moon transfer against NASA's GMAT.

The baseline's TLI (launch 2028-03-15 03:00 UTC + 30 min coast, ``lupex.stages.transfer``)
is targeted with :func:`lupex.orbits.transfer.design_transfer`; its state goes to GMAT
(R2026a engine, ``gmatpy`` wheel, own venv) with the same model, and both propagate it
~4.3 days to periselene.  Matched in GMAT:

* ephemeris: SPICE mode with the very ``de421.bsp`` lupex reads (skyfield-data wheel);
* GM of the Earth, Moon and Sun: lupex's DE431 values (``Earth/Luna/Sun.Mu`` and the GM
  of the Earth field file);
* Earth J2: a degree-2/order-0 ``.cof`` file written here with lupex's J2 and radius
  (GMAT's bundled JGM-2/EGM-96 C20 and GM differ from EGM2008/DE431); Moon and Sun point
  masses; no SRP, drag or relativity;
* frame: the state goes in and comes out in an Earth-centred ICRF-axes coordinate system
  (GMAT's EarthMJ2000Eq is FK5 in SPICE mode);
* integrator: RungeKutta89 at accuracy 1e-13 (1e-11 changes the result by < 0.2 m).

Two things GMAT does differently, measured here and kept apart:

1. **J2's pole.** lupex turns J2 about the IAU 2006 celestial intermediate pole of the epoch
   (``lupex.orbits.forces.earth_pole_icrf``); GMAT about the z axis of its Earth-fixed
   frame, which includes polar motion: 0.40 arcsec apart at this epoch.  That tilt alone
   moves the arc by up to ~28 m (11 m at periselene, 12 ms in its time).  Both are
   defensible (the figure axis is nearer the mean pole than the CIP); the test compares
   lupex as it runs against a bound from that measurement, and lupex with GMAT's own pole
   for the tight propagator check.
2. **GMAT's ICRF axes are not inertial at 1e-9 rad.** GMAT integrates in its MJ2000Eq
   axes and relates them to ICRF through a daily table (``data/icrf/ICRF_Table.txt``) that
   changes by ~1-2e-9 rad per day; over 4 days at lunar distance that is ~1-2 m.  Shown by
   a pure two-body run of this state: 1.7 m apart when read out in GMAT's ICRF axes, 1 cm
   when entered and read in MJ2000Eq.  Here GMAT's MJ2000Eq output is rotated back with the
   epoch's rotation (measured in the same run), which removes the read-out part; the
   remaining ~1 m comes from the table's drift applied to the DE421 Moon and Sun.

Run: ``.venv/bin/python -m pytest -q -m oracle tests/oracle_gmat -rA`` (the differences are
printed in the terminal summary).
"""

from __future__ import annotations

import datetime as dt
import importlib.resources
import math

import gmat_venv
import numpy as np
import pytest

from lupex.constants import GM_EARTH_KM3S2, GM_MOON_KM3S2, GM_SUN_KM3S2, J2_EARTH, R_EARTH_KM
from lupex.orbits import cowell
from lupex.orbits.cowell import ForceModel
from lupex.orbits.events import MOON_SOI_KM, body_periapsis
from lupex.orbits.transfer import design_transfer
from lupex.timescale import tdb_grid

pytestmark = [pytest.mark.oracle, pytest.mark.slow]

# Baseline scenario: launch 2028-03-15 03:00 UTC, TLI after the 30 min parking coast.
TLI_UTC = dt.datetime(2028, 3, 15, 3, 30, tzinfo=dt.UTC)
GMAT_MJD_OFFSET = 2430000.0   # GMAT's ModJulian origin (JD 2430000.0)
ARC_SCALE_KM = 400_000.0

# Tolerances, from the measured differences (see the module docstring):
# with GMAT's pole, 1.1 m max along the arc, 0.9 m at periselene, 0.1 ms in its time.
# Bound: the ICRF-table drift, ~2e-9 rad/day x 4 d x 384,400 km ~ 3 m (7.5e-9 of the arc).
TOL_SAME_POLE_M = 3.0
TOL_SAME_POLE_PERI_S = 0.005
# lupex as it runs (CIP pole): 28 m max, 11 m at periselene, 12 ms; the 0.40" pole tilt
# alone gives those; the bound 60 m (1.5e-7 of the arc) leaves room for polar motion up to
# ~0.8", and anything else wrong at the 1e-7 level would show in the check above.
TOL_CIP_POLE_M = 60.0
TOL_CIP_POLE_PERI_S = 0.03


def _de421_path() -> str:
    return str(importlib.resources.files("skyfield_data") / "data" / "de421.bsp")


def _cof_j2(path) -> None:
    """A GMAT .cof gravity file holding only lupex's Earth GM, radius and C20 (normalised).

    Fixed-width fields as in GMAT's bundled JGM2.cof: degree/order I3 after ``POTFIELD``,
    reals in 21-character E fields (GM m^3/s^2, radius m, a unit flag).
    """
    c20 = -J2_EARTH / math.sqrt(5.0)
    path.write_text(
        "COMMENT   1\n"
        "C lupex: DE431 Earth GM, WGS-84 radius, EGM2008 tide-free J2 (lupex.constants)\n"
        f"POTFIELD  2  0  1{GM_EARTH_KM3S2 * 1e9:21.14e}{R_EARTH_KM * 1e3:21.14e}{1.0:21.14e}\n"
        f"RECOEF    2  0   {c20:21.14e}\n"
        "END\n")


def _gmat_script(epoch_jd_tdb, r_km, v_kms, cof, out_dir) -> str:
    f = repr
    mjd = epoch_jd_tdb - GMAT_MJD_OFFSET   # exact in float64
    sats = []
    for name, cs, (x, y, z) in (("Sat", "EarthICRFcs", r_km), ("E1", "EarthICRFcs", (1e6, 0, 0)),
                                ("E2", "EarthICRFcs", (0, 1e6, 0)), ("P", "EarthFixedCS", (0, 0, 1e6))):
        sats += [f"Create Spacecraft {name};", f"{name}.DateFormat = TDBModJulian;",
                 f"{name}.Epoch = '{mjd!r}';", f"{name}.CoordinateSystem = {cs};",
                 f"{name}.DisplayStateType = Cartesian;",
                 f"{name}.X = {f(float(x))};", f"{name}.Y = {f(float(y))};",
                 f"{name}.Z = {f(float(z))};"]
    sats += [f"Sat.VX = {f(float(v_kms[0]))};", f"Sat.VY = {f(float(v_kms[1]))};",
             f"Sat.VZ = {f(float(v_kms[2]))};"]
    icrf = [f"Sat.EarthICRFcs.{c}" for c in ("X", "Y", "Z", "VX", "VY", "VZ")]
    mj = [f"Sat.EarthMJ2000Eq.{c}" for c in ("X", "Y", "Z", "VX", "VY", "VZ")]
    basis = [f"{s}.EarthMJ2000Eq.{c}" for s in ("E1", "E2") for c in "XYZ"]
    pole = [f"P.EarthICRFcs.{c}" for c in "XYZ"]
    reports = []
    for name, fname in (("RF", "arc.txt"), ("RB", "frame.txt")):
        reports += [f"Create ReportFile {name};", f"{name}.Filename = '{out_dir / fname}';",
                    f"{name}.Precision = 17;", f"{name}.FixedWidth = false;",
                    f"{name}.Delimiter = ' ';", f"{name}.WriteHeaders = false;"]
    lines = [
        "SolarSystem.EphemerisSource = 'SPICE';",
        f"SolarSystem.SPKFilename = '{_de421_path()}';",
        f"Earth.Mu = {f(GM_EARTH_KM3S2)};",
        f"Luna.Mu = {f(GM_MOON_KM3S2)};",
        f"Sun.Mu = {f(GM_SUN_KM3S2)};",
        "Create CoordinateSystem EarthICRFcs;", "EarthICRFcs.Origin = Earth;",
        "EarthICRFcs.Axes = ICRF;",
        "Create CoordinateSystem EarthFixedCS;", "EarthFixedCS.Origin = Earth;",
        "EarthFixedCS.Axes = BodyFixed;",
        *sats,
        "Create ForceModel FM;", "FM.CentralBody = Earth;", "FM.PrimaryBodies = {Earth};",
        "FM.GravityField.Earth.Degree = 2;", "FM.GravityField.Earth.Order = 0;",
        f"FM.GravityField.Earth.PotentialFile = '{cof}';",
        "FM.PointMasses = {Luna, Sun};", "FM.SRP = Off;", "FM.Drag = None;",
        "FM.RelativisticCorrection = Off;",
        "Create Propagator Prop;", "Prop.FM = FM;", "Prop.Type = RungeKutta89;",
        "Prop.InitialStepSize = 60;", "Prop.Accuracy = 1e-13;", "Prop.MinStep = 0;",
        "Prop.MaxStep = 3600;",
        *reports,
        "RF.Add = {" + ", ".join(["Sat.ElapsedSecs", *icrf, *mj]) + "};",
        "BeginMissionSequence;",
        "Report RB " + " ".join(basis + pole) + ";",
        "Propagate Prop(Sat) {Sat.Luna.Periapsis, Sat.ElapsedDays = 6};",
    ]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def transfer():
    _, jd = tdb_grid(TLI_UTC, 0.0, 1.0)
    res = design_transfer(float(jd[0]))
    assert res.success
    return res


@pytest.fixture(scope="module")
def gmat_arc(gmat_python, transfer, tmp_path_factory):
    """GMAT's propagation of the TLI state: times [s], ICRF positions [km] (read out in
    GMAT's ICRF axes, and from MJ2000Eq with the epoch's rotation), GMAT's Earth pole."""
    out = tmp_path_factory.mktemp("gmat_transfer")
    cof = out / "earth_j2_lupex.cof"
    _cof_j2(cof)
    v = transfer.v_parking_kms + transfer.dv_tli_kms
    script = out / "transfer.script"
    script.write_text(_gmat_script(transfer.epoch_tli_jd_tdb, transfer.r_tli_km, v, cof, out))
    gmat_venv.run_script(gmat_python, script)
    arc = np.loadtxt(out / "arc.txt", ndmin=2)
    frame = np.loadtxt(out / "frame.txt")
    e1, e2 = frame[0:3] / 1e6, frame[3:6] / 1e6        # ICRF x, y axes in MJ2000Eq
    m = np.array([e1, e2, np.cross(e1, e2)])            # rows: r_icrf = m @ r_mj2000
    assert np.allclose(m @ m.T, np.eye(3), atol=1e-12)
    pole = frame[6:9] / np.linalg.norm(frame[6:9])
    return {"t_s": arc[:, 0], "r_icrf_axes_km": arc[:, 1:4],
            "r_km": arc[:, 7:10] @ m.T, "pole": pole}


def _lupex_arc(transfer, t_s):
    model = ForceModel("earth", third_bodies=("moon", "sun"), earth_j2=True)
    ev = body_periapsis("moon", MOON_SOI_KM, terminal=True, name="periselene")
    v = transfer.v_parking_kms + transfer.dv_tli_kms
    tr = cowell.propagate(transfer.r_tli_km, v, transfer.epoch_tli_jd_tdb, 1.6 * transfer.tof_s,
                          model, events=(ev,))
    t_peri = float(tr.event_t_s["periselene"][0])
    r, _ = tr.state_at(np.minimum(t_s, tr.t_s[-1]))
    return r, t_peri, tr.event_states["periselene"][0][:3]


def _compare(label, transfer, gmat_arc, gmat_diffs, r_gmat):
    t = gmat_arc["t_s"]
    r_l, t_peri, r_peri = _lupex_arc(transfer, t)
    dr = np.linalg.norm(r_l - r_gmat, axis=1) * 1e3
    dr_peri = float(np.linalg.norm(r_peri - r_gmat[-1])) * 1e3
    dt_peri = t_peri - float(t[-1])
    gmat_diffs[label] = (f"max {dr.max():7.3f} m ({dr.max() / (ARC_SCALE_KM * 1e3):.1e} of "
                         f"400,000 km) | periselene {dr_peri:7.3f} m, {dt_peri * 1e3:+.2f} ms")
    return dr, dr_peri, dt_peri


def test_gmat_and_lupex_reach_the_same_periselene(transfer, gmat_arc):
    # Sanity: GMAT's stop is the same event, ~4.3 days out, ~100 km above the Moon.
    assert gmat_arc["t_s"][-1] == pytest.approx(transfer.tof_s, abs=1.0)
    assert 3.0 < gmat_arc["t_s"][-1] / 86400 < 5.0


def test_transfer_arc_matches_gmat_with_gmat_pole(transfer, gmat_arc, gmat_diffs, monkeypatch):
    """The propagator check: the same J2 pole as GMAT's Earth-fixed z (polar motion included)."""
    monkeypatch.setattr(cowell, "earth_pole_icrf", lambda jd: gmat_arc["pole"])
    dr, dr_peri, dt_peri = _compare("transfer arc, J2 about GMAT's pole", transfer, gmat_arc,
                                    gmat_diffs, gmat_arc["r_km"])
    _compare("  same, GMAT's ICRF-axes read-out", transfer, gmat_arc, gmat_diffs,
             gmat_arc["r_icrf_axes_km"])
    assert dr.max() < TOL_SAME_POLE_M
    assert dr_peri < TOL_SAME_POLE_M
    assert abs(dt_peri) < TOL_SAME_POLE_PERI_S


def test_transfer_arc_matches_gmat_as_lupex_runs(transfer, gmat_arc, gmat_diffs):
    """lupex unchanged (J2 about the IAU 2006 CIP), bounded by the 0.40" pole difference."""
    tilt = np.degrees(np.arccos(np.clip(gmat_arc["pole"] @ cowell.earth_pole_icrf(
        transfer.epoch_tli_jd_tdb), -1.0, 1.0))) * 3600
    gmat_diffs["J2 pole: lupex CIP vs GMAT Earth-fixed z"] = f"{tilt:.3f} arcsec"
    dr, dr_peri, dt_peri = _compare("transfer arc, lupex as it runs (CIP pole)", transfer,
                                    gmat_arc, gmat_diffs, gmat_arc["r_km"])
    assert tilt < 1.0
    assert dr.max() < TOL_CIP_POLE_M
    assert dr_peri < TOL_CIP_POLE_M
    assert abs(dt_peri) < TOL_CIP_POLE_PERI_S
