"""Tests of gdflow.plotting_methods: each helper draws on the given axis and returns it."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from gdflow import plotting, plotting_methods  # noqa: E402
from gdflow.checks.momentum import heavy_ball_scalar_sweep, lessard_cycle  # noqa: E402
from gdflow.momentum import nesterov  # noqa: E402
from gdflow.problems import Quadratic  # noqa: E402


@pytest.fixture
def ax():
    plotting.use_book_style()
    fig, ax = plt.subplots()
    yield ax
    plt.close(fig)


def test_plot_series(ax):
    x = np.arange(1, 10)
    out = plotting_methods.plot_series(ax, {"a": (x, x**-1.0), "b": (x, x**-2.0)}, xlabel="k",
                                       ylabel="gap", logx=True, styles={"b": {"ls": "--"}})
    assert out is ax and len(ax.lines) == 2
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    assert ax.lines[1].get_linestyle() == "--"
    assert ax.get_title() == ""


def test_plot_stability_map(ax):
    a = np.linspace(0.1, 4.0, 30)
    b = np.linspace(0.0, 0.9, 10)
    out = plotting_methods.plot_stability_map(ax, a, b, heavy_ball_scalar_sweep(a, b, 200))
    assert out is ax and ax.get_xlabel() == r"$\alpha\lambda$"


def test_plot_cycle(ax):
    out = plotting_methods.plot_cycle(ax, lessard_cycle(3.3, 20), reference=lessard_cycle(0.5, 20),
                                      reference_label="converges")
    assert out is ax and len(ax.lines) == 3


def test_plot_paths_plane(ax):
    q = Quadratic.from_eigenvalues([0.04, 0.01])
    path = nesterov(q, [1.0, 1.0], 1.0, 30)
    out = plotting_methods.plot_paths_plane(ax, {"s = 1": path}, markers={"s = 1": "o"})
    assert out is ax and ax.lines[0].get_marker() == "o"
