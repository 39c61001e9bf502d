r"""Exact worst cases of fixed-step first-order methods over whole function classes.

Performance estimation (Drori and Teboulle 2014; Taylor, Hendrickx and Glineur 2017)
computes the largest value a criterion can take after ``N`` steps of a method, over
*every* L-smooth, mu-strongly convex function (in any dimension) and every start at
distance at most 1 from a minimiser, as the optimal value of a small semidefinite
program. Its dual optimal solution is a certificate: a weighted sum of interpolation
inequalities that proves the bound. This module states a method, a class, a
criterion and a horizon in the package's terms and asks the PEPit library to build and
solve the program (with the Clarabel interior-point solver through cvxpy, and SCS at a
tight tolerance where Clarabel reports an inaccurate solution).

What comes back, :class:`Certificate`, holds the dual value (the certified bound, up to
the solver's accuracy), the primal value (attained, up to the same accuracy, by a
function of the class), the solver's name and status, and the worst-case iterates.
Solver trouble -- a status other than optimal, or primal and dual values farther apart
than :data:`AGREEMENT` -- raises :class:`CertificateError` with the numbers, never
returns a number silently.

The criteria are normalised by the start: ``"f_gap"`` is f(x_N) - f* with
||x_0 - x*|| <= 1 (so the value is the constant C in f(x_N) - f* <= C ||x_0 - x*||^2, with
L = 1 unless given); ``"distance"`` is ||x_N - x*||^2 with ||x_0 - x*|| <= 1;
``"grad_norm_sq"`` is ||grad f(x_N)||^2 with ||x_0 - x*|| <= 1.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ._validation import count, nonnegative_number, positive_number

__all__ = ["Certificate", "CertificateError", "certify", "METHODS", "CRITERIA", "CLASSES", "INITIAL",
           "SOLVERS", "LOW_RANK_TOLERANCES", "AGREEMENT"]

#: Methods :func:`certify` knows, with the parameters each takes.
#:
#: :meta hide-value:
METHODS = {
    "gd": "x_{k+1} = x_k - (step/L) grad f(x_k)",
    "proximal": "x_{k+1} = prox_{step f}(x_k) (f convex, possibly nonsmooth when L is None)",
    "nesterov": "y_k = x_k + (k-1)/(k+2) (x_k - x_{k-1}), x_{k+1} = y_k - (step/L) grad f(y_k), x_{-1} = x_0",
    "nesterov_constant": "the same with a constant momentum",
    "heavy_ball": "x_{k+1} = x_k - (step/L) grad f(x_k) + momentum (x_k - x_{k-1}), x_{-1} = x_0",
}
#: Criteria :func:`certify` knows: f(x_N) - f*, ||x_N - x*||^2, ||grad f(x_N)||^2, and the
#: change f(x_N) - f(x_0) (negative: a decrease).
CRITERIA = ("f_gap", "distance", "grad_norm_sq", "change")
#: Function classes :func:`certify` knows (all L-smooth): convex (mu-strongly when mu > 0);
#: possibly nonconvex ("smooth": the class of the descent lemma); convex quadratics.
CLASSES = ("convex", "smooth", "quadratic")
#: Normalisations of the start: ||x_0 - x*||^2 <= 1; f(x_0) - f* + (mu/2)||x_0 - x*||^2 <= 1;
#: ||grad f(x_0)||^2 = 1.
INITIAL = ("distance", "energy", "gradient")
#: Solvers tried in turn (through cvxpy): Clarabel, an interior-point method, first; SCS at a
#: tight tolerance when Clarabel reports an inaccurate solution (it does on a few of these
#: programs). The certificate records which one answered and why the others did not.
SOLVERS = ({"solver": "CLARABEL"}, {"solver": "SCS", "eps": 1e-9, "max_iters": 200_000})
#: The tolerances tried in turn by the low-rank search: the worst case sought may fall short of
#: the certified value by this much (PEPit's ``tol_dimension_reduction``). The smallest that the
#: solvers solve accurately is taken; on some machines the first is reported inaccurate.
LOW_RANK_TOLERANCES = (1e-7, 1e-6, 1e-5)
#: Largest relative gap |dual - primal| / max(1, |dual|) accepted between the two values.
#: Clarabel's default relative duality-gap tolerance is 1e-8; the programs here come out
#: at 1e-8 or better, and 1e-6 leaves a hundredfold margin.
AGREEMENT = 1e-6


class CertificateError(RuntimeError):
    """The solver did not return a certificate that can be trusted."""


@dataclass(frozen=True)
class Certificate:
    """The worst case of ``criterion`` after ``horizon`` steps of ``method`` over the class.

    Attributes
    ----------
    method, criterion : str
    horizon : int
    smoothness : float or None
        L (None: convex, not smooth; only for the proximal point method).
    strong_convexity : float
        mu.
    step, momentum : float or None
        The method's parameters (``step`` in units of 1/L for gradient steps; the
        proximal step eta itself for ``"proximal"``).
    worst_case : float
        The dual value: a bound certified by the dual solution, to the solver's accuracy.
    primal : float
        The primal value: attained by a function of the class, to the solver's accuracy.
    solver, status : str
    iterates : ndarray, shape (horizon + 1, r)
        The worst-case iterates x_0, ..., x_N minus the minimiser, in a basis of the Gram
        matrix's range (r its numerical rank).
    values : ndarray, shape (horizon + 1,)
        f(x_k) - f* along the worst-case iterates.
    function_class, initial : str
        The class and the normalisation of the start (see :func:`certify`).
    fallbacks : tuple of str
        The solvers tried first that returned no trustworthy answer, with their status.
    """

    method: str
    criterion: str
    horizon: int
    smoothness: float | None
    strong_convexity: float
    step: float | None
    momentum: float | None
    worst_case: float
    primal: float
    solver: str
    status: str
    iterates: np.ndarray
    values: np.ndarray
    # earlier solver attempts that gave no trustworthy answer (empty when the first did)
    fallbacks: tuple = ()
    #: The class (:data:`CLASSES`) and the normalisation of the start (:data:`INITIAL`).
    function_class: str = "convex"
    initial: str = "distance"

    @property
    def relative_gap(self) -> float:
        """|dual - primal| / max(1, |dual|)."""
        return abs(self.worst_case - self.primal) / max(1.0, abs(self.worst_case))


def certify(method: str, horizon: int, *, criterion: str = "f_gap", smoothness: float | None = 1.0,
            strong_convexity: float = 0.0, step: float = 1.0, momentum: float | None = None,
            low_rank: bool = False, initial: str = "distance", function_class: str = "convex") -> Certificate:
    """Solve the performance-estimation problem of ``method`` over the class (L, mu).

    Parameters
    ----------
    method : str
        A key of :data:`METHODS`.
    horizon : int
        N >= 1 steps.
    criterion : str
        One of :data:`CRITERIA`.
    smoothness : float or None
        L > 0; None only for ``"proximal"`` (convex functions without smoothness).
    strong_convexity : float
        0 <= mu < L.
    step : float
        The step in units of 1/L (0 < step < 2 for gradient steps, below 4 for the heavy
        ball), or the proximal step.
    momentum : float, optional
        The constant momentum of ``"nesterov_constant"`` and ``"heavy_ball"``, in [0, 1).
    low_rank : bool
        Ask for a worst case of small dimension (PEPit's trace heuristic, which moves the
        primal value by at most the first of :data:`LOW_RANK_TOLERANCES` that the solvers solve
    initial : str
        The normalisation of the start: ``"distance"`` (||x_0 - x*||^2 <= 1) or
        ``"energy"`` (f(x_0) - f* + (mu/2) ||x_0 - x*||^2 <= 1, the quantity of Nesterov's
        strongly convex bound) or ``"gradient"`` (||grad f(x_0)||^2 = 1).
    function_class : str
        One of :data:`CLASSES`: ``"convex"`` (L-smooth, mu-strongly convex), ``"smooth"``
        (L-smooth, possibly nonconvex; mu must be 0, gradient descent only) or
        ``"quadratic"`` (convex quadratics with curvatures in [mu, L]).

    Returns
    -------
    Certificate
        Cached: the same arguments return the same object.

    Examples
    --------
    >>> c = certify("gd", 1)            # one step 1/L on L-smooth convex functions
    >>> round(c.worst_case, 6)          # L R^2 / (4N + 2) at N = 1
    0.166667
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {sorted(METHODS)}; got {method!r}")
    if criterion not in CRITERIA:
        raise ValueError(f"criterion must be one of {list(CRITERIA)}; got {criterion!r}")
    horizon = count(horizon, "horizon", minimum=1)
    if initial not in INITIAL:
        raise ValueError(f"initial must be one of {list(INITIAL)}; got {initial!r}")
    if function_class not in CLASSES:
        raise ValueError(f"function_class must be one of {list(CLASSES)}; got {function_class!r}")
    mu = nonnegative_number(strong_convexity, "strong_convexity")
    if function_class != "convex" and (smoothness is None or method == "proximal"):
        raise ValueError(f"function_class {function_class!r} needs a smoothness and a gradient method")
    if function_class == "smooth" and (mu or method != "gd"):
        raise ValueError("function_class 'smooth' (possibly nonconvex) takes gradient descent and mu = 0 only")
    if function_class == "smooth" and criterion in ("f_gap", "distance"):
        raise ValueError(f"criterion {criterion!r} needs a minimiser; for 'smooth' use 'change' or 'grad_norm_sq'")
    if smoothness is None:
        if method != "proximal":
            raise ValueError(f"smoothness None (nonsmooth convex functions) only suits 'proximal'; got {method!r}")
        if mu:
            raise ValueError("strong_convexity must be 0 when smoothness is None")
        L = None
    else:
        L = positive_number(smoothness, "smoothness")
        if mu >= L:
            raise ValueError(f"strong_convexity must be below smoothness; got mu = {mu!r}, L = {L!r}")
    step = positive_number(step, "step")
    limit = {"proximal": np.inf, "heavy_ball": 4.0}.get(method, 2.0)  # with momentum β the heavy
    if step >= limit:                                                  # ball allows steps up to 2(1 + β)/L
        raise ValueError(f"step (in units of 1/L) must lie in (0, {limit:g}) for {method!r}; got {step!r}")
    if method in ("nesterov_constant", "heavy_ball"):
        if momentum is None:
            raise ValueError(f"method {method!r} needs a momentum")
        momentum = nonnegative_number(momentum, "momentum")
        if momentum >= 1.0:
            raise ValueError(f"momentum must lie in [0, 1); got {momentum!r}")
    elif momentum is not None:
        raise ValueError(f"method {method!r} takes no momentum")
    return _certify(method, horizon, criterion, L, mu, step, None if momentum is None else float(momentum),
                    bool(low_rank), initial, function_class)


def _solve(problem, what, attempts, certified=None):
    """Solve ``problem`` with the first of :data:`SOLVERS` that reports an accurate optimum.

    With ``certified`` (the value of an earlier plain solve), look for a low-rank worst case
    instead, at each of :data:`LOW_RANK_TOLERANCES` in turn (all of them with Clarabel before
    SCS, which is much slower). Failed attempts are appended to
    ``attempts``; returns (dual, primal, solver, status) or raises :class:`CertificateError`.
    """
    tried = [(options, None) for options in SOLVERS] if certified is None else \
        [(options, tol) for options in SOLVERS for tol in LOW_RANK_TOLERANCES]
    for solver_options, tol in tried:
        options = {"verbose": 0, **solver_options}
        if tol is not None:
            options.update(dimension_reduction_heuristic="trace", tol_dimension_reduction=tol)
        name = solver_options["solver"] + ("" if tol is None else f" (tolerance {tol:g})")
        with warnings.catch_warnings(record=True) as caught:  # cvxpy warns of an inaccurate solution;
            warnings.simplefilter("always")                    # the status below says so too
            try:
                dual = problem.solve(**options)
            except Exception as exc:  # cvxpy raises SolverError for a failed solve
                attempts.append(f"{name}: {type(exc).__name__}: {exc}")
                continue
        status = str(problem.wrapper.prob.status)
        primal = problem.wrapper.objective.value
        if status == "optimal" and dual is not None and primal is not None:
            dual, primal = float(dual), float(primal)
            scale = max(1.0, abs(dual))
            if certified is None and abs(dual - primal) / scale > AGREEMENT:
                raise CertificateError(f"primal and dual values disagree for {what}: dual {dual!r}, "
                                       f"primal {primal!r} (relative gap above {AGREEMENT:g})")
            if certified is not None and (abs(dual - certified) / scale > AGREEMENT
                                          or abs(dual - primal) / scale > tol + AGREEMENT):
                attempts.append(f"{name}: value {primal!r} of the low-rank worst case is not within "
                                f"{tol:g} of the certified {certified!r}")
                continue
            return dual, primal, str(problem.wrapper.solver_name), status
        notes = "; ".join(str(w.message) for w in caught)
        attempts.append(f"{name}: status {status!r}, dual {dual!r}, primal {primal!r}"
                        + (f" ({notes})" if notes else ""))
    raise CertificateError(f"no certificate for {what}: " + " | ".join(attempts))


@lru_cache(maxsize=256)
def _certify(method, horizon, criterion, L, mu, step, momentum, low_rank, initial="distance",
             function_class="convex"):
    from PEPit import PEP
    from PEPit.functions import (ConvexFunction, SmoothFunction, SmoothStronglyConvexFunction,
                                 SmoothStronglyConvexQuadraticFunction)
    from PEPit.primitive_steps import proximal_step

    problem = PEP()
    if L is None:
        f = problem.declare_function(ConvexFunction)
    elif function_class == "smooth":
        f = problem.declare_function(SmoothFunction, L=L)
    elif function_class == "quadratic":
        f = problem.declare_function(SmoothStronglyConvexQuadraticFunction, L=L, mu=mu)
    else:
        f = problem.declare_function(SmoothStronglyConvexFunction, L=L, mu=mu)
    xs = f.stationary_point()
    fs = f(xs)
    x0 = problem.set_initial_point()
    f0 = f(x0)
    if initial == "distance":
        problem.set_initial_condition((x0 - xs) ** 2 <= 1)
    elif initial == "energy":
        problem.set_initial_condition(f0 - fs + mu / 2 * (x0 - xs) ** 2 <= 1)
    else:
        problem.set_initial_condition(f.gradient(x0) ** 2 == 1)  # "<= 1" would let the
        # change f(x_N) - f(x_0) be 0 at a stationary start; the other criteria scale alike
    points, x, previous = [x0], x0, x0
    gaps = [f(x0) - fs]  # f at each iterate, declared before the solve so that it can be read after
    gamma = step if method == "proximal" else step / L
    for k in range(horizon):
        if method == "gd":
            x_next = x - gamma * f.gradient(x)
        elif method == "proximal":
            x_next, _, _ = proximal_step(x, f, gamma)
        elif method in ("nesterov", "nesterov_constant"):
            beta = (k - 1) / (k + 2) if method == "nesterov" else momentum
            y = x + beta * (x - previous) if k > 0 else x
            x_next = y - gamma * f.gradient(y)
        else:  # heavy ball
            x_next = x - gamma * f.gradient(x) + momentum * (x - previous)
        previous, x = x, x_next
        points.append(x)
        gaps.append(f(x) - fs)
    if criterion == "f_gap":
        problem.set_performance_metric(f(x) - fs)
    elif criterion == "distance":
        problem.set_performance_metric((x - xs) ** 2)
    elif criterion == "change":
        problem.set_performance_metric(f(x) - f0)
    else:
        problem.set_performance_metric(f.gradient(x) ** 2)
    attempts = []
    dual, primal, solver, status = _solve(problem, f"{method}, N = {horizon}, {criterion}", attempts)
    if low_rank:  # a second solve that looks for a worst case of small dimension; the value above stands
        _solve(problem, f"{method}, N = {horizon}, {criterion} (low rank)", attempts, certified=dual)
    star = np.asarray(xs.eval(), dtype=float)
    iterates = np.array([np.asarray(p.eval(), dtype=float) - star for p in points])
    values = np.array([float(gap.eval()) for gap in gaps])
    iterates.setflags(write=False)
    values.setflags(write=False)
    return Certificate(method, criterion, horizon, L, mu, step, momentum, dual, primal, solver, status,
                       iterates, values, tuple(attempts), function_class, initial)
