"""lupex's two-body core against poliastro 0.17.0 run in a Python 3.10 venv.

Hundreds of random cases (fixed seed) go to ``oracle/poliastro_oracle.py`` in
one subprocess; poliastro's answers come back in an .npz and are compared
here.  The number of compared cases per category is printed in the pytest
terminal summary (see conftest.py).
"""

import subprocess
from pathlib import Path

import numpy as np
import pytest

from lupex.constants import GM_EARTH_KM3S2, GM_MOON_KM3S2
from lupex.orbits.elements import coe2rv, rv2coe
from lupex.orbits.kepler import propagate
from lupex.orbits.lambert import lambert
from lupex.orbits.maneuvers import bielliptic, hohmann

pytestmark = pytest.mark.oracle

ORACLE = Path(__file__).resolve().parent / "oracle" / "poliastro_oracle.py"
REPO = Path(__file__).resolve().parents[2]
SEED = 20270301


def _wrap(a):
    """Angle difference folded into (-pi, pi]."""
    return np.angle(np.exp(1j * a))


def _elements(rng, n):
    """Random elements: generic ellipses and hyperbolas plus exact singular cases."""
    kind = rng.integers(0, 6, n)  # 0-1 generic ellipse, 2 hyperbola, 3 circ-incl, 4 ell-eq, 5 circ-eq
    ecc = np.where(kind == 2, rng.uniform(1.05, 4.0, n), rng.uniform(0.01, 0.95, n))
    ecc = np.where((kind == 3) | (kind == 5), 0.0, ecc)
    inc = rng.uniform(0.05, np.pi - 0.05, n)
    inc = np.where(kind >= 4, 0.0, inc)
    raan = np.where(kind >= 4, 0.0, rng.uniform(0.0, 2 * np.pi, n))
    argp = np.where((kind == 3) | (kind == 5), 0.0, rng.uniform(0.0, 2 * np.pi, n))
    nu_max = np.where(ecc > 1.0, np.arccos(-1.0 / np.maximum(ecc, 1.0)) - 0.05, np.pi - 1e-3)
    nu = rng.uniform(-1.0, 1.0, n) * nu_max
    p = rng.uniform(1800.0, 20000.0, n)
    return kind, (p, ecc, inc, raan, argp, nu)


def _kepler_cases(rng, n):
    mu = GM_MOON_KM3S2
    _, el = _elements(rng, n)
    el = list(el)
    # One case in eight near-parabolic (0.98 < e < 1.02, e = 1 included).
    near = rng.random(n) < 0.125
    el[1] = np.where(near, np.where(rng.random(n) < 0.1, 1.0, rng.uniform(0.98, 1.02, n)), el[1])
    el[5] = np.where(near, rng.uniform(-2.0, 2.0, n), el[5])
    r0, v0 = coe2rv(mu, *el)
    with np.errstate(divide="ignore"):
        a = np.abs(el[0] / (1.0 - el[1] ** 2))
    a = np.where(near, el[0], a)  # near a parabola use p as the length scale
    t_char = 2 * np.pi * np.sqrt(a**3 / mu)  # period, or its analogue for |a|
    tof = np.where((el[1] < 1.0) & ~near, rng.uniform(-2.0, 5.0, n), rng.uniform(-0.5, 2.0, n)) * t_char
    return r0, v0, tof


def _lambert_cases(rng, n):
    mu = GM_EARTH_KM3S2

    def unit(m):
        u = rng.normal(size=(m, 3))
        return u / np.linalg.norm(u, axis=1, keepdims=True)

    r1 = unit(n) * rng.uniform(6600.0, 45000.0, (n, 1))
    r2 = unit(n) * rng.uniform(6600.0, 45000.0, (n, 1))
    cosang = np.einsum("ij,ij->i", r1, r2) / np.linalg.norm(r1, axis=1) / np.linalg.norm(r2, axis=1)
    ok = np.abs(cosang) < np.cos(np.radians(2.0))  # keep 2 deg away from 0/180 deg transfers
    r1, r2 = r1[ok], r2[ok]
    m = len(r1)
    revs = rng.integers(0, 4, m)
    a_ref = 0.5 * (np.linalg.norm(r1, axis=1) + np.linalg.norm(r2, axis=1))
    t_ref = 2 * np.pi * np.sqrt(a_ref**3 / mu)
    tof = rng.uniform(0.1, 1.0, m) * t_ref * (revs + 1) + 0.05 * t_ref
    prograde = rng.random(m) < 0.7
    return r1, r2, tof, revs, prograde


@pytest.fixture(scope="module")
def oracle(oracle_python, tmp_path_factory):
    """Generate all cases, run poliastro once, return (inputs, answers)."""
    rng = np.random.default_rng(SEED)
    d = {}
    kind, el = _elements(rng, 400)
    d["coe_mu"] = np.float64(GM_MOON_KM3S2)
    for name, arr in zip(("p", "ecc", "inc", "raan", "argp", "nu"), el):
        d["coe_" + name] = arr
    d["coe_kind"] = kind
    d["coe_r"], d["coe_v"] = coe2rv(GM_MOON_KM3S2, *el)
    d["kep_mu"] = np.float64(GM_MOON_KM3S2)
    d["kep_r0"], d["kep_v0"], d["kep_tof"] = _kepler_cases(rng, 400)
    d["lam_mu"] = np.float64(GM_EARTH_KM3S2)
    d["lam_r1"], d["lam_r2"], d["lam_tof"], d["lam_revs"], d["lam_prograde"] = _lambert_cases(rng, 600)
    d["hoh_mu"] = d["bie_mu"] = np.float64(GM_EARTH_KM3S2)
    d["hoh_r1"] = rng.uniform(6600.0, 400000.0, 150)
    d["hoh_r2"] = rng.uniform(6600.0, 400000.0, 150)
    d["bie_r1"] = rng.uniform(6600.0, 50000.0, 150)
    d["bie_r2"] = rng.uniform(6600.0, 400000.0, 150)
    d["bie_rb"] = np.maximum(d["bie_r1"], d["bie_r2"]) * rng.uniform(1.0, 5.0, 150)
    d["int_mu"] = np.float64(GM_MOON_KM3S2)
    d["int_r"], d["int_v"], d["int_tof"] = (x[:25] for x in _kepler_cases(rng, 25))

    tmp = tmp_path_factory.mktemp("oracle")
    inp, out = tmp / "cases.npz", tmp / "poliastro.npz"
    np.savez(inp, **d)
    res = subprocess.run(
        [str(oracle_python), str(ORACLE), str(inp), str(out)],
        check=False, capture_output=True, text=True, timeout=900,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin", "HOME": str(Path.home())},
    )
    assert res.returncode == 0, f"poliastro oracle failed:\n{res.stderr[-3000:]}"
    return d, dict(np.load(out))


def test_coe2rv_matches_poliastro(oracle, oracle_counts):
    d, ans = oracle
    # Both evaluate the same closed form: agreement to rounding, 1e-12 relative
    # (about 1e-8 km on these ~1e4 km radii, far inside the 1 m requirement).
    scale = np.linalg.norm(ans["coe_r"], axis=1, keepdims=True)
    np.testing.assert_allclose(d["coe_r"], ans["coe_r"], rtol=0, atol=1e-12 * scale.max())
    vscale = np.linalg.norm(ans["coe_v"], axis=1).max()
    np.testing.assert_allclose(d["coe_v"], ans["coe_v"], rtol=0, atol=1e-12 * vscale)
    oracle_counts["coe2rv (state from elements)"] = len(d["coe_p"])


def test_rv2coe_matches_poliastro(oracle, oracle_counts):
    d, ans = oracle
    el = rv2coe(d["coe_mu"], d["coe_r"], d["coe_v"])
    np.testing.assert_allclose(el.p_km, ans["coe_back_p"], rtol=1e-12)
    np.testing.assert_allclose(el.ecc, ans["coe_back_ecc"], rtol=0, atol=1e-12)
    # Angles from arctan2 of exact states: 1e-9 rad is ~1e-5 km of in-track
    # position at 1e4 km; the comparison includes all singular kinds that both
    # libraries define the same way (circular inclined, equatorial prograde).
    for name, ours in (("inc", el.inc_rad), ("raan", el.raan_rad), ("argp", el.argp_rad),
                       ("nu", el.nu_rad)):
        theirs = ans["coe_back_" + name]
        assert np.max(np.abs(_wrap(ours - theirs))) < 1e-9, name
    # And the elements poliastro returns rebuild the same state in lupex.  The tolerance is
    # relative to each case's radius (1,800 to ~60,000 km here): 1e-11 |r| is ~5e4 times the
    # float64 epsilon, room for the conditioning of near-circular and near-equatorial cases
    # through two libraries' trigonometry on any CPU or numpy build, and still 0.6 um at
    # 60,000 km, far inside the 1 m requirement.  (An absolute 1e-8 km failed on another
    # machine at 62,029 km: a relative difference of 1.9e-13.)
    r, _ = coe2rv(d["coe_mu"], *(ans["coe_back_" + n] for n in ("p", "ecc", "inc", "raan", "argp", "nu")))
    err = np.linalg.norm(r - d["coe_r"], axis=-1)
    rel = err / np.linalg.norm(d["coe_r"], axis=-1)
    assert np.all(rel < 1e-11), f"worst relative error {rel.max():.3g} at case {rel.argmax()}"
    oracle_counts["rv2coe (elements from state)"] = len(d["coe_p"])


@pytest.mark.parametrize("method", ["farnocchia", "vallado"])
def test_kepler_matches_poliastro(oracle, oracle_counts, method):
    d, ans = oracle
    r, v = propagate(d["kep_mu"], d["kep_r0"], d["kep_v0"], d["kep_tof"])
    rp, vp = ans[f"kep_r_{method}"], ans[f"kep_v_{method}"]
    # poliastro's vallado() raises on some near-parabolic cases (its Newton
    # loop runs out); the oracle script stores NaN there and they are skipped.
    done = np.isfinite(rp[:, 0])
    assert done.sum() > 0.9 * len(done)
    r, v, rp, vp = r[done], v[done], rp[done], vp[done]
    # Exact methods on both sides: 1 m, or 1e-9 relative for the far
    # hyperbolic points (up to ~1e6 km out) where 1e-9 > 1 m.  poliastro's
    # vallado() stops its Newton loop at |d chi| < 1e-7 km^0.5 and keeps the
    # previous iterate; since dr/dchi = |v| |r| / sqrt(mu), its own error can
    # reach ~1e-7 |v||r|/sqrt(mu) (0.3-0.8 m at 7e5 km): allow 10x that for it.
    tol = np.maximum(1e-3, 1e-9 * np.linalg.norm(rp, axis=1))
    if method == "vallado":
        own = 1e-6 * np.linalg.norm(vp, axis=1) * np.linalg.norm(rp, axis=1) / np.sqrt(d["kep_mu"])
        tol = np.maximum(tol, own)
    err = np.linalg.norm(r - rp, axis=1)
    assert np.all(err < tol), f"{method}: worst {err.max() * 1e3:.3g} m at case {err.argmax()}"
    verr = np.linalg.norm(v - vp, axis=1)
    assert np.all(verr < 1e-6), f"{method}: worst velocity error {verr.max():.3g} km/s"
    oracle_counts[f"kepler vs {method} (all conics)"] = len(err)


def test_lambert_matches_poliastro(oracle, oracle_counts):
    d, ans = oracle
    n_single = n_multi = 0
    for revs in range(4):
        sel = d["lam_revs"] == revs
        for prograde in (True, False):
            s2 = sel & (d["lam_prograde"] == prograde)
            if not np.any(s2):
                continue
            sol = lambert(d["lam_mu"], d["lam_r1"][s2], d["lam_r2"][s2], d["lam_tof"][s2],
                          revs=revs, prograde=prograde, infeasible="nan")
            pv1 = ans["lam_v1"][s2]
            pv2 = ans["lam_v2"][s2]
            if revs == 0:
                pv1, pv2 = pv1[:, 1:], pv2[:, 1:]  # lowpath is irrelevant for M = 0
            ours_ok = np.isfinite(sol.v1_kms[..., 0])
            theirs_ok = np.isfinite(pv1[..., 0])
            assert np.array_equal(ours_ok, theirs_ok), f"feasibility differs for revs={revs}"
            # poliastro runs with rtol 1e-10 on x; 1e-8 relative on velocity
            # covers that (dv/dx is O(1) in non-dimensional units).
            scale = np.linalg.norm(pv1, axis=-1, keepdims=True)
            np.testing.assert_allclose(sol.v1_kms[ours_ok], pv1[ours_ok], rtol=0,
                                       atol=1e-8 * np.nanmax(scale))
            np.testing.assert_allclose(sol.v2_kms[ours_ok], pv2[ours_ok], rtol=0,
                                       atol=1e-8 * np.nanmax(scale))
            if revs == 0:
                n_single += int(ours_ok.sum())
            else:
                n_multi += int(ours_ok.sum())
    assert n_single > 50 and n_multi > 50
    oracle_counts["lambert izzo, single revolution"] = n_single
    oracle_counts["lambert izzo, multi-rev solutions"] = n_multi


def test_hohmann_and_bielliptic_match_poliastro(oracle, oracle_counts):
    d, ans = oracle
    # Same closed forms (poliastro works in m, m/s): rounding-level agreement.
    h = hohmann(d["hoh_mu"], d["hoh_r1"], d["hoh_r2"])
    np.testing.assert_allclose(h.dv_total_kms, ans["hoh_dv"], rtol=1e-11)
    np.testing.assert_allclose(h.tof_s, ans["hoh_tof"], rtol=1e-11)
    b = bielliptic(d["bie_mu"], d["bie_r1"], d["bie_rb"], d["bie_r2"])
    np.testing.assert_allclose(b.dv_total_kms, ans["bie_dv"], rtol=1e-11)
    np.testing.assert_allclose(b.tof_s, ans["bie_tof"], rtol=1e-11)
    oracle_counts["hohmann cost and time"] = len(d["hoh_r1"])
    oracle_counts["bi-elliptic cost and time"] = len(d["bie_r1"])


def test_interop_round_trip_in_py310(oracle, oracle_counts):
    d, ans = oracle
    np.testing.assert_array_equal(ans["int_r_back"], d["int_r"])
    np.testing.assert_array_equal(ans["int_v_back"], d["int_v"])
    np.testing.assert_array_equal(ans["int_mu_back"], d["int_mu"])
    # Orbit.propagate (farnocchia) on the converted orbit lands where lupex does: 1 m.
    r, _ = propagate(d["int_mu"], d["int_r"], d["int_v"], d["int_tof"])
    err = np.linalg.norm(r - ans["int_r_prop"], axis=1)
    assert np.all(err < np.maximum(1e-3, 1e-9 * np.linalg.norm(r, axis=1)))
    oracle_counts["interop to/from poliastro (py3.10)"] = len(d["int_r"])


def test_interop_without_poliastro_says_why():
    # The 3.11 main environment has no poliastro: the error must explain it.
    pytest.importorskip("numpy")
    try:
        import poliastro  # noqa: F401
    except ImportError:
        pass
    else:
        pytest.skip("poliastro is importable here; the missing-package path cannot be shown")
    from poliastro_interop import to_poliastro  # tests/orbits/oracle, on sys.path (conftest)

    with pytest.raises(ImportError, match="Python <= 3.10"):
        to_poliastro([7000.0, 0, 0], [0, 7.5, 0], GM_EARTH_KM3S2)
