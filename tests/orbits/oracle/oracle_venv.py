"""Find or build the cached Python 3.10 venv holding poliastro 0.17.0 (the oracle).

poliastro is archived and installs only on Python <= 3.10, so the oracle runs
in its own interpreter: pyenv's 3.10 makes a venv once, pip installs
poliastro==0.17.0 into it, and later runs reuse it.  The location is
``$LUPEX_ORACLE_VENV`` or ``~/.cache/lupex/oracle-poliastro-0.17.0-py310``.
"""

import os
import shutil
import subprocess
from pathlib import Path

POLIASTRO_VERSION = "0.17.0"
PYENV_VERSION = "3.10.13"
DEFAULT_DIR = Path.home() / ".cache" / "lupex" / f"oracle-poliastro-{POLIASTRO_VERSION}-py310"


def venv_dir():
    """Directory of the oracle venv (env var ``LUPEX_ORACLE_VENV`` overrides)."""
    return Path(os.environ.get("LUPEX_ORACLE_VENV", DEFAULT_DIR)).expanduser()


def _has_poliastro(python):
    if not python.exists():
        return False
    probe = f"import poliastro, sys; sys.exit(poliastro.__version__ != {POLIASTRO_VERSION!r})"
    return subprocess.run([str(python), "-c", probe], check=False, capture_output=True).returncode == 0


def ensure_oracle_python():
    """Return ``(python_path, None)`` for a venv with poliastro, or ``(None, reason)``.

    Builds the venv when absent (about a minute): ``PYENV_VERSION=3.10.13
    python3.10 -m venv`` into a temporary sibling, ``pip install
    poliastro==0.17.0``, then an atomic rename, so concurrent or interrupted
    runs never leave a half-built venv at the final path.
    """
    target = venv_dir()
    python = target / "bin" / "python"
    if _has_poliastro(python):
        return python, None
    py310 = shutil.which("python3.10")
    if py310 is None:
        return None, "python3.10 (pyenv 3.10.13) not found on PATH: poliastro oracle unavailable"
    env = dict(os.environ, PYENV_VERSION=PYENV_VERSION)
    probe = subprocess.run([py310, "--version"], check=False, env=env, capture_output=True, text=True)
    if probe.returncode != 0:
        return None, f"python3.10 unusable ({probe.stderr.strip()[:200]}): poliastro oracle unavailable"
    tmp = target.with_name(target.name + f".tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.parent.mkdir(parents=True, exist_ok=True)
    steps = [
        [py310, "-m", "venv", str(tmp)],
        [str(tmp / "bin" / "python"), "-m", "pip", "install", "-q", f"poliastro=={POLIASTRO_VERSION}"],
    ]
    for cmd in steps:
        res = subprocess.run(cmd, check=False, env=env, capture_output=True, text=True, timeout=1200)
        if res.returncode != 0:
            shutil.rmtree(tmp, ignore_errors=True)
            tail = (res.stderr or res.stdout).strip()[-400:]
            return None, f"building the poliastro oracle venv failed at {cmd[1:4]}: {tail}"
    if not _has_poliastro(python):
        shutil.rmtree(target, ignore_errors=True)
        try:
            tmp.rename(target)
        except OSError:
            shutil.rmtree(tmp, ignore_errors=True)
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    if _has_poliastro(python):
        return python, None
    return None, f"oracle venv at {target} does not import poliastro {POLIASTRO_VERSION}"
