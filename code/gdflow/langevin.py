r"""Langevin dynamics d theta = -grad f(theta) dt + sqrt(2/beta) dW, and its discretisation.

The Euler--Maruyama scheme for this stochastic differential equation is the
*unadjusted Langevin algorithm* (ULA),

    theta_{k+1} = theta_k - eta grad f(theta_k) + sqrt(2 eta / beta) xi_k,
    xi_k ~ N(0, I) independent,

gradient descent plus Gaussian noise whose variance is tied to the step. Many
independent chains run at once as one array, so a distribution is sampled
with one vectorised loop. All randomness comes from a ``numpy.random.Generator``
passed in by the caller.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validation import StepSize, count, divergence_mode, positive_number, step_schedule
from .descent import DEFAULT_DIVERGENCE_THRESHOLD
from .problems import Objective
from .trajectory import DivergenceError, Trajectory

__all__ = ["langevin", "Ensemble", "ula_stationary_variance", "ula_variance_recursion"]


@dataclass(frozen=True)
class Ensemble:
    """Recorded states of many independent chains on a shared time axis.

    Attributes
    ----------
    times : ndarray, shape (n,)
        Time of each record (the sum of the step sizes taken before it).
    steps : ndarray, shape (n,)
        Iteration count of each record.
    points : ndarray, shape (n, num_chains, d)
        The chains' states at each record.
    values : ndarray, shape (n, num_chains)
        f at each state.
    method : str
    diverged : bool
        True when the run stopped early because a chain diverged.
    """

    times: np.ndarray
    steps: np.ndarray
    points: np.ndarray
    values: np.ndarray
    method: str
    diverged: bool = False

    @property
    def num_chains(self) -> int:
        return self.points.shape[1]

    @property
    def final(self) -> np.ndarray:
        """The last recorded state of every chain, shape (num_chains, d)."""
        return self.points[-1]

    def chain(self, index: int) -> Trajectory:
        """One chain's recorded path as a :class:`~gdflow.trajectory.Trajectory`."""
        i = count(index, "index")
        if i >= self.num_chains:
            raise ValueError(f"index must be below num_chains = {self.num_chains}; got {i}")
        return Trajectory(times=self.times, points=self.points[:, i, :],
                          values=self.values[:, i], method=self.method, diverged=self.diverged)


def _starts(start, dim: int, num_chains: int) -> np.ndarray:
    arr = np.asarray(start, dtype=float)
    if arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.ndim == 1:
        if arr.shape[0] != dim:
            raise ValueError(f"start has {arr.shape[0]} entries but the objective lives in dimension {dim}")
        arr = np.broadcast_to(arr, (num_chains, dim))
    elif arr.shape != (num_chains, dim):
        raise ValueError(f"start must have shape ({dim},) or (num_chains, {dim}) = "
                         f"({num_chains}, {dim}); got {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError("start contains NaN or infinite entries")
    return np.array(arr, dtype=float)


def langevin(
    objective: Objective,
    start,
    step_size: StepSize,
    num_steps: int,
    *,
    inverse_temperature: float,
    rng: np.random.Generator,
    num_chains: int = 1,
    record_every: int | None = 1,
    on_divergence: str = "raise",
    divergence_threshold: float = DEFAULT_DIVERGENCE_THRESHOLD,
) -> Ensemble:
    r"""Run the unadjusted Langevin algorithm on ``num_chains`` independent chains.

    Parameters
    ----------
    objective : Objective
        f; its gradient must accept a batch of shape (num_chains, d).
    start : array_like, shape (d,) or (num_chains, d)
        Starting point shared by every chain, or one per chain.
    step_size : float or callable
        eta > 0, or a schedule ``k -> eta_k``.
    num_steps : int
        Number of updates K.
    inverse_temperature : float
        beta > 0; the noise of one step has variance 2 eta / beta per coordinate.
    rng : numpy.random.Generator
        Source of all randomness, e.g. ``np.random.default_rng(0)``.
    num_chains : int
        Number of independent chains run side by side.
    record_every : int or None
        Record the states at steps 0, r, 2r, ... and always the last step;
        ``None`` records only the start and the end (memory ~ 2 x chains x d).
    on_divergence : {"raise", "stop"}
        When some chain is farther than ``divergence_threshold`` from its start
        (or not finite): raise ``DivergenceError``, or stop and return the
        records so far with ``diverged=True``.
    divergence_threshold : float

    Returns
    -------
    Ensemble

    Examples
    --------
    >>> from gdflow.problems import ScalarQuadratic
    >>> run = langevin(ScalarQuadratic(1.0), [0.0], 0.1, 50, inverse_temperature=2.0,
    ...                rng=np.random.default_rng(0), num_chains=1000, record_every=None)
    >>> run.points.shape, round(float(run.times[-1]), 12)
    ((2, 1000, 1), 5.0)
    """
    if not isinstance(rng, np.random.Generator):
        raise ValueError("rng must be a numpy.random.Generator, e.g. np.random.default_rng(0); "
                         f"got {type(rng).__name__}")
    num_chains = count(num_chains, "num_chains", minimum=1)
    x0 = _starts(start, objective.dim, num_chains)
    num_steps = count(num_steps, "num_steps")
    beta = positive_number(inverse_temperature, "inverse_temperature")
    schedule = step_schedule(step_size)
    every = num_steps if record_every is None else count(record_every, "record_every", minimum=1)
    every = max(every, 1)
    on_divergence = divergence_mode(on_divergence)
    threshold = positive_number(divergence_threshold, "divergence_threshold")

    recorded = [x0.copy()]
    steps, times = [0], [0.0]
    x, t, diverged = x0.copy(), 0.0, False
    noise = np.empty(x0.shape)  # C order: filled like rng.standard_normal(x0.shape)
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(num_steps):
            eta = schedule(k)
            # in place, but the same arithmetic as x - eta grad f(x) + sqrt(2 eta / beta) noise
            rng.standard_normal(out=noise)
            nxt = eta * objective.gradient(x)
            np.subtract(x, nxt, out=nxt)
            noise *= np.sqrt(2.0 * eta / beta)
            nxt += noise
            gap = nxt - x0
            if x0.shape[1] == 1:  # the distance of a scalar chain is |gap|, without a norm
                dist = np.max(np.abs(gap, out=gap))
            else:
                dist = np.max(np.linalg.norm(gap, axis=-1))
            if not np.isfinite(dist) or dist > threshold:
                if on_divergence == "raise":
                    raise DivergenceError(
                        f"the Langevin iteration diverged at step {k + 1} with step size {eta:g}: "
                        f"a chain is more than {threshold:g} from its start. A smaller step helps."
                    )
                diverged = True
                break
            x, t = nxt, t + eta
            if (k + 1) % every == 0 or k + 1 == num_steps:
                recorded.append(x.copy())
                steps.append(k + 1)
                times.append(t)
    points = np.stack(recorded)
    values = np.asarray(objective.value(points), dtype=float).reshape(points.shape[:2])
    return Ensemble(times=np.asarray(times), steps=np.asarray(steps), points=points,
                    values=values, method="unadjusted Langevin algorithm", diverged=diverged)


def ula_stationary_variance(step_size, curvature, inverse_temperature):
    r"""1 / (beta lambda (1 - eta lambda / 2)): ULA's stationary variance on f = lambda x^2 / 2.

    Valid for 0 < eta lambda < 2 (elsewhere the chain has no stationary law and
    this returns ``inf``). As eta -> 0 it tends to 1/(beta lambda), the variance
    of exp(-beta f). Broadcasts over arrays.

    Examples
    --------
    >>> float(ula_stationary_variance(1.0, 1.0, 1.0))
    2.0
    """
    h = np.asarray(step_size, dtype=float) * curvature
    with np.errstate(divide="ignore"):
        out = np.where((h > 0) & (h < 2), 1.0 / (inverse_temperature * curvature * (1.0 - h / 2.0)),
                       np.inf)
    return out


def ula_variance_recursion(step_size, curvature, inverse_temperature, num_steps: int,
                           initial_variance=0.0):
    r"""Iterate v_{k+1} = (1 - eta lambda)^2 v_k + 2 eta / beta exactly; returns v_K.

    The variance of ULA on f = lambda x^2/2 after K steps from a start of
    variance v_0 (for a deterministic start, v_0 = 0). Broadcasts over arrays
    of step sizes.

    Examples
    --------
    >>> float(ula_variance_recursion(1.0, 1.0, 1.0, 3))
    2.0
    """
    eta = np.asarray(step_size, dtype=float)
    a = (1.0 - eta * curvature) ** 2
    v = np.asarray(initial_variance, dtype=float) + 0.0 * eta
    for _ in range(count(num_steps, "num_steps")):
        v = a * v + 2.0 * eta / inverse_temperature
    return v
