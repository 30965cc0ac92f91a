"""Fixtures for the NASA GMAT oracle: its cached venv (or a visible skip) and a table of the
measured lupex-vs-GMAT differences printed in the pytest terminal summary."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import gmat_venv

_DIFFS = pytest.StashKey[dict]()


@pytest.fixture(scope="session")
def gmat_python():
    """Python 3.11 of the venv holding the gmatpy wheel (built once and cached), or skip."""
    python, reason = gmat_venv.ensure_gmat_python()
    if python is None:
        pytest.skip(reason)
    return python


@pytest.fixture(scope="session")
def gmat_diffs(request):
    """Dict label -> text of a measured difference, printed in the terminal summary."""
    return request.config.stash.setdefault(_DIFFS, {})


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    diffs = config.stash.get(_DIFFS, {})
    if diffs:
        terminalreporter.section("NASA GMAT oracle: measured lupex - GMAT differences")
        for name, text in diffs.items():
            terminalreporter.write_line(f"{name:<58s} {text}")
