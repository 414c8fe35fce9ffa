"""Noise warping: white Gaussian noise in every frame, carried along the flow, a plain shift under a translation."""

from __future__ import annotations

import numpy as np
import pytest

from storyreel.schema import Resolution
from storyreel.tools.render.frames import FrameSet
from storyreel.tools.render.noise_warp import WarpedNoise, warped_noise
from tests.tiny_diffusion import story_frames

CELL = 8


def translating(frames: int, height: int, width: int, step: tuple[float, float]) -> FrameSet:
    """A flat wall facing the camera, sliding ``step`` pixels (x, y) a frame."""
    depth = np.full((frames, height, width), 5.0, np.float32)
    return FrameSet(
        rgb=np.zeros((frames, height, width, 3), np.uint8),
        instance=np.zeros((frames, height, width), np.uint8),
        depth=depth,
        flow=np.broadcast_to(np.array(step, np.float32), (frames, height, width, 2)).copy(),
        next_depth=depth.copy(),
        fps=12,
    )


@pytest.fixture(scope="module")
def shot() -> FrameSet:
    return story_frames(8, Resolution(width=64, height=48), stride=3)[1]


def test_noise_stays_unit_gaussian_per_cell_along_a_real_shot(shot):
    # 300 seeds x 4 channels: 1200 samples per latent cell; mean within ~5 standard errors of 0, variance of 1.
    samples = np.stack(
        [warped_noise(shot, channels=4, cell=CELL, rng=np.random.default_rng(seed)) for seed in range(300)]
    )
    last = samples[:, -1].reshape(-1, *samples.shape[-2:])  # (seeds * channels, h, w) of the last frame
    assert np.abs(last.mean(axis=0)).max() < 0.15
    assert np.abs(last.var(axis=0) - 1.0).max() < 0.25
    right = np.corrcoef(last[:, :, :-1].ravel(), last[:, :, 1:].ravel())[0, 1]
    assert abs(right) < 0.05, "neighbouring cells stay independent"


def test_noise_travels_with_the_surfaces(shot):
    noise = warped_noise(shot, channels=4, cell=CELL, rng=np.random.default_rng(0))
    fresh = np.random.default_rng(1).standard_normal(noise.shape[1:])
    kept = np.corrcoef(noise[0].ravel(), noise[1].ravel())[0, 1]
    assert kept > 0.6, "a slow pan keeps most of the noise"
    assert abs(np.corrcoef(noise[0].ravel(), fresh.ravel())[0, 1]) < 0.2


def test_merging_under_contraction_keeps_unit_variance():
    # A zoom out: 4 pixels of frame t land in 1 of frame t + 1 near the middle, so particles merge every frame.
    height = width = 32
    grid_y, grid_x = np.mgrid[0:height, 0:width].astype(np.float32)
    flow = np.stack([(grid_x - width / 2) * -0.5, (grid_y - height / 2) * -0.5], axis=-1)
    unhidden = np.ones((height, width), bool)
    values = []
    for seed in range(400):
        noise = WarpedNoise(1, height, width, CELL, np.random.default_rng(seed))
        for _ in range(3):
            noise.advance(flow, unhidden)
        values.append(noise.values[0])
    stacked = np.stack(values)
    assert np.abs(stacked.var(axis=0) - 1.0).max() < 0.4
    assert np.abs(stacked.mean(axis=0)).max() < 0.25


@pytest.mark.parametrize(("step", "frames"), [((8.0, 0.0), 1), ((0.0, 1.0), 8), ((0.25, 0.0), 32)])
def test_a_translation_by_whole_cells_is_a_plain_shift(step, frames):
    # One cell in one frame, or in 8 one-pixel steps, or in 32 quarter-pixel steps (sub-pixel motion accumulates).
    shot = translating(frames + 1, 32, 48, step)
    noise = warped_noise(shot, channels=4, cell=CELL, rng=np.random.default_rng(3))
    first, last = noise[0], noise[-1]
    if step[0]:
        np.testing.assert_array_equal(last[:, :, 1:], first[:, :, :-1])
        assert not np.allclose(last[:, :, 0], first[:, :, 0]), "the cells that entered are fresh"
    else:
        np.testing.assert_array_equal(last[:, 1:, :], first[:, :-1, :])


def test_hidden_surfaces_drop_their_noise(shot):
    # Where nothing of frame t lands (ground uncovered behind the dog, the border), frame t + 1 draws afresh: with
    # every point hidden, the next frame's noise is unrelated to this one's.
    noise = WarpedNoise(4, shot.height, shot.width, CELL, np.random.default_rng(0))
    before = noise.latent()
    noise.advance(shot.flow[0], np.zeros((shot.height, shot.width), bool))
    assert abs(np.corrcoef(before.ravel(), noise.latent().ravel())[0, 1]) < 0.2
