"""One build at a time per build folder.

Two builds of the same book share the executed-page cache, the saved Sphinx environment
and the output folder; run at once they would overwrite each other's files. The first
build takes an exclusive lock on ``<build folder>/.bookbuild.lock`` as Sphinx starts and
writes its process ID into it; a second build finds the lock taken and stops at once with
an error naming that process. The operating system releases the lock when the holding
process ends, however it ends, so a killed build never blocks the next one.
"""

from __future__ import annotations

import os
from pathlib import Path

#: Name of the lock file in the build folder (the parent of Sphinx's output folder).
LOCK_FILE = ".bookbuild.lock"


class BuildLocked(RuntimeError):
    """Another build holds the lock of this build folder."""


class BuildFolderUnwritable(RuntimeError):
    """The build folder, or the execution cache in it, cannot be written."""


def check_writable(folder) -> None:
    """Raise :class:`BuildFolderUnwritable` if ``folder`` exists but this process may not write
    to it (a read-only ``_build`` or cache would otherwise fail a page, not the build)."""
    folder = Path(folder)
    if folder.is_dir() and not os.access(folder, os.W_OK | os.X_OK):
        where = ("it is on a read-only file system" if _read_only_mount(folder)
                 else "this user may not write there")
        raise BuildFolderUnwritable(
            f"the build folder {folder} is not writable ({where}); make it writable, remove it, "
            f"or build elsewhere with `jupyter-book build --path-output <folder>`")


def _read_only_mount(folder: Path) -> bool:
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):  # no statvfs (Windows): say what is likelier
        return False


def lock_path(app) -> Path:
    """The lock file of the build folder ``app`` writes into (``_build/.bookbuild.lock``)."""
    return Path(app.doctreedir).resolve().parent / LOCK_FILE


def acquire(path) -> int:
    """Take the lock at ``path`` without waiting and return its open file descriptor.

    Raises
    ------
    BuildLocked
        If another process holds it; the message names the file and that process's ID.
    """
    import fcntl

    path = Path(path)
    check_writable(path.parent)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as error:
        raise BuildFolderUnwritable(
            f"cannot create the lock file {path} ({error.strerror}); make the build folder writable, "
            f"or build elsewhere with `jupyter-book build --path-output <folder>`") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.pread(fd, 64, 0).decode("ascii", "replace").strip() or "unknown"
        os.close(fd)
        raise BuildLocked(
            f"another build of this book is running (process {holder}, lock file {path}); "
            f"wait for it to finish, or stop it, then build again") from None
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
    return fd


def release(fd: int) -> None:
    """Release a lock taken by :func:`acquire` (closing the descriptor releases it)."""
    os.close(fd)


def _acquire_for_build(app):
    from sphinx.errors import ConfigError

    try:
        path = lock_path(app)
        app.bookbuild_lock = acquire(path)
        check_writable(path.parent / ".jupyter_cache")
    except (BuildLocked, BuildFolderUnwritable) as error:
        fd, app.bookbuild_lock = getattr(app, "bookbuild_lock", None), None
        if fd is not None:
            release(fd)
        raise ConfigError(str(error)) from None


def _release_after_build(app, exception):
    fd, app.bookbuild_lock = getattr(app, "bookbuild_lock", None), None
    if fd is not None:
        release(fd)


def setup_lock(app):
    """Lock the build folder now (as the extension loads) and unlock it when the build ends."""
    if not hasattr(os, "fork"):  # fcntl is POSIX only; elsewhere builds are not guarded
        return
    _acquire_for_build(app)
    app.connect("build-finished", _release_after_build, priority=900)
