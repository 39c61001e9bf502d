"""Tests of gdflow.worst_cases."""

import numpy as np
import pytest

from gdflow.worst_cases import (PiecewiseQuadratic, lessard_counterexample, nesterov_lower_bound,
                                nesterov_worst_quadratic)


def test_lessard_function_pieces():
    f = lessard_counterexample()
    x = np.array([[-1.0], [0.5], [1.0], [1.5], [2.0], [3.0]])
    np.testing.assert_allclose(f.gradient(x)[:, 0], [-25.0, 12.5, 25.0, 25.5, 26.0, 51.0])
    # the value is continuous and its derivative matches the gradient
    xs = np.linspace(-3.0, 4.0, 70001)[:, None]
    slopes = np.diff(f.value(xs)) / np.diff(xs[:, 0])
    mid = 0.5 * (xs[1:] + xs[:-1])
    np.testing.assert_allclose(slopes, f.gradient(mid)[:, 0], atol=1e-6)
    assert f.value([0.0]) == 0.0 and f.smoothness == 25.0 and f.strong_convexity == 1.0


def test_piecewise_with_minimiser_in_the_middle():
    f = PiecewiseQuadratic([-1.0, 1.0], [3.0, 1.0, 2.0], minimizer_piece=1)
    assert f.gradient([0.0])[0] == 0.0
    xs = np.linspace(-3, 3, 60001)[:, None]
    assert np.all(np.diff(f.gradient(xs)[:, 0]) >= 0)
    assert np.min(f.value(xs)) >= 0.0


@pytest.mark.parametrize("args, word", [
    (([1.0], [1.0]), "one more curvature"),
    (([2.0, 1.0], [1.0, 1.0, 1.0]), "increasing"),
    (([1.0], [1.0, -1.0]), "positive"),
    (([-1.0], [1.0, 1.0]), "minimiser 0"),
])
def test_piecewise_bad_input(args, word):
    with pytest.raises(ValueError, match=word):
        PiecewiseQuadratic(*args)


def test_lessard_bad_constants():
    with pytest.raises(ValueError, match="below smoothness"):
        lessard_counterexample(1.0, 1.0)


@pytest.mark.parametrize("n", [1, 2, 7, 30])
def test_worst_quadratic_closed_form(n):
    q = nesterov_worst_quadratic(n, 2.0)
    i = np.arange(1, n + 1)
    np.testing.assert_allclose(q.minimizer, 1 - i / (n + 1), atol=1e-12)
    np.testing.assert_allclose(q.minimum, -2.0 / 8 * (1 - 1 / (n + 1)))
    assert q.smoothness < 2.0
    assert np.sum(q.minimizer**2) <= (n + 1) / 3


def test_lower_bound_formula_and_bad_dim():
    np.testing.assert_allclose(nesterov_lower_bound([0, 1], 32.0, 2.0), [6.0, 1.5])
    with pytest.raises(ValueError, match="dim"):
        nesterov_worst_quadratic(0)


def test_lessard_derivative_matches_the_paper_on_every_piece():
    # f'(x) = 25x (x < 1), x + 24 (1 <= x < 2), 25x - 24 (x >= 2)
    from gdflow.worst_cases import lessard_counterexample

    f = lessard_counterexample()
    xs = np.array([[-3.0], [0.5], [1.0], [1.5], [2.0], [2.5]])
    expected = np.array([-75.0, 12.5, 25.0, 25.5, 26.0, 38.5])
    np.testing.assert_allclose(f.gradient(xs)[:, 0], expected, atol=1e-12)


def test_huber_ridge_is_a_huber_function_plus_a_ridge():
    from gdflow.problems import Huber
    from gdflow.worst_cases import huber_ridge

    f = huber_ridge(10.0, 1.0, 0.1)
    x = np.linspace(-3.0, 3.0, 61)[:, None]
    huber = Huber(0.1, smoothness=9.0)
    np.testing.assert_allclose(f.value(x), huber.value(x) + 0.5 * x[:, 0] ** 2, atol=1e-12)
    np.testing.assert_allclose(f.gradient(x), huber.gradient(x) + x, atol=1e-12)
    assert (f.smoothness, f.strong_convexity) == (10.0, 1.0)
    with pytest.raises(ValueError, match="below smoothness"):
        huber_ridge(1.0, 2.0, 0.1)
    with pytest.raises(ValueError, match="threshold"):
        huber_ridge(10.0, 1.0, 0.0)
