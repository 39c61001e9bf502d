"""The book's figure style: one look for every figure, and output identical between builds.

:func:`use_book_style` (also offered as ``gdflow.plotting.use_book_style``, which is
how the pages call it) sets an opaque white background (readable on a dark page),
the Okabe-Ito colour-blind-safe palette :data:`PALETTE`, and SVG output that is
byte-identical between builds (fixed SVG ids, no dates).

Inside a notebook every figure is drawn twice: as designed, and for narrow screens
(:func:`narrow_copy`: 4.4 inches wide, side-by-side panels stacked, no text below 9 pt).
The output carries both drawings under :data:`NARROW_FIGURE_MIME`; the website shows the
one that fits the reader's screen (bookbuild.sphinxext.figures), the PDF the first.
"""

from __future__ import annotations

import os

from .svg_text import share_text_paths

__all__ = ["PALETTE", "BOOK_RC", "use_book_style", "narrow_copy", "NARROW_FIGURE_MIME", "NARROW_WIDTH",
           "NARROW_MIN_FONT"]

#: The MIME type of a figure's two drawings, ``{"wide": svg, "narrow": svg}``.
NARROW_FIGURE_MIME = "application/vnd.bookbuild.figure+json"
#: Width of the narrow drawing in inches (about 420 CSS pixels, so that a phone shows it at
#: 80 % or more) and the least size of its text in points.
NARROW_WIDTH, NARROW_MIN_FONT = 4.4, 9.0

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
    shell = get_ipython()
    if shell is not None:
        set_matplotlib_formats(*formats, metadata={"Date": None} if "svg" in formats else None)
        if "svg" in formats:
            _draw_figures_twice(shell)


def narrow_copy(fig):
    """A copy of ``fig`` laid out for a narrow screen; ``fig`` itself is not changed.

    The copy is :data:`NARROW_WIDTH` inches wide. Panels side by side (one row of a grid) are
    stacked, one per row, with their tick labels shown when they share an axis. Each panel
    (or the one plot) is 0.6 to 0.8 times as tall as it is wide. Text smaller than
    :data:`NARROW_MIN_FONT` points is enlarged to it.
    """
    import pickle

    from matplotlib.text import Text

    copy = pickle.loads(pickle.dumps(fig))
    width, height = (float(x) for x in fig.get_size_inches())
    gridded = [ax for ax in copy.axes if ax.get_subplotspec() is not None]
    specs = [ax.get_subplotspec() for ax in gridded]
    grid = specs[0].get_gridspec() if specs else None
    panels = 1
    if (grid is not None and grid.nrows == 1 and grid.ncols > 1
            and all(s.get_gridspec() is grid and s.colspan.stop - s.colspan.start == 1 for s in specs)):
        panels = grid.ncols
        stacked = copy.add_gridspec(panels, 1)
        for ax, spec in zip(gridded, specs):
            ax.set_subplotspec(stacked[spec.colspan.start, 0])
            if len(ax.get_shared_y_axes().get_siblings(ax)) > 1:
                ax.yaxis.set_tick_params(which="both", labelleft=True)
    panel_height = min(max(height, 0.6 * NARROW_WIDTH), 0.8 * NARROW_WIDTH)
    copy.set_size_inches(NARROW_WIDTH, panels * panel_height)
    for text in copy.findobj(Text):
        if text.get_fontsize() < NARROW_MIN_FONT:
            text.set_fontsize(NARROW_MIN_FONT)
    for ax in copy.axes:
        for axis in (ax.xaxis, ax.yaxis):
            if axis.get_ticklabels() and axis.get_ticklabels()[0].get_fontsize() < NARROW_MIN_FONT:
                ax.tick_params(axis="x" if axis is ax.xaxis else "y", labelsize=NARROW_MIN_FONT)
    return copy


def _draw_figures_twice(shell) -> None:
    """Make a figure's output hold its SVG and, under NARROW_FIGURE_MIME, both drawings.

    Replaces the inline backend's SVG printer for figures (so that the designed drawing is
    made once, here). A figure that cannot be copied raises: a page without its narrow
    drawings fails to build rather than show illegible figures on phones.
    """
    from matplotlib.figure import Figure

    svg = shell.display_formatter.formatters["image/svg+xml"]
    draw = svg.lookup_by_type(Figure)  # the inline backend's printer: tight box, no date

    def both(fig):
        import matplotlib.pyplot as plt

        wide = draw(fig)
        narrow = narrow_copy(fig)
        try:
            small = draw(narrow)
        finally:
            plt.close(narrow)  # an unpickled pyplot figure joins pyplot; it must not be shown too
        return {"image/svg+xml": wide, NARROW_FIGURE_MIME: {"wide": wide, "narrow": small}}

    svg.pop(Figure)
    shell.display_formatter.mimebundle_formatter.for_type(Figure, both)
