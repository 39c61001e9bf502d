"""Start IPython kernels by forking a process that has already imported the heavy modules.

A fresh ``python -m ipykernel_launcher`` spends most of a second importing
IPython, ipykernel, numpy, scipy and matplotlib before it runs the first cell;
a page of the book then spends about as long again importing them itself. The
book's pages are short, so start-up is most of their cost. Here a *server*
imports those modules once and forks one child per kernel: the child runs
``ipykernel_launcher``'s entry point with the same arguments, environment and
working directory, in a process whose imports are already done. What a fork
would otherwise share with its siblings is made fresh or equal: the child leads
its own session, dies with the server (Linux ``PR_SET_PDEATHSIG``), writes its
standard output and error where an ordinary kernel would (the build's), knows its
parent (no "NOTE" banner), and reseeds ``random`` and numpy's global generator
from the operating system. The hash seed cannot be changed after start, so the
build runs the server and ordinary kernels with the same ``PYTHONHASHSEED``.
State that a module keeps from import time (a file it opened, an environment
variable it read) is still the server's: forking is only used on Linux, and
tests compare forked and ordinary runs of the book's own pages.

Three pieces:

- :func:`serve` -- the server (run by :class:`ForkServer`); it stops when its
  standard input closes, and kills the kernels still running;
- the *stand-in* -- this file run as a script with ``client`` as first argument;
  it is what jupyter_client launches in place of the kernel: it asks the server
  for a kernel, forwards signals to it, and exits with its exit status. If the
  stand-in dies (jupyter_client kills it), the server kills its kernel;
- :func:`forking_kernel_manager` -- a jupyter_client kernel manager class whose kernel
  specification names the provisioner :class:`bookbuild.forkprovisioner.ForkProvisioner`,
  which launches the stand-in instead of ``python -m ipykernel_launcher``.

Kernels of another interpreter or another launcher start the ordinary way.
The stand-in runs as ``python -I -S`` (standard library only, nothing from the
script's folder), so this module imports only the standard library at its top.
"""

from __future__ import annotations

import json
import selectors
import os
import signal
import socket
import struct
import sys

#: Modules the server imports before forking (missing ones are skipped): the
#: kernel's own and those the pages import. Not the inline backend
#: (``matplotlib_inline.backend_inline``): importing it hooks it into the running
#: IPython shell, so each kernel imports it itself, when its page first draws.
#: ``matplotlib.pyplot`` only picks its backend then, so it can be loaded here.
PRELOAD = (
    "numpy", "scipy", "scipy.optimize", "scipy.integrate", "scipy.linalg", "scipy.special",
    "scipy.sparse",
    "matplotlib", "matplotlib.figure", "matplotlib.axes", "matplotlib.backend_bases",
    "matplotlib.backends.backend_agg", "matplotlib.backends.backend_svg", "matplotlib.colors",
    "matplotlib.font_manager", "matplotlib.mathtext", "matplotlib.pyplot", "matplotlib.style",
    "matplotlib.animation", "contourpy", "PIL.PngImagePlugin", "cycler",
    "IPython", "IPython.core.interactiveshell", "IPython.core.completer", "IPython.display",
    "IPython.core.pylabtools", "sqlite3", "bdb",
    "ipykernel", "ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.zmqshell", "ipykernel.debugger",
    "psutil",  # ipykernel imports it at shutdown to look for child processes
    "nbformat", "myst_nb.ext.glue", "gdflow",
    "cvxpy", "PEPit", "PEPit.functions", "PEPit.primitive_steps",  # gdflow.pep imports them on first use
    "altair", "vl_convert",  # gdflow.explorers (the interactive figures)
    "bookbuild.claimstore",  # gdflow.claims loads it in a book build (GDFLOW_CLAIM_STORE)
)

#: Functions (``module:function``) the server calls once its imports are done, to
#: fill caches the kernels then inherit; a failing one is skipped.
WARM_UP = ("gdflow.warmup:warm_caches",)


def _send(conn, data: bytes) -> None:
    conn.sendall(struct.pack("!I", len(data)) + data)


def _recv_exact(conn, n: int) -> bytes:
    chunks = b""
    while len(chunks) < n:
        chunk = conn.recv(n - len(chunks))
        if not chunk:
            raise EOFError("connection closed")
        chunks += chunk
    return chunks


def _recv(conn) -> bytes:
    (size,) = struct.unpack("!I", _recv_exact(conn, 4))
    return _recv_exact(conn, size)


# --- server ------------------------------------------------------------------------------------

def preload(modules=PRELOAD, warm_up=WARM_UP) -> list[str]:
    """Import ``modules`` (skipping those that fail), then call the ``warm_up``
    functions; return the modules imported."""
    import importlib

    # ipykernel sets this default when a kernel starts; matplotlib reads it on import.
    if not os.environ.get("MPLBACKEND"):
        os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    # Silences debugpy's note on frozen modules; each kernel gets its own environment back.
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    done = []
    for name in [*modules, *_package_modules()]:
        try:
            importlib.import_module(name)
        except Exception:  # an optional module: the kernel imports it itself if it needs it
            continue
        done.append(name)
    for target in warm_up:
        module, _, function = target.partition(":")
        try:
            getattr(importlib.import_module(module), function)()
        except Exception:  # caches only: a kernel fills them itself if need be
            continue
    return done


def _package_modules(package: str = "gdflow", skip=()) -> list[str]:
    """Every module of ``package`` (the claim checks import scipy.stats: a third of a
    second per page otherwise), except the submodules named in ``skip``."""
    import importlib
    import pkgutil

    try:
        root = importlib.import_module(package)
    except Exception:
        return []
    names, folders = [], [(root.__path__, f"{package}.")]
    while folders:  # walk by hand: pkgutil.walk_packages would import the skipped packages
        path, prefix = folders.pop()
        for info in pkgutil.iter_modules(path):
            if info.name in skip:
                continue
            names.append(prefix + info.name)
            if info.ispkg:
                folders.append(([os.path.join(p, info.name) for p in path], f"{prefix}{info.name}."))
    return sorted(names)


#: ``prctl`` option asking the kernel to send a signal to this process when its parent dies.
PR_SET_PDEATHSIG = 1


def _die_with_parent(parent: int) -> None:
    """Linux: receive SIGKILL when the server exits, however it exits; exit now if it already has."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    if os.getppid() != parent:  # the server died between fork and prctl
        os._exit(1)


def _fresh_random_state() -> None:
    """Reseed the generators a fork would otherwise share with its siblings."""
    import random

    random.seed()
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        numpy.random.seed()


def _run_kernel(request: dict, parent: int) -> None:
    """In the forked child: become ``python -m ipykernel_launcher ARGS`` and never return.

    ``parent`` is the server's process id.
    """
    code = 1
    try:
        os.setsid()  # its own session and process group, like a kernel jupyter_client starts
        _die_with_parent(parent)
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.close(devnull)
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGCHLD, signal.SIGHUP):
            signal.signal(sig, signal.SIG_DFL)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        _fresh_random_state()
        # ipykernel reads JPY_PARENT_PID when it is imported (in the server, where it is unset);
        # without it the kernel prints a banner to standard output and polls no parent.
        parent_handle = int(os.environ.get("JPY_PARENT_PID") or 0)
        sys.argv = ["ipykernel_launcher", *request["argv"], f"--IPKernelApp.parent_handle={parent_handle}"]
        from ipykernel import kernelapp

        kernelapp.launch_new_instance()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:
        import traceback

        traceback.print_exc()
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def serve(address: str, ready_fd: int | None = None) -> None:
    """Listen on the Unix socket ``address`` and fork one kernel per request.

    Writes ``ready`` to the file descriptor ``ready_fd`` (standard output if None) once
    listening, then closes it; returns when standard input reaches end of file, or on
    SIGTERM or SIGINT, after killing the kernels still running.
    """

    stopping: list[int] = []

    def stop(signum, frame):
        # A flag, not an exception: a signal that lands while Python runs an at-fork
        # callback (logging registers one) would have its exception printed and ignored,
        # and the server would run on with its kernels.
        stopping.append(signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    preload()
    if sys.path and sys.path[0] == "":
        del sys.path[0]
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(address)
    listener.listen(64)
    sel = selectors.DefaultSelector()
    sel.register(listener, selectors.EVENT_READ, "accept")
    sel.register(sys.stdin, selectors.EVENT_READ, "stdin")
    kernels: dict[int, socket.socket] = {}  # kernel pid -> its stand-in's connection
    owners: dict[socket.socket, int] = {}
    if ready_fd is None:
        sys.stdout.write("ready\n")
        sys.stdout.flush()
    else:
        os.write(ready_fd, b"ready\n")
        os.close(ready_fd)
    try:
        _serve_loop(sel, listener, kernels, owners, stopping)
    finally:
        for pid in list(kernels):
            _kill(pid)
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass
        listener.close()


def _serve_loop(sel, listener, kernels, owners, stopping=()) -> None:
    server = os.getpid()
    running = True
    while running and not stopping:
        for key, _ in sel.select(timeout=0.05):
            if key.data == "stdin":
                if not os.read(sys.stdin.fileno(), 4096):
                    running = False
            elif key.data == "accept":
                conn, _ = listener.accept()
                try:
                    request = json.loads(_recv(conn))
                except (EOFError, ValueError, OSError):
                    conn.close()
                    continue
                pid = os.fork()
                if pid == 0:
                    sel.close()
                    listener.close()
                    conn.close()
                    _run_kernel(request, server)
                kernels[pid] = conn
                owners[conn] = pid
                _send(conn, str(pid).encode())
                sel.register(conn, selectors.EVENT_READ, "client")
            else:  # a stand-in went away (killed): its kernel goes too
                conn = key.fileobj
                try:
                    gone = not conn.recv(1)
                except OSError:
                    gone = True
                if gone:
                    sel.unregister(conn)
                    pid = owners.pop(conn, None)
                    if pid is not None and pid in kernels:
                        _kill(pid)
                    conn.close()
        while kernels:  # reap finished kernels and tell their stand-ins
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
            conn = kernels.pop(pid, None)
            if conn is not None and owners.pop(conn, None) is not None:
                try:
                    _send(conn, str(os.waitstatus_to_exitcode(status)).encode())
                except OSError:
                    pass
                sel.unregister(conn)
                conn.close()


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


# --- stand-in ----------------------------------------------------------------------------------

def client(address: str, argv: list[str]) -> int:
    """Ask the server at ``address`` for a kernel with ``argv``; wait for it; return its status."""
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    conn.connect(address)
    _send(conn, json.dumps({"argv": argv, "cwd": os.getcwd(), "env": dict(os.environ)}).encode())
    pid = int(_recv(conn))

    def forward(signum, frame):
        try:
            os.kill(pid, signum)
        except ProcessLookupError:
            pass

    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1, signal.SIGUSR2):
        signal.signal(sig, forward)
    while True:
        try:
            return int(_recv(conn))
        except InterruptedError:
            continue
        except (EOFError, OSError, ValueError):
            return 1


# --- the pieces the build uses -----------------------------------------------------------------

#: Seconds to wait for the server to report that it listens (its imports take a few seconds).
READY_TIMEOUT = 120.0


class ForkServer:
    """A running server; ``with ForkServer() as server:`` starts it and stops it after."""

    def __init__(self, env=None):
        import tempfile

        self._dir = tempfile.TemporaryDirectory(prefix="bookbuild-kernels-")
        self.address = os.path.join(self._dir.name, "server.sock")
        self._env = env
        self.process = None
        self._ready_pipe = None
        self._ready = False

    def start(self) -> "ForkServer":
        """Start the server process and return at once (it imports while the caller works).

        The server's standard output and error are the caller's, so forked kernels write
        where ordinary kernels write; it reports that it listens on a pipe of its own.
        """
        import subprocess

        read_end, write_end = os.pipe()
        code = ("import sys; from bookbuild.forkkernel import serve; "
                "serve(sys.argv[1], int(sys.argv[2]))")
        try:
            self.process = subprocess.Popen([sys.executable, "-c", code, self.address, str(write_end)],
                                            stdin=subprocess.PIPE, pass_fds=(write_end,), env=self._env)
        except BaseException:
            os.close(read_end)
            raise
        finally:
            os.close(write_end)
        self._ready_pipe = os.fdopen(read_end, "rb", buffering=0)
        self._ready = False
        return self

    def wait_ready(self, timeout: float = READY_TIMEOUT) -> "ForkServer":
        """Wait until the server listens; raise RuntimeError (and stop it) if it failed or
        did not report within ``timeout`` seconds."""
        import select
        import subprocess

        if self.process is None:
            raise RuntimeError("the kernel fork server is not running")
        if not self._ready:
            readable, _, _ = select.select([self._ready_pipe], [], [], timeout)
            line = self._ready_pipe.readline() if readable else b""
            if line.strip() != b"ready":
                status = self.process.poll()
                if readable and status is None:  # the pipe closed: the server is exiting
                    try:
                        status = self.process.wait(timeout=5)
                    except subprocess.TimeoutExpired:
                        pass
                if not readable:  # stuck (in its imports): it has no kernels yet, stop it now
                    self.process.kill()
                self.close()
                if not readable:
                    raise RuntimeError(f"the kernel fork server did not start within {timeout:g} s")
                raise RuntimeError(f"the kernel fork server did not start (exit status {status})")
            self._ready = True
        return self

    def __enter__(self) -> "ForkServer":
        return self.start().wait_ready()

    def close(self) -> None:
        if self.process is not None:
            import subprocess

            try:
                self.process.stdin.close()
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            finally:
                if self._ready_pipe is not None:
                    self._ready_pipe.close()
                    self._ready_pipe = None
                self.process = None
        self._dir.cleanup()

    def __exit__(self, *exc) -> None:
        self.close()

    def kernel_manager_class(self):
        """A kernel manager class whose Python kernels come from this server."""
        return forking_kernel_manager(self.address)


def forking_kernel_manager(address: str):
    """jupyter_client's ``AsyncKernelManager``, its ``python3`` kernels coming from the server at ``address``.

    Only public extension points: the kernel specification it reads names the provisioner
    :class:`bookbuild.forkprovisioner.ForkProvisioner` (registered by entry point), which
    launches the stand-in; and two traits: kernel and client talk over Unix sockets in the
    server's private folder rather than TCP ports. A notebook asking for another kernel
    than ``python3`` fails to start here (jupyter_client's ``NoSuchKernel``) and runs the
    ordinary way.
    """
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import default

    from .forkprovisioner import write_kernel_spec

    specs = write_kernel_spec(os.path.join(os.path.dirname(address), "kernels"), address)

    class ForkingKernelManager(AsyncKernelManager):
        @default("kernel_spec_manager")
        def _forked_python(self):
            return KernelSpecManager(kernel_dirs=[specs], ensure_native_kernel=False, parent=self)

        @default("transport")
        def _local_sockets(self):
            # Kernel and client share this machine: Unix sockets rather than TCP ports
            # (about which ipykernel warns at every start, its messages not being encrypted).
            return "ipc"

        @default("ip")
        def _socket_path(self):
            # An absolute path in the server's private folder: jupyter_client's default is
            # relative, and the kernel runs in the page's folder, the client elsewhere.
            import uuid

            return os.path.join(os.path.dirname(address), f"kernel-{uuid.uuid4().hex[:12]}")

    return ForkingKernelManager


if __name__ == "__main__" and len(sys.argv) >= 3 and sys.argv[1] == "client":
    sys.exit(client(sys.argv[2], sys.argv[3:]))
