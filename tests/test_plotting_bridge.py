"""Tests of the plotting helpers added for the bridge and comparison chapters."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from gdflow import plotting  # noqa: E402


def test_plot_order_fit_annotates_the_fitted_slope():
    fig, ax = plt.subplots()
    h = np.geomspace(1e-3, 1e-1, 5)
    assert plotting.plot_order_fit(ax, h, 3 * h**2, label="local") is ax
    texts = [t.get_text() for t in ax.texts]
    assert texts == ["slope 2.00"]
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    plt.close(fig)


def test_plot_sequences_and_decay_curves_draw_one_line_each():
    fig, (a, b) = plt.subplots(1, 2)
    plotting.plot_sequences(a, {"x": [1, -1, 1], "y": [1, 0.5, 0.25]})
    assert len(a.get_lines()) == 3  # two sequences and the zero line
    t = np.linspace(0, 1, 5)
    plotting.plot_decay_curves(b, {"a": (t, np.exp(-t)), "b": (t, np.exp(-2 * t))})
    assert len(b.get_lines()) == 2 and b.get_yscale() == "log"
    plt.close(fig)


def test_plot_decay_curves_thins_long_curves_but_keeps_their_ends():
    fig, ax = plt.subplots()
    t = np.linspace(0.0, 12.0, 12001)
    plotting.plot_decay_curves(ax, {"long": (t, np.exp(-t)), "short": (t[:50], np.exp(-t[:50]))},
                               max_points=800)
    long_line, short_line = ax.get_lines()
    x = long_line.get_xdata()
    assert 700 <= x.size <= 800 and x[0] == 0.0 and x[-1] == 12.0
    assert short_line.get_xdata().size == 50
    plt.close(fig)
