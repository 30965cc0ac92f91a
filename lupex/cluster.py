"""One layer for running a pure function over chunks of work on Dask (local or remote).

Everything heavy in lupex that splits into independent chunks (tiles of horizon masks,
Monte Carlo dispersions, parameter sweeps) goes through :func:`map_chunks`:

* ``workers=n`` (default 2, no scheduler): a ``dask.distributed`` ``LocalCluster`` of n
  worker *processes* with one thread each.  Processes, not threads: NumPy releases the
  GIL only inside its kernels, and the Python between them (and gathers, ``nonzero``)
  serialises threads, so two threads of lupex's engines ran at ~1 core.
* ``scheduler="tcp://host:8786"``: an existing ``dask.distributed`` scheduler, whose
  workers may be on other machines (they need lupex installed and, for disk outputs,
  the same shared path).
* ``workers=1`` and no scheduler: the chunks run in this process, in order, without
  starting Dask (tests, small jobs, debugging).

Results come back in the order of the chunks whatever order they finish in; read-only
inputs shared by every chunk (``shared``) are sent to each worker once
(``Client.scatter(broadcast=True)``), not once per chunk.  Chunk functions must be
importable module-level functions (pickled by reference).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence

__all__ = ["dask_client", "map_chunks", "validate_workers"]

#: Most local worker processes accepted (a sanity bound, not a machine limit).
MAX_LOCAL_WORKERS = 256


def validate_workers(workers, scheduler: str | None = None) -> None:
    """One ValueError naming the field when ``workers``/``scheduler`` are unusable.

    Parameters
    ----------
    workers : int
        Local worker processes, 1..256.
    scheduler : str or None
        A ``dask.distributed`` scheduler address (``tcp://host:port``, ``tls://``, ...).
    """
    if not (isinstance(workers, int) and not isinstance(workers, bool)
            and 1 <= workers <= MAX_LOCAL_WORKERS):
        raise ValueError(f"workers: must be an integer in [1, {MAX_LOCAL_WORKERS}]; got {workers!r}")
    if scheduler is not None and (not isinstance(scheduler, str) or "://" not in scheduler):
        raise ValueError(f"scheduler: must be an address like 'tcp://host:8786'; got {scheduler!r}")


@contextlib.contextmanager
def dask_client(workers: int = 2, scheduler: str | None = None,
                memory_limit: str | float | None = "auto") -> Iterator:
    """A ``dask.distributed.Client``: a local cluster of processes, or a remote scheduler.

    Parameters
    ----------
    workers : int
        Worker processes of the local cluster (one thread each); ignored with a scheduler.
    scheduler : str, optional
        Address of a running ``dask.distributed`` scheduler to connect to instead.
    memory_limit : str, float or None
        Per-worker memory limit of the local cluster (Dask's syntax; ``"auto"`` shares
        the machine's memory between the workers).

    Yields
    ------
    distributed.Client
        Closed (and the local cluster shut down) on exit.
    """
    validate_workers(workers, scheduler)
    from distributed import Client, LocalCluster

    if scheduler is not None:
        client = Client(scheduler)
        try:
            yield client
        finally:
            client.close()
        return
    import dask

    # Dask starts workers with MALLOC_TRIM_THRESHOLD_=65536, which also switches off
    # glibc's adaptive mmap threshold: every NumPy temporary over 128 kB is then mapped,
    # zero-filled and unmapped again, and lupex's engines ran 2.2x slower in the workers
    # than in the parent (measured on horizon tiles).  Keep the thread caps, drop that.
    environ = {k: v for k, v in dask.config.get("distributed.nanny.pre-spawn-environ", {}).items()
               if k != "MALLOC_TRIM_THRESHOLD_"}
    with dask.config.set({"distributed.nanny.pre-spawn-environ": environ}):
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                               dashboard_address=None, memory_limit=memory_limit,
                               silence_logs=40)
    try:
        client = Client(cluster)
        try:
            yield client
        finally:
            client.close()
    finally:
        cluster.close()


def map_chunks(fn: Callable, chunks: Sequence, shared: tuple = (), *, workers: int = 2,
               scheduler: str | None = None, client=None,
               progress: Callable[[int, int], None] | None = None) -> list:
    """``[fn(chunk, *shared) for chunk in chunks]`` on Dask workers, in the chunks' order.

    Parameters
    ----------
    fn : callable
        A pure, importable function ``fn(chunk, *shared) -> result`` (results pickle).
    chunks : sequence
        Work items (small: each is sent with its task).
    shared : tuple
        Read-only inputs handed to every call, sent to each worker once.
    workers : int
        Local worker processes when neither ``client`` nor ``scheduler`` is given; 1 runs
        the chunks here without Dask.
    scheduler : str, optional
        A ``dask.distributed`` scheduler address (used when ``client`` is None).
    client : distributed.Client, optional
        An open client to reuse (several maps, one cluster start-up).
    progress : callable(done, total), optional
        Called in this process as chunks finish.

    Returns
    -------
    list
        ``fn``'s results in the order of ``chunks``.

    Raises
    ------
    Exception
        The first failing chunk's exception, re-raised here.
    """
    chunks = list(chunks)
    total = len(chunks)
    if client is None:
        validate_workers(workers, scheduler)
        if scheduler is None and (workers == 1 or total <= 1):
            out = []
            for c in chunks:
                out.append(fn(c, *shared))
                if progress is not None:
                    progress(len(out), total)
            return out
        with dask_client(workers, scheduler) as c:
            return map_chunks(fn, chunks, shared, client=c, progress=progress)
    from distributed import as_completed

    # one-element lists: scatter would split a list or dict argument into its items
    shared_f = [client.scatter([s], broadcast=True, hash=False)[0] for s in shared]
    futures = [client.submit(fn, c, *shared_f, pure=False) for c in chunks]
    index = {f.key: i for i, f in enumerate(futures)}
    out: list = [None] * total
    done = 0
    try:
        for fut in as_completed(futures):
            out[index[fut.key]] = fut.result()  # re-raises a chunk's exception
            done += 1
            if progress is not None:
                progress(done, total)
    finally:
        for f in futures:
            f.release()
    return out
