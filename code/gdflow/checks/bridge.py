"""Checks for the chapter on discretising the gradient flow (claims C20-C24)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .._validation import positive_number
from ..claims import at_least, at_most, claim, close_to
from ..descent import gradient_descent
from ..examples import ill_conditioned_bowl, logistic_problem, wavy_bowl
from ..flow import gradient_flow
from ..implicit import backward_euler, backward_euler_step, proximal_point
from ..measure import loglog_slope
from ..problems import DoubleWell, LogisticRegression, Objective, ScalarQuadratic
from ..theory import euler_global_bound

#: The starting point the chapter uses on the wavy bowl (as in the gradient-descent chapter).
WAVY_START = np.linspace(1.2, -0.8, 5)
#: The starting point on the ill-conditioned quadratic bowl.
BOWL_START = np.array([1.0, 1.0])


def forward_euler(vector_field, start, step_size: float, num_steps: int):
    r"""Forward Euler for y' = G(y): y_{k+1} = y_k + h G(y_k), written from the ODE side.

    Parameters
    ----------
    vector_field : callable
        G, mapping an array of shape (d,) to shape (d,).
    start : array_like, shape (d,)
    step_size : float
        h > 0.
    num_steps : int

    Returns
    -------
    times : ndarray, shape (num_steps + 1,)
        k h.
    points : ndarray, shape (num_steps + 1, d)

    Examples
    --------
    >>> t, y = forward_euler(lambda y: -y, [1.0], 0.5, 2)
    >>> y[:, 0]
    array([1.  , 0.5 , 0.25])
    """
    y = np.asarray(start, dtype=float).reshape(-1)
    if not np.all(np.isfinite(y)):
        raise ValueError("start must be finite")
    if not (step_size > 0 and np.isfinite(step_size)):
        raise ValueError(f"step_size must be positive and finite; got {step_size}")
    points = np.empty((num_steps + 1, y.size))
    points[0] = y
    for k in range(num_steps):
        points[k + 1] = points[k] + step_size * vector_field(points[k])
    return step_size * np.arange(num_steps + 1), points


def _objectives(seed: int = 0) -> dict[str, tuple[Objective, np.ndarray]]:
    rng = np.random.default_rng(seed)
    logistic = logistic_problem(rng)
    return {
        "ill-conditioned quadratic": (ill_conditioned_bowl(10.0), BOWL_START),
        "nonconvex wavy bowl": (wavy_bowl(), WAVY_START),
        "logistic regression": (logistic, np.full(logistic.dim, 2.0)),
    }


@claim("C20", label="prop-gd-is-forward-euler",
       statement="Forward Euler with step η on dθ/dt = −∇f(θ) produces exactly the gradient-descent iterates, at times t_k = kη")
def check_gd_is_forward_euler(*, step_size: float = 0.05, num_steps: int = 200,
                              euler_step_factor: float = 1.0, seed: int = 0):
    """Largest difference between gradient-descent iterates and forward Euler on the flow.

    ``euler_step_factor`` != 1 runs Euler with a different step than descent,
    which breaks the identity and must fail.
    """
    checks = []
    for name, (obj, x0) in _objectives(seed).items():
        gd = gradient_descent(obj, x0, step_size, num_steps)
        times, euler = forward_euler(lambda y: -obj.gradient(y), x0, euler_step_factor * step_size,
                                     num_steps)
        scale = 1.0 + float(np.max(np.abs(gd.points)))
        checks.append(at_most(
            "C20", f"max |θ_k(GD) − θ_k(Euler)| / (1 + max|θ|), {name}, {num_steps} steps",
            float(np.max(np.abs(gd.points - euler)) / scale), 0.0, 1e-15,
            "both compute θ − η∇f(θ) with the same floating-point operations; 1e-15 is a few ulps"))
        checks.append(at_most(
            "C20", f"max |t_k − kη| / T, {name}",
            float(np.max(np.abs(gd.times - times)) / times[-1]), 0.0, 1e-12,
            "descent accumulates t_k as a running sum; its rounding grows like k ulps, far below 1e-12"))
    return checks


@dataclass(frozen=True)
class EulerErrors:
    """Local and global errors of forward Euler (= gradient descent) against the exact flow.

    Attributes
    ----------
    step_sizes : ndarray, shape (n,)
        eta = T / K for the step counts K.
    local : ndarray, shape (n,)
        ||theta_0 - eta grad f(theta_0) - theta(eta)||, one step from theta_0.
    global_ : ndarray, shape (n,)
        ||theta_K - theta(T)|| after K = T/eta steps.
    horizon : float
        T.
    """

    step_sizes: np.ndarray
    local: np.ndarray
    global_: np.ndarray
    horizon: float


def euler_errors(objective: Objective, start, *, horizon: float = 1.0,
                 step_counts=(20, 40, 80, 160, 320, 640), time_scale: float = 1.0) -> EulerErrors:
    """Measure local and global errors of gradient descent against the gradient flow.

    The flow is exact for a quadratic and computed by ``solve_ivp`` (DOP853,
    rtol 1e-11) otherwise. ``time_scale`` compares theta_k with theta(time_scale * k eta)
    instead of theta(k eta): any value other than 1 is the wrong clock.
    """
    x0 = np.asarray(start, dtype=float)
    counts = np.asarray(step_counts, dtype=int)
    if np.any(counts < 1):
        raise ValueError("step_counts must be positive integers")
    etas = horizon / counts
    local_times = np.sort(time_scale * etas)
    ref = gradient_flow(objective, x0, np.concatenate([local_times, [time_scale * horizon]]))
    ref_local = ref.points[:-1][np.argsort(np.argsort(time_scale * etas))]
    ref_final = ref.points[-1]
    g0 = objective.gradient(x0)
    local = np.linalg.norm(x0 - etas[:, None] * g0 - ref_local, axis=1)
    global_ = np.array([np.linalg.norm(gradient_descent(objective, x0, eta, int(k)).points[-1] - ref_final)
                        for eta, k in zip(etas, counts)])
    return EulerErrors(etas, local, global_, float(horizon))


def _euler_problem(name: str):
    if name == "quadratic":
        return ill_conditioned_bowl(10.0), BOWL_START
    if name == "wavy bowl":
        return wavy_bowl(), WAVY_START
    raise ValueError(f"problem must be 'quadratic' or 'wavy bowl'; got {name!r}")


def standard_euler_errors(problem: str, *, horizon: float = 1.0, time_scale: float = 1.0) -> EulerErrors:
    """:func:`euler_errors` on one of the chapter's two problems, measured once per process.

    ``problem`` is "quadratic" (the ill-conditioned bowl from ``BOWL_START``, exact
    flow) or "wavy bowl" (from ``WAVY_START``, flow by ``solve_ivp``). Claim C21 and
    the chapter's figure share the result; its arrays are read-only.
    """
    return _standard_euler_errors(str(problem), float(horizon), float(time_scale))


@lru_cache(maxsize=16)
def _standard_euler_errors(problem, horizon, time_scale):
    obj, x0 = _euler_problem(problem)
    err = euler_errors(obj, x0, horizon=horizon, time_scale=time_scale)
    for arr in (err.step_sizes, err.local, err.global_):
        arr.setflags(write=False)
    return err


def flow_acceleration(objective: Objective, points) -> np.ndarray:
    r"""theta'' = Hess f(theta) grad f(theta) at each point (shape (n, d)); needs ``objective.hessian``."""
    hess = getattr(objective, "hessian", None)
    if hess is None:
        raise ValueError(f"{type(objective).__name__} has no hessian method")
    pts = np.atleast_2d(np.asarray(points, dtype=float))
    return np.array([hess(p) @ objective.gradient(p) for p in pts])


def scalar_euler_bound_ratios(curvature: float, horizon: float, step_counts=(100, 1000)):
    r"""Global error of gradient descent on f = c x^2/2 against the two bounds of the chapter.

    From x_0 = 1 the flow is e^{-cT} and descent (1 - c eta)^K, both exact up to rounding.
    Along the flow theta'' = c^2 theta, so M = max_{t <= T} |theta''(t)| = c^2 max(1, e^{-cT}).
    For each K, eta = T/K, the error |x_K - x(T)| is divided by the Gronwall bound
    (e^{|c|T} - 1)/|c| * M eta/2 and by the convex bound T M eta/2.

    Returns
    -------
    step_sizes, gronwall_ratio, convex_ratio : ndarray, shape (n,)

    Examples
    --------
    >>> _, g, c = scalar_euler_bound_ratios(-1.0, 0.1, (1000,))
    >>> round(float(g[0]), 3), round(float(c[0]), 3)
    (0.951, 1.0)
    """
    c = float(curvature)
    if c == 0.0 or not np.isfinite(c):
        raise ValueError(f"curvature must be nonzero and finite; got {curvature}")
    T = positive_number(horizon, "horizon")
    L = abs(c)
    M = c * c * max(1.0, float(np.exp(-c * T)))
    counts = np.asarray(step_counts, dtype=int)
    if np.any(counts < 1):
        raise ValueError("step_counts must be positive integers")
    etas = T / counts
    obj = ScalarQuadratic(c)
    errors = np.array([abs(gradient_descent(obj, [1.0], eta, int(k)).points[-1, 0] - np.exp(-c * T))
                       for eta, k in zip(etas, counts)])
    gronwall = euler_global_bound(etas, T, L, M)
    convex = T * M * etas / 2.0
    return etas, errors / gronwall, errors / convex


#: L T of the near-extremal instances of claim C21: the bounds are approached as L T -> 0.
EXTREMAL_LT = 0.05


@claim("C21", label="thm-euler-error",
       statement="Gradient descent as forward Euler: local error O(η²), global error O(η) on [0, T] "
                 "(fitted orders 2 and 1), below the Grönwall bound and, for convex f, the linear bound")
def check_euler_orders(*, local_order: float = 2.0, global_order: float = 1.0,
                       time_scale: float = 1.0, horizon: float = 1.0,
                       extremal_lt: float = EXTREMAL_LT, bound_factor: float = 1.0):
    """Fitted log-log slopes of local and global error against eta, on a quadratic and the wavy bowl,
    and the global error against both bounds on instances that nearly attain them.

    The Grönwall bound (e^{LT}-1)/L * M eta/2 is checked on the concave f = -x^2/2
    (L = 1) over a horizon with L T = ``extremal_lt``, where the ratio tends to
    LT/(e^{LT} - 1) as eta -> 0; the convex bound T M eta/2 on f = x^2/2, where it tends
    to e^{-LT}. Both limits approach 1 as L T -> 0. ``local_order``/``global_order`` are
    the predicted orders; ``time_scale`` != 1 compares with the flow at the wrong time;
    ``bound_factor`` < 1 claims bounds smaller by that factor. All make the check fail.
    """
    why = ("the next Taylor term changes the error by a relative O(ηL) at the largest step, "
           "bending the fitted slope by a few hundredths; a wrong order is off by 1")
    checks = []
    for name, problem in (("quadratic, exact flow", "quadratic"),
                          ("nonconvex wavy bowl, solve_ivp flow", "wavy bowl")):
        err = standard_euler_errors(problem, horizon=horizon, time_scale=time_scale)
        checks.append(close_to("C21", f"fitted order of the local error, {name}",
                               loglog_slope(err.step_sizes, err.local).slope, local_order, 0.06, why))
        checks.append(close_to("C21", f"fitted order of the global error at T = {horizon:g}, {name}",
                               loglog_slope(err.step_sizes, err.global_).slope, global_order, 0.06, why))
    lt = positive_number(extremal_lt, "extremal_lt")
    why_bound = ("a proved inequality; both sides are exact up to the rounding of K ≤ 1000 "
                 "multiplications, a relative 1e-13 of an error of order 1e-6, so no slack is needed")
    why_limit = ("the ratio differs from its limit by about ηL·2/3 (measured), so ηL at the "
                 "smallest step (K = 1000) covers it; a bound off by a constant factor misses by far more")
    etas, gronwall, _ = scalar_euler_bound_ratios(-1.0, lt, (100, 1000))
    checks.append(at_most(
        "C21", f"max over η of global error / Grönwall bound (e^{{LT}}−1)/L·Mη/2, f = −x²/2, LT = {lt:g}",
        float(np.max(gronwall)) / bound_factor, 1.0, 0.0, why_bound))
    checks.append(close_to(
        "C21", f"the same ratio at K = 1000 against its limit LT/(e^{{LT}} − 1) as η → 0, LT = {lt:g}",
        float(gronwall[-1]) / bound_factor, lt / float(np.expm1(lt)), float(etas[-1]), why_limit))
    etas, _, convex = scalar_euler_bound_ratios(1.0, lt, (100, 1000))
    checks.append(at_most(
        "C21", f"max over η of global error / convex bound T·Mη/2, f = x²/2, LT = {lt:g}",
        float(np.max(convex)) / bound_factor, 1.0, 0.0, why_bound))
    checks.append(close_to(
        "C21", f"the same ratio at K = 1000 against its limit e^{{−LT}} as η → 0, LT = {lt:g}",
        float(convex[-1]) / bound_factor, float(np.exp(-lt)), float(etas[-1]), why_limit))
    return checks


def _fourth_order_second_difference(objective, start, times, h):
    """theta''(t) by the 5-point stencil on the flow sampled at t-2h..t+2h."""
    offsets = np.array([-2, -1, 0, 1, 2]) * h
    grid = (np.asarray(times)[:, None] + offsets[None, :]).reshape(-1)
    order = np.argsort(grid)
    flow = gradient_flow(objective, start, grid[order]).points
    pts = np.empty_like(flow)
    pts[order] = flow
    pts = pts.reshape(len(times), 5, -1)
    w = np.array([-1.0, 16.0, -30.0, 16.0, -1.0]) / (12.0 * h**2)
    return np.einsum("j,njd->nd", w, pts), pts[:, 2]


@claim("C22", label="prop-flow-acceleration",
       statement="Along the gradient flow θ'' = ∇²f(θ)∇f(θ)")
def check_flow_acceleration(*, sign: float = 1.0, times=(0.0, 0.3, 1.0, 3.0), h: float = 0.01,
                            seed: int = 0):
    """Compare a finite-difference second derivative of the flow with sign * Hess f grad f.

    Run on the ill-conditioned quadratic (exact flow) and on logistic regression
    (solve_ivp). ``sign = -1`` predicts the wrong sign and must fail. Also checks
    that the local Euler error divided by eta^2 approaches ||theta''(0)||/2.
    """
    objs = _objectives(seed)
    checks = []
    t = np.asarray(times, dtype=float) + 2 * h  # keep every stencil point at t >= 0
    for name in ("ill-conditioned quadratic", "logistic regression"):
        obj, x0 = objs[name]
        fd, centre = _fourth_order_second_difference(obj, x0, t, h)
        predicted = sign * flow_acceleration(obj, centre)
        rel = np.linalg.norm(fd - predicted, axis=1) / np.linalg.norm(predicted, axis=1)
        checks.append(at_most(
            "C22", f"max relative gap between finite-difference θ'' and ∇²f∇f, {name}",
            float(np.max(rel)), 0.0, 1e-5,
            "the 5-point stencil errs by O(h⁴) ≈ 1e-8 and amplifies the solver's 1e-11 "
            "relative error by 1/h² to ≈ 1e-7; 1e-5 leaves room, a wrong sign gives 2"))
    obj, x0 = objs["ill-conditioned quadratic"]
    eta = 1e-4
    one_step = x0 - eta * obj.gradient(x0)
    exact = gradient_flow(obj, x0, [0.0, eta]).points[-1]
    ratio = np.linalg.norm(one_step - exact) / eta**2
    predicted = 0.5 * np.linalg.norm(sign * flow_acceleration(obj, x0)[0])
    checks.append(close_to(
        "C22", "local Euler error / η² at η = 1e-4 against ‖θ''(0)‖/2, quadratic",
        float(ratio / predicted), 1.0 if sign > 0 else -1.0, 1e-3,
        "the next Taylor term is a relative O(ηL) = 1e-3 correction"))
    return checks


def scalar_gd_behaviour(products, *, curvature: float = 1.0, num_steps: int = 40, start: float = 1.0):
    """Run gradient descent on f = c x^2/2 at each step eta = product / c.

    Returns per product: the fraction of steps that change sign, and the
    measured per-step factor |x_K / x_0|^{1/K}.
    """
    obj = ScalarQuadratic(curvature)
    flips, factors = [], []
    for p in np.asarray(products, dtype=float):
        x = gradient_descent(obj, [start], p / curvature, num_steps).points[:, 0]
        flips.append(float(np.mean(x[1:] * x[:-1] < 0)))
        factors.append(float(np.abs(x[-1] / x[0]) ** (1.0 / num_steps)))
    return np.array(flips), np.array(factors)


#: Values of eta * lambda the chapter tabulates.
STABILITY_PRODUCTS = (0.5, 0.9, 1.1, 1.5, 1.9, 2.0, 2.1, 2.5)


@claim("C23", label="prop-scalar-stability",
       statement="GD on λθ²/2: monotone decay for ηλ < 1, zig-zag for ηλ > 1, divergence for ηλ > 2, constant modulus at ηλ = 2")
def check_scalar_stability(*, products=STABILITY_PRODUCTS, zigzag_threshold: float = 1.0,
                           divergence_threshold: float = 2.0, curvature: float = 3.0,
                           num_steps: int = 40):
    """Measured sign changes and per-step factors against |1 - eta lambda|.

    ``zigzag_threshold`` and ``divergence_threshold`` are the predicted
    boundaries; moving either (say divergence at 3) must fail.
    """
    flips, factors = scalar_gd_behaviour(products, curvature=curvature, num_steps=num_steps)
    checks = []
    for p, flip, factor in zip(products, flips, factors):
        zig = p > zigzag_threshold
        checks.append(close_to(
            "C23", f"fraction of sign changes at ηλ = {p:g} (predicted {'all' if zig else 'none'})",
            flip, 1.0 if zig else 0.0, 0.0, "a sign change either happens or not"))
        checks.append(close_to(
            "C23", f"per-step factor at ηλ = {p:g} against |1 − ηλ|", factor, abs(1 - p), 1e-12,
            "x_k = (1 − ηλ)^k x_0 up to rounding of k multiplications"))
        if p != divergence_threshold:
            grows = p > divergence_threshold
            checks.append(close_to(
                "C23", f"iterates grow at ηλ = {p:g} (1 = yes, predicted {'yes' if grows else 'no'})",
                float(factor > 1.0), float(grows), 0.0, "growth either happens or not"))
        else:
            checks.append(close_to(
                "C23", f"|x_K|/|x_0| at ηλ = {p:g}: the mode neither grows nor decays",
                factor ** num_steps, 1.0, 1e-12, "(1 − 2)^K = ±1 exactly; 1e-12 allows rounding"))
    return checks


def prox_by_values(objective: Objective, point: float, step_size: float) -> float:
    r"""prox_{eta f}(x) of a one-dimensional f, found from values of the subproblem alone.

    Golden-section search (``scipy.optimize.minimize_scalar(method="golden")``) on
    phi(u) = f(u) + (u - x)^2/(2 eta), started from the bracket (x, x + eta): it
    compares values of phi and never uses a derivative, so it does not solve the
    backward Euler equation u = x - eta f'(u) in disguise. For convex f, phi is
    (1/eta)-strongly convex and unimodal, and the search finds its minimiser up to
    :func:`values_resolution`.

    Examples
    --------
    >>> from gdflow.problems import ScalarQuadratic
    >>> round(prox_by_values(ScalarQuadratic(1.0), 3.0, 2.0), 6)
    1.0
    """
    from scipy import optimize

    if objective.dim != 1:
        raise ValueError(f"prox_by_values needs a one-dimensional objective; got dimension {objective.dim}")
    x = float(point)
    eta = positive_number(step_size, "step_size")

    def subproblem(u):
        return float(objective.value([u])) + (u - x) ** 2 / (2.0 * eta)

    result = optimize.minimize_scalar(subproblem, bracket=(x, x + eta), method="golden",
                                      options={"xtol": PROX_SEARCH_XTOL})
    return float(result.x)


#: Relative bracket width at which the golden-section search of :func:`prox_by_values` stops.
PROX_SEARCH_XTOL = 1e-12


def values_resolution(step_size: float, subproblem_value: float) -> float:
    r"""How far from the minimiser a search by values of phi can end, for (1/eta)-strongly convex phi.

    Each computed value of phi is off by at most e = 4 eps (1 + |phi|) (a few ulps of
    the evaluation). A comparison between two points can come out wrong only if their
    true values differ by less than 2e, and a point at distance r from the minimiser
    lies at least r^2/(2 eta) above the minimum. Every comparison is therefore right
    while the points compared are farther than r = sqrt(4 eta e) from the minimiser,
    and the search ends within its last bracket plus r of it.
    """
    eta = positive_number(step_size, "step_size")
    e = 4.0 * np.finfo(float).eps * (1.0 + abs(float(subproblem_value)))
    return float(np.sqrt(4.0 * eta * e))


#: Points at which the one-dimensional prox of claim C24 is computed both ways.
PROX_POINTS = (-3.0, 0.0, 0.5, 4.0)


def scalar_prox_gaps(objective: Objective, points=PROX_POINTS, step_sizes=(0.03, 0.3, 3.0, 30.0, 300.0)):
    """|backward Euler step - prox by values| / allowance, for every point and step size.

    The backward Euler step is :func:`~gdflow.implicit.backward_euler_step` (a root of
    u + eta f'(u) = x); the prox is :func:`prox_by_values`. The allowance is the
    search's last bracket, 2 ``PROX_SEARCH_XTOL`` (1 + |u|), plus
    :func:`values_resolution`. Returns an array of shape (len(points), len(step_sizes)).
    """
    out = np.empty((len(points), len(step_sizes)))
    for i, x in enumerate(points):
        for j, eta in enumerate(step_sizes):
            u_be = float(backward_euler_step(objective, [x], eta)[0])
            u_prox = prox_by_values(objective, x, eta)
            phi = float(objective.value([u_prox])) + (u_prox - x) ** 2 / (2.0 * eta)
            allowance = 2.0 * PROX_SEARCH_XTOL * (1.0 + abs(u_prox)) + values_resolution(eta, phi)
            out[i, j] = abs(u_be - u_prox) / allowance
    return out


def unpolished_prox_gaps(objective: Objective, points, step_size: float):
    r"""||u_min - u_BE|| / (||r(u_min)|| + ||r(u_BE)||) at each point, with r(u) = u - x + eta grad f(u).

    u_min minimises phi(u) = f(u) + ||u - x||^2/(2 eta) by BFGS with no further
    polishing; u_BE solves the backward Euler equation r(u) = 0 by a root finder. For
    convex f, phi is (1/eta)-strongly convex, so every u lies within
    eta ||grad phi(u)|| = ||r(u)|| of the minimiser, and the two lie within the sum of
    their residuals of each other: every ratio is at most 1. A rounding allowance of
    1e-14 (1 + ||x||) is added to the denominator.
    """
    from scipy import optimize

    eta = positive_number(step_size, "step_size")
    ratios = []
    for x in np.atleast_2d(np.asarray(points, dtype=float)):
        def subproblem(u, x=x):
            return float(objective.value(u)) + float(np.sum((u - x) ** 2)) / (2.0 * eta)

        def subgradient(u, x=x):
            return objective.gradient(u) + (u - x) / eta

        u_min = optimize.minimize(subproblem, x, jac=subgradient, method="BFGS",
                                  options={"gtol": 1e-9 / eta}).x
        u_be = backward_euler_step(objective, x, eta)
        residual = (np.linalg.norm(u_min - x + eta * objective.gradient(u_min))
                    + np.linalg.norm(u_be - x + eta * objective.gradient(u_be)))
        ratios.append(float(np.linalg.norm(u_min - u_be)
                            / (residual + 1e-14 * (1.0 + np.linalg.norm(x)))))
    return np.array(ratios)


_SCALAR_OBJECTIVES = {
    # log(1 + e^{-x}): convex, not quadratic, 1/4-smooth
    "logistic": lambda: LogisticRegression([[1.0]], [1.0]),
    # (x² − 1)²/4: nonconvex; at x = 0 with η > 1 its subproblem has two minimisers and a maximum at 0
    "double well": DoubleWell,
}



@claim("C24", label="prop-backward-euler",
       statement="Backward Euler = proximal point; stable for every step on convex f (factor 1/(1+ηλ)), not on concave f (factor 1/(1−ηλ))")
def check_backward_euler(*, curvature: float = 1.0, concave_curvature: float = -1.0,
                         step_sizes=(0.03, 0.3, 3.0, 30.0, 300.0), num_steps: int = 20,
                         logistic_step_factor: float = 50.0, scalar_objective: str = "logistic",
                         energy_iterates: str = "prox", seed: int = 0):
    """Backward Euler on c x^2/2 for a wide range of steps; backward Euler against the prox
    computed independently (by values alone in one dimension, by unpolished minimisation on
    logistic regression far above 2/L); f along the proximal iterates; and a concave quadratic.

    With ``curvature`` < 0 the "stable for every step" part fails; with
    ``concave_curvature`` >= 0 the "breaks for concave f" part fails; with
    ``scalar_objective="double well"`` (nonconvex) backward Euler and prox part ways; with
    ``energy_iterates="explicit"`` the decrease f(θ_k+1) + ‖θ_k+1 − θ_k‖²/(2η) ≤ f(θ_k) is
    measured along explicit steps of the same size instead of the proximal iterates, and fails.
    """
    if energy_iterates not in ("prox", "explicit"):
        raise ValueError(f"energy_iterates must be 'prox' or 'explicit'; got {energy_iterates!r}")
    checks = []
    obj = ScalarQuadratic(curvature)
    measured, predicted = [], []
    for eta in step_sizes:
        x = backward_euler(obj, [1.0], eta, num_steps).points[:, 0]
        measured.append(float(np.abs(x[-1]) ** (1.0 / num_steps)))
        predicted.append(1.0 / abs(1.0 + eta * curvature))
    measured, predicted = np.array(measured), np.array(predicted)
    checks.append(at_most(
        "C24", f"largest per-step factor of backward Euler on {curvature:g}x²/2 over η ∈ "
        f"[{min(step_sizes):g}, {max(step_sizes):g}]", float(np.max(measured)), 1.0, 0.0,
        "stability means a factor below 1; no slack"))
    checks.append(at_most(
        "C24", "max relative gap between measured factor and 1/|1 + ηc|",
        float(np.max(np.abs(measured / predicted - 1.0))), 0.0, 1e-12,
        "x_k = x_0/(1 + ηc)^k up to rounding of k divisions"))

    if scalar_objective not in _SCALAR_OBJECTIVES:
        raise ValueError(f"scalar_objective must be one of {sorted(_SCALAR_OBJECTIVES)}; "
                         f"got {scalar_objective!r}")
    gaps = scalar_prox_gaps(_SCALAR_OBJECTIVES[scalar_objective](), PROX_POINTS, step_sizes)
    checks.append(at_most(
        "C24", f"max over x ∈ {{{', '.join(f'{p:g}' for p in PROX_POINTS)}}} and the steps of "
        f"|backward Euler step − prox found by values| / allowance, f = {scalar_objective}",
        float(np.max(gaps)), 1.0, 0.0,
        "the allowance is the golden-section search's last bracket plus the distance "
        "sqrt(4η·4ε(1 + |φ|)) within which rounded values of the (1/η)-strongly convex "
        "subproblem φ cannot be told apart; the backward Euler residual (1e-12) is far below it"))

    rng = np.random.default_rng(seed)
    logistic = logistic_problem(rng)
    eta = logistic_step_factor * 2.0 / logistic.smoothness
    x0 = np.full(logistic.dim, 2.0)
    prox = proximal_point(logistic, x0, eta, num_steps)
    ratios = unpolished_prox_gaps(logistic, prox.points[:-1], eta)
    checks.append(at_most(
        "C24", f"max over {num_steps} steps of ‖prox by BFGS (unpolished) − backward Euler‖ / "
        f"(sum of their residuals), logistic regression, η = {logistic_step_factor:g}·2/L",
        float(np.max(ratios)), 1.0, 0.0,
        "a proved bound: the subproblem is (1/η)-strongly convex, so each point lies within "
        "its residual ‖u − θ + η∇f(u)‖ of the minimiser; rounding is added to the residuals"))
    energy_path = prox if energy_iterates == "prox" else gradient_descent(logistic, x0, eta, num_steps)
    values = energy_path.values
    moves = np.sum(np.diff(energy_path.points, axis=0) ** 2, axis=1) / (2.0 * eta)
    scale = 1.0 + np.abs(values[:-1])
    checks.append(at_most(
        "C24", f"largest f(θ_k+1) + ‖θ_k+1 − θ_k‖²/(2η) − f(θ_k), relative to 1 + |f|, along the "
        f"{'proximal' if energy_iterates == 'prox' else 'explicit'} iterates, logistic regression, "
        f"η = {logistic_step_factor:g}·2/L",
        float(np.max((values[1:] + moves - values[:-1]) / scale)), 0.0, 1e-12,
        "a proved inequality (the prox minimises the subproblem, whose value at θ_k is f(θ_k)); "
        "1e-12 relative allows the rounding of f and of the subproblem's solution"))

    concave = ScalarQuadratic(concave_curvature)
    lam = abs(concave_curvature) if concave_curvature != 0 else 1.0
    factors = []
    for product in (0.5, 1.5):
        x = backward_euler(concave, [1.0], product / lam, num_steps, on_divergence="stop").points[:, 0]
        factors.append(float(np.abs(x[-1]) ** (1.0 / (len(x) - 1))))
    checks.append(at_least(
        "C24", f"largest per-step growth of backward Euler on {concave_curvature:g}x²/2 at "
        "ηλ ∈ {0.5, 1.5}", float(max(factors)), 1.0, 0.0,
        "instability means a factor above 1; predicted 1/|1 − ηλ| = 2"))
    return checks
