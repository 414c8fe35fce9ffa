"""``make_video``: one straight run from story text to a finished film.

plan -> one World per location -> for each shot: direct the camera, render, check, encode -> concatenate the clips,
draw the contact sheet, write the report. Every artifact goes through the run store, so a killed run resumes and
an unchanged shot is never rendered twice. ffmpeg encodes a shot while it is drawn, and its checks run beside
the next shot's rendering.
"""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from PIL import Image
from tqdm import tqdm

from storyreel.agent.run_store import RunStore, content_key
from storyreel.atomic import write_bytes, write_model
from storyreel.errors import UserError
from storyreel.planners.rules import plan_story
from storyreel.schema import (
    CameraPath,
    Resolution,
    RunReport,
    Shot,
    ShotReport,
    Storyboard,
    Style,
    Transition,
)
from storyreel.tools.camera import direct_camera
from storyreel.tools.checks import analysis_factor, check_shot
from storyreel.tools.render.frames import FrameSet
from storyreel.tools.render.raster import render_shot_chunks
from storyreel.tools.scene import build_world
from storyreel.tools.video import ClipWriter, apply_transition, concat_clips, contact_sheet
from storyreel.world.world import World

STATE = ".storyreel"


@dataclass
class RunOptions:
    """Everything besides the story that decides what a run makes."""

    fps: int = 24
    resolution: Resolution = field(default_factory=Resolution)
    style: Style = Style.TOON
    seed: int = 0
    asset_dir: Path | None = None

    def key(self) -> dict[str, object]:
        assets = (
            sorted((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in self.asset_dir.iterdir() if p.is_file())
            if self.asset_dir
            else None
        )
        return {
            "fps": self.fps,
            "resolution": str(self.resolution),
            "style": self.style.value,
            "seed": self.seed,
            "assets": assets,
        }


def make_video(
    story: str,
    out: Path | str | None = None,
    *,
    fps: int = 24,
    resolution: Resolution | str = "1280x720",
    style: Style | str = Style.TOON,
    seed: int = 0,
    asset_dir: Path | str | None = None,
    force: bool = False,
    progress: bool = True,
) -> RunReport:
    """Make a multi-shot video of ``story`` in ``out`` and return the run's report.

    ``out`` defaults to ``runs/<title>``. A directory that already holds this same run resumes it (finished shots
    are kept); one holding another run is refused unless ``force``.
    """
    options = _options(fps, resolution, style, seed, asset_dir)
    timings: dict[str, float] = {}
    with _timed(timings, "plan"):
        storyboard = plan_story(story, fps=options.fps, resolution=options.resolution, style=options.style, seed=seed)
    root = Path(out) if out is not None else Path("runs") / _slug(storyboard.title)
    store = RunStore.open(root, content_key(story, options.key()), force=force)
    return film_storyboard(storyboard, store, options, progress=progress, timings=timings)


def film_storyboard(
    storyboard: Storyboard,
    store: RunStore,
    options: RunOptions,
    *,
    progress: bool = True,
    timings: dict[str, float] | None = None,
) -> RunReport:
    """Film a planned storyboard into ``store``'s directory (the part of a run after planning)."""
    timings = {} if timings is None else timings
    write_model(store.path("storyboard.json"), storyboard)

    with _timed(timings, "scene"):
        worlds = _build_worlds(storyboard, store, options, progress)

    reports: list[ShotReport | Future[ShotReport]] = []
    thumbnails: list[NDArray[np.uint8]] = []
    previous_last: NDArray[np.uint8] | None = None
    previous_key = ""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="checks") as checker:
        shots = tqdm(storyboard.shots, desc="shots", unit="shot", disable=not progress)
        for shot in shots:
            start = storyboard.shot_start(shot.id)
            incoming = previous_key if shot.transition != Transition.CUT else ""
            key = content_key(_world_inputs(storyboard, shot.location), shot, start, options.key(), incoming)
            previous_key = key
            if store.fresh(_clip(shot), key) and store.fresh(_state(shot, "json"), key):
                report, previous_last, thumb = _load_shot(store, shot)
                reports.append(report)
                thumbnails.append(thumb)
                continue
            shots.set_postfix_str(f"{shot.id}: camera")
            with _timed(timings, "camera"):
                path = direct_camera(
                    worlds[shot.location],
                    shot,
                    start=start,
                    fps=options.fps,
                    aspect=options.resolution.width / options.resolution.height,
                    seed=options.seed,
                )
            shots.set_postfix_str(f"{shot.id}: render")
            filmed = _render_and_encode(
                worlds[shot.location], shot, path, start, previous_last, store, options, timings
            )
            reports.append(checker.submit(_check_and_record, store, shot, path, start, key, filmed, timings))
            thumbnails.append(filmed.thumbnail)
            previous_last = filmed.last
        with _timed(timings, "check_wait"):
            finished = [r.result() if isinstance(r, Future) else r for r in reports]

    with _timed(timings, "assemble"):
        concat_clips([store.path(r.clip) for r in finished], store.path("final.mp4"))
        captions = [_caption(shot) for shot in storyboard.shots]
        contact_sheet(list(zip(thumbnails, captions, strict=True)), store.path("contact_sheet.png"))
    run_report = RunReport(
        title=storyboard.title,
        run_dir=str(store.root),
        seed=options.seed,
        fps=options.fps,
        resolution=options.resolution,
        style=options.style,
        frames=sum(r.frames for r in finished),
        duration_s=sum(r.duration_s for r in finished),
        final_video="final.mp4",
        contact_sheet="contact_sheet.png",
        storyboard="storyboard.json",
        scenes=[f"scenes/{location.id}.glb" for location in storyboard.locations],
        shots=finished,
        unknown_nouns=storyboard.unknown_nouns,
        warnings=_warnings(storyboard, finished),
        timings_s={name: round(seconds, 3) for name, seconds in timings.items()},
    )
    write_model(store.path("report.json"), run_report)
    return run_report


@dataclass
class _Filmed:
    """A shot rendered and encoded: what its checks and the next shot still need."""

    analysis: FrameSet  # the raw render at analysis size
    thumbnail: NDArray[np.uint8]
    last: NDArray[np.uint8]  # the raw last frame, for the next shot's dissolve


def _render_and_encode(
    world: World,
    shot: Shot,
    path: CameraPath,
    start: float,
    previous_last: NDArray[np.uint8] | None,
    store: RunStore,
    options: RunOptions,
    timings: dict[str, float],
) -> _Filmed:
    """Render the shot chunk by chunk, streaming each chunk into the clip's encoder (ffmpeg encodes in its own
    process while the next chunk draws) and keeping a reduced copy of the raw frames for the checks."""
    width, height = options.resolution.width, options.resolution.height
    factor = analysis_factor(width)
    middle = path.frames // 2
    analysis: list[FrameSet] = []
    thumbnail = last = np.zeros((height, width, 3), np.uint8)
    done = 0
    chunks = render_shot_chunks(
        world,
        path,
        start=start,
        style=options.style,
        resolution=options.resolution,
        shot_id=shot.id,
        chunk=max(24, options.fps),  # at least a second: a transition's frames all fall in the first chunk
    )
    with ClipWriter(store.path(_clip(shot)), options.fps, width, height) as writer:
        while True:
            with _timed(timings, "render"):
                chunk = next(chunks, None)
            if chunk is None:
                break
            with _timed(timings, "analysis"):
                analysis.append(chunk.reduced(factor))
                if done <= middle < done + len(chunk):
                    thumbnail = chunk.rgb[middle - done].copy()
                if done + len(chunk) == path.frames:
                    last = chunk.rgb[-1].copy()
                if done == 0:
                    apply_transition(chunk.rgb, shot.transition, previous_last, options.fps)
            with _timed(timings, "encode"):
                for frame in chunk.pixels if chunk.pixels is not None else chunk.rgb:
                    writer.write(frame)
            done += len(chunk)
        finishing = time.perf_counter()
    _add(timings, "encode", time.perf_counter() - finishing)  # ffmpeg flushing the frames it still holds
    return _Filmed(analysis=FrameSet.concatenate(analysis), thumbnail=thumbnail, last=last)


def _check_and_record(
    store: RunStore,
    shot: Shot,
    path: CameraPath,
    start: float,
    key: str,
    filmed: _Filmed,
    timings: dict[str, float],
) -> ShotReport:
    """Check a filmed shot and record it in the run store (runs beside the next shot's rendering)."""
    with _timed(timings, "check"):
        checks = check_shot(filmed.analysis, path, shot)
    report = ShotReport(
        shot_id=shot.id,
        location=shot.location,
        frames=len(filmed.analysis),
        start_s=start,
        duration_s=len(filmed.analysis) / path.fps,
        clip=_clip(shot),
        checks=checks,
    )
    write_bytes(store.path(_state(shot, "last.png")), _png(filmed.last))
    write_bytes(store.path(_state(shot, "thumb.png")), _png(filmed.thumbnail))
    write_model(store.path(_state(shot, "json")), report)
    store.record(_state(shot, "json"), key)
    store.record(_clip(shot), key)
    return report


def _clip(shot: Shot) -> str:
    return f"shots/{shot.id}.mp4"


def _state(shot: Shot, suffix: str) -> str:
    return f"{STATE}/{shot.id}.{suffix}"


def _options(
    fps: int, resolution: Resolution | str, style: Style | str, seed: int, asset_dir: Path | str | None
) -> RunOptions:
    try:
        parsed_resolution = Resolution.parse(resolution) if isinstance(resolution, str) else resolution
        parsed_style = Style(style)
    except ValueError as error:
        raise UserError(_first_line(error)) from error
    if not 1 <= fps <= 120:
        raise UserError(f"--fps {fps} is out of range: use 1 to 120 (24 is the film standard)")
    assets = Path(asset_dir) if asset_dir is not None else None
    if assets is not None and not assets.is_dir():
        raise UserError(f"asset folder {assets} does not exist: point --assets at a folder of GLB/OBJ files")
    return RunOptions(fps=fps, resolution=parsed_resolution, style=parsed_style, seed=seed, asset_dir=assets)


def _first_line(error: Exception) -> str:
    text = str(error)
    if "validation error" in text:  # pydantic: keep the field and the reason, drop the URL
        lines = [line.strip() for line in text.splitlines() if line.strip() and "errors.pydantic" not in line]
        return "invalid value: " + " ".join(lines[1:3])
    return text.splitlines()[0]


def _world_inputs(storyboard: Storyboard, location_id: str) -> dict[str, object]:
    """What a location's World depends on: the location, the cast, and every shot filmed there (with its time)."""
    return {
        "location": storyboard.location(location_id).model_dump(mode="json"),
        "cast": [c.model_dump(mode="json") for c in storyboard.cast],
        "shots": [
            (s.model_dump(mode="json"), storyboard.shot_start(s.id))
            for s in storyboard.shots
            if s.location == location_id
        ],
        "duration": storyboard.duration,
    }


def _build_worlds(storyboard: Storyboard, store: RunStore, options: RunOptions, progress: bool) -> dict[str, World]:
    worlds: dict[str, World] = {}
    for location in tqdm(storyboard.locations, desc="scenes", unit="scene", disable=not progress):
        world = build_world(storyboard, location.id, seed=options.seed, asset_dir=options.asset_dir)
        worlds[location.id] = world
        glb = f"scenes/{location.id}.glb"
        key = content_key(_world_inputs(storyboard, location.id), options.key())
        if not store.fresh(glb, key):
            first = next(s for s in storyboard.shots if s.location == location.id)
            world.export_glb(store.path(glb), time=storyboard.shot_start(first.id))
            store.record(glb, key)
    return worlds


def _load_shot(store: RunStore, shot: Shot) -> tuple[ShotReport, NDArray[np.uint8], NDArray[np.uint8]]:
    report = ShotReport.model_validate_json(store.path(_state(shot, "json")).read_text())
    last = np.asarray(Image.open(store.path(_state(shot, "last.png"))).convert("RGB"))
    thumb = np.asarray(Image.open(store.path(_state(shot, "thumb.png"))).convert("RGB"))
    return report, last, thumb


def _png(image: NDArray[np.uint8]) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


def _caption(shot: Shot) -> str:
    return f"{shot.id} · {shot.size.value} {shot.move.value} · {shot.description}"


def _warnings(storyboard: Storyboard, reports: list[ShotReport]) -> list[str]:
    warnings = [f"unknown noun {noun!r} is shown as a labelled generic prop" for noun in storyboard.unknown_nouns]
    for report in reports:
        warnings += [f"{report.shot_id}: check {c.name} failed ({c.detail})" for c in report.checks if not c.passed]
    return warnings


def _slug(title: str) -> str:
    slug = "".join(ch if ch.isalnum() else "-" for ch in title.lower()).strip("-")
    return "-".join(filter(None, slug.split("-")))[:48] or "story"


def _add(timings: dict[str, float], name: str, seconds: float) -> None:
    timings[name] = timings.get(name, 0.0) + seconds


@contextmanager
def _timed(timings: dict[str, float], name: str) -> Iterator[None]:
    start = time.perf_counter()
    try:
        yield
    finally:
        _add(timings, name, time.perf_counter() - start)
