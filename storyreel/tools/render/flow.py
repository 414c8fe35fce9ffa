"""Exact optical flow put to work: warping frames along it and knowing where it is valid.

The raster pass gives, per pixel of frame t, where its surface point lands in frame t + 1 (``flow``) and how far
from frame t + 1's camera it is there (``next_depth``). A pixel is *visible* in t + 1 when it lands inside the image
and frame t + 1's own depth at that spot matches ``next_depth``; otherwise it was occluded (or left the frame).
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray


def sample_at_flow(image: NDArray, flow: NDArray, interpolation: int = cv2.INTER_LINEAR) -> NDArray:
    """Backward warp: for each pixel x of frame t, ``image`` (frame t + 1) sampled at ``x + flow(x)``.

    With exact flow this rebuilds frame t from frame t + 1 wherever the point stays visible.
    """
    height, width = flow.shape[:2]
    grid_x, grid_y = np.meshgrid(np.arange(width, dtype=np.float32), np.arange(height, dtype=np.float32))
    map_x = grid_x + flow[..., 0].astype(np.float32)
    map_y = grid_y + flow[..., 1].astype(np.float32)
    return cv2.remap(image, map_x, map_y, interpolation, borderMode=cv2.BORDER_REPLICATE)


def visibility_mask(
    flow: NDArray, next_depth: NDArray, depth_next_frame: NDArray, tolerance: float = 0.02
) -> NDArray[np.bool_]:
    """True where frame t's pixel is still visible in frame t + 1: inside the image, not sky, and not hidden
    behind something nearer (relative depth mismatch below ``tolerance``)."""
    height, width = flow.shape[:2]
    grid_x, grid_y = np.meshgrid(np.arange(width, dtype=np.float32), np.arange(height, dtype=np.float32))
    target_x = grid_x + flow[..., 0].astype(np.float32)
    target_y = grid_y + flow[..., 1].astype(np.float32)
    inside = (target_x >= 0) & (target_x <= width - 1) & (target_y >= 0) & (target_y <= height - 1)
    landed = cv2.remap(
        np.ascontiguousarray(depth_next_frame, dtype=np.float32),
        target_x,
        target_y,
        cv2.INTER_NEAREST,
        borderMode=cv2.BORDER_REPLICATE,
    )
    expected = next_depth.astype(np.float32)
    finite = np.isfinite(expected) & np.isfinite(landed)
    with np.errstate(invalid="ignore"):
        agree = np.abs(landed - expected) <= tolerance * np.maximum(expected, 1e-3)
    return inside & finite & agree


def warp_error(frame: NDArray, next_frame: NDArray, flow: NDArray, mask: NDArray[np.bool_]) -> float:
    """Mean absolute difference (0-1 scale) between frame t and frame t + 1 warped back along ``flow``, over the
    visible pixels (Lai et al., 2018). 0 when nothing is visible."""
    if not mask.any():
        return 0.0
    warped = sample_at_flow(next_frame, flow)
    difference = np.abs(frame.astype(np.float32) - warped.astype(np.float32))
    if difference.ndim == 3:
        difference = difference.mean(axis=2)
    return float(difference[mask].mean() / 255.0)
