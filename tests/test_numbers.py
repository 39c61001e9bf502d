"""The one number formatter: digits as asked, true powers of ten, no float noise."""

import math

import numpy as np
import pytest

from gdflow.numbers import NumberFormatError, format_number, format_text


@pytest.mark.parametrize("value, spec, expected", [
    (0.999999999999999, "", "1"),
    (1.000000000000000, ".4g", "1"),
    (1.1000000000, ".4g", "1.1"),
    (-0.00389, ".2e", r"-3.89 \times 10^{-3}"),
    (3e-15, ".0e", r"3 \times 10^{-15}"),
    (1e-6, ".2g", "10^{-6}"),
    (9.82e-4, ".3g", "0.000982"),
    (9.82e-5, ".3g", r"9.82 \times 10^{-5}"),
    (123456, "", r"123\,456"),
    (4000, "", "4000"),
    (2.0, ".3f", "2.000"),
    (-0.0001, ".2f", "0.00"),
    (0.25, ".0%", r"25\%"),
    (1234567.0, ".3g", r"1.23 \times 10^{6}"),
    (7.0, "d", "7"),
    (float("inf"), "", r"\infty"),
    ("np.float64(0.5)", "", "0.5"),
    ("0.125", ".2g", "0.12"),
])
def test_format_number(value, spec, expected):
    assert format_number(value, spec) == expected


def test_numpy_scalars_are_numbers():
    assert format_number(np.float64(0.5)) == "0.5"
    assert format_number(np.int64(12)) == "12"


@pytest.mark.parametrize("value, spec", [
    (math.nan, ""), (1.5, "d"), (True, ""), ("abc", ""), (1.0, ".3x"), (1.0, "10f"),
])
def test_bad_input_is_named(value, spec):
    with pytest.raises(NumberFormatError):
        format_number(value, spec)


def test_no_noise_and_no_bare_exponent_over_many_values():
    rng = np.random.default_rng(0)
    for value in np.concatenate([rng.normal(size=200) * 10.0 ** rng.integers(-16, 8, 200),
                                 1 - 10.0 ** -rng.integers(10, 16, 50)]):
        for spec in ("", ".2g", ".3g", ".1e", ".3e"):
            text = format_number(float(value), spec)
            assert "e" not in text.replace(r"\times", "")
            assert "000000" not in text and "999999" not in text


def test_text_form():
    assert format_text(-3.2e-7, ".2g") == "\u22123.2\u00d710\u207b\u2077"
    assert format_text(0.5) == "0.5"
