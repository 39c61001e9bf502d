"""Quantities that gradient flow dissipates: the energy balance and Lyapunov functions.

Along the flow theta' = -grad f(theta) the objective drops at the rate
||grad f||^2, so f(theta(t)) - f(theta(0)) = -int_0^t ||grad f(theta(s))||^2 ds.
:func:`energy_balance` measures both sides independently: the left from two
values of f, the right by Gauss-Legendre quadrature of the squared gradient norm
along the integrated path. :func:`convex_lyapunov` evaluates the function
E(t) = t (f - f*) + ||theta - theta*||^2 / 2 whose decrease proves the convex rate.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import roots_legendre

from ._validation import as_point, count
from .flow import gradient_flow
from .problems import Objective
from .trajectory import Trajectory

__all__ = ["EnergyBalance", "energy_balance", "convex_lyapunov"]


@dataclass(frozen=True)
class EnergyBalance:
    """Both sides of the energy identity at the sample times of a flow.

    Attributes
    ----------
    trajectory : Trajectory
        The flow at the sample times (the first is 0).
    decrease : ndarray, shape (n,)
        f(theta(t)) - f(theta(0)).
    dissipated : ndarray, shape (n,)
        int_0^t ||grad f(theta(s))||^2 ds.
    """

    trajectory: Trajectory
    decrease: np.ndarray
    dissipated: np.ndarray

    @property
    def residual(self) -> np.ndarray:
        """decrease + dissipated: zero when the identity holds, shape (n,)."""
        return self.decrease + self.dissipated

    @property
    def scale(self) -> np.ndarray:
        """1 + |f(theta(0))| + dissipated: the size of the terms, for relative comparison."""
        return 1.0 + abs(float(self.trajectory.values[0])) + self.dissipated


def energy_balance(objective: Objective, start, times, *, nodes: int = 8, **flow_options) -> EnergyBalance:
    r"""Measure f(theta(t)) - f(theta(0)) and int_0^t ||grad f||^2 along the gradient flow.

    The flow is sampled at ``times`` and, inside every interval between two
    consecutive times, at ``nodes`` Gauss-Legendre points; the integral over
    each interval is the Gauss-Legendre sum (exact for polynomials of degree
    2 nodes - 1), and the intervals are accumulated.

    Parameters
    ----------
    objective : Objective
    start : array_like, shape (d,)
    times : array_like, shape (n,)
        Increasing times with times[0] == 0.
    nodes : int
        Quadrature points per interval (at least 1).
    **flow_options
        Passed to :func:`gdflow.flow.gradient_flow` (``exact``, ``rtol``, ``atol``).

    Returns
    -------
    EnergyBalance

    Examples
    --------
    >>> from gdflow.problems import Quadratic
    >>> eb = energy_balance(Quadratic([[1.0]]), [1.0], [0.0, 1.0, 2.0])
    >>> bool(abs(eb.residual).max() < 1e-12)
    True
    """
    x0 = as_point(start, "start", objective.dim)
    nodes = count(nodes, "nodes", minimum=1)
    t = np.asarray(times, dtype=float).reshape(-1)
    if t.size < 2:
        raise ValueError("times needs at least two entries (0 and a later time)")
    if not np.all(np.isfinite(t)):
        raise ValueError("times must be finite")
    if t[0] != 0.0:
        raise ValueError(f"times must start at 0; got {t[0]}")
    if np.any(np.diff(t) <= 0):
        raise ValueError("times must be strictly increasing")
    x, w = roots_legendre(nodes)
    left, width = t[:-1, None], np.diff(t)[:, None]
    inner = left + 0.5 * width * (x[None, :] + 1.0)          # (n-1, nodes)
    all_times = np.concatenate([t[:-1, None], inner], axis=1).reshape(-1)
    all_times = np.append(all_times, t[-1])
    path = gradient_flow(objective, x0, all_times, **flow_options)
    stride = nodes + 1
    g = objective.gradient(path.points)
    sq = np.sum(g**2, axis=-1)[:-1].reshape(-1, stride)[:, 1:]
    pieces = 0.5 * np.diff(t) * (sq @ w)
    dissipated = np.concatenate([[0.0], np.cumsum(pieces)])
    keep = np.append(np.arange(0, all_times.size - 1, stride), all_times.size - 1)
    sampled = Trajectory(times=t, points=path.points[keep], values=path.values[keep],
                         method=path.method)
    return EnergyBalance(sampled, sampled.values - sampled.values[0], dissipated)


def convex_lyapunov(trajectory: Trajectory, minimizer, minimum: float) -> np.ndarray:
    r"""E(t) = t (f(theta(t)) - f*) + ||theta(t) - theta*||^2 / 2 at each time, shape (n,).

    For a convex f, E never increases along the gradient flow; since
    E(0) = ||theta_0 - theta*||^2 / 2 this gives f(theta(t)) - f* <= R^2 / (2t).

    Examples
    --------
    >>> from gdflow.problems import Quadratic
    >>> from gdflow.flow import gradient_flow
    >>> tr = gradient_flow(Quadratic([[1.0]]), [1.0], [0.0, 1.0])
    >>> convex_lyapunov(tr, [0.0], 0.0).round(4)
    array([0.5   , 0.1353])
    """
    theta_star = as_point(minimizer, "minimizer", trajectory.points.shape[1])
    f_star = float(minimum)
    if not np.isfinite(f_star):
        raise ValueError(f"minimum must be finite; got {minimum}")
    return trajectory.times * trajectory.gaps(f_star) + 0.5 * trajectory.distances(theta_star) ** 2
