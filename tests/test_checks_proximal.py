"""Claims of the proximal chapter: pass with defaults, fail when the claim is violated."""

import numpy as np
import pytest

from gdflow import claims
from gdflow.checks import proximal as prox
from gdflow.examples import logistic_problem
from gdflow.problems import DoubleWell, Quadratic, ScalarQuadratic


def _all_pass(checks):
    return all(c.passed for c in checks)


@pytest.mark.parametrize("claim_id", ["A11", "A12", "A13", "A14"])
def test_claim_holds_with_defaults(claim_id):
    checks = claims.run(claim_id)
    assert _all_pass(checks), [c.describe() for c in checks]


def test_a11_holds_with_the_scipy_solver():
    assert _all_pass(claims.run("A11", solver=True))


def test_a11_fails_with_forward_euler_multiplier():
    assert not _all_pass(claims.run("A11", multiplier=lambda x: 1.0 - x))


def test_a12_fails_for_small_steps():
    # at eta = 1/L gradient descent does not diverge, so the contrast claim fails
    assert not _all_pass(claims.run("A12", step_factor=1.0))


def test_a13_fails_with_smaller_constant():
    assert not _all_pass(claims.run("A13", constant=0.01))


def test_a14_fails_for_convex_curvature():
    assert not _all_pass(claims.run("A14", curvature=1.0))


def test_a14_fails_below_two():
    # for eta |lambda| < 2 backward Euler grows, it does not converge to the maximiser
    assert not _all_pass(claims.run("A14", step_curvatures=(0.5, 1.5)))


def test_exemption_recorded():
    assert "lem-prox-optimality" in claims.exemptions()


def test_a14_fails_with_the_convex_multiplier():
    # the factor measured by the root finder is 1/(1 - eta lambda), not 1/(1 + eta lambda)
    assert not _all_pass(claims.run("A14", multiplier=lambda x: 1.0 / (1.0 + x)))


def test_a14_one_step_factor_comes_from_the_equation():
    f = ScalarQuadratic(-1.0)
    assert prox._implicit_root(f, 1.0, 3.0) == pytest.approx(-0.5, abs=1e-14)
    assert prox._implicit_root(f, 1.0, 0.5) == pytest.approx(2.0, abs=1e-14)


def test_a11_solver_path_does_not_use_the_closed_form():
    # the wrapped quadratic is reached only through value and gradient
    q = Quadratic([[2.0, 0.0], [0.0, 5.0]])
    wrapped = prox._WithoutClosedForm(q)
    assert not isinstance(wrapped, Quadratic)
    calls = []
    inner = wrapped.gradient
    wrapped.gradient = lambda t: calls.append(1) or inner(t)
    from gdflow.implicit import prox_step
    u = prox_step(wrapped, [1.0, 1.0], 10.0)
    assert len(calls) > 1
    np.testing.assert_allclose(u, [1 / 21, 1 / 51], atol=1e-12)


def test_a11_solver_fails_with_forward_euler_multiplier():
    assert not _all_pass(claims.run("A11", solver=True, multiplier=lambda x: 1.0 - x))
