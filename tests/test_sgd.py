"""gdflow.sgd: exact moments, many chains, and named errors."""

import numpy as np
import pytest

from gdflow import sgd
from gdflow.trajectory import DivergenceError


def test_moments_match_the_stationary_formula_and_the_transient():
    lam, eta = np.array([0.5, 1.0]), 0.4
    means, variances = sgd.moments(lam, 2.0, eta, 300, start=[1.0, -1.0])
    np.testing.assert_allclose(variances[-1], sgd.stationary_variance(lam, 2.0, eta), rtol=1e-12)
    np.testing.assert_allclose(means[5], (1 - eta * lam) ** 5 * np.array([1.0, -1.0]))


def test_chains_agree_with_the_exact_moments():
    final, ms = sgd.sgd_chains([1.0], 1.0, 0.5, 100, 40000, seed=3)
    v = sgd.stationary_variance([1.0], 1.0, 0.5)[0]
    assert final.var(ddof=1) == pytest.approx(v, rel=0.05)
    assert ms.shape == (101,)


def test_same_seed_same_chains():
    a, _ = sgd.sgd_chains([1.0, 2.0], 1.0, 0.1, 20, 10, seed=8)
    b, _ = sgd.sgd_chains([1.0, 2.0], 1.0, 0.1, 20, 10, seed=8)
    np.testing.assert_array_equal(a, b)


def test_sme_variance_is_first_order_close():
    lam, sigma = 1.0, 1.0
    for eta in (0.01, 0.1):
        ratio = sgd.stationary_variance(lam, sigma, eta)[0] / sgd.sme_stationary_variance(lam, sigma, eta)[0]
        assert ratio == pytest.approx(1 / (1 - eta * lam / 2))


@pytest.mark.parametrize("call, match", [
    (lambda: sgd.moments([1.0, -1.0], 1.0, 0.1, 5), "curvatures"),
    (lambda: sgd.moments([1.0], -1.0, 0.1, 5), "noise"),
    (lambda: sgd.moments([1.0], 1.0, -0.1, 5), "step_size"),
    (lambda: sgd.moments([1.0, 2.0], 1.0, 0.1, 5, start=[1.0]), "shape"),
    (lambda: sgd.moments([1.0], 1.0, 0.1, 5, start=[np.nan]), "finite"),
    (lambda: sgd.sgd_chains([1.0], 1.0, 0.1, 5, 0, seed=1), "num_chains"),
    (lambda: sgd.stationary_variance([1.0], 1.0, 2.5), "below 2"),
    (lambda: sgd.decreasing_steps(1.0, 0.0), "offset"),
])
def test_bad_input_is_named(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_divergence_is_reported():
    with pytest.raises(DivergenceError, match="diverged"):
        sgd.sgd_chains([1.0], 1.0, 2.5, 200, 10, seed=1)
