"""The shot checks on synthetic frame sets whose true flow is known exactly (real renders, clean and corrupted, are in
test_checks_calibration.py)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from storyreel import geometry
from storyreel.schema import CameraPath, Shot, ShotSize
from storyreel.tools.checks import (
    analysis_factor,
    camera_jerk,
    flicker,
    flow_consistency,
    not_blank,
    subjects_framed,
    warp_error,
)
from storyreel.tools.checks.temporal import FLICKER_THRESHOLD, WARP_ERROR_THRESHOLD
from storyreel.tools.render.frames import FrameSet

SHIFT = (3, 1)  # pixels per frame, x right and y down


def translating_frames(
    count: int = 24, height: int = 96, width: int = 128, seed: int = 0, blur: float = 3.0
) -> FrameSet:
    """A random texture (features about ``blur`` pixels across, grey levels spread by ~34) sliding by SHIFT each
    frame, with its exact constant flow and depth 5 everywhere."""
    rng = np.random.default_rng(seed)
    margin = count * max(SHIFT) + 8
    texture = rng.random((height + 2 * margin, width + 2 * margin, 3)).astype(np.float32) * 255
    texture = cv2.GaussianBlur(texture, (0, 0), blur)
    texture = np.clip((texture - texture.mean()) * 34 / texture.std() + 128, 0, 255).astype(np.uint8)
    dx, dy = SHIFT
    rgb = np.stack(
        [
            texture[margin - t * dy : margin - t * dy + height, margin - t * dx : margin - t * dx + width]
            for t in range(count)
        ]
    )
    flow = np.zeros((count, height, width, 2), dtype=np.float32)
    flow[..., 0], flow[..., 1] = dx, dy
    depth = np.full((count, height, width), 5.0, dtype=np.float32)
    instance = np.zeros((count, height, width), dtype=np.uint8)
    return FrameSet(rgb, instance, depth, flow, depth.copy(), fps=24, shot_id="s1")


def test_translation_rebuilds_exactly_along_the_flow() -> None:
    frames = translating_frames()
    dx, dy = SHIFT
    assert np.array_equal(frames.rgb[1][dy:, dx:], frames.rgb[0][:-dy, :-dx])


@pytest.mark.parametrize("blur", [1.5, 3.0, 6.0])
def test_clean_render_passes_the_flow_checks(blur: float) -> None:
    """Texture detail near the analysis grid's size must not read as warp error, flicker or inconsistent flow."""
    frames = translating_frames(blur=blur)
    for check, threshold in ((warp_error, WARP_ERROR_THRESHOLD), (flicker, FLICKER_THRESHOLD)):
        result = check(frames)
        assert result.passed, result.detail
        assert result.score < threshold * 0.6
        assert len(result.per_frame) == 24 and result.per_frame[-1] == 0.0
    consistency = flow_consistency(frames)
    assert consistency.passed and consistency.score < 0.5, consistency.detail


def test_brightness_jitter_fails_flicker() -> None:
    frames = translating_frames()
    jitter = np.where(np.arange(len(frames)) % 2, 1.04, 0.96)
    frames.rgb = np.clip(frames.rgb * jitter[:, None, None, None], 0, 255).astype(np.uint8)
    result = flicker(frames)
    assert not result.passed
    assert result.score > 3 * FLICKER_THRESHOLD
    assert result.suggestion.startswith("stronger-consistency:")


def test_steady_brightening_is_not_flicker() -> None:
    """Light that changes smoothly (3 % over the shot) is no pumping."""
    frames = translating_frames()
    ramp = np.linspace(1.0, 1.03, len(frames))
    frames.rgb = np.clip(frames.rgb * ramp[:, None, None, None], 0, 255).astype(np.uint8)
    assert flicker(frames).passed


def test_wrong_flow_fails_warp_error_and_flow_consistency() -> None:
    frames = translating_frames()
    frames.flow = -frames.flow  # the texture no longer lines up with itself
    assert not warp_error(frames).passed
    assert not flow_consistency(frames).passed


def test_occluders_follow_their_own_geometry() -> None:
    """A still strip in front of the sliding texture: consistent once its depth and zero flow say so, warp error
    when the geometry claims the strip is background sliding with the rest."""
    frames = translating_frames()
    frames.rgb[:, :, :64] = translating_frames(seed=1).rgb[0, :, :64]  # the same pixels in every frame
    claimed_background = warp_error(frames)
    frames.depth[:, :, :64] = 1.0
    frames.next_depth[:, :, :64] = 1.0
    frames.flow[:, :, :64] = 0.0
    result = warp_error(frames)
    assert result.passed, result.detail  # background landing behind the strip is hidden there, so not counted
    assert not claimed_background.passed
    assert claimed_background.score > 4 * result.score


def test_black_frame_fails_not_blank() -> None:
    frames = translating_frames()
    assert not_blank(frames).passed
    frames.rgb[7] = 0
    result = not_blank(frames)
    assert not result.passed
    assert result.score == pytest.approx(23 / 24)
    assert "7" in result.detail
    assert result.per_frame[7] == 0.0


def test_flat_grey_frame_is_blank() -> None:
    frames = translating_frames()
    frames.rgb[3] = 128
    assert not not_blank(frames).passed


def orbit_path(count: int = 96, fps: int = 24, jitter: float = 0.0, seed: int = 0) -> CameraPath:
    """A camera easing a quarter turn around the origin at 4 m, always looking at the origin."""
    u = geometry.smoothstep(np.linspace(0.0, 1.0, count))
    angles = u * np.pi / 2
    positions = np.stack([4 * np.sin(angles), np.full(count, 1.6), 4 * np.cos(angles)], axis=1)
    positions += np.random.default_rng(seed).normal(0.0, jitter, positions.shape)
    orientations = [
        tuple(geometry.matrix_to_quaternion(geometry.look_at_rotation(p, np.array([0.0, 1.0, 0.0])))) for p in positions
    ]
    return CameraPath(
        fps=fps,
        positions=[tuple(p) for p in positions],
        orientations=orientations,
        fov_y=[45.0] * count,
    )


def test_smooth_move_passes_camera_jerk() -> None:
    result = camera_jerk(orbit_path(), "s1")
    assert result.passed, result.detail
    assert result.score < 0.5
    assert len(result.per_frame) == 96


def test_jittered_move_fails_camera_jerk() -> None:
    result = camera_jerk(orbit_path(jitter=0.005), "s1")
    assert not result.passed
    assert result.score > 3
    assert result.suggestion.startswith("steady-camera:") and "position" in result.suggestion


def test_rotation_jitter_alone_fails_camera_jerk() -> None:
    path = orbit_path()
    rng = np.random.default_rng(1)
    shaken = []
    for q in path.orientations:
        wobble = geometry.matrix_to_quaternion(geometry.rotation_x(rng.normal(0.0, 0.003))[:3, :3])
        shaken.append(
            tuple(
                geometry.matrix_to_quaternion(geometry.quaternion_to_matrix(q) @ geometry.quaternion_to_matrix(wobble))
            )
        )
    result = camera_jerk(path.model_copy(update={"orientations": shaken}), "s1")
    assert not result.passed
    assert result.suggestion.startswith("stand-back:") and "aim" in result.suggestion


def still_path(count: int) -> CameraPath:
    return CameraPath(
        fps=24, positions=[(0.0, 1.0, 3.0)] * count, orientations=[(1.0, 0.0, 0.0, 0.0)] * count, fov_y=[40.0] * count
    )


def test_static_and_short_paths_have_no_jerk() -> None:
    for count in (3, 48):
        result = camera_jerk(still_path(count))
        assert result.passed and result.score == 0.0 and len(result.per_frame) == count


def subject_frames(centres_x: list[float], size: int = 20, height: int = 96, width: int = 128) -> FrameSet:
    """A square of instance 3 ('dog') centred at each given x (pixels) per frame, on a textured background."""
    frames = translating_frames(count=len(centres_x), height=height, width=width)
    for index, centre in enumerate(centres_x):
        left, right = max(int(centre - size / 2), 0), min(int(centre + size / 2), width)
        top = height // 2 - size // 2
        if right > left:
            frames.instance[index, top : top + size, left:right] = 3
    frames.instance_names = {3: "dog", 4: "cat"}
    return frames


def test_subject_in_the_middle_is_framed() -> None:
    frames = subject_frames([64.0] * 10)
    result = subjects_framed(frames, Shot(id="s1", location="park", duration=1, subjects=["dog"]))
    assert result.passed and result.score == 1.0


def test_subject_leaving_the_frame_fails() -> None:
    frames = subject_frames([64.0 + 12 * t for t in range(10)])  # walks out to the right
    shot = Shot(id="s1", location="park", duration=1, subjects=["dog"], size=ShotSize.MEDIUM)
    result = subjects_framed(frames, shot)
    assert not result.passed
    assert result.per_frame[0] == 1.0 and result.per_frame[-1] == 0.0
    assert "dog" in result.detail
    assert "dog" in result.suggestion


def test_subject_cut_by_the_edge_suggests_a_wider_size() -> None:
    frames = subject_frames([15.0] * 10, size=40)  # a small box clipped by the left edge, its middle still inside
    shot = Shot(id="s1", location="park", duration=1, subjects=["dog"], size=ShotSize.CLOSE_UP)
    result = subjects_framed(frames, shot)
    assert not result.passed
    assert "cut by the edge" in result.detail
    assert "medium-close-up instead of close-up" in result.suggestion


def test_close_up_filling_the_frame_is_framed() -> None:
    frames = subject_frames([64.0] * 5)
    frames.instance[:, 10:, 5:123] = 3  # fills most of the frame and runs off the bottom edge
    result = subjects_framed(frames, Shot(id="s1", location="park", duration=1, subjects=["dog"]))
    assert result.passed, result.detail


def test_missing_subject_fails() -> None:
    frames = subject_frames([64.0] * 5)
    wide = Shot(id="s1", location="park", duration=1, subjects=["dog", "cat"], size=ShotSize.WIDE)
    result = subjects_framed(frames, wide)
    assert not result.passed
    assert "cat out of view" in result.detail
    close = wide.model_copy(update={"size": ShotSize.CLOSE_UP})  # a close shot owes the cat its place too
    assert not subjects_framed(frames, close).passed
    alone = wide.model_copy(update={"size": ShotSize.CLOSE_UP, "subjects": ["dog"]})
    assert subjects_framed(frames, alone).passed


@pytest.mark.parametrize(
    ("width", "height", "factor"),
    [(1280, 720, 4), (960, 540, 3), (640, 360, 2), (320, 180, 1), (540, 960, 3), (360, 640, 2), (540, 540, 2)],
)
def test_the_checks_read_every_shape_at_about_the_same_size(width: int, height: int, factor: int) -> None:
    """A portrait or square film is reduced as much as a landscape one of its area: its checks cost the same."""
    assert analysis_factor(width, height) == factor
    assert 320 * 180 <= (width // factor) * (height // factor) < 4 * 320 * 180
