"""What a renderer hands on: every frame of a shot with its exact geometry."""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np
from numpy.typing import NDArray


@dataclass
class FrameSet:
    """The frames of one shot.

    ============ ================ ==========================================================================
    field        shape            meaning
    ============ ================ ==========================================================================
    rgb          (N, H, W, 3) u8  the image, sRGB, row 0 at the top
    instance     (N, H, W) u8     object instance id per pixel; 0 is the environment and sky
    depth        (N, H, W) float  metric depth along the camera axis; ``inf`` where there is only sky
    flow         (N, H, W, 2)     exact forward optical flow in pixels (x right, y down): where each pixel's
                                  surface point lands in frame t + 1 (the last frame looks one frame past the
                                  shot, so every frame has a flow)
    next_depth   (N, H, W) float  the depth of each pixel's surface point seen from frame t + 1's camera: a
                                  pixel is visible in t + 1 when this matches ``depth[t + 1]`` where it lands
    ============ ================ ==========================================================================

    Float fields may be float16 or float32; cast before doing arithmetic that needs more.
    """

    rgb: NDArray[np.uint8]
    instance: NDArray[np.uint8]
    depth: NDArray[np.floating]
    flow: NDArray[np.floating]
    next_depth: NDArray[np.floating]
    fps: int
    shot_id: str = ""
    instance_names: dict[int, str] = field(default_factory=dict)

    def __len__(self) -> int:
        return int(self.rgb.shape[0])

    @property
    def height(self) -> int:
        return int(self.rgb.shape[1])

    @property
    def width(self) -> int:
        return int(self.rgb.shape[2])

    def reduced(self, factor: int) -> FrameSet:
        """The same frames ``factor`` times smaller each way, for analysis. Geometry (ids, depths, flow) is sampled
        at the centre pixel of each block, the flow rescaled to the new pixels; colour is the block's mean."""
        if factor == 1:
            return self
        height, width = self.height // factor * factor, self.width // factor * factor
        centre = factor // 2
        rows, columns = slice(centre, height, factor), slice(centre, width, factor)
        rgb = _reduce_color(self.rgb, factor, height, width)
        return FrameSet(
            rgb=rgb,
            instance=np.ascontiguousarray(self.instance[:, rows, columns]),
            depth=np.ascontiguousarray(self.depth[:, rows, columns]),
            flow=self.flow[:, rows, columns].astype(np.float32) / factor,
            next_depth=np.ascontiguousarray(self.next_depth[:, rows, columns]),
            fps=self.fps,
            shot_id=self.shot_id,
            instance_names=dict(self.instance_names),
        )

    @classmethod
    def concatenate(cls, parts: list[FrameSet]) -> FrameSet:
        """Consecutive chunks of one shot as one FrameSet."""
        first = parts[0]
        return cls(
            rgb=np.concatenate([p.rgb for p in parts]),
            instance=np.concatenate([p.instance for p in parts]),
            depth=np.concatenate([p.depth for p in parts]),
            flow=np.concatenate([p.flow for p in parts]),
            next_depth=np.concatenate([p.next_depth for p in parts]),
            fps=first.fps,
            shot_id=first.shot_id,
            instance_names=first.instance_names,
        )


def _reduce_color(frames: NDArray[np.uint8], factor: int, height: int, width: int) -> NDArray[np.uint8]:
    """(N, H, W, 3) frames cropped to (height, width) -> (N, height / factor, width / factor, 3) block means."""
    size = (width // factor, height // factor)
    reduced = np.empty((len(frames), size[1], size[0], 3), dtype=np.uint8)
    for index, frame in enumerate(frames):
        source = np.ascontiguousarray(frame[:height, :width])
        reduced[index] = cv2.resize(source, size, interpolation=cv2.INTER_AREA)
    return reduced
