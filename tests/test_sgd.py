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


def test_weak_errors_match_the_closed_forms_at_one_step_size():
    from gdflow.sgd import weak_errors
    eta, lam, sigma, x0 = 0.25, 1.0, 1.0, 1.0  # T = 1: four steps
    q = 1 - eta
    sgd = q**8 + eta**2 * (1 - q**8) / (1 - q**2)
    errors = weak_errors(lam, sigma, x0, 1.0, [eta])
    assert errors["flow"][0] == pytest.approx(abs(sgd - np.exp(-2.0)), rel=1e-12)
    sme1 = np.exp(-2.0) + eta * (1 - np.exp(-2.0)) / 2
    assert errors["sme1"][0] == pytest.approx(abs(sgd - sme1), rel=1e-12)
    rate = 1 + eta / 2
    sme2 = np.exp(-2 * rate) + eta * (1 - np.exp(-2 * rate)) / (2 * rate)
    assert errors["sme2"][0] == pytest.approx(abs(sgd - sme2), rel=1e-12)


@pytest.mark.parametrize("kwargs, match", [
    (dict(step_sizes=[0.3]), "divide the horizon"),
    (dict(step_sizes=[-0.25]), "step_sizes must be positive"),
    (dict(noise=-1.0), "noise must be finite and non-negative"),
    (dict(start=np.nan), "start must be finite"),
    (dict(curvature=8.0), "eta lambda < 1"),
])
def test_weak_errors_name_bad_input(kwargs, match):
    from gdflow.sgd import weak_errors
    args = dict(curvature=1.0, noise=1.0, start=1.0, horizon=1.0, step_sizes=[0.25]) | kwargs
    with pytest.raises(ValueError, match=match):
        weak_errors(**args)


def test_averaged_mean_square_of_two_steps_by_hand():
    # theta_bar_2 = (theta_0 + theta_1)/2 = ((1 + a) x0 - eta sigma xi)/2 with a = 1 - eta lambda
    from gdflow.sgd import averaged_mean_square
    eta, lam, sigma, x0 = 0.3, 2.0, 0.7, 1.5
    a = 1 - eta * lam
    last, averaged = averaged_mean_square(lam, sigma, eta, 2, x0, (1, 2))
    assert averaged[1] == pytest.approx(((1 + a) ** 2 * x0**2 + (eta * sigma) ** 2) / 4, rel=1e-14)
    assert averaged[0] == pytest.approx(x0**2, rel=1e-14)
    assert last[1] == pytest.approx(a**4 * x0**2 + (eta * sigma) ** 2 * (1 + a**2), rel=1e-14)


def test_averaged_mean_square_names_bad_input():
    from gdflow.sgd import averaged_mean_square, polynomial_steps
    with pytest.raises(ValueError, match="record must hold steps in 1..5"):
        averaged_mean_square(1.0, 1.0, 0.1, 5, 1.0, (6,))
    with pytest.raises(ValueError, match="power must be positive"):
        polynomial_steps(1.0, 10.0, 0.0)


@pytest.mark.parametrize("bad, match", [(-0.1, r"step_size\(5\) must be positive"),
                                        (float("nan"), r"step_size\(5\) must be finite"),
                                        ("0.1", r"step_size\(5\) must be a real number"),
                                        (True, r"step_size\(5\) must be a real number")])
def test_a_bad_step_in_a_schedule_is_named_with_its_index(bad, match):
    def schedule(k):
        return bad if k == 5 else 0.1

    for call in (lambda: sgd.moments([1.0], 1.0, schedule, 10),
                 lambda: sgd.sgd_chains([1.0], 1.0, schedule, 10, 4, seed=1),
                 lambda: sgd.averaged_mean_square(1.0, 1.0, schedule, 10, 1.0, [10])):
        with pytest.raises(ValueError, match=match):
            call()


def test_a_schedule_checked_at_once_gives_the_step_by_step_values():
    steps = sgd.polynomial_steps(1.0, 10.0, 2 / 3)
    means, variances = sgd.moments([1.0], 1.0, steps, 50, start=[1.0])
    mean, var = 1.0, 0.0
    for k in range(50):
        eta = steps(k)
        mean, var = (1 - eta) * mean, (1 - eta) ** 2 * var + eta**2
    assert means[-1, 0] == mean and variances[-1, 0] == var
