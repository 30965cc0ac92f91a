"""Horizon cache under faults: bad files, an unwritable folder, temp files of dead writers.

Every bad file must be detected, named in one warning, deleted and recomputed to exactly
the clean result; an unwritable folder must give the same result uncached.
"""

import os
import subprocess
import sys
import tempfile
import time
import warnings

import numpy as np
import pytest

from lupex.surface import cache
from lupex.surface.cache import HorizonCacheWarning, cached_horizon_mask, remove_stale_tmp
from lupex.surface.dem import Dem
from lupex.surface.horizon import horizon_mask

N_AZ, DIST_KM = 12, 5.0


def _dem():
    h = np.zeros((20, 24))
    h[10, 12] = 300.0
    h[4, 5] = -150.0
    return Dem(h, -1.0, 1.0, 0.05)


def _uncached():
    """What any cache path must return: the direct mask, quantised to 0.01 deg."""
    q = np.round(np.degrees(horizon_mask(_dem(), N_AZ, DIST_KM)) / 0.01).astype(np.int16)
    return np.radians(q.astype(np.float32) * np.float32(0.01)).astype(np.float32)


def _run(folder):
    return cached_horizon_mask(_dem(), N_AZ, DIST_KM, directory=folder)


def _one_file(folder):
    (f,) = folder.glob("horizon-*.npy")
    return f


def _data_offset(path):
    with open(path, "rb") as fh:
        np.lib.format.read_magic(fh)
        np.lib.format.read_array_header_1_0(fh)
        return fh.tell()


def _assert_recomputed(folder, bad, clean, monkeypatch):
    """One warning names ``bad``; the result equals ``clean``; the rewritten file is a hit."""
    with pytest.warns(HorizonCacheWarning, match=bad.name) as rec:
        again = _run(folder)
    assert len([w for w in rec if issubclass(w.category, HorizonCacheWarning)]) == 1
    np.testing.assert_array_equal(again, clean)
    _one_file(folder)  # exactly one (rewritten) file
    with monkeypatch.context() as m:
        m.setattr(cache, "horizon_mask", lambda *a, **k: 1 / 0)
        np.testing.assert_array_equal(_run(folder), clean)


def test_clean_cache_is_bit_identical_to_uncached(tmp_path, monkeypatch):
    expect = _uncached()
    first = _run(tmp_path)
    np.testing.assert_array_equal(first, expect)
    monkeypatch.setattr(cache, "horizon_mask", lambda *a, **k: 1 / 0)
    np.testing.assert_array_equal(_run(tmp_path), expect)
    f = _one_file(tmp_path)
    assert f.stem.split("-")[-1] == cache.content_check(np.load(f))


def _zero_data(f):
    off = _data_offset(f)
    f.write_bytes(f.read_bytes()[:off] + bytes(f.stat().st_size - off))


def _flip_data_byte(f):
    b = bytearray(f.read_bytes())
    i = (_data_offset(f) + len(b)) // 2
    b[i] ^= 0x01
    f.write_bytes(bytes(b))


def _truncate(f):
    f.write_bytes(f.read_bytes()[: f.stat().st_size // 2])


def _out_of_range(f):
    # values far outside +-9000 hundredths of a degree, written under the original name
    q = np.load(f)
    q[0, 0, :] = 32000
    np.save(f, q)


def _empty(f):
    f.write_bytes(b"")


@pytest.mark.parametrize("corrupt", [_zero_data, _flip_data_byte, _truncate, _out_of_range, _empty])
def test_corrupt_file_is_warned_deleted_and_recomputed(tmp_path, monkeypatch, corrupt):
    clean = _run(tmp_path)
    f = _one_file(tmp_path)
    corrupt(f)
    _assert_recomputed(tmp_path, f, clean, monkeypatch)


def test_out_of_range_values_with_a_matching_checksum_are_rejected(tmp_path, monkeypatch):
    # a writer that stored nonsense (and hashed it) is caught by the physical range check
    clean = _run(tmp_path)
    f = _one_file(tmp_path)
    q = np.load(f)
    q[3, 4, 5] = -9001  # -90.01 deg
    f.unlink()
    bad = f.with_name(f"{f.stem.rsplit('-', 1)[0]}-{cache.content_check(q)}.npy")
    np.save(bad, q)
    _assert_recomputed(tmp_path, bad, clean, monkeypatch)


def test_every_flipped_header_byte_is_survived(tmp_path):
    clean = _run(tmp_path)
    f = _one_file(tmp_path)
    good = f.read_bytes()
    for i in range(_data_offset(f)):
        b = bytearray(good)
        b[i] ^= 0xFF
        for old in tmp_path.glob("horizon-*.npy"):
            old.unlink()
        f.write_bytes(bytes(b))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", HorizonCacheWarning)
            np.testing.assert_array_equal(_run(tmp_path), clean, err_msg=f"byte {i}")


def _assert_uncached_once(folder, monkeypatch):
    monkeypatch.setattr(cache, "_warned_unwritable", set())
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        a = _run(folder)
        b = _run(folder)  # the second run warns no more
    (w,) = [w for w in rec if issubclass(w.category, HorizonCacheWarning)]
    assert f"cache at {folder} is not writable" in str(w.message)
    np.testing.assert_array_equal(a, _uncached())
    np.testing.assert_array_equal(b, a)


def test_read_only_folder_runs_uncached(tmp_path, monkeypatch):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        if os.access(ro, os.W_OK):
            pytest.skip("chmod does not stop this user (root); see the monkeypatched test")
        _assert_uncached_once(ro, monkeypatch)
        assert list(ro.iterdir()) == []
    finally:
        ro.chmod(0o700)


def test_write_permission_error_runs_uncached(tmp_path, monkeypatch):
    # works as root too: the temp file cannot be created
    def refuse(*a, **k):
        raise PermissionError(13, "Permission denied", str(tmp_path))

    monkeypatch.setattr(cache.tempfile, "mkstemp", refuse)
    _assert_uncached_once(tmp_path, monkeypatch)
    assert list(tmp_path.iterdir()) == []


def test_folder_below_a_file_runs_uncached(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    _assert_uncached_once(blocker / "horizons", monkeypatch)


def test_failed_write_leaves_no_temp_file(tmp_path, monkeypatch):
    def full(*a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(cache.np, "save", full)
    _assert_uncached_once(tmp_path, monkeypatch)
    assert list(tmp_path.iterdir()) == []


def _dead_pid():
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


def _tmp(folder, prefix, age_s=0.0):
    fd, name = tempfile.mkstemp(prefix=prefix, suffix=".npy.tmp", dir=folder)
    os.write(fd, b"\x93NUMPY partial")
    os.close(fd)
    t = time.time() - age_s
    os.utime(name, (t, t))
    return os.path.basename(name)


def test_stale_temp_files_of_dead_writers_are_removed(tmp_path):
    dead = _tmp(tmp_path, cache._tmp_prefix(_dead_pid()))
    mine = _tmp(tmp_path, cache._tmp_prefix(os.getpid()), age_s=86400.0)
    other_host = _tmp(tmp_path, f".horizon-00000000-{_dead_pid()}-")  # fresh: kept
    old_host = _tmp(tmp_path, ".horizon-00000000-1-", age_s=7200.0)
    legacy_old = _tmp(tmp_path, ".horizon-", age_s=7200.0)
    legacy_new = _tmp(tmp_path, ".horizon-", age_s=60.0)
    unrelated = tmp_path / "notes.tmp"
    unrelated.write_text("keep")
    removed = {p.name for p in remove_stale_tmp(tmp_path)}
    assert removed == {dead, old_host, legacy_old}
    left = {p.name for p in tmp_path.iterdir()}
    assert left == {mine, other_host, legacy_new, "notes.tmp"}


def test_temp_file_of_a_killed_writer_is_removed_on_next_use(tmp_path):
    # a real writer: creates its temp file the way the cache does, then is SIGKILLed
    code = (
        "import sys, tempfile, time\n"
        "from lupex.surface import cache\n"
        "fd, n = tempfile.mkstemp(prefix=cache._tmp_prefix(), suffix='.npy.tmp',"
        " dir=sys.argv[1])\n"
        "print(n, flush=True)\n"
        "time.sleep(60)\n"
    )
    p = subprocess.Popen([sys.executable, "-c", code, str(tmp_path)], stdout=subprocess.PIPE)
    try:
        name = p.stdout.readline().decode().strip()
        assert os.path.exists(name)
        assert remove_stale_tmp(tmp_path) == []  # writer alive: kept
    finally:
        p.kill()
        p.wait()
        p.stdout.close()
    clean = _run(tmp_path)  # next use of the cache cleans up
    assert not os.path.exists(name)
    np.testing.assert_array_equal(clean, _uncached())
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
