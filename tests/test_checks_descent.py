"""Claims C01-C10 of the gradient-descent chapter: each holds with its defaults and fails
on a setting that violates it."""

from __future__ import annotations

import numpy as np
import pytest

from claimtest import assert_claim_fails, assert_claim_holds
from gdflow import claims
from gdflow.checks import descent as checks
from gdflow.examples import logistic_problem
from gdflow.problems import Huber, Quadratic
from gdflow.trajectory import DivergenceError

ALL = [f"C{i:02d}" for i in range(1, 11)]


def holds(results) -> bool:
    return all(c.passed for c in results)


@pytest.mark.parametrize("claim_id", ALL)
def test_claim_holds_with_defaults(claim_id):
    assert_claim_holds(claim_id)


@pytest.mark.parametrize("claim_id", ALL)
def test_claim_points_at_a_statement(claim_id):
    spec = claims.registry()[claim_id]
    assert spec.label.split("-")[0] in {"def", "lem", "thm", "prop", "cor"}
    assert spec.statement


@pytest.mark.parametrize("claim_id, options", [
    ("C01", {"counterexample_curvature": -0.5}),
    ("C02", {"smoothness_factor": 0.5}),
    ("C03", {"overshoot": 0.99}),
    # A constant below 1 promises less than the Huber function attains.
    ("C04", {"constant": 0.95}),
    ("C04", {"constant": 0.75}),
    ("C05", {"mu_factor": 1.05}),
    # 1 - mu/L is an upper bound but not the attained factor; (1 - mu/L)^3 is false.
    ("C06", {"claimed_exponent": 1.0}),
    ("C06", {"claimed_exponent": 3.0}),
    ("C06", {"claimed_exponent": 2.1}),
    ("C07", {"claimed_rate": 0.9 * 9.0 / 11.0}),
    ("C07", {"claimed_rate": 1.0 - 1.0 / 10.0}),
    ("C08", {"constant": 1.0}),
    ("C08", {"constant": 0.25}),
    ("C10", {"claimed_threshold": 2.2}),
    ("C10", {"claimed_threshold": 1.8}),
])
def test_claim_fails_when_violated(claim_id, options):
    assert_claim_fails(claim_id, **options)


def test_c09_fails_on_a_non_quadratic():
    # Logistic regression is not quadratic: its errors do not follow a fixed linear recursion.
    assert not holds(claims.run("C09", objective=logistic_problem(np.random.default_rng(3))))


def test_c06_logistic_checks_fail_for_a_too_small_factor():
    # A claimed factor (1 - mu/L)^p with large p is below the measured contraction on every objective.
    results = claims.run("C06", claimed_exponent=50.0)
    assert not any(c.passed for c in results if "logistic" in c.quantity)


def test_c06_c07_huber_ridge_is_near_extremal_and_fails_a_smaller_factor():
    # measured / bound over K steps, reported by the checks: within 1 % of the bound
    for claim_id in ("C06", "C07"):
        huber = [c for c in claims.run(claim_id) if "Huber" in c.quantity]
        assert len(huber) == 3 and all(c.passed for c in huber)
        assert huber[1].observed > 0.99
    assert not any(c.passed for c in claims.run("C06", claimed_exponent=2.1) if "Huber" in c.quantity)
    assert not any(c.passed for c in claims.run("C07", claimed_rate=0.99 * 9.0 / 11.0)
                   if "Huber" in c.quantity)


def test_huber_ridge_ratios():
    one, gap, dist = checks.huber_ridge_ratios(10.0, 1.0, 30, 0.81)
    assert one <= 1.0 and 0.99 < gap <= 1.0 and dist <= 1.0
    with pytest.raises(ValueError, match="num_steps"):
        checks.huber_ridge_ratios(10.0, 1.0, 0, 0.81)


def test_huber_worst_case_gaps_attain_the_tight_bound():
    from gdflow.theory import convex_gap_bound

    k = np.array([1, 3, 10])
    gaps = checks.huber_worst_case_gaps(k, smoothness=1.5, distance=2.0, dim=2)
    np.testing.assert_allclose(gaps, convex_gap_bound(k, 1.5, 2.0), rtol=1e-12)


def test_worst_quadratic_gaps_match_formula_and_stay_below_tight_bound():
    from gdflow.theory import convex_gap_bound, worst_quadratic_gap

    k = np.array([1, 5, 20])
    measured = checks.worst_quadratic_gaps(k, smoothness=1.0, distance=1.0, grid_size=30)
    np.testing.assert_allclose(measured, worst_quadratic_gap(k, 1.0, 1.0), rtol=1e-12)
    assert np.all(measured < convex_gap_bound(k, 1.0, 1.0))


def test_batched_descent_matches_single_runs_and_validates():
    from gdflow import gradient_descent

    q = Quadratic.from_eigenvalues([1.0, 4.0])
    starts = np.array([[1.0, 1.0], [2.0, -1.0]])
    etas = np.array([0.1, 0.3])
    out = checks.batched_descent(q, starts, etas, 5)
    assert out.shape == (6, 2, 2)
    for i in range(2):
        np.testing.assert_allclose(out[:, i], gradient_descent(q, starts[i], etas[i], 5).points)
    with pytest.raises(ValueError, match="step_sizes"):
        checks.batched_descent(q, starts, [0.1, -1.0], 5)
    with pytest.raises(ValueError, match="starts"):
        checks.batched_descent(q, np.zeros((2, 3)), 0.1, 5)
    with pytest.raises(DivergenceError):
        checks.batched_descent(q, starts, 1.0, 2000)


def test_top_mode_growth_and_measured_contraction():
    q = Quadratic.from_eigenvalues([1.0, 10.0])
    factors = np.array([0.5, 1.9, 2.0, 2.3])
    np.testing.assert_allclose(checks.top_mode_growth(q, factors), np.abs(1 - factors), atol=1e-12)
    etas = np.array([0.05, 2 / 11, 0.19])
    expected = np.maximum(np.abs(1 - etas), np.abs(1 - 10 * etas))
    np.testing.assert_allclose(checks.measured_contraction(q, etas), expected, rtol=1e-10)
    with pytest.raises(ValueError, match="step_factors"):
        checks.top_mode_growth(q, [0.0])


def test_steps_to_accuracy_validates():
    with pytest.raises(ValueError, match="condition"):
        checks.steps_to_accuracy([1.0], 1e-3)
    with pytest.raises(ValueError, match="accuracy"):
        checks.steps_to_accuracy([10.0], 1.5)
    with pytest.raises(ValueError, match="max_steps"):
        checks.steps_to_accuracy([1000.0], 1e-6, max_steps=10)


def test_every_statement_of_the_chapter_is_checked_or_exempt():
    import re
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "book" / "gradient-descent.md").read_text()
    labels = re.findall(r"```+\{prf:(?:theorem|lemma|proposition|corollary)\}[^\n]*\n:label: (\S+)", text)
    assert len(labels) >= 10
    covered = {spec.label for spec in claims.registry().values()} | set(claims.exemptions())
    assert sorted(set(labels) - covered) == []


def test_c05_quadratic_hessian_is_measured_to_rounding():
    # The quadratic's Hessian is assembled from gradient differences, so a claimed mu only
    # 1e-4 above the curvature already fails that check while the pairs check still passes.
    results = [c for c in claims.run("C05", mu_factor=1.0001) if "random quadratic" in c.quantity]
    eig = next(c for c in results if "eigenvalue" in c.quantity)
    assert not eig.passed
    assert abs(eig.observed - 1.0) < 1e-12  # random_quadratic's smallest eigenvalue is 1


def test_finite_difference_hessians_recover_a_quadratic_and_validate():
    rng = np.random.default_rng(0)
    q = Quadratic(np.array([[4.0, 1.0, 0.0], [1.0, 3.0, -1.0], [0.0, -1.0, 2.0]]), b=np.ones(3))
    hess, grad_size = checks.finite_difference_hessians(q, rng.uniform(-5, 5, size=(7, 3)))
    assert hess.shape == (7, 3, 3) and grad_size > 0
    np.testing.assert_allclose(hess, np.broadcast_to(q.A, hess.shape), rtol=0, atol=1e-12)
    with pytest.raises(ValueError, match="points must have shape"):
        checks.finite_difference_hessians(q, np.zeros((4, 2)))
    with pytest.raises(ValueError, match="step"):
        checks.finite_difference_hessians(q, np.zeros((4, 3)), step=0.0)


def test_steps_to_accuracy_equals_the_exact_count_across_block_boundaries():
    from gdflow import theory

    kappa = np.linspace(1.5, 400.0, 60)          # counts from 7 to about 2760, across many blocks
    np.testing.assert_array_equal(checks.steps_to_accuracy(kappa, 1e-6),
                                  theory.iterations_to_accuracy(1e-6, kappa))
