"""Claims of the chapter of pictures (C31, V01-V03): pass with defaults, fail when violated."""

from __future__ import annotations

import numpy as np
import pytest

from claimtest import assert_claim_holds
from gdflow import Quadratic, claims, gradient_descent, quadratic_flow
from gdflow.checks import pictures
from gdflow.examples import ill_conditioned_bowl, random_quadratic


def verdicts(claim_id, **options):
    return [c.passed for c in claims.run(claim_id, **options)]


@pytest.mark.parametrize("claim_id", ["C31", "V01", "V02", "V03"])
def test_claim_holds_with_defaults(claim_id):
    assert_claim_holds(claim_id)


def test_claims_are_registered_with_their_labels():
    reg = claims.registry()
    assert reg["C31"].label == "prop-gradient-orthogonal"
    assert reg["V01"].label == "prop-small-step-tracks-flow"
    assert reg["V02"].label == "prop-zigzag"
    assert reg["V03"].label == "prop-divergence-above-two-over-l"


def test_c31_fails_for_a_field_that_is_not_the_gradient():
    # -grad f turned by 10 degrees is no longer orthogonal to the contours.
    assert verdicts("C31", field_rotation=np.deg2rad(10.0))[:2] == [False, False]


def test_c31_fails_for_the_constant_without_the_factor_two():
    assert verdicts("C31", constant_factor=1.0)[2] is False


def test_c31_constant_follows_the_larger_coefficient():
    checks = claims.run("C31", a=3.0, b=0.5)
    assert all(c.passed for c in checks)
    assert checks[2].predicted == pytest.approx(6.0)


def test_v01_fails_for_a_second_order_bound():
    # every start violates the second-order bound (the steep-eigenvector check is a lower bound)
    assert not any(verdicts("V01", order=2)[:-1])


def test_v01_bound_is_first_order_and_nearly_attained():
    # Halving the step halves the bound; the measurement stays within it and
    # comes within a factor 2 of it from the start with a large steep component.
    for factor in (0.05, 0.1, 0.4, 1.0):
        checks = claims.run("V01", step_factor=factor)
        assert all(c.passed for c in checks)
        assert max(c.observed / c.predicted for c in checks[:-1]) > 0.5


def test_v01_bound_holds_on_random_quadratics_in_higher_dimension():
    rng = np.random.default_rng(7)
    for _ in range(5):
        q = random_quadratic(rng, dim=6, condition_number=50.0)
        start = rng.standard_normal(6) * 3
        R = float(np.linalg.norm(start - q.minimizer))
        for factor in (0.1, 0.5, 1.0):
            eta = factor / q.smoothness
            gd = gradient_descent(q, start, eta, 400)
            flow = quadratic_flow(q, start, gd.times)
            gap = np.max(np.linalg.norm(gd.points - flow.points, axis=1))
            assert gap <= pictures.flow_tracking_bound(eta, q.smoothness, R) * (1 + 1e-12)


def test_v02_fails_below_one_and_when_the_small_step_is_too_large():
    assert verdicts("V02", zigzag_factor=0.9) == [False, True, True]
    assert verdicts("V02", smooth_factor=1.2) == [True, False, True]


def test_v03_fails_below_the_threshold():
    assert verdicts("V03", step_factor=0.9)[0] is False


def test_v03_factor_matches_for_other_steps():
    checks = claims.run("V03", step_factor=1.3)
    assert all(c.passed for c in checks)
    assert checks[1].predicted == pytest.approx(1.6)


def test_contour_chord_cosines_shrink_with_the_grid():
    bowl = ill_conditioned_bowl()
    coarse, h_coarse, g_coarse = pictures.contour_chord_cosines(bowl, *pictures.FRAME, [1.0, 2.0], num=51)
    fine, h_fine, g_fine = pictures.contour_chord_cosines(bowl, *pictures.FRAME, [1.0, 2.0], num=401)
    assert h_fine < h_coarse
    assert fine.max() < coarse.max() <= pictures.interpolation_tilt(bowl.smoothness, h_coarse, g_coarse)
    assert fine.size > coarse.size
    # On f = 1/2 u^T A u = c the smallest gradient norm is sqrt(2 c mu) = sqrt(2).
    assert g_fine == pytest.approx(np.sqrt(2.0), rel=1e-2)


def test_c31_fails_for_a_field_turned_by_one_degree():
    assert verdicts("C31", field_rotation=np.deg2rad(1.0))[:2] == [False, False]
    # the ratio to the chord's allowance is reported: near 1 for the true field, far above for 1 degree
    true, turned = claims.run("C31"), claims.run("C31", field_rotation=np.deg2rad(1.0))
    assert 0.5 < true[0].observed <= 1.0 and turned[0].observed > 100.0


def test_contour_chord_tilts_allowances_contain_the_true_field():
    bowl = ill_conditioned_bowl()
    for num in (51, 201, 601):
        cos, allowance = pictures.contour_chord_tilts(bowl, *pictures.FRAME, [0.5, 1.0, 2.0], num=num)
        assert cos.shape == allowance.shape and np.all(cos <= allowance)
    coarse = pictures.contour_chord_tilts(bowl, *pictures.FRAME, [1.0], num=51)[1]
    fine = pictures.contour_chord_tilts(bowl, *pictures.FRAME, [1.0], num=601)[1]
    assert np.median(fine) < np.median(coarse)


def test_contour_chord_tilts_rejects_bad_input():
    with pytest.raises(ValueError, match="Quadratic"):
        pictures.contour_chord_tilts(random_quadratic(np.random.default_rng(0), dim=3),
                                     (-1, 1), (-1, 1), [1.0])
    with pytest.raises(ValueError, match="no contour line"):
        pictures.contour_chord_tilts(ill_conditioned_bowl(), (-1, 1), (-1, 1), [1e6])


def test_v01_is_nearly_attained_on_the_steep_eigenvector():
    steep = claims.run("V01")[-1]
    assert "steep eigenvector" in steep.quantity and 0.85 < steep.observed <= 1.0


def test_interpolation_tilt():
    assert pictures.interpolation_tilt(4.0, 0.1, 2.0) == pytest.approx(0.1)
    with pytest.raises(ValueError, match="gradient_min"):
        pictures.interpolation_tilt(4.0, 0.1, 0.0)


def test_contour_chord_cosines_rejects_bad_input():
    with pytest.raises(ValueError, match="2-D"):
        pictures.contour_chord_cosines(random_quadratic(np.random.default_rng(0), dim=3),
                                       (-1, 1), (-1, 1), [1.0])
    with pytest.raises(ValueError, match="no contour line"):
        pictures.contour_chord_cosines(ill_conditioned_bowl(), (-1, 1), (-1, 1), [1e6])
    with pytest.raises(ValueError, match="num"):
        pictures.contour_chord_cosines(ill_conditioned_bowl(), (-1, 1), (-1, 1), [1.0], num=2)


def test_lipschitz_ratio():
    q = Quadratic(np.diag([2.0, 8.0]))
    assert pictures.lipschitz_ratio(q, [[0.0, 0.0]], [[0.0, 1.0]])[0] == pytest.approx(8.0)
    assert pictures.lipschitz_ratio(q, [[0.0, 0.0]], [[1.0, 0.0]])[0] == pytest.approx(2.0)
    with pytest.raises(ValueError, match="different points"):
        pictures.lipschitz_ratio(q, [[1.0, 1.0]], [[1.0, 1.0]])
    with pytest.raises(ValueError, match="same shape"):
        pictures.lipschitz_ratio(q, [[1.0, 1.0]], [[1.0, 1.0], [0.0, 0.0]])


def test_flow_tracking_bound_values_and_errors():
    assert pictures.flow_tracking_bound(0.5, 2.0, 3.0) == pytest.approx(0.5 * 3.0)
    assert pictures.flow_tracking_bound(0.1, 1.0, 1.0, order=2) == pytest.approx(0.01 * np.exp(-0.9) / 2)
    with pytest.raises(ValueError, match="step_size"):
        pictures.flow_tracking_bound(0.0, 1.0, 1.0)
    with pytest.raises(ValueError, match="smoothness"):
        pictures.flow_tracking_bound(0.1, -1.0, 1.0)


def test_sign_changes_and_steep_coordinate():
    assert pictures.sign_changes([1.0, -1.0, 2.0, 0.0, -3.0]) == 2
    assert pictures.sign_changes([1.0]) == 0
    bowl = ill_conditioned_bowl()
    traj = gradient_descent(bowl, pictures.STARTS[0], 1.5 / bowl.smoothness, 5)
    z = pictures.steep_coordinate(traj, bowl)
    assert np.allclose(z[1:] / z[:-1], 1.0 - 1.5)
    with pytest.raises(ValueError, match="Quadratic"):
        pictures.steep_coordinate(traj, object())


def test_frame_contains_the_starts():
    (x0, x1), (y0, y1) = pictures.FRAME
    s = pictures.STARTS
    assert np.all((s[:, 0] > x0) & (s[:, 0] < x1) & (s[:, 1] > y0) & (s[:, 1] < y1))
