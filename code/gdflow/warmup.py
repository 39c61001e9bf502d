"""Warm matplotlib's caches in a process whose children will draw the book's figures.

The book's build forks the kernels that run its pages from one process that has
already imported the heavy modules; that process calls :func:`warm_caches` (see
``bookbuild.forkkernel``). Nothing here changes a figure.
"""

from __future__ import annotations

from .figure_style import BOOK_RC
from .svg_text import share_text_paths

__all__ = ["warm_caches"]


def warm_caches() -> None:
    """Draw one throwaway figure in the book's style and write it as SVG.

    The kernels that run the book's pages are forked from a process that has
    called this (see ``bookbuild.forkkernel``): they find matplotlib's math-text
    parser built, the fonts looked up and the usual labels parsed, work that
    otherwise made each page's first figure take about 0.2 s longer than the rest.
    Caches only: nothing drawn here reaches a page, and the global style is left
    as it was. (matplotlib reopens its font files in a forked process itself.)
    """
    import io

    import matplotlib as mpl
    import numpy as np
    from matplotlib.figure import Figure

    share_text_paths()
    with mpl.rc_context(BOOK_RC):
        fig = Figure()
        left, right = fig.subplots(1, 2)
        k = np.arange(1, 101)
        left.loglog(k, 1.0 / k, label=r"$f(x_k) - f^\star \leq \frac{L\|x_0 - x^\star\|^2}{2k}$")
        left.loglog(k, 1.0 / k**2, ls="--", label=r"$\eta = 1/L$, $\mu$, $\kappa$, $\beta$, $\theta_k$")
        left.set(xlabel=r"iteration $k$", ylabel=r"gap $f(x_k) - f^\star$", title="rate")
        left.legend()
        right.plot(k, np.exp(-k / 30.0), marker="o", markevery=20, label="measured")
        right.set(xlabel=r"time $t$", ylabel="error", ylim=(-0.1, 1.1))
        right.legend()
        fig.savefig(io.BytesIO(), format="svg", bbox_inches="tight")
