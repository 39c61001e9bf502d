import numpy as np
import pytest

from gdflow.measure import decay_exponent, fit_line, geometric_rate, loglog_slope


def test_fits_recover_exact_laws():
    k = np.arange(20)
    assert geometric_rate(k, 3.0 * 0.8**k) == pytest.approx(0.8, rel=1e-12)
    t = np.linspace(0, 5, 30)
    assert decay_exponent(t, 2.0 * np.exp(-1.7 * t)) == pytest.approx(1.7, rel=1e-12)
    h = np.logspace(-4, -1, 10)
    fit = loglog_slope(h, 5.0 * h**2)
    assert fit.slope == pytest.approx(2.0, rel=1e-12) and fit.r_squared == pytest.approx(1.0)


def test_fit_line_reports_r_squared():
    fit = fit_line([0, 1, 2, 3], [0, 1, 0, 1])
    assert 0 <= fit.r_squared < 1


@pytest.mark.parametrize("x, y, message", [
    ([1.0], [1.0], "two distinct"),
    ([1.0, 1.0], [1.0, 2.0], "two distinct"),
    ([1.0, 2.0], [1.0], "same length"),
    ([1.0, np.nan], [1.0, 2.0], "finite"),
])
def test_fit_line_rejects_bad_input(x, y, message):
    with pytest.raises(ValueError, match=message):
        fit_line(x, y)


def test_log_fits_need_positive_values():
    with pytest.raises(ValueError, match="positive"):
        geometric_rate([0, 1, 2], [1.0, 0.0, 0.5])
    with pytest.raises(ValueError, match="positive"):
        loglog_slope([1.0, -1.0], [1.0, 2.0])
