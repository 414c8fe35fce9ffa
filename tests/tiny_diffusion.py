"""Tiny diffusion components with random weights, built from configs (the way diffusers tests itself): the real
classes at a size a 2-core CPU runs in milliseconds. The VAE downsamples by 8 and the ControlNet's conditioning
embedding by 8, as in Stable Diffusion, so latents and flow cells line up as they do at full size."""

from __future__ import annotations

import json
from pathlib import Path

import torch
from diffusers import AutoencoderKL, ControlNetModel, DDIMScheduler, UNet2DConditionModel
from transformers import CLIPTextConfig, CLIPTextModel, CLIPTextModelWithProjection, CLIPTokenizer

from storyreel.planners.rules import plan_story
from storyreel.schema import Resolution, Storyboard, Style
from storyreel.tools.camera import direct_camera
from storyreel.tools.render.diffusion import DiffusionRenderer
from storyreel.tools.render.frames import FrameSet
from storyreel.tools.render.raster import render_shot
from storyreel.tools.scene import build_world

#: Characters the tokenizer spells words with, each alone and as a word end.
ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789,.'-!?()"
#: A few whole words, so common ones are single tokens as in a real BPE vocabulary.
WORDS = ("a", "red", "dog", "the", "in", "park", "shot", "wide")
TEXT_WIDTH = 32


def write_tokenizer(directory: Path) -> CLIPTokenizer:
    """A CLIP BPE tokenizer from a vocab.json and merges.txt written into ``directory``: letters and a few merged
    words, enough to tokenise any lower-case prompt."""
    vocab = {"<|startoftext|>": 0, "<|endoftext|>": 1}
    for symbol in [*ALPHABET, *(f"{c}</w>" for c in ALPHABET)]:
        vocab[symbol] = len(vocab)
    merges = []
    for word in WORDS:
        merged = word[0]
        for index, letter in enumerate(word[1:], start=1):
            right = f"{letter}</w>" if index == len(word) - 1 else letter
            merges.append(f"{merged} {right}")
            merged += right
            vocab.setdefault(merged, len(vocab))
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "vocab.json").write_text(json.dumps(vocab))
    (directory / "merges.txt").write_text("\n".join(["#version: 0.2", *merges]) + "\n")
    return CLIPTokenizer(vocab=str(directory / "vocab.json"), merges=str(directory / "merges.txt"), model_max_length=77)


def text_encoder(vocab_size: int, *, projection: bool = False) -> CLIPTextModel | CLIPTextModelWithProjection:
    config = CLIPTextConfig(
        hidden_size=TEXT_WIDTH,
        intermediate_size=37,
        num_attention_heads=4,
        num_hidden_layers=2,
        max_position_embeddings=77,
        vocab_size=vocab_size,
        projection_dim=TEXT_WIDTH,
        bos_token_id=0,
        eos_token_id=1,
        pad_token_id=1,
    )
    return CLIPTextModelWithProjection(config) if projection else CLIPTextModel(config)


def vae() -> AutoencoderKL:
    """Four levels: 8x downsampling, as Stable Diffusion's VAE."""
    return AutoencoderKL(
        block_out_channels=(8, 8, 16, 16),
        down_block_types=("DownEncoderBlock2D",) * 4,
        up_block_types=("UpDecoderBlock2D",) * 4,
        latent_channels=4,
        layers_per_block=1,
        norm_num_groups=4,
    )


def _denoiser_config(*, sdxl: bool) -> dict:
    config: dict = {
        "block_out_channels": (8, 16),
        "layers_per_block": 1,
        "down_block_types": ("CrossAttnDownBlock2D", "DownBlock2D"),
        "cross_attention_dim": TEXT_WIDTH * (2 if sdxl else 1),
        "attention_head_dim": 2,
        "norm_num_groups": 4,
        "in_channels": 4,
    }
    if sdxl:  # pooled text and the six size numbers as added conditions
        config |= {
            "addition_embed_type": "text_time",
            "addition_time_embed_dim": 4,
            "projection_class_embeddings_input_dim": 6 * 4 + TEXT_WIDTH,
            "use_linear_projection": True,
        }
    return config


def unet(*, sdxl: bool = False) -> UNet2DConditionModel:
    return UNet2DConditionModel(
        **_denoiser_config(sdxl=sdxl),
        up_block_types=("UpBlock2D", "CrossAttnUpBlock2D"),
        out_channels=4,
        sample_size=8,
    )


def controlnet(*, sdxl: bool = False) -> ControlNetModel:
    return ControlNetModel(**_denoiser_config(sdxl=sdxl), conditioning_embedding_out_channels=(4, 4, 4, 4))


def scheduler() -> DDIMScheduler:
    """Stable Diffusion 1.5's noise schedule."""
    return DDIMScheduler(
        beta_start=0.00085,
        beta_end=0.012,
        beta_schedule="scaled_linear",
        clip_sample=False,
        set_alpha_to_one=False,
        steps_offset=1,
    )


def renderer(directory: Path, *, sdxl: bool = False, with_controlnet: bool = True, seed: int = 0) -> DiffusionRenderer:
    """A CPU renderer over fresh tiny components, the same weights for the same ``seed``."""
    torch.manual_seed(seed)
    tokenizer = write_tokenizer(directory / "tokenizer")
    second = {}
    if sdxl:
        second = {
            "text_encoder_2": text_encoder(len(tokenizer), projection=True),
            "tokenizer_2": tokenizer,
        }
    return DiffusionRenderer(
        unet=unet(sdxl=sdxl),
        vae=vae(),
        text_encoder=text_encoder(len(tokenizer)),
        tokenizer=tokenizer,
        scheduler=scheduler(),
        controlnet=controlnet(sdxl=sdxl) if with_controlnet else None,
        device="cpu",
        dtype=torch.float32,
        **second,
    )


STORY = "A red dog runs across the park. The dog jumps over a yellow ball."


def story_frames(frames: int, resolution: Resolution, *, shot: int = 0, stride: int = 1) -> tuple[Storyboard, FrameSet]:
    """The raster pass of a planned story's shot, ``frames`` frames from its start, every ``stride``-th frame of the
    camera's path (more motion per frame): a real world, camera and exact flow."""
    fps = 12
    storyboard = plan_story(STORY, fps=fps)
    planned = storyboard.shots[shot]
    start = storyboard.shot_start(planned.id)
    world = build_world(storyboard, planned.location, seed=0)
    path = direct_camera(world, planned, start=start, fps=fps, aspect=resolution.width / resolution.height)
    taken = slice(0, frames * stride, stride)
    path = path.model_copy(
        update={
            "fps": fps // stride,
            **{key: getattr(path, key)[taken] for key in ("positions", "orientations", "fov_y")},
        }
    )
    rendered = render_shot(world, path, start=start, style=Style.TOON, resolution=resolution, shot_id=planned.id)
    return storyboard, rendered


def save_pretrained(directory: Path, seed: int = 0) -> tuple[Path, Path]:
    """A tiny Stable Diffusion pipeline and depth ControlNet saved as diffusers directories (what ``--model`` and
    ``--controlnet`` point at): ``directory/model`` and ``directory/depth``."""
    from diffusers import StableDiffusionPipeline

    torch.manual_seed(seed)
    tokenizer = write_tokenizer(directory / "vocab")
    StableDiffusionPipeline(
        vae=vae(),
        text_encoder=text_encoder(len(tokenizer)),
        tokenizer=tokenizer,
        unet=unet(),
        scheduler=scheduler(),
        safety_checker=None,
        feature_extractor=None,
        requires_safety_checker=False,
    ).save_pretrained(directory / "model")
    controlnet().save_pretrained(directory / "depth")
    return directory / "model", directory / "depth"
