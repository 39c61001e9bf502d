import warnings

import numpy as np
import pytest

from gdflow import DivergenceError, Quadratic, gradient_descent
from gdflow.problems import ScalarQuadratic


def test_quadratic_iterates_follow_the_error_recursion():
    q = Quadratic([[3.0, 1.0], [1.0, 2.0]], b=[1.0, -1.0])
    eta = 0.2
    traj = gradient_descent(q, [2.0, 2.0], eta, 30)
    M = np.eye(2) - eta * q.A
    e0 = traj.points[0] - q.minimizer
    expected = np.array([np.linalg.matrix_power(M, k) @ e0 for k in range(31)]) + q.minimizer
    assert np.allclose(traj.points, expected, atol=1e-12)
    assert np.allclose(traj.times, eta * np.arange(31))
    assert np.allclose(traj.values, q.value(traj.points))
    assert not traj.diverged


def test_schedule_sets_the_time_axis():
    q = ScalarQuadratic(1.0)
    traj = gradient_descent(q, [1.0], lambda k: 0.1 / (k + 1), 3)
    assert np.allclose(traj.times, [0.0, 0.1, 0.15, 0.1 + 0.05 + 0.1 / 3])


@pytest.mark.parametrize("bad", [0.0, -0.1, np.nan, np.inf, "0.1", True])
def test_bad_step_sizes_are_rejected(bad):
    with pytest.raises(ValueError, match="step_size"):
        gradient_descent(ScalarQuadratic(1.0), [1.0], bad, 3)


def test_bad_schedule_value_names_the_step():
    with pytest.raises(ValueError, match=r"step_size\(2\) must be positive"):
        gradient_descent(ScalarQuadratic(1.0), [1.0], lambda k: 0.1 if k < 2 else -1.0, 5)


@pytest.mark.parametrize("start, message", [
    ([np.nan], "NaN or infinite"),
    ([np.inf], "NaN or infinite"),
    ([1.0, 2.0], "2 entries but the objective lives in dimension 1"),
    ([[1.0]], "must be a vector"),
])
def test_bad_starts_are_rejected(start, message):
    with pytest.raises(ValueError, match=message):
        gradient_descent(ScalarQuadratic(1.0), start, 0.1, 3)


def test_bad_counts_are_rejected():
    with pytest.raises(ValueError, match="num_steps"):
        gradient_descent(ScalarQuadratic(1.0), [1.0], 0.1, -1)
    with pytest.raises(ValueError, match="on_divergence"):
        gradient_descent(ScalarQuadratic(1.0), [1.0], 0.1, 1, on_divergence="ignore")


def test_divergence_raises_without_overflow_warnings():
    q = ScalarQuadratic(1.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(DivergenceError, match="diverged at step"):
            gradient_descent(q, [1.0], 2.5, 10_000)


def test_divergence_can_stop_and_report():
    q = ScalarQuadratic(1.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        traj = gradient_descent(q, [1.0], 3.0, 10_000, on_divergence="stop")
    assert traj.diverged
    # |1 - 3| = 2: the iterate doubles every step, so it passes 1e100 after ~333 steps.
    assert 300 < len(traj) < 340
    assert np.all(np.isfinite(traj.values))


def test_zero_steps_returns_the_start():
    traj = gradient_descent(ScalarQuadratic(1.0), [0.5], 0.1, 0)
    assert traj.points.shape == (1, 1) and traj.times[0] == 0.0


# Property: on any SPD quadratic, a constant step below 2/L never increases f, and the
# distance to the minimiser shrinks by at most max|1 - eta lambda_i| per step.
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=40, deadline=None)
@given(
    eigenvalues=st.lists(st.floats(0.05, 20.0), min_size=1, max_size=5),
    fraction=st.floats(0.01, 0.99),
    seed=st.integers(0, 2**32 - 1),
)
def test_steps_below_two_over_l_descend_on_random_spd_quadratics(eigenvalues, fraction, seed):
    rng = np.random.default_rng(seed)
    lam = np.array(eigenvalues)
    Q, _ = np.linalg.qr(rng.standard_normal((lam.size, lam.size)))
    q = Quadratic(Q @ np.diag(lam) @ Q.T, b=rng.standard_normal(lam.size))
    eta = fraction * 2.0 / q.smoothness
    traj = gradient_descent(q, rng.standard_normal(lam.size) * 3, eta, 25)
    gaps = traj.gaps(q.minimum)
    scale = 1e-12 * (1 + abs(q.minimum) + gaps[0])
    assert np.all(np.diff(gaps) <= scale)
    factor = np.max(np.abs(1 - eta * q.eigenvalues))
    dist = traj.distances(q.minimizer)
    assert np.all(dist[1:] <= factor * dist[:-1] + 1e-9 * (1 + dist[0]))


def test_gradient_step_is_the_update_the_method_runs():
    from gdflow.descent import gradient_step
    from gdflow.examples import logistic_problem

    obj = logistic_problem(np.random.default_rng(2))
    x0 = np.full(obj.dim, 2.0)
    path = gradient_descent(obj, x0, 0.3, 2)
    np.testing.assert_array_equal(path.points[1], gradient_step(obj, x0, 0.3))
    np.testing.assert_array_equal(path.points[2], gradient_step(obj, path.points[1], 0.3))
