"""Filming one attempt at a shot: the one path from a camera path to the checks' frames and an encoded clip.

Decide small, film once. With the raster renderer an attempt is rendered at the size the checks read
(``film_analysis``: every output, about 320 pixels across), and only the attempt a shot keeps is filmed at the
output size (``film_clip``: the colour target alone, as I420, streamed chunk by chunk into ffmpeg by a writer thread
while the next chunk draws). ``ClipFinisher`` films kept attempts on a thread of its own, in shot order, so the next
shot's attempts are filmed and checked meanwhile. The diffusion renderer (torch and diffusers imported only then)
renders the raster pass whole at full size, diffuses it and encodes the RGB frames with each attempt, since its
checks must read diffused frames. Either way the shot's incoming transition is baked into its first frames, so the
clip is its segment of the final cut. The agent's graph and the ``render_shot`` tool both film through here.
"""

from __future__ import annotations

import functools
import io
import json
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from storyreel.atomic import write_bytes
from storyreel.errors import UserError
from storyreel.schema import CameraPath, Renderer, RunOptions, Shot, ShotDirection, Storyboard
from storyreel.timing import timed
from storyreel.tools.checks import analysis_factor
from storyreel.tools.render.diffusion_weights import DEFAULT_CONTROLNET, DEFAULT_MODEL
from storyreel.tools.render.frames import FrameSet
from storyreel.tools.render.raster import render_analysis, render_shot, renderer_for
from storyreel.tools.subtitles import SubtitleBurner
from storyreel.tools.video import ClipWriter, apply_transition
from storyreel.world.world import World

if TYPE_CHECKING:
    from storyreel.tools.render.diffusion import DiffusionRenderer

#: The last frame of the shot before, as its clip has it (I420 or RGB), or a finisher's promise of it.
PreviousLast = NDArray[np.uint8] | Future[NDArray[np.uint8]] | None


@dataclass(frozen=True)
class ClipExtras:
    """What a clip carries besides its pictures: its segment of the film's sound, the subtitles to burn in when the
    run burns them (the clip's first frame shows at ``start_s`` of the film), the provenance ``comment`` tag, and
    its content credentials: ``sign`` signs the whole clip before it takes its name."""

    samples: NDArray[np.float32]
    start_s: float
    burner: SubtitleBurner | None = None
    comment: str | None = None
    sign: Callable[[Path], None] | None = None


@dataclass
class Filmed:
    """An attempt filmed for its checks, and (diffusion only) already encoded."""

    analysis: FrameSet  # the frames at analysis size, with their exact geometry
    clip: Path | None = None  # the attempt's clip when filming it encoded one; None: film_clip makes it if kept
    last: NDArray[np.uint8] | None = None  # the clip's last frame, with ``clip``

    @property
    def thumbnail(self) -> NDArray[np.uint8]:
        """The middle frame at analysis size (a copy: a thumbnail kept does not keep the frames alive)."""
        return self.analysis.rgb[len(self.analysis) // 2].copy()


def film_analysis(
    world: World,
    storyboard: Storyboard,
    shot: Shot,
    path: CameraPath,
    options: RunOptions,
    *,
    clip: Path,
    direction: ShotDirection | None = None,
    previous_last: PreviousLast = None,
    sound: ClipExtras | None = None,
    timings: dict[str, float] | None = None,
) -> Filmed:
    """Film an attempt at ``shot`` along ``path`` for its checks. Raster: rendered at analysis size, no clip yet.
    Diffusion: rendered and diffused at full size and encoded into ``clip`` (dissolving from ``previous_last``,
    with its ``sound``); ``direction`` carries a revision's render-side knobs (diffusion seed, consistency,
    prompt)."""
    timings = {} if timings is None else timings
    if options.renderer == Renderer.DIFFUSION:
        with timed(timings, "render"):
            frames = _diffuse(world, storyboard, shot, path, options, direction or ShotDirection())
        previous = _resolved(previous_last)
        return _encode_rgb(frames, shot, previous_last=previous, clip=clip, sound=sound, timings=timings)
    with timed(timings, "render"):
        small = render_analysis(
            world,
            path,
            start=storyboard.shot_start(shot.id),
            style=options.look(storyboard),
            resolution=options.resolution,
            analysis_factor=analysis_factor(options.resolution.width, options.resolution.height),
            shot_id=shot.id,
        )
    return Filmed(analysis=small)


def film_clip(
    world: World,
    storyboard: Storyboard,
    shot: Shot,
    path: CameraPath,
    options: RunOptions,
    *,
    clip: Path,
    previous_last: PreviousLast = None,
    sound: ClipExtras | None = None,
    timings: dict[str, float] | None = None,
) -> NDArray[np.uint8]:
    """Film ``shot`` along ``path`` at the output size into ``clip`` with the raster renderer (the colour target
    alone: the checks read ``film_analysis``'s frames), dissolving from ``previous_last``, with its ``sound``.
    Returns the last frame as encoded (I420, subtitles not burnt in), for the next shot's dissolve."""
    timings = {} if timings is None else timings
    previous = _resolved(previous_last)
    resolution = options.resolution
    width, height = resolution.width, resolution.height
    last = np.zeros((height * 3 // 2, width), np.uint8)
    done = 0
    chunks = renderer_for(resolution).render_images(
        world,
        path,
        start=storyboard.shot_start(shot.id),
        style=options.look(storyboard),
        chunk=max(24, path.fps),  # at least a second: a transition's frames all fall in the first chunk
    )
    with (
        ClipWriter(
            clip,
            path.fps,
            width,
            height,
            audio=sound.samples if sound else None,
            comment=sound.comment if sound else None,
            sign=sound.sign if sound else None,
        ) as writer,
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="encode") as encoder,
    ):
        writing: deque[Future[None]] = deque()
        while True:
            with timed(timings, "render"):
                images = next(chunks, None)
            if images is None:
                break
            if done + len(images) == path.frames:
                last = images[-1].copy()
            if done == 0:
                apply_transition(images, shot.transition, previous, path.fps)
            if sound is not None and sound.burner is not None:
                sound.burner.burn(images, done, sound.start_s)
            writing.append(encoder.submit(_write_frames, writer, images))
            if len(writing) == 2:  # the renderer reuses the older chunk's buffer next: let the writer finish it
                with timed(timings, "encode_wait"):
                    writing.popleft().result()
            done += len(images)
        with timed(timings, "encode_wait"):  # the last frames, and ffmpeg flushing what it still holds
            for future in writing:
                future.result()
    return last


def _resolved(previous_last: PreviousLast) -> NDArray[np.uint8] | None:
    """The previous shot's last frame, waiting for the finisher when it is still being filmed."""
    return previous_last.result() if isinstance(previous_last, Future) else previous_last


def film_shot(
    world: World,
    storyboard: Storyboard,
    shot: Shot,
    path: CameraPath,
    options: RunOptions,
    *,
    clip: Path,
    direction: ShotDirection | None = None,
    previous_last: PreviousLast = None,
    sound: ClipExtras | None = None,
    timings: dict[str, float] | None = None,
) -> Filmed:
    """Film ``shot`` along ``path`` for its checks and into ``clip`` in one call (``film_analysis``, then
    ``film_clip`` unless the attempt encoded its clip itself)."""
    filmed = film_analysis(
        world,
        storyboard,
        shot,
        path,
        options,
        clip=clip,
        direction=direction,
        previous_last=previous_last,
        sound=sound,
        timings=timings,
    )
    if filmed.clip is None:
        last = film_clip(
            world, storyboard, shot, path, options, clip=clip, previous_last=previous_last, sound=sound, timings=timings
        )
        filmed = Filmed(filmed.analysis, clip, last)
    return filmed


class ClipFinisher:
    """Films kept attempts at the output size on a thread of its own (with its own GL context), one at a time in
    the order they are submitted, so the caller goes on filming and checking the next shot meanwhile. Each clip's
    last frame is handed to the next clip's dissolve as a promise; ``then`` runs after a clip is written (the
    caller records it in its store there). Time spent goes to its own timings (``final``), read once closed."""

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="final")
        self._submitted: list[Future[NDArray[np.uint8]]] = []
        self.timings: dict[str, float] = {}

    def submit(
        self,
        world: World,
        storyboard: Storyboard,
        shot: Shot,
        path: CameraPath,
        options: RunOptions,
        *,
        clip: Path,
        previous_last: PreviousLast,
        sound: ClipExtras | None,
        then: Callable[[NDArray[np.uint8]], None],
    ) -> Future[NDArray[np.uint8]]:
        """Film ``shot`` into ``clip`` after the clips submitted before it; the future holds its last frame."""

        def finish() -> NDArray[np.uint8]:
            with timed(self.timings, "final"):  # the caller reads it once closed
                last = film_clip(
                    world, storyboard, shot, path, options, clip=clip, previous_last=previous_last, sound=sound
                )
                then(last)
            return last

        future = self._pool.submit(finish)
        self._submitted.append(future)
        return future

    def close(self, *, cancel: bool = False) -> None:
        """Wait for the clips submitted and stop the thread; a clip that failed raises its error here. With
        ``cancel`` (the run failed already), drop the clips not started and raise nothing."""
        self._pool.shutdown(wait=True, cancel_futures=cancel)
        if not cancel:
            for future in self._submitted:
                future.result()


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


def _encode_rgb(
    frames: FrameSet,
    shot: Shot,
    *,
    previous_last: NDArray[np.uint8] | None,
    clip: Path,
    sound: ClipExtras | None,
    timings: dict[str, float],
) -> Filmed:
    """Encode full-size RGB ``frames`` (a diffused shot) into ``clip`` and keep what the checks need."""
    rgb = np.ascontiguousarray(frames.rgb)
    last = rgb[-1].copy()
    apply_transition(rgb, shot.transition, previous_last, frames.fps)
    if sound is not None and sound.burner is not None:
        sound.burner.burn(rgb, 0, sound.start_s)
    audio, comment, sign = (sound.samples, sound.comment, sound.sign) if sound else (None, None, None)
    with (
        timed(timings, "encode"),
        ClipWriter(clip, frames.fps, frames.width, frames.height, audio=audio, comment=comment, sign=sign) as writer,
    ):
        _write_frames(writer, rgb)
    analysis = frames.reduced(analysis_factor(frames.width, frames.height))
    return Filmed(analysis=analysis, clip=clip, last=last)


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
