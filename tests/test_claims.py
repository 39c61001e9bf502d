import numpy as np
import pytest

from gdflow import claims
from gdflow.claims import Check, ClaimViolation, at_least, at_most, close_to


def test_relations_and_verdicts():
    assert at_most("X", "q", 1.0, 1.0, 0.0).passed
    assert not at_most("X", "q", 1.1, 1.0, 0.05).passed
    assert at_least("X", "q", 0.96, 1.0, 0.05).passed
    assert not at_least("X", "q", 0.9, 1.0, 0.05).passed
    assert close_to("X", "q", 1.04, 1.0, 0.05).passed
    assert not close_to("X", "q", 0.9, 1.0, 0.05).passed


def test_non_finite_observations_fail():
    assert not at_most("X", "q", np.nan, 1.0, 1.0).passed
    assert not close_to("X", "q", np.inf, 1.0, 1.0).passed


def test_assert_holds_raises_with_a_readable_message():
    check = at_most("C99", "worst slack", 2.0, 1.0, 0.1)
    with pytest.raises(ClaimViolation, match=r"C99 FAILS: worst slack = 2, at most 1"):
        check.assert_holds()
    ok = at_most("C99", "worst slack", 0.5, 1.0, 0.1)
    assert ok.assert_holds() is ok
    assert ok.margin == pytest.approx(0.6)


def test_check_rejects_bad_relation_and_tolerance():
    with pytest.raises(ValueError, match="relation"):
        Check("X", "q", 1.0, 1.0, "<", 0.0)
    with pytest.raises(ValueError, match="tolerance"):
        Check("X", "q", 1.0, 1.0, "<=", -1.0)


def test_checks_are_frozen_and_store_floats():
    check = close_to("X", "q", np.float64(1.0), 1, 0)
    assert type(check.observed) is float and type(check.predicted) is float
    with pytest.raises(AttributeError):
        check.observed = 2.0


def test_registry_runs_every_claim_and_each_has_a_label():
    specs = claims.registry()
    assert "C02" in specs
    for cid, spec in specs.items():
        assert spec.label and spec.statement
    assert all(isinstance(c, Check) for c in claims.run("C03"))


def test_run_unknown_claim():
    with pytest.raises(KeyError, match="no check is registered"):
        claims.run("C00")


def test_registering_a_claim_twice_is_an_error():
    claims.registry()
    with pytest.raises(ValueError, match="registered twice"):
        claims.claim("C02", label="x", statement="y")(lambda: None)


def test_exemption_needs_a_reason():
    with pytest.raises(ValueError, match="needs a reason"):
        claims.exempt("thm-x", "  ")


def test_evidence_kind_is_checked_and_recorded():
    with pytest.raises(ValueError, match="evidence"):
        claims.claim("Z98", label="x", statement="x", evidence="anecdote")
    claims.claim("Z99", label="x", statement="x", evidence="certificate")(lambda: None)
    try:
        assert claims.registry()["Z99"].evidence == "certificate"
        assert all(spec.evidence in claims.EVIDENCE for spec in claims.registry().values())
    finally:
        claims._REGISTRY.pop("Z99")


def test_citations_need_a_source():
    with pytest.raises(ValueError, match="source"):
        claims.cite("thm-x", " ")
