"""Diffusion renderer against a naive loop that calls a diffusers pipeline frame by frame.

A planned story's shot is rendered by the raster pass, then diffused with the same random-weight components (speed
does not depend on weight values), the same steps, guidance and resolution, and the same depth conditioning:

- naive: ``StableDiffusionControlNetPipeline`` called once per frame, a fresh seed per frame;
- ours: :class:`DiffusionRenderer` at its default consistency switches (frames batched, prompt encoded once);
- keyframes: ours in keyframe mode (every 4th frame diffused, the rest filled along the exact flow);
- with ``--switches``: ours with every switch off, then each alone.

Prints frames/s, ratios against the naive loop and the occlusion-masked warp error of each output (Lai et al.;
random weights make noise-like images, so the error shows how much of a frame's content each method carries along
the flow into the next), then one JSON line.

    python bench/bench_diffusion.py                        # CPU, tiny components, 64x64, 8 frames, 4 steps
    python bench/bench_diffusion.py --device cuda --size sd15 --switches   # SD-1.5-sized, 512x512, 16 frames, 20 steps
"""

from __future__ import annotations

import argparse
import json
import math
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import diffusers
import numpy as np
import torch
import transformers
from diffusers import (
    AutoencoderKL,
    ControlNetModel,
    DDIMScheduler,
    StableDiffusionControlNetPipeline,
    UNet2DConditionModel,
)
from transformers import CLIPTextConfig, CLIPTextModel, CLIPTokenizer

from storyreel.planners.rules import plan_story
from storyreel.schema import Resolution, Style
from storyreel.tools.camera import direct_camera
from storyreel.tools.render.diffusion import (
    KEYFRAME_EVERY_ON_REQUEST,
    LATENT_BLEND,
    DiffusionRenderer,
    DiffusionSettings,
    ShotPrompt,
    depth_condition,
    shot_prompt,
)
from storyreel.tools.render.flow import visibility_mask, warp_error
from storyreel.tools.render.frames import FrameSet
from storyreel.tools.render.raster import render_shot
from storyreel.tools.scene import build_world

STORY = "A red dog runs across the park. The dog jumps over a yellow ball."

# Stable Diffusion 1.5's published component configs (UNet, VAE, text encoder; the depth ControlNet of
# lllyasviel/control_v11f1p_sd15_depth), as diffusers and transformers read them.
SD15_DOWN = ["CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"]
SD15_DENOISER = {
    "in_channels": 4,
    "flip_sin_to_cos": True,
    "freq_shift": 0,
    "down_block_types": SD15_DOWN,
    "block_out_channels": [320, 640, 1280, 1280],
    "layers_per_block": 2,
    "downsample_padding": 1,
    "mid_block_scale_factor": 1,
    "act_fn": "silu",
    "norm_num_groups": 32,
    "norm_eps": 1e-5,
    "cross_attention_dim": 768,
    "attention_head_dim": 8,
}
SD15_UNET = {
    **SD15_DENOISER,
    "sample_size": 64,
    "out_channels": 4,
    "center_input_sample": False,
    "up_block_types": ["UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"],
}
SD15_CONTROLNET = {
    **SD15_DENOISER,
    "conditioning_embedding_out_channels": [16, 32, 96, 256],
    "controlnet_conditioning_channel_order": "rgb",
}
SD15_VAE = {
    "in_channels": 3,
    "out_channels": 3,
    "down_block_types": ["DownEncoderBlock2D"] * 4,
    "up_block_types": ["UpDecoderBlock2D"] * 4,
    "block_out_channels": [128, 256, 512, 512],
    "layers_per_block": 2,
    "act_fn": "silu",
    "latent_channels": 4,
    "norm_num_groups": 32,
    "sample_size": 512,
    "scaling_factor": 0.18215,
}
SD15_TEXT = {
    "vocab_size": 49408,
    "hidden_size": 768,
    "intermediate_size": 3072,
    "num_hidden_layers": 12,
    "num_attention_heads": 12,
    "max_position_embeddings": 77,
    "hidden_act": "quick_gelu",
    "layer_norm_eps": 1e-5,
    "projection_dim": 768,
}
SD15_SCHEDULER = {
    "num_train_timesteps": 1000,
    "beta_start": 0.00085,
    "beta_end": 0.012,
    "beta_schedule": "scaled_linear",
    "clip_sample": False,
    "set_alpha_to_one": False,
    "steps_offset": 1,
}

# The same layout at a size a CPU runs in milliseconds (8x VAE and ControlNet-conditioning downsampling kept).
TINY_DOWN = ["CrossAttnDownBlock2D", "DownBlock2D"]
TINY_DENOISER = {
    "in_channels": 4,
    "down_block_types": TINY_DOWN,
    "block_out_channels": [8, 16],
    "layers_per_block": 1,
    "norm_num_groups": 4,
    "cross_attention_dim": 32,
    "attention_head_dim": 2,
}
TINY_UNET = {
    **TINY_DENOISER,
    "sample_size": 8,
    "out_channels": 4,
    "up_block_types": ["UpBlock2D", "CrossAttnUpBlock2D"],
}
TINY_CONTROLNET = {**TINY_DENOISER, "conditioning_embedding_out_channels": [4, 4, 4, 4]}
TINY_VAE = {
    "block_out_channels": [8, 8, 16, 16],
    "down_block_types": ["DownEncoderBlock2D"] * 4,
    "up_block_types": ["UpDecoderBlock2D"] * 4,
    "latent_channels": 4,
    "layers_per_block": 1,
    "norm_num_groups": 4,
}
TINY_TEXT = {
    "vocab_size": 1000,
    "hidden_size": 32,
    "intermediate_size": 37,
    "num_hidden_layers": 2,
    "num_attention_heads": 4,
    "max_position_embeddings": 77,
    "projection_dim": 32,
}

SIZES: dict[str, dict[str, Any]] = {
    "tiny": {
        "configs": (TINY_UNET, TINY_CONTROLNET, TINY_VAE, TINY_TEXT),
        "resolution": 64,
        "frames": 8,
        "steps": 4,
        "batch": 8,
    },
    "sd15": {
        "configs": (SD15_UNET, SD15_CONTROLNET, SD15_VAE, SD15_TEXT),
        "resolution": 512,
        "frames": 16,
        "steps": 20,
        "batch": 8,
    },
}
#: Every third frame of the camera's path, for a few pixels of motion a frame at these small sizes.
STRIDE = 3
GUIDANCE = 7.5


def write_tokenizer(directory: Path) -> CLIPTokenizer:
    """A CLIP BPE tokenizer over single characters (vocab.json and merges.txt written locally): any prompt
    tokenises, and the text encoder's cost is that of the real one for the same token count."""
    symbols = "abcdefghijklmnopqrstuvwxyz0123456789,.'-!?()"
    vocab = {"<|startoftext|>": 0, "<|endoftext|>": 1}
    for symbol in [*symbols, *(f"{c}</w>" for c in symbols)]:
        vocab[symbol] = len(vocab)
    (directory / "vocab.json").write_text(json.dumps(vocab))
    (directory / "merges.txt").write_text("#version: 0.2\n")
    return CLIPTokenizer(vocab=str(directory / "vocab.json"), merges=str(directory / "merges.txt"), model_max_length=77)


def components(size: str, device: str, dtype: torch.dtype, directory: Path) -> dict[str, Any]:
    """Random-weight UNet, ControlNet, VAE and text encoder built from ``size``'s configs on ``device``."""
    unet_config, controlnet_config, vae_config, text_config = SIZES[size]["configs"]
    tokenizer = write_tokenizer(directory)
    torch.manual_seed(0)
    with torch.device(device):
        built: dict[str, Any] = {
            "unet": UNet2DConditionModel(**unet_config),
            "controlnet": ControlNetModel(**controlnet_config),
            "vae": AutoencoderKL(**vae_config),
            "text_encoder": CLIPTextModel(
                CLIPTextConfig(**text_config, bos_token_id=0, eos_token_id=1, pad_token_id=1)
            ),
        }
    for module in built.values():
        module.to(dtype=dtype).eval().requires_grad_(False)
    return {**built, "tokenizer": tokenizer, "scheduler": DDIMScheduler(**SD15_SCHEDULER)}


def shot_frames(side: int, frames: int) -> tuple[ShotPrompt, FrameSet]:
    """The raster pass of the story's first shot, square ``side`` pixels, and its prompt."""
    resolution = Resolution(width=side, height=side)
    storyboard = plan_story(STORY, fps=12, resolution=resolution)
    shot = storyboard.shots[0]
    world = build_world(storyboard, shot.location, seed=0)
    path = direct_camera(world, shot, start=0.0, fps=12, aspect=1.0)
    taken = slice(0, frames * STRIDE, STRIDE)
    path = path.model_copy(
        update={
            "fps": 12 // STRIDE,
            **{key: getattr(path, key)[taken] for key in ("positions", "orientations", "fov_y")},
        }
    )
    rendered = render_shot(world, path, start=0.0, style=Style.TOON, resolution=resolution, shot_id=shot.id)
    return shot_prompt(storyboard, shot, Style.TOON), rendered


def naive_loop(parts: dict[str, Any], frames: FrameSet, prompt: ShotPrompt, steps: int, seed: int) -> np.ndarray:
    """What one would write first: the diffusers pipeline once per frame, each with its own seed."""
    pipe: Any = StableDiffusionControlNetPipeline(
        **parts, safety_checker=None, feature_extractor=None, requires_safety_checker=False
    )
    pipe.set_progress_bar_config(disable=True)
    control = torch.from_numpy(depth_condition(frames.depth))
    out = np.empty_like(frames.rgb)
    for t in range(len(frames)):
        result = pipe(
            prompt.prompt,
            negative_prompt=prompt.negative,
            image=control[t : t + 1],
            num_inference_steps=steps,
            guidance_scale=GUIDANCE,
            height=frames.height,
            width=frames.width,
            generator=torch.Generator("cpu").manual_seed(seed + t),
            output_type="np",
        )
        out[t] = np.clip(np.rint(result.images[0] * 255.0), 0, 255).astype(np.uint8)
    return out


def mean_warp_error(rgb: np.ndarray, frames: FrameSet) -> float:
    """Occlusion-masked warp error between consecutive frames, averaged over the shot (0-1 scale)."""
    errors = []
    for t in range(len(frames) - 1):
        mask = visibility_mask(frames.flow[t], frames.next_depth[t], frames.depth[t + 1])
        errors.append(warp_error(rgb[t], rgb[t + 1], frames.flow[t], mask))
    return float(np.mean(errors))


def timed(run: Callable[[], np.ndarray], device: str, repeats: int) -> tuple[float, np.ndarray]:
    """Best wall time of ``repeats`` runs (the device synchronised), and the last output."""
    best, out = math.inf, np.empty(0)
    for _ in range(repeats):
        if device == "cuda":
            torch.cuda.synchronize()
        start = time.perf_counter()
        out = run()
        if device == "cuda":
            torch.cuda.synchronize()
        best = min(best, time.perf_counter() - start)
    return best, out


def _number(value: float) -> float | None:
    return round(value, 4) if math.isfinite(value) else None


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--device", default="cpu", help="cpu, cuda or mps")
    parser.add_argument("--size", choices=sorted(SIZES), default="tiny")
    parser.add_argument("--resolution", type=int, help="square side in pixels (default: the size's)")
    parser.add_argument("--frames", type=int)
    parser.add_argument("--steps", type=int)
    parser.add_argument("--batch", type=int)
    parser.add_argument("--repeats", type=int, help="timed runs of each, best kept (default 3 tiny, 1 sd15)")
    parser.add_argument("--switches", action="store_true", help="also time each consistency switch alone")
    parser.add_argument("--compile", action="store_true", help="torch.compile our UNet and ControlNet")
    args = parser.parse_args(argv)
    # The character-level tokenizer spells prompts past CLIP's 77 tokens; the truncation notices are expected.
    diffusers.utils.logging.set_verbosity_error()
    transformers.utils.logging.set_verbosity_error()
    size = SIZES[args.size]
    side, count = args.resolution or size["resolution"], args.frames or size["frames"]
    steps, batch = args.steps or size["steps"], args.batch or size["batch"]
    repeats = args.repeats or (3 if args.size == "tiny" else 1)
    dtype = torch.float16 if args.device in ("cuda", "mps") else torch.float32
    seed = 7

    prompt, frames = shot_frames(side, count)
    with tempfile.TemporaryDirectory() as scratch:
        parts = components(args.size, args.device, dtype, Path(scratch))
    renderer = DiffusionRenderer(**parts, device=args.device, dtype=dtype)
    ours = DiffusionSettings(steps=steps, guidance=GUIDANCE, short_side=side, batch=batch, compile=args.compile)
    runs: dict[str, DiffusionSettings] = {
        "ours": ours,
        "keyframes": ours.model_copy(update={"keyframe_every": KEYFRAME_EVERY_ON_REQUEST}),
    }
    if args.switches:
        off = ours.model_copy(update={"noise_warp": False, "cross_frame_attention": False, "latent_blend": 0.0})
        runs |= {
            "switches off": off,
            "noise warp alone": off.model_copy(update={"noise_warp": True}),
            "cross-frame attention alone": off.model_copy(update={"cross_frame_attention": True}),
            "latent blend alone": off.model_copy(update={"latent_blend": LATENT_BLEND}),
        }

    print(f"{args.size} components on {args.device} ({dtype}), {side}x{side}, {count} frames, {steps} steps")
    naive_loop(parts, frames, prompt, 1, seed)  # warm-up: kernels chosen, memory allocated
    renderer.render(frames, prompt, ours.model_copy(update={"steps": 1}), seed=seed)
    seconds: dict[str, float] = {}
    errors: dict[str, float] = {}
    seconds["naive"], naive_rgb = timed(lambda: naive_loop(parts, frames, prompt, steps, seed), args.device, repeats)
    errors["naive"] = mean_warp_error(naive_rgb, frames)
    for name, settings in runs.items():

        def render(chosen: DiffusionSettings = settings) -> np.ndarray:
            return renderer.render(frames, prompt, chosen, seed=seed).rgb

        seconds[name], rgb = timed(render, args.device, repeats)
        errors[name] = mean_warp_error(rgb, frames)
    errors["raster"] = mean_warp_error(frames.rgb, frames)

    fps = {name: count / value for name, value in seconds.items()}
    print(f"{'':30} {'frames/s':>10} {'x naive':>8} {'warp error':>11}")
    for name in [*seconds, "raster"]:
        rate = f"{fps[name]:10.2f} {fps[name] / fps['naive']:8.2f}" if name in fps else f"{'':10} {'':8}"
        print(f"{name:30} {rate} {errors[name]:11.4f}")
    result: dict[str, Any] = {
        "device": args.device,
        "size": args.size,
        "resolution": side,
        "frames": count,
        "steps": steps,
        "batch": batch,
        "naive_fps": _number(fps["naive"]),
        "ours_fps": _number(fps["ours"]),
        "keyframe_fps": _number(fps["keyframes"]),
        "speedup": _number(fps["ours"] / fps["naive"]),
        "keyframe_speedup": _number(fps["keyframes"] / fps["naive"]),
        "warp_error_naive": _number(errors["naive"]),
        "warp_error_ours": _number(errors["ours"]),
        "warp_error_keyframe": _number(errors["keyframes"]),
        "warp_error_raster": _number(errors["raster"]),
        "switches": {name: _number(errors[name]) for name in runs if name not in ("ours", "keyframes")},
    }
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
