"""Accessibility fixes the theme and docutils leave to the book (checked by axe-core in
``tests/test_site_a11y.py``).

- the search field is named by its visible text, and the light/dark switch's icons are
  hidden from screen readers, and the book title sits in a navigation landmark
  (template overrides); the "Show code cell source" toggles
  are named by their visible text, not by a fixed aria-label that differs from it;
- punctuation after inline math stays on the formula's line;
- citation entries are list items of the citation list, as ARIA requires of a
  ``role="list"`` (docutils marks them ``doc-biblioentry``, a role axe does not accept there);
- links keep a 4.5:1 contrast inside the tinted statement boxes, the index tables stay
  legible in the dark theme, and a display equation too wide for a phone shows a
  scrollbar (the style sheet ``static/bookbuild.css``).
"""

from __future__ import annotations

import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
STYLE_SHEET = "bookbuild.css"


def _add_paths(app, config):
    config.templates_path = [*config.templates_path, str(HERE / "templates")]
    config.html_static_path = [*config.html_static_path, str(HERE / "static")]


#: Markup in a page's body replaced before the page is written: (what, by what).
BODY_FIXES = (
    ('role="doc-biblioentry"', 'role="listitem"'),
    ('<summary aria-label="Toggle hidden content">', "<summary>"),  # myst-nb's hidden-input toggle
)


#: Inline math and the punctuation right after it ("$x$."), which a narrow screen would
#: otherwise break apart, leaving the full stop alone at the start of a line.
MATH_THEN_PUNCTUATION = re.compile(
    r'(<span class="math notranslate nohighlight">(?:(?!</span>).)*</span>)([.,;:!?]+)', re.S)


def keep_punctuation_with_math(body: str) -> str:
    """Wrap each inline formula and the punctuation after it in a span that does not break.

    >>> keep_punctuation_with_math('so <span class="math notranslate nohighlight">x</span>. Then')
    'so <span class="bookbuild-nowrap"><span class="math notranslate nohighlight">x</span>.</span> Then'
    """
    return MATH_THEN_PUNCTUATION.sub(r'<span class="bookbuild-nowrap">\1\2</span>', body)


def _fix_body(app, pagename, templatename, context, doctree):
    body = context.get("body")
    if body:
        for old, new in BODY_FIXES:
            body = body.replace(old, new)
        context["body"] = keep_punctuation_with_math(body)


def setup_access(app):
    app.connect("config-inited", _add_paths)
    app.connect("html-page-context", _fix_body)
    app.add_css_file(STYLE_SHEET)
