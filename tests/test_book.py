"""Whole-book builds: strict and clean, numbers from the run, and a false claim stops the build."""

import re
import shutil
import textwrap
from html import unescape
from pathlib import Path

import pytest

from buildhelpers import ROOT, run_build
from gdflow import claims

pytestmark = pytest.mark.book


def page_text(site: Path, page: str) -> str:
    html = (site / "book" / f"{page}.html").read_text(encoding="utf-8")
    return unescape(re.sub(r"<[^>]+>", " ", html))


def test_book_builds_strictly_without_warnings(book_output):
    log = (book_output / "build.log").read_text()
    assert "build succeeded" in log
    assert "WARNING" not in log.replace("[IPKernelApp] WARNING", "")
    assert "ERROR" not in log  # docutils reports some problems (an undefined substitution) as errors


def test_every_toc_page_is_built(site):
    pages = re.findall(r"file: *(\S+)", (ROOT / "_toc.yml").read_text()) + ["book/index"]
    for page in pages:
        assert (site / f"{page}.html").is_file(), page


def test_glued_numbers_are_the_checks_numbers(site):
    from gdflow.numbers import format_number

    text = page_text(site, "gradient-descent")
    c02 = claims.run("C02")
    # the page prints them with {num} and these format specifications
    assert format_number(c02[0].observed, ".2g") in text
    assert format_number(c02[3].observed, ".1g") in text
    assert format_number(claims.run("C01")[-1].observed, ".4g") in text


def test_ledger_page_lists_every_claim(site):
    text = page_text(site, "claims-ledger")
    for cid in claims.registry():
        assert cid in text


def test_ledger_takes_the_chapters_runs(site, book_output):
    """The ledger page runs last and takes the chapters' stored results: it says how many,
    and the store holds a passing result of every claim, made by this package."""
    text = page_text(site, "claims-ledger").replace("\\(", " ").replace("\\)", " ")  # {num} typesets numbers as math
    found = re.search(r"In this build\s+(\d+)\s+claims were taken from the chapters.\s+runs and\s+(\d+)\s+were run",
                      text)
    assert found, "the ledger does not say which results it took from the chapters"
    taken, ran = map(int, found.groups())
    assert taken + ran == len(claims.registry())
    assert taken >= len(claims.registry()) - 5, "the chapters' runs should serve nearly every claim"
    store = book_output / "_build" / ".jupyter_cache" / "gdflow-claims"
    stored = {p.name.split("-")[0] for p in store.glob("*.json")}
    assert stored == set(claims.registry())


def test_executed_notebooks_keep_their_outputs(book_output):
    import json

    folder = book_output / "_build" / "jupyter_execute" / "book"
    for name in ("gradient-descent", "claims-ledger", "langevin"):
        cells = json.loads((folder / f"{name}.ipynb").read_text())["cells"]
        outputs = [out for cell in cells if cell["cell_type"] == "code" for out in cell.get("outputs", [])]
        assert outputs, f"{name}.ipynb has no outputs"
        assert not any("application/papermill.record" in "".join(out.get("data", {})) for out in outputs), \
            "glued values belong in the glue file, not the cell outputs"


def test_site_loads_nothing_from_other_hosts(site):
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        for tag in re.findall(r"<(?:script|link|img)\b[^>]*>", html):
            assert not re.search(r"(?:src|href)=\"(?:https?:)?//", tag), f"{page.name}: {tag}"
    assert (site / "_static" / "mathjax" / "tex-chtml.js").is_file()


def minimal_book(tmp_path: Path, cell: str) -> Path:
    """A one-page book using the project's configuration, whose page runs ``cell``."""
    src = tmp_path / "src"
    (src / "book").mkdir(parents=True)
    shutil.copy(ROOT / "_config.yml", src / "_config.yml")
    shutil.copy(ROOT / "book" / "references.bib", src / "book" / "references.bib")
    shutil.copytree(ROOT / "book" / "_static", src / "book" / "_static")  # the favicon the configuration names
    (src / "_toc.yml").write_text("format: jb-book\nroot: book/index\n")
    header = (ROOT / "book" / "gradient-descent.md").read_text().split("---", 2)[1]
    page = f"---{header}---\n\n# A claim\n\n```{{code-cell}} ipython3\n{textwrap.dedent(cell)}\n```\n"
    (src / "book" / "index.md").write_text(page)
    return src


def test_a_violated_claim_fails_the_build(tmp_path):
    # Sufficient decrease checked with L/4 in place of L: the bound is false, the build must stop.
    src = minimal_book(tmp_path, """
        from gdflow import claims
        for check in claims.run("C02", smoothness_factor=0.25):
            check.assert_holds()
    """)
    result = run_build(src, tmp_path / "out")
    assert result.returncode != 0
    assert "ClaimViolation" in result.stdout + result.stderr


def test_the_same_page_with_a_true_claim_builds(tmp_path):
    src = minimal_book(tmp_path, """
        from gdflow import claims
        for check in claims.run("C03"):
            check.assert_holds()
    """)
    result = run_build(src, tmp_path / "out")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


FLOAT_NOISE = re.compile(r"\d\.\d*(?:0{6,}|9{6,})\d")
BARE_EXPONENT = re.compile(r"(?<![\w.])\d+(?:\.\d+)?[eE][+-]?\d+\b")


def prose_text(html: str, keep_math: bool = False) -> str:
    """A page's reader-facing text: without code (inputs, outputs of code, listings), scripts
    and styles, which may legitimately hold '1e-8' or long digit strings; without typeset math
    too unless ``keep_math``."""
    for pattern in (r"<script.*?</script>", r"<style.*?</style>", r"<pre.*?</pre>", r"<code.*?</code>",
                    r'<div class="cell_input.*?</div>\s*</div>'):
        html = re.sub(pattern, " ", html, flags=re.S)
    text = unescape(re.sub(r"<[^>]+>", " ", html))
    return text if keep_math else re.sub(r"\\\(.*?\\\)|\\\[.*?\\\]", " ", text, flags=re.S)


def test_no_page_shows_float_noise_or_bare_exponents(site):
    # Numbers in prose come through the {num} role (typeset math with powers of ten): none
    # should read like "0.999999999999999" or "1e-06".
    # The API reference is documentation of code: its defaults and tolerances are Python
    # literals (tolerance=1e-12), as the signatures show them.
    found = {}
    for page in sorted((site / "book").glob("*.html")):
        if page.name == "api-reference.html":
            continue
        html = page.read_text(encoding="utf-8")
        hits = FLOAT_NOISE.findall(prose_text(html, keep_math=True)) + BARE_EXPONENT.findall(prose_text(html))
        if hits:
            found[page.name] = hits[:5]
    assert not found, found


def test_the_prose_filter_sees_noise_when_it_is_there():
    html = "<p>the ratio is 0.9999999999 and the step 1e-06</p><pre>1e-8</pre><p>\\(1e-3\\)</p>"
    text = prose_text(html)
    assert FLOAT_NOISE.findall(text) == ["0.9999999999"] and BARE_EXPONENT.findall(text) == ["1e-06"]


RAW_LABEL = re.compile(r"\b(?:thm|lem|prop|cor|def|rem|obs|eq|fig|ex|chap)-[a-z0-9]+(?:-[a-z0-9]+)+\b")


def test_no_page_shows_a_raw_label(site):
    # A reference that did not resolve (for example a role inside math) leaves its label as text.
    found = {}
    for page in sorted((site / "book").glob("*.html")):
        hits = RAW_LABEL.findall(prose_text(page.read_text(encoding="utf-8"), keep_math=True))
        if hits:
            found[page.name] = sorted(set(hits))[:5]
    assert not found, found


def unwrapped_math_punctuation(html: str) -> list[str]:
    """Inline formulas followed by punctuation that may be broken onto the next line."""
    from bookbuild.sphinxext.access import MATH_THEN_PUNCTUATION

    wrapped = '<span class="bookbuild-nowrap">'
    return [m.group(0)[-60:] for m in MATH_THEN_PUNCTUATION.finditer(html)
            if html[max(0, m.start() - len(wrapped)):m.start()] != wrapped]


def test_punctuation_after_inline_math_stays_on_its_line(site):
    found = {}
    for page in sorted((site / "book").glob("*.html")):
        hits = unwrapped_math_punctuation(page.read_text(encoding="utf-8"))
        if hits:
            found[page.name] = hits[:3]
    assert not found, found
    assert ".bookbuild-nowrap" in (site / "_static" / "bookbuild.css").read_text(encoding="utf-8")


def test_the_punctuation_check_sees_a_full_stop_that_can_break_away():
    assert unwrapped_math_punctuation('is <span class="math notranslate nohighlight">x</span>. Then')
    assert not unwrapped_math_punctuation('is <span class="bookbuild-nowrap"><span class="math notranslate '
                                          'nohighlight">x</span>.</span> Then')


def test_the_site_has_a_favicon(site):
    assert 'rel="icon"' in (site / "book" / "index.html").read_text(encoding="utf-8")
    assert (site / "_static" / "favicon.svg").is_file()


def test_execution_statistics_use_words_not_emoji(site):
    html = (site / "book" / "execution-statistics.html").read_text(encoding="utf-8")
    assert "✅" not in html and "❌" not in html and "passed" in html


def test_citations_in_the_text_match_the_labels_of_the_list(site):
    # the text cites author-year ("Taylor et al. (2017b)"); the list must label each entry the
    # same way, not with a number the text never shows
    references = (site / "book" / "references.html").read_text(encoding="utf-8")
    labels = dict(re.findall(r'<div class="citation" id="([^"]+)"[^>]*>\s*<span class="label">'
                             r'<span class="fn-bracket">\[</span>([^<]+)<', references))
    assert labels and not any(label.strip().isdigit() for label in labels.values())
    cited = 0
    for page in (site / "book").glob("*.html"):
        for target, year in re.findall(r'href="references\.html#([^"]+)"[^>]*>(\d{4}[a-z]?)<',
                                       page.read_text(encoding="utf-8")):
            cited += 1
            assert labels[target].endswith(", " + year), (page.name, target, labels[target], year)
    assert cited > 20
    assert len(set(labels.values())) == len(labels), "two entries share a label"


def test_the_site_offers_the_pdf_only_when_it_has_it(site):
    has_pdf = (site / "book.pdf").is_file()
    index = (site / "book" / "index.html").read_text(encoding="utf-8")
    assert ("book-pdf-button" in index) == has_pdf and ("book-pdf-link" in index) == has_pdf
    assert ("book-pdf-missing" in index) == (not has_pdf)


def test_corrections_name_their_kind_in_title_and_style(site):
    kinds = {"false": "false", "imprecise": "imprecise", "loose": "valid but loose"}
    found = 0
    for page in (site / "book").glob("*.html"):
        html = page.read_text(encoding="utf-8")
        for classes, title in re.findall(r'<div class="([^"]*\badmonition\b[^"]*)"[^>]*>\s*<p class="admonition-title">(.*?)</p>',
                                         html, flags=re.S):
            if not unescape(re.sub(r"<[^>]+>", "", title)).startswith("Correction"):
                continue
            found += 1
            kind = [k for k in kinds if f"correction-{k}" in classes.split()]
            assert len(kind) == 1, (page.name, title, classes)
            assert unescape(re.sub(r"<[^>]+>", "", title)).startswith(f"Correction ({kinds[kind[0]]}): "), title
    assert found >= 16


@pytest.mark.parametrize("page, line", [
    ("gradient-descent", "def gradient_step"), ("momentum", "def heavy_ball_step"),
    ("nesterov", "def nesterov_step"), ("proximal", "def subproblem"),
    ("natural-gradient", "def step"), ("stochastic-gradient", "theta -= eta / batch"),
])
def test_method_chapters_show_the_packages_update_rule(site, page, line):
    html = (site / "book" / f"{page}.html").read_text(encoding="utf-8")
    blocks = re.findall(r'<div class="highlight-python notranslate"><div class="highlight"><pre>(.*?)</pre>', html, re.S)
    assert any(line in unescape(re.sub(r"<[^>]+>", "", b)) for b in blocks), page


def test_list_of_results_links_every_numbered_statement_in_reading_order(site):
    kinds = "definition|theorem|lemma|proposition|corollary|observation"
    labels = []
    for page in re.findall(r"file: *(\S+)", (ROOT / "_toc.yml").read_text()):
        source = (ROOT / f"{page}.md").read_text(encoding="utf-8")
        for block in re.findall(r"`{3,4}\{prf:(?:" + kinds + r")\}[^\n]*\n((?::[^\n]*\n)*)", source):
            label = re.search(r":label: *(\S+)", block)
            if label and ":nonumber:" not in block:
                labels.append((Path(page).name, label.group(1)))
    html = (site / "book" / "list-of-results.html").read_text(encoding="utf-8")
    listed = re.findall(r'<li><p><a class="reference internal" href="([\w-]+)\.html#([\w-]+)"', html)
    assert listed == labels
    for page, label in listed:
        assert f'id="{label}"' in (site / "book" / f"{page}.html").read_text(encoding="utf-8"), label
    assert not (site / "prf-prf.html").exists(), "sphinx-proof's unlinked index is back"
