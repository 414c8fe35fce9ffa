"""Checks between shots and over the whole film, on :class:`ShotSummary` s: what a shot leaves for later shots to
be checked against.

* ``rule_180``: a cut keeps the camera on the side of the line of action the previous shot at the location took.
* ``rule_30``: a cut to the same subject moves the camera at least 30 degrees round it or changes its size on
  screen clearly; anything less reads as a jump cut.
* ``identity``: each character keeps its colours (``identity.py``).
* ``shot_size_variety``: the film changes shot size at most cuts.
"""

from __future__ import annotations

import numpy as np

from storyreel import geometry
from storyreel.geometry import Array
from storyreel.schema import (
    CameraPath,
    CameraPose,
    CheckResult,
    RevisionAction,
    Shot,
    ShotSize,
    ShotSummary,
    Transition,
)
from storyreel.tools.checks.analysis import analysis_frames
from storyreel.tools.checks.identity import appearances, identity
from storyreel.tools.checks.identity_embedding import installed_embedder
from storyreel.tools.checks.result import check_result, suggest
from storyreel.tools.line_of_action import angle_from, line_of_action, side_of
from storyreel.tools.render.frames import FrameSet
from storyreel.world.world import World

# rule_180: the score is the angle (degrees, -90..90) of the new camera off the previous shot's line of action, seen
# from the line's middle, positive on the previous camera's side. Within NEUTRAL_ANGLE of the line a camera looks
# along it, on neither side: such a previous camera sets no side, and a new one there crosses nothing. In the
# example films the camera after a cut stands -15 to +79 degrees off the previous line (four previous cameras at
# -15, -3, +9 and +18 degrees look along it); the calibration park's medium shot +40, mirrored across the line -40.
NEUTRAL_ANGLE = 20.0

# rule_30: the score is the larger of the angle at the subject between the two cameras over MIN_ANGLE_CHANGE and
# the |log| of the change of its size on screen over log MIN_SIZE_CHANGE; a cut passes at 1 or more. One shot size
# step changes the size by 1.55-2.7x (FRAME_SPAN). The example films' cuts score 1.07-8.1 (the least: 32 degrees
# round a cat, its size x1.22); the calibration park's second shot filmed from where the first stopped: 0.
MIN_ANGLE_CHANGE = 30.0  # degrees
MIN_SIZE_CHANGE = 1.4

# shot_size_variety: the share of cuts that change the shot size. The example films: 0.83-1.0; a film of one size: 0.
VARIETY_THRESHOLD = 0.5


def summarize_shot(frames: FrameSet, path: CameraPath, shot: Shot, world: World, start: float) -> ShotSummary:
    """What later shots are checked against: the camera, the line of action and the camera's side of it, and the
    subjects' positions at the first and last frame; each character's look over the shot."""
    frames = analysis_frames(frames)
    present = {obj.name for obj in world.objects}
    subjects = [name for name in shot.subjects if name in present]
    last = path.frames - 1
    times = (start, start + last / path.fps)
    lines = [line_of_action(world, subjects, time) for time in times]
    cameras = [_pose(path, frame) for frame in (0, last)]
    sides = [0 if line is None else side_of(line, camera.position) for line, camera in zip(lines, cameras, strict=True)]
    positions = [{name: _point(world.object(name).center(time)) for name in subjects} for time in times]
    return ShotSummary(
        shot_id=shot.id,
        location=shot.location,
        size=shot.size,
        transition=shot.transition,
        start=start,
        frames=path.frames,
        aspect=frames.width / frames.height,
        subjects=subjects,
        camera_first=cameras[0],
        camera_last=cameras[1],
        line_first=lines[0],
        line_last=lines[1],
        side_first=sides[0],
        side_last=sides[1],
        positions_first=positions[0],
        positions_last=positions[1],
        appearances=appearances(frames, world, installed_embedder()),
    )


def check_against_earlier(summary: ShotSummary, earlier: list[ShotSummary]) -> list[CheckResult]:
    """The checks of a shot against the shots before it in the film, in order: rule_180 and rule_30 against the
    previous shot when it is at the same location, identity against every earlier shot. Always the same names."""
    previous = earlier[-1] if earlier and earlier[-1].location == summary.location else None
    return [rule_180(summary, previous), rule_30(summary, previous), identity(summary, earlier)]


def rule_180(summary: ShotSummary, previous: ShotSummary | None) -> CheckResult:
    """The new camera stays on the previous camera's side of the previous shot's line of action (at the cut),
    when the new shot films one of that line's subjects. Passes at -NEUTRAL_ANGLE or more."""
    name, threshold = "rule_180", -NEUTRAL_ANGLE
    line = previous.line_last if previous is not None else None
    if previous is None:
        reason = "not applicable: no previous shot at this location"
    elif line is None:
        reason = "not applicable: the previous shot has no line of action"
    elif not set(line.subjects) & set(summary.subjects):
        reason = "not applicable: a new line of action (none of its subjects is in this shot)"
    else:
        before = angle_from(line, previous.camera_last.position)
        if abs(before) < NEUTRAL_ANGLE:
            reason = f"not applicable: the previous camera looked along the line ({before:+.0f} degrees)"
        else:
            score = angle_from(line, summary.camera_first.position) * np.sign(before)
            subjects = " and ".join(line.subjects) if len(line.subjects) == 2 else f"{line.subjects[0]}'s travel"
            detail = f"camera {score:+.0f} degrees off the line of {subjects} (previous {abs(before):.0f} on its side)"
            suggestion = suggest(
                RevisionAction.CROSS_BACK, f"film from {previous.shot_id}'s side of the line of {subjects}"
            )
            return check_result(name, summary.shot_id, score, threshold, True, detail, suggestion)
    return check_result(name, summary.shot_id, 90.0, threshold, True, reason, "")


def rule_30(summary: ShotSummary, previous: ShotSummary | None) -> CheckResult:
    """A cut to a subject the previous camera still had in frame moves the camera at least MIN_ANGLE_CHANGE round
    it or changes its size on screen by MIN_SIZE_CHANGE. Passes at 1 or more (dissolves and fades are exempt: a
    slow transition between similar views reads as time passing, not a jump)."""
    name, threshold = "rule_30", 1.0
    subject = summary.subjects[0] if summary.subjects else None
    if previous is None:
        reason = "not applicable: no previous shot at this location"
    elif summary.transition is not Transition.CUT:
        reason = f"not applicable: a {summary.transition.value}, not a cut"
    elif subject is None:
        reason = "not applicable: no subject"
    else:
        centre = np.asarray(summary.positions_first[subject])
        before, after = previous.camera_last, summary.camera_first
        ndc, depth_before = _seen(before, previous.aspect, centre)
        if depth_before <= 0 or np.any(np.abs(ndc) > 1.0):
            reason = f"not applicable: {subject} was out of the previous shot's frame"
        else:
            _, depth_after = _seen(after, summary.aspect, centre)
            angle = _angle_at(centre, np.asarray(before.position), np.asarray(after.position))
            size_change = _screen_scale(before, depth_before) / _screen_scale(after, max(depth_after, 1e-3))
            score = max(angle / MIN_ANGLE_CHANGE, abs(float(np.log(size_change))) / np.log(MIN_SIZE_CHANGE))
            detail = f"camera {angle:.0f} degrees round {subject}, its size on screen x{1 / size_change:.2f}"
            suggestion = suggest(
                RevisionAction.MOVE_CAMERA,
                f"swing at least {MIN_ANGLE_CHANGE:.0f} degrees round {subject} from {previous.shot_id}'s view, "
                "or film at another shot size",
            )
            return check_result(name, summary.shot_id, score, threshold, True, detail, suggestion)
    return check_result(name, summary.shot_id, 2.0, threshold, True, reason, "")


def check_film(summaries: list[ShotSummary]) -> list[CheckResult]:
    """The checks of the whole film (shot_id ""): shot_size_variety."""
    return [shot_size_variety(summaries)]


def shot_size_variety(summaries: list[ShotSummary]) -> CheckResult:
    """The share of cuts that change the shot size: a film held at one size is monotonous. Passes at
    VARIETY_THRESHOLD or more.

    Per frame (here: per shot): the shot size, 0 for extreme-wide to 6 for extreme-close-up."""
    name = "shot_size_variety"
    order = list(ShotSize)
    sizes = np.array([order.index(summary.size) for summary in summaries], dtype=float)
    if len(summaries) < 2:
        return check_result(name, "", 1.0, VARIETY_THRESHOLD, True, "not applicable: a single shot", "", sizes)
    changes = sizes[1:] != sizes[:-1]
    score = float(changes.mean())
    detail = f"{int(changes.sum())}/{len(changes)} cuts change the shot size ({len(set(sizes))} sizes used)"
    runs = _longest_run(sizes)
    middle = summaries[runs[0] + len(runs) // 2]
    change = RevisionAction.WIDER_SHOT if middle.size is ShotSize.EXTREME_CLOSE_UP else RevisionAction.TIGHTER_SHOT
    suggestion = suggest(change, f"film {middle.shot_id} at another size than its neighbours ({middle.size.value})")
    return check_result(name, "", score, VARIETY_THRESHOLD, True, detail, suggestion, sizes)


def _longest_run(values: Array) -> list[int]:
    """The indices of the longest run of equal consecutive values (the first such run)."""
    best, run = [0], [0]
    for index in range(1, len(values)):
        run = [*run, index] if values[index] == values[index - 1] else [index]
        if len(run) > len(best):
            best = run
    return best


def _pose(path: CameraPath, frame: int) -> CameraPose:
    return CameraPose(position=path.positions[frame], orientation=path.orientations[frame], fov_y=path.fov_y[frame])


def _point(vector: Array) -> tuple[float, float, float]:
    return (float(vector[0]), float(vector[1]), float(vector[2]))


def _seen(camera: CameraPose, aspect: float, point: Array) -> tuple[Array, float]:
    """``point`` in the camera's normalised device coordinates (the frame is -1..1) and its depth."""
    view = geometry.view_matrix(np.asarray(camera.position), np.asarray(camera.orientation))
    pixels, depth = geometry.project(point[None], view, geometry.perspective(camera.fov_y, aspect), 2, 2)
    return np.array([pixels[0, 0] - 1.0, 1.0 - pixels[0, 1]]), float(depth[0])


def _screen_scale(camera: CameraPose, depth: float) -> float:
    """How large a thing at ``depth`` looks: proportional to its height's share of the frame."""
    return 1.0 / (depth * np.tan(np.radians(camera.fov_y) / 2))


def _angle_at(centre: Array, first: Array, second: Array) -> float:
    """Degrees between the directions from ``centre`` to ``first`` and to ``second``."""
    a, b = first - centre, second - centre
    cosine = float(np.dot(a, b) / max(float(np.linalg.norm(a) * np.linalg.norm(b)), 1e-12))
    return float(np.degrees(np.arccos(np.clip(cosine, -1.0, 1.0))))
