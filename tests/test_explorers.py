"""The interactive figures' numbers, computed by the package (gdflow.explorers)."""

import re

import numpy as np
import pytest

from bookbuild.sphinxext import explorers as site_explorers
from gdflow import examples, explorers
from gdflow.explorers import plain_number, step_size_grid


@pytest.fixture(scope="module")
def grid():
    return explorers.bowl_step_size_grid()


def test_plain_numbers_have_no_noise_and_a_true_minus():
    assert plain_number(0.1 + 0.2) == "0.30"
    assert plain_number(1.0000000000000002, 3) == "1.00"
    assert plain_number(-2.5e-7) == "\u22122.5 × 10⁻⁷"
    assert plain_number(9.99e6) == "1.0 × 10⁷"
    assert plain_number(float("inf")) == "∞"


def test_the_grid_agrees_with_the_closed_form_on_the_bowl(grid):
    bowl = examples.ill_conditioned_bowl(10.0)
    i = grid.index(1.0)
    # eta = 1/L: the steep mode vanishes after one step, the flat one shrinks by 1 - mu/L
    z = bowl_modes = np.linalg.eigh(bowl.A)[1].T @ np.asarray(explorers.BOWL_START)
    expected = 0.5 * 1.0 * z[0] ** 2 * 0.9 ** (2 * np.arange(1, 31))
    assert np.allclose(grid.gaps[i, 1:], expected, rtol=1e-10)
    assert bowl_modes.shape == (2,)
    assert grid.factors[i] == pytest.approx(0.9)
    assert np.all(grid.gaps <= grid.bounds * (1 + 1e-12))  # the bound holds at every step size


@pytest.mark.parametrize("factor, verdict", [(1.0, "converges"), (2.0, "neither converges nor diverges"),
                                             (2.1, "diverges")])
def test_the_summary_line_states_the_verdict(grid, factor, verdict):
    line = grid.summary(factor)
    assert line.startswith(f"ηL = {factor:.1f}: factor per step q = ") and line.endswith("; " + verdict)


def test_a_step_off_the_grid_is_refused(grid):
    with pytest.raises(ValueError, match="not on the grid"):
        grid.index(1.05)


@pytest.mark.parametrize("kwargs, match", [
    (dict(quadratic=examples.random_quadratic(np.random.default_rng(0), dim=3), start=[1, 1, 1]), "two-dimensional"),
    (dict(quadratic=examples.ill_conditioned_bowl(), start=[np.nan, 1.0]), "start"),
    (dict(quadratic=examples.ill_conditioned_bowl(), start=[1.0, 1.0], step_factors=[0.5, -1.0]), "positive"),
    (dict(quadratic=examples.ill_conditioned_bowl(), start=[1.0, 1.0], num_steps=0), "num_steps"),
])
def test_bad_input_is_named(kwargs, match):
    with pytest.raises(ValueError, match=match):
        step_size_grid(**kwargs)


def test_the_explorer_is_stable_small_and_draws_a_static_figure(grid):
    first, second = explorers.step_size_explorer(grid), explorers.step_size_explorer(grid)
    html = first._repr_html_()
    assert html == second._repr_html_()  # the same page on every build
    assert f'class="{explorers.EXPLORER_CLASS}"' in html and 'role="figure"' in html
    assert html.count("</script>") == 1  # the specification cannot close its script early
    assert len(html.encode("utf-8")) < 500_000  # the page's own data
    svg = first.svg()
    assert svg.lstrip().startswith("<svg") and "ηL = 1.0" in svg  # the default setting, for print


def test_the_site_extension_and_the_package_agree_on_names(grid):
    assert site_explorers.VEGA_BUNDLE == explorers.VEGA_BUNDLE
    assert site_explorers.EXPLORER_CLASS == explorers.EXPLORER_CLASS
    assert site_explorers.VEGALITE_MIME == explorers.VEGALITE_MIME
    spec = explorers.step_size_explorer(grid).spec
    major = spec["$schema"].rsplit("/v", 1)[1].split(".")[0]  # .../vega-lite/v6.4.1.json
    assert explorers.VEGALITE_MIME == f"application/vnd.vegalite.v{major}+json"


def test_an_explorer_keeps_its_specification_for_print_and_draws_it_only_there(grid):
    """A page's outputs hold the Vega-Lite specification, not an SVG: the PDF build's renderer
    draws it (and nothing else) as the SVG the package would draw."""
    import dataclasses
    import json
    from importlib.metadata import entry_points

    from IPython.core.formatters import DisplayFormatter

    explorer = explorers.step_size_explorer(grid)
    bundle, _ = DisplayFormatter().format(explorer)
    assert set(bundle) == {"text/html", "text/plain", explorers.VEGALITE_MIME}
    assert bundle[explorers.VEGALITE_MIME] == explorer.spec

    assert any(ep.value == "bookbuild.sphinxext.explorers:PrintedExplorer"
               for ep in entry_points(group="myst_nb.mime_renderers"))  # installed, so myst-nb finds it
    assert ("latex", explorers.VEGALITE_MIME, 12) in site_explorers.PrintedExplorer.mime_priority_overrides

    @dataclasses.dataclass
    class Data:  # the fields of myst-nb's MimeData that the renderer uses
        mime_type: str
        content: object

    class Renderer:
        def render_image(self, data):
            return [data]

    for content in (explorer.spec, json.dumps(explorer.spec)):
        [drawn] = site_explorers.PrintedExplorer.handle_mime(Renderer(), Data(explorers.VEGALITE_MIME, content), False)
        # vl-convert numbers its clip paths per drawing: the same figure up to those names
        assert drawn.mime_type == "image/svg+xml"
        assert re.sub(r"clip\d+", "clip", drawn.content) == re.sub(r"clip\d+", "clip", explorer.svg())
    assert site_explorers.PrintedExplorer.handle_mime(Renderer(), Data("text/html", "<p>"), False) is None


def test_an_explorer_table_is_named_once():
    tables = explorers.Tables()
    tables("rows", [{"a": 1}])
    with pytest.raises(ValueError, match="defined twice"):
        tables("rows", [{"a": 2}])


def test_an_explorer_needs_a_description(grid):
    import altair as alt

    with pytest.raises(ValueError, match="description"):
        explorers.Explorer(alt.Chart(alt.Data(values=[{"a": 1}])).mark_point(), " ")


@pytest.fixture(scope="module")
def hb_grid():
    return explorers.bowl_heavy_ball_grid()


def test_heavy_ball_rates_match_the_runs_and_the_stability_edge(hb_grid):
    a, b = np.meshgrid(hb_grid.step_factors, hb_grid.momenta, indexing="ij")
    stable = a < 2.0 * (1.0 + b)  # the edge of the stability region for the curvature L
    assert np.array_equal(hb_grid.radii < 1.0, stable)
    # Over 20 steps the measured rate follows the spectral radius; with complex roots the
    # distance oscillates, which moves the ratio by up to about 10 % (measured 0.92 to 1.10).
    converging = hb_grid.radii < 0.95
    assert np.allclose(hb_grid.measured[converging], hb_grid.radii[converging], rtol=0.12)
    i, j = np.unravel_index(np.argmin(hb_grid.radii), hb_grid.radii.shape)
    assert (hb_grid.step_factors[i], hb_grid.momenta[j]) == (2.25, 0.3)  # next to Polyak's (2.31, 0.27)


def test_the_heavy_ball_summary_and_its_explorer(hb_grid):
    assert hb_grid.summary(2.0, 0.3) == "αL = 2.00, β = 0.3: rate ρ = 0.600 (measured 0.601); converges"
    assert hb_grid.summary(3.75, 0.0).endswith("does not converge")
    with pytest.raises(ValueError, match="not on the grid"):
        hb_grid.index(2.1, 0.3)
    explorer = explorers.heavy_ball_explorer(hb_grid)
    assert len(explorer._repr_html_().encode("utf-8")) < 500_000
    assert "αL = 2.00, β = 0.3" in explorer.svg()


@pytest.mark.parametrize("kwargs, match", [
    (dict(momenta=[0.5, 1.0]), "momenta"),
    (dict(step_factors=[0.0, 1.0]), "step_factors"),
    (dict(num_steps=1), "num_steps"),
])
def test_heavy_ball_grid_rejects_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        explorers.heavy_ball_grid(examples.ill_conditioned_bowl(), [1.0, 1.0], **kwargs)


def test_the_chains_variance_matches_sgd_and_not_the_sde_at_large_steps():
    grid = explorers.book_noise_grid()
    # The sample variance of n Gaussian draws has relative standard deviation sqrt(2/n); 5 of
    # them bound all 19 settings with false-failure probability below 19 * 6e-7 = 1.1e-5.
    tol = 5.0 * np.sqrt(2.0 / grid.num_chains)
    assert np.all(np.abs(grid.measured / grid.exact - 1.0) < tol)
    assert grid.sde[-1] / grid.exact[-1] == pytest.approx(0.05)  # (2 - ηλ)/2 at ηλ = 1.9: the SDE fails
    assert abs(grid.measured[-1] / grid.sde[-1] - 1.0) > 10 * tol  # a check against the SDE would fail
    for density, edges in zip(grid.densities, grid.edges):
        assert np.sum(density * np.diff(edges)) == pytest.approx(1.0, abs=1e-3)  # 4 standard deviations hold it
    explorer = explorers.noise_explorer(grid)
    assert len(explorer._repr_html_().encode("utf-8")) < 500_000
    assert grid.summary(1.0) in explorer.svg()
    assert f"after {grid.num_steps} steps" in explorer.svg()
    # the chains start at 0, so the last step's variance falls short of the stationary one by
    # the factor 1 - |1 - ηλ|^(2k), at most by grid.transient() over the grid
    shortfall = [(1 - f) ** (2 * grid.num_steps) for f in grid.step_factors]
    assert grid.transient() == pytest.approx(max(shortfall)) and grid.transient() < 1e-9


def test_noise_grid_rejects_steps_without_a_stationary_law():
    with pytest.raises(ValueError, match=r"\(0, 2\)"):
        explorers.noise_grid(step_factors=[1.0, 2.0])


def test_nesterov_approaches_its_ode_as_the_step_halves():
    grid = explorers.nesterov_ode_grid()
    assert np.all(np.diff(grid.gaps) < 0)  # every halving brings the iterates closer
    slope = np.polyfit(np.log(2.0 ** -grid.exponents.astype(float)), np.log(grid.gaps), 1)[0]
    assert 0.4 < slope < 0.6  # the distance shrinks about like sqrt(s)
    assert grid.summary(3) == f"s = 1/8: largest distance to the ODE up to t = 150 is {plain_number(grid.gaps[3], 3)}"
    explorer = explorers.nesterov_ode_explorer(grid)
    assert len(explorer._repr_html_().encode("utf-8")) < 500_000
    with pytest.raises(ValueError, match="exponents"):
        explorers.nesterov_ode_grid(exponents=[0, -1])
