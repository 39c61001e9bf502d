"""Checks for the chapter on the modified equation of gradient descent (claims B01-B03)."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from ..claims import at_most, claim, close_to
from ..examples import logistic_problem, wavy_bowl
from ..measure import loglog_slope
from ..modified import global_errors, modified_curvature, modified_curvature_series

__all__ = ["STEP_FACTORS", "HORIZON", "problem", "errors"]

#: Steps eta L and the horizon L T of the global-error measurements.
STEP_FACTORS = (0.2, 0.1, 0.05, 0.025)
HORIZON = 20.0


def problem(name: str):
    """(objective, start) of the two non-quadratic test problems: ``"logistic"`` or ``"wavy"``."""
    if name == "logistic":
        return logistic_problem(np.random.default_rng(2)), np.full(5, 2.0)
    if name == "wavy":
        return wavy_bowl(), np.full(5, 1.0)
    raise ValueError(f"problem must be 'logistic' or 'wavy'; got {name!r}")


def errors(name: str, coefficient: float = 0.25):
    """(steps, error to the flow of f, error to the modified flow) for ``name``. Cached; read-only."""
    return _errors(str(name), float(coefficient))


@lru_cache(maxsize=8)
def _errors(name, coefficient):
    obj, x0 = problem(name)
    steps = np.array(STEP_FACTORS) / obj.smoothness
    to_flow, to_mod = global_errors(obj, x0, HORIZON / obj.smoothness, steps, coefficient)
    for a in (steps, to_flow, to_mod):
        a.setflags(write=False)
    return steps, to_flow, to_mod


@claim("B01", label="thm-modified-equation",
       statement="Descent with step η is first-order close to the flow of f and second-order close to the "
                 "flow of f + (η/4)‖∇f‖² (fitted orders 1 and 2 on two non-quadratic functions)")
def check_modified_equation(*, coefficient: float = 0.25):
    """Fitted orders of the global error against both flows on a logistic regression and a wavy bowl.

    ``coefficient`` replaces the 1/4 of the modified function; 1/2 lowers the second order to
    the first and must fail.
    """
    why = ("the fitted slope over η L = 0.2…0.025 is bent by the next term of the error, a relative "
           "O(η L) = 0.2 at the largest step, i.e. by a few hundredths; 0.15 still tells 1 from 2")
    checks = []
    for name, label in (("logistic", "logistic regression"), ("wavy", "wavy bowl")):
        steps, to_flow, to_mod = errors(name, coefficient)
        checks.append(close_to("B01", f"order of max_k ‖θ_k − θ(kη)‖ against the flow of f, {label}",
                               loglog_slope(steps, to_flow).slope, 1.0, 0.15, why))
        checks.append(close_to("B01", f"order of the same error against the modified flow "
                               f"(coefficient {coefficient:g}), {label}", loglog_slope(steps, to_mod).slope,
                               2.0, 0.15, why))
    return checks


@claim("B02", label="prop-modified-quadratic",
       statement="On λθ²/2 descent lies exactly on the flow of rate −log(1−ηλ)/η = λ + ηλ²/2 + η²λ³/3 + …")
def check_modified_quadratic(*, curvature: float = 1.0, step_factors=(0.1, 0.01), second: float = 0.5):
    """The remainder of the modified rate, rate − λ − second·ηλ², against its leading term η²λ³/3, at two steps.

    ``second`` replaces the coefficient 1/2 of ηλ² (the modified function's 1/4, doubled);
    another value leaves a remainder of order η and must fail.
    """
    checks = []
    for factor in step_factors:
        eta = factor / curvature
        exact = float(modified_curvature(curvature, eta))
        remainder = exact - curvature - second * eta * curvature**2
        lead = eta**2 * curvature**3 / 3.0
        checks.append(close_to("B02", f"(modified rate − λ − ηλ²/2)/(η²λ³/3) at ηλ = {factor:g}", remainder / lead, 1.0,
                               0.1, "the next term of the series is (3/4)ηλ times the leading one: "
                               "0.075 at ηλ = 0.1; 0.1 covers it"))
    series = float(modified_curvature_series(curvature, step_factors[-1] / curvature, terms=12))
    checks.append(close_to("B02", "modified rate against twelve terms of its series, ηλ = 0.01",
                           float(modified_curvature(curvature, step_factors[-1] / curvature)), series, 1e-12,
                           "the tail after twelve terms is below (ηλ)^12 = 1e-24"))
    return checks


#: Start and steps of the implicit-regularisation experiment on (ab − 1)²/2.
FACTOR_START = (2.5, 0.1)
FACTOR_STEPS = (0.01, 0.02, 0.05, 0.1)


def final_sharpness(steps=FACTOR_STEPS, start=FACTOR_START, coefficient: float = 0.25):
    """(flow, descent, modified flow): the sharpness a² + b² of the minimum each reaches, per step.

    The flow conserves a² − b², so its minimum has sharpness √((a₀² − b₀²)² + 4) for every step.
    Cached; read-only arrays.
    """
    return _final_sharpness(tuple(float(s) for s in steps), tuple(float(s) for s in start), float(coefficient))


@lru_cache(maxsize=4)
def _final_sharpness(steps, start, coefficient):
    from ..modified import factorisation_descent, factorisation_modified_flow

    a0, b0 = start
    flow = np.full(len(steps), np.sqrt((a0**2 - b0**2) ** 2 + 4.0))
    descent, modified, identity = [], [], []
    for eta in steps:
        a, b, _, ratio = factorisation_descent(start, eta)
        descent.append(a * a + b * b)
        identity.append(abs((a * a - b * b) - ratio * (a0**2 - b0**2)))
        am, bm = factorisation_modified_flow(start, eta, coefficient=coefficient)
        modified.append(am * am + bm * bm)
    out = (flow, np.array(descent), np.array(modified), np.array(identity))
    for arr in out:
        arr.setflags(write=False)
    return out


@claim("B03", label="prop-implicit-regularisation",
       statement="On (ab − 1)²/2 larger steps end at flatter minima, and the modified flow predicts the "
                 "loss of sharpness to leading order in η")
def check_implicit_regularisation(*, coefficient: float = 0.25):
    """Monotone decrease of the final sharpness with η; ratio of descent's decrease to the modified
    flow's at the smallest step; the exact identity for a² − b².

    ``coefficient`` other than 1/4 uses another "modified" function, whose prediction is off by a
    factor and must fail.
    """
    flow, descent, modified, identity = final_sharpness(coefficient=coefficient)
    ratio = (flow[0] - descent[0]) / (flow[0] - modified[0])
    return [
        at_most("B03", "largest increase of the final sharpness from one step size to the next larger "
                f"(η = {', '.join(f'{s:g}' for s in FACTOR_STEPS)})", float(np.max(np.diff(descent))), 0.0, 0.0,
                "any decrease shows larger steps ending flatter; no slack is needed"),
        close_to("B03", f"descent's loss of sharpness / the modified flow's, η = {FACTOR_STEPS[0]:g}",
                 float(ratio), 1.0, 0.1, "the modified equation is exact to first order in η; the ratio is "
                 "1 + O(η), measured 1.07 at η = 0.01 and growing linearly with η"),
        at_most("B03", "max over steps of |a² − b² − Π(1 − η²r_k²)(a₀² − b₀²)| at the end",
                float(np.max(identity)), 0.0, 1e-12, "an identity of the iteration, up to rounding over a "
                "few hundred steps"),
    ]
