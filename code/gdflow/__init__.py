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

from .claims import Check, ClaimViolation
from .descent import gradient_descent
from .flow import SolverError, gradient_flow, quadratic_flow
from .problems import (DoubleWell, Huber, LogisticRegression, Objective, Quadratic, Rosenbrock,
                       ScalarQuadratic, WavyBowl)
from .trajectory import DivergenceError, Trajectory

__version__ = "0.1.0"

__all__ = [
    "Check", "ClaimViolation", "DivergenceError", "DoubleWell", "Huber", "LogisticRegression",
    "Objective", "Quadratic", "Rosenbrock", "ScalarQuadratic", "SolverError", "Trajectory",
    "WavyBowl", "gradient_descent", "gradient_flow", "quadratic_flow",
]
