"""Claim checks of the natural-gradient chapter: defaults pass, violating settings fail.

These checks are deterministic (no sampling), so there is no false-failure probability.
"""

import pytest

from claimtest import assert_claim_holds
from gdflow import claims


def _all_hold(checks):
    return all(c.passed for c in checks)


@pytest.mark.parametrize("claim_id", ["C29", "N01", "N02"])
def test_defaults_pass(claim_id):
    assert_claim_holds(claim_id)


def test_c29_fails_without_the_pulled_back_metric():
    checks = claims.run("C29", pull_back=False)
    failed = [c for c in checks if not c.passed]
    assert len(failed) == 2  # the natural flow and natural descent lose their invariance
    assert all("natural" in c.quantity for c in failed)


def test_c29_euclidean_difference_is_large():
    euclid = [c for c in claims.run("C29") if "Euclidean" in c.quantity][0]
    assert euclid.observed > 0.5


def test_n01_fails_for_the_euclidean_metric():
    checks = claims.run("N01", metric="identity")
    assert not any(c.passed for c in checks)


def test_n01_holds_for_other_steps_below_two():
    # the rate |1 - eta| holds for every eta in (0, 2), whatever kappa
    for eta in (0.25, 1.5):
        assert _all_hold(claims.run("N01", step_size=eta))


def test_n01_rejects_unknown_metric():
    with pytest.raises(ValueError, match="metric"):
        claims.run("N01", metric="fisher")


def test_n02_fails_with_the_wrong_dissipation():
    checks = claims.run("N02", metric_power=1)
    assert not checks[0].passed


def test_labels_and_statements_registered():
    reg = claims.registry()
    assert reg["C29"].label == "thm-natural-invariance"
    assert reg["N01"].label == "prop-natural-preconditioning"
    assert reg["N02"].label == "lem-natural-energy"


def test_invariance_paths_are_kept_but_callers_get_copies():
    import numpy as np

    from gdflow.checks.natural import invariance_paths

    first = invariance_paths()
    first["natural"].points[:] = 0.0
    first["euclidean, psi mapped back"][:] = 0.0
    again = invariance_paths()
    assert np.any(again["natural"].points != 0.0)
    assert np.any(again["euclidean, psi mapped back"] != 0.0)
