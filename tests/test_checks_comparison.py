"""Claims C25-C26 (chapter comparing discrete and continuous dynamics): hold, and fail when violated."""

from __future__ import annotations

import numpy as np
import pytest

from gdflow import claims
from gdflow.checks import comparison


@pytest.mark.parametrize("claim_id", ["C25", "C26"])
def test_claim_holds_with_defaults(claim_id):
    for check in claims.run(claim_id):
        assert check.passed, check.describe()
        assert check.why_tolerance


@pytest.mark.parametrize("claim_id, options", [
    ("C25", dict(claimed_factor=2.0)),
    ("C26", dict(claimed_rate="mu/kappa")),
])
def test_claim_fails_when_violated(claim_id, options):
    checks = claims.run(claim_id, **options)
    assert not all(c.passed for c in checks)
    with pytest.raises(claims.ClaimViolation):
        for c in checks:
            c.assert_holds()


def test_claimed_rate_must_be_known():
    with pytest.raises(ValueError, match="claimed_rate"):
        claims.run("C26", claimed_rate="mu/2")


def test_measured_exponents_match_the_reference_values():
    rows = comparison.measure_decay_exponents(comparison.default_step_sizes())
    assert [round(r.distance, 3) for r in rows] == [1.0, 1.001, 1.054, 1.104, 0.555]
    assert [round(r.gap, 3) for r in rows[:4]] == [2.0, 2.001, 2.107, 2.207]
    assert rows[0].step_size is None and rows[1].step_size == 1e-3


def test_above_the_cap_the_exponent_is_negative():
    from gdflow.theory import gd_decay_exponent

    assert gd_decay_exponent(2.1 / 10.0, 1.0, 10.0) < 0 < gd_decay_exponent(1.9 / 10.0, 1.0, 10.0)


def test_two_mode_quadratic_constants():
    q = comparison.two_mode_quadratic(2.0, 8.0)
    assert q.strong_convexity == 2.0 and q.smoothness == 8.0
    np.testing.assert_allclose(q.minimizer, 0.0)
