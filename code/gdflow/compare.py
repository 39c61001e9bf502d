"""Every method and flow of the book side by side on strongly convex quadratics.

:func:`comparison` runs each method on a quadratic whose spectrum fills [mu, L]
and counts the iterations (or, for a flow, the time) until the distance to the
minimiser has shrunk by a given factor for good. The per-step rate each method
is predicted to have on such quadratics is put beside the rate fitted to the run.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

import numpy as np

from ._validation import count, positive_number
from .descent import gradient_descent
from .flow import quadratic_flow
from .implicit import proximal_point
from .measure import geometric_rate
from .momentum import heavy_ball, nesterov, nesterov_strongly_convex_momentum, optimal_heavy_ball_parameters
from .natural import natural_gradient_descent
from .problems import Quadratic
from .trajectory import Trajectory

__all__ = ["MethodSpec", "MethodResult", "METHODS", "spectrum_quadratic", "iterations_to_reduce",
           "comparison", "flow_time_to_reduce", "scaling_exponent"]


def spectrum_quadratic(condition_number: float, dim: int = 8) -> Quadratic:
    """Diagonal quadratic with eigenvalues spaced geometrically from mu = 1 to L = kappa (both included)."""
    kappa = positive_number(condition_number, "condition_number")
    if kappa < 1:
        raise ValueError(f"condition_number must be at least 1; got {kappa:g}")
    dim = count(dim, "dim", minimum=2)
    return Quadratic(np.diag(np.geomspace(1.0, kappa, dim)))


def iterations_to_reduce(distances, reduction: float) -> int:
    """First k after which every distance is at most ``reduction`` times the first one.

    Raises ``ValueError`` if the last distance is still above that level (the run
    was too short to tell).
    """
    d = np.asarray(distances, dtype=float)
    reduction = positive_number(reduction, "reduction")
    above = np.nonzero(d > reduction * d[0])[0]
    if above.size and above[-1] == d.size - 1:
        raise ValueError("the run ended before the distance fell below the target; run longer")
    return int(above[-1] + 1) if above.size else 0


@dataclass(frozen=True)
class MethodSpec:
    """A method of the book as the comparison table shows it.

    ``predicted_rate(L, mu)`` is the asymptotic factor by which the distance to
    the minimiser shrinks per step on quadratics with spectrum in [mu, L];
    ``run(q, start, num_steps)`` returns the trajectory.
    """

    name: str
    chapter: str
    update: str
    continuous_limit: str
    step_limit: str
    predicted_rate: Callable[[float, float], float]
    run: Callable[[Quadratic, np.ndarray, int], Trajectory]


def _gd(step: Callable[[float, float], float]):
    return lambda q, x0, n: gradient_descent(q, x0, step(q.smoothness, q.strong_convexity), n)


def _heavy_ball(q, x0, n):
    alpha, beta = optimal_heavy_ball_parameters(q.smoothness, q.strong_convexity)
    return heavy_ball(q, x0, alpha, beta, n)


def _nesterov(q, x0, n):
    beta = nesterov_strongly_convex_momentum(q.condition_number)
    return nesterov(q, x0, 1.0 / q.smoothness, n, momentum=beta)


def _root_rate(L, mu):
    r = np.sqrt(L / mu)
    return (r - 1.0) / (r + 1.0)


METHODS: tuple[MethodSpec, ...] = (
    MethodSpec("Gradient descent, η = 1/L", "chap-gradient-descent",
               r"$\theta_{k+1} = \theta_k - \eta\nabla f(\theta_k)$", r"$\dot\theta = -\nabla f(\theta)$",
               r"$\eta < 2/L$", lambda L, mu: 1.0 - mu / L, _gd(lambda L, mu: 1.0 / L)),
    MethodSpec("Gradient descent, η = 2/(L+μ)", "chap-gradient-descent",
               r"$\theta_{k+1} = \theta_k - \eta\nabla f(\theta_k)$", r"$\dot\theta = -\nabla f(\theta)$",
               r"$\eta < 2/L$", lambda L, mu: (L - mu) / (L + mu), _gd(lambda L, mu: 2.0 / (L + mu))),
    MethodSpec("Heavy ball, Polyak's tuning", "chap-momentum",
               # two formulas, so that a narrow table column may wrap between them
               r"$\theta_{k+1} = \theta_k - \alpha\nabla f(\theta_k)$ $+\, \beta(\theta_k - \theta_{k-1})$",
               r"$\ddot\theta + \gamma\dot\theta + \nabla f(\theta) = 0$",
               r"$\alpha L < 2(1 + \beta)$", _root_rate, _heavy_ball),
    MethodSpec("Nesterov, step 1/L", "chap-nesterov",
               r"$y_k = \theta_k + \beta(\theta_k - \theta_{k-1})$, $\theta_{k+1} = y_k - \tfrac1L\nabla f(y_k)$",
               r"$\ddot X + 2\sqrt{\mu}\,\dot X + \nabla f(X) = 0$, $t = k/\sqrt{L}$",
               r"$s \le 1/L$", lambda L, mu: 1.0 - np.sqrt(mu / L), _nesterov),
    MethodSpec("Proximal point, η = 1/L", "chap-proximal",
               r"$\theta_{k+1} = \theta_k - \eta\nabla f(\theta_{k+1})$", r"$\dot\theta = -\nabla f(\theta)$",
               "none (convex f)", lambda L, mu: 1.0 / (1.0 + mu / L),
               lambda q, x0, n: proximal_point(q, x0, 1.0 / q.smoothness, n)),
    MethodSpec("Natural gradient, G = A, η = 1", "chap-natural-gradient",
               r"$\theta_{k+1} = \theta_k - \eta G^{-1}\nabla f(\theta_k)$",
               r"$\dot\theta = -G^{-1}\nabla f(\theta)$", r"$\eta < 2$ (with G = A)",
               lambda L, mu: 0.0, lambda q, x0, n: natural_gradient_descent(q, x0, 1.0, n, metric=q.A)),
)


@dataclass(frozen=True)
class MethodResult:
    """One method's measurements at one condition number.

    ``predicted_iterations`` is log(1/reduction)/log(1/rate), the count the
    asymptotic rate alone predicts (NaN for a method with rate 0).
    """

    method: MethodSpec
    condition_number: float
    iterations: int
    predicted_rate: float
    fitted_rate: float
    predicted_iterations: float


def comparison(condition_numbers=(100.0, 1000.0), reduction: float = 1e-6, *, dim: int = 8,
               methods=METHODS, rate_window: int = 40) -> list[MethodResult]:
    """Run every method at every condition number; count iterations to shrink the distance by ``reduction``.

    The start has equal weight on every eigenvector, so the slowest mode is present.
    The fitted rate comes from the last ``rate_window`` iterations before the
    target is reached, past the transient (it is NaN for a method that converges
    in fewer steps than that). With the default ``methods`` the runs are made once
    per process for each set of arguments and reused (the results are immutable).
    """
    reduction = positive_number(reduction, "reduction")
    kappas = tuple(float(k) for k in condition_numbers)
    if methods is METHODS:
        # The book's table and its claims ask for the same runs: do them once per process.
        return list(_comparison_of_all(kappas, reduction, dim, rate_window))
    return _comparison(kappas, reduction, dim, methods, rate_window)


@lru_cache(maxsize=8)
def _comparison_of_all(condition_numbers, reduction, dim, rate_window):
    return tuple(_comparison(condition_numbers, reduction, dim, METHODS, rate_window))


def _comparison(condition_numbers, reduction, dim, methods, rate_window):
    results = []
    for kappa in condition_numbers:
        q = spectrum_quadratic(kappa, dim)
        x0 = np.ones(q.dim)
        L, mu = q.smoothness, q.strong_convexity
        for spec in methods:
            rho = float(spec.predicted_rate(L, mu))
            # Start from a little more than the rate's prediction and double until the
            # distance has stayed below the target for a while (a run that ends just
            # after the crossing could miss an oscillation back above it).
            steps = 10 if rho == 0 else int(1.3 * np.log(1 / reduction) / -np.log(rho)) + 100
            while True:
                dist = spec.run(q, x0, steps).distances(q.minimizer)
                try:
                    k = iterations_to_reduce(dist, reduction)
                except ValueError:
                    steps *= 2
                    continue
                if steps - k >= max(20, k // 4):
                    break
                steps *= 2
            window = dist[max(1, k - rate_window):k + 1]
            fitted = (geometric_rate(np.arange(window.size), window)
                      if k > rate_window and np.all(window > 0) else float("nan"))
            predicted = float("nan") if rho == 0 else float(np.log(reduction) / np.log(rho))
            results.append(MethodResult(spec, float(kappa), k, rho, fitted, predicted))
    return results


def flow_time_to_reduce(quadratic: Quadratic, start, reduction: float) -> float:
    """Time at which the exact gradient flow's distance to the minimiser is ``reduction`` of its start.

    The distance decreases strictly, so the time is found by bisection on the
    closed-form flow (to a relative precision of 1e-12).
    """
    from scipy.optimize import brentq

    reduction = positive_number(reduction, "reduction")
    x0 = np.asarray(start, dtype=float)
    d0 = np.linalg.norm(x0 - quadratic.minimizer)

    def excess(t):
        return quadratic_flow(quadratic, x0, [t]).distances(quadratic.minimizer)[0] - reduction * d0

    upper = np.log(1.0 / reduction) / quadratic.strong_convexity * 2.0 + 1.0
    return float(brentq(excess, 0.0, upper, xtol=1e-12 * upper))



def scaling_exponent(results, method_name: str) -> float:
    """p in iterations ~ kappa^p for one method, from its counts at the smallest and largest kappa."""
    rows = sorted((r for r in results if r.method.name == method_name), key=lambda r: r.condition_number)
    if len(rows) < 2:
        raise ValueError(f"need results at two condition numbers for {method_name!r}")
    first, last = rows[0], rows[-1]
    return float(np.log(last.iterations / first.iterations)
                 / np.log(last.condition_number / first.condition_number))
