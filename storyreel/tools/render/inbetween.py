"""Exact correspondence between any two frames of a shot, and keyframe in-betweens filled along it.

A FrameSet holds one step of exact correspondence: where each pixel's surface point lands in the next frame
(``flow``) and how far it is from that frame's camera (``next_depth``). Longer correspondences are chained from these
steps, forward along ``flow`` and backward along its reversal (the forward flow splatted onto the next frame's pixels
of the same object, kept where the trip back and forth holds). Each step samples the chain at the nearest pixel, so
the error of a chain is the flow's change across half a pixel per step: nothing on a rigid surface. A point is
followed only while it stays visible, so a correspondence knows where it holds.

Chaining keeps :func:`DiffusionRenderer.render` a function of the FrameSet alone (any FrameSet, loaded or reduced,
with no world or GL context at hand). It costs about 60 ms a reversed step at 512x512 on one CPU core, against
seconds of diffusion for the frames it saves.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from storyreel.tools.render.frames import FrameSet

#: Relative depth difference under which two samples are the same surface: the tolerance of
#: :func:`storyreel.tools.render.flow.visibility_mask`, which the checks use.
DEPTH_TOLERANCE = 0.02
#: Pixels a reversed flow may miss its pixel by on the way back and forth: the trip samples the flow at the
#: nearest pixel twice, half a pixel off at most each way.
ROUND_TRIP_TOLERANCE = 1.0


def carried_mask(frames: FrameSet, t: int) -> NDArray[np.bool_]:
    """True where frame ``t``'s pixel is still seen in frame ``t + 1``: its surface point lands on the image and is
    not hidden there (:func:`unhidden_mask`)."""
    return _landing(frames.flow[t])[2] & unhidden_mask(frames, t)


def unhidden_mask(frames: FrameSet, t: int) -> NDArray[np.bool_]:
    """True where frame ``t``'s surface point is not hidden in frame ``t + 1`` where it lands (the image's edge
    aside): frame ``t + 1``'s depth there, at the nearest pixel or interpolated, is the point's own (sky landing on
    sky counts: sky has a flow, the camera's rotation, but no depth).

    The interpolated depth matters on ground seen at a grazing angle in small images, where depth changes by more
    than the tolerance across half a pixel: there the nearest pixel alone misses 10 to 30 % of what stays in view
    (64x48 and 128x96 frames of the test story)."""
    target_x, target_y, _ = _landing(frames.flow[t])
    expected = frames.next_depth[t].astype(np.float32)
    depth = np.ascontiguousarray(frames.depth[t + 1], dtype=np.float32)
    agree = np.zeros(expected.shape, dtype=bool)
    for interpolation in (cv2.INTER_NEAREST, cv2.INTER_LINEAR):
        found = cv2.remap(depth, target_x, target_y, interpolation, borderMode=cv2.BORDER_REPLICATE)
        agree |= _same_surface(expected, found)
    return agree


def reversed_flow(frames: FrameSet, t: int) -> tuple[NDArray[np.float32], NDArray[np.bool_]]:
    """For each pixel of frame ``t + 1``: the displacement back to its surface point in frame ``t``, and whether it
    has one (False where the surface was hidden in frame ``t`` or outside it).

    Every carried pixel of frame ``t`` is splatted with bilinear weights onto the four pixels round where it lands,
    onto those of its own object (instance id, and sky or not); each pixel takes the weighted mean of the flows
    splatted onto it. A pixel keeps the result only if the trip holds both ways: the pixel it points back to is
    carried and lands within :data:`ROUND_TRIP_TOLERANCE` of it. That rejects what was uncovered in ``t + 1``."""
    height, width = frames.height, frames.width
    size = height * width
    flow = frames.flow[t].astype(np.float32)
    carried = carried_mask(frames, t)
    rows, columns = np.nonzero(carried)
    back = -flow[rows, columns]
    land_x, land_y = columns - back[:, 0], rows - back[:, 1]
    # One surface label per pixel: the instance id, told apart from the sky behind it.
    source_surface = _surface_labels(frames, t)[rows, columns]
    target_surface = _surface_labels(frames, t + 1)
    corner_x = np.floor(land_x).astype(np.intp) + np.array([[0], [1], [0], [1]])
    corner_y = np.floor(land_y).astype(np.intp) + np.array([[0], [0], [1], [1]])
    weight = (1.0 - np.abs(land_x - corner_x)) * (1.0 - np.abs(land_y - corner_y))
    inside = (corner_x >= 0) & (corner_x < width) & (corner_y >= 0) & (corner_y < height) & (weight > 0)
    corner_x, corner_y = np.clip(corner_x, 0, width - 1), np.clip(corner_y, 0, height - 1)
    same = inside & (target_surface[corner_y, corner_x] == source_surface)
    index = (corner_y * width + corner_x)[same]
    kept = weight[same]
    weights = np.bincount(index, kept, minlength=size)
    sums = [
        np.bincount(index, kept * np.broadcast_to(back[:, axis], same.shape)[same], minlength=size) for axis in (0, 1)
    ]
    reached = weights > 0
    backward = np.zeros((2, size), np.float32)
    for axis in (0, 1):
        backward[axis, reached] = sums[axis][reached] / weights[reached]
    backward_field = backward.T.reshape(height, width, 2)

    grid_x, grid_y = np.meshgrid(np.arange(width, dtype=np.float32), np.arange(height, dtype=np.float32))
    back_x = np.clip(np.rint(grid_x + backward_field[..., 0]), 0, width - 1).astype(np.intp)
    back_y = np.clip(np.rint(grid_y + backward_field[..., 1]), 0, height - 1).astype(np.intp)
    again_x = back_x + flow[back_y, back_x, 0]
    again_y = back_y + flow[back_y, back_x, 1]
    round_trip = np.hypot(again_x - grid_x, again_y - grid_y) <= ROUND_TRIP_TOLERANCE
    valid = reached.reshape(height, width) & carried[back_y, back_x] & round_trip
    return backward_field, valid


def _surface_labels(frames: FrameSet, t: int) -> NDArray[np.int16]:
    """Frame ``t``'s instance ids, with the sky (id 0 like the rest of the environment, but infinitely far) as -1."""
    labels = frames.instance[t].astype(np.int16)
    labels[~np.isfinite(frames.depth[t])] = -1
    return labels


@dataclass
class Correspondence:
    """Where each pixel of one frame is in another: ``positions`` (H, W, 2), x right and y down in the other
    frame's pixels, and ``visible`` (H, W), whether the point stays in view on every step of the way there."""

    positions: NDArray[np.float32]
    visible: NDArray[np.bool_]

    def pull(self, image: NDArray) -> NDArray:
        """The other frame's ``image`` sampled at ``positions`` (bilinear): that image in this frame's pixels."""
        return cv2.remap(
            image,
            np.ascontiguousarray(self.positions[..., 0]),
            np.ascontiguousarray(self.positions[..., 1]),
            cv2.INTER_LINEAR,
            borderMode=cv2.BORDER_REPLICATE,
        )


class FlowChain:
    """Correspondences between any two frames of a FrameSet, chained from its one-step flows (each step's carried
    mask and reversed flow computed once, on first use)."""

    def __init__(self, frames: FrameSet) -> None:
        self.frames = frames
        self._carried: dict[int, NDArray[np.bool_]] = {}
        self._reversed: dict[int, tuple[NDArray[np.float32], NDArray[np.bool_]]] = {}
        self._flows: dict[int, NDArray[np.float32]] = {}

    def between(self, source: int, target: int) -> Correspondence:
        """Where each pixel of frame ``source`` is in frame ``target`` (either side of it)."""
        height, width = self.frames.height, self.frames.width
        grid_x, grid_y = np.meshgrid(np.arange(width, dtype=np.float32), np.arange(height, dtype=np.float32))
        positions = np.stack([grid_x, grid_y], axis=-1)
        visible = np.ones((height, width), dtype=bool)
        step = 1 if target > source else -1
        for frame in range(source, target, step):
            if step == 1:
                displacement, holds = self._flow(frame), self._carried_at(frame)
            else:
                displacement, holds = self._reversed_at(frame - 1)
            x = np.clip(np.rint(positions[..., 0]), 0, width - 1).astype(np.intp)
            y = np.clip(np.rint(positions[..., 1]), 0, height - 1).astype(np.intp)
            visible &= holds[y, x] & _inside(positions, width, height)
            positions = positions + displacement[y, x]
        visible &= _inside(positions, width, height)
        return Correspondence(positions.astype(np.float32), visible)

    def _flow(self, frame: int) -> NDArray[np.float32]:
        if frame not in self._flows:
            self._flows[frame] = self.frames.flow[frame].astype(np.float32)
        return self._flows[frame]

    def _carried_at(self, frame: int) -> NDArray[np.bool_]:
        if frame not in self._carried:
            self._carried[frame] = carried_mask(self.frames, frame)
        return self._carried[frame]

    def _reversed_at(self, frame: int) -> tuple[NDArray[np.float32], NDArray[np.bool_]]:
        if frame not in self._reversed:
            self._reversed[frame] = reversed_flow(self.frames, frame)
        return self._reversed[frame]


def keyframe_indices(frames: int, every: int) -> list[int]:
    """The frames a keyframe mode diffuses: every ``every``-th from the first, and the last."""
    chosen = list(range(0, frames, max(1, every)))
    if chosen[-1] != frames - 1:
        chosen.append(frames - 1)
    return chosen


def fill_inbetweens(chain: FlowChain, keyframes: Mapping[int, NDArray[np.uint8]]) -> NDArray[np.uint8]:
    """Every frame of the chain's shot, (N, H, W, 3) uint8: the ``keyframes`` as given (index -> image), each frame
    between keyframes a < j < b made from them along the exact flow.

    A pixel of frame j seen in both keyframes blends their colours, the nearer keyframe weighing more; seen in one,
    it takes that one's colour; seen in neither (uncovered only between keyframes), it takes frame j - 1's colour
    (filled already) where the surface point came from."""
    keys = sorted(keyframes)
    first = keyframes[keys[0]]
    out = np.empty((len(chain.frames), *first.shape), dtype=np.uint8)
    for index in keys:
        out[index] = keyframes[index]
    for frame in range(keys[0] + 1, len(chain.frames)):
        if frame in keyframes:
            continue
        before = max(k for k in keys if k < frame)
        after = min((k for k in keys if k > frame), default=None)
        out[frame] = _inbetween(chain, frame, before, after, out)
    return out


def _inbetween(
    chain: FlowChain, frame: int, before: int, after: int | None, filled: NDArray[np.uint8]
) -> NDArray[np.uint8]:
    total = np.zeros(filled.shape[1:], np.float32)
    weight = np.zeros(filled.shape[1:3], np.float32)
    sources = [(before, 1.0 if after is None else (after - frame) / (after - before))]
    if after is not None:
        sources.append((after, (frame - before) / (after - before)))
    for key, nearness in sources:
        found = chain.between(frame, key)
        share = found.visible.astype(np.float32) * nearness
        total += found.pull(filled[key]).astype(np.float32) * share[..., None]
        weight += share
    unseen = weight <= 0
    if unseen.any():
        previous = chain.between(frame, frame - 1).pull(filled[frame - 1]).astype(np.float32)
        total[unseen] = previous[unseen]
        weight[unseen] = 1.0
    return np.clip(np.rint(total / weight[..., None]), 0, 255).astype(np.uint8)


def _landing(flow: NDArray) -> tuple[NDArray[np.float32], NDArray[np.float32], NDArray[np.bool_]]:
    """Where each pixel lands along ``flow`` (x, y maps for cv2.remap) and whether that is on the image."""
    height, width = flow.shape[:2]
    grid_x, grid_y = np.meshgrid(np.arange(width, dtype=np.float32), np.arange(height, dtype=np.float32))
    target_x = grid_x + flow[..., 0].astype(np.float32)
    target_y = grid_y + flow[..., 1].astype(np.float32)
    inside = _inside(np.stack([target_x, target_y], axis=-1), width, height)
    return target_x, target_y, inside


def _inside(positions: NDArray[np.float32], width: int, height: int) -> NDArray[np.bool_]:
    """Whether each (x, y) falls on the image: pixel centres are whole numbers, so the image spans half a pixel
    beyond the first and last centres."""
    x, y = positions[..., 0], positions[..., 1]
    return (x >= -0.5) & (x < width - 0.5) & (y >= -0.5) & (y < height - 0.5)


def _same_surface(expected: NDArray, found: NDArray) -> NDArray[np.bool_]:
    """Depths that belong to one surface: within the relative tolerance, or both sky (infinite)."""
    with np.errstate(invalid="ignore"):
        close = np.abs(found - expected) <= DEPTH_TOLERANCE * np.maximum(expected, 1e-3)
    return close | (np.isinf(expected) & np.isinf(found))
