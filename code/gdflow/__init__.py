"""gdflow: gradient descent and gradient flow, with the checks that keep a book honest.

The package reads as a pipeline:

- :mod:`gdflow.problems` and :mod:`gdflow.examples` -- objectives with their
  constants (L, mu, minimiser), and the instances the chapters share;
- :mod:`gdflow.descent`, :mod:`gdflow.implicit` (backward Euler, proximal point),
  :mod:`gdflow.natural` and :mod:`gdflow.langevin` -- discrete methods, and
  :mod:`gdflow.flow` -- continuous flows, all returning a
  :class:`~gdflow.trajectory.Trajectory` on a shared time axis;
- :mod:`gdflow.theory` -- the theorems' right-hand sides, and
  :mod:`gdflow.lyapunov` -- what a flow dissipates;
- :mod:`gdflow.measure` -- fitted rates and orders;
- :mod:`gdflow.claims` -- checks that compare measurement with theory and fail
  loudly; :mod:`gdflow.checks` holds them, one module per chapter, and
  :mod:`gdflow.ledger` runs them all;
- :mod:`gdflow.plotting` -- figures, drawn on an axis you pass in.

Shared machinery, private to the package: ``_validation`` (input checks),
``_iterate`` (the loop of the iterative methods, momentum included, with
divergence detection) and ``_integrate`` (the ODE solve of the flows, first- and
second-order).
"""

from importlib import import_module as _import_module

__version__ = "0.1.0"

#: The names ``import gdflow`` offers, and the modules that define them. They are
#: imported when first used, so that a process that only needs a small module (the
#: book's build reads ``gdflow.numbers``) does not load numpy and scipy.
_EXPORTS = {
    "Check": "claims", "ClaimViolation": "claims",
    "gradient_descent": "descent",
    "SolverError": "flow", "gradient_flow": "flow", "quadratic_flow": "flow",
    "DoubleWell": "problems", "Huber": "problems", "LogisticRegression": "problems",
    "Objective": "problems", "Quadratic": "problems", "Rosenbrock": "problems",
    "ScalarQuadratic": "problems", "WavyBowl": "problems",
    "DivergenceError": "trajectory", "Trajectory": "trajectory",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(_import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_EXPORTS))
