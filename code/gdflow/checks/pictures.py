"""Checks for the chapter of pictures of descent and flow (claim C31 and V01-V03).

Every statement the chapter's figures illustrate is measured here on the same
ill-conditioned bowl, frame and starting points the figures use.
"""

from __future__ import annotations

import numpy as np

from .._validation import count, positive_number
from ..claims import at_least, at_most, claim, close_to
from ..descent import gradient_descent
from ..examples import ill_conditioned_bowl
from ..flow import quadratic_flow
from ..plotting import contour_grid
from ..problems import Objective, Quadratic
from ..trajectory import Trajectory

__all__ = [
    "FRAME", "STARTS", "contour_chord_cosines", "contour_chord_tilts", "interpolation_tilt", "lipschitz_ratio",
    "flow_tracking_bound",
    "steep_coordinate", "sign_changes",
]

#: The box every picture of the chapter shows: x in XLIM, y in YLIM.
FRAME = ((-3.0, 3.0), (-2.0, 2.0))

#: Starting points of the flow lines and descent paths, inside FRAME, chosen so
#: that each has a visible component along both eigenvectors of the bowl.
STARTS = np.array([[-2.5, 1.5], [2.0, -1.5], [-1.0, -1.8], [2.6, 0.4]])


def _grid(objective: Objective, xlim, ylim, num: int):
    X, Y, Z = contour_grid(objective, xlim, ylim, num)
    return X, Y, Z, float(max(X[0, 1] - X[0, 0], Y[1, 0] - Y[0, 0]))


def contour_chord_cosines(objective: Objective, xlim, ylim, levels, *, num: int = 201,
                          field_rotation: float = 0.0):
    r"""|cos| of the angle between -grad f and the chords of f's contour lines.

    The contour lines are computed from f on a ``num`` x ``num`` grid by
    ``contourpy``, the library matplotlib draws contours with, so they are
    independent of any formula for the level sets. Along each line, vertices
    are kept once per grid spacing h of arc length (shorter chords between
    interpolated vertices have noisy directions), and at the midpoint of each
    chord the angle between the chord and the field is measured. The field is
    -grad f rotated by ``field_rotation`` radians (0 for the true field; a
    nonzero value gives a field that is *not* orthogonal, for testing).

    Returns
    -------
    cosines : ndarray, shape (m,)
        |cos(angle)| for every chord; 0 means orthogonal.
    h : float
        The grid spacing, which bounds the chords' length from below.
    gradient_min : float
        The smallest ||grad f|| at the chords' midpoints, which sets how far
        interpolation can move a vertex off its level set (see
        :func:`interpolation_tilt`).
    """
    import contourpy

    if objective.dim != 2:
        raise ValueError(f"contours need a 2-D objective; got dimension {objective.dim}")
    num = count(num, "num", minimum=3)
    X, Y, Z, h = _grid(objective, xlim, ylim, num)
    generator = contourpy.contour_generator(X, Y, Z)
    c, s = np.cos(field_rotation), np.sin(field_rotation)
    turn = np.array([[c, s], [-s, c]])
    out, gmin = [], np.inf
    for level in np.atleast_1d(np.asarray(levels, dtype=float)):
        for line in generator.lines(float(level)):
            arc = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(line, axis=0), axis=1))])
            keep = np.concatenate([[True], np.diff(np.floor(arc / h)) > 0])
            p = line[keep]
            if len(p) < 2:
                continue
            chords = np.diff(p, axis=0)
            grad = objective.gradient(0.5 * (p[1:] + p[:-1]))
            gmin = min(gmin, float(np.min(np.linalg.norm(grad, axis=1))))
            field = -grad @ turn
            cos = np.abs(np.sum(chords * field, axis=1)) / (
                np.linalg.norm(chords, axis=1) * np.linalg.norm(field, axis=1))
            out.append(cos)
    if not out:
        raise ValueError("no contour line of the given levels crosses the box")
    return np.concatenate(out), h, gmin


def interpolation_tilt(smoothness: float, h: float, gradient_min: float) -> float:
    r"""Largest tilt (as |cos| of the angle to the normal) that grid contouring can cause.

    A contour vertex is found by linear interpolation of f along a grid edge of
    length h. Where f has second derivative at most L along the edge, this puts
    the vertex at most L h^2 / (8 ||grad f||) off the level set, measured normal
    to it. A chord at least h long between two such vertices is then tilted by
    at most 2 L h^2 / (8 ||grad f|| h) = L h / (4 ||grad f||) against the true
    tangent; the return value doubles this to cover the change of grad f along
    the chord.
    """
    L = positive_number(smoothness, "smoothness")
    return 2.0 * L * positive_number(h, "h") / (4.0 * positive_number(gradient_min, "gradient_min"))


def contour_chord_tilts(objective: Quadratic, xlim, ylim, levels, *, num: int = 601,
                        field_rotation: float = 0.0):
    r"""|cos| of the angle between the field and each contour chord, with each chord's allowance.

    The contour lines of the quadratic f are traced by ``contourpy`` from f on a
    ``num`` x ``num`` grid, and cut into chords as in :func:`contour_chord_cosines`. The
    allowance of a chord bounds what the contouring alone can cause, computed from the
    chord's own vertices. A vertex v with residual r = |f(v) - c| and gradient norm
    g = ||grad f(v)|| lies within delta = r/(g - L r/g) of the level set {f = c} (along
    the gradient, f changes by g t minus at most L t²/2; r includes a few ulps for the
    rounding of f). The chord w between two
    vertices is then within e = delta_a + delta_b of a chord u between two points of
    the level set, and sin angle(u, w) <= e/(||w|| - e). For a quadratic,
    f(b) - f(a) = grad f((a + b)/2)^T (b - a) exactly, so u is orthogonal to the gradient
    at its own midpoint; that midpoint is within e/2 of the chord's, where the gradient
    differs by at most L e/2, turning its direction by at most
    (L e/2)/(||grad f|| - L e/2). The allowance is the sum of the two sines.

    Returns
    -------
    cosines, allowances : ndarray, shape (m,)
        |cos| between each chord and the field (-grad f turned by ``field_rotation``
        radians), and the chord's allowance; a true gradient field has every ratio at most 1.
    """
    import contourpy

    if not isinstance(objective, Quadratic) or objective.dim != 2:
        raise ValueError("contour_chord_tilts needs a two-dimensional Quadratic objective")
    num = count(num, "num", minimum=3)
    X, Y, Z, h = _grid(objective, xlim, ylim, num)
    L = objective.smoothness
    generator = contourpy.contour_generator(X, Y, Z)
    c, s = np.cos(field_rotation), np.sin(field_rotation)
    turn = np.array([[c, s], [-s, c]])
    cosines, allowances = [], []
    for level in np.atleast_1d(np.asarray(levels, dtype=float)):
        for line in generator.lines(float(level)):
            arc = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(line, axis=0), axis=1))])
            keep = np.concatenate([[True], np.diff(np.floor(arc / h)) > 0])
            p = line[keep]
            if len(p) < 2:
                continue
            # |f(v) - c|, plus the rounding of computing f(v) (a few ulps of |c|)
            residual = np.abs(objective.value(p) - level) + 4.0 * np.finfo(float).eps * (1.0 + abs(level))
            g = np.linalg.norm(objective.gradient(p), axis=1)
            if np.any(2.0 * L * residual >= g**2):
                raise ValueError("a contour vertex is too far from its level set for the bound "
                                 "(2 L |f - c| >= ||grad f||²): refine the grid")
            delta = residual / (g - L * residual / g)
            e = delta[1:] + delta[:-1]
            chords = np.diff(p, axis=0)
            length = np.linalg.norm(chords, axis=1)
            midpoints = 0.5 * (p[1:] + p[:-1])
            grad = objective.gradient(midpoints)
            g_mid = np.linalg.norm(grad, axis=1)
            if np.any(length <= e) or np.any(g_mid <= L * e / 2.0):
                raise ValueError("a contour chord is too short for the bound: refine the grid")
            field = -grad @ turn
            cosines.append(np.abs(np.sum(chords * field, axis=1)) / (length * np.linalg.norm(field, axis=1)))
            allowances.append(e / (length - e) + (L * e / 2.0) / (g_mid - L * e / 2.0))
    if not cosines:
        raise ValueError("no contour line of the given levels crosses the box")
    return np.concatenate(cosines), np.concatenate(allowances)


def lipschitz_ratio(objective: Objective, x, y) -> np.ndarray:
    """||grad f(x) - grad f(y)|| / ||x - y|| for each pair of rows of ``x`` and ``y``."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.shape != y.shape:
        raise ValueError(f"x and y must have the same shape; got {x.shape} and {y.shape}")
    gap = np.linalg.norm(x - y, axis=-1)
    if np.any(gap == 0):
        raise ValueError("every pair must consist of two different points")
    return np.linalg.norm(objective.gradient(x) - objective.gradient(y), axis=-1) / gap


def flow_tracking_bound(step_size, smoothness, initial_distance, order: int = 1):
    r"""(eta L)^order e^{eta L - 1} / 2 * R: the bound of the chapter's tracking proposition.

    For a quadratic with curvatures in (0, L] and 0 < eta L <= 1, gradient descent
    stays within this distance of the exact flow at equal times t_k = k eta
    (``order=1``, the proven statement). ``order=2`` is a false, second-order
    version kept for tests that must see a check fail.

    Examples
    --------
    >>> round(float(flow_tracking_bound(0.1, 1.0, 1.0)), 6)
    0.020328
    """
    eta = positive_number(step_size, "step_size")
    L = positive_number(smoothness, "smoothness")
    x = eta * L
    return x**order * np.exp(x - 1.0) / 2.0 * float(initial_distance)


def steep_coordinate(trajectory: Trajectory, quadratic: Quadratic) -> np.ndarray:
    """Component of theta - theta* along the eigenvector of the largest curvature."""
    if not isinstance(quadratic, Quadratic):
        raise ValueError("the steep coordinate is defined for a Quadratic objective")
    return (trajectory.points - quadratic.minimizer) @ quadratic.eigenvectors[:, -1]


def sign_changes(values) -> int:
    """How many times consecutive entries of ``values`` have strictly opposite signs."""
    v = np.sign(np.asarray(values, dtype=float).reshape(-1))
    return int(np.sum(v[1:] * v[:-1] < 0))


@claim("C31", label="prop-gradient-orthogonal",
       statement="−∇f is orthogonal to the contour lines; for f = ax² + by², L = 2·max(a, b)")
def check_gradient_orthogonal(*, num: int = 601, field_rotation: float = 0.0, a: float = 1.0,
                              b: float = 4.0, constant_factor: float = 2.0, num_pairs: int = 20000,
                              seed: int = 31):
    """Orthogonality measured on matplotlib-style contour lines, chord by chord; L of ax² + by² from gradient pairs.

    ``field_rotation`` (radians) tilts the field away from -grad f and
    ``constant_factor`` changes the claimed constant 2 in L = 2 max(a, b); both
    make the check fail when set wrongly.
    """
    a = positive_number(a, "a")
    b = positive_number(b, "b")
    ellipse = Quadratic(np.diag([2.0 * a, 2.0 * b]))
    cases = {"ill-conditioned bowl": (ill_conditioned_bowl(), np.linspace(0.25, 4.0, 8)),
             f"f = {a:g}x² + {b:g}y²": (ellipse, np.linspace(0.25, 4.0, 8))}
    checks = []
    for name, (objective, levels) in cases.items():
        cos, allowance = contour_chord_tilts(objective, *FRAME, levels, num=num,
                                             field_rotation=field_rotation)
        checks.append(at_most(
            "C31", f"max over {cos.size} contour chords of |cos(angle between chord and −∇f)| / "
            f"the chord's allowance, {name}", float(np.max(cos / allowance)), 1.0, 0.0,
            "each chord's allowance bounds the tilt its own vertices' distances from the level set "
            "can cause (computed from |f − c| and ‖∇f‖ at the vertices); a field orthogonal to the "
            "level sets stays within it, with no further slack"))
    rng = np.random.default_rng(seed)
    x = rng.uniform(-3.0, 3.0, size=(count(num_pairs, "num_pairs", 1), 2))
    y = rng.uniform(-3.0, 3.0, size=x.shape)
    predicted = constant_factor * max(a, b)
    checks.append(close_to(
        "C31", f"sup of ‖∇f(x) − ∇f(y)‖/‖x − y‖ over {x.shape[0]} random pairs, f = {a:g}x² + {b:g}y²",
        float(np.max(lipschitz_ratio(ellipse, x, y))), predicted, 1e-3 * predicted,
        "the ratio reaches its supremum only along the steep axis; among this many random "
        "directions one lies within a few milliradians of it, where the ratio falls short "
        "by less than 1e-4 relative, and 1e-3 relative keeps a wrong constant (factor 1) out"))
    return checks


@claim("V01", label="prop-small-step-tracks-flow",
       statement="On a quadratic with ηL ≤ 1, max_k ‖θ_k − θ(kη)‖ ≤ ηL·e^{ηL−1}/2 · ‖θ₀ − θ*‖, "
                 "nearly attained by a start on the steep eigenvector")
def check_small_step_tracks_flow(*, step_factor: float = 0.2, order: int = 1, starts=None,
                                 horizon: float = 8.0):
    """Largest distance between descent and the exact flow at equal times, per start, and on
    the steep eigenvector, where the bound is nearly attained.

    ``step_factor`` is eta L. The run lasts ``horizon`` / mu units of time, long
    after every mode's error has peaked (at k about 1/(eta lambda)). ``order=2``
    claims a second-order bound, which the measurement must refute. On the steep
    eigenvector (a single mode with x = eta L) the ratio to the bound is 1 - x/2 + O(x²);
    it must be at least 1 - x, which shows that the constant cannot be lowered by more
    than that.
    """
    bowl = ill_conditioned_bowl()
    L, mu = bowl.smoothness, bowl.strong_convexity
    eta = positive_number(step_factor, "step_factor") / L
    num_steps = int(np.ceil(positive_number(horizon, "horizon") / (mu * eta)))
    starts = STARTS if starts is None else np.asarray(starts, dtype=float)
    checks = []
    for start in starts:
        gd = gradient_descent(bowl, start, eta, num_steps)
        flow = quadratic_flow(bowl, start, gd.times)
        gap = float(np.max(np.linalg.norm(gd.points - flow.points, axis=1)))
        R = float(np.linalg.norm(start - bowl.minimizer))
        checks.append(at_most(
            "V01", f"max_k ‖θ_k − θ(kη)‖ at ηL = {step_factor:g} from ({start[0]:g}, {start[1]:g})",
            gap, float(flow_tracking_bound(eta, L, R, order)), 1e-12 * R,
            "both paths are exact up to rounding (the flow in closed form), so only rounding of "
            "order 1e-15·R separates measurement and bound; 1e-12·R allows for it"))
    steep = bowl.eigenvectors[:, -1]
    gd = gradient_descent(bowl, steep, eta, num_steps)
    gap = float(np.max(np.linalg.norm(gd.points - quadratic_flow(bowl, steep, gd.times).points, axis=1)))
    x = eta * L
    checks.append(at_least(
        "V01", f"the same distance / bound from the unit steep eigenvector at ηL = {step_factor:g}",
        gap / float(flow_tracking_bound(eta, L, 1.0, order)), 1.0 - x, 0.0,
        "on one mode the largest gap is max_k (e^{−kx} − (1 − x)^k), and its ratio to the bound "
        "is 1 − x/2 + O(x²) (0.895 at x = 0.2); 1 − x leaves room for the O(x²) term"))
    return checks


@claim("V02", label="prop-zigzag",
       statement="GD on a quadratic zig-zags (steep coordinate changes sign every step) iff ηL > 1; GF never does")
def check_zigzag(*, zigzag_factor: float = 1.6, smooth_factor: float = 0.2, num_steps: int = 20,
                 start=None):
    """Sign changes of the steep coordinate for ηL = zigzag_factor, ηL = smooth_factor and the flow.

    ``zigzag_factor`` must lie in (1, 2) and ``smooth_factor`` in (0, 1] for the
    claim; values outside make the check fail.
    """
    bowl = ill_conditioned_bowl()
    L = bowl.smoothness
    num_steps = count(num_steps, "num_steps", minimum=1)
    start = STARTS[0] if start is None else np.asarray(start, dtype=float)
    zig = gradient_descent(bowl, start, positive_number(zigzag_factor, "zigzag_factor") / L, num_steps,
                           on_divergence="stop")
    calm = gradient_descent(bowl, start, positive_number(smooth_factor, "smooth_factor") / L, num_steps)
    flow = quadratic_flow(bowl, start, np.linspace(0.0, num_steps * 2.0 / L, 20 * num_steps + 1))
    return [
        at_least("V02", f"sign changes of the steep coordinate in {num_steps} steps at ηL = {zigzag_factor:g}",
                 sign_changes(steep_coordinate(zig, bowl)), num_steps, 0.0,
                 "a count: every step must change the sign, no slack is meaningful"),
        at_most("V02", f"sign changes of the steep coordinate in {num_steps} steps at ηL = {smooth_factor:g}",
                sign_changes(steep_coordinate(calm, bowl)), 0.0, 0.0,
                "a count: one sign change would contradict the claim"),
        at_most("V02", "sign changes of the steep coordinate along the exact flow",
                sign_changes(steep_coordinate(flow, bowl)), 0.0, 0.0,
                "a count: one sign change would contradict the claim"),
    ]


@claim("V03", label="prop-divergence-above-two-over-l",
       statement="Above η = 2/L, GD on a quadratic moves away from θ* by the factor |1 − ηL| per step")
def check_divergence(*, step_factor: float = 1.05, num_steps: int = 60, start=None):
    """Growth factor of ‖θ_k − θ*‖ over the last step, at η = step_factor · 2/L.

    After many steps the steep mode dominates and the factor equals |1 − ηL|.
    A ``step_factor`` below 1 gives a factor below 1 and the check fails.
    """
    bowl = ill_conditioned_bowl()
    L, mu = bowl.smoothness, bowl.strong_convexity
    eta = positive_number(step_factor, "step_factor") * 2.0 / L
    num_steps = count(num_steps, "num_steps", minimum=2)
    start = STARTS[0] if start is None else np.asarray(start, dtype=float)
    gd = gradient_descent(bowl, start, eta, num_steps)
    d = gd.distances(bowl.minimizer)
    growth = float(d[-1] / d[-2])
    predicted = abs(1.0 - eta * L)
    share = (abs(1.0 - eta * mu) / predicted) ** (2 * num_steps) if predicted > 0 else 1.0
    return [
        at_least("V03", f"growth factor ‖θ_K − θ*‖/‖θ_(K−1) − θ*‖ at η = {step_factor:g}·2/L",
                 growth, 1.0, 0.0, "any factor above 1 means the distance grows"),
        close_to("V03", f"the same factor against |1 − ηL| after K = {num_steps} steps",
                 growth, predicted, 1e-9 * predicted + share,
                 "the flat mode's share of the squared distance is (|1 − ημ|/|1 − ηL|)^(2K), "
                 "added to the tolerance; 1e-9 relative covers rounding of the distances"),
    ]
