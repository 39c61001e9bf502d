"""Claims of the edge-of-stability chapter (E01-E03): pass with defaults, fail when violated."""

import pytest

from gdflow import claims
from gdflow.checks import stability_edge as se


def _verdicts(claim_id, **kwargs):
    return [c.passed for c in claims.run(claim_id, **kwargs)]


@pytest.mark.parametrize("claim_id", ["E01", "E02", "E03"])
def test_claim_holds_with_defaults(claim_id):
    checks = claims.run(claim_id)
    assert all(c.passed for c in checks), [c.describe() for c in checks]


def test_claims_are_marked_observed():
    reg = claims.registry()
    assert {reg[c].evidence for c in ("E01", "E02", "E03")} == {"observed"}


def test_e01_fails_at_the_edge():
    # at eta = 0.2 the run reaches 2/eta and the loss rises at some steps
    assert _verdicts("E01", step_size=0.2)[1:] == [False, False]


def test_e01_fails_with_a_larger_factor():
    assert _verdicts("E01", factor=3.0)[0] is False


def test_e02_fails_for_a_wrong_plateau():
    assert _verdicts("E02", level=1.2)[0::2] == [False, False]


def test_e02_fails_while_the_sharpness_is_still_rising():
    # 2/eta = 13.3 lies above what the run reaches in 8000 steps: no plateau at 2/eta yet
    assert _verdicts("E02", step_sizes=(0.15,))[0] is False


def test_e03_fails_for_the_stable_run():
    # the stable run itself never increases its loss
    assert _verdicts("E03", step_sizes=(se.FLOW_STEP,))[0] is False


def test_runs_are_cached_and_read_only():
    a = se.edge_run(0.2)
    assert a is se.edge_run(0.2) and not a[2].flags.writeable
