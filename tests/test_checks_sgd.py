"""Claims of the SGD chapter (G01-G04): pass with defaults, fail when violated."""

import pytest

from gdflow import claims


def _verdicts(claim_id, **kwargs):
    return [c.passed for c in claims.run(claim_id, **kwargs)]


@pytest.mark.parametrize("claim_id", ["G01", "G02", "G03", "G04"])
def test_claim_holds_with_defaults(claim_id):
    checks = claims.run(claim_id)
    assert all(c.passed for c in checks), [c.describe() for c in checks]


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
