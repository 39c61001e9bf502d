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


def test_kernels_come_through_a_registered_provisioner_and_no_private_override(server, tmp_path):
    from importlib.metadata import entry_points

    from jupyter_client.asynchronous import AsyncKernelClient
    from jupyter_client.manager import AsyncKernelManager

    from bookbuild.forkprovisioner import PROVISIONER_NAME, ForkProvisioner

    assert any(ep.name == PROVISIONER_NAME and ep.value == "bookbuild.forkprovisioner:ForkProvisioner"
               for ep in entry_points(group="jupyter_client.kernel_provisioners"))
    manager_class = server.kernel_manager_class()
    manager = manager_class(kernel_name="python3")
    spec = manager.kernel_spec
    assert spec.metadata["kernel_provisioner"] == {"provisioner_name": PROVISIONER_NAME,
                                                   "config": {"server_address": server.address}}
    # jupyter_client's own classes and methods, but for two public traits' defaults
    assert type(manager.client()) is AsyncKernelClient
    replaced = [name for name, value in vars(manager_class).items()
                if callable(value) and any(name in vars(base) for base in AsyncKernelManager.__mro__)]
    assert not replaced, replaced  # no method of jupyter_client's is replaced
    assert not [name for name in vars(ForkProvisioner) if name.startswith("_async")]
    page = notebook(["import os; print(os.getppid())"])
    execute(page, cwd=str(tmp_path), kernel_manager_class=manager_class)
    assert int(page.cells[0].outputs[0]["text"]) == server.process.pid  # forked by the server


def test_another_kernel_than_python3_is_not_forked(server):
    from jupyter_client.kernelspec import NoSuchKernel

    manager = server.kernel_manager_class()(kernel_name="julia-1.10")
    with pytest.raises(NoSuchKernel):
        manager.kernel_spec


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
