"""The book's Sphinx extension (``bookbuild.sphinxext`` in ``_config.yml``), in fourteen parts.

- :mod:`.mathjax` -- MathJax 3 served from the site's own static files (no network);
- :mod:`.execution` -- pages executed in parallel while Sphinx reads, in kernels forked
  off a pre-loaded process (:mod:`bookbuild.forkkernel`), and re-executed when the
  gdflow package changes;
- :mod:`.delivery` -- the PDF laid out as a book, and a link to it from every page;
- :mod:`.numbers` -- the ``{num}`` role: glued numbers typeset by one formatter;
- :mod:`.lock` -- one build at a time per build folder;
- :mod:`.reader` -- words instead of emoji glyphs that need an emoji font;
- :mod:`.access` -- accessibility fixes to the theme's and docutils' markup;
- :mod:`.explorers` -- the Vega libraries of the interactive figures, served by the site;
- :mod:`.figures` -- each figure drawn as designed and for narrow screens, shown by width;
- :mod:`.citations` -- author-year labels in the list of references;
- :mod:`.apidocs` -- types in the API reference's docstrings, linked or shown as text;
- :mod:`.results` -- the list of results (every numbered statement, with a link);
- :mod:`.previews` -- hover previews of cross-references (sphinx-tippy, served offline);
- :mod:`.summaries` -- pages that summarise the others, rewritten when a page changes.
"""

from __future__ import annotations

from . import (access, apidocs, citations, delivery, explorers, execution, figures, lock, mathjax, numbers, previews,
               reader, results)


def setup(app):
    lock.setup_lock(app)  # first: nothing below may touch the build folder of another build
    app.connect("config-inited", mathjax._set_path)
    app.connect("build-finished", mathjax._copy)
    execution.setup_fresh_builds(app)
    delivery.setup_delivery(app)
    numbers.setup_numbers(app)
    reader.setup_reader(app)
    access.setup_access(app)
    explorers.setup_explorers(app)
    figures.setup_figures(app)
    citations.setup_citations(app)
    apidocs.setup_apidocs(app)
    results.setup_results(app)
    previews.setup_previews(app)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
