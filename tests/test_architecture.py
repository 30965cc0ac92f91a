"""The package's layering, checked from the source (static import graph, no imports run).

* no import cycle among lupex's modules (function-level imports included);
* the physics packages import nothing from the presentation layer, the stages, the results
  writer, the command line, or matplotlib;
* each physical constant is written once, in ``lupex/constants.py``.
"""

from __future__ import annotations

import ast
from pathlib import Path

PKG = Path(__file__).resolve().parents[1] / "lupex"

PHYSICS = ("lupex.launch", "lupex.orbits", "lupex.lander", "lupex.surface", "lupex.ephemeris",
           "lupex.constants", "lupex.timescale", "lupex.geometry", "lupex.timeline", "lupex.window")
PRESENTATION = ("lupex.report", "lupex.stages", "lupex.pipeline", "lupex.results", "lupex.cli",
                "matplotlib", "rich")


def _module_name(path: Path) -> str:
    parts = path.relative_to(PKG.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in PKG.rglob("*.py")}


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """Every module ``name`` imports (absolute names), at any depth of the file."""
    is_pkg = path.name == "__init__.py"
    base = name.split(".") if is_pkg else name.split(".")[:-1]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                stem = base[: len(base) - (node.level - 1)]
                mod = ".".join(stem + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            out.add(mod)
            for a in node.names:  # "from pkg import module" imports the module
                if f"{mod}.{a.name}" in known:
                    out.add(f"{mod}.{a.name}")
    return out


def _graph() -> dict[str, set[str]]:
    mods = _modules()
    known = set(mods)
    return {m: {i for i in _imports(m, p, known) if i in known and i != m} for m, p in mods.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_the_graph_sees_known_edges():
    # Guard against a checker that finds nothing: these edges exist by design.
    g = _graph()
    assert "lupex.scenario" in g["lupex.cli"] or "lupex.scenario" in _imports(
        "lupex.cli", PKG / "cli.py", set(g))
    assert "lupex.constants" in g["lupex.ephemeris"]
    assert any(m.startswith("lupex.stages.") for m in g["lupex.pipeline"])


def test_a_cycle_is_detected():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == [["a", "b", "c"]]


def test_no_import_cycle():
    assert _cycles(_graph()) == []


def test_physics_does_not_import_presentation():
    mods = _modules()
    bad = []
    for m, p in mods.items():
        if not m.startswith(PHYSICS):
            continue
        for i in _imports(m, p, set(mods)):
            if i.startswith(PRESENTATION):
                bad.append(f"{m} imports {i}")
    assert bad == []


def _constants() -> dict[str, float]:
    tree = ast.parse((PKG / "constants.py").read_text())
    out = {}
    for node in tree.body:
        if (isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
                and isinstance(node.value.value, (int, float))):
            out[node.targets[0].id] = float(node.value.value)
    return out


def test_each_constant_is_defined_once():
    consts = _constants()
    assert {"R_MOON_KM", "R_EARTH_KM", "GM_EARTH_KM3S2", "GM_MOON_KM3S2"} <= consts.keys()
    by_value = {v: k for k, v in consts.items()}
    found = []
    for m, p in _modules().items():
        if m == "lupex.constants":
            continue
        for node in ast.walk(ast.parse(p.read_text())):
            if (isinstance(node, ast.Constant) and isinstance(node.value, (int, float))
                    and not isinstance(node.value, bool) and float(node.value) in by_value
                    and not (float(node.value).is_integer() and abs(node.value) < 1000)):
                found.append(f"{p.relative_to(PKG.parent)}:{node.lineno}: {node.value!r} "
                             f"is lupex.constants.{by_value[float(node.value)]}")
    assert found == []


def _public_functions():
    """(module, name, node) for every public module-level function and public method of a
    public class in lupex."""
    for m, p in sorted(_modules().items()):
        if any(part.startswith("_") for part in m.split(".")[1:]):
            continue
        tree = ast.parse(p.read_text())
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and not node.name.startswith("_"):
                yield m, node.name, node
            elif isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
                for sub in node.body:
                    if (isinstance(sub, ast.FunctionDef) and not sub.name.startswith("_")
                            and not any(isinstance(d, ast.Name) and d.id == "property"
                                        for d in sub.decorator_list)):
                        yield m, f"{node.name}.{sub.name}", sub


def _arguments(node) -> list[str]:
    a = node.args
    names = [x.arg for x in a.posonlyargs + a.args + a.kwonlyargs]
    return [n for n in names if n not in ("self", "cls")]


def test_every_public_function_has_a_docstring():
    missing = [f"{m}.{n}" for m, n, node in _public_functions() if not ast.get_docstring(node)]
    assert missing == []


def test_public_functions_with_arguments_document_them_numpydoc_style():
    # A function of several arguments says what each is, with its unit, in a numpydoc
    # "Parameters" section; a one-argument function may say it in its summary line.
    lacking = []
    for m, n, node in _public_functions():
        doc = ast.get_docstring(node) or ""
        if len(_arguments(node)) >= 2 and "Parameters\n" not in doc:
            lacking.append(f"{m}.{n}")
    assert lacking == []
