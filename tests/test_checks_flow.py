"""Every claim of the gradient-flow chapter passes with its defaults and fails when violated."""

from __future__ import annotations

import pytest

from claimtest import assert_claim_fails, assert_claim_holds
from gdflow import claims

FLOW_CLAIMS = ["C11", "C12", "C13", "C14", "C15", "C16", "C17", "C18", "C19", "C27"]


@pytest.mark.parametrize("claim_id", FLOW_CLAIMS)
def test_claim_holds_with_defaults(claim_id):
    assert_claim_holds(claim_id)


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
    # No constant below 1/4 works for every convex f: the Huber function tuned to T = 1000
    # reaches 1000/4002 = 1/4 - 1/8004, so constants below that fail (resolution 1.2e-4).
    ("C14", {"sharp_constant": 0.24}),
    ("C14", {"sharp_constant": 0.2498}),
    ("C14", {"sharp_constant": 0.25 - 1.0 / 8004.0 - 1e-6}),
    # With the Huber function tuned to a smaller time the resolution is coarser, as documented.
    ("C14", {"sharp_constant": 0.2475, "worst_time": 50.0}),
    # Faster exponents than 2 mu are false on mu/2 ||theta||^2.
    ("C15", {"rate_factor": 1.1}),
    ("C16", {"rate_factor": 1.1}),
    # The equality case is measured with the ODE solver to ~1e-8: a slower rate fails too.
    ("C15", {"rate_factor": 0.9999}),
    ("C16", {"rate_factor": 0.9999}),
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
    assert_claim_fails(claim_id, **options)


def test_every_flow_claim_has_a_label_in_the_chapter():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "book" / "gradient-flow.md").read_text()
    specs = claims.registry()
    for claim_id in FLOW_CLAIMS:
        assert f":label: {specs[claim_id].label}\n" in text, claim_id


def test_c14_resolution_is_as_documented():
    # Just above the documented resolution 1/4 - 1/(8T + 4) the check passes: that is its limit.
    T = 1000.0
    assert all(c.passed for c in claims.run("C14", sharp_constant=0.25 - 1.0 / (8 * T + 4) + 1e-9))


def test_strongly_convex_equality_case_uses_the_solver():
    from gdflow.checks import flow as flow_checks

    for claim_id in ("C15", "C16"):
        eq = [c for c in claims.run(claim_id) if "ODE solver" in c.quantity]
        assert len(eq) == 2
        assert all(c.passed and 0 < c.tolerance < 1e-7 for c in eq)
    # The error bound grows as the flow approaches atol's scale.
    assert flow_checks.solver_ratio_error([1.0, 1e-20], 1.0) > flow_checks.solver_ratio_error([1.0, 0.5], 1.0)


def test_huber_flow_radius_matches_the_solver():
    import numpy as np

    from gdflow.checks import flow as flow_checks
    from gdflow.flow import gradient_flow
    from gdflow.problems import Huber

    t = np.geomspace(1e-2, 1e2, 120)
    for delta, R in ((0.2, 2.0), (0.5, 0.3)):      # starts outside and inside the quadratic ball
        exact = flow_checks.huber_flow_radius(delta, R, t, smoothness=1.5)
        numeric = np.abs(gradient_flow(Huber(delta, smoothness=1.5), [R], t).points[:, 0])
        big = exact > 1e-6
        # The solver keeps ~1e-10 relative error and atol 1e-13 absolute.
        np.testing.assert_allclose(numeric[big], exact[big], rtol=1e-8, atol=1e-12)


def test_shared_series_are_computed_once_and_read_only():
    import numpy as np

    from gdflow.checks import flow as flow_checks

    times = flow_checks.convex_rate_times(1000.0)
    first = flow_checks.convex_rate_series(times, 2.0, 1000.0)
    again = flow_checks.convex_rate_series(tuple(times), distance=2.0, worst_time=1000.0)
    assert all(first[name][0] is again[name][0] for name in first)
    path = next(iter(first.values()))[0]
    assert not path.points.flags.writeable
    sc = flow_checks.strongly_convex_series()
    assert all(not arr.flags.writeable for series in sc.values() for arr in series[:3])
    assert flow_checks.strongly_convex_series() is not sc          # a fresh dict each call ...
    assert next(iter(flow_checks.strongly_convex_series().values()))[1] is next(iter(sc.values()))[1]
