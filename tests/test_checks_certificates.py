"""Claims certified over function classes (P01-P13): pass with defaults, fail when violated."""

import numpy as np
import pytest

from gdflow import claims
from gdflow.checks import certificates as ce


def _verdicts(claim_id, **kwargs):
    return [c.passed for c in claims.run(claim_id, **kwargs)]


@pytest.mark.parametrize("claim_id", ["P01", "P02", "P03", "P04", "P05"])
def test_claim_holds_with_defaults(claim_id):
    checks = claims.run(claim_id)
    assert all(c.passed for c in checks), [c.describe() for c in checks]
    assert claims.registry()[claim_id].evidence == "certificate"


@pytest.mark.parametrize("claim_id", ["P01", "P02", "P03"])
def test_a_bound_five_percent_too_small_fails(claim_id):
    assert _verdicts(claim_id, bound_factor=0.95)[0] is False


def test_nesterov_bound_below_the_worst_case_fails():
    # Nesterov's worst case is 0.78 of the bound at N = 10: a bound 25 % smaller is violated
    assert _verdicts("P04", bound_factor=0.75)[0] is False


@pytest.mark.parametrize("claim_id", ["P01", "P02", "P03"])
def test_tightness_of_a_bound_five_percent_too_large_fails(claim_id):
    assert _verdicts(claim_id, bound_factor=1.05)[1] is False


def test_nesterov_bound_is_not_attained_at_finite_n():
    verdicts = _verdicts("P04", tight=True)
    assert verdicts[0] is True and verdicts[1] is False


def test_heavy_ball_growth_needs_the_whole_class():
    # over quadratics the worst case shrinks; the class-wide check would fail if fed quadratics
    over_q = ce.heavy_ball_quadratic_worst()
    assert over_q[-1] < over_q[0]
    over_class = ce.heavy_ball_worst_cases()
    assert over_class[-1] > over_class[0]


def test_one_step_claim_fails_for_a_smaller_constant():
    # 1/7 < 1/6: both the certificate and the Huber instance exceed it
    verdicts = _verdicts("P06", bound=1 / 7)
    assert verdicts[0] is False and verdicts[2] is True


def test_one_step_tightness_fails_for_a_larger_constant():
    assert _verdicts("P06", bound=1 / 5)[1:] == [False, False]


def test_interpolation_holds_and_fails_with_a_smaller_l():
    assert all(_verdicts("P07"))
    assert not any(_verdicts("P07", smoothness_factor=0.5))


@pytest.mark.parametrize("claim_id", ["P06", "P07"])
def test_new_claims_hold_with_defaults(claim_id):
    checks = claims.run(claim_id)
    assert all(c.passed for c in checks), [c.describe() for c in checks]


def test_other_steps_fail_for_a_smaller_formula_and_for_tightness_of_a_larger_one():
    assert _verdicts("P08", steps=(1.5,), bound_factor=0.95)[0] is False
    assert _verdicts("P08", steps=(0.5,), bound_factor=1.05)[1] is False


def test_nesterov_strongly_convex_bound_fails_when_shrunk_below_the_worst_case():
    # at N = 1 the worst case is 0.80 of the bound: a bound at 70 % of it is violated
    assert _verdicts("P09", bound_factor=0.7)[0] is False


@pytest.mark.parametrize("claim_id", ["P08", "P09"])
def test_more_certificates_hold_with_defaults(claim_id):
    checks = claims.run(claim_id)
    assert all(c.passed for c in checks), [c.describe() for c in checks]


@pytest.mark.parametrize("claim_id", ["P10", "P11", "P12", "P13"])
def test_gradient_descent_certificates_hold_with_defaults(claim_id):
    checks = claims.run(claim_id)
    assert all(c.passed for c in checks), [c.describe() for c in checks]


def test_a_sufficient_decrease_five_percent_larger_fails_and_a_smaller_one_is_not_tight():
    assert _verdicts("P10", coefficient_factor=1.05) == [False, True]
    assert _verdicts("P10", coefficient_factor=0.95) == [True, False]


@pytest.mark.parametrize("claim_id", ["P11", "P12", "P13"])
def test_gradient_descent_bounds_five_percent_off_fail(claim_id):
    assert _verdicts(claim_id, bound_factor=0.95)[0] is False
    assert _verdicts(claim_id, bound_factor=1.05)[1] is False


def test_the_gradient_norm_worst_case_is_attained_by_a_huber_function():
    # Huber with delta = R/(N+1): N steps of length delta end at the kink, where |f'| = L delta
    from gdflow.descent import gradient_descent
    from gdflow.problems import Huber

    for n in (1, 4, 10):
        run = gradient_descent(Huber(1.0 / (n + 1), 1.0, 1), [1.0], 1.0, n)
        grad = np.asarray(Huber(1.0 / (n + 1), 1.0, 1).gradient(run.points[-1]))
        assert float(grad @ grad) == pytest.approx(1.0 / (n + 1) ** 2, rel=1e-12)


def test_the_proximal_worst_case_is_the_linear_function_and_not_a_steeper_one():
    assert all(_verdicts("P14"))
    assert _verdicts("P14", slope_factor=2.0) == [True, False, False]
