import numpy as np
import pytest
from scipy.linalg import expm

from gdflow import Quadratic, SolverError, gradient_flow, quadratic_flow
from gdflow.examples import logistic_problem, random_quadratic
from gdflow.problems import ScalarQuadratic


def test_exact_quadratic_flow_matches_the_matrix_exponential():
    q = random_quadratic(np.random.default_rng(0), dim=4)
    x0 = np.array([1.0, -2.0, 0.5, 3.0])
    times = np.linspace(0, 2, 7)
    traj = quadratic_flow(q, x0, times)
    for t, p in zip(times, traj.points):
        expected = q.minimizer + expm(-q.A * t) @ (x0 - q.minimizer)
        assert np.allclose(p, expected, atol=1e-12)


def test_solver_matches_the_exact_flow():
    q = random_quadratic(np.random.default_rng(1), dim=3)
    times = np.linspace(0, 3, 10)
    exact = gradient_flow(q, [1.0, 1.0, 1.0], times)
    numeric = gradient_flow(q, [1.0, 1.0, 1.0], times, exact=False)
    assert exact.method.endswith("(exact)") and numeric.method.endswith("(solve_ivp)")
    # The default tolerances (rtol 1e-11) keep the error near 1e-10 on this scale.
    assert np.max(np.abs(exact.points - numeric.points)) < 1e-9


def test_flow_decreases_a_non_quadratic_objective():
    prob = logistic_problem(np.random.default_rng(2), n=50, dim=3)
    traj = gradient_flow(prob, [2.0, -1.0, 0.5], np.linspace(0, 20, 30))
    assert np.all(np.diff(traj.values) <= 1e-12)
    assert traj.values[-1] - prob.minimum < 1e-2 * (traj.values[0] - prob.minimum)


def test_flow_of_a_concave_function_blows_up_and_the_solver_failure_is_reported():
    # d/dt x = x^3 blows up at t = 1/(2 x0^2) = 0.5 for x0 = 1.
    class Cubic(ScalarQuadratic):
        def gradient(self, theta):
            return -self._batch(theta) ** 3

    with pytest.raises(SolverError, match="solver failed"):
        gradient_flow(Cubic(1.0), [1.0], [0.0, 1.0])


@pytest.mark.parametrize("times, message", [
    ([], "must not be empty"),
    ([0.0, np.nan], "finite"),
    ([1.0, 0.5], "non-decreasing"),
    ([-1.0, 0.0], "non-negative"),
])
def test_bad_times_are_rejected(times, message):
    with pytest.raises(ValueError, match=message):
        gradient_flow(ScalarQuadratic(1.0), [1.0], times)


def test_exact_flow_needs_a_quadratic():
    with pytest.raises(ValueError, match="only available for a Quadratic"):
        gradient_flow(ScalarQuadratic(1.0), [1.0], [0.0, 1.0], exact=True)


def test_zero_horizon_returns_the_start():
    traj = gradient_flow(ScalarQuadratic(1.0), [2.0], [0.0, 0.0])
    assert np.all(traj.points == 2.0)


def test_nan_start_is_rejected():
    with pytest.raises(ValueError, match="NaN"):
        gradient_flow(Quadratic(np.eye(2)), [np.nan, 0.0], [0.0, 1.0])
