"""Frames at analysis size: the checks look at shots reduced to about 320 pixels across, so a 6 s 1280x720 shot
checks in a fraction of a second, and the pipeline keeps only these frames for them."""

from __future__ import annotations

from storyreel.tools.render.frames import FrameSet

ANALYSIS_WIDTH = 320  # checks look at frames reduced to about this many pixels across


def analysis_factor(width: int) -> int:
    """The reduction that brings a frame ``width`` pixels wide to about ANALYSIS_WIDTH."""
    return max(1, width // ANALYSIS_WIDTH)


def analysis_frames(frames: FrameSet) -> FrameSet:
    """``frames`` at analysis size (unchanged when already there)."""
    return frames.reduced(analysis_factor(frames.width))
