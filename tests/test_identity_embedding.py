"""The identity check with an embedding model installed: a tiny random-weight CLIP vision tower saved locally."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from storyreel.errors import UserError
from storyreel.planners.rules import plan_story
from storyreel.schema import Resolution, Style, SubjectAppearance
from storyreel.tools.camera import direct_camera
from storyreel.tools.checks import identity_embedding
from storyreel.tools.checks.identity import IDENTITY_THRESHOLD, appearance_distance, appearances
from storyreel.tools.render.raster import render_shot
from storyreel.tools.scene import build_world

transformers = pytest.importorskip("transformers", reason="the diffusion extra (transformers, torch) is missing")


@pytest.fixture
def installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[identity_embedding.IdentityEmbedder]:
    config = transformers.CLIPVisionConfig(
        image_size=32,
        patch_size=8,
        hidden_size=32,
        intermediate_size=37,
        num_hidden_layers=2,
        num_attention_heads=4,
        projection_dim=16,
    )
    transformers.CLIPVisionModelWithProjection(config).save_pretrained(tmp_path / "identity")
    monkeypatch.setenv(identity_embedding.MODEL_VARIABLE, str(tmp_path / "identity"))
    identity_embedding.installed_embedder.cache_clear()
    embedder = identity_embedding.installed_embedder()
    assert embedder is not None
    yield embedder
    identity_embedding.installed_embedder.cache_clear()


def test_a_rendered_character_gets_a_unit_embedding(installed: identity_embedding.IdentityEmbedder) -> None:
    storyboard = plan_story("A girl in a red coat walks in the park.")
    shot = storyboard.shots[0]
    world = build_world(storyboard, shot.location, seed=0)
    path = direct_camera(world, shot, start=0.0, fps=6, aspect=16 / 9)
    frames = render_shot(world, path, start=0.0, style=Style.TOON, resolution=Resolution(width=160, height=90))
    looks = appearances(frames, world, installed)
    assert looks and all(look.embedding is not None for look in looks)
    embedding = np.asarray(looks[0].embedding)
    assert embedding.shape == (16,) and np.linalg.norm(embedding) == pytest.approx(1.0, abs=1e-4)
    assert appearances(frames, world, installed) == looks  # deterministic


def test_embeddings_tell_looks_apart_that_colours_do_not() -> None:
    same_colour = (0.5, 0.3, 0.2)
    one = SubjectAppearance(name="mia", pixels=900, chroma=same_colour, embedding=(1.0, 0.0, 0.0))
    other = one.model_copy(update={"embedding": (0.0, 1.0, 0.0)})
    assert appearance_distance(one, one) == 0.0
    assert appearance_distance(one, other) > IDENTITY_THRESHOLD  # unrelated embeddings: drift
    assert appearance_distance(one, other.model_copy(update={"embedding": None})) == 0.0  # colours alone


def test_a_missing_identity_model_is_one_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(identity_embedding.MODEL_VARIABLE, str(tmp_path / "absent"))
    identity_embedding.installed_embedder.cache_clear()
    try:
        with pytest.raises(UserError, match="hf download"):
            identity_embedding.installed_embedder()
    finally:
        identity_embedding.installed_embedder.cache_clear()
