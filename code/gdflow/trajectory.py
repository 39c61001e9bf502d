"""The common output of every method and flow: points on a shared time axis."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Trajectory", "DivergenceError"]


class DivergenceError(ArithmeticError):
    """Raised when an iteration leaves every bounded region (it diverged)."""


@dataclass(frozen=True)
class Trajectory:
    """Points of a discrete method or a flow, time first.

    Attributes
    ----------
    times : ndarray, shape (n,)
        Time of each point. For gradient descent t_k is the sum of the first k
        step sizes, so a descent path and a flow path can be compared at equal t.
    points : ndarray, shape (n, d)
        theta at each time.
    values : ndarray, shape (n,)
        f(theta) at each time.
    method : str
        Which method or flow produced it.
    diverged : bool
        True when the iteration was stopped because it diverged; the arrays then
        end at the last point that was still below the divergence threshold.
    """

    times: np.ndarray
    points: np.ndarray
    values: np.ndarray
    method: str
    diverged: bool = False

    def __post_init__(self):
        n = len(self.times)
        if self.points.shape[0] != n or self.values.shape != (n,):
            raise ValueError("times, points and values must share their first axis")

    def __len__(self) -> int:
        return len(self.times)

    @property
    def steps(self) -> np.ndarray:
        """Iteration counts 0, 1, ..., n-1."""
        return np.arange(len(self.times))

    def distances(self, point) -> np.ndarray:
        """||theta(t) - point|| at each time, shape (n,)."""
        return np.linalg.norm(self.points - np.asarray(point, dtype=float), axis=1)

    def gaps(self, minimum: float) -> np.ndarray:
        """f(theta(t)) - minimum at each time, shape (n,)."""
        return self.values - float(minimum)
