"""Interactive figures on the website: the Vega libraries that draw them, served by the site.

A page whose body holds an explorer (``gdflow.explorers``) gets a ``<script>`` for
``_static/vega-bundle.js``; the file itself (Vega, Vega-Lite and vega-embed in one script,
from the pinned vl-convert-python wheel, about 0.9 MB) is written once per build, so a
reader's browser fetches it once for every page and never from another host.
"""

from __future__ import annotations

from pathlib import Path

#: Path of the bundle in the built site, and the class of an explorer's container;
#: the same values as gdflow.explorers.VEGA_BUNDLE and EXPLORER_CLASS (checked by a test).
VEGA_BUNDLE = "_static/vega-bundle.js"
EXPLORER_CLASS = "bookbuild-explorer"


def _add_script(app, pagename, templatename, context, doctree):
    body = context.get("body") or ""
    if f'class="{EXPLORER_CLASS}"' not in body:
        return
    from sphinx.builders.html._assets import _JavaScript

    # A deferred classic script (browsers refuse module scripts from file:// pages), wrapped
    # in a function so that its top-level names stay its own (its "const _" would clash with
    # the theme's); it runs before DOMContentLoaded, when the explorers call the vegaEmbed
    # it leaves on window.
    context.setdefault("script_files", []).append(_JavaScript(VEGA_BUNDLE, loading_method="defer"))


def wrap_bundle(module_text: str) -> str:
    """The bundle (written as an ES module that only sets globals) as a classic script: one
    strict function scope, as a module has."""
    return '(function () {\n"use strict";\n' + module_text + "\n})();\n"


def _write_bundle(app, exception):
    # Written on every HTML build (pages may be written in other processes, so which of
    # them hold an explorer is not known here); only those pages load it.
    if exception is not None or app.builder.format != "html":
        return
    import vl_convert

    target = Path(app.outdir) / VEGA_BUNDLE
    target.parent.mkdir(parents=True, exist_ok=True)
    text = wrap_bundle(vl_convert.javascript_bundle())
    if not target.is_file() or target.read_text(encoding="utf-8") != text:
        target.write_text(text, encoding="utf-8")


def setup_explorers(app):
    app.connect("html-page-context", _add_script)
    app.connect("build-finished", _write_bundle)
