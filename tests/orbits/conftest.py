"""Fixtures for the two-body tests: the poliastro oracle venv and case counters."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "oracle"))
import oracle_venv

_COUNTS = pytest.StashKey[dict]()


@pytest.fixture(scope="session")
def oracle_python():
    """Python 3.10 interpreter with poliastro 0.17.0 (built once and cached), or skip."""
    python, reason = oracle_venv.ensure_oracle_python()
    if python is None:
        pytest.skip(reason)
    return python


@pytest.fixture(scope="session")
def oracle_counts(request):
    """Dict category -> number of compared cases, printed in the terminal summary."""
    return request.config.stash.setdefault(_COUNTS, {})


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    counts = config.stash.get(_COUNTS, {})
    if counts:
        terminalreporter.section("poliastro 0.17.0 oracle: compared cases")
        for name, n in counts.items():
            terminalreporter.write_line(f"{name:<40s} {n:6d}")
