"""Energy balance and the convex Lyapunov function along gradient flows."""

from __future__ import annotations

import numpy as np
import pytest

from gdflow.examples import wavy_bowl
from gdflow.flow import gradient_flow
from gdflow.lyapunov import convex_lyapunov, energy_balance
from gdflow.problems import DoubleWell, Quadratic, RadialPower


def test_energy_balance_on_a_quadratic_in_closed_form():
    # f = x^2/2, x = e^{-t}: f(t) - f(0) = (e^{-2t} - 1)/2 and int_0^t x^2 = (1 - e^{-2t})/2.
    t = np.linspace(0.0, 3.0, 7)
    eb = energy_balance(Quadratic([[1.0]]), [1.0], t)
    assert np.allclose(eb.decrease, 0.5 * (np.exp(-2 * t) - 1.0), atol=1e-14)
    assert np.allclose(eb.dissipated, 0.5 * (1.0 - np.exp(-2 * t)), atol=1e-14)
    assert np.array_equal(eb.trajectory.times, t)


@pytest.mark.parametrize("objective, start", [
    (wavy_bowl(), np.linspace(2.0, -2.0, 5)),
    (DoubleWell(), [1.8]),
])
def test_energy_balance_closes_on_nonconvex_objectives(objective, start):
    eb = energy_balance(objective, start, np.linspace(0.0, 4.0, 41))
    assert np.max(np.abs(eb.residual) / eb.scale) < 1e-10
    assert np.all(np.diff(eb.dissipated) >= 0)


def test_energy_balance_samples_match_the_flow():
    obj = wavy_bowl()
    t = np.linspace(0.0, 2.0, 5)
    eb = energy_balance(obj, np.ones(obj.dim), t)
    direct = gradient_flow(obj, np.ones(obj.dim), t)
    assert np.allclose(eb.trajectory.points, direct.points, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("times, message", [
    ([0.0], "at least two"),
    ([0.5, 1.0], "start at 0"),
    ([0.0, 1.0, 1.0], "strictly increasing"),
    ([0.0, np.nan], "finite"),
])
def test_energy_balance_rejects_bad_times(times, message):
    with pytest.raises(ValueError, match=message):
        energy_balance(Quadratic([[1.0]]), [1.0], times)


def test_energy_balance_rejects_bad_nodes_and_start():
    with pytest.raises(ValueError, match="nodes"):
        energy_balance(Quadratic([[1.0]]), [1.0], [0.0, 1.0], nodes=0)
    with pytest.raises(ValueError, match="start"):
        energy_balance(Quadratic([[1.0]]), [1.0, 2.0], [0.0, 1.0])


def test_convex_lyapunov_never_increases_on_a_convex_flow():
    f = RadialPower(4.0, dim=2)
    path = gradient_flow(f, [1.5, -1.0], np.linspace(0.0, 10.0, 101))
    E = convex_lyapunov(path, f.minimizer, f.minimum)
    assert E[0] == pytest.approx(0.5 * (1.5**2 + 1.0))
    assert np.all(np.diff(E) <= 1e-12)


def test_convex_lyapunov_rejects_bad_input():
    path = gradient_flow(Quadratic([[1.0]]), [1.0], [0.0, 1.0])
    with pytest.raises(ValueError, match="minimizer"):
        convex_lyapunov(path, [0.0, 0.0], 0.0)
    with pytest.raises(ValueError, match="minimum must be finite"):
        convex_lyapunov(path, [0.0], np.nan)
