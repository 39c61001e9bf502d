"""Two clean builds of the same sources give the same figures, byte for byte, and the same pages.

The first build runs the pages in kernels forked from a pre-loaded server (the default
on Linux), the second in ordinary kernels (``BOOKBUILD_FORK_KERNELS=0``): so these tests
also show that forking changes no number, text or figure of the book.

Allowed to differ, because they report the build rather than the book: the run
times and run dates in the execution statistics table (its rows are compared
without those two columns) and ``searchindex.js``, which indexes those numbers.
The intermediate notebooks in ``_build/jupyter_execute`` carry random cell ids
and are not part of the site; the figure files beside them are compared.
"""

from __future__ import annotations

import re

import pytest

from buildhelpers import ROOT, run_build

pytestmark = pytest.mark.book

STATS_PAGE = "book/execution-statistics.html"
FIGURE_SUFFIXES = {".svg", ".png", ".jpg", ".jpeg", ".pdf", ".gif"}


@pytest.fixture(scope="module")
def second_build(tmp_path_factory):
    out = tmp_path_factory.mktemp("book-again")
    result = run_build(ROOT, out, env={"BOOKBUILD_FORK_KERNELS": "0"})
    if result.returncode != 0:
        pytest.fail(f"the second book build failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return out


def files(folder, suffixes=None):
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*"))
            if p.is_file() and (suffixes is None or p.suffix.lower() in suffixes)}


def stats_rows(html: str) -> list[tuple[str, ...]]:
    """The execution table's rows without the run-time and date columns."""
    rows = []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", html, re.S):
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)]
        if len(cells) == 5:  # Document, Modified, Method, Run Time (s), Status
            rows.append((cells[0], cells[2], cells[4]))
    return rows


def without_table(html: str) -> str:
    return re.sub(r"<table.*?</table>", "<table/>", html, flags=re.S)


def test_figures_are_byte_identical(book_output, second_build):
    for sub in ("_build/html/_images", "_build/jupyter_execute"):
        first = files(book_output / sub, FIGURE_SUFFIXES)
        again = files(second_build / sub, FIGURE_SUFFIXES)
        assert sorted(first) == sorted(again), f"different figure files in {sub}"
        changed = [name for name in first if first[name] != again[name]]
        assert not changed, f"figures that differ between two clean builds: {changed}"


def test_every_page_is_identical(book_output, second_build):
    site, site_again = book_output / "_build" / "html", second_build / "_build" / "html"
    first = files(site, {".html"})
    again = files(site_again, {".html"})
    assert sorted(first) == sorted(again)
    assert len(first) > 1
    for name in first:
        a, b = first[name].decode(), again[name].decode()
        if name == STATS_PAGE:
            assert stats_rows(a) == stats_rows(b)
            assert stats_rows(a), "the execution statistics table lists no page"
            a, b = without_table(a), without_table(b)
        assert a == b, f"{name} differs between two clean builds"


def test_the_first_build_forked_its_kernels(book_output):
    # otherwise the comparison above would be of two ordinary builds
    log = (book_output / "build.log").read_text()
    assert "[bookbuild] executing" in log
    assert "start the ordinary way" not in log and "the fast path broke" not in log
