"""Faults of the build, tested like features: what the user sees when two builds run at
once, and when the build's bookkeeping files are damaged or the cache is gone.

The book builds run a tiny two-page book (helpers from ``test_staleness``) in a temporary
copy of the project; the lock's own behaviour is tested directly, without a build.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bookbuild.sphinxext import lock
from bookbuild.sphinxext.execution import FINGERPRINT_FILE, TIMES_FILE, _load_times

pytestmark = pytest.mark.faults

_spec = importlib.util.spec_from_file_location("staleness", Path(__file__).with_name("test_staleness.py"))
staleness = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(staleness)


def test_second_lock_on_the_same_folder_is_refused_with_the_holders_pid(tmp_path):
    path = tmp_path / "_build" / lock.LOCK_FILE
    fd = lock.acquire(path)
    try:
        with pytest.raises(lock.BuildLocked, match=rf"process {os.getpid()}\b.*{lock.LOCK_FILE}"):
            lock.acquire(path)
    finally:
        lock.release(fd)
    lock.release(lock.acquire(path))  # free again once released


def test_lock_of_a_killed_holder_is_free(tmp_path):
    path = tmp_path / lock.LOCK_FILE
    with subprocess.Popen(
            [sys.executable, "-c",
             "import sys, time; from bookbuild.sphinxext import lock; lock.acquire(sys.argv[1]); "
             "print('held', flush=True); time.sleep(600)", str(path)],
            stdout=subprocess.PIPE, text=True) as holder:
        try:
            assert holder.stdout.readline().strip() == "held"
            with pytest.raises(lock.BuildLocked, match=rf"process {holder.pid}\b"):
                lock.acquire(path)
        finally:
            holder.kill()
            holder.wait(timeout=30)
    lock.release(lock.acquire(path))  # the operating system released it with the process


def test_bad_times_file_is_ignored(tmp_path):
    (tmp_path / TIMES_FILE).write_text(json.dumps(["book/probe", 3.0]))
    assert _load_times(tmp_path) == {}
    (tmp_path / TIMES_FILE).write_bytes(b"\xff\xfe not text")
    assert _load_times(tmp_path) == {}
    (tmp_path / TIMES_FILE).write_text(json.dumps({"book/a": 2.5, "book/b": "slow", "book/c": True}))
    assert _load_times(tmp_path) == {"book/a": 2.5}


@pytest.mark.book
def test_second_build_at_once_stops_with_a_clear_message(tmp_path):
    root = staleness.make_book(tmp_path)
    fd = lock.acquire(root / "_build" / lock.LOCK_FILE)  # as a running build holds it
    try:
        result, log = staleness.build(root)
    finally:
        lock.release(fd)
    assert result.returncode != 0
    assert f"another build of this book is running (process {os.getpid()}" in log
    # (jupyter-book follows every failed build with its own traceback and box; the cause is
    # the one line above, asserted here.)
    assert staleness.executed(log) == set(), "nothing ran while the other build held the folder"
    assert not (root / "_build" / "html" / "book" / "probe.html").exists()

    result, log = staleness.build(root)  # the other build is over: this one goes through
    assert result.returncode == 0, log[-3000:]
    assert "probe value 41" in staleness.page(root, "probe")


@pytest.mark.book
def test_damaged_bookkeeping_or_lost_cache_never_serves_old_outputs(tmp_path):
    root = staleness.make_book(tmp_path)
    cache = root / "_build" / ".jupyter_cache"
    result, log = staleness.build(root)
    assert result.returncode == 0, log[-3000:]

    # Garbage in the fingerprint stamp and the times file: treated as absent, not a crash.
    (cache / FINGERPRINT_FILE).write_bytes(b"\xff\xfe\x00 not a fingerprint")
    (cache / TIMES_FILE).write_text(json.dumps(["book/probe", 1.0]))
    staleness.set_probe(root, 42)
    result, log = staleness.build(root)
    assert result.returncode == 0, log[-3000:]
    assert "probe value 42" in staleness.page(root, "probe")

    # The cache is lost while the saved environment still holds the page read with 42;
    # the package changes: the page must be read and run again, not kept from before.
    (cache / "global.db").unlink()
    staleness.set_probe(root, 43)
    result, log = staleness.build(root)
    assert result.returncode == 0, log[-3000:]
    html = staleness.page(root, "probe")
    assert "probe value 43" in html and "probe value 42" not in html
