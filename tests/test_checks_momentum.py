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


def test_c32_compares_with_the_theorems_bound_and_fails_a_smaller_one():
    checks = claims.run("C32")
    ratios = [c for c in checks if "e^{2LS}" in c.quantity]
    assert len(ratios) == 2 and all(c.passed for c in ratios)
    # on the concave quadratic with L S = 0.01 the bound is nearly attained
    assert ratios[1].observed > 0.99
    assert not _all_pass(claims.run("C32", bound_factor=0.9))


def test_scalar_overdamped_errors_agree_with_the_ode_solver():
    from gdflow.odes import damped_flow
    from gdflow.problems import ScalarQuadratic

    s = np.linspace(0.0, 2.0, 41)
    for c, gamma in ((0.5, 8.0), (-0.3, 16.0)):
        closed = mom.scalar_overdamped_errors(c, 2.0, [gamma], num_times=41)[0]
        ball = damped_flow(ScalarQuadratic(c), [1.0], gamma * s, gamma).points[:, 0]
        assert closed == pytest.approx(np.max(np.abs(ball - np.exp(-c * s))), rel=1e-6)
    with pytest.raises(ValueError, match="critical"):
        mom.scalar_overdamped_errors(10.0, 1.0, [1.0])


def test_a16_holds_and_fails_for_a_wrong_rate():
    assert _all_pass(claims.run("A16"))
    rho = lambda k: (np.sqrt(k) - 1.0) / (np.sqrt(k) + 1.0)  # noqa: E731
    # a larger rate as lower bound: Polyak's pair beats it; a smaller one: the tuning does not reach it
    assert not _all_pass(claims.run("A16", claimed_rate=lambda k: 1.01 * rho(k)))
    assert not _all_pass(claims.run("A16", claimed_rate=lambda k: 0.99 * rho(k)))


def test_worst_end_radius_includes_real_roots():
    # beta = 0 is gradient descent: the worst end factor is max(|1 - alpha mu|, |1 - alpha L|)
    alphas = np.array([0.05, 0.1, 0.18])
    worst = mom.worst_end_radius(alphas, [0.0], 1.0, 10.0)[0]
    np.testing.assert_allclose(worst, np.maximum(np.abs(1 - alphas), np.abs(1 - 10 * alphas)), atol=1e-12)


def test_a17_holds_and_fails_for_a_too_small_rate():
    assert _all_pass(claims.run("A17"))
    assert not _all_pass(claims.run("A17", claimed_rate_factor=0.95))


def test_c28_capture_from_rest():
    checks = claims.run("C28")
    captured = [c for c in checks if "that end on the 3-cycle" in c.quantity][0]
    assert 0.1 < captured.observed < 0.15   # about one start at rest in eight
    converged, on_cycle = mom.lessard_capture(np.array([0.5, 3.3]))
    assert converged.tolist() == [True, False] and on_cycle.tolist() == [False, True]
    assert not _all_pass(claims.run("C28", capture_starts=(-0.5, 0.5, 101)))


def test_c32_logistic_ratio_fails_on_the_wrong_clock():
    held = [c for c in claims.run("C32") if "logistic regression" in c.quantity and "e^{2LS}" in c.quantity]
    assert len(held) == 1 and held[0].passed
    wrong = [c for c in claims.run("C32", rescale_time=False)
             if "logistic regression" in c.quantity and "e^{2LS}" in c.quantity]
    # without t = γs the two paths part at order 1, hundreds of times the bound
    assert len(wrong) == 1 and not wrong[0].passed and wrong[0].observed > 10.0
