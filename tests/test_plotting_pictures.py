"""The picture helpers of gdflow.plotting, drawn on Agg figures and checked through their artists."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.quiver import Quiver  # noqa: E402

from gdflow import Rosenbrock, gradient_descent, plotting, quadratic_flow  # noqa: E402
from gdflow.checks.pictures import FRAME, STARTS, steep_coordinate  # noqa: E402
from gdflow.examples import ill_conditioned_bowl  # noqa: E402
from gdflow.problems import ScalarQuadratic  # noqa: E402

XLIM, YLIM = FRAME


@pytest.fixture
def bowl():
    return ill_conditioned_bowl()


def test_gradient_field_arrows_are_unit_descent_directions(ax, bowl):
    assert plotting.plot_gradient_field(ax, bowl, XLIM, YLIM, num=6) is ax
    (quiver,) = [c for c in ax.collections if isinstance(c, Quiver)]
    assert quiver.N == 36
    pts = quiver.get_offsets()
    assert np.all((pts[:, 0] > XLIM[0]) & (pts[:, 0] < XLIM[1]))
    arrows = np.stack([quiver.U, quiver.V], axis=1)
    assert np.allclose(np.linalg.norm(arrows, axis=1), 1.0)
    expected = -bowl.gradient(pts)
    expected /= np.linalg.norm(expected, axis=1, keepdims=True)
    assert np.allclose(arrows, expected)


def test_gradient_field_unnormalized_keeps_lengths(ax, bowl):
    plotting.plot_gradient_field(ax, bowl, XLIM, YLIM, num=4, normalize=False)
    quiver = ax.collections[-1]
    arrows = np.stack([quiver.U, quiver.V], axis=1)
    assert np.allclose(arrows, -bowl.gradient(quiver.get_offsets()))


@pytest.mark.parametrize("kwargs, match", [
    ({"xlim": (1, 0)}, "xlim"), ({"ylim": (0, np.nan)}, "ylim"), ({"num": 1}, "num"),
])
def test_gradient_field_rejects_bad_input(ax, bowl, kwargs, match):
    args = {"xlim": XLIM, "ylim": YLIM, "num": 5, **kwargs}
    with pytest.raises(ValueError, match=match):
        plotting.plot_gradient_field(ax, bowl, args["xlim"], args["ylim"], num=args["num"])


def test_gradient_field_needs_two_dimensions(ax):
    with pytest.raises(ValueError, match="2-D"):
        plotting.plot_gradient_field(ax, ScalarQuadratic(1.0), XLIM, YLIM)


def test_flow_lines_start_at_starts_and_end_near_the_minimiser(ax, bowl):
    assert plotting.plot_flow_lines(ax, bowl, STARTS, 20.0, num=50, label="flow") is ax
    assert len(ax.lines) == len(STARTS)
    for line, start in zip(ax.lines, STARTS):
        xy = line.get_xydata()
        assert np.allclose(xy[0], start)
        assert np.linalg.norm(xy[-1]) < 1e-6
    labels = [line.get_label() for line in ax.lines]
    assert labels[0] == "flow" and all(lab.startswith("_") for lab in labels[1:])


def test_flow_lines_use_the_ode_solver_for_other_objectives(ax):
    plotting.plot_flow_lines(ax, Rosenbrock(), [[-1.0, 1.0]], 0.05, num=5)
    assert len(ax.lines) == 1 and ax.lines[0].get_xydata().shape == (5, 2)


def test_flow_lines_reject_bad_input(ax, bowl):
    with pytest.raises(ValueError, match="starts"):
        plotting.plot_flow_lines(ax, bowl, [1.0, 2.0], 1.0)
    with pytest.raises(ValueError, match="t_end"):
        plotting.plot_flow_lines(ax, bowl, STARTS, 0.0)
    with pytest.raises(ValueError, match="NaN"):
        plotting.plot_flow_lines(ax, bowl, [[np.nan, 0.0]], 1.0)


def test_clip_path_keeps_the_first_outside_point():
    p = np.array([[0.0, 0.0], [0.5, 0.0], [2.0, 0.0], [9.0, 0.0]])
    assert np.array_equal(plotting.clip_path(p, (-1, 1), (-1, 1), margin=0.0), p[:3])
    assert np.array_equal(plotting.clip_path(p, (-1, 1), (-1, 1), margin=1.0), p)
    with pytest.raises(ValueError, match="shape"):
        plotting.clip_path(np.zeros((3, 3)), (-1, 1), (-1, 1))
    with pytest.raises(ValueError, match="margin"):
        plotting.clip_path(p, (-1, 1), (-1, 1), margin=-1.0)


def test_descent_paths_are_clipped_and_frame_fixed(ax, bowl):
    L = bowl.smoothness
    runs = [gradient_descent(bowl, s, 2.1 / L, 40, on_divergence="stop", divergence_threshold=20.0)
            for s in STARTS[:2]]
    assert all(r.diverged for r in runs)
    assert plotting.plot_descent_paths(ax, runs, XLIM, YLIM, label="GD") is ax
    assert ax.get_xlim() == XLIM and ax.get_ylim() == YLIM
    for line, run in zip(ax.lines, runs):
        xy = line.get_xydata()
        assert len(xy) < len(run)
        # Everything before the last point lies inside the frame enlarged by half its size.
        assert np.all(np.abs(xy[:-1, 0]) <= 6.0) and np.all(np.abs(xy[:-1, 1]) <= 4.0)
    assert ax.lines[0].get_label() == "GD"


def test_flow_deviation_draws_curves_and_bounds(ax):
    t = [np.arange(5.0), np.arange(3.0)]
    d = [np.ones(5), np.ones(3)]
    plotting.plot_flow_deviation(ax, t, d, [2.0, 3.0], labels=["a", "b"])
    assert len(ax.lines) == 4
    assert [line.get_linestyle() for line in ax.lines] == ["-", "--", "-", "--"]
    with pytest.raises(ValueError, match="same length"):
        plotting.plot_flow_deviation(ax, t, d[:1])


def test_steep_coordinate_plot_matches_the_eigen_coordinate(ax, bowl):
    traj = gradient_descent(bowl, STARTS[0], 1.6 / bowl.smoothness, 8)
    plotting.plot_steep_coordinate(ax, [traj], bowl, labels=["zig"])
    assert np.allclose(ax.lines[0].get_ydata(), steep_coordinate(traj, bowl))
    with pytest.raises(ValueError, match="Quadratic"):
        plotting.plot_steep_coordinate(ax, [traj], Rosenbrock())


def _paths(bowl, k=4):
    descent = [gradient_descent(bowl, s, 0.6 / bowl.smoothness, k) for s in STARTS[:2]]
    flow = [quadratic_flow(bowl, s, d.times) for s, d in zip(STARTS[:2], descent)]
    return descent, flow


def test_descent_frame_marks_iterate_and_flow_at_equal_time(ax, bowl):
    descent, flow = _paths(bowl)
    plotting.draw_descent_frame(ax, bowl, descent, flow, 2, XLIM, YLIM)
    points = [line.get_xydata() for line in ax.lines if len(line.get_xydata()) == 1]
    for d, f in zip(descent, flow):
        assert any(np.allclose(p[0], d.points[2]) for p in points)
        assert any(np.allclose(p[0], f.points[2]) for p in points)
    assert any(t.get_text() == "k = 2" for t in ax.texts)


def test_descent_frame_rejects_mismatched_input(ax, bowl):
    descent, flow = _paths(bowl)
    with pytest.raises(ValueError, match="outside"):
        plotting.draw_descent_frame(ax, bowl, descent, flow, 9, XLIM, YLIM)
    with pytest.raises(ValueError, match="one trajectory per start"):
        plotting.draw_descent_frame(ax, bowl, descent, flow[:1], 0, XLIM, YLIM)
    late = [quadratic_flow(bowl, s, d.times + 1.0) for s, d in zip(STARTS[:2], descent)]
    with pytest.raises(ValueError, match="same times|descent path's times"):
        plotting.draw_descent_frame(ax, bowl, descent, late, 0, XLIM, YLIM)


def test_animation_with_fallback_has_player_and_png(bowl):
    from IPython.core.formatters import DisplayFormatter

    descent, flow = _paths(bowl, k=2)
    fig, ax = plt.subplots(figsize=(2, 1.5))
    still, still_ax = plt.subplots(figsize=(2, 1.5))
    try:
        anim = plotting.animate_descent(fig, ax, bowl, descent, flow, XLIM, YLIM)
        plotting.draw_descent_frame(still_ax, bowl, descent, flow, 2, XLIM, YLIM)
        player = plotting.AnimationWithFallback.from_animation(anim, still, dpi=20, alt="moving dots")
    finally:
        plt.close(fig)
        plt.close(still)
    assert player.html.count("data:image/png;base64") == 3
    assert 'alt="moving dots"' in player.html
    assert "http" not in player.html and "fa fa-" not in player.html
    assert player.png.startswith(b"\x89PNG")
    data, _ = DisplayFormatter().format(player)
    assert {"text/html", "image/png", "text/plain"} <= set(data)


def test_animation_frames_match_the_still_frame_and_keep_fixed_margins(bowl):
    from matplotlib.figure import Figure

    descent, flow = _paths(bowl, k=3)
    fig = Figure(figsize=(2, 1.5), layout="none")
    ax = fig.subplots()
    fig.subplots_adjust(left=0.01, right=0.99, bottom=0.01, top=0.99)
    box = ax.get_position().bounds
    anim = plotting.animate_descent(fig, ax, bowl, descent, flow, XLIM, YLIM)
    still = Figure(figsize=(2, 1.5), layout="none")
    still_ax = still.subplots()
    with matplotlib.rc_context({"figure.constrained_layout.use": True}):   # as in the book's style
        plotting.AnimationWithFallback.from_animation(anim, still, dpi=20)
    # after the last frame the moving artists sit where draw_descent_frame puts them
    plotting.draw_descent_frame(still_ax, bowl, descent, flow, 3, XLIM, YLIM)
    drawn = [line.get_xydata().tolist() for line in ax.lines]
    expected = [line.get_xydata().tolist() for line in still_ax.lines]
    assert drawn == expected
    assert [t.get_text() for t in ax.texts] == ["k = 3"]
    assert fig.get_layout_engine() is None and ax.get_position(original=True).bounds == box


def test_animation_needs_two_frames(bowl):
    descent, flow = _paths(bowl, k=0)
    fig, ax = plt.subplots()
    try:
        with pytest.raises(ValueError, match="two iterates"):
            plotting.animate_descent(fig, ax, bowl, descent, flow, XLIM, YLIM)
    finally:
        plt.close(fig)


def test_animation_with_fallback_rejects_bad_input():
    with pytest.raises(ValueError, match="html"):
        plotting.AnimationWithFallback("", b"\x89PNG")
    with pytest.raises(ValueError, match="PNG"):
        plotting.AnimationWithFallback("<p>x</p>", b"GIF89a")
    ok = plotting.AnimationWithFallback("<p>x</p>", b"\x89PNG....", text="still")
    assert repr(ok) == "still" and ok._repr_html_() == "<p>x</p>"


def test_offline_player_replaces_icons_and_rejects_unknown_ones():
    html = ('<link rel="stylesheet"\nhref="https://cdn.example/font-awesome/4.4.0/x.css">'
            '<button><i class="fa fa-play"></i></button>')
    out = plotting.offline_player(html)
    assert "http" not in out and "&#9654;" in out
    with pytest.raises(ValueError, match="unknown player button"):
        plotting.offline_player('<i class="fa fa-rocket"></i>')
    slider = '<input id="_anim_slider0123456789abcdef0123456789abcdef" type="range" class="anim-slider">'
    assert 'type="range" aria-label="Animation frame"' in plotting.offline_player(slider)


@pytest.mark.book
def test_built_chapter_has_player_fallback_and_stays_small(book_output, site):
    """The website shows the JavaScript player, the notebook keeps the PNG, the page stays below 1 MB."""
    import json
    import re

    page = site / "book" / "visualizations.html"
    html = page.read_text()
    assert "_anim_img" in html and 'alt="Animation:' in html
    assert "font-awesome" not in html
    images = set(re.findall(r'src="\.\./(_images/[^"]+)"', html))
    assert len(images) >= 4
    from bookbuild.builds import page_weights

    [weight] = [w for w in page_weights(site) if w.page == "book/visualizations.html"]
    assert weight.total_bytes < 1_000_000, f"the chapter weighs {weight.total_bytes} bytes with its images"
    notebook = json.loads((book_output / "_build" / "jupyter_execute" / "book" / "visualizations.ipynb").read_text())
    bundles = [out["data"] for cell in notebook["cells"] if cell["cell_type"] == "code"
               for out in cell.get("outputs", []) if "data" in out]
    players = [b for b in bundles if "text/html" in b and "_anim_img" in "".join(b["text/html"])]
    assert len(players) == 1 and "image/png" in players[0]


def test_the_animation_frame_is_a_real_figure_with_axes_and_a_legend(ax, bowl):
    descent, flow = _paths(bowl)
    plotting.draw_descent_frame(ax, bowl, descent, flow, 2, XLIM, YLIM)
    assert ax.get_xlabel() and ax.get_ylabel() and len(ax.get_xticks()) > 1
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert len(labels) == 3 and any("flow" in t for t in labels)


def test_player_frames_are_reduced_to_a_palette_deterministically():
    import base64
    import io
    import re

    import matplotlib
    from matplotlib.animation import FuncAnimation
    from matplotlib.figure import Figure
    from PIL import Image

    matplotlib.use("Agg")

    def player(colors):
        fig, still = Figure(figsize=(2, 1.5)), Figure(figsize=(2, 1.5))
        ax = fig.subplots()
        still.subplots().plot([0, 1], [0, 1])
        line, = ax.plot([], [])
        anim = FuncAnimation(fig, lambda k: line.set_data(range(k + 2), range(k + 2)), frames=3)
        return plotting.AnimationWithFallback.from_animation(anim, still, dpi=50, colors=colors).html

    small, again, full = player(8), player(8), player(None)
    assert small == again and len(small) < len(full)
    frames = re.findall(r"data:image/png;base64,([A-Za-z0-9+/=\\\n]+)", small)
    assert len(frames) == 3
    image = Image.open(io.BytesIO(base64.b64decode(frames[0].replace("\\\n", ""))))
    assert image.mode == "P" and len(image.getcolors()) <= 8
