import numpy as np
import pytest

from gdflow import compare


def test_spectrum_quadratic_spans_the_interval():
    q = compare.spectrum_quadratic(50.0, dim=5)
    assert q.strong_convexity == pytest.approx(1.0) and q.smoothness == pytest.approx(50.0)
    with pytest.raises(ValueError, match="at least 1"):
        compare.spectrum_quadratic(0.5)
    with pytest.raises(ValueError, match="dim"):
        compare.spectrum_quadratic(10.0, dim=1)


def test_iterations_to_reduce_waits_for_the_last_crossing():
    d = np.array([1.0, 0.5, 0.01, 0.2, 0.005, 0.001])
    assert compare.iterations_to_reduce(d, 0.1) == 4
    assert compare.iterations_to_reduce(d, 2.0) == 0
    with pytest.raises(ValueError, match="run longer"):
        compare.iterations_to_reduce(d, 1e-4)


def test_comparison_counts_match_closed_forms_for_descent():
    results = compare.comparison((10.0,), 1e-3, dim=2)
    gd = next(r for r in results if r.method.name == "Gradient descent, η = 1/L")
    # eigenvalues 1 and 10, start (1, 1), eta = 1/10: the slow mode is 0.9^k, the fast one 0.
    expected = int(np.ceil(np.log(1e-3 * np.sqrt(2)) / np.log(0.9)))
    assert gd.iterations == expected
    natural = next(r for r in results if r.method.name.startswith("Natural"))
    assert natural.iterations == 1 and np.isnan(natural.predicted_iterations)


def test_flow_time_to_reduce_on_a_scalar_mode():
    q = compare.spectrum_quadratic(1.0, dim=2)  # A = I: distance e^{-t}
    assert compare.flow_time_to_reduce(q, [1.0, 1.0], 1e-3) == pytest.approx(np.log(1e3), rel=1e-10)


def test_scaling_exponent_needs_two_condition_numbers():
    results = compare.comparison((10.0,), 1e-2, dim=2)
    with pytest.raises(ValueError, match="two condition numbers"):
        compare.scaling_exponent(results, "Gradient descent, η = 1/L")


def test_comparison_reuses_its_runs_but_hands_out_fresh_lists():
    first = compare.comparison((10.0, 30.0), 1e-3, dim=3)
    second = compare.comparison((10.0, 30.0), 1e-3, dim=3)
    assert first == second and first is not second
    first.clear()
    assert compare.comparison((10.0, 30.0), 1e-3, dim=3) == second
    # a different method list is run afresh and gives the same rows for those methods
    own = compare.comparison((10.0, 30.0), 1e-3, dim=3, methods=compare.METHODS[:1])
    assert own == [r for r in second if r.method is compare.METHODS[0]]
