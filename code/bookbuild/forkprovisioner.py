"""The fork server's kernels through jupyter_client's public extension point.

jupyter_client starts a kernel through the *kernel provisioner* its kernel specification
names. :class:`ForkProvisioner` (registered in pyproject.toml under the entry point group
``jupyter_client.kernel_provisioners`` as :data:`PROVISIONER_NAME`) is jupyter_client's
local provisioner with two changes:

- it launches the stand-in of :mod:`bookbuild.forkkernel` in place of
  ``python -m ipykernel_launcher`` (same interpreter only), which asks the fork server for
  the kernel;
- after killing a kernel it waits for the exit itself, polling every :data:`QUICK_WAIT`
  seconds, so that jupyter_client's own wait (which sleeps 0.1 s between checks) finds it
  gone at once.

:func:`write_kernel_spec` writes the specification (``python3``, naming this provisioner
and the server's address) that :func:`bookbuild.forkkernel.forking_kernel_manager` reads.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time

from jupyter_client.provisioning import LocalProvisioner
from traitlets import Unicode

#: The provisioner's entry-point name.
PROVISIONER_NAME = "bookbuild-fork"
#: Seconds between checks that a killed kernel has exited.
QUICK_WAIT = 0.01
#: How long to wait for a killed kernel to exit before leaving it to jupyter_client.
KILL_WAIT = 5.0


class ForkProvisioner(LocalProvisioner):
    """Kernels forked off the server at :attr:`server_address` (see the module docstring)."""

    server_address = Unicode("", help="The fork server's socket; empty: start kernels the ordinary way.",
                             config=True)

    async def launch_kernel(self, cmd, **kwargs):
        same_python = bool(cmd) and os.path.realpath(cmd[0]) == os.path.realpath(sys.executable)
        if self.server_address and same_python and cmd[1:3] == ["-m", "ipykernel_launcher"]:
            from . import forkkernel

            cmd = [sys.executable, "-I", "-S", os.path.abspath(forkkernel.__file__), "client",
                   self.server_address, *cmd[3:]]
        return await super().launch_kernel(cmd, **kwargs)

    async def kill(self, restart: bool = False) -> None:
        await super().kill(restart=restart)
        deadline = time.monotonic() + KILL_WAIT
        while await self.poll() is None and time.monotonic() < deadline:
            await asyncio.sleep(QUICK_WAIT)


def write_kernel_spec(folder: str, server_address: str) -> str:
    """Write the kernel specification ``python3`` under ``folder``/python3 (this interpreter,
    ``ipykernel_launcher``, provisioned by :class:`ForkProvisioner` from ``server_address``)
    and return ``folder``, the directory to give jupyter_client's ``KernelSpecManager``."""
    target = os.path.join(folder, "python3")
    os.makedirs(target, exist_ok=True)
    spec = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (forked)",
        "language": "python",
        "metadata": {"kernel_provisioner": {"provisioner_name": PROVISIONER_NAME,
                                            "config": {"server_address": server_address}}},
    }
    with open(os.path.join(target, "kernel.json"), "w", encoding="utf-8") as out:
        json.dump(spec, out, indent=1)
    return folder
