"""Spherical-harmonic gravity: readers on the shared GRAIL files and the evaluation against
independent references (closed-form J2, scipy's Legendre functions, the potential's gradient).

Data: /work/shared/data/gravity/ (see its README): GRGM660PRIM_to150.gfc is GSFC's GRGM660PRIM
(Lemoine et al. 2013) in ICGEM format from ICGEM/GFZ; gggrx_1200a_sha_deg100.tab + .lbl is
GRGM1200A (Lemoine et al. 2014) from the PDS GRAIL archive, cut to degree 100.
"""

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import gammaln, lpmv

from lupex.orbits import gravity as g
from lupex.orbits import gravity_files as gf
from lupex.orbits.grgm660prim import GRGM660PRIM_LOW_DEGREE, grgm660prim_low_degree

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "gravity"
GFC = DATA / "GRGM660PRIM_to150.gfc"
TAB = DATA / "gggrx_1200a_sha_deg100.tab"
LBL = DATA / "gggrx_1200a_sha.lbl"


def need(path):
    if not path.exists():
        pytest.skip(f"shared data file {path} absent (see shared/data/README.md)")


@pytest.fixture(scope="module")
def gfc30():
    need(GFC)
    return gf.read_icgem(GFC, degree=30)


def test_icgem_header_matches_published_grgm660prim():
    need(GFC)
    f = gf.read_icgem(GFC)
    # Published GRGM660PRIM (ICGEM header / Lemoine et al. 2013): R = 1738 km,
    # GM = 4.902799806931690e12 m^3/s^2, d/o 150 in this cut; Cbar_20, Cbar_22 from the table.
    assert f.name == "GRGM660PRIM"
    assert f.radius_km == 1738.0
    assert f.gm_km3s2 == pytest.approx(4902.79980693169, rel=1e-15)
    assert f.max_degree == 150
    assert f.c[2, 0] == -9.0882923650771e-05
    assert f.c[2, 2] == 3.4670944268756e-05
    assert f.c[150, 150] == -6.5730942507331e-09
    assert f.c[0, 0] == 1.0


def test_shadr_reader_matches_published_grgm1200a():
    need(TAB)
    f = gf.read_shadr(TAB, LBL if LBL.exists() else None)
    # Header record of the PDS product: R = 1738.0 km, GM = 4902.8001224453 km^3/s^2,
    # degree 100 in this cut, normalisation state 1.
    assert f.radius_km == 1738.0
    assert f.gm_km3s2 == pytest.approx(4902.8001224453, rel=1e-14)
    assert f.max_degree == 100
    assert f.c[2, 0] == -9.0884339347424299e-05
    if LBL.exists():
        assert f.name == "GRGM1200A"
    # Two independent GRAIL solutions agree on J2 to 2e-5 relative (their formal sigma is
    # ~1e-10 absolute but the 1200A solution used the extended mission and DE430).
    need(GFC)
    f660 = gf.read_icgem(GFC, degree=4)
    assert abs(f.c[2, 0] - f660.c[2, 0]) < 2e-9


def test_read_field_dispatches_by_suffix_and_truncates():
    need(TAB)
    f = gf.read_field(TAB, degree=10, order=3)
    assert f.max_degree == 10
    assert np.all(f.c[:, 4:] == 0) and np.all(f.s[:, 4:] == 0)
    assert f.c[10, 3] != 0.0
    with pytest.raises(ValueError, match="suffix"):
        gf.read_field(TAB.with_suffix(".xyz"))


def test_shipped_table_matches_shared_gfc():
    need(GFC)
    f = gf.read_icgem(GFC, degree=8)
    shipped = grgm660prim_low_degree()
    assert len(GRGM660PRIM_LOW_DEGREE) == 45  # every (n, m) with n <= 8
    np.testing.assert_array_equal(shipped.c, f.c)
    np.testing.assert_array_equal(shipped.s, f.s)
    assert shipped.gm_km3s2 == f.gm_km3s2 and shipped.radius_km == f.radius_km
    with pytest.raises(ValueError, match="degree"):
        grgm660prim_low_degree(9)


def _write_cof(path, field):
    """A GMAT .cof in the layout GMAT's GravityFileUtil::ReadCofFile parses."""
    head = (f"POTFIELD{field.max_degree:3d}{field.max_degree:3d}  1 "
            f"{field.gm_km3s2 * 1e9:.15e} {field.radius_km * 1e3:.6f} 1.0")
    lines = ["COMMENT  test field written by the lupex test-suite", head]
    for n in range(1, field.max_degree + 1):
        for m in range(n + 1):
            snm = "" if m == 0 else f"{field.s[n, m]:21.14e}"
            lines.append(f"RECOEF  {n:3d}{m:3d}   {field.c[n, m]:21.14e}{snm}")
    lines.append("END")
    path.write_text("\n".join(lines) + "\n")


def test_gmat_cof_round_trip(tmp_path):
    ref = grgm660prim_low_degree(6)
    p = tmp_path / "moon6.cof"
    _write_cof(p, ref)
    f = gf.read_gmat_cof(p)
    assert f.max_degree == 6
    assert f.gm_km3s2 == pytest.approx(ref.gm_km3s2, rel=1e-14)
    assert f.radius_km == ref.radius_km
    # 15 significant digits written: agreement to 1e-14 relative.
    np.testing.assert_allclose(f.c, ref.c, rtol=1e-13, atol=1e-25)
    np.testing.assert_allclose(f.s, ref.s, rtol=1e-13, atol=1e-25)
    assert gf.read_field(p, degree=3).max_degree == 3


HEAD = "begin_of_head\nradius 1738000\nmax_degree 2\ngravity_constant 4.9e12\nend_of_head\n"


@pytest.mark.parametrize("text, where", [
    (HEAD + "gfc 2 0 -9e-5 0\ngfc 2 x 1 0\n", "line 7"),
    (HEAD + "gfc 3 0 1e-6 0\n", "line 6"),
    (HEAD + "gfc 2 0 -9e-5\n", "line 6"),
    ("begin_of_head\nradius 1738000\ngravity_constant 4.9e12\nend_of_head\n", "max_degree"),
    ("gfc 2 0 -9e-5 0\n", "ICGEM"),
])
def test_icgem_malformed_names_the_line(tmp_path, text, where):
    p = tmp_path / "bad.gfc"
    p.write_text(text)
    with pytest.raises(ValueError, match=where):
        gf.read_icgem(p)


def test_shadr_and_cof_malformed_name_the_line(tmp_path):
    p = tmp_path / "bad.tab"
    p.write_text("1738.0, 4902.8, 0.0, 2, 2, 1, 0.0, 0.0\n2, 0, -9e-5, 0.0, 0, 0\n"
                 "2, 1, nan?, 0.0, 0, 0\n")
    with pytest.raises(ValueError, match="line 3"):
        gf.read_shadr(p)
    q = tmp_path / "bad.cof"
    q.write_text("POTFIELD  2  2  1 4.9e12 1738000.0 1.0\nRECOEF    2  0   -9.0e-05\n"
                 f"RECOEF    2  3   {1e-5:21.14e}{0.0:21.14e}\nEND\n")
    with pytest.raises(ValueError, match="line 3"):
        gf.read_gmat_cof(q)
    q.write_text("RECOEF    2  0   -9.0e-05\n")
    with pytest.raises(ValueError, match="line 1"):
        gf.read_gmat_cof(q)


def _sphere_points(n, radius_km, seed=0):
    """(3, n) points for the reference formulas; the functions take the transpose (n, 3)."""
    v = np.random.default_rng(seed).normal(size=(3, n))
    return v / np.linalg.norm(v, axis=0) * radius_km


def test_c20_acceleration_matches_closed_form_j2():
    f = g.truncate(grgm660prim_low_degree(), 2, 0)
    r = _sphere_points(50, 1838.0)
    mu, re = f.gm_km3s2, f.radius_km
    j2 = -np.sqrt(5.0) * f.c[2, 0]  # unnormalise: C20 = sqrt(5) Cbar20 = -J2
    x, y, z = r
    rn = np.linalg.norm(r, axis=0)
    k = 5 * z**2 / rn**2
    # Vallado (2013) eq. 8-30: J2 perturbing acceleration.
    a_ref = -mu * r / rn**3 - 1.5 * j2 * mu * re**2 / rn**5 * np.array(
        [x * (1 - k), y * (1 - k), z * (3 - k)])
    # Both are double-precision evaluations of the same expression: 1e-14 relative.
    np.testing.assert_allclose(g.sh_acceleration(r.T, f).T, a_ref, rtol=1e-13, atol=1e-20)


def test_potential_matches_scipy_legendre_series():
    # Independent evaluation in spherical coordinates with scipy's (unnormalised,
    # Condon-Shortley) associated Legendre functions, degree 8, off the poles.
    f = grgm660prim_low_degree()
    r = _sphere_points(40, 1900.0, seed=3)
    rn = np.linalg.norm(r, axis=0)
    sphi, lam = r[2] / rn, np.arctan2(r[1], r[0])
    u = np.zeros_like(rn)
    for n in range(9):
        for m in range(n + 1):
            norm = np.sqrt((2 - (m == 0)) * (2 * n + 1)
                           * np.exp(gammaln(n - m + 1) - gammaln(n + m + 1)))
            pnm = (-1) ** m * lpmv(m, n, sphi) * norm
            u += (f.radius_km / rn) ** n * pnm * (f.c[n, m] * np.cos(m * lam)
                                                  + f.s[n, m] * np.sin(m * lam))
    u *= f.gm_km3s2 / rn
    np.testing.assert_allclose(g.sh_potential(r.T, f), u, rtol=1e-13)


@settings(max_examples=25, deadline=None)
@given(lat=st.floats(-1.5707963, 1.5707963), lon=st.floats(-np.pi, np.pi),
       alt=st.floats(20.0, 3000.0))
def test_acceleration_is_gradient_of_potential(gfc30, lat, lon, alt):
    r = (gfc30.radius_km + alt) * np.array([np.cos(lat) * np.cos(lon),
                                            np.cos(lat) * np.sin(lon), np.sin(lat)])
    a = g.sh_acceleration(r, gfc30)
    h = 1e-2 * (1 + alt / 1000)  # [km]; central-difference truncation ~ h^2 U'''/6
    grad = np.array([(g.sh_potential(r + h * e, gfc30) - g.sh_potential(r - h * e, gfc30))
                     / (2 * h) for e in np.eye(3)])
    # U ~ 2.8 km^2/s^2 at 100 km; cancellation error ~1e-16 U / h ~ 3e-14 km/s^2 against
    # |a| ~ 1.6e-3: so 1e-8 relative to |a| bounds both truncation and round-off.
    assert np.linalg.norm(a - grad) < 1e-8 * np.linalg.norm(a)


def test_poles_are_regular_and_continuous(gfc30):
    pole = np.array([0.0, 0.0, -1838.0])
    near = np.array([1e-6, 1e-6, -1838.0])
    a0, a1 = g.sh_acceleration(pole, gfc30), g.sh_acceleration(near, gfc30)
    assert np.all(np.isfinite(a0))
    # 1.4e-6 km off the axis: the field changes by ~|grad a| dx ~ (2 GM/r^3) dx
    # = 1.6e-6 s^-2 * 1.4e-6 km = 2.3e-12 km/s^2; a pole singularity would give NaN or O(1).
    assert np.linalg.norm(a0 - a1) < 5e-12


def test_degree_zero_is_point_mass_and_shapes(gfc30):
    r = _sphere_points(7, 2000.0)
    a = g.sh_acceleration(r.T, gfc30, degree=0).T
    rn = np.linalg.norm(r, axis=0)
    np.testing.assert_allclose(a, -gfc30.gm_km3s2 * r / rn**3, rtol=1e-14)
    assert g.sh_acceleration(r[:, 0], gfc30).shape == (3,)
    assert np.ndim(g.sh_potential(r[:, 0], gfc30)) == 0
    # Chunking over points gives the same answer as one-at-a-time evaluation.
    many = g.sh_acceleration(r.T, gfc30).T
    one = np.stack([g.sh_acceleration(r[:, k], gfc30) for k in range(7)], axis=1)
    np.testing.assert_allclose(many, one, rtol=1e-14)


def test_bad_input_raises_clear_valueerror(gfc30):
    with pytest.raises(ValueError, match="r_km"):
        g.sh_acceleration(np.ones((2, 4)), gfc30)
    with pytest.raises(ValueError, match="r_km"):
        g.sh_acceleration(np.zeros(3), gfc30)
    with pytest.raises(ValueError, match="r_km"):
        g.sh_acceleration(np.array([np.nan, 0, 1]), gfc30)
    with pytest.raises(ValueError, match="degree"):
        g.sh_acceleration(np.array([0, 0, 2000.0]), gfc30, degree=31)
    with pytest.raises(ValueError, match="order"):
        g.truncate(gfc30, 10, 11)
    with pytest.raises(ValueError, match="radius_km"):
        g.make_field("x", 1.0, -1.0, np.eye(1), np.zeros((1, 1)))


@pytest.mark.slow
def test_degree_150_gradient_and_many_points():
    need(GFC)
    f = gf.read_icgem(GFC)
    r = _sphere_points(3000, 1788.0, seed=5)
    a = g.sh_acceleration(r.T, f).T
    assert a.shape == (3, 3000) and np.all(np.isfinite(a))
    # The harmonics at 50 km altitude perturb gravity by < 0.3 % of the central term.
    central = f.gm_km3s2 / 1788.0**2
    assert np.max(np.abs(np.linalg.norm(a, axis=0) / central - 1)) < 3e-3
    h = 1e-2
    p = r[:, :4]
    grad = np.stack([(g.sh_potential((p + h * e[:, None]).T, f)
                      - g.sh_potential((p - h * e[:, None]).T, f)) / (2 * h) for e in np.eye(3)])
    assert np.max(np.linalg.norm(a[:, :4] - grad, axis=0)) < 1e-8 * central
