"""Checks for the chapter on momentum (claims A01-A03, C28, C32)."""

from __future__ import annotations

import numpy as np

from ..claims import at_least, at_most, claim, close_to
from ..descent import gradient_descent
from ..examples import logistic_problem
from ..flow import gradient_flow
from ..measure import geometric_rate, loglog_slope
from ..momentum import heavy_ball, optimal_heavy_ball_parameters
from ..odes import damped_flow
from ..problems import Quadratic
from ..worst_cases import lessard_counterexample

__all__ = [
    "spread_quadratic", "jordan_window_factor", "heavy_ball_scalar_sweep", "stability_boundary",
    "heavy_ball_discretisation_errors", "overdamped_errors", "lessard_cycle",
]


def spread_quadratic(condition_number: float = 100.0, dim: int = 10, seed: int = 2):
    """A rotated quadratic with eigenvalues log-spaced on [1, kappa] (both ends) and a random start.

    Returns (quadratic, start).
    """
    rng = np.random.default_rng(seed)
    lam = np.exp(np.linspace(0.0, np.log(condition_number), dim))
    q, _ = np.linalg.qr(rng.standard_normal((dim, dim)))
    return Quadratic.from_eigenvalues(lam, q), rng.standard_normal(dim)


def jordan_window_factor(first: int, last: int) -> float:
    """(last/first)^(1/(last - first)): how much a factor k in k rho^k can raise a rate fitted on [first, last].

    At a double root of a linear recursion the error is (a + b k) rho^k. On the
    window [first, last] the factor (a + b k) grows by at most last/first when a, b >= 0,
    which raises the fitted per-step ratio by at most this factor.
    """
    return float((last / first) ** (1.0 / (last - first)))


def heavy_ball_discretisation_errors(objective, start, damping, horizon, step_counts, *, damping_factor=1.0):
    """Largest distance between heavy-ball iterates (alpha = h^2, beta = 1 - gamma h) and the damped flow.

    Returns (time steps h, errors). ``damping_factor`` != 1 maps beta wrongly
    (beta = 1 - factor gamma h), which discretises a different equation.
    """
    hs, paths = [], []
    for n in step_counts:
        h = horizon / n
        hs.append(h)
        paths.append(heavy_ball(objective, start, h * h, 1.0 - damping_factor * damping * h, n))
    # one solve of the flow, sampled at every run's times
    times = np.unique(np.concatenate([p.times for p in paths]))
    exact = damped_flow(objective, start, times, damping).points
    errors = [float(np.max(np.linalg.norm(p.points - exact[np.searchsorted(times, p.times)], axis=1)))
              for p in paths]
    return np.array(hs), np.array(errors)


@claim("A01", label="prop-heavy-ball-discretisation",
       statement="Heavy ball with α = h², β = 1 − γh is a first-order discretisation of θ'' + γθ' + ∇f = 0")
def check_heavy_ball_discretisation(*, damping: float = 1.0, horizon: float = 10.0,
                                    step_counts=(100, 200, 400, 800), damping_factor: float = 1.0,
                                    seed: int = 2):
    """Fitted order of the heavy ball's global error against the damped flow on [0, horizon].

    The objective is the book's regularised logistic regression (not quadratic).
    """
    obj = logistic_problem(np.random.default_rng(seed))
    start = np.full(obj.dim, 2.0)
    hs, errors = heavy_ball_discretisation_errors(obj, start, damping, horizon, step_counts,
                                                  damping_factor=damping_factor)
    slope = loglog_slope(hs, errors).slope
    return close_to("A01", "fitted order p in max_k ‖θ_k − θ(kh)‖ ∝ h^p", slope, 1.0, 0.1,
                    "the error is c h + O(h²); at these h the second-order term moves the fitted "
                    "slope by a few thousandths, and 0.1 still tells order 1 from orders 0 and 2")


def overdamped_errors(objective, start, horizon, dampings, *, rescale_time=True, num_times=101):
    """sup over s in [0, horizon] of ||theta_gamma(gamma s) - theta_GF(s)|| for each damping gamma.

    With ``rescale_time=False`` the damped flow is compared at the same time s
    instead, which is not the right limit. The damped flow is solved with LSODA:
    heavy damping makes it stiff (it agrees with DOP853 to about 1e-13 here,
    at a third of the cost).
    """
    s = np.linspace(0.0, horizon, num_times)
    flow = gradient_flow(objective, start, s)
    errors = []
    for gamma in dampings:
        clock = gamma * s if rescale_time else s
        ball = damped_flow(objective, start, clock, gamma, method="LSODA")
        errors.append(float(np.max(np.linalg.norm(ball.points - flow.points, axis=1))))
    return np.array(errors)


@claim("C32", label="thm-overdamped-limit",
       statement="Gradient flow is the massless (overdamped) limit of θ'' + γθ' + ∇f = 0, with time t = γs")
def check_overdamped_limit(*, horizon: float = 2.0, dampings=(4.0, 8.0, 16.0, 32.0),
                           rescale_time: bool = True, seed: int = 2):
    """Fitted exponent of the distance between the rescaled damped flow and gradient flow, in gamma."""
    obj = logistic_problem(np.random.default_rng(seed))
    start = np.full(obj.dim, 2.0)
    errors = overdamped_errors(obj, start, horizon, dampings, rescale_time=rescale_time)
    slope = loglog_slope(dampings, errors).slope
    return [
        close_to("C32", "fitted exponent q in sup_s ‖θ_γ(γs) − θ_GF(s)‖ ∝ γ^q", slope, -2.0, 0.1,
                 "the distance is c/γ² + O(1/γ⁴); over γ = 4…32 the second term moves the fitted "
                 "exponent by a few hundredths, and 0.1 still separates −2 from −1"),
        at_most("C32", f"sup distance at γ = {dampings[-1]:g}", errors[-1], 0.01, 0.0,
                "the limit must be approached, not only at the right order: 0.01 is 1% of the "
                "start's distance scale (‖θ₀‖ ≈ 4.5)"),
    ]


@claim("A02", label="thm-heavy-ball-quadratic-rate",
       statement="Tuned heavy ball on quadratics: rate (√κ−1)/(√κ+1), against (κ−1)/(κ+1) for descent")
def check_heavy_ball_rate(*, condition_number: float = 100.0, momentum=None, window=(60, 120),
                          gd_window=(100, 400), seed: int = 2):
    """Fitted geometric rates of ||x_k - x*|| for tuned heavy ball and for descent with eta = 2/(L + mu).

    ``momentum`` overrides Polyak's tuned beta (keeping the tuned step), which
    changes the rate and must make the check fail.
    """
    q, start = spread_quadratic(condition_number, seed=seed)
    alpha, beta = optimal_heavy_ball_parameters(q.smoothness, q.strong_convexity)
    beta = beta if momentum is None else momentum
    root = np.sqrt(condition_number)
    rho_hb = (root - 1.0) / (root + 1.0)
    rho_gd = (condition_number - 1.0) / (condition_number + 1.0)
    k1, k2 = window
    hb = heavy_ball(q, start, alpha, beta, k2, on_divergence="stop")
    dist = hb.distances(q.minimizer)
    rate_hb = geometric_rate(np.arange(k1, k2 + 1), dist[k1:k2 + 1]) if not hb.diverged else np.inf
    j1, j2 = gd_window
    gd = gradient_descent(q, start, 2.0 / (q.smoothness + q.strong_convexity), j2)
    rate_gd = geometric_rate(np.arange(j1, j2 + 1), gd.distances(q.minimizer)[j1:j2 + 1])
    jordan = rho_hb * (jordan_window_factor(k1, k2) - 1.0)
    return [
        close_to("A02", f"fitted per-step rate of heavy ball, κ = {condition_number:g}",
                 rate_hb, rho_hb, jordan + 2e-3,
                 f"at λ = μ and λ = L the tuned recursion has a double root, so the error there is "
                 f"(a + bk)ρ^k; on steps {k1}–{k2} the factor k raises the fit by at most "
                 f"{jordan:.4f}; 2e-3 more absorbs the oscillation of the complex modes"),
        close_to("A02", f"fitted per-step rate of descent with η = 2/(L+μ), κ = {condition_number:g}",
                 rate_gd, rho_gd, 1e-3,
                 "both extreme modes decay exactly like ρ^k with no polynomial factor; 1e-3 "
                 "allows the faster interior modes' early contribution"),
    ]


def heavy_ball_scalar_sweep(step_curvatures, momenta, num_steps: int = 1000):
    """|x_N| / |x_0| of the heavy ball on f = lambda x^2/2, for every pair (alpha lambda, beta) at once.

    Parameters
    ----------
    step_curvatures : array_like, shape (m,)
        Values of alpha lambda.
    momenta : array_like, shape (n,)
        Values of beta.

    Returns
    -------
    ndarray, shape (n, m)
        Growth factor after ``num_steps`` steps from rest at x_0 = 1 (inf where it overflowed).
    """
    a = np.asarray(step_curvatures, dtype=float)[None, :]
    b = np.asarray(momenta, dtype=float)[:, None]
    x_prev = np.ones(np.broadcast(a, b).shape)
    x = x_prev.copy()
    trace = 1.0 + b - a
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(num_steps):
            x, x_prev = trace * x - b * x_prev, x
    # An entry that overflowed stays inf or becomes NaN (inf - inf) for good: both mean diverged.
    return np.where(np.isnan(x), np.inf, np.abs(x))


def stability_boundary(step_curvatures, momenta, num_steps: int = 1000):
    """Measured edge of stability in alpha lambda for each beta.

    For each beta: the midpoint between the largest alpha lambda whose run
    shrank (|x_N| < |x_0|) and the next grid value. Returns an array of shape (n,).
    """
    a = np.asarray(step_curvatures, dtype=float)
    growth = heavy_ball_scalar_sweep(a, momenta, num_steps)
    stable = growth < 1.0
    edges = []
    for row in stable:
        if not row[0]:
            edges.append(a[0])
            continue
        first_bad = np.argmax(~row) if np.any(~row) else a.size - 1
        edges.append(0.5 * (a[first_bad - 1] + a[first_bad]))
    return np.array(edges)


@claim("A03", label="prop-heavy-ball-stability",
       statement="Heavy ball on λx²/2 with β ∈ [0, 1) converges iff 0 < αλ < 2(1 + β)")
def check_heavy_ball_stability(*, boundary=None, num_momenta: int = 20, num_steps: int = 1000,
                               grid=(0.005, 4.5, 900)):
    """The measured stability edge in alpha lambda, for each beta, against 2(1 + beta).

    ``boundary`` replaces the predicted edge (a function of beta); plain
    descent's edge ``lambda beta: 2.0`` must fail.
    """
    predict = (lambda beta: 2.0 * (1.0 + beta)) if boundary is None else boundary
    a = np.linspace(*grid[:2], int(grid[2]))
    spacing = a[1] - a[0]
    betas = np.linspace(0.0, 0.95, num_momenta)
    edges = stability_boundary(a, betas, num_steps)
    predicted = np.array([predict(float(b)) for b in betas])
    return at_most("A03", f"max |measured edge − predicted edge| over {num_momenta} values of β",
                   float(np.max(np.abs(edges - predicted))), 0.0, spacing,
                   f"the edge is located only to the grid spacing Δ(αλ) = {spacing:.4f}")


def lessard_cycle(start: float = 3.3, num_steps: int = 3000, momentum=None):
    """Heavy ball with Polyak's quadratic tuning on the Lessard-Recht-Packard function.

    Returns the trajectory (step 1/9 and momentum 4/9 for L = 25, mu = 1, unless
    ``momentum`` overrides the latter).
    """
    f = lessard_counterexample()
    alpha, beta = optimal_heavy_ball_parameters(f.smoothness, f.strong_convexity)
    beta = beta if momentum is None else momentum
    return heavy_ball(f, [start], alpha, beta, num_steps)


def detected_period(values, max_period: int = 10, tol: float = 1e-9):
    """Smallest p <= max_period with max |v_{k+p} - v_k| <= tol on the sequence, else 0."""
    v = np.asarray(values, dtype=float)
    for p in range(1, max_period + 1):
        if np.max(np.abs(v[p:] - v[:-p])) <= tol:
            return p
    return 0


def periodic_orbit(f, alpha: float, beta: float, pieces):
    """The heavy ball's periodic orbit on a :class:`~gdflow.worst_cases.PiecewiseQuadratic` visiting ``pieces``.

    On piece i the update is x_{j+1} = (1 + beta - alpha c_i) x_j - alpha d_i - beta x_{j-1}.
    Requiring this cyclically for j = 0..p-1 is a p x p linear system. Returns its
    solution and whether every point really lies in its assumed piece.
    """
    pieces = np.asarray(pieces, dtype=int)
    p = pieces.size
    M = np.zeros((p, p))
    rhs = np.zeros(p)
    for j, i in enumerate(pieces):
        M[j, (j + 1) % p] = 1.0
        M[j, j] -= 1.0 + beta - alpha * f.curvatures[i]
        M[j, (j - 1) % p] += beta
        rhs[j] = -alpha * f.offsets[i]
    orbit = np.linalg.solve(M, rhs)
    consistent = bool(np.all(f._piece(orbit) == pieces))
    return orbit, consistent


@claim("C28", label="prop-heavy-ball-cycles",
       statement="Heavy ball tuned for quadratics cycles on a strongly convex piecewise quadratic")
def check_heavy_ball_cycles(*, start: float = 3.3, num_steps: int = 3000, tail: int = 1000,
                            momentum=None):
    """No decrease of |x_k| over the last ``tail`` steps, and an exact 3-cycle.

    From ``start = 0.5`` the same method converges, so the check must fail there.
    """
    path = lessard_cycle(start, num_steps, momentum)
    x = path.points[-tail:, 0]
    f = lessard_counterexample()
    alpha, beta = optimal_heavy_ball_parameters(f.smoothness, f.strong_convexity)
    beta = beta if momentum is None else momentum
    orbit, consistent = periodic_orbit(f, alpha, beta, f._piece(x[-3:]))
    orbit_error = float(np.max(np.abs(orbit - x[-3:]))) if consistent else np.inf
    kappa = f.condition_number
    rho = (np.sqrt(kappa) - 1.0) / (np.sqrt(kappa) + 1.0)
    return [
        at_least("C28", f"min |x_k| over the last {tail} of {num_steps} steps, relative to |x_0|",
                 float(np.min(np.abs(x)) / abs(start)), 0.1, 0.0,
                 f"a method contracting at the tuned rate {rho:.3f} would be below "
                 f"1e-{int((num_steps - tail) * np.log10(1 / rho))} by then; 0.1 is far from both"),
        close_to("C28", "period of the tail (0 = none up to 10)", detected_period(x), 3.0, 0.0,
                 "a period is an integer; x_{k+p} = x_k is judged to 1e-9"),
        at_most("C28", "max distance of the last three iterates from the exact 3-cycle",
                orbit_error, 0.0, 1e-12,
                "the exact cycle solves a 3×3 linear system; 1e-12 is rounding at |x| ≈ 2"),
    ]
