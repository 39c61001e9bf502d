"""The ODE solve shared by the continuous flows: theta' = v(theta), sampled at given times.

:func:`~gdflow.flow.gradient_flow` and :func:`~gdflow.natural.natural_gradient_flow`
differ only in their vector field; both integrate it here with
``scipy.integrate.solve_ivp`` (DOP853, 8th order) and report a failed solve as
:class:`SolverError` (public as ``gdflow.SolverError``). The second-order flows of
:mod:`gdflow.odes` use the same solve (:func:`sample_ivp`) for their first-order
systems, whose right-hand side may depend on t and which may start at t0 > 0.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
from scipy.integrate import solve_ivp

#: Default tolerances for solve_ivp. With DOP853 these keep the flow's error
#: around 1e-10 relative on the book's problems, far below any tolerance a claim uses.
RTOL = 1e-11
ATOL = 1e-13


class SolverError(RuntimeError):
    """Raised when the ODE solver fails to integrate the flow."""


def sample_ivp(rhs: Callable[[float, np.ndarray], np.ndarray], start: np.ndarray,
               times: np.ndarray, *, t0: float = 0.0, rtol: float, atol: float, name: str,
               method: str = "DOP853") -> np.ndarray:
    """Points y(t) of y' = rhs(t, y), y(t0) = ``start``, at the checked ``times`` (all >= t0).

    Returns an array of shape (len(times), d). ``name`` names the flow in the
    :class:`SolverError` raised when the solver fails or leaves the finite numbers.
    ``method`` is passed to ``solve_ivp`` (DOP853 unless a caller needs a stiff
    solver, e.g. ``"LSODA"``).
    """
    if times[-1] == t0:
        return np.repeat(start[None, :], times.size, axis=0)
    sol = solve_ivp(rhs, (t0, times[-1]), start,
                    method=method, t_eval=times, rtol=rtol, atol=atol)
    if sol.status != 0 or not np.all(np.isfinite(sol.y)):
        raise SolverError(f"the {name} solver failed: {sol.message}")
    return sol.y.T


def sample_solution(vector_field: Callable[[np.ndarray], np.ndarray], start: np.ndarray,
                    times: np.ndarray, *, rtol: float, atol: float, name: str) -> np.ndarray:
    """Points theta(t) of theta' = v(theta), theta(0) = ``start``, at the checked ``times``.

    Returns an array of shape (len(times), d). ``name`` names the flow in the
    :class:`SolverError` raised when the solver fails or leaves the finite numbers.
    """
    return sample_ivp(lambda _t, y: vector_field(y), start, times, rtol=rtol, atol=atol, name=name)
