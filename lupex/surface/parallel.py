"""Run a function over work items in forked worker processes, the inputs passed explicitly.

Forked workers inherit the parent's memory copy-on-write, so large read-only inputs (the
horizon masks of a whole map) reach them without pickling; only each item's result travels
back, through a pipe.  Where ``fork`` is unavailable, or for one worker, the items run in
this process.  Large results are better written by the workers into a
:func:`shared_array` created before the fork (shared memory, no copy back).
"""

from __future__ import annotations

import mmap
import multiprocessing as mp
import traceback
from collections.abc import Callable, Sequence
from multiprocessing.connection import wait

import numpy as np

__all__ = ["fork_available", "fork_map", "shared_array"]


def fork_available() -> bool:
    """True where worker processes can be forked (POSIX)."""
    return "fork" in mp.get_all_start_methods()


def shared_array(shape, dtype) -> np.ndarray:
    """An uninitialised array in anonymous shared memory: writes by processes forked
    after its creation are seen by the parent (MAP_SHARED), without any copy.

    Parameters
    ----------
    shape : tuple of int
        Array shape.
    dtype : numpy dtype
        Element type.

    Returns
    -------
    numpy.ndarray
        C-ordered, backed by an ``mmap`` that lives as long as the array.
    """
    dtype = np.dtype(dtype)
    n = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    buf = mmap.mmap(-1, max(n, 1))
    return np.frombuffer(buf, dtype=dtype, count=int(np.prod(shape, dtype=np.int64))).reshape(shape)


def _worker(fn, items, shared, conn) -> None:
    """Child process: send ``(index, ok, result or traceback text)`` for each item, then close."""
    try:
        for k, item in items:
            try:
                conn.send((k, True, fn(item, *shared)))
            except Exception:  # noqa: BLE001 (any failure goes back to the parent, which re-raises)
                conn.send((k, False, traceback.format_exc()))
                return
    finally:
        conn.close()


def fork_map(fn: Callable, items: Sequence, shared: tuple = (), workers: int = 2,
             on_result: Callable | None = None) -> list:
    """``[fn(item, *shared) for item in items]``, computed in forked processes.

    Parameters
    ----------
    fn : callable
        ``fn(item, *shared) -> result``; results must pickle.
    items : sequence
        Work items (small: they are not sent, the children inherit them).
    shared : tuple
        Read-only inputs handed to every call (inherited by the forked children, never
        pickled).
    workers : int
        Processes; items are dealt to them in turn (item k to worker k mod workers).
    on_result : callable(result), optional
        Called in this process with each result as it arrives (in completion order).

    Returns
    -------
    list
        Results in the order of ``items``.

    Raises
    ------
    RuntimeError
        When a worker fails (its traceback is in the message) or dies.
    """
    items = list(items)
    if workers <= 1 or len(items) <= 1 or not fork_available():
        out = []
        for item in items:
            out.append(fn(item, *shared))
            if on_result is not None:
                on_result(out[-1])
        return out
    ctx = mp.get_context("fork")
    procs, conns = [], []
    for w in range(min(workers, len(items))):
        recv, send = ctx.Pipe(duplex=False)
        p = ctx.Process(target=_worker, args=(fn, list(enumerate(items))[w::workers], shared, send), daemon=True)
        p.start()
        send.close()  # the child holds its own copy; EOF reaches us when it is done
        procs.append(p)
        conns.append(recv)
    out: list = [None] * len(items)
    got = 0
    try:
        pending = list(conns)
        while pending:
            for c in wait(pending):
                try:
                    k, ok, value = c.recv()
                except EOFError:
                    pending.remove(c)
                    continue
                if not ok:
                    raise RuntimeError(f"worker failed:\n{value}")
                out[k] = value
                got += 1
                if on_result is not None:
                    on_result(value)
    finally:
        for p in procs:
            if got < len(items) and p.is_alive():
                p.terminate()
            p.join()
        for c in conns:
            c.close()
    if got < len(items):
        raise RuntimeError(f"worker processes died: {len(items) - got} of {len(items)} items have no result")
    return out
