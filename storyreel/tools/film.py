"""Filming one attempt at a shot: the one path from a camera path to an encoded clip and the checks' frames.

``film_shot`` renders the shot with the run's renderer and streams it into its clip. The raster renderer hands
x264 I420 images chunk by chunk while a writer thread streams the previous chunk into ffmpeg (which encodes in its
own process), and keeps analysis-size frames for the checks. The diffusion renderer (torch and diffusers imported
only then) renders the raster pass whole, diffuses it, and encodes the RGB frames. Either way the shot's incoming
transition is baked into its first frames, so the clip is its segment of the final cut. The agent's graph and the
``render_shot`` tool both film through here.
"""

from __future__ import annotations

import functools
import io
import json
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from storyreel.atomic import write_bytes
from storyreel.errors import UserError
from storyreel.schema import CameraPath, Renderer, Resolution, RunOptions, Shot, ShotDirection, Storyboard, Style
from storyreel.timing import timed
from storyreel.tools.checks import analysis_factor
from storyreel.tools.render.diffusion_weights import DEFAULT_CONTROLNET, DEFAULT_MODEL
from storyreel.tools.render.frames import FrameSet
from storyreel.tools.render.raster import render_film, render_shot
from storyreel.tools.video import ClipWriter, apply_transition
from storyreel.world.world import World

if TYPE_CHECKING:
    from storyreel.tools.render.diffusion import DiffusionRenderer


@dataclass
class Filmed:
    """An attempt rendered and encoded: what its checks and the next shot still need."""

    analysis: FrameSet  # the frames at analysis size, with their exact geometry
    thumbnail: NDArray[np.uint8]  # the middle frame at analysis size
    last: NDArray[np.uint8]  # the last frame as encoded (I420 or RGB), for the next shot's dissolve


def film_shot(
    world: World,
    storyboard: Storyboard,
    shot: Shot,
    path: CameraPath,
    options: RunOptions,
    *,
    clip: Path,
    direction: ShotDirection | None = None,
    previous_last: NDArray[np.uint8] | None = None,
    timings: dict[str, float] | None = None,
) -> Filmed:
    """Film ``shot`` along ``path`` with the run's renderer into ``clip``. ``previous_last`` is the previous
    shot's last frame, which a dissolve blends from (a dissolve with none rises from black); ``direction`` carries
    a revision's render-side knobs (diffusion seed, consistency, prompt)."""
    timings = {} if timings is None else timings
    start = storyboard.shot_start(shot.id)
    if options.renderer == Renderer.DIFFUSION:
        with timed(timings, "render"):
            frames = _diffuse(world, storyboard, shot, path, options, direction or ShotDirection())
        return _encode_rgb(frames, shot, previous_last=previous_last, clip=clip, timings=timings)
    return _film_raster(
        world, shot, path, start, options.look(storyboard), options.resolution, previous_last, clip, timings
    )


def load_renderer(options: RunOptions) -> DiffusionRenderer:
    """The run's diffusion renderer (loaded once per model and ControlNet, then reused by every shot). Weights that
    are not on this machine raise the one-line ``MissingWeightsError``; nothing falls back to the raster look."""
    return _loaded(options.model or DEFAULT_MODEL, options.controlnet or DEFAULT_CONTROLNET)


@functools.cache
def _loaded(model: str, controlnet: str) -> DiffusionRenderer:
    try:
        from storyreel.tools.render.diffusion import DiffusionRenderer
    except ImportError as error:
        raise UserError(
            f"--renderer diffusion needs the diffusion extra ({error.name} is missing): "
            "pip install 'storyreel[diffusion]' (and a torch build for your GPU)"
        ) from error
    return DiffusionRenderer.from_pretrained(model, controlnet)


def _diffuse(
    world: World, storyboard: Storyboard, shot: Shot, path: CameraPath, options: RunOptions, direction: ShotDirection
) -> FrameSet:
    """Render the raster pass of ``path`` at full size and diffuse it with the run's settings and the revision's
    knobs: the render seed is the run's plus ``direction.render_seed`` (the same for every shot, so a character
    starts from the same noise in each), and ``direction.tight_prompt`` weights the cast's appearance."""
    from storyreel.tools.render.diffusion import DiffusionSettings, shot_prompt

    renderer = load_renderer(options)
    start = storyboard.shot_start(shot.id)
    look = options.look(storyboard)
    frames = render_shot(world, path, start=start, style=look, resolution=options.resolution, shot_id=shot.id)
    settings = DiffusionSettings(
        model=options.model or DEFAULT_MODEL, controlnet=options.controlnet or DEFAULT_CONTROLNET
    ).with_direction(direction)
    prompt = shot_prompt(storyboard, shot, look, tight=direction.tight_prompt)
    return renderer.render(frames, prompt, settings, seed=options.seed + direction.render_seed)


def _film_raster(
    world: World,
    shot: Shot,
    path: CameraPath,
    start: float,
    style: Style,
    resolution: Resolution,
    previous_last: NDArray[np.uint8] | None,
    clip: Path,
    timings: dict[str, float],
) -> Filmed:
    """Render ``path`` over ``world`` with the raster renderer in ``style`` straight into ``clip``."""
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


def _encode_rgb(
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


# ---------------------------------------------------------------------------------------- the analysis frames

_FRAME_ARRAYS = ("rgb", "instance", "depth", "flow", "next_depth")


def save_analysis(path: Path, frames: FrameSet) -> None:
    """Keep a shot's analysis-size frames (with their exact geometry) for a later check, atomically."""
    buffer = io.BytesIO()
    meta = {"fps": frames.fps, "shot_id": frames.shot_id, "instance_names": frames.instance_names}
    np.savez_compressed(
        buffer, meta=np.array(json.dumps(meta)), **{name: getattr(frames, name) for name in _FRAME_ARRAYS}
    )
    write_bytes(path, buffer.getvalue())


def load_analysis(path: Path) -> FrameSet:
    """The frames :func:`save_analysis` kept."""
    with np.load(path) as stored:
        meta = json.loads(str(stored["meta"]))
        arrays = {name: stored[name] for name in _FRAME_ARRAYS}
    names = {int(key): value for key, value in meta["instance_names"].items()}
    return FrameSet(**arrays, fps=int(meta["fps"]), shot_id=str(meta["shot_id"]), instance_names=names)
