"""Checks of one rendered shot: framing, blank frames, camera smoothness and temporal flicker.

Each check returns a :class:`CheckResult` with a score against a documented threshold, a one-line detail, a concrete
suggestion of what to change, and per-frame values. They work on frames reduced to about 320 pixels across
(``analysis_frames``), so a 6 s 1280x720 shot checks in a fraction of a second.
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray
from scipy.spatial.transform import Rotation

from storyreel.schema import CameraPath, CheckResult, Shot, ShotSize
from storyreel.tools.render.flow import visibility_mask, warp_error
from storyreel.tools.render.frames import FrameSet

ANALYSIS_WIDTH = 320  # checks look at frames reduced to about this many pixels across

# subjects_framed: a subject counts as visible with at least this share of the frame, framed when the centre of its
# visible pixels lies inside the central box (FRAMING_MARGIN from each edge) and it is not a small thing cut by the
# frame edge (a box under half the frame that touches an edge is partly outside).
MIN_SUBJECT_SHARE = 0.002
FRAMING_MARGIN = 0.1
FRAMED_THRESHOLD = 0.9

# not_blank: a frame whose luma (0-1) mean or spread is this low shows nothing.
BLANK_MEAN = 0.03
BLANK_STD = 0.01

# camera_jerk: RMS third derivative of the camera position and of its rotation. A smooth 2 m dolly eased over 3 s
# has ~1 m/s^3 and a 90 degree eased pan over 3 s ~0.7 rad/s^3; per-frame handheld noise of 1 mm or 0.05 degrees
# already gives ~60 m/s^3 or ~50 rad/s^3 at 24 fps. The score is the larger of the two RMS values over its limit.
LINEAR_JERK_LIMIT = 10.0  # m/s^3
ANGULAR_JERK_LIMIT = 4.0  # rad/s^3

# flicker: mean absolute warp error (0-1) between consecutive frames along the exact flow, over the pixels visible
# in both, on frames reduced 4x and blurred by FLICKER_BLUR reduced pixels. Measured: clean 1280x720 raster renders
# of an orbit over a ground of random-coloured tiles score 0.001-0.004 (flat, toon, clay), a sliding noise texture
# 0.005-0.010; brightness jitter of +-4% between frames scores 0.04-0.055.
FLICKER_THRESHOLD = 0.02
FLICKER_BLUR = 0.7


def analysis_factor(width: int) -> int:
    """The reduction that brings a frame ``width`` pixels wide to about ANALYSIS_WIDTH."""
    return max(1, width // ANALYSIS_WIDTH)


def analysis_frames(frames: FrameSet) -> FrameSet:
    """``frames`` at analysis size (unchanged when already there)."""
    return frames.reduced(analysis_factor(frames.width))


def check_shot(frames: FrameSet, path: CameraPath, shot: Shot) -> list[CheckResult]:
    """Run every check on one shot."""
    frames = analysis_frames(frames)
    return [
        subjects_framed(frames, shot),
        not_blank(frames, shot.id),
        camera_jerk(path, shot.id),
        flicker(frames, shot.id),
    ]


def _result(
    name: str,
    shot_id: str,
    score: float,
    threshold: float,
    higher_is_better: bool,
    detail: str,
    suggestion: str,
    per_frame: NDArray[np.floating],
) -> CheckResult:
    passed = score >= threshold if higher_is_better else score <= threshold
    return CheckResult(
        name=name,
        shot_id=shot_id,
        score=round(float(score), 6),
        threshold=threshold,
        higher_is_better=higher_is_better,
        passed=bool(passed),
        detail=detail,
        suggestion="" if passed else suggestion,
        per_frame=[round(float(value), 6) for value in per_frame],
    )


def _frames_text(indices: NDArray[np.intp], limit: int = 5) -> str:
    shown = ", ".join(str(int(index)) for index in indices[:limit])
    return shown + (f" and {len(indices) - limit} more" if len(indices) > limit else "")


def _wider(size: ShotSize) -> ShotSize:
    order = list(ShotSize)
    return order[max(order.index(size) - 1, 0)]


def subjects_framed(frames: FrameSet, shot: Shot) -> CheckResult:
    """Share of frames in which every subject the shot must frame (``Shot.framed_subjects``) is visible and well
    inside the frame.

    Per frame: 1 when all subjects are framed, else 0."""
    name, count = "subjects_framed", len(frames)
    subjects = shot.framed_subjects()
    if not subjects:
        return _result(name, shot.id, 1.0, FRAMED_THRESHOLD, True, "no subjects to frame", "", np.ones(count))
    instance = analysis_frames(frames).instance
    height, width = instance.shape[1:]
    framed = np.ones(count, dtype=bool)
    failures: list[tuple[int, str, str]] = []  # (failed frames, subject, why) per subject that failed
    for subject in subjects:
        ids = [key for key, value in frames.instance_names.items() if value == subject]
        mask = np.isin(instance, ids) if ids else np.zeros(instance.shape, dtype=bool)
        rows, columns = np.any(mask, axis=2), np.any(mask, axis=1)  # (N, H), (N, W)
        pixels = mask.sum(axis=(1, 2))
        visible = pixels / (height * width) >= MIN_SUBJECT_SHARE
        safe = np.maximum(pixels, 1)
        centre_y = (mask.sum(axis=2) * np.arange(height)).sum(axis=1) / safe / height
        centre_x = (mask.sum(axis=1) * np.arange(width)).sum(axis=1) / safe / width
        centred = (np.abs(centre_x - 0.5) <= 0.5 - FRAMING_MARGIN) & (np.abs(centre_y - 0.5) <= 0.5 - FRAMING_MARGIN)
        cut = _cut_by_edge(rows) | _cut_by_edge(columns)
        ok = visible & centred & ~cut
        framed &= ok
        if not ok.all():
            reasons = {
                "out of view": int((~visible).sum()),
                "off centre": int((visible & ~centred).sum()),
                "cut by the edge": int((visible & centred & cut).sum()),
            }
            failures.append((int((~ok).sum()), subject, max(reasons, key=lambda reason: reasons[reason])))
    score = float(framed.mean())
    if not failures:
        detail = f"{', '.join(subjects)} framed in every frame"
        return _result(name, shot.id, score, FRAMED_THRESHOLD, True, detail, "", framed.astype(float))
    failed, subject, why = max(failures)
    detail = f"{subject} {why} in {failed}/{count} frames (first: {_frames_text(np.flatnonzero(~framed), 3)})"
    if why == "cut by the edge" and _wider(shot.size) != shot.size:
        wider = f"{_wider(shot.size).value} instead of {shot.size.value}"
        suggestion = f"use a wider shot size ({wider}) to keep {subject} whole in frame"
    elif why == "cut by the edge":
        suggestion = f"move the camera back or widen the lens to keep {subject} whole in frame"
    elif why == "off centre":
        suggestion = f"re-aim the camera at {subject} (keep it inside the central {1 - 2 * FRAMING_MARGIN:.0%})"
    else:
        suggestion = f"re-aim the camera at {subject} or move what hides it; a wider shot size keeps it in view longer"
    return _result(name, shot.id, score, FRAMED_THRESHOLD, True, detail, suggestion, framed.astype(float))


def _cut_by_edge(occupied: NDArray) -> NDArray[np.bool_]:
    """Per frame, from (N, L) occupancy along one axis: the occupied span touches an end of the axis while being
    under half its length, i.e. a small thing running out of the frame (a close-up filling the frame is not)."""
    length = occupied.shape[1]
    first = np.argmax(occupied, axis=1)
    last = length - 1 - np.argmax(occupied[:, ::-1], axis=1)
    touches = occupied[:, 0] | occupied[:, -1]
    return occupied.any(axis=1) & touches & (last - first + 1 < length / 2)


def not_blank(frames: FrameSet, shot_id: str | None = None) -> CheckResult:
    """Share of frames that show something: luma mean above BLANK_MEAN and spread above BLANK_STD.

    Per frame: the luma mean (0-1)."""
    shot_id = frames.shot_id if shot_id is None else shot_id
    rgb = analysis_frames(frames).rgb
    weights = np.array([0.299, 0.587, 0.114], dtype=np.float32) / 255
    luma = weights[0] * rgb[..., 0] + weights[1] * rgb[..., 1] + weights[2] * rgb[..., 2]
    means, spreads = luma.mean(axis=(1, 2)), luma.std(axis=(1, 2))
    blank = np.flatnonzero((means < BLANK_MEAN) | (spreads < BLANK_STD))
    score = 1.0 - len(blank) / max(len(frames), 1)
    if len(blank):
        detail = f"{len(blank)}/{len(frames)} blank frames: {_frames_text(blank)}"
    else:
        detail = f"no blank frames (darkest luma mean {means.min():.2f})"
    suggestion = (
        "move the camera out of any object and aim it at the scene (near plane, position), and check the lights "
        "and sky for this time of day"
    )
    return _result("not_blank", shot_id, score, 1.0, True, detail, suggestion, means)


def camera_jerk(path: CameraPath, shot_id: str = "") -> CheckResult:
    """How jolty the camera move is: the larger of RMS linear jerk / LINEAR_JERK_LIMIT and RMS angular jerk /
    ANGULAR_JERK_LIMIT; passes at 1 or less.

    Per frame: the same normalised jerk at each frame (0 for the first two and the last frame)."""
    count, fps = path.frames, path.fps
    linear = angular = np.zeros(0)
    if count >= 4:
        positions = np.asarray(path.positions, dtype=float)
        linear = np.linalg.norm(np.diff(positions, n=3, axis=0), axis=1) * fps**3
        quaternions = np.asarray(path.orientations, dtype=float)[:, [1, 2, 3, 0]]  # scipy wants (x, y, z, w)
        rotations = Rotation.from_quat(quaternions)
        velocity = (rotations[1:] * rotations[:-1].inv()).as_rotvec() * fps  # rad/s, world frame
        angular = np.linalg.norm(np.diff(velocity, n=2, axis=0), axis=1) * fps**2
    rms_linear = float(np.sqrt(np.mean(linear**2))) if len(linear) else 0.0
    rms_angular = float(np.sqrt(np.mean(angular**2))) if len(angular) else 0.0
    score = max(rms_linear / LINEAR_JERK_LIMIT, rms_angular / ANGULAR_JERK_LIMIT)
    per_frame = np.zeros(count)
    if len(linear):
        per_frame[2 : count - 1] = np.maximum(linear / LINEAR_JERK_LIMIT, angular / ANGULAR_JERK_LIMIT)
    detail = (
        f"RMS jerk {rms_linear:.2f} m/s^3 (limit {LINEAR_JERK_LIMIT:g}), "
        f"{rms_angular:.2f} rad/s^3 (limit {ANGULAR_JERK_LIMIT:g})"
    )
    if score > 1.0:
        worst = np.flatnonzero(per_frame > 1.0)
        detail += f"; worst at frames {_frames_text(worst[np.argsort(-per_frame[worst])], 3)}"
    what = "position" if rms_linear / LINEAR_JERK_LIMIT >= rms_angular / ANGULAR_JERK_LIMIT else "aim"
    suggestion = f"smooth the camera {what}: ease in and out of the move and filter per-frame noise in the path"
    return _result("camera_jerk", shot_id, score, 1.0, False, detail, suggestion, per_frame)


def flicker(frames: FrameSet, shot_id: str | None = None) -> CheckResult:
    """Temporal flicker: mean occlusion-masked warp error between consecutive frames along the exact flow, at
    analysis size. Passes at FLICKER_THRESHOLD or less.

    Per frame: the error between frame t and t + 1 (the last frame, with nothing after it, gets 0)."""
    shot_id = frames.shot_id if shot_id is None else shot_id
    frames = analysis_frames(frames)
    count = len(frames)
    errors = np.zeros(count)
    # A slight blur, so that detail finer than the reduced grid does not read as warp error when resampled at
    # fractional flow; brightness flicker survives it.
    blurred = [cv2.GaussianBlur(frame, (0, 0), FLICKER_BLUR) for frame in frames.rgb]
    for index in range(count - 1):
        flow = frames.flow[index].astype(np.float32)
        mask = visibility_mask(flow, frames.next_depth[index], frames.depth[index + 1])
        errors[index] = warp_error(blurred[index], blurred[index + 1], flow, mask)
    score = float(errors[: count - 1].mean()) if count > 1 else 0.0
    worst = int(np.argmax(errors)) if count > 1 else 0
    detail = f"mean warp error {score:.4f} (limit {FLICKER_THRESHOLD:g}); worst {errors[worst]:.4f} at frame {worst}"
    suggestion = (
        "render in keyframe mode or raise temporal consistency (flow-warped noise, stronger latent blending) so "
        "surfaces keep their colour from frame to frame"
    )
    return _result("flicker", shot_id, score, FLICKER_THRESHOLD, False, detail, suggestion, errors)
