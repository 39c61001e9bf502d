"""The gradient-flow right-hand sides appended to gdflow.theory."""

from __future__ import annotations

import numpy as np
import pytest

from gdflow import theory
from gdflow.flow import gradient_flow
from gdflow.problems import Huber, LogisticRegression


def test_convex_bounds_and_their_ratio():
    t = np.array([0.5, 1.0, 10.0])
    assert np.allclose(theory.flow_convex_bound(3.0, t), 9.0 / (2 * t))
    assert np.allclose(theory.flow_convex_bound(3.0, t) / theory.flow_convex_sharp_bound(3.0, t), 2.0)


@pytest.mark.parametrize("bound", [theory.flow_convex_bound, theory.flow_convex_sharp_bound,
                                   theory.huber_worst_gap])
@pytest.mark.parametrize("bad", [0.0, -1.0, np.inf, np.nan])
def test_convex_bounds_reject_nonpositive_times(bound, bad):
    with pytest.raises(ValueError, match="times must be positive"):
        bound(1.0, [1.0, bad])


@pytest.mark.parametrize("L, t", [(1.0, 3.0), (2.5, 7.0)])
def test_huber_worst_gap_matches_the_flow(L, t):
    R = 2.0
    delta = float(theory.flow_huber_threshold(R, t, smoothness=L))
    path = gradient_flow(Huber(delta, smoothness=L), [R], [0.0, t])
    assert path.values[-1] == pytest.approx(float(theory.huber_worst_gap(R, t, smoothness=L)), rel=1e-9)


def test_flow_huber_threshold_maximises_the_gap():
    R, t = 1.0, 4.0
    best = float(theory.flow_huber_threshold(R, t))
    gaps = [gradient_flow(Huber(d), [R], [0.0, t]).values[-1] for d in (0.8 * best, best, 1.25 * best)]
    assert gaps[1] > gaps[0] and gaps[1] > gaps[2]


def test_huber_worst_gap_tends_to_the_sharp_bound():
    t = np.array([1.0, 100.0, 1e4])
    ratio = theory.huber_worst_gap(1.0, t) / theory.flow_convex_sharp_bound(1.0, t)
    assert np.all(np.diff(ratio) > 0) and ratio[-1] == pytest.approx(1.0, abs=1e-4)


def test_strongly_convex_factor_and_gronwall():
    assert float(theory.flow_strongly_convex_factor(0.25, 2.0)) == pytest.approx(np.exp(-1.0))
    assert np.allclose(theory.gronwall_bound(3.0, [0.0, np.log(2.0)]), [3.0, 6.0])


def test_logistic_flow_solution_solves_the_ode():
    t = np.array([0.0, 0.5, 3.0, 40.0, 1e3])
    exact = theory.logistic_flow_solution(-1.0, t)
    f = LogisticRegression([[1.0]], [1.0])
    numeric = gradient_flow(f, [-1.0], t).points[:, 0]
    assert np.allclose(exact, numeric, rtol=1e-9, atol=1e-9)
    # The conserved quantity x + e^x - t.
    assert np.allclose(exact + np.exp(exact) - t, -1.0 + np.exp(-1.0))


def test_logistic_flow_solution_grows_like_log_t():
    t = np.array([1e6, 1e8])
    x = theory.logistic_flow_solution(0.0, t)
    assert np.allclose(x - np.log(t), 0.0, atol=1e-4)


@pytest.mark.parametrize("start, times, message", [
    (np.nan, [1.0], "start must be finite"),
    (0.0, [-1.0], "times must be non-negative"),
    (0.0, [np.inf], "times must be non-negative"),
])
def test_logistic_flow_solution_rejects_bad_input(start, times, message):
    with pytest.raises(ValueError, match=message):
        theory.logistic_flow_solution(start, times)
