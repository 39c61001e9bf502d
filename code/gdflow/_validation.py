"""Input checks shared by the package: every public entry point validates here.

Errors name the argument and the problem so that a reader who passes bad input
learns what to change, instead of meeting a NaN or an overflow warning later.

Scalars: :func:`positive_number`, :func:`nonnegative_number`, :func:`count`.
Arrays: :func:`as_point`, :func:`symmetric_matrix`, :func:`positive_array`,
:func:`step_counts`, :func:`sample_times`.
Run options: :func:`step_schedule`, :func:`divergence_mode`.
"""

from __future__ import annotations

import numbers
from typing import Callable, Union

import numpy as np

#: A step size: a positive number eta, or a schedule ``k -> eta_k``.
StepSize = Union[float, Callable[[int], float]]


def as_point(theta, name: str = "start", dim: int | None = None) -> np.ndarray:
    """Return ``theta`` as a finite 1-D float array, or raise ``ValueError``."""
    arr = np.asarray(theta, dtype=float)
    if arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a vector (1-D array); got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinite entries: {arr}")
    if dim is not None and arr.shape[0] != dim:
        raise ValueError(
            f"{name} has {arr.shape[0]} entries but the objective lives in dimension {dim}"
        )
    return arr


def positive_number(value, name: str) -> float:
    """Return ``value`` as a float if it is finite and > 0, else raise ``ValueError``."""
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, np.floating, np.integer)):
        raise ValueError(f"{name} must be a real number; got {value!r}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite; got {value}")
    if value <= 0:
        raise ValueError(f"{name} must be positive; got {value}")
    return value


def nonnegative_number(value, name: str) -> float:
    """Return ``value`` as a float if it is finite and >= 0, else raise ``ValueError``."""
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, np.floating, np.integer)):
        raise ValueError(f"{name} must be a real number; got {value!r}")
    value = float(value)
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be finite and non-negative; got {value}")
    return value


def count(value, name: str, minimum: int = 0) -> int:
    """Return ``value`` as an int >= ``minimum``, else raise ``ValueError``."""
    if isinstance(value, bool) or not isinstance(value, (numbers.Integral, np.integer)):
        raise ValueError(f"{name} must be an integer; got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}; got {value}")
    return int(value)


def symmetric_matrix(matrix, name: str = "A", *, positive_definite: bool = False) -> np.ndarray:
    """Return ``matrix`` as a finite symmetric float array, or raise ``ValueError``.

    With ``positive_definite=True`` its smallest eigenvalue must also be positive.
    Symmetry is judged with a relative tolerance of 1e-12 on the largest entry,
    which forgives rounding in a product like ``M.T @ M`` but not a real asymmetry.
    """
    arr = np.asarray(matrix, dtype=float)
    if arr.ndim != 2 or arr.shape[0] != arr.shape[1]:
        raise ValueError(f"{name} must be a square matrix; got shape {arr.shape}")
    if arr.shape[0] == 0:
        raise ValueError(f"{name} must not be empty")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinite entries")
    scale = max(1.0, float(np.max(np.abs(arr))))
    asym = float(np.max(np.abs(arr - arr.T)))
    if asym > 1e-12 * scale:
        raise ValueError(f"{name} is not symmetric: max |A - A^T| = {asym:.3g}")
    arr = 0.5 * (arr + arr.T)
    if positive_definite:
        lam_min = float(np.linalg.eigvalsh(arr)[0])
        if lam_min <= 0:
            raise ValueError(
                f"{name} is not positive definite: its smallest eigenvalue is {lam_min:.3g}"
            )
    return arr


def positive_array(values, name: str, *, purpose: str = "") -> np.ndarray:
    """Return ``values`` as a float array whose entries are all finite and > 0.

    ``purpose`` is appended to the message (e.g. " to be fitted on a log scale").
    """
    arr = np.asarray(values, dtype=float)
    if np.any(~np.isfinite(arr)) or np.any(arr <= 0):
        raise ValueError(f"{name} must be positive and finite{purpose}; got {values!r}")
    return arr


def step_counts(k, name: str = "k", minimum: int = 0) -> np.ndarray:
    """Return step counts ``k`` (a number or an array) as floats, checking they are integers >= ``minimum``.

    Integral floats such as ``3.0`` are accepted, so that ``np.arange`` output
    of any dtype can be passed.
    """
    arr = np.asarray(k)
    if not np.issubdtype(arr.dtype, np.number) or np.any(~np.isfinite(arr)):
        raise ValueError(f"{name} must be a finite number or array of numbers; got {k!r}")
    if np.any(arr < minimum) or np.any(arr != np.round(arr)):
        raise ValueError(f"{name} must be an integer (or array of integers) >= {minimum}; got {k!r}")
    return arr.astype(float)


def sample_times(times, name: str = "times") -> np.ndarray:
    """Return ``times`` as a non-empty 1-D array of finite, non-negative, non-decreasing floats."""
    t = np.asarray(times, dtype=float).reshape(-1)
    if t.size == 0:
        raise ValueError(f"{name} must not be empty")
    if not np.all(np.isfinite(t)):
        raise ValueError(f"{name} must be finite")
    if t[0] < 0 or np.any(np.diff(t) < 0):
        raise ValueError(f"{name} must be non-negative and non-decreasing")
    return t


def step_schedule(step_size: StepSize) -> Callable[[int], float]:
    """Return ``k -> eta_k`` for a fixed positive step or a schedule, checking every value it gives."""
    if callable(step_size):
        def schedule(k: int) -> float:
            return positive_number(step_size(k), f"step_size({k})")
        return schedule
    eta = positive_number(step_size, "step_size")
    return lambda k: eta


def divergence_mode(on_divergence) -> str:
    """Return ``on_divergence`` if it is ``"raise"`` or ``"stop"``, else raise ``ValueError``."""
    if on_divergence not in ("raise", "stop"):
        raise ValueError(f"on_divergence must be 'raise' or 'stop'; got {on_divergence!r}")
    return on_divergence
