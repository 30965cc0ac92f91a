"""Equations of motion of a point-mass launch vehicle (3 degrees of freedom).

The ODE state ``y = [x, y, z, vx, vy, vz, m]`` (km, km/s, kg; a flat 7-vector, the one
place launch does not use the ``(..., 3)`` layout) lives in the inertial frame ``I`` of
:mod:`lupex.launch.earth`.  Written on plain floats (``math``): ``solve_ivp`` calls the
right-hand side once per step with a 7-vector, where NumPy's per-call overhead would
dominate (``benchmarks/bench_launch.py``).
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from enum import IntEnum
from math import atan, atan2, cos, sin, sqrt

from lupex.constants import G0_MS2, GM_EARTH_WGS84_KM3S2, J2_EARTH, OMEGA_EARTH_RADS, R_EARTH_KM

from .aero import drag_coefficient_scalar
from .atmosphere import atmosphere_scalar
from .earth import WGS84_B_KM, WGS84_E2
from .vehicle import Vehicle

_EP2 = WGS84_E2 / (1.0 - WGS84_E2)
_K_J2 = 1.5 * J2_EARTH * R_EARTH_KM ** 2


class Mode(IntEnum):
    """Thrust-direction law of a flight segment."""
    VERTICAL = 0
    KICK = 1
    GRAVITY_TURN = 2
    COAST = 3
    LINEAR_TANGENT = 4
    PROGRADE = 5


#: Engine flags: which propulsion elements burn in a segment (bit mask).
BOOSTERS, CORE, UPPER = 1, 2, 4


@dataclass(frozen=True)
class Propulsion:
    """Plain-float propulsion constants of a vehicle, in SI units (N, kg/s, m^2, s)."""
    n_boosters: int
    booster_peak_n: float
    booster_tau: tuple
    booster_f: tuple
    booster_burn_s: float
    booster_isp_g0: float
    booster_exit_area_m2: float
    core_thrust_vac_n: float
    core_mdot: float
    core_exit_area_m2: float
    upper_thrust_n: float
    upper_mdot: float
    area_with_boosters_m2: float
    area_core_m2: float

    @classmethod
    def from_vehicle(cls, veh: Vehicle) -> Propulsion:
        """Propulsion constants of a loaded :class:`~lupex.launch.vehicle.Vehicle`."""
        b = veh.boosters
        if b is None or b.count == 0:
            nb, peak, tau, f, tb, ig, ae = 0, 0.0, (0.0, 1.0), (0.0, 0.0), 0.0, 1.0, 0.0
        else:
            nb, peak, tb = b.count, b.peak_thrust_vac_n, b.burn_time_s
            tau = tuple(p[0] for p in b.thrust_profile)
            f = tuple(p[1] for p in b.thrust_profile)
            ig, ae = b.isp_vac_s * G0_MS2, b.exit_area_m2
        return cls(nb, peak, tau, f, tb, ig, ae,
                   veh.core.thrust_vac_n, veh.core.mdot_kgs, veh.core.exit_area_m2,
                   veh.upper.thrust_vac_n, veh.upper.mdot_kgs,
                   veh.reference_area_m2(True), veh.reference_area_m2(False))

    def booster_vac_thrust_n(self, t_s: float) -> float:
        """Summed vacuum thrust [N] of all boosters at ``t_s`` [s] after ignition."""
        if self.n_boosters == 0 or t_s >= self.booster_burn_s or t_s < 0.0:
            return 0.0
        x = t_s / self.booster_burn_s
        tau, f = self.booster_tau, self.booster_f
        j = bisect_right(tau, x) - 1
        w = (x - tau[j]) / (tau[j + 1] - tau[j])
        return self.n_boosters * self.booster_peak_n * (f[j] + w * (f[j + 1] - f[j]))


def geodetic_scalar(rho_km: float, z_km: float):
    """Geodetic latitude and height from cylindrical coordinates (scalar Bowring, one step).

    Parameters
    ----------
    rho_km : float
        Distance from the spin axis [km].
    z_km : float
        Distance along the spin axis [km].

    Returns
    -------
    lat_rad, alt_km : float
        Geodetic latitude [rad] and height above WGS-84 [km].
    """
    a, b = R_EARTH_KM, WGS84_B_KM
    beta = atan2(a * z_km, b * rho_km)
    sb, cb = sin(beta), cos(beta)
    lat = atan2(z_km + _EP2 * b * sb ** 3, rho_km - WGS84_E2 * a * cb ** 3)
    sl, cl = sin(lat), cos(lat)
    n = a / sqrt(1.0 - WGS84_E2 * sl * sl)
    if abs(cl) > 0.1:
        return lat, rho_km / cl - n
    return lat, z_km / sl - n * (1.0 - WGS84_E2)


@dataclass(frozen=True)
class Segment:
    """Constant configuration of one flight segment.

    Attributes
    ----------
    mode : Mode
    engines : int
        Bit mask of :data:`BOOSTERS`, :data:`CORE`, :data:`UPPER`.
    area_m2 : float
        Drag reference area [m^2]; 0 switches drag off.
    azimuth_rad : float
        Launch azimuth for the kick (clockwise from north) [rad].
    kick_rad, t_kick0_s, kick_dur_s : float
        Pitch-over angle [rad], its start time and ramp duration [s].
    tan0, tan_rate, t_ref_s : float
        Linear-tangent law ``tan(chi) = tan0 - tan_rate (t - t_ref)`` with
        ``chi`` the thrust elevation above the local horizontal.
    """
    mode: Mode
    engines: int
    area_m2: float
    azimuth_rad: float = 0.0
    kick_rad: float = 0.0
    t_kick0_s: float = 0.0
    kick_dur_s: float = 1.0
    tan0: float = 0.0
    tan_rate: float = 0.0
    t_ref_s: float = 0.0


def make_rhs(prop: Propulsion, seg: Segment):
    """Right-hand side ``f(t, y)`` of the equations of motion for one segment.

    Parameters
    ----------
    prop : Propulsion
        The vehicle's propulsion constants.
    seg : Segment
        Engines burning, drag area and thrust-direction law of the segment.

    Returns
    -------
    callable
        ``f(t [s], y) -> dy/dt`` on the 7-element state (km, km/s, kg), for ``solve_ivp``.

    Notes
    -----
    Forces: J2 gravity, thrust with nozzle back-pressure loss, and drag on the airspeed
    ``v - omega x r`` (the atmosphere co-rotates with the Earth)::

        dr/dt = v
        dv/dt = g_J2(r) + (F / m) u - (1/2 rho |v_rel| Cd(M) A / m) v_rel
        dm/dt = -mdot

    Thrust direction ``u`` (:class:`Mode`): vertical rise along the geodetic normal;
    pitch-over kick, a linear ramp of the thrust away from vertical towards the launch
    azimuth; gravity turn, along the airspeed (zero angle of attack); coast;
    linear-tangent steering in the instantaneous orbit plane; prograde, along the
    inertial velocity.
    """
    w_e = OMEGA_EARTH_RADS
    mode, eng, area = seg.mode, seg.engines, seg.area_m2
    sa, ca = sin(seg.azimuth_rad), cos(seg.azimuth_rad)

    def rhs(t, s):
        x, y, z, vx, vy, vz, m = s
        r2 = x * x + y * y + z * z
        r = sqrt(r2)
        k = _K_J2 / r2
        zz = z * z / r2
        base = -GM_EARTH_WGS84_KM3S2 / (r2 * r)
        fxy = base * (1.0 + k * (1.0 - 5.0 * zz))
        ax, ay, az = fxy * x, fxy * y, base * (1.0 + k * (3.0 - 5.0 * zz)) * z
        rho_xy = sqrt(x * x + y * y)
        lat, alt = geodetic_scalar(rho_xy, z)
        if alt < 300.0:
            dens, p, a_snd = atmosphere_scalar(alt)
        else:   # drag and back-pressure below 1e-6 of their sea-level effect: skip
            dens, p, a_snd = 0.0, 0.0, 300.0
        vrx, vry, vrz = vx + w_e * y, vy - w_e * x, vz
        vr = sqrt(vrx * vrx + vry * vry + vrz * vrz)

        thrust, mdot = 0.0, 0.0
        if eng & BOOSTERS:
            fvac = prop.booster_vac_thrust_n(t)
            if fvac > 0.0:
                thrust += max(fvac - prop.booster_exit_area_m2 * p, 0.0)
                mdot += fvac / prop.booster_isp_g0
        if eng & CORE:
            thrust += prop.core_thrust_vac_n - prop.core_exit_area_m2 * p
            mdot += prop.core_mdot
        if eng & UPPER:
            thrust += prop.upper_thrust_n
            mdot += prop.upper_mdot

        if thrust > 0.0:
            if mode == Mode.GRAVITY_TURN and vr > 1e-3:
                ux, uy, uz = vrx / vr, vry / vr, vrz / vr
            elif mode == Mode.LINEAR_TANGENT:
                rx, ry, rz = x / r, y / r, z / r
                hx, hy, hz = y * vz - z * vy, z * vx - x * vz, x * vy - y * vx
                # in-plane horizontal: (r x v) x r, normalised
                dx, dy, dz = hy * rz - hz * ry, hz * rx - hx * rz, hx * ry - hy * rx
                dn = sqrt(dx * dx + dy * dy + dz * dz)
                chi = atan(seg.tan0 - seg.tan_rate * (t - seg.t_ref_s))
                c, sc = cos(chi), sin(chi)
                ux, uy, uz = c * dx / dn + sc * rx, c * dy / dn + sc * ry, c * dz / dn + sc * rz
            elif mode == Mode.PROGRADE:
                v = sqrt(vx * vx + vy * vy + vz * vz)
                ux, uy, uz = vx / v, vy / v, vz / v
            else:  # vertical, kick (and gravity turn before any airspeed)
                lon = atan2(y, x)
                sl, cl, so, co = sin(lat), cos(lat), sin(lon), cos(lon)
                upx, upy, upz = cl * co, cl * so, sl
                if mode == Mode.KICK:
                    d = seg.kick_rad * min(1.0, max(0.0, (t - seg.t_kick0_s) / seg.kick_dur_s))
                    hx = ca * (-sl * co) + sa * (-so)
                    hy = ca * (-sl * so) + sa * co
                    hz = ca * cl
                    cd_, sd_ = cos(d), sin(d)
                    ux, uy, uz = cd_ * upx + sd_ * hx, cd_ * upy + sd_ * hy, cd_ * upz + sd_ * hz
                else:
                    ux, uy, uz = upx, upy, upz
            f_acc = thrust / m / 1000.0          # km/s^2
            ax += f_acc * ux
            ay += f_acc * uy
            az += f_acc * uz

        if area > 0.0 and dens > 0.0 and vr > 0.0:
            vr_ms = vr * 1000.0
            cd = drag_coefficient_scalar(vr_ms / a_snd)
            d_acc = 0.5 * dens * vr_ms * vr_ms * cd * area / m / 1000.0   # km/s^2
            ax -= d_acc * vrx / vr
            ay -= d_acc * vry / vr
            az -= d_acc * vrz / vr
        return [vx, vy, vz, ax, ay, az, -mdot]

    return rhs


def altitude_km(s) -> float:
    """Height above WGS-84 [km] of an ODE state ``s`` (km, km/s, kg)."""
    return geodetic_scalar(sqrt(s[0] * s[0] + s[1] * s[1]), s[2])[1]


def airspeed_kms(s) -> float:
    """Speed relative to the co-rotating atmosphere [km/s] of an ODE state ``s``."""
    w = OMEGA_EARTH_RADS
    return sqrt((s[3] + w * s[1]) ** 2 + (s[4] - w * s[0]) ** 2 + s[5] ** 2)


def specific_energy(s) -> float:
    """Two-body specific orbital energy ``v^2/2 - mu/r`` [km^2/s^2] of an ODE state ``s``."""
    r = sqrt(s[0] ** 2 + s[1] ** 2 + s[2] ** 2)
    return 0.5 * (s[3] ** 2 + s[4] ** 2 + s[5] ** 2) - GM_EARTH_WGS84_KM3S2 / r
