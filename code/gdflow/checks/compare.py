"""Checks for the closing comparison of every method (claims M01-M02)."""

from __future__ import annotations

import numpy as np

from ..claims import at_least, at_most, claim, close_to
from ..compare import METHODS, comparison, scaling_exponent

#: Methods whose iteration count grows like kappa, and those that grow like sqrt(kappa).
LINEAR = ("Gradient descent, η = 1/L", "Gradient descent, η = 2/(L+μ)", "Proximal point, η = 1/L")
ACCELERATED = ("Heavy ball, Polyak's tuning", "Nesterov, step 1/L")


def _results(condition_numbers=(100.0, 1000.0), reduction=1e-6):
    # comparison() keeps its runs, so the chapter's table and these checks share them.
    return tuple(comparison(condition_numbers, reduction))


@claim("M01", label="prop-methods-rates",
       statement="On quadratics with spectrum [μ, L] each method converges at its predicted per-step rate")
def check_method_rates(*, claimed_rates=None):
    """Fitted per-step rates against the predicted ones.

    Descent and proximal point have diagonalisable iterations, so their fitted rate
    equals the predicted one up to the fit (relative 1e-4). The tuned heavy ball and
    Nesterov's method have a double eigenvalue at the extreme modes: the error is
    about k rho^k, whose ratio over a window ending near k = n is rho (1 + 1/n); the
    fitted rate must lie between rho and rho (1 + 2/n). ``claimed_rates`` maps a
    method name to a wrong rate, for tests.
    """
    claimed = dict(claimed_rates or {})
    checks = []
    for r in _results():
        rho = claimed.get(r.method.name, r.predicted_rate)
        where = f"{r.method.name}, κ = {r.condition_number:g}"
        if r.method.name in LINEAR:
            checks.append(close_to("M01", f"fitted rate / predicted rate, {where}", r.fitted_rate / rho,
                                   1.0, 1e-4, "a least-squares fit of an exact geometric sequence; "
                                   "1e-4 allows the transient of the faster modes"))
        elif r.method.name in ACCELERATED:
            slack = 2.0 / r.iterations
            checks.append(close_to("M01", f"fitted rate / predicted rate − 1 (window ends at k = {r.iterations}), "
                                   f"{where}", r.fitted_rate / rho - 1.0, slack / 2, slack / 2,
                                   "the double root makes the error ~ k ρ^k: the measured ratio is ρ(1 + 1/k), "
                                   "so it must lie in [ρ, ρ(1 + 2/k)]"))
        else:
            checks.append(close_to("M01", f"iterations to reduce the distance 10⁶-fold, {where}",
                                   r.iterations, 1.0, 0.0,
                                   "natural gradient with G = A lands on the minimiser in one step"))
    return checks


#: The plain method the speed-up of the accelerated methods is measured against.
BASELINE = "Gradient descent, η = 1/L"
#: Gradient descent with its best constant step: against it the rates predict only √κ.
BEST_PLAIN = "Gradient descent, η = 2/(L+μ)"


@claim("M02", label="prop-methods-scaling",
       statement="Iterations grow like κ for descent and proximal point and like √κ for the accelerated methods; "
                 "at κ = 1000 the best accelerated method is more than √κ times faster than descent with "
                 "η = 1/L, and less than √κ times faster than descent with η = 2/(L+μ)")
def check_method_scaling(*, claimed_exponents=None, baseline: str = BASELINE):
    """The exponent p in iterations ~ kappa^p between kappa = 100 and 1000, and the speed-up at 1000.

    Predicted p = 1 for descent and proximal point and p = 1/2 for heavy ball and
    Nesterov; the tolerance 0.1 covers the constant and logarithmic factors that a
    two-point fit over one decade cannot separate (the double root adds
    log(k)/log(1/rho) iterations). ``claimed_exponents`` overrides, for tests;
    ``baseline`` = ``BEST_PLAIN`` claims the √κ speed-up against the best plain step,
    which is false and must fail.
    """
    claimed = dict(claimed_exponents or {})
    results = _results()
    checks = []
    for name in LINEAR + ACCELERATED:
        predicted = claimed.get(name, 1.0 if name in LINEAR else 0.5)
        checks.append(close_to("M02", f"exponent p in iterations ~ κ^p, {name}", scaling_exponent(results, name),
                               predicted, 0.1, "a two-point fit over one decade of κ; constants and "
                               "log factors move it by a few hundredths"))
    checks.append(at_least("M02", f"speed-up of the best accelerated method over {baseline} at κ = 1000",
                           speedup(results, 1000.0, baseline), np.sqrt(1000.0), 0.0,
                           "the rates alone predict a ratio log(1/ρ_HB)/log(1/(1 − 1/κ)) ≈ 2√κ between "
                           "descent with η = 1/L and the tuned heavy ball; the double root's extra "
                           "log k/log(1/ρ) iterations cost less than half of that, so √κ must be exceeded"))
    checks.append(at_most("M02", f"speed-up of the best accelerated method over {BEST_PLAIN} at κ = 1000",
                          speedup(results, 1000.0, BEST_PLAIN), np.sqrt(1000.0), 0.0,
                          "the rates alone predict log(1/ρ_HB)/log((κ+1)/(κ−1)) ≈ √κ; the double root "
                          "adds iterations to the heavy ball's count, so the measured speed-up stays below √κ"))
    return checks


def speedup(results, condition_number: float, baseline: str = BASELINE) -> float:
    """Iterations of the ``baseline`` method divided by those of the fastest accelerated one at one kappa."""
    rows = [r for r in results if r.condition_number == condition_number]
    fastest = min((r for r in rows if r.method.name in ACCELERATED), key=lambda r: r.iterations)
    base = [r for r in rows if r.method.name == baseline]
    if not base:
        raise ValueError(f"no results for the baseline {baseline!r} at κ = {condition_number:g}")
    return float(base[0].iterations / fastest.iterations)


__all__ = ["check_method_rates", "check_method_scaling", "speedup", "METHODS", "BASELINE", "BEST_PLAIN"]
