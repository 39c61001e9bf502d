"""Small fixes for readers: text where a page would otherwise rely on emoji glyphs.

myst-nb's execution-statistics table marks each page's status with emoji (✅, ❌), which
render as empty boxes where no emoji font is installed, and which a screen reader reads
as "white heavy check mark". They are replaced by words.
"""

from __future__ import annotations

from docutils import nodes

#: Glyphs replaced in every page, and the words that replace them.
GLYPHS = {"✅": "passed", "❌": "failed", "⚠️": "warning", "⚠": "warning"}


def replace_glyphs(app, doctree, docname):
    """``doctree-resolved``: replace the glyphs of :data:`GLYPHS` in text outside literal blocks."""
    for text in list(doctree.findall(nodes.Text)):
        parent = text.parent
        if isinstance(parent, (nodes.literal_block, nodes.literal, nodes.raw)):
            continue
        value = str(text)
        if not any(glyph in value for glyph in GLYPHS):
            continue
        for glyph, word in GLYPHS.items():
            value = value.replace(glyph, word)
        parent.replace(text, nodes.Text(value))


def setup_reader(app):
    app.connect("doctree-resolved", replace_glyphs)
