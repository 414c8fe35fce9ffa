"""The revision policy: what to change about a shot when one of its checks fails.

Each failed check maps to an ordered list of concrete changes (:class:`~storyreel.schema.RevisionAction`), led by
the one its suggestion names (the checks know whether a subject is too small or cut by the edge), and each change
to a new :class:`~storyreel.schema.ShotDirection`:

- framing -> another camera seed, more room, another shot size, or a camera that follows a subject it lost;
- occlusion -> a raised or swung camera; jerk -> a steady camera (an aim that jolts: one farther back);
- a crossed line of action -> the camera back on the previous shot's side; where the shot owes a face, a neutral
  view instead: the camera on the line, at the end the face looks to (where the face looks across the line, the
  face wins, and rule_180 is reported as failed rather than traded away in silence);
- a subject the sentence names but the frame lost -> a wider size or more room (one hidden: a raised or swung
  camera); a face not seen -> the camera in front of it; an action out of frame or too small -> a camera that
  follows it, or another size;
- flicker and identity drift -> stronger consistency, keyframes, another seed or a tighter prompt, which only the
  diffusion renderer has.

:func:`revision_options` lists every change that applies and has not been tried; the deterministic policy takes
the first (:func:`choose_revision`), an LLM chooses among the same list (``revision_llm.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from storyreel.schema import (
    CameraMove,
    CheckResult,
    LineOfAction,
    Renderer,
    Revision,
    RevisionAction,
    Shot,
    ShotDirection,
    ShotSize,
)

A = RevisionAction

#: Per check, the changes that address it, most promising first. Checks not named here have no revision. The order
#: of the checks is their precedence: the one measured on the world's exact geometry (framing) speaks before the
#: one measured on pixels (subjects_framed), continuity before both.
ACTIONS: dict[str, tuple[RevisionAction, ...]] = {
    "face_shown": (A.FACE_SUBJECT, A.MOVE_CAMERA, A.RESEED_CAMERA),
    "rule_180": (A.CROSS_BACK,),
    "all_subjects_shown": (A.WIDER_SHOT, A.STAND_BACK, A.TIGHTER_SHOT, A.RESEED_CAMERA, A.RAISE_CAMERA, A.MOVE_CAMERA),
    "action_shown": (A.FOLLOW_SUBJECT, A.WIDER_SHOT, A.TIGHTER_SHOT, A.RESEED_CAMERA),
    "framing": (A.RESEED_CAMERA, A.STAND_BACK, A.WIDER_SHOT, A.TIGHTER_SHOT, A.STEADY_CAMERA, A.FOLLOW_SUBJECT),
    "occlusion": (A.RAISE_CAMERA, A.MOVE_CAMERA, A.RESEED_CAMERA),
    "subjects_framed": (A.RESEED_CAMERA, A.STAND_BACK, A.WIDER_SHOT, A.TIGHTER_SHOT, A.FOLLOW_SUBJECT),
    "not_blank": (A.RESEED_CAMERA, A.STAND_BACK),
    "camera_jerk": (A.STEADY_CAMERA, A.STAND_BACK, A.RESEED_CAMERA),
    "rule_30": (A.MOVE_CAMERA, A.WIDER_SHOT, A.TIGHTER_SHOT),
    "flicker": (A.STRONGER_CONSISTENCY, A.KEYFRAME_MODE),
    "warp_error": (A.STRONGER_CONSISTENCY, A.KEYFRAME_MODE),
    "flow_consistency": (A.KEYFRAME_MODE, A.STRONGER_CONSISTENCY),
    "identity": (A.TIGHTEN_PROMPT, A.RESEED_RENDER),
}
#: Changes only the diffusion renderer can make (both camera directors honour every placement change: the RL
#: policy corrects the baseline's path).
DIFFUSION_ACTIONS = frozenset({A.STRONGER_CONSISTENCY, A.KEYFRAME_MODE, A.RESEED_RENDER, A.TIGHTEN_PROMPT})
#: Changes that re-render without directing the camera again.
RENDER_ACTIONS = DIFFUSION_ACTIONS

STAND_BACK_FACTOR = 1.3  # each stand-back gives the subjects 30 % more room
MAX_DISTANCE_SCALE = 2.5
RAISE_STEP = 15.0  # degrees per raise
MAX_RAISE = 45.0
SWINGS = (40.0, -40.0, 80.0, -80.0)  # azimuth offsets tried in turn, degrees
MAX_CONSISTENCY = 3


@dataclass(frozen=True)
class RevisionOption:
    """One change the agent may make: the revision as reported, and the direction it leads to."""

    revision: Revision
    direction: ShotDirection


def revision_options(
    failed: Sequence[CheckResult],
    direction: ShotDirection,
    shot: Shot,
    *,
    renderer: Renderer = Renderer.RASTER,
    keep: tuple[int, LineOfAction | None] = (0, None),
    tried: Sequence[ShotDirection] = (),
    used: Sequence[RevisionAction] = (),
) -> list[RevisionOption]:
    """Every change that addresses one of the ``failed`` checks, in the checks' precedence and then each check's
    preference, leaving out those the renderer cannot make and those that lead back to a
    direction already ``tried``. Kinds of change already ``used`` on this shot go after the others: the checks
    still fail after them. ``keep`` is the side a crossed line goes back to, and the line it is a side of (None:
    the shot's own line of action)."""
    seen = [*tried, direction]
    options: list[RevisionOption] = []
    precedence = list(ACTIONS)
    for check in sorted(failed, key=lambda c: precedence.index(c.name) if c.name in precedence else len(precedence)):
        for action in dict.fromkeys([*_suggested(check), *ACTIONS.get(check.name, ())]):
            if action in DIFFUSION_ACTIONS and renderer != Renderer.DIFFUSION:
                continue
            revised = _apply(action, direction, shot, keep)
            if revised is None or revised in seen:
                continue
            seen.append(revised)
            change = _describe(action, direction, revised, shot)
            options.append(RevisionOption(Revision(check=check.name, action=action, change=change), revised))
    return sorted(options, key=lambda option: option.revision.action in used)


def _suggested(check: CheckResult) -> list[RevisionAction]:
    """The change a check's suggestion leads with ("wider-shot: keep the ball whole in frame"), if it names one."""
    head = check.suggestion.split(":", 1)[0].strip()
    return [RevisionAction(head)] if head in RevisionAction._value2member_map_ else []


def choose_revision(options: Sequence[RevisionOption]) -> RevisionOption | None:
    """The deterministic policy: the first option, i.e. the most promising change for the first failed check."""
    return options[0] if options else None


def _apply(
    action: RevisionAction, direction: ShotDirection, shot: Shot, keep: tuple[int, LineOfAction | None]
) -> ShotDirection | None:
    """The direction after ``action``, or None when it cannot be made (no wider size than extreme-wide, ...)."""
    size = direction.size or shot.size
    update: dict[str, object]
    match action:
        case A.RESEED_CAMERA:
            update = {"camera_seed": direction.camera_seed + 1}
        case A.WIDER_SHOT | A.TIGHTER_SHOT:
            sizes = list(ShotSize)
            index = sizes.index(size) + (-1 if action == A.WIDER_SHOT else 1)
            if not 0 <= index < len(sizes):
                return None
            update = {"size": sizes[index]}
        case A.STAND_BACK:
            if direction.distance_scale * STAND_BACK_FACTOR > MAX_DISTANCE_SCALE:
                return None
            update = {"distance_scale": round(direction.distance_scale * STAND_BACK_FACTOR, 4)}
        case A.RAISE_CAMERA:
            if direction.elevation_offset + RAISE_STEP > MAX_RAISE:
                return None
            update = {"elevation_offset": direction.elevation_offset + RAISE_STEP}
        case A.MOVE_CAMERA:
            later = [swing for swing in SWINGS if swing not in _swung(direction)]
            if not later:
                return None
            update = {"azimuth_offset": later[0]}
        case A.STEADY_CAMERA:
            if (direction.move or shot.move) == CameraMove.STATIC:
                return None
            update = {"move": CameraMove.STATIC}
        case A.FOLLOW_SUBJECT:
            if (direction.move or shot.move) == CameraMove.TRACK:
                return None
            update = {"move": CameraMove.TRACK}
        case A.CROSS_BACK:  # with an owed face: a neutral view, never the back of the face
            side, line = keep
            if side == 0 or (direction.side, direction.line) == keep:
                return None
            update = {"side": side, "line": line}
        case A.FACE_SUBJECT:
            if direction.face:
                return None
            update = {"face": True, "azimuth_offset": 0.0}  # in front of the face (neutral on a kept side)
        case A.STRONGER_CONSISTENCY:
            if direction.consistency >= MAX_CONSISTENCY:
                return None
            update = {"consistency": direction.consistency + 1}
        case A.KEYFRAME_MODE:
            if direction.keyframes:
                return None
            update = {"keyframes": True}
        case A.RESEED_RENDER:
            update = {"render_seed": direction.render_seed + 1}
        case A.TIGHTEN_PROMPT:
            if direction.tight_prompt:
                return None
            update = {"tight_prompt": True}
    revised = direction.model_copy(update=update)
    # A size or move back at the storyboard's is no override: so a change that undoes another is seen as tried.
    if revised.size == shot.size:
        revised = revised.model_copy(update={"size": None})
    if revised.move == shot.move:
        revised = revised.model_copy(update={"move": None})
    return revised


def _swung(direction: ShotDirection) -> tuple[float, ...]:
    """The swings already used: every one up to the current offset in ``SWINGS`` order."""
    if direction.azimuth_offset not in SWINGS:
        return ()
    return SWINGS[: SWINGS.index(direction.azimuth_offset) + 1]


def _named(line: LineOfAction) -> str:
    """Another shot's line of action in words: 'the line of bus and taxi', 'the line of taxi's travel'."""
    if len(line.subjects) == 2:
        return f"the line of {line.subjects[0]} and {line.subjects[1]}"
    return f"the line of {line.subjects[0]}'s travel"


def _describe(action: RevisionAction, before: ShotDirection, after: ShotDirection, shot: Shot) -> str:
    """The change in words, for the report: 'shot size medium -> full'."""
    match action:
        case A.RESEED_CAMERA:
            return f"camera seed {before.camera_seed} -> {after.camera_seed}"
        case A.WIDER_SHOT | A.TIGHTER_SHOT:
            return f"shot size {(before.size or shot.size).value} -> {(after.size or shot.size).value}"
        case A.STAND_BACK:
            return f"camera distance x{before.distance_scale:g} -> x{after.distance_scale:g}"
        case A.RAISE_CAMERA:
            return f"camera raised {before.elevation_offset:+g} -> {after.elevation_offset:+g} degrees"
        case A.MOVE_CAMERA:
            return f"camera swung {before.azimuth_offset:+g} -> {after.azimuth_offset:+g} degrees round the subject"
        case A.STEADY_CAMERA | A.FOLLOW_SUBJECT:
            return f"camera move {(before.move or shot.move).value} -> {(after.move or shot.move).value}"
        case A.CROSS_BACK:
            line = "the line of action" if after.line is None else _named(after.line)
            if after.face:
                return f"camera on {line}, in front of the face (a neutral view, side {after.side:+d})"
            return f"camera back on side {after.side:+d} of {line}"
        case A.FACE_SUBJECT:
            main = shot.subjects[0] if shot.subjects else "the subject"
            if after.side:
                return f"camera in front of {main}'s face, on the line of action (a neutral view)"
            return f"camera in front of {main}'s face (it may cross the line of action: rule_180 then says so)"
        case A.STRONGER_CONSISTENCY:
            return f"consistency level {before.consistency} -> {after.consistency}"
        case A.KEYFRAME_MODE:
            return "keyframe mode on: diffuse keyframes, fill the frames between along the exact flow"
        case A.RESEED_RENDER:
            return f"render seed {before.render_seed} -> {after.render_seed}"
        case A.TIGHTEN_PROMPT:
            return "character appearance weighted in the prompt"
    return action.value
