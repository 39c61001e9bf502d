"""Momentum methods: Polyak's heavy ball and Nesterov's accelerated gradient.

Both return a :class:`~gdflow.trajectory.Trajectory` like
:func:`gdflow.descent.gradient_descent`. Their clock is the one of the
second-order differential equations they discretise: the k-th iterate sits at
time t_k = k sqrt(step_size), because a step size alpha = h^2 is the square of
the time step h of those equations (see :mod:`gdflow.odes`).
"""

from __future__ import annotations

import numpy as np

from . import _iterate
from ._validation import as_point, positive_number
from .descent import DEFAULT_DIVERGENCE_THRESHOLD
from .problems import Objective
from .trajectory import Trajectory

__all__ = [
    "heavy_ball", "nesterov", "heavy_ball_step", "nesterov_step", "optimal_heavy_ball_parameters",
    "nesterov_strongly_convex_momentum", "heavy_ball_spectral_radius",
]


def _momentum_value(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ValueError(f"{name} must be a real number; got {value!r}")
    beta = float(value)
    if not (np.isfinite(beta) and 0.0 <= beta < 1.0):
        raise ValueError(f"{name} must lie in [0, 1); got {value!r}")
    return beta


def heavy_ball_step(objective: Objective, x: np.ndarray, previous: np.ndarray, step_size: float,
                    momentum: float) -> np.ndarray:
    """One heavy-ball step: x - alpha grad f(x) + beta (x - x_prev)."""
    return x - step_size * objective.gradient(x) + momentum * (x - previous)


def nesterov_step(objective: Objective, x: np.ndarray, previous: np.ndarray, step_size: float,
                  momentum: float) -> np.ndarray:
    """One step of Nesterov's method: look ahead to y = x + beta (x - x_prev), then step from y."""
    y = x + momentum * (x - previous)
    return y - step_size * objective.gradient(y)


def _two_step_method(objective, start, step_size, num_steps, momentum_at, *, evaluate_at_lookahead,
                     name, on_divergence, divergence_threshold):
    """Shared update of heavy ball and Nesterov, run by :func:`gdflow._iterate.iterate`.

    With x_{-1} = x_0, the iterates are
    heavy ball: x_{k+1} = x_k - a grad f(x_k) + b_k (x_k - x_{k-1});
    Nesterov:   y_k = x_k + b_k (x_k - x_{k-1}), x_{k+1} = y_k - a grad f(y_k).
    """
    # One fixed step size (it sets the clock t_k = k sqrt(alpha)); checked right after start.
    x0 = as_point(start, "start", objective.dim)
    alpha = positive_number(step_size, "step_size")
    run = _iterate.prepare_run(objective, x0, alpha, num_steps, on_divergence, divergence_threshold)

    step_rule = nesterov_step if evaluate_at_lookahead else heavy_ball_step

    def update(x, step, previous, k):
        return step_rule(objective, x, previous, step, momentum_at(k))

    return _iterate.iterate(objective, run, update, method=name, with_previous=True,
                            step_detail=lambda k: f" and momentum {momentum_at(k):g}",
                            time_step=np.sqrt(alpha))


def heavy_ball(
    objective: Objective,
    start,
    step_size: float,
    momentum: float,
    num_steps: int,
    *,
    on_divergence: str = "raise",
    divergence_threshold: float = DEFAULT_DIVERGENCE_THRESHOLD,
) -> Trajectory:
    r"""Polyak's heavy-ball method, x_{k+1} = x_k - alpha grad f(x_k) + beta (x_k - x_{k-1}).

    The method starts at rest: x_{-1} = x_0, so the first step is a gradient step.

    Parameters
    ----------
    objective : Objective
        The function to minimise.
    start : array_like, shape (d,)
        x_0; must be finite.
    step_size : float
        alpha > 0.
    momentum : float
        beta in [0, 1); beta = 0 is gradient descent.
    num_steps : int
        Number of updates K; the trajectory has K + 1 points.
    on_divergence : {"raise", "stop"}
        What to do when an iterate's distance from the start exceeds
        ``divergence_threshold`` (or is not finite), as in
        :func:`gdflow.descent.gradient_descent`.
    divergence_threshold : float
        See ``on_divergence``.

    Returns
    -------
    Trajectory
        ``times[k] = k sqrt(alpha)``: with alpha = h^2 and beta = 1 - gamma h the
        method discretises theta'' + gamma theta' + grad f(theta) = 0 with time step h.

    Examples
    --------
    >>> from gdflow.problems import Quadratic
    >>> q = Quadratic([[1.0]])
    >>> heavy_ball(q, [1.0], 0.5, 0.5, 2).points[:, 0]
    array([1. , 0.5, 0. ])
    """
    beta = _momentum_value(momentum, "momentum")
    return _two_step_method(objective, start, step_size, num_steps, lambda k: beta,
                            evaluate_at_lookahead=False, name="heavy ball",
                            on_divergence=on_divergence, divergence_threshold=divergence_threshold)


def nesterov(
    objective: Objective,
    start,
    step_size: float,
    num_steps: int,
    *,
    momentum: float | None = None,
    on_divergence: str = "raise",
    divergence_threshold: float = DEFAULT_DIVERGENCE_THRESHOLD,
) -> Trajectory:
    r"""Nesterov's accelerated gradient method.

    y_k = x_k + beta_k (x_k - x_{k-1}) and x_{k+1} = y_k - s grad f(y_k), with x_{-1} = x_0.

    Parameters
    ----------
    objective : Objective
        The function to minimise.
    start : array_like, shape (d,)
        x_0; must be finite.
    step_size : float
        s > 0; the theory asks for s <= 1/L.
    num_steps : int
        Number of updates K; the trajectory has K + 1 points.
    momentum : float, optional
        ``None`` (default) uses the schedule beta_k = (k - 1)/(k + 2) for k >= 1
        (beta_0 is irrelevant because x_{-1} = x_0), the form studied by Su, Boyd
        and Candes for convex f; written for the step that produces y_{k+1} it is
        k/(k + 3). A number beta in [0, 1) uses that constant, e.g.
        (sqrt(kappa) - 1)/(sqrt(kappa) + 1) for a strongly convex f.
    on_divergence, divergence_threshold
        As in :func:`gdflow.descent.gradient_descent`.

    Returns
    -------
    Trajectory
        The points x_k, at times ``times[k] = k sqrt(s)`` (the clock of the
        equation X'' + (3/t) X' + grad f(X) = 0).

    Examples
    --------
    >>> from gdflow.problems import Quadratic
    >>> q = Quadratic([[1.0]])
    >>> nesterov(q, [1.0], 0.5, 3).points[:, 0]
    array([1.     , 0.5    , 0.25   , 0.09375])
    """
    if momentum is None:
        def schedule(k: int) -> float:
            return max(k - 1, 0) / (k + 2)
        name = "Nesterov (k-1)/(k+2)"
    else:
        beta = _momentum_value(momentum, "momentum")
        schedule = lambda k: beta  # noqa: E731
        name = "Nesterov, constant momentum"
    return _two_step_method(objective, start, step_size, num_steps, schedule,
                            evaluate_at_lookahead=True, name=name,
                            on_divergence=on_divergence, divergence_threshold=divergence_threshold)


def optimal_heavy_ball_parameters(smoothness: float, strong_convexity: float) -> tuple[float, float]:
    r"""Polyak's tuning for quadratics with spectrum in [mu, L].

    alpha = 4/(sqrt(L) + sqrt(mu))^2 and beta = ((sqrt(kappa) - 1)/(sqrt(kappa) + 1))^2.

    Examples
    --------
    >>> optimal_heavy_ball_parameters(25.0, 1.0)
    (0.1111111111111111, 0.4444444444444444)
    """
    L = positive_number(smoothness, "smoothness")
    mu = positive_number(strong_convexity, "strong_convexity")
    if mu > L:
        raise ValueError(f"strong_convexity ({mu:g}) cannot exceed smoothness ({L:g})")
    alpha = 4.0 / (np.sqrt(L) + np.sqrt(mu)) ** 2
    root = np.sqrt(L / mu)
    beta = ((root - 1.0) / (root + 1.0)) ** 2
    return float(alpha), float(beta)


def nesterov_strongly_convex_momentum(condition_number: float) -> float:
    """The constant momentum (sqrt(kappa) - 1)/(sqrt(kappa) + 1) used with step 1/L.

    Examples
    --------
    >>> nesterov_strongly_convex_momentum(9.0)
    0.5
    """
    kappa = positive_number(condition_number, "condition_number")
    if kappa < 1:
        raise ValueError(f"condition_number must be at least 1; got {kappa:g}")
    root = np.sqrt(kappa)
    return float((root - 1.0) / (root + 1.0))


def heavy_ball_spectral_radius(step_curvature, momentum):
    r"""Largest root modulus of z^2 - (1 + beta - alpha lambda) z + beta = 0.

    The heavy ball on f = lambda x^2 / 2 obeys x_{k+1} = (1 + beta - alpha lambda) x_k - beta x_{k-1},
    whose solutions are combinations of the powers of these roots. Arguments
    (alpha lambda and beta) broadcast.

    Examples
    --------
    >>> float(heavy_ball_spectral_radius(1.0, 0.0))
    0.0
    """
    a = np.asarray(step_curvature, dtype=float)
    b = np.asarray(momentum, dtype=float)
    trace = 1.0 + b - a
    disc = np.sqrt((trace**2 - 4.0 * b).astype(complex))
    return np.maximum(np.abs((trace + disc) / 2.0), np.abs((trace - disc) / 2.0))
