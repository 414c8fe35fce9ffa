"""What a camera shows of the world: points projected into the frame, pixel extents, and the shot sizes either side
of one; shared by the checks."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from storyreel import geometry
from storyreel.geometry import Array
from storyreel.schema import CameraPath, ShotSize


def project(path: CameraPath, frame: int, aspect: float, points: Array) -> tuple[Array, Array]:
    """``points`` seen by the camera at ``frame``: normalised device coordinates (x right, y up) and depth."""
    view = geometry.view_matrix(np.asarray(path.positions[frame]), np.asarray(path.orientations[frame]))
    projection = geometry.perspective(path.fov_y[frame], aspect)
    pixels, depth = geometry.project(points, view, projection, 2, 2)
    return np.stack([pixels[:, 0] - 1.0, 1.0 - pixels[:, 1]], axis=1), depth


def extent(occupied: NDArray[np.bool_]) -> NDArray[np.intp]:
    """Per frame, from (N, L) occupancy along one axis: how many pixels the occupied span covers (0 if none)."""
    length = occupied.shape[1]
    first = np.argmax(occupied, axis=1)
    last = length - 1 - np.argmax(occupied[:, ::-1], axis=1)
    return np.where(occupied.any(axis=1), last - first + 1, 0)


def wider(size: ShotSize) -> ShotSize:
    """The next wider shot size (extreme-wide stays)."""
    order = list(ShotSize)
    return order[max(order.index(size) - 1, 0)]


def tighter(size: ShotSize) -> ShotSize:
    """The next tighter shot size (extreme-close-up stays)."""
    order = list(ShotSize)
    return order[min(order.index(size) + 1, len(order) - 1)]
