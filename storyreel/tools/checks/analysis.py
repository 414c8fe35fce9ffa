"""Frames at analysis size: the checks look at shots reduced to about as many pixels as 320x180 holds, so a 6 s
1280x720 shot checks in a fraction of a second, whatever its shape (a 540x960 portrait as 180x320), and the
pipeline keeps only these frames for them."""

from __future__ import annotations

import math

from storyreel.tools.render.frames import FrameSet

ANALYSIS_PIXELS = 320 * 180  # checks look at frames reduced to about this many pixels


def analysis_factor(width: int, height: int) -> int:
    """The reduction (each way) that brings a ``width`` x ``height`` frame to about ``ANALYSIS_PIXELS``, not
    fewer: 4 for 1280x720, 3 for 960x540 and for 540x960."""
    return max(1, math.isqrt(width * height // ANALYSIS_PIXELS))


def analysis_frames(frames: FrameSet) -> FrameSet:
    """``frames`` at analysis size (unchanged when already there)."""
    return frames.reduced(analysis_factor(frames.width, frames.height))
