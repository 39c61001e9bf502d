r"""Implicit steps: backward Euler on the gradient flow, and the proximal point method.

Backward Euler evaluates the gradient at the *new* point,

    theta_{k+1} = theta_k - eta grad f(theta_{k+1}),                       (BE)

so each step solves an equation. The proximal point method takes

    theta_{k+1} = prox_{eta f}(theta_k) = argmin_u f(u) + ||u - theta_k||^2 / (2 eta),

whose first-order condition is exactly (BE). The two coincide whenever the
proximal subproblem has a minimiser (always for convex f); they part ways when
it has none, as for a concave quadratic with eta |c| >= 1.

Both functions return a :class:`~gdflow.trajectory.Trajectory` on the same
time axis as :func:`~gdflow.descent.gradient_descent` (t_k = eta_0 + ... + eta_{k-1}).
Quadratics are stepped in closed form; other objectives with scipy.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
from scipy import optimize

from . import _iterate
from ._validation import StepSize, as_point, positive_number
from .descent import DEFAULT_DIVERGENCE_THRESHOLD
from .problems import Objective, Quadratic, ScalarQuadratic
from .trajectory import Trajectory

__all__ = ["backward_euler", "proximal_point", "backward_euler_step", "prox_step",
           "ImplicitStepError", "IMPLICIT_TOLERANCE"]

#: Relative residual at which an implicit step counts as solved:
#: ||u - theta + eta grad f(u)|| <= IMPLICIT_TOLERANCE * (1 + ||theta||).
#: A few hundred ulps of the iterate: far below any difference the book measures.
IMPLICIT_TOLERANCE = 1e-12


class ImplicitStepError(RuntimeError):
    """Raised when the equation of an implicit step could not be solved to tolerance."""


def _residual(objective, u, theta, eta):
    return u - theta + eta * objective.gradient(u)


def _check_solved(objective, u, theta, eta, tolerance, what):
    if not np.all(np.isfinite(u)):
        raise ImplicitStepError(f"the {what} step with step size {eta:g} produced a non-finite point")
    r = float(np.linalg.norm(_residual(objective, u, theta, eta)))
    if r > tolerance * (1.0 + float(np.linalg.norm(theta))):
        raise ImplicitStepError(
            f"the {what} step with step size {eta:g} was not solved: residual "
            f"||u - theta + eta grad f(u)|| = {r:.3g} exceeds {tolerance:g} * (1 + ||theta||)"
        )
    return u


def _scalar_multiplier(objective: ScalarQuadratic, eta: float) -> float:
    denominator = 1.0 + eta * objective.curvature
    if denominator == 0.0:
        raise ValueError(
            f"backward Euler is undefined for f = {objective.curvature:g} x^2/2 at step size "
            f"{eta:g}: 1 + eta * curvature = 0, so the step equation has no solution"
        )
    return 1.0 / denominator


def _hessian_or_none(objective):
    return getattr(objective, "hessian", None)


def backward_euler_step(objective: Objective, theta, step_size: float, *,
                        tolerance: float = IMPLICIT_TOLERANCE) -> np.ndarray:
    r"""Solve u + eta grad f(u) = theta for u: one backward Euler step from ``theta``.

    Closed form for :class:`Quadratic` ((I + eta A) u = theta + eta b) and
    :class:`ScalarQuadratic` (u = theta / (1 + eta c), any sign of c). Otherwise
    a root of the step equation is found with ``scipy.optimize.root`` started at
    ``theta`` (with the Hessian as Jacobian when the objective has one); for a
    nonconvex f it need not be the proximal point.

    Parameters
    ----------
    objective : Objective
    theta : array_like, shape (d,)
    step_size : float
        eta > 0.
    tolerance : float
        Relative residual accepted (see :data:`IMPLICIT_TOLERANCE`).

    Returns
    -------
    ndarray, shape (d,)

    Raises
    ------
    ValueError
        On bad input, or when the step equation is singular (1 + eta c = 0).
    ImplicitStepError
        When the solver does not reach the tolerance.

    Examples
    --------
    >>> from gdflow.problems import ScalarQuadratic
    >>> backward_euler_step(ScalarQuadratic(3.0), [2.0], 1.0)
    array([0.5])
    """
    x = as_point(theta, "theta", objective.dim)
    eta = positive_number(step_size, "step_size")
    tolerance = positive_number(tolerance, "tolerance")
    if isinstance(objective, ScalarQuadratic):
        return x * _scalar_multiplier(objective, eta)
    if isinstance(objective, Quadratic):
        return np.linalg.solve(np.eye(objective.dim) + eta * objective.A, x + eta * objective.b)
    hess = _hessian_or_none(objective)
    jac = None if hess is None else (lambda u: np.eye(x.size) + eta * hess(u))
    with np.errstate(over="ignore", invalid="ignore"):
        sol = optimize.root(lambda u: _residual(objective, u, x, eta), x, jac=jac,
                            method="hybr", options={"xtol": 1e-14})
    return _check_solved(objective, sol.x, x, eta, tolerance, "backward Euler")


def prox_step(objective: Objective, theta, step_size: float, *,
              tolerance: float = IMPLICIT_TOLERANCE) -> np.ndarray:
    r"""prox_{eta f}(theta) = argmin_u f(u) + ||u - theta||^2 / (2 eta).

    Closed form for :class:`Quadratic` and :class:`ScalarQuadratic`; otherwise the
    subproblem is minimised with BFGS from ``theta`` and the result polished with
    a root solve of its first-order condition (the backward Euler equation).

    Raises
    ------
    ValueError
        When the subproblem has no minimiser: for f = c x^2/2 with 1 + eta c <= 0
        it is unbounded below.
    ImplicitStepError
        When the solver does not reach the tolerance.

    Examples
    --------
    >>> from gdflow.problems import Quadratic
    >>> prox_step(Quadratic([[1.0]]), [3.0], 2.0)
    array([1.])
    """
    x = as_point(theta, "theta", objective.dim)
    eta = positive_number(step_size, "step_size")
    tolerance = positive_number(tolerance, "tolerance")
    if isinstance(objective, ScalarQuadratic):
        if 1.0 + eta * objective.curvature <= 0.0:
            raise ValueError(
                f"the proximal subproblem of f = {objective.curvature:g} x^2/2 with step size "
                f"{eta:g} is unbounded below (1 + eta * curvature <= 0): prox is undefined"
            )
        return x * _scalar_multiplier(objective, eta)
    if isinstance(objective, Quadratic):
        return backward_euler_step(objective, x, eta, tolerance=tolerance)

    # [update] the step minimises f(u) + ||u - x||^2 / (2 eta), here with BFGS from x
    def subproblem(u):
        return float(objective.value(u)) + float(np.sum((u - x) ** 2)) / (2.0 * eta)

    def subgradient(u):
        return objective.gradient(u) + (u - x) / eta

    with np.errstate(over="ignore", invalid="ignore"):
        res = optimize.minimize(subproblem, x, jac=subgradient, method="BFGS",
                                options={"gtol": 1e-10 / eta})
    # [/update]
    if not np.all(np.isfinite(res.x)):
        raise ImplicitStepError(f"the proximal step with step size {eta:g} diverged: {res.message}")
    hess = _hessian_or_none(objective)
    jac = None if hess is None else (lambda u: np.eye(x.size) + eta * hess(u))
    with np.errstate(over="ignore", invalid="ignore"):
        sol = optimize.root(lambda u: _residual(objective, u, x, eta), res.x, jac=jac,
                            method="hybr", options={"xtol": 1e-14})
    u = sol.x if subproblem(sol.x) <= subproblem(res.x) + 1e-12 * (1 + abs(subproblem(res.x))) else res.x
    return _check_solved(objective, u, x, eta, tolerance, "proximal")


def _implicit_run(step: Callable, method: str, objective: Objective, start, step_size: StepSize,
                  num_steps: int, on_divergence: str, divergence_threshold: float,
                  tolerance: float) -> Trajectory:
    run = _iterate.prepare_run(objective, start, step_size, num_steps, on_divergence,
                               divergence_threshold)
    tolerance = positive_number(tolerance, "tolerance")
    if isinstance(objective, Quadratic):
        update = _quadratic_resolvent_update(objective)
    else:
        def update(x, eta):
            return step(objective, x, eta, tolerance=tolerance)
    return _iterate.iterate(objective, run, update, method=method)


def _quadratic_resolvent_update(objective: Quadratic) -> Callable:
    """theta -> (I + eta A)^{-1} (theta + eta b), the inverse formed again only when eta changes.

    The same closed form as :func:`backward_euler_step` (where prox and backward
    Euler coincide); with a constant step the d x d system is not re-solved at
    every step.
    """
    last = {}

    def update(x, eta):
        if last.get("eta") != eta:
            last["eta"], last["inverse"] = eta, np.linalg.inv(np.eye(objective.dim) + eta * objective.A)
        return last["inverse"] @ (x + eta * objective.b)

    return update


def proximal_point(objective: Objective, start, step_size: StepSize, num_steps: int, *,
                   on_divergence: str = "raise",
                   divergence_threshold: float = DEFAULT_DIVERGENCE_THRESHOLD,
                   tolerance: float = IMPLICIT_TOLERANCE) -> Trajectory:
    r"""Run the proximal point method theta_{k+1} = prox_{eta_k f}(theta_k).

    Same arguments and output as :func:`~gdflow.descent.gradient_descent`; each
    step is :func:`prox_step`. For convex f this is backward Euler on the
    gradient flow, stable for every step size.

    Parameters
    ----------
    objective : Objective
    start : array_like, shape (d,)
    step_size : float or callable
        A positive eta, or a schedule ``k -> eta_k``.
    num_steps : int
        Number of steps K; the trajectory has K + 1 points.
    on_divergence : {"raise", "stop"}
        What to do when an iterate goes farther than ``divergence_threshold``
        from the start: raise ``DivergenceError`` or stop with ``diverged=True``.
    divergence_threshold : float
    tolerance : float
        Relative residual each implicit step must reach.

    Returns
    -------
    Trajectory

    Examples
    --------
    >>> from gdflow.problems import Quadratic
    >>> proximal_point(Quadratic([[1.0]]), [1.0], 1.0, 2).points[:, 0]
    array([1.  , 0.5 , 0.25])
    """
    return _implicit_run(prox_step, "proximal point", objective, start, step_size, num_steps,
                    on_divergence, divergence_threshold, tolerance)


def backward_euler(objective: Objective, start, step_size: StepSize, num_steps: int, *,
                   on_divergence: str = "raise",
                   divergence_threshold: float = DEFAULT_DIVERGENCE_THRESHOLD,
                   tolerance: float = IMPLICIT_TOLERANCE) -> Trajectory:
    r"""Run backward Euler on the gradient flow: theta_{k+1} = theta_k - eta_k grad f(theta_{k+1}).

    Same arguments and output as :func:`proximal_point`; each step is
    :func:`backward_euler_step`, which solves the step equation even where the
    proximal subproblem has no minimiser (a concave quadratic with a large step).

    Examples
    --------
    >>> from gdflow.problems import ScalarQuadratic
    >>> backward_euler(ScalarQuadratic(-1.0), [1.0], 0.5, 2).points[:, 0]
    array([1., 2., 4.])
    """
    return _implicit_run(backward_euler_step, "backward Euler", objective, start, step_size, num_steps,
                    on_divergence, divergence_threshold, tolerance)
