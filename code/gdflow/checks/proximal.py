"""Checks for the chapter on implicit steps and the proximal point method (claims A11-A14).

Backward Euler and the proximal step come from :mod:`gdflow.implicit`: closed
forms on quadratics, scipy solvers otherwise.
"""

from __future__ import annotations

import numpy as np

from ..claims import at_least, at_most, claim, close_to, exempt
from ..descent import gradient_descent
from ..examples import logistic_problem
from ..flow import gradient_flow
from ..implicit import backward_euler, prox_step
from ..problems import Huber, Objective, Quadratic, ScalarQuadratic
from .momentum import spread_quadratic

__all__ = ["backward_euler_multiplier"]

class _WithoutClosedForm(Objective):
    """The same function seen only through value and gradient, so that the proximal step
    takes the general (scipy) path instead of the quadratic closed form."""

    def __init__(self, objective):
        self._inner = objective
        self.dim = objective.dim
        self.smoothness = objective.smoothness
        self.strong_convexity = objective.strong_convexity
        self.convex = objective.convex

    def value(self, theta):
        return self._inner.value(theta)

    def gradient(self, theta):
        return self._inner.gradient(theta)


def backward_euler_multiplier(step_curvature):
    """1/(1 + eta lambda): the backward-Euler factor on the mode of curvature lambda. Broadcasts."""
    return 1.0 / (1.0 + np.asarray(step_curvature, dtype=float))


@claim("A11", label="prop-backward-euler-quadratic",
       statement="On a quadratic, backward Euler multiplies the mode of curvature λ by 1/(1 + ηλ)")
def check_backward_euler_quadratic(*, step_factors=(0.1, 1.0, 10.0, 1000.0), solver: bool = False,
                                   multiplier=None, seed: int = 2):
    """Per-mode factor of one backward-Euler step on a spread quadratic, against 1/(1 + eta lambda).

    With ``solver=True`` the step is computed by the scipy proximal solve (BFGS on the
    proximal objective, polished by a root solve), with the quadratic hidden behind
    value and gradient so that no closed form is used. ``multiplier`` replaces the
    predicted factor (a function of eta lambda), e.g. forward Euler's 1 - eta lambda.
    """
    predict = backward_euler_multiplier if multiplier is None else multiplier
    q, _ = spread_quadratic(10.0, dim=5, seed=seed)
    lam, V = q.eigenvalues, q.eigenvectors
    worst = 0.0
    for factor in step_factors:
        eta = factor / q.smoothness
        start = V.sum(axis=1)          # one unit of every eigenvector
        if solver:
            nxt = prox_step(_WithoutClosedForm(q), start, eta)
        else:
            nxt = backward_euler(q, start, eta, 1).points[1]
        measured = V.T @ nxt           # the factor applied to each mode
        worst = max(worst, float(np.max(np.abs(measured - predict(eta * lam)))))
    return at_most("A11", "max over modes and steps of |measured factor − 1/(1 + ηλ)|"
                   + (" (BFGS on the proximal objective)" if solver else " (linear solve)"), worst, 0.0,
                   1e-11 if solver else 1e-12,
                   "a linear solve with I + ηA is accurate to rounding (1e-12); the scipy step is "
                   "accepted only when ‖u − θ + η∇f(u)‖ ≤ 1e-12 (1 + ‖θ‖) ≈ 3.3e-12 here, and since "
                   "I + ηA has eigenvalues ≥ 1 the error of u, hence of every mode factor, is at most "
                   "that; 1e-11 covers it")


@claim("A12", label="thm-proximal-stability",
       statement="For convex f, backward Euler converges for every η; at η = 1000/L gradient descent diverges")
def check_proximal_stability(*, step_factor: float = 1000.0, num_steps: int = 20, seed: int = 2):
    """At eta = step_factor / L: descent's growth and the proximal point's contraction, on a quadratic and a logistic regression."""
    q, start_q = spread_quadratic(10.0, dim=5, seed=seed)
    logistic = logistic_problem(np.random.default_rng(seed))
    problems = {"quadratic, κ = 10": (q, start_q),
                "logistic regression": (logistic, np.full(logistic.dim, 2.0))}
    checks = []
    for name, (obj, x0) in problems.items():
        eta = step_factor / obj.smoothness
        r0 = float(np.linalg.norm(x0 - obj.minimizer))
        gd = gradient_descent(obj, x0, eta, num_steps, on_divergence="stop")
        gd_growth = float(gd.distances(obj.minimizer)[-1] / r0)
        prox = backward_euler(obj, x0, eta, num_steps)
        dist = prox.distances(obj.minimizer)
        checks += [
            at_least("A12", f"‖θ_K − θ*‖/‖θ₀ − θ*‖ for gradient descent, K = {num_steps}, {name}",
                     gd_growth, 1e3, 0.0,
                     "divergence is shown by growth; a factor 1000 cannot be a transient of a "
                     "convergent run"),
            at_most("A12", f"max_k (‖θ_(k+1) − θ*‖ − ‖θ_k − θ*‖)/‖θ₀ − θ*‖ for backward Euler, {name}",
                    float(np.max(np.diff(dist)) / r0), 0.0, 1e-9,
                    "the distance never increases (the step is nonexpansive); 1e-9 allows the "
                    "scipy solve's accuracy once the distance has reached rounding level"),
            at_most("A12", f"‖θ_K − θ*‖/‖θ₀ − θ*‖ for backward Euler, K = {num_steps}, {name}",
                    float(dist[-1] / r0), 1e-6, 0.0,
                    "convergence, not just boundedness: 1e-6 is far below the starting distance"),
        ]
    return checks


@claim("A13", label="thm-proximal-rate",
       statement="Proximal point on convex f: f(θ_k) − f* ≤ ‖θ₀ − θ*‖²/(2kη) for every η > 0")
def check_proximal_rate(*, step_factors=(0.5, 5.0, 50.0), num_steps: int = 30, constant: float = 0.5,
                        seed: int = 2):
    """max_k k eta (f(theta_k) - f*)/||theta_0 - theta*||^2 (must be <= 1/2), over several eta.

    ``constant`` replaces the theorem's 1/2; a much smaller one must fail.
    """
    logistic = logistic_problem(np.random.default_rng(seed))
    x0 = np.full(logistic.dim, 2.0)
    r2 = float(np.sum((x0 - logistic.minimizer) ** 2))
    worst = 0.0
    for factor in step_factors:
        eta = factor / logistic.smoothness
        path = backward_euler(logistic, x0, eta, num_steps)
        k = path.steps[1:]
        worst = max(worst, float(np.max(k * eta * path.gaps(logistic.minimum)[1:] / r2)))
    why = ("the proximal solves are accurate to a gradient norm of 1e-10, which moves f by far "
           "less than 1e-9")
    # The one-dimensional Huber function with δ = R/(2Kη), K = num_steps and η the largest step:
    # each step moves by ηδ along its linear part, and Kη(f(θ_K) − f*)/R² = 1/4 − 1/(8Kη).
    eta = max(step_factors)
    delta = 1.0 / (2.0 * num_steps * eta)
    huber_path = backward_euler(Huber(delta, 1.0, 1), [1.0], eta, num_steps)
    k = huber_path.steps[1:]
    huber = float(np.max(k * eta * huber_path.gaps(0.0)[1:]))
    return [
        at_most("A13", "max_k kη(f(θ_k) − f*)/‖θ₀ − θ*‖², logistic regression", worst, constant, 1e-9, why),
        at_most("A13", f"the same on the Huber function δ = 1/(2Kη), K = {num_steps}, η = {eta:g}/L",
                huber, constant, 1e-9, why),
        at_least("A13", "the same Huber value against the sharp constant 1/4 (the proposition on the sharp constant, "
                 "half the theorem's 1/2)", huber, 0.25 - 1.0 / (8.0 * num_steps * eta), 1e-9,
                 "the closed form 1/4 − 1/(8Kη) of this instance, to the solves' accuracy"),
    ]


def _implicit_root(objective, x: float, eta: float) -> float:
    """The root u of u + eta f'(u) = x, found by bracketing with f's gradient only (no closed form)."""
    from scipy.optimize import brentq

    def residual(u):
        return float(u + eta * objective.gradient(np.array([u]))[0] - x)

    width = 1.0 + abs(x)
    while residual(-width) * residual(width) > 0:
        width *= 2.0
        if width > 1e12:
            raise ValueError("the implicit equation has no bracketed root")
    return brentq(residual, -width, width, xtol=1e-15, rtol=4 * np.finfo(float).eps)


@claim("A14", label="prop-backward-euler-concave",
       statement="For concave f = −λx²/2 backward Euler multiplies by 1/(1 − ηλ): for ηλ > 2 it converges to the maximum")
def check_backward_euler_concave(*, curvature: float = -1.0, step_curvatures=(0.5, 3.0),
                                 num_steps: int = 30, multiplier=None):
    """Factors of backward Euler on f = c x^2/2 with c < 0, and the behaviour for eta |c| > 2.

    Returns checks on the factor of one step against 1/(1 - eta |c|), on convergence
    to the maximiser 0 when eta |c| > 2, and on the true flow's growth there. The
    one-step factor is measured by solving the implicit equation u + eta f'(u) = x
    with a bracketing root finder that only calls f's gradient, so it does not
    reuse the package's closed form. ``multiplier`` replaces the predicted factor
    (a function of eta lambda with lambda = -c), e.g. the convex case's 1/(1 + eta lambda),
    which must fail.
    With ``curvature > 0`` (a convex f) the check of spurious convergence must fail,
    since the flow then decays too.
    """
    f = ScalarQuadratic(curvature)
    lam = -f.curvature
    predict = (lambda a: 1.0 / (1.0 - a)) if multiplier is None else multiplier
    checks = []
    for a in step_curvatures:
        eta = a / abs(f.curvature)
        factor = _implicit_root(f, 1.0, eta)
        checks.append(close_to("A14", f"one-step factor at η|λ| = {a:g} (root of u + ηf'(u) = 1)",
                               factor, predict(eta * lam),
                               1e-12, "the bracketing solve stops at a few ulps of u, |u| ≤ 2; "
                               "1e-12 is rounding"))
    big = step_curvatures[-1] / abs(f.curvature)
    path = backward_euler(f, [1.0], big, num_steps)
    flow = gradient_flow(f, [1.0], path.times, exact=False)
    checks += [
        at_most("A14", f"|θ_K| after K = {num_steps} backward-Euler steps at η|λ| = {step_curvatures[-1]:g}",
                float(abs(path.points[-1, 0])), 1e-6, 0.0,
                "the iterates must have converged to the maximiser 0: 1e-6 of the start"),
        at_least("A14", f"|θ(t)| of the gradient flow at the same final time t = {path.times[-1]:g}",
                 float(abs(flow.points[-1, 0])), 1e6, 0.0,
                 "the flow leaves the maximiser exponentially; 1e6 times the start shows it"),
    ]
    return checks


exempt("lem-prox-optimality",
       "existence and uniqueness of the proximal point, a qualitative statement; that the "
       "minimiser solves the implicit equation is measured under A11 with solver=True")
