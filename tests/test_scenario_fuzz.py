"""The scenario parser under arbitrary input: every outcome is a model or a list of
'path: message' problems, never an exception of another kind (hypothesis)."""

import math
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lupex.scenario import ScenarioError, load, problems_of

REPO = Path(__file__).resolve().parents[1]
BASE = yaml.safe_load((REPO / "configs" / "lupex_baseline.yaml").read_text())

scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**12, 10**12),
                    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=20))
values = st.recursive(scalars, lambda c: st.one_of(st.lists(c, max_size=4),
                                                   st.dictionaries(st.text(max_size=8), c, max_size=4)),
                      max_leaves=12)


def _paths(d, prefix=()):
    for k, v in d.items():
        yield prefix + (k,)
        if isinstance(v, dict):
            yield from _paths(v, prefix + (k,))


PATHS = sorted(_paths(BASE))


def _set(d, path, value):
    import copy

    d = copy.deepcopy(d)
    node = d
    for k in path[:-1]:
        node = node[k]
    node[path[-1]] = value
    return d


def _well_formed(lines):
    return all(isinstance(s, str) and s and ": " in s or s.startswith("(top level)")
               for s in lines)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(PATHS), values)
def test_any_value_at_any_field_gives_a_model_or_named_problems(path, value):
    problems = problems_of(_set(BASE, path, value))
    assert _well_formed(problems)
    for line in problems:  # the message names a field, never a Python internal
        assert "Traceback" not in line and "object at 0x" not in line


@settings(max_examples=150, deadline=None)
@given(values)
def test_any_document_gives_problems_not_exceptions(doc):
    assert _well_formed(problems_of(doc))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=300))
def test_any_bytes_as_a_file_give_a_scenario_error(tmp_path, blob):
    p = tmp_path / "s.yaml"
    p.write_bytes(blob)
    try:
        load(p)
    except ScenarioError as exc:
        assert exc.problems and str(p) in str(exc)


def test_weights_must_be_finite_non_negative_and_not_all_zero():
    for w, msg in (({"illumination": math.nan}, "finite number >= 0"),
                   ({"earth": -0.5}, "finite number >= 0"),
                   ({"slope": math.inf}, "finite number >= 0"),
                   ({"illumination": 0.0, "earth": 0.0}, "at least one weight")):
        problems = problems_of(_set(BASE, ("ranking", "weights"), w))
        assert len(problems) == 1 and problems[0].startswith("ranking.weights: ") and msg in problems[0]


def test_a_relative_dem_path_is_taken_from_the_scenario_folder(tmp_path, monkeypatch):
    (tmp_path / "sub").mkdir()
    dem = tmp_path / "sub" / "site.npz"
    dem.write_bytes(b"")
    scenario = tmp_path / "sub" / "s.yaml"
    scenario.write_text(yaml.safe_dump(_set(BASE, ("terrain", "dem"), "site.npz")))
    monkeypatch.chdir(tmp_path)  # the working folder is not the scenario's
    model, _ = load(scenario)
    assert Path(model.terrain.dem) == dem
    scenario.write_text(yaml.safe_dump(_set(BASE, ("terrain", "dem"), "missing.npz")))
    try:
        load(scenario)
    except ScenarioError as exc:
        assert exc.problems == [(f"terrain.dem: file 'missing.npz' does not exist "
                                f"(looked for {tmp_path / 'sub' / 'missing.npz'})")]
    else:
        raise AssertionError("a missing DEM passed validation")


def test_a_broken_vehicle_file_fails_validation_naming_the_file_and_field(tmp_path):
    from lupex.launch.vehicle import VEHICLE_DIR

    v = yaml.safe_load((VEHICLE_DIR / "h3-24l.yaml").read_text())
    v["core"]["propellant_kg"] = math.inf
    vf = tmp_path / "broken.yaml"
    vf.write_text(yaml.safe_dump(v))
    problems = problems_of(_set(BASE, ("launch", "vehicle"), str(vf)))
    assert len(problems) == 1
    assert problems[0].startswith("launch.vehicle: invalid vehicle file ") and str(vf) in problems[0]
    assert "core.propellant_kg" in problems[0]
