"""Interactive figures on the website: the Vega libraries that draw them, served by the site.

A page whose body holds an explorer (``gdflow.explorers``) gets a ``<script>`` for
``_static/vega-bundle.js``; the file itself (Vega, Vega-Lite and vega-embed in one script,
from the pinned vl-convert-python wheel, about 0.9 MB) is written once per build, so a
reader's browser fetches it once for every page and never from another host.

In the PDF an explorer is the SVG of its default setting. A page's outputs keep the Vega-Lite
specification (:data:`VEGALITE_MIME`), and :class:`PrintedExplorer`, a myst-nb MIME renderer
registered in pyproject.toml, draws it with vl-convert when the LaTeX builder reads the page:
running a page never pays for a drawing only the PDF needs.
"""

from __future__ import annotations

from pathlib import Path

#: Path of the bundle in the built site, and the class of an explorer's container;
#: the same values as gdflow.explorers.VEGA_BUNDLE and EXPLORER_CLASS (checked by a test).
VEGA_BUNDLE = "_static/vega-bundle.js"
EXPLORER_CLASS = "bookbuild-explorer"
VEGALITE_MIME = "application/vnd.vegalite.v6+json"


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


class PrintedExplorer:
    """Draws an explorer's Vega-Lite output as an SVG image, for the LaTeX builder only (the
    website shows the output's HTML, which outranks it there). Entry point
    ``myst_nb.mime_renderers``: myst-nb finds it in the installed package's metadata."""

    # Before SVG (15, _config.yml) and PNG (20): the specification is what the figure is.
    mime_priority_overrides = [("latex", VEGALITE_MIME, 12)]

    @staticmethod
    def handle_mime(renderer, data, inline):
        if data.mime_type != VEGALITE_MIME:
            return None
        import dataclasses
        import json

        import vl_convert

        spec = json.loads(data.content) if isinstance(data.content, (str, bytes)) else data.content
        svg = vl_convert.vegalite_to_svg(spec)
        return renderer.render_image(dataclasses.replace(data, mime_type="image/svg+xml", content=svg))


def setup_explorers(app):
    app.connect("html-page-context", _add_script)
    app.connect("build-finished", _write_bundle)
