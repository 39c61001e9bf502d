"""Figures that fit the reader's screen: each matplotlib figure comes in two drawings.

``gdflow.figure_style`` stores a figure's output twice, as designed and laid out for a
narrow screen (:data:`NARROW_FIGURE_MIME`). On the website :class:`TwoDrawings`, a myst-nb
MIME renderer registered in pyproject.toml, places both images in the figure; the style
sheet shows the narrow one below :data:`NARROW_SCREEN` pixels and the other one above, and
both load lazily, so a reader's browser fetches only the one it shows. Other builders
(the PDF) take the output's ordinary SVG, the designed drawing.
"""

from __future__ import annotations

import dataclasses
import re

#: The same value as gdflow.figure_style.NARROW_FIGURE_MIME (checked by a test).
NARROW_FIGURE_MIME = "application/vnd.bookbuild.figure+json"
#: The classes of the two images; bookbuild.css switches between them at this width.
WIDE_CLASS, NARROW_CLASS, NARROW_SCREEN = "bookbuild-figure-wide", "bookbuild-figure-narrow", 600
HTML_BUILDERS = ("html", "dirhtml", "singlehtml")


class TwoDrawings:
    """myst-nb MIME renderer (entry point ``myst_nb.mime_renderers``) for the website's builders."""

    # Before the plain SVG (40): the pair is the same figure, with its narrow layout.
    mime_priority_overrides = [(builder, NARROW_FIGURE_MIME, 35) for builder in HTML_BUILDERS]

    @staticmethod
    def handle_mime(renderer, data, inline):
        if data.mime_type != NARROW_FIGURE_MIME:
            return None
        content = data.content
        if not isinstance(content, dict) or not {"wide", "narrow"} <= set(content):
            raise ValueError(f"{NARROW_FIGURE_MIME} output must hold the SVGs 'wide' and 'narrow'")
        images = []
        for key, css_class in (("wide", WIDE_CLASS), ("narrow", NARROW_CLASS)):
            [image] = renderer.render_image(dataclasses.replace(data, mime_type="image/svg+xml",
                                                                content=content[key]))
            image["classes"] = [*image.get("classes", []), css_class]
            images.append(image)
        return images


#: An image of either drawing, as Sphinx writes it (its class attribute lists ours).
_DRAWING = re.compile(r'<img (?=[^>]*class="[^"]*\b(?:%s|%s)\b)' % (WIDE_CLASS, NARROW_CLASS))


def load_lazily(body: str) -> str:
    """Mark both drawings ``loading="lazy"``: a browser then fetches only the one it shows.

    >>> load_lazily('<img alt="a" class="bookbuild-figure-narrow" src="x.svg" />')
    '<img loading="lazy" alt="a" class="bookbuild-figure-narrow" src="x.svg" />'
    """
    return _DRAWING.sub('<img loading="lazy" ', body)


def _mark_lazy(app, pagename, templatename, context, doctree):
    body = context.get("body")
    if body and NARROW_CLASS in body:
        context["body"] = load_lazily(body)


def setup_figures(app):
    app.connect("html-page-context", _mark_lazy)
