"""Sphinx extension that serves MathJax 3 from the site itself, so math renders offline.

MathJax comes from the pinned ``django-static-mathjax`` wheel (a plain copy of
MathJax 3.2.2's files with no Django dependency at run time). Its ``es5``
folder is copied into ``_static/mathjax`` of the HTML output and
``mathjax_path`` points there, so no page asks an outside host for anything.
"""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

MATHJAX_SCRIPT = "mathjax/tex-chtml.js"


def mathjax_source() -> Path:
    """The folder holding MathJax's ``es5`` build inside the installed wheel."""
    root = Path(str(resources.files("mathjax"))) / "static" / "mathjax" / "es5"
    if not (root / "tex-chtml.js").is_file():
        raise FileNotFoundError(
            f"MathJax was not found at {root}; install the pinned requirements "
            "(django-static-mathjax provides it)"
        )
    return root


def _set_path(app, config):
    config.mathjax_path = MATHJAX_SCRIPT


def _copy(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    target = Path(app.outdir) / "_static" / "mathjax"
    if not (target / "tex-chtml.js").is_file():
        shutil.copytree(mathjax_source(), target, dirs_exist_ok=True)


def setup(app):
    app.connect("config-inited", _set_path)
    app.connect("build-finished", _copy)
    setup_fresh_builds(app)
    setup_delivery(app)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}


# ---------------------------------------------------------------------------
# Fast and fresh builds.
#
# myst-nb executes the pages one after another while Sphinx reads them, and its
# jupyter-cache keys a page on its code cells only. Two hooks change that:
#
# - ``env-get-outdated``: when the files of the gdflow package differ from the
#   ones the cached outputs were computed with (a fingerprint stored beside the
#   cache), the cached pages that import gdflow are dropped from the cache and
#   handed back to Sphinx to be read, hence executed, again;
# - ``env-before-read-docs``: every page Sphinx is about to read whose outputs
#   are not cached is executed first, several at a time, into the same cache;
#   myst-nb then finds each one cached. The kernels are forked from a process
#   that has already imported the heavy modules (gdflow._forkkernel). A page
#   that fails here is left alone: myst-nb runs it again, in an ordinary
#   kernel, and reports the error as it always does.
# ---------------------------------------------------------------------------

import json as _json
import os as _os
import time as _time
from contextlib import nullcontext as _nullcontext
from dataclasses import dataclass as _dataclass
from pathlib import PurePosixPath as _PurePosixPath

#: File beside the cache holding the package fingerprint of the cached outputs.
FINGERPRINT_FILE = "gdflow-package.sha256"
#: File beside the cache holding each page's last execution time (longest pages start first).
TIMES_FILE = "gdflow-execution-times.json"
#: Environment variable that overrides the number of pages executed at once.
WORKERS_ENV = "GDFLOW_EXECUTION_WORKERS"
#: Environment variable that, set to 0, starts every kernel the ordinary way.
FORK_ENV = "GDFLOW_FORK_KERNELS"


def _logger():
    from sphinx.util import logging as sphinx_logging

    return sphinx_logging.getLogger(__name__)


def _cache_folder(env):
    """The jupyter-cache folder when pages run in ``cache`` mode, else None."""
    config = getattr(env, "mystnb_config", None)
    if config is None or config.execution_mode != "cache" or not config.execution_cache_path:
        return None
    return Path(config.execution_cache_path)


@_dataclass
class _Page:
    docname: str
    path: Path
    notebook: object
    read_fmt: object
    executable: bool


def _read_page(env, docname):
    """The notebook myst-nb makes of a page (same reader, same kernel alias), or None."""
    import re

    from myst_nb.core.read import create_nb_reader

    path = Path(env.doc2path(docname))
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return None
    config = env.mystnb_config
    reader = create_nb_reader(str(path), env.myst_config, config, text)
    if reader is None:
        return None
    notebook = reader.read(text)
    kernel = notebook.metadata.get("kernelspec", {}).get("name")
    if kernel is not None:
        for rgx, alias in (config.kernel_rgx_aliases or {}).items():
            if re.fullmatch(rgx, kernel):
                notebook.metadata["kernelspec"]["name"] = alias
                break
    # Pages that change how they are executed, or are excluded, stay with myst-nb.
    overrides = notebook.metadata.get(config.metadata_key) or {}
    executable = not any(key.startswith("execution") for key in overrides)
    posix = _PurePosixPath(path.as_posix())
    if any(posix.match(pattern) for pattern in config.execution_excludepatterns or ()):
        executable = False
    return _Page(docname, path, notebook, reader.read_fmt, executable)


def _execution_workers(app, pages: int) -> int:
    wanted = _os.environ.get(WORKERS_ENV) or app.config.gdflow_execution_workers or 0
    try:
        wanted = int(wanted)
    except ValueError:
        raise ValueError(f"{WORKERS_ENV} must be an integer, got {wanted!r}") from None
    if wanted <= 0:
        wanted = _os.cpu_count() or 1
    return max(1, min(wanted, pages))


def refresh_pages_using_package(app, env, added, changed, removed):
    """``env-get-outdated``: re-execute the pages that import gdflow if the package changed."""
    from .builds import mentions_package, package_fingerprint

    cache_dir = _cache_folder(env)
    if cache_dir is None:
        return []
    current = package_fingerprint()
    app.gdflow_fingerprint = current
    stamp = cache_dir / FINGERPRINT_FILE
    previous = stamp.read_text(encoding="utf-8").strip() if stamp.is_file() else None
    if previous == current or not (cache_dir / "global.db").is_file():
        return []
    from jupyter_cache import get_cache

    cache = get_cache(str(cache_dir))
    dropped = 0
    for record in cache.list_cache_records():
        try:
            notebook = cache.get_cache_bundle(record.pk).nb
        except (KeyError, OSError, ValueError):
            notebook = None
        if notebook is None or mentions_package(notebook):
            try:
                cache.remove_cache(record.pk)
            except KeyError:
                pass
            dropped += 1
    stale = []
    for docname in sorted(env.found_docs - set(added) - set(changed)):
        page = _read_page(env, docname)
        if page is not None and mentions_package(page.notebook):
            stale.append(docname)
    _logger().info(f"[gdflow] the package changed since the cached outputs were made: "
                   f"dropped {dropped} cached page(s), re-reading {len(stale)} page(s) that import it")
    return stale


def _load_times(cache_dir) -> dict:
    try:
        return _json.loads((cache_dir / TIMES_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _execute_one(page, config, kernel_manager_class=None):
    """Run one page in its own kernel, as myst-nb would; None if the run itself broke."""
    from tempfile import TemporaryDirectory

    from jupyter_cache.executors.utils import single_nb_execution

    extra = {} if kernel_manager_class is None else {"kernel_manager_class": kernel_manager_class}
    cwd_context = TemporaryDirectory() if config.execution_in_temp else _nullcontext(str(page.path.parent))
    try:
        with cwd_context as cwd:
            return single_nb_execution(page.notebook, cwd=_os.path.abspath(cwd),
                                       allow_errors=config.execution_allow_errors,
                                       timeout=config.execution_timeout, meta_override=True,
                                       shutdown_kernel="immediate", **extra)
    except Exception:  # a kernel that did not start, or died: myst-nb retries and reports it
        return None


def execute_pages_in_parallel(app, env, docnames):
    """``env-before-read-docs``: execute the uncached pages to be read, several at once."""
    from concurrent.futures import ThreadPoolExecutor, as_completed

    app.gdflow_read_docs = list(docnames)
    cache_dir = _cache_folder(env)
    if cache_dir is None or not docnames:
        return
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    cache = get_cache(str(cache_dir))
    todo = []
    for docname in docnames:
        page = _read_page(env, docname)
        if page is None or not page.executable:
            continue
        try:
            cache.match_cache_notebook(page.notebook)
        except KeyError:
            todo.append(page)
    workers = _execution_workers(app, len(todo))
    if workers < 2:
        return  # nothing to overlap: myst-nb runs a lone page itself
    times = _load_times(cache_dir)
    todo.sort(key=lambda p: (-float(times.get(p.docname, 0.0)), p.docname))  # longest first
    config = env.mystnb_config
    logger = _logger()
    logger.info(f"[gdflow] executing {len(todo)} page(s), {workers} at a time")
    start = _time.perf_counter()
    cached = 0
    server, manager = None, None
    if _fork_kernels(app):
        from ._forkkernel import ForkServer

        try:
            server = ForkServer().__enter__()
            manager = server.kernel_manager_class()
        except (OSError, RuntimeError) as exc:
            logger.info(f"[gdflow] kernels start the ordinary way ({exc})")
            server = None
    try:
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="gdflow-exec") as pool:
            futures = {pool.submit(_execute_one, page, config, manager): page for page in todo}
            cached = _collect(futures, as_completed, cache, CacheBundleIn, times, logger)
    finally:
        if server is not None:
            server.close()
    (cache_dir / TIMES_FILE).write_text(_json.dumps(times, indent=1, sort_keys=True), encoding="utf-8")
    logger.info(f"[gdflow] executed and cached {cached} of {len(todo)} page(s) "
                f"in {_time.perf_counter() - start:.1f} s")


def _collect(futures, as_completed, cache, CacheBundleIn, times, logger) -> int:
    """Cache each page's outputs as its execution finishes; return how many were cached."""
    cached = 0
    for future in as_completed(futures):
        page, result = futures[future], future.result()
        if result is None or result.err is not None:
            logger.info(f"[gdflow] {page.docname}: execution failed; it runs again while read")
            continue
        stage = cache.add_nb_to_project(str(page.path), read_data=page.read_fmt)
        cache.cache_notebook_bundle(
            CacheBundleIn(page.notebook, stage.uri, data={"execution_seconds": result.time}),
            check_validity=False, overwrite=True)
        times[page.docname] = round(result.time, 3)
        cached += 1
        logger.info(f"[gdflow] executed {page.docname} in {result.time:.2f} s")
    return cached


def _fork_kernels(app) -> bool:
    """Whether kernels are forked from a pre-loaded server (config ``gdflow_fork_kernels``;
    the environment variable ``GDFLOW_FORK_KERNELS=0`` turns it off)."""
    env = _os.environ.get(FORK_ENV, "").strip().lower()
    if env in {"0", "false", "no", "off"}:
        return False
    return bool(app.config.gdflow_fork_kernels) and hasattr(_os, "fork")


def record_package_fingerprint(app, exception):
    """``build-finished``: after a successful build, store which package made the cached outputs."""
    fingerprint = getattr(app, "gdflow_fingerprint", None)
    cache_dir = _cache_folder(app.env)
    if exception is not None or fingerprint is None or cache_dir is None:
        return
    cache_dir.mkdir(parents=True, exist_ok=True)
    (cache_dir / FINGERPRINT_FILE).write_text(fingerprint + "\n", encoding="utf-8")


def setup_fresh_builds(app):
    """Register the parallel pre-execution and the package-aware cache invalidation."""
    app.add_config_value("gdflow_execution_workers", 0, "", [int])
    app.add_config_value("gdflow_fork_kernels", True, "", [bool])
    app.connect("env-get-outdated", refresh_pages_using_package)
    app.connect("env-before-read-docs", execute_pages_in_parallel)
    app.connect("build-finished", record_package_fingerprint)
    app.connect("env-updated", restore_executed_notebooks)


def restore_executed_notebooks(app, env):
    """``env-updated``: put the outputs back into the notebooks myst-nb wrote for the pages read.

    myst-nb writes each page's notebook to ``_build/jupyter_execute``; when it
    took the outputs from the cache (as it does for every page executed in
    parallel) it writes the notebook as read, without outputs. This writes the
    cached outputs in, as a page that myst-nb executed itself would have them.
    """
    import nbformat
    from myst_nb.ext.glue import extract_glue_data_cell

    cache_dir = _cache_folder(env)
    docnames = getattr(app, "gdflow_read_docs", None)
    if cache_dir is None or not docnames or not (cache_dir / "global.db").is_file():
        return
    from jupyter_cache import get_cache

    cache = get_cache(str(cache_dir))
    folder = Path(env.mystnb_config.output_folder)
    for docname in docnames:
        target = folder.joinpath(*(docname + ".ipynb").split("/"))
        if not target.is_file():
            continue
        notebook = nbformat.reads(target.read_text(encoding="utf-8"), as_version=nbformat.NO_CONVERT)
        code = [cell for cell in notebook.cells if cell.cell_type == "code"]
        if not code or any(cell.get("outputs") for cell in code):
            continue
        try:
            _, merged = cache.merge_match_into_notebook(notebook)
        except KeyError:
            continue
        for cell in merged.cells:  # as myst-nb does: glued values leave the cell outputs
            if cell.cell_type == "code":
                extract_glue_data_cell(cell)
        target.write_bytes(nbformat.writes(merged).encode("utf-8"))


# ---------------------------------------------------------------------------
# Delivery: the PDF (LaTeX builder) and the link to it from the website.
# ---------------------------------------------------------------------------

from docutils import nodes as _nodes  # noqa: E402
from sphinx.transforms.post_transforms import SphinxPostTransform  # noqa: E402

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


def _latex_elements(app, config):
    """Extend ``latex_elements``: proof environment, one-sided layout, no blank pages."""
    elements = dict(config.latex_elements or {})
    elements["preamble"] = elements.get("preamble", "") + LATEX_PREAMBLE + unicode_declarations()
    elements.setdefault("extraclassoptions", "openany,oneside")
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
    * the website's "download the PDF" line is left out of the PDF itself.
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

        self._shape_front_matter(addnodes)
        for table in list(self.document.findall(_nodes.table)):
            _fit_wide_table(table)

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


def book_pdf_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    """``{book-pdf}`text``: a link from the current page to the whole-book PDF.

    The PDF sits at the root of the website (``make pdf`` puts it there); the link
    is relative, so the site works from any address and from ``file://``.
    """
    docname = inliner.document.settings.env.docname
    uri = "../" * docname.count("/") + BOOK_PDF
    ref = _nodes.reference(rawtext, text, refuri=uri, classes=["book-pdf-link"])
    return [ref], []


def _pdf_header_button(app, pagename, templatename, context, doctree):
    """Put a "download the book as PDF" button in sphinx-book-theme's page header."""
    buttons = context.get("header_buttons")
    if buttons is None or "pathto" not in context:
        return
    buttons.insert(0, {
        "type": "link",
        "url": context["pathto"](BOOK_PDF, 1),
        "tooltip": "Download the whole book as a PDF",
        "icon": "fas fa-file-pdf",
        "label": "book-pdf-button",
    })


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
    app.connect("html-page-context", _dedupe_scripts, priority=590)
    # Load the page assets (MathJax above all) on every page, not only on pages whose
    # body has math: a chapter title with math also appears in the navigation, the
    # previous/next links and the search results of pages without math of their own.
    app.set_html_assets_policy("always")
