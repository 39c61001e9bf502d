"""The loop shared by the iterative methods: theta_{k+1} = update(theta_k, eta_k).

Gradient descent, natural gradient descent, backward Euler and the proximal
point method differ only in their update; the momentum methods (heavy ball,
Nesterov) also read the previous point theta_{k-1}. Everything else lives here:
checking the run's arguments (:func:`prepare_run`), recording the iterates and
their times (t_k = eta_0 + ... + eta_{k-1}, or k h for a fixed clock step h), and
noticing divergence before it overflows (:func:`iterate`).
"""

from __future__ import annotations

import math
from typing import Callable, NamedTuple

import numpy as np

from ._validation import as_point, count, divergence_mode, positive_number, step_schedule
from .problems import Objective
from .trajectory import DivergenceError, Trajectory


class Run(NamedTuple):
    """A validated run: start point, number of steps, step schedule and divergence policy."""

    start: np.ndarray
    num_steps: int
    schedule: Callable[[int], float]
    on_divergence: str
    threshold: float


def prepare_run(objective: Objective, start, step_size, num_steps, on_divergence,
                divergence_threshold) -> Run:
    """Check the arguments every iterative method shares, in the order the methods document them."""
    x = as_point(start, "start", objective.dim)
    num_steps = count(num_steps, "num_steps")
    schedule = step_schedule(step_size)
    on_divergence = divergence_mode(on_divergence)
    threshold = positive_number(divergence_threshold, "divergence_threshold")
    return Run(x, num_steps, schedule, on_divergence, threshold)


def iterate(objective: Objective, run: Run, update: Callable[..., np.ndarray], *,
            method: str, hint: str = "", with_previous: bool = False,
            step_detail: Callable[[int], str] | None = None,
            time_step: float | None = None) -> Trajectory:
    """Apply ``update(theta_k, eta_k)`` ``run.num_steps`` times and return the trajectory.

    With ``with_previous=True`` the update is called as
    ``update(theta_k, eta_k, theta_{k-1}, k)``, with theta_{-1} = theta_0 (the
    momentum methods start at rest). The times are the partial sums of the step
    sizes, or ``k * time_step`` when ``time_step`` is given.

    When an iterate is farther than ``run.threshold`` from the start (or not
    finite) the run raises :class:`~gdflow.trajectory.DivergenceError` naming
    ``method``, the step and the step size (followed by ``step_detail(k)``, e.g.
    " and momentum 0.5"), then ``hint``; or, with ``on_divergence="stop"``,
    returns the points so far with ``diverged=True``.
    """
    x = run.start
    points = np.empty((run.num_steps + 1, x.size))
    times = np.zeros(run.num_steps + 1)
    points[0] = x
    last, diverged = run.num_steps, False
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(run.num_steps):
            eta = run.schedule(k)
            if with_previous:
                nxt = update(points[k], eta, points[max(k - 1, 0)], k)
            else:
                nxt = update(points[k], eta)
            gap = nxt - x
            dist = math.sqrt(np.vdot(gap, gap))   # ||nxt - x|| as np.linalg.norm computes it, with less overhead
            if not np.isfinite(dist) or dist > run.threshold:
                if run.on_divergence == "raise":
                    raise DivergenceError(
                        f"{method} diverged at step {k + 1} with step size {eta:g}"
                        + (step_detail(k) if step_detail else "")
                        + f": the iterate is more than {run.threshold:g} from the start."
                        + (f" {hint}" if hint else "")
                    )
                last, diverged = k, True
                break
            points[k + 1] = nxt
            times[k + 1] = times[k] + eta
    points, times = points[: last + 1], times[: last + 1]
    if time_step is not None:
        times = time_step * np.arange(last + 1, dtype=float)
    with np.errstate(over="ignore", invalid="ignore"):
        values = np.asarray(objective.value(points), dtype=float).reshape(-1)
    return Trajectory(times=times, points=points, values=values, method=method, diverged=diverged)
