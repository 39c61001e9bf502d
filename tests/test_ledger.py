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
    assert "{prf:ref}`cor-step-below-two-over-l`" in table and ": pass | instances |" in table
    assert table.splitlines()[0].count("|") == 6  # five columns: fits at 1024 px and in print


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


def test_ledger_is_grouped_by_chapter_in_reading_order():
    root = BOOK.parent
    chapters = ledger.book_chapters(root)
    assert [c.path for c in chapters][:2] == ["book/introduction", "book/gradient-descent"]
    rows = ledger.run_ledger(["P01", "A09", "C03"])  # lower bounds, gradient descent twice
    text = ledger.ledger_by_chapter(rows, chapters)
    assert text.index("chap-gradient-descent") < text.index("chap-lower-bounds")
    section = text[text.index("chap-gradient-descent"):text.index("chap-lower-bounds")]
    assert "C03" in section and "P01" in section and "(instances, whole class): all pass" in section
    # within a chapter, statements come in the order the page states them
    descent = next(c for c in chapters if c.path == "book/gradient-descent")
    first, second = sorted(["cor-step-below-two-over-l", "thm-gd-convex-rate"], key=descent.labels.index)
    assert section.index(first) < section.index(second)


def test_measured_quantities_read_as_words():
    assert ledger._readable("max_k (f − f*)/b_k and min_(k≥1) x") == "max over k (f − f*)/b_k and min over k≥1 x"


def test_statements_have_no_combining_characters():
    # the ledger prints every statement in the PDF, and pdflatex's utf8 input has no
    # combining accents (a θ̄ written as θ + U+0304 stopped the PDF build)
    import unicodedata

    for claim_id, spec in claims.registry().items():
        marks = [hex(ord(ch)) for ch in spec.statement if unicodedata.combining(ch)]
        assert not marks, f"{claim_id}: combining characters {marks} in its statement"
