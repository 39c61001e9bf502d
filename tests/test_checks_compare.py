import numpy as np
import pytest

from gdflow import claims


def all_pass(checks):
    return all(c.passed for c in checks)


def test_m01_passes_and_fails_on_a_wrong_rate():
    assert all_pass(claims.run("M01"))
    assert not all_pass(claims.run("M01", claimed_rates={"Gradient descent, η = 1/L": 0.9}))
    # Claiming the accelerated rate for Nesterov's method with the heavy ball's factor fails too.
    assert not all_pass(claims.run("M01", claimed_rates={"Nesterov, step 1/L": 0.8}))


def test_m02_passes_and_fails_on_a_wrong_exponent():
    assert all_pass(claims.run("M02"))
    assert not all_pass(claims.run("M02", claimed_exponents={"Nesterov, step 1/L": 1.0}))
    assert not all_pass(claims.run("M02", claimed_exponents={"Gradient descent, η = 1/L": 0.5}))


def test_m02_fails_when_the_sqrt_kappa_speedup_is_claimed_against_the_best_step():
    from gdflow.checks import compare as cc

    checks = claims.run("M02", baseline=cc.BEST_PLAIN)
    speedup = [c for c in checks if c.relation == ">="][0]
    assert not speedup.passed
    # the measured speed-up over descent with its best step is about 21.7, below sqrt(1000)
    assert 20.0 < speedup.observed < np.sqrt(1000.0)


def test_speedup_is_baseline_over_fastest_accelerated():
    from gdflow.checks import compare as cc

    results = cc._results()
    at = {r.method.name: r.iterations for r in results if r.condition_number == 100.0}
    fastest = min(at[n] for n in cc.ACCELERATED)
    assert cc.speedup(results, 100.0) == at[cc.BASELINE] / fastest
    assert cc.speedup(results, 100.0, cc.BEST_PLAIN) == at[cc.BEST_PLAIN] / fastest
    assert cc.speedup(results, 1000.0) > cc.speedup(results, 100.0)
    with pytest.raises(ValueError, match="baseline"):
        cc.speedup(results, 100.0, "no such method")
