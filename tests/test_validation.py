import numpy as np
import pytest

from gdflow._validation import as_point, count, nonnegative_number, positive_number, symmetric_matrix


def test_as_point_accepts_scalars_and_vectors():
    assert as_point(2.0).shape == (1,)
    assert as_point([1, 2]).dtype == float


@pytest.mark.parametrize("bad, message", [([], "empty"), (np.ones((2, 2)), "vector"), ([np.nan], "NaN")])
def test_as_point_rejects(bad, message):
    with pytest.raises(ValueError, match=message):
        as_point(bad)


def test_numbers_and_counts():
    assert positive_number(np.float32(0.5), "x") == 0.5
    with pytest.raises(ValueError, match="x must be positive"):
        positive_number(0, "x")
    with pytest.raises(ValueError, match="non-negative"):
        nonnegative_number(-1, "y")
    with pytest.raises(ValueError, match="integer"):
        count(1.5, "n")
    with pytest.raises(ValueError, match="at least 1"):
        count(0, "n", minimum=1)


def test_symmetric_matrix_forgives_rounding_only():
    M = np.random.default_rng(0).standard_normal((4, 4))
    S = M.T @ M
    S[0, 1] += 1e-15
    assert np.allclose(symmetric_matrix(S), S)
    S[0, 1] += 1e-3
    with pytest.raises(ValueError, match="not symmetric"):
        symmetric_matrix(S)


def test_positive_array_and_step_counts():
    from gdflow._validation import positive_array, step_counts

    assert positive_array([1, 2], "x").dtype == float
    with pytest.raises(ValueError, match="x must be positive and finite on a log scale; got"):
        positive_array([1.0, 0.0], "x", purpose=" on a log scale")
    assert step_counts(np.arange(3.0)).tolist() == [0.0, 1.0, 2.0]
    with pytest.raises(ValueError, match=r"k must be an integer .* >= 1"):
        step_counts([0, 1], minimum=1)
    with pytest.raises(ValueError, match="integer"):
        step_counts(1.5)
    with pytest.raises(ValueError, match="finite number"):
        step_counts("a")


def test_sample_times():
    from gdflow._validation import sample_times

    assert sample_times(2.0).tolist() == [2.0]
    for bad, message in (([], "empty"), ([np.nan], "finite"), ([1.0, 0.5], "non-decreasing"),
                         ([-1.0], "non-negative")):
        with pytest.raises(ValueError, match=message):
            sample_times(bad)


def test_step_schedule_and_divergence_mode():
    from gdflow._validation import divergence_mode, step_schedule

    assert step_schedule(0.5)(7) == 0.5
    assert step_schedule(lambda k: 1.0 / (k + 1))(1) == 0.5
    with pytest.raises(ValueError, match=r"step_size\(1\) must be positive"):
        step_schedule(lambda k: 1.0 - k)(1)
    with pytest.raises(ValueError, match="step_size must be positive"):
        step_schedule(-1.0)
    assert divergence_mode("stop") == "stop"
    with pytest.raises(ValueError, match="on_divergence must be 'raise' or 'stop'"):
        divergence_mode("ignore")


def test_old_private_names_remain_for_other_branches():
    """``descent._step_schedule`` and ``flow._times`` were imported across modules before."""
    from gdflow import _validation, descent, flow

    assert descent._step_schedule is _validation.step_schedule
    assert flow._times is _validation.sample_times
