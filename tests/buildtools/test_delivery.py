"""The delivery part of bookbuild.sphinxext: LaTeX preamble, PDF link, script de-duplication."""

from __future__ import annotations

import re
import unicodedata
from types import SimpleNamespace

from docutils import nodes

from bookbuild.sphinxext import delivery as sphinxext


def test_latex_elements_extend_the_users_preamble():
    config = SimpleNamespace(latex_elements={"preamble": r"\usepackage{mine}", "papersize": "a4paper"},
                             project="T", author="A", html_baseurl="")
    sphinxext._latex_elements(SimpleNamespace(confdir="/"), config)
    elements = config.latex_elements
    assert elements["preamble"].startswith(r"\usepackage{mine}")
    assert r"\newenvironment{gdproof}" in elements["preamble"]
    assert r"\qedsymbol" in elements["preamble"]
    assert elements["papersize"] == "a4paper"
    assert "openany" in elements["extraclassoptions"]


def test_latex_elements_work_without_user_settings():
    config = SimpleNamespace(latex_elements=None, project="T", author="A", html_baseurl="")
    sphinxext._latex_elements(SimpleNamespace(confdir="/"), config)
    assert r"\DeclareUnicodeCharacter{2212}" in config.latex_elements["preamble"]
    assert r"\begin{titlepage}" in config.latex_elements["maketitle"]


def test_unicode_table_covers_greek_and_common_math():
    table = sphinxext.UNICODE_TO_LATEX
    for name in ("theta", "eta", "mu", "lambda", "kappa", "omega", "Sigma", "Delta"):
        unicode_name = name.upper().replace("LAMBDA", "LAMDA")  # Unicode's spelling
        char = unicodedata.lookup(f"GREEK {'CAPITAL' if name[0].isupper() else 'SMALL'} LETTER {unicode_name}")
        assert table[char] == "\\" + name
    assert table["\u03bf"] == "o" and table["\u0391"] == r"\mathrm{A}"
    for char in "−‖∇≤≥≈∈∫²ᵀ₀":
        assert char in table
    assert all(len(c) == 1 and ord(c) > 127 for c in table)


def test_unicode_declarations_are_balanced_latex():
    text = sphinxext.unicode_declarations()
    assert text.startswith(r"\ifdefined\DeclareUnicodeCharacter") and text.rstrip().endswith(r"\fi")
    lines = [line for line in text.splitlines() if line.startswith(r"\DeclareUnicodeCharacter")]
    assert len(lines) == len(sphinxext.UNICODE_TO_LATEX)
    for line in lines:
        assert re.match(r"\\DeclareUnicodeCharacter\{[0-9A-F]{4}\}\{\\ensuremath\{.+\}\}$", line), line
        assert line.count("{") == line.count("}"), line


def _inliner(docname):
    env = SimpleNamespace(docname=docname)
    return SimpleNamespace(document=SimpleNamespace(settings=SimpleNamespace(env=env)))


def test_book_pdf_role_links_relative_to_the_page():
    [ref], messages = sphinxext.book_pdf_role("book-pdf", ":book-pdf:`PDF`", "PDF", 1, _inliner("book/index"))
    assert messages == []
    assert isinstance(ref, nodes.reference)
    assert ref["refuri"] == "../book.pdf" and "book-pdf-link" in ref["classes"]
    [ref], _ = sphinxext.book_pdf_role("book-pdf", "", "PDF", 1, _inliner("index"))
    assert ref["refuri"] == "book.pdf"


def test_header_button_points_at_the_pdf():
    context = {"header_buttons": [{"label": "download-buttons"}],
               "pathto": lambda name, resource: f"../{name}" if resource else name}
    sphinxext._pdf_header_button(None, "book/x", "page.html", context, None)
    button = context["header_buttons"][0]
    assert button["url"] == "../book.pdf" and button["label"] == "book-pdf-button"
    assert len(context["header_buttons"]) == 2


def test_header_button_leaves_pages_without_buttons_alone():
    context = {}
    sphinxext._pdf_header_button(None, "search", "search.html", context, None)
    assert context == {}


class Script:
    def __init__(self, filename, **attributes):
        self.filename, self.attributes, self.priority = filename, attributes, 500


def test_repeated_inline_scripts_are_dropped():
    body = {"body": "const X = 1"}
    scripts = [Script("a.js"), Script(None, **body), Script("b.js"), Script("", **body), Script("a.js")]
    context = {"script_files": scripts}
    sphinxext._dedupe_scripts(None, "page", "page.html", context, None)
    assert [s.filename for s in context["script_files"]] == ["a.js", None, "b.js"]


def _table(rows, classes=("colwidths-auto",)):
    ncols = len(rows[0])
    group = nodes.tgroup(cols=ncols)
    group += [nodes.colspec(colwidth=1) for _ in range(ncols)]
    body = nodes.tbody()
    for cells in rows:
        row = nodes.row()
        for cell in cells:
            row += nodes.entry("", nodes.paragraph(text=cell))
        body += row
    group += body
    return nodes.table("", group, classes=list(classes))


def test_a_wide_table_gets_wrapping_columns_sized_by_content():
    table = _table([["C01", "Lemma 1.1", "max relative residual over 4000 random pairs " * 3, "1.613e-10"]])
    sphinxext._fit_wide_table(table)
    widths = [c["colwidth"] for c in table.findall(nodes.colspec)]
    assert "colwidths-given" in table["classes"] and "colwidths-auto" not in table["classes"]
    assert widths[2] == max(widths)            # the sentence column is the widest, capped
    assert widths[2] <= 40 + 4
    assert widths[3] >= len("1.613e-10") + 4   # a number is never narrower than itself


def test_a_narrow_table_keeps_its_natural_columns():
    table = _table([["a", "b"], ["1.0", "2.0"]])
    sphinxext._fit_wide_table(table)
    assert table["classes"] == ["colwidths-auto"]
    assert [c["colwidth"] for c in table.findall(nodes.colspec)] == [1, 1]


def test_math_counts_for_half_its_source():
    entry = nodes.entry("", nodes.paragraph("", "", nodes.math(text=r"\frac{L}{2}\|x\|^2")))
    width, word = sphinxext._printed_size(entry)
    assert width == round(len(r"\frac{L}{2}\|x\|^2") / 2) == word


def test_the_title_page_escapes_its_text_and_says_where_the_website_is():
    from bookbuild.sphinxext.delivery import source_version, title_page

    page = title_page("A & B", "C_D", "abc1234", "2026-01-02", "https://example.org/book/")
    assert r"A \& B" in page and r"C\_D" in page and r"\url{https://example.org/book/}" in page
    assert "Version abc1234, 2026-01-02" in page
    assert "make build" in title_page("T", "A", "x", "y", "")
    assert source_version("/") == ("unversioned", "undated")  # not a git checkout


def test_launch_buttons_wait_for_the_repository_address():
    launch = {"binderhub_url": "https://mybinder.org", "colab_url": "https://colab.research.google.com",
              "notebook_interface": "jupyterlab", "thebe": False}
    config = SimpleNamespace(html_theme_options={"repository_url": "", "launch_buttons": dict(launch)})
    sphinxext._hold_launch_buttons(None, config)
    assert config.html_theme_options["launch_buttons"] == {"notebook_interface": "jupyterlab"}
    config = SimpleNamespace(html_theme_options={"repository_url": "https://github.com/o/r",
                                                 "launch_buttons": dict(launch)})
    sphinxext._hold_launch_buttons(None, config)
    assert config.html_theme_options["launch_buttons"] == launch
