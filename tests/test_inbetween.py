"""Exact correspondence chained across frames, and keyframe in-betweens filled along it."""

from __future__ import annotations

import numpy as np
import pytest

from storyreel.schema import Resolution
from storyreel.tools.render.inbetween import FlowChain, fill_inbetweens, keyframe_indices, reversed_flow
from tests.test_noise_warp import translating
from tests.tiny_diffusion import story_frames


@pytest.fixture(scope="module")
def shot():
    return story_frames(9, Resolution(width=64, height=48), stride=3)[1]


def sliding_pictures(frames: int, height: int, width: int, step: int) -> np.ndarray:
    """What a camera sees of a random picture sliding ``step`` pixels right a frame: frame t is a window onto it."""
    picture = np.random.default_rng(0).integers(0, 256, (height, width + step * frames, 3), dtype=np.uint8)
    start = step * frames
    return np.stack([picture[:, start - step * t : start - step * t + width] for t in range(frames)])


def test_keyframe_indices_take_every_kth_and_the_last():
    assert keyframe_indices(10, 4) == [0, 4, 8, 9]
    assert keyframe_indices(9, 4) == [0, 4, 8]
    assert keyframe_indices(3, 1) == [0, 1, 2]


def test_reversed_flow_of_a_translation_points_back_and_knows_what_entered():
    frames = translating(2, 16, 24, (2.0, 0.0))
    backward, valid = reversed_flow(frames, 0)
    assert np.allclose(backward[valid], [-2.0, 0.0])
    assert not valid[:, :2].any(), "the two columns that slid in were not in the first frame"
    assert valid[:, 2:].all()


def test_inbetweens_equal_the_exact_flow_warps_of_the_keyframes():
    # A picture sliding 2 px a frame: every in-between pixel is a keyframe pixel moved along the flow, exactly,
    # whether both keyframes see it or only one (the columns that slide in or out between them).
    truth = sliding_pictures(9, 16, 24, 2)
    frames = translating(9, 16, 24, (2.0, 0.0))
    filled = fill_inbetweens(FlowChain(frames), {k: truth[k] for k in keyframe_indices(9, 4)})
    np.testing.assert_array_equal(filled, truth)


def test_chained_correspondence_goes_there_and_back(shot):
    chain = FlowChain(shot)
    there, back = chain.between(2, 7), chain.between(7, 2)
    x = np.clip(np.rint(there.positions[..., 0]), 0, shot.width - 1).astype(int)
    y = np.clip(np.rint(there.positions[..., 1]), 0, shot.height - 1).astype(int)
    both = there.visible & back.visible[y, x]
    assert both.mean() > 0.6
    grid = np.stack(np.meshgrid(np.arange(shot.width), np.arange(shot.height)), axis=-1)
    error = np.linalg.norm(back.positions[y, x] - grid, axis=-1)[both]
    assert np.median(error) < 0.5 and np.percentile(error, 95) < 1.5


def test_inbetweens_of_a_real_shot_rebuild_its_raster_frames(shot):
    # Fill the raster pass's own frames from its keyframes: the exact flow does it far better than a cross-fade
    # (what is left is shading that changes with the view, and resampling).
    keys = keyframe_indices(len(shot), 4)
    filled = fill_inbetweens(FlowChain(shot), {k: shot.rgb[k] for k in keys}).astype(np.float32)
    truth = shot.rgb.astype(np.float32)
    fill_error, fade_error = [], []
    for frame in sorted(set(range(len(shot))) - set(keys)):
        before, after = max(k for k in keys if k < frame), min(k for k in keys if k > frame)
        share = (frame - before) / (after - before)
        fade = (1 - share) * truth[before] + share * truth[after]
        fill_error.append(np.abs(filled[frame] - truth[frame]).mean())
        fade_error.append(np.abs(fade - truth[frame]).mean())
    assert np.mean(fill_error) < 0.7 * np.mean(fade_error)
    assert np.mean(fill_error) < 10.0, "under 4 % of full scale"
