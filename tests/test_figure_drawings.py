"""Every figure drawn twice: as designed, and for narrow screens (gdflow.figure_style)."""

import dataclasses
import io
from importlib.metadata import entry_points
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from IPython.core.formatters import DisplayFormatter  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from bookbuild.sphinxext import figures as site_figures  # noqa: E402
from gdflow import figure_style  # noqa: E402
from gdflow.figure_style import NARROW_MIN_FONT, NARROW_WIDTH, narrow_copy  # noqa: E402


def panels(n, **kwargs):
    fig, axes = plt.subplots(1, n, figsize=(7.6, 3.2), **kwargs)
    for i, ax in enumerate(np.atleast_1d(axes)):
        ax.plot([0, 1], [0, i + 1], label=f"run {i}")
        ax.legend(fontsize=7)
        ax.set_xlabel("step")
    return fig


def svg_of(fig) -> str:
    out = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": "test"}):  # ids fixed, as the book style fixes them
        fig.savefig(out, format="svg", metadata={"Date": None})
    return out.getvalue()


def test_side_by_side_panels_are_stacked_in_the_narrow_drawing_and_the_figure_is_unchanged():
    fig = panels(3, sharey=True)
    before = svg_of(fig)
    copy = narrow_copy(fig)
    try:
        width, height = copy.get_size_inches()
        assert width == pytest.approx(NARROW_WIDTH) and height == pytest.approx(3 * 3.2)
        rows = sorted((ax.get_subplotspec().rowspan.start, ax.get_subplotspec().colspan.start) for ax in copy.axes)
        assert rows == [(0, 0), (1, 0), (2, 0)]
        copy.canvas.draw()
        # shared y: the inner panels' hidden tick labels come back once the panels are stacked
        assert all(any(t.get_visible() and t.get_text() for t in ax.get_yticklabels()) for ax in copy.axes)
        texts = [t for t in copy.findobj(matplotlib.text.Text) if t.get_text()]
        assert min(t.get_fontsize() for t in texts) >= NARROW_MIN_FONT
        assert svg_of(fig) == before  # the designed figure is the one the page shows and prints
    finally:
        plt.close("all")


def test_a_single_plot_is_narrowed_and_keeps_a_sensible_height():
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    ax.plot([0, 1], [1, 0])
    try:
        copy = narrow_copy(fig)
        assert tuple(copy.get_size_inches()) == pytest.approx((NARROW_WIDTH, 3.52))  # 0.8 of the width at most
        assert [ax.get_subplotspec().get_gridspec().get_geometry() for ax in copy.axes] == [(1, 1)]
    finally:
        plt.close("all")


def test_the_displayed_figure_carries_both_drawings_and_is_drawn_once():
    calls = []

    def inline_svg(fig):  # what the inline backend registers: the figure as SVG text
        calls.append(fig)
        return f"<svg width='{fig.get_size_inches()[0]:.1f}in'/>"

    formatter = DisplayFormatter()
    formatter.formatters["image/svg+xml"].for_type(Figure, inline_svg)

    class Shell:
        display_formatter = formatter

    figure_style._draw_figures_twice(Shell())
    fig = panels(2)
    try:
        bundle, _ = formatter.format(fig)
    finally:
        plt.close("all")
    assert bundle["image/svg+xml"] == "<svg width='7.6in'/>"
    assert bundle[figure_style.NARROW_FIGURE_MIME] == {"wide": "<svg width='7.6in'/>",
                                                       "narrow": f"<svg width='{NARROW_WIDTH:.1f}in'/>"}
    assert len(calls) == 2  # the designed drawing once, the narrow one once
    assert plt.get_fignums() == []  # the copy did not stay behind as a pyplot figure


def test_a_figure_that_cannot_be_copied_fails_loudly():
    fig = panels(1)
    fig.unpicklable = lambda: None  # a lambda cannot be pickled
    try:
        with pytest.raises(Exception, match="pickle|lambda"):
            narrow_copy(fig)
    finally:
        plt.close("all")


def test_the_website_shows_both_drawings_switched_by_the_style_sheet():
    assert site_figures.NARROW_FIGURE_MIME == figure_style.NARROW_FIGURE_MIME
    assert any(ep.value == "bookbuild.sphinxext.figures:TwoDrawings"
               for ep in entry_points(group="myst_nb.mime_renderers"))
    assert ("html", figure_style.NARROW_FIGURE_MIME, 35) in site_figures.TwoDrawings.mime_priority_overrides
    assert not any(b == "latex" for b, _, _ in site_figures.TwoDrawings.mime_priority_overrides)  # the PDF prints one

    @dataclasses.dataclass
    class Data:
        mime_type: str
        content: object

    class Renderer:
        def render_image(self, data):
            return [{"uri": data.content, "classes": ["align-center"]}]

    drawn = site_figures.TwoDrawings.handle_mime(
        Renderer(), Data(figure_style.NARROW_FIGURE_MIME, {"wide": "w.svg", "narrow": "n.svg"}), False)
    assert drawn == [{"uri": "w.svg", "classes": ["align-center", site_figures.WIDE_CLASS]},
                     {"uri": "n.svg", "classes": ["align-center", site_figures.NARROW_CLASS]}]
    assert site_figures.TwoDrawings.handle_mime(Renderer(), Data("image/svg+xml", "<svg/>"), False) is None
    with pytest.raises(ValueError, match="wide"):
        site_figures.TwoDrawings.handle_mime(Renderer(), Data(figure_style.NARROW_FIGURE_MIME, {"wide": "w"}), False)
    style = (Path(site_figures.__file__).parent / "static" / "bookbuild.css").read_text(encoding="utf-8")
    assert f"max-width: {site_figures.NARROW_SCREEN - 0.02:.2f}px" in style
    assert f"img.{site_figures.NARROW_CLASS}" in style and f"img.{site_figures.WIDE_CLASS}" in style


def test_panels_are_lettered_in_reading_order():
    fig, axes = plt.subplots(2, 2)
    try:
        from gdflow import plotting

        plotting.label_panels(axes)
        assert [ax.get_title(loc="left") for ax in axes.ravel()] == ["(a)", "(b)", "(c)", "(d)"]
    finally:
        plt.close("all")


def test_captions_name_panels_by_letter_not_by_place():
    """On a phone the panels of a figure are stacked: a caption's "left" would be the top.
    The caption and alt text (the cell's metadata lines) of every figure with panels side by
    side name them by letter, and the figure letters them."""
    import re

    book = Path(__file__).resolve().parents[1] / "book"
    place = re.compile(r"\b(left|right|middle)\b(?! (?:well|tail|side|hand|angles?|of)\b)", re.IGNORECASE)
    panelled, found = 0, []
    for page in sorted(book.glob("*.md")):
        for cell in page.read_text(encoding="utf-8").split("```{code-cell}")[1:]:
            code = cell.split("\n```")[0]
            if not re.search(r"subplots\(1, [2-9]", code):
                continue
            panelled += 1
            assert "label_panels(" in code, f"{page.name}: a figure with panels side by side is not lettered"
            found += [f"{page.name}: {line.strip()}" for line in code.splitlines()
                      if line.startswith(":") and place.search(line)]
    assert panelled >= 9
    assert not found, found
