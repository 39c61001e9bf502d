"""Second-order flows: the damped (heavy-ball) flow and the Su-Boyd-Candes equation.

Both are integrated with ``scipy.integrate.solve_ivp`` (DOP853, through
``gdflow._integrate.sample_ivp``) as first-order systems in (position,
velocity), and return a
:class:`~gdflow.trajectory.Trajectory` of positions.
"""

from __future__ import annotations

import numpy as np
from scipy import special

from ._integrate import ATOL, RTOL, sample_ivp
from ._validation import as_point, nonnegative_number, positive_number, sample_times
from .problems import Objective
from .trajectory import Trajectory

__all__ = ["damped_flow", "nesterov_flow", "nesterov_flow_start", "nesterov_flow_states", "bessel_solution",
           "nesterov_flow_energy", "nesterov_energy"]

#: Where :func:`nesterov_flow` leaves the series and starts the solver, relative
#: to the curvature time scale 1/sqrt(L) (or absolute when L is unknown). The
#: series' first neglected term is of order (t0^2 L)^2 ||grad f||/L, about 1e-16 here.
NESTEROV_T0 = 1e-4


def damped_flow(objective: Objective, start, times, damping: float, *, velocity=None,
                rtol: float = RTOL, atol: float = ATOL, method: str = "DOP853") -> Trajectory:
    r"""Solve theta'' + gamma theta' + grad f(theta) = 0 from theta(0) = start.

    Parameters
    ----------
    objective : Objective
    start : array_like, shape (d,)
        theta(0); must be finite.
    times : array_like, shape (n,)
        Non-decreasing sample times t >= 0; the flow starts at t = 0.
    damping : float
        gamma >= 0 (friction per unit mass). gamma = 0 conserves
        f(theta) + ||theta'||^2 / 2.
    velocity : array_like, shape (d,), optional
        theta'(0); zero (a ball released at rest) by default.
    rtol, atol : float
        Solver tolerances.
    method : {"DOP853", "LSODA"}
        The ``solve_ivp`` method. Heavy damping over a long time makes the
        system stiff (the velocity relaxes at rate gamma while the position
        moves at rate 1/gamma), and an explicit method then needs about
        gamma^2 steps; ``"LSODA"`` switches to an implicit method there.

    Returns
    -------
    Trajectory
        Positions theta(t) at ``times``.

    Raises
    ------
    SolverError
        If the solver fails.

    Examples
    --------
    >>> from gdflow.problems import Quadratic
    >>> q = Quadratic([[1.0]])
    >>> # Critically damped (gamma = 2): theta(t) = (1 + t) e^{-t}
    >>> round(float(damped_flow(q, [1.0], [0.0, 1.0], 2.0).points[1, 0]), 8)
    0.73575888
    """
    x0 = as_point(start, "start", objective.dim)
    v0 = np.zeros_like(x0) if velocity is None else as_point(velocity, "velocity", objective.dim)
    gamma = nonnegative_number(damping, "damping")
    t = sample_times(times)
    rtol = positive_number(rtol, "rtol")
    atol = positive_number(atol, "atol")
    if method not in ("DOP853", "LSODA"):
        raise ValueError(f"method must be 'DOP853' or 'LSODA'; got {method!r}")
    d = x0.size

    def rhs(_t, y):
        return np.concatenate([y[d:], -gamma * y[d:] - objective.gradient(y[:d])])
    states = sample_ivp(rhs, np.concatenate([x0, v0]), t, rtol=rtol, atol=atol, name="damped-flow",
                        method=method)
    points = states[:, :d]
    values = np.asarray(objective.value(points), dtype=float).reshape(-1)
    return Trajectory(times=t, points=points, values=values,
                      method=f"damped flow (gamma = {gamma:g})")


def nesterov_flow_start(objective: Objective, start, t0: float):
    r"""Position and velocity at a small time t0 from the series of X'' + (3/t) X' + grad f(X) = 0.

    Near t = 0 the solution with X(0) = X_0, X'(0) = 0 is
    X(t) = X_0 - t^2/8 grad f(X_0) + O(t^4), so X'(t) = -t/4 grad f(X_0) + O(t^3).

    Returns
    -------
    position, velocity : ndarray, shape (d,)
    """
    x0 = as_point(start, "start", objective.dim)
    t0 = nonnegative_number(t0, "t0")
    g = objective.gradient(x0)
    return x0 - t0**2 / 8.0 * g, -t0 / 4.0 * g


def nesterov_flow(objective: Objective, start, times, *, t0: float | None = None,
                  rtol: float = RTOL, atol: float = ATOL) -> Trajectory:
    r"""Solve the Su-Boyd-Candes equation X'' + (3/t) X' + grad f(X) = 0, X(0) = start, X'(0) = 0.

    The coefficient 3/t is singular at t = 0. The solution is smooth there, with
    the series of :func:`nesterov_flow_start`; the solver starts from that series
    at a small time t0 and sample times at or below t0 are taken from the series.

    Parameters
    ----------
    objective : Objective
    start : array_like, shape (d,)
        X(0); must be finite.
    times : array_like, shape (n,)
        Non-decreasing sample times t >= 0.
    t0 : float, optional
        Where the solver starts; default ``NESTEROV_T0 / sqrt(L)`` (or
        ``NESTEROV_T0`` when the objective has no known L).
    rtol, atol : float
        Solver tolerances.

    Returns
    -------
    Trajectory
        Positions X(t) at ``times``. The iterates of
        :func:`gdflow.momentum.nesterov` with step s sit near X(k sqrt(s)).

    Examples
    --------
    >>> from gdflow.problems import Quadratic
    >>> q = Quadratic([[1.0]])
    >>> x = nesterov_flow(q, [1.0], [0.0, 2.0]).points[:, 0]
    >>> bool(abs(x[1] - bessel_solution(2.0)) < 1e-9)
    True
    """
    t, points, _ = _nesterov_states(objective, start, times, t0, rtol, atol)
    values = np.asarray(objective.value(points), dtype=float).reshape(-1)
    return Trajectory(times=t, points=points, values=values, method="Nesterov flow (3/t damping)")


def nesterov_flow_states(objective: Objective, start, times, *, t0: float | None = None,
                         rtol: float = RTOL, atol: float = ATOL):
    r"""Times, positions X(t) and velocities X'(t) of X'' + (3/t) X' + grad f(X) = 0, from one solve.

    The solve of :func:`nesterov_flow`, returning the velocities too, so that a
    caller needing both the path and :func:`nesterov_energy` solves once.

    Returns
    -------
    times : ndarray, shape (n,)
    positions, velocities : ndarray, shape (n, d)

    Examples
    --------
    >>> from gdflow.problems import Quadratic
    >>> t, X, V = nesterov_flow_states(Quadratic([[1.0]]), [1.0], [0.0, 2.0])
    >>> X.shape, V.shape, bool(abs(X[1, 0] - bessel_solution(2.0)) < 1e-9)
    ((2, 1), (2, 1), True)
    """
    return _nesterov_states(objective, start, times, t0, rtol, atol)


def _nesterov_states(objective, start, times, t0, rtol, atol):
    """Times, positions X(t) and velocities X'(t) of the Su-Boyd-Candes equation (shared solver)."""
    x0 = as_point(start, "start", objective.dim)
    t = sample_times(times)
    rtol = positive_number(rtol, "rtol")
    atol = positive_number(atol, "atol")
    if t0 is None:
        L = objective.smoothness
        t0 = NESTEROV_T0 / np.sqrt(L) if L else NESTEROV_T0
    t0 = positive_number(t0, "t0")
    d = x0.size
    points = np.empty((t.size, d))
    velocities = np.empty((t.size, d))
    early = t <= t0
    if np.any(early):
        g = objective.gradient(x0)
        points[early] = x0 - (t[early] ** 2 / 8.0)[:, None] * g
        velocities[early] = -(t[early] / 4.0)[:, None] * g
    if not np.all(early):
        p0, v0 = nesterov_flow_start(objective, x0, t0)

        def rhs(s, y):
            return np.concatenate([y[d:], -3.0 / s * y[d:] - objective.gradient(y[:d])])
        states = sample_ivp(rhs, np.concatenate([p0, v0]), t[~early], t0=t0, rtol=rtol, atol=atol,
                            name="Nesterov-flow")
        points[~early] = states[:, :d]
        velocities[~early] = states[:, d:]
    return t, points, velocities


def bessel_solution(times, curvature: float = 1.0):
    r"""X(t)/X(0) = 2 J_1(sqrt(c) t)/(sqrt(c) t) for f = c x^2/2, the closed-form Nesterov flow.

    Substituting X(t) = u(sqrt(c) t)/(sqrt(c) t) turns the equation into Bessel's
    equation of order 1 for u; the solution regular at 0 with X(0) = 1 is
    u = 2 J_1. Elementwise in ``times``; the value at t = 0 is 1.

    Examples
    --------
    >>> float(bessel_solution(0.0))
    1.0
    """
    c = positive_number(curvature, "curvature")
    z = np.sqrt(c) * np.asarray(times, dtype=float)
    safe = np.where(z == 0, 1.0, z)
    out = np.where(z == 0, 1.0, 2.0 * special.j1(safe) / safe)
    return float(out) if out.ndim == 0 else out


def nesterov_flow_energy(objective: Objective, start, times, *, weight: float = 2.0, t0: float | None = None,
                         rtol: float = RTOL, atol: float = ATOL) -> np.ndarray:
    r"""E(t) = t^2 (f(X) - f*) + w ||X + (t/2) X' - x*||^2 along the Su-Boyd-Candes flow.

    With the weight w = 2 this is the Lyapunov function of the O(1/t^2) bound: for
    convex f it is nonincreasing, and E(0) = 2 ||x_0 - x*||^2. Other weights are
    accepted so that a wrong energy can be tested.

    Parameters
    ----------
    objective : Objective
        Needs a known ``minimizer``.
    start : array_like, shape (d,)
        X(0).
    times : array_like, shape (n,)
        Non-decreasing sample times t >= 0.
    weight : float
        w > 0.
    t0, rtol, atol
        As in :func:`nesterov_flow`.

    Returns
    -------
    ndarray, shape (n,)

    Examples
    --------
    >>> from gdflow.problems import Quadratic
    >>> e = nesterov_flow_energy(Quadratic([[1.0]]), [1.0], [0.0, 1.0, 5.0])
    >>> float(e[0]), bool(e[1] <= e[0] and e[2] <= e[1])
    (2.0, True)
    """
    positive_number(weight, "weight")
    if objective.minimizer is None:
        raise ValueError("nesterov_flow_energy needs an objective with a known minimizer")
    t, X, V = _nesterov_states(objective, start, times, t0, rtol, atol)
    return nesterov_energy(objective, t, X, V, weight=weight)


def nesterov_energy(objective: Objective, times, positions, velocities, *, weight: float = 2.0) -> np.ndarray:
    r"""E(t) = t^2 (f(X) - f*) + w ||X + (t/2) X' - x*||^2 from given states, e.g. of :func:`nesterov_flow_states`.

    Parameters
    ----------
    objective : Objective
        Needs a known ``minimizer``.
    times : array_like, shape (n,)
    positions, velocities : array_like, shape (n, d)
    weight : float
        w > 0.

    Returns
    -------
    ndarray, shape (n,)

    Examples
    --------
    >>> from gdflow.problems import Quadratic
    >>> float(nesterov_energy(Quadratic([[1.0]]), [0.0], [[1.0]], [[0.0]])[0])
    2.0
    """
    w = positive_number(weight, "weight")
    xstar = objective.minimizer
    if xstar is None:
        raise ValueError("nesterov_energy needs an objective with a known minimizer")
    t = np.asarray(times, dtype=float)
    X = np.asarray(positions, dtype=float)
    V = np.asarray(velocities, dtype=float)
    if X.ndim != 2 or X.shape != V.shape or X.shape[0] != t.shape[0]:
        raise ValueError(f"positions and velocities must both have shape (len(times), d) = "
                         f"({t.shape[0]}, d); got {X.shape} and {V.shape}")
    gap = np.asarray(objective.value(X), dtype=float).reshape(-1) - objective.minimum
    return t**2 * gap + w * np.sum((X + 0.5 * t[:, None] * V - xstar) ** 2, axis=1)
