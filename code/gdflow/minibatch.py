r"""Minibatch SGD on least squares: the noise that real training has, and its exact second moments.

The problem: f(theta) = (1/2n) sum_i (a_i^T theta - b_i)^2, with Hessian H = A^T A / n and
minimiser theta*. A minibatch of B indices drawn uniformly with replacement gives the
stochastic gradient

    g = (1/B) sum_{j<B} a_{i_j} (a_{i_j}^T theta - b_{i_j}).

Its noise is not additive: with e = theta - theta* and residuals r_i = a_i^T theta* - b_i,
one example's gradient is A_i e + r_i a_i (A_i = a_i a_i^T), whose covariance grows with e.
Still, the second moment S_k = E[e_k e_k^T] obeys an exact linear recursion (with zero mean
error, which holds at stationarity and from a start at theta*):

    S_{k+1} = T(S_k) + (eta^2 / B) C,
    T(S) = (I - eta H) S (I - eta H) + (eta^2 / B) ((1/n) sum_i A_i S A_i - H S H),
    C = (1/n) sum_i r_i^2 A_i.

So the stationary second moment exists exactly when the spectral radius of T is below 1,
and it solves a linear system of size d^2 (:meth:`LeastSquares.stationary_second_moment`).
:meth:`LeastSquares.chains` runs many independent chains for a Monte Carlo check.
"""

from __future__ import annotations

import numpy as np

from ._validation import as_point, count, positive_number

__all__ = ["LeastSquares", "book_least_squares"]


class LeastSquares:
    """f(theta) = (1/2n) ||A theta - b||^2 with its minibatch gradient noise.

    Parameters
    ----------
    features : array, shape (n, d)
        The rows a_i; A^T A must be positive definite (n >= d, full column rank).
    targets : array, shape (n,)
    """

    def __init__(self, features, targets):
        a = np.asarray(features, dtype=float)
        b = np.asarray(targets, dtype=float)
        if a.ndim != 2 or a.size == 0:
            raise ValueError(f"features must be a non-empty (n, d) matrix; got shape {a.shape}")
        if b.shape != (a.shape[0],):
            raise ValueError(f"targets must have shape ({a.shape[0]},) to match features {a.shape}; got {b.shape}")
        if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
            raise ValueError("features and targets must be finite")
        n, d = a.shape
        hessian = a.T @ a / n
        eigenvalues = np.linalg.eigvalsh(hessian)
        if eigenvalues[0] <= 1e-12 * max(eigenvalues[-1], 1e-300):
            raise ValueError("features must have full column rank (A^T A / n is singular)")
        self.features, self.targets = a, b
        self.hessian = hessian
        self.curvatures = eigenvalues
        self.smoothness = float(eigenvalues[-1])
        self.minimiser = np.linalg.solve(hessian, a.T @ b / n)
        self.residuals = a @ self.minimiser - b
        outer = np.einsum("ni,nj->nij", a, a)
        # (1/n) sum_i A_i S A_i as a d^2 x d^2 matrix acting on vec(S), and the noise at theta*
        self._fourth = np.einsum("nij,nkl->ikjl", outer, outer).reshape(d * d, d * d) / n
        self._constant = np.einsum("n,nij->ij", self.residuals**2, outer) / n

    @property
    def dimension(self) -> int:
        return self.features.shape[1]

    def _check(self, step_size, batch_size):
        return positive_number(step_size, "step_size"), count(batch_size, "batch_size", minimum=1)

    def second_moment_operator(self, step_size: float, batch_size: int) -> np.ndarray:
        """The linear map T of the module docstring, as a d^2 x d^2 matrix acting on vec(S)."""
        eta, batch = self._check(step_size, batch_size)
        contraction = np.eye(self.dimension) - eta * self.hessian
        return (np.kron(contraction, contraction)
                + eta**2 / batch * (self._fourth - np.kron(self.hessian, self.hessian)))

    def spectral_radius(self, step_size: float, batch_size: int) -> float:
        """The spectral radius of T: the stationary second moment exists iff it is below 1."""
        return float(np.max(np.abs(np.linalg.eigvals(self.second_moment_operator(step_size, batch_size)))))

    def stationary_second_moment(self, step_size: float, batch_size: int) -> np.ndarray:
        """The stationary E[(theta - theta*)(theta - theta*)^T]; ``ValueError`` when there is none."""
        eta, batch = self._check(step_size, batch_size)
        radius = self.spectral_radius(eta, batch)
        if radius >= 1.0:
            raise ValueError(f"no stationary second moment at step_size {eta:g}, batch_size {batch}: the "
                             f"second-moment recursion has spectral radius {radius:.4g} >= 1 (step above "
                             f"the critical {self.critical_step(batch):.4g})")
        d = self.dimension
        operator = self.second_moment_operator(eta, batch)
        moment = np.linalg.solve(np.eye(d * d) - operator, (eta**2 / batch * self._constant).ravel())
        moment = moment.reshape(d, d)
        return 0.5 * (moment + moment.T)

    def floor(self, step_size: float, batch_size: int) -> float:
        """The stationary E||theta - theta*||^2 (the trace of the stationary second moment)."""
        return float(np.trace(self.stationary_second_moment(step_size, batch_size)))

    def small_step_floor(self) -> float:
        """tr S_0 with H S_0 + S_0 H = C: the floor is (eta/B) tr S_0 (1 + O(eta)) as eta -> 0."""
        lam, vectors = np.linalg.eigh(self.hessian)
        rotated = vectors.T @ self._constant @ vectors
        return float(np.sum(np.diag(rotated) / (2.0 * lam)))

    def additive_floor(self, step_size: float, batch_size: int) -> float:
        """The floor with the multiplicative part of the noise dropped (its value at theta* only):
        (eta/B) sum_i c_i / (lambda_i (2 - eta lambda_i)), c_i the noise C in H's eigenbasis."""
        eta, batch = self._check(step_size, batch_size)
        lam, vectors = np.linalg.eigh(self.hessian)
        if eta * lam[-1] >= 2.0:
            raise ValueError(f"no additive-noise floor at step_size {eta:g}: eta L must lie below 2")
        noise = np.diag(vectors.T @ self._constant @ vectors)
        return float(eta / batch * np.sum(noise / (lam * (2.0 - eta * lam))))

    def critical_step(self, batch_size: int, *, rel_tol: float = 1e-10) -> float:
        """The largest step below which the second moment converges, by bisection on (0, 2/L].

        The spectral radius of T is below 1 for small steps and at least 1 at 2/L (where the
        mean already fails to contract); between, it is found to a relative ``rel_tol``.
        """
        batch = count(batch_size, "batch_size", minimum=1)
        low, high = 0.0, 2.0 / self.smoothness
        while high - low > rel_tol * high:
            middle = 0.5 * (low + high)
            if self.spectral_radius(middle, batch) < 1.0:
                low = middle
            else:
                high = middle
        return low

    def mean_square(self, step_size: float, batch_size: int, num_steps: int, start) -> np.ndarray:
        """Exact E||theta_k - theta*||^2 for k = 0..num_steps from a deterministic start.

        The recursion of the module docstring with the terms in the mean error m_k kept, so
        it holds from any start and also when the second moment grows.
        """
        eta, batch = self._check(step_size, batch_size)
        n_steps = count(num_steps, "num_steps")
        mean = as_point(start, dim=self.dimension) - self.minimiser
        d, a, r = self.dimension, self.features, self.residuals
        operator = self.second_moment_operator(eta, batch)
        moment = np.outer(mean, mean).ravel()
        contraction = np.eye(d) - eta * self.hessian
        out = [float(np.trace(moment.reshape(d, d)))]
        with np.errstate(over="ignore", invalid="ignore"):
            for _ in range(n_steps):
                cross = np.einsum("n,ni,nj->ij", r * (a @ mean), a, a) / self.features.shape[0]
                forcing = eta**2 / batch * (self._constant + cross + cross.T)
                moment = operator @ moment + forcing.ravel()
                mean = contraction @ mean
                out.append(float(np.trace(moment.reshape(d, d))))
        return np.array(out)

    def chains(self, step_size: float, batch_size: int, num_steps: int, num_chains: int, *, seed: int,
               start=None, record=()) -> tuple[np.ndarray, dict]:
        """Run ``num_chains`` independent chains of minibatch SGD at once.

        Returns ``(final, recorded)``: the final squared distances ||theta - theta*||^2 (one per
        chain) and, for each step in ``record``, the squared distances at that step. No
        divergence check: the chains exist to show what the mean square does, also when it grows.
        """
        eta, batch = self._check(step_size, batch_size)
        n_steps = count(num_steps, "num_steps")
        m = count(num_chains, "num_chains", minimum=1)
        x0 = self.minimiser if start is None else as_point(start, dim=self.dimension)
        rng = np.random.default_rng(seed)
        theta = np.broadcast_to(x0, (m, self.dimension)).copy()
        wanted = {count(k, "record step") for k in record}
        recorded = {}
        with np.errstate(over="ignore", invalid="ignore"):
            for k in range(n_steps):
                if k in wanted:
                    recorded[k] = np.sum((theta - self.minimiser) ** 2, axis=1)
                # [update] every chain draws B examples and steps along their average gradient
                index = rng.integers(self.features.shape[0], size=(m, batch))
                rows = self.features[index]                                   # a_i, shape (m, B, d)
                residual = np.einsum("mbd,md->mb", rows, theta) - self.targets[index]  # a_i.theta - b_i
                theta -= eta / batch * np.einsum("mbd,mb->md", rows, residual)
                # [/update]
            final = np.sum((theta - self.minimiser) ** 2, axis=1)
        if n_steps in wanted:
            recorded[n_steps] = final
        return final, recorded


def book_least_squares(seed: int = 3, num_examples: int = 40) -> LeastSquares:
    """The chapter's least-squares problem: 40 examples in 3 dimensions, rescaled to L = 1.

    Rows a_i are Gaussian with scales 1, 0.7, 0.45 per coordinate; targets are a_i^T (1, -1, 0.5)
    plus noise of standard deviation 0.5, so the residuals at the minimiser do not vanish.
    """
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((num_examples, 3)) * np.array([1.0, 0.7, 0.45])
    b = a @ np.array([1.0, -1.0, 0.5]) + 0.5 * rng.standard_normal(num_examples)
    scale = np.sqrt(np.linalg.eigvalsh(a.T @ a / num_examples)[-1])
    return LeastSquares(a / scale, b)
