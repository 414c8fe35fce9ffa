"""The diffusion renderer end to end on tiny random-weight components (real diffusers and transformers classes),
on the raster pass of a planned story: prompts, settings, determinism, the consistency switches, loading."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from diffusers import StableDiffusionPipeline

from storyreel.errors import UserError
from storyreel.schema import Resolution, ShotDirection, Style
from storyreel.tools.render.diffusion import (
    DEFAULT_CONTROLNET,
    DEFAULT_MODEL,
    KEYFRAME_EVERY_ON_REQUEST,
    DiffusionRenderer,
    DiffusionSettings,
    MissingWeightsError,
    character_phrase,
    default_device,
    default_dtype,
    shot_prompt,
)
from storyreel.tools.render.flow import visibility_mask, warp_error
from storyreel.tools.render.inbetween import FlowChain, fill_inbetweens, keyframe_indices
from tests import tiny_diffusion

RESOLUTION = Resolution(width=64, height=48)
#: Few steps at the frames' own size: the loop, not the image, is under test.
QUICK = DiffusionSettings(steps=3, short_side=RESOLUTION.height, batch=4)


@pytest.fixture(scope="module")
def story():
    return tiny_diffusion.story_frames(8, RESOLUTION, stride=3)


@pytest.fixture(scope="module")
def renderer(tmp_path_factory: pytest.TempPathFactory) -> DiffusionRenderer:
    return tiny_diffusion.renderer(tmp_path_factory.mktemp("tiny"))


@pytest.fixture(scope="module")
def prompt(story):
    storyboard, _ = story
    return shot_prompt(storyboard, storyboard.shots[0], Style.TOON)


def mean_warp_error(rgb: np.ndarray, frames) -> float:
    errors = []
    for t in range(len(frames) - 1):
        mask = visibility_mask(frames.flow[t], frames.next_depth[t], frames.depth[t + 1])
        errors.append(warp_error(rgb[t], rgb[t + 1], frames.flow[t], mask))
    return float(np.mean(errors))


def test_renders_a_shot_keeping_its_geometry(renderer, story, prompt):
    _, frames = story
    progress: list[tuple[int, int]] = []
    out = renderer.render(frames, prompt, QUICK, seed=5, on_frame=lambda done, total: progress.append((done, total)))
    assert out.rgb.shape == frames.rgb.shape and out.rgb.dtype == np.uint8
    assert not np.array_equal(out.rgb, frames.rgb)
    assert out.depth is frames.depth and out.flow is frames.flow and out.instance is frames.instance
    assert progress == [(i, len(frames)) for i in range(1, len(frames) + 1)]


def test_same_seed_same_frames_and_another_seed_others(renderer, story, prompt):
    _, frames = story
    first = renderer.render(frames, prompt, QUICK, seed=11).rgb
    np.testing.assert_array_equal(renderer.render(frames, prompt, QUICK, seed=11).rgb, first)
    assert not np.array_equal(renderer.render(frames, prompt, QUICK, seed=12).rgb, first)


def test_batch_size_does_not_change_the_frames(renderer, story, prompt):
    # Latent blending and cross-frame attention reach across batches: one batch or three give the same film.
    _, frames = story
    whole = renderer.render(frames, prompt, QUICK.model_copy(update={"batch": 8}), seed=2).rgb
    parts = renderer.render(frames, prompt, QUICK.model_copy(update={"batch": 3}), seed=2).rgb
    assert np.abs(whole.astype(int) - parts.astype(int)).max() <= 1


def test_consistency_switches_steady_the_film(renderer, story, prompt):
    _, frames = story
    off = QUICK.model_copy(update={"noise_warp": False, "cross_frame_attention": False, "latent_blend": 0.0})
    seeds = (3, 4)  # random weights: one seed's margin is noise, two seeds' mean is not
    loose = np.mean([mean_warp_error(renderer.render(frames, prompt, off, seed=seed).rgb, frames) for seed in seeds])
    steady = np.mean([mean_warp_error(renderer.render(frames, prompt, QUICK, seed=seed).rgb, frames) for seed in seeds])
    assert steady < 0.7 * loose


def test_keyframe_inbetweens_are_the_exact_flow_fill_of_the_keyframes(renderer, story, prompt):
    _, frames = story
    settings = QUICK.model_copy(update={"keyframe_every": 3})
    out = renderer.render(frames, prompt, settings, seed=4).rgb
    keys = keyframe_indices(len(frames), 3)
    expected = fill_inbetweens(FlowChain(frames), {k: out[k] for k in keys})
    np.testing.assert_array_equal(out, expected)


@pytest.mark.parametrize(
    "update",
    [
        {"conditioning": "depth+img2img", "strength": 0.7},
        {"scheduler": "dpm"},
        {"scheduler": "lcm", "guidance": 1.0, "steps": 2},
        {"scheduler": "turbo", "guidance": 0.0, "steps": 1},
        {"scheduler": "euler-ancestral"},
        {"scheduler": "unipc", "short_side": 32},
    ],
)
def test_conditionings_schedulers_and_sizes_render(renderer, story, prompt, update):
    _, frames = story
    out = renderer.render(frames, prompt, QUICK.model_copy(update=update), seed=1)
    assert out.rgb.shape == frames.rgb.shape
    assert out.rgb.std() > 0


def test_img2img_alone_needs_no_controlnet(tmp_path: Path, story, prompt):
    _, frames = story
    bare = tiny_diffusion.renderer(tmp_path, with_controlnet=False)
    out = bare.render(frames, prompt, QUICK.model_copy(update={"conditioning": "img2img"}), seed=1)
    assert out.rgb.shape == frames.rgb.shape
    with pytest.raises(UserError, match="--controlnet"):
        bare.render(frames, prompt, QUICK, seed=1)


def test_sdxl_layout_renders(tmp_path: Path, story, prompt):
    _, frames = story
    xl = tiny_diffusion.renderer(tmp_path, sdxl=True)
    assert xl.sdxl
    out = xl.render(frames, prompt, QUICK.model_copy(update={"conditioning": "depth+img2img"}), seed=1)
    assert out.rgb.shape == frames.rgb.shape and out.rgb.std() > 0


def test_prompt_names_the_cast_the_same_in_every_shot(story):
    storyboard, _ = story
    dog = next(c for c in storyboard.cast if c.kind == "dog")
    phrase = character_phrase(dog)
    assert "red" in phrase and "dog" in phrase
    for shot in storyboard.shots:
        built = shot_prompt(storyboard, shot, Style.CLAY)
        assert built.characters[dog.id] == phrase
        assert built.prompt.startswith(phrase) and "claymation" in built.prompt
    tight = shot_prompt(storyboard, storyboard.shots[0], "photoreal, 35 mm film", tight=True)
    assert tight.prompt.count(phrase) == 2 and "photoreal" in tight.prompt
    assert len(tight.negative) > len(shot_prompt(storyboard, storyboard.shots[0], Style.TOON).negative)


def test_direction_knobs_strengthen_the_settings():
    base = DiffusionSettings(noise_warp=False, cross_frame_attention=False, latent_blend=0.0)
    assert base.with_direction(ShotDirection()) == base
    once = base.with_direction(ShotDirection(consistency=1))
    twice = base.with_direction(ShotDirection(consistency=2))
    assert once.noise_warp and once.cross_frame_attention
    assert 0 < once.latent_blend < twice.latent_blend and once.latent_blend_until < twice.latent_blend_until
    assert base.with_direction(ShotDirection(keyframes=True)).keyframe_every == KEYFRAME_EVERY_ON_REQUEST


def test_device_and_precision_here():
    if not torch.cuda.is_available() and not torch.backends.mps.is_available():
        assert default_device() == "cpu"
    assert default_dtype("cpu") == torch.float32
    assert default_dtype("cuda") == torch.float16 and default_dtype("mps") == torch.float16


def test_missing_weights_say_what_to_download_and_where(tmp_path: Path):
    missing = tmp_path / "sd15"
    with pytest.raises(MissingWeightsError) as raised:
        DiffusionRenderer.from_pretrained(str(missing), device="cpu")
    message = str(raised.value)
    assert "\n" not in message
    assert f"hf download {DEFAULT_MODEL} --local-dir {missing}" in message and f"--model {missing}" in message
    with pytest.raises(MissingWeightsError, match=r"hf download someone/not-cached --local-dir models/not-cached"):
        DiffusionRenderer.from_pretrained("someone/not-cached", device="cpu")


def test_loads_a_local_model_and_names_a_missing_controlnet(tmp_path: Path, story, prompt):
    torch.manual_seed(0)
    tokenizer = tiny_diffusion.write_tokenizer(tmp_path / "vocab")
    StableDiffusionPipeline(
        vae=tiny_diffusion.vae(),
        text_encoder=tiny_diffusion.text_encoder(len(tokenizer)),
        tokenizer=tokenizer,
        unet=tiny_diffusion.unet(),
        scheduler=tiny_diffusion.scheduler(),
        safety_checker=None,
        feature_extractor=None,
        requires_safety_checker=False,
    ).save_pretrained(tmp_path / "model")
    tiny_diffusion.controlnet().save_pretrained(tmp_path / "depth")
    with pytest.raises(MissingWeightsError, match=f"hf download {DEFAULT_CONTROLNET} .*--controlnet"):
        DiffusionRenderer.from_pretrained(str(tmp_path / "model"), str(tmp_path / "absent"), device="cpu")
    loaded = DiffusionRenderer.from_pretrained(str(tmp_path / "model"), str(tmp_path / "depth"), device="cpu")
    _, frames = story
    assert loaded.render(frames, prompt, QUICK, seed=1).rgb.shape == frames.rgb.shape
