r"""Stochastic gradient descent on quadratics with additive noise: many chains at once, and exact moments.

The model: f(theta) = sum_i lambda_i theta_i^2 / 2 (a diagonal quadratic, minimiser 0), and
a stochastic gradient g = grad f(theta) + sigma xi with xi standard normal, independent
across steps and coordinates (unbiased, variance sigma^2 per coordinate). SGD is

    theta_{k+1} = theta_k - eta_k (Lambda theta_k + sigma xi_k).

Each coordinate is a linear recursion, so its mean and variance after k steps are exact
(:func:`moments`), and the iterate is Gaussian with them. :func:`sgd_chains` runs many
independent chains at once (one vectorised array, explicit seed) for Monte Carlo checks.
"""

from __future__ import annotations

import numbers
from typing import Callable

import numpy as np

from ._validation import count, nonnegative_number, positive_array, positive_number
from .trajectory import DivergenceError

__all__ = ["constant_steps", "decreasing_steps", "polynomial_steps", "moments", "sgd_chains",
           "stationary_variance", "sme_stationary_variance", "mean_square_bound", "weak_errors",
           "averaged_mean_square"]


def constant_steps(step_size: float) -> Callable[[int], float]:
    """The schedule eta_k = step_size."""
    eta = positive_number(step_size, "step_size")
    return lambda k: eta


def decreasing_steps(scale: float, offset: float) -> Callable[[int], float]:
    """The Robbins-Monro schedule eta_k = scale / (k + offset), k = 0, 1, ..."""
    c = positive_number(scale, "scale")
    k0 = positive_number(offset, "offset")
    return lambda k: c / (k + k0)


def polynomial_steps(scale: float, offset: float, power: float) -> Callable[[int], float]:
    """The schedule eta_k = scale / (k + offset)**power, k = 0, 1, ... (Polyak-Ruppert: 1/2 < power < 1)."""
    c = positive_number(scale, "scale")
    k0 = positive_number(offset, "offset")
    gamma = positive_number(power, "power")
    return lambda k: c / (k + k0) ** gamma


def _schedule(steps):
    if callable(steps):
        return steps
    return constant_steps(steps)


def _schedule_values(schedule, n: int) -> list[float]:
    """eta_0 .. eta_{n-1} of a schedule, checked at once: each must be a positive number."""
    values = [schedule(k) for k in range(n)]
    kinds = {type(v) for v in values}  # few: checked per kind, not per step
    valid = bool not in kinds and all(issubclass(t, (numbers.Real, np.floating, np.integer)) for t in kinds)
    if valid:
        etas = np.array(values, dtype=float)
        valid = etas.shape == (n,) and bool(np.all(np.isfinite(etas) & (etas > 0)))
    if not valid:
        for k, eta in enumerate(values):  # name the first bad step, as a step-by-step check would
            positive_number(eta, f"step_size({k})")
    return etas.tolist()


def _check(curvatures, noise, start):
    lam = positive_array(curvatures, "curvatures")
    sigma = nonnegative_number(noise, "noise")
    x0 = np.zeros_like(lam) if start is None else np.asarray(start, dtype=float)
    if x0.shape != lam.shape:
        raise ValueError(f"start must have the shape of curvatures {lam.shape}; got {x0.shape}")
    if not np.all(np.isfinite(x0)):
        raise ValueError("start must be finite")
    return lam, sigma, x0


def moments(curvatures, noise: float, steps, num_steps: int, start=None):
    """Exact mean and variance of every coordinate after k = 0..num_steps steps.

    Returns ``(means, variances)``, each of shape (num_steps + 1, d). ``steps`` is a step size
    or a schedule ``k -> eta_k``. A step with |1 - eta lambda| > 1 is allowed (the moments
    then grow); they are exact either way.

    Examples
    --------
    >>> m, v = moments([1.0], 1.0, 0.5, 200)
    >>> round(float(v[-1, 0]), 6)    # eta sigma^2 / (lambda (2 - eta lambda)) = 0.5 / 1.5
    0.333333
    """
    lam, sigma, x0 = _check(curvatures, noise, start)
    n = count(num_steps, "num_steps")
    etas = _schedule_values(_schedule(steps), n)
    means = np.empty((n + 1, lam.size))
    variances = np.empty((n + 1, lam.size))
    means[0], variances[0] = x0, 0.0
    for k, eta in enumerate(etas):
        a = 1.0 - eta * lam
        means[k + 1] = a * means[k]
        variances[k + 1] = a**2 * variances[k] + (eta * sigma) ** 2
    return means, variances


def sgd_chains(curvatures, noise: float, steps, num_steps: int, num_chains: int, *, seed: int,
               start=None, record_every: int | None = None, divergence_threshold: float = 1e8):
    """Run ``num_chains`` independent chains of SGD at once.

    Returns ``(final, mean_square)``: the final iterates, shape (num_chains, d), and
    the average over chains of ||theta_k||^2 at k = 0, record_every, 2 record_every, ...
    (every step if None). Raises :class:`~gdflow.trajectory.DivergenceError` when an
    iterate leaves the ball of radius ``divergence_threshold``.
    """
    lam, sigma, x0 = _check(curvatures, noise, start)
    n = count(num_steps, "num_steps")
    m = count(num_chains, "num_chains", minimum=1)
    every = 1 if record_every is None else count(record_every, "record_every", minimum=1)
    etas = _schedule_values(_schedule(steps), n)
    rng = np.random.default_rng(seed)
    theta = np.broadcast_to(x0, (m, lam.size)).copy()
    mean_square = [float(np.mean(np.sum(theta**2, axis=1)))]
    noise = np.empty_like(theta)
    for k, eta in enumerate(etas):
        # theta <- theta - eta (lam theta + sigma xi), with xi drawn into one reused buffer
        rng.standard_normal(out=noise)
        noise *= eta * sigma
        noise += (eta * lam) * theta
        theta -= noise
        if (k + 1) % every == 0:
            worst = float(np.max(np.abs(theta)))
            if not np.isfinite(worst) or worst > divergence_threshold:
                raise DivergenceError(f"SGD diverged at step {k + 1} with step size {eta:g}: an iterate "
                                      f"left the ball of radius {divergence_threshold:g} (|1 - eta lambda| > 1 "
                                      f"for lambda = {float(np.max(lam)):g}?)")
            mean_square.append(float(np.mean(np.sum(theta**2, axis=1))))
    return theta, np.array(mean_square)


def stationary_variance(curvature, noise: float, step_size: float):
    """eta sigma^2 / (lambda (2 - eta lambda)): SGD's stationary variance per mode, 0 < eta lambda < 2."""
    lam = positive_array(np.atleast_1d(curvature), "curvature")
    eta = positive_number(step_size, "step_size")
    if np.any(eta * lam >= 2.0):
        raise ValueError(f"no stationary law: eta lambda must lie below 2; got {float(np.max(eta * lam))!r}")
    return eta * noise**2 / (lam * (2.0 - eta * lam))


def sme_stationary_variance(curvature, noise: float, step_size: float):
    """eta sigma^2 / (2 lambda): the stationary variance of dX = -lambda X dt + sqrt(eta) sigma dW."""
    lam = positive_array(np.atleast_1d(curvature), "curvature")
    return positive_number(step_size, "step_size") * noise**2 / (2.0 * lam)


def mean_square_bound(steps, distance_sq: float, noise_sq: float, step_size: float, strong_convexity: float):
    """(1 - eta mu)^k R^2 + eta sigma^2 / mu: the constant-step bound on E||theta_k - theta*||^2."""
    k = np.asarray(steps, dtype=float)
    eta = positive_number(step_size, "step_size")
    mu = positive_number(strong_convexity, "strong_convexity")
    return (1.0 - eta * mu) ** k * distance_sq + eta * noise_sq / mu


def weak_errors(curvature: float, noise: float, start: float, horizon: float, step_sizes) -> dict:
    r"""``|E theta_k^2 - E X_T^2|`` at T = k eta = ``horizon`` for three continuous models of SGD.

    SGD runs on lambda theta^2 / 2 with additive noise sigma; all four second moments are exact
    (Gaussian linear recursions and Ornstein-Uhlenbeck processes). The models:

    - ``"flow"``: the gradient flow x' = -lambda x (no noise);
    - ``"sme1"``: dX = -lambda X dt + sqrt(eta) sigma dW (Li-Tai-E's first-order equation);
    - ``"sme2"``: the same with the drift of the modified function ``f + (eta/4)|f'|^2``, i.e. the
      rate lambda (1 + eta lambda / 2) (their second-order equation).

    Each eta must divide the horizon into a whole number of steps, with 0 < eta lambda < 1.
    Returns a dict of arrays, one error per step size.
    """
    lam = positive_number(curvature, "curvature")
    sigma = nonnegative_number(noise, "noise")
    x0 = float(np.asarray(start, dtype=float))
    if not np.isfinite(x0):
        raise ValueError(f"start must be finite; got {start!r}")
    horizon = positive_number(horizon, "horizon")
    etas = positive_array(step_sizes, "step_sizes")
    errors = {"flow": [], "sme1": [], "sme2": []}
    for eta in etas:
        k = round(horizon / eta)
        if k < 1 or abs(k * eta - horizon) > 1e-9 * horizon or eta * lam >= 1.0:
            raise ValueError(f"each step size must divide the horizon {horizon:g} and have eta lambda < 1; "
                             f"got {eta!r}")
        q = 1.0 - eta * lam
        sgd = (q**k * x0) ** 2 + (eta * sigma) ** 2 * (1.0 - q ** (2 * k)) / (1.0 - q**2)

        def ornstein_uhlenbeck(rate):
            return (np.exp(-rate * horizon) * x0) ** 2 + eta * sigma**2 * -np.expm1(-2 * rate * horizon) / (2 * rate)

        errors["flow"].append(abs(sgd - (np.exp(-lam * horizon) * x0) ** 2))
        errors["sme1"].append(abs(sgd - ornstein_uhlenbeck(lam)))
        errors["sme2"].append(abs(sgd - ornstein_uhlenbeck(lam * (1.0 + eta * lam / 2.0))))
    return {name: np.array(values) for name, values in errors.items()}


def averaged_mean_square(curvature: float, noise: float, steps, num_steps: int, start: float,
                         record) -> tuple[np.ndarray, np.ndarray]:
    r"""Exact E theta_k^2 and E bar-theta_k^2, bar-theta_k = (1/k) sum_{j<k} theta_j, at the steps in ``record``.

    One mode lambda theta^2 / 2 with additive noise sigma; ``steps`` is a step size or a
    schedule. The pair (theta_k, s_k = sum_{j<k} theta_j) is Gaussian and its mean and
    covariance follow a linear recursion, computed here exactly.
    """
    lam = positive_number(curvature, "curvature")
    sigma = nonnegative_number(noise, "noise")
    x0 = float(np.asarray(start, dtype=float))
    if not np.isfinite(x0):
        raise ValueError(f"start must be finite; got {start!r}")
    n = count(num_steps, "num_steps", minimum=1)
    wanted = sorted({count(k, "record step", minimum=1) for k in record})
    if not wanted or wanted[-1] > n:
        raise ValueError(f"record must hold steps in 1..{n}; got {record!r}")
    etas = _schedule_values(_schedule(steps), n)
    mean, mean_sum = x0, 0.0          # E theta_k, E s_k
    var, cov, var_sum = 0.0, 0.0, 0.0  # Var theta_k, Cov(theta_k, s_k), Var s_k
    last, averaged = [], []
    for k, eta in enumerate(etas):
        a = 1.0 - eta * lam
        # s_{k+1} = s_k + theta_k and theta_{k+1} = a theta_k - eta sigma xi_k
        var_sum, cov = var_sum + 2.0 * cov + var, a * (cov + var)
        var = a * a * var + (eta * sigma) ** 2
        mean_sum, mean = mean_sum + mean, a * mean
        if k + 1 in wanted:
            last.append(mean**2 + var)
            averaged.append((mean_sum**2 + var_sum) / (k + 1) ** 2)
    return np.array(last), np.array(averaged)
