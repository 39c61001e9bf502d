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


# ---------------------------------------------------------------------------
# Gradient flow (book: chap-gradient-flow)
# ---------------------------------------------------------------------------

def plot_against_bound(ax, times, measured, bounds, *, bound_times=None, logx: bool = False,
                       logy: bool = True, xlabel: str = r"$t$", ylabel: str = ""):
    """Measured curves (solid) beside the bounds or references they are compared with (dashed).

    Parameters
    ----------
    ax : matplotlib Axes
    times : array_like, shape (n,) or mapping
        Shared time axis, or a mapping label -> times for curves on their own axes.
    measured : mapping label -> array, shape (n,)
        Measured quantities, one colour each from the book palette.
    bounds : mapping label -> array
        Theoretical bounds, on ``bound_times`` if given, else on the shared ``times``.
    bound_times : array_like, optional
        Time axis of the bounds; required when ``times`` is a mapping.
    logx : bool
        Log scale on the time axis (for algebraic rates such as 1/t).
    logy : bool
        Log scale on the value axis (the default, for decay rates).
    """
    styles = ("--", ":", "-.")
    for i, (label, values) in enumerate(measured.items()):
        t = times[label] if isinstance(times, dict) else times
        ax.plot(t, values, color=PALETTE[i % len(PALETTE)], lw=1.6, label=label)
    shared = bound_times if bound_times is not None else (None if isinstance(times, dict) else times)
    for j, (label, values) in enumerate(bounds.items()):
        if shared is None:
            raise ValueError("bounds need a time axis: pass bound_times when times is a mapping")
        ax.plot(shared, values, color="0.15" if j == 0 else "0.45", ls=styles[j % 3], lw=1.2,
                label=label)
    if logy:
        ax.set_yscale("log")
    if logx:
        ax.set_xscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend(fontsize=8, loc="best")
    return ax


def plot_mode_decay(ax, times, modes, eigenvalues):
    """|z_i(t)| of each eigen-mode (markers) on a log scale with z_i(0) e^{-lambda_i t} (lines).

    Parameters
    ----------
    times : array_like, shape (n,)
    modes : array_like, shape (n, d)
        Absolute eigen-coordinates |z_i(t)| of a flow.
    eigenvalues : array_like, shape (d,)
    """
    t = np.asarray(times, dtype=float)
    z = np.asarray(modes, dtype=float)
    lam = np.asarray(eigenvalues, dtype=float)
    if z.shape != (t.size, lam.size):
        raise ValueError(f"modes must have shape ({t.size}, {lam.size}); got {z.shape}")
    every = max(1, t.size // 20)
    for i, li in enumerate(lam):
        color = PALETTE[i % len(PALETTE)]
        ax.plot(t, z[0, i] * np.exp(-li * t), color=color, lw=1.2)
        ax.plot(t[::every], z[::every, i], ls="none", marker="o", ms=3.5, color=color,
                label=rf"$\lambda_{i + 1} = {li:g}$")
    ax.set_yscale("log")
    ax.set_xlabel(r"$t$")
    ax.set_ylabel(r"$|z_i(t)|$")
    ax.legend(fontsize=8, loc="lower left")
    return ax

__all__ += ["plot_against_bound", "plot_mode_decay"]

# --- Orders of accuracy, iterate sequences and decay curves (chapters on the bridge and comparison) ---

__all__ += ["plot_order_fit", "plot_sequences", "plot_decay_curves"]


def plot_order_fit(ax, step_sizes, errors, *, label, color=None, marker="o", annotate=True,
                   text_offset=(6, -14)):
    """Errors against step size on log-log axes, with the fitted line and its slope written beside it.

    The slope is the least-squares fit of log error on log step size
    (:func:`gdflow.measure.loglog_slope`), the measured order of accuracy.
    """
    from .measure import loglog_slope

    h = np.asarray(step_sizes, dtype=float)
    e = np.asarray(errors, dtype=float)
    fit = loglog_slope(h, e)
    line = ax.loglog(h, e, marker=marker, ls="none", ms=5, color=color, label=label)[0]
    grid = np.geomspace(h.min(), h.max(), 50)
    ax.loglog(grid, np.exp(fit.intercept) * grid**fit.slope, color=line.get_color(), lw=1.0)
    if annotate:
        ax.annotate(f"slope {fit.slope:.2f}", xy=(np.sqrt(h.min() * h.max()),
                                                np.exp(fit.intercept) * np.sqrt(h.min() * h.max()) ** fit.slope),
                    xytext=text_offset, textcoords="offset points", color=line.get_color(), fontsize=9)
    from matplotlib.ticker import NullFormatter

    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_xlabel(r"step size $\eta$")
    return ax


def plot_sequences(ax, sequences, *, xlabel=r"step $k$", ylabel=r"$\theta_k$", marker="o"):
    """Each sequence (a dict label -> 1-D array) against its index, as markers joined by thin lines."""
    for i, (label, seq) in enumerate(sequences.items()):
        seq = np.asarray(seq, dtype=float)
        ax.plot(np.arange(seq.size), seq, marker=marker, ms=3, lw=0.8,
                color=PALETTE[i % len(PALETTE)], label=label)
    ax.axhline(0.0, color="0.4", lw=0.8)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend(fontsize=8)
    return ax


def plot_decay_curves(ax, curves, *, xlabel=r"time $t$", ylabel="error"):
    """Curves (a dict label -> (times, values)) on a logarithmic y axis, for comparing decay rates."""
    styles = ("-", "--", "-.", ":")
    for i, (label, (t, v)) in enumerate(curves.items()):
        ax.semilogy(t, v, color=PALETTE[i % len(PALETTE)], ls=styles[i % len(styles)], label=label)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend(fontsize=8)
    return ax
