"""Assertions shared by the claim-check tests: a claim holds with its defaults, and fails when violated."""

from __future__ import annotations

import pytest

from gdflow import claims


def assert_claim_holds(claim_id: str, **options) -> list:
    """Run a claim; it must give checks, each of this claim, with a justified tolerance, all passing."""
    checks = claims.run(claim_id, **options)
    assert checks, f"{claim_id} returned no checks"
    for check in checks:
        assert check.claim == claim_id
        assert check.why_tolerance, f"{claim_id}: a check without a justified tolerance"
        check.assert_holds()
    return checks


def assert_claim_fails(claim_id: str, **options) -> list:
    """Run a claim with options that violate it: some check must fail and raise ``ClaimViolation``."""
    checks = claims.run(claim_id, **options)
    failing = [check for check in checks if not check.passed]
    assert failing, f"{claim_id} with {options} passed every check"
    with pytest.raises(claims.ClaimViolation):
        failing[0].assert_holds()
    return checks
