r"""A small two-layer tanh network for one-dimensional regression, with its Hessian and sharpness.

The model is :math:`u(x) = \sum_{j=1}^m v_j \tanh(w_j x + b_j)` with parameters
``theta = (w, b, v)`` of length ``3m``, fitted to data ``(x_i, y_i)`` by the mean
squared loss :math:`f(\theta) = \frac{1}{2n}\sum_i (u(x_i) - y_i)^2`. The gradient is
written out by hand (back-propagation through one hidden layer); the Hessian is the
central difference of that gradient, column by column, which is exact up to
:math:`O(\varepsilon^2)` and symmetrised. The *sharpness* is the largest eigenvalue of the
Hessian, found by Lanczos iteration on Hessian-vector products (differences of two
gradients): about 20 products, where the whole Hessian costs ``6m`` gradients.
"""

from __future__ import annotations

import numpy as np

from ._validation import count, positive_number
from .descent import gradient_descent
from .problems import Objective

__all__ = ["TanhNetwork", "regression_data", "network_start", "sharpness_along"]


class TanhNetwork(Objective):
    r"""Mean squared loss of a two-layer tanh network without biases at the output.

    Parameters
    ----------
    inputs, targets : array_like, shape (n,)
        The data points x_i and the values y_i; finite, same length, n >= 1.
    width : int
        The number m of hidden units; the parameter vector has length 3m.

    Examples
    --------
    >>> net = TanhNetwork([0.0, 1.0], [0.0, 1.0], width=2)
    >>> net.dim
    6
    >>> float(net.value(np.zeros(6)))
    0.25
    """

    def __init__(self, inputs, targets, width: int):
        x = np.asarray(inputs, dtype=float)
        y = np.asarray(targets, dtype=float)
        if x.ndim != 1 or y.ndim != 1 or x.size == 0:
            raise ValueError(f"inputs and targets must be non-empty one-dimensional arrays; got shapes "
                             f"{x.shape} and {y.shape}")
        if x.shape != y.shape:
            raise ValueError(f"inputs and targets must have the same length; got {x.size} and {y.size}")
        if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
            raise ValueError("inputs and targets must be finite")
        self.inputs, self.targets = x, y
        self.width = count(width, "width", minimum=1)
        self.dim = 3 * self.width

    def _split(self, theta):
        m = self.width
        return theta[..., :m], theta[..., m:2 * m], theta[..., 2 * m:]

    def predict(self, theta) -> np.ndarray:
        """u(x_i) for every data point; shape (..., n) for parameters of shape (..., 3m)."""
        w, b, v = self._split(self._batch(theta))
        hidden = np.tanh(self.inputs[:, None] * w[..., None, :] + b[..., None, :])
        return np.einsum("...nm,...m->...n", hidden, v)

    def value(self, theta):
        """The loss f(theta) = mean (u(x_i) - y_i)^2 / 2, for one point or a batch."""
        residual = self.predict(theta) - self.targets
        out = 0.5 * np.mean(residual**2, axis=-1)
        return float(out) if np.ndim(out) == 0 else out

    def gradient(self, theta) -> np.ndarray:
        """The gradient of the loss at one parameter vector (back-propagation, by hand)."""
        theta = self._batch(theta)
        if theta.ndim != 1:
            raise ValueError(f"gradient takes one parameter vector of shape ({self.dim},); got {theta.shape}")
        w, b, v = self._split(theta)
        x = self.inputs
        hidden = np.tanh(np.outer(x, w) + b)
        weight = (hidden @ v - self.targets) / x.size          # d loss / d u(x_i)
        back = np.outer(weight, v) * (1.0 - hidden**2)          # d loss / d pre-activation
        return np.concatenate([back.T @ x, back.sum(axis=0), hidden.T @ weight])

    def hessian(self, theta, step: float = 1e-5) -> np.ndarray:
        """The Hessian by central differences of the gradient, symmetrised.

        Each column's error is O(step²) times the third derivatives (about 1e-9 here at the
        default step) plus rounding of order 1e-16/step.
        """
        theta = self._batch(theta)
        step = positive_number(step, "step")
        columns = np.empty((self.dim, self.dim))
        for i in range(self.dim):
            e = np.zeros(self.dim)
            e[i] = step
            columns[i] = (self.gradient(theta + e) - self.gradient(theta - e)) / (2.0 * step)
        return 0.5 * (columns + columns.T)

    def hessian_vector(self, theta, vector, step: float = 1e-5) -> np.ndarray:
        """H(theta) v by a central difference of the gradient along v (step ``step`` in norm)."""
        theta, vector = self._batch(theta), self._batch(vector)
        norm = float(np.linalg.norm(vector))
        if norm == 0.0:
            return np.zeros(self.dim)
        h = positive_number(step, "step") / norm
        return (self.gradient(theta + h * vector) - self.gradient(theta - h * vector)) / (2.0 * h)

    def top_eigenpair(self, theta, start=None) -> tuple[float, np.ndarray]:
        """The largest Hessian eigenvalue and a unit eigenvector, by Lanczos iteration on
        Hessian-vector products (scipy's ``eigsh``); ``start`` (for example the vector found
        at a nearby point) speeds it up. About 20 products of two gradients each, against
        the 2 x 3m gradients of :meth:`hessian`; the two agree to 1e-8 relative or better (tested).
        """
        from scipy.sparse.linalg import LinearOperator, eigsh

        theta = self._batch(theta)
        operator = LinearOperator((self.dim, self.dim), dtype=float,
                                  matvec=lambda v: self.hessian_vector(theta, np.ravel(v)))
        v0 = np.ones(self.dim) if start is None else self._batch(start)
        values, vectors = eigsh(operator, k=1, which="LA", v0=v0, tol=1e-10)
        return float(values[0]), vectors[:, 0]

    def sharpness(self, theta, *, dense: bool = False) -> float:
        """The largest eigenvalue of the Hessian at ``theta``: by Lanczos iteration
        (:meth:`top_eigenpair`), or with ``dense=True`` from the whole Hessian."""
        if dense:
            return float(np.linalg.eigvalsh(self.hessian(theta))[-1])
        return self.top_eigenpair(theta)[0]


def regression_data(num_points: int = 40, amplitude: float = 3.0):
    """The book's data set: n equally spaced x in [-1, 1] and y = A (sin 3x + 0.3 cos 7x)."""
    n = count(num_points, "num_points", minimum=2)
    a = positive_number(amplitude, "amplitude")
    x = np.linspace(-1.0, 1.0, n)
    return x, a * (np.sin(3.0 * x) + 0.3 * np.cos(7.0 * x))


def network_start(width: int = 20, seed: int = 0, scales=(1.5, 0.5, 0.3)) -> np.ndarray:
    """Gaussian initial parameters (w, b, v) with standard deviations ``scales``, seeded."""
    m = count(width, "width", minimum=1)
    scales = [positive_number(s, "scale") for s in scales]
    if len(scales) != 3:
        raise ValueError(f"scales must give three standard deviations (w, b, v); got {len(scales)}")
    rng = np.random.default_rng(seed)
    return np.concatenate([rng.normal(size=m) * scales[0], rng.normal(size=m) * scales[1],
                           rng.normal(size=m) * scales[2]])


def sharpness_along(network: TanhNetwork, start, step_size: float, num_steps: int, every: int = 100):
    """Full-batch gradient descent on the network, with the loss at every step and the sharpness every ``every``.

    Returns ``(losses, steps, sharpness)``: ``losses`` has length ``num_steps + 1``; the
    sharpness is measured at steps ``0, every, 2 every, ...``. Divergence raises
    :class:`~gdflow.trajectory.DivergenceError`, as for :func:`~gdflow.descent.gradient_descent`.
    """
    every = count(every, "every", minimum=1)
    path = gradient_descent(network, start, step_size, num_steps)
    losses = np.asarray(path.values, dtype=float)
    steps = np.arange(0, path.points.shape[0], every)
    sharp, vector = [], None
    for k in steps:  # each Lanczos run starts from the previous eigenvector
        value, vector = network.top_eigenpair(path.points[k], vector)
        sharp.append(value)
    return losses, steps, np.array(sharp)
