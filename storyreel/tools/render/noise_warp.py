"""Diffusion noise that travels with the surfaces of a shot and stays white Gaussian noise in every frame.

Each latent cell's noise is the sum of a finer field of unit Gaussian samples, one per grain of the image, divided
by the square root of their number (the integral-noise view of Chang et al., "How I Warped Your Noise", 2024). The
fine samples are particles: each frame they move along the exact flow, keeping their sub-grain position; those whose
surface point is hidden in the next frame, or leaves it, are dropped; the particles that land in one grain merge
into one, its value their sum over the square root of their count. Sums of independent unit Gaussians scaled this
way are unit Gaussians, and no particle feeds two grains, so every frame's noise is again independent N(0, 1) per
grain and per cell. Grains no particle reaches (disoccluded, or uncovered at the border) get fresh samples. Under
a flow that translates by whole cells, the cell noise is exactly the previous frame's, shifted.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from storyreel.tools.render.frames import FrameSet
from storyreel.tools.render.inbetween import unhidden_mask

#: Particles along a latent cell's side: 4 (2x2-pixel grains at Stable Diffusion's 8x downsampling) costs 13 ms a
#: 512x512 frame against 38 ms for one a pixel, and a cell's noise still changes by sixteenths as surfaces slide.
PARTICLES_PER_CELL_SIDE = 4


class WarpedNoise:
    """The fine noise of one frame: ``channels`` unit Gaussian samples per grain of a (height, width) grid of
    grains, ``cell`` to a latent cell's side, and each grain particle's offset from its grain's centre. Flows and
    masks handed to :meth:`advance` are in grains."""

    def __init__(self, channels: int, height: int, width: int, cell: int, rng: np.random.Generator) -> None:
        if height % cell or width % cell:
            raise ValueError(f"a {width}x{height} grid does not divide into cells of {cell}x{cell}")
        self.cell = cell
        self.rng = rng
        self.values = rng.standard_normal((channels, height, width), dtype=np.float32)
        self.offsets = np.zeros((2, height, width), dtype=np.float32)

    def latent(self) -> NDArray[np.float32]:
        """The noise of each latent cell, (channels, height / cell, width / cell): its grains' sum over ``cell``."""
        channels, height, width = self.values.shape
        blocks = self.values.reshape(channels, height // self.cell, self.cell, width // self.cell, self.cell)
        return (blocks.sum(axis=(2, 4), dtype=np.float64) / self.cell).astype(np.float32)

    def advance(self, flow: NDArray, unhidden: NDArray[np.bool_]) -> None:
        """Move to the next frame: particles ride ``flow`` (H, W, 2, in grains) where ``unhidden`` says their
        surface is not hidden in the next frame, leave when they land off the grid, merge per landing grain, and
        empty grains draw fresh noise."""
        channels, height, width = self.values.shape
        rows, columns = np.nonzero(unhidden)
        x = columns + self.offsets[0, rows, columns] + flow[rows, columns, 0].astype(np.float32)
        y = rows + self.offsets[1, rows, columns] + flow[rows, columns, 1].astype(np.float32)
        target_x, target_y = np.floor(x + 0.5).astype(np.intp), np.floor(y + 0.5).astype(np.intp)
        inside = (target_x >= 0) & (target_x < width) & (target_y >= 0) & (target_y < height)
        target = target_y[inside] * width + target_x[inside]
        size = height * width
        count = np.bincount(target, minlength=size)
        landed = count > 0
        scale = 1.0 / np.sqrt(count[landed])
        values = np.empty((channels, size), dtype=np.float32)
        for channel in range(channels):
            sums = np.bincount(target, self.values[channel, rows, columns][inside], minlength=size)
            values[channel, landed] = sums[landed] * scale
        values[:, ~landed] = self.rng.standard_normal((channels, int(size - landed.sum())), dtype=np.float32)
        offsets = np.zeros((2, size), dtype=np.float32)
        for axis, (position, grain) in enumerate(((x, target_x), (y, target_y))):
            spread = np.bincount(target, (position - grain)[inside], minlength=size)
            offsets[axis, landed] = spread[landed] / count[landed]
        self.values = values.reshape(channels, height, width)
        self.offsets = _in_step(offsets.reshape(2, height, width), landed.reshape(height, width))


def _in_step(offsets: NDArray[np.float32], landed: NDArray[np.bool_]) -> NDArray[np.float32]:
    """Give each fresh particle the mean offset of its landed 4-neighbours, so it travels in step with the surface
    beside it. Born at its grain's centre, it would run up to half a grain out of phase with a stream moving by a
    fraction of a grain a frame, and fall into the next particle's grain and merge with it a few frames on."""
    fresh = ~landed
    if not fresh.any():
        return offsets
    weight = np.pad(landed.astype(np.float32), 1)
    padded = np.pad(offsets * landed, ((0, 0), (1, 1), (1, 1)))
    neighbours = [(slice(0, -2), slice(1, -1)), (slice(2, None), slice(1, -1)), (slice(1, -1), slice(0, -2))]
    neighbours.append((slice(1, -1), slice(2, None)))
    count = sum(weight[rows, columns] for rows, columns in neighbours)
    total = sum(padded[:, rows, columns] for rows, columns in neighbours)
    borrowed = np.divide(total, count, out=np.zeros_like(offsets), where=count > 0)
    return np.where(fresh, borrowed, offsets).astype(np.float32)


def warped_noise(frames: FrameSet, *, channels: int, cell: int, rng: np.random.Generator) -> NDArray[np.float32]:
    """The initial latent noise of every frame of a shot, (N, channels, H / cell, W / cell), carried from frame to
    frame along the exact flow (see the module docstring). Particles are grains of the image
    :data:`PARTICLES_PER_CELL_SIDE` to a cell side, their flow and visibility read at each grain's centre."""
    grain = max(1, cell // PARTICLES_PER_CELL_SIDE)
    grains = frames.reduced(grain)
    noise = WarpedNoise(channels, grains.height, grains.width, cell // grain, rng)
    out = np.empty((len(frames), channels, frames.height // cell, frames.width // cell), dtype=np.float32)
    for t in range(len(frames)):
        if t:
            noise.advance(grains.flow[t - 1], unhidden_mask(grains, t - 1))
        out[t] = noise.latent()
    return out
