r"""Natural gradient: steepest descent measured in a metric G(theta).

The natural gradient flow is d theta / dt = -G(theta)^{-1} grad f(theta) for a
symmetric positive definite *metric* G, fixed or depending on theta; its forward
Euler discretisation is natural gradient descent,
theta_{k+1} = theta_k - eta G(theta_k)^{-1} grad f(theta_k). With G = I both are
the plain methods.

The module also holds what the book needs to test the flow's defining property,
invariance under a change of coordinates: :class:`LinearReparametrization`
(f expressed in coordinates psi with theta = B psi, and the metric pulled back
to B^T G B) and :class:`GaussianFit`, a statistical model with its Fisher
information as the metric.
"""

from __future__ import annotations

from typing import Callable, Union

import numpy as np
from scipy.linalg import LinAlgError, cho_factor, cho_solve

from . import _iterate
from ._integrate import ATOL, RTOL, sample_solution
from ._validation import StepSize, as_point, positive_number, sample_times, symmetric_matrix
from .descent import DEFAULT_DIVERGENCE_THRESHOLD
from .problems import Objective
from .trajectory import Trajectory

__all__ = [
    "natural_gradient_flow", "natural_gradient_descent", "natural_direction",
    "LinearReparametrization", "GaussianFit",
]

Metric = Union[np.ndarray, Callable[[np.ndarray], np.ndarray]]


def _factor(matrix, dim: int, where: str):
    """Cholesky factor of a metric value, after checking shape, symmetry and definiteness."""
    G = symmetric_matrix(matrix, f"metric{where}")
    if G.shape != (dim, dim):
        raise ValueError(f"metric{where} must be {dim}x{dim} to match the objective; got {G.shape}")
    try:
        return cho_factor(G)
    except LinAlgError:
        lam_min = float(np.linalg.eigvalsh(G)[0])
        raise ValueError(
            f"metric{where} is not positive definite: its smallest eigenvalue is {lam_min:.3g}"
        ) from None


def _metric_solver(metric: Metric, dim: int) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    """Return ``(theta, g) -> G(theta)^{-1} g``, validating the metric.

    A fixed matrix is checked and factored once; a callable is checked at every
    evaluation (the factorisation that solves the system is the definiteness test).
    """
    if callable(metric):
        def solve(theta, g):
            return cho_solve(_factor(metric(theta), dim, f"({np.round(theta, 6).tolist()})"), g)
        return solve
    factor = _factor(metric, dim, "")
    return lambda theta, g: cho_solve(factor, g)


def natural_direction(objective: Objective, theta, metric: Metric) -> np.ndarray:
    r"""The natural gradient G(theta)^{-1} grad f(theta) at one point.

    Parameters
    ----------
    objective : Objective
    theta : array_like, shape (d,)
    metric : array_like, shape (d, d), or callable theta -> (d, d)
        Symmetric positive definite.

    Examples
    --------
    >>> from gdflow.problems import Quadratic
    >>> q = Quadratic([[4.0, 0.0], [0.0, 1.0]])
    >>> natural_direction(q, [1.0, 1.0], q.A)
    array([1., 1.])
    """
    x = as_point(theta, "theta", objective.dim)
    return _metric_solver(metric, objective.dim)(x, objective.gradient(x))


def natural_gradient_flow(objective: Objective, start, times, metric: Metric, *,
                          rtol: float = RTOL, atol: float = ATOL) -> Trajectory:
    r"""Solve d theta/dt = -G(theta)^{-1} grad f(theta) with ``scipy.integrate.solve_ivp``.

    Parameters
    ----------
    objective : Objective
    start : array_like, shape (d,)
        theta(0); must be finite.
    times : array_like, shape (n,)
        Non-decreasing sample times t >= 0; the flow starts at t = 0.
    metric : array_like, shape (d, d), or callable theta -> array (d, d)
        A fixed symmetric positive definite matrix G, or a function returning
        one at each point. Every value is checked: a metric that is not square
        of size d, not symmetric or not positive definite raises ``ValueError``.
    rtol, atol : float
        Tolerances of the DOP853 solver.

    Returns
    -------
    Trajectory

    Raises
    ------
    ValueError
        For bad input, including a metric that fails its checks along the path.
    SolverError
        If the solver fails.

    Examples
    --------
    With G equal to the Hessian of a quadratic, every direction decays like e^{-t}:

    >>> from gdflow.problems import Quadratic
    >>> q = Quadratic([[100.0, 0.0], [0.0, 1.0]])
    >>> path = natural_gradient_flow(q, [1.0, 1.0], [0.0, 1.0], q.A)
    >>> np.round(path.points[-1], 8)
    array([0.36787944, 0.36787944])
    """
    x0 = as_point(start, "start", objective.dim)
    t = sample_times(times)
    rtol = positive_number(rtol, "rtol")
    atol = positive_number(atol, "atol")
    solve = _metric_solver(metric, objective.dim)
    solve(x0, objective.gradient(x0))  # validate the metric at the start before integrating
    points = sample_solution(lambda y: -solve(y, objective.gradient(y)), x0, t, rtol=rtol,
                             atol=atol, name="natural-gradient-flow")
    values = np.asarray(objective.value(points), dtype=float).reshape(-1)
    return Trajectory(times=t, points=points, values=values,
                      method="natural gradient flow (solve_ivp)")


def natural_gradient_descent(
    objective: Objective,
    start,
    step_size: StepSize,
    num_steps: int,
    *,
    metric: Metric,
    on_divergence: str = "raise",
    divergence_threshold: float = DEFAULT_DIVERGENCE_THRESHOLD,
) -> Trajectory:
    r"""Natural gradient descent theta_{k+1} = theta_k - eta_k G(theta_k)^{-1} grad f(theta_k).

    Parameters
    ----------
    objective, start, step_size, num_steps, on_divergence, divergence_threshold
        As for :func:`gdflow.descent.gradient_descent`.
    metric : array_like, shape (d, d), or callable theta -> array (d, d)
        Symmetric positive definite metric, fixed or evaluated at each iterate
        (and checked there).

    Returns
    -------
    Trajectory
        ``times[k]`` is eta_0 + ... + eta_{k-1}.

    Examples
    --------
    With G equal to the Hessian and eta = 1 it is Newton's method: one step
    reaches the minimiser of a quadratic.

    >>> from gdflow.problems import Quadratic
    >>> q = Quadratic([[100.0, 0.0], [0.0, 1.0]], b=[100.0, 2.0])
    >>> natural_gradient_descent(q, [0.0, 0.0], 1.0, 1, metric=q.A).points[-1]
    array([1., 2.])
    """
    run = _iterate.prepare_run(objective, start, step_size, num_steps, on_divergence,
                               divergence_threshold)
    solve = _metric_solver(metric, objective.dim)  # solve(x, g) = G(x)^{-1} g

    def step(x, eta):
        return x - eta * solve(x, objective.gradient(x))

    return _iterate.iterate(objective, run, step, method="natural gradient descent")


class LinearReparametrization(Objective):
    r"""An objective in new coordinates: f~(psi) = f(B psi) for an invertible matrix B.

    Its gradient is B^T grad f(B psi). :meth:`pull_back` turns a metric G for
    theta into the metric B^T G(B psi) B for psi, which measures a displacement
    d psi exactly as G measures the displacement B d psi it causes in theta.

    Parameters
    ----------
    objective : Objective
        f, in the coordinates theta.
    matrix : array_like, shape (d, d)
        B; must be invertible (condition number below 1e12).

    Examples
    --------
    >>> from gdflow.problems import Quadratic
    >>> f = Quadratic([[1.0, 0.0], [0.0, 1.0]])
    >>> g = LinearReparametrization(f, [[2.0, 0.0], [0.0, 1.0]])
    >>> float(g.value([1.0, 1.0])), g.gradient([1.0, 1.0])
    (2.5, array([4., 1.]))
    """

    def __init__(self, objective: Objective, matrix):
        B = np.asarray(matrix, dtype=float)
        d = objective.dim
        if B.shape != (d, d):
            raise ValueError(f"matrix must be {d}x{d} to match the objective; got shape {B.shape}")
        if not np.all(np.isfinite(B)):
            raise ValueError("matrix contains NaN or infinite entries")
        cond = np.linalg.cond(B)
        if not np.isfinite(cond) or cond > 1e12:
            raise ValueError(f"matrix must be invertible; its condition number is {cond:.3g}")
        self.original = objective
        self.matrix = B
        self.dim = d

    def to_original(self, psi) -> np.ndarray:
        """theta = B psi, for one point (d,) or a batch (..., d)."""
        return self._batch(psi) @ self.matrix.T

    def from_original(self, theta) -> np.ndarray:
        """psi = B^{-1} theta, for one point (d,) or a batch (..., d)."""
        return np.linalg.solve(self.matrix, self._batch(theta).T).T

    def value(self, psi):
        return self.original.value(self.to_original(psi))

    def gradient(self, psi):
        return self.original.gradient(self.to_original(psi)) @ self.matrix

    def pull_back(self, metric: Metric) -> Metric:
        """The metric B^T G B in psi coordinates (a matrix if G is one, else a callable)."""
        B = self.matrix
        if callable(metric):
            return lambda psi: B.T @ np.asarray(metric(self.to_original(psi)), dtype=float) @ B
        return B.T @ np.asarray(metric, dtype=float) @ B


class GaussianFit(Objective):
    r"""Fitting N(mu, sigma^2) to data by maximum likelihood, in theta = (mu, s), s = log sigma.

    f(theta) = s + ((m - mu)^2 + v) e^{-2s} / 2 is the average negative
    log-likelihood (up to a constant) of data with mean m and variance v; its
    minimiser is (m, log(v)/2). :meth:`fisher_metric` is the Fisher information
    of the model in these coordinates, diag(e^{-2s}, 2), the metric of Amari's
    natural gradient. f is nonconvex and has no global L.

    Examples
    --------
    >>> g = GaussianFit(mean=1.0, variance=4.0)
    >>> g.minimizer, g.gradient(g.minimizer)
    (array([1.        , 0.69314718]), array([0., 0.]))
    """

    dim = 2
    smoothness = None
    strong_convexity = None

    def __init__(self, mean: float = 0.0, variance: float = 1.0):
        m = float(mean)
        if not np.isfinite(m):
            raise ValueError(f"mean must be finite; got {mean}")
        self.mean = m
        self.variance = positive_number(variance, "variance")

    @property
    def minimizer(self):
        return np.array([self.mean, 0.5 * np.log(self.variance)])

    def value(self, theta):
        p = self._batch(theta)
        mu, s = p[..., 0], p[..., 1]
        out = s + 0.5 * ((self.mean - mu) ** 2 + self.variance) * np.exp(-2.0 * s)
        return float(out) if np.ndim(out) == 0 else out

    def gradient(self, theta):
        p = self._batch(theta)
        mu, s = p[..., 0], p[..., 1]
        w = np.exp(-2.0 * s)
        return np.stack([(mu - self.mean) * w,
                         1.0 - ((self.mean - mu) ** 2 + self.variance) * w], axis=-1)

    def fisher_metric(self, theta) -> np.ndarray:
        """The Fisher information diag(e^{-2s}, 2) of N(mu, e^{2s}) at theta = (mu, s)."""
        p = as_point(theta, "theta", 2)
        return np.diag([np.exp(-2.0 * p[1]), 2.0])
