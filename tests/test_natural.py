"""Tests of gdflow.natural: natural gradient flow and descent, reparametrisation, Fisher metric."""

import numpy as np
import pytest

from gdflow.flow import gradient_flow
from gdflow.descent import gradient_descent
from gdflow.natural import (GaussianFit, LinearReparametrization, natural_direction,
                            natural_gradient_descent, natural_gradient_flow)
from gdflow.problems import Quadratic, Rosenbrock
from gdflow.trajectory import DivergenceError


@pytest.fixture
def bowl():
    return Quadratic([[10.0, 2.0], [2.0, 1.0]], b=[1.0, -1.0])


def test_identity_metric_flow_is_gradient_flow(bowl):
    times = np.linspace(0.0, 2.0, 9)
    nat = natural_gradient_flow(bowl, [1.0, 2.0], times, np.eye(2))
    plain = gradient_flow(bowl, [1.0, 2.0], times)
    np.testing.assert_allclose(nat.points, plain.points, atol=1e-9)
    assert nat.method.startswith("natural")


def test_identity_metric_descent_is_gradient_descent(bowl):
    nat = natural_gradient_descent(bowl, [1.0, 2.0], 0.05, 30, metric=np.eye(2))
    plain = gradient_descent(bowl, [1.0, 2.0], 0.05, 30)
    np.testing.assert_allclose(nat.points, plain.points, atol=1e-14)
    np.testing.assert_allclose(nat.times, plain.times)


def test_hessian_metric_flow_is_exponential(bowl):
    times = np.linspace(0.0, 3.0, 7)
    path = natural_gradient_flow(bowl, [1.0, 2.0], times, bowl.A)
    expected = bowl.minimizer + np.exp(-times)[:, None] * (np.array([1.0, 2.0]) - bowl.minimizer)
    np.testing.assert_allclose(path.points, expected, atol=1e-9)


def test_callable_metric_matches_fixed_metric(bowl):
    times = np.linspace(0.0, 1.0, 5)
    a = natural_gradient_flow(bowl, [1.0, 2.0], times, bowl.A)
    b = natural_gradient_flow(bowl, [1.0, 2.0], times, lambda theta: bowl.A)
    np.testing.assert_allclose(a.points, b.points, atol=1e-12)


def test_zero_horizon_returns_start(bowl):
    path = natural_gradient_flow(bowl, [1.0, 2.0], [0.0, 0.0], np.eye(2))
    np.testing.assert_array_equal(path.points, [[1.0, 2.0], [1.0, 2.0]])


def test_natural_direction_solves_the_metric_system(bowl):
    G = np.array([[2.0, 0.5], [0.5, 1.0]])
    d = natural_direction(bowl, [0.3, -0.4], G)
    np.testing.assert_allclose(G @ d, bowl.gradient(np.array([0.3, -0.4])), atol=1e-14)


@pytest.mark.parametrize("metric, message", [
    (np.eye(3), "2x2"),
    (np.array([[1.0, 2.0], [0.0, 1.0]]), "not symmetric"),
    (np.array([[1.0, 0.0], [0.0, -1.0]]), "not positive definite"),
    (np.array([[1.0, np.nan], [np.nan, 1.0]]), "NaN"),
    (np.ones(2), "square"),
])
def test_bad_fixed_metric_is_rejected(bowl, metric, message):
    with pytest.raises(ValueError, match=message):
        natural_gradient_flow(bowl, [1.0, 2.0], [0.0, 1.0], metric)
    with pytest.raises(ValueError, match=message):
        natural_gradient_descent(bowl, [1.0, 2.0], 0.1, 3, metric=metric)


def test_callable_metric_is_checked_along_the_path(bowl):
    # positive definite at the start (x > 0), indefinite once x turns negative
    metric = lambda theta: np.diag([theta[0], 1.0])
    with pytest.raises(ValueError, match="not positive definite"):
        natural_gradient_descent(Quadratic(np.eye(2), b=[-1.0, 0.0]), [0.5, 0.0], 1.0, 5,
                                 metric=metric)


def test_bad_arguments(bowl):
    with pytest.raises(ValueError, match="start"):
        natural_gradient_flow(bowl, [1.0, 2.0, 3.0], [0.0, 1.0], np.eye(2))
    with pytest.raises(ValueError, match="times"):
        natural_gradient_flow(bowl, [1.0, 2.0], [1.0, 0.5], np.eye(2))
    with pytest.raises(ValueError, match="step_size"):
        natural_gradient_descent(bowl, [1.0, 2.0], -0.1, 3, metric=np.eye(2))
    with pytest.raises(ValueError, match="on_divergence"):
        natural_gradient_descent(bowl, [1.0, 2.0], 0.1, 3, metric=np.eye(2), on_divergence="x")


def test_divergence_is_reported(bowl):
    with pytest.raises(DivergenceError, match="diverged"):
        natural_gradient_descent(bowl, [1.0, 2.0], 3.0, 400, metric=bowl.A)
    run = natural_gradient_descent(bowl, [1.0, 2.0], 3.0, 400, metric=bowl.A, on_divergence="stop")
    assert run.diverged and len(run) < 401


def test_reparametrization_gradient_matches_finite_differences():
    r = LinearReparametrization(Rosenbrock(b=5.0), [[1.0, 0.8], [0.0, 0.5]])
    psi = np.array([0.3, -0.2])
    h = 1e-6
    fd = np.array([(r.value(psi + h * e) - r.value(psi - h * e)) / (2 * h) for e in np.eye(2)])
    np.testing.assert_allclose(r.gradient(psi), fd, rtol=1e-7)
    np.testing.assert_allclose(r.from_original(r.to_original(psi)), psi, atol=1e-15)


def test_pull_back_of_fixed_and_callable_metric():
    B = np.array([[2.0, 1.0], [0.0, 1.0]])
    r = LinearReparametrization(Quadratic(np.eye(2)), B)
    G = np.array([[3.0, 1.0], [1.0, 2.0]])
    np.testing.assert_allclose(r.pull_back(G), B.T @ G @ B)
    np.testing.assert_allclose(r.pull_back(lambda th: G)(np.zeros(2)), B.T @ G @ B)


def test_reparametrization_rejects_singular_matrix():
    with pytest.raises(ValueError, match="invertible"):
        LinearReparametrization(Quadratic(np.eye(2)), [[1.0, 2.0], [2.0, 4.0]])
    with pytest.raises(ValueError, match="2x2"):
        LinearReparametrization(Quadratic(np.eye(2)), np.eye(3))


def test_gaussian_fit_gradient_and_fisher_metric():
    g = GaussianFit(mean=0.5, variance=2.0)
    theta = np.array([-1.0, 0.4])
    h = 1e-6
    fd = np.array([(g.value(theta + h * e) - g.value(theta - h * e)) / (2 * h) for e in np.eye(2)])
    np.testing.assert_allclose(g.gradient(theta), fd, rtol=1e-7)
    np.testing.assert_allclose(g.gradient(g.minimizer), 0.0, atol=1e-15)
    # Fisher information = expected outer product of the score of one observation
    rng = np.random.default_rng(0)
    mu, s = theta
    y = mu + np.exp(s) * rng.standard_normal(200000)
    score = np.stack([(y - mu) * np.exp(-2 * s), (y - mu) ** 2 * np.exp(-2 * s) - 1.0])
    np.testing.assert_allclose(score @ score.T / y.size, g.fisher_metric(theta), rtol=0.03, atol=0.02)
    with pytest.raises(ValueError, match="variance"):
        GaussianFit(variance=0.0)
