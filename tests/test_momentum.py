"""Tests of gdflow.momentum: heavy ball and Nesterov's method."""

import numpy as np
import pytest

from gdflow.descent import gradient_descent
from gdflow.momentum import (heavy_ball, heavy_ball_spectral_radius, nesterov,
                             nesterov_strongly_convex_momentum, optimal_heavy_ball_parameters)
from gdflow.problems import Quadratic, ScalarQuadratic
from gdflow.trajectory import DivergenceError


@pytest.fixture
def bowl():
    return Quadratic.from_eigenvalues([1.0, 10.0])


def test_heavy_ball_with_zero_momentum_is_gradient_descent(bowl):
    hb = heavy_ball(bowl, [1.0, -2.0], 0.1, 0.0, 25)
    gd = gradient_descent(bowl, [1.0, -2.0], 0.1, 25)
    np.testing.assert_allclose(hb.points, gd.points, rtol=0, atol=1e-15)


def test_heavy_ball_matches_hand_recursion(bowl):
    alpha, beta = 0.05, 0.7
    x_prev = x = np.array([1.0, 1.0])
    expected = [x]
    for _ in range(10):
        x, x_prev = x - alpha * bowl.gradient(x) + beta * (x - x_prev), x
        expected.append(x)
    path = heavy_ball(bowl, [1.0, 1.0], alpha, beta, 10)
    np.testing.assert_allclose(path.points, np.array(expected), atol=1e-15)
    np.testing.assert_allclose(path.times, np.sqrt(alpha) * np.arange(11))
    assert path.method == "heavy ball"


def test_nesterov_schedule_matches_hand_recursion(bowl):
    s = 0.08
    x_prev = x = np.array([2.0, -1.0])
    expected = [x]
    for k in range(12):
        beta = max(k - 1, 0) / (k + 2)
        y = x + beta * (x - x_prev)
        x, x_prev = y - s * bowl.gradient(y), x
        expected.append(x)
    path = nesterov(bowl, [2.0, -1.0], s, 12)
    np.testing.assert_allclose(path.points, np.array(expected), atol=1e-15)
    np.testing.assert_allclose(path.times, np.sqrt(s) * np.arange(13))


def test_nesterov_constant_momentum(bowl):
    path = nesterov(bowl, [1.0, 1.0], 0.1, 200, momentum=nesterov_strongly_convex_momentum(10.0))
    assert path.distances(bowl.minimizer)[-1] < 1e-12
    assert "constant" in path.method


def test_optimal_parameters_give_fast_rate(bowl):
    alpha, beta = optimal_heavy_ball_parameters(10.0, 1.0)
    path = heavy_ball(bowl, [1.0, 1.0], alpha, beta, 60)
    rho = (np.sqrt(10) - 1) / (np.sqrt(10) + 1)
    assert path.distances(bowl.minimizer)[-1] < 61 * rho**60 * 2


def test_spectral_radius_matches_stability_edge():
    assert heavy_ball_spectral_radius(2 * 1.5 - 1e-9, 0.5) < 1
    assert heavy_ball_spectral_radius(2 * 1.5 + 1e-6, 0.5) > 1
    np.testing.assert_allclose(heavy_ball_spectral_radius(1.0, 0.25), 0.5)


@pytest.mark.parametrize("bad", [-0.1, 1.0, 1.5, np.nan, "0.5", True])
def test_bad_momentum_raises(bowl, bad):
    with pytest.raises(ValueError, match="momentum"):
        heavy_ball(bowl, [1.0, 1.0], 0.1, bad, 5)
    with pytest.raises(ValueError, match="momentum"):
        nesterov(bowl, [1.0, 1.0], 0.1, 5, momentum=bad)


@pytest.mark.parametrize("kwargs, word", [
    (dict(step_size=0.0), "step_size"), (dict(step_size=-1.0), "step_size"),
    (dict(num_steps=-1), "num_steps"), (dict(num_steps=2.5), "num_steps"),
    (dict(start=[1.0]), "start"), (dict(start=[np.inf, 0.0]), "start"),
    (dict(on_divergence="ignore"), "on_divergence"),
])
def test_bad_input_raises(bowl, kwargs, word):
    args = dict(start=[1.0, 1.0], step_size=0.1, num_steps=5)
    args.update(kwargs)
    with pytest.raises(ValueError, match=word):
        heavy_ball(bowl, args.pop("start"), args.pop("step_size"), 0.5, args.pop("num_steps"), **args)


def test_bad_optimal_parameters_raise():
    with pytest.raises(ValueError, match="strong_convexity"):
        optimal_heavy_ball_parameters(1.0, 2.0)
    with pytest.raises(ValueError, match="condition_number"):
        nesterov_strongly_convex_momentum(0.5)


def test_divergence_is_reported_not_overflowing():
    f = ScalarQuadratic(1.0)
    with pytest.raises(DivergenceError, match="heavy ball diverged"):
        heavy_ball(f, [1.0], 5.0, 0.5, 1000)
    path = heavy_ball(f, [1.0], 5.0, 0.5, 1000, on_divergence="stop")
    assert path.diverged and len(path) < 1000 and np.all(np.isfinite(path.points))
    path = nesterov(f, [1.0], 5.0, 1000, on_divergence="stop")
    assert path.diverged and np.all(np.isfinite(path.values))


from hypothesis import given, settings, strategies as st  # noqa: E402


@settings(max_examples=200, deadline=None)
@given(a=st.floats(0.001, 6.0), b=st.floats(0.0, 0.99))
def test_spectral_radius_below_one_exactly_inside_region(a, b):
    inside = a < 2.0 * (1.0 + b)
    radius = float(heavy_ball_spectral_radius(a, b))
    margin = abs(a - 2.0 * (1.0 + b))
    if margin > 1e-9:
        assert (radius < 1.0) == inside


def test_step_functions_are_the_updates_the_methods_run():
    from gdflow.examples import logistic_problem
    from gdflow.momentum import heavy_ball, heavy_ball_step, nesterov, nesterov_step

    obj = logistic_problem(np.random.default_rng(2))
    x0 = np.full(obj.dim, 2.0)
    hb = heavy_ball(obj, x0, 0.3, 0.5, 2)
    np.testing.assert_array_equal(hb.points[2], heavy_ball_step(obj, hb.points[1], hb.points[0], 0.3, 0.5))
    nes = nesterov(obj, x0, 0.3, 3)
    # the schedule (k - 1)/(k + 2) at k = 2 is 1/4
    np.testing.assert_array_equal(nes.points[3], nesterov_step(obj, nes.points[2], nes.points[1], 0.3, 0.25))
