"""Claims C20-C24 (chapter on discretisation): hold with defaults, fail when violated."""

from __future__ import annotations

import numpy as np
import pytest

from claimtest import assert_claim_fails, assert_claim_holds
from gdflow import claims
from gdflow.checks import bridge

CLAIMS = ["C20", "C21", "C22", "C23", "C24"]


@pytest.mark.parametrize("claim_id", CLAIMS)
def test_claim_holds_with_defaults(claim_id):
    assert_claim_holds(claim_id)


@pytest.mark.parametrize("claim_id, options", [
    ("C20", dict(euler_step_factor=1.5)),
    ("C21", dict(local_order=3.0)),
    ("C21", dict(global_order=2.0)),
    ("C21", dict(time_scale=0.5)),
    ("C22", dict(sign=-1.0)),
    ("C23", dict(divergence_threshold=3.0)),
    ("C23", dict(zigzag_threshold=0.5)),
    ("C24", dict(curvature=-1.0)),
    ("C24", dict(concave_curvature=1.0)),
])
def test_claim_fails_when_violated(claim_id, options):
    assert_claim_fails(claim_id, **options)


def test_claims_are_registered_with_labels():
    reg = claims.registry()
    labels = {c: reg[c].label for c in CLAIMS}
    assert labels == {"C20": "prop-gd-is-forward-euler", "C21": "thm-euler-error",
                      "C22": "prop-flow-acceleration", "C23": "prop-scalar-stability",
                      "C24": "prop-backward-euler"}


def test_forward_euler_rejects_bad_input():
    with pytest.raises(ValueError, match="step_size"):
        bridge.forward_euler(lambda y: -y, [1.0], 0.0, 3)
    with pytest.raises(ValueError, match="finite"):
        bridge.forward_euler(lambda y: -y, [np.inf], 0.1, 3)


def test_euler_errors_shapes_and_global_bound():
    err = bridge.euler_errors(bridge.ill_conditioned_bowl(10.0), bridge.BOWL_START,
                              step_counts=(10, 20))
    assert err.step_sizes.shape == err.local.shape == err.global_.shape == (2,)
    assert np.all(err.global_ > 0)
    with pytest.raises(ValueError, match="positive"):
        bridge.euler_errors(bridge.ill_conditioned_bowl(10.0), bridge.BOWL_START, step_counts=(0, 2))


def test_flow_acceleration_needs_a_hessian():
    with pytest.raises(ValueError, match="hessian"):
        bridge.flow_acceleration(bridge.wavy_bowl(), np.zeros(5))


def test_scalar_behaviour_at_two_is_a_pure_oscillation():
    flips, factors = bridge.scalar_gd_behaviour([2.0])
    assert flips[0] == 1.0 and factors[0] == pytest.approx(1.0, abs=1e-15)


def test_standard_euler_errors_are_shared_and_match_a_fresh_measurement():
    err = bridge.standard_euler_errors("quadratic")
    assert bridge.standard_euler_errors("quadratic", horizon=1, time_scale=1) is err
    fresh = bridge.euler_errors(bridge.ill_conditioned_bowl(10.0), bridge.BOWL_START)
    np.testing.assert_array_equal(err.global_, fresh.global_)
    assert not err.local.flags.writeable
    with pytest.raises(ValueError, match="problem"):
        bridge.standard_euler_errors("rosenbrock")
