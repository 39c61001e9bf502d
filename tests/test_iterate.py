"""The loop shared by gradient descent, natural gradient descent, backward Euler and prox."""

import numpy as np
import pytest

from gdflow import _iterate
from gdflow.problems import Quadratic, ScalarQuadratic
from gdflow.trajectory import DivergenceError


def _run(**overrides):
    args = dict(objective=ScalarQuadratic(1.0), start=[1.0], step_size=0.5, num_steps=3,
                on_divergence="raise", divergence_threshold=1e100)
    args.update(overrides)
    return _iterate.prepare_run(**args)


def test_iterate_records_points_times_and_values():
    q = Quadratic([[2.0]])
    run = _iterate.prepare_run(q, [1.0], lambda k: 0.1 * (k + 1), 3, "raise", 1e100)
    traj = _iterate.iterate(q, run, lambda x, eta: x - eta * q.gradient(x), method="m")
    assert traj.method == "m" and not traj.diverged
    assert np.allclose(traj.times, [0.0, 0.1, 0.3, 0.6])
    assert np.allclose(traj.points[:, 0], [1.0, 0.8, 0.48, 0.192])
    assert np.allclose(traj.values, traj.points[:, 0] ** 2)


def test_divergence_is_raised_with_method_step_and_hint():
    run = _run(divergence_threshold=10.0, num_steps=10)
    with pytest.raises(DivergenceError, match=r"^m diverged at step 4 with step size 0.5: the iterate "
                                              r"is more than 10 from the start\. Try less\.$"):
        _iterate.iterate(ScalarQuadratic(1.0), run, lambda x, eta: 2 * x, method="m", hint="Try less.")


def test_divergence_can_stop_the_run():
    run = _run(divergence_threshold=10.0, num_steps=10, on_divergence="stop")
    traj = _iterate.iterate(ScalarQuadratic(1.0), run, lambda x, eta: 2 * x, method="m")
    assert traj.diverged and traj.points[:, 0].tolist() == [1.0, 2.0, 4.0, 8.0]
    nan_run = _iterate.iterate(ScalarQuadratic(1.0), run, lambda x, eta: x * np.nan, method="m")
    assert nan_run.diverged and len(nan_run) == 1


@pytest.mark.parametrize("overrides, message", [
    (dict(start=[np.nan]), "start"),
    (dict(num_steps=-1), "num_steps"),
    (dict(step_size=0.0), "step_size"),
    (dict(on_divergence="warn"), "on_divergence"),
    (dict(divergence_threshold=0.0), "divergence_threshold"),
])
def test_prepare_run_rejects_bad_arguments(overrides, message):
    with pytest.raises(ValueError, match=message):
        _run(**overrides)


def test_update_can_read_the_previous_point_and_the_step_index():
    seen = []

    def update(x, eta, previous, k):
        seen.append((k, float(previous[0])))
        return x + 1.0

    traj = _iterate.iterate(ScalarQuadratic(1.0), _run(num_steps=3), update, method="m", with_previous=True)
    assert seen == [(0, 1.0), (1, 1.0), (2, 2.0)]          # theta_{-1} = theta_0
    assert traj.points[:, 0].tolist() == [1.0, 2.0, 3.0, 4.0]


def test_fixed_clock_and_step_detail_in_the_divergence_message():
    run = _run(divergence_threshold=10.0, num_steps=10, on_divergence="stop")
    traj = _iterate.iterate(ScalarQuadratic(1.0), run, lambda x, eta: 2 * x, method="m", time_step=0.25)
    assert traj.times.tolist() == [0.0, 0.25, 0.5, 0.75]
    run = _run(divergence_threshold=10.0, num_steps=10)
    with pytest.raises(DivergenceError, match=r"^m diverged at step 4 with step size 0.5 and k = 3: the "):
        _iterate.iterate(ScalarQuadratic(1.0), run, lambda x, eta: 2 * x, method="m",
                         step_detail=lambda k: f" and k = {k}")
