"""gdflow.minibatch: exact second moments of minibatch SGD on least squares, and its chains."""

import numpy as np
import pytest

from gdflow.minibatch import LeastSquares, book_least_squares


@pytest.fixture(scope="module")
def problem():
    return book_least_squares()


def test_book_problem_has_unit_smoothness_and_nonzero_residuals(problem):
    assert problem.smoothness == pytest.approx(1.0)
    assert np.allclose(problem.features.T @ problem.residuals, 0.0, atol=1e-10)  # normal equations
    assert np.mean(problem.residuals**2) > 0.1


def test_one_dimensional_floor_is_the_closed_form():
    # d = 1: s' = ((1 - eta h)^2 + eta^2 (m4 - h^2) / B) s + eta^2 c / B, with m4 = mean a^4
    a = np.array([0.5, 1.0, 1.5, 2.0])
    b = np.array([1.0, -1.0, 2.0, 0.0])
    p = LeastSquares(a[:, None], b)
    h, m4 = np.mean(a**2), np.mean(a**4)
    r = a * p.minimiser[0] - b
    c = np.mean(r**2 * a**2)
    for eta, batch in [(0.1, 1), (0.3, 2), (0.05, 7)]:
        rate = (1 - eta * h) ** 2 + eta**2 * (m4 - h**2) / batch
        assert p.floor(eta, batch) == pytest.approx(eta**2 * c / batch / (1 - rate), rel=1e-12)


def test_stationary_moment_is_the_fixed_point_of_the_recursion(problem):
    eta, batch = 0.3, 2
    operator = problem.second_moment_operator(eta, batch)
    s = np.zeros(9)
    for _ in range(3000):
        s = operator @ s + (eta**2 / batch * problem._constant).ravel()
    assert np.allclose(s.reshape(3, 3), problem.stationary_second_moment(eta, batch), rtol=1e-10, atol=1e-14)


def test_large_batches_approach_the_additive_noise_floor(problem):
    # for B -> infinity the multiplicative part of the noise is negligible: each mode has the
    # additive floor eta (C_ii / B) / (lambda_i (2 - eta lambda_i)) of the SGD chapter
    lam, vectors = np.linalg.eigh(problem.hessian)
    noise = np.diag(vectors.T @ problem._constant @ vectors)
    eta, batch = 0.5, 10**6
    additive = eta / batch * np.sum(noise / (lam * (2 - eta * lam)))
    assert problem.floor(eta, batch) == pytest.approx(additive, rel=1e-5)
    assert problem.floor(1e-4, 1) / 1e-4 == pytest.approx(problem.small_step_floor(), rel=1e-3)


def test_critical_step_separates_convergence_from_growth(problem):
    critical = problem.critical_step(1)
    assert problem.spectral_radius(critical * (1 - 1e-6), 1) < 1 <= problem.spectral_radius(critical * (1 + 1e-6), 1)
    assert critical < problem.critical_step(8) < 2 / problem.smoothness
    with pytest.raises(ValueError, match=r"no stationary second moment.*spectral radius"):
        problem.floor(critical * 1.01, 1)


def test_chains_are_reproducible_and_record_what_is_asked(problem):
    final, recorded = problem.chains(0.2, 3, 20, 50, seed=4, record=(0, 5, 20))
    again, _ = problem.chains(0.2, 3, 20, 50, seed=4)
    assert np.array_equal(final, again) and set(recorded) == {0, 5, 20}
    assert np.allclose(recorded[0], 0.0) and np.array_equal(recorded[20], final)  # started at theta*


@pytest.mark.parametrize("features, targets, match", [
    (np.ones((4, 2)), np.ones(3), "targets must have shape"),
    (np.ones(4), np.ones(4), "features must be a non-empty"),
    (np.array([[1.0, np.nan], [0.0, 1.0]]), np.ones(2), "finite"),
    (np.ones((4, 2)), np.ones(4), "full column rank"),
])
def test_bad_problems_are_named(features, targets, match):
    with pytest.raises(ValueError, match=match):
        LeastSquares(features, targets)


@pytest.mark.parametrize("call, match", [
    (lambda p: p.floor(-0.1, 1), "step_size must be positive"),
    (lambda p: p.floor(0.1, 0), "batch_size must be at least 1"),
    (lambda p: p.floor(0.1, 1.5), "batch_size must be an integer"),
    (lambda p: p.chains(0.1, 1, 10, 5, seed=0, start=[np.nan, 0, 0]), "NaN"),
    (lambda p: p.chains(0.1, 1, 10, 5, seed=0, start=[0.0, 0.0]), "dimension 3"),
])
def test_bad_arguments_are_named(problem, call, match):
    with pytest.raises(ValueError, match=match):
        call(problem)


@pytest.mark.parametrize("batch", [1, 4, 64])
def test_bisection_finds_the_first_crossing(problem, batch):
    # the bisection assumes rho(T) < 1 on all of (0, eta_c): check it on a fine grid
    critical = problem.critical_step(batch)
    grid = np.linspace(critical / 400, critical * (1 - 1e-6), 400)
    assert max(problem.spectral_radius(eta, batch) for eta in grid) < 1.0


def test_exact_mean_square_from_a_start_matches_the_chains_and_tends_to_the_floor(problem):
    start = problem.minimiser + 1.0
    exact = problem.mean_square(0.2, 4, 300, start)
    _, recorded = problem.chains(0.2, 4, 2, 100_000, seed=2, start=start, record=(1, 2))
    for k in (1, 2):  # five standard errors of a mean over 100000 chains
        values = recorded[k]
        assert abs(values.mean() - exact[k]) < 5 * values.std() / np.sqrt(values.size)
    assert exact[0] == pytest.approx(3.0) and exact[-1] == pytest.approx(problem.floor(0.2, 4), rel=1e-3)
    assert problem.additive_floor(0.2, 10**6) == pytest.approx(problem.floor(0.2, 10**6), rel=1e-5)
    with pytest.raises(ValueError, match="eta L must lie below 2"):
        problem.additive_floor(2.5, 1)
