"""Filming one attempt at a shot: render its frames and stream them into its clip.

The raster renderer hands x264 I420 images chunk by chunk while a writer thread streams the previous chunk into
ffmpeg (which encodes in its own process), and keeps analysis-size frames for the checks. The diffusion renderer
renders the raster pass whole, diffuses it, and encodes the RGB frames. Either way the shot's incoming transition
is baked into its first frames, so the clip is its segment of the final cut.
"""

from __future__ import annotations

import io
import time
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from storyreel.schema import CameraPath, Resolution, Shot, Style
from storyreel.tools.checks import analysis_factor
from storyreel.tools.render.frames import FrameSet
from storyreel.tools.render.raster import render_film
from storyreel.tools.video import ClipWriter, apply_transition
from storyreel.world.world import World


@dataclass
class Filmed:
    """An attempt rendered and encoded: what its checks and the next shot still need."""

    analysis: FrameSet  # the frames at analysis size, with their exact geometry
    thumbnail: NDArray[np.uint8]  # the middle frame at analysis size
    last: NDArray[np.uint8]  # the last frame as encoded (I420 or RGB), for the next shot's dissolve


def film_raster(
    world: World,
    shot: Shot,
    path: CameraPath,
    *,
    start: float,
    style: Style,
    resolution: Resolution,
    previous_last: NDArray[np.uint8] | None,
    clip: Path,
    timings: dict[str, float],
) -> Filmed:
    """Render ``path`` over ``world`` with the raster renderer straight into ``clip``."""
    width, height = resolution.width, resolution.height
    middle = path.frames // 2
    analysis: list[FrameSet] = []
    thumbnail = np.zeros((1, 1, 3), np.uint8)
    last = np.zeros((height * 3 // 2, width), np.uint8)
    done = 0
    chunks = render_film(
        world,
        path,
        start=start,
        style=style,
        resolution=resolution,
        analysis_factor=analysis_factor(width),
        chunk=max(24, path.fps),  # at least a second: a transition's frames all fall in the first chunk
    )
    with (
        ClipWriter(clip, path.fps, width, height) as writer,
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="encode") as encoder,
    ):
        writing: deque[Future[None]] = deque()
        while True:
            with timed(timings, "render"):
                filmed = next(chunks, None)
            if filmed is None:
                break
            images, small = filmed
            analysis.append(small)
            if done <= middle < done + len(images):
                thumbnail = small.rgb[middle - done].copy()  # analysis size is thumbnail size
            if done + len(images) == path.frames:
                last = images[-1].copy()
            if done == 0:
                apply_transition(images, shot.transition, previous_last, path.fps)
            writing.append(encoder.submit(_write_frames, writer, images))
            if len(writing) == 2:  # the renderer reuses the older chunk's buffer next: let the writer finish it
                with timed(timings, "encode_wait"):
                    writing.popleft().result()
            done += len(images)
        with timed(timings, "encode_wait"):  # the last frames, and ffmpeg flushing what it still holds
            for future in writing:
                future.result()
    return Filmed(analysis=FrameSet.concatenate(analysis), thumbnail=thumbnail, last=last)


def encode_rgb(
    frames: FrameSet, shot: Shot, *, previous_last: NDArray[np.uint8] | None, clip: Path, timings: dict[str, float]
) -> Filmed:
    """Encode full-size RGB ``frames`` (a diffused shot) into ``clip`` and keep what the checks need."""
    rgb = np.ascontiguousarray(frames.rgb)
    last = rgb[-1].copy()
    apply_transition(rgb, shot.transition, previous_last, frames.fps)
    with timed(timings, "encode"), ClipWriter(clip, frames.fps, frames.width, frames.height) as writer:
        _write_frames(writer, rgb)
    analysis = frames.reduced(analysis_factor(frames.width))
    return Filmed(analysis=analysis, thumbnail=analysis.rgb[len(analysis) // 2].copy(), last=last)


def _write_frames(writer: ClipWriter, images: NDArray[np.uint8]) -> None:
    for image in images:
        writer.write(image)


def npy_bytes(array: NDArray[np.uint8]) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


def png_bytes(image: NDArray[np.uint8]) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


def add_time(timings: dict[str, float], name: str, seconds: float) -> None:
    timings[name] = timings.get(name, 0.0) + seconds


@contextmanager
def timed(timings: dict[str, float], name: str) -> Iterator[None]:
    """Add the time the block takes to ``timings[name]``."""
    start = time.perf_counter()
    try:
        yield
    finally:
        add_time(timings, name, time.perf_counter() - start)
