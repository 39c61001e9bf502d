import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import check_grad

from gdflow import examples
from gdflow.problems import (DoubleWell, Huber, LogisticRegression, Quadratic, Rosenbrock,
                             ScalarQuadratic, WavyBowl)

RNG = np.random.default_rng(0)


def all_objectives():
    rng = np.random.default_rng(1)
    return [
        examples.random_quadratic(rng, dim=4),
        Huber(0.7, smoothness=2.0, dim=3),
        examples.logistic_problem(rng, n=50, dim=3),
        examples.wavy_bowl(dim=3),
        DoubleWell(),
        Rosenbrock(),
        ScalarQuadratic(-2.0),
    ]


@pytest.mark.parametrize("objective", all_objectives(), ids=lambda o: type(o).__name__)
def test_gradients_match_finite_differences(objective):
    rng = np.random.default_rng(2)
    for _ in range(5):
        x = rng.uniform(-1.5, 1.5, objective.dim)
        # check_grad's forward differences have error ~ sqrt(eps) * |f''|; 1e-5 relative
        # to the gradient's size is safely above that and far below any real mistake.
        err = check_grad(objective.value, objective.gradient, x)
        assert err <= 1e-5 * max(1.0, np.linalg.norm(objective.gradient(x)))


@pytest.mark.parametrize("objective", all_objectives(), ids=lambda o: type(o).__name__)
def test_batched_evaluation_matches_pointwise(objective):
    pts = np.random.default_rng(3).uniform(-1, 1, size=(4, 2, objective.dim))
    vals = objective.value(pts)
    grads = objective.gradient(pts)
    assert vals.shape == (4, 2) and grads.shape == (4, 2, objective.dim)
    assert np.allclose(vals[2, 1], objective.value(pts[2, 1]))
    assert np.allclose(grads[2, 1], objective.gradient(pts[2, 1]))


def spd_matrices(dim):
    return st.lists(st.floats(0.1, 50.0), min_size=dim, max_size=dim).map(np.array)


@settings(max_examples=40, deadline=None)
@given(dim=st.integers(1, 6), seed=st.integers(0, 2**32 - 1), data=st.data())
def test_quadratic_constants_on_random_spd(dim, seed, data):
    lam = data.draw(spd_matrices(dim))
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.standard_normal((dim, dim)))
    b = rng.standard_normal(dim)
    q = Quadratic(Q @ np.diag(lam) @ Q.T, b=b, c=0.5)
    assert q.smoothness == pytest.approx(lam.max(), rel=1e-9)
    assert q.strong_convexity == pytest.approx(lam.min(), rel=1e-9)
    assert np.linalg.norm(q.gradient(q.minimizer)) <= 1e-8 * (1 + np.linalg.norm(b)) * lam.max() / lam.min()
    # The minimum is below the value at any other point.
    other = q.minimizer + rng.standard_normal(dim)
    assert q.value(other) >= q.minimum
    assert q.condition_number == pytest.approx(lam.max() / lam.min(), rel=1e-9)


def test_quadratic_rejects_bad_matrices():
    with pytest.raises(ValueError, match="not symmetric"):
        Quadratic([[1.0, 2.0], [0.0, 1.0]])
    with pytest.raises(ValueError, match="not positive definite"):
        Quadratic([[1.0, 0.0], [0.0, -1.0]])
    with pytest.raises(ValueError, match="square"):
        Quadratic(np.ones((2, 3)))
    with pytest.raises(ValueError, match="NaN or infinite"):
        Quadratic([[np.nan]])
    with pytest.raises(ValueError, match="b has 3 entries"):
        Quadratic(np.eye(2), b=[1.0, 2.0, 3.0])


def test_objectives_reject_wrong_point_shapes():
    q = Quadratic(np.eye(3))
    with pytest.raises(ValueError, match="last axis of length 3"):
        q.value(np.ones(2))
    with pytest.raises(ValueError, match="last axis of length 3"):
        q.gradient(np.ones((4, 2)))


def test_huber_is_quadratic_inside_and_linear_outside():
    h = Huber(1.0, smoothness=3.0, dim=2)
    assert h.value([0.5, 0.0]) == pytest.approx(3.0 * 0.125)
    assert h.value([4.0, 0.0]) == pytest.approx(3.0 * (4.0 - 0.5))
    assert np.allclose(h.gradient([4.0, 0.0]), [3.0, 0.0])
    with pytest.raises(ValueError, match="threshold must be positive"):
        Huber(-1.0)


def test_logistic_constants_and_minimizer():
    prob = examples.logistic_problem(np.random.default_rng(4), n=100, dim=3, regularization=0.1)
    assert prob.strong_convexity == 0.1
    assert np.linalg.norm(prob.gradient(prob.minimizer)) <= 1e-13
    # L bounds the Hessian's largest eigenvalue everywhere (sample a few points).
    for x in np.random.default_rng(5).normal(size=(5, 3)):
        assert np.linalg.eigvalsh(prob.hessian(x))[-1] <= prob.smoothness + 1e-12


def test_logistic_hessian_is_batched_and_matches_finite_differences():
    prob = examples.logistic_problem(np.random.default_rng(6), n=40, dim=3)
    pts = np.random.default_rng(7).normal(size=(4, 3))
    batch = prob.hessian(pts)
    assert batch.shape == (4, 3, 3)
    for p, H in zip(pts, batch):
        assert np.allclose(H, prob.hessian(p), rtol=1e-12, atol=1e-15)
        h = 1e-6
        cols = [(prob.gradient(p + h * e) - prob.gradient(p - h * e)) / (2 * h) for e in np.eye(3)]
        # central differences: truncation ~ h^2 times the third derivative, rounding ~ eps/h
        assert np.allclose(np.array(cols).T, H, atol=1e-8)


def test_logistic_rejects_bad_data():
    with pytest.raises(ValueError, match="labels must be -1 or \\+1"):
        LogisticRegression(np.ones((3, 2)), [0, 1, 1])
    with pytest.raises(ValueError, match="labels must have shape"):
        LogisticRegression(np.ones((3, 2)), [1, 1])


def test_logistic_without_minimizer_says_so():
    X = np.array([[1.0], [2.0], [-1.0]])
    y = np.array([1.0, 1.0, -1.0])  # separable: the loss decreases forever along w > 0
    with pytest.raises(ValueError, match="no minimiser"):
        _ = LogisticRegression(X, y).minimizer


def test_wavy_bowl_constants():
    w = WavyBowl([1.0, 2.0], amplitude=0.5, frequency=2.0)
    assert w.smoothness == pytest.approx(4.0)
    assert not w.convex
    # The bound on the second derivative is attained where cos(omega x) = -1.
    x = np.pi / 2.0
    h = 1e-4
    second = (w.value([0.0, x + h]) - 2 * w.value([0.0, x]) + w.value([0.0, x - h])) / h**2
    assert second == pytest.approx(4.0, rel=1e-5)


def test_scalar_quadratic_signs():
    assert ScalarQuadratic(2.0).strong_convexity == 2.0
    assert ScalarQuadratic(-2.0).strong_convexity is None
    assert ScalarQuadratic(-2.0).minimizer is None
    assert ScalarQuadratic(-2.0).smoothness == 2.0


def test_known_minimizers():
    assert DoubleWell().value(DoubleWell().minimizer) == 0.0
    assert Rosenbrock().value(Rosenbrock().minimizer) == 0.0
    assert np.allclose(Rosenbrock().gradient(Rosenbrock().minimizer), 0.0)
