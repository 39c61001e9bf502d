import json

import numpy as np
import pytest

from gdflow import claims, claimstore, ledger
from gdflow.claims import at_most


@pytest.fixture
def store(tmp_path, monkeypatch):
    folder = tmp_path / "store"
    monkeypatch.setenv(claimstore.STORE_ENV, str(folder))
    return folder


def test_nothing_is_stored_without_the_environment_variable(monkeypatch, tmp_path):
    monkeypatch.delenv(claimstore.STORE_ENV, raising=False)
    assert claimstore.store_folder() is None
    assert claimstore.save("C03", {}, (at_most("C03", "q", 1.0, 2.0, 0.0),)) is None
    assert claimstore.load("C03", {}) is None
    checks, stored = claims.stored_or_run("C03")
    assert not stored and all(c.passed for c in checks)


def test_a_run_is_taken_back_with_equal_arguments_only(store):
    first = claims.run("C03")
    assert len(list(store.glob("C03-*.json"))) == 1
    again, stored = claims.stored_or_run("C03")
    assert stored and again == first
    # the same arguments spelled out explicitly give the same key
    spec = claims.registry()["C03"]
    key = claimstore.run_key(spec.function, {})
    assert claimstore.load("C03", key) == first


def test_keys_fill_in_defaults_and_refuse_objects():
    def check(num_points=100, radius=1.0, steps=(1, 2)):
        pass

    assert claimstore.run_key(check, {"steps": [1, 2]}) == claimstore.run_key(check, {})
    assert claimstore.run_key(check, {"radius": np.float64(2.0)}) == {
        "num_points": 100, "radius": 2.0, "steps": [1, 2]}
    assert claimstore.run_key(check, {"num_points": np.int64(7)})["num_points"] == 7
    assert claimstore.run_key(check, {"radius": object()}) is None
    assert claimstore.run_key(check, {"radius": float("nan")}) is None
    with pytest.raises(TypeError):
        claimstore.run_key(check, {"unknown": 1})


def test_failed_runs_are_not_stored(store):
    bad = (at_most("C99", "q", 3.0, 1.0, 0.0),)
    assert claimstore.save("C99", {}, bad) is None
    assert not store.exists() or not list(store.iterdir())


def test_results_of_another_package_or_run_are_ignored(store):
    claims.run("C03")
    (path,) = store.glob("C03-*.json")
    record = json.loads(path.read_text())
    record["fingerprint"] = "0" * 64
    path.write_text(json.dumps(record))
    assert claimstore.load("C03", record["arguments"]) is None
    assert not claims.stored_or_run("C03")[1]

    record = json.loads(path.read_text())
    record["arguments"] = {"something": "else"}
    path.write_text(json.dumps(record))
    assert claimstore.load("C03", json.loads(path.read_text())["arguments"]) is None


def test_the_verdict_of_a_stored_check_is_decided_again(store):
    claims.run("C03")
    (path,) = store.glob("C03-*.json")
    record = json.loads(path.read_text())
    first = record["checks"][0]
    # move the measured value past its bound: the loaded check must fail
    sign = {"<=": 1.0, ">=": -1.0, "~": 1.0}[first["relation"]]
    first["observed"] = first["predicted"] + sign * (first["tolerance"] + 1.0)
    path.write_text(json.dumps(record))
    checks = claimstore.load("C03", record["arguments"])
    assert checks is not None and not checks[0].passed
    with pytest.raises(claims.ClaimViolation):
        ledger.assert_all_pass(ledger.run_ledger(["C03"]))


def test_the_ledger_says_which_rows_came_from_a_chapter(store):
    assert not any(r.from_chapter for r in ledger.run_ledger(["C03"]))  # ran for the ledger
    assert all(r.from_chapter for r in ledger.run_ledger(["C03"]))       # ...and was stored
    assert not any(r.from_chapter for r in ledger.run_ledger(["C03"], reuse=False))
