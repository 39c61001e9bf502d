"""Claim checks: a measured number, the number a theorem predicts, and a verdict.

A :class:`Check` records what was measured against which statement; its
``assert_holds`` raises :class:`ClaimViolation` when the claim failed, which a
book page calls so that a false claim stops the build. Functions that produce a
check are registered under the claim's id (``C02``...) with :func:`claim`, so the
claims ledger and the tests can run every one of them.
"""

from __future__ import annotations

import importlib
import math
import pkgutil
from dataclasses import dataclass, field
from typing import Callable

__all__ = [
    "Check", "ClaimViolation", "at_most", "at_least", "close_to",
    "claim", "exempt", "exemptions", "cite", "citations", "registry", "run", "stored_or_run",
    "EVIDENCE",
]


class ClaimViolation(AssertionError):
    """A claim's check failed: the measurement contradicts the statement."""


_RELATIONS = {"<=": "at most", ">=": "at least", "~": "within tolerance of"}


@dataclass(frozen=True)
class Check:
    """The outcome of checking one claim numerically.

    Attributes
    ----------
    claim : str
        The claim id, e.g. ``"C02"``.
    quantity : str
        What was measured, in words.
    observed : float
        The measured value.
    predicted : float
        The theorem's value or bound.
    relation : {"<=", ">=", "~"}
        observed <= predicted + tolerance, observed >= predicted - tolerance, or
        |observed - predicted| <= tolerance.
    tolerance : float
        Absolute slack allowed, with its justification in ``why_tolerance``.
    why_tolerance : str
        Why the tolerance is what it is.
    passed : bool
        The verdict.
    """

    claim: str
    quantity: str
    observed: float
    predicted: float
    relation: str
    tolerance: float
    why_tolerance: str = ""
    passed: bool = field(init=False)

    def __post_init__(self):
        if self.relation not in _RELATIONS:
            raise ValueError(f"relation must be one of {sorted(_RELATIONS)}; got {self.relation!r}")
        if not (self.tolerance >= 0):
            raise ValueError(f"tolerance must be non-negative; got {self.tolerance}")
        obs, pred, tol = float(self.observed), float(self.predicted), float(self.tolerance)
        object.__setattr__(self, "observed", obs)
        object.__setattr__(self, "predicted", pred)
        object.__setattr__(self, "tolerance", tol)
        if not (math.isfinite(obs) and math.isfinite(pred)):
            ok = False
        elif self.relation == "<=":
            ok = obs <= pred + tol
        elif self.relation == ">=":
            ok = obs >= pred - tol
        else:
            ok = abs(obs - pred) <= tol
        object.__setattr__(self, "passed", bool(ok))

    @property
    def margin(self) -> float:
        """How far inside (positive) or outside (negative) the tolerance the check is."""
        if self.relation == "<=":
            return self.predicted + self.tolerance - self.observed
        if self.relation == ">=":
            return self.observed - self.predicted + self.tolerance
        return self.tolerance - abs(self.observed - self.predicted)

    def describe(self) -> str:
        verdict = "holds" if self.passed else "FAILS"
        return (f"{self.claim} {verdict}: {self.quantity} = {self.observed:.6g}, "
                f"{_RELATIONS[self.relation]} {self.predicted:.6g} (tolerance {self.tolerance:.3g})")

    def assert_holds(self) -> "Check":
        """Return ``self`` if the claim held; raise :class:`ClaimViolation` otherwise."""
        if not self.passed:
            raise ClaimViolation(self.describe())
        return self


def at_most(claim_id, quantity, observed, bound, tolerance, why_tolerance="") -> Check:
    """Check observed <= bound + tolerance."""
    return Check(claim_id, quantity, observed, bound, "<=", tolerance, why_tolerance)


def at_least(claim_id, quantity, observed, bound, tolerance, why_tolerance="") -> Check:
    """Check observed >= bound - tolerance."""
    return Check(claim_id, quantity, observed, bound, ">=", tolerance, why_tolerance)


def close_to(claim_id, quantity, observed, predicted, tolerance, why_tolerance="") -> Check:
    """Check |observed - predicted| <= tolerance."""
    return Check(claim_id, quantity, observed, predicted, "~", tolerance, why_tolerance)


#: What kind of evidence a claim's check gives, as the ledger reports it.
#:
#: :meta hide-value:
EVIDENCE = {
    # the statement is checked on chosen instances (functions, start points)
    "instances": "checked on instances",
    # the worst case over the whole function class is computed (performance estimation)
    "certificate": "certified over the class",
    # an empirical finding, not a theorem (e.g. behaviour seen in training runs)
    "observed": "observed behaviour",
}


@dataclass(frozen=True)
class ClaimSpec:
    """A registered claim: its id, the book label of its statement, its check, and the
    kind of evidence the check gives (a key of :data:`EVIDENCE`)."""

    claim: str
    label: str
    statement: str
    function: Callable[..., Check]
    evidence: str = "instances"


_REGISTRY: dict[str, ClaimSpec] = {}
_EXEMPT: dict[str, str] = {}
_CITED: dict[str, str] = {}


def _load_check_modules() -> None:
    """Import every module of :mod:`gdflow.checks`; importing one registers its claims."""
    from . import checks

    for info in pkgutil.iter_modules(checks.__path__):
        importlib.import_module(f"{checks.__name__}.{info.name}")


def claim(claim_id: str, *, label: str, statement: str, evidence: str = "instances"):
    """Register the decorated function as the check of claim ``claim_id``.

    ``label`` is the target of the statement in the book (a ``prf:`` label),
    ``statement`` a one-line summary for the ledger, ``evidence`` what kind of evidence
    the check gives: a key of :data:`EVIDENCE` (``"instances"``, ``"certificate"`` or
    ``"observed"``).
    """
    if evidence not in EVIDENCE:
        raise ValueError(f"evidence of claim {claim_id} must be one of {sorted(EVIDENCE)}; "
                         f"got {evidence!r}")

    def decorate(function):
        if claim_id in _REGISTRY and _REGISTRY[claim_id].function is not function:
            raise ValueError(f"claim {claim_id} is registered twice")
        _REGISTRY[claim_id] = ClaimSpec(claim_id, label, statement, function, evidence)
        return function
    return decorate


def cite(label: str, source: str) -> None:
    """Record that the statement labelled ``label`` is cited from ``source``, not proved
    in the book (its statement box says so too). A cited statement may also have a
    numerical check; the ledger lists it as cited either way."""
    if not source.strip():
        raise ValueError(f"the citation of {label!r} needs a source")
    _CITED[label] = source


def citations() -> dict[str, str]:
    """Labels of statements the book cites rather than proves, with their sources."""
    _load_check_modules()
    return dict(sorted(_CITED.items()))


def exempt(label: str, reason: str) -> None:
    """Record that the statement labelled ``label`` has no numerical check, and why.

    Every labelled theorem, lemma, proposition and corollary of the book needs
    either a registered claim with that label or an exemption with a reason
    (for instance: an existence theorem, or a statement proved but not quantitative).
    """
    if not reason.strip():
        raise ValueError(f"an exemption of {label!r} needs a reason")
    _EXEMPT[label] = reason


def registry() -> dict[str, ClaimSpec]:
    """Every registered claim, ordered by claim id (C01, C02, ...)."""
    _load_check_modules()
    return dict(sorted(_REGISTRY.items()))


def exemptions() -> dict[str, str]:
    """Labels of statements without a numerical check, with the reason for each."""
    _load_check_modules()
    return dict(sorted(_EXEMPT.items()))


def _spec(claim_id: str) -> ClaimSpec:
    specs = registry()
    if claim_id not in specs:
        raise KeyError(f"no check is registered for claim {claim_id!r}")
    return specs[claim_id]


def run(claim_id: str, **options) -> tuple[Check, ...]:
    """Run one registered claim's checks with their defaults (or ``options``).

    A claim function returns one :class:`Check` or several (one per objective,
    say); this always returns a tuple.
    """
    function = _spec(claim_id).function
    out = function(**options)
    checks = (out,) if isinstance(out, Check) else tuple(out)
    store = result_store()  # a book build keeps passing runs for its ledger
    if store is not None:
        store.save(claim_id, function, options, checks)
    return checks


def stored_or_run(claim_id: str, **options) -> tuple[tuple[Check, ...], bool]:
    """The checks of ``run(claim_id, **options)``, taken from the build's result store
    (:func:`result_store`) if a chapter already ran them with the same arguments and
    package; the flag says whether they were taken from there."""
    store = result_store()
    if store is not None:
        stored = store.load(claim_id, _spec(claim_id).function, options)
        if stored is not None:
            return stored, True
    return run(claim_id, **options), False


# --- Where a build keeps results ------------------------------------------------------------
#
# The book's build runs a claim's check in a chapter and again in the claims ledger.
# The build can hand this module a store that keeps a chapter's passing run for the
# ledger. The store lives with the build tooling (the book's is
# ``bookbuild.claimstore``); this package only names the protocol and finds the store
# through an environment variable, so it never imports the build tooling.

import os  # noqa: E402
from typing import Protocol  # noqa: E402

__all__ += ["RESULT_STORE_ENV", "ResultStore", "result_store"]

#: Environment variable naming the result store as ``module:factory``: ``factory()``
#: (no arguments) returns a :class:`ResultStore`, or None for none. Unset or empty:
#: nothing is stored and every check runs.
RESULT_STORE_ENV = "GDFLOW_CLAIM_STORE"


class ResultStore(Protocol):
    """What :func:`run` and :func:`stored_or_run` ask of a store of check results.

    ``function`` is the claim's registered check and ``options`` the keyword
    arguments of the run, as given (the store decides which runs it can key). A store
    that cannot keep or find a result says so by storing nothing and returning None:
    the check then simply runs again.
    """

    def save(self, claim_id: str, function: Callable[..., object], options: dict,
             checks: tuple[Check, ...]) -> None: ...

    def load(self, claim_id: str, function: Callable[..., object],
             options: dict) -> tuple[Check, ...] | None: ...


def result_store() -> ResultStore | None:
    """The store named by :data:`RESULT_STORE_ENV`, or None when the variable is unset.

    Raises ValueError when the variable is set but names nothing that can be loaded:
    a build that meant to keep results must not silently keep none.
    """
    spec = os.environ.get(RESULT_STORE_ENV, "").strip()
    if not spec:
        return None
    module, _, factory = spec.partition(":")
    if not module or not factory:
        raise ValueError(f"{RESULT_STORE_ENV} must name a store factory as 'module:function'; got {spec!r}")
    try:
        make = getattr(importlib.import_module(module), factory)
    except (ImportError, AttributeError) as exc:
        raise ValueError(f"{RESULT_STORE_ENV}={spec!r} names no store factory that can be loaded: "
                         f"{exc}") from exc
    return make()
