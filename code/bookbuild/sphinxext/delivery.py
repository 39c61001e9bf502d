"""Delivery: the PDF's layout (LaTeX builder) and the link to the PDF from every page."""

from __future__ import annotations


# ---------------------------------------------------------------------------
# Delivery: the PDF (LaTeX builder) and the link to it from the website.
# ---------------------------------------------------------------------------

import shutil
from pathlib import Path

from docutils import nodes as _nodes
from sphinx import addnodes as _addnodes
from sphinx.transforms.post_transforms import SphinxPostTransform

#: The page of the API reference, which the PDF leaves to the website.
API_REFERENCE = "book/api-reference"

#: File name of the whole-book PDF; ``make pdf`` copies it next to the site's pages.
BOOK_PDF = "book.pdf"

#: Added to Sphinx's LaTeX preamble (after its own packages).
LATEX_PREAMBLE = r"""
% --- gdflow: proofs, contents title, bibliography inside its chapter ---
\usepackage{amsthm}
\renewcommand{\qedsymbol}{\ensuremath{\blacksquare}}
\newenvironment{gdproof}{\begin{proof}}{\end{proof}}
\addto\captionsenglish{\renewcommand{\contentsname}{Contents}}
\makeatletter
\renewenvironment{sphinxthebibliography}[1]
  {\begingroup\renewcommand{\chapter}[2]{}\let\@mkboth\@gobbletwo
   \begin{thebibliography}{#1}}
  {\end{thebibliography}\endgroup}
\makeatother
"""


#: Characters that code outputs and plain text use (printed tables of results, names)
#: and that pdflatex's utf8 input does not know, with what to typeset instead.
UNICODE_TO_LATEX = {
    **{chr(0x3B1 + i): (rf"\{name}" if len(name) > 1 else name) for i, name in enumerate(
        "alpha beta gamma delta varepsilon zeta eta theta iota kappa lambda mu nu xi o pi "
        "rho varsigma sigma tau upsilon varphi chi psi omega".split())},
    **{chr(0x391 + i): (rf"\{name}" if len(name) > 1 else rf"\mathrm{{{name}}}")
       for i, name in enumerate(
           "A B Gamma Delta E Z H Theta I K Lambda M N Xi O Pi P _ Sigma T Upsilon Phi X Psi "
           "Omega".split()) if name != "_"},
    "\u03d1": r"\vartheta", "\u03d5": r"\phi", "\u03f5": r"\epsilon", "\u03c2": r"\varsigma",
    "\u2212": "-", "\u2016": r"\|", "\u2207": r"\nabla", "\u2208": r"\in", "\u2209": r"\notin",
    "\u222b": r"\int", "\u2211": r"\sum", "\u220f": r"\prod", "\u221a": r"\surd",
    "\u2202": r"\partial", "\u221e": r"\infty", "\u2248": r"\approx", "\u2264": r"\le",
    "\u2265": r"\ge", "\u2260": r"\neq", "\u2261": r"\equiv", "\u223c": r"\sim",
    "\u2243": r"\simeq", "\u221d": r"\propto", "\u226a": r"\ll", "\u226b": r"\gg",
    "\u2aaf": r"\preceq", "\u2ab0": r"\succeq", "\u227c": r"\preceq", "\u227d": r"\succeq",
    "\u22a4": r"\top", "\u2218": r"\circ", "\u2200": r"\forall", "\u2203": r"\exists",
    "\u2205": r"\emptyset", "\u2282": r"\subset", "\u2286": r"\subseteq", "\u222a": r"\cup",
    "\u2229": r"\cap", "\u2192": r"\to", "\u2190": r"\leftarrow", "\u21d2": r"\Rightarrow",
    "\u21d4": r"\Leftrightarrow", "\u21a6": r"\mapsto", "\u2308": r"\lceil", "\u2309": r"\rceil",
    "\u230a": r"\lfloor", "\u230b": r"\rfloor", "\u27e8": r"\langle", "\u27e9": r"\rangle",
    "\u2032": r"{}^{\prime}", "\u2033": r"{}^{\prime\prime}", "\u211d": r"\mathbb{R}",
    "\u2115": r"\mathbb{N}", "\u2124": r"\mathbb{Z}", "\u00d7": r"\times", "\u00b7": r"\cdot",
    "\u22c5": r"\cdot", "\u00b1": r"\pm", "\u2213": r"\mp", "\u2713": r"\checkmark",
    "\u2717": r"\times", "\u2022": r"\bullet", "\u1d40": r"{}^{\top}",
    **{ch: f"{{}}^{{{d}}}" for ch, d in zip("\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079", "0123456789")},
    **{chr(0x2080 + i): f"{{}}_{{{i}}}" for i in range(10)},
    "\u207a": "{}^{+}", "\u207b": "{}^{-}", "\u208a": "{}_{+}", "\u208b": "{}_{-}",
    "\u1d62": "{}_{i}", "\u2c7c": "{}_{j}", "\u2096": "{}_{k}", "\u2099": "{}_{n}", "\u209c": "{}_{t}",
}


def unicode_declarations() -> str:
    """``\\DeclareUnicodeCharacter`` lines for :data:`UNICODE_TO_LATEX` (pdflatex only)."""
    lines = [rf"\DeclareUnicodeCharacter{{{ord(ch):04X}}}{{\ensuremath{{{tex}}}}}"
             for ch, tex in sorted(UNICODE_TO_LATEX.items())]
    return "\\ifdefined\\DeclareUnicodeCharacter\n" + "\n".join(lines) + "\n\\fi\n"


def source_version(root) -> tuple[str, str]:
    """(short commit, commit date as YYYY-MM-DD) of the sources in ``root``, or
    ("unversioned", "undated") outside a git checkout. The date is the commit's, not the
    build's, so two builds of one commit print the same title page."""
    import subprocess

    try:
        out = subprocess.run(["git", "-C", str(root), "log", "-1", "--format=%h %cs"], capture_output=True,
                             text=True, timeout=10, check=True).stdout.split()
    except (OSError, subprocess.SubprocessError):
        return "unversioned", "undated"
    return (out[0], out[1]) if len(out) == 2 else ("unversioned", "undated")


def title_page(title: str, author: str, commit: str, date: str, website: str) -> str:
    """The LaTeX of the PDF's title page."""
    where = (rf"The website: \url{{{website}}}" if website
             else r"The website is built from the same sources: \texttt{make build}")
    return "\n".join([
        r"\begin{titlepage}", r"\centering", r"\vspace*{3cm}",
        rf"{{\Huge\bfseries {_latex_escape(title)}\par}}", r"\vspace{1cm}",
        r"{\Large An executable textbook: every theorem checked by the code that builds it\par}",
        r"\vspace{2cm}", rf"{{\large {_latex_escape(author)}\par}}", r"\vfill",
        rf"Version {_latex_escape(commit)}, {_latex_escape(date)}\par", r"\vspace{0.4cm}",
        r"Text licensed under CC BY 4.0; code under the MIT licence\par", r"\vspace{0.4cm}",
        where + r"\par", r"\end{titlepage}", ""])


def _latex_elements(app, config):
    """Extend ``latex_elements``: proof environment, one-sided layout, no blank pages, and a
    title page with the version, date, licence and where the website is."""
    elements = dict(config.latex_elements or {})
    elements["preamble"] = elements.get("preamble", "") + LATEX_PREAMBLE + unicode_declarations()
    elements.setdefault("extraclassoptions", "openany,oneside")
    commit, date = source_version(app.confdir)
    website = (getattr(config, "html_baseurl", "") or "").strip()
    title = getattr(config, "html_title", "") or config.project  # jupyter-book sets the first from `title:`
    elements.setdefault("maketitle", title_page(title, config.author, commit, date, website))
    config.latex_elements = elements


def _strip_proof_prefix(paragraph):
    """Drop the literal ``"Proof. "`` that sphinx-proof writes before a proof's text."""
    for text in paragraph.findall(_nodes.Text):
        stripped = str(text).lstrip()
        if stripped.startswith("Proof."):
            text.parent.replace(text, _nodes.Text(stripped[len("Proof."):].lstrip()))
        return


class LatexBookLayout(SphinxPostTransform):
    """Shape the assembled LaTeX document tree as a printed book.

    * every ``prf:proof`` becomes an amsthm ``proof`` (italic *Proof.*, a tombstone at
      its end) instead of a box with an empty title bar;
    * the landing page's text becomes an unnumbered front chapter, its sections
      unnumbered headings, and each captioned part of the table of contents a
      ``\\part``;
    * cell inputs tagged ``hide-input`` are left out (a printed page cannot unfold them);
    * the website's "download the PDF" line is left out of the PDF itself;
    * the exercises' solutions are gathered in a chapter before the references;
    * the API reference stays on the website.
    """

    default_priority = 900
    builders = ("latex",)

    def run(self, **kwargs):
        from sphinx import addnodes
        from sphinx_proof.nodes import proof_node

        # sphinx-proof finds a statement's chapter (for its number and its \\label) by
        # looking for the chapter's title among the section's names. Smart quotes make
        # the title "Nesterov’s ..." while the name keeps "nesterov's ...": the chapter
        # is not found, its statements print unnumbered and references to them break.
        for node in self.document.findall(_nodes.section):
            docname = node.get("docname")
            title = self.env.titles.get(docname) if docname else None
            if title is not None and title.astext().lower() not in node["names"]:
                node["names"].append(title.astext().lower())

        for node in list(self.document.findall(proof_node)):
            body = []
            for child in node.children:
                body.extend(child.children if isinstance(child, _nodes.admonition) else [child])
            if body and isinstance(body[0], _nodes.paragraph):
                _strip_proof_prefix(body[0])
            node.replace_self([
                _nodes.raw("", "\n\\begin{gdproof}\n", format="latex"),
                *body,
                _nodes.raw("", "\n\\end{gdproof}\n", format="latex"),
            ])

        for cell in list(self.document.findall(_nodes.container)):
            if "tag_hide-input" in cell.get("classes", []):
                for child in list(cell.children):
                    if "cell_input" in child.get("classes", []):
                        cell.remove(child)

        for ref in list(self.document.findall(_nodes.reference)):
            if "book-pdf-link" in ref.get("classes", []):
                para = ref.parent
                while para is not None and not isinstance(para, _nodes.paragraph):
                    para = para.parent
                if para is not None and para.parent is not None:
                    section = para.parent
                    section.remove(para)
                    if isinstance(section, _nodes.section) and all(
                            isinstance(c, _nodes.title) for c in section.children):
                        section.parent.remove(section)

        self._website_only_reference()
        self._solutions_appendix()
        self._shape_front_matter(addnodes)
        for table in list(self.document.findall(_nodes.table)):
            _fit_wide_table(table)

    def _solutions_appendix(self):
        """Move every exercise's solution out of its chapter into one chapter of solutions,
        before the references, grouped by chapter: a teacher can hand out the chapters
        without the answers (on the website they stay folded after each exercise)."""
        from sphinx_exercise.nodes import solution_node

        solutions = list(self.document.findall(solution_node))
        if not solutions:
            return
        groups: dict[str, list] = {}
        for node in solutions:
            chapter = node.parent
            while chapter is not None and not (isinstance(chapter, _nodes.section) and chapter.get("docname")):
                chapter = chapter.parent
            title = self.env.titles[chapter["docname"]].astext() if chapter is not None else ""
            if chapter is not None:
                _anchor_references(node, chapter["docname"])
            node.parent.remove(node)
            groups.setdefault(title, []).append(node)
        appendix = [_nodes.raw("", "\\chapter{Solutions to the exercises}\\label{bookbuild-solutions}\n",
                               format="latex")]
        for title, nodes_ in groups.items():
            appendix.append(_nodes.raw("", "\\section*{%s}\n" % _latex_escape(title), format="latex"))
            appendix.extend(nodes_)
        references = next((s for s in self.document.findall(_nodes.section)
                           if s.get("docname") == "book/references"), None)
        if references is not None and references.parent is not None:
            parent = references.parent
            index = parent.index(references)
            for offset, node in enumerate(appendix):
                parent.insert(index + offset, node)
        else:
            self.document.extend(appendix)

    def _website_only_reference(self):
        """The API reference stays on the website (it links the chapters and the package both
        ways); the printed chapter keeps its introduction and says where the rest is."""
        for section in list(self.document.findall(_nodes.section)):
            if section.get("docname") != API_REFERENCE:
                continue
            for child in list(section.children):
                if isinstance(child, _nodes.section) or next(iter(child.findall(_addnodes.desc)), None):
                    section.remove(child)
            section += _nodes.paragraph(text="The reference itself is part of the website, where each entry "
                                              "links to the chapters that use it.")
        # the chapters' links to its entries become plain names in print
        for ref in list(self.document.findall(_nodes.reference)):
            if API_REFERENCE in ref.get("refuri", "") or ref.get("refid", "").startswith(API_REFERENCE + ":"):
                ref.replace_self(ref.children)

    def _shape_front_matter(self, addnodes):
        root = self.config.root_doc
        top = next((s for s in self.document.children if isinstance(s, _nodes.section)), None)
        if top is None:
            return
        # Captions of the landing page's toctrees, keyed by their first chapter.
        parts = {}
        for toctree in self.env.get_doctree(root).findall(addnodes.toctree):
            if toctree.get("caption") and toctree.get("includefiles"):
                parts[toctree["includefiles"][0]] = toctree["caption"]
        front_done = False
        for child in list(top.children):
            if isinstance(child, _nodes.title):
                continue
            if not front_done:
                top.insert(top.index(child), _nodes.raw(
                    "", "\\chapter*{About this book}\n"
                    "\\addcontentsline{toc}{chapter}{About this book}\n"
                    "\\markboth{About this book}{About this book}\n", format="latex"))
                front_done = True
            if isinstance(child, _nodes.section):
                title = child[0] if child.children and isinstance(child[0], _nodes.title) else None
                heading = _nodes.rubric("", "", *(title.children if title else []))
                replacement = [_nodes.target("", "", ids=list(child["ids"])), heading,
                               *child.children[1 if title else 0:]]
                child.replace_self(replacement)
            elif isinstance(child, _nodes.compound):
                first = next(child.findall(addnodes.start_of_file), None)
                caption = parts.get(first["docname"]) if first is not None else None
                if caption:
                    child.insert(0, _nodes.raw("", f"\\part{{{_latex_escape(caption)}}}\n",
                                               format="latex"))


#: Characters of text that fit on one line of the PDF's body (10pt Times, letter paper).
LINE_CHARS = 90


def _printed_size(entry):
    """Rough printed width of a table cell and of its longest unbreakable piece, in characters.

    Math counts for half its LaTeX source (``\\frac{L}{2}`` prints as two characters).
    """
    width = word = 0
    for text in entry.findall(_nodes.Text):
        in_math = isinstance(text.parent, (_nodes.math, _nodes.math_block))
        pieces = [len(str(text))] if in_math else [len(w) for w in str(text).split()]
        scale = 0.5 if in_math else 1.0
        width += scale * (sum(pieces) + (0 if in_math else max(len(pieces) - 1, 0)))
        word = max(word, *(scale * p for p in pieces), 0)
    return round(width), round(word)


def _fit_wide_table(table):
    """Give a table too wide for the page wrapping columns sized by their content.

    Sphinx sets the columns of a table without given widths (MyST tables, tables that
    code cells print) at their natural width, and a long table of sentences runs off
    the page. For such a table this sets each column's width from its longest cell
    (capped, so one long sentence does not starve the other columns), which makes
    Sphinx typeset wrapping paragraph columns that share the line width.
    """
    if "colwidths-given" in table.get("classes", []):
        return
    groups = [g for g in table.children if isinstance(g, _nodes.tgroup)]
    if len(groups) != 1:
        return
    group = groups[0]
    colspecs = [c for c in group.children if isinstance(c, _nodes.colspec)]
    widths = [0] * len(colspecs)  # longest cell of each column
    words = [0] * len(colspecs)   # longest word: the narrowest the column can be
    for row in group.findall(_nodes.row):
        col = 0
        for entry in row.children:
            if col >= len(widths):
                break
            span = 1 + entry.get("morecols", 0)
            width, word = _printed_size(entry)
            if span == 1:
                widths[col] = max(widths[col], width)
                words[col] = max(words[col], word)
            col += span
    if not colspecs or sum(widths) + 3 * len(widths) <= LINE_CHARS:
        return
    for colspec, width, word in zip(colspecs, widths, words):
        # + 4: each column also loses its padding (2\\tabcolsep) from its share.
        colspec["colwidth"] = max(min(width, 40), min(word, 25)) + 4
    table["classes"] = [c for c in table.get("classes", []) if c != "colwidths-auto"] + ["colwidths-given"]


def _latex_escape(text):
    """Escape the characters LaTeX treats specially in a plain caption."""
    table = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
             "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}",
             "^": r"\textasciicircum{}"}
    return "".join(table.get(c, c) for c in text)


def _anchor_references(tree, docname: str) -> None:
    """Make the references inside ``tree`` that point into its own page ("#id", refid)
    name that page, so that they still resolve once ``tree`` is printed in another chapter
    (the LaTeX writer prefixes such references with the page it is writing)."""
    for node in tree.findall(_nodes.Element):
        if node.get("refid"):
            node["refuri"] = f"%{docname}#{node['refid']}"
            del node["refid"]
        elif str(node.get("refuri", "")).startswith("#"):
            node["refuri"] = f"%{docname}{node['refuri']}"


def pdf_source(app) -> Path:
    """Where the LaTeX builder leaves the PDF (``_build/latex/book.pdf`` beside ``_build/html``)."""
    return Path(app.outdir).parent / "latex" / BOOK_PDF


#: What the PDF depends on, relative to the project: a PDF older than any of these is stale.
PDF_SOURCES = ("book", "code", "_config.yml", "_toc.yml")


def pdf_state(app) -> str:
    """``"fresh"``, ``"stale"`` (older than a source of the book) or ``"missing"``.

    Decided once per build (the header of every page asks): the sources do not change
    while the book builds.
    """
    state = getattr(app, "bookbuild_pdf_state", None)
    if state is None:
        state = app.bookbuild_pdf_state = _pdf_state(app)
    return state


def _pdf_state(app) -> str:
    pdf = pdf_source(app)
    if not pdf.is_file():
        return "missing"
    root = Path(app.srcdir)
    newest = 0.0
    for name in PDF_SOURCES:
        path = root / name
        files = [path] if path.is_file() else (p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
        newest = max([newest, *(f.stat().st_mtime for f in files)])
    return "fresh" if pdf.stat().st_mtime >= newest else "stale"


def offers_pdf(app) -> bool:
    """Whether this build's website offers the PDF: only when a PDF as new as the sources exists.

    The LaTeX builder keeps the link (its layout transform removes it from the PDF itself).
    """
    if app is None or getattr(app.builder, "format", "html") != "html":
        return True
    return pdf_state(app) == "fresh"


def book_pdf_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    """``{book-pdf}`text``: a link from the current page to the whole-book PDF.

    The PDF sits at the root of the website (``make pdf`` puts it there); the link
    is relative, so the site works from any address and from ``file://``. A website
    built without the PDF says how to make it instead of linking to nothing.
    """
    env = inliner.document.settings.env
    if not offers_pdf(getattr(env, "app", None)):
        note = _nodes.inline(rawtext, "", classes=["book-pdf-missing"])
        why = "without the PDF" if pdf_state(env.app) == "missing" else "when its PDF was older than the text"
        note += _nodes.Text(f"{text}: this copy of the website was built {why}; ")
        note += _nodes.literal("make pdf", "make pdf")
        note += _nodes.Text(" builds it and adds it here")
        return [note], []
    uri = "../" * env.docname.count("/") + BOOK_PDF
    ref = _nodes.reference(rawtext, text, refuri=uri, classes=["book-pdf-link"])
    return [ref], []


def _pdf_header_button(app, pagename, templatename, context, doctree):
    """Put a "download the book as PDF" button in sphinx-book-theme's page header."""
    buttons = context.get("header_buttons")
    if buttons is None or "pathto" not in context or not offers_pdf(app):
        return
    buttons.insert(0, {
        "type": "link",
        "url": context["pathto"](BOOK_PDF, 1),
        "tooltip": "Download the whole book as a PDF",
        "icon": "fas fa-file-pdf",
        "label": "book-pdf-button",
    })


def _pdf_outdated(app, env, added, changed, removed):
    """Re-read every page when the PDF appeared or went away since the last build.

    The link and the header button depend on it, and Sphinx would otherwise keep the
    pages it has already written (the notebooks are not run again: their outputs are
    cached). The HTML and LaTeX builders share one environment, so the state is kept
    per output format.
    """
    offered = offers_pdf(app)
    states = getattr(env, "bookbuild_offers_pdf", None)
    if not isinstance(states, dict):
        states = env.bookbuild_offers_pdf = {}
    before = states.get(app.builder.format, offered)
    states[app.builder.format] = offered
    return [] if before == offered else sorted(env.found_docs)


def _copy_pdf(app, exception):
    """Put the PDF beside the website's pages when the website offers it, and remove an
    earlier copy when it does not (a website never serves a PDF older than its text)."""
    if exception is not None or app.builder.format != "html":
        return
    target = Path(app.outdir) / BOOK_PDF
    if offers_pdf(app):
        shutil.copyfile(pdf_source(app), target)
    else:
        target.unlink(missing_ok=True)


#: The launch services of ``launch_buttons:`` in ``_config.yml``.
LAUNCH_SERVICES = ("binderhub_url", "jupyterhub_url", "colab_url", "jupyterlite_url", "thebe")


def _hold_launch_buttons(app, config):
    """Keep the launch buttons off until the repository's address is set.

    They open the book's notebooks from its repository, so without an address they
    would have nothing to open (and sphinx-book-theme fails on an empty address).
    """
    options = config.html_theme_options
    launch = options.get("launch_buttons") or {}
    if not options.get("repository_url") and any(launch.get(k) for k in LAUNCH_SERVICES):
        options["launch_buttons"] = {k: v for k, v in launch.items() if k not in LAUNCH_SERVICES}


def _offer_notebook(app, pagename, templatename, context, doctree):
    """Offer an executed page's notebook (with its outputs) in the page's download menu.

    myst-nb writes it to ``_build/jupyter_execute`` whenever it reads the page; it is
    copied beside the page's source, where sphinx-book-theme's menu links to ``ipynb_source``.
    """
    if app.builder.format != "html" or context.get("ipynb_source") or \
            not str(context.get("sourcename", "")).endswith(".md.txt") and \
            not str(context.get("sourcename", "")).endswith(".md"):
        return
    notebook = Path(app.outdir).parent / "jupyter_execute" / f"{pagename}.ipynb"
    if not notebook.is_file():
        return
    target = Path(app.outdir) / "_sources" / f"{pagename}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(notebook, target)
    context["ipynb_source"] = f"{pagename}.ipynb"


def _dedupe_scripts(app, pagename, templatename, context, doctree):
    """Drop repeated inline scripts from a page.

    sphinx-thebe registers its configuration script (``const THEBE_JS_URL = ...``)
    once per reading pass; a second copy on the page is a JavaScript error
    ("Identifier has already been declared") in every browser.
    """
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for script in scripts:
        attributes = getattr(script, "attributes", {}) or {}
        key = (getattr(script, "filename", str(script)) or "", tuple(sorted(map(str, attributes.items()))))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"] = unique


def setup_delivery(app):
    """Register the PDF layout, the ``book-pdf`` role and the header button."""
    app.connect("config-inited", _latex_elements)
    app.add_post_transform(LatexBookLayout)
    app.add_role("book-pdf", book_pdf_role)
    app.connect("html-page-context", _pdf_header_button, priority=600)
    app.connect("config-inited", _hold_launch_buttons)
    app.connect("html-page-context", _offer_notebook, priority=500)  # before the theme's menu (501)
    app.connect("env-get-outdated", _pdf_outdated)
    app.connect("build-finished", _copy_pdf)
    app.connect("html-page-context", _dedupe_scripts, priority=590)
    # Load the page assets (MathJax above all) on every page, not only on pages whose
    # body has math: a chapter title with math also appears in the navigation, the
    # previous/next links and the search results of pages without math of their own.
    app.set_html_assets_policy("always")
