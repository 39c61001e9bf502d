"""Faults of the forked-kernel path: large output, a killed server, shared state, a server that never starts."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time

import pytest
from nbclient import execute

from bookbuild import forkkernel
from bookbuild.forkkernel import ForkServer

from .test_forkkernel import notebook

pytestmark = [pytest.mark.faults,
              pytest.mark.skipif(not sys.platform.startswith("linux"), reason="kernels are forked on Linux only")]


def _gone(pid, seconds=10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


def test_a_megabyte_on_file_descriptor_1_neither_blocks_nor_stops_later_kernels(tmp_path, capfd):
    # Before: the server's unread stdout pipe filled up and every later kernel blocked in write(1).
    with ForkServer() as server:
        manager = server.kernel_manager_class()
        big = notebook(["import os\nos.write(1, b'x' * 2**20)\nprint('done')"])
        execute(big, cwd=str(tmp_path), kernel_manager_class=manager, timeout=60)
        assert big.cells[0].outputs[-1]["text"].endswith("done\n")
        for _ in range(3):  # later kernels still start
            small = notebook(["print(1 + 1)"])
            execute(small, cwd=str(tmp_path), kernel_manager_class=manager, timeout=60)
            assert small.cells[0].outputs[0]["text"] == "2\n"
    out = capfd.readouterr().out
    assert "NOTE: When using the `ipython kernel` entry point" not in out  # the kernel knows its parent


def test_forked_kernels_draw_different_random_numbers(tmp_path):
    cell = "import random, numpy as np\nprint(random.random(), np.random.random())"
    with ForkServer() as server:
        pages = [notebook([cell]) for _ in range(2)]
        for page in pages:
            execute(page, cwd=str(tmp_path), kernel_manager_class=server.kernel_manager_class())
    first, second = (page.cells[0].outputs[0]["text"].split() for page in pages)
    assert first[0] != second[0] and first[1] != second[1]


def test_hashes_agree_with_an_ordinary_kernel_under_one_hash_seed(tmp_path, monkeypatch):
    monkeypatch.setenv("PYTHONHASHSEED", "0")
    cell = "print(hash('abc'))"
    ordinary, forked = notebook([cell]), notebook([cell])
    execute(ordinary, cwd=str(tmp_path))
    with ForkServer() as server:  # started with the same environment
        execute(forked, cwd=str(tmp_path), kernel_manager_class=server.kernel_manager_class())
    assert forked.cells[0].outputs[0]["text"] == ordinary.cells[0].outputs[0]["text"]


def _start_kernel(server, tmp_path):
    """Start one forked kernel; return (manager, client, kernel pid, kernel session id)."""
    manager = server.kernel_manager_class()(kernel_name="python3")

    async def run():
        await manager.start_kernel(cwd=str(tmp_path))
        client = manager.client()
        client.start_channels()
        await client.wait_for_ready(timeout=60)
        msg_id = client.execute("import os; print(os.getpid(), os.getsid(0))")
        while True:
            msg = await client.get_iopub_msg(timeout=30)
            if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "stream":
                pid, sid = map(int, msg["content"]["text"].split())
                return client, pid, sid

    client, pid, sid = asyncio.run(run())
    return manager, client, pid, sid


def _stop(manager, client):
    client.stop_channels()

    async def run():
        try:
            await manager.shutdown_kernel(now=True)
        except Exception:
            pass
        client.context.destroy(linger=0)
        manager.context.destroy(linger=0)

    asyncio.run(run())


def test_a_kernel_leads_its_own_session_and_dies_with_a_killed_server(tmp_path):
    server = ForkServer().start().wait_ready()
    manager, client, pid, sid = _start_kernel(server, tmp_path)
    try:
        assert sid == pid  # its own session: a terminal's Ctrl-C reaches it only through its stand-in
        server.process.send_signal(signal.SIGKILL)
        server.process.wait()
        assert _gone(pid), f"kernel {pid} outlived its killed server"
    finally:
        _stop(manager, client)
        server.close()


def test_a_terminated_server_kills_its_kernels(tmp_path):
    server = ForkServer().start().wait_ready()
    manager, client, pid, _ = _start_kernel(server, tmp_path)
    try:
        server.process.send_signal(signal.SIGTERM)
        assert server.process.wait(timeout=30) == 0
        assert _gone(pid), f"kernel {pid} outlived its terminated server"
    finally:
        _stop(manager, client)
        server.close()


def test_a_server_that_never_reports_ready_times_out(monkeypatch):
    # a server stuck in its imports: the build waits a bounded time, then runs kernels the ordinary way
    monkeypatch.setattr(forkkernel, "PRELOAD", ())
    server = ForkServer()
    server.start()
    os.kill(server.process.pid, signal.SIGSTOP)
    try:
        with pytest.raises(RuntimeError, match="did not start within 0.5 s"):
            server.wait_ready(timeout=0.5)
        assert server.process is None  # stopped and reaped
    finally:
        server.close()


def test_a_server_that_dies_at_start_is_reported(tmp_path):
    server = ForkServer(env={**os.environ, "PYTHONPATH": str(tmp_path)})
    (tmp_path / "bookbuild").mkdir()
    (tmp_path / "bookbuild" / "__init__.py").write_text("raise SystemExit(3)\n")
    server.start()
    with pytest.raises(RuntimeError, match="exit status 3"):
        server.wait_ready(timeout=60)


def test_a_signal_that_lands_during_a_fork_still_stops_the_server(tmp_path):
    # Before: SIGINT arriving while the server ran logging's at-fork callback raised SystemExit
    # there; Python printed and ignored it, and the server ran on with its kernels, so a build
    # stopped with Ctrl-C waited out its page's timeout. A slow at-fork callback makes the
    # window wide enough to hit every time.
    import json
    import socket
    import subprocess

    address, forking = str(tmp_path / "server.sock"), tmp_path / "forking"
    code = ("import os, pathlib, sys, time\n"
            "def slow():\n"
            "    pathlib.Path(sys.argv[3]).write_text('yes')\n"
            "    time.sleep(3)\n"
            "os.register_at_fork(after_in_parent=slow)\n"
            "from bookbuild.forkkernel import serve\n"
            "serve(sys.argv[1], int(sys.argv[2]))\n")
    read_end, write_end = os.pipe()
    server = subprocess.Popen([sys.executable, "-c", code, address, str(write_end), str(forking)],
                              stdin=subprocess.PIPE, pass_fds=(write_end,))
    os.close(write_end)
    try:
        with os.fdopen(read_end, "rb") as ready:
            assert ready.readline().strip() == b"ready"
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.connect(address)
            request = {"argv": ["--version"], "cwd": str(tmp_path), "env": dict(os.environ)}
            forkkernel._send(conn, json.dumps(request).encode())
            deadline = time.monotonic() + 30
            while not forking.exists():
                assert time.monotonic() < deadline, "the server never forked"
                time.sleep(0.01)
            server.send_signal(signal.SIGINT)
            assert server.wait(timeout=15) == 0
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
        server.stdin.close()
