"""Figures of two-body results (matplotlib ``Figure`` objects, no pyplot state, no files)."""

import numpy as np
from matplotlib.figure import Figure


def plot_lunar_orbit(plan):
    """Parking and descent orbits of a :class:`~lupex.orbits.lunar_orbit.LunarOrbitPlan`.

    Left: both orbits drawn in their own plane (x along the ascending node,
    y along the orbit's normal cross x) with the Moon's disc and the south pole
    direction.  Right: altitude above the mean sphere during the DOI-to-perilune
    coast.

    Returns
    -------
    matplotlib.figure.Figure
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
