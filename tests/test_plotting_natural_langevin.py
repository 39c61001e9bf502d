"""Tests of the plot helpers added for the natural-gradient and Langevin chapters."""

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

from gdflow import plotting
from gdflow.trajectory import Trajectory


def test_reparametrized_paths_draws_every_path_with_its_style(ax):
    pts = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 1.5]])
    traj = Trajectory(times=np.arange(3.0), points=pts, values=np.zeros(3), method="x")
    out = plotting.plot_reparametrized_paths(ax, {"a": traj, "b": pts + 1.0},
                                             styles={"b": dict(ls="none", marker="o")})
    assert out is ax
    lines = ax.get_lines()
    assert [l.get_label() for l in lines] == ["a", "b"]
    np.testing.assert_array_equal(lines[1].get_xdata(), pts[:, 0] + 1.0)
    assert lines[1].get_marker() == "o" and lines[1].get_linestyle() == "None"
    assert lines[0].get_color() == plotting.PALETTE[0]
    assert ax.get_legend() is not None


def test_density_histogram_is_normalised(ax):
    rng = np.random.default_rng(0)
    edges = np.linspace(-4, 4, 17)
    grid = np.linspace(-4, 4, 50)
    out = plotting.plot_density_histogram(ax, rng.standard_normal(1000), edges, grid,
                                          np.exp(-grid**2 / 2) / np.sqrt(2 * np.pi))
    assert out is ax
    heights = np.array([p.get_height() for p in ax.patches])
    assert np.sum(heights * np.diff(edges)) == pytest.approx(1.0, abs=1e-3)
    assert len(ax.get_lines()) == 1


def test_stationary_variance_plot(ax):
    curve = np.linspace(0, 1.5, 20)
    out = plotting.plot_stationary_variance(ax, [0.5, 1.0], [0.66, 1.0], [0.01, 0.02], curve,
                                            1 / (2 * (1 - curve / 2)), 0.5)
    assert out is ax
    labels = [l.get_label() for l in ax.get_lines()]
    assert any("ULA" in s for s in labels)
    assert ax.get_xlabel() == r"$\eta\lambda$"
    assert ax.get_title() == ""


def test_new_helpers_are_exported():
    for name in ("plot_reparametrized_paths", "plot_density_histogram", "plot_stationary_variance"):
        assert name in plotting.__all__
