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
