"""No stale results: a change to gdflow re-executes the pages that import it, and only those.

The execution cache keys a page on its code cells; bookbuild.sphinxext adds the
package's fingerprint. Each test builds a two-page book in a temporary copy of
the project whose own ``code/`` comes first on the path, so that the kernels
import the copy's package, which the test then edits.
"""

from __future__ import annotations

import re

import pytest

from bookbuild.synthetic import PAGE_HEADER
from buildhelpers import build_in_place as build, copy_tree

pytestmark = pytest.mark.book

HEADER = PAGE_HEADER

PROBE_PAGE = HEADER + """
(chap-probe)=
# Probe

```{code-cell} ipython3
from gdflow import _stale_probe

print(f"probe value {_stale_probe.VALUE}")
```
"""

PLAIN_PAGE = HEADER + """
(chap-plain)=
# Plain

```{code-cell} ipython3
print("plain value", 6 * 7)
```
"""

TOC = """format: jb-book
root: book/index
chapters:
  - file: book/probe
  - file: book/plain
"""


def make_book(tmp_path):
    root = copy_tree(tmp_path / "project")
    (root / "_toc.yml").write_text(TOC)
    (root / "book" / "index.md").write_text("# Probe book\n\nTwo pages.\n")
    (root / "book" / "probe.md").write_text(PROBE_PAGE)
    (root / "book" / "plain.md").write_text(PLAIN_PAGE)
    set_probe(root, 41)
    return root


def set_probe(root, value):
    (root / "code" / "gdflow" / "_stale_probe.py").write_text(f'"""Build probe."""\n\nVALUE = {value}\n')


def executed(log):
    """Pages run in a build: by the parallel pre-execution or by myst-nb itself."""
    found = set(re.findall(r"\[bookbuild\] executed book/(\w+) in", log))
    found |= set(re.findall(r"book/(\w+)\.md: Executed notebook", log))
    return found


def page(root, name):
    return (root / "_build" / "html" / "book" / f"{name}.html").read_text()


def test_package_change_reexecutes_pages_that_import_it(tmp_path):
    root = make_book(tmp_path)
    result, log = build(root)
    assert result.returncode == 0, log[-3000:]
    assert executed(log) == {"probe", "plain"}
    assert "[bookbuild] executing 2 page(s), 2 at a time" in log  # the parallel path ran
    assert "kernel server starting" in log  # started early: nothing was cached
    assert "probe value 41" in page(root, "probe")

    set_probe(root, 42)  # the page's source is untouched: only the package changed
    result, log = build(root)
    assert result.returncode == 0, log[-3000:]
    assert executed(log) == {"probe"}, "only the page importing gdflow runs again"
    html = page(root, "probe")
    assert "probe value 42" in html and "probe value 41" not in html
    assert "plain value 42" in page(root, "plain")

    result, log = build(root)  # nothing changed: nothing runs, no kernel server starts
    assert result.returncode == 0, log[-3000:]
    assert executed(log) == set()
    assert "kernel server starting" not in log

    tooling = root / "code" / "bookbuild" / "builds.py"  # the build tooling is not the book's code
    tooling.write_text(tooling.read_text() + "\n# an edit to the build tooling\n")
    result, log = build(root)
    assert result.returncode == 0, log[-3000:]
    assert executed(log) == set(), "editing bookbuild must not re-execute pages"


def test_page_edit_reexecutes_that_page_only_and_failures_fail_the_build(tmp_path):
    root = make_book(tmp_path)
    result, log = build(root)
    assert result.returncode == 0, log[-3000:]

    plain = root / "book" / "plain.md"
    plain.write_text(plain.read_text().replace("6 * 7", "6 * 8"))
    result, log = build(root)
    assert result.returncode == 0, log[-3000:]
    assert executed(log) == {"plain"}
    assert "plain value 48" in page(root, "plain")

    # Both pages stale, so the parallel path runs them; the failing one must still fail the build.
    plain.write_text(plain.read_text().replace('print("plain value", 6 * 8)',
                                               'raise ValueError("probe failure")'))
    set_probe(root, 43)
    result, log = build(root)
    assert result.returncode != 0
    assert "probe failure" in log


def test_pages_named_last_run_after_the_others_while_sphinx_reads_the_rest(tmp_path):
    """``bookbuild_execute_last`` pages (the claims ledger) start once every other page has
    finished; pages without runs are read first, while the kernels work."""
    root = copy_tree(tmp_path / "project")
    marker = tmp_path / "first-finished"
    (root / "_toc.yml").write_text(TOC.replace("book/probe", "book/first").replace("book/plain", "book/last"))
    (root / "book" / "index.md").write_text("# Order book\n\nNo code here.\n")
    (root / "book" / "first.md").write_text(HEADER + f"""
# First

```{{code-cell}} ipython3
import time, pathlib
time.sleep(1.0)
pathlib.Path({str(marker)!r}).write_text("done")
```
""")
    (root / "book" / "last.md").write_text(HEADER + f"""
# Last

```{{code-cell}} ipython3
import os, pathlib
assert pathlib.Path({str(marker)!r}).read_text() == "done", "ran before the first page finished"
print("last ran after first")
print("BLAS threads", os.environ.get("OPENBLAS_NUM_THREADS"))
```
""")
    config = root / "_config.yml"
    text = config.read_text()
    assert 'bookbuild_execute_last: ["book/claims-ledger"]' in text
    config.write_text(text.replace('bookbuild_execute_last: ["book/claims-ledger"]',
                                   'bookbuild_execute_last: ["book/last"]'))
    result, log = build(root)
    assert result.returncode == 0, log[-3000:]
    assert "[bookbuild] executed book/first in" in log and "[bookbuild] executed book/last in" in log
    assert "execution failed" not in log, "the last page ran too early and had to be run again"
    plain_log = re.sub(r"\x1b\[[0-9;]*m", "", log)
    read = re.findall(r"reading sources\.\.\. \[\s*\d+%\] (\S+)", plain_log)
    assert read == ["book/index", "book/first", "book/last"], read
    assert "last ran after first" in page(root, "last")
    assert "BLAS threads 1" in page(root, "last")  # pages run one per core, one BLAS thread each


def test_a_build_that_never_finishes_leaves_no_stamp_of_the_old_package(tmp_path):
    # A build with an edited package drops the old outputs and starts caching new ones. If it
    # dies before finishing, the stamp must not still name the old package: after the edit is
    # reverted, the pages it cached (made with the edit) would be served as the old package's.
    from types import SimpleNamespace

    from bookbuild.sphinxext import execution

    cache = tmp_path / ".jupyter_cache"
    cache.mkdir()
    (cache / execution.FINGERPRINT_FILE).write_text("old\n", encoding="utf-8")
    env = SimpleNamespace(mystnb_config=SimpleNamespace(execution_mode="cache", execution_cache_path=str(cache)),
                          found_docs=set())
    edited = SimpleNamespace(bookbuild_fingerprint="edited")
    execution.refresh_pages_using_package(edited, env, set(), set(), set())
    stamp = (cache / execution.FINGERPRINT_FILE).read_text(encoding="utf-8").strip()
    assert stamp == execution.UNFINISHED + "edited"
    # the edit is reverted: the old package no longer matches the stamp, so its pages run again
    reverted = SimpleNamespace(bookbuild_fingerprint="old")
    current, previous = execution._fingerprints(reverted, cache)
    assert current == "old" and previous != current
