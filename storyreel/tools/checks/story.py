"""The sentence on screen: everyone the shot's sentence names is seen, the faces of those who speak (or, in close
and medium shots, of the one the shot is about) are turned to the camera, no head is cut off by the frame, the
action the sentence names happens in frame at a speed a viewer can follow, and it is an action the world acts out
at all.

``all_subjects_shown`` reads the rendered instance masks and depth; ``face_shown``, ``action_shown`` and
``heads_cut`` read the world's exact poses (each head's position and facing) seen by the camera path;
``action_staged`` reads the storyboard (the verbs the planner found no motion for).
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from storyreel.schema import FACE_ANGLE, MOVING_VERBS, SHOWN_MAX_HIDDEN, CameraPath, CheckResult, RevisionAction, Shot
from storyreel.tools.checks.analysis import analysis_frames
from storyreel.tools.checks.framing import MIN_SUBJECT_SHARE, MIN_SUBJECT_SPAN, clearer_view, hidden_share
from storyreel.tools.checks.result import check_result, frames_text, suggest
from storyreel.tools.checks.screen import extent, project, tighter, wider
from storyreel.tools.render.frames import FrameSet
from storyreel.world.faces import BACK_VIEW, face_angles, faces_owed, head_index, head_poses
from storyreel.world.world import World

# all_subjects_shown: per frame, every subject the shot names is visible and legible, as subjects_framed sees a
# subject: it covers MIN_SUBJECT_SHARE of the frame or spans MIN_SUBJECT_SPAN of its height (a dog across a wide
# park spans 7 %, a lost ball 3 %), and no more than SHOWN_MAX_HIDDEN of its surface inside the frame is hidden by
# something else (the occlusion check's z-buffer test: a head peeking over a bus is not a character shown). The
# shot passes when SHOWN_THRESHOLD of its frames show them all. Clean renders of the calibration park: 1.0 (both
# subjects in every frame, 0-1 % hidden); the camera turned away from the dog: 0; a wall in front of Mia: 0.
SHOWN_THRESHOLD = 0.9
MARK_COLOURS = ((255, 210, 0), (0, 200, 255), (255, 80, 160), (120, 255, 80))  # RGB, one per subject in turn

# face_shown: per frame, the face of each character whose face the shot owes (world.faces.faces_owed: a speaker;
# the main subject of a medium or closer shot; a subject marked Seen.FACE) points within FACE_ANGLE degrees of the
# camera and its head is in frame; the shot passes when FACE_THRESHOLD of its frames show every such face. A
# sentence that asks for a back view ("walks away", "from behind") owes no face. Clean renders of the calibration
# park: 1.0 (the speaker 10-25 degrees off the camera); the camera swung behind her: 0.
FACE_THRESHOLD = 0.8

# heads cut (a reason subjects_framed fails): a head whose top reaches past the frame's top, or whose centre lies
# outside the frame, in a frame where its body shows.
HEAD_MARGIN = 0.0  # NDC the top of the head may not pass

# action_shown: per frame, each actor of a moving action (walk, run, chase, jump, fly, swim, drive, roll) has its
# centre in frame, stands at least ACTION_MIN_HEIGHT of the frame tall, and moves less than ACTION_MAX_SPEED frame
# heights per frame across the screen (faster is a blur). The shot passes when ACTION_THRESHOLD of its frames do.
# Clean renders of the calibration park: 1.0 (the walking dog at 0.01 frame heights a frame); the camera aimed away
# from the dog: 0.
ACTION_MIN_HEIGHT = 0.04
ACTION_MAX_SPEED = 0.15
ACTION_THRESHOLD = 0.9


def legible(frames: FrameSet, name: str) -> NDArray[np.bool_]:
    """Per frame, whether ``name`` is visible and legible, as subjects_framed sees a subject."""
    instance = analysis_frames(frames).instance
    height, width = instance.shape[1:]
    ids = [key for key, value in frames.instance_names.items() if value == name]
    mask = np.isin(instance, ids) if ids else np.zeros(instance.shape, dtype=bool)
    pixels = mask.sum(axis=(1, 2))
    span = np.maximum(extent(np.any(mask, axis=2)), extent(np.any(mask, axis=1))) / height
    return np.asarray((pixels / (height * width) >= MIN_SUBJECT_SHARE) | (span >= MIN_SUBJECT_SPAN))


def hidden(frames: FrameSet, path: CameraPath, world: World, start: float, name: str) -> NDArray[np.floating]:
    """Per frame, the share of ``name``'s surface inside the frame that something else hides (0 for what is not in
    the world: it is simply not shown)."""
    if name not in {obj.name for obj in world.objects}:
        return np.zeros(len(frames))
    return hidden_share(analysis_frames(frames), path, world.object(name), start, world.saddled_with(name))


def subjects_seen(frames: FrameSet, path: CameraPath, shot: Shot, world: World, start: float) -> dict[str, float]:
    """Each subject the shot names and the share of frames that show it, legible and not hidden, as
    ``all_subjects_shown`` counts it (what the report tells)."""
    return {
        name: round(
            float((legible(frames, name) & (hidden(frames, path, world, start, name) <= SHOWN_MAX_HIDDEN)).mean()), 3
        )
        for name in shot.subjects
    }


def marked(frames: FrameSet, shot: Shot) -> NDArray[np.uint8]:
    """The shot's middle frame at analysis size with a labelled box round each subject it names that it shows."""
    small = analysis_frames(frames)
    middle = len(small) // 2
    image = np.ascontiguousarray(small.rgb[middle].copy())
    for index, name in enumerate(shot.subjects):
        ids = [key for key, value in small.instance_names.items() if value == name]
        rows, columns = np.nonzero(np.isin(small.instance[middle], ids))
        if not len(rows):
            continue
        colour = MARK_COLOURS[index % len(MARK_COLOURS)]
        top_left, bottom_right = (int(columns.min()), int(rows.min())), (int(columns.max()), int(rows.max()))
        cv2.rectangle(image, top_left, bottom_right, colour, 1)
        cv2.putText(image, name, (top_left[0], max(top_left[1] - 3, 9)), cv2.FONT_HERSHEY_PLAIN, 0.8, colour, 1)
    return image


def all_subjects_shown(frames: FrameSet, path: CameraPath, shot: Shot, world: World, start: float) -> CheckResult:
    """Share of frames in which every subject the shot names (``Shot.subjects``, not only the framed ones) is
    visible, legible and not mostly hidden by something else.

    Per frame: the number of named subjects not shown."""
    name, count = "all_subjects_shown", len(frames)
    if not shot.subjects:
        return check_result(name, shot.id, 1.0, SHOWN_THRESHOLD, True, "the shot names no one", "", np.zeros(count))
    instance = analysis_frames(frames).instance
    missing = np.zeros(count)
    unseen: dict[str, tuple[int, int, int]] = {}  # subject -> frames out of view, too small, hidden
    shares: dict[str, NDArray[np.floating]] = {}  # subject -> per frame, the share of it hidden
    for subject in shot.subjects:
        readable = legible(frames, subject)
        shares[subject] = hidden(frames, path, world, start, subject)
        clear = shares[subject] <= SHOWN_MAX_HIDDEN
        ids = [key for key, value in frames.instance_names.items() if value == subject]
        present = np.isin(instance, ids).any(axis=(1, 2)) if ids else np.zeros(count, dtype=bool)
        seen = readable & clear
        missing += ~seen
        if not seen.all():
            out, small = int((~present & clear).sum()), int((~readable & present & clear).sum())
            unseen[subject] = (out, small, int((~clear).sum()))
    shown = missing == 0
    score = float(shown.mean())
    if not unseen:
        return check_result(
            name, shot.id, score, SHOWN_THRESHOLD, True, f"{', '.join(shot.subjects)} seen", "", missing
        )
    worst = max(unseen, key=lambda subject: sum(unseen[subject]))
    out, small, covered = unseen[worst]
    parts = [
        f"{subject} missing in {sum(unseen[subject])}/{count} frames"
        + (f" ({unseen[subject][2]} hidden)" if unseen[subject][2] else "")
        for subject in unseen
    ]
    detail = "; ".join(parts) + f" (first: {frames_text(np.flatnonzero(~shown), 3)})"
    larger = wider(shot.size)
    if covered > max(out, small):
        worst_frame = int(np.argmax(shares[worst]))
        suggestion = clearer_view(world, worst, np.asarray(path.positions[worst_frame]), start + worst_frame / path.fps)
    elif out >= small and larger != shot.size:
        suggestion = suggest(
            RevisionAction.WIDER_SHOT, f"film {larger.value} instead of {shot.size.value} so that {worst} is seen"
        )
    elif out >= small:
        suggestion = suggest(RevisionAction.STAND_BACK, f"give the frame room for {worst}")
    elif tighter(shot.size) != shot.size:
        suggestion = suggest(
            RevisionAction.TIGHTER_SHOT, f"film {tighter(shot.size).value} so that {worst} is large enough to read"
        )
    else:
        suggestion = suggest(RevisionAction.RESEED_CAMERA, f"film from another view where {worst} reads")
    return check_result(name, shot.id, score, SHOWN_THRESHOLD, True, detail, suggestion, missing)


def face_shown(path: CameraPath, shot: Shot, world: World, start: float, aspect: float) -> CheckResult:
    """Share of frames in which every face the shot owes (:func:`faces_owed`) is turned to the camera (within
    FACE_ANGLE degrees, from the head's exact pose) with the head in frame.

    Per frame: the largest angle (degrees) between an owed face and the camera."""
    name, count = "face_shown", path.frames
    owed = faces_owed(shot, world)
    if not owed:
        why = "a back view is asked for" if BACK_VIEW.search(shot.description) else "no face is owed in this shot"
        return check_result(name, shot.id, 1.0, FACE_THRESHOLD, True, why, "", np.zeros(count))
    times = start + np.arange(count) / path.fps
    eyes = np.asarray(path.positions, dtype=float)
    worst = np.zeros(count)
    inside = np.ones(count, dtype=bool)
    for subject in owed:
        centres, forwards, _ = head_poses(world.object(subject), times)
        worst = np.maximum(worst, face_angles(centres, forwards, eyes))
        for frame in range(count):
            ndc, depth = project(path, frame, aspect, centres[frame : frame + 1])
            inside[frame] &= bool(depth[0] > 0.05 and np.all(np.abs(ndc[0]) <= 1.0))
    shown = (worst <= FACE_ANGLE) & inside
    score = float(shown.mean())
    detail = (
        f"{', '.join(owed)}: face to the camera in {int(shown.sum())}/{count} frames "
        f"(median {np.median(worst):.0f} degrees off, limit {FACE_ANGLE:.0f})"
    )
    if (~inside).sum() > (worst > FACE_ANGLE).sum():
        suggestion = suggest(RevisionAction.WIDER_SHOT, f"keep {owed[0]}'s head in frame")
    else:
        suggestion = suggest(RevisionAction.FACE_SUBJECT, f"film {owed[0]} from the front: we see the back of the head")
    return check_result(name, shot.id, score, FACE_THRESHOLD, True, detail, suggestion, worst)


def heads_cut(path: CameraPath, names: list[str], world: World, start: float, aspect: float) -> NDArray[np.bool_]:
    """Per frame, whether the head of any of ``names`` (those with a head) is cut by the frame: its top above the
    frame's top or its centre outside the frame, while in front of the camera."""
    count = path.frames
    times = start + np.arange(count) / path.fps
    cut = np.zeros(count, dtype=bool)
    for subject in names:
        obj = world.object(subject)
        if head_index(obj) is None:
            continue
        centres, _, tops = head_poses(obj, times)
        for frame in range(count):
            ndc, depth = project(path, frame, aspect, np.stack([centres[frame], tops[frame]]))
            if np.all(depth > 0.05):
                outside = bool(np.any(np.abs(ndc[0]) > 1.0) or ndc[1, 1] > 1.0 - HEAD_MARGIN)
                cut[frame] |= outside
    return cut


def action_shown(path: CameraPath, shot: Shot, world: World, start: float, aspect: float) -> CheckResult:
    """Share of frames in which every actor of a moving action the shot names is in frame, large enough to read,
    and not moving faster across the screen than a viewer can follow.

    Per frame: the largest screen speed of an actor (frame heights per frame)."""
    name, count = "action_shown", path.frames
    present = {obj.name for obj in world.objects}
    actors = list(dict.fromkeys(a.actor for a in shot.actions if a.verb in MOVING_VERBS and a.actor in present))
    if not actors:
        return check_result(name, shot.id, 1.0, ACTION_THRESHOLD, True, "no moving action named", "", np.zeros(count))
    times = start + np.arange(count) / path.fps
    ok = np.ones(count, dtype=bool)
    speed = np.zeros(count)
    reasons = {"out of frame": 0, "too small": 0, "a blur": 0}
    for actor in actors:
        obj = world.object(actor)
        half = np.array([0.0, obj.height() / 2, 0.0])
        screen = np.zeros((count, 2))
        visible = np.zeros(count, dtype=bool)
        tall = np.zeros(count, dtype=bool)
        for frame in range(count):
            centre = obj.center(float(times[frame]))
            ndc, depth = project(path, frame, aspect, np.stack([centre, centre + half, centre - half]))
            screen[frame] = ndc[0]
            visible[frame] = bool(np.all(depth > 0.05) and np.all(np.abs(ndc[0]) <= 1.0))
            tall[frame] = abs(ndc[1, 1] - ndc[2, 1]) / 2 >= ACTION_MIN_HEIGHT
        moved = np.r_[0.0, np.linalg.norm(np.diff(screen, axis=0), axis=1) / 2]
        followable = moved <= ACTION_MAX_SPEED
        reasons["out of frame"] += int((~visible).sum())
        reasons["too small"] += int((visible & ~tall).sum())
        reasons["a blur"] += int((visible & tall & ~followable).sum())
        ok &= visible & tall & followable
        speed = np.maximum(speed, moved)
    score = float(ok.mean())
    verbs = ", ".join(f"{a.actor} {a.verb.value}" for a in shot.actions if a.actor in actors)
    detail = f"{verbs}: in frame and readable in {int(ok.sum())}/{count} frames"
    why = max(reasons, key=lambda reason: reasons[reason])
    if why == "out of frame":
        suggestion = suggest(RevisionAction.FOLLOW_SUBJECT, f"follow {actors[0]}: the action leaves the frame")
    elif why == "too small":
        suggestion = suggest(RevisionAction.TIGHTER_SHOT, f"come closer: {actors[0]} is too small to read its action")
    else:
        suggestion = suggest(RevisionAction.FOLLOW_SUBJECT, f"follow {actors[0]}: it crosses the frame in a blur")
    return check_result(name, shot.id, score, ACTION_THRESHOLD, True, f"{detail} ({why} most)", suggestion, speed)


def action_staged(shot: Shot, count: int) -> CheckResult:
    """Whether the world acts out every action the shot's sentence names: a verb no motion of the world plays
    (``Shot.unstaged``: "falls", "claps", "opens his umbrella") is not seen done, however the camera films it. No
    change of camera or render can help, so it offers no revision; the report says which verbs.

    Per frame: the number of such verbs (the same in every frame)."""
    name, missing = "action_staged", len(shot.unstaged)
    if not missing:
        return check_result(name, shot.id, 1.0, 1.0, True, "every action named is acted out", "", np.zeros(count))
    detail = f"the world has no motion for: {', '.join(shot.unstaged)} (a viewer does not see it done)"
    return check_result(name, shot.id, 0.0, 1.0, True, detail, "", np.full(count, float(missing)))
