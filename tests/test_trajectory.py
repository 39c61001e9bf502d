import numpy as np
import pytest

from gdflow.trajectory import Trajectory


def test_distances_and_gaps():
    traj = Trajectory(np.array([0.0, 1.0]), np.array([[3.0, 4.0], [0.0, 0.0]]),
                      np.array([5.0, 1.0]), "test")
    assert np.allclose(traj.distances([0.0, 0.0]), [5.0, 0.0])
    assert np.allclose(traj.gaps(1.0), [4.0, 0.0])
    assert list(traj.steps) == [0, 1] and len(traj) == 2


def test_shapes_must_agree():
    with pytest.raises(ValueError, match="share their first axis"):
        Trajectory(np.zeros(2), np.zeros((3, 1)), np.zeros(2), "bad")
