"""Gradient descent: theta_{k+1} = theta_k - eta_k grad f(theta_k)."""

from __future__ import annotations

from typing import Callable, Union

import numpy as np

from ._validation import as_point, count, positive_number
from .problems import Objective
from .trajectory import DivergenceError, Trajectory

__all__ = ["gradient_descent", "DEFAULT_DIVERGENCE_THRESHOLD"]

StepSize = Union[float, Callable[[int], float]]

#: An iterate farther than this from the start has diverged. Far below the
#: float overflow point, so divergence is caught before any overflow warning.
DEFAULT_DIVERGENCE_THRESHOLD = 1e100


def _step_schedule(step_size: StepSize) -> Callable[[int], float]:
    if callable(step_size):
        def schedule(k: int) -> float:
            return positive_number(step_size(k), f"step_size({k})")
        return schedule
    eta = positive_number(step_size, "step_size")
    return lambda k: eta


def gradient_descent(
    objective: Objective,
    start,
    step_size: StepSize,
    num_steps: int,
    *,
    on_divergence: str = "raise",
    divergence_threshold: float = DEFAULT_DIVERGENCE_THRESHOLD,
) -> Trajectory:
    r"""Run gradient descent and return every iterate.

    Parameters
    ----------
    objective : Objective
        The function to minimise.
    start : array_like, shape (d,)
        theta_0; must be finite.
    step_size : float or callable
        A positive number eta, or a schedule ``k -> eta_k``.
    num_steps : int
        Number of updates K; the trajectory has K + 1 points.
    on_divergence : {"raise", "stop"}
        When an iterate's distance from the start exceeds
        ``divergence_threshold`` (or is not finite): raise ``DivergenceError``,
        or stop and return the points so far with ``diverged=True``.
    divergence_threshold : float
        See ``on_divergence``.

    Returns
    -------
    Trajectory
        ``times[k]`` is eta_0 + ... + eta_{k-1}, the time at which gradient flow
        is compared with theta_k.

    Examples
    --------
    >>> from gdflow.problems import Quadratic
    >>> q = Quadratic([[1.0]])
    >>> gradient_descent(q, [1.0], 0.5, 2).points[:, 0]
    array([1.  , 0.5 , 0.25])
    """
    x = as_point(start, "start", objective.dim)
    num_steps = count(num_steps, "num_steps")
    schedule = _step_schedule(step_size)
    if on_divergence not in ("raise", "stop"):
        raise ValueError(f"on_divergence must be 'raise' or 'stop'; got {on_divergence!r}")
    threshold = positive_number(divergence_threshold, "divergence_threshold")

    points = np.empty((num_steps + 1, x.size))
    times = np.zeros(num_steps + 1)
    points[0] = x
    last = num_steps
    diverged = False
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(num_steps):
            eta = schedule(k)
            nxt = points[k] - eta * objective.gradient(points[k])
            dist = np.linalg.norm(nxt - x)
            if not np.isfinite(dist) or dist > threshold:
                if on_divergence == "raise":
                    raise DivergenceError(
                        f"gradient descent diverged at step {k + 1} with step size {eta:g}: "
                        f"the iterate is more than {threshold:g} from the start. "
                        "A smaller step size (below 2/L) avoids this."
                    )
                last, diverged = k, True
                break
            points[k + 1] = nxt
            times[k + 1] = times[k] + eta
    points, times = points[: last + 1], times[: last + 1]
    with np.errstate(over="ignore", invalid="ignore"):
        values = np.asarray(objective.value(points), dtype=float).reshape(-1)
    return Trajectory(times=times, points=points, values=values,
                      method="gradient descent", diverged=diverged)
