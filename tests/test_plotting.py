import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from gdflow import examples, gradient_descent, plotting, problems  # noqa: E402


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


def test_plot_against_bounds_pairs_or_follows_the_measured_colours(ax):
    k = np.arange(1, 6)
    measured = {"a": 1.0 / k**2, "b": 0.5 / k**2}
    bounds = {"A": 1.0 / k, "B": 0.5 / k}
    plotting.plot_against_bounds(ax, k, measured, bounds)
    assert [line.get_color() for line in ax.lines] == list(plotting.PALETTE[:2]) * 2
    assert [line.get_linestyle() for line in ax.lines] == ["-", "-", "--", "--"]
    assert ax.get_xlabel() == r"iteration $k$" and ax.get_xscale() == "linear"
    ax.clear()
    marks = {"attained": ([1, 2], [1.0, 0.25])}
    plotting.plot_against_bounds(ax, k, measured, bounds, bound_colors="next", markers=marks)
    assert [line.get_color() for line in ax.lines[2:4]] == list(plotting.PALETTE[2:4])
    assert ax.lines[4].get_marker() == "o" and ax.lines[4].get_color() == plotting.PALETTE[-1]


def test_plot_against_bounds_older_keywords_and_bad_colours(ax):
    k = np.arange(1, 6)
    plotting.plot_against_bounds(ax, k, {"a": 1.0 / k}, {"A": 2.0 / k, "B": 3.0 / k},
                                 loglog=True, pair_colors=False)
    assert ax.get_xscale() == "log"
    assert [line.get_color() for line in ax.lines[1:]] == list(plotting.PALETTE[1:3])
    with pytest.raises(ValueError, match="bound_colors"):
        plotting.plot_against_bounds(ax, k, {"a": k}, {}, bound_colors="blue")


def test_contour_grid_spans_the_box_and_evaluates_the_objective():
    q = problems.Quadratic([[2.0, 0.0], [0.0, 1.0]])
    X, Y, Z = plotting.contour_grid(q, (-2, 2), (-1, 1), 5)
    assert X.shape == Y.shape == Z.shape == (5, 5)
    assert X[0].tolist() == [-2.0, -1.0, 0.0, 1.0, 2.0] and Y[:, 0].tolist() == [-1.0, -0.5, 0.0, 0.5, 1.0]
    assert np.allclose(Z, X**2 + 0.5 * Y**2)


def _math_svg() -> bytes:
    import io

    fig, ax = plt.subplots(layout="constrained")
    ax.plot([0, 1], [0, 1], label=r"$f(\theta_k) - f^* \leq \frac{LR^2}{2k}$")
    ax.set_xlabel(r"$\eta L$")
    ax.legend()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None})
    plt.close(fig)
    return buffer.getvalue()


def test_shared_text_paths_write_the_same_svg(monkeypatch):
    from matplotlib import textpath
    from matplotlib.backends import backend_svg

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    init = backend_svg.RendererSVG.__init__
    original = getattr(init, "__wrapped__", init)
    monkeypatch.setattr(backend_svg.RendererSVG, "__init__", original)
    before = _math_svg()
    plotting.share_text_paths()
    plotting.share_text_paths()  # idempotent: wraps once
    wrapped = backend_svg.RendererSVG.__init__
    assert wrapped.__wrapped__ is original
    renderer = backend_svg.RendererSVG(100, 100, __import__("io").StringIO())
    assert renderer._text2path is textpath.text_to_path
    assert _math_svg() == before == _math_svg()


def test_warm_caches_changes_no_output_and_no_state():
    import subprocess
    import sys

    # In fresh processes: an SVG written after the warm-up equals one written without it.
    script = ("import sys, matplotlib; matplotlib.use('Agg')\n"
              "import matplotlib.pyplot as plt\n"
              "from gdflow import plotting\n"
              "import tests.test_plotting as t\n"
              "before = dict(matplotlib.rcParams)\n"
              "if sys.argv[1] == 'warm': plotting.warm_caches()\n"
              "assert dict(matplotlib.rcParams) == before and not plt.get_fignums()\n"
              "plotting.use_book_style()\n"
              "sys.stdout.buffer.write(t._math_svg())\n")
    root = __import__("pathlib").Path(__file__).resolve().parent.parent
    env = {**__import__("os").environ, "SOURCE_DATE_EPOCH": "0"}
    cold, warm = (subprocess.run([sys.executable, "-c", script, mode], capture_output=True, cwd=root,
                                 env=env, check=True).stdout for mode in ("cold", "warm"))
    assert cold.startswith(b"<?xml") and warm == cold
