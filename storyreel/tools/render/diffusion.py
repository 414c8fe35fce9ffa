"""The diffusion renderer: a shot's raster pass made into stylised or photoreal frames with diffusers, kept
consistent from frame to frame by the shot's exact geometry.

Each frame is denoised by a Stable Diffusion UNet (1.5 or XL), conditioned on the raster pass through a depth
ControlNet and/or img2img from the raster image, prompted from the storyboard (:func:`shot_prompt`: the same
phrase for a character in every shot). The loop is our own over the pipeline's parts, so frames go through the
UNet in batches, the prompt is encoded once a shot, and the geometry can reach into it. Four switches use that
geometry (defaults measured by ``bench/bench_diffusion.py``, numbers beside them):

- noise warping: each frame's initial noise is the previous frame's carried along the exact flow, fresh only
  where surfaces appear, and still white Gaussian noise (:mod:`~storyreel.tools.render.noise_warp`);
- cross-frame attention: self-attention also attends to the first frame (:mod:`~.cross_frame_attention`);
- latent blending: in the early steps each frame's latents are pulled towards the previous frame's, carried along
  the exact flow, wherever that frame saw the same surface;
- keyframes: only every k-th frame is diffused, the rest filled along the exact flow (:mod:`~.inbetween`).

Weights load only from local files (a directory, or a hub id already in the Hugging Face cache); when missing,
:class:`MissingWeightsError` says what to download and where. Nothing falls back to the raster look.
"""

from __future__ import annotations

import copy
import inspect
import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

import cv2
import numpy as np
import torch
import torch.nn.functional as F
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field

from storyreel.errors import UserError
from storyreel.schema import (
    CameraAngle,
    Character,
    Location,
    Prop,
    Shot,
    ShotDirection,
    Storyboard,
    Style,
    TimeOfDay,
    Weather,
)
from storyreel.tools.render import cross_frame_attention
from storyreel.tools.render.diffusion_weights import (
    DEFAULT_CONTROLNET,
    DEFAULT_MODEL,
    SDXL_CONTROLNET,
    WEIGHTS_DIRECTORY,
)
from storyreel.tools.render.frames import FrameSet
from storyreel.tools.render.inbetween import FlowChain, fill_inbetweens, keyframe_indices
from storyreel.tools.render.noise_warp import warped_noise
from storyreel.world.kinds import PEOPLE_KINDS

# Consistency defaults, measured with `python bench/bench_diffusion.py --switches` (tiny random-weight components,
# CPU, 64x64, 8 frames, 4 steps): occlusion-masked warp error of the output, lower is steadier. The naive per-frame
# loop scores 0.138, ours with every switch off 0.132, the raster pass itself 0.007.
#: Noise warping alone: 0.132 -> 0.102.
NOISE_WARP = True
#: Cross-frame attention alone: 0.132 -> 0.132, for 5-15 % more time, so off until a revision asks for consistency.
#: Random weights cannot show what it is for (a character's look held across frames): measure again on real ones.
CROSS_FRAME_ATTENTION = False
#: Latent blending alone, weight 0.6 over the first half of the steps: 0.132 -> 0.099; with noise warping 0.087.
#: A sweep (3 seeds, 12 frames) of weight 0.3 / 0.6 / 0.9 over a quarter, half or three quarters of the steps gave
#: 0.116 to 0.092: 0.6 over half is within 0.002 of the best and leaves the later steps to the frame's own detail.
LATENT_BLEND = 0.6
LATENT_BLEND_UNTIL = 0.5
#: Every frame is diffused unless a revision asks for keyframes (every 4th frame). Keyframe mode scores 0.038 and is
#: faster (2x ours at 128x128, 16 frames, 8 steps), but the warp error cannot see what in-betweens lose: they have
#: no detail of their own, and ground uncovered between keyframes comes from the frame before.
KEYFRAME_EVERY = 1
KEYFRAME_EVERY_ON_REQUEST = 4
#: What each step of ``ShotDirection.consistency`` adds to the latent blend's weight and to its share of the steps.
CONSISTENCY_STEP = 0.15
#: The most of the schedule latent blending may cover: the last steps are left to the frame's own detail.
MAX_BLEND_UNTIL = 0.8
#: Percentile of a shot's inverse depth that maps to white in the ControlNet's depth image (one scale for the whole
#: shot, so the conditioning does not flicker as near objects come and go).
DEPTH_WHITE_PERCENTILE = 99.0

Conditioning = Literal["depth", "img2img", "depth+img2img"]
SchedulerName = Literal["model", "ddim", "dpm", "euler", "euler-ancestral", "unipc", "lcm", "turbo"]
DtypeName = Literal["float16", "bfloat16", "float32"]


class MissingWeightsError(UserError):
    """Diffusion weights are not on this machine; the message says what to download, where, and which flag."""


class DiffusionSettings(BaseModel):
    """How a shot is diffused. ``model``, ``controlnet``, ``device`` and ``dtype`` say what to load
    (:meth:`DiffusionRenderer.from_pretrained`); the rest how to render."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    model: str = DEFAULT_MODEL
    controlnet: str | None = DEFAULT_CONTROLNET
    conditioning: Conditioning = "depth"
    steps: int = Field(default=20, ge=1, le=500)
    guidance: float = Field(default=7.5, ge=0.0, description="classifier-free guidance; <= 1 runs without it")
    strength: float = Field(default=0.75, gt=0.0, le=1.0, description="img2img: share of the schedule run")
    control_scale: float = Field(default=1.0, ge=0.0)
    scheduler: SchedulerName = Field(default="model", description="'model' keeps the model's own")
    short_side: int | None = Field(default=None, ge=16, description="working size; None: the model's native size")
    batch: int = Field(default=8, ge=1, description="frames per UNet call")
    compile: bool = False
    device: str | None = None
    dtype: DtypeName | None = None
    noise_warp: bool = NOISE_WARP
    cross_frame_attention: bool = CROSS_FRAME_ATTENTION
    latent_blend: float = Field(default=LATENT_BLEND, ge=0.0, le=1.0, description="0 switches it off")
    latent_blend_until: float = Field(default=LATENT_BLEND_UNTIL, ge=0.0, le=1.0, description="share of steps")
    keyframe_every: int = Field(default=KEYFRAME_EVERY, ge=1, description="1 diffuses every frame")

    def with_direction(self, direction: ShotDirection) -> DiffusionSettings:
        """These settings with a revision's knobs applied: each step of ``consistency`` switches on noise warping
        and cross-frame attention and strengthens latent blending; ``keyframes`` switches on keyframe mode. (The
        render seed and the tight prompt are the caller's: ``seed + direction.render_seed`` and
        ``shot_prompt(..., tight=direction.tight_prompt)``.)"""
        changes: dict[str, Any] = {}
        if direction.consistency:
            stronger = CONSISTENCY_STEP * direction.consistency
            changes |= {
                "noise_warp": True,
                "cross_frame_attention": True,
                "latent_blend": min(1.0, max(self.latent_blend, LATENT_BLEND) + stronger),
                "latent_blend_until": min(MAX_BLEND_UNTIL, max(self.latent_blend_until, LATENT_BLEND_UNTIL) + stronger),
            }
        if direction.keyframes and self.keyframe_every == 1:
            changes["keyframe_every"] = KEYFRAME_EVERY_ON_REQUEST
        return self.model_copy(update=changes)


class ShotPrompt(BaseModel):
    """The text a shot is diffused with, and each character's phrase (the same in every shot)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    prompt: str
    negative: str
    characters: dict[str, str] = Field(default_factory=dict, description="character id -> its phrase")


# --- prompts -------------------------------------------------------------------------------------------------------

STYLE_PHRASES = {
    Style.TOON: "cel-shaded cartoon, clean bold outlines, flat vibrant colours",
    Style.CLAY: "claymation, plasticine figures, stop-motion film, soft studio light",
    Style.FLAT: "stylised 3D animation still, soft shading, simple shapes",
    Style.WATERCOLOR: "watercolor painting, soft pastel washes, paper texture, light ink outlines",
    Style.OIL: "oil painting, rich saturated colours, visible brush strokes, canvas texture",
    Style.NEON: "neon-lit night scene, glowing saturated outlines, dark background, synthwave",
}
NEGATIVE_PROMPT = "blurry, low quality, distorted, deformed, extra limbs, duplicate, text, watermark"
#: Added to the negative prompt by a tight prompt: what an identity failure looks like.
TIGHT_NEGATIVE = "different colours, changed outfit, different character"
#: Kinds dressed in their colour rather than coloured by it.
_TIME_PHRASES = {
    TimeOfDay.DAWN: "at dawn",
    TimeOfDay.DAY: "daylight",
    TimeOfDay.DUSK: "at dusk",
    TimeOfDay.NIGHT: "at night",
}
_WEATHER_PHRASES = {
    Weather.CLEAR: "",
    Weather.CLOUDY: "overcast",
    Weather.RAIN: "rain",
    Weather.STORM: "storm, heavy rain, wind",
    Weather.SNOW: "snowfall",
    Weather.FOG: "fog",
}
_ANGLE_PHRASES = {
    CameraAngle.EYE: "",
    CameraAngle.HIGH: "high angle",
    CameraAngle.LOW: "low angle",
    CameraAngle.OVERHEAD: "overhead view",
}


def character_phrase(character: Character) -> str:
    """``"Mia, a tall child dressed in blue"``, ``"a small red dog"``: from the character alone, so it reads the
    same in every shot."""
    looks = character.appearance
    person = character.kind in PEOPLE_KINDS
    size = ""
    if looks.size < 0.8:
        size = "small"
    elif looks.size > 1.25:
        size = "tall" if person else "big"
    colour = looks.color or ""
    words = [size, *looks.descriptors, character.kind] if person else [size, colour, *looks.descriptors, character.kind]
    core = " ".join(word for word in words if word)
    if person and colour:
        core += f" dressed in {colour}"
    described = f"{_article(core)} {core}"
    if character.name.lower() != character.kind.lower():
        return f"{character.name}, {described}"
    return described


def shot_prompt(storyboard: Storyboard, shot: Shot, style: Style | str, *, tight: bool = False) -> ShotPrompt:
    """The prompt of ``shot``: its characters' phrases (main subject first), props it names, what happens, where,
    the framing, and ``style`` (a raster look's phrase, or any text, e.g. "photoreal, 35 mm film"). ``tight`` puts
    the characters' looks first and again last, and warns the negative prompt off changing them."""
    cast = {character.id: character for character in storyboard.cast}
    location = storyboard.location(shot.location)
    props = {prop.id: prop for prop in location.props}
    named = [*shot.subjects, *(a.actor for a in shot.actions), *(a.target for a in shot.actions if a.target)]
    ordered = list(dict.fromkeys(named))
    characters = {name: character_phrase(cast[name]) for name in ordered if name in cast}
    things = [_prop_phrase(props[name]) for name in ordered if name in props]
    look = STYLE_PHRASES[style] if isinstance(style, Style) else style
    parts = [
        *characters.values(),
        *things,
        shot.description.rstrip("."),
        _place_phrase(location),
        ", ".join(p for p in (f"{shot.size.value.replace('-', ' ')} shot", _ANGLE_PHRASES[shot.angle]) if p),
        look,
    ]
    negative = NEGATIVE_PROMPT
    if tight:
        parts = [*parts, *characters.values()]
        negative = f"{NEGATIVE_PROMPT}, {TIGHT_NEGATIVE}"
    return ShotPrompt(prompt=", ".join(p for p in parts if p), negative=negative, characters=characters)


def _prop_phrase(prop: Prop) -> str:
    core = " ".join(word for word in (prop.appearance.color, *prop.appearance.descriptors, prop.kind) if word)
    return f"{_article(core)} {core}"


def _place_phrase(location: Location) -> str:
    words = [f"in {_article(location.kind.value)} {location.kind.value}", _TIME_PHRASES[location.time_of_day]]
    return ", ".join(w for w in [*words, _WEATHER_PHRASES[location.weather]] if w)


def _article(phrase: str) -> str:
    return "an" if phrase[:1].lower() in "aeiou" else "a"


# --- devices and loading -------------------------------------------------------------------------------------------


def default_device() -> str:
    """The best device here: cuda, then mps, then cpu."""
    if torch.cuda.is_available():
        return "cuda"
    if torch.backends.mps.is_available():
        return "mps"
    return "cpu"


def default_dtype(device: str | torch.device) -> torch.dtype:
    """Half precision on a GPU, single on the CPU."""
    return torch.float16 if torch.device(device).type in ("cuda", "mps") else torch.float32


def _dtype(name: str | torch.dtype | None, device: torch.device) -> torch.dtype:
    if name is None:
        return default_dtype(device)
    return name if isinstance(name, torch.dtype) else getattr(torch, name)


_HUB_ID = re.compile(r"^[\w.-]+/[\w.-]+$")


def _missing(what: str, name: str, default_repo: str, flag: str) -> MissingWeightsError:
    """The one-line error for weights ``name`` (a directory or hub id) that are not here. ``owner/name`` is taken
    for a hub id unless ``owner`` is a directory here."""
    local = name.startswith((".", "/", "~")) or Path(name.split("/")[0]).is_dir() or not _HUB_ID.match(name)
    repo = default_repo if local else name
    directory = Path(name) if local else WEIGHTS_DIRECTORY / repo.split("/")[-1]
    return MissingWeightsError(
        f"{what} {name!r} is neither a diffusers directory here nor in the local Hugging Face cache (nothing is "
        f"downloaded while rendering): run `hf download {repo} --local-dir {directory}` and pass `{flag} {directory}`"
    )


def _load_offline(what: str, name: str, default_repo: str, flag: str, load: Callable[[], Any]) -> Any:
    """``load()`` with the errors of absent files turned into :class:`MissingWeightsError`."""
    from huggingface_hub.errors import HFValidationError

    try:
        return load()
    except (OSError, HFValidationError) as error:
        raise _missing(what, name, default_repo, flag) from error


_SCHEDULERS: dict[str, tuple[str, dict[str, Any]]] = {
    "ddim": ("DDIMScheduler", {}),
    "dpm": ("DPMSolverMultistepScheduler", {}),
    "euler": ("EulerDiscreteScheduler", {}),
    "euler-ancestral": ("EulerAncestralDiscreteScheduler", {}),
    "unipc": ("UniPCMultistepScheduler", {}),
    "lcm": ("LCMScheduler", {}),
    "turbo": ("EulerDiscreteScheduler", {"timestep_spacing": "trailing"}),  # SD-Turbo and SDXL-Turbo's own
}


@dataclass
class _Text:
    """A prompt encoded once a shot: per guidance half (negative first), the token embeddings and, for SDXL, the
    pooled embedding."""

    embeds: torch.Tensor
    pooled: torch.Tensor | None


@dataclass
class _Batch:
    """What a batch of frames is denoised from: indices into the diffused frames, their initial noise, conditions,
    and for each, the latent-resolution pull from the previous diffused frame (None for the first)."""

    picked: list[int]
    noise: torch.Tensor
    control: torch.Tensor | None
    init: torch.Tensor | None
    pulls: list[tuple[torch.Tensor, torch.Tensor] | None]


class DiffusionRenderer:
    """Diffuses shots on one device with one set of weights. Build with :meth:`from_pretrained` (local weights) or
    from models already built (diffusers and transformers classes), which it moves to ``device``."""

    def __init__(
        self,
        *,
        unet: Any,
        vae: Any,
        text_encoder: Any,
        tokenizer: Any,
        scheduler: Any,
        controlnet: Any | None = None,
        text_encoder_2: Any | None = None,
        tokenizer_2: Any | None = None,
        device: str | torch.device | None = None,
        dtype: str | torch.dtype | None = None,
    ) -> None:
        self.device = torch.device(device or default_device())
        self.dtype = _dtype(dtype, self.device)
        self.unet, self.controlnet, self.vae = unet, controlnet, vae
        self.text_encoders = [e for e in (text_encoder, text_encoder_2) if e is not None]
        self.tokenizers = [t for t in (tokenizer, tokenizer_2) if t is not None]
        self.scheduler = scheduler
        for module in [unet, vae, controlnet, *self.text_encoders]:
            if module is not None:
                module.to(self.device).eval().requires_grad_(False)
                if module.dtype != self.dtype:  # diffusers warns of a cast even when there is none to make
                    module.to(dtype=self.dtype)
        # SDXL's VAE overflows in half precision (diffusers upcasts it too); SD 1.5's does not.
        if self.sdxl and self.dtype == torch.float16 and getattr(vae.config, "force_upcast", False):
            vae.to(dtype=torch.float32)
        self.cell = 2 ** (len(vae.config.block_out_channels) - 1)
        self._compiled: dict[str, Any] = {}

    @property
    def sdxl(self) -> bool:
        return len(self.text_encoders) == 2

    @classmethod
    def from_pretrained(
        cls,
        model: str,
        controlnet: str | None = None,
        *,
        device: str | None = None,
        dtype: str | torch.dtype | None = None,
    ) -> DiffusionRenderer:
        """Load a Stable Diffusion model (1.5 or XL layout, detected) and optionally a ControlNet from a local
        directory or a hub id already in the local Hugging Face cache; never from the network."""
        import diffusers
        from transformers import CLIPTextModel, CLIPTextModelWithProjection, CLIPTokenizer

        where = torch.device(device or default_device())
        precision = _dtype(dtype, where)

        def load() -> dict[str, Any]:
            index = diffusers.DiffusionPipeline.load_config(model, local_files_only=True)
            parts: dict[str, Any] = {
                "unet": diffusers.UNet2DConditionModel.from_pretrained(
                    model, subfolder="unet", local_files_only=True, torch_dtype=precision
                ),
                "vae": diffusers.AutoencoderKL.from_pretrained(
                    model, subfolder="vae", local_files_only=True, torch_dtype=precision
                ),
                "text_encoder": CLIPTextModel.from_pretrained(model, subfolder="text_encoder", local_files_only=True),
                "tokenizer": CLIPTokenizer.from_pretrained(model, subfolder="tokenizer", local_files_only=True),
                "scheduler": getattr(diffusers, index["scheduler"][1]).from_pretrained(
                    model, subfolder="scheduler", local_files_only=True
                ),
            }
            if "text_encoder_2" in index:
                parts["text_encoder_2"] = CLIPTextModelWithProjection.from_pretrained(
                    model, subfolder="text_encoder_2", local_files_only=True
                )
                parts["tokenizer_2"] = CLIPTokenizer.from_pretrained(
                    model, subfolder="tokenizer_2", local_files_only=True
                )
            return parts

        parts = _load_offline("diffusion model", model, DEFAULT_MODEL, "--model", load)
        if controlnet is not None:
            default = SDXL_CONTROLNET if "text_encoder_2" in parts else DEFAULT_CONTROLNET
            parts["controlnet"] = _load_offline(
                "ControlNet",
                controlnet,
                default,
                "--controlnet",
                lambda: diffusers.ControlNetModel.from_pretrained(
                    controlnet, local_files_only=True, torch_dtype=precision
                ),
            )
        return cls(**parts, device=where, dtype=precision)

    # --- rendering -------------------------------------------------------------------------------------------------

    def working_size(self, frames: FrameSet, settings: DiffusionSettings) -> tuple[int, int]:
        """(width, height) the shot is diffused at: its aspect, the short side ``settings.short_side`` or the
        model's native size, both sides a whole number of latent cells."""
        short = settings.short_side or int(self.unet.config.sample_size) * self.cell
        scale = short / min(frames.width, frames.height)
        width = max(self.cell, round(frames.width * scale / self.cell) * self.cell)
        height = max(self.cell, round(frames.height * scale / self.cell) * self.cell)
        return width, height

    @torch.inference_mode()
    def render(
        self,
        frames: FrameSet,
        prompt: ShotPrompt,
        settings: DiffusionSettings,
        *,
        seed: int,
        on_frame: Callable[[int, int], None] | None = None,
    ) -> FrameSet:
        """``frames`` with ``rgb`` replaced by diffused frames (geometry kept, so every check still applies).
        Deterministic for a ``seed`` on a given device. ``on_frame(done, total)`` counts the frames diffused (in
        keyframe mode, the keyframes)."""
        if "depth" in settings.conditioning and self.controlnet is None:
            raise UserError(
                f"conditioning {settings.conditioning!r} needs a depth ControlNet: pass --controlnet "
                f"(e.g. {DEFAULT_CONTROLNET}), or condition on img2img alone"
            )
        width, height = self.working_size(frames, settings)
        work = resized(frames, width, height)
        chosen = keyframe_indices(len(work), settings.keyframe_every)
        rng = np.random.default_rng(seed)
        channels = int(self.unet.config.in_channels)
        if settings.noise_warp:
            noise = warped_noise(work, channels=channels, cell=self.cell, rng=rng)[chosen]
        else:
            noise = rng.standard_normal((len(chosen), channels, height // self.cell, width // self.cell), np.float32)
        halves = 2 if settings.guidance > 1 and self.unet.config.time_cond_proj_dim is None else 1
        text = self._encode_text(prompt, halves)
        control = depth_condition(work.depth)[chosen] if "depth" in settings.conditioning else None
        pulls = self._pulls(work, chosen) if settings.latent_blend > 0 else [None] * len(chosen)
        record = cross_frame_attention.AnchorRecord(halves) if settings.cross_frame_attention else None
        replaced = cross_frame_attention.install(self.unet, record) if record is not None else None
        images = np.empty((len(chosen), height, width, 3), dtype=np.uint8)
        previous: list[torch.Tensor] = []
        try:
            for number, start in enumerate(range(0, len(chosen), settings.batch)):
                picked = list(range(start, min(start + settings.batch, len(chosen))))
                batch = _Batch(
                    picked=picked,
                    noise=torch.from_numpy(noise[picked]).to(self.device, self.dtype),
                    control=None if control is None else self._tensor(control[picked]),
                    init=self._encode_images(work.rgb[[chosen[i] for i in picked]])
                    if "img2img" in settings.conditioning
                    else None,
                    pulls=[pulls[i] for i in picked],
                )
                if record is not None:
                    record.recording = start == 0
                generator = torch.Generator("cpu").manual_seed(seed + number)
                latents, previous = self._denoise(batch, text, settings, previous, generator, record)
                images[picked] = self._decode(latents)
                if on_frame is not None:
                    for index in picked:
                        on_frame(index + 1, len(chosen))
        finally:
            if replaced is not None:
                cross_frame_attention.restore(self.unet, replaced)
        if len(chosen) < len(work):
            images = fill_inbetweens(FlowChain(work), dict(zip(chosen, images, strict=True)))
        return replace(frames, rgb=_resize_images(images, frames.width, frames.height))

    def _denoise(
        self,
        batch: _Batch,
        text: _Text,
        settings: DiffusionSettings,
        previous: list[torch.Tensor],
        generator: torch.Generator,
        record: cross_frame_attention.AnchorRecord | None,
    ) -> tuple[torch.Tensor, list[torch.Tensor]]:
        """Denoise one batch; returns its latents and its last frame's latents after each blended step (what the
        next batch's first frame blends towards)."""
        size = len(batch.picked)
        halves = text.embeds.shape[0]
        scheduler = self._scheduler(settings)
        timesteps = scheduler.timesteps
        if batch.init is not None:
            run = min(int(settings.steps * settings.strength), settings.steps)
            if run < 1:
                raise UserError(f"img2img strength {settings.strength} leaves none of {settings.steps} steps to run")
            skipped = (settings.steps - run) * scheduler.order
            timesteps = timesteps[skipped:]
            if hasattr(scheduler, "set_begin_index"):
                scheduler.set_begin_index(skipped)
            latents = scheduler.add_noise(batch.init, batch.noise, timesteps[:1].repeat(size))
        else:
            latents = batch.noise * scheduler.init_noise_sigma
        embeds = text.embeds.repeat_interleave(size, dim=0)
        added = self._added_conditions(text, size, latents.shape[-2:])
        timestep_cond = self._guidance_embedding(settings.guidance, size * halves)
        control = None if batch.control is None else torch.cat([batch.control] * halves)
        step_options = {"generator": generator} if "generator" in inspect.signature(scheduler.step).parameters else {}
        blended_steps = round(len(timesteps) * settings.latent_blend_until) if settings.latent_blend > 0 else 0
        unet = self._model("unet", settings)
        kept: list[torch.Tensor] = []
        for step, timestep in enumerate(timesteps):
            if record is not None:
                record.step = step
            model_input = scheduler.scale_model_input(torch.cat([latents] * halves), timestep)
            residuals: dict[str, Any] = {}
            if control is not None:
                down, middle = self._model("controlnet", settings)(
                    model_input,
                    timestep,
                    encoder_hidden_states=embeds,
                    controlnet_cond=control,
                    conditioning_scale=settings.control_scale,
                    added_cond_kwargs=added,
                    return_dict=False,
                )
                residuals = {"down_block_additional_residuals": down, "mid_block_additional_residual": middle}
            predicted = unet(
                model_input,
                timestep,
                encoder_hidden_states=embeds,
                timestep_cond=timestep_cond,
                added_cond_kwargs=added,
                return_dict=False,
                **residuals,
            )[0]
            if halves == 2:
                unconditional, conditional = predicted.chunk(2)
                predicted = unconditional + settings.guidance * (conditional - unconditional)
            latents = scheduler.step(predicted, timestep, latents, return_dict=False, **step_options)[0]
            if step < blended_steps:
                latents = _blend(latents, batch.pulls, previous[step] if previous else None, settings.latent_blend)
                kept.append(latents[-1:].clone())
        return latents, kept

    def _scheduler(self, settings: DiffusionSettings) -> Any:
        """A fresh scheduler (they keep per-run state) with the settings' steps set."""
        if settings.scheduler == "model":
            scheduler = copy.deepcopy(self.scheduler)
        else:
            import diffusers

            name, options = _SCHEDULERS[settings.scheduler]
            scheduler = getattr(diffusers, name).from_config(self.scheduler.config, **options)
        scheduler.set_timesteps(settings.steps, device=self.device)
        return scheduler

    def _model(self, name: str, settings: DiffusionSettings) -> Any:
        """The UNet or ControlNet, through ``torch.compile`` when the settings ask (compiled once, kept)."""
        module = self.unet if name == "unet" else self.controlnet
        if not settings.compile:
            return module
        if name not in self._compiled:
            self._compiled[name] = torch.compile(module)
        return self._compiled[name]

    def _encode_text(self, prompt: ShotPrompt, halves: int) -> _Text:
        texts = [prompt.negative, prompt.prompt][2 - halves :]
        if not self.sdxl:
            ids = self._token_ids(self.tokenizers[0], texts)
            return _Text(self.text_encoders[0](ids, return_dict=False)[0].to(self.dtype), None)
        hidden, pooled = [], None
        for tokenizer, encoder in zip(self.tokenizers, self.text_encoders, strict=True):
            output = encoder(self._token_ids(tokenizer, texts), output_hidden_states=True)
            hidden.append(output.hidden_states[-2])  # SDXL conditions on the penultimate layer
            pooled = output[0]  # the projected pooled embedding of the second encoder
        return _Text(torch.cat(hidden, dim=-1).to(self.dtype), None if pooled is None else pooled.to(self.dtype))

    def _token_ids(self, tokenizer: Any, texts: list[str]) -> torch.Tensor:
        tokens = tokenizer(
            texts, padding="max_length", max_length=tokenizer.model_max_length, truncation=True, return_tensors="pt"
        )
        return tokens.input_ids.to(self.device)

    def _added_conditions(self, text: _Text, size: int, latent_shape: Sequence[int]) -> dict[str, torch.Tensor] | None:
        """SDXL's extra conditions: the pooled prompt and (original size, crop, target size), no crop."""
        if text.pooled is None:
            return None
        height, width = (int(side) * self.cell for side in latent_shape)
        sizes = torch.tensor([[height, width, 0, 0, height, width]], device=self.device, dtype=self.dtype)
        halves = text.pooled.shape[0]
        return {"text_embeds": text.pooled.repeat_interleave(size, dim=0), "time_ids": sizes.repeat(halves * size, 1)}

    def _guidance_embedding(self, guidance: float, rows: int) -> torch.Tensor | None:
        """Guidance-distilled (LCM) UNets take the guidance scale as an embedding instead of a second half."""
        dim = self.unet.config.time_cond_proj_dim
        if dim is None:
            return None
        half = dim // 2
        frequencies = torch.exp(torch.arange(half, dtype=torch.float32) * -(np.log(10000.0) / (half - 1)))
        angles = (guidance - 1.0) * 1000.0 * frequencies
        embedding = torch.cat([torch.sin(angles), torch.cos(angles)])
        if dim % 2:
            embedding = F.pad(embedding, (0, 1))
        return embedding.to(self.device, self.dtype).expand(rows, -1)

    def _pulls(self, work: FrameSet, chosen: list[int]) -> list[tuple[torch.Tensor, torch.Tensor] | None]:
        """For each diffused frame after the first: where each latent cell's surface is in the previous diffused
        frame (a grid for ``grid_sample``) and where it was seen there (a mask), at latent resolution."""
        chain = FlowChain(work.reduced(self.cell))
        pulls: list[tuple[torch.Tensor, torch.Tensor] | None] = [None]
        for before, frame in itertools.pairwise(chosen):
            found = chain.between(frame, before)
            height, width = found.visible.shape
            grid = (found.positions + 0.5) / np.array([width, height], np.float32) * 2.0 - 1.0
            mask = found.visible.astype(np.float32)[None]
            pulls.append((self._tensor(grid[None]), self._tensor(mask)))
        return pulls

    def _tensor(self, array: NDArray) -> torch.Tensor:
        return torch.from_numpy(np.ascontiguousarray(array, dtype=np.float32)).to(self.device, self.dtype)

    def _encode_images(self, rgb: NDArray[np.uint8]) -> torch.Tensor:
        """Raster frames (n, H, W, 3) -> their latents (the VAE posterior's mean, scaled)."""
        pixels = torch.from_numpy(np.ascontiguousarray(rgb)).to(self.device).permute(0, 3, 1, 2)
        pixels = pixels.to(self.vae.dtype) / 127.5 - 1.0
        latents = self.vae.encode(pixels, return_dict=False)[0].mean
        return (latents * self.vae.config.scaling_factor).to(self.dtype)

    def _decode(self, latents: torch.Tensor) -> NDArray[np.uint8]:
        latents = latents.to(self.vae.dtype) / self.vae.config.scaling_factor
        pixels = self.vae.decode(latents, return_dict=False)[0].float()
        pixels = (torch.nan_to_num(pixels) / 2.0 + 0.5).clamp(0.0, 1.0) * 255.0
        return pixels.round().to(torch.uint8).permute(0, 2, 3, 1).cpu().numpy()


def _blend(
    latents: torch.Tensor,
    pulls: list[tuple[torch.Tensor, torch.Tensor] | None],
    before_first: torch.Tensor | None,
    weight: float,
) -> torch.Tensor:
    """Each frame's latents moved ``weight`` of the way towards the previous frame's (already blended) latents,
    carried along the exact flow, where that frame saw the same surface. Frames are visited in order, so the pull
    runs down the whole batch; the first frame pulls towards ``before_first``, the previous batch's last frame."""
    frames = list(latents.unbind(0))
    for index, pull in enumerate(pulls):
        source = frames[index - 1][None] if index else before_first
        if pull is None or source is None:
            continue
        grid, mask = (part.to(source.dtype) for part in pull)
        carried = F.grid_sample(source, grid, mode="bilinear", padding_mode="border", align_corners=False)[0]
        frames[index] = frames[index] + weight * mask * (carried - frames[index])
    return torch.stack(frames)


def depth_condition(depth: NDArray[np.floating]) -> NDArray[np.float32]:
    """A shot's depth maps (N, H, W) as a depth ControlNet's images (N, 3, H, W) in [0, 1]: inverse depth, near
    white, sky black, on one scale for the whole shot."""
    inverse = np.zeros(depth.shape, dtype=np.float32)
    finite = np.isfinite(depth) & (depth > 0)
    inverse[finite] = 1.0 / depth[finite].astype(np.float32)
    white = float(np.percentile(inverse[finite], DEPTH_WHITE_PERCENTILE)) if finite.any() else 1.0
    image = np.clip(inverse / max(white, 1e-6), 0.0, 1.0)
    return np.repeat(image[:, None], 3, axis=1)


def resized(frames: FrameSet, width: int, height: int) -> FrameSet:
    """``frames`` at another size: colour by area (or linear) resampling, geometry at the nearest pixel with the
    flow rescaled to the new pixels."""
    if (width, height) == (frames.width, frames.height):
        return frames
    scale = np.array([width / frames.width, height / frames.height], np.float32)

    def nearest(stack: NDArray) -> NDArray:
        size = (width, height)
        return np.stack([cv2.resize(np.asarray(f, np.float32), size, interpolation=cv2.INTER_NEAREST) for f in stack])

    return replace(
        frames,
        rgb=_resize_images(frames.rgb, width, height),
        instance=nearest(frames.instance).astype(np.uint8),
        depth=nearest(frames.depth),
        flow=nearest(frames.flow) * scale,
        next_depth=nearest(frames.next_depth),
    )


def _resize_images(images: NDArray[np.uint8], width: int, height: int) -> NDArray[np.uint8]:
    if images.shape[1:3] == (height, width):
        return images
    smaller = width < images.shape[2]
    interpolation = cv2.INTER_AREA if smaller else cv2.INTER_CUBIC
    return np.stack([cv2.resize(np.ascontiguousarray(i), (width, height), interpolation=interpolation) for i in images])
