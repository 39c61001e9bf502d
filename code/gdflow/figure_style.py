"""The book's figure style: one look for every figure, and output identical between builds.

:func:`use_book_style` (also offered as ``gdflow.plotting.use_book_style``, which is
how the pages call it) sets an opaque white background (readable on a dark page),
the Okabe-Ito colour-blind-safe palette :data:`PALETTE`, and SVG output that is
byte-identical between builds (fixed SVG ids, no dates).
"""

from __future__ import annotations

import os

from .svg_text import share_text_paths

__all__ = ["PALETTE", "BOOK_RC", "use_book_style"]

#: Okabe & Ito's palette, distinguishable under the common colour-vision deficiencies.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000")

#: The book's matplotlib settings (fonts, sizes, grid, SVG output).
#:
#: :meta hide-value:
BOOK_RC = {
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
    "savefig.transparent": False,
    "figure.figsize": (6.4, 3.6),
    "figure.constrained_layout.use": True,
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "font.size": 10,
    "legend.frameon": False,
    "svg.hashsalt": "gdflow",
    "svg.fonttype": "path",
    "image.cmap": "viridis",
}


def use_book_style(formats=("svg",)) -> None:
    """Apply the book's matplotlib style and, inside a notebook, its figure formats.

    Figures are written once, as SVG: the website shows it (crisp, small for line
    plots) and the PDF build converts it to vector PDF. ``SOURCE_DATE_EPOCH``
    removes the date matplotlib writes into SVG.
    """
    import matplotlib as mpl
    from cycler import cycler

    os.environ.setdefault("SOURCE_DATE_EPOCH", "0")
    mpl.rcParams.update(BOOK_RC)
    mpl.rcParams["axes.prop_cycle"] = cycler(color=list(PALETTE))
    share_text_paths()
    try:
        from IPython import get_ipython
        from matplotlib_inline.backend_inline import set_matplotlib_formats
    except ImportError:  # pragma: no cover - outside Jupyter there is nothing to set
        return
    if get_ipython() is not None:
        set_matplotlib_formats(*formats, metadata={"Date": None} if "svg" in formats else None)
