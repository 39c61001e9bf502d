"""Plot helpers for the chapters on methods beyond plain descent.

Same conventions as :mod:`gdflow.plotting`: each helper draws on the ``ax`` it
is given and returns it; colours come from :data:`gdflow.figure_style.PALETTE`.
"""

from __future__ import annotations

import numpy as np

from .plotting import PALETTE

__all__ = ["plot_series", "plot_stability_map", "plot_cycle", "plot_paths_plane"]


def plot_series(ax, series, *, xlabel: str, ylabel: str, logx: bool = False, logy: bool = True,
                styles=None, legend_loc="best"):
    """Several curves y(x) on shared axes, log-scaled as asked.

    Parameters
    ----------
    ax : matplotlib Axes
    series : dict
        ``label -> (x, y)``, drawn in order with the book's palette.
    xlabel, ylabel : str
    logx, logy : bool
        Log scale on each axis (y is logarithmic by default).
    styles : dict, optional
        ``label -> dict`` of extra keyword arguments for ``ax.plot`` (e.g. a dashed line).
    """
    styles = {} if styles is None else styles
    for i, (label, (x, y)) in enumerate(series.items()):
        kw = {"color": PALETTE[i % len(PALETTE)], "lw": 1.4}
        kw.update(styles.get(label, {}))
        ax.plot(np.asarray(x), np.asarray(y), label=label, **kw)
    if logx:
        ax.set_xscale("log")
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend(loc=legend_loc, fontsize=8)
    return ax


def plot_stability_map(ax, step_curvatures, momenta, growth, *, boundary=True):
    """Where the heavy ball on lambda x^2/2 shrinks (filled) or grows, over (alpha lambda, beta).

    ``growth`` has shape (len(momenta), len(step_curvatures)), e.g. from
    ``gdflow.checks.momentum.heavy_ball_scalar_sweep``. With ``boundary`` the
    predicted edge alpha lambda = 2(1 + beta) is drawn dashed, and plain
    descent's edge alpha lambda = 2 dotted.
    """
    a = np.asarray(step_curvatures, dtype=float)
    b = np.asarray(momenta, dtype=float)
    stable = (np.asarray(growth) < 1.0).astype(float)
    ax.contourf(a, b, stable, levels=[-0.5, 0.5, 1.5], colors=["white", PALETTE[5]], alpha=0.6)
    ax.contour(a, b, stable, levels=[0.5], colors=[PALETTE[0]], linewidths=1.4)
    if boundary:
        ax.plot(2.0 * (1.0 + b), b, color=PALETTE[1], ls="--", lw=1.4, label=r"$\alpha\lambda = 2(1+\beta)$")
        ax.axvline(2.0, color="0.3", ls=":", lw=1.0, label=r"descent: $\alpha\lambda = 2$")
        ax.legend(loc="lower right", fontsize=8)
    ax.set_xlabel(r"$\alpha\lambda$")
    ax.set_ylabel(r"momentum $\beta$")
    ax.set_xlim(a[0], a[-1])
    ax.set_ylim(b[0], b[-1])
    return ax


def plot_cycle(ax, trajectory, *, reference=None, label="iterates", reference_label=None):
    """The iterates x_k of a one-dimensional method against k, optionally beside a second run."""
    k = trajectory.steps
    ax.plot(k, trajectory.points[:, 0], marker="o", ms=2.5, lw=0.8, color=PALETTE[0], label=label)
    if reference is not None:
        ax.plot(reference.steps, reference.points[:, 0], marker="s", ms=2.0, lw=0.8,
                color=PALETTE[1], label=reference_label)
    ax.axhline(0.0, color="0.4", lw=0.8)
    ax.set_xlabel("iteration $k$")
    ax.set_ylabel("$x_k$")
    ax.legend(loc="upper right", fontsize=8)
    return ax


def plot_paths_plane(ax, paths, *, markers=None):
    """Paths in the plane (first two coordinates): ``label -> Trajectory``, in order.

    ``markers`` maps a label to a marker style; paths without one are drawn as lines.
    """
    markers = {} if markers is None else markers
    for i, (label, path) in enumerate(paths.items()):
        p = path.points
        marker = markers.get(label)
        ax.plot(p[:, 0], p[:, 1], color=PALETTE[i % len(PALETTE)], lw=1.0 if marker else 1.6,
                marker=marker, ms=2.5, label=label, ls="-" if not marker else ":")
    ax.set_xlabel(r"$x_1$")
    ax.set_ylabel(r"$x_2$")
    ax.legend(loc="best", fontsize=8)
    return ax
