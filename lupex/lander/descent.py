"""A gravity-turn powered descent from the periselene of the descent orbit to the surface.

Planar motion over a spherical, non-rotating Moon in polar coordinates (r, theta):

    r'  = v_r                      theta' = v_t / r
    v_r' = v_t**2 / r - mu / r**2 + a_r
    v_t' = -v_r v_t / r + a_t      m' = -T / (Isp g0)

with the full thrust along -v/|v| (a gravity turn: thrust opposes velocity, the braking law
of the Surveyor, Chang'e and Chandrayaan landers to first order). The burn starts in
horizontal flight at the periselene of the descent orbit; the periselene altitude is the
unknown, chosen so that the vehicle comes to rest exactly at the surface (one monotonic root
find: a higher start leaves more room to brake). The Moon's rotation (4.6 m/s at the equator, ~0 near the pole) is
neglected. Reference for the formulation: Wertz, *Space Mission Engineering* (2011), ch. 10,
and Curtis, *Orbital Mechanics for Engineering Students*, sec. 11.6 (rocket equation).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.integrate import solve_ivp
from scipy.optimize import brentq

from lupex.constants import G0_KMS2, GM_MOON_KM3S2, R_MOON_KM
from lupex.orbits.maneuvers import vis_viva_speed


@dataclass(frozen=True)
class DescentResult:
    """A full-thrust gravity-turn descent from periselene to rest at the surface."""

    t_s: np.ndarray  # (n,) time since ignition
    alt_km: np.ndarray
    downrange_km: np.ndarray
    speed_kms: np.ndarray
    mass_kg: np.ndarray
    ignition_alt_km: float  # periselene altitude of the descent orbit
    ignition_speed_kms: float
    dv_kms: float  # Isp g0 ln(m0 / mf), the propellant-equivalent velocity change
    gravity_loss_kms: float  # dv minus the ignition speed
    propellant_kg: float
    duration_s: float


def _rhs(mu, thrust_kn, isp_s):
    mdot = thrust_kn / (isp_s * G0_KMS2)  # kg/s, with thrust in kN = kg km/s^2

    def f(t, y):
        r, _, vr, vt, m = y
        acc = thrust_kn / m / max(np.hypot(vr, vt), 1e-12)
        return [vr, vt / r, vt * vt / r - mu / (r * r) - acc * vr, -vr * vt / r - acc * vt, -mdot]

    return f


def _fly(y0, mu, thrust_kn, isp_s, r_surface):
    def ground(t, y):
        return y[0] - r_surface

    def stopped(t, y):
        return np.hypot(y[2], y[3]) - 1e-4  # at rest, to 0.1 m/s

    ground.terminal = stopped.terminal = True
    ground.direction = stopped.direction = -1
    return solve_ivp(_rhs(mu, thrust_kn, isp_s), (0.0, 3600.0), y0, method="DOP853",
                     rtol=1e-9, atol=1e-9, events=(ground, stopped))


def powered_descent(mass0_kg: float, thrust_n: float, isp_s: float, orbit_alt_km: float = 100.0,
                    mu_km3s2: float = GM_MOON_KM3S2, radius_km: float = R_MOON_KM) -> DescentResult:
    """Full-thrust gravity-turn descent from the periselene of a descent orbit whose aposelene
    is the circular orbit at ``orbit_alt_km``, to rest at the surface.

    Parameters
    ----------
    mass0_kg : float
        Lander mass at ignition [kg].
    thrust_n : float
        Engine thrust, held constant [N].
    isp_s : float
        Specific impulse [s].
    orbit_alt_km : float
        Altitude of the circular orbit the descent orbit starts from [km], 10-1000.
    mu_km3s2, radius_km : float
        The Moon's GM [km^3/s^2] and reference radius [km].

    Returns
    -------
    DescentResult
        Time histories (time [s], altitude [km], downrange [km], speed [km/s], mass [kg])
        and the ignition altitude [km] and speed [km/s], delta-v and gravity loss [km/s],
        propellant [kg] and duration [s].

    Raises
    ------
    ValueError
        If the engine cannot stop the lander from any periselene below the orbit (the message
        gives the thrust-to-weight ratio), or if an input is out of range.
    """
    if not 10.0 <= orbit_alt_km <= 1000.0:
        raise ValueError(f"orbit_alt_km: must be between 10 and 1000 km, got {orbit_alt_km}")
    thrust_kn = thrust_n * 1e-3  # kN = kg km/s^2
    r_apo = radius_km + orbit_alt_km

    def start(alt_km):
        r0 = radius_km + alt_km
        v0 = float(vis_viva_speed(mu_km3s2, r0, 0.5 * (r0 + r_apo)))
        return [r0, 0.0, 0.0, v0, mass0_kg]

    def miss(alt_km):
        sol = _fly(start(alt_km), mu_km3s2, thrust_kn, isp_s, radius_km)
        if sol.t_events[1].size:  # stopped in the air: how high [km]
            return sol.y_events[1][0][0] - radius_km
        return -np.hypot(sol.y[2, -1], sol.y[3, -1])  # hit the ground: minus the speed [km/s]

    hi = orbit_alt_km * 0.999
    if miss(hi) < 0.0:
        g_surface = mu_km3s2 / radius_km**2 * 1e3  # m/s^2
        raise ValueError(
            f"spacecraft.lander.thrust_n: {thrust_n:g} N cannot bring a {mass0_kg:.0f} kg lander "
            f"to rest from a {orbit_alt_km:g} km orbit (thrust/weight at the surface "
            f"{thrust_n / (mass0_kg * g_surface):.2f}); more thrust or a lighter lander is needed"
        )
    lo = 0.05
    if miss(lo) > 0.0:
        raise ValueError(
            f"spacecraft.lander.thrust_n: {thrust_n:g} N stops a {mass0_kg:.0f} kg lander within "
            "50 m of the surface at full thrust; a throttled descent is outside this model"
        )
    alt0 = brentq(miss, lo, hi, xtol=1e-7)
    sol = _fly(start(alt0), mu_km3s2, thrust_kn, isp_s, radius_km)
    r, th, vr, vt, m = sol.y
    v0 = start(alt0)[3]
    dv = isp_s * G0_KMS2 * np.log(mass0_kg / m[-1])
    return DescentResult(
        t_s=sol.t, alt_km=r - radius_km, downrange_km=radius_km * th, speed_kms=np.hypot(vr, vt),
        mass_kg=m, ignition_alt_km=float(alt0), ignition_speed_kms=v0, dv_kms=float(dv),
        gravity_loss_kms=float(dv - v0), propellant_kg=float(mass0_kg - m[-1]),
        duration_s=float(sol.t[-1]),
    )
