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
