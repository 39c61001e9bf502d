"""Tests of gdflow.odes: the damped flow and the Su-Boyd-Candes equation."""

import numpy as np
import pytest
from scipy import special

from gdflow.examples import logistic_problem
from gdflow.flow import SolverError
from gdflow.odes import (bessel_solution, damped_flow, nesterov_energy, nesterov_flow, nesterov_flow_energy,
                         nesterov_flow_start, nesterov_flow_states)
from gdflow.problems import Quadratic, ScalarQuadratic


def test_damped_flow_underdamped_closed_form():
    # theta'' + 0.4 theta' + 4 theta = 0 from rest: e^{-0.2t}(cos wt + 0.2/w sin wt), w^2 = 4 - 0.04.
    t = np.linspace(0.0, 20.0, 201)
    w = np.sqrt(4.0 - 0.04)
    exact = np.exp(-0.2 * t) * (np.cos(w * t) + 0.2 / w * np.sin(w * t))
    path = damped_flow(ScalarQuadratic(4.0), [1.0], t, 0.4)
    np.testing.assert_allclose(path.points[:, 0], exact, atol=1e-9)


def test_damped_flow_without_friction_oscillates_per_mode():
    q = Quadratic.from_eigenvalues([1.0, 3.0])
    t = np.linspace(0.0, 10.0, 11)
    path = damped_flow(q, [1.0, -1.0], t, 0.0, velocity=[0.5, 0.0])
    exact0 = np.cos(t) + 0.5 * np.sin(t)
    exact1 = -np.cos(np.sqrt(3.0) * t)
    np.testing.assert_allclose(path.points[:, 0], exact0, atol=1e-9)
    np.testing.assert_allclose(path.points[:, 1], exact1, atol=1e-9)


def test_damped_flow_lsoda_agrees_with_dop853_under_heavy_damping():
    f = logistic_problem(np.random.default_rng(2))
    x0 = np.full(f.dim, 2.0)
    t = np.linspace(0.0, 40.0, 41)
    a = damped_flow(f, x0, t, 20.0).points
    b = damped_flow(f, x0, t, 20.0, method="LSODA").points
    np.testing.assert_allclose(b, a, atol=1e-9)
    with pytest.raises(ValueError, match="method"):
        damped_flow(f, x0, t, 20.0, method="RK45")


def test_nesterov_states_positions_and_energy_agree_with_the_separate_functions():
    f = logistic_problem(np.random.default_rng(2))
    x0 = np.full(f.dim, 2.0)
    t = np.linspace(0.0, 20.0, 201)
    times, X, V = nesterov_flow_states(f, x0, t)
    np.testing.assert_array_equal(times, t)
    np.testing.assert_array_equal(X, nesterov_flow(f, x0, t).points)
    np.testing.assert_array_equal(nesterov_energy(f, times, X, V), nesterov_flow_energy(f, x0, t))
    # X' of the series near 0, and the derivative of X by differences further on
    np.testing.assert_allclose(V[1:-1], (X[2:] - X[:-2]) / (2 * 0.1), atol=1e-3)
    with pytest.raises(ValueError, match="shape"):
        nesterov_energy(f, times, X, V[:-1])


def test_damped_flow_only_time_zero():
    path = damped_flow(ScalarQuadratic(1.0), [2.0], [0.0, 0.0], 1.0)
    np.testing.assert_array_equal(path.points[:, 0], [2.0, 2.0])


def test_nesterov_flow_matches_bessel_in_several_dimensions():
    t = np.linspace(0.0, 30.0, 301)
    q = Quadratic.from_eigenvalues([1.0, 4.0])
    path = nesterov_flow(q, [1.0, 2.0], t)
    np.testing.assert_allclose(path.points[:, 0], bessel_solution(t, 1.0), atol=1e-9)
    np.testing.assert_allclose(path.points[:, 1], 2.0 * bessel_solution(t, 4.0), atol=1e-9)


def test_bessel_solution_formula():
    t = np.array([0.0, 1.0, 7.5])
    np.testing.assert_allclose(bessel_solution(t, 4.0),
                               [1.0, 2 * special.j1(2.0) / 2.0, 2 * special.j1(15.0) / 15.0])


def test_nesterov_flow_series_start():
    q = ScalarQuadratic(2.0)
    p, v = nesterov_flow_start(q, [1.0], 0.1)
    np.testing.assert_allclose(p, [1.0 - 0.01 / 8 * 2.0])
    np.testing.assert_allclose(v, [-0.1 / 4 * 2.0])
    # sample times before the solver's start come from the series
    path = nesterov_flow(q, [1.0], [0.0, 1e-6, 0.5], t0=1e-3)
    np.testing.assert_allclose(path.points[:2, 0], [1.0, 1.0 - 2.0e-12 / 8])


def test_nesterov_flow_non_quadratic_energy_bound():
    f = logistic_problem(np.random.default_rng(2))
    x0 = np.full(f.dim, 2.0)
    t = np.linspace(1.0, 100.0, 100)
    path = nesterov_flow(f, x0, t)
    r2 = np.sum((x0 - f.minimizer) ** 2)
    assert np.all(t**2 * (path.values - f.minimum) <= 2 * r2)


@pytest.mark.parametrize("call, word", [
    (lambda q: damped_flow(q, [1.0], [0.0, 1.0], -1.0), "damping"),
    (lambda q: damped_flow(q, [1.0], [1.0, 0.5], 1.0), "times"),
    (lambda q: damped_flow(q, [1.0, 2.0], [0.0, 1.0], 1.0), "start"),
    (lambda q: damped_flow(q, [1.0], [0.0, 1.0], 1.0, velocity=[np.nan]), "velocity"),
    (lambda q: nesterov_flow(q, [1.0], [-1.0, 1.0]), "times"),
    (lambda q: nesterov_flow(q, [1.0], [0.0, 1.0], t0=0.0), "t0"),
    (lambda q: bessel_solution(1.0, -1.0), "curvature"),
])
def test_bad_input_raises(call, word):
    with pytest.raises(ValueError, match=word):
        call(ScalarQuadratic(1.0))


def test_solver_failure_is_reported():
    class Blowup(ScalarQuadratic):
        def gradient(self, theta):
            x = self._batch(theta)
            return -(x**3)
    with pytest.raises(SolverError, match="damped-flow"):
        damped_flow(Blowup(1.0), [2.0], [0.0, 10.0], 0.0)
