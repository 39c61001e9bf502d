"""The ODE solve shared by gradient flow and natural gradient flow."""

import numpy as np
import pytest

from gdflow import SolverError, flow
from gdflow._integrate import ATOL, RTOL, sample_ivp, sample_solution


def test_linear_field_matches_the_exponential():
    t = np.array([0.0, 0.5, 1.0])
    points = sample_solution(lambda y: -2.0 * y, np.array([1.0, -1.0]), t, rtol=RTOL, atol=ATOL,
                             name="test")
    assert points.shape == (3, 2)
    assert np.allclose(points[:, 0], np.exp(-2.0 * t), rtol=1e-9)


def test_zero_horizon_repeats_the_start():
    points = sample_solution(lambda y: y, np.array([3.0]), np.zeros(4), rtol=RTOL, atol=ATOL, name="x")
    assert points.tolist() == [[3.0]] * 4


def test_blow_up_is_reported_with_the_flow_name():
    with pytest.raises(SolverError, match="the test-flow solver failed"):
        sample_solution(lambda y: y**2, np.array([1.0]), np.array([0.0, 2.0]), rtol=RTOL, atol=ATOL,
                        name="test-flow")


def test_flow_module_still_exports_the_solver_names():
    assert flow.SolverError is SolverError and (flow.RTOL, flow.ATOL) == (RTOL, ATOL)


def test_time_dependent_rhs_from_a_later_start():
    # y' = 2 t y, y(1) = 1 has y(t) = exp(t^2 - 1).
    t = np.array([1.0, 1.5, 2.0])
    points = sample_ivp(lambda s, y: 2.0 * s * y, np.array([1.0]), t, t0=1.0, rtol=RTOL, atol=ATOL, name="x")
    assert np.allclose(points[:, 0], np.exp(t**2 - 1.0), rtol=1e-9)
    assert sample_ivp(lambda s, y: y, np.array([3.0]), np.full(2, 1.0), t0=1.0, rtol=RTOL, atol=ATOL,
                      name="x").tolist() == [[3.0], [3.0]]
