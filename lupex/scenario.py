"""The scenario file: its schema, its validation, and the one error type it raises.

A scenario is YAML; this module turns it into frozen, validated models or into a list of
problems, each with its path in the file (``sites[2].lat_deg: must be between -90 and -80``).
The schema is documented field by field in ``configs/README.md``; the models below are its
single source of truth. Physics modules never see YAML: stages read these models.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

# The ephemeris kernels cover 1900-2050 (lupex.ephemeris.SPAN_TEXT); scenarios are held to
# the era of this mission family with margin for a long surface stay.
EARLIEST_DATE = dt.datetime(1990, 1, 1, tzinfo=dt.UTC)
LATEST_DATE = dt.datetime(2049, 12, 31, tzinfo=dt.UTC)


class ScenarioError(ValueError):
    """A scenario that cannot be used; ``problems`` lists every one as 'path: message'."""

    def __init__(self, problems: list[str], source: str = "scenario"):
        self.problems = problems
        self.source = source
        super().__init__(f"{source}: {len(problems)} problem(s)\n" + "\n".join(problems))


def _between(lo: float, hi: float, unit: str = ""):
    """An AfterValidator that keeps a number within [lo, hi] and says so plainly."""
    suffix = f" {unit}" if unit else ""

    def check(v: float) -> float:
        if not (isinstance(v, (int, float)) and math.isfinite(v)) or not lo <= v <= hi:
            raise ValueError(f"must be between {lo:g} and {hi:g}{suffix}, got {v!r}")
        return v

    return AfterValidator(check)


def Range(lo: float, hi: float, unit: str = ""):
    """A float field type limited to ``[lo, hi]``.

    Parameters
    ----------
    lo, hi : float
        Inclusive bounds, in the field's unit.
    unit : str
        The unit, named in the error message.
    """
    return Annotated[float, _between(lo, hi, unit)]


def _in_era(v: dt.datetime) -> dt.datetime:
    if v.tzinfo is None:
        v = v.replace(tzinfo=dt.UTC)
    if not EARLIEST_DATE <= v <= LATEST_DATE:
        raise ValueError(
            f"must be between {EARLIEST_DATE:%Y-%m-%d} and {LATEST_DATE:%Y-%m-%d} (UTC), "
            f"got {v:%Y-%m-%d}"
        )
    return v


Date = Annotated[dt.datetime, AfterValidator(_in_era)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Mission(_Model):
    name: str = Field(min_length=1)
    description: str = ""


def _known_vehicle(name: str) -> str:
    """A shipped vehicle's name or a vehicle file's path whose contents are valid."""
    from .launch.vehicle import load_vehicle, vehicle_names

    if Path(name).suffix in (".yaml", ".yml") and Path(name).is_file():
        load_vehicle(name)  # a broken file is named here, not after the transfer is flown
        return name
    if name.lower() not in vehicle_names():
        known = ", ".join(vehicle_names())
        raise ValueError(f"unknown vehicle {name!r}; known: {known} (or a path to a .yaml file)")
    return name


class Launch(_Model):
    vehicle: Annotated[str, AfterValidator(_known_vehicle)] = Field(
        "h3-24l", description="vehicle name (lupex/data/vehicles) or a path")
    date: Date = Field(description="nominal lift-off, UTC")
    window_days: Range(0, 60, "days") = 0.0
    window_step_hours: Range(1, 48, "h") = Field(6.0, description="spacing of the candidate launch dates")
    parking_inclination_deg: Range(30.5, 60, "deg") | None = Field(
        None, description="parking-orbit inclination; default the lowest that reaches the "
        "transfer (the most easterly launch); the launch azimuth follows from it")
    # --- survey mode (issue 12, helper A): a long window scan, reported only ---
    survey_days: Range(0, 1100, "days") = Field(
        0.0, description="survey span from launch.date scored like the window (0: off)")
    survey_step_hours: Range(1, 240, "h") = Field(
        24.0, description="spacing of the survey's candidate launch dates")


class Lander(_Model):
    dry_mass_kg: Range(100, 20000, "kg")
    propellant_mass_kg: Range(0, 20000, "kg")
    isp_s: Range(150, 480, "s")
    thrust_n: Range(100, 200000, "N")


class Spacecraft(_Model):
    launch_mass_kg: Range(100, 30000, "kg")
    rover_mass_kg: Range(0, 2000, "kg") = 350.0
    lander: Lander

    @model_validator(mode="after")
    def _masses_add_up(self):
        carried = self.lander.dry_mass_kg + self.lander.propellant_mass_kg + self.rover_mass_kg
        if carried > self.launch_mass_kg * 1.0001:
            raise ValueError(
                f"launch_mass_kg: {self.launch_mass_kg:g} kg is less than lander dry + propellant "
                f"+ rover = {carried:g} kg"
            )
        return self


class Transfer(_Model):
    c3_km2s2: Range(-3.0, 2.0, "km^2/s^2") = -2.0
    parking_altitude_km: Range(160, 1000, "km") = 200.0
    time_of_flight_days: Range(2.0, 10.0, "days") = 4.5


class LunarOrbit(_Model):
    altitude_km: Range(15, 1000, "km") = 100.0
    inclination_deg: Range(0, 180, "deg") = 90.0
    days_to_touchdown: Range(0, 60, "days") = Field(
        5.0, description="LOI to touchdown: lunar orbit, descent-orbit insertion and descent "
        "(Chandrayaan-3 took ~18 d)")
    sequence: Literal["chandrayaan3", "slim"] = Field(
        "chandrayaan3", description="lowering sequence from capture to the descent orbit "
        "(lupex.orbits.lunar_phase.SEQUENCES): Chandrayaan-3-like or SLIM-like")


class Site(_Model):
    name: str = Field(min_length=1)
    lat_deg: Range(-90, -80, "deg")
    lon_deg: Range(-180, 360, "deg")
    observer_height_m: Range(0, 100, "m") = Field(
        2.0, description="eye height above the ground: a rover's camera or a solar panel")


class Surface(_Model):
    start: Date | None = Field(None, description="landing time, UTC; default launch + transfer")
    duration_days: Range(0.5, 400, "days") = 100.0
    time_step_hours: Range(0.1, 24, "h") = 1.0
    cycle_step_hours: Range(0.25, 24, "h") = Field(
        1.0, description="sampling of the 18.6-year site figures (hourly: ~163,000 samples)")


def _dem_exists(path: str | None, info: ValidationInfo) -> str | None:
    """A DEM path, relative paths taken from the scenario file's folder, that must exist."""
    if path is None:
        return None
    p = Path(path).expanduser()
    base = (info.context or {}).get("base_dir")
    if not p.is_absolute() and base is not None:
        p = Path(base) / p
    if not p.is_file():
        where = f" (looked for {p})" if str(p) != path else ""
        raise ValueError(f"file {path!r} does not exist{where}")
    return str(p)


class Terrain(_Model):
    source: Literal["lola", "synthetic"] = Field(
        "lola", description="lola: the built-in real LOLA south pole; synthetic: the invented pole")
    dem: Annotated[str | None, AfterValidator(_dem_exists)] = Field(
        None, description="path to a high-resolution DEM (relative to the scenario file), "
        "nested inside the built-in LOLA terrain")
    center_lat_deg: Range(-90, -80, "deg") = -90.0
    center_lon_deg: Range(-180, 360, "deg") = 0.0
    half_width_km: Range(1, 300, "km") = 45.0
    pixel_m: Range(5, 2000, "m") | None = Field(
        None, description="map pixel; default 480 m on LOLA terrain, 100 m on the synthetic pole")
    seed: int = Field(2028, ge=0, le=2**32 - 1)
    horizon_azimuths: Literal[360, 720] = 360
    max_distance_km: Range(10, 300, "km") = 150.0
    observer_height_m: Range(0, 100, "m") = Field(0.0, description="eye height of the map's horizons")

    @model_validator(mode="before")
    @classmethod
    def _default_pixel(cls, data):
        if isinstance(data, dict) and data.get("pixel_m") is None:
            data = {**data, "pixel_m": 100.0 if data.get("source") == "synthetic" else 480.0}
        return data

    @model_validator(mode="after")
    def _window_on_terrain(self):
        from .surface.lola_builtin import (
            CAP_VALID_RADIUS_KM,
            POLE_GRID_HALF_WIDTH_KM,
            POLE_GRID_PIXEL_M,
        )
        from .surface.projection import latlon_to_xy

        if self.source == "synthetic":
            if self.dem is not None:
                raise ValueError("dem: a user DEM is nested inside the built-in LOLA terrain; "
                                 "remove terrain.dem or set terrain.source: lola")
            from .surface.synthetic import SYNTHETIC_PIXEL_M

            if not SYNTHETIC_PIXEL_M[0] <= self.pixel_m <= SYNTHETIC_PIXEL_M[1]:
                lo, hi = SYNTHETIC_PIXEL_M
                raise ValueError(f"pixel_m: the synthetic pole is built at {lo:g} to {hi:g} m, "
                                 f"got {self.pixel_m:g}")
            return self
        cx, cy = latlon_to_xy(math.radians(self.center_lat_deg), math.radians(self.center_lon_deg))
        hw = self.half_width_km
        far = max(math.hypot(float(cx) + sx * hw, float(cy) + sy * hw) for sx in (-1, 1) for sy in (-1, 1))
        if far > CAP_VALID_RADIUS_KM:
            raise ValueError(
                f"half_width_km: the window reaches {far:.1f} km from the pole, beyond the LOLA "
                f"cap's valid radius {CAP_VALID_RADIUS_KM:.1f} km; use a smaller half-width or a "
                "centre nearer the pole")
        inside_240 = abs(float(cx)) + hw <= POLE_GRID_HALF_WIDTH_KM and abs(float(cy)) + hw <= POLE_GRID_HALF_WIDTH_KM
        if self.dem is None and inside_240 and self.pixel_m < POLE_GRID_PIXEL_M:
            raise ValueError(
                f"pixel_m: {self.pixel_m:g} m is finer than the built-in LOLA grid "
                f"({POLE_GRID_PIXEL_M:g} m); use >= {POLE_GRID_PIXEL_M:g} m or nest a finer DEM "
                "with terrain.dem")
        return self


class Ranking(_Model):
    max_slope_deg: Range(0, 45, "deg") = 15.0
    min_illumination: Range(0, 1) = 0.3
    max_night_hours: Range(0, 24 * 400, "h") = 24 * 10.0
    min_earth_visibility: Range(0, 1) = 0.0
    weights: dict[Literal["illumination", "earth", "slope", "night", "psr_distance"], float] = {
        "illumination": 0.35, "earth": 0.2, "slope": 0.15, "night": 0.2, "psr_distance": 0.1,
    }

    @field_validator("weights")
    @classmethod
    def _weights_usable(cls, weights: dict[str, float]) -> dict[str, float]:
        bad = [f"{k} = {v!r}" for k, v in weights.items() if not (math.isfinite(v) and v >= 0.0)]
        if bad:
            raise ValueError(f"each weight must be a finite number >= 0; got {', '.join(bad)}")
        if not any(v > 0.0 for v in weights.values()):
            raise ValueError("at least one weight must be > 0 (all are zero or absent)")
        return weights


# --- Landing: site choice, powered-descent design and the mass ledger's allowances (issue 13)
class Landing(_Model):
    site: str | None = Field(
        None, description="landing site name from sites; default the top-ranked site meeting "
        "the ranking's hard limits")
    pdi_altitude_km: Range(10, 100, "km") = Field(30.0, description="powered-descent start "
                                                  "(descent-orbit periselene; Chandrayaan-3: 30 km)")
    high_gate_altitude_km: Range(0.5, 20, "km") = 3.0
    high_gate_uprange_km: Range(0, 100, "km") = 3.0
    approach_s: Range(20, 1000, "s") = 70.0
    hover_altitude_m: Range(10, 2000, "m") = 100.0
    hover_s: Range(0, 600, "s") = Field(20.0, description="hazard-avoidance hover")
    terminal_descent_s: Range(10, 600, "s") = 35.0
    touchdown_speed_ms: Range(0.1, 5, "m/s") = 1.0
    braking_throttle: Range(0.3, 1, "") = Field(
        0.9, description="throttle the nominal braking is designed for; the rest is margin for dispersions")
    min_throttle: Range(0, 0.9, "") = 0.15
    tcm_dv_ms: Range(0, 200, "m/s") = Field(30.0, description="trajectory-correction allowance")
    residual_fraction: Range(0, 0.1, "") = Field(
        0.02, description="unusable (trapped) propellant, a fraction of the loaded propellant")
    reserve_dv_ms: Range(0, 500, "m/s") = Field(
        50.0, description="dispersion reserve, as delta-v at the landed mass")


class Output(_Model):
    plots: bool = True
    dpi: Annotated[int, Field(ge=50, le=400)] = 120


class MonteCarlo(_Model):
    """Monte Carlo dispersions of the landing (issue 14): each field a one-sigma value."""

    samples: Annotated[int, Field(ge=0, le=100_000)] = Field(
        0, description="dispersed samples (0: no Monte Carlo)")
    seed: int = Field(2028, ge=0, le=2**32 - 1)
    launch_performance_rel: Range(0, 0.2) = Field(
        0.01, description="launcher capability, relative one sigma")
    injection_velocity_ms: Range(0, 100, "m/s") = Field(
        2.0, description="TLI (launcher) velocity error per axis, removed by the first TCM")
    loi_magnitude_rel: Range(0, 0.2) = Field(0.005, description="LOI burn magnitude error")
    loi_pointing_deg: Range(0, 10, "deg") = Field(0.5, description="LOI pointing error per axis")
    pdi_position_m: Range(0, 10_000, "m") = Field(
        200.0, description="orbit knowledge at powered-descent start, position per axis")
    pdi_velocity_ms: Range(0, 20, "m/s") = Field(
        0.3, description="orbit knowledge at powered-descent start, velocity per axis")
    thrust_rel: Range(0, 0.2) = Field(0.02, description="descent engine thrust")
    isp_rel: Range(0, 0.1) = Field(0.005, description="descent engine Isp")
    trn_m: Range(0, 5000, "m") = Field(
        30.0, description="terrain-relative navigation error per horizontal axis at touchdown")
# --- compute (issue 15: tiles and workers; lupex/cluster.py, lupex/surface/tiles.py) ---
class Compute(_Model):
    workers: Annotated[int, Field(ge=1, le=256)] = Field(
        2, description="worker processes for the map's horizons and illumination maps")
    scheduler: str | None = Field(
        None, description="a dask.distributed scheduler address (tcp://host:port) to run tiles on")
    tile_px: Annotated[int, Field(ge=64, le=4096)] = Field(
        512, description="tile side [px] when horizons are computed in tiles")
    tiled: Literal["auto", "always", "never"] = Field(
        "auto", description="horizons in tiles on disk: auto when the in-memory masks do not fit")

    @field_validator("scheduler")
    @classmethod
    def _address(cls, v):
        if v is not None and "://" not in v:
            raise ValueError(f"must be an address like 'tcp://host:8786'; got {v!r}")
        return v
# --- end compute ---


class Scenario(_Model):
    mission: Mission
    launch: Launch
    spacecraft: Spacecraft
    transfer: Transfer = Transfer()
    lunar_orbit: LunarOrbit = LunarOrbit()
    sites: list[Site] = Field(min_length=1, max_length=50)
    surface: Surface = Surface()
    terrain: Terrain = Terrain()
    ranking: Ranking = Ranking()
    landing: Landing = Landing()
    output: Output = Output()
    monte_carlo: MonteCarlo = MonteCarlo()
    compute: Compute = Compute()

    @model_validator(mode="after")
    def _consistent(self):
        problems = []
        names = [s.name for s in self.sites]
        for i, name in enumerate(names):
            if name in names[:i]:
                problems.append(f"sites[{i}].name: duplicate site name {name!r}")
        for i, site in enumerate(self.sites):
            dx, dy = _offset_km(site, self.terrain)
            hw = self.terrain.half_width_km
            if abs(dx) > hw or abs(dy) > hw:
                problems.append(
                    f"sites[{i}] ({site.name}): lies {max(abs(dx), abs(dy)):.1f} km from the "
                    f"terrain centre, outside terrain.half_width_km = {hw:g} km"
                )
        end = self.latest_landing() + dt.timedelta(days=self.surface.duration_days)
        if end > LATEST_DATE:
            problems.append(
                f"surface.duration_days: the surface mission would end {end:%Y-%m-%d}, after "
                f"the latest supported date {LATEST_DATE:%Y-%m-%d}"
            )
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def latest_landing(self) -> dt.datetime:
        """The latest landing this scenario can lead to, UTC, for checking dates before any
        stage runs: given, or the end of the launch window + the time-of-flight guess + the
        lunar-orbit allowance. The run's own touchdown is in its timeline (lupex.timeline)."""
        if self.surface.start is not None:
            return self.surface.start
        return self.launch.date + dt.timedelta(days=self.launch.window_days
                                               + self.transfer.time_of_flight_days
                                               + self.lunar_orbit.days_to_touchdown)

    def seeds(self) -> dict[str, int]:
        """Every random seed the run uses, recorded in summary.json for reproduction."""
        seeds = {"terrain.seed": self.terrain.seed}
        if self.monte_carlo.samples:
            seeds["monte_carlo.seed"] = self.monte_carlo.seed
        return seeds


def _offset_km(site: Site, terrain: Terrain) -> tuple[float, float]:
    """Site minus terrain centre in south polar stereographic km (same map as the DEMs)."""
    from .surface.projection import latlon_to_xy

    sx, sy = latlon_to_xy(math.radians(site.lat_deg), math.radians(site.lon_deg))
    cx, cy = latlon_to_xy(math.radians(terrain.center_lat_deg), math.radians(terrain.center_lon_deg))
    return float(sx - cx), float(sy - cy)


def _format_error(err: dict) -> str:
    path = ""
    for part in err["loc"]:
        if isinstance(part, int):
            path += f"[{part}]"
        elif not str(part).isidentifier():  # a key such as '' or 'a b': quote it
            path += f"[{str(part)!r}]"
        else:
            path += f".{part}" if path else str(part)
    msg = err["msg"].removeprefix("Value error, ")
    if err["type"] == "extra_forbidden":
        msg = "unknown field"
    elif err["type"] == "missing":
        msg = "required field is missing"
    if not err["loc"]:  # model-level checks carry their own paths, joined by '; '
        return msg
    field, sep, rest = msg.partition(": ")
    if err["type"] == "value_error" and sep and field.isidentifier():  # a section's check names its field
        return f"{path}.{field}: {rest}"
    return f"{path}: {msg}"


def problems_of(data, base_dir: str | Path | None = None) -> list[str]:
    """Every problem with a parsed scenario mapping, as 'path: message' lines (empty if valid).

    Parameters
    ----------
    data : object
        The parsed YAML document.
    base_dir : str or pathlib.Path, optional
        The folder relative file paths in the scenario are taken from (the scenario file's
        own folder); None takes them from the working folder.
    """
    if not isinstance(data, dict):
        return [f"(top level): must be a mapping of sections, got {type(data).__name__}"]
    try:
        Scenario.model_validate(data, context={"base_dir": base_dir})
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            lines.extend(_format_error(err).split("; ") if not err["loc"] else [_format_error(err)])
        return lines
    return []


def load(path: str | Path) -> tuple[Scenario, str]:
    """Read and validate a scenario file; return the model and the file's text.

    Raises
    ------
    ScenarioError
        Listing every problem (YAML syntax with line number, or each invalid field).
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ScenarioError([f"cannot read file: {exc.strerror}"], str(path)) from None
    except UnicodeDecodeError as exc:
        raise ScenarioError([(f"not a UTF-8 text file (byte {exc.start}: {exc.reason}); a "
                             "scenario is YAML text")], str(path)) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise ScenarioError([f"{where}invalid YAML ({getattr(exc, 'problem', exc)})"], str(path)) from None
    base = path.resolve().parent
    problems = problems_of(data, base)
    if problems:
        raise ScenarioError(problems, str(path))
    return Scenario.model_validate(data, context={"base_dir": base}), text


def scenario_hash(text: str) -> str:
    """SHA-256 of the scenario file's exact text, recorded with every run."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
