import re
from pathlib import Path

import pytest

from gdflow import claims, ledger
from gdflow.claims import ClaimViolation, at_most

BOOK = Path(__file__).resolve().parents[1] / "book"
STATEMENT = re.compile(
    r"^(`{3,}|:{3,})\{prf:(theorem|lemma|proposition|corollary)\}[^\n]*\n(?::[^\n]*\n)*?:label: *(\S+)",
    re.MULTILINE,
)


def labelled_statements():
    found = {}
    for page in sorted(BOOK.glob("*.md")):
        for m in STATEMENT.finditer(page.read_text(encoding="utf-8")):
            found[m.group(3)] = page.name
    return found


def test_every_labelled_statement_is_checked_or_exempt_with_a_reason():
    covered = {spec.label for spec in claims.registry().values()} | set(claims.exemptions())
    missing = {label: page for label, page in labelled_statements().items() if label not in covered}
    assert not missing, f"statements with neither a ledger row nor a stated reason: {missing}"


def test_every_claim_label_exists_in_the_book():
    text = "\n".join(p.read_text(encoding="utf-8") for p in BOOK.glob("*.md"))
    labels = set(re.findall(r"^:label: *(\S+)", text, re.MULTILINE)) | set(
        re.findall(r"^\((\S+)\)=", text, re.MULTILINE))
    for spec in claims.registry().values():
        assert spec.label in labels, f"{spec.claim} points at {spec.label}, which is not in the book"
    for label in claims.exemptions():
        assert label in labels, f"exemption for {label}, which is not in the book"


def test_statement_pattern_finds_the_known_lemma():
    assert labelled_statements().get("lem-sufficient-decrease") == "gradient-descent.md"


def test_ledger_rows_and_table():
    rows = ledger.run_ledger(["C03"])
    assert len(rows) == 3 and all(r.check.passed for r in rows)
    table = ledger.ledger_markdown(rows)
    assert table.count("\n") == 2 + len(rows) - 1
    assert "{prf:ref}`cor-step-below-two-over-l`" in table and "| pass |" in table


def test_ledger_fails_on_a_failed_row():
    bad = ledger.LedgerRow("x", "y", at_most("C99", "q", 2.0, 1.0, 0.0))
    good = ledger.run_ledger(["C03"])
    with pytest.raises(ClaimViolation, match="1 ledger row"):
        ledger.assert_all_pass(good + [bad])
    assert "**FAIL**" in ledger.ledger_markdown([bad])


def test_every_claim_is_named_in_a_claim_test():
    # Each claim's must-fail case lives in tests/test_checks_<chapter>.py and names the
    # claim id; a new claim registered without such a test is caught here.
    tests = Path(__file__).resolve().parent
    text = "\n".join(p.read_text(encoding="utf-8") for p in tests.glob("test_checks_*.py"))
    unnamed = [cid for cid in claims.registry() if not re.search(rf"[\"']{cid}[\"']", text)]
    assert not unnamed, f"claims with no test naming them: {unnamed}"
