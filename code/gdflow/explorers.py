"""Interactive figures ("explorers") for the website.

Every number an explorer shows is computed here, by the package, for each setting of its
slider, while the book builds; the reader's browser only chooses which precomputed
setting to draw. The drawing is a Vega-Lite specification built with Altair; the website
runs it with the Vega libraries that the book's Sphinx extension serves from the site
itself (no request to another host). Outputs without HTML (the PDF) get an SVG of the
default setting, drawn from the same specification by vl-convert when the PDF is built.
"""

from __future__ import annotations

import hashlib
import json

import numpy as np

from ._validation import as_point, count
from .descent import gradient_descent
from .flow import quadratic_flow
from .problems import Quadratic

__all__ = ["Explorer", "Tables", "StepSizeGrid", "step_size_grid", "step_size_explorer", "bowl_step_size_grid",
           "HeavyBallGrid", "heavy_ball_grid", "heavy_ball_explorer", "bowl_heavy_ball_grid",
           "NoiseGrid", "noise_grid", "noise_explorer", "book_noise_grid",
           "NesterovOdeGrid", "nesterov_ode_grid", "nesterov_ode_explorer",
           "plain_number", "BOWL_START"]

#: Where the website finds Vega, Vega-Lite and vega-embed (written by bookbuild.sphinxext).
VEGA_BUNDLE = "_static/vega-bundle.js"
#: The class every explorer's container carries (the extension looks for it).
EXPLORER_CLASS = "bookbuild-explorer"
#: The MIME type under which an explorer's Vega-Lite specification is stored in a page's outputs.
VEGALITE_MIME = "application/vnd.vegalite.v6+json"

_SUPERSCRIPT = str.maketrans("-0123456789", "\u207b\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079")


def plain_number(value: float, digits: int = 2) -> str:
    """``value`` as plain text with ``digits`` significant digits (whole numbers up to 9999
    keep all theirs): ``0.25``, ``3.1 × 10⁻⁵``, with a true minus sign, powers of ten as
    superscripts, never float noise.

    >>> plain_number(0.25), plain_number(3.14159e-5), plain_number(-1234.5, 3), plain_number(0.0)
    ('0.25', '3.1 × 10⁻⁵', '\u22121234', '0')
    """
    value = float(value)
    if not np.isfinite(value):
        return "∞" if value > 0 else ("\u2212∞" if value < 0 else "not a number")
    if value == 0.0:
        return "0"
    sign = "\u2212" if value < 0 else ""
    exponent = int(np.floor(np.log10(abs(value))))
    mantissa = round(abs(value) / 10.0**exponent, digits - 1)
    if mantissa >= 10.0:
        mantissa, exponent = mantissa / 10.0, exponent + 1
    if -3 <= exponent <= 3:
        text = f"{abs(value):.{max(digits - 1 - exponent, 0)}f}"
        return sign + text
    return f"{sign}{mantissa:.{digits - 1}f} × 10{str(exponent).translate(_SUPERSCRIPT)}"


def _grid_position(values, value, what: str) -> int:
    """The position of ``value`` (a setting a slider can take) in the grid ``values``."""
    where = np.flatnonzero(np.isclose(values, value, rtol=0.0, atol=1e-9))
    if where.size != 1:
        raise ValueError(f"{what} {value!r} is not on the grid {np.asarray(values).tolist()}")
    return int(where[0])


#: JavaScript glue for narrow screens: panels side by side are put one above the other,
#: every panel wider than the screen is narrowed to it (Vega-Lite redraws its scales), and
#: titles and the line of numbers are wrapped at spaces, and legends go below their panel;
#: on a wide screen the specification is used as it is.
NARROW_GLUE = ("(function (spec, room) {"
               " if (room >= 600) { return spec; }"
               " var chars = Math.max(Math.floor((room - 20) / 8), 20);"
               " function wrap(text) {"
               "  var lines = [''];"
               "  text.split(' ').forEach(function (word) {"
               "   var last = lines.length - 1;"
               "   if (lines[last] && (lines[last] + ' ' + word).length > chars) { lines.push(word); }"
               "   else { lines[last] = lines[last] ? lines[last] + ' ' + word : word; } });"
               "  return lines; }"
               " function fit(view) {"
               "  if (view.hconcat) { view.vconcat = view.hconcat; delete view.hconcat; }"
               "  (view.vconcat || []).forEach(fit);"
               "  if (view.width && view.width > room - 60) { view.width = Math.max(room - 60, 160); }"
               "  if (typeof view.title === 'string') { view.title = wrap(view.title); }"
               "  var mark = view.mark;"
               "  var rows = view.data && (view.data.values ||"
               "   (view.data.name && spec.datasets ? spec.datasets[view.data.name] : null));"
               "  if ((mark === 'text' || (mark && mark.type === 'text')) && rows) {"
               "   rows.forEach(function (row) { if (typeof row.line === 'string') {"
               "    row.line = wrap(row.line).join('\\n'); } });"
               "   view.mark = Object.assign({type: 'text'}, typeof mark === 'object' ? mark : {}, {lineBreak: '\\n'});"
               "   view.height = 64; }"
               " }"
               " fit(spec);"
               " spec.config = Object.assign({}, spec.config,"
               "  {legend: Object.assign({}, (spec.config || {}).legend, {orient: 'bottom'})});"
               " return spec; })")


class Tables:
    """The data of one explorer, kept out of its chart until the chart is written out.

    ``tables("name", rows)`` stores the rows and returns the reference a chart draws from.
    """

    def __init__(self):
        self.rows: dict[str, list] = {}

    def __call__(self, name: str, rows: list):
        import altair as alt

        if name in self.rows:
            raise ValueError(f"the table {name!r} is defined twice")
        self.rows[name] = rows
        return alt.NamedData(name=name)


class Explorer:
    """An interactive figure: HTML for the website, SVG of the default setting elsewhere.

    Parameters
    ----------
    chart : altair.TopLevelMixin
        The Vega-Lite chart, with its data inline.
    description : str
        Text alternative: what the figure shows and what the slider changes.
    """

    def __init__(self, chart, description: str, tables: Tables | None = None):
        if not isinstance(description, str) or not description.strip():
            raise ValueError("an explorer needs a text description")
        self.spec = chart.to_dict()
        if tables is not None:
            # The rows join the specification only now: Altair copies and validates every
            # value it holds, which for inline rows took most of an explorer's build time.
            if set(tables.rows) & set(self.spec.get("datasets", {})):
                raise ValueError("a table's name is used twice in one explorer")
            self.spec.setdefault("datasets", {}).update(tables.rows)
        self.description = description.strip()
        text = json.dumps(self.spec, sort_keys=True, separators=(",", ":"))
        self.ident = "explorer-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
        self._spec_json = text

    def _repr_html_(self) -> str:
        import html

        spec = self._spec_json.replace("</", "<\\/")  # no "</script>" inside the script
        return (f'<div class="{EXPLORER_CLASS}" id="{self.ident}" role="figure" '
                f'aria-label="{html.escape(self.description, quote=True)}"></div>\n'
                f'<script>document.addEventListener("DOMContentLoaded", function () {{\n'
                f'  var box = document.getElementById("{self.ident}");\n'
                f'  vegaEmbed(box, {NARROW_GLUE}({spec}, box.clientWidth), '
                f'{{renderer: "svg", actions: false}});\n'
                f'}});</script>')

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        # The specification itself: the book's PDF build draws it as SVG (bookbuild's renderer
        # for this type), and JupyterLab draws it in a downloaded notebook. The HTML comes
        # from _repr_html_.
        return {VEGALITE_MIME: self.spec}

    def svg(self) -> str:
        """The default setting drawn as SVG (what the PDF shows), by vl-convert."""
        import vl_convert

        return vl_convert.vegalite_to_svg(self.spec)

    def __repr__(self) -> str:
        return self.description


class StepSizeGrid:
    """Gradient descent on a quadratic for every step size of a grid, with its flow and bound.

    Attributes
    ----------
    step_factors : ndarray, shape (m,)
        The slider's values of eta * L.
    iterates : ndarray, shape (m, K + 1, 2)
        theta_k for each step size.
    gaps, flow_gaps, bounds : ndarray, shape (m, K + 1)
        f(theta_k) - f*, the flow's gap at time k * eta, and (L/2) q^{2k} ||theta_0 - theta*||^2
        with q = max |1 - eta * lambda| over the curvatures (the exact worst case over starts
        at that distance).
    factors : ndarray, shape (m,)
        q for each step size.
    flow_path : ndarray, shape (n, 2)
        The flow's path (the same for every step size).
    """

    def __init__(self, step_factors, iterates, gaps, flow_gaps, bounds, factors, flow_path):
        self.step_factors, self.iterates, self.gaps = step_factors, iterates, gaps
        self.flow_gaps, self.bounds, self.factors, self.flow_path = flow_gaps, bounds, factors, flow_path

    def index(self, step_factor: float) -> int:
        """The grid position of ``step_factor`` (a value the slider can take)."""
        return _grid_position(self.step_factors, step_factor, "step factor")

    def summary(self, step_factor: float) -> str:
        """The line the explorer prints for ``step_factor``."""
        i = self.index(step_factor)
        steps = self.gaps.shape[1] - 1
        q = self.factors[i]
        verdict = ("neither converges nor diverges" if np.isclose(q, 1.0, rtol=0.0, atol=1e-12)
                   else "converges" if q < 1.0 else "diverges")
        return (f"ηL = {self.step_factors[i]:.1f}: factor per step q = {plain_number(self.factors[i], 3)}, "
                f"f(θ{_subscript(steps)}) − f* = {plain_number(self.gaps[i, -1])}; {verdict}")


def _subscript(n: int) -> str:
    return str(n).translate(str.maketrans("0123456789", "\u2080\u2081\u2082\u2083\u2084\u2085\u2086\u2087\u2088\u2089"))


def step_size_grid(quadratic: Quadratic, start, *, num_steps: int = 30, step_factors=None) -> StepSizeGrid:
    """Run gradient descent from ``start`` for every eta * L in ``step_factors``
    (default 0.1, 0.2, ..., 2.2) on a two-dimensional ``quadratic``."""
    if not isinstance(quadratic, Quadratic) or quadratic.dim != 2:
        raise ValueError("the step-size explorer draws a two-dimensional Quadratic")
    start = as_point(start, "start", dim=2)
    num_steps = count(num_steps, "num_steps", minimum=1)
    if step_factors is None:
        step_factors = np.round(np.arange(1, 23) / 10.0, 1)
    step_factors = np.asarray(step_factors, dtype=float)
    if step_factors.ndim != 1 or step_factors.size == 0 or np.any(~np.isfinite(step_factors)) \
            or np.any(step_factors <= 0):
        raise ValueError("step_factors must be a non-empty list of positive numbers")
    L = quadratic.smoothness
    lam = np.linalg.eigvalsh(quadratic.A)
    f_star = quadratic.minimum
    r2 = float(np.sum((start - quadratic.minimizer) ** 2))
    k = np.arange(num_steps + 1)
    iterates, gaps, flow_gaps, bounds, factors = [], [], [], [], []
    for factor in step_factors:
        eta = factor / L
        run = gradient_descent(quadratic, start, eta, num_steps, on_divergence="stop",
                               divergence_threshold=1e12)
        if run.diverged or len(run) != num_steps + 1:
            raise ValueError(f"eta L = {factor:g} left the range the explorer can draw in {num_steps} steps")
        q = float(np.max(np.abs(1.0 - eta * lam)))
        iterates.append(run.points)
        gaps.append(run.values - f_star)
        flow = quadratic_flow(quadratic, start, k * eta)
        flow_gaps.append(flow.values - f_star)
        bounds.append(0.5 * L * q ** (2 * k) * r2)
        factors.append(q)
    path_times = np.linspace(0.0, 3.0 / quadratic.strong_convexity, 121)
    flow_path = quadratic_flow(quadratic, start, path_times).points
    arrays = [np.array(a) for a in (iterates, gaps, flow_gaps, bounds, factors)]
    return StepSizeGrid(step_factors, *arrays, flow_path)


#: The start of the book's step-size explorer on the ill-conditioned bowl (kappa = 10).
BOWL_START = (2.5, 1.0)


def bowl_step_size_grid() -> StepSizeGrid:
    """The grid the book's step-size explorer draws: the ill-conditioned bowl with kappa = 10
    (:func:`gdflow.examples.ill_conditioned_bowl`), from :data:`BOWL_START`, 30 steps."""
    from .examples import ill_conditioned_bowl

    return step_size_grid(ill_conditioned_bowl(10.0), BOWL_START)


def step_size_explorer(grid: StepSizeGrid, *, default: float = 1.0, width: int = 260, height: int = 240,
                       frame=((-3.0, 3.0), (-3.0, 3.0))) -> Explorer:
    """The explorer of :func:`step_size_grid`: the path of gradient descent against the flow,
    and f(theta_k) - f* on a log axis against the bound, as a slider moves eta * L."""
    import altair as alt

    tables = Tables()
    (x0, x1), (y0, y1) = frame
    i_default = grid.index(default)
    path_rows, gap_rows, text_rows = [], [], []
    for i, factor in enumerate(grid.step_factors):
        s = round(float(factor), 1)
        for k, (x, y) in enumerate(grid.iterates[i]):
            path_rows.append({"s": s, "k": k, "x": float(x), "y": float(y)})
        for k in range(grid.gaps.shape[1]):
            for series, values in (("gradient descent", grid.gaps), ("gradient flow at t = kη", grid.flow_gaps),
                                   ("bound (L/2) q²ᵏ R²", grid.bounds)):
                value = float(values[i, k])
                if value > 0.0:  # a log axis: exact zeros (none here) would have no place
                    gap_rows.append({"s": s, "k": k, "series": series, "gap": value})
        text_rows.append({"s": s, "line": grid.summary(factor)})
    flow_rows = [{"x": float(x), "y": float(y), "t": j} for j, (x, y) in enumerate(grid.flow_path)]

    step = alt.param(name="etaL", value=round(float(grid.step_factors[i_default]), 1),
                     bind=alt.binding_range(min=float(grid.step_factors.min()), max=float(grid.step_factors.max()),
                                            step=0.1, name="step size η·L "))
    chosen = "abs(datum.s - etaL) < 1e-6"
    x_scale, y_scale = alt.Scale(domain=[x0, x1]), alt.Scale(domain=[y0, y1])
    flow = alt.Chart(tables("flow_rows", flow_rows)).mark_line(color="#444444", strokeDash=[5, 3], clip=True).encode(
        x=alt.X("x:Q", scale=x_scale, title="θ₁"), y=alt.Y("y:Q", scale=y_scale, title="θ₂"), order="t:Q")
    path = alt.Chart(tables("path_rows", path_rows)).transform_filter(chosen).mark_line(
        point=True, color="#1262d4", clip=True).encode(x="x:Q", y="y:Q", order="k:Q")
    left = (flow + path).properties(width=width, height=height, title="path: descent (dots), flow (dashed)")
    gaps = alt.Chart(tables("gap_rows", gap_rows)).transform_filter(chosen).mark_line(point=False).encode(
        x=alt.X("k:Q", title="step k"),
        y=alt.Y("gap:Q", scale=alt.Scale(type="log"), title="f(θₖ) − f*"),
        color=alt.Color("series:N", legend=alt.Legend(orient="bottom", title=None, columns=1)),
        strokeDash=alt.StrokeDash("series:N", legend=None))
    right = gaps.properties(width=width, height=height, title="optimality gap, log scale")
    line = alt.Chart(tables("text_rows", text_rows)).transform_filter(chosen).mark_text(
        align="left", fontSize=14).encode(text="line:N", x=alt.value(0), y=alt.value(10)).properties(
        width=2 * width, height=20)
    chart = alt.vconcat(line, alt.hconcat(left, right)).add_params(step)
    description = ("Interactive figure. A slider sets the step size of gradient descent, as η·L from "
                   f"{grid.step_factors.min():.1f} to {grid.step_factors.max():.1f}. Left: the descent path on "
                   "the ill-conditioned bowl against the gradient-flow path. Right: the optimality gap of "
                   "descent, of the flow at the same times, and the bound, on a log scale. A line of text "
                   "states the factor per step and the final gap; past ηL = 2 the path zig-zags outwards "
                   "and the gap grows.")
    return Explorer(chart, description, tables)


class HeavyBallGrid:
    """The heavy ball on a two-dimensional quadratic for every (alpha L, beta) of a grid.

    Attributes
    ----------
    step_factors, momenta : ndarray
        The two sliders' values: alpha * L and beta.
    iterates : ndarray, shape (m, n, K + 1, 2)
        theta_k for each step (first index) and momentum (second).
    radii : ndarray, shape (m, n)
        The largest spectral radius over the curvatures (the proved rate on the quadratic).
    measured : ndarray, shape (m, n)
        (||theta_K - theta*|| / ||theta_{K/2} - theta*||)^{2/K}, the measured rate per step.
    """

    def __init__(self, step_factors, momenta, iterates, radii, measured):
        self.step_factors, self.momenta, self.iterates = step_factors, momenta, iterates
        self.radii, self.measured = radii, measured

    def index(self, step_factor: float, momentum: float) -> tuple[int, int]:
        return (_grid_position(self.step_factors, step_factor, "step factor"),
                _grid_position(self.momenta, momentum, "momentum"))

    def summary(self, step_factor: float, momentum: float) -> str:
        """The line the explorer prints for one setting."""
        i, j = self.index(step_factor, momentum)
        rho = self.radii[i, j]
        verdict = "converges" if rho < 1.0 - 1e-12 else "does not converge"
        return (f"αL = {self.step_factors[i]:.2f}, β = {self.momenta[j]:.1f}: rate ρ = {plain_number(rho, 3)} "
                f"(measured {plain_number(self.measured[i, j], 3)}); {verdict}")


def heavy_ball_grid(quadratic: Quadratic, start, *, num_steps: int = 40, step_factors=None,
                    momenta=None) -> HeavyBallGrid:
    """Run the heavy ball from ``start`` (at rest) for every alpha * L and beta of the grids
    (default alpha L = 0.25, 0.5, ..., 3.75 and beta = 0, 0.1, ..., 0.9)."""
    from .momentum import heavy_ball, heavy_ball_spectral_radius

    if not isinstance(quadratic, Quadratic) or quadratic.dim != 2:
        raise ValueError("the heavy-ball explorer draws a two-dimensional Quadratic")
    start = as_point(start, "start", dim=2)
    num_steps = count(num_steps, "num_steps", minimum=2)
    step_factors = np.arange(1, 16) / 4.0 if step_factors is None else np.asarray(step_factors, dtype=float)
    momenta = np.round(np.arange(10) / 10.0, 1) if momenta is None else np.asarray(momenta, dtype=float)
    if step_factors.ndim != 1 or step_factors.size == 0 or np.any(~(step_factors > 0)):
        raise ValueError("step_factors must be a non-empty list of positive numbers")
    if momenta.ndim != 1 or momenta.size == 0 or np.any(~((momenta >= 0) & (momenta < 1))):
        raise ValueError("momenta must be a non-empty list of numbers in [0, 1)")
    L = quadratic.smoothness
    lam = np.linalg.eigvalsh(quadratic.A)
    star = quadratic.minimizer
    half = num_steps // 2
    iterates = np.empty((step_factors.size, momenta.size, num_steps + 1, 2))
    radii = np.empty((step_factors.size, momenta.size))
    measured = np.empty_like(radii)
    for i, a in enumerate(step_factors):
        for j, b in enumerate(momenta):
            run = heavy_ball(quadratic, start, a / L, b, num_steps, on_divergence="stop",
                             divergence_threshold=1e100)  # growing runs are part of the picture
            if run.diverged or len(run) != num_steps + 1:
                raise ValueError(f"(alpha L, beta) = ({a:g}, {b:g}) left the range the explorer can draw")
            iterates[i, j] = run.points
            radii[i, j] = float(np.max(heavy_ball_spectral_radius(a / L * lam, b)))
            d = np.linalg.norm(run.points - star, axis=1)
            measured[i, j] = (d[-1] / d[half]) ** (1.0 / (num_steps - half)) if d[half] > 0 else 0.0
    return HeavyBallGrid(step_factors, momenta, iterates, radii, measured)


def bowl_heavy_ball_grid() -> HeavyBallGrid:
    """The grid the book's heavy-ball explorer draws: the bowl with kappa = 10 from :data:`BOWL_START`."""
    from .examples import ill_conditioned_bowl

    return heavy_ball_grid(ill_conditioned_bowl(10.0), BOWL_START)


def _rounded(values, digits: int = 4) -> list:
    return [float(f"{v:.{digits}g}") for v in np.ravel(values)]


def heavy_ball_explorer(grid: HeavyBallGrid, *, default=(2.0, 0.3), width: int = 260, height: int = 240,
                        frame=((-3.0, 3.0), (-3.0, 3.0))) -> Explorer:
    """The explorer of :func:`heavy_ball_grid`: two sliders (alpha L, beta); the path, and the
    setting's place in the map of spectral radii (the stability region of the quadratic)."""
    import altair as alt

    tables = Tables()
    (x0, x1), (y0, y1) = frame
    i0, j0 = grid.index(*default)
    paths, cells, lines = [], [], []
    for i, a in enumerate(grid.step_factors):
        for j, b in enumerate(grid.momenta):
            a_, b_ = round(float(a), 2), round(float(b), 1)
            points = grid.iterates[i, j]
            paths.append({"a": a_, "b": b_, "k": list(range(points.shape[0])),
                          "x": _rounded(points[:, 0]), "y": _rounded(points[:, 1])})
            rho = float(grid.radii[i, j])
            cells.append({"a": a_, "b": b_, "rho": round(min(rho, 1.5), 4),
                          "region": "converges" if rho < 1.0 - 1e-12 else "does not converge"})
            lines.append({"a": a_, "b": b_, "line": grid.summary(a, b)})
    step = alt.param(name="alphaL", value=round(float(grid.step_factors[i0]), 2),
                     bind=alt.binding_range(min=float(grid.step_factors.min()), max=float(grid.step_factors.max()),
                                            step=float(grid.step_factors[1] - grid.step_factors[0]),
                                            name="step α·L "))
    momentum = alt.param(name="beta", value=round(float(grid.momenta[j0]), 1),
                         bind=alt.binding_range(min=float(grid.momenta.min()), max=float(grid.momenta.max()),
                                                step=0.1, name="momentum β "))
    chosen = "abs(datum.a - alphaL) < 1e-6 && abs(datum.b - beta) < 1e-6"
    path = alt.Chart(tables("paths", paths)).transform_filter(chosen).transform_flatten(["k", "x", "y"]).mark_line(
        point=True, color="#1262d4", clip=True).encode(
        x=alt.X("x:Q", scale=alt.Scale(domain=[x0, x1]), title="θ₁"),
        y=alt.Y("y:Q", scale=alt.Scale(domain=[y0, y1]), title="θ₂"), order="k:Q").properties(
        width=width, height=height, title="path of the heavy ball")
    base = alt.Chart(tables("cells", cells)).encode(
        x=alt.X("a:O", title="α·L", axis=alt.Axis(labelAngle=0, values=[0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5])),
        y=alt.Y("b:O", title="β", sort="descending"))
    region = base.mark_rect().encode(
        color=alt.Color("rho:Q", title="rate ρ", scale=alt.Scale(scheme="blues", domain=[0, 1.5], reverse=True)),
        stroke=alt.condition("datum.region == 'does not converge'", alt.value("#b2182b"), alt.value(None)))
    here = base.transform_filter(chosen).mark_point(shape="circle", size=120, color="#d95f02", filled=True)
    right = (region + here).properties(width=width, height=height,
                                       title="rate on the bowl (red outline: ρ ≥ 1)")
    line = alt.Chart(tables("lines", lines)).transform_filter(chosen).mark_text(
        align="left", fontSize=14).encode(text="line:N", x=alt.value(0), y=alt.value(10)).properties(
        width=2 * width, height=20)
    chart = alt.vconcat(line, alt.hconcat(path, right)).add_params(step, momentum)
    description = ("Interactive figure. Two sliders set the heavy ball's step α·L and momentum β. Left: the "
                   "path on the ill-conditioned bowl from rest. Right: the rate ρ, the largest spectral radius "
                   "of the iteration on the bowl, for every setting of the grid, with the chosen one marked; "
                   "settings with ρ of at least 1 are outlined in red. A line of text states ρ and the rate "
                   "measured on the run.")
    return Explorer(chart, description, tables)


class NoiseGrid:
    """Stationary SGD on f = lambda theta^2 / 2 with additive Gaussian noise, for a grid of steps.

    Attributes
    ----------
    step_factors : ndarray, shape (m,)
        eta * lambda.
    edges, densities : ndarray, shape (m, bins + 1) and (m, bins)
        The histogram of the chains' final iterates (as a probability density) per step.
    measured, exact, sde : ndarray, shape (m,)
        The chains' variance, SGD's exact stationary variance eta sigma^2 / (lambda (2 - eta lambda))
        and the stochastic modified equation's eta sigma^2 / (2 lambda).
    num_chains, num_steps : int
        How many chains ran, and for how many steps from 0.
    """

    def __init__(self, step_factors, edges, densities, measured, exact, sde, num_chains, num_steps):
        self.step_factors, self.edges, self.densities = step_factors, edges, densities
        self.measured, self.exact, self.sde, self.num_chains = measured, exact, sde, num_chains
        self.num_steps = num_steps

    def transient(self) -> float:
        """The largest relative distance of a chain's variance after ``num_steps`` steps from the
        stationary one over the grid: max |1 - eta lambda|^(2 num_steps)."""
        return float(np.max(np.abs(1.0 - self.step_factors)) ** (2 * self.num_steps))

    def index(self, step_factor: float) -> int:
        return _grid_position(self.step_factors, step_factor, "step factor")

    def summary(self, step_factor: float) -> str:
        i = self.index(step_factor)
        return (f"ηλ = {self.step_factors[i]:.1f}: variance of {self.num_chains} chains "
                f"{plain_number(self.measured[i], 3)}, exact {plain_number(self.exact[i], 3)}, "
                f"SDE {plain_number(self.sde[i], 3)}")


def noise_grid(*, curvature: float = 1.0, noise: float = 1.0, step_factors=None, num_chains: int = 10000,
               num_steps: int = 100, bins: int = 40, seed: int = 11) -> NoiseGrid:
    """Run ``num_chains`` chains of SGD from 0 for ``num_steps`` steps at every eta * lambda of the
    grid (default 0.1, 0.2, ..., 1.9) and histogram their final iterates over four predicted
    standard deviations either side."""
    from .sgd import sgd_chains, sme_stationary_variance, stationary_variance

    step_factors = np.round(np.arange(1, 20) / 10.0, 1) if step_factors is None \
        else np.asarray(step_factors, dtype=float)
    if step_factors.ndim != 1 or step_factors.size == 0 or np.any(~((step_factors > 0) & (step_factors < 2))):
        raise ValueError("step_factors must be a non-empty list of numbers in (0, 2)")
    bins = count(bins, "bins", minimum=2)
    num_steps = count(num_steps, "num_steps", minimum=1)
    edges, densities, measured, exact, sde = [], [], [], [], []
    for n, factor in enumerate(step_factors):
        eta = factor / curvature
        final, _ = sgd_chains([curvature], noise, eta, num_steps, num_chains, seed=seed + n)
        v = float(stationary_variance(curvature, noise, eta)[0])
        spread = 4.0 * np.sqrt(v)
        density, edge = np.histogram(final[:, 0], bins=bins, range=(-spread, spread), density=True)
        edges.append(edge)
        densities.append(density)
        measured.append(float(np.var(final[:, 0])))
        exact.append(v)
        sde.append(float(sme_stationary_variance(curvature, noise, eta)[0]))
    return NoiseGrid(step_factors, *(np.array(a) for a in (edges, densities, measured, exact, sde)), num_chains,
                     num_steps)


def noise_explorer(grid: NoiseGrid, *, default: float = 1.0, width: int = 420, height: int = 240) -> Explorer:
    """The explorer of :func:`noise_grid`: the histogram of the chains against SGD's exact
    stationary density and the SDE's, as a slider moves eta * lambda."""
    import altair as alt

    tables = Tables()
    i0 = grid.index(default)
    bars, curves, lines = [], [], []
    for i, factor in enumerate(grid.step_factors):
        s = round(float(factor), 1)
        e = grid.edges[i]
        bars.append({"s": s, "lo": _rounded(e[:-1]), "hi": _rounded(e[1:]), "d": _rounded(grid.densities[i])})
        x = np.linspace(e[0], e[-1], 81)
        for name, v in (("exact stationary law of SGD", grid.exact[i]), ("stochastic modified equation", grid.sde[i])):
            curves.append({"s": s, "law": name, "x": _rounded(x),
                           "p": _rounded(np.exp(-x**2 / (2 * v)) / np.sqrt(2 * np.pi * v))})
        lines.append({"s": s, "line": grid.summary(factor)})
    step = alt.param(name="etaLambda", value=round(float(grid.step_factors[i0]), 1),
                     bind=alt.binding_range(min=float(grid.step_factors.min()), max=float(grid.step_factors.max()),
                                            step=0.1, name="step size η·λ "))
    chosen = "abs(datum.s - etaLambda) < 1e-6"
    hist = alt.Chart(tables("bars", bars)).transform_filter(chosen).transform_flatten(["lo", "hi", "d"]).mark_rect(
        color="#9ecae1").encode(x=alt.X("lo:Q", title=f"θ after {grid.num_steps} steps"), x2="hi:Q",
                                y=alt.Y("d:Q", title="density"), y2=alt.datum(0))
    law = alt.Chart(tables("curves", curves)).transform_filter(chosen).transform_flatten(["x", "p"]).mark_line().encode(
        x="x:Q", y="p:Q", color=alt.Color("law:N", legend=alt.Legend(orient="bottom", title=None, columns=1)),
        strokeDash=alt.StrokeDash("law:N", legend=None))
    plot = (hist + law).properties(width=width, height=height, title="stationary SGD on λθ²/2 (λ = σ = 1)")
    line = alt.Chart(tables("lines", lines)).transform_filter(chosen).mark_text(align="left", fontSize=14).encode(
        text="line:N", x=alt.value(0), y=alt.value(10)).properties(width=width, height=20)
    description = ("Interactive figure. A slider sets the step size of SGD on a one-dimensional quadratic with "
                   "additive Gaussian noise, as η·λ from 0.1 to 1.9. The histogram of the final iterates of "
                   f"{grid.num_chains} chains is drawn against SGD's exact stationary density and against the "
                   "density of the stochastic modified equation; a line of text gives the three variances. The "
                   "two laws agree for small steps and part as η·λ grows.")
    return Explorer(alt.vconcat(line, plot).add_params(step), description, tables)


def book_noise_grid() -> NoiseGrid:
    """The grid the book's SGD explorer draws (lambda = sigma = 1, 10000 chains, 100 steps)."""
    return noise_grid()


class NesterovOdeGrid:
    """Nesterov's method against its differential equation as the step shrinks.

    On Su, Boyd and Candès' quadratic f = 0.02 x₁² + 0.005 x₂² from (1, 1): for each step
    s = 2^{-j}, the first coordinate of the iterates at times t = k√s, the exact solution of
    the ODE, and the largest distance max_k ||x_k - X(k√s)|| up to the horizon.
    """

    def __init__(self, exponents, times, firsts, ode_times, ode_first, gaps, horizon):
        self.exponents, self.times, self.firsts = exponents, times, firsts
        self.ode_times, self.ode_first, self.gaps, self.horizon = ode_times, ode_first, gaps, horizon

    def index(self, exponent: int) -> int:
        return _grid_position(self.exponents, exponent, "exponent")

    def summary(self, exponent: int) -> str:
        i = self.index(exponent)
        j = int(self.exponents[i])
        return (f"s = {'1' if j == 0 else f'1/{2 ** j}'}: largest distance to the ODE up to t = {self.horizon:g} "
                f"is {plain_number(self.gaps[i], 3)}")


def nesterov_ode_grid(*, exponents=tuple(range(7)), horizon: float = 150.0) -> NesterovOdeGrid:
    """Run Nesterov's method with s = 2^{-j} for each j of ``exponents`` up to time ``horizon``."""
    from .checks.nesterov import su_boyd_candes_flow, su_boyd_candes_gaps, su_boyd_candes_quadratic
    from .momentum import nesterov

    exponents = np.asarray(exponents, dtype=int)
    if exponents.ndim != 1 or exponents.size == 0 or np.any(exponents < 0) or np.any(exponents > 12):
        raise ValueError("exponents must be a non-empty list of integers j in [0, 12] (steps s = 2^-j)")
    horizon = float(horizon)
    if not np.isfinite(horizon) or horizon <= 0:
        raise ValueError("horizon must be a positive time")
    q, start = su_boyd_candes_quadratic()
    times, firsts = [], []
    for j in exponents:
        s = 2.0 ** -int(j)
        run = nesterov(q, start, s, int(round(horizon / np.sqrt(s))))
        times.append(np.arange(len(run)) * np.sqrt(s))
        firsts.append(run.points[:, 0])
    ode_times = np.linspace(0.0, horizon, 301)
    ode_first = su_boyd_candes_flow(ode_times)[:, 0]
    gaps = np.asarray(su_boyd_candes_gaps(tuple(2.0 ** -int(j) for j in exponents), horizon))
    return NesterovOdeGrid(exponents, times, firsts, ode_times, ode_first, gaps, horizon)


def nesterov_ode_explorer(grid: NesterovOdeGrid, *, default: int = 0, width: int = 520, height: int = 240) -> Explorer:
    """The explorer of :func:`nesterov_ode_grid`: the iterates against the ODE's solution as a
    slider halves the step."""
    import altair as alt

    tables = Tables()
    i0 = grid.index(default)
    runs, lines = [], []
    for i, j in enumerate(grid.exponents):
        runs.append({"j": int(j), "t": _rounded(grid.times[i]), "x": _rounded(grid.firsts[i])})
        lines.append({"j": int(j), "line": grid.summary(int(j))})
    ode = [{"t": float(t), "x": float(x)} for t, x in zip(_rounded(grid.ode_times), _rounded(grid.ode_first))]
    step = alt.param(name="halvings", value=int(grid.exponents[i0]),
                     bind=alt.binding_range(min=int(grid.exponents.min()), max=int(grid.exponents.max()), step=1,
                                            name="halvings of the step, j (s = 2⁻ʲ) "))
    chosen = "datum.j == halvings"
    curve = alt.Chart(tables("ode", ode)).mark_line(color="#444444", strokeDash=[5, 3]).encode(
        x=alt.X("t:Q", title="time t = k√s", scale=alt.Scale(domain=[0.0, grid.horizon], nice=False)),
        y=alt.Y("x:Q", title="first coordinate"))
    dots = alt.Chart(tables("runs", runs)).transform_filter(chosen).transform_flatten(["t", "x"]).mark_point(
        color="#1262d4", size=12, filled=True).encode(x="t:Q", y="x:Q")
    plot = (curve + dots).properties(width=width, height=height,
                                     title="Nesterov's iterates (dots) and the ODE's solution (dashed)")
    line = alt.Chart(tables("lines", lines)).transform_filter(chosen).mark_text(align="left", fontSize=14).encode(
        text="line:N", x=alt.value(0), y=alt.value(10)).properties(width=width, height=20)
    description = ("Interactive figure. A slider halves the step s of Nesterov's method from 1 to 1/64. The "
                   "first coordinate of its iterates on the quadratic 0.02 x₁² + 0.005 x₂², plotted at times "
                   "k√s, is drawn against the exact solution of the differential equation of Su, Boyd and "
                   "Candès; a line of text gives their largest distance, which shrinks with the step.")
    return Explorer(alt.vconcat(line, plot).add_params(step), description, tables)
