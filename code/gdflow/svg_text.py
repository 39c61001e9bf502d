"""A process-wide change to matplotlib's SVG renderer: one shared text-to-path converter.

It changes how fast the book's SVG figures are written, never what is written.
:func:`gdflow.figure_style.use_book_style` applies it.
"""

from __future__ import annotations

__all__ = ["share_text_paths"]


def share_text_paths() -> None:
    """Let every SVG renderer use matplotlib's one shared text-to-path converter.

    With ``svg.fonttype: path`` each label becomes outlines. matplotlib gives every
    renderer a converter of its own, whose cache of parsed math text is then empty
    for each figure; most of the time spent writing the book's SVG figures went into
    parsing the same labels again. The shared converter (``matplotlib.textpath.text_to_path``)
    keeps that cache for the whole process. The SVG written is the same, byte for byte.
    Idempotent.
    """
    from matplotlib import textpath
    from matplotlib.backends import backend_svg

    renderer = backend_svg.RendererSVG
    if getattr(renderer.__init__, "_gdflow_shared_text_paths", False):
        return
    original = renderer.__init__

    def __init__(self, *args, **kwargs):
        original(self, *args, **kwargs)
        self._text2path = textpath.text_to_path

    __init__._gdflow_shared_text_paths = True
    __init__.__wrapped__ = original
    renderer.__init__ = __init__
