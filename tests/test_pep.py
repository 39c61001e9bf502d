"""gdflow.pep: certificates over function classes, and loud failure when the solver cannot give one."""

import numpy as np
import pytest

from gdflow import pep
from gdflow.pep import CertificateError, certify


def test_one_step_of_descent_is_the_known_closed_form():
    c = certify("gd", 1)
    assert c.worst_case == pytest.approx(1 / 6, rel=1e-6)
    assert c.primal == pytest.approx(c.worst_case, rel=pep.AGREEMENT)
    assert c.status == "optimal" and c.solver and c.relative_gap <= pep.AGREEMENT
    assert c.iterates.shape[0] == 2 and c.values.shape == (2,)
    assert certify("gd", 1) is c  # cached


def test_strongly_convex_distance_is_q_to_the_2n():
    mu = 0.2
    c = certify("gd", 3, criterion="distance", strong_convexity=mu)
    assert c.worst_case == pytest.approx((1 - mu) ** 6, rel=1e-6)


def test_low_rank_worst_case_of_descent_is_one_dimensional_and_huber_like():
    c = certify("gd", 4, low_rank=True)
    singular = np.linalg.svd(c.iterates, compute_uv=False)
    assert singular[1] < 1e-3 * singular[0]  # the worst case lives on a line
    steps = np.diff(np.linalg.norm(c.iterates, axis=1))
    assert np.allclose(steps, steps[0], rtol=1e-3)  # equal steps: a constant gradient, the linear part of a Huber


@pytest.mark.parametrize("kwargs, match", [
    (dict(method="newton", horizon=1), "method"),
    (dict(method="gd", horizon=0), "horizon"),
    (dict(method="gd", horizon=1, criterion="loss"), "criterion"),
    (dict(method="gd", horizon=1, step=2.0), "step"),
    (dict(method="gd", horizon=1, step=-1.0), "step"),
    (dict(method="gd", horizon=1, strong_convexity=1.0), "strong_convexity"),
    (dict(method="gd", horizon=1, smoothness=None), "smoothness"),
    (dict(method="heavy_ball", horizon=1), "momentum"),
    (dict(method="heavy_ball", horizon=1, momentum=1.0), "momentum"),
    (dict(method="gd", horizon=1, momentum=0.5), "momentum"),
    (dict(method="proximal", horizon=1, smoothness=None, strong_convexity=0.1), "strong_convexity"),
    (dict(method="gd", horizon=1, function_class="lipschitz"), "function_class"),
    (dict(method="gd", horizon=1, initial="value"), "initial"),
    (dict(method="gd", horizon=1, function_class="smooth", strong_convexity=0.1), "'smooth'"),
    (dict(method="nesterov", horizon=1, function_class="smooth", criterion="change"), "'smooth'"),
    (dict(method="gd", horizon=1, function_class="smooth"), "needs a minimiser"),
    (dict(method="proximal", horizon=1, smoothness=None, function_class="quadratic"), "gradient method"),
])
def test_bad_input_is_named(kwargs, match):
    with pytest.raises(ValueError, match=match):
        certify(**kwargs)


@pytest.fixture
def fake_solver(monkeypatch):
    """Replace PEPit's solve by one that reports ``status``, dual 0.25 and primal 0.2 (and clear
    the certificate cache around the test)."""
    from PEPit import PEP

    def install(status):
        def fake_solve(self, **options):
            prob = type("P", (), {"status": status})()
            self.wrapper = type("W", (), {"prob": prob, "objective": type("O", (), {"value": 0.2})(),
                                          "solver_name": options["solver"]})()
            return 0.25

        monkeypatch.setattr(PEP, "solve", fake_solve)

    pep._certify.cache_clear()
    yield install
    pep._certify.cache_clear()


def test_a_solver_that_never_answers_well_is_an_error_with_the_numbers(fake_solver):
    # every solver reports an inaccurate solution: no number comes back, the error names both tries
    fake_solver("optimal_inaccurate")
    with pytest.raises(CertificateError, match=r"CLARABEL: status 'optimal_inaccurate', dual 0.25.*\| SCS"):
        certify("gd", 2)


def test_primal_and_dual_far_apart_is_an_error(fake_solver):
    fake_solver("optimal")
    with pytest.raises(CertificateError, match=r"disagree.*dual 0.25, primal 0.2"):
        certify("gd", 2)


def test_an_inaccurate_first_solver_falls_back_visibly():
    # on this program Clarabel reports an inaccurate solution; SCS answers and the certificate says so
    c = certify("gd", 3, criterion="f_gap", strong_convexity=0.1, step=2 / 1.1)
    if c.solver == "CLARABEL":
        pytest.skip("Clarabel answered this program accurately on this machine")
    assert c.solver == "SCS" and "CLARABEL" in c.fallbacks[0]
    assert c.worst_case == pytest.approx(0.5 * (0.9 / 1.1) ** 6, rel=1e-6)


@pytest.fixture
def fake_low_rank(monkeypatch):
    """PEPit's solve, answering the plain program accurately (dual 0.25, primal 0.25) and the
    low-rank search as ``answer(tolerance)`` says: a status and a primal value."""
    from PEPit import PEP

    def install(answer):
        def fake_solve(self, **options):
            tol = options.get("tol_dimension_reduction")
            status, primal = ("optimal", 0.25) if tol is None else answer(options["solver"], tol)
            prob = type("P", (), {"status": status})()
            self.wrapper = type("W", (), {"prob": prob, "objective": type("O", (), {"value": primal})(),
                                          "solver_name": options["solver"]})()
            return 0.25

        monkeypatch.setattr(PEP, "solve", fake_solve)
        monkeypatch.setattr("PEPit.point.Point.eval", lambda self: np.zeros(1))
        monkeypatch.setattr("PEPit.expression.Expression.eval", lambda self: 0.0)

    pep._certify.cache_clear()
    yield install
    pep._certify.cache_clear()


def test_low_rank_search_loosens_its_tolerance_visibly(fake_low_rank):
    # the smallest tolerance is reported inaccurate (as Clarabel does for some horizons on some
    # machines); the next one answers, the certified value is the plain solve's, and the
    # certificate lists the attempt that failed
    fake_low_rank(lambda solver, tol: ("optimal_inaccurate", 0.25) if tol < 1e-6 else ("optimal", 0.25 - tol))
    c = certify("proximal", 3, smoothness=None, low_rank=True)
    assert c.worst_case == 0.25 and c.primal == 0.25 and c.status == "optimal"
    assert len(c.fallbacks) == 1 and "CLARABEL (tolerance 1e-07): status 'optimal_inaccurate'" in c.fallbacks[0]


def test_low_rank_search_that_never_succeeds_is_an_error(fake_low_rank):
    fake_low_rank(lambda solver, tol: ("optimal_inaccurate", 0.25))
    with pytest.raises(CertificateError, match=r"\(low rank\).*SCS \(tolerance 1e-05\)"):
        certify("proximal", 3, smoothness=None, low_rank=True)


def test_low_rank_worst_case_far_below_the_certified_value_is_rejected(fake_low_rank):
    # an "optimal" low-rank solve whose value falls short by more than its tolerance is not a worst case
    fake_low_rank(lambda solver, tol: ("optimal", 0.2))
    with pytest.raises(CertificateError, match=r"is not within 1e-07 of the certified 0.25"):
        certify("proximal", 3, smoothness=None, low_rank=True)
