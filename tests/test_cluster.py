"""The Dask layer: results in chunk order, shared inputs, errors, progress, 1 vs 2 workers."""

import numpy as np
import pytest

from lupex.cluster import map_chunks, validate_workers


def _weighted(chunk, table):
    # a pure function of its chunk and a shared read-only input
    return float(np.sum(table[chunk[0]:chunk[1]] * np.arange(chunk[0], chunk[1])))


def _fail(chunk):
    if chunk == 3:
        raise ArithmeticError("chunk 3 failed")
    return chunk


def test_in_process_and_two_worker_processes_agree_in_order():
    table = np.random.default_rng(1).normal(size=1000)
    chunks = [(i, i + 37) for i in range(0, 900, 37)][::-1]  # any order
    seen = []
    one = map_chunks(_weighted, chunks, (table,), workers=1, progress=lambda d, t: seen.append((d, t)))
    two = map_chunks(_weighted, chunks, (table,), workers=2)
    assert one == two == [_weighted(c, table) for c in chunks]
    assert seen[-1] == (len(chunks), len(chunks))


def test_a_failing_chunk_is_raised_here():
    with pytest.raises(ArithmeticError, match="chunk 3"):
        map_chunks(_fail, range(6), workers=2)


@pytest.mark.parametrize(("kw", "match"), [({"workers": 0}, "workers"), ({"workers": 1.5}, "workers"),
                                           ({"scheduler": "localhost"}, "scheduler")])
def test_bad_settings(kw, match):
    with pytest.raises(ValueError, match=match):
        validate_workers(**{"workers": 2, **kw})
