import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from gdflow import examples, gradient_descent, plotting  # noqa: E402


def test_book_style_is_opaque_and_colour_blind_safe():
    plotting.use_book_style()
    rc = matplotlib.rcParams
    assert rc["savefig.facecolor"] == "white" and not rc["savefig.transparent"]
    assert rc["axes.prop_cycle"].by_key()["color"][:3] == list(plotting.PALETTE[:3])
    assert rc["svg.hashsalt"] == "gdflow"


def test_step_profile_draws_curve_bound_and_markers():
    fig, ax = plt.subplots()
    bowl = examples.wavy_bowl(dim=2)
    assert plotting.plot_step_profile(ax, bowl, [1.0, -0.5]) is ax
    curve, bound = ax.lines[0].get_ydata(), ax.lines[1].get_ydata()
    assert np.all(bound >= curve - 1e-12)
    plt.close(fig)


def test_contours_and_path():
    fig, ax = plt.subplots()
    q = examples.ill_conditioned_bowl()
    plotting.plot_contours(ax, q, (-2, 2), (-2, 2), levels=5, num=30)
    traj = gradient_descent(q, [1.5, 1.0], 0.05, 10)
    plotting.plot_path(ax, traj, label="GD")
    assert ax.lines[-1].get_xdata().shape == (11,)
    plt.close(fig)
