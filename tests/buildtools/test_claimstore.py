"""Tests of bookbuild.claimstore and of the hook in gdflow.claims that finds it."""

import json

import numpy as np
import pytest

from bookbuild import claimstore
from gdflow import claims, ledger
from gdflow.claims import at_most


@pytest.fixture
def store(tmp_path, monkeypatch):
    folder = tmp_path / "store"
    monkeypatch.setenv(claims.RESULT_STORE_ENV, claimstore.FACTORY)
    monkeypatch.setenv(claimstore.FOLDER_ENV, str(folder))
    return folder


def c03():
    return claims.registry()["C03"].function


def test_nothing_is_stored_without_the_environment_variables(monkeypatch):
    monkeypatch.delenv(claims.RESULT_STORE_ENV, raising=False)
    assert claims.result_store() is None
    checks, stored = claims.stored_or_run("C03")
    assert not stored and all(c.passed for c in checks)
    monkeypatch.setenv(claims.RESULT_STORE_ENV, claimstore.FACTORY)
    monkeypatch.delenv(claimstore.FOLDER_ENV, raising=False)
    assert claims.result_store() is None  # the factory finds no folder: no store


def test_a_misnamed_store_is_an_error_not_silence(monkeypatch):
    monkeypatch.setenv(claims.RESULT_STORE_ENV, "/some/folder")
    with pytest.raises(ValueError, match="module:function"):
        claims.result_store()
    monkeypatch.setenv(claims.RESULT_STORE_ENV, "bookbuild.claimstore:no_such_factory")
    with pytest.raises(ValueError, match="no store factory"):
        claims.stored_or_run("C03")


def test_the_build_points_gdflow_at_a_folder_store(tmp_path, monkeypatch):
    environ = {}
    claimstore.configure(environ, tmp_path / "store")  # as the build does, for its kernels
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    found = claims.result_store()
    assert isinstance(found, claimstore.FolderStore)
    assert found.folder == (tmp_path / "store").resolve()


def test_a_run_is_taken_back_with_equal_arguments_only(store):
    first = claims.run("C03")
    assert len(list(store.glob("C03-*.json"))) == 1
    again, stored = claims.stored_or_run("C03")
    assert stored and again == first
    # the same arguments spelled out explicitly give the same key
    key = claimstore.run_key(c03(), {})
    assert claimstore.FolderStore(store).load("C03", c03(), dict(key)) == first


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


def test_failed_runs_and_runs_with_objects_are_not_stored(store):
    folder = claimstore.FolderStore(store)

    def check(radius=1.0):
        pass

    bad = (at_most("C99", "q", 3.0, 1.0, 0.0),)
    assert folder.save("C99", check, {}, bad) is None
    good = (at_most("C99", "q", 0.0, 1.0, 0.0),)
    assert folder.save("C99", check, {"radius": object()}, good) is None
    assert not store.exists() or not list(store.iterdir())
    assert folder.save("C99", check, {}, good) is not None


def test_results_of_another_package_or_run_are_ignored(store):
    claims.run("C03")
    (path,) = store.glob("C03-*.json")
    folder = claimstore.FolderStore(store)
    record = json.loads(path.read_text())
    record["fingerprint"] = "0" * 64
    path.write_text(json.dumps(record))
    assert folder.load("C03", c03(), record["arguments"]) is None
    assert not claims.stored_or_run("C03")[1]

    record = json.loads(path.read_text())
    record["arguments"] = {"something": "else"}
    path.write_text(json.dumps(record))
    assert folder.load("C03", c03(), {}) is None
    path.write_text("[1, 2")  # a torn or foreign file is no result
    assert folder.load("C03", c03(), {}) is None


def test_the_verdict_of_a_stored_check_is_decided_again(store):
    claims.run("C03")
    (path,) = store.glob("C03-*.json")
    record = json.loads(path.read_text())
    first = record["checks"][0]
    # move the measured value past its bound: the loaded check must fail
    sign = {"<=": 1.0, ">=": -1.0, "~": 1.0}[first["relation"]]
    first["observed"] = first["predicted"] + sign * (first["tolerance"] + 1.0)
    path.write_text(json.dumps(record))
    checks = claimstore.FolderStore(store).load("C03", c03(), {})
    assert checks is not None and not checks[0].passed
    with pytest.raises(claims.ClaimViolation):
        ledger.assert_all_pass(ledger.run_ledger(["C03"]))


def test_the_ledger_says_which_rows_came_from_a_chapter(store):
    assert not any(r.from_chapter for r in ledger.run_ledger(["C03"]))  # ran for the ledger
    assert all(r.from_chapter for r in ledger.run_ledger(["C03"]))       # ...and was stored
    assert not any(r.from_chapter for r in ledger.run_ledger(["C03"], reuse=False))
