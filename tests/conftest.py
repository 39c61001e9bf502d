"""Shared fixtures: one build of the book per test session, reused by every test that reads it,
and a fresh axis in the book style for the plot-helper tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from bookbuild import ROOT, copy_tree, run_build  # noqa: F401  (re-exported for test modules)


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


@pytest.fixture
def ax():
    """An Agg axis in the book style, closed after the test."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from gdflow import plotting

    plotting.use_book_style()
    fig, axis = plt.subplots()
    yield axis
    plt.close(fig)
