"""Claims of the modified-equation chapter (B01, B02): pass with defaults, fail when violated."""

import numpy as np
import pytest

from gdflow import claims
from gdflow.descent import gradient_descent
from gdflow.modified import hessian_vector, modified_curvature, modified_gradient
from gdflow.problems import ScalarQuadratic


def _verdicts(claim_id, **kwargs):
    return [c.passed for c in claims.run(claim_id, **kwargs)]


@pytest.mark.parametrize("claim_id", ["B01", "B02"])
def test_claim_holds_with_defaults(claim_id):
    checks = claims.run(claim_id)
    assert all(c.passed for c in checks), [c.describe() for c in checks]


def test_b01_fails_with_the_coefficient_one_half():
    # f + (eta/2)||grad f||^2 is not the modified function: the error against its flow is first order
    assert _verdicts("B01", coefficient=0.5) == [True, False, True, False]


def test_b02_fails_with_a_wrong_second_coefficient():
    assert not all(_verdicts("B02", second=1.0)[:2])


def test_descent_lies_exactly_on_the_modified_rate_on_a_quadratic():
    lam, eta = 2.0, 0.1
    path = gradient_descent(ScalarQuadratic(lam), [1.0], eta, 20)
    np.testing.assert_allclose(path.points[:, 0], np.exp(-modified_curvature(lam, eta) * path.times), rtol=1e-12)


def test_hessian_vector_by_differences_matches_an_exact_hessian():
    from gdflow.examples import logistic_problem

    obj = logistic_problem(np.random.default_rng(2))
    theta, v = np.full(5, 0.3), np.arange(5.0)

    class NoHessian:
        dim = obj.dim
        gradient = staticmethod(obj.gradient)

    np.testing.assert_allclose(hessian_vector(NoHessian(), theta, v), obj.hessian(theta) @ v, rtol=1e-7, atol=1e-10)
    g = obj.gradient(theta)
    np.testing.assert_allclose(modified_gradient(obj, theta, 0.1), g + 0.05 * obj.hessian(theta) @ g)


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="eta lambda"):
        modified_curvature(1.0, 1.5)
    with pytest.raises(ValueError, match="step_size"):
        modified_gradient(ScalarQuadratic(1.0), [1.0], -0.1)


def test_b03_holds_and_fails_with_another_coefficient():
    assert all(_verdicts("B03"))
    assert _verdicts("B03", coefficient=0.5)[1] is False


def test_factorisation_descent_reports_divergence():
    from gdflow.modified import factorisation_descent

    with pytest.raises(RuntimeError, match="diverged"):
        factorisation_descent((2.5, 0.1), 1.0)


def test_the_modified_flow_stopped_on_arrival_ends_where_the_whole_horizon_does():
    from gdflow.checks.modified import FACTOR_START
    from gdflow.modified import factorisation_modified_flow

    for eta in (0.01, 0.1):
        early = factorisation_modified_flow(FACTOR_START, eta)
        # a residual nothing reaches: the flow runs to the horizon, as it did before the stop
        whole = factorisation_modified_flow(FACTOR_START, eta, residual=1e-300)
        assert abs(early[0] * early[1] - 1.0) <= 2e-13  # the event is located to rounding
        assert np.allclose(early, whole, rtol=0.0, atol=1e-11)
    with pytest.raises(ValueError, match="residual"):
        factorisation_modified_flow(FACTOR_START, 0.1, residual=0.0)
