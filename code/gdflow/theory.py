"""Right-hand sides of the book's theorems, as functions of their constants.

Each function returns the bound a theorem promises, so a page or a test can put
a measured quantity beside it. References point at the statement in the book.
"""

from __future__ import annotations

import numpy as np

__all__ = ["sufficient_decrease_bound", "descent_coefficient"]


def descent_coefficient(step_size, smoothness):
    r"""eta (1 - L eta / 2): the guaranteed decrease per unit of ||grad f||^2.

    Positive exactly when 0 < eta < 2/L (book: :ref:`lem-sufficient-decrease`).
    Works elementwise on arrays.
    """
    eta = np.asarray(step_size, dtype=float)
    return eta * (1.0 - 0.5 * smoothness * eta)


def sufficient_decrease_bound(value, gradient_sq_norm, step_size, smoothness):
    r"""f(theta) - eta (1 - L eta / 2) ||grad f(theta)||^2, the sufficient-decrease bound.

    For an L-smooth f it bounds f(theta - eta grad f(theta)) from above for every
    eta > 0. All arguments broadcast.

    Examples
    --------
    >>> float(sufficient_decrease_bound(1.0, 4.0, 0.5, 1.0))
    -0.5
    """
    return np.asarray(value, dtype=float) - descent_coefficient(step_size, smoothness) * gradient_sq_norm


# ---------------------------------------------------------------------------
# Gradient flow (book: chap-gradient-flow)
# ---------------------------------------------------------------------------

def _times_positive(times, name="times"):
    t = np.asarray(times, dtype=float)
    if not np.all(np.isfinite(t)) or np.any(t <= 0):
        raise ValueError(f"{name} must be positive and finite")
    return t


def flow_convex_bound(distance, times):
    r"""R^2 / (2t): the classical bound on f(theta(t)) - f* for the flow of a convex f.

    ``distance`` is R = ||theta_0 - theta*||. Elementwise in ``times`` (t > 0)
    (book: :ref:`thm-gf-convex`).

    Examples
    --------
    >>> float(flow_convex_bound(2.0, 4.0))
    0.5
    """
    return np.asarray(distance, dtype=float) ** 2 / (2.0 * _times_positive(times))


def flow_convex_sharp_bound(distance, times):
    r"""R^2 / (4t): the best bound on f(theta(t)) - f* over all convex f (book: :ref:`thm-gf-convex`).

    Examples
    --------
    >>> float(flow_convex_sharp_bound(2.0, 4.0))
    0.25
    """
    return np.asarray(distance, dtype=float) ** 2 / (4.0 * _times_positive(times))


def huber_worst_threshold(distance, time, smoothness=1.0):
    r"""The Huber threshold delta = R / (2 L t + 1) that maximises f(theta(t)) - f* at time t.

    For the flow of f = L h_delta(||theta||) started at distance R the gap at
    time t is L delta R - L delta^2 (L t + 1/2) while the flow is on the linear
    part; this delta maximises it (book: :ref:`thm-gf-convex`).

    Examples
    --------
    >>> float(huber_worst_threshold(1.0, 1.0))
    0.3333333333333333
    """
    R = np.asarray(distance, dtype=float)
    return R / (2.0 * smoothness * _times_positive(time, "time") + 1.0)


def huber_worst_gap(distance, times, smoothness=1.0):
    r"""R^2 / (4t + 2/L): the flow's gap at time t on the Huber function with threshold R/(2Lt+1).

    Its ratio to R^2/(4t) tends to 1 as L t grows, so R^2/(4t) cannot be
    improved for the class of convex functions.

    Examples
    --------
    >>> float(huber_worst_gap(1.0, 1.0))
    0.16666666666666666
    """
    R = np.asarray(distance, dtype=float)
    return R**2 / (4.0 * _times_positive(times) + 2.0 / smoothness)


def flow_strongly_convex_factor(strong_convexity, times):
    r"""e^{-2 mu t}: the factor by which the flow of a mu-strongly convex f shrinks
    f - f* and ||theta - theta*||^2 by time t (book: :ref:`thm-gf-strongly-convex-gap`).

    Examples
    --------
    >>> float(flow_strongly_convex_factor(0.5, 0.0))
    1.0
    """
    t = np.asarray(times, dtype=float)
    return np.exp(-2.0 * strong_convexity * t)


def gronwall_bound(initial, exponent_integrals):
    r"""u(0) exp(int_0^t a): Grönwall's bound on u(t) when u' <= a(t) u (book: :ref:`lem-gronwall`).

    ``exponent_integrals`` holds int_0^t a(s) ds at each time of interest.

    Examples
    --------
    >>> float(gronwall_bound(2.0, 0.0))
    2.0
    """
    return float(initial) * np.exp(np.asarray(exponent_integrals, dtype=float))


def logistic_flow_solution(start, times):
    r"""Exact gradient flow of f(x) = log(1 + e^{-x}) in one dimension.

    The flow x' = 1/(1 + e^x) separates into (1 + e^x) dx = dt, so
    x(t) + e^{x(t)} = c with c = t + x_0 + e^{x_0}. Writing omega for the Wright
    omega function (omega + log omega = c), x(t) = log omega(c); for large t,
    x(t) = log t + o(1): the flow runs off to infinity like log t.

    Parameters
    ----------
    start : float
        x(0).
    times : array_like
        Times t >= 0.

    Examples
    --------
    >>> float(logistic_flow_solution(0.0, 0.0))
    0.0
    """
    from scipy.special import wrightomega

    x0 = float(start)
    if not np.isfinite(x0):
        raise ValueError(f"start must be finite; got {start}")
    t = np.asarray(times, dtype=float)
    if not np.all(np.isfinite(t)) or np.any(t < 0):
        raise ValueError("times must be non-negative and finite")
    c = t + x0 + np.exp(x0)
    return np.log(np.real(wrightomega(c)))

# --- Discretisation of the flow and rates per unit time (chapters on the bridge and comparison) ---

__all__ += ["euler_global_bound", "gd_contraction_factor", "gd_decay_exponent"]

def euler_global_bound(step_size, horizon, smoothness, max_acceleration):
    r"""(e^{LT} - 1)/L * M eta / 2: forward Euler's global error bound on [0, T].

    For a flow with L-Lipschitz vector field and ||theta''|| <= M on [0, T]
    (book: :ref:`thm-euler-error`). Elementwise in ``step_size``.

    Examples
    --------
    >>> round(float(euler_global_bound(0.1, 1.0, 1.0, 2.0)), 6)
    0.171828
    """
    L = float(smoothness)
    if L <= 0:
        raise ValueError(f"smoothness must be positive; got {smoothness}")
    return np.expm1(L * horizon) / L * max_acceleration * np.asarray(step_size, dtype=float) / 2.0


def gd_contraction_factor(step_size, strong_convexity, smoothness):
    r"""max(|1 - eta mu|, |1 - eta L|): gradient descent's per-step factor for the distance.

    Exact for the worst quadratic with spectrum in [mu, L], and an upper bound
    for every mu-strongly convex L-smooth f. Below 1 exactly when 0 < eta < 2/L.
    Elementwise in ``step_size``.

    Examples
    --------
    >>> round(float(gd_contraction_factor(2 / 11, 1.0, 10.0)), 6)  # eta = 2/(L+mu): 9/11
    0.818182
    """
    eta = np.asarray(step_size, dtype=float)
    return np.maximum(np.abs(1.0 - eta * strong_convexity), np.abs(1.0 - eta * smoothness))


def gd_decay_exponent(step_size, strong_convexity, smoothness):
    r"""-ln(rho(eta)) / eta: the distance's decay exponent per unit time t = k eta.

    Gradient flow's exponent is mu; gradient descent's is at least mu whenever
    eta <= 2/(L + mu), because 1 - x <= e^{-x}. Elementwise in ``step_size``.

    Examples
    --------
    >>> round(float(gd_decay_exponent(0.1, 1.0, 10.0)), 4)  # eta = 1/L
    1.0536
    """
    eta = np.asarray(step_size, dtype=float)
    return -np.log(gd_contraction_factor(eta, strong_convexity, smoothness)) / eta
