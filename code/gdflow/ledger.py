"""The claims ledger: every registered claim run once, as rows of a table.

The book's ledger page calls :func:`run_ledger`, shows :func:`ledger_markdown` and
then :func:`assert_all_pass`, so one failing row fails the build.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import claims
from .claims import Check, ClaimViolation

__all__ = ["LedgerRow", "run_ledger", "ledger_markdown", "assert_all_pass"]

_SYMBOL = {"<=": "≤", ">=": "≥", "~": "≈"}


@dataclass(frozen=True)
class LedgerRow:
    """One check of one claim, with the label of the statement it is about."""

    label: str
    statement: str
    check: Check
    #: Whether the check was taken from a chapter's run of this build (see
    #: :func:`gdflow.claims.stored_or_run`) rather than run for the ledger.
    from_chapter: bool = False


def run_ledger(claim_ids=None, reuse: bool = True) -> list[LedgerRow]:
    """The checks of ``claim_ids`` (default: every registered claim) with their default
    arguments, in id order.

    With ``reuse`` (the default), a check a chapter of this build already ran with the
    same arguments and the same package is taken from the build's store instead of
    being run again (:func:`gdflow.claims.stored_or_run`); outside a book build there
    is no store and every check runs.
    """
    specs = claims.registry()
    ids = list(specs) if claim_ids is None else list(claim_ids)
    rows = []
    for cid in ids:
        spec = specs[cid]
        if reuse:
            checks, stored = claims.stored_or_run(cid)
        else:
            checks, stored = claims.run(cid), False
        rows.extend(LedgerRow(spec.label, spec.statement, c, stored) for c in checks)
    return rows


def _number(x: float) -> str:
    return f"{x:.4g}"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def ledger_markdown(rows) -> str:
    """A MyST table of the rows; the statement column links to the statement with ``{prf:ref}``."""
    lines = [
        "| Claim | Statement | Measured | Observed | Predicted | Tolerance | Status |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        c = r.check
        status = "pass" if c.passed else "**FAIL**"
        lines.append(
            f"| {c.claim} | {{prf:ref}}`{r.label}` | {_cell(c.quantity)} | {_number(c.observed)} "
            f"| {_SYMBOL[c.relation]} {_number(c.predicted)} | {c.tolerance:.2g} | {status} |"
        )
    return "\n".join(lines)


def assert_all_pass(rows) -> None:
    """Raise :class:`ClaimViolation` listing every failed row, if any failed."""
    failed = [r.check.describe() for r in rows if not r.check.passed]
    if failed:
        raise ClaimViolation(f"{len(failed)} ledger row(s) failed:\n" + "\n".join(failed))
