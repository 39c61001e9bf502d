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
