"""Claims C25-C26 (chapter comparing discrete and continuous dynamics): hold, and fail when violated."""

from __future__ import annotations

import numpy as np
import pytest

from claimtest import assert_claim_fails, assert_claim_holds
from gdflow import claims
from gdflow.checks import comparison


@pytest.mark.parametrize("claim_id", ["C25", "C26"])
def test_claim_holds_with_defaults(claim_id):
    assert_claim_holds(claim_id)


@pytest.mark.parametrize("claim_id, options", [
    ("C25", dict(claimed_factor=2.0)),
    ("C26", dict(claimed_rate="mu/kappa")),
])
def test_claim_fails_when_violated(claim_id, options):
    assert_claim_fails(claim_id, **options)


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


def test_fit_error_bounds_cover_the_measured_fit_errors_and_are_small():
    rows = comparison.measure_decay_exponents(comparison.default_step_sizes())
    for r in rows:
        e_d, e_g = comparison.fit_error_bounds(r)
        assert abs(r.distance - r.predicted) <= e_d
        assert abs(r.gap - 2 * r.predicted) <= e_g + 2 * e_d
    # Where the other mode decays much faster the bound is at rounding level ...
    assert max(comparison.fit_error_bounds(r)[0] for r in rows[:4]) < 1e-10
    # ... and near the cap, where both modes are slow, it stays below 1e-3.
    assert comparison.fit_error_bounds(rows[4])[0] < 1e-3


def test_c25_small_step_ratio_fails_for_a_claimed_factor_just_off_one():
    # The slack is about eta*mu = 1e-3, so a claimed factor 1.01 already fails.
    checks = claims.run("C25", claimed_factor=1.01)
    assert [c.passed for c in checks if "GF f-gap exponent / GD" in c.quantity] == [False]


def test_rows_are_measured_once_and_read_only():
    rows = comparison.measure_decay_exponents(comparison.default_step_sizes())
    again = comparison.measure_decay_exponents([1e-3])
    assert again[1] is rows[1] and again[0] is rows[0]
    assert not rows[1].distances.flags.writeable
