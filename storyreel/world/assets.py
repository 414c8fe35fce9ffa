"""The asset library: low-poly procedural rigs for every kind in :mod:`kinds`, and user GLB/glTF/OBJ files.

Every asset is built at natural size in metres, facing +z, base at y = 0, its left on +x. People and animals are
articulated: each limb is its own :class:`Part` whose mesh hangs from its joint at the part origin, so
``animation.joint_angles`` swings it by rotating about ``Part.axis``. Wheels (and a ball) carry role ``'wheel'``
and roll with the distance travelled. Colours are given here in sRGB for readability and stored linear, as the
renderer shades in linear light.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import trimesh
from numpy.typing import NDArray

from storyreel import geometry
from storyreel.schema import Appearance
from storyreel.world.families import FAMILIES
from storyreel.world.kinds import KINDS
from storyreel.world.rig import Asset, Part
from storyreel.world.shapes import (
    BLACK,
    CREAM,
    DARK,
    DARK_WOOD,
    GLASS,
    LEAF,
    METAL,
    RGB,
    SKIN,
    TYRE,
    WHITE,
    WOOD,
    Rig,
    box,
    capsule,
    cone,
    cylinder,
    frustum,
    merge,
    mirror_y,
    prism,
    shade,
    sphere,
    srgb_to_linear,
)

USER_ASSET_SUFFIXES = (".glb", ".gltf", ".obj")


# --- characters -------------------------------------------------------------------------------------------------


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


@dataclass(frozen=True)
class Person:
    """A person's build: height (m), head size against an adult's, forward stoop (rad), default hair (sRGB) and
    whether they walk with a cane."""

    height: float
    head: float = 1.0
    stoop: float = 0.0
    hair: RGB = (0.3, 0.2, 0.12)
    cane: bool = False


PERSON_COLORS: dict[str, RGB] = {"person": (0.2, 0.45, 0.75), "child": (0.9, 0.55, 0.2), "elder": (0.55, 0.42, 0.6)}
PEOPLE: dict[str, Person] = {
    "person": Person(1.75),
    "child": Person(1.2, head=1.25),
    "elder": Person(1.65, stoop=0.3, hair=(0.82, 0.82, 0.8), cane=True),
}
FEMALE_WORDS = _wordset(
    "woman women girl female lady she her mother mom mum grandmother grandma granny nan queen princess aunt sister "
    "wife daughter witch bride niece"
)
MALE_WORDS = _wordset(
    "man men boy male gentleman guy he him father dad grandfather grandpa grandad king prince uncle brother husband "
    "son wizard knight groom nephew"
)
HAIR_COLORS: dict[str, RGB] = {
    **dict.fromkeys(("blond", "blonde", "fair-haired"), (0.9, 0.76, 0.42)),
    **dict.fromkeys(("ginger", "redhead", "red-haired", "auburn"), (0.7, 0.3, 0.1)),
    **dict.fromkeys(("brunette", "brown-haired"), (0.35, 0.22, 0.12)),
    **dict.fromkeys(("dark-haired", "black-haired"), (0.08, 0.07, 0.07)),
    **dict.fromkeys(("grey", "gray", "silver", "grey-haired", "gray-haired", "white-haired"), (0.82, 0.82, 0.8)),
}


#: Things a person may carry in the left hand, in the arm's frame (the hand is at y = -0.57), and their colours.
CARRIED: dict[str, tuple[Callable[[], list[trimesh.Trimesh]], RGB]] = {
    "bag": (lambda: [box((0.1, 0.26, 0.32), (0, -0.8, 0)), box((0.02, 0.12, 0.02), (0, -0.62, 0))], (0.45, 0.25, 0.12)),
    "basket": (lambda: [frustum(0.1, 0.14, 0.14, (0, -0.86, 0)), box((0.02, 0.2, 0.02), (0, -0.66, 0))], WOOD),
    "book": (lambda: [box((0.05, 0.24, 0.18), (0, -0.66, 0.06))], (0.6, 0.15, 0.15)),
    "balloon": (
        lambda: [cylinder(0.005, 1.0, (0, -0.07, 0)), sphere(0.16, (0, 0.56, 0), (1, 1.2, 1))],
        (0.9, 0.15, 0.15),
    ),
    "flowers": (
        lambda: [sphere(0.09, (0, -0.5, 0.05), detail=0), cylinder(0.02, 0.2, (0, -0.64, 0.05))],
        (0.95, 0.4, 0.6),
    ),
    "lantern": (
        lambda: [box((0.12, 0.18, 0.12), (0, -0.72, 0)), cylinder(0.01, 0.08, (0, -0.6, 0))],
        (1.0, 0.85, 0.45),
    ),
}


def _person(body: RGB, spec: Person, words: Sequence[str] = ()) -> list[Part]:
    """A person of ``spec``'s build; ``words`` (descriptors, the name) choose the details: a woman or girl has long
    hair and a dress, hair colour words colour the hair, and a word of :data:`CARRIED` puts that in the left hand."""
    said = {word.lower() for word in words}
    female = bool(said & FEMALE_WORDS) and not said & MALE_WORDS
    hair = next((HAIR_COLORS[word] for word in words if word.lower() in HAIR_COLORS), spec.hair)
    carried = next((word.lower() for word in words if word.lower() in CARRIED), "")
    return _biped(
        body,
        spec.height,
        hair=hair,
        long_hair=female,
        skirt=female,
        head=spec.head,
        stoop=spec.stoop,
        cane=spec.cane,
        carried=carried,
    )


def _biped(
    body: RGB,
    height: float,
    *,
    robot: bool = False,
    hair: RGB = (0.3, 0.2, 0.12),
    long_hair: bool = False,
    skirt: bool = False,
    head: float = 1.0,
    stoop: float = 0.0,
    cane: bool = False,
    carried: str = "",
) -> list[Part]:
    """A person (or robot) 1.75 m tall, scaled to ``height``; legs and arms swing about x, the neck nods, the head
    turns about y. ``stoop`` leans the torso forwards; ``head`` scales the head (a child's is larger)."""
    rig = Rig()
    skin = METAL if robot else SKIN
    trousers = (0.35, 0.37, 0.42) if robot else (0.18, 0.22, 0.35)
    lean = geometry.rotation_x(stoop)
    torso_mesh = box((0.4, 0.52, 0.24), (0, 0.26, 0)).apply_transform(lean)
    torso = rig.add("torso", [torso_mesh], body, offset=(0, 0.92, 0))

    def leaned(x: float, y: float) -> tuple[float, float, float]:
        return (x, y * float(np.cos(stoop)), y * float(np.sin(stoop)))

    neck = rig.add("neck", [cylinder(0.06, 0.1, (0, 0.05, 0))], skin, parent=torso, offset=leaned(0, 0.52), role="neck")
    head_mesh = box((0.24, 0.24, 0.24), (0, 0.12, 0)) if robot else sphere(0.12, (0, 0.12, 0), (1, 1.1, 1))
    head_index = rig.add("head", [head_mesh], skin, parent=neck, offset=(0, 0.06, 0), axis=(0, 1, 0), role="head")
    if robot:
        rig.add("visor", [box((0.2, 0.05, 0.02), (0, 0.14, 0.125))], (0.2, 0.9, 0.95), parent=head_index)
        antenna = [cylinder(0.01, 0.12, (0, 0.3, 0)), sphere(0.025, (0, 0.37, 0), detail=0)]
        rig.add("antenna", antenna, DARK, parent=head_index)
    else:
        eyes = [box((0.035, 0.035, 0.02), (side * 0.045, 0.14, 0.115)) for side in (1, -1)]
        rig.add("eyes", eyes, DARK, parent=head_index)
        locks = [sphere(0.132, (0, 0.15, -0.02), (1, 0.78, 1.02))]
        if long_hair:
            locks.append(box((0.25, 0.34, 0.08), (0, 0.02, -0.085)))
        rig.add("hair", locks, hair, parent=head_index)
    if head != 1.0:
        for part in rig.parts[head_index:]:
            part.mesh.apply_scale(head)
    if skirt:
        rig.add("skirt", [frustum(0.2, 0.32, 0.55, (0, -0.5, 0))], body, parent=torso)
    for side, suffix in ((1, "l"), (-1, "r")):
        leg = [box((0.15, 0.88, 0.17), (0, -0.44, 0)), box((0.13, 0.06, 0.24), (0, -0.89, 0.04))]
        rig.add(
            f"leg_{suffix}",
            leg,
            SKIN if skirt else trousers,
            parent=torso,
            offset=(side * 0.1, 0, 0),
            role=f"leg_{suffix}",
        )
        arm = rig.add(
            f"arm_{suffix}",
            [capsule(0.055, 0.58, (0, -0.26, 0))],
            body,
            parent=torso,
            offset=leaned(side * 0.26, 0.48),
            role=f"arm_{suffix}",
        )
        hand = [sphere(0.055, (0, -0.57, 0), detail=0)]
        rig.add(f"hand_{suffix}", hand, skin, parent=arm)
        if carried and side > 0:
            meshes, color = CARRIED[carried]
            rig.add(carried, meshes(), color, parent=arm)
        if cane and side < 0:
            reach = 0.92 + leaned(0, 0.48)[1] - 0.57 - 0.01  # from the hand to just above the ground
            rig.add(
                "cane",
                [cylinder(0.018, reach, (0, -0.57 - reach / 2, 0.04)), box((0.03, 0.03, 0.12), (0, -0.57, 0.08))],
                DARK_WOOD,
                parent=arm,
            )
    return _scaled(rig.parts, height / 1.75)


@dataclass(frozen=True)
class Quadruped:
    """The proportions (metres) and markings of a four-legged animal. ``ears`` is 'pointed', 'round', 'floppy' or
    'long' and ``ear`` scales them; ``snout`` and ``trunk`` are lengths as shares of the head; ``tail_width`` is
    the tail's radius (a bushy tail is wide), ``droop`` its angle below level (negative points up). Colours left
    ``None`` follow the body; ``marks`` are stripes or spots (``spots``) on the trunk; a ``rounded`` body is an
    ellipsoid rather than a box (a sheep's fleece, a pig's belly)."""

    length: float
    width: float
    leg: float
    depth: float
    head: float
    neck_rise: float
    tail: float
    accent: RGB | None = None
    ears: str = "pointed"
    ear: float = 1.0
    snout: float = 0.4
    tail_width: float = 0.0
    droop: float = 0.4
    tail_tip: RGB | None = None
    chest: RGB | None = None
    limbs: RGB | None = None
    face: RGB | None = None
    eye_patches: RGB | None = None
    marks: RGB | None = None
    spots: bool = False
    mane: RGB | None = None
    horns: float = 0.0
    trunk: float = 0.0
    wings: float = 0.0
    rounded: bool = False


def _ears(spec: Quadruped, top: float) -> list[trimesh.Trimesh]:
    """Two ears of ``spec.ears`` shape on a head whose crown is at height ``top``."""
    h, k = spec.head, spec.ear
    ears = []
    for s in (1, -1):
        if spec.ears == "round":
            ears.append(sphere(h * 0.16 * k, (s * h * 0.35, top, 0), (1.0, 1.0, 0.45), detail=0))
        elif spec.ears == "floppy":
            ears.append(box((h * 0.08, h * 0.45 * k, h * 0.3 * k), (s * h * 0.5, top - h * 0.3 * k, h * 0.2)))
        elif spec.ears == "long":
            ears.append(sphere(h * 0.5 * k, (s * h * 0.2, top + h * 0.4 * k, -h * 0.1), (0.3, 1.0, 0.12), detail=1))
        else:
            ears.append(cone(h * 0.14 * k, h * 0.35 * k, (s * h * 0.3, top - 0.01, 0), sections=4))
    return ears


def _quadruped(body: RGB, spec: Quadruped) -> list[Part]:
    """A four-legged animal built from ``spec``: body box on four legs (roles leg_fl, leg_fr, leg_bl, leg_br), a
    head with ears and snout that turns about y, a wagging tail and, for a dragon, flapping wings."""
    rig = Rig()
    length, width, leg, depth, head, rise = spec.length, spec.width, spec.leg, spec.depth, spec.head, spec.neck_rise
    accent = spec.accent or shade(body, 0.6)
    torso = (
        sphere(1.0, (0, depth / 2, 0), (width * 0.55, depth * 0.6, length * 0.55))
        if spec.rounded
        else box((width, depth, length), (0, depth / 2, 0))
    )
    trunk = rig.add("body", [torso], body, offset=(0, leg, 0), axis=(0, 0, 1), role="body")  # rolls to shake
    if spec.chest:
        patch = box((width * 0.7, depth * 0.5, length * 0.35), (0, depth * 0.3, length * 0.35))
        rig.add("chest", [patch], spec.chest, parent=trunk)
    if spec.marks:
        if spec.spots:
            grid = [(y, z) for y in (0.3, 0.7) for z in (-0.3, 0.0, 0.3)]
            marks = [
                box((width * 1.04, depth * 0.2, length * 0.14), (0, depth * y, length * (z + y / 4 - 0.1)))
                for y, z in grid
            ]
        else:
            marks = [
                box((width * 1.04, depth * 1.04, length * 0.05), (0, depth / 2, length * z))
                for z in (-0.3, -0.1, 0.1, 0.3)
            ]
        rig.add("marks", marks, spec.marks, parent=trunk)
    neck = box((head * 0.6, rise + head * 0.3, head * 0.6), (0, (rise + head * 0.3) / 2, 0))
    skull = box((head * 0.9, head * 0.8, head * 1.1), (0, rise + head * 0.4, head * 0.45))
    face = spec.face or body
    head_index = rig.add(
        "head",
        [neck, skull],
        face,
        parent=trunk,
        offset=(0, depth * 0.8, length / 2 - head * 0.3),
        axis=(0, 1, 0),
        role="head",
    )
    eye_y, front = rise + head * 0.55, head * 1.0
    eyes = [box((head * 0.14, head * 0.14, head * 0.05), (s * head * 0.25, eye_y, front)) for s in (1, -1)]
    rig.add("eyes", eyes, DARK, parent=head_index)
    if spec.eye_patches:
        patches = [
            box((head * 0.3, head * 0.3, head * 0.04), (s * head * 0.25, eye_y - head * 0.05, front - 0.005))
            for s in (1, -1)
        ]
        rig.add("eye_patches", patches, spec.eye_patches, parent=head_index)
    snout_length = max(spec.snout * head, 0.02)
    snout_y = rise + head * 0.25
    muzzle = [
        box((head * 0.5, head * 0.4, snout_length), (0, snout_y, front + snout_length / 2)),
        box((head * 0.2, head * 0.14, head * 0.06), (0, snout_y + head * 0.12, front + snout_length)),
    ]
    if spec.trunk:
        hang = spec.trunk * head
        muzzle.append(capsule(head * 0.13, hang, (0, snout_y - hang / 2 + head * 0.1, front + snout_length), axis="y"))
        muzzle.extend(
            cone(head * 0.07, head * 0.6, (s * head * 0.3, snout_y - head * 0.1, front), axis="z", sections=5)
            for s in (1, -1)
        )
    rig.add("snout", muzzle, accent if spec.face is None else shade(face, 0.8), parent=head_index)
    crown = rise + head * 0.8
    top = _ears(spec, crown)
    if spec.horns:
        top.extend(
            cylinder(head * 0.06, spec.horns, (s * head * 0.22, crown + spec.horns / 2 - 0.01, 0)) for s in (1, -1)
        )
        if spec.horns > 0.3:  # antlers branch
            top.extend(
                box((head * 1.2, head * 0.06, head * 0.06), (0, crown + spec.horns * f, -head * 0.1))
                for f in (0.55, 0.9)
            )
    rig.add("ears", top, spec.limbs if spec.ears == "round" and spec.limbs else accent, parent=head_index)
    if spec.mane:
        ruff = [
            box((head * 1.6, head * 1.5, head * 0.7), (0, rise + head * 0.35, head * 0.1)),
            box((head * 1.1, depth * 0.9, length * 0.25), (0, -head * 0.1, -head * 0.2)),
        ]
        rig.add("mane", ruff, spec.mane, parent=head_index)
    thickness = min(width * 0.3, leg * 0.35)
    for front_side, fb in ((1, "f"), (-1, "b")):
        for side, lr in ((1, "l"), (-1, "r")):
            rig.add(
                f"leg_{fb}{lr}",
                [box((thickness, leg, thickness), (0, -leg / 2, 0))],
                spec.limbs or body,
                parent=trunk,
                offset=(side * (width / 2 - thickness / 2), 0.02, front_side * (length / 2 - thickness)),
                role=f"leg_{fb}{lr}",
            )
    radius = max(spec.tail_width, thickness * 0.3, 0.015)
    tail_parts = [capsule(radius, spec.tail, (0, 0, -spec.tail / 2), axis="z")]
    if spec.tail_tip:
        tail_parts.append(sphere(radius * 1.15, (0, 0, -spec.tail + radius), detail=0))
    for mesh in tail_parts:
        mesh.apply_transform(geometry.rotation_x(-spec.droop))
    tail_color = accent if spec.tail_width == 0 else body
    tail_index = rig.add(
        "tail",
        tail_parts[:1],
        tail_color,
        parent=trunk,
        offset=(0, depth * 0.8, -length / 2),
        axis=(0, 1, 0),
        role="tail",
    )
    if spec.tail_tip:
        rig.add("tail_tip", tail_parts[1:], spec.tail_tip, parent=tail_index)
    if spec.wings:
        for side, lr in ((1, "l"), (-1, "r")):
            wing = box((spec.wings, 0.06, length * 0.45), (side * spec.wings / 2, 0, 0))
            rig.add(
                f"wing_{lr}",
                [wing],
                accent,
                parent=trunk,
                offset=(side * width / 2, depth, length * 0.1),
                axis=(0, 0, side),
                role=f"wing_{lr}",
            )
    return rig.parts


#: Four-legged kinds: proportions and markings, and the default body colour (sRGB).
QUADRUPEDS: dict[str, tuple[Quadruped, RGB]] = {
    "dog": (Quadruped(0.7, 0.24, 0.28, 0.2, 0.17, 0.05, 0.25, ears="floppy", snout=0.5, droop=-0.4), (0.72, 0.5, 0.28)),
    "cat": (Quadruped(0.45, 0.15, 0.15, 0.13, 0.12, 0.02, 0.3, snout=0.15, droop=-0.8), (0.45, 0.45, 0.48)),
    "horse": (
        Quadruped(1.8, 0.5, 0.95, 0.6, 0.38, 0.45, 0.6, accent=(0.15, 0.1, 0.08), ear=0.6, snout=0.9, droop=1.0),
        (0.5, 0.3, 0.16),
    ),
    "cow": (
        Quadruped(
            1.9,
            0.7,
            0.65,
            0.7,
            0.4,
            0.05,
            0.6,
            accent=DARK,
            ears="floppy",
            ear=0.7,
            horns=0.12,
            droop=1.2,
            marks=DARK,
            spots=True,
        ),
        (0.92, 0.9, 0.86),
    ),
    "fox": (
        Quadruped(
            0.6,
            0.18,
            0.2,
            0.17,
            0.15,
            0.06,
            0.42,
            ear=1.5,
            snout=0.8,
            tail_width=0.055,
            droop=0.25,
            tail_tip=CREAM,
            chest=CREAM,
            limbs=(0.18, 0.1, 0.06),
        ),
        (0.88, 0.42, 0.12),
    ),
    "wolf": (
        Quadruped(
            1.0,
            0.28,
            0.45,
            0.3,
            0.22,
            0.1,
            0.45,
            ear=1.2,
            snout=0.8,
            tail_width=0.06,
            droop=0.6,
            chest=(0.8, 0.8, 0.78),
        ),
        (0.5, 0.5, 0.52),
    ),
    "panda": (
        Quadruped(
            1.3,
            0.75,
            0.38,
            0.7,
            0.45,
            0.05,
            0.1,
            ears="round",
            ear=1.1,
            snout=0.25,
            tail_width=0.06,
            limbs=BLACK,
            eye_patches=BLACK,
            rounded=True,
        ),
        WHITE,
    ),
    "bear": (
        Quadruped(1.6, 0.8, 0.6, 0.75, 0.42, 0.1, 0.1, ears="round", snout=0.45, tail_width=0.07, rounded=True),
        (0.4, 0.26, 0.14),
    ),
    "raccoon": (
        Quadruped(
            0.55,
            0.24,
            0.18,
            0.22,
            0.16,
            0.03,
            0.35,
            snout=0.4,
            tail_width=0.05,
            droop=0.3,
            tail_tip=BLACK,
            eye_patches=BLACK,
            limbs=(0.25, 0.24, 0.24),
        ),
        (0.55, 0.54, 0.52),
    ),
    "rabbit": (
        Quadruped(
            0.32,
            0.2,
            0.06,
            0.2,
            0.14,
            0.02,
            0.06,
            ears="long",
            ear=0.8,
            snout=0.15,
            tail_width=0.045,
            tail_tip=WHITE,
            droop=-0.3,
            rounded=True,
        ),
        (0.7, 0.6, 0.5),
    ),
    "deer": (
        Quadruped(1.4, 0.35, 0.9, 0.45, 0.26, 0.45, 0.12, snout=0.6, horns=0.5, chest=CREAM, droop=-0.2),
        (0.7, 0.48, 0.28),
    ),
    "elephant": (
        Quadruped(3.0, 1.4, 1.5, 1.6, 0.9, 0.1, 0.5, ears="floppy", ear=2.2, snout=0.15, trunk=1.4, droop=1.2),
        (0.55, 0.55, 0.57),
    ),
    "giraffe": (
        Quadruped(
            1.8,
            0.6,
            1.7,
            0.8,
            0.38,
            1.8,
            0.6,
            ear=0.7,
            snout=0.7,
            horns=0.18,
            marks=(0.5, 0.28, 0.1),
            spots=True,
            droop=1.1,
        ),
        (0.92, 0.75, 0.38),
    ),
    "lion": (
        Quadruped(
            1.9,
            0.55,
            0.75,
            0.65,
            0.45,
            0.1,
            0.8,
            ears="round",
            ear=0.7,
            snout=0.45,
            droop=0.8,
            tail_tip=(0.35, 0.2, 0.08),
            mane=(0.5, 0.28, 0.1),
        ),
        (0.82, 0.62, 0.32),
    ),
    "tiger": (
        Quadruped(
            2.0, 0.5, 0.7, 0.6, 0.4, 0.08, 0.9, ears="round", ear=0.7, snout=0.4, droop=0.6, chest=CREAM, marks=BLACK
        ),
        (0.92, 0.5, 0.12),
    ),
    "pig": (
        Quadruped(1.1, 0.45, 0.3, 0.5, 0.3, 0.02, 0.1, ears="floppy", ear=0.8, snout=0.3, droop=-0.5, rounded=True),
        (0.95, 0.65, 0.65),
    ),
    "sheep": (
        Quadruped(
            1.1,
            0.55,
            0.42,
            0.55,
            0.25,
            0.12,
            0.12,
            ears="floppy",
            ear=0.8,
            snout=0.3,
            face=(0.15, 0.13, 0.12),
            limbs=(0.15, 0.13, 0.12),
            droop=1.0,
            rounded=True,
        ),
        CREAM,
    ),
    "goat": (
        Quadruped(1.0, 0.32, 0.45, 0.42, 0.22, 0.12, 0.1, ears="floppy", ear=0.7, snout=0.6, horns=0.25, droop=-0.6),
        (0.75, 0.7, 0.62),
    ),
    "mouse": (
        Quadruped(0.12, 0.07, 0.03, 0.06, 0.06, 0.01, 0.14, ears="round", ear=1.8, snout=0.5, droop=0.1, rounded=True),
        (0.6, 0.58, 0.56),
    ),
    "corgi": (
        Quadruped(
            0.75,
            0.28,
            0.12,
            0.24,
            0.2,
            0.08,
            0.08,
            ear=1.5,
            snout=0.55,
            tail_width=0.04,
            chest=WHITE,
            limbs=WHITE,
            droop=-0.3,
        ),
        (0.88, 0.56, 0.25),
    ),
    "dragon": (
        Quadruped(3.5, 1.0, 0.9, 1.0, 0.7, 0.9, 2.2, accent=(0.75, 0.15, 0.1), snout=0.6, horns=0.3, wings=2.6),
        (0.2, 0.55, 0.25),
    ),
}


def _bird(body: RGB) -> list[Part]:
    rig = Rig()
    trunk = rig.add("body", [sphere(0.1, (0, 0, 0), (0.8, 0.75, 1.3))], body, offset=(0, 0.12, 0))
    head = rig.add(
        "head", [sphere(0.055, (0, 0.04, 0))], body, parent=trunk, offset=(0, 0.06, 0.1), axis=(0, 1, 0), role="head"
    )
    rig.add("beak", [cone(0.02, 0.06, (0, 0.04, 0.045), axis="z", sections=5)], (0.95, 0.6, 0.1), parent=head)
    rig.add("eyes", [box((0.012, 0.012, 0.01), (s * 0.03, 0.055, 0.04)) for s in (1, -1)], DARK, parent=head)
    for side, lr in ((1, "l"), (-1, "r")):
        wing = box((0.2, 0.015, 0.11), (side * 0.1, 0, 0))
        rig.add(
            f"wing_{lr}",
            [wing],
            shade(body, 0.7),
            parent=trunk,
            offset=(side * 0.06, 0.03, 0),
            axis=(0, 0, side),
            role=f"wing_{lr}",
        )
        rig.add(
            f"leg_{lr}",
            [box((0.012, 0.07, 0.012), (0, -0.035, 0))],
            (0.95, 0.6, 0.1),
            parent=trunk,
            offset=(side * 0.03, -0.05, 0),
            role=f"leg_{lr}",
        )
    rig.add(
        "tail",
        [box((0.08, 0.012, 0.1), (0, 0, -0.05))],
        shade(body, 0.7),
        parent=trunk,
        offset=(0, 0.01, -0.12),
        axis=(1, 0, 0),
        role="tail",
    )
    return rig.parts


def _fish(body: RGB) -> list[Part]:
    rig = Rig()
    trunk = rig.add("body", [sphere(0.1, (0, 0, 0), (0.5, 1.0, 2.0))], body, offset=(0, 0.12, 0))
    rig.add("eyes", [box((0.012, 0.025, 0.025), (s * 0.05, 0.03, 0.12)) for s in (1, -1)], DARK, parent=trunk)
    fin = trimesh.Trimesh(
        np.array([[0, 0, 0], [0, 0.1, -0.14], [0, -0.1, -0.14], [0.01, 0, -0.05]], float),
        [[0, 1, 2], [0, 3, 1], [1, 3, 2], [2, 3, 0]],
    )
    rig.add("tail", [fin], shade(body, 0.7), parent=trunk, offset=(0, 0, -0.19), axis=(0, 1, 0), role="tail")
    rig.add("fin", [box((0.01, 0.06, 0.08), (0, 0.11, 0))], shade(body, 0.7), parent=trunk)
    return rig.parts


def _wheels(rig: Rig, radius: float, width: float, track: float, axles: Sequence[float], lift: float = 0.0) -> None:
    for index, z in enumerate(axles):
        for side in (1, -1):
            rig.add(
                f"wheel_{index}{'l' if side > 0 else 'r'}",
                [cylinder(radius, width, (0, 0, 0), "x", 10)],
                TYRE,
                offset=(side * track / 2, radius + lift, z),
                role="wheel",
            )


def _car(body: RGB) -> list[Part]:
    rig = Rig()
    rig.add("body", [box((1.8, 0.75, 4.5), (0, 0.72, 0))], body)
    rig.add("cabin", [box((1.6, 0.55, 2.3), (0, 1.37, -0.3))], GLASS)
    rig.add("lights", [box((0.3, 0.12, 0.04), (s * 0.6, 0.85, 2.25)) for s in (1, -1)], (1.0, 0.95, 0.6))
    _wheels(rig, 0.34, 0.24, 1.7, (1.4, -1.4))
    return rig.parts


def _bus(body: RGB) -> list[Part]:
    rig = Rig()
    rig.add("body", [box((2.5, 2.6, 12.0), (0, 1.8, 0))], body)
    rig.add("windows", [box((2.54, 0.8, 10.5), (0, 2.3, -0.4)), box((2.2, 1.0, 0.04), (0, 2.2, 6.0))], GLASS)
    rig.add("stripe", [box((2.54, 0.15, 12.02), (0, 1.3, 0))], WHITE)
    _wheels(rig, 0.5, 0.35, 2.3, (4.0, -4.0))
    return rig.parts


def _truck(body: RGB) -> list[Part]:
    rig = Rig()
    rig.add("cab", [box((2.4, 2.2, 2.0), (0, 1.7, 2.5))], body)
    rig.add("cargo", [box((2.5, 2.8, 4.8), (0, 2.0, -1.1))], WHITE)
    rig.add("windscreen", [box((2.0, 0.8, 0.04), (0, 2.2, 3.5))], GLASS)
    rig.add("chassis", [box((2.0, 0.3, 7.0), (0, 0.65, 0))], DARK)
    _wheels(rig, 0.5, 0.35, 2.2, (2.5, -0.6, -2.6))
    return rig.parts


def _bicycle(body: RGB) -> list[Part]:
    rig = Rig()
    frame = [
        box((0.05, 0.05, 1.0), (0, 0.6, 0.0)),
        box((0.05, 0.55, 0.05), (0, 0.62, -0.25)),
        box((0.05, 0.6, 0.05), (0, 0.65, 0.5)),
        box((0.05, 0.05, 0.55), (0, 0.35, -0.3)),
    ]
    rig.add("frame", frame, body)
    rig.add("seat", [box((0.14, 0.06, 0.26), (0, 0.92, -0.25))], DARK)
    rig.add("handlebar", [box((0.55, 0.04, 0.04), (0, 0.98, 0.5))], DARK)
    for index, z in enumerate((0.55, -0.55)):
        rig.add(f"wheel_{index}", [cylinder(0.34, 0.05, (0, 0, 0), "x", 12)], TYRE, offset=(0, 0.34, z), role="wheel")
    return rig.parts


def _boat(body: RGB) -> list[Part]:
    rig = Rig()
    rig.add("hull", [box((2.0, 0.8, 5.0), (0, 0.4, 0)), _bow(2.0, 1.4, 0.8, 2.5)], body)
    rig.add("deck", [box((1.8, 0.05, 4.8), (0, 0.82, 0))], WOOD)
    rig.add("cabin", [box((1.3, 0.9, 1.6), (0, 1.3, -0.8))], WHITE)
    rig.add("mast", [cylinder(0.05, 4.0, (0, 2.8, 0.6))], DARK_WOOD)
    sail = trimesh.Trimesh(
        np.array([[0, 1.2, 0.55], [0, 4.6, 0.55], [0, 1.2, -1.6], [0.02, 2.2, 0]], float),
        [[0, 1, 2], [0, 3, 1], [1, 3, 2], [2, 3, 0]],
    )
    rig.add("sail", [sail], WHITE)
    return rig.parts


def _bow(width: float, length: float, height: float, z: float) -> trimesh.Trimesh:
    """A boat's pointed bow: a triangle ``width`` wide and ``length`` long in front of ``z``, ``height`` tall."""
    triangle = [(-width / 2, z), (width / 2, z), (0.0, z + length)]
    vertices = np.array([[x, y, zz] for y in (0.0, height) for x, zz in triangle])
    faces = [[0, 1, 2], [3, 5, 4], [0, 3, 4], [0, 4, 1], [1, 4, 5], [1, 5, 2], [2, 5, 3], [2, 3, 0]]
    return trimesh.Trimesh(vertices, faces, process=False)


def _plane(body: RGB) -> list[Part]:
    rig = Rig()
    rig.add("fuselage", [capsule(0.7, 10.0, (0, 1.6, 0), axis="z")], body)
    rig.add("wings", [box((11.0, 0.15, 1.8), (0, 1.4, 0.8)), box((3.6, 0.1, 0.9), (0, 1.9, -4.3))], WHITE)
    rig.add("fin", [box((0.12, 1.6, 1.2), (0, 2.7, -4.3))], shade(body, 0.6))
    rig.add("windows", [box((1.0, 0.35, 0.6), (0, 2.05, 3.7))], GLASS)
    rig.add("gear", [cylinder(0.25, 0.2, (s, 0.25, 0.8), "x") for s in (1.2, -1.2)], TYRE)
    return rig.parts


def _robot(body: RGB) -> list[Part]:
    return _biped(body, 1.9, robot=True)


# --- props ------------------------------------------------------------------------------------------------------


def _ball(body: RGB) -> list[Part]:
    rig = Rig()
    ball = rig.add("ball", [sphere(0.11, (0, 0, 0))], body, offset=(0, 0.11, 0), role="wheel")
    rig.add("band", [cylinder(0.112, 0.035, (0, 0, 0), "z", 12)], WHITE, parent=ball)
    return rig.parts


def _tree(body: RGB) -> list[Part]:
    rig = Rig()
    rig.add("trunk", [cylinder(0.22, 2.6, (0, 1.3, 0))], DARK_WOOD)
    rig.add("canopy", [sphere(1.8, (0, 3.9, 0), (1.0, 1.1, 1.0)), sphere(1.1, (0.9, 3.2, 0.5))], body)
    return rig.parts


def _pine(body: RGB) -> list[Part]:
    rig = Rig()
    rig.add("trunk", [cylinder(0.2, 1.6, (0, 0.8, 0))], DARK_WOOD)
    rig.add("needles", [cone(2.2 - 0.55 * i, 3.2, (0, 1.3 + 2.0 * i, 0)) for i in range(3)], body)
    return rig.parts


def _house(body: RGB) -> list[Part]:
    rig = Rig()
    rig.add("walls", [box((8.0, 3.4, 7.0), (0, 1.7, 0))], body)
    rig.add("roof", [prism(8.8, 2.6, 7.6, (0, 3.4, 0)), box((0.6, 1.6, 0.6), (2.2, 4.6, -1.0))], (0.62, 0.22, 0.16))
    rig.add("door", [box((1.0, 2.1, 0.06), (0, 1.05, 3.5))], DARK_WOOD)
    rig.add("windows", [box((1.2, 1.0, 0.06), (s * 2.5, 1.9, 3.5)) for s in (1, -1)], GLASS)
    return rig.parts


def _table(body: RGB) -> list[Part]:
    rig = Rig()
    rig.add("top", [box((1.4, 0.06, 0.8), (0, 0.72, 0))], body)
    legs = [box((0.07, 0.69, 0.07), (x, 0.345, z)) for x in (0.62, -0.62) for z in (0.33, -0.33)]
    rig.add("legs", legs, shade(body, 0.6))
    return rig.parts


def _chair(body: RGB) -> list[Part]:
    rig = Rig()
    rig.add("seat", [box((0.48, 0.05, 0.48), (0, 0.45, 0)), box((0.48, 0.45, 0.05), (0, 0.7, -0.215))], body)
    legs = [box((0.04, 0.43, 0.04), (x, 0.215, z)) for x in (0.21, -0.21) for z in (0.21, -0.21)]
    rig.add("legs", legs, shade(body, 0.6))
    return rig.parts


def _bench(body: RGB) -> list[Part]:
    rig = Rig()
    slats = [box((1.8, 0.04, 0.13), (0, 0.45, z)) for z in (0.15, 0.0, -0.15)]
    back = [box((1.8, 0.12, 0.04), (0, y, -0.22)) for y in (0.62, 0.8)]
    rig.add("slats", [*slats, *back], body)
    frame = [box((0.06, 0.45, 0.45), (x, 0.225, 0)) for x in (0.8, -0.8)]
    rig.add("frame", [*frame, *[box((0.06, 0.45, 0.05), (x, 0.7, -0.22)) for x in (0.8, -0.8)]], DARK)
    return rig.parts


def _lamp(body: RGB) -> list[Part]:
    rig = Rig()
    rig.add("pole", [cylinder(0.18, 0.04, (0, 0.02, 0), sections=10), cylinder(0.025, 1.45, (0, 0.74, 0))], DARK)
    rig.add("shade", [cone(0.24, 0.3, (0, 1.38, 0), sections=10)], body)
    rig.add("bulb", [sphere(0.06, (0, 1.4, 0), detail=0)], (1.0, 0.95, 0.6))
    return rig.parts


def _rock(body: RGB) -> list[Part]:
    mesh = sphere(0.5, (0, 0, 0), (0.9, 0.55, 0.7))
    bumps = np.random.default_rng(7).uniform(0.85, 1.1, (len(mesh.vertices), 1))
    mesh.vertices = mesh.vertices * bumps
    mesh.apply_translation((0, -mesh.bounds[0, 1], 0))
    rig = Rig()
    rig.add("stone", [mesh], body)
    rig.add("moss", [sphere(0.2, (0.1, float(mesh.bounds[1, 1]) - 0.1, 0.05), (1.2, 0.4, 1.0), detail=0)], LEAF)
    return rig.parts


def _mountain(body: RGB) -> list[Part]:
    rig = Rig()
    rig.add("rock", [cone(40.0, 45.0, (0, 0, 0), sections=7)], body)
    rig.add("snow", [cone(13.6, 15.5, (0, 29.7, 0), sections=7)], WHITE)
    return rig.parts


def _flower(body: RGB) -> list[Part]:
    rig = Rig()
    rig.add("stem", [cylinder(0.012, 0.32, (0, 0.16, 0), sections=5), box((0.1, 0.01, 0.04), (0.04, 0.14, 0))], LEAF)
    rig.add("petals", [sphere(0.06, (0, 0.35, 0), (1.0, 0.45, 1.0), detail=0)], body)
    rig.add("centre", [sphere(0.025, (0, 0.37, 0), detail=0)], (0.95, 0.8, 0.2))
    return rig.parts


def _bush(body: RGB) -> list[Part]:
    rig = Rig()
    rig.add("leaves", [sphere(0.6, (0, 0.55, 0)), sphere(0.45, (0.5, 0.42, 0.1))], body)
    rig.add("shadow_leaves", [sphere(0.45, (-0.45, 0.42, -0.1))], shade(body, 0.7))
    return rig.parts


def _box(body: RGB) -> list[Part]:
    rig = Rig()
    rig.add("box", [box((0.5, 0.5, 0.5), (0, 0.25, 0))], body)
    rig.add("tape", [box((0.1, 0.51, 0.51), (0, 0.255, 0))], shade(body, 0.75))
    return rig.parts


def _tower(body: RGB) -> list[Part]:
    rig = Rig()
    rig.add("core", [box((8.0, 30.0, 8.0), (0, 15.0, 0))], body)
    rig.add("windows", [box((8.1, 1.2, 8.1), (0, 2.0 + 3.0 * i, 0)) for i in range(9)], GLASS)
    rig.add("roof", [box((5.0, 1.5, 5.0), (0, 30.75, 0))], DARK)
    return rig.parts


def _bed(body: RGB) -> list[Part]:
    rig = Rig()
    rig.add("frame", [box((1.5, 0.3, 2.1), (0, 0.15, 0)), box((1.5, 0.9, 0.08), (0, 0.45, -1.05))], DARK_WOOD)
    rig.add("mattress", [box((1.4, 0.2, 2.0), (0, 0.4, 0)), box((0.6, 0.1, 0.35), (0, 0.55, -0.75))], WHITE)
    rig.add("blanket", [box((1.44, 0.06, 1.2), (0, 0.52, 0.35))], body)
    return rig.parts


def _sofa(body: RGB) -> list[Part]:
    rig = Rig()
    frame = [box((2.0, 0.42, 0.9), (0, 0.21, 0)), box((2.0, 0.5, 0.2), (0, 0.67, -0.35))]
    arms = [box((0.2, 0.25, 0.9), (x, 0.545, 0)) for x in (0.9, -0.9)]
    rig.add("frame", [*frame, *arms], body)
    rig.add("cushions", [box((0.78, 0.12, 0.66), (x, 0.48, 0.08)) for x in (0.4, -0.4)], shade(body, 1.25))
    return rig.parts


def _cloud(body: RGB) -> list[Part]:
    rig = Rig()
    puffs = [sphere(1.6, (0, 1.4, 0)), sphere(1.2, (1.7, 1.1, 0.2)), sphere(1.1, (-1.7, 1.0, -0.2))]
    rig.add("puffs", puffs, body)
    rig.add("underside", [sphere(2.4, (0, 0.55, 0), (1.3, 0.25, 0.8))], shade(body, 0.8))
    return rig.parts


def _rocket(body: RGB) -> list[Part]:
    rig = Rig()
    rig.add("hull", [cylinder(0.8, 7.0, (0, 4.5, 0), sections=10)], body)
    wide = [box((2.6, 1.6, 0.1), (0, 1.8, 0)), box((0.1, 1.6, 2.6), (0, 1.8, 0))]
    rig.add("nose", [cone(0.8, 2.0, (0, 8.0, 0), sections=10), *wide], (0.85, 0.15, 0.12))
    rig.add("window", [cylinder(0.25, 0.1, (0, 6.0, 0.78), "z", 10)], GLASS)
    rig.add("nozzle", [cone(0.6, 1.0, (0, 1.0, 0), sections=10).apply_transform(mirror_y(1.0))], DARK)
    return rig.parts


def _fence(body: RGB) -> list[Part]:
    rig = Rig()
    rig.add("posts", [box((0.1, 1.1, 0.1), (x, 0.55, 0)) for x in (-1.5, -0.5, 0.5, 1.5)], body)
    rig.add("rails", [box((3.1, 0.1, 0.05), (0, y, 0.07)) for y in (0.4, 0.85)], shade(body, 0.75))
    return rig.parts


def _generic(body: RGB) -> list[Part]:
    rig = Rig()
    rig.add("block", [box((0.6, 0.55, 0.6), (0, 0.275, 0))], body)
    rig.add("lid", [box((0.66, 0.08, 0.66), (0, 0.59, 0))], shade(body, 0.7))
    return rig.parts


Builder = Callable[[RGB], list[Part]]

#: kind -> (builder, default body colour in sRGB, articulated)
_LIBRARY: dict[str, tuple[Builder, RGB, bool]] = {
    **{kind: (partial(_person, spec=spec), PERSON_COLORS[kind], True) for kind, spec in PEOPLE.items()},
    "robot": (_robot, (0.7, 0.72, 0.78), True),
    **{kind: (partial(_quadruped, spec=spec), color, True) for kind, (spec, color) in QUADRUPEDS.items()},
    "bird": (_bird, (0.3, 0.45, 0.8), True),
    "fish": (_fish, (0.95, 0.55, 0.15), True),
    "car": (_car, (0.8, 0.12, 0.12), True),
    "bus": (_bus, (0.95, 0.75, 0.1), True),
    "truck": (_truck, (0.2, 0.35, 0.65), True),
    "bicycle": (_bicycle, (0.15, 0.6, 0.3), True),
    "boat": (_boat, (0.9, 0.9, 0.92), False),
    "plane": (_plane, (0.92, 0.92, 0.95), False),
    "ball": (_ball, (0.85, 0.15, 0.15), True),
    "tree": (_tree, LEAF, False),
    "pine": (_pine, (0.12, 0.38, 0.2), False),
    "house": (_house, (0.93, 0.86, 0.7), False),
    "table": (_table, WOOD, False),
    "chair": (_chair, WOOD, False),
    "bench": (_bench, (0.6, 0.4, 0.22), False),
    "lamp": (_lamp, (0.95, 0.9, 0.75), False),
    "rock": (_rock, (0.5, 0.5, 0.5), False),
    "mountain": (_mountain, (0.45, 0.4, 0.38), False),
    "flower": (_flower, (0.95, 0.4, 0.6), False),
    "bush": (_bush, (0.2, 0.5, 0.18), False),
    "box": (_box, (0.75, 0.58, 0.38), False),
    "tower": (_tower, (0.45, 0.5, 0.58), False),
    "bed": (_bed, (0.3, 0.45, 0.75), False),
    "sofa": (_sofa, (0.55, 0.25, 0.3), False),
    "cloud": (_cloud, WHITE, False),
    "rocket": (_rocket, WHITE, False),
    "fence": (_fence, (0.92, 0.9, 0.85), False),
    "generic": (_generic, (0.7, 0.66, 0.6), False),
    "doll": (lambda c: _biped(c, 0.35, hair=(0.9, 0.76, 0.42), long_hair=True, skirt=True), (0.9, 0.4, 0.6), False),
    "toy_car": (lambda c: _scaled(_car(c), 0.06), (0.2, 0.5, 0.9), True),
    **FAMILIES,
}


def build_asset(
    kind: str,
    appearance: Appearance | None = None,
    label: str = "",
    user_assets: dict[str, Asset] | None = None,
) -> Asset:
    """Build ``kind`` coloured and sized by ``appearance``; a user asset of the same name replaces the procedural
    one (keeping its own colours). ``label`` names what a ``generic`` prop stands for."""
    appearance = appearance or Appearance()
    if user_assets and kind in user_assets:
        template = user_assets[kind]
        parts = [_copy_part(part) for part in template.parts]
        return Asset(kind=kind, parts=_scaled(parts, appearance.size), animate=template.animate, label=label or kind)
    if kind not in _LIBRARY:
        raise ValueError(f"unknown asset kind {kind!r}; known kinds: {', '.join(sorted(KINDS))} (or a user asset)")
    builder, color, articulated = _LIBRARY[kind]
    rgb = appearance.rgb if appearance.rgb is not None else color
    body = (float(rgb[0]), float(rgb[1]), float(rgb[2]))
    words = [*appearance.descriptors, *label.replace(",", " ").split()]
    parts = _person(body, PEOPLE[kind], words) if kind in PEOPLE else builder(body)
    return _grounded(Asset(kind=kind, parts=_scaled(parts, appearance.size), animate=articulated, label=label or kind))


def _grounded(asset: Asset) -> Asset:
    """Move the root parts so the rest pose stands exactly on y = 0."""
    lowest = float(asset.bounds[0, 1])
    for part in asset.parts:
        if part.parent < 0:
            part.offset = part.offset - np.array([0.0, lowest, 0.0])
    return asset


def _copy_part(part: Part) -> Part:
    return Part(part.name, part.mesh.copy(), part.color, part.parent, part.offset.copy(), part.axis.copy(), part.role)


def _scaled(parts: list[Part], factor: float) -> list[Part]:
    """Scale meshes and joint offsets together, so the rig keeps its proportions."""
    if factor == 1.0:
        return parts
    for part in parts:
        part.mesh = part.mesh.copy().apply_scale(factor)
        part.offset = part.offset * factor
    return parts


# --- user assets ------------------------------------------------------------------------------------------------


def load_user_assets(folder: Path) -> dict[str, Asset]:
    """Every ``*.glb``, ``*.gltf`` and ``*.obj`` in ``folder`` as a rigid asset named by its lowercase file stem:
    centred on x/z, base at y = 0, one part per material colour (grey where the file gives none)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ValueError(f"asset folder {folder} does not exist; pass a folder of .glb/.gltf/.obj files")
    assets: dict[str, Asset] = {}
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() in USER_ASSET_SUFFIXES:
            assets[path.stem.lower()] = load_user_asset(path)
    return assets


def load_user_asset(path: Path) -> Asset:
    """One user mesh file as a rigid :class:`Asset` (see :func:`load_user_assets`)."""
    try:
        scene = trimesh.load(path, force="scene")
    except Exception as error:
        raise ValueError(f"cannot read asset {path}: {error}") from error
    assert isinstance(scene, trimesh.Scene)
    by_color: dict[RGB, list[trimesh.Trimesh]] = {}
    for name in scene.graph.nodes_geometry:
        transform, geometry_name = scene.graph[name]
        mesh = scene.geometry[geometry_name]
        if not isinstance(mesh, trimesh.Trimesh) or not len(mesh.faces):
            continue
        by_color.setdefault(_mesh_color(mesh), []).append(mesh.copy().apply_transform(transform))
    if not by_color:
        raise ValueError(f"asset {path} holds no triangle meshes")
    everything = merge([m for meshes in by_color.values() for m in meshes])
    low, high = everything.bounds
    shift = -np.array([(low[0] + high[0]) / 2, low[1], (low[2] + high[2]) / 2])
    parts = []
    for index, (color, meshes) in enumerate(by_color.items()):
        mesh = merge(meshes)
        mesh.visual = trimesh.visual.ColorVisuals(mesh)
        parts.append(Part(name=f"{path.stem.lower()}_{index}", mesh=mesh.apply_translation(shift), color=color))
    return Asset(kind=path.stem.lower(), parts=parts, animate=False, label=path.stem)


def _mesh_color(mesh: trimesh.Trimesh) -> RGB:
    """Linear RGB of a mesh's material or colours, grey when it has none."""
    visual: Any = mesh.visual
    rgba: NDArray[np.float64] | None = None
    material = getattr(visual, "material", None)
    if material is not None:
        main = getattr(material, "main_color", None)
        if main is not None:
            rgba = np.asarray(main, dtype=float)
    elif getattr(visual, "kind", None) in ("face", "vertex"):
        colors = visual.face_colors if visual.kind == "face" else visual.vertex_colors
        rgba = np.asarray(colors, dtype=float).mean(axis=0)
    if rgba is None:
        return srgb_to_linear((0.6, 0.6, 0.6))
    return srgb_to_linear(np.round(rgba[:3]) / 255.0)
