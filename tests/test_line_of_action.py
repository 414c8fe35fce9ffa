"""The line of action of a hand-built world: between two subjects, along one subject's travel, or none; and which
side of it a point lies on."""

from __future__ import annotations

import numpy as np
import pytest
import trimesh

from storyreel.schema import LineOfAction, Location
from storyreel.tools.line_of_action import MIN_SEPARATION, angle_from, line_of_action, side_of
from storyreel.world.rig import Asset, Part, Track
from storyreel.world.world import World, WorldObject


def box() -> Asset:
    return Asset("box", [Part("box", trimesh.creation.box(extents=(0.5, 1.0, 0.5)), (0.5, 0.5, 0.5))])


def world(*objects: tuple[str, Track]) -> World:
    return World(
        location=Location(id="yard", name="yard"),
        objects=[WorldObject(name, box(), track, index) for index, (name, track) in enumerate(objects, start=1)],
        environment=[],
        sky_top=(0.2, 0.4, 0.8),
        sky_horizon=(0.7, 0.8, 0.9),
        sun_direction=np.array([0.0, 1.0, 0.0]),
        sun_color=(1.0, 1.0, 1.0),
        ambient=0.3,
        duration=4.0,
    )


def walking(start: tuple[float, float, float], end: tuple[float, float, float]) -> Track:
    """From ``start`` at 0 s to ``end`` at 4 s."""
    return Track(times=np.array([0.0, 4.0]), positions=np.array([start, end]), yaws=np.zeros(2))


def still(x: float, z: float) -> Track:
    return Track.still(np.array([x, 0.0, z]))


def test_line_runs_between_the_first_two_subjects() -> None:
    scene = world(("mia", still(-1.0, 0.0)), ("rex", still(1.0, 0.0)), ("ball", still(0.0, 3.0)))
    line = line_of_action(scene, ["mia", "rex", "ball"], 1.0)
    assert line is not None and line.subjects == ["mia", "rex"]
    np.testing.assert_allclose(line.origin, (0.0, 0.0, 0.0), atol=1e-9)
    np.testing.assert_allclose(line.direction, (1.0, 0.0, 0.0), atol=1e-9)
    assert line_of_action(scene, ["rex", "mia"], 1.0) == line  # whichever shot names the pair first: same sides


def test_subjects_missing_from_the_world_are_skipped() -> None:
    scene = world(("mia", still(0.0, -2.0)), ("rex", still(0.0, 2.0)))
    line = line_of_action(scene, ["ghost", "mia", "rex"], 0.0)
    assert line is not None and line.subjects == ["mia", "rex"]
    np.testing.assert_allclose(line.direction, (0.0, 0.0, 1.0), atol=1e-9)


def test_a_lone_subject_gives_its_direction_of_travel() -> None:
    scene = world(("rex", walking((0.0, 0.0, 0.0), (0.0, 0.0, -4.0))))
    line = line_of_action(scene, ["rex"], 2.0)
    assert line is not None and line.subjects == ["rex"]
    np.testing.assert_allclose(line.direction, (0.0, 0.0, -1.0), atol=1e-9)
    np.testing.assert_allclose(line.origin, (0.0, 0.0, -2.0), atol=1e-9)  # where rex is at 2 s


def test_subjects_on_top_of_each_other_fall_back_to_travel() -> None:
    """A cat sitting on a moving cart: no line between them, the cart's travel instead."""
    scene = world(("cart", walking((0.0, 0.0, 0.0), (4.0, 0.0, 0.0))), ("cat", still(2.0 + MIN_SEPARATION / 3, 0.0)))
    line = line_of_action(scene, ["cart", "cat"], 2.0)
    assert line is not None and line.subjects == ["cart"]
    np.testing.assert_allclose(line.direction, (1.0, 0.0, 0.0), atol=1e-9)


def test_still_or_absent_subjects_have_no_line() -> None:
    scene = world(("rex", still(0.0, 0.0)))
    assert line_of_action(scene, ["rex"], 1.0) is None
    assert line_of_action(scene, [], 1.0) is None
    assert line_of_action(scene, ["ghost"], 1.0) is None


LINE = LineOfAction(subjects=["mia", "rex"], origin=(0.0, 0.0, 0.0), direction=(1.0, 0.0, 0.0))


@pytest.mark.parametrize(
    ("point", "side", "angle"),
    [
        ((0.0, 1.6, -5.0), 1, 90.0),  # looking along +x with +y up, -z is on the left
        ((0.0, 1.6, 5.0), -1, -90.0),
        ((5.0, 1.6, -5.0), 1, 45.0),
        ((-5.0, 0.0, 5.0), -1, -45.0),
        ((10.0, 3.0, 0.0), 1, 0.0),  # on the line: counted left, and looking along it
    ],
)
def test_side_and_angle_of_a_point(point: tuple[float, float, float], side: int, angle: float) -> None:
    assert side_of(LINE, point) == side
    assert angle_from(LINE, point) == pytest.approx(angle, abs=1e-9)


def test_a_point_mirrored_across_the_line_changes_side() -> None:
    rng = np.random.default_rng(0)
    line = LineOfAction(subjects=["rex"], origin=(1.0, 0.0, 2.0), direction=(0.6, 0.0, 0.8))
    left = np.array([0.8, 0.0, -0.6])
    for point in rng.uniform(-10, 10, (20, 3)):
        mirrored = point - 2 * np.dot(left, point - np.asarray(line.origin)) * left
        assert side_of(line, mirrored) == -side_of(line, point)
        assert angle_from(line, mirrored) == pytest.approx(-angle_from(line, point), abs=1e-9)
