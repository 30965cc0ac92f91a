"""Launch-vehicle description (stages, engines, fairing, flight sequence) read from YAML.

Vehicle files ship as package data (``lupex/data/vehicles/<name>.yaml``, read with
:mod:`importlib.resources`); a scenario may also name its own file by path.
:func:`load_vehicle` validates one (pydantic) into a frozen :class:`Vehicle`.  Masses in
kg, thrust in kN *per engine* in the file and in N for the totals, times and Isp in s.
"""
from __future__ import annotations

from dataclasses import field
from importlib.resources import files
from pathlib import Path
from typing import Literal

import numpy as np
import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic.dataclasses import dataclass as pydantic_dataclass

from lupex.constants import G0_MS2, P0_PA

_CFG = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)  # inf/NaN: named errors
#: The vehicle files shipped with lupex: package data ``lupex/data/vehicles`` (a
#: :class:`importlib.resources.abc.Traversable`, so a non-editable install finds them).
VEHICLE_DIR = files("lupex") / "data" / "vehicles"


class BoosterSpec(BaseModel):
    model_config = _CFG
    """Strap-on solid boosters (all identical, ignited at lift-off)."""
    name: str
    count: int = Field(ge=0, le=8)
    gross_mass_kg: float = Field(gt=0)
    propellant_kg: float = Field(gt=0)
    isp_vac_s: float = Field(gt=100, lt=400)
    burn_time_s: float = Field(gt=10, lt=400)
    #: published peak vacuum thrust, used only as a consistency check [kN]
    thrust_vac_peak_published_kN: float = Field(gt=0)
    sl_to_vac_thrust_ratio: float = Field(gt=0.5, le=1.0)
    #: normalised thrust trace: pairs (t / burn_time, F / F_peak)
    thrust_profile: tuple[tuple[float, float], ...]
    separation_delay_s: float = Field(ge=0, lt=60)
    diameter_m: float = Field(gt=0, lt=10)

    @field_validator("thrust_profile")
    @classmethod
    def _profile_ok(cls, v):
        tau = np.array([p[0] for p in v])
        f = np.array([p[1] for p in v])
        if len(v) < 2 or tau[0] != 0.0 or tau[-1] != 1.0 or np.any(np.diff(tau) <= 0):
            raise ValueError("must start at 0, end at 1 and increase strictly in t/burn_time")
        if np.any(f < 0) or np.any(f > 1.0) or f.max() != 1.0:
            raise ValueError("F/F_peak values must lie in [0, 1] and reach 1")
        return v

    @model_validator(mode="after")
    def _masses_ok(self):
        if self.propellant_kg >= self.gross_mass_kg:
            raise ValueError("propellant_kg must be smaller than gross_mass_kg")
        return self

    @property
    def dry_mass_kg(self) -> float:
        """Inert mass of one booster [kg]."""
        return self.gross_mass_kg - self.propellant_kg

    @property
    def total_impulse_ns(self) -> float:
        """Vacuum total impulse of one booster, m_p Isp g0 [N s]."""
        return self.propellant_kg * self.isp_vac_s * G0_MS2

    @property
    def peak_thrust_vac_n(self) -> float:
        """Peak vacuum thrust of one booster implied by impulse, burn time and trace [N]."""
        tau = np.array([p[0] for p in self.thrust_profile])
        f = np.array([p[1] for p in self.thrust_profile])
        mean = float(np.sum(0.5 * (f[1:] + f[:-1]) * np.diff(tau)))
        return self.total_impulse_ns / (mean * self.burn_time_s)

    @property
    def exit_area_m2(self) -> float:
        """Nozzle exit area of one booster implied by the thrust ratio [m^2]."""
        return (1.0 - self.sl_to_vac_thrust_ratio) * self.peak_thrust_vac_n / P0_PA


class StageSpec(BaseModel):
    model_config = _CFG
    """A liquid stage: tanks, engines and structure."""
    name: str
    engine: str
    engine_count: int = Field(ge=1, le=9)
    thrust_vac_kN: float = Field(gt=0)
    thrust_sl_kN: float | None = Field(default=None, gt=0)
    isp_vac_s: float = Field(gt=200, lt=500)
    propellant_kg: float = Field(gt=0)
    dry_mass_kg: float = Field(gt=0)
    diameter_m: float = Field(gt=0, lt=10)
    #: flight-performance reserve (FPR): fraction of the loaded propellant held back
    #: to cover 3-sigma performance dispersions; not burnt on a nominal flight
    reserve_fraction: float = Field(default=0.0, ge=0, lt=0.2)
    #: unusable residuals: fraction of the loaded propellant that cannot be burnt
    #: (trapped in feed lines, sumps and engine, plus mixture-ratio mismatch at
    #: depletion); it stays with the stage and is dropped with it
    residual_fraction: float = Field(default=0.0, ge=0, lt=0.1)
    #: the engines ignite this long before lift-off (start-up and health check with
    #: the vehicle held down) [s]; the propellant burnt on the pad does no flight work
    ignition_before_liftoff_s: float = Field(default=0.0, ge=0, lt=15)

    @model_validator(mode="after")
    def _thrust_ok(self):
        if self.thrust_sl_kN is not None and self.thrust_sl_kN >= self.thrust_vac_kN:
            raise ValueError("thrust_sl_kN must be smaller than thrust_vac_kN")
        return self

    @property
    def thrust_vac_n(self) -> float:
        """Total vacuum thrust of all engines [N]."""
        return self.engine_count * self.thrust_vac_kN * 1e3

    @property
    def mdot_kgs(self) -> float:
        """Total propellant mass flow [kg/s], F_vac / (Isp g0)."""
        return self.thrust_vac_n / (self.isp_vac_s * G0_MS2)

    @property
    def exit_area_m2(self) -> float:
        """Total nozzle exit area [m^2] from A_e = (F_vac - F_sl) / p0 (0 if no F_sl).

        Thrust at ambient pressure ``p`` follows the nozzle back-pressure law
        ``F(p) = F_vac - A_e p`` (Sutton & Biblarz, *Rocket Propulsion Elements*, 9th ed.,
        eq. 3-21), with the exit area implied by the two published thrusts.
        """
        if self.thrust_sl_kN is None:
            return 0.0
        return self.engine_count * (self.thrust_vac_kN - self.thrust_sl_kN) * 1e3 / P0_PA

    @property
    def usable_propellant_kg(self) -> float:
        """Propellant that may be burnt [kg] (loaded less reserve and residuals)."""
        return self.propellant_kg * (1.0 - self.reserve_fraction - self.residual_fraction)

    @property
    def unburnt_propellant_kg(self) -> float:
        """Propellant still aboard at nominal burn-out: reserve plus residuals [kg]."""
        return self.propellant_kg - self.usable_propellant_kg

    @property
    def pad_burn_kg(self) -> float:
        """Propellant burnt between ignition and lift-off [kg].

        ``mdot * ignition_before_liftoff_s``: the flow is taken at its rated
        value from ignition, so the start-up transient (not modelled) makes
        this an upper bound.
        """
        return self.mdot_kgs * self.ignition_before_liftoff_s

    @property
    def burn_time_s(self) -> float:
        """Full-thrust burn time after lift-off of the usable propellant [s]."""
        return (self.usable_propellant_kg - self.pad_burn_kg) / self.mdot_kgs


class FairingSpec(BaseModel):
    model_config = _CFG
    """Payload fairing and its jettison rule."""
    name: str
    mass_kg: float = Field(gt=0)
    #: ``heating``: first time 1/2 rho v^3 drops below ``heating_limit_wm2`` above
    #: ``min_altitude_km``; ``altitude``: at ``altitude_km``; ``time``: at ``time_s``.
    rule: Literal["heating", "altitude", "time"]
    heating_limit_wm2: float = Field(default=1135.0, gt=0)
    min_altitude_km: float = Field(default=60.0, ge=0)
    altitude_km: float | None = Field(default=None, gt=0)
    time_s: float | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _rule_ok(self):
        if self.rule == "altitude" and self.altitude_km is None:
            raise ValueError("rule 'altitude' needs altitude_km")
        if self.rule == "time" and self.time_s is None:
            raise ValueError("rule 'time' needs time_s")
        return self


class SequenceSpec(BaseModel):
    model_config = _CFG
    """Fixed delays of the flight sequence [s]."""
    vertical_rise_s: float = Field(gt=0, lt=60)
    pitch_kick_duration_s: float = Field(gt=0, lt=60)
    stage_separation_delay_s: float = Field(ge=0, lt=60)
    upper_ignition_delay_s: float = Field(ge=0, lt=60)
    payload_separation_delay_s: float = Field(ge=0, lt=3600)
    #: start of closed-loop steering [s]; default SRB separation (or 120 s without SRBs)
    guidance_start_s: float | None = Field(default=None, gt=0, lt=400)
    #: structural dynamic-pressure limit the pitch kick must respect [kPa]
    max_q_limit_kpa: float = Field(default=150.0, gt=5, lt=500)
    #: inertial flight-path angle at SRB separation [deg] that the *flown* pitch
    #: programme reaches; the pitch kick is solved to reach it.  ``None`` =
    #: optimise the kick for payload, an upper bound: flown programmes also honour
    #: range-safety (drop-zone, impact-point) and load constraints not modelled here
    srb_sep_fpa_deg: float | None = Field(default=None, gt=0, lt=90)


@pydantic_dataclass(config=_CFG)   # frozen via _CFG
class Vehicle:
    """A validated launch vehicle (frozen; pydantic checks every field on creation).

    Attributes
    ----------
    name : str
        Vehicle identifier (e.g. ``"h3-24l"``).
    boosters : BoosterSpec or None
        Strap-on boosters, ``None`` for a core-only configuration.
    core, upper : StageSpec
        First (core) and second (upper) liquid stages.
    fairing : FairingSpec
    sequence : SequenceSpec
    published : dict
        Published reference figures quoted in the file (for validation).
    """
    name: str
    description: str
    boosters: BoosterSpec | None
    core: StageSpec
    upper: StageSpec
    fairing: FairingSpec
    sequence: SequenceSpec
    published: dict[str, float] = field(default_factory=dict)

    @property
    def n_boosters(self) -> int:
        """Number of strap-on boosters (0 without)."""
        return 0 if self.boosters is None else self.boosters.count

    @property
    def gross_mass_kg(self) -> float:
        """Fully loaded mass at ignition, without payload [kg] (the published "gross mass")."""
        m = (self.core.propellant_kg + self.core.dry_mass_kg + self.upper.propellant_kg
             + self.upper.dry_mass_kg + self.fairing.mass_kg)
        if self.boosters is not None:
            m += self.boosters.count * self.boosters.gross_mass_kg
        return m

    @property
    def liftoff_mass_kg(self) -> float:
        """Mass at lift-off without payload [kg]: gross less the core's pad burn."""
        return self.gross_mass_kg - self.core.pad_burn_kg

    def reference_area_m2(self, with_boosters: bool) -> float:
        """Drag reference area: summed cross-sections of core and boosters.

        Parameters
        ----------
        with_boosters : bool
            Count the boosters (before their separation).

        Returns
        -------
        float
            Area [m^2].
        """
        area = np.pi / 4 * self.core.diameter_m ** 2
        if with_boosters and self.boosters is not None:
            area += self.boosters.count * np.pi / 4 * self.boosters.diameter_m ** 2
        return float(area)


def _format_error(err: ValidationError, source: str) -> str:
    lines = []
    for e in err.errors():
        loc = ".".join(str(p) for p in e["loc"]) or "(top level)"
        lines.append(f"{loc}: {e['msg']}")
    return f"invalid vehicle file {source}: " + "; ".join(lines)


def vehicle_from_dict(data: dict, source: str = "<dict>") -> Vehicle:
    """Validate a vehicle description given as a mapping and freeze it.

    Parameters
    ----------
    data : dict
        The parsed YAML content (units as in the vehicle files).
    source : str
        Where it came from, for error messages.

    Returns
    -------
    Vehicle

    Raises
    ------
    ValueError
        Naming the source and each offending field with the allowed range.
    """
    if not isinstance(data, dict):
        # TRY004 waived: the project rule is one ValueError for every bad input
        raise ValueError(f"invalid vehicle file {source}: top level must be a mapping")  # noqa: TRY004
    try:
        return _VEHICLE_ADAPTER.validate_python(data)
    except ValidationError as err:
        raise ValueError(_format_error(err, source)) from None


_VEHICLE_ADAPTER = TypeAdapter(Vehicle)


def vehicle_names() -> tuple[str, ...]:
    """Names of the vehicle files shipped with lupex.

    Returns
    -------
    tuple of str
        Sorted names, e.g. ``("h2a-202", "h3-22s", "h3-24l", "h3-30s")``.
    """
    return tuple(sorted(q.name[:-len(".yaml")] for q in VEHICLE_DIR.iterdir()
                        if q.name.endswith(".yaml")))


def load_vehicle(name_or_path: str | Path) -> Vehicle:
    """Read and validate a vehicle description.

    Parameters
    ----------
    name_or_path : str, pathlib.Path or Vehicle
        A shipped vehicle's name (:func:`vehicle_names`: ``"h3-24l"``,
        ``"h3-22s"``, ``"h3-30s"``, ``"h2a-202"``), the path of a YAML file
        (``.yaml``/``.yml``), or an already loaded vehicle (returned as is).

    Returns
    -------
    Vehicle

    Raises
    ------
    ValueError
        If the file is missing, not YAML, or any field is out of range.
    """
    if isinstance(name_or_path, Vehicle):
        return name_or_path
    p = Path(name_or_path)
    if p.suffix not in (".yaml", ".yml"):
        p = VEHICLE_DIR / f"{str(name_or_path).lower()}.yaml"
    if not p.is_file():
        known = list(vehicle_names())
        raise ValueError(f"vehicle {name_or_path!r} not found; known vehicles: {known}")
    try:
        data = yaml.safe_load(p.read_text())
    except yaml.YAMLError as err:
        raise ValueError(f"invalid vehicle file {p}: not valid YAML ({err})") from None
    return vehicle_from_dict(data, str(p))
