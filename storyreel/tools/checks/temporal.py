"""Temporal checks of one shot, measured against the exact geometry the renderer hands on.

* ``warp_error``: the occlusion-masked warp error of Lai et al. (2018): frame t + 1 warped back to t along the
  exact flow, squared colour difference over the pixels visible in both. Any change of a surface's colour counts:
  texture boiling, flicker, content that slides.
* ``flicker``: global brightness and colour pumping along the flow: the median gain of each colour channel
  between a frame and the next one warped back, less the smooth trend of the gains. What changes locally (boiling
  texture) drops out of the median, so it tells pumping apart from boiling.
* ``flow_consistency``: the end-point error between OpenCV's DIS flow of the output and the exact flow, on
  pixels textured in two directions and visible in both frames: content that moves when the geometry does not.
* ``camera_jerk``: how jolty the camera path is.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray
from scipy.spatial.transform import Rotation

from storyreel.geometry import smooth_series
from storyreel.schema import ANGULAR_JERK_LIMIT, LINEAR_JERK_LIMIT, CameraPath, CheckResult, RevisionAction
from storyreel.tools.checks.analysis import analysis_frames
from storyreel.tools.checks.result import check_result, frames_text, suggest
from storyreel.tools.render.flow import sample_at_flow, visibility_mask
from storyreel.tools.render.frames import FrameSet

# camera_jerk: RMS third derivative of the camera position and of its rotation. A smooth 2 m dolly eased over 3 s
# has ~1 m/s^3 and a 90 degree eased pan over 3 s ~0.7 rad/s^3; per-frame handheld noise of 1 mm or 0.05 degrees
# already gives ~60 m/s^3 or ~50 rad/s^3 at 24 fps. The score is the larger of the two RMS values over its limit.
# Measured: the directed paths of the example films 0-0.68 (median 0.14) but for a track after an accelerating taxi
# (1.09); 3 mm of shake on the calibration park's pan and dolly: 31.

# warp_error: mean over frame pairs of the mean squared RGB difference (0-1 per channel, summed over channels) at
# the visible pixels, on frames blurred by WARP_BLUR pixels so that detail finer than the analysis grid (stars,
# thin edges) does not read as error when resampled at fractional flow. Measured at 320x180 (from 640x360 renders
# of the three example stories, 20 shots): clean shots 0-0.00085 (space, stars: without the blur 0.0068); the
# calibration park 0.00003-0.0002 clean, 0.0041 with texture boiling by 8 grey levels (blobs ~3 px across).
WARP_ERROR_THRESHOLD = 0.002
WARP_BLUR = 1.0

# flicker: per frame pair and colour channel, the median log gain between a frame and the next one warped back, over
# visible pixels brighter than FLICKER_DARK (every FLICKER_STRIDE-th row and column); then its departure from the
# gains of the FLICKER_WINDOW pairs around it, the largest over the channels. The median ignores what changes
# locally (twinkling stars, a toon shading band flipping, boiling texture), the departure ignores light that
# changes smoothly (a dolly towards a surface shaded by the view): what is left is pumping. Measured on the 20 clean
# shots of the example films: 0-0.17 %; the calibration park 0 clean, 6.3 % with frames alternately 3 % darker and
# brighter, 1.9 % with a random 2 % gain per frame, and 0.5 % under the boiling that fails warp_error.
FLICKER_THRESHOLD = 0.01
FLICKER_DARK = 0.03
FLICKER_STRIDE = 2
FLICKER_WINDOW = 7

# flow_consistency: per frame pair (every FLOW_STRIDE-th: DIS is most of the checks' time, and content that slides
# slides for more than a frame), the mean end-point error (analysis pixels, each clipped at EPE_CLIP so that a
# few lost pixels do not outweigh the rest) between DIS flow and the exact flow over trackable pixels: visible in
# both frames, moving less than MAX_TRACKED_FLOW pixels a frame, away from motion boundaries (the exact flow varies
# by less than BOUNDARY_FLOW pixels across BOUNDARY_REACH: DIS blends whole patches, so a rain streak or an edge
# pulls the estimate of its neighbours) and textured in two directions (the 5x5 structure tensor of the 0-1 luma
# has its smaller eigenvalue at least TEXTURE_LEVEL and CORNERNESS of the larger: along a straight edge DIS can
# only see motion across it). Frame pairs with fewer than MIN_TRACKABLE such pixels are skipped. Measured: the
# example films 0.002-0.71 px a shot (a plain edge counted as texture took it to 3.5); over the 91 shots of
# bench/bench_story.py's stories, clean raster renders reached 1.01 px with a 5-pixel boundary window and no speed
# limit (pixels beside rain streaks; a fast orbit's far background, 34 px a frame, which DIS loses) and 0.50-0.68 px
# with them; the calibration park 0.16 clean, 1.78 with the ground's picture sliding 2 px a frame over still
# geometry, 1.81 under the boiling that fails warp_error.
FLOW_EPE_THRESHOLD = 1.0
EPE_CLIP = 3.0
TEXTURE_LEVEL = 1e-4
CORNERNESS = 0.3
BOUNDARY_FLOW = 1.0
BOUNDARY_REACH = 9  # pixels across the window a motion boundary is looked for in: about one DIS patch (8)
MAX_TRACKED_FLOW = 20.0  # pixels a frame: faster than this (a fast orbit's far background) DIS loses sparse texture
MIN_TRACKABLE = 0.002  # share of the frame
FLOW_STRIDE = 2


@dataclass
class FlowPairs:
    """Consecutive frames at analysis size lined up along the exact flow: per frame t before the last, frame t + 1
    warped back to t, and the pixels of t visible in t + 1. Colours are blurred by WARP_BLUR pixels. Made once per
    shot by :func:`flow_pairs` and shared by the checks that read it."""

    frames: FrameSet  # at analysis size
    blurred: NDArray[np.uint8]  # (N, H, W, 3)
    warped: NDArray[np.uint8]  # (N - 1, H, W, 3): blurred frame t + 1 sampled along frame t's flow
    visible: NDArray[np.bool_]  # (N - 1, H, W)


def flow_pairs(frames: FrameSet) -> FlowPairs:
    """Line up ``frames`` (any size; reduced to analysis size) along their exact flow."""
    frames = analysis_frames(frames)
    count = len(frames)
    blurred = np.stack([cv2.GaussianBlur(image, (0, 0), WARP_BLUR) for image in frames.rgb])
    warped = np.empty((max(count - 1, 0), *blurred.shape[1:]), np.uint8)
    visible = np.empty((max(count - 1, 0), frames.height, frames.width), bool)
    for index in range(count - 1):
        flow = frames.flow[index].astype(np.float32)
        warped[index] = sample_at_flow(blurred[index + 1], flow)
        visible[index] = visibility_mask(flow, frames.next_depth[index], frames.depth[index + 1])
    return FlowPairs(frames, blurred, warped, visible)


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
        detail += f"; worst at frames {frames_text(worst[np.argsort(-per_frame[worst])], 3)}"
    if rms_linear / LINEAR_JERK_LIMIT >= rms_angular / ANGULAR_JERK_LIMIT:
        suggestion = suggest(
            RevisionAction.STEADY_CAMERA, "hold the camera still instead of the jolting move (its position shakes)"
        )
    else:  # the aim jolts following a subject: from farther back it turns less for the same motion
        suggestion = suggest(RevisionAction.STAND_BACK, "follow from farther back, where the aim turns less")
    return check_result("camera_jerk", shot_id, score, 1.0, False, detail, suggestion, per_frame)


def warp_error(frames: FrameSet | FlowPairs, shot_id: str | None = None) -> CheckResult:
    """Warp error (Lai et al., 2018) along the exact flow: per frame pair, the mean over the pixels visible in
    both frames of the squared RGB difference between frame t and frame t + 1 warped back; the score is its mean
    over the pairs. Passes at WARP_ERROR_THRESHOLD or less.

    Per frame: the error between frame t and t + 1 (the last frame, with nothing after it, gets 0)."""
    pairs = frames if isinstance(frames, FlowPairs) else flow_pairs(frames)
    shot_id = pairs.frames.shot_id if shot_id is None else shot_id
    errors = np.zeros(len(pairs.frames))
    for index, visible in enumerate(pairs.visible):
        if visible.any():
            difference = cv2.absdiff(pairs.blurred[index], pairs.warped[index]).astype(np.float32) / 255
            errors[index] = float(sum(cv2.mean(difference * difference, mask=visible.view(np.uint8))[:3]))
    score = float(errors[:-1].mean()) if len(errors) > 1 else 0.0
    worst = int(np.argmax(errors))
    detail = f"warp error {score:.5f} (limit {WARP_ERROR_THRESHOLD:g}); worst {errors[worst]:.5f} at frame {worst}"
    suggestion = suggest(
        RevisionAction.KEYFRAME_MODE,
        "diffuse keyframes only and fill the frames between along the exact flow, so surfaces keep their texture",
    )
    return check_result("warp_error", shot_id, score, WARP_ERROR_THRESHOLD, False, detail, suggestion, errors)


def flicker(frames: FrameSet | FlowPairs, shot_id: str | None = None) -> CheckResult:
    """Brightness and colour pumping: per frame pair, the log gain of each colour channel between frame t and frame
    t + 1 warped back along the exact flow (the median over lit pixels visible in both), less the mean gain of the
    pairs around it; the largest over the channels. The score is its mean over the pairs. Passes at
    FLICKER_THRESHOLD or less.

    Per frame: that departure between frame t and t + 1 (the last frame gets 0)."""
    pairs = frames if isinstance(frames, FlowPairs) else flow_pairs(frames)
    shot_id = pairs.frames.shot_id if shot_id is None else shot_id
    gains = np.zeros((len(pairs.frames), 3))
    step = slice(None, None, FLICKER_STRIDE)
    for index, visible in enumerate(pairs.visible):
        before = pairs.blurred[index][step, step][visible[step, step]].astype(np.float32) / 255
        after = pairs.warped[index][step, step][visible[step, step]].astype(np.float32) / 255
        lit = before.mean(axis=1) > FLICKER_DARK
        if lit.any():
            gains[index] = np.median(np.log((after[lit] + FLICKER_DARK) / (before[lit] + FLICKER_DARK)), axis=0)
    pumping = np.zeros(len(pairs.frames))
    if len(pairs.visible):
        pairwise = gains[: len(pairs.visible)]
        pumping[: len(pairs.visible)] = np.abs(pairwise - smooth_series(pairwise, FLICKER_WINDOW)).max(axis=1)
    score = float(pumping[:-1].mean()) if len(pumping) > 1 else 0.0
    worst = int(np.argmax(pumping))
    detail = (
        f"mean brightness pumping {score:.2%} per frame (limit {FLICKER_THRESHOLD:.0%}); "
        f"worst {pumping[worst]:.2%} at frame {worst}"
    )
    suggestion = suggest(
        RevisionAction.STRONGER_CONSISTENCY,
        "warp the noise and blend the latents along the flow more strongly, so the light holds from frame to frame",
    )
    return check_result("flicker", shot_id, score, FLICKER_THRESHOLD, False, detail, suggestion, pumping)


def flow_consistency(frames: FrameSet | FlowPairs, shot_id: str | None = None) -> CheckResult:
    """Content that moves when the geometry does not: per frame pair (every FLOW_STRIDE-th), the mean end-point
    error (analysis pixels) between OpenCV's DIS flow of the images and the exact flow over trackable pixels (see
    FLOW_EPE_THRESHOLD); the score is its mean over the pairs that have enough of them. Passes at
    FLOW_EPE_THRESHOLD or less.

    Per frame: the error of the pair measured at or just before frame t (0 before the first with enough texture
    to track)."""
    pairs = frames if isinstance(frames, FlowPairs) else flow_pairs(frames)
    frames = pairs.frames
    shot_id = frames.shot_id if shot_id is None else shot_id
    grey = [cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY) for frame in frames.rgb]
    estimator = cv2.DISOpticalFlow.create(cv2.DISOPTICAL_FLOW_PRESET_MEDIUM)
    kernel = np.ones((BOUNDARY_REACH, BOUNDARY_REACH), np.uint8)
    errors = np.zeros(len(frames))
    measured = np.zeros(len(frames), dtype=bool)
    for index in range(0, len(pairs.visible), FLOW_STRIDE):
        exact, visible = frames.flow[index].astype(np.float32), pairs.visible[index]
        eigen = cv2.cornerEigenValsAndVecs(grey[index].astype(np.float32) / 255, 5, 3)
        smaller, larger = np.minimum(eigen[..., 0], eigen[..., 1]), np.maximum(eigen[..., 0], eigen[..., 1])
        spread = np.maximum(*(cv2.dilate(exact[..., k], kernel) - cv2.erode(exact[..., k], kernel) for k in (0, 1)))
        slow = cv2.magnitude(exact[..., 0], exact[..., 1]) < MAX_TRACKED_FLOW
        trackable = visible & slow & (smaller >= TEXTURE_LEVEL) & (smaller >= CORNERNESS * larger)
        trackable &= spread < BOUNDARY_FLOW
        if trackable.mean() < MIN_TRACKABLE:
            continue
        estimate = estimator.calc(grey[index], grey[index + 1], None)  # type: ignore[call-overload]  # stubs want a flow
        miss = estimate - exact
        error = np.minimum(cv2.magnitude(miss[..., 0], miss[..., 1]), EPE_CLIP)
        errors[index] = cv2.mean(error, mask=trackable.view(np.uint8))[0]
        measured[index] = True
    score = float(errors[measured].mean()) if measured.any() else 0.0
    held = np.maximum.accumulate(np.where(measured, np.arange(len(frames)), -1))  # the last measured pair so far
    per_frame = np.where(held >= 0, errors[np.maximum(held, 0)], 0.0)
    if measured.any():
        worst = int(np.argmax(errors))
        detail = (
            f"flow end-point error {score:.2f} px (limit {FLOW_EPE_THRESHOLD:g}) over {int(measured.sum())} "
            f"trackable frame pairs; worst {errors[worst]:.2f} px at frame {worst}"
        )
    else:
        detail = "too little texture to track: not measured"
    suggestion = suggest(
        RevisionAction.KEYFRAME_MODE,
        "fill the frames between keyframes along the exact flow, so the picture moves with the scene's geometry",
    )
    return check_result("flow_consistency", shot_id, score, FLOW_EPE_THRESHOLD, False, detail, suggestion, per_frame)
