"""Pages that summarise the others (the list of results, the API reference's "Used in"
lines) are written again whenever a page was read, without being read again themselves.

Sphinx writes only the pages it reads, and reading the API reference would import the
whole package in the Sphinx process (autodoc); its stored doctree is enough, since the
summaries are filled in when the pages are written (``doctree-resolved``).
"""

from __future__ import annotations


def _note_reading(app, env, added, changed, removed):
    app.bookbuild_pages_read = bool(added or changed or removed)
    return []


def _rewrite(app, env):
    if not getattr(app, "bookbuild_pages_read", False):
        return []
    return [doc for doc in env.found_docs if doc in app.bookbuild_summary_pages]


def summary_page(app, docname: str) -> None:
    """Have ``docname`` written again whenever another page was read in the build."""
    if not hasattr(app, "bookbuild_summary_pages"):
        app.bookbuild_summary_pages = set()
        app.connect("env-get-outdated", _note_reading)
        app.connect("env-get-updated", _rewrite)
    app.bookbuild_summary_pages.add(docname)
