"""Every claim of the gradient-flow chapter passes with its defaults and fails when violated."""

from __future__ import annotations

import pytest

from gdflow import claims

FLOW_CLAIMS = ["C11", "C12", "C13", "C14", "C15", "C16", "C17", "C18", "C19", "C27"]


@pytest.mark.parametrize("claim_id", FLOW_CLAIMS)
def test_claim_holds_with_defaults(claim_id):
    checks = claims.run(claim_id)
    assert checks
    for check in checks:
        assert check.claim == claim_id
        assert check.why_tolerance
        check.assert_holds()


VIOLATIONS = [
    # A too-small Lipschitz constant breaks the continuous-dependence bound.
    ("C11", {"smoothness_factor": 0.9}),
    # A coarse second solver no longer agrees with DOP853: the comparison has teeth.
    ("C11", {"second_rtol": 1e-3}),
    # d/dt f = -c ||grad f||^2 with c != 1 is false.
    ("C12", {"dissipation_factor": 0.5}),
    ("C12", {"dissipation_factor": 1.01}),
    # A ridge term makes f coercive: the path stays bounded and does not run off like ln t.
    ("C13", {"regularization": 0.1}),
    # No constant below 1/4 works for every convex f (Huber comes within 1%).
    ("C14", {"sharp_constant": 0.24}),
    # Faster exponents than 2 mu are false on mu/2 ||theta||^2.
    ("C15", {"rate_factor": 1.1}),
    ("C16", {"rate_factor": 1.1}),
    # A too-large mu breaks the PL inequality.
    ("C17", {"mu_factor": 1.2}),
    # u' >= a u instead of u' <= a u: Grönwall's bound fails.
    ("C18", {"source_sign": -1.0}),
    # e^{-2At} is not the flow.
    ("C19", {"rate_scale": 2.0}),
    # A minimiser (convex f) does not let a perturbation grow.
    ("C27", {"curvature": 1.0}),
]


@pytest.mark.parametrize("claim_id, options", VIOLATIONS)
def test_claim_fails_when_violated(claim_id, options):
    checks = claims.run(claim_id, **options)
    assert not all(c.passed for c in checks)
    failing = next(c for c in checks if not c.passed)
    with pytest.raises(claims.ClaimViolation):
        failing.assert_holds()


def test_every_flow_claim_has_a_label_in_the_chapter():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "book" / "gradient-flow.md").read_text()
    specs = claims.registry()
    for claim_id in FLOW_CLAIMS:
        assert f":label: {specs[claim_id].label}\n" in text, claim_id
