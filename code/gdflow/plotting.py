"""Plot helpers: each draws on an ``ax`` it is given and returns it.

:func:`use_book_style` fixes the look every figure shares: an opaque white
background (readable on a dark page), the Okabe-Ito colour-blind-safe palette,
and output that is byte-identical between builds (fixed SVG ids, no dates).

Contents, by the chapter that first needs them:

Book style (defined in :mod:`gdflow.figure_style`, offered here too)
    :data:`~gdflow.figure_style.PALETTE`, :data:`~gdflow.figure_style.BOOK_RC`, :func:`use_book_style`.
Shared by several chapters
    :func:`plot_against_bounds` -- measured curves beside the bounds of a theorem;
    :func:`plot_contours`, :func:`plot_path` -- a 2-D objective and a path on it
    (:func:`contour_grid` -- the grid the contours are drawn from).
Gradient descent
    :func:`plot_step_profile`, :func:`plot_growth_sweep`.
Gradient flow
    :func:`plot_mode_decay`.
From descent to flow (bridge and comparison)
    :func:`plot_order_fit`, :func:`plot_sequences`, :func:`plot_decay_curves`.
Pictures of descent and flow
    :func:`plot_gradient_field`, :func:`plot_flow_lines`, :func:`clip_path`,
    :func:`plot_descent_paths`, :func:`plot_flow_deviation`,
    :func:`plot_steep_coordinate`, :func:`draw_descent_frame`,
    :func:`animate_descent`; the animation's player (defined in
    :mod:`gdflow.players`, offered here too): :func:`offline_player`,
    :func:`stable_player_ids`, :class:`AnimationWithFallback`.
Natural gradient and Langevin dynamics
    :func:`plot_reparametrized_paths`, :func:`plot_density_histogram`,
    :func:`plot_stationary_variance`.

Helpers for further chapters live in modules of their own, ``gdflow.plotting_<topic>``
(for instance :mod:`gdflow.plotting_methods`), with the same conventions and colours
from :data:`~gdflow.figure_style.PALETTE`. Not plot helpers, so kept apart: :mod:`gdflow.svg_text` (a
process-wide change to matplotlib's SVG renderer that makes writing figures faster)
and :mod:`gdflow.warmup` (caches filled before the build forks its kernels).

matplotlib and the heavier gdflow modules are imported inside the helpers that
use them, so that importing this module stays cheap.
"""

from __future__ import annotations

import numpy as np

from ._validation import positive_number
from .figure_style import BOOK_RC, PALETTE, use_book_style
from .players import AnimationWithFallback, offline_player, stable_player_ids
# Offered here as well for callers written when they were defined in this module.
from .svg_text import share_text_paths  # noqa: F401
from .warmup import warm_caches  # noqa: F401

__all__ = [
    # Book style
    "PALETTE", "use_book_style",
    # Shared by several chapters
    "plot_against_bounds", "plot_contours", "plot_path", "contour_grid", "label_panels",
    # Gradient descent
    "plot_step_profile", "plot_growth_sweep",
    # Gradient flow
    "plot_mode_decay",
    # From descent to flow
    "plot_order_fit", "plot_sequences", "plot_decay_curves",
    # Pictures of descent and flow
    "plot_gradient_field", "plot_flow_lines", "clip_path", "plot_descent_paths",
    "plot_flow_deviation", "plot_steep_coordinate", "draw_descent_frame", "animate_descent",
    "offline_player", "AnimationWithFallback", "stable_player_ids",
    # Natural gradient and Langevin dynamics
    "plot_reparametrized_paths", "plot_density_histogram", "plot_stationary_variance",
    # Older name, kept for existing callers
    "plot_against_bound",
]


# ---------------------------------------------------------------------------
# Shared by several chapters
# ---------------------------------------------------------------------------

#: Looks of the bounds in :func:`plot_against_bounds`, see its ``bound_colors``.
_BOUND_COLORS = ("paired", "next", "grey")


def plot_against_bounds(ax, x, measured, bounds, *, bound_x=None, bound_colors: str = "paired",
                        markers=None, logx: bool = False, logy: bool = True,
                        xlabel: str = r"iteration $k$", ylabel: str = "",
                        loglog: bool | None = None, pair_colors: bool | None = None):
    """Measured curves (solid) beside the bounds a theorem gives for them (dashed or dotted).

    Parameters
    ----------
    ax : matplotlib Axes
    x : array_like, shape (n,), or dict[str, array_like]
        Shared x values (iteration counts k, times t), or a mapping
        label -> x values for measured curves on their own axes.
    measured : dict[str, array_like]
        Label -> values, drawn solid in the book palette, one colour each.
    bounds : dict[str, array_like]
        Label -> values of the bounds or references, on ``bound_x`` if given,
        else on the shared ``x``.
    bound_x : array_like, optional
        x values of the bounds; required when ``x`` is a mapping.
    bound_colors : {"paired", "next", "grey"}
        "paired": the i-th bound takes the colour of the i-th measured curve (a
        measurement and its own bound); "next": bounds take the palette colours
        after the measurements; both are dashed. "grey": bounds are dark then
        light grey, dashed, dotted, dash-dotted in turn (references shared by
        every curve).
    markers : dict[str, tuple[array_like, array_like]], optional
        Label -> (x values, values) drawn as hollow circles (e.g. attained worst cases).
    logx, logy : bool
        Logarithmic x axis (for power laws such as 1/k) and y axis (default, for decay).
    xlabel, ylabel : str
        Axis labels.
    loglog, pair_colors : bool, optional
        Older spellings of ``logx`` and of ``bound_colors`` ("paired" if True,
        "next" if False).

    Returns
    -------
    matplotlib Axes
        ``ax``.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> ax = Figure().subplots()
    >>> k = np.arange(1, 5)
    >>> ax = plot_against_bounds(ax, k, {"gap": 0.1 / k**2}, {"1/k": 1.0 / k}, logx=True)
    >>> [line.get_linestyle() for line in ax.lines], ax.get_xscale()
    (['-', '--'], 'log')
    """
    if loglog is not None:
        logx = loglog
    if pair_colors is not None:
        bound_colors = "paired" if pair_colors else "next"
    if bound_colors not in _BOUND_COLORS:
        raise ValueError(f"bound_colors must be one of {_BOUND_COLORS}; got {bound_colors!r}")
    separate = isinstance(x, dict)
    shared = bound_x if bound_x is not None else (None if separate else x)
    if bounds and shared is None:
        raise ValueError("bounds need x values: pass bound_x when x is a mapping")
    for i, (label, values) in enumerate(measured.items()):
        ax.plot(x[label] if separate else x, values, color=PALETTE[i % len(PALETTE)], lw=1.6,
                label=label)
    grey_styles = ("--", ":", "-.")
    offset = 0 if bound_colors == "paired" else len(measured)
    for j, (label, values) in enumerate(bounds.items()):
        if bound_colors == "grey":
            color, ls = ("0.15" if j == 0 else "0.45"), grey_styles[j % len(grey_styles)]
        else:
            color, ls = PALETTE[(offset + j) % len(PALETTE)], "--"
        ax.plot(shared, values, color=color, ls=ls, lw=1.2, label=label)
    for j, (label, (mx, my)) in enumerate((markers or {}).items()):
        # Black first: markers sit on top of the lines and must stand out from them.
        ax.plot(mx, my, ls="none", marker="o", ms=6, mfc="none", mew=1.2,
                color=PALETTE[(len(PALETTE) - 1 - j) % len(PALETTE)], label=label)
    if logy:
        ax.set_yscale("log")
    if logx:
        ax.set_xscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend(fontsize=8, loc="best")
    return ax


def plot_against_bound(ax, times, measured, bounds, *, bound_times=None, logx: bool = False,
                       logy: bool = True, xlabel: str = r"$t$", ylabel: str = ""):
    """:func:`plot_against_bounds` with grey bounds on a time axis (its older name and defaults).

    Kept for code written against earlier versions of the package.
    """
    return plot_against_bounds(ax, times, measured, bounds, bound_x=bound_times, bound_colors="grey",
                               logx=logx, logy=logy, xlabel=xlabel, ylabel=ylabel)


def label_panels(axes) -> None:
    """Letter the panels (a), (b), ... at their top left, in reading order.

    Captions name panels by letter, not by place: on a narrow screen the panels are
    stacked (:func:`gdflow.figure_style.narrow_copy`), and "left" would be "top".
    """
    for i, ax in enumerate(np.ravel(axes)):
        ax.set_title(f"({chr(ord('a') + i)})", loc="left", fontsize=10, fontweight="bold")


def contour_grid(objective, xlim, ylim, num: int):
    """X, Y, Z: a 2-D objective's values on the num x num grid of the box xlim x ylim.

    The grid :func:`plot_contours` draws from; the chapter on pictures measures
    its contour lines on the same grid (``gdflow.checks.pictures.contour_chord_cosines``).
    """
    X, Y = np.meshgrid(np.linspace(*xlim, num), np.linspace(*ylim, num))
    return X, Y, objective.value(np.stack([X, Y], axis=-1))


def plot_contours(ax, objective, xlim, ylim, *, levels=15, num: int = 200):
    """Contour lines of a 2-D objective on the box xlim x ylim."""
    X, Y, Z = contour_grid(objective, xlim, ylim, num)
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
# Gradient descent (book: chapter gradient-descent)
# ---------------------------------------------------------------------------

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


# ---------------------------------------------------------------------------
# Gradient flow (book: chapter gradient-flow)
# ---------------------------------------------------------------------------

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


# ---------------------------------------------------------------------------
# From descent to flow (book: chapters bridge and comparison)
# ---------------------------------------------------------------------------

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


def plot_decay_curves(ax, curves, *, xlabel=r"time $t$", ylabel="error", max_points: int = 800):
    """Curves (a dict label -> (times, values)) on a logarithmic y axis, for comparing decay rates.

    A curve with more than ``max_points`` samples (a small-step descent run) is drawn
    through every m-th sample and its last one, at most ``max_points`` in all: at a
    figure's size the smooth decay looks the same and the file is far smaller.
    """
    styles = ("-", "--", "-.", ":")
    for i, (label, (t, v)) in enumerate(curves.items()):
        t, v = np.asarray(t), np.asarray(v)
        if t.size > max_points:
            keep = np.unique(np.append(np.arange(0, t.size, -(-t.size // (max_points - 1))), t.size - 1))
            t, v = t[keep], v[keep]
        ax.semilogy(t, v, color=PALETTE[i % len(PALETTE)], ls=styles[i % len(styles)], label=label)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend(fontsize=8)
    return ax


# ---------------------------------------------------------------------------
# Pictures of descent and flow (book: chapter visualizations)
# ---------------------------------------------------------------------------

def _box(xlim, ylim):
    lims = []
    for name, lim in (("xlim", xlim), ("ylim", ylim)):
        arr = np.asarray(lim, dtype=float)
        if arr.shape != (2,) or not np.all(np.isfinite(arr)) or not arr[0] < arr[1]:
            raise ValueError(f"{name} must be two finite numbers (low, high) with low < high; got {lim!r}")
        lims.append((float(arr[0]), float(arr[1])))
    return lims


def _starts(starts, dim=2):
    arr = np.asarray(starts, dtype=float)
    if arr.ndim != 2 or arr.shape[1] != dim or arr.shape[0] == 0:
        raise ValueError(f"starts must be an array of shape (n, {dim}) with n >= 1; got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError("starts contains NaN or infinite entries")
    return arr


def _two_dimensional(objective):
    if getattr(objective, "dim", None) != 2:
        raise ValueError(f"this picture needs a 2-D objective; got dimension {getattr(objective, 'dim', None)}")


def _grid_count(num):
    if isinstance(num, bool) or int(num) != num or num < 2:
        raise ValueError(f"num must be an integer >= 2; got {num!r}")
    return int(num)


def plot_gradient_field(ax, objective, xlim, ylim, *, num: int = 11, normalize: bool = True,
                        color=None, **kwargs):
    """Arrows of the steepest-descent field -grad f at the centres of a ``num`` x ``num`` grid.

    With ``normalize=True`` (default) every arrow has the same length, so the
    picture shows directions only; an ill-conditioned bowl's gradients differ in
    size by the condition number, which would otherwise hide the flat direction.
    A coarse grid keeps an SVG small. Returns ``ax``.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> from gdflow.examples import ill_conditioned_bowl
    >>> ax = Figure().subplots()
    >>> ax = plot_gradient_field(ax, ill_conditioned_bowl(), (-1, 1), (-1, 1), num=5)
    >>> len(ax.collections)
    1
    """
    _two_dimensional(objective)
    (x0, x1), (y0, y1) = _box(xlim, ylim)
    num = _grid_count(num)
    # Cell centres of a num x num partition of the box: no arrow sticks out of the frame.
    cx = x0 + (np.arange(num) + 0.5) * (x1 - x0) / num
    cy = y0 + (np.arange(num) + 0.5) * (y1 - y0) / num
    X, Y = np.meshgrid(cx, cy)
    field = -objective.gradient(np.stack([X, Y], axis=-1))
    U, V = field[..., 0], field[..., 1]
    if normalize:
        norm = np.hypot(U, V)
        norm = np.where(norm > 0, norm, 1.0)
        U, V = U / norm, V / norm
    ax.quiver(X, Y, U, V, color=PALETTE[0] if color is None else color, angles="xy",
              pivot="mid", width=0.004, **kwargs)
    return ax


def plot_flow_lines(ax, objective, starts, t_end: float, *, num: int = 200, color=None,
                    label=None, **kwargs):
    """Gradient-flow paths from several starts, each sampled at ``num`` times in [0, t_end].

    Quadratics use the exact flow (:func:`gdflow.flow.gradient_flow` chooses it).
    Only the first path gets ``label`` so a legend shows one entry. Returns ``ax``.
    """
    from .flow import gradient_flow

    _two_dimensional(objective)
    pts = _starts(starts)
    t_end = positive_number(t_end, "t_end")
    num = _grid_count(num)
    # Sample densely where the flow is fast (early), sparsely later: a flow on a
    # bowl covers most of its path in the first 1/L units of time.
    times = t_end * np.linspace(0.0, 1.0, num) ** 2
    color = PALETTE[2] if color is None else color
    for i, start in enumerate(pts):
        path = gradient_flow(objective, start, times).points
        ax.plot(path[:, 0], path[:, 1], color=color, label=label if i == 0 else None, **kwargs)
    return ax


def clip_path(points, xlim, ylim, *, margin: float = 0.5):
    """The points of a path up to (and including) the first one outside the frame.

    The frame is the box ``xlim`` x ``ylim`` enlarged by ``margin`` times its size on
    each side. Keeping the first outside point lets the drawn path visibly leave
    the picture, while the coordinates written to a figure file stay small.

    Examples
    --------
    >>> clip_path([[0, 0], [1, 0], [5, 0], [9, 0]], (-1, 1), (-1, 1), margin=0.0)
    array([[0., 0.],
           [1., 0.],
           [5., 0.]])
    """
    (x0, x1), (y0, y1) = _box(xlim, ylim)
    p = np.asarray(points, dtype=float)
    if p.ndim != 2 or p.shape[1] != 2:
        raise ValueError(f"points must have shape (n, 2); got {p.shape}")
    if not (margin >= 0):
        raise ValueError(f"margin must be non-negative; got {margin}")
    mx, my = margin * (x1 - x0), margin * (y1 - y0)
    with np.errstate(invalid="ignore"):
        inside = ((p[:, 0] >= x0 - mx) & (p[:, 0] <= x1 + mx)
                  & (p[:, 1] >= y0 - my) & (p[:, 1] <= y1 + my))
    outside = np.flatnonzero(~inside)
    return p if outside.size == 0 else p[: outside[0] + 1]


def plot_descent_paths(ax, trajectories, xlim, ylim, *, color=None, label=None, marker="o",
                       ms: float = 2.5, **kwargs):
    """Descent paths (``Trajectory`` objects) as polylines, clipped to the frame.

    A path that leaves the box (for instance a diverging run) is cut after its
    first point outside, see :func:`clip_path`; the axes are then fixed to the box.
    Only the first path gets ``label``. Returns ``ax``.
    """
    (x0, x1), (y0, y1) = _box(xlim, ylim)
    color = PALETTE[1] if color is None else color
    for i, traj in enumerate(trajectories):
        p = clip_path(traj.points, (x0, x1), (y0, y1))
        ax.plot(p[:, 0], p[:, 1], color=color, marker=marker, ms=ms, lw=1.0,
                label=label if i == 0 else None, **kwargs)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal")
    return ax


def plot_flow_deviation(ax, steps, deviations, bounds=None, *, labels=None):
    """Distance from descent to flow, ||theta_k - theta(t_k)||, against t_k for several steps.

    ``steps`` is a sequence of time arrays and ``deviations`` the matching
    distance arrays; ``bounds`` (optional) a matching sequence of constant
    bounds drawn as dashed lines in the same colour. Returns ``ax``.
    """
    if len(steps) != len(deviations) or (bounds is not None and len(bounds) != len(steps)):
        raise ValueError("steps, deviations (and bounds) must have the same length")
    labels = [None] * len(steps) if labels is None else list(labels)
    for i, (t, d) in enumerate(zip(steps, deviations)):
        color = PALETTE[i % len(PALETTE)]
        ax.plot(t, d, color=color, label=labels[i])
        if bounds is not None:
            ax.axhline(bounds[i], color=color, ls="--", lw=0.9)
    ax.set_xlabel(r"time $t_k = k\eta$")
    ax.set_ylabel(r"$\|\theta_k - \theta(t_k)\|$")
    return ax


def plot_steep_coordinate(ax, trajectories, objective, *, labels=None, markers=True):
    """The coordinate of theta_k - theta* along the steepest eigenvector, against k.

    For a quadratic this is the mode that sets the stability limit: it changes
    sign at every step exactly when eta L > 1. Returns ``ax``.
    """
    from .problems import Quadratic

    if not isinstance(objective, Quadratic):
        raise ValueError("the steep coordinate is defined for a Quadratic objective")
    labels = [None] * len(trajectories) if labels is None else list(labels)
    steep = objective.eigenvectors[:, -1]
    for i, traj in enumerate(trajectories):
        z = (traj.points - objective.minimizer) @ steep
        ax.plot(traj.steps, z, color=PALETTE[i % len(PALETTE)], marker="o" if markers else None,
                ms=2.5, lw=1.0, label=labels[i])
    ax.axhline(0.0, color="0.4", lw=0.8)
    ax.set_xlabel(r"iteration $k$")
    ax.set_ylabel("steep coordinate")
    return ax


def draw_descent_frame(ax, objective, descent, flow, k: int, xlim, ylim, *, levels=10):
    """One frame of the descent animation: paths up to iterate ``k`` and the flow at t_k.

    ``descent`` and ``flow`` are lists of trajectories sampled at the same times
    (the flow's ``times`` equal the descent's). The current iterate is a large
    filled circle, earlier ones small dots, and the flow's position at the same
    time an open square. ``levels`` is passed to :func:`plot_contours`. Returns ``ax``.
    """
    scene = _descent_scene(ax, objective, descent, flow, xlim, ylim, levels)
    _show_descent_frame(scene, descent, flow, k)
    return ax


def _descent_scene(ax, objective, descent, flow, xlim, ylim, levels):
    """Clear ``ax`` and draw the animation's fixed parts; return the artists a frame moves."""
    if len(descent) != len(flow):
        raise ValueError("descent and flow must hold one trajectory per start")
    for d, f in zip(descent, flow):
        if len(d) != len(f) or not np.allclose(d.times, f.times):
            raise ValueError("each flow trajectory must be sampled at its descent path's times")
    ax.clear()
    plot_contours(ax, objective, xlim, ylim, levels=levels, num=80)
    moving = []
    for i, (d, f) in enumerate(zip(descent, flow)):
        first = i == 0  # one legend entry per kind of mark
        ax.plot(f.points[:, 0], f.points[:, 1], color=PALETTE[2], lw=1.0,
                label="gradient flow" if first else None)
        path, = ax.plot([], [], color=PALETTE[1], lw=1.0, marker="o", ms=2.5)
        current, = ax.plot([], [], "o", color=PALETTE[1], ms=6,
                           label=r"descent iterate $\theta_k$" if first else None)
        square, = ax.plot([], [], "s", mfc="none", mec=PALETTE[0], mew=1.5, ms=8,
                          label=r"flow at $t_k = k\eta$" if first else None)
        moving.append((path, current, square))
    label = ax.text(0.02, 0.96, "", transform=ax.transAxes, va="top", fontsize=11,
                    bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.9})
    ax.set_xlabel(r"$\theta_1$")
    ax.set_ylabel(r"$\theta_2$")
    ax.legend(loc="upper right", fontsize=8, framealpha=0.9)
    return moving, label


def _show_descent_frame(scene, descent, flow, k: int):
    """Move the artists of :func:`_descent_scene` to iterate ``k``."""
    moving, label = scene
    for d in descent:
        if not 0 <= k < len(d):
            raise ValueError(f"frame k = {k} is outside 0..{len(d) - 1}")
    for (path, current, square), d, f in zip(moving, descent, flow):
        p = d.points[: k + 1]
        path.set_data(p[:, 0], p[:, 1])
        current.set_data(d.points[k, :1], d.points[k, 1:2])
        square.set_data(f.points[k, :1], f.points[k, 1:2])
    label.set_text(f"k = {k}")


def animate_descent(fig, ax, objective, descent, flow, xlim, ylim, *, interval: int = 250, levels=10):
    """A ``FuncAnimation`` whose frame k is :func:`draw_descent_frame` at iterate k.

    The contours and flow lines are drawn once; each frame only moves the iterates,
    the flow's squares and the label.
    """
    from matplotlib.animation import FuncAnimation

    frames = min(len(d) for d in descent)
    if frames < 2:
        raise ValueError("an animation needs at least two iterates per path")
    scene = _descent_scene(ax, objective, descent, flow, xlim, ylim, levels)

    def update(k):
        _show_descent_frame(scene, descent, flow, k)
        return []

    return FuncAnimation(fig, update, frames=frames, interval=interval, blit=False, repeat=False)




# ---------------------------------------------------------------------------
# Natural gradient and Langevin dynamics (book: chapters natural-gradient, langevin)
# ---------------------------------------------------------------------------

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
