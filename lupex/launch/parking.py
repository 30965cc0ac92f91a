"""The parking orbit a Tanegashima launch gives: its plane from the lift-off time and the
launch azimuth, and where along it the vehicle is at any time after lift-off.

Geometry (Vallado 2013, sec. 6.4 "launch windows"; Curtis 2020, sec. 4.7): a launch
from a pad at geocentric latitude phi into inclination i leaves on a descending pass (the
south-eastward branch Tanegashima's range allows) at inertial azimuth
``sin(beta_I) = cos(i) / cos(phi)``, ``beta_I`` in (90, 180) deg; the pad then sits at
argument of latitude ``u_s = pi - asin(sin(phi) / sin(i))`` and the plane's ascending node
lies ``atan2(cos(i) sin(u_s), cos(u_s))`` west of the pad's right ascension. The pad's
right ascension grows with the Earth's rotation, so the lift-off time fixes the node.

Frames: GCRS (= the ICRF axes the transfer uses) and the "equator of date" frame ``Q``:
the ITRS axes frozen at a reference instant (z along the Earth's rotation axis). Inclination
and node here are to the equator of date, as the H3 ascent model measures them
(:mod:`lupex.launch.mission`). ``Q`` drifts from a true-of-date frame only by precession
and nutation over the hours between the reference and the lift-off (< 0.01 arcsec).

Along-track model: after insertion the vehicle moves on a circle of radius
``R_E + alt`` with the mean J2 rates (Vallado 2013, eqs. 9-41 and 9-42)::

    dOmega/dt = -3/2 n J2 (R_E/a)^2 cos i
    du/dt     =  n (1 + 3/4 J2 (R_E/a)^2 (4 - 5 sin^2 i) + 3/4 J2 (R_E/a)^2 (2 - 3 sin^2 i))
    u(t)      =  u_s + du/dt (t - lag)

where ``lag`` [s] is how long the climbing vehicle trails a point that had passed over the
pad at lift-off on that orbit; :data:`H3_ASCENT_LAG_S` is measured on the H3 model.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lupex.constants import GM_EARTH_WGS84_KM3S2, J2_EARTH, OMEGA_EARTH_RADS, R_EARTH_KM

from .earth import ecef_from_geodetic
from .site import ALLOWED_AZIMUTH_DEG, TANEGASHIMA_LP2, launch_azimuth_deg

__all__ = [
    "H3_ASCENT_LAG_S",
    "ParkingCalibration",
    "ParkingOrbit",
    "itrs_to_gcrs_matrix",
    "pad_gcrs_km",
    "pad_geocentric_latitude_deg",
    "parking_orbit",
    "solve_lift_off",
]

SECONDS_PER_DAY = 86_400.0

#: Effective lag of the H3-24L (6 t payload, 200 km parking orbit) behind the circular-orbit
#: point that passed over the pad at lift-off [s]: the time of the departure orbit's perigee
#: minus (its argument of perigee - the pad's argument of latitude) / (du/dt). It folds the
#: slow climb, the parking coast and the finite prograde TLI burn into one number, so that
#: the impulsive TLI of :func:`lupex.orbits.transfer.design_transfer` falls at the time and
#: place of the H3's departure perigee. Measured with
#: :func:`lupex.launch.handover.calibrate_parking` (h3-24l, 6000 kg, azimuth 99 deg,
#: inclination 31 deg, C3 -2.07): 257 s; tests/launch/test_handover.py checks it. Used only
#: without a calibration (the transfer stage calibrates on the H3 it will fly); the closed
#: form's node is then also ~0.6 deg off the flown one (the gravity turn in the rotating
#: atmosphere), which the calibration removes.
H3_ASCENT_LAG_S = 257.0


def itrs_to_gcrs_matrix(jd_tdb: float) -> np.ndarray:
    """Rotation taking Earth-fixed (ITRS) vectors to GCRS at one instant, (3, 3).

    Parameters
    ----------
    jd_tdb : float
        The instant, TDB Julian date.

    Returns
    -------
    numpy.ndarray, shape (3, 3)
        ``r_gcrs = M @ r_itrs`` (astropy ITRS -> GCRS, IAU 2006/2000A; beyond the bundled
        IERS table UT1 = UTC and mean polar motion, as in :mod:`lupex.launch.mission`).
    """
    import warnings

    import astropy.units as u
    from astropy.coordinates import GCRS, ITRS, CartesianRepresentation
    from astropy.time import Time
    from astropy.utils import iers

    t = Time(float(jd_tdb), format="jd", scale="tdb")
    eye = np.eye(3)
    with iers.conf.set_temp("auto_download", False), iers.conf.set_temp("auto_max_age", None), \
            iers.conf.set_temp("iers_degraded_accuracy", "ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        g = ITRS(CartesianRepresentation(eye * u.km), obstime=t).transform_to(GCRS(obstime=t))
    return np.asarray(g.cartesian.xyz.to_value(u.km), dtype=float)  # columns: images of x, y, z


def pad_gcrs_km(jd_tdb: float, site=TANEGASHIMA_LP2) -> np.ndarray:
    """The pad's position in GCRS [km], shape (3,).

    Parameters
    ----------
    jd_tdb : float
        The instant, TDB Julian date.
    site : tuple of float
        Geodetic latitude [deg], east longitude [deg], height [km].
    """
    lat, lon, h = site
    return itrs_to_gcrs_matrix(jd_tdb) @ ecef_from_geodetic(np.radians(lat), np.radians(lon), h)


def _rates(radius_km: float, inc_rad: float) -> tuple[float, float]:
    """Mean J2 node and argument-of-latitude rates of a circular orbit [rad/s]."""
    n = np.sqrt(GM_EARTH_WGS84_KM3S2 / radius_km**3)
    k = 0.75 * J2_EARTH * (R_EARTH_KM / radius_km) ** 2
    s2 = np.sin(inc_rad) ** 2
    return -2.0 * k * n * np.cos(inc_rad), n * (1.0 + k * (4.0 - 5.0 * s2) + k * (2.0 - 3.0 * s2))


def _rz(a: float) -> np.ndarray:
    c, s = np.cos(a), np.sin(a)
    return np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])


@dataclass(frozen=True)
class ParkingOrbit:
    """A circular parking orbit entered from the pad (see the module docstring).

    Attributes
    ----------
    lift_off_jd_tdb : float
        Lift-off, TDB Julian date.
    inclination_deg : float
        Inclination to the equator of date [deg].
    raan_of_date_deg : float
        Node at lift-off, measured in ``Q`` from the reference meridian's x axis [deg].
    radius_km : float
        Orbit radius [km].
    u_site_rad : float
        The pad's argument of latitude at lift-off [rad] (descending pass).
    launch_azimuth_deg : float
        Earth-relative launch azimuth [deg clockwise from north]
        (:func:`lupex.launch.site.launch_azimuth_deg`).
    inertial_azimuth_deg : float
        Inertial azimuth at the pad [deg].
    q_gcrs : numpy.ndarray, shape (3, 3)
        ``Q`` -> GCRS rotation.
    lag_s : float
        Ascent lag [s] (:data:`H3_ASCENT_LAG_S`).
    """

    lift_off_jd_tdb: float
    inclination_deg: float
    raan_of_date_deg: float
    radius_km: float
    u_site_rad: float
    launch_azimuth_deg: float
    inertial_azimuth_deg: float
    q_gcrs: np.ndarray
    lag_s: float

    @property
    def normal_gcrs(self) -> np.ndarray:
        """Unit orbit normal at lift-off in GCRS, (3,)."""
        i, o = np.radians(self.inclination_deg), np.radians(self.raan_of_date_deg)
        return self.q_gcrs @ np.array([np.sin(o) * np.sin(i), -np.cos(o) * np.sin(i), np.cos(i)])

    @property
    def raan_gcrs_deg(self) -> float:
        """Node of the plane on the GCRS equator at lift-off [deg]."""
        h = self.normal_gcrs
        return float(np.degrees(np.arctan2(h[0], -h[1])) % 360.0)

    @property
    def inclination_gcrs_deg(self) -> float:
        """Inclination to the GCRS equator at lift-off [deg]."""
        return float(np.degrees(np.arccos(np.clip(self.normal_gcrs[2], -1.0, 1.0))))

    def state_gcrs(self, t_s):
        """Position [km] and circular velocity [km/s] in GCRS, ``t_s`` after lift-off.

        Parameters
        ----------
        t_s : float or array_like
            Seconds after lift-off (after insertion for the result to mean anything).

        Returns
        -------
        r_km, v_kms : numpy.ndarray, shape (..., 3)
        """
        t = np.asarray(t_s, dtype=float)
        i = np.radians(self.inclination_deg)
        dnode, du = _rates(self.radius_km, i)
        o = np.radians(self.raan_of_date_deg) + dnode * t
        u = self.u_site_rad + du * (t - self.lag_s)
        co, so, ci, si = np.cos(o), np.sin(o), np.cos(i), np.sin(i)
        cu, su = np.cos(u), np.sin(u)
        p = np.stack([co * cu - so * ci * su, so * cu + co * ci * su, si * su], axis=-1)
        q = np.stack([-co * su - so * ci * cu, -so * su + co * ci * cu, si * cu], axis=-1)
        v = np.sqrt(GM_EARTH_WGS84_KM3S2 / self.radius_km)
        return self.radius_km * p @ self.q_gcrs.T, v * q @ self.q_gcrs.T

    def u_of_date_rad(self, t_s: float) -> float:
        """Argument of latitude at ``t_s`` after lift-off [rad], from the node of date.

        Parameters
        ----------
        t_s : float
            Seconds after lift-off.
        """
        return float(self.u_site_rad + _rates(self.radius_km, np.radians(self.inclination_deg))[1]
                     * (t_s - self.lag_s))


@dataclass(frozen=True)
class ParkingCalibration:
    """The parking orbit a flown ascent actually reached, in its launch frame (ITRS axes at
    lift-off), which is the same for every lift-off time (the ascent model's forces are
    symmetric about the Earth's axis), so one flight calibrates the plane for all of them.

    Attributes
    ----------
    azimuth_deg : float
        Launch azimuth flown [deg clockwise from north].
    inclination_deg : float
        Inclination reached (equator of date) [deg].
    node_offset_rad : float
        Pad east longitude minus the orbit's node at lift-off (launch frame) [rad].
    u0_rad : float
        Argument of latitude of the departure perigee extrapolated back to lift-off with the
        mean J2 rate: ``u(t) = u0 + du/dt t`` places an impulsive TLI at the time and
        place of the flown departure perigee [rad].
    n_flights : int
        Ascents flown to find it.
    kick_deg : float
        Pitch kick flown [deg].
    payload_kg : float
        Payload flown [kg].
    """

    azimuth_deg: float
    inclination_deg: float
    node_offset_rad: float
    u0_rad: float
    n_flights: int
    kick_deg: float = float("nan")
    payload_kg: float = float("nan")


def pad_geocentric_latitude_deg(site=TANEGASHIMA_LP2) -> float:
    """Geocentric latitude of the pad [deg], the lowest inclination a launch from it reaches.

    Parameters
    ----------
    site : tuple of float
        Pad geodetic latitude, east longitude [deg] and height [km].
    """
    return float(np.degrees(_site_geometry(site)[0]))


def _site_geometry(site):
    r = ecef_from_geodetic(np.radians(site[0]), np.radians(site[1]), site[2])
    return float(np.arctan2(r[2], np.hypot(r[0], r[1]))), float(np.arctan2(r[1], r[0]))


def _u_and_offset(lat_rad: float, inc_rad: float, descending: bool) -> tuple[float, float]:
    """Argument of latitude of a point at latitude ``lat_rad`` on a plane of inclination
    ``inc_rad``, and its right-ascension offset from the node [rad]."""
    u = np.arcsin(np.clip(np.sin(lat_rad) / np.sin(inc_rad), -1.0, 1.0))
    if descending:
        u = np.pi - u
    return float(u), float(np.arctan2(np.cos(inc_rad) * np.sin(u), np.cos(u)))


def _check_inclination(inclination_deg: float, site) -> None:
    lat_gc, _ = _site_geometry(site)
    lo = float(np.degrees(lat_gc))
    a_lo, a_hi = ALLOWED_AZIMUTH_DEG
    if not np.isfinite(inclination_deg) or not lo <= inclination_deg <= 180.0 - lo:
        raise ValueError(f"inclination_deg: must be within [{lo:.2f}, {180 - lo:.2f}] deg to be "
                         f"reachable from the pad; got {inclination_deg}")
    az = launch_azimuth_deg(inclination_deg, lo)
    if not a_lo <= az <= a_hi:
        raise ValueError(f"inclination_deg: {inclination_deg} needs launch azimuth {az:.1f} deg, "
                         f"outside the allowed [{a_lo}, {a_hi}] deg")


def parking_orbit(lift_off_jd_tdb: float, inclination_deg: float, parking_alt_km: float = 200.0,
                  *, lag_s: float = H3_ASCENT_LAG_S, site=TANEGASHIMA_LP2,
                  q_gcrs: np.ndarray | None = None, q_ref_jd_tdb: float | None = None,
                  calibration: ParkingCalibration | None = None) -> ParkingOrbit:
    """The parking orbit a descending-pass launch at ``lift_off_jd_tdb`` gives.

    Parameters
    ----------
    lift_off_jd_tdb : float
        Lift-off, TDB Julian date.
    inclination_deg : float
        Inclination to the equator of date [deg], at least the pad's geocentric latitude
        and within the azimuth range :data:`lupex.launch.site.ALLOWED_AZIMUTH_DEG`.
    parking_alt_km : float
        Altitude above the equatorial radius [km].
    lag_s : float
        Ascent lag [s].
    site : tuple of float
        Pad geodetic latitude, east longitude [deg] and height [km].
    q_gcrs, q_ref_jd_tdb : optional
        A frame ``Q`` (ITRS -> GCRS at ``q_ref_jd_tdb``) to reuse; default ``Q`` at lift-off.
    calibration : ParkingCalibration, optional
        The plane and phase a flown ascent reached; replaces the closed form (and
        ``inclination_deg``, ``lag_s``).

    Returns
    -------
    ParkingOrbit
    """
    if calibration is not None:
        inclination_deg = calibration.inclination_deg
    _check_inclination(inclination_deg, site)
    if q_gcrs is None:
        q_gcrs, q_ref_jd_tdb = itrs_to_gcrs_matrix(lift_off_jd_tdb), float(lift_off_jd_tdb)
    lat_gc, lon = _site_geometry(site)
    inc = np.radians(inclination_deg)
    u_s, off = _u_and_offset(lat_gc, inc, descending=True)
    ra_site = lon + OMEGA_EARTH_RADS * (lift_off_jd_tdb - q_ref_jd_tdb) * SECONDS_PER_DAY
    beta_i = np.pi - np.arcsin(np.clip(np.cos(inc) / np.cos(lat_gc), -1.0, 1.0))
    if calibration is not None:
        return ParkingOrbit(float(lift_off_jd_tdb), float(inclination_deg),
                            float(np.degrees(ra_site - calibration.node_offset_rad) % 360.0),
                            R_EARTH_KM + parking_alt_km, calibration.u0_rad,
                            calibration.azimuth_deg, float(np.degrees(beta_i)),
                            np.asarray(q_gcrs, dtype=float), 0.0)
    return ParkingOrbit(float(lift_off_jd_tdb), float(inclination_deg),
                        float(np.degrees(ra_site - off) % 360.0), R_EARTH_KM + parking_alt_km,
                        u_s, launch_azimuth_deg(inclination_deg, np.degrees(lat_gc), parking_alt_km),
                        float(np.degrees(beta_i)), np.asarray(q_gcrs, dtype=float), float(lag_s))


def solve_lift_off(aim_gcrs, near_jd_tdb: float, inclination_deg: float, *,
                   site=TANEGASHIMA_LP2, q_gcrs: np.ndarray | None = None,
                   q_ref_jd_tdb: float | None = None,
                   calibration: ParkingCalibration | None = None) -> float:
    """The descending-pass lift-off nearest ``near_jd_tdb`` whose parking plane (of the
    given inclination) contains the direction ``aim_gcrs``.

    Two planes of inclination i contain a direction of declination delta (|delta| <= i):
    the direction at argument of latitude ``asin(sin delta / sin i)`` or pi minus that;
    each passes over the pad on a descending pass once a sidereal day.

    Parameters
    ----------
    aim_gcrs : array_like, shape (3,)
        Direction the plane must contain (e.g. the Moon at arrival), GCRS.
    near_jd_tdb : float
        Lift-off wanted near this TDB Julian date.
    inclination_deg : float
        Plane inclination to the equator of date [deg].
    site : tuple of float
        Pad geodetic latitude, east longitude [deg] and height [km].
    q_gcrs, q_ref_jd_tdb : optional
        The frame ``Q`` (ITRS -> GCRS at ``q_ref_jd_tdb``); default at ``near_jd_tdb``.
    calibration : ParkingCalibration, optional
        A flown plane replacing the closed form (and ``inclination_deg``).

    Returns
    -------
    float
        Lift-off, TDB Julian date.

    Raises
    ------
    ValueError
        If no plane of that inclination contains ``aim_gcrs`` (|declination| > i).
    """
    if calibration is not None:
        inclination_deg = calibration.inclination_deg
    _check_inclination(inclination_deg, site)
    if q_gcrs is None:
        q_gcrs, q_ref_jd_tdb = itrs_to_gcrs_matrix(near_jd_tdb), float(near_jd_tdb)
    a = np.asarray(q_gcrs, dtype=float).T @ np.asarray(aim_gcrs, dtype=float)
    a = a / np.linalg.norm(a)
    dec, ra = float(np.arcsin(a[2])), float(np.arctan2(a[1], a[0]))
    inc = np.radians(inclination_deg)
    if abs(dec) > inc:
        raise ValueError(f"inclination_deg: {inclination_deg} deg is below the aim's "
                         f"declination {np.degrees(dec):.2f} deg; no such plane contains it")
    lat_gc, lon = _site_geometry(site)
    _, off_s = _u_and_offset(lat_gc, inc, descending=True)
    if calibration is not None:
        off_s = calibration.node_offset_rad
    sid = 2.0 * np.pi / OMEGA_EARTH_RADS / SECONDS_PER_DAY   # sidereal day [d]
    best = None
    for desc in (False, True):
        _, off_a = _u_and_offset(dec, inc, desc)
        node = ra - off_a
        # pad right ascension lon + omega (t - t_ref) = node + off_s
        dt = ((node + off_s - lon) % (2.0 * np.pi)) / OMEGA_EARTH_RADS / SECONDS_PER_DAY
        t = q_ref_jd_tdb + dt
        t += np.round((near_jd_tdb - t) / sid) * sid
        if best is None or abs(t - near_jd_tdb) < abs(best - near_jd_tdb):
            best = float(t)
    return best
