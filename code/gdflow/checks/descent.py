"""Checks for the chapter on gradient descent (claims C01-C03)."""

from __future__ import annotations

import numpy as np

from ..claims import at_least, at_most, claim, close_to
from ..examples import logistic_problem, random_quadratic, wavy_bowl
from ..problems import Objective, Quadratic, ScalarQuadratic
from ..theory import sufficient_decrease_bound

#: Relative rounding allowance for comparing two values of f computed in double
#: precision: each evaluation carries an error of a few ulps of |f|, and 1e-10 is
#: a million times that yet far below the violations a wrong constant causes.
ROUNDING = 1e-10


def _sample(rng, objective, num_points, radius):
    return rng.uniform(-radius, radius, size=(num_points, objective.dim))


def _default_objectives(rng):
    return {
        "nonconvex wavy bowl": wavy_bowl(),
        "logistic regression": logistic_problem(rng),
        "random quadratic": random_quadratic(rng),
    }


def sufficient_decrease_slack(objective: Objective, points, step_sizes, smoothness=None):
    """bound - f(theta - eta grad f(theta)) for each point and step size (negative = violated).

    Returns the slack array and its scale (1 + |f| + eta ||grad f||^2) for relative comparison.
    """
    L = objective.smoothness if smoothness is None else smoothness
    g = objective.gradient(points)
    gsq = np.sum(g**2, axis=-1)
    f = objective.value(points)
    after = objective.value(points - step_sizes[:, None] * g)
    bound = sufficient_decrease_bound(f, gsq, step_sizes, L)
    scale = 1.0 + np.abs(f) + step_sizes * gsq
    return bound - after, scale


@claim("C02", label="lem-sufficient-decrease",
       statement="Sufficient decrease: f(θ−η∇f(θ)) ≤ f(θ) − η(1−Lη/2)‖∇f(θ)‖² for L-smooth f")
def check_sufficient_decrease(objectives=None, *, num_points: int = 4000, radius: float = 3.0,
                              smoothness_factor: float = 1.0, seed: int = 0):
    """Worst relative slack of the sufficient-decrease inequality over random points and steps.

    Step sizes are drawn uniformly from (0, 2/L). ``smoothness_factor`` < 1
    deliberately uses a too-small L, which must make the check fail.
    """
    rng = np.random.default_rng(seed)
    objectives = _default_objectives(rng) if objectives is None else objectives
    checks = []
    for name, obj in objectives.items():
        pts = _sample(rng, obj, num_points, radius)
        L = obj.smoothness * smoothness_factor
        etas = rng.uniform(0.0, 2.0 / L, size=num_points)
        slack, scale = sufficient_decrease_slack(obj, pts, etas, smoothness=L)
        checks.append(at_least(
            "C02", f"min relative slack of the bound, {name} ({num_points} points)",
            float(np.min(slack / scale)), 0.0, ROUNDING,
            "rounding of f in double precision, relative to the terms' size"))
    # Tightness: on f = L/2 ||theta||^2 the inequality is an equality for every eta.
    tight = Quadratic.from_eigenvalues(np.full(3, 4.0))
    pts = _sample(rng, tight, num_points, radius)
    etas = rng.uniform(0.0, 2.0 / tight.smoothness, size=num_points)
    slack, scale = sufficient_decrease_slack(tight, pts, etas)
    checks.append(at_most(
        "C02", "max |relative slack| on L/2‖θ‖² (the bound is attained)",
        float(np.max(np.abs(slack) / scale)), 0.0, ROUNDING,
        "rounding of f in double precision, relative to the terms' size"))
    return checks


@claim("C01", label="lem-descent-lemma",
       statement="L-smoothness implies the descent lemma; the converse fails without convexity")
def check_descent_lemma(objectives=None, *, num_pairs: int = 4000, radius: float = 3.0,
                        counterexample_curvature: float = -4.0, seed: int = 1):
    """The descent lemma on random pairs for L-smooth objectives, and f = c x^2/2 with c < 0.

    For c = -4 the descent lemma holds with L = 1 (f lies below its tangents), but
    the gradient -4x is only 4-Lipschitz: measured ratio 4 > 1, so the descent
    lemma does not imply L-smoothness. ``counterexample_curvature`` with
    |c| <= 1 is no counterexample, and the check then fails.
    """
    rng = np.random.default_rng(seed)
    objectives = _default_objectives(rng) if objectives is None else objectives
    checks = []
    for name, obj in objectives.items():
        x = _sample(rng, obj, num_pairs, radius)
        y = _sample(rng, obj, num_pairs, radius)
        resid = descent_lemma_residual(obj, x, y)
        scale = 1.0 + np.abs(obj.value(x)) + np.abs(obj.value(y))
        checks.append(at_most(
            "C01", f"max relative residual f(y) − upper model, {name} ({num_pairs} pairs)",
            float(np.max(resid / scale)), 0.0, ROUNDING,
            "rounding of f in double precision, relative to the terms' size"))
    concave = ScalarQuadratic(counterexample_curvature)
    x = _sample(rng, concave, num_pairs, radius)
    y = _sample(rng, concave, num_pairs, radius)
    resid = descent_lemma_residual(concave, x, y, smoothness=1.0)
    ratio = np.abs(concave.gradient(x) - concave.gradient(y))[:, 0] / np.abs(x - y)[:, 0]
    holds = bool(np.max(resid) <= 0.0)
    checks.append(at_least(
        "C01", f"Lipschitz ratio of ∇f for f = {counterexample_curvature:g}x²/2, which satisfies "
        f"the descent lemma with L = 1 ({'yes' if holds else 'no'})",
        float(np.max(ratio)) if holds else 0.0, 1.0 + 1e-6, 0.0,
        "a counterexample needs a ratio clearly above L = 1; 1e-6 excludes rounding"))
    return checks


def descent_lemma_residual(objective: Objective, x, y, smoothness=None):
    """f(y) - [f(x) + grad f(x)^T (y - x) + L/2 ||y - x||^2] for each pair (negative = holds)."""
    L = objective.smoothness if smoothness is None else smoothness
    d = y - x
    model = objective.value(x) + np.sum(objective.gradient(x) * d, axis=-1) + 0.5 * L * np.sum(d**2, axis=-1)
    return objective.value(y) - model


@claim("C03", label="cor-step-below-two-over-l",
       statement="η < 2/L guarantees descent; the threshold is sharp over the class but not for each f")
def check_step_threshold(*, smoothness: float = 4.0, overshoot: float = 1.01,
                         condition_number: float = 10.0, long_step_factor: float = 1.5):
    """Three facts about the threshold 2/L.

    On f = L/2 x^2 the step eta = 2/L leaves f unchanged and eta = overshoot * 2/L
    increases it (so no larger threshold works for every L-smooth f). On the
    quadratic with eigenvalues (1, kappa), started on the flat eigenvector,
    eta = long_step_factor * 2/L still decreases f: for one given f, eta < 2/L
    is sufficient, not necessary.
    """
    sharp = ScalarQuadratic(smoothness)
    x = np.array([1.0])
    ratio = lambda obj, eta, p: float(obj.value(p - eta * obj.gradient(p)) / obj.value(p))
    bowl = Quadratic.from_eigenvalues([1.0, condition_number])
    flat_start = np.array([1.0, 0.0])
    eta_long = long_step_factor * 2.0 / bowl.smoothness
    return [
        close_to("C03", "f(θ⁺)/f(θ) on L/2 θ² at η = 2/L", ratio(sharp, 2.0 / smoothness, x), 1.0,
                 1e-12, "the ratio is exactly (1 − ηL)² = 1; 1e-12 allows rounding"),
        at_least("C03", f"f(θ⁺)/f(θ) on L/2 θ² at η = {overshoot:g}·2/L",
                 ratio(sharp, overshoot * 2.0 / smoothness, x), 1.0, 0.0,
                 "any increase at all shows the threshold cannot be raised"),
        at_most("C03", f"f(θ⁺)/f(θ) on a κ = {condition_number:g} quadratic, flat direction, "
                f"η = {long_step_factor:g}·2/L", ratio(bowl, eta_long, flat_start), 1.0, 0.0,
                "any decrease at all shows η < 2/L is not necessary for a given f"),
    ]


