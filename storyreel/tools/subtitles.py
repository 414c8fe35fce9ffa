"""Subtitles: the film's lines as SRT and WebVTT files (written by the ``srt`` and ``webvtt-py`` libraries), and
drawn into frames when a run burns them in.

A cue is a :class:`~storyreel.schema.SpokenLine`: its times are when the line is heard in the final cut. Dialogue
is captioned with its speaker's name ("Mia: Sit, Rex."), narration in italics, as broadcast subtitles do.
"""

from __future__ import annotations

import datetime
import textwrap
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import srt
import webvtt
from numpy.typing import NDArray
from PIL import Image, ImageDraw, ImageFont

from storyreel.atomic import write_text
from storyreel.schema import SpokenLine, Storyboard

SRT = "subtitles.srt"
VTT = "subtitles.vtt"
MAX_CHARS = 42  # characters per subtitle line (broadcast guidelines: 37-42)
FONT_SHARE = 0.05  # a burnt-in line's height against the frame's
#: BT.709 limited range, the matrix the clips are encoded with (``tools/video``).
_Y = np.array([0.2126, 0.7152, 0.0722]) * 219 / 255
_U = np.array([-0.1146, -0.3854, 0.5]) * 224 / 255
_V = np.array([0.5, -0.4542, -0.0458]) * 224 / 255


def caption(line: SpokenLine, storyboard: Storyboard) -> str:
    """What a cue shows: 'Name: words' for dialogue, the words alone for narration."""
    if line.speaker is None:
        return line.text
    name = next((c.name for c in storyboard.cast if c.id == line.speaker), line.speaker)
    return f"{name[:1].upper()}{name[1:]}: {line.text}"


def write_subtitles(cues: list[SpokenLine], storyboard: Storyboard, directory: Path) -> list[str]:
    """Write ``subtitles.srt`` and ``subtitles.vtt`` of ``cues`` into ``directory``, atomically; their names."""
    texts = [_wrapped(caption(cue, storyboard)) for cue in cues]
    italic = [cue.speaker is None for cue in cues]
    subtitles = [
        srt.Subtitle(
            index=number,
            start=datetime.timedelta(seconds=cue.start_s),
            end=datetime.timedelta(seconds=cue.end_s),
            content=f"<i>{text}</i>" if slanted else text,
        )
        for number, (cue, text, slanted) in enumerate(zip(cues, texts, italic, strict=True), start=1)
    ]
    write_text(directory / SRT, srt.compose(subtitles, reindex=False))
    vtt = webvtt.WebVTT()
    for cue, text, slanted in zip(cues, texts, italic, strict=True):
        vtt.captions.append(
            webvtt.Caption(_vtt_time(cue.start_s), _vtt_time(cue.end_s), f"<i>{text}</i>" if slanted else text)
        )
    write_text(directory / VTT, vtt.content)
    return [SRT, VTT]


def _vtt_time(seconds: float) -> str:
    millis = round(seconds * 1000)
    return f"{millis // 3_600_000:02d}:{millis // 60_000 % 60:02d}:{millis // 1000 % 60:02d}.{millis % 1000:03d}"


def _wrapped(text: str, width: int = MAX_CHARS) -> str:
    """``text`` broken at spaces into lines of at most ``width`` characters (a longer word stands alone)."""
    return textwrap.fill(text, width, break_long_words=False, break_on_hyphens=False)


@dataclass(frozen=True)
class _Overlay:
    """One cue drawn: where it sits, its colour and opacity, and the same as Y and U, V (at half size) values."""

    top: int
    left: int
    rgb: NDArray[np.float32]  # (h, w, 3) in 0-255
    alpha: NDArray[np.float32]  # (h, w) in 0-1
    luma: NDArray[np.float32]
    chroma: NDArray[np.float32]  # (2, h/2, w/2): U and V
    chroma_alpha: NDArray[np.float32]


class SubtitleBurner:
    """Draws the cues that fall in a clip into its frames (I420 or RGB): white words with a dark outline, centred
    near the bottom."""

    def __init__(self, cues: list[SpokenLine], storyboard: Storyboard, width: int, height: int, fps: int) -> None:
        self.width, self.height, self.fps = width, height, fps
        self._cues = [(cue, self._draw(caption(cue, storyboard))) for cue in cues]

    def burn(self, frames: NDArray[np.uint8], first: int, start_s: float) -> None:
        """Burn into ``frames`` (frame ``first`` onwards of a clip whose first frame shows at ``start_s`` of the
        film), in place: I420 (N, H * 3 / 2, W) or RGB (N, H, W, 3)."""
        for offset, frame in enumerate(frames):
            time = start_s + (first + offset) / self.fps
            for cue, overlay in self._cues:
                if cue.start_s <= time < cue.end_s:
                    (_blend_i420 if frame.ndim == 2 else _blend_rgb)(frame, overlay, self.height)

    def _draw(self, text: str) -> _Overlay:
        size = max(10, round(self.height * FONT_SHARE))
        font = ImageFont.load_default(size=size)
        stroke = max(1, size // 10)
        lines = _wrapped(text, MAX_CHARS).split("\n")
        line_height = round(size * 1.25)
        box_width = min(self.width, round(max(font.getlength(line) for line in lines) + 4 * stroke) + 2)
        box_width += box_width % 2
        box_height = line_height * len(lines) + 2 * stroke
        box_height += box_height % 2
        image = Image.new("RGBA", (box_width, box_height), (0, 0, 0, 0))
        draw = ImageDraw.Draw(image)
        for number, line in enumerate(lines):
            left = (box_width - font.getlength(line)) / 2
            draw.text(
                (left, stroke + number * line_height), line, font=font, fill=(255, 255, 255, 255),
                stroke_width=stroke, stroke_fill=(0, 0, 0, 255),
            )  # fmt: skip
        rgba = np.asarray(image, np.float32) / 255
        rgb, alpha = rgba[..., :3], rgba[..., 3]
        luma = 16 + 255 * rgb @ _Y
        half_rgb = rgb.reshape(box_height // 2, 2, box_width // 2, 2, 3).mean(axis=(1, 3))
        chroma = np.stack([128 + 255 * half_rgb @ _U, 128 + 255 * half_rgb @ _V]).astype(np.float32)
        chroma_alpha = alpha.reshape(box_height // 2, 2, box_width // 2, 2).mean(axis=(1, 3))
        top = self.height - box_height - round(self.height * 0.06)
        top -= top % 2
        left = (self.width - box_width) // 2
        left -= left % 2
        return _Overlay(
            max(0, top),
            max(0, left),
            (255 * rgb).astype(np.float32),
            alpha.astype(np.float32),
            luma.astype(np.float32),
            chroma,
            chroma_alpha.astype(np.float32),
        )


def _blend_rgb(frame: NDArray[np.uint8], overlay: _Overlay, height: int) -> None:
    """Lay ``overlay`` over an RGB ``frame``, in place."""
    h, w = overlay.alpha.shape
    region = frame[overlay.top : overlay.top + h, overlay.left : overlay.left + w, :3]
    alpha = overlay.alpha[..., None]
    region[:] = (region * (1 - alpha) + overlay.rgb * alpha).round().astype(np.uint8)


def _blend_i420(frame: NDArray[np.uint8], overlay: _Overlay, height: int) -> None:
    """Lay ``overlay`` over an I420 ``frame`` (Y rows, then the U and V quarter planes stacked), in place."""
    width = frame.shape[1]
    h, w = overlay.luma.shape
    y = frame[overlay.top : overlay.top + h, overlay.left : overlay.left + w]
    y[:] = (y * (1 - overlay.alpha) + overlay.luma * overlay.alpha).round().astype(np.uint8)
    chroma = frame[height:].reshape(2, height // 2, width // 2)
    top, left = overlay.top // 2, overlay.left // 2
    for plane in range(2):
        region = chroma[plane, top : top + h // 2, left : left + w // 2]
        blended = region * (1 - overlay.chroma_alpha) + overlay.chroma[plane] * overlay.chroma_alpha
        region[:] = blended.round().astype(np.uint8)
