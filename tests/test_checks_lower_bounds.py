"""Claims of the lower-bounds chapter: pass with defaults, fail when the claim is violated."""

import numpy as np
import pytest

from gdflow import claims
from gdflow.checks import lower_bounds as lb
from gdflow.descent import gradient_descent


def _all_pass(checks):
    return all(c.passed for c in checks)


@pytest.mark.parametrize("claim_id", ["A09", "A10", "A15"])
def test_claim_holds_with_defaults(claim_id):
    checks = claims.run(claim_id)
    assert _all_pass(checks), [c.describe() for c in checks]


def test_a09_fails_on_too_large_instances():
    # the formula with R of a much larger instance is not a valid lower bound
    assert not _all_pass(claims.run("A09", steps=(1, 2, 4, 8), dimension=lambda k: 16 * k + 1))


def test_a10_fails_on_matched_instances():
    # with the theorem's own dimensions the formula does hold
    checks = claims.run("A10", large_dim=3, small_dim=129, steps=(1, 2, 4, 8, 16, 32, 64))
    assert not any(c.passed for c in checks)


def test_a15_fails_for_a_start_off_zero():
    def shifted(q, x0, k):
        start = x0.copy()
        start[-1] = 1.0
        return gradient_descent(q, start, 1.0, k)
    assert not _all_pass(claims.run("A15", method=shifted))


def test_matched_gaps_shape():
    g = lb.gaps_on_matched_instances((1, 3))
    assert set(g) == {"descent", "nesterov", "krylov", "bound"}
    assert np.all(g["descent"] >= g["bound"])


def test_gap_runs_are_kept_but_callers_get_copies():
    first = lb.gaps_on_fixed_instance(9, steps=(1, 2, 4))
    first["nesterov"][:] = -1.0
    again = lb.gaps_on_fixed_instance(9, steps=(1, 2, 4))
    assert np.all(again["nesterov"] > 0)
    matched = lb.gaps_on_matched_instances(steps=(1, 2))
    matched["bound"][:] = 0.0
    assert np.all(lb.gaps_on_matched_instances(steps=(1, 2))["bound"] > 0)


def test_best_krylov_point_is_conjugate_gradient():
    # the minimiser over the first k coordinates is CG's k-th iterate from 0 (exact Krylov minimiser)
    from scipy.sparse.linalg import cg
    from gdflow.worst_cases import nesterov_worst_quadratic
    for k in (1, 4, 16):
        q = nesterov_worst_quadratic(2 * k + 1)
        x_cg, _ = cg(q.A, q.b, x0=np.zeros(q.dim), maxiter=k, rtol=0.0, atol=0.0)
        gap = float(q.value(x_cg)) - q.minimum
        assert gap == pytest.approx(lb.gaps_on_matched_instances((k,))["krylov"][0], rel=1e-9)


def test_a09_krylov_point_breaks_the_bound_on_larger_instances():
    # the best Krylov point is within 1 % of the bound on the theorem's instances, so a modestly
    # wrong setting (dimension 4k + 1) already breaks the bound there
    checks = claims.run("A09", dimension=lambda k: 4 * k + 1)
    krylov = [c for c in checks if "krylov" in c.quantity]
    assert len(krylov) == 1 and not krylov[0].passed


def test_a19_holds_for_another_condition_number():
    checks = claims.run("A19", num_steps=20, condition_number=1000.0)
    assert _all_pass(checks), [c.describe() for c in checks]


def test_a19_fails_for_a_faster_claimed_rate():
    # the heavy ball sits on the bound: claiming the lower bound with q replaced by 1.01 q breaks it
    checks = claims.run("A19", rate_factor=1.01)
    heavy = [c for c in checks if "heavy ball" in c.quantity and "min over" in c.quantity]
    assert len(heavy) == 1 and not heavy[0].passed


def test_strongly_convex_worst_quadratic_rejects_bad_constants():
    with pytest.raises(ValueError, match="strong_convexity"):
        lb.strongly_convex_worst_quadratic(10, 1.0, 1.0)
    with pytest.raises(ValueError, match="dim"):
        lb.strongly_convex_worst_quadratic(1)
