"""Checks for the chapter on Langevin dynamics (claims C30, S01, S02).

Every statistical check here uses independent samples only: many chains run
side by side from one seeded generator, and each contributes its final state
once. The tolerances are five standard errors of the estimate, derived from the
number of chains; the seeds are fixed, so each check's verdict is deterministic.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
from scipy import integrate, special

from .._validation import count
from ..claims import at_least, at_most, cite, claim
from ..langevin import langevin, ula_stationary_variance, ula_variance_recursion
from ..problems import DoubleWell, ScalarQuadratic

#: Standard errors allowed before a sampled quantity contradicts its prediction.
NUM_STANDARD_ERRORS = 5.0


def gibbs_probabilities(objective, inverse_temperature: float, edges) -> tuple[np.ndarray, float]:
    """Masses of exp(-beta f)/Z in the intervals [edges[i], edges[i+1]] of a 1-D objective, by quadrature.

    Returns the masses and the mass of the right half-line x > 0.
    """
    beta = float(inverse_temperature)
    weight = lambda x: math.exp(-beta * float(objective.value(np.array([x]))))
    total = integrate.quad(weight, -np.inf, np.inf, epsabs=0.0, epsrel=1e-12)[0]
    masses = np.array([integrate.quad(weight, a, b, epsabs=0.0, epsrel=1e-12)[0]
                       for a, b in zip(edges[:-1], edges[1:])]) / total
    right = integrate.quad(weight, 0.0, np.inf, epsabs=0.0, epsrel=1e-12)[0] / total
    return masses, right


def gibbs_density(objective, inverse_temperature: float, grid) -> np.ndarray:
    """exp(-beta f)/Z of a 1-D objective on ``grid``, normalised by quadrature."""
    beta = float(inverse_temperature)
    weight = lambda x: math.exp(-beta * float(objective.value(np.array([x]))))
    total = integrate.quad(weight, -np.inf, np.inf, epsabs=0.0, epsrel=1e-12)[0]
    grid = np.asarray(grid, dtype=float)
    return np.exp(-beta * objective.value(grid[:, None])) / total


@lru_cache(maxsize=4)
def double_well_samples(*, inverse_temperature: float = 4.0, step_size: float = 0.01,
                        burn_in_time: float = 40.0, num_chains: int = 20000, seed: int = 30):
    """Final states of ULA chains on the double well, all started in the right minimum x = 1.

    Cached (the page draws the samples that its check tested); the array is read-only.
    """
    run = langevin(DoubleWell(), [1.0], step_size, int(round(burn_in_time / step_size)),
                   inverse_temperature=inverse_temperature, rng=np.random.default_rng(seed),
                   num_chains=num_chains, record_every=None)
    x = run.final[:, 0].copy()
    x.setflags(write=False)
    return x


#: Histogram bins of the double-well check; outside [-2, 2] lies mass below 1e-5.
DOUBLE_WELL_EDGES = np.linspace(-2.0, 2.0, 9)

#: Grid on which the law of the double-well samples is computed: (lower, upper, points).
#: 601 points are 7 per standard deviation of a step at eta = 0.01, beta = 4; the
#: biases change by less than 0.01 standard errors from 601 to 2401 points.
DOUBLE_WELL_GRID = (-3.0, 3.0, 601)


def ula_grid_law(objective, step_size: float, inverse_temperature: float, *, start=None,
                 num_steps: int = 0, lower: float = -3.0, upper: float = 3.0,
                 num_points: int = 1201) -> tuple[np.ndarray, np.ndarray]:
    """The law of ULA on a 1-D objective, computed on a grid: stationary, or after K steps.

    ULA's transition kernel, the Gaussian N(x - eta f'(x), 2 eta / beta), is
    restricted to ``num_points`` equally spaced points on [lower, upper] (rows
    renormalised; entries below 1e-18 dropped, which makes it sparse). With
    ``start=None`` the stationary vector is found by one linear solve; with a
    start, the point mass at the nearest grid point is pushed through
    ``num_steps`` steps. Restricting the chain to a bounded interval sets aside
    its escape to infinity far out (see the chapter), an event of negligible
    probability at small steps.

    Returns the grid and the probabilities of its points.
    """
    from scipy import sparse

    beta = float(inverse_temperature)
    eta = float(step_size)
    x = np.linspace(lower, upper, num_points)
    mean = x - eta * objective.gradient(x[:, None])[:, 0]
    with np.errstate(under="ignore"):
        kernel = np.exp(-(x[None, :] - mean[:, None]) ** 2 / (4.0 * eta / beta))
    kernel[kernel < 1e-18] = 0.0  # beyond ~9 standard deviations of a step: negligible
    kernel /= kernel.sum(axis=1, keepdims=True)
    if start is None:
        system = kernel.T - np.eye(num_points)
        system[-1, :] = 1.0  # replace one (redundant) balance equation by the normalisation
        rhs = np.zeros(num_points)
        rhs[-1] = 1.0
        return x, np.linalg.solve(system, rhs)
    law = np.zeros(num_points)
    law[int(np.argmin(np.abs(x - float(start))))] = 1.0
    step = sparse.csr_matrix(kernel.T)
    for _ in range(count(num_steps, "num_steps")):
        law = step @ law
    return x, law


def grid_gibbs(objective, inverse_temperature: float, x) -> np.ndarray:
    """exp(-beta f) on the grid points x, normalised to sum 1."""
    v = objective.value(np.asarray(x, dtype=float)[:, None])
    w = np.exp(-float(inverse_temperature) * (v - np.min(v)))
    return w / w.sum()


def interval_masses(x, weights, edges) -> np.ndarray:
    """Sum of ``weights`` over the grid points x in each interval [edges[j], edges[j+1])."""
    which = np.digitize(np.asarray(x, dtype=float), edges) - 1
    return np.array([weights[which == j].sum() for j in range(len(edges) - 1)])


def ula_grid_bias(objective, step_size: float, inverse_temperature: float, edges, *,
                  start=None, num_steps: int = 0, lower: float = -3.0, upper: float = 3.0,
                  num_points: int = 1201) -> np.ndarray:
    """Masses of the intervals between ``edges`` under ULA's grid law minus under exp(-beta f).

    The law is :func:`ula_grid_law` (stationary, or after ``num_steps`` from
    ``start``); the Gibbs weights are taken on the same grid, so that the grid's
    own error largely cancels in the difference.
    """
    x, law = ula_grid_law(objective, step_size, inverse_temperature, start=start,
                          num_steps=num_steps, lower=lower, upper=upper, num_points=num_points)
    return interval_masses(x, law - grid_gibbs(objective, inverse_temperature, x), edges)


@lru_cache(maxsize=4)
def double_well_law_bias(*, inverse_temperature: float = 4.0, step_size: float = 0.01,
                         burn_in_time: float = 40.0, num_chains: int = 20000) -> np.ndarray:
    """Bias of the double-well samples in standard errors: the nine checked frequencies.

    The law of a chain after the burn-in, started at x = 1, is computed on a grid;
    its masses of the eight bins and of the right half-line x > 0 are compared
    with those of exp(-beta f) on the same grid, and divided by the binomial
    standard errors of ``num_chains`` samples. This covers both ULA's O(eta)
    discretisation bias and what is left of the start after the burn-in.
    """
    num_steps = int(round(burn_in_time / step_size))
    lower, upper, points = DOUBLE_WELL_GRID
    x, law = ula_grid_law(DoubleWell(), step_size, inverse_temperature, start=1.0,
                          num_steps=num_steps, lower=lower, upper=upper, num_points=points)
    diff = law - grid_gibbs(DoubleWell(), inverse_temperature, x)
    bins = interval_masses(x, diff, DOUBLE_WELL_EDGES)
    right = interval_masses(x, diff, np.array([0.0, np.inf]))
    p, r = gibbs_probabilities(DoubleWell(), inverse_temperature, DOUBLE_WELL_EDGES)
    se = np.append(np.sqrt(p * (1.0 - p) / num_chains), math.sqrt(r * (1.0 - r) / num_chains))
    out = np.append(bins, right) / se
    out.setflags(write=False)
    return out


def false_failure_bound(biases_in_se, num_errors: float = NUM_STANDARD_ERRORS) -> float:
    """Union bound on P(some |Z_j + b_j| > k) for standard normal Z_j and biases b_j (normal approximation)."""
    b = np.abs(np.asarray(biases_in_se, dtype=float))
    # P(Z > x) = ndtr(-x); scipy.special, not scipy.stats, whose import costs every page ~0.3 s
    return float(np.sum(special.ndtr(b - num_errors) + special.ndtr(-num_errors - b)))


cite("thm-langevin-stationary",
     "Pavliotis (2014), Chapter 4: well-posedness of the Langevin equation, the law of θ(t) as the "
     "unique solution of the Fokker–Planck equation, uniqueness of the invariant law, and the "
     "regularity behind the integrations by parts (parts 1–3 are proved in the book)")
cite("rem-ula-transient",
     "Roberts and Tweedie (1996): ULA is transient when the gradient grows faster than linearly; "
     "the Metropolis-adjusted algorithm has the target as its stationary law")


@claim("C30", label="thm-langevin-stationary",
       statement="The Langevin SDE has stationary density ∝ exp(−βf); ULA with a small step reproduces it on a double well")
def check_stationary_density(*, inverse_temperature: float = 4.0,
                             density_inverse_temperature: float | None = None,
                             step_size: float = 0.01, burn_in_time: float = 40.0,
                             num_chains: int = 20000, seed: int = 30):
    """ULA chains on the double well against exp(-beta f)/Z computed by quadrature.

    Three checks: the fraction of chains in the right well (all started there),
    the largest standardised deviation of the eight bin frequencies on [-2, 2],
    and that the bias of the samples' law, computed from ULA's transition kernel
    on a grid (its O(eta) bias and what remains of the start), is at most one
    standard error in each of the nine frequencies, so that the
    five-standard-error allowance is mostly left for sampling noise. ``density_inverse_temperature`` compares with the density at a
    different beta (a wrong temperature) and ``burn_in_time`` too short leaves
    the chains in the right well; both make the check fail.
    """
    beta_density = inverse_temperature if density_inverse_temperature is None else density_inverse_temperature
    x = double_well_samples(inverse_temperature=inverse_temperature, step_size=step_size,
                            burn_in_time=burn_in_time, num_chains=num_chains, seed=seed)
    p, right = gibbs_probabilities(DoubleWell(), beta_density, DOUBLE_WELL_EDGES)
    freq = np.histogram(x, DOUBLE_WELL_EDGES)[0] / num_chains
    se = np.sqrt(p * (1.0 - p) / num_chains)
    z_bins = np.abs(freq - p) / se
    z_right = abs(float(np.mean(x > 0)) - right) / math.sqrt(right * (1.0 - right) / num_chains)
    bias = double_well_law_bias(inverse_temperature=inverse_temperature, step_size=step_size,
                                burn_in_time=burn_in_time, num_chains=num_chains)
    p_false = false_failure_bound(bias)
    why = (f"{num_chains} chains, one final sample each, are {num_chains} independent draws, so a "
           "frequency has binomial standard error √(p(1−p)/N); the allowance is 5 standard errors. "
           f"The law of the samples, computed on a grid, is at most {np.max(np.abs(bias)):.2f} "
           "standard errors off in any of the nine frequencies (ULA's bias plus the unfinished "
           f"burn-in), so a correct claim fails by chance with probability below {p_false:.1e}")
    return [
        at_most("C30", "|fraction in the right well − quadrature| in standard errors, "
                "chains started at x = 1", z_right, NUM_STANDARD_ERRORS, 0.0, why),
        at_most("C30", "largest |bin frequency − quadrature| in standard errors, 8 bins on [−2, 2]",
                float(np.max(z_bins)), NUM_STANDARD_ERRORS, 0.0, why),
        at_most("C30", "largest bias of the nine frequencies in standard errors, from ULA's "
                "transition kernel on a grid, after the burn-in", float(np.max(np.abs(bias))), 1.0,
                0.0, "the five-standard-error allowance leaves room for a bias of at most one "
                "standard error; the grid result changes by less than 0.01 between 601 and 2401 points"),
    ]


def steps_to_stationarity(step_ratio: float, tolerance: float = 1e-12) -> int:
    """Smallest K with |1 - eta lambda|^{2K} <= tolerance: the start is then forgotten."""
    a = abs(1.0 - step_ratio)
    return 1 if a == 0 else max(1, math.ceil(math.log(tolerance) / (2.0 * math.log(a))))


@lru_cache(maxsize=16)
def sampled_ula_variance(step_ratio: float, *, curvature: float = 1.0, inverse_temperature: float = 2.0,
                         num_chains: int = 50000, seed: int = 0) -> float:
    """Sample variance of ULA on lambda x^2/2 at eta = step_ratio/lambda, one final state per chain.

    Cached (the page's figure draws the variances that the check tested).
    """
    eta = step_ratio / curvature
    run = langevin(ScalarQuadratic(curvature), [0.0], eta, steps_to_stationarity(step_ratio),
                   inverse_temperature=inverse_temperature, rng=np.random.default_rng(seed),
                   num_chains=num_chains, record_every=None)
    return float(np.var(run.final[:, 0], ddof=1))


def variance_false_failure(num_chains: int, num_errors: float = NUM_STANDARD_ERRORS) -> float:
    """P(|s^2/sigma^2 - 1| > k sqrt(2/(N-1))) for N Gaussian samples, from the chi-square law."""
    n = num_chains - 1
    half = num_errors * math.sqrt(2.0 / n)
    return float(special.chdtrc(n, n * (1 + half)) + special.chdtr(n, n * (1 - half)))  # chi-square sf, cdf


@claim("S01", label="prop-ula-variance",
       statement="ULA on λx²/2 has stationary variance 1/(βλ(1−ηλ/2)), not 1/(βλ)")
def check_ula_variance(*, curvature: float = 1.0, inverse_temperature: float = 2.0,
                       step_ratios=(0.1, 0.5, 1.0, 1.5), num_chains: int = 50000,
                       formula: str = "discrete", seed: int = 31):
    """The exact variance recursion and sampled variances against the predicted stationary variance.

    ``formula="continuous"`` predicts 1/(beta lambda), the variance of
    exp(-beta f): the checks must then reject it. The last check confirms that
    the samples at the largest eta lambda are far from 1/(beta lambda).
    """
    lam, beta = float(curvature), float(inverse_temperature)
    if formula == "discrete":
        predict = lambda h: float(ula_stationary_variance(h / lam, lam, beta))
    elif formula == "continuous":
        predict = lambda h: 1.0 / (beta * lam)
    else:
        raise ValueError(f"formula must be 'discrete' or 'continuous'; got {formula!r}")
    grid = np.linspace(0.05, 1.95, 39)
    exact = ula_variance_recursion(grid / lam, lam, beta, 4000)
    predicted = np.array([predict(h) for h in grid])
    checks = [at_most("S01", "max relative gap, exact variance recursion after 4000 steps vs formula, "
                      "ηλ ∈ [0.05, 1.95]", float(np.max(np.abs(exact / predicted - 1.0))), 0.0, 1e-12,
                      "the recursion contracts by (1 − ηλ)² ≤ 0.9025 per step, so after 4000 steps "
                      "only rounding (~1e-15 relative) is left")]
    rng = np.random.default_rng(seed)
    seeds = rng.integers(0, 2**32, size=len(step_ratios))
    p_false = variance_false_failure(num_chains)
    sampled = {}
    for h, s in zip(step_ratios, seeds):
        var = sampled_ula_variance(h, curvature=lam, inverse_temperature=beta,
                                   num_chains=num_chains, seed=int(s))
        sampled[h] = var
        v = predict(h)
        z = abs(var - v) / (v * math.sqrt(2.0 / (num_chains - 1)))
        checks.append(at_most(
            "S01", f"|sample variance − predicted| in standard errors, ηλ = {h:g}", z,
            NUM_STANDARD_ERRORS, 0.0,
            f"{num_chains} chains give independent Gaussian samples, so (N−1)s²/σ² is χ² with "
            f"N−1 degrees of freedom and s² has standard error σ²√(2/(N−1)); 5 standard errors "
            f"are exceeded by chance with probability {p_false:.1e}"))
    h = max(step_ratios)
    v_cont = 1.0 / (beta * lam)
    checks.append(at_least(
        "S01", f"|sample variance − 1/(βλ)| in standard errors, ηλ = {h:g}",
        abs(sampled[h] - v_cont) / (v_cont * math.sqrt(2.0 / (num_chains - 1))),
        NUM_STANDARD_ERRORS, 0.0,
        "the continuous-time variance is rejected when the sample lies more than 5 standard "
        "errors from it, the same allowance that the discrete formula passes"))
    return checks


def sgd_on_scalar_quadratics(curvatures, centres, step_size: float, num_steps: int, start: float,
                             *, num_chains: int, rng: np.random.Generator) -> np.ndarray:
    """SGD on f(x) = mean_i c_i (x - a_i)^2 / 2, one uniformly drawn sample per step and chain.

    Returns the final iterates, shape (num_chains,).
    """
    c = np.asarray(curvatures, dtype=float)
    a = np.asarray(centres, dtype=float)
    x = np.full(num_chains, float(start))
    for _ in range(num_steps):
        i = rng.integers(0, c.size, size=num_chains)
        x = x - step_size * c[i] * (x - a[i])
    return x


@claim("S02", label="rem-sgd-not-langevin",
       statement="SGD is modelled by Langevin dynamics only approximately: its noise can vanish at the minimiser")
def check_sgd_not_langevin(*, shared_minimizer: bool = True, step_size: float = 0.5,
                           num_steps: int = 200, num_chains: int = 10000, seed: int = 32):
    """SGD's spread on a sum of quadratics that all have their minimum at 0 collapses to zero.

    Samples (c_i, a_i) are (0.5, ±a) and (1.5, ±a): f(x) = x²/2 + const for every
    a. With a = 0 (``shared_minimizer=True``) each SGD step contracts towards 0,
    so the spread dies out, while ULA at any temperature 1/beta keeps the
    variance 1/(beta (1 − eta/2)). With a = 1 the gradient noise does not vanish
    at 0, SGD keeps a spread and the check fails.
    """
    a = 0.0 if shared_minimizer else 1.0
    x = sgd_on_scalar_quadratics([0.5, 0.5, 1.5, 1.5], [a, -a, a, -a], step_size, num_steps, 1.0,
                                 num_chains=num_chains, rng=np.random.default_rng(seed))
    return at_most("S02", f"mean x² of SGD after {num_steps} steps, η = {step_size:g}, "
                   f"{num_chains} chains from x = 1", float(np.mean(x**2)), 0.0, 1e-20,
                   "ULA's stationary second moment 1/(β(1 − η/2)) exceeds 1e-18 for every β "
                   "below 1e18; 1e-20 is below that for any temperature one would call a model")
