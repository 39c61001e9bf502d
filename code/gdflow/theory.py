r"""Right-hand sides of the book's theorems, as functions of their constants.

Each function returns what a theorem promises (a bound, a rate, a step count),
so that a page or a test can put a measured quantity beside it. Docstrings name
the statement in the book with a ``:prf:ref:`` to its label. Every function works
elementwise on arrays unless it says otherwise.

Contents, in the order of the book:

Gradient descent (chapter ``gradient-descent``, claims C01-C10)
    :func:`descent_coefficient`, :func:`sufficient_decrease_bound` -- one step;
    :func:`convex_gap_bound`, :func:`descent_huber_threshold`,
    :func:`worst_quadratic_gap` -- the convex rate and its worst cases;
    :func:`contraction_factor`, :func:`optimal_step_size`,
    :func:`optimal_contraction_factor` -- the strongly convex rate;
    :func:`iterations_to_accuracy`, :func:`iterations_to_accuracy_estimate` --
    iteration complexity.
Gradient flow (chapter ``gradient-flow``)
    :func:`flow_convex_bound`, :func:`flow_convex_sharp_bound`,
    :func:`flow_huber_threshold`, :func:`huber_worst_gap` -- the convex rate and
    its worst case; :func:`flow_strongly_convex_factor`, :func:`gronwall_bound`;
    :func:`logistic_flow_solution` -- a flow that runs off to infinity.
From descent to flow (chapters ``bridge`` and ``comparison``)
    :func:`euler_global_bound` -- forward Euler's error;
    :func:`gd_decay_exponent` -- gradient descent's rate per unit of time.

``gd_contraction_factor`` is an older name of :func:`contraction_factor` with
the constants in the order (mu, L); it is kept for code that still uses it.
"""

from __future__ import annotations

import numpy as np

from ._validation import positive_array as _positive
from ._validation import step_counts as _steps

__all__ = [
    # Gradient descent
    "descent_coefficient", "sufficient_decrease_bound",
    "convex_gap_bound", "descent_huber_threshold", "worst_quadratic_gap",
    "contraction_factor", "optimal_step_size", "optimal_contraction_factor",
    "iterations_to_accuracy", "iterations_to_accuracy_estimate",
    # Gradient flow
    "flow_convex_bound", "flow_convex_sharp_bound", "flow_huber_threshold", "huber_worst_gap",
    "flow_strongly_convex_factor", "gronwall_bound", "logistic_flow_solution",
    # From descent to flow
    "euler_global_bound", "gd_decay_exponent",
    # Older name, kept for existing callers
    "gd_contraction_factor",
]


# ---------------------------------------------------------------------------
# Checks of the constants shared by the formulas below
# ---------------------------------------------------------------------------

def _distance(distance):
    """R = ||theta_0 - theta*|| as a float array, finite and non-negative."""
    R = np.asarray(distance, dtype=float)
    if np.any(~np.isfinite(R)) or np.any(R < 0):
        raise ValueError(f"distance must be finite and non-negative; got {distance!r}")
    return R


def _constants(smoothness, strong_convexity):
    """(L, mu), both positive and finite, with mu <= L."""
    L = _positive(smoothness, "smoothness")
    mu = _positive(strong_convexity, "strong_convexity")
    if np.any(mu > L):
        raise ValueError(f"strong_convexity (mu = {strong_convexity}) cannot exceed "
                         f"smoothness (L = {smoothness})")
    return L, mu


def _accuracy_and_kappa(accuracy, condition_number):
    """(eps, kappa) with 0 < eps < 1 and kappa > 1."""
    eps = _positive(accuracy, "accuracy")
    if np.any(eps >= 1):
        raise ValueError(f"accuracy must lie in (0, 1); got {accuracy!r}")
    kappa = _positive(condition_number, "condition_number")
    if np.any(kappa <= 1):
        raise ValueError(f"condition_number must exceed 1 for a finite count; got {condition_number!r}")
    return eps, kappa


# ---------------------------------------------------------------------------
# Gradient descent (book: chapter gradient-descent, claims C01-C10)
# ---------------------------------------------------------------------------

def descent_coefficient(step_size, smoothness):
    r"""eta (1 - L eta / 2): the guaranteed decrease per unit of ||grad f||^2.

    Positive exactly when 0 < eta < 2/L (book: :prf:ref:`lem-sufficient-decrease`).

    Parameters
    ----------
    step_size : float or array_like
        eta.
    smoothness : float
        L.

    Returns
    -------
    ndarray
        The coefficient, one per step size.

    Examples
    --------
    >>> float(descent_coefficient(1.0, 1.0))
    0.5
    """
    eta = np.asarray(step_size, dtype=float)
    return eta * (1.0 - 0.5 * smoothness * eta)


def sufficient_decrease_bound(value, gradient_sq_norm, step_size, smoothness):
    r"""f(theta) - eta (1 - L eta / 2) ||grad f(theta)||^2, the sufficient-decrease bound.

    For an L-smooth f it bounds f(theta - eta grad f(theta)) from above for every
    eta > 0 (book: :prf:ref:`lem-sufficient-decrease`).

    Parameters
    ----------
    value : float or array_like
        f(theta).
    gradient_sq_norm : float or array_like
        ||grad f(theta)||^2.
    step_size : float or array_like
        eta.
    smoothness : float
        L.

    Returns
    -------
    ndarray
        The upper bound on f after the step, the arguments broadcast together.

    Examples
    --------
    >>> float(sufficient_decrease_bound(1.0, 4.0, 0.5, 1.0))
    -0.5
    """
    return np.asarray(value, dtype=float) - descent_coefficient(step_size, smoothness) * gradient_sq_norm


def convex_gap_bound(k, smoothness, distance, *, tight: bool = True):
    r"""Bound on f(theta_k) - f* for gradient descent with eta = 1/L on a convex L-smooth f.

    ``tight=True`` gives L R^2 / (4k + 2), the exact worst case of Drori and
    Teboulle (book: :prf:ref:`thm-gd-convex-rate`); ``tight=False`` the classical
    L R^2 / (2k), which is about twice as large. R = ||theta_0 - theta*||.

    Parameters
    ----------
    k : int or array of int
        Number of steps (k >= 1 for the classical bound, k >= 0 for the tight one).
    smoothness, distance : float
        L > 0 and R >= 0.
    tight : bool
        Which of the two bounds.

    Returns
    -------
    ndarray
        The bound on the gap after each k.

    Examples
    --------
    >>> float(convex_gap_bound(2, 1.0, 1.0)), float(convex_gap_bound(2, 1.0, 1.0, tight=False))
    (0.1, 0.25)
    """
    k = _steps(k, minimum=0 if tight else 1)
    L = _positive(smoothness, "smoothness")
    R = _distance(distance)
    return L * R**2 / (4.0 * k + 2.0) if tight else L * R**2 / (2.0 * k)


def descent_huber_threshold(k, distance):
    r"""delta = R / (2k + 1): the Huber threshold on which k steps of size 1/L attain L R^2/(4k+2).

    Parameters
    ----------
    k : int or array of int
        Number of steps, k >= 0.
    distance : float
        R > 0.

    Returns
    -------
    ndarray
        delta for each k.

    Examples
    --------
    >>> float(descent_huber_threshold(2, 5.0))
    1.0
    """
    return _positive(distance, "distance") / (2.0 * _steps(k) + 1.0)


def worst_quadratic_gap(k, smoothness, distance):
    r"""Largest f(theta_k) - f* after k steps of size 1/L over convex quadratics with L, R given.

    On f = (1/2) sum_i lambda_i theta_i^2 with 0 <= lambda_i <= L, the gap is
    (1/2) sum_i lambda_i (1 - lambda_i/L)^{2k} theta_{0,i}^2, largest when all of
    theta_0 sits on the eigenvalue lambda = L/(2k+1):

        L R^2 / (2(2k+1)) * (2k / (2k+1))^{2k},

    which is the tight bound L R^2/(4k+2) times (1 - 1/(2k+1))^{2k} -> 1/e, i.e.
    about L R^2 / (4 e k) for large k.

    Parameters
    ----------
    k : int or array of int
        Number of steps, k >= 0.
    smoothness, distance : float
        L > 0 and R >= 0.

    Returns
    -------
    ndarray
        The worst gap after each k.

    Examples
    --------
    >>> round(float(worst_quadratic_gap(1, 1.0, 1.0)), 6)  # (1/6) (2/3)^2
    0.074074
    """
    k = _steps(k)
    L = _positive(smoothness, "smoothness")
    R = _distance(distance)
    return L * R**2 / (2.0 * (2.0 * k + 1.0)) * (2.0 * k / (2.0 * k + 1.0)) ** (2.0 * k)


def contraction_factor(step_size, smoothness, strong_convexity):
    r"""q(eta) = max(|1 - eta mu|, |1 - eta L|), the per-step factor of ||theta_k - theta*||.

    For a mu-strongly convex, L-smooth f, gradient descent with step eta satisfies
    ||theta_{k+1} - theta*|| <= q(eta) ||theta_k - theta*|| (book:
    :prf:ref:`thm-gd-linear-rate`); q < 1 exactly when 0 < eta < 2/L. On quadratics
    q is the spectral radius of I - eta A, and it is attained by the worst
    quadratic, the one with eigenvalues {mu, L}.

    Parameters
    ----------
    step_size : float or array_like
        eta > 0.
    smoothness, strong_convexity : float
        L and mu with 0 < mu <= L.

    Returns
    -------
    ndarray
        q, one per step size.

    Examples
    --------
    >>> round(float(contraction_factor(0.1, 10.0, 1.0)), 12)
    0.9
    >>> round(float(contraction_factor(2 / 11, 10.0, 1.0)), 12)  # (kappa - 1)/(kappa + 1) = 9/11
    0.818181818182
    """
    eta = _positive(step_size, "step_size")
    L, mu = _constants(smoothness, strong_convexity)
    return np.maximum(np.abs(1.0 - eta * mu), np.abs(1.0 - eta * L))


def optimal_step_size(smoothness, strong_convexity):
    r"""eta = 2/(L + mu), the constant step that minimises :func:`contraction_factor`.

    Parameters
    ----------
    smoothness, strong_convexity : float
        L and mu with 0 < mu <= L.

    Returns
    -------
    ndarray
        eta*, the step of the fastest linear rate.

    Examples
    --------
    >>> float(optimal_step_size(10.0, 1.0))  # 2/11
    0.18181818181818182
    """
    L, mu = _constants(smoothness, strong_convexity)
    return 2.0 / (L + mu)


def optimal_contraction_factor(condition_number):
    r"""rho = (kappa - 1)/(kappa + 1), the value of q at eta = 2/(L + mu).

    Parameters
    ----------
    condition_number : float or array_like
        kappa = L / mu >= 1.

    Returns
    -------
    ndarray
        rho for each kappa.

    Examples
    --------
    >>> float(optimal_contraction_factor(9.0))
    0.8
    """
    kappa = _positive(condition_number, "condition_number")
    if np.any(kappa < 1):
        raise ValueError(f"condition_number must be at least 1; got {condition_number!r}")
    return (kappa - 1.0) / (kappa + 1.0)


def iterations_to_accuracy(accuracy, condition_number):
    r"""Steps of size 1/L until (f_k - f*)/(f_0 - f*) <= accuracy on the worst quadratic.

    On f with eigenvalues {mu, L}, started on the mu-eigenvector, the relative gap
    after k steps is exactly (1 - 1/kappa)^{2k}, so the answer is the smallest
    integer k >= ln(1/eps) / (-2 ln(1 - 1/kappa)).

    Parameters
    ----------
    accuracy : float or array_like
        eps, with 0 < eps < 1.
    condition_number : float or array_like
        kappa > 1.

    Returns
    -------
    ndarray
        The step counts, whole numbers stored as floats.

    Examples
    --------
    >>> int(iterations_to_accuracy(1e-6, 10.0))
    66
    """
    eps, kappa = _accuracy_and_kappa(accuracy, condition_number)
    exact = np.log(1.0 / eps) / (-2.0 * np.log1p(-1.0 / kappa))
    # Guard the ceiling against rounding when the quotient is an integer up to ulps.
    return np.ceil(exact * (1.0 - 1e-12))


def iterations_to_accuracy_estimate(accuracy, condition_number):
    r"""(kappa / 2) ln(1/eps): the large-kappa form of :func:`iterations_to_accuracy`.

    Since -ln(1 - 1/kappa) = 1/kappa + 1/(2 kappa^2) + ..., the exact count is
    (kappa/2 - 1/4 + O(1/kappa)) ln(1/eps), rounded up.

    Parameters
    ----------
    accuracy, condition_number : float or array_like
        As for :func:`iterations_to_accuracy`.

    Returns
    -------
    ndarray
        The estimated counts (not rounded).

    Examples
    --------
    >>> round(float(iterations_to_accuracy_estimate(1e-6, 10.0)), 2)  # exact count: 66
    69.08
    """
    eps, kappa = _accuracy_and_kappa(accuracy, condition_number)
    return 0.5 * kappa * np.log(1.0 / eps)


# ---------------------------------------------------------------------------
# Gradient flow (book: chapter gradient-flow)
# ---------------------------------------------------------------------------

def flow_convex_bound(distance, times):
    r"""R^2 / (2t): the classical bound on f(theta(t)) - f* for the flow of a convex f.

    Book: :prf:ref:`thm-gf-convex`.

    Parameters
    ----------
    distance : float
        R = ||theta_0 - theta*||.
    times : float or array_like
        t > 0.

    Returns
    -------
    ndarray
        The bound at each time.

    Examples
    --------
    >>> float(flow_convex_bound(2.0, 4.0))
    0.5
    """
    return np.asarray(distance, dtype=float) ** 2 / (2.0 * _positive(times, "times"))


def flow_convex_sharp_bound(distance, times):
    r"""R^2 / (4t): the best bound on f(theta(t)) - f* over all convex f.

    Book: :prf:ref:`thm-gf-convex`; :func:`huber_worst_gap` shows it cannot be improved.

    Parameters
    ----------
    distance, times
        R and t > 0, as for :func:`flow_convex_bound`.

    Returns
    -------
    ndarray
        The sharp bound at each time.

    Examples
    --------
    >>> float(flow_convex_sharp_bound(2.0, 4.0))
    0.25
    """
    return np.asarray(distance, dtype=float) ** 2 / (4.0 * _positive(times, "times"))


def flow_huber_threshold(distance, time, smoothness=1.0):
    r"""The Huber threshold delta = R / (2 L t + 1) that maximises f(theta(t)) - f* at time t.

    For the flow of f = L h_delta(||theta||) started at distance R the gap at
    time t is L delta R - L delta^2 (L t + 1/2) while the flow is on the linear
    part; this delta maximises it (book: :prf:ref:`thm-gf-convex`).

    Parameters
    ----------
    distance : float
        R.
    time : float or array_like
        t > 0.
    smoothness : float
        L.

    Returns
    -------
    ndarray
        The worst threshold delta at each time.

    Examples
    --------
    >>> float(flow_huber_threshold(1.0, 1.0))
    0.3333333333333333
    """
    R = np.asarray(distance, dtype=float)
    return R / (2.0 * smoothness * _positive(time, "time") + 1.0)


def huber_worst_gap(distance, times, smoothness=1.0):
    r"""R^2 / (4t + 2/L): the flow's gap at time t on the Huber function with threshold R/(2Lt+1).

    Its ratio to R^2/(4t) tends to 1 as L t grows, so R^2/(4t) cannot be
    improved for the class of convex functions.

    Parameters
    ----------
    distance : float
        R.
    times : float or array_like
        t > 0.
    smoothness : float
        L.

    Returns
    -------
    ndarray
        The gap on the worst Huber function at each time.

    Examples
    --------
    >>> float(huber_worst_gap(1.0, 1.0))
    0.16666666666666666
    """
    R = np.asarray(distance, dtype=float)
    return R**2 / (4.0 * _positive(times, "times") + 2.0 / smoothness)


def flow_strongly_convex_factor(strong_convexity, times):
    r"""e^{-2 mu t}: the factor by which the flow of a mu-strongly convex f shrinks f - f* and ||theta - theta*||^2.

    Book: :prf:ref:`thm-gf-strongly-convex-gap`.

    Parameters
    ----------
    strong_convexity : float
        mu.
    times : float or array_like
        t.

    Returns
    -------
    ndarray
        The factor at each time.

    Examples
    --------
    >>> float(flow_strongly_convex_factor(0.5, 0.0))
    1.0
    """
    t = np.asarray(times, dtype=float)
    return np.exp(-2.0 * strong_convexity * t)


def gronwall_bound(initial, exponent_integrals):
    r"""u(0) exp(int_0^t a): Grönwall's bound on u(t) when u' <= a(t) u (book: :prf:ref:`lem-gronwall`).

    Parameters
    ----------
    initial : float
        u(0).
    exponent_integrals : float or array_like
        int_0^t a(s) ds at each time of interest.

    Returns
    -------
    ndarray
        The bound on u at each time.

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

    Returns
    -------
    ndarray
        x(t), same shape as ``times``.

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


# ---------------------------------------------------------------------------
# From descent to flow (book: chapters bridge and comparison, claims C20-C26)
# ---------------------------------------------------------------------------

def euler_global_bound(step_size, horizon, smoothness, max_acceleration):
    r"""(e^{LT} - 1)/L * M eta / 2: forward Euler's global error bound on [0, T].

    For a flow with L-Lipschitz vector field and ||theta''|| <= M on [0, T]
    (book: :prf:ref:`thm-euler-error`).

    Parameters
    ----------
    step_size : float or array_like
        eta.
    horizon : float
        T.
    smoothness : float
        L > 0.
    max_acceleration : float
        M.

    Returns
    -------
    ndarray
        The bound for each step size.

    Examples
    --------
    >>> round(float(euler_global_bound(0.1, 1.0, 1.0, 2.0)), 6)
    0.171828
    """
    L = float(_positive(smoothness, "smoothness"))
    return np.expm1(L * horizon) / L * max_acceleration * np.asarray(step_size, dtype=float) / 2.0


def gd_decay_exponent(step_size, strong_convexity, smoothness):
    r"""-ln(q(eta)) / eta: the distance's decay exponent per unit time t = k eta.

    q is :func:`contraction_factor`. Gradient flow's exponent is mu; gradient
    descent's is at least mu whenever eta <= 2/(L + mu), because 1 - x <= e^{-x},
    and negative above eta = 2/L.

    Parameters
    ----------
    step_size, strong_convexity, smoothness
        eta, mu and L, as for :func:`contraction_factor` but with mu before L.

    Returns
    -------
    ndarray
        The exponent, one per step size (negative where q > 1).

    Examples
    --------
    >>> round(float(gd_decay_exponent(0.1, 1.0, 10.0)), 4)  # eta = 1/L
    1.0536
    """
    eta = np.asarray(step_size, dtype=float)
    return -np.log(contraction_factor(eta, smoothness, strong_convexity)) / eta


def gd_contraction_factor(step_size, strong_convexity, smoothness):
    r""":func:`contraction_factor` with the constants in the order (mu, L).

    Kept for code written against earlier versions of the package.

    Examples
    --------
    >>> round(float(gd_contraction_factor(2 / 11, 1.0, 10.0)), 6)  # eta = 2/(L+mu): 9/11
    0.818182
    """
    return contraction_factor(step_size, smoothness, strong_convexity)
