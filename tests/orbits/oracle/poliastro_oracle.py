"""Answer two-body test cases with poliastro 0.17.0 (run in a Python 3.10 venv).

Usage: python poliastro_oracle.py INPUT.npz OUTPUT.npz

The input holds one block of arrays per category (keys prefixed ``coe_``,
``kep_``, ``lam_``, ``hoh_``, ``bie_``, ``int_``); every category present is
answered with poliastro and written to OUTPUT.npz with the same prefixes.
The lupex side compares in the main (3.11) interpreter.  Only poliastro's own
routines compute the answers, except the ``int_`` block, which exercises the
conversion helpers of ``poliastro_interop.py`` (next to this script) under
Python 3.10 / NumPy 1.x / astropy 5.
"""

import sys

import numpy as np
from astropy import units as u


def coe_block(d):
    from poliastro.core.elements import coe2rv, rv2coe

    k = float(d["coe_mu"])
    el = [d["coe_" + n] for n in ("p", "ecc", "inc", "raan", "argp", "nu")]
    rr, vv = [], []
    for row in zip(*el):
        r, v = coe2rv(k, *[float(x) for x in row])
        rr.append(r)
        vv.append(v)
    back = [rv2coe(k, r, v) for r, v in zip(d["coe_r"], d["coe_v"])]
    out = {"coe_r": np.array(rr), "coe_v": np.array(vv)}
    for i, n in enumerate(("p", "ecc", "inc", "raan", "argp", "nu")):
        out["coe_back_" + n] = np.array([b[i] for b in back])
    return out


def kep_block(d):
    from poliastro.core.propagation import farnocchia, vallado

    k = float(d["kep_mu"])
    rf, vf, rv_, vv_ = [], [], [], []
    for r0, v0, t in zip(d["kep_r0"], d["kep_v0"], d["kep_tof"]):
        r, v = farnocchia(k, r0, v0, float(t))
        rf.append(r)
        vf.append(v)
        try:
            f, g, fdot, gdot = vallado(k, r0, v0, float(t), 350)
        except RuntimeError:  # "Maximum number of iterations reached"
            f = g = fdot = gdot = np.nan
        rv_.append(f * r0 + g * v0)
        vv_.append(fdot * r0 + gdot * v0)
    return {"kep_r_farnocchia": np.array(rf), "kep_v_farnocchia": np.array(vf),
            "kep_r_vallado": np.array(rv_), "kep_v_vallado": np.array(vv_)}


def lam_block(d):
    from poliastro.core.iod import izzo

    k = float(d["lam_mu"])
    n = len(d["lam_tof"])
    v1 = np.full((n, 2, 3), np.nan)
    v2 = np.full((n, 2, 3), np.nan)
    for i in range(n):
        args = (k, d["lam_r1"][i], d["lam_r2"][i], float(d["lam_tof"][i]),
                int(d["lam_revs"][i]), bool(d["lam_prograde"][i]))
        for j, lowpath in enumerate((False, True)):
            try:
                a, b = izzo(*args, lowpath, 35, 1e-10)
            except (ValueError, AssertionError):
                continue
            v1[i, j] = a
            v2[i, j] = b
    return {"lam_v1": v1, "lam_v2": v2}


def transfer_block(d):
    from poliastro.bodies import Body
    from poliastro.maneuver import Maneuver
    from poliastro.twobody import Orbit

    out = {}
    if "hoh_r1" in d:
        body = Body(None, float(d["hoh_mu"]) * u.km**3 / u.s**2, "oracle body")
        cost, time = [], []
        for r1, r2 in zip(d["hoh_r1"], d["hoh_r2"]):
            m = Maneuver.hohmann(Orbit.circular(body, float(r1) * u.km), float(r2) * u.km)
            cost.append(m.get_total_cost().to_value(u.km / u.s))
            time.append(m.get_total_time().to_value(u.s))
        out["hoh_dv"] = np.array(cost)
        out["hoh_tof"] = np.array(time)
    if "bie_r1" in d:
        body = Body(None, float(d["bie_mu"]) * u.km**3 / u.s**2, "oracle body")
        cost, time = [], []
        for r1, rb, r2 in zip(d["bie_r1"], d["bie_rb"], d["bie_r2"]):
            m = Maneuver.bielliptic(
                Orbit.circular(body, float(r1) * u.km), float(rb) * u.km, float(r2) * u.km
            )
            cost.append(m.get_total_cost().to_value(u.km / u.s))
            time.append(m.get_total_time().to_value(u.s))
        out["bie_dv"] = np.array(cost)
        out["bie_tof"] = np.array(time)
    return out


def interop_block(d):
    from astropy.time import Time
    from poliastro_interop import from_poliastro, to_poliastro  # this script's directory

    mu = float(d["int_mu"])
    epoch = Time("2027-03-01T00:00:00", scale="tdb")
    r_back, v_back, mu_back, r_prop = [], [], [], []
    for r, v, t in zip(d["int_r"], d["int_v"], d["int_tof"]):
        orb = to_poliastro(r, v, mu, epoch)
        rb, vb, mb, ep = from_poliastro(orb)
        assert abs((ep - epoch).to_value(u.s)) < 1e-6
        r_back.append(rb)
        v_back.append(vb)
        mu_back.append(mb)
        r_prop.append(from_poliastro(orb.propagate(float(t) * u.s))[0])
    return {"int_r_back": np.array(r_back), "int_v_back": np.array(v_back),
            "int_mu_back": np.array(mu_back), "int_r_prop": np.array(r_prop)}


def main(argv):
    d = dict(np.load(argv[1]))
    out = {}
    if "coe_p" in d:
        out.update(coe_block(d))
    if "kep_r0" in d:
        out.update(kep_block(d))
    if "lam_r1" in d:
        out.update(lam_block(d))
    out.update(transfer_block(d))
    if "int_r" in d:
        out.update(interop_block(d))
    np.savez(argv[2], **out)


if __name__ == "__main__":
    main(sys.argv)
