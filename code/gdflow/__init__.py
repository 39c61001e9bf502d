"""gdflow: gradient descent and gradient flow, with the checks that keep a book honest.

The package reads as a pipeline:

- :mod:`gdflow.problems` -- objectives with their constants (L, mu, minimiser);
- :mod:`gdflow.descent` and :mod:`gdflow.flow` -- discrete methods and continuous
  flows, both returning a :class:`~gdflow.trajectory.Trajectory` on a shared time axis;
- :mod:`gdflow.theory` -- the theorems' right-hand sides;
- :mod:`gdflow.measure` -- fitted rates and orders;
- :mod:`gdflow.claims` -- checks that compare measurement with theory and fail loudly;
- :mod:`gdflow.plotting` -- figures, drawn on an axis you pass in.
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
