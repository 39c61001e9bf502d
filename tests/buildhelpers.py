"""Building the book from tests: the command, a build into a folder, a copy of the sources."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUILD_FLAGS = ["-W", "-n", "--keep-going"]


def jupyter_book() -> list[str]:
    """The jupyter-book command of the interpreter running the tests."""
    exe = Path(sys.executable).with_name("jupyter-book")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "jupyter_book"]


def run_build(source: Path, output: Path, *extra: str, env=None) -> subprocess.CompletedProcess:
    """Build the book at ``source`` into ``output/_build`` and return the finished process.

    ``env`` adds variables to the build's environment.
    """
    return subprocess.run(
        [*jupyter_book(), "build", str(source), *BUILD_FLAGS, "--path-output", str(output), *extra],
        cwd=source, capture_output=True, text=True, timeout=1800,
        env={**os.environ, "PYTHONWARNINGS": "", **(env or {})},
    )


def copy_tree(dest: Path) -> Path:
    """Copy the project's tracked sources (not _build or .venv) to ``dest``."""
    ignore = shutil.ignore_patterns("_build", ".venv", ".git", "__pycache__", ".pytest_cache",
                                    ".hypothesis", "*.egg-info", "test-artifacts")
    shutil.copytree(ROOT, dest, ignore=ignore)
    return dest


def build_in_place(root: Path):
    """Build the project copy at ``root`` into its own ``_build``, its ``code/`` first on the
    path (so that kernels import the copy's package). Returns (process, stdout + stderr)."""
    env = {**os.environ, "PYTHONWARNINGS": "", "BOOKBUILD_EXECUTION_WORKERS": "2",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(root / "code"), os.environ.get("PYTHONPATH")]))}
    result = subprocess.run([*jupyter_book(), "build", str(root), *BUILD_FLAGS], cwd=root, env=env,
                            capture_output=True, text=True, timeout=900)
    return result, result.stdout + result.stderr
