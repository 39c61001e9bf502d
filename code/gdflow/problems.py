"""Objectives with the constants the theorems need.

Every objective evaluates ``value`` and ``gradient`` on a single point of shape
``(d,)`` or on a batch of shape ``(..., d)``, so a sweep over many points is one
call. The constants are attributes: ``smoothness`` (L, the Lipschitz constant of
the gradient, ``None`` where there is no global one), ``strong_convexity`` (mu,
0 for merely convex, ``None`` for nonconvex), ``minimizer`` and ``minimum``
(``None`` where not known in closed form).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from scipy import optimize, special

from ._validation import as_point, nonnegative_number, positive_number, symmetric_matrix

__all__ = [
    "Objective",
    "Quadratic",
    "ScalarQuadratic",
    "Huber",
    "LogisticRegression",
    "WavyBowl",
    "DoubleWell",
    "Rosenbrock",
]


class Objective:
    """Base class: a differentiable function on R^d with its known constants."""

    dim: int
    smoothness: float | None = None
    strong_convexity: float | None = None
    convex: bool = False

    @property
    def minimizer(self) -> np.ndarray | None:
        return None

    @property
    def minimum(self) -> float | None:
        m = self.minimizer
        return None if m is None else float(self.value(m))

    @property
    def condition_number(self) -> float | None:
        """kappa = L / mu where both are known and mu > 0."""
        if self.smoothness is None or not self.strong_convexity:
            return None
        return self.smoothness / self.strong_convexity

    def value(self, theta) -> np.ndarray | float:
        raise NotImplementedError

    def gradient(self, theta) -> np.ndarray:
        raise NotImplementedError

    def _batch(self, theta) -> np.ndarray:
        arr = np.asarray(theta, dtype=float)
        if arr.shape[-1:] != (self.dim,):
            raise ValueError(
                f"points must have last axis of length {self.dim}; got shape {arr.shape}"
            )
        return arr


def _scalar(x):
    return float(x) if np.ndim(x) == 0 else x


@dataclass(frozen=True, eq=False)
class Quadratic(Objective):
    r"""f(theta) = 1/2 theta^T A theta - b^T theta + c with A symmetric positive definite.

    ``smoothness`` is lambda_max(A), ``strong_convexity`` lambda_min(A), the
    minimiser solves A theta* = b.

    Parameters
    ----------
    A : array_like, shape (d, d)
        Symmetric positive definite matrix.
    b : array_like, shape (d,), optional
        Linear term (default zero).
    c : float, optional
        Constant term (default 0).

    Examples
    --------
    >>> q = Quadratic([[2.0, 0.0], [0.0, 1.0]], b=[2.0, 1.0])
    >>> q.minimizer, q.smoothness, q.strong_convexity
    (array([1., 1.]), 2.0, 1.0)
    """

    A: np.ndarray
    b: np.ndarray | None = None
    c: float = 0.0
    eigenvalues: np.ndarray = field(init=False, repr=False)
    eigenvectors: np.ndarray = field(init=False, repr=False)

    def __post_init__(self):
        A = symmetric_matrix(self.A, "A", positive_definite=True)
        d = A.shape[0]
        b = np.zeros(d) if self.b is None else as_point(self.b, "b")
        if b.shape[0] != d:
            raise ValueError(f"b has {b.shape[0]} entries but A is {d}x{d}")
        c = float(self.c)
        if not np.isfinite(c):
            raise ValueError(f"c must be finite; got {c}")
        lam, V = np.linalg.eigh(A)
        for name, val in (("A", A), ("b", b), ("c", c), ("eigenvalues", lam), ("eigenvectors", V)):
            object.__setattr__(self, name, val)

    @classmethod
    def from_eigenvalues(cls, eigenvalues, rotation=None) -> "Quadratic":
        """The quadratic 1/2 theta^T V diag(eigenvalues) V^T theta (minimiser 0)."""
        lam = as_point(eigenvalues, "eigenvalues")
        V = np.eye(lam.size) if rotation is None else np.asarray(rotation, dtype=float)
        return cls(V @ np.diag(lam) @ V.T)

    @property
    def dim(self) -> int:
        return self.A.shape[0]

    @property
    def smoothness(self) -> float:
        return float(self.eigenvalues[-1])

    @property
    def strong_convexity(self) -> float:
        return float(self.eigenvalues[0])

    convex = True

    @cached_property
    def minimizer(self) -> np.ndarray:
        return np.linalg.solve(self.A, self.b)

    @property
    def minimum(self) -> float:
        return float(self.c - 0.5 * self.b @ self.minimizer)

    def value(self, theta):
        x = self._batch(theta)
        # x A through matmul (BLAS), then a row-wise dot: far faster than a three-operand
        # einsum for a long trajectory in many dimensions, equal up to rounding.
        return _scalar(0.5 * np.einsum("...i,...i->...", x @ self.A, x) - x @ self.b + self.c)

    def gradient(self, theta):
        x = self._batch(theta)
        return x @ self.A - self.b

    def hessian(self, theta=None) -> np.ndarray:
        return self.A


class ScalarQuadratic(Objective):
    r"""f(x) = c x^2 / 2 in one dimension, for any real curvature c (convex or not).

    The scalar test problem of stability theory. ``smoothness`` is |c|;
    ``strong_convexity`` is c when c > 0, 0 when c = 0 and ``None`` when f is concave.
    """

    dim = 1

    def __init__(self, curvature: float):
        c = float(curvature)
        if not np.isfinite(c):
            raise ValueError(f"curvature must be finite; got {curvature}")
        self.curvature = c
        self.smoothness = abs(c)
        self.convex = c >= 0
        self.strong_convexity = c if c > 0 else (0.0 if c == 0 else None)

    @property
    def minimizer(self):
        return np.zeros(1) if self.curvature > 0 else None

    def value(self, theta):
        x = self._batch(theta)[..., 0]
        return _scalar(0.5 * self.curvature * x**2)

    def gradient(self, theta):
        return self.curvature * self._batch(theta)


class Huber(Objective):
    r"""Radial Huber function f(theta) = L * h(||theta||), minimiser 0.

    h(r) = r^2/2 for r <= delta and delta*r - delta^2/2 beyond: quadratic near the
    minimiser, linear far away. It is convex and L-smooth but not strongly
    convex, and with delta = R/(2k+1) it is the function on which gradient
    descent with step 1/L attains its worst case after k steps.

    Parameters
    ----------
    threshold : float
        delta > 0, the radius where the quadratic part ends.
    smoothness : float
        L > 0.
    dim : int
        Dimension d.
    """

    convex = True
    strong_convexity = 0.0

    def __init__(self, threshold: float, smoothness: float = 1.0, dim: int = 1):
        self.threshold = positive_number(threshold, "threshold")
        self.smoothness = positive_number(smoothness, "smoothness")
        if int(dim) != dim or dim < 1:
            raise ValueError(f"dim must be a positive integer; got {dim}")
        self.dim = int(dim)

    @property
    def minimizer(self):
        return np.zeros(self.dim)

    def value(self, theta):
        x = self._batch(theta)
        r = np.linalg.norm(x, axis=-1)
        d = self.threshold
        h = np.where(r <= d, 0.5 * r**2, d * r - 0.5 * d**2)
        return _scalar(self.smoothness * h)

    def gradient(self, theta):
        x = self._batch(theta)
        r = np.linalg.norm(x, axis=-1, keepdims=True)
        scale = np.where(r <= self.threshold, 1.0, self.threshold / np.maximum(r, 1e-300))
        return self.smoothness * scale * x


class LogisticRegression(Objective):
    r"""Mean logistic loss with optional ridge term.

    f(w) = (1/n) sum_i log(1 + exp(-y_i x_i^T w)) + (lambda/2) ||w||^2, labels in {-1, +1}.
    L = lambda_max(X^T X)/(4n) + lambda and mu = lambda. The minimiser is computed
    once, with scipy's trust-region Newton method polished by Newton steps to
    gradient norm 1e-13.
    """

    convex = True

    def __init__(self, features, labels, regularization: float = 0.0):
        X = np.asarray(features, dtype=float)
        y = np.asarray(labels, dtype=float)
        if X.ndim != 2:
            raise ValueError(f"features must be a 2-D array (n, d); got shape {X.shape}")
        if y.shape != (X.shape[0],):
            raise ValueError(
                f"labels must have shape ({X.shape[0]},) to match features; got {y.shape}"
            )
        if not (np.all(np.isfinite(X)) and np.all(np.isfinite(y))):
            raise ValueError("features and labels must be finite")
        if not np.all(np.isin(y, (-1.0, 1.0))):
            raise ValueError("labels must be -1 or +1")
        self.features, self.labels = X, y
        self.regularization = nonnegative_number(regularization, "regularization")
        self.dim = X.shape[1]
        n = X.shape[0]
        self.smoothness = float(np.linalg.eigvalsh(X.T @ X)[-1] / (4 * n) + self.regularization)
        self.strong_convexity = self.regularization

    def value(self, theta):
        w = self._batch(theta)
        margins = (w @ self.features.T) * self.labels
        # log(1 + e^{-m}) = max(-m, 0) + log1p(e^{-|m|}): no overflow, and a few times
        # faster than np.logaddexp(0, -m) on large batches.
        loss = np.mean(np.maximum(-margins, 0.0) + np.log1p(np.exp(-np.abs(margins))), axis=-1)
        return _scalar(loss + 0.5 * self.regularization * np.sum(w**2, axis=-1))

    def gradient(self, theta):
        w = self._batch(theta)
        margins = (w @ self.features.T) * self.labels
        # d/dm log(1+e^{-m}) = -sigmoid(-m), computed without overflow.
        weights = -special.expit(-margins) * self.labels
        return weights @ self.features / self.features.shape[0] + self.regularization * w

    def hessian(self, theta) -> np.ndarray:
        """(1/n) X^T diag(s) X + lambda I with s_i = sigma(m_i) sigma(-m_i), m_i the margins.

        ``theta`` of shape (d,) gives (d, d); a batch (..., d) gives (..., d, d).
        """
        w = self._batch(theta)
        if not np.all(np.isfinite(w)):
            raise ValueError("theta contains NaN or infinite entries")
        m = (w @ self.features.T) * self.labels
        s = special.expit(m) * special.expit(-m)
        X = self.features
        # sum_n s_n x_n x_n^T for every point at once: one matrix product with the
        # outer products x_n x_n^T laid out as rows of length d^2.
        outer = (X[:, :, None] * X[:, None, :]).reshape(X.shape[0], self.dim**2)
        H = (s @ outer).reshape(*s.shape[:-1], self.dim, self.dim)
        return H / X.shape[0] + self.regularization * np.eye(self.dim)

    def separable(self) -> bool:
        """True if some w has y_i x_i^T w >= 1 for all i (then, unregularised, no minimiser exists)."""
        A_ub = -(self.features * self.labels[:, None])
        res = optimize.linprog(np.zeros(self.dim), A_ub=A_ub, b_ub=-np.ones(len(self.labels)),
                               bounds=[(None, None)] * self.dim, method="highs")
        return res.status == 0

    @cached_property
    def minimizer(self):
        if self.regularization == 0 and self.separable():
            raise ValueError(
                "logistic regression has no minimiser: the data are linearly separable and "
                "there is no regularization, so the loss decreases forever along a separating direction"
            )
        # A trust-region Newton method gets close from any start; plain Newton steps,
        # quadratically convergent there, then polish to rounding level (trust-exact
        # alone may stop near 1e-10 with "bad approximation").
        res = optimize.minimize(
            self.value, np.zeros(self.dim), jac=self.gradient, hess=self.hessian,
            method="trust-exact", options={"gtol": 1e-10},
        )
        w = res.x
        for _ in range(20):
            g = self.gradient(w)
            if np.linalg.norm(g) <= 1e-13:
                break
            w = w - np.linalg.solve(self.hessian(w), g)
        if not np.all(np.isfinite(w)) or np.linalg.norm(self.gradient(w)) > 1e-12:
            raise ValueError(f"the minimiser of the logistic loss was not found: {res.message}")
        return w


class WavyBowl(Objective):
    r"""Nonconvex but globally L-smooth: f(theta) = sum_i [c_i theta_i^2 / 2 + a cos(omega theta_i)].

    Each coordinate's second derivative c_i - a omega^2 cos(omega theta_i) lies in
    [c_i - a omega^2, c_i + a omega^2], so L = max c_i + a omega^2, and f is
    nonconvex as soon as a omega^2 > min c_i. It has many local minima.
    """

    strong_convexity = None

    def __init__(self, curvatures, amplitude: float = 1.0, frequency: float = 2.0):
        self.curvatures = as_point(curvatures, "curvatures")
        if np.any(self.curvatures <= 0):
            raise ValueError("curvatures must be positive")
        self.amplitude = nonnegative_number(amplitude, "amplitude")
        self.frequency = positive_number(frequency, "frequency")
        self.dim = self.curvatures.size
        bump = self.amplitude * self.frequency**2
        self.smoothness = float(self.curvatures.max() + bump)
        self.convex = bool(bump <= self.curvatures.min())

    def value(self, theta):
        x = self._batch(theta)
        a, w = self.amplitude, self.frequency
        return _scalar(np.sum(0.5 * self.curvatures * x**2 + a * np.cos(w * x), axis=-1))

    def gradient(self, theta):
        x = self._batch(theta)
        a, w = self.amplitude, self.frequency
        return self.curvatures * x - a * w * np.sin(w * x)


class DoubleWell(Objective):
    r"""f(x) = (x^2 - 1)^2 / 4 in one dimension: minima at +-1, a local maximum at 0.

    Nonconvex and not globally L-smooth (f'' = 3x^2 - 1 grows without bound).
    """

    dim = 1
    smoothness = None
    strong_convexity = None

    @property
    def minimizer(self):
        return np.array([1.0])

    def value(self, theta):
        x = self._batch(theta)[..., 0]
        return _scalar(0.25 * (x**2 - 1.0) ** 2)

    def gradient(self, theta):
        x = self._batch(theta)
        return x * (x**2 - 1.0)


class Rosenbrock(Objective):
    r"""f(x, y) = (a - x)^2 + b (y - x^2)^2, minimiser (a, a^2), a curved narrow valley."""

    dim = 2
    smoothness = None
    strong_convexity = None

    def __init__(self, a: float = 1.0, b: float = 100.0):
        self.a = float(a)
        self.b = positive_number(b, "b")

    @property
    def minimizer(self):
        return np.array([self.a, self.a**2])

    def value(self, theta):
        p = self._batch(theta)
        x, y = p[..., 0], p[..., 1]
        return _scalar((self.a - x) ** 2 + self.b * (y - x**2) ** 2)

    def gradient(self, theta):
        p = self._batch(theta)
        x, y = p[..., 0], p[..., 1]
        gx = -2 * (self.a - x) - 4 * self.b * x * (y - x**2)
        gy = 2 * self.b * (y - x**2)
        return np.stack([gx, gy], axis=-1)


class RadialPower(Objective):
    r"""f(theta) = ||theta||^p / p with p >= 2: convex, minimiser 0, flat to high order there.

    For p > 2 the Hessian ||theta||^{p-2}(I + (p-2) u u^T) is unbounded, so f is
    not L-smooth (``smoothness`` is ``None``) and not strongly convex
    (``strong_convexity`` is 0); the gradient is still locally Lipschitz, so the
    gradient flow exists and is unique. For p = 2 it is ||theta||^2 / 2 (L = mu = 1).
    The flow keeps the direction and shrinks the radius: for p > 2,
    r(t) = (r_0^{2-p} + (p - 2) t)^{-1/(p-2)}.

    Parameters
    ----------
    power : float
        p >= 2.
    dim : int
        Dimension d.

    Examples
    --------
    >>> f = RadialPower(4.0)
    >>> float(f.value([2.0])), f.gradient([2.0])
    (4.0, array([8.]))
    """

    convex = True

    def __init__(self, power: float = 4.0, dim: int = 1):
        p = positive_number(power, "power")
        if p < 2:
            raise ValueError(f"power must be at least 2 (differentiable with locally Lipschitz gradient); got {power}")
        if isinstance(dim, bool) or int(dim) != dim or dim < 1:
            raise ValueError(f"dim must be a positive integer; got {dim}")
        self.power = p
        self.dim = int(dim)
        self.smoothness = 1.0 if p == 2 else None
        self.strong_convexity = 1.0 if p == 2 else 0.0

    @property
    def minimizer(self):
        return np.zeros(self.dim)

    def value(self, theta):
        r = np.linalg.norm(self._batch(theta), axis=-1)
        return _scalar(r**self.power / self.power)

    def gradient(self, theta):
        x = self._batch(theta)
        r = np.linalg.norm(x, axis=-1, keepdims=True)
        return r ** (self.power - 2.0) * x

    def flow_radius(self, radius, times):
        """Exact ||theta(t)|| of the gradient flow started at distance ``radius`` from 0."""
        r0 = nonnegative_number(radius, "radius")
        t = np.asarray(times, dtype=float)
        if not np.all(np.isfinite(t)) or np.any(t < 0):
            raise ValueError("times must be non-negative and finite")
        if r0 == 0:
            return np.zeros_like(t)
        p = self.power
        if p == 2:
            return r0 * np.exp(-t)
        return (r0 ** (2.0 - p) + (p - 2.0) * t) ** (-1.0 / (p - 2.0))

__all__ += ["RadialPower"]
