"""Shared fixtures: one build of the book per test session, reused by every test that reads it,
and a fresh axis in the book style for the plot-helper tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from buildhelpers import ROOT, copy_tree, run_build  # noqa: F401  (re-exported for test modules)


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


# --- Delivery: system tools, the PDF build ------------------------------------------------

import os  # noqa: E402
import shutil  # noqa: E402


def require_tool(name: str, purpose: str, path: str | None = None) -> str:
    """Return the path of the executable ``name``, or skip the test without it.

    On a reader's machine a missing system tool (TeX Live, poppler, chromium) skips the
    test with the reason. When the environment variable ``CI`` is set the test fails
    instead, so a CI run can never pass by silently skipping these checks.
    """
    found = path if path and Path(path).is_file() else shutil.which(name)
    if found:
        return found
    message = (f"{name} is not installed; it is needed {purpose}. "
               "Install the system packages with `sudo .ci/install-system-packages.sh` (see README).")
    if os.environ.get("CI"):
        pytest.fail(f"CI is set, so this must not be skipped: {message}")
    pytest.skip(message)


@pytest.fixture(scope="session")
def pdf(book_output) -> Path:
    """The whole-book PDF (``_build/latex/book.pdf``), built once per session.

    It is built into the same output folder as ``book_output``, so the notebooks'
    execution cache is shared with the HTML build. ``site_with_pdf`` is the website built
    again afterwards, as ``make pdf`` does.
    """
    for tool in ("latexmk", "pdflatex"):
        require_tool(tool, "to build the PDF")
    require_tool("rsvg-convert", "to turn the SVG figures into PDF (Debian package librsvg2-bin)")
    result = run_build(ROOT, book_output, "--builder", "pdflatex")
    log = book_output / "build-pdf.log"
    log.write_text(result.stdout + "\n" + result.stderr)
    built = book_output / "_build" / "latex" / "book.pdf"
    if result.returncode != 0 or not built.is_file():
        pytest.fail(f"the PDF build failed (log: {log}):\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}")
    return built


@pytest.fixture(scope="session")
def site_with_pdf(pdf, book_output, tmp_path_factory) -> Path:
    """The website built again after the PDF, as ``make pdf`` does, so that it offers the PDF.

    Built in a copy of the output folder (the cached notebooks come along, nothing runs),
    so that the website every other test reads stays the one a first build gives.
    """
    out = tmp_path_factory.mktemp("book-with-pdf")
    shutil.copytree(book_output / "_build", out / "_build", symlinks=True,
                    ignore=shutil.ignore_patterns(".bookbuild.lock"))
    result = run_build(ROOT, out)
    (out / "build.log").write_text(result.stdout + "\n" + result.stderr)
    if result.returncode != 0:
        pytest.fail(f"the website's build after the PDF failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}")
    return out / "_build" / "html"


@pytest.fixture(scope="session")
def system_tool():
    """``system_tool(name, purpose)``: a system executable's path, or skip (fail under CI)."""
    return require_tool
