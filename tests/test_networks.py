"""The two-layer tanh network: loss, hand-written gradient, Hessian and sharpness."""

import numpy as np
import pytest

from gdflow.networks import TanhNetwork, network_start, regression_data, sharpness_along
from gdflow.trajectory import DivergenceError


@pytest.fixture
def net():
    x, y = regression_data(12, 2.0)
    return TanhNetwork(x, y, width=4)


def test_gradient_matches_finite_differences_of_the_loss(net):
    theta = network_start(4, seed=3)
    h = 1e-6
    numeric = np.array([(net.value(theta + h * e) - net.value(theta - h * e)) / (2 * h)
                        for e in np.eye(net.dim)])
    np.testing.assert_allclose(net.gradient(theta), numeric, rtol=1e-6, atol=1e-9)


def test_hessian_matches_second_differences_of_the_loss(net):
    # an independent route: second differences of the loss itself, not of the gradient
    theta = network_start(4, seed=5)
    H = net.hessian(theta)
    h = 1e-4
    i, j = 2, 9
    ei, ej = np.eye(net.dim)[i] * h, np.eye(net.dim)[j] * h
    mixed = (net.value(theta + ei + ej) - net.value(theta + ei - ej) - net.value(theta - ei + ej)
             + net.value(theta - ei - ej)) / (4 * h * h)
    assert H[i, j] == pytest.approx(mixed, rel=1e-5, abs=1e-7)
    np.testing.assert_array_equal(H, H.T)


def test_sharpness_of_the_output_layer_alone():
    # with w = b = 0 the hidden units are 0 and the loss is flat in v: the Hessian's v block
    # vanishes, and the (w, v) cross terms give eigenvalues ± |mean(x y)| ... for zero targets all vanish
    x = np.array([-1.0, 0.5, 2.0])
    net = TanhNetwork(x, np.zeros(3), width=2)
    assert net.sharpness(np.zeros(6)) == pytest.approx(0.0, abs=1e-9)
    # with v = 0 and tanh features h, the v block is H^T H / n: its top eigenvalue is the sharpness
    theta = np.array([1.0, -0.5, 0.2, 0.3, 0.0, 0.0])
    hidden = np.tanh(np.outer(x, theta[:2]) + theta[2:4])
    gn = hidden.T @ hidden / 3
    assert net.sharpness(theta) == pytest.approx(np.linalg.eigvalsh(gn)[-1], rel=1e-7)


def test_batch_values_agree_with_single_points(net):
    thetas = np.stack([network_start(4, seed=s) for s in range(3)])
    np.testing.assert_allclose(net.value(thetas), [net.value(t) for t in thetas], rtol=1e-14)


@pytest.mark.parametrize("args, match", [
    (([0.0, 1.0], [0.0], 2), "same length"),
    (([[0.0, 1.0]], [[0.0, 1.0]], 2), "one-dimensional"),
    (([0.0, np.nan], [0.0, 1.0], 2), "finite"),
    (([0.0, 1.0], [0.0, 1.0], 0), "width"),
])
def test_bad_input_is_named(args, match):
    with pytest.raises(ValueError, match=match):
        TanhNetwork(*args)


def test_bad_parameters_are_named(net):
    with pytest.raises(ValueError, match="last axis"):
        net.gradient(np.zeros(5))
    with pytest.raises(ValueError, match="scales"):
        network_start(4, scales=(1.0, 1.0))
    with pytest.raises(ValueError, match="step_size"):
        sharpness_along(net, network_start(4), -0.1, 10)


def test_divergence_is_reported(net):
    with pytest.raises(DivergenceError):
        sharpness_along(net, network_start(4), 50.0, 2000)


def test_sharpness_along_shapes(net):
    losses, steps, sharp = sharpness_along(net, network_start(4), 0.1, 50, every=20)
    assert losses.shape == (51,) and list(steps) == [0, 20, 40] and sharp.shape == (3,)
    assert np.all(np.diff(losses) < 0)


def test_lanczos_sharpness_agrees_with_the_whole_hessian():
    from gdflow.checks.stability_edge import edge_network

    net = edge_network()
    vector = None
    for seed in range(4):
        theta = network_start(20, seed)
        dense = net.sharpness(theta, dense=True)
        value, vector = net.top_eigenpair(theta, vector)  # warm start from another point's vector
        assert value == pytest.approx(dense, rel=1e-8)
        assert net.sharpness(theta) == pytest.approx(dense, rel=1e-8)
        assert np.linalg.norm(net.hessian(theta) @ vector - dense * vector) < 1e-6 * abs(dense)
    assert np.array_equal(net.hessian_vector(theta, np.zeros(net.dim)), np.zeros(net.dim))
