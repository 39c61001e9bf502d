import numpy as np
import pytest

from gdflow import examples


def test_ill_conditioned_bowl_constants():
    q = examples.ill_conditioned_bowl(25.0)
    assert q.smoothness == pytest.approx(25.0) and q.strong_convexity == pytest.approx(1.0)


def test_random_quadratic_is_reproducible_and_has_the_asked_condition_number():
    a = examples.random_quadratic(np.random.default_rng(7), dim=6, condition_number=100.0)
    b = examples.random_quadratic(np.random.default_rng(7), dim=6, condition_number=100.0)
    assert np.array_equal(a.A, b.A)
    assert a.condition_number == pytest.approx(100.0)


def test_logistic_problem_is_strongly_convex():
    prob = examples.logistic_problem(np.random.default_rng(0), regularization=0.2)
    assert prob.strong_convexity == 0.2 and prob.smoothness > 0.2


def test_wavy_bowl_is_nonconvex():
    assert not examples.wavy_bowl().convex
