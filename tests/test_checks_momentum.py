"""Claims of the momentum chapter: pass with defaults, fail when the claim is violated."""

import numpy as np
import pytest

from gdflow import claims
from gdflow.checks import momentum as mom


def _all_pass(checks):
    return all(c.passed for c in checks)


@pytest.mark.parametrize("claim_id", ["A01", "C32", "A02", "A03", "C28"])
def test_claim_holds_with_defaults(claim_id):
    checks = claims.run(claim_id)
    assert _all_pass(checks), [c.describe() for c in checks]


def test_a01_fails_with_wrong_damping_map():
    # beta = 1 - 2 gamma h discretises a different equation: no convergence.
    assert not _all_pass(claims.run("A01", damping_factor=2.0))


def test_c32_fails_without_time_rescaling():
    assert not _all_pass(claims.run("C32", rescale_time=False))


def test_a02_fails_with_untuned_momentum():
    assert not _all_pass(claims.run("A02", momentum=0.5))


def test_a03_fails_with_gradient_descent_edge():
    assert not _all_pass(claims.run("A03", boundary=lambda beta: 2.0))


def test_a03_fails_with_slightly_wrong_edge():
    assert not _all_pass(claims.run("A03", boundary=lambda beta: 2.0 * (1.0 + beta) + 0.05))


def test_c28_fails_where_heavy_ball_converges():
    assert not _all_pass(claims.run("C28", start=0.5))


def test_periodic_orbit_is_exact():
    f = mom.lessard_counterexample()
    orbit, consistent = mom.periodic_orbit(f, 1 / 9, 4 / 9, [0, 2, 0])
    assert consistent
    np.testing.assert_allclose(np.sort(orbit) * 1225, [-2208, 792, 2592], atol=1e-9)


def test_stability_sweep_shape_and_edge():
    a = np.linspace(0.1, 4.0, 40)
    growth = mom.heavy_ball_scalar_sweep(a, [0.0, 0.5], num_steps=300)
    assert growth.shape == (2, 40)
    assert np.all(growth[0, a < 1.9] < 1) and np.all(growth[0, a > 2.1] > 1)


def test_stability_sweep_reports_overflow_as_divergence():
    # alpha lambda = 8 grows by about 7 per step: it overflows long before 1000 steps
    growth = mom.heavy_ball_scalar_sweep([1.0, 8.0], [0.0, 0.9], num_steps=1000)
    assert np.all(np.isinf(growth[:, 1])) and np.all(growth[:, 0] < 1)


def test_discretisation_errors_with_one_flow_solve_match_separate_solves():
    from gdflow.examples import logistic_problem
    from gdflow.momentum import heavy_ball
    from gdflow.odes import damped_flow
    f = logistic_problem(np.random.default_rng(2))
    x0 = np.full(f.dim, 2.0)
    hs, errors = mom.heavy_ball_discretisation_errors(f, x0, 1.0, 2.0, (20, 30))
    for h, n, err in zip(hs, (20, 30), errors):
        path = heavy_ball(f, x0, h * h, 1.0 - h, n)
        exact = damped_flow(f, x0, path.times, 1.0).points
        assert err == pytest.approx(np.max(np.linalg.norm(path.points - exact, axis=1)), rel=1e-9)


def test_jordan_window_factor():
    assert mom.jordan_window_factor(50, 100) == pytest.approx(2 ** (1 / 50))
