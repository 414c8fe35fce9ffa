"""Character identity across shots: does each character keep its colours from one shot to the next?

A character's look in a shot is the mean chroma (each channel's share of r + g + b) of the pixels its instance
mask covers, on a few frames spread over the shot, in linear light with the location's light divided out: the
light a surface gets is the white ambient plus the coloured sun (``World.ambient``, ``World.sun_color``), so a
night's blue moonlight or a dusk's orange sun does not read as a new coat. Chroma leaves out brightness, so shading
and distance do not count either. Each pixel weighs by the square root of its brightness: bright parts (a coat)
count more than dark ones (trousers, shadow) whose chroma is noisy, and no single bright patch outweighs the rest.
Two looks differ by the distance between their chromas. With an identity model installed
(``STORYREEL_IDENTITY_MODEL``, see ``identity_embedding.py``) each look also carries its crops' image embedding,
and two looks differ by the larger of the chroma distance and the embedding distance on the same scale.

Measured and dropped: the median chroma (a red coat over dark blue trousers flips between the two with the view:
0.94 red from the front, 0.51 from the back); grey-world white balance instead of the location's light (over the
environment's pixels it follows the light within one location, but the ground's own colour then moves a character
between locations: a robot in space and over the sea 0.44-0.53 apart, against 0.00-0.03).
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from storyreel.schema import CheckResult, RevisionAction, ShotSummary, SubjectAppearance
from storyreel.tools.checks.analysis import analysis_frames
from storyreel.tools.checks.identity_embedding import IdentityEmbedder, character_crop, cosine_distance
from storyreel.tools.checks.result import check_result, suggest
from storyreel.tools.render.frames import FrameSet
from storyreel.world.world import World

IDENTITY_FRAMES = 8  # frames sampled per shot
MIN_PIXELS = 500  # pixels (analysis size, over the sampled frames) below which a look is too small to compare
DARKEST = 0.01  # mean linear level below which a pixel's chroma is noise (and not counted)
GAMMA = 2.2  # the raster pass encodes with pow(1 / 2.2)
SUN_SHARE = 0.7  # how much of the sun a surface gets on average (toon bands: 0.3, 0.62, 1)

# identity: the distance between a character's chroma here and the nearest of its looks in earlier shots (each
# with MIN_PIXELS at least); the score is the largest over the characters. Measured on the example story of a dog,
# a cat and a girl in a park (320x180, 8 shots each at day, dusk and night): the same character 0-0.19 apart,
# within a light and across lights (what changes is which parts a view shows: a face in a close-up, trousers in a
# full shot); the dog and the cat with their colours swapped 0.39 or more. In the three example films 0-0.12; the
# calibration park 0.03 clean and at dusk or night, 0.66 with a blue coat and a brown dog swapped. A red coat turned
# brown (0.25) passes: the check tells hues apart, not shades of one.
IDENTITY_THRESHOLD = 0.3
# With an identity model installed (identity_embedding.py), the cosine distance between a character's crop
# embeddings that counts as drift. Not calibrated here (no weights on the machine this project is built on): 0.15
# is where CLIP ViT-B image embeddings of one object from different views usually stay below; measure it on your
# model with tests/test_checks_calibration.py's films before relying on it.
EMBEDDING_THRESHOLD = 0.15


def appearances(frames: FrameSet, world: World, embedder: IdentityEmbedder | None = None) -> list[SubjectAppearance]:
    """Each character's look in ``frames`` (those with any pixel), from its instance mask eroded by a pixel (edge
    pixels at analysis size mix with what is behind); with an ``embedder``, also its crops' embedding."""
    frames = analysis_frames(frames)
    sampled = np.unique(np.linspace(0, len(frames) - 1, IDENTITY_FRAMES).round().astype(int))
    light = world.ambient + (1.0 - world.ambient) * SUN_SHARE * np.asarray(world.sun_color)
    light = light / light.mean()
    kernel = np.ones((3, 3), np.uint8)
    looks = []
    for obj in world.objects:
        if not obj.is_character:
            continue
        chosen, crops = [], []
        for index in sampled:
            mask = cv2.erode((frames.instance[index] == obj.instance_id).astype(np.uint8), kernel).astype(bool)
            if mask.any():
                chosen.append((frames.rgb[index][mask].astype(np.float32) / 255) ** GAMMA / light)
                crops.append(character_crop(frames.rgb[index], mask))
        linear = np.concatenate(chosen) if chosen else np.zeros((0, 3))
        linear = linear[linear.mean(axis=1) >= DARKEST]
        if len(linear):
            total = linear.sum(axis=1)
            weight = np.sqrt(total)
            chroma = (linear / total[:, None] * weight[:, None]).sum(axis=0) / weight.sum()
            embedding = embedder.embed(crops) if embedder is not None else None
            looks.append(
                SubjectAppearance(name=obj.name, pixels=len(linear), chroma=_triple(chroma), embedding=embedding)
            )
    return looks


def appearance_distance(first: SubjectAppearance, second: SubjectAppearance) -> float:
    """How far apart two looks are: their chromas' distance (0 the same; grey to pure red is 0.82) or, when both
    have embeddings, their cosine distance on the same scale (EMBEDDING_THRESHOLD maps to IDENTITY_THRESHOLD), if
    that is larger."""
    colour = float(np.linalg.norm(np.subtract(first.chroma, second.chroma)))
    if first.embedding is None or second.embedding is None:
        return colour
    embedded = cosine_distance(first.embedding, second.embedding) * IDENTITY_THRESHOLD / EMBEDDING_THRESHOLD
    return max(colour, embedded)


def identity(summary: ShotSummary, earlier: list[ShotSummary]) -> CheckResult:
    """For each character seen well enough (MIN_PIXELS) here and in an earlier shot, the distance of its look to
    the nearest of its earlier looks; the score is the largest. Passes at IDENTITY_THRESHOLD or less."""
    name = "identity"
    distances: dict[str, float] = {}
    for look in summary.appearances:
        before = [
            appearance_distance(look, old)
            for shot in earlier
            for old in shot.appearances
            if old.name == look.name and old.pixels >= MIN_PIXELS
        ]
        if look.pixels >= MIN_PIXELS and before:
            distances[look.name] = min(before)
    if not distances:
        detail = "not applicable: no character seen well enough here and in an earlier shot"
        return check_result(name, summary.shot_id, 0.0, IDENTITY_THRESHOLD, False, detail, "")
    worst = max(distances, key=lambda key: distances[key])
    detail = "colour distance to earlier shots: " + ", ".join(f"{key} {value:.2f}" for key, value in distances.items())
    suggestion = suggest(
        RevisionAction.TIGHTEN_PROMPT, f"weight {worst}'s appearance in the prompt so it keeps its colours"
    )
    return check_result(name, summary.shot_id, distances[worst], IDENTITY_THRESHOLD, False, detail, suggestion)


def _triple(values: NDArray[np.floating]) -> tuple[float, float, float]:
    return (round(float(values[0]), 6), round(float(values[1]), 6), round(float(values[2]), 6))
