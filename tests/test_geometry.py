import numpy as np
import pytest

from storyreel import geometry


def test_quaternion_round_trip():
    rotation = geometry.look_at_rotation(np.array([3.0, 2.0, 5.0]), np.array([0.0, 1.0, 0.0]))
    q = geometry.matrix_to_quaternion(rotation)
    assert np.linalg.norm(q) == pytest.approx(1.0)
    np.testing.assert_allclose(geometry.quaternion_to_matrix(q), rotation, atol=1e-9)


def test_look_at_puts_the_target_in_the_image_centre():
    eye, target = np.array([4.0, 3.0, 6.0]), np.array([0.5, 1.0, -1.0])
    q = geometry.matrix_to_quaternion(geometry.look_at_rotation(eye, target))
    view = geometry.view_matrix(eye, q)
    pixels, depth = geometry.project(target[None], view, geometry.perspective(50, 16 / 9), 1280, 720)
    np.testing.assert_allclose(pixels[0], [640, 360], atol=1e-6)
    assert depth[0] == pytest.approx(np.linalg.norm(target - eye))


def test_look_straight_down_is_stable():
    rotation = geometry.look_at_rotation(np.array([0.0, 10.0, 0.0]), np.zeros(3))
    assert np.all(np.isfinite(rotation))
    np.testing.assert_allclose(rotation @ [0, 0, -1], [0, -1, 0], atol=1e-9)


def test_batched_rotations_match_single():
    angles = np.array([0.0, 0.3, -1.2])
    np.testing.assert_allclose(geometry.rotations_y(angles)[1], geometry.rotation_y(0.3))
    np.testing.assert_allclose(geometry.rotations_axis(np.array([1.0, 0, 0]), angles)[2], geometry.rotation_x(-1.2))


def test_smooth_series_keeps_length_and_removes_jitter():
    rng = np.random.default_rng(0)
    values = np.linspace(0, 1, 50)[:, None] + rng.normal(0, 0.05, (50, 1))
    smooth = geometry.smooth_series(values, 9)
    assert smooth.shape == values.shape
    assert np.abs(np.diff(smooth, 2, axis=0)).mean() < np.abs(np.diff(values, 2, axis=0)).mean() / 3
