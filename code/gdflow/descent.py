"""Gradient descent: theta_{k+1} = theta_k - eta_k grad f(theta_k)."""

from __future__ import annotations

import numpy as np

from . import _iterate
from ._validation import StepSize, step_schedule
from .problems import Objective
from .trajectory import Trajectory

__all__ = ["gradient_descent", "gradient_step", "DEFAULT_DIVERGENCE_THRESHOLD"]

#: An iterate farther than this from the start has diverged. Far below the
#: float overflow point, so divergence is caught before any overflow warning.
DEFAULT_DIVERGENCE_THRESHOLD = 1e100

# Kept for code written against earlier versions, which imported the schedule
# helper from here; it now lives in :mod:`gdflow._validation`.
_step_schedule = step_schedule


def gradient_step(objective: Objective, theta: np.ndarray, step_size: float) -> np.ndarray:
    """One step of gradient descent: theta - eta grad f(theta)."""
    return theta - step_size * objective.gradient(theta)


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
    run = _iterate.prepare_run(objective, start, step_size, num_steps, on_divergence,
                               divergence_threshold)
    return _iterate.iterate(objective, run, lambda x, eta: gradient_step(objective, x, eta),
                            method="gradient descent",
                            hint="A smaller step size (below 2/L) avoids this.")
