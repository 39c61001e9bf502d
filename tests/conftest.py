"""Shared fixtures: one build of the book per test session, reused by every test that reads it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BUILD_FLAGS = ["-W", "-n", "--keep-going"]


def jupyter_book() -> list[str]:
    """The jupyter-book command of the interpreter running the tests."""
    exe = Path(sys.executable).with_name("jupyter-book")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "jupyter_book"]


def run_build(source: Path, output: Path, *extra: str) -> subprocess.CompletedProcess:
    """Build the book at ``source`` into ``output/_build`` and return the finished process."""
    return subprocess.run(
        [*jupyter_book(), "build", str(source), *BUILD_FLAGS, "--path-output", str(output), *extra],
        cwd=source, capture_output=True, text=True, timeout=1800,
        env={**os.environ, "PYTHONWARNINGS": ""},
    )


@pytest.fixture(scope="session")
def book_output(tmp_path_factory) -> Path:
    """Folder whose ``_build`` holds a clean HTML build of the whole book (built once)."""
    out = tmp_path_factory.mktemp("book")
    result = run_build(ROOT, out)
    log = out / "build.log"
    log.write_text(result.stdout + "\n" + result.stderr)
    if result.returncode != 0:
        pytest.fail(f"the book build failed (log: {log}):\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}")
    return out


@pytest.fixture(scope="session")
def site(book_output) -> Path:
    """The built website's root folder (``_build/html``)."""
    return book_output / "_build" / "html"


def copy_tree(dest: Path) -> Path:
    """Copy the project's tracked sources (not _build or .venv) to ``dest``."""
    ignore = shutil.ignore_patterns("_build", ".venv", ".git", "__pycache__", ".pytest_cache",
                                    ".hypothesis", "*.egg-info", "test-artifacts")
    shutil.copytree(ROOT, dest, ignore=ignore)
    return dest
