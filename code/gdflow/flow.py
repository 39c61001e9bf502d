"""Gradient flow: d theta / dt = -grad f(theta)."""

from __future__ import annotations

import numpy as np

from ._integrate import ATOL, RTOL, SolverError, sample_solution
from ._validation import as_point, positive_number, sample_times
from .problems import Objective, Quadratic
from .trajectory import Trajectory

__all__ = ["gradient_flow", "quadratic_flow", "SolverError"]

# Kept for code written against earlier versions, which imported the time-axis
# check from here; it now lives in :mod:`gdflow._validation`.
_times = sample_times


def quadratic_flow(quadratic: Quadratic, start, times) -> Trajectory:
    r"""Exact gradient flow of a quadratic: theta(t) = theta* + V e^{-Lambda t} V^T (theta_0 - theta*).

    Parameters
    ----------
    quadratic : Quadratic
    start : array_like, shape (d,)
    times : array_like, shape (n,)
        Non-decreasing times t >= 0.

    Returns
    -------
    Trajectory
    """
    x0 = as_point(start, "start", quadratic.dim)
    t = sample_times(times)
    lam, V = quadratic.eigenvalues, quadratic.eigenvectors
    modes = V.T @ (x0 - quadratic.minimizer)
    z = np.exp(-np.outer(t, lam)) * modes
    points = quadratic.minimizer + z @ V.T
    values = np.asarray(quadratic.value(points), dtype=float).reshape(-1)
    return Trajectory(times=t, points=points, values=values, method="gradient flow (exact)")


def gradient_flow(objective: Objective, start, times, *, exact: bool | None = None,
                  rtol: float = RTOL, atol: float = ATOL) -> Trajectory:
    r"""Gradient flow of any objective, sampled at ``times``.

    Quadratics are solved exactly by default (``exact=None`` means "when possible");
    other objectives are integrated with ``scipy.integrate.solve_ivp`` (DOP853,
    8th order) at tolerances ``rtol`` and ``atol``.

    Parameters
    ----------
    objective : Objective
    start : array_like, shape (d,)
        theta(0); must be finite.
    times : array_like, shape (n,)
        Non-decreasing sample times starting at t >= 0; the flow starts at t = 0.
    exact : bool, optional
        Force (True) or forbid (False) the closed form for a quadratic.
    rtol, atol : float
        Solver tolerances.

    Raises
    ------
    SolverError
        If the solver fails (for instance because the flow blows up in finite time).

    Examples
    --------
    >>> from gdflow.problems import Quadratic
    >>> q = Quadratic([[2.0]])
    >>> round(float(gradient_flow(q, [1.0], [0.0, 1.0], exact=False).points[1, 0]), 8)
    0.13533528
    """
    is_quadratic = isinstance(objective, Quadratic)
    if exact is None:
        exact = is_quadratic
    if exact:
        if not is_quadratic:
            raise ValueError("an exact flow is only available for a Quadratic objective")
        return quadratic_flow(objective, start, times)
    x0 = as_point(start, "start", objective.dim)
    t = sample_times(times)
    rtol = positive_number(rtol, "rtol")
    atol = positive_number(atol, "atol")
    points = sample_solution(lambda y: -objective.gradient(y), x0, t, rtol=rtol, atol=atol,
                             name="gradient-flow")
    values = np.asarray(objective.value(points), dtype=float).reshape(-1)
    return Trajectory(times=t, points=points, values=values, method="gradient flow (solve_ivp)")
