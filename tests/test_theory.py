import numpy as np
import pytest

from gdflow.theory import descent_coefficient, sufficient_decrease_bound


def test_descent_coefficient_sign_changes_at_two_over_l():
    L = 4.0
    etas = np.array([0.1, 0.25, 0.5, 0.6]) 
    coeff = descent_coefficient(etas, L)
    assert np.all(coeff[:2] > 0) and coeff[2] == 0 and coeff[3] < 0
    # The best step is 1/L with coefficient 1/(2L).
    assert descent_coefficient(1 / L, L) == pytest.approx(1 / (2 * L))


def test_sufficient_decrease_bound_is_exact_on_the_tight_quadratic():
    L, x = 3.0, 2.0
    for eta in (0.1, 0.3, 0.6):
        after = 0.5 * L * ((1 - eta * L) * x) ** 2
        assert sufficient_decrease_bound(0.5 * L * x**2, (L * x) ** 2, eta, L) == pytest.approx(after)
