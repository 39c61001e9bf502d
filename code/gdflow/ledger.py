"""The claims ledger: every registered claim run once, as rows of a table.

The book's ledger page calls :func:`run_ledger`, shows :func:`ledger_markdown` and
then :func:`assert_all_pass`, so one failing row fails the build.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from . import claims
from .claims import Check, ClaimViolation

__all__ = ["LedgerRow", "run_ledger", "ledger_markdown", "assert_all_pass", "Chapter", "book_chapters",
           "ledger_by_chapter"]

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


def _number(x: float, spec: str = ".4g") -> str:
    """A number as inline math, by the book's one formatter (true minus, powers of ten)."""
    from .numbers import format_number

    return f"${format_number(x, spec)}$"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


#: Short names of the kinds of evidence (:data:`gdflow.claims.EVIDENCE`) for the table.
_EVIDENCE = {"instances": "instances", "certificate": "whole class", "observed": "observed"}


def _readable(text: str) -> str:
    """A measured quantity as a reader would say it: "max over k" rather than "max_k"."""
    text = re.sub(r"\b(max|min|sup)_\(([^)]*)\)", r"\1 over \2", text)
    text = re.sub(r"\b(max|min|sup)_(\w)\b", r"\1 over \2", text)
    return _E_NOTATION.sub(_power_of_ten, text)


_E_NOTATION = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)e([+-]?)0*(\d+)\b")


def _power_of_ten(match) -> str:
    mantissa, sign, exponent = match.groups()
    power = f"10^{{{'-' if sign == '-' else ''}{exponent}}}"
    return f"${power}$" if mantissa in ("1", "1.0") else f"${mantissa} \\times {power}$"


def _result(c: Check) -> str:
    """Measured value, relation and prediction, with the ratio where the prediction is a bound."""
    status = "pass" if c.passed else "**FAIL**"
    text = f"{_number(c.observed)} {_SYMBOL[c.relation]} {_number(c.predicted)}"
    if c.relation != "~" and c.predicted not in (0.0, 1.0) and c.observed >= 0 and c.predicted > 0:
        text += f" (ratio {_number(c.observed / c.predicted)})"
    if c.tolerance:
        text += f", tolerance {_number(c.tolerance, '.2g')}"
    return f"{text}: {status}"


def ledger_markdown(rows) -> str:
    """A MyST table of the rows (five columns); the statement column links to the statement
    with ``{prf:ref}``, the result column gives measured value, relation, prediction, the
    ratio to a bound, the tolerance and the verdict."""
    specs = claims.registry()
    lines = ["| Claim | Statement | Measured | Result | Evidence |", "| --- | --- | --- | --- | --- |"]
    for r in rows:
        c = r.check
        spec = specs.get(c.claim)
        evidence = _EVIDENCE.get(spec.evidence, spec.evidence) if spec is not None else ""
        lines.append(f"| {c.claim} | {{prf:ref}}`{r.label}` | {_cell(_readable(c.quantity))} "
                     f"| {_cell(_result(c))} | {evidence} |")
    return "\n".join(lines)


@dataclass
class Chapter:
    """A page of the book: its title, its target label and its statement labels in order."""

    path: str
    title: str
    target: str | None
    labels: list = field(default_factory=list)


_TITLE = re.compile(r"^# (.+)$", re.MULTILINE)
_TARGET = re.compile(r"^\(([\w-]+)\)=\s*$", re.MULTILINE)
_LABEL = re.compile(r"^:label: *(\S+)", re.MULTILINE)


def book_chapters(root) -> list[Chapter]:
    """The pages of ``_toc.yml`` under ``root``, in reading order, with their statement labels."""
    root = Path(root)
    toc = (root / "_toc.yml").read_text(encoding="utf-8")
    files = re.findall(r"^\s*(?:-\s*)?file:\s*(\S+)", toc, re.MULTILINE)
    chapters = []
    for name in files:
        path = root / f"{name}.md"
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        title = _TITLE.search(text)
        target = _TARGET.search(text)
        chapters.append(Chapter(name, title.group(1).strip() if title else name,
                                target.group(1) if target else None, _LABEL.findall(text)))
    return chapters


def ledger_by_chapter(rows, chapters) -> str:
    """The ledger grouped by chapter in reading order, statements in the order they appear,
    each chapter with a heading and a one-line summary; rows whose statement is in no
    chapter come last."""
    position = {}
    for i, chapter in enumerate(chapters):
        for j, label in enumerate(chapter.labels):
            position.setdefault(label, (i, j))
    groups: dict[int, list] = {}
    for r in rows:
        groups.setdefault(position.get(r.label, (len(chapters), 0))[0], []).append(r)
    specs = claims.registry()
    parts = []
    for i in sorted(groups):
        chapter_rows = sorted(groups[i], key=lambda r: position.get(r.label, (i, 0))[1])
        if i < len(chapters):
            chapter = chapters[i]
            heading = f"{{ref}}`{chapter.target}`" if chapter.target else chapter.title
        else:
            heading = "Other statements"
        ids = list(dict.fromkeys(r.check.claim for r in chapter_rows))
        kinds = sorted({_EVIDENCE.get(specs[c].evidence, specs[c].evidence) for c in ids if c in specs})
        failed = sum(not r.check.passed for r in chapter_rows)
        verdict = "all pass" if not failed else f"**{failed} FAILED**"
        parts.append(f"## {heading}\n\n{len(ids)} claim(s), {len(chapter_rows)} measurement(s) "
                     f"({', '.join(kinds)}): {verdict}.\n\n{ledger_markdown(chapter_rows)}")
    return "\n\n".join(parts)


def assert_all_pass(rows) -> None:
    """Raise :class:`ClaimViolation` listing every failed row, if any failed."""
    failed = [r.check.describe() for r in rows if not r.check.passed]
    if failed:
        raise ClaimViolation(f"{len(failed)} ledger row(s) failed:\n" + "\n".join(failed))
