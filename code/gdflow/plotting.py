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


# --- Rates of gradient descent ----------------------------------------------------------

__all__ += ["plot_against_bounds", "plot_growth_sweep"]


def plot_against_bounds(ax, steps, measured, bounds, *, loglog: bool = False,
                        ylabel: str = "", markers=None, pair_colors: bool = True):
    """Measured sequences (solid) beside the bounds a theorem gives for them (dashed).

    Parameters
    ----------
    ax : matplotlib Axes
    steps : array_like, shape (n,)
        Iteration counts k shared by every curve.
    measured, bounds : dict[str, array_like]
        Label -> values of shape (n,). With ``pair_colors`` the i-th bound takes the
        colour of the i-th measured curve (a measurement and its own bound);
        otherwise bounds take the next colours after the measurements.
    loglog : bool
        Logarithmic k axis as well (for power laws); the y axis is always logarithmic.
    markers : dict[str, tuple[array_like, array_like]], optional
        Label -> (k values, values) drawn as hollow circles (e.g. attained worst cases).
    pair_colors : bool
        See ``bounds``.
    """
    k = np.asarray(steps, dtype=float)
    for i, (label, values) in enumerate(measured.items()):
        ax.plot(k, np.asarray(values, dtype=float), color=PALETTE[i % len(PALETTE)], label=label)
    offset = 0 if pair_colors else len(measured)
    for i, (label, values) in enumerate(bounds.items()):
        ax.plot(k, np.asarray(values, dtype=float), color=PALETTE[(offset + i) % len(PALETTE)],
                ls="--", lw=1.2, label=label)
    for j, (label, (kk, vv)) in enumerate((markers or {}).items()):
        # Black first: markers sit on top of the lines and must stand out from them.
        ax.plot(kk, vv, ls="none", marker="o", ms=6, mfc="none", mew=1.2,
                color=PALETTE[(len(PALETTE) - 1 - j) % len(PALETTE)], label=label)
    ax.set_yscale("log")
    if loglog:
        ax.set_xscale("log")
    ax.set_xlabel(r"iteration $k$")
    ax.set_ylabel(ylabel)
    ax.legend(fontsize=8)
    return ax


def plot_growth_sweep(ax, step_factors, top_growth, spectral_radius=None, *, threshold: float = 2.0):
    """Per-step growth factor of the top mode (and the whole error) against eta * lambda_max.

    Marks the factor 1 (neither growth nor decay) and the stability threshold.
    """
    x = np.asarray(step_factors, dtype=float)
    ax.plot(x, np.asarray(top_growth, dtype=float), "o", ms=4, color=PALETTE[0],
            label=r"measured, top mode: $|1-\eta\lambda_{\max}|$")
    if spectral_radius is not None:
        ax.plot(x, np.asarray(spectral_radius, dtype=float), "s", ms=3, mfc="none", color=PALETTE[1],
                label=r"measured, whole error: $\rho(I-\eta A)$")
    fine = np.linspace(0.0, x.max(), 400)
    ax.plot(fine, np.abs(1.0 - fine), color="0.5", lw=0.8, zorder=0)
    ax.axhline(1.0, color="0.3", lw=0.8)
    ax.axvline(threshold, color=PALETTE[1], lw=1.0, ls=":")
    ax.axvspan(threshold, x.max() * 1.02, color=PALETTE[1], alpha=0.08, lw=0)
    ax.set_xlim(0.0, x.max() * 1.02)
    ax.set_xlabel(r"$\eta\,\lambda_{\max}$")
    ax.set_ylabel("growth factor per step")
    ax.legend(fontsize=8, loc="upper center")
    return ax
