"""Fits that turn a measured sequence into a number a theorem predicts."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validation import positive_array

__all__ = ["LineFit", "fit_line", "loglog_slope", "geometric_rate", "decay_exponent"]


@dataclass(frozen=True)
class LineFit:
    """Least-squares line y = slope * x + intercept, with the fit's r^2."""

    slope: float
    intercept: float
    r_squared: float


def fit_line(x, y) -> LineFit:
    """Least-squares line through (x, y); needs at least two distinct x."""
    x = np.asarray(x, dtype=float).reshape(-1)
    y = np.asarray(y, dtype=float).reshape(-1)
    if x.shape != y.shape:
        raise ValueError(f"x and y must have the same length; got {x.size} and {y.size}")
    if x.size < 2 or np.ptp(x) == 0:
        raise ValueError("a line fit needs at least two distinct x values")
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
        raise ValueError("x and y must be finite")
    slope, intercept = np.polyfit(x, y, 1)
    resid = y - (slope * x + intercept)
    total = np.sum((y - y.mean()) ** 2)
    r2 = 1.0 - float(np.sum(resid**2) / total) if total > 0 else 1.0
    return LineFit(float(slope), float(intercept), r2)


def _positive(values, name):
    return positive_array(values, name, purpose=" to be fitted on a log scale").reshape(-1)


def loglog_slope(x, y) -> LineFit:
    """Fit log y = p log x + c: p is the order of y in x (e.g. error vs step size)."""
    return fit_line(np.log(_positive(x, "x")), np.log(_positive(y, "y")))


def geometric_rate(steps, errors) -> float:
    """The factor rho in errors ~ C rho^k, from a least-squares fit of log errors on k."""
    return float(np.exp(fit_line(steps, np.log(_positive(errors, "errors"))).slope))


def decay_exponent(times, errors) -> float:
    """The exponent c in errors ~ C e^{-c t}, from a least-squares fit of log errors on t."""
    return -fit_line(times, np.log(_positive(errors, "errors"))).slope
