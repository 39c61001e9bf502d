"""Tests of gdflow.implicit: backward Euler and the proximal point method."""

from __future__ import annotations

import numpy as np
import pytest

from gdflow import examples
from gdflow.descent import gradient_descent
from gdflow.implicit import (ImplicitStepError, backward_euler, backward_euler_step, prox_step,
                             proximal_point)
from gdflow.problems import DoubleWell, Objective, Quadratic, ScalarQuadratic
from gdflow.trajectory import DivergenceError


@pytest.fixture(scope="module")
def logistic():
    return examples.logistic_problem(np.random.default_rng(0))


def test_scalar_closed_form_is_one_over_one_plus_eta_c():
    traj = proximal_point(ScalarQuadratic(2.0), [1.0], 0.5, 3)
    np.testing.assert_allclose(traj.points[:, 0], 0.5 ** np.arange(4), rtol=0, atol=1e-15)
    np.testing.assert_allclose(traj.times, [0.0, 0.5, 1.0, 1.5])
    assert traj.method == "proximal point" and not traj.diverged


def test_quadratic_step_solves_the_backward_euler_equation():
    q = examples.random_quadratic(np.random.default_rng(3))
    x = np.arange(5.0)
    for eta in (0.01, 1.0, 1e3):
        u = prox_step(q, x, eta)
        np.testing.assert_allclose(u + eta * q.gradient(u), x, atol=1e-10)


def test_quadratic_is_stable_far_above_two_over_l():
    q = examples.ill_conditioned_bowl(10.0)
    eta = 100 * 2 / q.smoothness
    traj = proximal_point(q, [1.0, 1.0], eta, 30)
    assert np.all(np.diff(traj.distances(q.minimizer)) <= 0)
    with pytest.raises(DivergenceError):
        gradient_descent(q, [1.0, 1.0], eta, 60)


def test_general_solver_agrees_with_closed_form():
    q = examples.ill_conditioned_bowl(10.0)

    class Opaque(Objective):  # the quadratic, hidden from the closed form
        dim = 2
        convex = True

        def value(self, theta):
            return q.value(theta)

        def gradient(self, theta):
            return q.gradient(theta)

    for eta in (0.05, 5.0):
        np.testing.assert_allclose(prox_step(Opaque(), [1.0, -2.0], eta), prox_step(q, [1.0, -2.0], eta),
                                   atol=1e-10)
        np.testing.assert_allclose(backward_euler_step(Opaque(), [1.0, -2.0], eta),
                                   prox_step(q, [1.0, -2.0], eta), atol=1e-10)


def test_prox_equals_backward_euler_on_logistic_regression(logistic):
    x0 = np.full(logistic.dim, 2.0)
    eta = 100.0
    p = proximal_point(logistic, x0, eta, 10)
    b = backward_euler(logistic, x0, eta, 10)
    np.testing.assert_allclose(p.points, b.points, atol=1e-10)
    resid = p.points[1:] - p.points[:-1] + eta * logistic.gradient(p.points[1:])
    assert np.max(np.abs(resid)) < 1e-10
    assert np.all(np.diff(p.values) <= 1e-12)


def test_prox_decreases_the_prox_objective_below_nearby_points(logistic):
    x = np.full(logistic.dim, 1.0)
    eta = 3.0
    u = prox_step(logistic, x, eta)
    phi = lambda v: logistic.value(v) + np.sum((v - x) ** 2) / (2 * eta)
    rng = np.random.default_rng(1)
    for d in rng.standard_normal((20, logistic.dim)) * 1e-3:
        assert phi(u) <= phi(u + d) + 1e-14


def test_concave_backward_euler_multiplier_and_prox_undefined():
    f = ScalarQuadratic(-1.0)
    np.testing.assert_allclose(backward_euler(f, [1.0], 0.5, 3).points[:, 0], [1, 2, 4, 8])
    np.testing.assert_allclose(backward_euler(f, [1.0], 3.0, 2).points[:, 0], [1, -0.5, 0.25])
    with pytest.raises(ValueError, match="unbounded below"):
        proximal_point(f, [1.0], 1.5, 2)
    with pytest.raises(ValueError, match="undefined"):
        backward_euler(f, [1.0], 1.0, 2)


def test_divergence_is_reported():
    f = ScalarQuadratic(-1.0)
    with pytest.raises(DivergenceError, match="backward Euler diverged"):
        backward_euler(f, [1.0], 0.5, 400)
    traj = backward_euler(f, [1.0], 0.5, 400, on_divergence="stop")
    assert traj.diverged and np.all(np.isfinite(traj.points)) and len(traj) < 401


def test_nonconvex_objective_without_hessian_is_solved():
    well = DoubleWell()
    u = backward_euler_step(well, [2.0], 0.1)
    assert abs(u[0] + 0.1 * well.gradient(u)[0] - 2.0) < 1e-12
    traj = proximal_point(well, [2.0], 0.2, 50)
    assert abs(traj.points[-1, 0] - 1.0) < 1e-6


def test_step_schedule_and_times():
    traj = proximal_point(Quadratic([[1.0]]), [1.0], lambda k: 1.0 / (k + 1), 3)
    np.testing.assert_allclose(traj.times, [0, 1, 1.5, 1.5 + 1 / 3])


@pytest.mark.parametrize("kwargs, message", [
    (dict(step_size=0.0), "step_size must be positive"),
    (dict(step_size=-1.0), "step_size must be positive"),
    (dict(num_steps=-1), "num_steps"),
    (dict(start=[np.nan]), "NaN"),
    (dict(start=[1.0, 2.0]), "dimension"),
    (dict(on_divergence="ignore"), "on_divergence"),
    (dict(tolerance=0.0), "tolerance"),
])
def test_bad_input_raises_value_error(kwargs, message):
    args = dict(objective=ScalarQuadratic(1.0), start=[1.0], step_size=0.5, num_steps=3)
    args.update(kwargs)
    with pytest.raises(ValueError, match=message):
        proximal_point(**args)


def test_unsolvable_step_raises():
    class Steep(Objective):
        dim = 1

        def value(self, theta):
            return np.zeros(np.shape(theta)[:-1]) if np.ndim(theta) > 1 else 0.0

        def gradient(self, theta):
            # No solution of u + eta g(u) = theta for theta = 0: g jumps over the root.
            return np.where(np.asarray(theta) >= 0, 1.0, -1.0) * np.ones_like(theta)

    with pytest.raises(ImplicitStepError):
        backward_euler_step(Steep(), [0.0], 1.0)


def test_quadratic_runs_match_single_steps_for_constant_and_varying_steps():
    q = examples.random_quadratic(np.random.default_rng(4))
    x0 = np.arange(5.0) - 2.0
    for step in (0.3, lambda k: 0.1 * (k + 1)):
        for run, one in ((proximal_point, prox_step), (backward_euler, backward_euler_step)):
            traj = run(q, x0, step, 6)
            x = x0
            for k in range(6):
                x = one(q, x, step if not callable(step) else step(k))
                np.testing.assert_allclose(traj.points[k + 1], x, rtol=1e-12, atol=1e-14)
