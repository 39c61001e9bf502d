r"""The modified equation of gradient descent (backward error analysis).

Gradient descent with step eta follows, to second order in eta, the gradient flow of the
*modified function* f~ = f + (eta/4) ||grad f||^2, whose gradient is
grad f + (eta/2) Hess f grad f. This module evaluates that field (Hessian-vector products
by central differences of the gradient, or the objective's own Hessian where it has one),
integrates the modified flow, measures the global error of descent against both flows,
and gives the exact modified curvature on a quadratic.
"""

from __future__ import annotations

import numpy as np
from scipy.integrate import solve_ivp

from ._validation import as_point, positive_number, sample_times
from .descent import gradient_descent
from .flow import gradient_flow
from .problems import Objective

__all__ = ["hessian_vector", "modified_gradient", "modified_flow", "global_errors", "modified_curvature",
           "modified_curvature_series", "factorisation_descent", "factorisation_modified_flow"]

#: Relative size of the central difference in :func:`hessian_vector` (error about 1e-10).
HVP_STEP = 1e-5


def hessian_vector(objective: Objective, theta, vector) -> np.ndarray:
    """Hess f(theta) @ vector: the objective's Hessian if it has one, else a central difference
    of the gradient along ``vector`` (relative step ``HVP_STEP``)."""
    theta = np.asarray(theta, dtype=float)
    vector = np.asarray(vector, dtype=float)
    hessian = getattr(objective, "hessian", None)
    if hessian is not None:
        return np.asarray(hessian(theta)) @ vector
    norm = float(np.linalg.norm(vector))
    if norm == 0.0:
        return np.zeros_like(vector)
    h = HVP_STEP * max(1.0, float(np.linalg.norm(theta))) / norm
    return (objective.gradient(theta + h * vector) - objective.gradient(theta - h * vector)) / (2.0 * h)


def modified_gradient(objective: Objective, theta, step_size: float, coefficient: float = 0.25) -> np.ndarray:
    """grad of f + coefficient * eta * ||grad f||^2, i.e. grad f + 2 coefficient eta Hess f grad f.

    The modified equation has ``coefficient`` 1/4; other values are for must-fail checks.
    """
    eta = positive_number(step_size, "step_size")
    g = objective.gradient(np.asarray(theta, dtype=float))
    return g + 2.0 * coefficient * eta * hessian_vector(objective, theta, g)


def modified_flow(objective: Objective, start, times, step_size: float, coefficient: float = 0.25,
                  rtol: float = 1e-11, atol: float = 1e-13) -> np.ndarray:
    """Points of theta' = -grad f~(theta) at ``times`` (DOP853 at the given tolerances), shape (n, d)."""
    x0 = as_point(start, "start", objective.dim)
    t = sample_times(times)
    eta = positive_number(step_size, "step_size")
    sol = solve_ivp(lambda _, y: -modified_gradient(objective, y, eta, coefficient), (0.0, float(t[-1])), x0,
                    method="DOP853", t_eval=t, rtol=rtol, atol=atol)
    if not sol.success:
        raise RuntimeError(f"the modified flow could not be integrated: {sol.message}")
    return sol.y.T


def global_errors(objective: Objective, start, horizon: float, step_sizes, coefficient: float = 0.25):
    """max_k ||theta_k - theta(k eta)|| over k eta <= horizon, against the flow of f and against the
    modified flow, for each step. Returns two arrays (flow, modified)."""
    T = positive_number(horizon, "horizon")
    to_flow, to_modified = [], []
    for eta in step_sizes:
        eta = positive_number(eta, "step size")
        num = int(round(T / eta))
        gd = gradient_descent(objective, start, eta, num)
        flow = gradient_flow(objective, start, gd.times, rtol=1e-12, atol=1e-14).points
        mod = modified_flow(objective, start, gd.times, eta, coefficient)
        to_flow.append(float(np.max(np.linalg.norm(gd.points - flow, axis=1))))
        to_modified.append(float(np.max(np.linalg.norm(gd.points - mod, axis=1))))
    return np.array(to_flow), np.array(to_modified)


def modified_curvature(curvature, step_size: float):
    """-log(1 - eta lambda)/eta: the rate of the flow that passes exactly through descent's iterates
    on lambda theta^2/2 (0 < eta lambda < 1)."""
    lam = np.asarray(curvature, dtype=float)
    eta = positive_number(step_size, "step_size")
    if np.any(lam <= 0) or np.any(eta * lam >= 1.0):
        raise ValueError("need 0 < eta lambda < 1 for a real modified curvature")
    return -np.log1p(-eta * lam) / eta


def modified_curvature_series(curvature, step_size: float, terms: int = 2):
    """lambda + eta lambda^2/2 + eta^2 lambda^3/3 + ...: the first ``terms`` terms of that rate."""
    lam = np.asarray(curvature, dtype=float)
    eta = positive_number(step_size, "step_size")
    return sum(eta**j * lam ** (j + 1) / (j + 1) for j in range(int(terms)))


def factorisation_descent(start, step_size: float, max_steps: int = 200_000, tolerance: float = 1e-14):
    """Gradient descent on f(a, b) = (ab - 1)^2/2 until |ab - 1| <= tolerance.

    Returns ``(a, b, steps, d_ratio)``: the final point, the number of steps, and the product
    of the factors 1 - eta^2 (ab - 1)^2 by which each step multiplies a^2 - b^2 (an exact
    identity of this iteration).
    """
    a, b = (float(x) for x in np.asarray(start, dtype=float).reshape(2))
    eta = positive_number(step_size, "step_size")
    ratio = 1.0
    for k in range(int(max_steps)):
        r = a * b - 1.0
        if abs(r) <= tolerance:
            return a, b, k, ratio
        if not np.isfinite(r) or abs(r) > 1e8:
            raise RuntimeError(f"descent on (ab - 1)^2/2 diverged at step {k} with step size {eta:g}")
        ratio *= 1.0 - (eta * r) ** 2
        a, b = a - eta * r * b, b - eta * r * a
    raise RuntimeError(f"descent on (ab - 1)^2/2 did not reach |ab - 1| <= {tolerance:g} in {max_steps} steps")


def factorisation_modified_flow(start, step_size: float, horizon: float = 4000.0, coefficient: float = 0.25,
                                residual: float = 1e-13):
    """The end point of the flow of (ab - 1)^2/2 + coefficient eta ||grad||^2 (a minimiser, reached along
    the way); ``coefficient`` 1/4 is the modified equation.

    The flow stops once |ab - 1| <= ``residual`` (or at ``horizon``): every point of ab = 1 is a
    rest point, so from there it moves by O(``residual``) only, and integrating on would cost
    thousands of steps that an explicit method must keep short for stability.
    """
    eta = positive_number(step_size, "step_size")
    residual = positive_number(residual, "residual")

    def field(_, y):
        a, b = y
        r = a * b - 1.0
        g = np.array([r * b, r * a])
        hess = np.array([[b * b, 2 * a * b - 1.0], [2 * a * b - 1.0, a * a]])
        return -(g + 2.0 * coefficient * eta * hess @ g)

    def arrived(_, y):
        return abs(y[0] * y[1] - 1.0) - residual

    arrived.terminal = True
    sol = solve_ivp(field, (0.0, horizon), np.asarray(start, dtype=float), method="DOP853", rtol=1e-12,
                    atol=1e-14, events=arrived)
    if not sol.success:
        raise RuntimeError(f"the modified flow could not be integrated: {sol.message}")
    return sol.y_events[0][0] if sol.status == 1 else sol.y[:, -1]
