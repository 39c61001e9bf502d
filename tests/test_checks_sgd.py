"""Claims of the SGD chapter (G01-G08): pass with defaults, fail when violated."""

import pytest

from gdflow import claims

from claimtest import assert_claim_fails, assert_claim_holds


def _verdicts(claim_id, **kwargs):
    return [c.passed for c in claims.run(claim_id, **kwargs)]


@pytest.mark.parametrize("claim_id", ["G01", "G02", "G03", "G04", "G05", "G06", "G07", "G08"])
def test_claim_holds_with_defaults(claim_id):
    assert_claim_holds(claim_id)


def test_g01_fails_with_the_sde_variance():
    # the stochastic modified equation misses the factor 1/(1 - eta lambda/2): 14 % and 33 % here
    assert _verdicts("G01", formula="sde") == [True, False, False]


def test_g02_fails_with_a_floor_below_the_true_one():
    assert _verdicts("G02", floor_factor=0.25)[0] is False


def test_g03_fails_for_a_quadratic_floor():
    assert _verdicts("G03", exponent=2.0) == [False]


def test_g04_fails_when_the_slow_case_is_claimed_at_rate_one_over_k():
    assert _verdicts("G04", slow_exponent=-1.0) == [True, False]


def test_g01_rejects_an_unknown_formula():
    with pytest.raises(ValueError, match="formula"):
        claims.run("G01", formula="exact")


def test_g05_fails_when_the_first_order_sme_is_claimed_second_order_from_a_generic_start():
    # from theta_0 = 1 the SME inherits the gradient flow's O(eta) error in the mean
    assert _verdicts("G05", orders={"sme1": 2.0}) == [True, False, True, True]
    assert_claim_fails("G05", orders={"sme2": 1.0})


def test_g06_fails_for_the_last_iterate_and_for_robbins_monro_steps():
    assert not all(_verdicts("G06", averaged=False))
    assert _verdicts("G06", power=1.0)[0] is False  # c = 0.25, 2c lambda < 1: k E theta_bar^2 is about 1700


def test_g07_fails_when_the_noise_is_claimed_to_fall_like_one_over_root_b():
    assert _verdicts("G07", batch_exponent=-0.5) == [True, False] + [True] * 5


def test_g08_fails_where_the_batch_is_large_enough_to_be_stable():
    # eta L = 0.8 is below the critical step of B = 4 (1.2 / L): no explosion there
    verdicts = _verdicts("G08", batch=4)
    assert verdicts[:4] == [True] * 4 and verdicts[4:] == [False, False]
    assert_claim_fails("G08", critical_exponent=-0.5)
