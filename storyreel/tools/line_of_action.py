"""The line of action at a moment of a world, and which side of it a camera stands on.

The line runs between the two main subjects, or, with one subject (or two on top of each other), along the way
the subject travels. Cutting between cameras on opposite sides of it flips every screen direction (the 180-degree
rule): a director keeps the camera on one :func:`side_of` it, and the continuity checks measure how far a cut took
the camera across (:func:`angle_from`). Everything lies on the ground plane: heights do not matter.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from storyreel.geometry import Array
from storyreel.schema import LineOfAction
from storyreel.world.world import World

MIN_SEPARATION = 0.3  # m: subjects closer than this (a cat on a bench, a rider on a horse) span no line
MIN_SPEED = 0.25  # m/s: a slower subject (standing, turning on the spot) has no direction of travel
TRAVEL_WINDOW = 0.5  # s: the direction of travel is the displacement over this long, centred on the moment


def line_of_action(world: World, subjects: Sequence[str], time: float) -> LineOfAction | None:
    """The line between the first two of ``subjects`` found in ``world`` at ``time``; failing that, the first
    one's direction of travel; failing that (a still subject, no subject), None. A line between two runs from the
    name first in alphabetical order to the other, so a pair gives the same line, and the same sides, whichever
    shot names it first."""
    present = [name for name in subjects if name in {obj.name for obj in world.objects}]
    if len(present) >= 2:
        pair = sorted(present[:2])
        first, second = (_ground(world.object(name).center(time)) for name in pair)
        if np.linalg.norm(second - first) >= MIN_SEPARATION:
            return _line(pair, (first + second) / 2, second - first)
    if present:
        subject = world.object(present[0])
        positions, _ = subject.track.sample(np.array([time - TRAVEL_WINDOW / 2, time + TRAVEL_WINDOW / 2]))
        travel = _ground(positions[1] - positions[0])
        if np.linalg.norm(travel) >= MIN_SPEED * TRAVEL_WINDOW:
            return _line(present[:1], _ground(subject.center(time)), travel)
    return None


def side_of(line: LineOfAction, point: Sequence[float] | Array) -> int:
    """1 when ``point`` lies left of ``line`` looking along its direction (or on it), -1 when right."""
    return 1 if _across(line, point) >= 0.0 else -1


def angle_from(line: LineOfAction, point: Sequence[float] | Array) -> float:
    """Signed angle (degrees, -90..90) at the line's origin between the line and ``point``, positive on the left:
    90 faces the line square on, near 0 looks along it (a neutral view, on neither side)."""
    offset = _ground(np.asarray(point, dtype=float)) - np.asarray(line.origin)
    reach = float(np.linalg.norm(offset))
    if reach < 1e-9:
        return 0.0
    return float(np.degrees(np.arcsin(np.clip(_across(line, point) / reach, -1.0, 1.0))))


def _across(line: LineOfAction, point: Sequence[float] | Array) -> float:
    """How far (m) ``point`` lies left of ``line``: along up x direction, which is left when looking along it."""
    direction = np.asarray(line.direction)
    left = np.array([direction[2], 0.0, -direction[0]])
    return float(np.dot(left, _ground(np.asarray(point, dtype=float)) - np.asarray(line.origin)))


def _ground(point: Array) -> Array:
    return np.array([point[0], 0.0, point[2]], dtype=float)


def _line(subjects: list[str], origin: Array, direction: Array) -> LineOfAction:
    unit = direction / np.linalg.norm(direction)
    return LineOfAction(
        subjects=subjects,
        origin=(float(origin[0]), 0.0, float(origin[2])),
        direction=(float(unit[0]), 0.0, float(unit[2])),
    )
