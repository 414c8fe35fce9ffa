"""The diffusion renderer inside a run: load the weights once, then diffuse each attempt's raster pass.

torch and diffusers are imported only here and only when a run asks for ``--renderer diffusion``, so raster runs
never pay for them. Weights that are not on this machine stop the run before anything is filmed, with the one-line
:class:`~storyreel.tools.render.diffusion.MissingWeightsError`; nothing falls back to the raster look.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from storyreel.agent.run_options import RunOptions
from storyreel.errors import UserError
from storyreel.schema import CameraPath, Shot, ShotDirection, Storyboard
from storyreel.tools.render.frames import FrameSet
from storyreel.tools.render.raster import render_shot
from storyreel.world.world import World

if TYPE_CHECKING:
    from storyreel.tools.render.diffusion import DiffusionRenderer


def load_renderer(options: RunOptions) -> DiffusionRenderer:
    """The run's diffusion renderer (loaded once per model and ControlNet, then reused by every shot)."""
    if options.model is None:
        raise UserError("the diffusion renderer needs --model (a local directory or a hub id in the local cache)")
    return _loaded(options.model, options.controlnet)


@functools.cache
def _loaded(model: str, controlnet: str | None) -> DiffusionRenderer:
    try:
        from storyreel.tools.render.diffusion import DiffusionRenderer
    except ImportError as error:
        raise UserError(
            f"--renderer diffusion needs the diffusion extra ({error.name} is missing): "
            "pip install 'storyreel[diffusion]' (and a torch build for your GPU)"
        ) from error
    return DiffusionRenderer.from_pretrained(model, controlnet)


def diffuse_shot(
    storyboard: Storyboard,
    shot: Shot,
    world: World,
    path: CameraPath,
    start: float,
    options: RunOptions,
    direction: ShotDirection,
) -> FrameSet:
    """Render the raster pass of ``path`` at full size and diffuse it with the run's settings and the revision's
    knobs: the render seed is the run's plus ``direction.render_seed`` (the same for every shot, so a character
    starts from the same noise in each), and ``direction.tight_prompt`` weights the cast's appearance."""
    from storyreel.tools.render.diffusion import DiffusionSettings, shot_prompt

    renderer = load_renderer(options)
    assert options.model is not None  # load_renderer checked it
    frames = render_shot(world, path, start=start, style=options.style, resolution=options.resolution, shot_id=shot.id)
    settings = DiffusionSettings(model=options.model, controlnet=options.controlnet).with_direction(direction)
    prompt = shot_prompt(storyboard, shot, options.style, tight=direction.tight_prompt)
    return renderer.render(frames, prompt, settings, seed=options.seed + direction.render_seed)
