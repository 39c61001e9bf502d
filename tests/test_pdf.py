"""The whole-book PDF: every chapter, statement, proof, figure, number and reference.

The expectations are read from the website built from the same sources (the ``site``
fixture), never from a hand-kept list, so the checks grow with the book.
"""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import unicodedata
from pathlib import Path

import pytest

pytestmark = pytest.mark.book

try:
    import pypdf
except ImportError:  # pragma: no cover - pinned in requirements.txt
    if os.environ.get("CI"):
        raise
    pytest.skip("pypdf (pinned in requirements.txt) is not installed", allow_module_level=True)


# --- what the website shows -------------------------------------------------------------

def book_pages(site: Path) -> list[Path]:
    """Every chapter page of the built site (the book's own pages, not search or indices)."""
    return sorted((site / "book").glob("*.html"))


def strip_tags(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def html_statements(site: Path) -> list[tuple[str, str]]:
    """(number label, title) of every numbered ``prf:`` statement box, e.g. ("Lemma 1", "Descent lemma")."""
    found = []
    pattern = re.compile(
        r'<div class="proof (?P<kind>[a-z]+) admonition"[^>]*>\s*'
        r'<p class="admonition-title">(?P<title>.*?)</p>', re.S)
    for page in book_pages(site):
        for match in pattern.finditer(page.read_text(encoding="utf-8")):
            text = " ".join(strip_tags(match["title"]).split())
            head = re.match(r"(?P<label>[A-Z][a-z]+(?: [\d.]+)?)\s*(?:\((?P<name>.*)\))?\s*$", text)
            assert head, f"unexpected statement title {text!r} in {page.name}"
            found.append((head["label"], head["name"] or ""))
    return found


def count_in_pages(site: Path, pattern: str) -> int:
    return sum(len(re.findall(pattern, p.read_text(encoding="utf-8"))) for p in book_pages(site))


def chapter_titles(site: Path) -> list[str]:
    titles = []
    for page in book_pages(site):
        match = re.search(r"<h1>((?:(?!</h1>).)*?)<a class=\"headerlink\"", page.read_text(encoding="utf-8"), re.S)
        if match and page.stem != "index":
            title = re.sub(r'<span class="section-number">.*?</span>', "", match[1])
            titles.append(" ".join(strip_tags(title).split()))
    return titles


def without_math(text: str) -> str:
    """``text`` with its inline math (``\\( ... \\)`` as the HTML source has it) removed."""
    return re.sub(r"\\\(.*?\\\)", " ", text)


# --- what the PDF holds -----------------------------------------------------------------

def normalise(text: str) -> str:
    """Lower-case letters and digits only (NFKC folds math italics and ligatures)."""
    text = unicodedata.normalize("NFKC", text).lower()
    return re.sub(r"[^0-9a-z\u0370-\u03ff]", "", text)


@pytest.fixture(scope="module")
def text(pdf, system_tool) -> str:
    """The PDF's text, as poppler's ``pdftotext`` reads it."""
    exe = system_tool("pdftotext", "to read the PDF's text (Debian package poppler-utils)")
    return subprocess.run([exe, "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout


@pytest.fixture(scope="module")
def tex(pdf) -> str:
    """The LaTeX source the PDF was made from."""
    return pdf.with_suffix(".tex").read_text(encoding="utf-8")


def outline_titles(reader) -> list[str]:
    titles = []

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                titles.append(" ".join(str(item.title).split()))

    walk(reader.outline)
    return titles


# --- tests ------------------------------------------------------------------------------

def test_pdf_has_a_plausible_number_of_pages(pdf, site):
    chapters = len(chapter_titles(site))
    pages = len(pypdf.PdfReader(pdf).pages)
    # Title page + contents, then at least one page per chapter; a chapter of this book
    # runs to at most a few dozen pages, so many more means broken layout (runaway floats,
    # a verbatim dump of a huge output).
    assert chapters + 2 <= pages <= 40 * chapters + 10, (pages, chapters)


def test_every_chapter_is_in_the_pdf_outline(pdf, site):
    outline = [normalise(t) for t in outline_titles(pypdf.PdfReader(pdf))]
    # Math in a title reaches the PDF outline only as plain text: compare the rest.
    missing = [t for t in chapter_titles(site)
               if not any(normalise(without_math(t)) in entry for entry in outline)]
    assert chapter_titles(site), "no chapter pages found in the site"
    assert not missing, f"chapters missing from the PDF: {missing}"


def test_every_statement_box_has_its_number_and_title(pdf, site, text):
    text = normalise(text)
    statements = html_statements(site)
    assert statements, "the site has no theorem/lemma/definition boxes"
    missing = []
    for label, name in statements:
        words = re.findall(r"[A-Za-z0-9]{2,}", without_math(name))
        pattern = re.escape(normalise(label)) + "".join(f".{{0,40}}?{re.escape(normalise(w))}" for w in words)
        if not re.search(pattern, text):
            missing.append(f"{label} ({name})")
    assert not missing, f"statement boxes missing from the PDF: {missing}"


def test_proofs_are_marked_and_end_with_a_tombstone(pdf, site, text, tex):
    proofs = count_in_pages(site, r'<div class="proof admonition"')
    assert text.count("Proof.") >= proofs
    assert text.count("\u25a0") >= proofs, "every proof ends with a filled square (amsthm's \\qed)"
    assert tex.count(r"\begin{gdproof}") == proofs
    # A Sphinx admonition box always gets a title: no empty title bars.
    untitled = re.findall(r"\\begin\{sphinxadmonition\}\{[a-z]+\}(?!\{)", tex)
    assert not untitled, f"{len(untitled)} boxes without a title"


def test_equations_are_numbered(pdf, site, text, tex):
    numbered = count_in_pages(site, r'<span class="eqno">')
    assert tex.count(r"\begin{equation}") >= numbered
    assert len(set(re.findall(r"\(\d+\.\d+\)", text))) >= numbered


def test_no_unresolved_reference(pdf, text):
    assert "??" not in text
    log = pdf.with_suffix(".log").read_text(encoding="utf-8", errors="replace")
    assert "There were undefined references" not in log
    assert not re.search(r"Reference `[^']*' on page \d+ undefined", log)
    assert "Citation" not in re.findall(r"LaTeX Warning: (\w+)", log)


def test_glued_numbers_are_in_the_pdf(pdf, site, text):
    text = normalise(text)
    glued = set()
    for page in book_pages(site):
        glued.update(strip_tags(s) for s in
                     re.findall(r'<span class="pasted-text">(.*?)</span>', page.read_text(encoding="utf-8")))
    missing = sorted(g for g in glued if normalise(g) not in text)
    assert not missing, f"glued numbers missing from the PDF: {missing}"


def test_exercise_solutions_are_in_the_pdf(pdf, site, text):
    solutions = count_in_pages(site, r'<div class="solution[^"]*admonition"')
    assert normalise(text).count("solutiontoexercise") == solutions


def test_solutions_are_gathered_in_an_appendix_before_the_references(pdf, text):
    # a teacher hands out the chapters with the exercises and keeps the solutions apart
    body = normalise(text)
    heading = body.rindex("solutionstotheexercises")  # the chapter's title (the last mention)
    assert body.index("solutiontoexercise") > heading, "a solution is printed inside its chapter"
    assert body.rindex("solutiontoexercise") < body.rindex("references")
    assert "Solutions to the exercises" in outline_titles(pypdf.PdfReader(pdf))


def test_bibliography_is_in_the_pdf(pdf, site, tex):
    entries = len(re.findall(r'<div class="citation" id=', (site / "book" / "references.html").read_text(encoding="utf-8")))
    assert tex.count(r"\bibitem") == entries
    if entries:
        assert "Bibliography" not in outline_titles(pypdf.PdfReader(pdf)), \
            "the bibliography belongs inside the References chapter, not a chapter of its own"


def _graphics(page) -> int:
    """Raster images and included vector drawings (form XObjects) placed on a PDF page."""
    resources = page.get("/Resources")
    xobjects = resources.get_object().get("/XObject") if resources is not None else None
    if xobjects is None:
        return 0
    return sum(xobjects.get_object()[name].get_object().get("/Subtype") in ("/Image", "/Form")
               for name in xobjects.get_object())


def test_figures_are_in_the_pdf(pdf, site, tex):
    # one image per figure: the website's second drawing of a figure, for narrow screens, is not printed
    figures = count_in_pages(site, r'<img (?![^>]*bookbuild-figure-narrow)[^>]*src="\.\./_images/')
    placed = sum(_graphics(page) for page in pypdf.PdfReader(pdf).pages)
    assert placed >= figures, (placed, figures)
    # The SVG figures arrive as vector PDF (converted by rsvg-convert), not as bitmaps.
    included = re.findall(r"\\sphinxincludegraphics(?:\[[^]]*\])?\{\{([^}]*)\}(\.\w+)\}", tex)
    assert len(included) >= figures, (len(included), figures)
    svg_figures = count_in_pages(site, r'<img (?![^>]*bookbuild-figure-narrow)[^>]*src="\.\./_images/[^"]*\.svg"')
    assert sum(ext == ".pdf" for _, ext in included) >= svg_figures


def test_fonts_are_embedded(pdf, system_tool):
    exe = system_tool("pdffonts", "to list the PDF's fonts (Debian package poppler-utils)")
    lines = subprocess.run([exe, str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()
    header = lines[0].split()
    assert "emb" in header
    rows = [line for line in lines[2:] if line.strip()]
    assert rows
    # Columns: name type [encoding words] emb sub uni object ID: read them from the right.
    not_embedded = [r for r in rows if r.split()[-5] != "yes"]
    assert not not_embedded, not_embedded


def test_no_empty_index_chapters(pdf, text):
    assert "Proof Index" not in text
    ind = pdf.with_suffix(".ind")
    if not (ind.exists() and r"\item" in ind.read_text(encoding="utf-8")):
        assert "Index" not in outline_titles(pypdf.PdfReader(pdf))


def test_site_offers_the_pdf(site_with_pdf):
    site = site_with_pdf
    index = (site / "book" / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'<a class="book-pdf-link[^"]*" href="([^"]+)"', index)
    assert links, "the landing page has no 'Download the PDF' link"
    for link in links:
        target = (site / "book" / link).resolve()
        assert target.is_file() and target.read_bytes()[:5] == b"%PDF-", link
    for page in book_pages(site):
        assert "book-pdf-button" in page.read_text(encoding="utf-8"), f"no PDF button in the header of {page.name}"


def test_nothing_runs_off_the_page(pdf):
    """No line, table or formula sticks out of the text block by more than a few points.

    A wide table or an unbreakable formula shows up in LaTeX's log as an overfull box;
    a few points is invisible, a table running off the page is hundreds.
    """
    log = pdf.with_suffix(".log").read_text(encoding="utf-8", errors="replace")
    wide = [line for line in log.splitlines()
            if (m := re.match(r"Overfull \\hbox \(([\d.]+)pt too wide\)", line)) and float(m[1]) > 20]
    assert not wide, "\n".join(wide)


def test_the_title_page_names_version_date_licence_and_website(text):
    first = " ".join(text.split("\f")[0].split())
    assert "Gradient Descent and Gradient Flow" in first
    assert re.search(r"Version \S+, (\d{4}-\d{2}-\d{2}|undated)", first), first
    assert "CC BY 4.0" in first and "MIT" in first
    assert "website" in first.lower()


def test_every_explorer_is_drawn_in_the_pdf(site, text):
    """The PDF draws each interactive figure's default setting (bookbuild's renderer turns the
    stored Vega-Lite specification into SVG): every title the website's explorers carry is there."""
    titles = []
    for page in book_pages(site):
        for script in re.findall(r'<div class="bookbuild-explorer".*?</script>', page.read_text(encoding="utf-8"), re.S):
            found = [json.loads(f'"{t}"') for t in re.findall(r'"title":"((?:[^"\\]|\\.)+)"', script)]
            assert found, f"an explorer on {page.name} has no title"
            titles.extend(found)
    assert len(titles) >= 4
    flat = normalise(text)
    missing = [t for t in titles if normalise(t) not in flat]
    assert not missing, missing
