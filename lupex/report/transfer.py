"""Presentation of the orbital results: the Earth-Moon transfer, Cowell trajectories and the
two-body lunar-orbit plan, as summary figures, Markdown and matplotlib figures.

Wired to the stage 'transfer' (:mod:`lupex.stages.transfer`); the lunar-orbit plot is also
drawn by the stage 'budget'. The physics lives in :mod:`lupex.orbits`.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from lupex import ephemeris as eph
from lupex.constants import R_EARTH_KM, R_MOON_KM
from lupex.orbits.cowell import Trajectory
from lupex.orbits.lunar_orbit import LunarOrbitPlan
from lupex.orbits.transfer import TransferResult, earth_moon_rotating_km
from lupex.report.quantity import quantity
from lupex.timescale import utc_iso

DAY_S = 86400.0


# --- the transfer stage ----------------------------------------------------------------

def transfer_summary(res: TransferResult) -> dict:
    """Reported figures of a targeted transfer, each ``{"value", "unit"}`` (JSON-ready)."""
    return {
        "tli_epoch_jd_tdb": quantity(res.epoch_tli_jd_tdb, "JD_TDB"),
        "tli_delta_v": quantity(res.dv_tli_mag_kms, "km/s"),
        "tli_delta_v_vector_icrf": quantity(res.dv_tli_kms, "km/s"),
        "c3": quantity(res.c3_km2s2, "km^2/s^2"),
        "time_of_flight": quantity(res.tof_s / DAY_S, "d"),
        "periselene_altitude": quantity(res.periselene_alt_km, "km"),
        "periselene_inclination_me": quantity(res.periselene_inclination_deg, "deg"),
        "periselene_latitude_me": quantity(res.periselene_latitude_deg, "deg"),
        "periselene_speed": quantity(res.v_periselene_kms, "km/s"),
        "loi_delta_v": quantity(res.dv_loi_kms, "km/s"),
        "converged": quantity(res.success, "1"),
        "lift_off_jd_tdb": quantity(res.lift_off_jd_tdb, "JD_TDB"),
        "lift_off_utc": utc_iso(res.lift_off_jd_tdb) if np.isfinite(res.lift_off_jd_tdb) else "",
        "launch_azimuth": quantity(res.launch_azimuth_deg, "deg"),
        "parking_inclination_of_date": quantity(res.parking_inclination_deg, "deg"),
        "parking_node_from_greenwich_at_lift_off": quantity(res.parking_raan_deg, "deg"),
        "lift_off_to_tli": quantity(res.coast_s, "s"),
        "propagations": quantity(res.n_propagations, "1"),
        "plane_from": ("the H3 ascent flown to it" if res.parking_calibration is not None
                       else "the closed form"),
    }


def transfer_report(res: TransferResult) -> str:
    """Markdown section of a targeted transfer."""
    return "\n".join([
        "| quantity | value |", "|---|---|",
        f"| TLI Δv from the parking orbit | {res.dv_tli_mag_kms * 1e3:.0f} m/s |",
        f"| C3 | {res.c3_km2s2:.3f} km²/s² |",
        f"| time of flight | {res.tof_s / DAY_S:.2f} days |",
        (f"| periselene altitude / inclination (ME) | {res.periselene_alt_km:.1f} km / "
         f"{res.periselene_inclination_deg:.2f}° |"),
        f"| LOI Δv into the circular orbit | {res.dv_loi_kms * 1e3:.0f} m/s |",
        (f"| lift-off (UTC) | {utc_iso(res.lift_off_jd_tdb)[:19]} |"
         if np.isfinite(res.lift_off_jd_tdb) else "| lift-off (UTC) | not solved |"),
        (f"| launch azimuth / parking inclination (equator of date) | "
         f"{res.launch_azimuth_deg:.2f}° / {res.parking_inclination_deg:.3f}° |"),
        f"| lift-off to TLI (ascent + parking coast) | {res.coast_s / 60.0:.1f} min |",
        "",
        ("The parking plane is one a Tanegashima launch gives: it passes over the pad at "
         "lift-off, node set by the Earth's rotation"
         + (", as reached by the H3 ascent model flown to it" if res.parking_calibration
            is not None else " (closed form)")
         + ". Lift-off time, coast and the tangential TLI are targeted by shooting "
         f"({res.n_propagations} propagations) through DE421 point masses and Earth J2; the "
         "Moon is a point mass on the way."),
    ])


def transfer_figures(res: TransferResult) -> dict:
    """The transfer stage's figures, by file stem."""
    return {"transfer": plot_transfer(res), "transfer_rotating": plot_transfer_rotating(res),
            "transfer_3d": plot_transfer_3d(res)}


def _dense(res: TransferResult, n: int = 600):
    """The transfer arc on ``n`` even times: t [s], jd, Earth-centred ICRF r [km], Moon r."""
    tr = res.trajectory
    t = np.linspace(tr.t_s[0], tr.t_s[-1], n)
    r, _ = tr.state_at(t)
    jd = tr.epoch_jd_tdb + t / DAY_S
    rm, _ = eph.barycentric_state("moon", jd)
    re, _ = eph.barycentric_state("earth", jd)
    return t, jd, r, rm - re


def plot_transfer_rotating(res: TransferResult) -> Figure:
    """The transfer in the Earth-Moon rotating frame (x to the Moon, z along the Moon's
    orbital angular momentum): x-y and x-z, TLI and arrival marked."""
    _, jd, r, moon = _dense(res)
    rot = earth_moon_rotating_km(r, jd) / 1e3
    d_moon = np.linalg.norm(moon, axis=-1) / 1e3
    fig = Figure(figsize=(11, 5), layout="constrained")
    ax1, ax2 = fig.subplots(1, 2)
    for ax, k, lab in ((ax1, 1, "y"), (ax2, 2, "z")):
        ax.plot(rot[:, 0], rot[:, k], lw=1, label="spacecraft")
        ax.plot(0, 0, "bo", ms=5, label="Earth")
        ax.plot(d_moon, np.zeros_like(d_moon), color="0.5", lw=3, label="Moon (its distance)")
        ax.plot(rot[0, 0], rot[0, k], "g^", ms=8, label="TLI")
        ax.plot(rot[-1, 0], rot[-1, k], "r*", ms=10, label="arrival (periselene)")
        ax.set_aspect("equal", adjustable="datalim")
        ax.set_xlabel("x to the Moon [1000 km]")
        ax.set_ylabel(f"{lab} [1000 km]")
    ax1.set_title(f"Earth-Moon rotating frame, x-y: TOF {res.tof_s / DAY_S:.2f} d")
    ax2.set_title("x-z (z along the Moon's orbital angular momentum)")
    ax1.legend(fontsize=8)
    return fig


def plot_transfer_3d(res: TransferResult) -> Figure:
    """The transfer in 3D, Earth-centred ICRF, with the Moon's path; TLI and arrival marked."""
    _, _, r, moon = _dense(res)
    fig = Figure(figsize=(7, 6), layout="constrained")
    ax = fig.add_subplot(projection="3d")
    r, moon = r / 1e3, moon / 1e3
    ax.plot(r[:, 0], r[:, 1], r[:, 2], lw=1, label="spacecraft")
    ax.plot(moon[:, 0], moon[:, 1], moon[:, 2], "--", color="0.5", lw=1, label="Moon (DE421)")
    ax.scatter([0], [0], [0], color="b", s=20, label="Earth")
    ax.scatter(*r[0], color="g", marker="^", s=40, label="TLI")
    ax.scatter(*r[-1], color="r", marker="*", s=60, label="arrival (periselene)")
    lim = np.abs(np.concatenate([r, moon])).max()
    ax.set_xlim(-lim, lim)
    ax.set_ylim(-lim, lim)
    ax.set_zlim(-lim, lim)
    ax.set_xlabel("x [1000 km]")
    ax.set_ylabel("y [1000 km]")
    ax.set_zlabel("z [1000 km]")
    ax.set_title(f"Earth-centred ICRF, 3D: C3 {res.c3_km2s2:.2f} km²/s²")
    ax.legend(fontsize=8)
    return fig


def plot_transfer(res: TransferResult) -> Figure:
    """The transfer in Earth-centred ICRF (with the Moon's path) and its last day in
    Moon-centred ICRF (y-z plane)."""
    tr = res.trajectory
    rm, _ = eph.barycentric_state("moon", tr.jd_tdb)
    re, _ = eph.barycentric_state("earth", tr.jd_tdb)
    moon = rm - re
    r = tr.r_km
    rel = r - moon
    fig = Figure(figsize=(11, 5), layout="constrained")
    ax1, ax2 = fig.subplots(1, 2)
    th = np.linspace(0, 2 * np.pi, 100)
    ax1.plot(r[:, 0] / 1e3, r[:, 1] / 1e3, lw=1, label="spacecraft")
    ax1.plot(moon[:, 0] / 1e3, moon[:, 1] / 1e3, "--", lw=1, color="0.5", label="Moon (DE421)")
    ax1.plot(0, 0, "bo", ms=5, label="Earth")
    ax1.set_aspect("equal")
    ax1.set_xlabel("x [1000 km]")
    ax1.set_ylabel("y [1000 km]")
    ax1.set_title(f"Earth-centred ICRF: TOF {res.tof_s / DAY_S:.2f} d, C3 {res.c3_km2s2:.2f} km²/s²")
    ax1.legend(fontsize=8)
    last = tr.t_s > tr.t_s[-1] - DAY_S
    ax2.fill(R_MOON_KM * np.cos(th), R_MOON_KM * np.sin(th), color="0.8")
    ax2.plot(rel[last, 1], rel[last, 2], lw=1)
    ax2.plot(rel[-1, 1], rel[-1, 2], "r*", ms=8, label="periselene")
    ax2.set_aspect("equal")
    ax2.set_xlabel("y [km]")
    ax2.set_ylabel("z [km]")
    ax2.set_title(f"Moon-centred ICRF (y-z), last day: h_p {res.periselene_alt_km:.1f} km, "
                  f"i {res.periselene_inclination_deg:.1f}°")
    ax2.legend(fontsize=8)
    return fig


# --- Cowell trajectories -----------------------------------------------------------------

def trajectory_summary(traj: Trajectory) -> dict:
    """Reported figures of a propagated arc, each ``{"value", "unit"}`` (JSON-ready)."""
    rn = np.linalg.norm(traj.r_km, axis=-1)
    out = {
        "central_body": traj.central,
        "epoch_jd_tdb": quantity(traj.epoch_jd_tdb, "JD_TDB"),
        "duration": quantity(traj.t_s[-1] - traj.t_s[0], "s"),
        "min_radius": quantity(rn.min(), "km"),
        "max_radius": quantity(rn.max(), "km"),
        "final_position": quantity(traj.r_km[-1], "km"),
        "final_velocity": quantity(traj.v_kms[-1], "km/s"),
        "function_evaluations": quantity(traj.nfev, "1"),
    }
    for name, t in traj.event_t_s.items():
        out[f"event_{name}_times"] = quantity(np.asarray(t, dtype=float), "s")
    return out


def plot_trajectory(traj: Trajectory, body_radius_km: float | None = None) -> Figure:
    """A propagated arc projected on the ICRF x-y and x-z planes, and its altitude against time.

    Parameters
    ----------
    traj : lupex.orbits.Trajectory
    body_radius_km : float, optional
        Radius of the central body's disc and altitude reference [km]; default the Moon's
        or the Earth's reference radius.
    """
    if body_radius_km is None:
        body_radius_km = R_MOON_KM if traj.central == "moon" else R_EARTH_KM
    r = traj.r_km
    fig = Figure(figsize=(12, 4), layout="constrained")
    axes = fig.subplots(1, 3)
    theta = np.linspace(0, 2 * np.pi, 200)
    for ax, (i, j, lab) in zip(axes[:2], [(0, 1, "x-y"), (0, 2, "x-z")]):
        ax.fill(body_radius_km * np.cos(theta), body_radius_km * np.sin(theta), color="0.8")
        ax.plot(r[:, i], r[:, j], lw=0.8)
        ax.plot(r[0, i], r[0, j], "go", ms=4, label="start")
        ax.set_aspect("equal")
        ax.set_xlabel(f"{'xyz'[i]} [km]")
        ax.set_ylabel(f"{'xyz'[j]} [km]")
        ax.set_title(f"{traj.central}-centred ICRF, {lab}")
        ax.legend(loc="upper right", fontsize=8)
    rn = np.linalg.norm(r, axis=-1)
    axes[2].plot(traj.t_s / 3600.0, rn - body_radius_km)
    axes[2].set_xlabel("time since epoch [h]")
    axes[2].set_ylabel(f"altitude above {body_radius_km:g} km sphere [km]")
    axes[2].set_title("altitude")
    return fig


# --- the two-body lunar-orbit plan ---------------------------------------------------------

def lunar_orbit_summary(plan: LunarOrbitPlan) -> dict:
    """Every reported figure of a :class:`~lupex.orbits.LunarOrbitPlan` (JSON-ready)."""
    return {
        "parking_alt": quantity(plan.parking_alt_km, "km"),
        "inclination": quantity(plan.inc_deg, "deg"),
        "raan": quantity(plan.raan_deg, "deg"),
        "v_infinity": quantity(plan.v_inf_kms, "km/s"),
        "parking_period": quantity(plan.period_s / 60.0, "min"),
        "circular_speed": quantity(plan.circular_speed_kms, "km/s"),
        "loi_dv": quantity(plan.loi_dv_kms * 1000.0, "m/s"),
        "doi_dv": quantity(plan.doi_dv_kms * 1000.0, "m/s"),
        "total_dv": quantity((plan.loi_dv_kms + plan.doi_dv_kms) * 1000.0, "m/s"),
        "perilune_alt": quantity(plan.perilune_alt_km, "km"),
        "doi_to_perilune": quantity(plan.doi_to_perilune_s / 60.0, "min"),
        "descent_orbit_period": quantity(plan.descent_orbit_period_s / 60.0, "min"),
        "perilune_speed": quantity(plan.perilune_speed_kms, "km/s"),
        "perilune_latitude": quantity(plan.perilune_lat_deg, "deg"),
        "propagated_arc": quantity(plan.t_s[-1] / 3600.0, "h"),
        "max_energy_drift": quantity(plan.max_energy_drift_rel, "1"),
    }


def plot_lunar_orbit(plan: LunarOrbitPlan) -> Figure:
    """Parking and descent orbits of a :class:`~lupex.orbits.LunarOrbitPlan`.

    Left: both orbits drawn in their own plane (x along the ascending node, y along the
    orbit's normal cross x) with the Moon's disc and the south pole direction. Right:
    altitude above the mean sphere during the DOI-to-perilune coast.
    """
    fig = Figure(figsize=(10, 4.6), layout="constrained")
    ax, ax2 = fig.subplots(1, 2, width_ratios=[1, 1.3])
    r = plan.r_km
    h = np.cross(r[0], plan.v_kms[0])
    p_hat = r[0] / np.linalg.norm(r[0])
    q_hat = np.cross(h / np.linalg.norm(h), p_hat)
    ang = np.linspace(0, 2 * np.pi, 361)
    rb = plan.body_radius_km
    ax.fill(rb * np.cos(ang), rb * np.sin(ang), color="0.8", label=f"Moon (R = {rb:g} km)")
    ax.plot(r @ p_hat, r @ q_hat, color="tab:blue",
            label=f"parking {plan.parking_alt_km:g} km, i = {plan.inc_deg:g} deg")
    rd = plan.descent_r_km
    ax.plot(rd @ p_hat, rd @ q_hat, color="tab:red", ls="--",
            label=f"descent orbit to {plan.perilune_alt_km:g} km perilune")
    ax.plot([rd[0] @ p_hat], [rd[0] @ q_hat], "o", color="tab:red", label="DOI burn")
    south = np.array([0.0, 0.0, -1.0])
    sp = np.array([south @ p_hat, south @ q_hat])
    if np.linalg.norm(sp) > 1e-6:
        sp = sp / np.linalg.norm(sp) * rb
        ax.plot([sp[0]], [sp[1]], "k^", label="south pole (projected)")
    ax.set_aspect("equal")
    ax.set_xlabel("along ascending node [km]")
    ax.set_ylabel("in-plane normal [km]")
    ax.set_title("Orbits in the orbital plane")
    ax.legend(fontsize=7, loc="center", framealpha=0.9)  # inside the disc, clear of the orbits
    ax2.plot(plan.descent_t_s / 60.0, plan.descent_alt_km, color="tab:red")
    ax2.axhline(plan.perilune_alt_km, color="0.5", lw=0.8, ls=":")
    ax2.set_xlabel("time since DOI [min]")
    ax2.set_ylabel("altitude above mean sphere [km]")
    ax2.set_title(f"DOI {plan.doi_dv_kms * 1e3:.1f} m/s, coast "
                  f"{plan.doi_to_perilune_s / 60:.1f} min to perilune "
                  f"(LOI {plan.loi_dv_kms * 1e3:.0f} m/s)")
    ax2.grid(alpha=0.3)
    return fig
