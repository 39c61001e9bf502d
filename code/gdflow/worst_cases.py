"""Instances on which a method attains its worst case or fails.

- :func:`lessard_counterexample`: a strongly convex, smooth, piecewise
  quadratic function of one variable on which the heavy-ball method, tuned as
  for quadratics, cycles instead of converging (Lessard, Recht and Packard, 2016).
- :func:`nesterov_worst_quadratic`: the tridiagonal quadratic on which no
  first-order method can beat 3 L R^2 / (32 (k+1)^2) after k steps (Nesterov).
- :func:`huber_ridge`: a Huber function plus a ridge, mu-strongly convex and
  L-smooth but not quadratic, on which gradient descent started far from the
  minimiser comes close to its worst linear rate.
"""

from __future__ import annotations

import numpy as np

from ._validation import count, positive_number
from .problems import Objective, Quadratic

__all__ = ["PiecewiseQuadratic", "lessard_counterexample", "nesterov_worst_quadratic",
           "nesterov_lower_bound", "huber_ridge"]


class PiecewiseQuadratic(Objective):
    r"""A convex C^1 function of one variable whose derivative is piecewise linear.

    f'(x) = c_i x + d_i on the i-th interval between consecutive breakpoints, with
    the pieces chosen so that f' is continuous; f(0) = 0 at the minimiser 0.

    Parameters
    ----------
    breakpoints : array_like, shape (m,)
        Increasing points where the curvature changes.
    curvatures : array_like, shape (m + 1,)
        Positive curvature on each of the m + 1 intervals, left to right.
    minimizer_piece : int
        Index of the interval containing the minimiser 0 (its offset d_i is 0).
    """

    dim = 1
    convex = True

    def __init__(self, breakpoints, curvatures, minimizer_piece: int = 0):
        b = np.asarray(breakpoints, dtype=float).reshape(-1)
        c = np.asarray(curvatures, dtype=float).reshape(-1)
        if c.size != b.size + 1:
            raise ValueError(f"need one more curvature than breakpoints; got {c.size} and {b.size}")
        if np.any(np.diff(b) <= 0) or not np.all(np.isfinite(b)):
            raise ValueError("breakpoints must be finite and increasing")
        if np.any(c <= 0) or not np.all(np.isfinite(c)):
            raise ValueError("curvatures must be positive and finite")
        i0 = count(minimizer_piece, "minimizer_piece")
        if i0 > b.size:
            raise ValueError(f"minimizer_piece must be at most {b.size}; got {i0}")
        lo = -np.inf if i0 == 0 else b[i0 - 1]
        hi = np.inf if i0 == b.size else b[i0]
        if not lo < 0 < hi:
            raise ValueError("the minimiser 0 must lie inside the piece minimizer_piece")
        d = np.zeros(c.size)
        for i in range(i0 + 1, c.size):      # continuity of f' at b[i-1], moving right
            d[i] = (c[i - 1] - c[i]) * b[i - 1] + d[i - 1]
        for i in range(i0 - 1, -1, -1):      # and moving left
            d[i] = (c[i + 1] - c[i]) * b[i] + d[i + 1]
        e = np.zeros(c.size)                 # constants making f continuous, f(0) = 0
        for i in range(i0 + 1, c.size):
            x = b[i - 1]
            e[i] = (0.5 * c[i - 1] * x**2 + d[i - 1] * x + e[i - 1]) - (0.5 * c[i] * x**2 + d[i] * x)
        for i in range(i0 - 1, -1, -1):
            x = b[i]
            e[i] = (0.5 * c[i + 1] * x**2 + d[i + 1] * x + e[i + 1]) - (0.5 * c[i] * x**2 + d[i] * x)
        self.breakpoints, self.curvatures, self.offsets, self.constants = b, c, d, e
        self.smoothness = float(c.max())
        self.strong_convexity = float(c.min())

    @property
    def minimizer(self):
        return np.zeros(1)

    def _piece(self, x):
        return np.searchsorted(self.breakpoints, x, side="right")

    def value(self, theta):
        x = self._batch(theta)[..., 0]
        i = self._piece(x)
        out = 0.5 * self.curvatures[i] * x**2 + self.offsets[i] * x + self.constants[i]
        return float(out) if np.ndim(out) == 0 else out

    def gradient(self, theta):
        x = self._batch(theta)
        i = self._piece(x[..., 0])
        return (self.curvatures[i] * x[..., 0] + self.offsets[i])[..., None]


def lessard_counterexample(smoothness: float = 25.0, strong_convexity: float = 1.0) -> PiecewiseQuadratic:
    r"""The piecewise quadratic of Lessard, Recht and Packard (2016), Section 4.6.

    f'(x) = L x for x < 1, mu x + (L - mu) for 1 <= x < 2, and L x - (L - mu) beyond:
    curvature L, then mu, then L again. It is mu-strongly convex and L-smooth, with
    minimiser 0. With L = 25 and mu = 1 this is the instance of the paper.

    Examples
    --------
    >>> f = lessard_counterexample()
    >>> f.gradient([1.5]), f.smoothness, f.strong_convexity
    (array([25.5]), 25.0, 1.0)
    """
    L = positive_number(smoothness, "smoothness")
    mu = positive_number(strong_convexity, "strong_convexity")
    if mu >= L:
        raise ValueError(f"strong_convexity ({mu:g}) must be below smoothness ({L:g})")
    return PiecewiseQuadratic([1.0, 2.0], [L, mu, L], minimizer_piece=0)


def nesterov_worst_quadratic(dim: int, smoothness: float = 1.0) -> Quadratic:
    r"""Nesterov's worst-case quadratic in R^dim.

    f(x) = L/4 [ (x_1^2 + sum_{i<n} (x_i - x_{i+1})^2 + x_n^2)/2 - x_1 ]: A = L/4 tridiag(-1, 2, -1),
    b = L/4 e_1. Its minimiser is x*_i = 1 - i/(n+1) and f* = -L/8 (1 - 1/(n+1)); it is
    L-smooth because ||A|| < L. Started from 0, a first-order method reaches only
    the first k coordinates in k steps.

    Examples
    --------
    >>> q = nesterov_worst_quadratic(3, 4.0)
    >>> q.minimizer, q.minimum
    (array([0.75, 0.5 , 0.25]), -0.375)
    """
    n = count(dim, "dim", minimum=1)
    L = positive_number(smoothness, "smoothness")
    A = 0.25 * L * (2.0 * np.eye(n) - np.eye(n, k=1) - np.eye(n, k=-1))
    b = np.zeros(n)
    b[0] = 0.25 * L
    return Quadratic(A, b)


def nesterov_lower_bound(num_steps, distance_sq, smoothness: float = 1.0):
    r"""3 L R^2 / (32 (k + 1)^2), Nesterov's lower bound after k steps. Broadcasts over k.

    Examples
    --------
    >>> float(nesterov_lower_bound(1, 32.0))
    0.75
    """
    k = np.asarray(num_steps, dtype=float)
    return 3.0 * float(smoothness) * np.asarray(distance_sq, dtype=float) / (32.0 * (k + 1.0) ** 2)


def huber_ridge(smoothness: float, strong_convexity: float, threshold: float) -> PiecewiseQuadratic:
    r"""(L - mu) h_delta(|x|) + mu x^2/2 in one dimension, with the Huber function h_delta.

    Its curvature is L on [-delta, delta] and mu outside, so it is mu-strongly convex and
    L-smooth with minimiser 0, and not a quadratic. Far from the minimiser its gradient is
    mu x plus the constant (L - mu) delta: with a small threshold, gradient descent with a
    step chosen for L contracts the distance there by nearly 1 - eta mu per step, the
    worst factor of the class.

    Examples
    --------
    >>> f = huber_ridge(10.0, 1.0, 0.1)
    >>> f.gradient([2.0]), f.smoothness, f.strong_convexity
    (array([2.9]), 10.0, 1.0)
    """
    L = positive_number(smoothness, "smoothness")
    mu = positive_number(strong_convexity, "strong_convexity")
    if mu >= L:
        raise ValueError(f"strong_convexity ({mu:g}) must be below smoothness ({L:g})")
    delta = positive_number(threshold, "threshold")
    return PiecewiseQuadratic([-delta, delta], [mu, L, mu], minimizer_piece=1)
