"""Faults of the build, tested like features: what the user sees when two builds run at
once, and when the build's bookkeeping files are damaged or the cache is gone.

The book builds run a tiny two-page book (helpers from ``test_staleness``) in a temporary
copy of the project; the lock's own behaviour is tested directly, without a build.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bookbuild.sphinxext import lock
from bookbuild.sphinxext.execution import FINGERPRINT_FILE, TIMES_FILE, _load_times
from buildhelpers import BUILD_FLAGS, jupyter_book

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


# --- killed builds, crashed and hanging kernels ------------------------------------------------

def _page(code: str) -> str:
    return staleness.HEADER + "\n(chap-fault)=\n# Fault\n\n```{code-cell} ipython3\n" + code + "\n```\n"


def _add_fault_page(root, code: str, timeout: int | None = None):
    (root / "book" / "fault.md").write_text(_page(code))
    toc = (root / "_toc.yml").read_text()
    (root / "_toc.yml").write_text(toc + "  - file: book/fault\n")
    if timeout is not None:
        config = (root / "_config.yml").read_text()
        assert "  timeout: 120\n" in config
        (root / "_config.yml").write_text(config.replace("  timeout: 120\n", f"  timeout: {timeout}\n"))


def _start_build(root):
    env = {**os.environ, "PYTHONWARNINGS": "", "BOOKBUILD_EXECUTION_WORKERS": "2",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(root / "code"), os.environ.get("PYTHONPATH")]))}
    return subprocess.Popen([*jupyter_book(), "build", str(root), *BUILD_FLAGS], cwd=root,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)


def _finish(build):
    """Kill what is left of a build started by :func:`_start_build` and close its pipe."""
    if build.poll() is None:
        os.killpg(build.pid, 9)
    build.communicate()


def _wait_for(path: Path, process, seconds=300.0):
    import time

    deadline = time.monotonic() + seconds
    while not path.exists():
        assert process.poll() is None, "the build ended before the page started"
        assert time.monotonic() < deadline, f"{path.name} never appeared"
        time.sleep(0.1)


def _descendants(pid):
    psutil = pytest.importorskip("psutil")
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def _all_gone(processes, seconds=30.0) -> list:
    psutil = pytest.importorskip("psutil")
    _, alive = psutil.wait_procs(processes, timeout=seconds)
    return alive


def _processes_in(root) -> list:
    """Processes whose working folder lies in ``root`` (a page's kernel runs in the page's folder)."""
    psutil = pytest.importorskip("psutil")
    found = []
    for proc in psutil.process_iter(["cwd"]):
        cwd = proc.info.get("cwd") or ""
        if cwd.startswith(str(root)):
            found.append(proc)
    return found


SLEEPER = ("import pathlib, time\npathlib.Path('started').write_text('yes')\ntime.sleep(120)\n"
           "print('woke up')")


@pytest.mark.book
@pytest.mark.parametrize("signal_name", ["SIGINT", "SIGTERM"])
def test_interrupted_build_leaves_no_process_behind(tmp_path, signal_name):
    import signal

    root = staleness.make_book(tmp_path)
    _add_fault_page(root, SLEEPER)
    build = _start_build(root)
    try:
        _wait_for(root / "book" / "started", build)
        processes = _descendants(build.pid)
        assert len(processes) >= 2, "the build runs kernels"  # the server and the page's kernel at least
        os.killpg(build.pid, getattr(signal, signal_name))  # Ctrl-C reaches the whole foreground group
        build.communicate(timeout=120)
        assert build.returncode != 0
        alive = _all_gone(processes)
        assert not alive, f"left behind: {[p.cmdline() for p in alive]}"
    finally:
        _finish(build)


@pytest.mark.book
def test_killed_build_leaves_no_process_behind_and_the_next_build_is_correct(tmp_path):
    import signal

    root = staleness.make_book(tmp_path)
    (root / "book" / "fault.md").write_text(_page(
        "import os, pathlib, time\n"
        "if not pathlib.Path('started').exists():\n"
        "    pathlib.Path('started').write_text('yes')\n"
        "    time.sleep(120)\n"
        "print('second run')"))
    (root / "_toc.yml").write_text((root / "_toc.yml").read_text() + "  - file: book/fault\n")
    build = _start_build(root)
    try:
        _wait_for(root / "book" / "started", build)
        processes = _descendants(build.pid)
        build.send_signal(signal.SIGKILL)  # the build process alone, as an out-of-memory kill would
        build.communicate(timeout=60)
        alive = _all_gone(processes)
        assert not alive, f"left behind: {[p.cmdline() for p in alive]}"
    finally:
        _finish(build)
    staleness.set_probe(root, 44)
    result, log = staleness.build(root)
    assert result.returncode == 0, log[-3000:]
    assert "probe value 44" in staleness.page(root, "probe")
    assert "second run" in staleness.page(root, "fault")


@pytest.mark.book
def test_a_kernel_that_aborts_fails_the_build_with_the_page_named(tmp_path):
    root = staleness.make_book(tmp_path)
    _add_fault_page(root, "import os\nos.abort()")
    result, log = staleness.build(root)
    assert result.returncode != 0
    assert "book/fault" in log and ("DeadKernelError" in log or "Kernel died" in log), log[-3000:]
    assert not _all_gone(_processes_in(root), seconds=10)


@pytest.mark.book
def test_a_hanging_cell_times_out_and_fails_the_build(tmp_path):
    import time

    root = staleness.make_book(tmp_path)
    _add_fault_page(root, "import time\ntime.sleep(600)", timeout=5)
    start = time.monotonic()
    result, log = staleness.build(root)
    assert result.returncode != 0
    assert "book/fault" in log and ("CellTimeoutError" in log or "timed out" in log.lower()), log[-3000:]
    # two runs of five seconds (the parallel one and myst-nb's), not ten minutes
    assert time.monotonic() - start < 300
    assert not _all_gone(_processes_in(root), seconds=10)


@pytest.mark.book
@pytest.mark.slow
def test_a_book_of_250_pages_builds_with_a_steady_time_per_page(tmp_path):
    # Before the kernels' standard output went to the build's, every forked kernel left a
    # banner in a pipe nobody read; after about 170 kernels the pipe was full and each later
    # page waited out a start timeout. 250 small pages in one build cover that and more.
    import re
    import statistics

    from bookbuild.synthetic import synthetic_output, write_synthetic_book

    root = staleness.make_book(tmp_path)
    names = write_synthetic_book(root, 250)
    result, log = staleness.build(root)
    assert result.returncode == 0, log[-3000:]
    for k in (1, 125, 250):
        assert synthetic_output(k) in staleness.page(root, f"synthetic/p{k:04d}")
    times = [float(t) for t in re.findall(r"\[bookbuild\] executed book/synthetic/p\d+ in ([\d.]+) s", log)]
    assert len(times) == len(names), "every page ran in the parallel pre-execution"
    first, last = statistics.median(times[:50]), statistics.median(times[-50:])
    assert last <= 3 * first + 1.0, f"pages slowed down during the build: {first:.2f} s -> {last:.2f} s"
    assert "the fast path broke" not in log and "start the ordinary way" not in log


def test_an_unwritable_build_folder_is_a_clear_error(tmp_path, monkeypatch):
    # As root the operating system lets every write through, so the check is exercised by
    # making os.access answer as it would for another user.
    build = tmp_path / "_build"
    build.mkdir()
    real = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: False if Path(p) == build else real(p, mode))
    with pytest.raises(lock.BuildFolderUnwritable, match=r"not writable.*--path-output"):
        lock.acquire(build / lock.LOCK_FILE)


def test_a_lock_file_that_cannot_be_created_is_a_clear_error(tmp_path):
    blocker = tmp_path / "_build"
    blocker.write_text("a file where the build folder should be")
    with pytest.raises(lock.BuildFolderUnwritable, match="cannot create the lock file"):
        lock.acquire(blocker / lock.LOCK_FILE)


def test_a_read_only_cache_stops_the_build_before_it_runs_anything(tmp_path, monkeypatch):
    from types import SimpleNamespace

    from sphinx.errors import ConfigError

    doctrees = tmp_path / "_build" / ".doctrees"
    cache = tmp_path / "_build" / ".jupyter_cache"
    cache.mkdir(parents=True)
    real = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: False if Path(p) == cache else real(p, mode))
    app = SimpleNamespace(doctreedir=str(doctrees))
    with pytest.raises(ConfigError, match=r"\.jupyter_cache is not writable"):
        lock._acquire_for_build(app)
    lock.release(lock.acquire(tmp_path / "_build" / lock.LOCK_FILE))  # the lock was let go


def _read_only_build(root, folder):
    """Build ``root`` with ``folder`` (inside it) on a read-only mount: a bind mount in a
    private mount namespace, so that even root cannot write there (file permissions would
    not stop root). Returns (process, log), or skips where mount namespaces are not allowed."""
    unshare = shutil.which("unshare")
    probe = subprocess.run([unshare, "--mount", "true"], capture_output=True) if unshare else None
    if probe is None or probe.returncode != 0:
        pytest.skip("cannot make a read-only mount here (util-linux unshare with mount namespaces needed)")
    env = {**os.environ, "PYTHONWARNINGS": "", "BOOKBUILD_EXECUTION_WORKERS": "2",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(root / "code"), os.environ.get("PYTHONPATH")]))}
    script = ('mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@"')
    result = subprocess.run([unshare, "--mount", "--propagation", "private", "sh", "-c", script, "sh", str(folder),
                             *jupyter_book(), "build", str(root), *BUILD_FLAGS],
                            cwd=root, env=env, capture_output=True, text=True, timeout=900)
    return result, result.stdout + result.stderr


@pytest.mark.book
@pytest.mark.parametrize("read_only", ["_build", "_build/.jupyter_cache"])
def test_a_read_only_build_folder_stops_the_build_with_a_clear_error(tmp_path, read_only):
    """A build folder (or its cache) on a read-only file system: one clear line naming the
    folder, no page run, no process left behind; made writable again, the book builds."""
    root = staleness.make_book(tmp_path)
    result, log = staleness.build(root)
    assert result.returncode == 0, log[-3000:]
    def outputs():  # every file of the build folder but the lock, which a refused build may take
        return {p: p.stat().st_mtime_ns for p in (root / "_build").rglob("*")
                if p.is_file() and p.name != lock.LOCK_FILE}

    stamp = outputs()

    result, log = _read_only_build(root, root / read_only)
    assert result.returncode != 0
    assert f"the build folder {root / read_only} is not writable (it is on a read-only file system)" in log
    assert staleness.executed(log) == set()
    assert not _processes_in(root), "a kernel outlived the failed build"
    assert outputs() == stamp, "the refused build changed the build folder"

    result, log = staleness.build(root)  # writable again (the mount was the build's alone)
    assert result.returncode == 0, log[-3000:]
    assert "probe value 41" in staleness.page(root, "probe")
