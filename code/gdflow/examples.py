"""The standard objectives the book's chapters share, built reproducibly.

A page and its test must check a claim on the same function; building it here
once keeps them from drifting apart.
"""

from __future__ import annotations

import numpy as np

from .problems import LogisticRegression, Quadratic, WavyBowl

__all__ = ["ill_conditioned_bowl", "random_quadratic", "logistic_problem", "wavy_bowl"]


def ill_conditioned_bowl(condition_number: float = 10.0) -> Quadratic:
    """f(x, y) = (x^2 + kappa y^2)/2 rotated by 30 degrees: mu = 1, L = kappa."""
    c, s = np.cos(np.pi / 6), np.sin(np.pi / 6)
    rotation = np.array([[c, -s], [s, c]])
    return Quadratic.from_eigenvalues([1.0, condition_number], rotation)


def random_quadratic(rng: np.random.Generator, dim: int = 5, condition_number: float = 10.0) -> Quadratic:
    """A random quadratic with eigenvalues spread log-uniformly on [1, kappa] (both ends included)."""
    lam = np.exp(np.linspace(0.0, np.log(condition_number), dim))
    q, _ = np.linalg.qr(rng.standard_normal((dim, dim)))
    b = rng.standard_normal(dim)
    return Quadratic(q @ np.diag(lam) @ q.T, b=b)


def logistic_problem(rng: np.random.Generator, n: int = 200, dim: int = 5,
                     regularization: float = 0.1) -> LogisticRegression:
    """Ridge-regularised logistic regression on noisy Gaussian data (convex, non-quadratic)."""
    w = rng.standard_normal(dim)
    X = rng.standard_normal((n, dim))
    y = np.where(X @ w + 0.5 * rng.standard_normal(n) > 0, 1.0, -1.0)
    return LogisticRegression(X, y, regularization=regularization)


def wavy_bowl(dim: int = 5) -> WavyBowl:
    """A nonconvex, globally 5-smooth function with many local minima."""
    return WavyBowl(np.linspace(1.0, 3.0, dim), amplitude=0.5, frequency=2.0)
