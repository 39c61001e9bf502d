"""Claims of the Nesterov chapter: pass with defaults, fail when the claim is violated."""

import numpy as np
import pytest

from gdflow import claims
from gdflow.checks import nesterov as nes


def _all_pass(checks):
    return all(c.passed for c in checks)


@pytest.mark.parametrize("claim_id", ["A04", "A05", "A06", "A07", "A08", "A18"])
def test_claim_holds_with_defaults(claim_id):
    checks = claims.run(claim_id)
    assert _all_pass(checks), [c.describe() for c in checks]


def test_a04_fails_with_wrong_clock():
    # identifying x_k with X(k s) instead of X(k sqrt(s))
    assert not _all_pass(claims.run("A04", time_scale=1.5))


def test_a05_fails_with_smaller_constant():
    assert not _all_pass(claims.run("A05", constant=0.25))


def test_a06_fails_with_wrong_curvature():
    assert not _all_pass(claims.run("A06", assumed_curvature=1.1))


def test_a07_fails_with_too_large_step():
    assert not _all_pass(claims.run("A07", step_factor=2.5))


def test_a07_fails_with_smaller_constant():
    assert not _all_pass(claims.run("A07", constant=0.1))


def test_a08_fails_without_momentum():
    checks = claims.run("A08", momentum=0.0, condition_numbers=(10.0, 100.0, 1000.0))
    assert not _all_pass(checks)


def test_closed_form_path_matches_the_solver():
    from gdflow.odes import nesterov_flow
    q, x0 = nes.su_boyd_candes_quadratic()
    t = np.linspace(0.0, 300.0, 601)
    np.testing.assert_allclose(nes.su_boyd_candes_flow(t), nesterov_flow(q, x0, t).points, atol=1e-8)


def test_gaps_are_cached_read_only_and_shrink():
    gaps = nes.su_boyd_candes_gaps((1.0, 0.25), 300.0)
    assert gaps is nes.su_boyd_candes_gaps([1, 0.25], 300)
    assert not gaps.flags.writeable and gaps[1] < gaps[0]


def test_ode_rate_curve_uses_the_checked_samples():
    t, gaps, r2 = nes.ode_rate_curve("quadratic", num_points=50)
    ts, X, _ = nes.ode_rate_samples("quadratic")
    assert t[0] >= 0.5 - 0.05 and t[-1] == 300.0 and np.all(np.diff(t) > 0) and t.size <= 50
    q, x0 = nes.su_boyd_candes_quadratic()
    idx = np.searchsorted(ts, t)
    np.testing.assert_array_equal(gaps, q.value(X[idx]) - q.minimum)
    assert r2 == 2.0
    with pytest.raises(ValueError, match="problem"):
        nes.ode_rate_problem("quartic")


def test_iterations_grow_like_sqrt_kappa():
    counts = nes.iterations_to_accuracy((100.0, 10000.0))
    assert 5 < counts[1] / counts[0] < 12


@pytest.mark.parametrize("weight", [1.0, 4.0])
def test_a05_energy_fails_with_a_wrong_weight(weight):
    # only w = 2 makes t^2 (f - f*) + w ||X + t X'/2 - x*||^2 nonincreasing
    checks = claims.run("A05", energy_weight=weight, horizon=100.0, num_times=1001)
    energy = [c for c in checks if "E(t)" in c.quantity]
    assert energy and not any(c.passed for c in energy)


def test_a08_bound_is_checked_after_k0_on_a_hard_instance():
    hard = [c for c in claims.run("A08") if "max over k ≥ 1" in c.quantity or "not loose" in c.quantity]
    assert len(hard) == 2 and all(c.passed for c in hard)
    assert hard[0].observed > 0.8
    # too much momentum breaks the bound at some k ≥ 1 on the same instance
    wrong = [c for c in claims.run("A08", momentum=0.95, condition_numbers=(10.0, 100.0, 1000.0))
             if "max over k ≥ 1" in c.quantity]
    assert len(wrong) == 1 and not wrong[0].passed


def test_a18_envelope_fails_for_constant_momentum():
    # constant tuned momentum converges linearly: its peaks fall far below the schedule's envelope,
    # and it needs no more iterations than itself
    checks = claims.run("A18", momentum=float(nes.nesterov_strongly_convex_momentum(1000.0)))
    assert [c.passed for c in checks] == [False, False, False], [c.describe() for c in checks]


def test_a18_envelope_fails_without_the_discrete_decay_factor():
    # the ODE's t^-3 alone: at k = 10 kappa the peaks are about e^-10 of it
    checks = claims.run("A18", decay_factor=False)
    assert not checks[0].passed and not checks[1].passed
    assert checks[1].observed < 1e-3


def test_a18_envelope_rejects_bad_input():
    with pytest.raises(ValueError, match="μs"):
        nes.schedule_envelope([1.0], 1.5)
    with pytest.raises(ValueError, match="positive"):
        nes.schedule_envelope([0.0, 1.0], 0.1)


def test_settling_counts_reports_a_short_run():
    # at 1e-11 gradient descent (1 - 2/kappa per step in distance) needs more than 6 kappa steps
    with pytest.raises(RuntimeError, match="descent run of 1200 steps too short"):
        nes.settling_counts((100.0,), accuracy=1e-11)
    with pytest.raises(ValueError, match="accuracy"):
        nes.settling_counts((100.0,), accuracy=1e-30)


def test_descent_crossing_matches_the_runs():
    # kappa = 100: the formula's crossing against the last step where descent's gap is above the
    # schedule's envelope (the envelope itself is A18's subject)
    from gdflow.descent import gradient_descent
    from gdflow.problems import ScalarQuadratic
    k_star, gap = nes.schedule_descent_crossing(1e-2)
    d = gradient_descent(ScalarQuadratic(1e-2), [1.0], 1.0, 3000).gaps(0.0)
    k = np.arange(1, 3001)
    last_above = k[np.nonzero(d[1:] >= nes.schedule_envelope(k, 1e-2, d[0]))[0][-1]]
    assert abs(last_above - k_star) <= 1.0
    assert gap == pytest.approx(d[int(round(k_star))] / d[0], rel=0.05)
    with pytest.raises(ValueError, match="μs"):
        nes.schedule_descent_crossing(0.5)


def test_a05_fails_with_a_constant_just_below_two():
    # the Huber instance comes within 2e-4 of the constant 2; 1.99 must fail there
    checks = claims.run("A05", constant=1.99)
    assert [c.passed for c in checks if "max_t" in c.quantity] == [True, True, False]


def test_a07_fails_with_a_constant_just_below_two():
    checks = claims.run("A07", constant=1.95)
    assert [c.passed for c in checks if c.quantity.startswith("max_(k≥1)")] == [True, True, False]


def test_huber_ode_solution_matches_its_closed_form():
    # while X >= delta, X(t) = 1 - delta t^2/8 solves the ODE on the Huber function
    delta = nes.ode_huber_threshold(300.0)
    t, X, _ = nes.ode_rate_samples("huber")
    inside = (1.0 - delta * t**2 / 8) >= 2 * delta
    np.testing.assert_allclose(X[inside, 0], 1.0 - delta * t[inside] ** 2 / 8, atol=1e-8)


def test_a18_holds_at_another_condition_number():
    checks = claims.run("A18", condition_number=100.0, condition_numbers=(100.0,))
    assert all(c.passed for c in checks), [c.describe() for c in checks]
