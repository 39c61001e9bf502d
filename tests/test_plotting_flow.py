"""The plot helpers of the gradient-flow chapter draw what they are given on the axis passed in."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from gdflow import plotting  # noqa: E402


def test_plot_against_bounds_grey_references_on_a_shared_axis(ax):
    t = np.linspace(0.1, 2.0, 20)
    out = plotting.plot_against_bounds(ax, t, {"a": np.exp(-t), "b": np.exp(-2 * t)},
                                       {"bound": np.exp(-0.5 * t), "other": np.exp(-t)},
                                       bound_colors="grey", logx=True, ylabel="gap")
    assert out is ax
    assert len(ax.lines) == 4
    assert ax.get_yscale() == "log" and ax.get_xscale() == "log"
    assert [line.get_linestyle() for line in ax.lines[2:]] == ["--", ":"]
    assert [line.get_color() for line in ax.lines[2:]] == ["0.15", "0.45"]
    assert [text.get_text() for text in ax.get_legend().get_texts()] == ["a", "b", "bound", "other"]


def test_plot_against_bounds_separate_axes_need_bound_x(ax):
    times = {"a": np.linspace(0, 1, 5), "b": np.linspace(0, 2, 7)}
    measured = {"a": np.ones(5), "b": np.ones(7)}
    with pytest.raises(ValueError, match="bound_x"):
        plotting.plot_against_bounds(ax, times, measured, {"bound": np.ones(3)})
    plotting.plot_against_bounds(ax, times, measured, {"bound": np.ones(3)},
                                 bound_x=np.linspace(0, 2, 3))
    assert len(ax.lines) == 3
    assert ax.lines[1].get_xdata().size == 7


def test_plot_against_bound_is_the_grey_time_axis_form(ax):
    """The older name keeps its keywords and defaults (grey bounds, x label t)."""
    times = {"a": np.linspace(0, 1, 5)}
    plotting.plot_against_bound(ax, times, {"a": np.ones(5)}, {"bound": np.ones(3)},
                                bound_times=np.linspace(0, 1, 3), logy=False)
    assert ax.lines[1].get_color() == "0.15"
    assert ax.get_xlabel() == r"$t$" and ax.get_yscale() == "linear"


def test_plot_mode_decay(ax):
    t = np.linspace(0.0, 4.0, 41)
    lam = np.array([0.5, 2.0])
    modes = np.exp(-np.outer(t, lam))
    plotting.plot_mode_decay(ax, t, modes, lam)
    assert len(ax.lines) == 4  # a line and a marker series per mode
    assert ax.get_yscale() == "log"
    line = ax.lines[0]
    assert np.allclose(line.get_ydata(), np.exp(-0.5 * t))


def test_plot_mode_decay_rejects_mismatched_shapes(ax):
    with pytest.raises(ValueError, match="modes must have shape"):
        plotting.plot_mode_decay(ax, np.linspace(0, 1, 5), np.ones((5, 3)), [1.0, 2.0])


def test_plot_against_bound_linear_values(ax):
    t = np.geomspace(1.0, 100.0, 10)
    plotting.plot_against_bounds(ax, t, {"x": np.log(t)}, {"log t": np.log(t)}, logx=True, logy=False)
    assert ax.get_yscale() == "linear" and ax.get_xscale() == "log"
