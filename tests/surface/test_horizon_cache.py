"""Horizon cache: reuse, keys, atomic writes and corrupt files."""

import numpy as np
import pytest

from lupex.surface.cache import (
    HorizonCacheWarning,
    cache_dir,
    cached_horizon_mask,
    horizon_cache_key,
)
from lupex.surface.dem import Dem
from lupex.surface.horizon import horizon_mask


def _dem(v=0.0):
    h = np.zeros((20, 24))
    h[10, 12] = 300.0 + v
    return Dem(h, -1.0, 1.0, 0.05)


def test_cache_roundtrip_and_reuse(tmp_path, monkeypatch):
    monkeypatch.setenv("LUPEX_CACHE_DIR", str(tmp_path))
    assert cache_dir() == tmp_path
    d = _dem()
    a = cached_horizon_mask(d, 24, 5.0)
    files = list(tmp_path.glob("horizon-*.npy"))
    assert len(files) == 1 and not list(tmp_path.glob("*.tmp"))
    # quantised to 0.01 deg: within 0.005 deg of the direct result
    np.testing.assert_allclose(a, horizon_mask(d, 24, 5.0), atol=np.radians(0.0051))
    # a hit does not recompute: poison horizon_mask and read again
    from lupex.surface import cache

    monkeypatch.setattr(cache, "horizon_mask", lambda *a, **k: 1 / 0)
    b = cached_horizon_mask(d, 24, 5.0)
    np.testing.assert_array_equal(a, b)


def test_key_changes_with_every_input():
    d = _dem()
    k0 = horizon_cache_key(d, 24, 5.0, 0.0)
    assert horizon_cache_key(_dem(), 24, 5.0, 0.0) == k0
    others = [
        horizon_cache_key(_dem(0.1), 24, 5.0, 0.0),
        horizon_cache_key(d, 36, 5.0, 0.0),
        horizon_cache_key(d, 24, 6.0, 0.0),
        horizon_cache_key(d, 24, 5.0, 2.0),
        horizon_cache_key(d, 24, 5.0, 0.0, far_field=_dem()),
        horizon_cache_key(Dem(d.height_m, -1.0, 1.05, 0.05), 24, 5.0, 0.0),
    ]
    assert len({k0, *others}) == len(others) + 1


def test_corrupt_cache_file_is_recomputed(tmp_path):
    d = _dem()
    a = cached_horizon_mask(d, 12, 5.0, directory=tmp_path)
    (f,) = tmp_path.glob("horizon-*.npy")
    f.write_bytes(b"garbage")
    with pytest.warns(HorizonCacheWarning, match=f.name):
        b = cached_horizon_mask(d, 12, 5.0, directory=tmp_path)
    np.testing.assert_array_equal(a, b)
    np.save(f, np.zeros((3, 3, 3), np.int16))  # wrong shape under the right name
    with pytest.warns(HorizonCacheWarning, match=f.name):
        c = cached_horizon_mask(d, 12, 5.0, directory=tmp_path)
    np.testing.assert_array_equal(a, c)
