"""The one list of tools storyreel offers: the CLI, the MCP server and the LangChain tools all read :data:`TOOLS`.

A tool is a typed function over a pydantic input model; the model's JSON Schema is what an agent sees, the
function's docstring is how the tool is explained to it. Tools work in a workspace directory: they read and write
run artifacts there and hand back their URIs (``storyreel://runs/dog/report.json``) with a short summary, because
worlds, frames and videos are too big to pass around. Every path an agent gives is confined to the workspace.

``make_video`` runs the whole pipeline in one call (the agent's graph). Each stage tool is usable alone on what
is in the workspace: ``plan_story`` writes ``storyboard.json`` and the run's ``options.json`` (the options every
later stage films with, as ``make_video`` writes them too); ``build_scene`` the locations' GLB worlds;
``direct_camera`` a shot's camera path (``cameras/<shot>.json``); ``render_shot`` its clip (``shots/<shot>.mp4``,
filmed by the same path as the agent's) and the analysis frames the checks read; ``check_shot`` its checks
(``checks/<shot>.json``); ``assemble_video`` joins the clips into ``final.mp4``. The input models are derived from
:class:`~storyreel.schema.FilmOptions`, so a tool offers the options the CLI does, with the same defaults.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from storyreel import planners
from storyreel.agent import pipeline
from storyreel.agent.run_layout import FINAL, OPTIONS, PLAN, REPORT
from storyreel.atomic import write_model
from storyreel.errors import UserError
from storyreel.planners import MAX_STORY_CHARS, PlannerSettings
from storyreel.schema import CameraPath, Director, FilmOptions, RunOptions, RunReport, Shot, ShotReport, Storyboard
from storyreel.tools import camera, checks, scene, video
from storyreel.tools.film import film_shot, load_analysis, save_analysis
from storyreel.world.world import World

URI_SCHEME = "storyreel://"

#: Called with the fraction done (0-1) and what is happening; it may raise to cancel the work.
Progress = Callable[[float, str], None]


class ToolCancelled(Exception):
    """Raised from a progress callback to stop a long tool between steps."""


# ------------------------------------------------------------------------------------------------------ workspace


class Workspace:
    """The directory tools work in. References are paths relative to it or ``storyreel://`` URIs; absolute paths,
    ``..`` and symlinks that lead out of it are refused."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root).resolve()
        if not self.root.is_dir():
            raise UserError(f"workspace {root} is not a directory: create it or point --workspace at a folder")

    def resolve(self, reference: str) -> Path:
        """The absolute path ``reference`` names inside the workspace."""
        text = reference.removeprefix(URI_SCHEME)
        relative = PurePosixPath(text)
        if not text.strip() or "\x00" in text:
            raise UserError(
                f"path {reference!r} is empty or malformed: give a path inside the workspace, e.g. runs/dog"
            )
        if relative.is_absolute() or text.startswith("\\") or (len(text) > 1 and text[1] == ":"):
            raise UserError(f"path {reference!r} is absolute: give a path relative to the workspace, e.g. runs/dog")
        if ".." in relative.parts:
            raise UserError(f"path {reference!r} climbs out with '..': give a path inside the workspace")
        target = (self.root / relative).resolve()
        if not target.is_relative_to(self.root):
            raise UserError(f"path {reference!r} leads out of the workspace through a symlink: use a path inside it")
        return target

    def existing(self, reference: str, what: str, hint: str) -> Path:
        """:meth:`resolve` for a file that must exist; ``hint`` says which tool makes it."""
        path = self.resolve(reference)
        if not path.is_file():
            raise UserError(f"no {what} at {self.uri(path)}: {hint}")
        return path

    def uri(self, path: Path) -> str:
        """The ``storyreel://`` URI of a path inside the workspace."""
        return URI_SCHEME + Path(path).resolve().relative_to(self.root).as_posix()


# -------------------------------------------------------------------------------------------------------- tools


class ToolResult(BaseModel):
    """What a tool hands back: a short summary for a model to read, the URIs of what it wrote, and small facts."""

    summary: str
    artifacts: dict[str, str] = Field(default_factory=dict, description="role -> storyreel:// URI")
    data: dict[str, Any] = Field(default_factory=dict)

    def text(self) -> str:
        """The summary, then one ``role: URI`` line per artifact: what a model reads."""
        return "\n".join([self.summary, *(f"{role}: {uri}" for role, uri in self.artifacts.items())])


@dataclass(frozen=True)
class Tool:
    """One tool: its name, input model and function. ``long`` tools take a progress callback and can be
    cancelled between steps; tools that ``render`` (film with OpenGL, or encode and join video) take turns on
    :func:`tool_thread`, while the others may run side by side on any thread."""

    name: str
    input_model: type[BaseModel]
    function: Callable[..., ToolResult]
    long: bool = False
    renders: bool = False

    @property
    def description(self) -> str:
        return inspect.getdoc(self.function) or self.name

    def input_schema(self) -> dict[str, Any]:
        return self.input_model.model_json_schema()

    def parse(self, arguments: Mapping[str, Any]) -> BaseModel:
        """Validate raw arguments (raises pydantic's ValidationError)."""
        return self.input_model.model_validate(dict(arguments))

    def run(self, workspace: Workspace, inputs: BaseModel, on_progress: Progress | None = None) -> ToolResult:
        if self.long:
            return self.function(workspace, inputs, on_progress or _ignore_progress)
        return self.function(workspace, inputs)

    def call(
        self, workspace: Workspace, arguments: Mapping[str, Any], on_progress: Progress | None = None
    ) -> ToolResult:
        """Validate ``arguments`` and run the tool in the calling thread."""
        return self.run(workspace, self.parse(arguments), on_progress)


def _ignore_progress(fraction: float, message: str) -> None:
    """The progress callback of a caller that does not listen."""


@functools.cache
def tool_thread() -> ThreadPoolExecutor:
    """The one thread that async callers run tools on, one call at a time (LangChain's ``ainvoke`` every tool, the
    MCP server the tools that render): rendering uses an OpenGL context, which works only on the thread that made
    it, and one render at a time keeps the machine's cores for it."""
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="storyreel-tools")


# ------------------------------------------------------------------------------------------------------- inputs


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


RunDir = Annotated[
    str,
    Field(
        min_length=1,
        max_length=512,
        description="run directory relative to the workspace, e.g. 'runs/dog' (or its storyreel:// URI)",
    ),
]
StoryboardRef = Annotated[
    str,
    Field(
        min_length=1,
        max_length=512,
        description="the run's storyboard.json (relative path or storyreel:// URI), as plan_story returned it",
    ),
]
ShotId = Annotated[str, Field(pattern=r"^[a-z0-9_]+$", max_length=64, description="a shot id from the storyboard")]
Story = Annotated[str, Field(min_length=1, max_length=MAX_STORY_CHARS, description="the story, in English")]


class PlanStoryInput(FilmOptions):
    """The story, where its run goes, and the run's options (each as :class:`FilmOptions` defines it)."""

    story: Story
    run: RunDir


class MakeVideoInput(PlanStoryInput):
    force: bool = Field(
        default=False, description="replace a run of another story or other settings in the run directory"
    )


class BuildSceneInput(_Input):
    storyboard: StoryboardRef
    location: str | None = Field(default=None, max_length=64, description="one location id; all when omitted")


class ShotInput(_Input):
    storyboard: StoryboardRef
    shot: ShotId


class FilmShotInput(ShotInput):
    camera: Director | None = Field(
        default=None, description="camera director for this shot (default: the run's, as plan_story set it)"
    )


class RunInput(_Input):
    run: RunDir


# -------------------------------------------------------------------------------------------------------- stage


def make_video_tool(workspace: Workspace, inputs: MakeVideoInput, on_progress: Progress) -> ToolResult:
    """Make a whole multi-shot film from a story in one call: plan (with the LLM the server is configured with,
    else offline), build each location's 3D world, direct and render every shot, check it and revise the shots
    that fail (up to `retries` times each), and assemble final.mp4, a contact sheet, report.json and report.html
    in the run directory.
    Sends progress per shot; cancelling stops between shots and keeps the finished ones. Calling it again on the
    same run resumes (finished shots are kept). Returns the URIs of the film and its report and a summary of the
    checks; get_report and the report resource tell more."""
    run = workspace.resolve(inputs.run)
    report = pipeline.make_video(
        inputs.story,
        run,
        force=inputs.force,
        progress=False,
        on_progress=on_progress,
        **inputs.model_dump(include=set(FilmOptions.model_fields)),
    )
    failed = [f"{shot.shot_id} {check.name}" for shot in report.shots for check in shot.checks if not check.passed]
    verdict = "all checks passed" if not failed else f"checks failed: {', '.join(failed)} (see get_report)"
    lines = [line for shot in report.shots for line in shot.lines]
    voices = len(report.voices)
    spoken = f"; {len(lines)} line{'s' * (len(lines) != 1)} in {voices} voice{'s' * (voices != 1)}" if lines else ""
    return ToolResult(
        summary=f"{report.title!r}: {len(report.shots)} shots, {report.duration_s:.1f} s{spoken}; {verdict}",
        artifacts=_run_artifacts(workspace, run, report),
        data={
            "passed": report.passed,
            "shots": [shot.shot_id for shot in report.shots],
            "failed": failed,
            "lines": [line.model_dump(mode="json") for line in lines],
            "voices": [voice.model_dump(mode="json") for voice in report.voices],
            "loudness_lufs": report.loudness_lufs,
        },
    )


def plan_story(workspace: Workspace, inputs: PlanStoryInput) -> ToolResult:
    """Plan a story into a storyboard: cast, locations and shots (size, angle, camera move, transition), with the
    same planner make_video uses (the LLM the server is configured with, else the offline rule planner). Writes
    <run>/storyboard.json, and <run>/options.json with the options the later stages film with, and returns the
    storyboard's URI with the shot list. Next: build_scene, direct_camera, render_shot, check_shot,
    assemble_video for control shot by shot, or make_video for the whole film in one call."""
    run = workspace.resolve(inputs.run)
    options = RunOptions.model_validate(inputs.model_dump(include=set(FilmOptions.model_fields)))
    made = planners.plan(inputs.story, PlannerSettings.from_options(options), fps=options.fps, seed=options.seed)
    storyboard = made.storyboard
    path = run / PLAN
    write_model(path, storyboard)
    write_model(run / OPTIONS, options)
    shots = [
        f"{s.id} ({s.location}, {s.duration:g} s, {s.size.value} {s.move.value}): {s.description}"
        for s in storyboard.shots
    ]
    warnings = "".join(f"warning: {warning}\n" for warning in made.warnings)
    return ToolResult(
        summary=f"{warnings}{storyboard.title!r}: {len(storyboard.shots)} shots, {storyboard.duration:g} s\n"
        + "\n".join(shots),
        artifacts={"storyboard": workspace.uri(path)},
        data={
            "title": storyboard.title,
            "shots": [s.id for s in storyboard.shots],
            "locations": [location.id for location in storyboard.locations],
            "cast": [character.id for character in storyboard.cast],
            "unknown_nouns": storyboard.unknown_nouns,
            "planner": made.planner,
        },
    )


def build_scene(workspace: Workspace, inputs: BuildSceneInput) -> ToolResult:
    """Build the 3D world of one location of a storyboard (or of every location): assets, layout and motion on the
    story's timeline. Writes <run>/scenes/<location>.glb, posed at the location's first shot, and returns the URIs
    with the objects each world holds."""
    storyboard_path, storyboard = _load_storyboard(workspace, inputs.storyboard)
    options = _run_options(storyboard_path.parent)
    ids = [location.id for location in storyboard.locations]
    if inputs.location is not None and inputs.location not in ids:
        raise UserError(f"no location {inputs.location!r} in the storyboard: it has {', '.join(ids)}")
    artifacts: dict[str, str] = {}
    objects: dict[str, list[str]] = {}
    for location in [inputs.location] if inputs.location else ids:
        world = scene.build_world(storyboard, location, seed=options.seed, asset_dir=options.assets)
        first = next(s for s in storyboard.shots if s.location == location)
        path = storyboard_path.parent / "scenes" / f"{location}.glb"
        scene.export_world(world, path, storyboard.shot_start(first.id))
        artifacts[location] = workspace.uri(path)
        objects[location] = [item.name for item in world.objects]
    lines = [f"{location}: {', '.join(names) or 'no objects'}" for location, names in objects.items()]
    return ToolResult(summary="\n".join(lines), artifacts=artifacts, data={"objects": objects})


def direct_camera(workspace: Workspace, inputs: FilmShotInput) -> ToolResult:
    """Direct the camera of one shot: frame its subjects at the shot's size and angle from the clearest view and
    play its move. Writes <run>/cameras/<shot>.json (per-frame position, orientation and field of view) and
    returns its URI; render_shot films along it."""
    storyboard_path, storyboard = _load_storyboard(workspace, inputs.storyboard)
    shot = _shot(storyboard, inputs.shot)
    path = _direct(storyboard, storyboard_path.parent, shot, inputs.camera)
    start, end = path.positions[0], path.positions[-1]
    return ToolResult(
        summary=f"{shot.id}: {path.frames} frames, {shot.size.value} {shot.angle.value} {shot.move.value}, "
        f"camera from {_point(start)} to {_point(end)} m, field of view {path.fov_y[0]:.1f} degrees",
        artifacts={"camera": workspace.uri(_camera_file(storyboard_path.parent, shot))},
        data={"frames": path.frames, "fov_y": path.fov_y[0]},
    )


def render_shot(workspace: Workspace, inputs: FilmShotInput, on_progress: Progress) -> ToolResult:
    """Render one shot along its camera path (directing it first when cameras/<shot>.json is missing) with the
    run's renderer and encode it, exactly as make_video films an attempt. Writes <run>/shots/<shot>.mp4, plus the
    analysis frames check_shot reads. Rendered alone, a dissolve rises from black; make_video dissolves from the
    previous shot."""
    storyboard_path, storyboard = _load_storyboard(workspace, inputs.storyboard)
    run = storyboard_path.parent
    options = _run_options(run)
    shot = _shot(storyboard, inputs.shot)
    camera_file = _camera_file(run, shot)
    if camera_file.is_file():
        path = CameraPath.model_validate_json(camera_file.read_text(encoding="utf-8"))
    else:
        on_progress(0.0, f"{shot.id}: directing the camera")
        path = _direct(storyboard, run, shot, inputs.camera)
    on_progress(0.2, f"{shot.id}: rendering and encoding {path.frames} frames")
    clip = run / "shots" / f"{shot.id}.mp4"
    filmed = film_shot(_world(storyboard, shot, options), storyboard, shot, path, options, clip=clip)
    on_progress(0.9, f"{shot.id}: keeping the analysis frames")
    save_analysis(_analysis_file(run, shot), filmed.analysis)
    frames = path.frames
    return ToolResult(
        summary=f"{shot.id}: {frames} frames, {frames / path.fps:.2f} s at {options.resolution}",
        artifacts={"clip": workspace.uri(clip)},
        data={"frames": frames, "duration_s": frames / path.fps},
    )


def check_shot(workspace: Workspace, inputs: ShotInput) -> ToolResult:
    """Check one rendered shot: subjects in view, framed at the requested place and size, not hidden, no blank
    frames, camera jerk, and along the exact optical flow warp error, flicker and flow consistency; each with score,
    threshold, pass/fail and what to change when it fails. Needs render_shot first. Writes
    <run>/checks/<shot>.json."""
    storyboard_path, storyboard = _load_storyboard(workspace, inputs.storyboard)
    run = storyboard_path.parent
    shot = _shot(storyboard, inputs.shot)
    hint = f"render it first with render_shot (shot {shot.id!r})"
    analysis = load_analysis(workspace.existing(workspace.uri(_analysis_file(run, shot)), "rendered shot", hint))
    camera_file = workspace.existing(workspace.uri(_camera_file(run, shot)), "camera path", hint)
    path = CameraPath.model_validate_json(camera_file.read_text(encoding="utf-8"))
    start = storyboard.shot_start(shot.id)
    results = checks.check_shot(analysis, path, shot, _world(storyboard, shot, _run_options(run)), start)
    report = ShotReport(
        shot_id=shot.id,
        location=shot.location,
        frames=len(analysis),
        start_s=start,
        duration_s=len(analysis) / path.fps,
        clip=f"shots/{shot.id}.mp4",
        checks=results,
    )
    out = run / "checks" / f"{shot.id}.json"
    write_model(out, report)
    lines = [
        f"{c.name}: {'pass' if c.passed else 'FAIL'} (score {c.score:.3g}, threshold {c.threshold:.3g})"
        + ("" if c.passed else f": {c.detail}; {c.suggestion}")
        for c in results
    ]
    verdict = "all checks passed" if report.passed else "some checks failed"
    return ToolResult(
        summary=f"{shot.id}: {verdict}\n" + "\n".join(lines),
        artifacts={"checks": workspace.uri(out)},
        data={"passed": report.passed, "failed": [c.name for c in results if not c.passed]},
    )


def assemble_video(workspace: Workspace, inputs: RunInput) -> ToolResult:
    """Join a run's shot clips (shots/<shot>.mp4, in storyboard order) into <run>/final.mp4 by stream copy.
    Every shot must be rendered first."""
    run = workspace.resolve(inputs.run)
    _, storyboard = _load_storyboard(workspace, workspace.uri(run / PLAN))
    clips = [run / "shots" / f"{shot.id}.mp4" for shot in storyboard.shots]
    missing = [clip.stem for clip in clips if not clip.is_file()]
    if missing:
        raise UserError(f"shots not rendered yet: {', '.join(missing)}; render them with render_shot first")
    final = run / FINAL
    video.concat_clips(clips, final)
    info = video.probe_video(final)
    return ToolResult(
        summary=f"{storyboard.title!r}: {len(clips)} shots, {info.frames} frames, {info.duration_s:.2f} s",
        artifacts={"final_video": workspace.uri(final)},
        data={"frames": info.frames, "duration_s": info.duration_s},
    )


def get_report(workspace: Workspace, inputs: RunInput) -> ToolResult:
    """Summarise the report of a run made by make_video: shots, duration, every failed check with its suggested
    fix, and warnings. The full report is the returned report URI (a readable resource)."""
    run = workspace.resolve(inputs.run)
    path = workspace.existing(
        workspace.uri(run / REPORT), "report", "make the run with make_video (stage tools write checks/)"
    )
    report = RunReport.model_validate_json(path.read_text(encoding="utf-8"))
    failed = [
        f"{shot.shot_id} {check.name}: {check.detail}; {check.suggestion}"
        for shot in report.shots
        for check in shot.checks
        if not check.passed
    ]
    head = f"{report.title!r}: {len(report.shots)} shots, {report.duration_s:.1f} s, {report.resolution}@{report.fps}"
    lines = [head, "all checks passed" if not failed else "failed checks:", *failed]
    lines += [f"warning: {warning}" for warning in report.warnings if "check" not in warning]
    return ToolResult(
        summary="\n".join(lines),
        artifacts=_run_artifacts(workspace, run, report),
        data={"passed": report.passed, "shots": len(report.shots), "duration_s": report.duration_s},
    )


#: make_video first: the one call most agents need.
TOOLS: tuple[Tool, ...] = (
    Tool("make_video", MakeVideoInput, make_video_tool, long=True, renders=True),
    Tool("get_report", RunInput, get_report),
    Tool("plan_story", PlanStoryInput, plan_story),
    Tool("build_scene", BuildSceneInput, build_scene),
    Tool("direct_camera", FilmShotInput, direct_camera),
    Tool("render_shot", FilmShotInput, render_shot, long=True, renders=True),
    Tool("check_shot", ShotInput, check_shot),
    Tool("assemble_video", RunInput, assemble_video, renders=True),
)


# ---------------------------------------------------------------------------------------------------- artifacts


def _load_storyboard(workspace: Workspace, reference: str) -> tuple[Path, Storyboard]:
    path = workspace.existing(reference, "storyboard", "plan the story first with plan_story")
    try:
        return path, Storyboard.model_validate_json(path.read_text(encoding="utf-8"))
    except ValueError as error:
        raise UserError(f"{workspace.uri(path)} is not a valid storyboard: plan it again with plan_story") from error


def _shot(storyboard: Storyboard, shot_id: str) -> Shot:
    for shot in storyboard.shots:
        if shot.id == shot_id:
            return shot
    raise UserError(f"no shot {shot_id!r} in the storyboard: it has {', '.join(s.id for s in storyboard.shots)}")


def _run_options(run: Path) -> RunOptions:
    """The options the run was planned with (``options.json``), or the defaults for a storyboard written by hand."""
    path = run / OPTIONS
    return RunOptions.model_validate_json(path.read_text(encoding="utf-8")) if path.is_file() else RunOptions()


def _world(storyboard: Storyboard, shot: Shot, options: RunOptions) -> World:
    return scene.build_world(storyboard, shot.location, seed=options.seed, asset_dir=options.assets)


def _direct(storyboard: Storyboard, run: Path, shot: Shot, director: Director | None) -> CameraPath:
    """Direct ``shot`` with the run's options (and ``director`` when given) and write its camera path."""
    options = _run_options(run)
    resolution = options.resolution
    path = camera.direct_camera(
        _world(storyboard, shot, options),
        shot,
        start=storyboard.shot_start(shot.id),
        fps=options.fps,
        aspect=resolution.width / resolution.height,
        seed=options.seed,
        director=director or options.camera,
    )
    write_model(_camera_file(run, shot), path)
    return path


def _run_artifacts(workspace: Workspace, run: Path, report: RunReport) -> dict[str, str]:
    """The URIs of what a whole run made (the subtitle files as ``subtitles_srt`` and ``subtitles_vtt``)."""
    made = [
        ("final_video", report.final_video),
        ("report", REPORT),
        ("contact_sheet", report.contact_sheet),
        ("storyboard", report.storyboard),
        *((f"subtitles_{Path(name).suffix[1:]}", name) for name in report.subtitles),
    ]
    return {name: workspace.uri(run / relative) for name, relative in made}


def _camera_file(run: Path, shot: Shot) -> Path:
    return run / "cameras" / f"{shot.id}.json"


def _analysis_file(run: Path, shot: Shot) -> Path:
    return run / ".storyreel" / "analysis" / f"{shot.id}.npz"


def _point(position: tuple[float, float, float]) -> str:
    return "(" + ", ".join(f"{value:.1f}" for value in position) + ")"


def describe_tools(tools: tuple[Tool, ...] | list[Tool]) -> str:
    """One line per tool: its name and the first sentence of its description (for ``--help``-style listings)."""
    lines = []
    for tool in tools:
        first = " ".join(tool.description.split()).split(". ")[0].split(": ")[0].rstrip(".")
        lines.append(f"{tool.name:16} {first}")
    return "\n".join(lines)
