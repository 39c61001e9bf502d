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
    ("C24", dict(scalar_objective="double well")),
    ("C21", dict(bound_factor=0.9)),
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


def _by_quantity(checks, text):
    return [c for c in checks if text in c.quantity]


def test_c21_bounds_are_nearly_attained_and_a_bound_ten_percent_smaller_fails():
    checks = claims.run("C21")
    gronwall = _by_quantity(checks, "Grönwall bound")[0]
    convex = _by_quantity(checks, "convex bound")[0]
    # measured / bound, reported by the check: close to 1, not 1e-5 of it
    assert 0.95 < gronwall.observed <= 1.0 and 0.9 < convex.observed <= 1.0
    smaller = claims.run("C21", bound_factor=0.9)
    assert not _by_quantity(smaller, "Grönwall bound")[0].passed
    assert not _by_quantity(smaller, "convex bound")[0].passed


def test_scalar_euler_bound_ratios_tend_to_their_limits():
    etas, g, c = bridge.scalar_euler_bound_ratios(-1.0, 0.1, (1000, 10000))
    assert g[-1] == pytest.approx(0.1 / np.expm1(0.1), abs=etas[-1])
    etas, g, c = bridge.scalar_euler_bound_ratios(1.0, 0.1, (1000, 10000))
    assert c[-1] == pytest.approx(np.exp(-0.1), abs=etas[-1])
    with pytest.raises(ValueError, match="curvature"):
        bridge.scalar_euler_bound_ratios(0.0, 0.1)
    with pytest.raises(ValueError, match="step_counts"):
        bridge.scalar_euler_bound_ratios(1.0, 0.1, (0, 10))


def test_c24_prox_is_checked_independently_of_the_root_solve():
    checks = claims.run("C24", scalar_objective="double well")
    failed = [c for c in checks if not c.passed]
    assert len(failed) == 1 and "prox found by values" in failed[0].quantity
    assert failed[0].observed > 1e3   # the search finds ±sqrt(1 − 1/η), backward Euler 0


def test_prox_by_values_needs_one_dimension_and_matches_a_closed_form():
    from gdflow.problems import ScalarQuadratic
    from gdflow.examples import random_quadratic

    assert bridge.prox_by_values(ScalarQuadratic(2.0), 3.0, 0.5) == pytest.approx(1.5, abs=1e-7)
    with pytest.raises(ValueError, match="one-dimensional"):
        bridge.prox_by_values(random_quadratic(np.random.default_rng(0)), 1.0, 1.0)
    with pytest.raises(ValueError, match="step_size"):
        bridge.prox_by_values(ScalarQuadratic(2.0), 3.0, 0.0)


def test_unpolished_prox_gaps_are_within_the_residual_bound():
    logistic = bridge.logistic_problem(np.random.default_rng(0))
    ratios = bridge.unpolished_prox_gaps(logistic, np.full((2, logistic.dim), 2.0), 10.0)
    assert ratios.shape == (2,) and np.all(ratios <= 1.0)


def test_c24_energy_decrease_fails_along_explicit_steps():
    checks = claims.run("C24", energy_iterates="explicit")
    energy = [c for c in checks if "‖θ_k+1 − θ_k‖²/(2η)" in c.quantity]
    assert len(energy) == 1 and not energy[0].passed
    assert energy[0].observed > 1e-3
    held = [c for c in claims.run("C24") if "‖θ_k+1 − θ_k‖²/(2η)" in c.quantity]
    assert len(held) == 1 and held[0].passed
    with pytest.raises(ValueError, match="energy_iterates"):
        claims.run("C24", energy_iterates="newton")
