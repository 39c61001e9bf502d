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
