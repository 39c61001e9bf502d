"""Claim checks of the Langevin chapter: defaults pass, violating settings fail.

The statistical checks draw from generators with fixed seeds, so every verdict
below is deterministic. Their tolerance is five standard errors, derived from
the number of independent chains; the probability that a correct claim would
fail by chance with a fresh seed is stated at each check (about 6e-7 for a
sample variance of 50000 chains, below 2e-5 for the nine frequencies of the
double-well check, whose samples' law, computed on a grid, is at most about 0.5
standard errors off in each frequency).
"""

import math

import numpy as np
import pytest

from claimtest import assert_claim_holds
from gdflow import claims
from gdflow.checks.langevin import (check_ula_variance, double_well_samples, false_failure_bound,
                                    gibbs_density, gibbs_probabilities, steps_to_stationarity,
                                    ula_grid_bias, ula_grid_law, variance_false_failure)
from gdflow.problems import DoubleWell, ScalarQuadratic


@pytest.mark.parametrize("claim_id", ["C30", "S01", "S02"])
def test_defaults_pass(claim_id):
    assert_claim_holds(claim_id)


@pytest.mark.parametrize("wrong_beta", [8.0, 3.2])
def test_c30_fails_for_a_wrong_inverse_temperature(wrong_beta):
    # sampled at beta = 4; compared with the density at 2 beta (noise sqrt(1/beta) instead of
    # sqrt(2/beta)) and at 0.8 beta
    checks = claims.run("C30", density_inverse_temperature=wrong_beta)
    assert not all(c.passed for c in checks)


def test_c30_fails_without_burn_in():
    checks = claims.run("C30", burn_in_time=2.0)
    assert not checks[0].passed  # the chains have not left the right well yet


def test_s01_rejects_the_continuous_time_variance():
    checks = claims.run("S01", formula="continuous")
    assert not any(c.passed for c in checks[:-1])


def test_s01_rejection_needs_a_detectable_bias():
    # at eta lambda = 0.01 the bias (0.5 %) is below the standard error (0.63 %): no rejection
    checks = check_ula_variance(step_ratios=(0.01,))
    assert checks[1].passed and not checks[-1].passed


def test_s01_rejects_unknown_formula():
    with pytest.raises(ValueError, match="formula"):
        check_ula_variance(formula="exact")


def test_s02_fails_when_the_noise_does_not_vanish():
    (check,) = claims.run("S02", shared_minimizer=False)
    assert not check.passed


def test_gibbs_probabilities_of_a_gaussian():
    # exp(-beta x^2/2) is N(0, 1/beta): compare with the normal distribution function
    from scipy import stats
    edges = np.array([-1.0, 0.0, 0.5, 2.0])
    p, right = gibbs_probabilities(ScalarQuadratic(1.0), 4.0, edges)
    np.testing.assert_allclose(p, np.diff(stats.norm.cdf(edges, scale=0.5)), rtol=1e-9)
    assert right == pytest.approx(0.5, rel=1e-12)


def test_gibbs_density_integrates_to_one():
    grid = np.linspace(-4.0, 4.0, 4001)
    dens = gibbs_density(DoubleWell(), 4.0, grid)
    assert np.trapezoid(dens, grid) == pytest.approx(1.0, abs=1e-6)


def test_double_well_samples_are_cached_and_read_only():
    a = double_well_samples(num_chains=100, burn_in_time=0.1)
    assert a is double_well_samples(num_chains=100, burn_in_time=0.1)
    with pytest.raises(ValueError):
        a[0] = 0.0


def test_steps_and_false_failure_probability():
    assert steps_to_stationarity(1.0) == 1
    k = steps_to_stationarity(0.1)
    assert 0.9 ** (2 * k) <= 1e-12 < 0.9 ** (2 * (k - 1))
    p = variance_false_failure(50000)
    assert 1e-7 < p < 1e-5  # about the normal tail 2 * Phi(-5) = 5.7e-7
    assert math.isclose(variance_false_failure(10**7), 5.7e-7, rel_tol=0.05)


def test_c30_flags_a_step_whose_bias_is_too_large():
    # at eta = 0.04 ULA's own bias exceeds one standard error: the sampling test is not trusted
    checks = claims.run("C30", step_size=0.04)
    assert not checks[2].passed


def test_c30_bias_includes_an_unfinished_burn_in():
    # after time 2 most chains are still in the right well; the grid law knows it
    checks = claims.run("C30", burn_in_time=2.0)
    assert checks[2].observed > 50


def test_grid_law_after_many_steps_is_the_stationary_law():
    x, stationary = ula_grid_law(DoubleWell(), 0.05, 4.0, num_points=601)
    _, law = ula_grid_law(DoubleWell(), 0.05, 4.0, start=1.0, num_steps=3000, num_points=601)
    assert abs(law.sum() - 1.0) < 1e-12 and abs(stationary.sum() - 1.0) < 1e-12
    np.testing.assert_allclose(law, stationary, atol=1e-9)
    with pytest.raises(ValueError, match="num_steps"):
        ula_grid_law(DoubleWell(), 0.05, 4.0, start=1.0, num_steps=-1)


def test_c30_false_failure_probability_is_small():
    check = claims.run("C30")[0]
    p = float(check.why_tolerance.split("probability below ")[1].split(" ")[0])
    assert p < 1e-4


def test_ula_grid_bias_is_symmetric_and_first_order():
    edges = np.linspace(-2.0, 2.0, 9)
    b1 = ula_grid_bias(DoubleWell(), 0.01, 4.0, edges)
    b2 = ula_grid_bias(DoubleWell(), 0.02, 4.0, edges)
    np.testing.assert_allclose(b1, b1[::-1], atol=2e-4)  # symmetric well, symmetric bias
    assert abs(b1.sum()) < 1e-5  # both laws are normalised (mass beyond [-2, 2] is tiny)
    np.testing.assert_allclose(b2, 2.0 * b1, atol=0.1 * np.max(np.abs(b1)))  # bias ~ eta


def test_ula_grid_bias_vanishes_on_a_gaussian_with_the_exact_variance():
    # on lambda x^2/2 ULA's law is N(0, 1/(beta lambda (1 - eta lambda/2))): a positive bias in
    # the tails and a negative one in the centre
    edges = np.array([-3.0, -1.0, 1.0, 3.0])
    b = ula_grid_bias(ScalarQuadratic(1.0), 0.2, 2.0, edges, lower=-6.0, upper=6.0)
    from scipy import stats
    sd_ula, sd = math.sqrt(1 / (2.0 * 0.9)), math.sqrt(0.5)
    exact = np.diff(stats.norm.cdf(edges, scale=sd_ula)) - np.diff(stats.norm.cdf(edges, scale=sd))
    np.testing.assert_allclose(b, exact, atol=2e-3)


def test_false_failure_bound():
    assert false_failure_bound([0.0]) == pytest.approx(2 * 2.866515718791939e-07, rel=1e-6)
    assert false_failure_bound([1.0, 0.0]) > false_failure_bound([0.0, 0.0])
