"""The 3D math everything shares: rigid transforms, quaternions, look-at, projection, path smoothing.

Conventions (OpenGL's): right-handed world, +y up, ground at y = 0; a camera looks down its local -z with +y up.
Quaternions are (w, x, y, z). Matrices are 4x4, column vectors (``p' = M @ p``), stored row-major in numpy.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]
UP = np.array([0.0, 1.0, 0.0])


def translation(offset: Array) -> Array:
    matrix = np.eye(4)
    matrix[:3, 3] = offset
    return matrix


def rotation_x(angle: float) -> Array:
    c, s = np.cos(angle), np.sin(angle)
    return np.array([[1, 0, 0, 0], [0, c, -s, 0], [0, s, c, 0], [0, 0, 0, 1.0]])


def rotation_y(angle: float) -> Array:
    c, s = np.cos(angle), np.sin(angle)
    return np.array([[c, 0, s, 0], [0, 1, 0, 0], [-s, 0, c, 0], [0, 0, 0, 1.0]])


def rotations_y(angles: Array) -> Array:
    """Batched :func:`rotation_y`: (N,) angles -> (N, 4, 4)."""
    c, s = np.cos(angles), np.sin(angles)
    out = np.zeros((len(angles), 4, 4))
    out[:, 0, 0] = c
    out[:, 0, 2] = s
    out[:, 2, 0] = -s
    out[:, 2, 2] = c
    out[:, 1, 1] = 1.0
    out[:, 3, 3] = 1.0
    return out


def rotations_axis(axis: Array, angles: Array) -> Array:
    """Batched rotation about a unit ``axis`` by (N,) ``angles`` (Rodrigues) -> (N, 4, 4)."""
    x, y, z = axis / np.linalg.norm(axis)
    k = np.array([[0, -z, y], [z, 0, -x], [-y, x, 0]])
    k2 = k @ k
    s, c = np.sin(angles)[:, None, None], np.cos(angles)[:, None, None]
    out = np.zeros((len(angles), 4, 4))
    out[:, :3, :3] = np.eye(3) + s * k + (1 - c) * k2
    out[:, 3, 3] = 1.0
    return out


def yaw_towards(direction: Array) -> float:
    """Yaw (about +y) that turns an object's forward axis (+z) to face ``direction`` on the ground plane."""
    return float(np.arctan2(direction[0], direction[2]))


def look_at_rotation(eye: Array, target: Array, up: Array = UP) -> Array:
    """3x3 camera-to-world rotation whose -z looks from ``eye`` at ``target``."""
    forward = target - eye
    forward = forward / max(float(np.linalg.norm(forward)), 1e-9)
    if abs(float(np.dot(forward, up))) > 0.999:  # looking straight up or down: pick a stable side vector
        up = np.array([0.0, 0.0, -1.0]) if forward[1] < 0 else np.array([0.0, 0.0, 1.0])
    right = np.cross(forward, up)
    right /= np.linalg.norm(right)
    true_up = np.cross(right, forward)
    return np.stack([right, true_up, -forward], axis=1)


def matrix_to_quaternion(rotation: Array) -> Array:
    """3x3 rotation -> unit quaternion (w, x, y, z) with w >= 0."""
    m = rotation
    trace = m[0, 0] + m[1, 1] + m[2, 2]
    if trace > 0:
        s = 2.0 * np.sqrt(trace + 1.0)
        q = np.array([0.25 * s, (m[2, 1] - m[1, 2]) / s, (m[0, 2] - m[2, 0]) / s, (m[1, 0] - m[0, 1]) / s])
    elif m[0, 0] > m[1, 1] and m[0, 0] > m[2, 2]:
        s = 2.0 * np.sqrt(1.0 + m[0, 0] - m[1, 1] - m[2, 2])
        q = np.array([(m[2, 1] - m[1, 2]) / s, 0.25 * s, (m[0, 1] + m[1, 0]) / s, (m[0, 2] + m[2, 0]) / s])
    elif m[1, 1] > m[2, 2]:
        s = 2.0 * np.sqrt(1.0 + m[1, 1] - m[0, 0] - m[2, 2])
        q = np.array([(m[0, 2] - m[2, 0]) / s, (m[0, 1] + m[1, 0]) / s, 0.25 * s, (m[1, 2] + m[2, 1]) / s])
    else:
        s = 2.0 * np.sqrt(1.0 + m[2, 2] - m[0, 0] - m[1, 1])
        q = np.array([(m[1, 0] - m[0, 1]) / s, (m[0, 2] + m[2, 0]) / s, (m[1, 2] + m[2, 1]) / s, 0.25 * s])
    q /= np.linalg.norm(q)
    return q if q[0] >= 0 else -q


def quaternion_to_matrix(q: Array) -> Array:
    """Unit quaternion (w, x, y, z) -> 3x3 rotation."""
    w, x, y, z = np.asarray(q, dtype=float) / np.linalg.norm(q)
    return np.array(
        [
            [1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
            [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
            [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)],
        ]
    )


def view_matrix(position: Array, orientation: Array) -> Array:
    """World-to-camera 4x4 of a camera at ``position`` turned by ``orientation``."""
    rotation = quaternion_to_matrix(orientation)
    view = np.eye(4)
    view[:3, :3] = rotation.T
    view[:3, 3] = -rotation.T @ np.asarray(position, dtype=float)
    return view


def perspective(fov_y_deg: float, aspect: float, near: float = 0.1, far: float = 500.0) -> Array:
    """OpenGL perspective projection."""
    f = 1.0 / np.tan(np.radians(fov_y_deg) / 2.0)
    return np.array(
        [
            [f / aspect, 0, 0, 0],
            [0, f, 0, 0],
            [0, 0, (far + near) / (near - far), 2 * far * near / (near - far)],
            [0, 0, -1, 0],
        ]
    )


def project(points: Array, view: Array, projection: Array, width: int, height: int) -> tuple[Array, Array]:
    """World points (N, 3) -> pixel coordinates (N, 2; origin top-left, x right, y down) and camera depth (N,),
    positive in front of the camera."""
    homogeneous = np.c_[points, np.ones(len(points))]
    camera = homogeneous @ view.T
    clip = camera @ projection.T
    w = np.where(np.abs(clip[:, 3]) < 1e-9, 1e-9, clip[:, 3])
    ndc = clip[:, :2] / w[:, None]
    pixels = np.c_[(ndc[:, 0] + 1) * 0.5 * width, (1 - ndc[:, 1]) * 0.5 * height]
    return pixels, -camera[:, 2]


def smoothstep(t: Array | float) -> Array:
    """Ease-in-out on [0, 1]: zero velocity at both ends, so moves start and stop without a jolt."""
    t = np.clip(t, 0.0, 1.0)
    return t * t * (3 - 2 * t)


def smooth_series(values: Array, window: int) -> Array:
    """Centred moving average along axis 0, the ends padded by point reflection (a steady motion runs on through
    them, so the average does not slow down and kink near the ends); ``window`` <= 1 returns a copy."""
    if window <= 1 or len(values) < 3:
        return np.array(values, dtype=float)
    values = np.asarray(values, dtype=float)
    window = min(window, len(values) if len(values) % 2 else len(values) - 1)
    pad = window // 2
    head = 2 * values[:1] - values[pad:0:-1]
    tail = 2 * values[-1:] - values[-2 : -pad - 2 : -1]
    padded = np.concatenate([head, values, tail])
    kernel = np.ones(window) / window
    return np.apply_along_axis(lambda column: np.convolve(column, kernel, mode="valid"), 0, padded)
