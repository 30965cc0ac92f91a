"""The run's context: settings that belong to the run, not to the scenario (the worker count).

The scenario says *what* to compute; how many processes compute it is the caller's choice
(``lupex run --workers N``) and must not change a single number. :func:`use` sets the
context for the duration of a run; a stage reads :func:`current` (``current().workers``)
and passes the plain int on to the physics functions it calls. Outside a run the default
context applies (2 workers, the value every stage used before ``--workers`` existed).
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from dataclasses import dataclass

#: Largest worker count accepted (the horizon and illumination kernels' own limit).
MAX_WORKERS = 64


@dataclass(frozen=True)
class RunContext:
    """How a run executes, as opposed to what it computes.

    Attributes
    ----------
    workers : int
        Processes a stage may use for its parallel parts, 1 to :data:`MAX_WORKERS`.
    """

    workers: int = 2

    def __post_init__(self):
        w = self.workers
        if isinstance(w, bool) or not isinstance(w, int) or not 1 <= w <= MAX_WORKERS:
            raise ValueError(f"workers: must be an integer between 1 and {MAX_WORKERS}, got {w!r}")


_DEFAULT = RunContext()
_CURRENT: contextvars.ContextVar[RunContext | None] = contextvars.ContextVar(
    "lupex_run_context", default=None)


def current() -> RunContext:
    """The context of the run in progress (the default one outside a run)."""
    return _CURRENT.get() or _DEFAULT


@contextlib.contextmanager
def use(ctx: RunContext) -> Iterator[RunContext]:
    """Make ``ctx`` the current context inside the ``with`` block, then restore the previous."""
    token = _CURRENT.set(ctx)
    try:
        yield ctx
    finally:
        _CURRENT.reset(token)
