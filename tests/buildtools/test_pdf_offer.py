"""The website offers the PDF only when it has one as new as its text: never a dead or stale link.

Each test builds a one-page book (with the landing page's ``{book-pdf}`` link) in a
temporary copy of the project; a file standing in for the PDF is put where the LaTeX
builder leaves it, so that no TeX is needed.
"""

from __future__ import annotations

import os
import time

import pytest

from buildhelpers import build_in_place as build, copy_tree

pytestmark = pytest.mark.book

TOC = "format: jb-book\nroot: book/index\nchapters:\n  - file: book/plain\n"


@pytest.fixture
def book(tmp_path):
    root = copy_tree(tmp_path / "project")
    (root / "_toc.yml").write_text(TOC)
    (root / "book" / "index.md").write_text("# A book\n\n{book-pdf}`Download the PDF`.\n")
    (root / "book" / "plain.md").write_text("# Plain\n\nNo code.\n")
    return root


def offered(root) -> tuple[bool, bool, bool]:
    """(index links to the PDF, index says it is missing, the site holds book.pdf)."""
    html = root / "_build" / "html"
    index = (html / "book" / "index.html").read_text()
    return "book-pdf-link" in index and "book-pdf-button" in index, "book-pdf-missing" in index, \
        (html / "book.pdf").is_file()


def put_pdf(root, content=b"%PDF-1.5 stand-in\n"):
    latex = root / "_build" / "latex"
    latex.mkdir(parents=True, exist_ok=True)
    (latex / "book.pdf").write_bytes(content)


def test_no_pdf_no_link_then_a_pdf_appears_and_the_site_offers_it(book):
    result, log = build(book)
    assert result.returncode == 0, log[-3000:]
    assert offered(book) == (False, True, False)
    assert "built without the PDF" in (book / "_build" / "html" / "book" / "index.html").read_text()
    put_pdf(book)
    result, log = build(book)  # nothing else changed: the pages are re-read because the PDF appeared
    assert result.returncode == 0, log[-3000:]
    assert offered(book) == (True, False, True)
    assert (book / "_build" / "html" / "book.pdf").read_bytes().startswith(b"%PDF-1.5 stand-in")


def test_a_pdf_older_than_the_text_is_neither_offered_nor_served(book):
    put_pdf(book)
    result, log = build(book)
    assert result.returncode == 0, log[-3000:]
    assert offered(book) == (True, False, True)
    old = time.time() - 3600
    os.utime(book / "_build" / "latex" / "book.pdf", (old, old))  # the text has changed since
    result, log = build(book)
    assert result.returncode == 0, log[-3000:]
    assert offered(book) == (False, True, False)
    assert "older than the text" in (book / "_build" / "html" / "book" / "index.html").read_text()
