"""RadialPower: ||theta||^p / p, convex but not L-smooth for p > 2."""

from __future__ import annotations

import numpy as np
import pytest

from gdflow.flow import gradient_flow
from gdflow.problems import RadialPower


def test_value_gradient_and_constants():
    f = RadialPower(4.0, dim=2)
    x = np.array([[1.0, 1.0], [0.0, 2.0]])
    assert np.allclose(f.value(x), [1.0, 4.0])
    assert np.allclose(f.gradient(x), [[2.0, 2.0], [0.0, 8.0]])
    assert f.smoothness is None and f.strong_convexity == 0.0 and f.convex
    assert f.minimum == 0.0
    q = RadialPower(2.0)
    assert q.smoothness == 1.0 and q.strong_convexity == 1.0


def test_gradient_matches_finite_differences():
    f = RadialPower(3.0, dim=3)
    x = np.array([0.4, -1.1, 0.7])
    h = 1e-6
    fd = [(f.value(x + h * e) - f.value(x - h * e)) / (2 * h) for e in np.eye(3)]
    assert np.allclose(f.gradient(x), fd, rtol=1e-7)


@pytest.mark.parametrize("p", [2.0, 3.0, 4.0])
def test_flow_radius_is_the_flow(p):
    f = RadialPower(p, dim=2)
    t = np.linspace(0.0, 5.0, 11)
    path = gradient_flow(f, [1.2, -0.9], t)
    assert np.allclose(np.linalg.norm(path.points, axis=1), f.flow_radius(1.5, t), rtol=1e-9)


def test_flow_radius_from_the_minimiser_stays_there():
    assert np.all(RadialPower(4.0).flow_radius(0.0, [0.0, 1.0]) == 0.0)


@pytest.mark.parametrize("kwargs, message", [
    ({"power": 1.5}, "at least 2"),
    ({"power": -1.0}, "positive"),
    ({"dim": 0}, "dim"),
    ({"dim": 1.5}, "dim"),
])
def test_rejects_bad_parameters(kwargs, message):
    with pytest.raises(ValueError, match=message):
        RadialPower(**kwargs)


def test_flow_radius_rejects_bad_input():
    with pytest.raises(ValueError, match="radius"):
        RadialPower().flow_radius(-1.0, [1.0])
    with pytest.raises(ValueError, match="times"):
        RadialPower().flow_radius(1.0, [-1.0])
