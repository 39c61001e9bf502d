"""Plot helpers: each draws on an ``ax`` it is given and returns it.

:func:`use_book_style` fixes the look every figure shares: an opaque white
background (readable on a dark page), the Okabe-Ito colour-blind-safe palette,
and output that is byte-identical between builds (fixed SVG ids, no dates).
"""

from __future__ import annotations

import os

import numpy as np

__all__ = ["PALETTE", "use_book_style", "plot_step_profile", "plot_contours", "plot_path"]

#: Okabe & Ito's palette, distinguishable under the common colour-vision deficiencies.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000")

BOOK_RC = {
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
    "savefig.transparent": False,
    "figure.figsize": (6.4, 3.6),
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


def use_book_style(formats=("svg", "png")) -> None:
    """Apply the book's matplotlib style and, inside a notebook, its figure formats.

    SVG is what the website shows (crisp, small for line plots); PNG is what the
    PDF embeds. ``SOURCE_DATE_EPOCH`` removes the date matplotlib writes into SVG.
    """
    import matplotlib as mpl
    from cycler import cycler

    os.environ.setdefault("SOURCE_DATE_EPOCH", "0")
    mpl.rcParams.update(BOOK_RC)
    mpl.rcParams["axes.prop_cycle"] = cycler(color=list(PALETTE))
    try:
        from IPython import get_ipython
        from matplotlib_inline.backend_inline import set_matplotlib_formats
    except ImportError:  # pragma: no cover - outside Jupyter there is nothing to set
        return
    if get_ipython() is not None:
        set_matplotlib_formats(*formats, metadata={"Date": None} if "svg" in formats else None)


def plot_step_profile(ax, objective, point, smoothness=None, *, max_factor: float = 2.5, num: int = 400):
    """f(theta - eta grad f(theta)) against eta L, beside the sufficient-decrease parabola.

    Shows where one gradient step lands for every step size, and that the
    descent-lemma parabola lies above it and dips below f(theta) only for eta < 2/L.
    """
    from .theory import sufficient_decrease_bound

    L = objective.smoothness if smoothness is None else smoothness
    x = np.asarray(point, dtype=float)
    g = objective.gradient(x)
    etas = np.linspace(0.0, max_factor / L, num)
    actual = objective.value(x[None, :] - etas[:, None] * g[None, :])
    bound = sufficient_decrease_bound(objective.value(x), g @ g, etas, L)
    ax.plot(etas * L, actual, color=PALETTE[0], label=r"$f(\theta - \eta\nabla f(\theta))$")
    ax.plot(etas * L, bound, color=PALETTE[1], ls="--",
            label=r"bound $f(\theta) - \eta(1 - L\eta/2)\|\nabla f(\theta)\|^2$")
    ax.axhline(objective.value(x), color="0.4", lw=0.8, label=r"$f(\theta)$")
    ax.axvline(2.0, color="0.4", lw=0.8, ls=":")
    ax.set_xlabel(r"$\eta L$")
    ax.set_ylabel("objective value")
    ax.legend(loc="upper left", fontsize=8)
    return ax


def plot_contours(ax, objective, xlim, ylim, *, levels=15, num: int = 200):
    """Contour lines of a 2-D objective on the box xlim x ylim."""
    xs = np.linspace(*xlim, num)
    ys = np.linspace(*ylim, num)
    X, Y = np.meshgrid(xs, ys)
    Z = objective.value(np.stack([X, Y], axis=-1))
    ax.contour(X, Y, Z, levels=levels, colors="0.6", linewidths=0.7)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    return ax


def plot_path(ax, trajectory, *, label=None, color=None, marker="o", **kwargs):
    """A trajectory's first two coordinates as a polyline with markers."""
    p = trajectory.points
    ax.plot(p[:, 0], p[:, 1], marker=marker, ms=3, label=label, color=color, **kwargs)
    return ax


# --- Natural gradient and Langevin dynamics -------------------------------------------


def plot_reparametrized_paths(ax, paths, *, styles=None):
    """Paths given as point arrays (n, 2) in one coordinate system, drawn on top of each other.

    ``paths`` maps a legend label to an array of points (or a Trajectory). A
    path meant to coincide with another is best drawn with markers only, so
    that the solid line beneath it stays visible; ``styles`` maps a label to
    keyword arguments for ``ax.plot``.
    """
    styles = {} if styles is None else styles
    for i, (label, path) in enumerate(paths.items()):
        p = np.asarray(getattr(path, "points", path), dtype=float)
        kwargs = {"color": PALETTE[i % len(PALETTE)], "lw": 1.5}
        kwargs.update(styles.get(label, {}))
        ax.plot(p[:, 0], p[:, 1], label=label, **kwargs)
    ax.legend(loc="best", fontsize=8)
    return ax


def plot_density_histogram(ax, samples, edges, grid, density, *, label_samples="samples",
                           label_density="density"):
    """A normalised histogram of 1-D samples with a density curve over it."""
    samples = np.asarray(samples, dtype=float).reshape(-1)
    ax.hist(samples, bins=edges, density=True, color=PALETTE[5], alpha=0.6,
            edgecolor="white", label=label_samples)
    ax.plot(grid, density, color=PALETTE[1], lw=1.8, label=label_density)
    ax.set_ylabel("density")
    ax.legend(loc="upper center", fontsize=8)
    return ax


def plot_stationary_variance(ax, step_ratios, sampled, stderr, curve_ratios, discrete, continuous):
    """Sampled stationary variances (with error bars) against the discrete and continuous formulas.

    ``step_ratios`` and ``sampled``/``stderr`` are the measured points; the
    curves are drawn over ``curve_ratios``: ``discrete`` is ULA's prediction
    and ``continuous`` the variance of exp(-beta f).
    """
    ax.plot(curve_ratios, discrete, color=PALETTE[0], lw=1.5,
            label=r"ULA: $1/(\beta\lambda(1-\eta\lambda/2))$")
    ax.plot(curve_ratios, np.broadcast_to(continuous, np.shape(curve_ratios)), color=PALETTE[1],
            ls="--", lw=1.5, label=r"$\exp(-\beta f)$: $1/(\beta\lambda)$")
    ax.errorbar(step_ratios, sampled, yerr=stderr, fmt="o", color=PALETTE[7], ms=4, capsize=3,
                label="sample variance (±5 s.e.)")
    ax.set_xlabel(r"$\eta\lambda$")
    ax.set_ylabel("stationary variance")
    ax.legend(loc="upper left", fontsize=8)
    return ax


__all__ += ["plot_reparametrized_paths", "plot_density_histogram", "plot_stationary_variance"]
