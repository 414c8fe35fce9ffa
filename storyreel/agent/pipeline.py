"""``make_video``: one straight run from story text to a finished film.

plan -> one World per location -> for each shot: direct the camera, render, check, encode -> concatenate the clips,
draw the contact sheet, write the report. Every artifact goes through the run store, so a killed run resumes and
an unchanged shot is never rendered twice. ffmpeg encodes a shot while it is drawn, and its checks run beside
the next shot's rendering.
"""

from __future__ import annotations

import io
import time
from collections import deque
from collections.abc import Callable, Iterator
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
from storyreel.planners import PlannerKind, PlannerSettings, plan
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
from storyreel.tools.camera import CONTROLLERS, DEFAULT_CONTROLLER, direct_camera
from storyreel.tools.checks import analysis_factor, check_shot
from storyreel.tools.render.frames import FrameSet
from storyreel.tools.render.raster import render_film
from storyreel.tools.scene import build_world
from storyreel.tools.video import ClipWriter, apply_transition, concat_clips, contact_sheet
from storyreel.world.world import World

STATE = ".storyreel"
PLAN = "storyboard.json"

#: Called with the fraction done (0-1) and what is happening, before each shot, before assembly and at the end.
#: It may raise to cancel the run between shots: finished shots stay in the run store, final.mp4 is not written.
ProgressCallback = Callable[[float, str], None]


@dataclass
class RunOptions:
    """Everything besides the story that decides what a run makes."""

    fps: int = 24
    resolution: Resolution = field(default_factory=Resolution)
    style: Style = Style.TOON
    seed: int = 0
    asset_dir: Path | None = None
    camera: str = DEFAULT_CONTROLLER  # the camera director: "rl" (the shipped policy) or "baseline"

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
            "camera": self.camera,
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
    camera: str = DEFAULT_CONTROLLER,
    force: bool = False,
    progress: bool = True,
    on_progress: ProgressCallback | None = None,
    planner: PlannerKind = "auto",
    llm_model: str | None = None,
    llm_base_url: str | None = None,
    fallback: bool = True,
) -> RunReport:
    """Make a multi-shot video of ``story`` in ``out`` and return the run's report.

    ``planner`` picks the planner (``planners.plan``): "auto" uses the LLM when ``OPENAI_API_KEY`` or
    ``OPENAI_BASE_URL`` (or ``llm_base_url``) is set, "llm" requires it, "rules" plans offline. An LLM that fails
    falls back to the rule planner with a warning in the report, unless ``fallback`` is off.

    ``camera`` picks the camera director: "baseline" (hand-written, the default) or "rl" (the shipped policy).

    ``out`` defaults to ``runs/<title>``. A directory that already holds this same run resumes it (finished shots
    are kept); one holding another run is refused unless ``force``.
    """
    options = _options(fps, resolution, style, seed, asset_dir, camera)
    settings = PlannerSettings(planner=planner, model=llm_model, base_url=llm_base_url, fallback=fallback)
    request = content_key(story, options.key(), settings.key())
    timings: dict[str, float] = {}
    warnings: list[str] = []
    planned = _cached_plan(Path(out), request) if out is not None and not force else None
    if planned is None:  # planned before the run directory is touched: a story that cannot be planned leaves none
        with _timed(timings, "plan"):
            made = plan(story, settings, fps=options.fps, resolution=options.resolution, style=options.style, seed=seed)
        planned, warnings = made.storyboard, made.warnings
    root = Path(out) if out is not None else Path("runs") / _slug(planned.title)
    store = RunStore.open(root, request, force=force)
    if not warnings:  # a fallback plan is not kept: resuming asks the LLM again
        write_model(store.path(PLAN), planned)
        store.record(PLAN, request)
    return film_storyboard(
        planned, store, options, progress=progress, timings=timings, on_progress=on_progress, warnings=warnings
    )


def _cached_plan(root: Path, request: str) -> Storyboard | None:
    """The storyboard this same request planned before in ``root`` (a resumed LLM run is not planned anew)."""
    if RunStore.recorded_request(root) != request:
        return None
    store = RunStore.open(root, request)
    return Storyboard.model_validate_json(store.path(PLAN).read_text()) if store.fresh(PLAN, request) else None


def film_storyboard(
    storyboard: Storyboard,
    store: RunStore,
    options: RunOptions,
    *,
    progress: bool = True,
    timings: dict[str, float] | None = None,
    on_progress: ProgressCallback | None = None,
    warnings: list[str] | None = None,
) -> RunReport:
    """Film a planned storyboard into ``store``'s directory (the part of a run after planning). Only shots whose
    key (:func:`shot_keys`) is not fresh in the store are rendered. ``warnings`` from before filming (the
    planner's) lead the report's warnings."""
    timings = {} if timings is None else timings
    write_model(store.path("storyboard.json"), storyboard)

    with _timed(timings, "scene"):
        worlds = _build_worlds(storyboard, store, options, progress)

    reports: list[ShotReport | Future[ShotReport]] = []
    thumbnails: list[NDArray[np.uint8]] = []
    previous_last: NDArray[np.uint8] | None = None
    keys = shot_keys(storyboard, options)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="checks") as checker:
        shots = tqdm(storyboard.shots, desc="shots", unit="shot", disable=not progress)
        for index, shot in enumerate(shots):
            if on_progress is not None:
                on_progress(index / (len(storyboard.shots) + 1), f"{shot.id}: filming")
            start = storyboard.shot_start(shot.id)
            key = keys[shot.id]
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
                    controller=options.camera,
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

    if on_progress is not None:
        on_progress(len(storyboard.shots) / (len(storyboard.shots) + 1), "assembling the film")
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
        warnings=[*(warnings or []), *_warnings(storyboard, finished)],
        timings_s={name: round(seconds, 3) for name, seconds in timings.items()},
    )
    write_model(store.path("report.json"), run_report)
    if on_progress is not None:
        on_progress(1.0, "done")
    return run_report


@dataclass
class _Filmed:
    """A shot rendered and encoded: what its checks and the next shot still need."""

    analysis: FrameSet  # the raw render at analysis size
    thumbnail: NDArray[np.uint8]
    last: NDArray[np.uint8]  # the raw last frame (I420), for the next shot's dissolve


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
    """Render the shot chunk by chunk while a writer thread streams the previous chunk into ffmpeg (which encodes
    in its own process), keeping the analysis-size frames for the checks."""
    width, height = options.resolution.width, options.resolution.height
    middle = path.frames // 2
    analysis: list[FrameSet] = []
    thumbnail = np.zeros((1, 1, 3), np.uint8)
    last = np.zeros((height * 3 // 2, width), np.uint8)
    done = 0
    chunks = render_film(
        world,
        path,
        start=start,
        style=options.style,
        resolution=options.resolution,
        analysis_factor=analysis_factor(width),
        chunk=max(24, options.fps),  # at least a second: a transition's frames all fall in the first chunk
    )
    with (
        ClipWriter(store.path(_clip(shot)), options.fps, width, height) as writer,
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="encode") as encoder,
    ):
        writing: deque[Future[None]] = deque()
        while True:
            with _timed(timings, "render"):
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
                apply_transition(images, shot.transition, previous_last, options.fps)
            writing.append(encoder.submit(_write_frames, writer, images))
            if len(writing) == 2:  # the renderer reuses the older chunk's buffer next: let the writer finish it
                with _timed(timings, "encode_wait"):
                    writing.popleft().result()
            done += len(images)
        with _timed(timings, "encode_wait"):  # the last frames, and ffmpeg flushing what it still holds
            for future in writing:
                future.result()
    return _Filmed(analysis=FrameSet.concatenate(analysis), thumbnail=thumbnail, last=last)


def _write_frames(writer: ClipWriter, images: NDArray[np.uint8]) -> None:
    for image in images:
        writer.write(image)


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
    write_bytes(store.path(_state(shot, "last.npy")), _npy(filmed.last))
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
    fps: int,
    resolution: Resolution | str,
    style: Style | str,
    seed: int,
    asset_dir: Path | str | None,
    camera: str = DEFAULT_CONTROLLER,
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
    if camera not in CONTROLLERS:
        raise UserError(f"--camera {camera!r} is not a camera director: use {' or '.join(CONTROLLERS)}")
    return RunOptions(
        fps=fps, resolution=parsed_resolution, style=parsed_style, seed=seed, asset_dir=assets, camera=camera
    )


def _first_line(error: Exception) -> str:
    text = str(error)
    if "validation error" in text:  # pydantic: keep the field and the reason, drop the URL
        lines = [line.strip() for line in text.splitlines() if line.strip() and "errors.pydantic" not in line]
        return "invalid value: " + " ".join(lines[1:3])
    return text.splitlines()[0]


def shot_keys(storyboard: Storyboard, options: RunOptions) -> dict[str, str]:
    """Each shot's key: a hash of exactly what its clip and report depend on. That is the world during the shot
    (:func:`_world_inputs`), the shot's own fields (its description only captions the contact sheet), its start
    time, the run options, and for a dissolve the previous shot's key (its last frame is blended in). Editing one
    shot's camera therefore changes one key; an edit that moves things changes that shot's and the later ones at
    its location; a changed duration also shifts every later shot in story time."""
    keys: dict[str, str] = {}
    previous = ""
    for shot in storyboard.shots:
        incoming = previous if shot.transition == Transition.DISSOLVE else ""
        own = shot.model_dump(mode="json", exclude={"description"})
        start = storyboard.shot_start(shot.id)
        previous = keys[shot.id] = content_key(_world_inputs(storyboard, shot), own, start, options.key(), incoming)
    return keys


def stale_shots(storyboard: Storyboard, store: RunStore, options: RunOptions) -> list[str]:
    """The ids of the shots :func:`film_storyboard` would render now (the rest are fresh in the store)."""
    keys = shot_keys(storyboard, options)
    return [
        shot.id
        for shot in storyboard.shots
        if not (store.fresh(_clip(shot), keys[shot.id]) and store.fresh(_state(shot, "json"), keys[shot.id]))
    ]


def _world_inputs(storyboard: Storyboard, shot: Shot) -> dict[str, object]:
    """What the world of a shot's location is during that shot: the location; the cast members who appear there
    in any shot (they stand in that world throughout, and their order numbers the instance ids); and the parts of
    every shot there up to and including this one that move things (ids, actions, subjects, durations, start
    times). Later shots only add motion after this one ends, so they are left out."""
    here = [s for s in storyboard.shots if s.location == shot.location]
    appearing = {
        name for s in here for name in [*s.subjects, *(a.actor for a in s.actions), *(a.target for a in s.actions)]
    }
    return {
        "location": storyboard.location(shot.location).model_dump(mode="json"),
        "cast": [c.model_dump(mode="json") for c in storyboard.cast if c.id in appearing],
        "shots": [
            {
                "id": s.id,
                "start": storyboard.shot_start(s.id),
                "duration": s.duration,
                "subjects": s.subjects,
                "actions": [a.model_dump(mode="json") for a in s.actions],
            }
            for s in here[: here.index(shot) + 1]
        ],
    }


def _build_worlds(storyboard: Storyboard, store: RunStore, options: RunOptions, progress: bool) -> dict[str, World]:
    worlds: dict[str, World] = {}
    for location in tqdm(storyboard.locations, desc="scenes", unit="scene", disable=not progress):
        world = build_world(storyboard, location.id, seed=options.seed, asset_dir=options.asset_dir)
        worlds[location.id] = world
        glb = f"scenes/{location.id}.glb"
        first = next(s for s in storyboard.shots if s.location == location.id)
        key = content_key(_world_inputs(storyboard, first), options.key())  # posed at its first shot's start
        if not store.fresh(glb, key):
            world.export_glb(store.path(glb), time=storyboard.shot_start(first.id))
            store.record(glb, key)
    return worlds


def _load_shot(store: RunStore, shot: Shot) -> tuple[ShotReport, NDArray[np.uint8], NDArray[np.uint8]]:
    report = ShotReport.model_validate_json(store.path(_state(shot, "json")).read_text())
    last = np.load(store.path(_state(shot, "last.npy")))
    thumb = np.asarray(Image.open(store.path(_state(shot, "thumb.png"))).convert("RGB"))
    return report, last, thumb


def _npy(array: NDArray[np.uint8]) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


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
