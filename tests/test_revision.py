"""The revision policy: each failed check maps to concrete changes, and the camera honours them."""

from __future__ import annotations

import numpy as np
import pytest

from storyreel.agent.revision import choose_revision, revision_options
from storyreel.schema import (
    Action,
    CameraMove,
    Character,
    CheckResult,
    LineOfAction,
    Location,
    LocationKind,
    RevisionAction,
    Shot,
    ShotDirection,
    ShotSize,
    Storyboard,
    Verb,
)
from storyreel.tools.camera import direct_camera
from storyreel.tools.line_of_action import line_of_action, side_of
from storyreel.tools.scene import build_world
from storyreel.world.world import World

SHOT = Shot(id="s1", location="park", duration=2.0, subjects=["mia"], size=ShotSize.MEDIUM, move=CameraMove.PAN)


def failed(name: str) -> CheckResult:
    return CheckResult(name=name, shot_id="s1", score=0.0, threshold=1.0, higher_is_better=True, passed=False)


def actions(name: str, direction: ShotDirection | None = None, **kwargs: object) -> list[RevisionAction]:
    options = revision_options([failed(name)], direction or ShotDirection(), SHOT, **kwargs)  # type: ignore[arg-type]
    return [option.revision.action for option in options]


def test_each_failure_maps_to_its_changes() -> None:
    A = RevisionAction
    assert actions("subjects_framed") == [A.RESEED_CAMERA, A.STAND_BACK, A.WIDER_SHOT, A.TIGHTER_SHOT, A.FOLLOW_SUBJECT]
    assert actions("occlusion") == [A.RAISE_CAMERA, A.MOVE_CAMERA, A.RESEED_CAMERA]
    assert actions("camera_jerk") == [A.STEADY_CAMERA, A.STAND_BACK, A.RESEED_CAMERA]
    assert actions("camera_jerk", used=[A.STEADY_CAMERA]) == [A.STAND_BACK, A.RESEED_CAMERA, A.STEADY_CAMERA]
    assert actions("rule_180", keep=(-1, None)) == [A.CROSS_BACK]
    assert actions("flicker", renderer="diffusion") == [A.STRONGER_CONSISTENCY, A.KEYFRAME_MODE]
    assert actions("identity", renderer="diffusion") == [A.TIGHTEN_PROMPT, A.RESEED_RENDER]


def test_the_change_a_suggestion_names_comes_first() -> None:
    check = failed("subjects_framed").model_copy(update={"suggestion": "wider-shot: film full to keep mia whole"})
    options = revision_options([check], ShotDirection(), SHOT)
    assert [o.revision.action for o in options][:2] == [RevisionAction.WIDER_SHOT, RevisionAction.RESEED_CAMERA]
    assert options[0].direction.size == ShotSize.FULL
    back = revision_options([failed("subjects_framed")], ShotDirection(size=ShotSize.MEDIUM_CLOSE_UP), SHOT)
    tighter_back = next(o for o in back if o.revision.action == RevisionAction.WIDER_SHOT)
    assert tighter_back.direction.size is None  # the storyboard's own size again
    assert tighter_back.revision.change == "shot size medium-close-up -> medium"


def test_changes_the_setup_cannot_make_are_not_offered() -> None:
    assert actions("flicker") == []  # the raster renderer has no consistency knobs
    assert actions("identity") == []
    assert actions("rule_180") == []  # no side to go back to
    widest = ShotDirection(size=ShotSize.EXTREME_WIDE, distance_scale=2.197, move=CameraMove.TRACK)
    assert actions("subjects_framed", widest) == [RevisionAction.RESEED_CAMERA, RevisionAction.TIGHTER_SHOT]


def test_tried_directions_are_not_offered_again() -> None:
    first = revision_options([failed("occlusion")], ShotDirection(), SHOT)
    raised = first[0].direction
    assert raised.elevation_offset == 15.0
    again = revision_options([failed("occlusion")], raised, SHOT, tried=[ShotDirection()])
    assert again[0].direction.elevation_offset == 30.0
    assert all(o.direction != ShotDirection() for o in again)


def test_the_policy_takes_the_first_change_and_says_what_changed() -> None:
    both = [failed("subjects_framed"), failed("camera_jerk")]
    chosen = choose_revision(revision_options(both, ShotDirection(), SHOT))
    assert chosen is not None
    assert chosen.revision.check == "subjects_framed" and chosen.revision.change == "camera seed 0 -> 1"
    wider = revision_options([failed("rule_30")], ShotDirection(azimuth_offset=80.0), SHOT)
    assert [o.revision.change for o in wider][:1] == ["camera swung +80 -> -80 degrees round the subject"]
    assert choose_revision([]) is None


def _mia_and_rex() -> tuple[Shot, World]:
    shot = Shot(
        id="s1",
        location="park",
        duration=2.0,
        subjects=["mia", "rex"],
        actions=[Action(actor="mia", verb=Verb.WALK)],
        size=ShotSize.FULL,
    )
    board = Storyboard(
        title="t",
        cast=[Character(id="mia", name="Mia", kind="person"), Character(id="rex", name="Rex", kind="dog")],
        locations=[Location(id="park", name="park", kind=LocationKind.FIELD)],
        shots=[shot],
    )
    return shot, build_world(board, "park", seed=0)


@pytest.mark.parametrize("side", [-1, 1])
def test_the_camera_keeps_the_side_of_the_line_it_is_sent_to(side: int) -> None:
    shot, world = _mia_and_rex()
    line = line_of_action(world, ["mia", "rex"], 0.0)
    assert line is not None
    path = direct_camera(world, shot, start=0.0, fps=8, aspect=16 / 9, direction=ShotDirection(side=side))
    assert side_of(line, np.asarray(path.positions[0])) == side
    unsided = direct_camera(world, shot, start=0.0, fps=8, aspect=16 / 9)
    assert path.positions != unsided.positions or side_of(line, np.asarray(unsided.positions[0])) == side


@pytest.mark.parametrize("side", [-1, 1])
def test_a_side_of_another_shots_line_is_kept_too(side: int) -> None:
    """A previous shot's line across this one's (a bus passing, then the taxi alone): the side is of that line."""
    shot, world = _mia_and_rex()
    own = line_of_action(world, ["mia", "rex"], 0.0)
    assert own is not None
    across = LineOfAction(subjects=["bus"], origin=own.origin, direction=(own.direction[2], 0.0, -own.direction[0]))
    path = direct_camera(world, shot, start=0.0, fps=8, aspect=16 / 9, direction=ShotDirection(side=side, line=across))
    assert side_of(across, np.asarray(path.positions[0])) == side
    keep = (side, across)
    crossed = revision_options([failed("rule_180")], ShotDirection(), SHOT, keep=keep)
    assert [(o.direction.side, o.direction.line) for o in crossed] == [keep]
    assert crossed[0].revision.change == f"camera back on side {side:+d} of the line of bus's travel"
