"""Character identity by an image embedding model, when one is installed: a CLIP vision tower with projection.

``STORYREEL_IDENTITY_MODEL`` names it (a local directory, or a hub id already in the local Hugging Face cache, e.g.
``openai/clip-vit-base-patch32``); nothing is downloaded. Each character's crops (its instance mask's box on a few
frames, everything else grey) are embedded, and the mean of the unit embeddings, made unit again, is its look's
embedding. The identity check then also compares embeddings (cosine distance) besides colours. Without the
variable, or without torch and transformers, identity is colours alone.
"""

from __future__ import annotations

import functools
import os
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from storyreel.errors import UserError

MODEL_VARIABLE = "STORYREEL_IDENTITY_MODEL"
#: CLIP's input normalisation (the same for every CLIP checkpoint).
CLIP_MEAN = np.array([0.48145466, 0.4578275, 0.40821073], dtype=np.float32)
CLIP_STD = np.array([0.26862954, 0.26130258, 0.27577711], dtype=np.float32)
BACKGROUND = 128  # grey behind a character's mask in its crop


class IdentityEmbedder:
    """Unit image embeddings of character crops from a CLIP vision model with projection."""

    def __init__(self, model: Any) -> None:
        self.model = model.eval()
        self.size = int(model.config.image_size)

    @classmethod
    def from_pretrained(cls, name: str) -> IdentityEmbedder:
        """Load the vision tower at ``name`` from local files only."""
        try:
            from transformers import CLIPVisionModelWithProjection
        except ImportError as error:
            raise UserError(
                f"{MODEL_VARIABLE} is set but {error.name} is missing: pip install 'storyreel[diffusion]' "
                f"(torch and transformers), or unset {MODEL_VARIABLE}"
            ) from error
        try:
            return cls(CLIPVisionModelWithProjection.from_pretrained(name, local_files_only=True))
        except OSError as error:
            raise UserError(
                f"{MODEL_VARIABLE}={name!r} is neither a model directory here nor in the local Hugging Face cache: "
                f"run `hf download {name} --local-dir models/identity` and set {MODEL_VARIABLE}=models/identity"
            ) from error

    def embed(self, crops: list[NDArray[np.uint8]]) -> tuple[float, ...]:
        """The unit mean of the crops' unit embeddings."""
        import torch

        batch = np.stack([self._prepared(crop) for crop in crops])
        with torch.no_grad():
            embeds = self.model(pixel_values=torch.from_numpy(batch)).image_embeds.float()
        embeds = torch.nn.functional.normalize(embeds, dim=-1).mean(dim=0)
        return tuple(round(float(value), 6) for value in torch.nn.functional.normalize(embeds, dim=0))

    def _prepared(self, crop: NDArray[np.uint8]) -> NDArray[np.float32]:
        square = _padded_square(crop)
        resized = cv2.resize(square, (self.size, self.size), interpolation=cv2.INTER_CUBIC)
        normalised = (resized.astype(np.float32) / 255 - CLIP_MEAN) / CLIP_STD
        return normalised.transpose(2, 0, 1).astype(np.float32)


def character_crop(rgb: NDArray[np.uint8], mask: NDArray[np.bool_]) -> NDArray[np.uint8]:
    """The box around ``mask`` in ``rgb``, with everything outside the mask grey."""
    rows, columns = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    box = (slice(rows[0], rows[-1] + 1), slice(columns[0], columns[-1] + 1))
    return np.where(mask[box][..., None], rgb[box], np.uint8(BACKGROUND)).astype(np.uint8)


def cosine_distance(first: tuple[float, ...], second: tuple[float, ...]) -> float:
    """1 - cos between two unit embeddings (0 the same, 1 unrelated, 2 opposite)."""
    return float(1.0 - np.dot(first, second))


@functools.cache
def installed_embedder() -> IdentityEmbedder | None:
    """The embedder ``STORYREEL_IDENTITY_MODEL`` names, loaded once; None when it is not set."""
    name = os.environ.get(MODEL_VARIABLE)
    return IdentityEmbedder.from_pretrained(name) if name else None


def _padded_square(crop: NDArray[np.uint8]) -> NDArray[np.uint8]:
    height, width = crop.shape[:2]
    side = max(height, width)
    square = np.full((side, side, 3), BACKGROUND, dtype=np.uint8)
    top, left = (side - height) // 2, (side - width) // 2
    square[top : top + height, left : left + width] = crop
    return square
