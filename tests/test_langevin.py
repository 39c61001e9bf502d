"""Tests of gdflow.langevin: the unadjusted Langevin algorithm and its variance formulas."""

import numpy as np
import pytest

from gdflow.langevin import Ensemble, langevin, ula_stationary_variance, ula_variance_recursion
from gdflow.problems import DoubleWell, Quadratic, ScalarQuadratic
from gdflow.trajectory import DivergenceError, Trajectory


def test_shapes_and_records():
    run = langevin(Quadratic(np.eye(2)), [1.0, -1.0], 0.1, 10, inverse_temperature=1.0,
                   rng=np.random.default_rng(0), num_chains=5, record_every=4)
    assert isinstance(run, Ensemble)
    np.testing.assert_array_equal(run.steps, [0, 4, 8, 10])
    np.testing.assert_allclose(run.times, [0.0, 0.4, 0.8, 1.0])
    assert run.points.shape == (4, 5, 2) and run.values.shape == (4, 5)
    assert run.final.shape == (5, 2) and run.num_chains == 5
    chain = run.chain(2)
    assert isinstance(chain, Trajectory) and chain.points.shape == (4, 2)
    with pytest.raises(ValueError, match="num_chains"):
        run.chain(5)


def test_same_seed_same_samples_and_chains_are_independent():
    kw = dict(inverse_temperature=2.0, num_chains=3, record_every=None)
    a = langevin(DoubleWell(), [0.5], 0.01, 20, rng=np.random.default_rng(4), **kw)
    b = langevin(DoubleWell(), [0.5], 0.01, 20, rng=np.random.default_rng(4), **kw)
    np.testing.assert_array_equal(a.points, b.points)
    assert len(np.unique(a.final[:, 0])) == 3


def test_zero_temperature_limit_is_gradient_descent():
    from gdflow.descent import gradient_descent
    q = Quadratic([[3.0, 1.0], [1.0, 2.0]], b=[1.0, 0.0])
    run = langevin(q, [1.0, 1.0], 0.1, 15, inverse_temperature=1e300,
                   rng=np.random.default_rng(0))
    gd = gradient_descent(q, [1.0, 1.0], 0.1, 15)
    np.testing.assert_allclose(run.chain(0).points, gd.points, atol=1e-140)


def test_one_step_has_the_euler_maruyama_noise():
    # from x = 0 on f = x^2/2 one step is exactly N(0, 2 eta / beta)
    run = langevin(ScalarQuadratic(1.0), [0.0], 0.2, 1, inverse_temperature=4.0,
                   rng=np.random.default_rng(1), num_chains=200000, record_every=None)
    var = np.var(run.final[:, 0])
    # relative standard error sqrt(2/N) = 0.0032; 5 of them: false-failure probability ~ 6e-7
    assert abs(var / 0.1 - 1.0) < 5 * np.sqrt(2 / 200000)


def test_update_is_the_euler_maruyama_formula_in_one_and_two_dimensions():
    # the in-place update must reproduce x - eta grad f(x) + sqrt(2 eta / beta) xi bit for bit
    for objective, start in ((DoubleWell(), [0.5]), (Quadratic([[2.0, 0.5], [0.5, 1.0]]), [1.0, -1.0])):
        run = langevin(objective, start, 0.05, 3, inverse_temperature=2.0,
                       rng=np.random.default_rng(9), num_chains=4, record_every=1)
        rng = np.random.default_rng(9)
        x = np.broadcast_to(np.asarray(start, dtype=float), (4, len(start))).copy()
        for k in range(3):
            xi = rng.standard_normal(x.shape)
            x = x - 0.05 * objective.gradient(x) + np.sqrt(2.0 * 0.05 / 2.0) * xi
            np.testing.assert_array_equal(run.points[k + 1], x)


def test_divergence_of_one_chain_among_many_is_seen_in_two_dimensions():
    q = Quadratic(np.eye(2))
    starts = np.array([[0.0, 0.0], [1e3, 0.0]])
    with pytest.raises(DivergenceError, match="diverged"):
        langevin(q, starts, 2.5, 200, inverse_temperature=1.0, rng=np.random.default_rng(0),
                 num_chains=2, divergence_threshold=1e4)


def test_per_chain_starts():
    starts = np.array([[0.0], [10.0]])
    run = langevin(ScalarQuadratic(1.0), starts, 0.1, 0, inverse_temperature=1.0,
                   rng=np.random.default_rng(0), num_chains=2)
    np.testing.assert_array_equal(run.final, starts)


@pytest.mark.parametrize("kwargs, message", [
    (dict(rng=0), "numpy.random.Generator"),
    (dict(rng=np.random.RandomState(0)), "numpy.random.Generator"),
    (dict(inverse_temperature=0.0), "inverse_temperature"),
    (dict(num_chains=0), "num_chains"),
    (dict(step_size=-1.0), "step_size"),
    (dict(start=[0.0, 1.0]), "start"),
    (dict(start=[[0.0], [1.0], [2.0]]), "start"),
    (dict(start=[np.inf]), "NaN or infinite"),
    (dict(record_every=0), "record_every"),
    (dict(on_divergence="ignore"), "on_divergence"),
])
def test_bad_input(kwargs, message):
    args = dict(objective=ScalarQuadratic(1.0), start=[0.0], step_size=0.1, num_steps=3,
                inverse_temperature=1.0, rng=np.random.default_rng(0), num_chains=2)
    args.update(kwargs)
    with pytest.raises(ValueError, match=message):
        langevin(**args)


def test_divergence_is_reported():
    kw = dict(inverse_temperature=1.0, num_chains=4)
    with pytest.raises(DivergenceError, match="diverged"):
        langevin(ScalarQuadratic(1.0), [1.0], 2.5, 2000, rng=np.random.default_rng(0), **kw)
    run = langevin(ScalarQuadratic(1.0), [1.0], 2.5, 2000, rng=np.random.default_rng(0),
                   on_divergence="stop", **kw)
    assert run.diverged and run.steps[-1] < 2000


def test_variance_formulas_agree():
    etas = np.array([0.1, 0.7, 1.0, 1.9])
    np.testing.assert_allclose(ula_variance_recursion(etas, 1.0, 2.0, 5000),
                               ula_stationary_variance(etas, 1.0, 2.0), rtol=1e-12)
    assert float(ula_stationary_variance(1e-9, 2.0, 3.0)) == pytest.approx(1 / 6, rel=1e-8)
    assert np.isinf(ula_stationary_variance(2.0, 1.0, 1.0))
    # the recursion from variance 0 after one step is the one-step noise 2 eta / beta
    assert float(ula_variance_recursion(0.3, 1.0, 2.0, 1)) == pytest.approx(0.3)
