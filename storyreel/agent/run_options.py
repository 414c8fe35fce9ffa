"""What a run is besides its story: the options that decide what it makes, the key of each shot, and where each
shot's files live in the run directory.

A shot's key (:func:`shot_keys`) hashes exactly what its clip depends on, so the run store can tell which shots an
edit made stale (:func:`stale_shots`) and a resumed run films only those.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from storyreel.agent.run_store import RunStore, content_key
from storyreel.errors import UserError
from storyreel.schema import Resolution, Shot, Storyboard, Style, Transition
from storyreel.tools.camera import CONTROLLERS, DEFAULT_CONTROLLER
from storyreel.tools.render.diffusion_weights import DEFAULT_CONTROLNET, DEFAULT_MODEL

STATE = ".storyreel"
PLAN = "storyboard.json"
RENDERERS = ("raster", "diffusion")
Reviser = Literal["auto", "llm", "policy"]
REVISERS: tuple[Reviser, ...] = ("auto", "llm", "policy")
SHOT_RETRIES = 3  # revisions per shot, by default


@dataclass
class RunOptions:
    """Everything besides the story that decides what a run makes."""

    fps: int = 24
    resolution: Resolution = field(default_factory=Resolution)
    style: Style = Style.TOON
    seed: int = 0
    asset_dir: Path | None = None
    camera: str = DEFAULT_CONTROLLER  # the camera director: "rl" (the shipped policy) or "baseline"
    renderer: str = "raster"  # "raster", or "diffusion" over the raster pass
    model: str | None = None  # diffusion: a local directory or a hub id in the local cache
    controlnet: str | None = None  # diffusion: the depth ControlNet, same forms

    def key(self) -> dict[str, object]:
        assets = (
            sorted((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in self.asset_dir.iterdir() if p.is_file())
            if self.asset_dir
            else None
        )
        key: dict[str, object] = {
            "fps": self.fps,
            "resolution": str(self.resolution),
            "style": self.style.value,
            "seed": self.seed,
            "assets": assets,
            "camera": self.camera,
        }
        if self.renderer != "raster":  # raster runs keep the keys they had before diffusion existed
            key |= {"renderer": self.renderer, "model": self.model, "controlnet": self.controlnet}
        return key


def run_options(
    fps: int,
    resolution: Resolution | str,
    style: Style | str,
    seed: int,
    asset_dir: Path | str | None,
    camera: str = DEFAULT_CONTROLLER,
    renderer: str = "raster",
    model: str | None = None,
    controlnet: str | None = None,
) -> RunOptions:
    """Validated options; a bad value raises a one-line :class:`UserError` naming the fix."""
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
    if renderer not in RENDERERS:
        raise UserError(f"--renderer {renderer!r} is not a renderer: use {' or '.join(RENDERERS)}")
    if renderer == "raster" and (model or controlnet):
        raise UserError("--model and --controlnet belong to the diffusion renderer: add --renderer diffusion")
    if renderer == "diffusion":
        model, controlnet = model or DEFAULT_MODEL, controlnet or DEFAULT_CONTROLNET
    return RunOptions(
        fps=fps,
        resolution=parsed_resolution,
        style=parsed_style,
        seed=seed,
        asset_dir=assets,
        camera=camera,
        renderer=renderer,
        model=model,
        controlnet=controlnet,
    )


def _first_line(error: Exception) -> str:
    text = str(error)
    if "validation error" in text:  # pydantic: keep the field and the reason, drop the URL
        lines = [line.strip() for line in text.splitlines() if line.strip() and "errors.pydantic" not in line]
        return "invalid value: " + " ".join(lines[1:3])
    return text.splitlines()[0]


def shot_keys(storyboard: Storyboard, options: RunOptions) -> dict[str, str]:
    """Each shot's key: a hash of exactly what its clip and report depend on. That is the world during the shot
    (:func:`world_inputs`), the shot's own fields (its description only captions the contact sheet), its start
    time, the run options, and for a dissolve the previous shot's key (its last frame is blended in). Editing one
    shot's camera therefore changes one key; an edit that moves things changes that shot's and the later ones at
    its location; a changed duration also shifts every later shot in story time."""
    keys: dict[str, str] = {}
    previous = ""
    for shot in storyboard.shots:
        incoming = previous if shot.transition == Transition.DISSOLVE else ""
        own = shot.model_dump(mode="json", exclude={"description"})
        start = storyboard.shot_start(shot.id)
        previous = keys[shot.id] = content_key(world_inputs(storyboard, shot), own, start, options.key(), incoming)
    return keys


def stale_shots(storyboard: Storyboard, store: RunStore, options: RunOptions) -> list[str]:
    """The ids of the shots a run would film now (the rest are fresh in the store)."""
    keys = shot_keys(storyboard, options)
    return [shot.id for shot in storyboard.shots if not shot_is_fresh(store, shot, keys[shot.id])]


def shot_is_fresh(store: RunStore, shot: Shot, key: str) -> bool:
    """Whether the store holds this shot's clip, report and summary made under ``key``."""
    return all(store.fresh(name, key) for name in (clip_name(shot), state_name(shot, "json"), summary_name(shot)))


def world_inputs(storyboard: Storyboard, shot: Shot) -> dict[str, object]:
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


def clip_name(shot: Shot) -> str:
    return f"shots/{shot.id}.mp4"


def attempt_clip_name(shot: Shot, attempt: int) -> str:
    """Where an attempt's clip waits until the shot keeps one of its attempts as ``clip_name``."""
    return state_name(shot, f"{attempt}.mp4")


def thumbnail_name(shot: Shot, attempt: int | None = None) -> str:
    return f"thumbs/{shot.id}.png" if attempt is None else f"thumbs/{shot.id}.{attempt}.png"


def state_name(shot: Shot, suffix: str) -> str:
    return f"{STATE}/{shot.id}.{suffix}"


def summary_name(shot: Shot) -> str:
    return state_name(shot, "summary.json")
