"""Tests of bookbuild.forkkernel: forked kernels behave like ordinary ones and do not outlive their stand-ins."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time

import nbformat
import pytest
from nbclient import execute

from bookbuild.forkkernel import ForkServer

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="the build forks kernels on Linux only")

CELLS = [
    "import os, sys\nprint(os.getcwd())\nprint(os.environ.get('GDFLOW_PROBE'))",
    "import numpy as np\nprint(np.arange(4).sum())",
    "import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.plot([0, 1], [1, 0])\nplt.show()",
    "1 / 0",
]


def notebook(cells=CELLS):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def outputs(nb):
    return [[{k: v for k, v in o.items() if k not in ("execution_count", "traceback")} for o in c.outputs]
            for c in nb.cells]


@pytest.fixture(scope="module")
def server():
    with ForkServer() as running:
        yield running


def test_forked_kernel_gives_the_outputs_of_an_ordinary_kernel(server, tmp_path, monkeypatch):
    monkeypatch.setenv("GDFLOW_PROBE", "from-the-environment")
    ordinary, forked = notebook(), notebook()
    execute(ordinary, cwd=str(tmp_path), allow_errors=True)
    execute(forked, cwd=str(tmp_path), allow_errors=True, kernel_manager_class=server.kernel_manager_class())
    assert outputs(forked) == outputs(ordinary)
    assert outputs(forked)[0][0]["text"] == f"{tmp_path}\nfrom-the-environment\n"
    assert any("image/png" in o.get("data", {}) for o in forked.cells[2].outputs)
    assert forked.cells[3].outputs[0]["ename"] == "ZeroDivisionError"


def test_kernels_are_fresh_processes(server, tmp_path):
    manager = server.kernel_manager_class()
    first, second = notebook(["import os\nx = 1\nprint(os.getpid())"]), notebook(["print('x' in globals())"])
    execute(first, cwd=str(tmp_path), kernel_manager_class=manager)
    execute(second, cwd=str(tmp_path), kernel_manager_class=manager)
    assert int(first.cells[0].outputs[0]["text"]) != os.getpid()
    assert second.cells[0].outputs[0]["text"] == "False\n"


def test_killing_the_stand_in_kills_its_kernel(server, tmp_path):
    manager = server.kernel_manager_class()(kernel_name="python3")
    async def run():
        await manager.start_kernel(cwd=str(tmp_path))
        client = manager.client()
        client.start_channels()
        await client.wait_for_ready(timeout=60)
        msg_id = client.execute("import os; print(os.getpid())")
        pid = None
        while pid is None:
            msg = await client.get_iopub_msg(timeout=30)
            if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "stream":
                pid = int(msg["content"]["text"])
        client.stop_channels()
        manager.provisioner.process.send_signal(signal.SIGKILL)  # jupyter_client's hard kill
        await manager.provisioner.wait()
        await manager.cleanup_resources()
        client.context.destroy(linger=0)
        manager.context.destroy(linger=0)
        return pid

    pid = asyncio.run(run())
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    pytest.fail(f"kernel {pid} outlived its stand-in")


def test_server_stops_cleanly():
    server = ForkServer().__enter__()
    process = server.process
    server.close()
    assert process.returncode == 0
    assert not os.path.exists(server.address)


def test_clients_skip_jupyter_clients_fixed_waits(server):
    from jupyter_client.asynchronous import AsyncKernelClient

    from bookbuild import forkkernel

    manager = server.kernel_manager_class()(kernel_name="python3")
    client_class = type(manager.client())
    # nbclient calls wait_for_ready: it must be the override, not jupyter_client's 0.2 s drain
    assert client_class.wait_for_ready is client_class._async_wait_for_ready
    assert client_class.wait_for_ready is not AsyncKernelClient.wait_for_ready
    assert forkkernel.QUICK_WAIT < 0.1


def test_forked_kernels_talk_over_unix_sockets_in_the_servers_folder(server, tmp_path, capfd):
    manager = server.kernel_manager_class()(kernel_name="python3")
    assert manager.transport == "ipc"
    assert os.path.isabs(manager.ip)  # the kernel runs in the page's folder, the client elsewhere
    assert os.path.dirname(manager.ip) == os.path.dirname(server.address)
    page = notebook(["print('over a unix socket')"])
    execute(page, cwd=str(tmp_path), kernel_manager_class=server.kernel_manager_class())
    assert page.cells[0].outputs[0]["text"] == "over a unix socket\n"
    assert "without encryption" not in capfd.readouterr().err


STATE = ("import hashlib, matplotlib as mpl\n"
         "from matplotlib.mathtext import MathTextParser\n"
         "print(MathTextParser._parser is not None)\n"
         "print(hashlib.sha256(repr(sorted((k, repr(v)) for k, v in mpl.rcParams.items())).encode()).hexdigest())")


def test_kernels_inherit_warm_caches_but_not_the_warm_up_style(server, tmp_path):
    ordinary, forked = notebook([STATE]), notebook([STATE])
    execute(ordinary, cwd=str(tmp_path))
    execute(forked, cwd=str(tmp_path), kernel_manager_class=server.kernel_manager_class())
    warm_o, style_o = ordinary.cells[0].outputs[0]["text"].split()
    warm_f, style_f = forked.cells[0].outputs[0]["text"].split()
    assert (warm_o, warm_f) == ("False", "True")  # the math-text parser was built in the server
    assert style_f == style_o  # the warm-up drew in the book style and put the defaults back


def test_preload_calls_the_warm_ups_and_skips_those_that_fail(monkeypatch):
    from bookbuild import forkkernel
    from gdflow import warmup

    monkeypatch.setenv("MPLBACKEND", "agg")  # preload only sets it when unset
    called = []
    monkeypatch.setattr(warmup, "warm_caches", lambda: called.append("warm"))
    done = forkkernel.preload(modules=("json", "no_such_module_here"),
                              warm_up=("gdflow.warmup:no_such_function", "no_such_module_here:f",
                                       "gdflow.warmup:warm_caches"))
    assert "json" in done and "no_such_module_here" not in done
    assert called == ["warm"]
    assert "gdflow.warmup:warm_caches" in forkkernel.WARM_UP
