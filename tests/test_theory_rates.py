"""The rate formulas appended to gdflow.theory (convex, strongly convex, iteration counts)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gdflow import theory


def test_convex_gap_bounds():
    assert theory.convex_gap_bound(0, 2.0, 3.0) == pytest.approx(9.0)
    k = np.arange(1, 50)
    tight = theory.convex_gap_bound(k, 1.0, 1.0)
    loose = theory.convex_gap_bound(k, 1.0, 1.0, tight=False)
    np.testing.assert_allclose(tight / loose, 2 * k / (4 * k + 2))
    assert np.all(tight < loose)


@pytest.mark.parametrize("bad", [dict(k=-1), dict(k=1.5), dict(smoothness=0.0), dict(distance=-1.0),
                                 dict(k=0, tight=False), dict(k="a")])
def test_convex_gap_bound_rejects_bad_input(bad):
    args = dict(k=1, smoothness=1.0, distance=1.0) | bad
    tight = args.pop("tight", True)
    with pytest.raises(ValueError):
        theory.convex_gap_bound(args["k"], args["smoothness"], args["distance"], tight=tight)


def test_worst_quadratic_gap_is_the_max_over_eigenvalues():
    k, L, R = 7, 3.0, 2.0
    lam = np.linspace(0.0, L, 200001)
    brute = np.max(0.5 * lam * (1 - lam / L) ** (2 * k) * R**2)
    assert theory.worst_quadratic_gap(k, L, R) == pytest.approx(brute, rel=1e-8)
    assert theory.worst_quadratic_gap(0, L, R) == pytest.approx(0.5 * L * R**2)
    ratio = theory.worst_quadratic_gap(10**6, 1.0, 1.0) / theory.convex_gap_bound(10**6, 1.0, 1.0)
    assert ratio == pytest.approx(math.exp(-1), rel=1e-6)


def test_descent_huber_threshold():
    np.testing.assert_allclose(theory.descent_huber_threshold([0, 1, 2], 3.0), [3.0, 1.0, 0.6])
    with pytest.raises(ValueError):
        theory.descent_huber_threshold(1, 0.0)


def test_contraction_factor_and_optimal_step():
    L, mu = 10.0, 1.0
    etas = np.linspace(1e-3, 2 / L - 1e-3, 10001)
    q = theory.contraction_factor(etas, L, mu)
    best = theory.optimal_step_size(L, mu)
    assert etas[np.argmin(q)] == pytest.approx(best, abs=etas[1] - etas[0])
    assert theory.contraction_factor(best, L, mu) == pytest.approx(theory.optimal_contraction_factor(L / mu))
    assert theory.contraction_factor(1 / L, L, mu) == pytest.approx(1 - mu / L)
    assert theory.contraction_factor(2 / L, L, mu) == pytest.approx(1.0)


@pytest.mark.parametrize("args", [(0.1, 1.0, 2.0), (0.0, 2.0, 1.0), (0.1, -1.0, 1.0), (0.1, 1.0, 0.0)])
def test_contraction_factor_rejects_bad_input(args):
    with pytest.raises(ValueError):
        theory.contraction_factor(*args)


def test_optimal_contraction_factor_rejects_kappa_below_one():
    with pytest.raises(ValueError, match="at least 1"):
        theory.optimal_contraction_factor(0.5)


def test_iterations_to_accuracy():
    kappa = np.array([2.0, 10.0, 1000.0])
    eps = 1e-4
    exact = theory.iterations_to_accuracy(eps, kappa)
    # The count is the first k with (1 - 1/kappa)^(2k) <= eps.
    assert np.all((1 - 1 / kappa) ** (2 * exact) <= eps)
    assert np.all((1 - 1 / kappa) ** (2 * (exact - 1)) > eps)
    est = theory.iterations_to_accuracy_estimate(eps, kappa)
    assert abs(exact[-1] / est[-1] - 1) < 1e-3


@pytest.mark.parametrize("args", [(0.0, 10.0), (1.0, 10.0), (1e-3, 1.0), (1e-3, np.nan)])
def test_iterations_to_accuracy_rejects_bad_input(args):
    with pytest.raises(ValueError):
        theory.iterations_to_accuracy(*args)
    with pytest.raises(ValueError):
        theory.iterations_to_accuracy_estimate(*args)
