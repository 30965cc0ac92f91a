"""Find or build the cached venv holding NASA's GMAT engine (the ``gmatpy`` wheel), and run
GMAT scripts in a subprocess of it.

The wheel is not on PyPI in this form (a CPython 3.11 Linux build of the ``gmatpy 0.2.0``
sdist with CSPICE linked in); it is looked for as ``../shared/oracles/gmatpy-*.whl`` beside
the checkout (``$LUPEX_GMAT_WHEEL`` overrides) and never committed.  A venv made with a
Python 3.11 interpreter gets it installed once, in a temporary sibling renamed atomically to
``~/.cache/lupex/oracle-gmat-<wheel name>`` (``$LUPEX_GMAT_VENV`` overrides), so concurrent
or interrupted runs never leave a half-built venv at the final path.  GMAT keeps
process-global state, so every script runs in a fresh ``python gmat_runner.py`` process.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
ORACLES = REPO.parent / "shared" / "oracles"
RUNNER = Path(__file__).resolve().parent / "gmat_runner.py"


def find_wheel() -> tuple[Path | None, str | None]:
    """``(wheel, None)`` for the newest ``gmatpy-*.whl`` found, or ``(None, reason)``."""
    env = os.environ.get("LUPEX_GMAT_WHEEL")
    if env:
        wheel = Path(env).expanduser()
        return (wheel, None) if wheel.is_file() else (None, f"$LUPEX_GMAT_WHEEL={env} not found")
    wheels = sorted(ORACLES.glob("gmatpy-*.whl"))
    if not wheels:
        return None, f"no gmatpy-*.whl in {ORACLES}: GMAT oracle unavailable"
    return wheels[-1], None


def venv_dir(wheel: Path) -> Path:
    """Directory of the oracle venv for ``wheel`` (``$LUPEX_GMAT_VENV`` overrides)."""
    default = Path.home() / ".cache" / "lupex" / f"oracle-gmat-{wheel.stem}"
    return Path(os.environ.get("LUPEX_GMAT_VENV", default)).expanduser()


def _has_gmatpy(python: Path) -> bool:
    if not python.exists():
        return False
    probe = "import gmatpy, gmatpy._native.gmat_py"
    return subprocess.run([str(python), "-c", probe], check=False,
                          capture_output=True).returncode == 0


def _python311() -> str | None:
    if sys.version_info[:2] == (3, 11):
        return sys.executable
    return shutil.which("python3.11")


def ensure_gmat_python() -> tuple[Path | None, str | None]:
    """Return ``(python_path, None)`` for a venv that imports gmatpy, or ``(None, reason)``."""
    wheel, reason = find_wheel()
    if wheel is None:
        return None, reason
    target = venv_dir(wheel)
    python = target / "bin" / "python"
    if _has_gmatpy(python):
        return python, None
    py311 = _python311()
    if py311 is None:
        return None, f"{wheel.name} needs CPython 3.11; no python3.11 found: GMAT oracle unavailable"
    tmp = target.with_name(target.name + f".tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.parent.mkdir(parents=True, exist_ok=True)
    steps = [
        [py311, "-m", "venv", str(tmp)],
        [str(tmp / "bin" / "python"), "-m", "pip", "install", "-q", "--no-index", str(wheel)],
    ]
    for cmd in steps:
        res = subprocess.run(cmd, check=False, capture_output=True, text=True, timeout=1200)
        if res.returncode != 0:
            shutil.rmtree(tmp, ignore_errors=True)
            tail = (res.stderr or res.stdout).strip()[-400:]
            return None, f"building the GMAT oracle venv failed at {cmd[1:4]}: {tail}"
    if not _has_gmatpy(python):
        shutil.rmtree(target, ignore_errors=True)
        try:
            tmp.rename(target)
        except OSError:
            shutil.rmtree(tmp, ignore_errors=True)
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    if _has_gmatpy(python):
        return python, None
    return None, f"oracle venv at {target} does not import gmatpy from {wheel.name}"


def run_script(python: Path, script: Path, extra_files=(), timeout_s: float = 600.0) -> None:
    """Run the GMAT script ``script`` in a fresh process of the oracle venv.

    ``extra_files`` are copied into GMAT's runtime folder first (see ``gmat_runner.py``).

    Raises ``RuntimeError`` with the tail of GMAT's log when the script does not load or
    the mission does not complete.  The script's ReportFiles are its output.
    """
    res = subprocess.run([str(python), str(RUNNER), str(script), *map(str, extra_files)], check=False,
                         capture_output=True, text=True, timeout=timeout_s)
    if res.returncode != 0:
        raise RuntimeError(f"GMAT run of {script.name} failed:\n{(res.stderr or res.stdout)[-3000:]}")
