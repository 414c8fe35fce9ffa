"""Asset families beyond people, four-legged animals and the first vehicles: sea animals, insects, reptiles and
amphibians, vehicles, buildings, furniture, plants, food and dishes, instruments, tools and devices, toys.

Each family is a small parametric generator over the primitives of :mod:`shapes`, built like the rest of the
library: natural size in metres (tiny animals are drawn at least about 0.1 m long, so a camera still sees them),
facing +z, left on +x, base at y = 0. What moves is articulated by role: wings flap ('wing_l', 'wing_r'), tails
swing ('tail'), flippers and legs walk ('leg_fl', ...), and rotors and propellers spin with the distance travelled
('wheel').
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np
import trimesh

from storyreel.world.rig import Part
from storyreel.world.shapes import (
    BLACK,
    CREAM,
    DARK,
    DARK_WOOD,
    GLASS,
    LEAF,
    METAL,
    RGB,
    TYRE,
    WHITE,
    WOOD,
    Rig,
    Vec3,
    box,
    capsule,
    cone,
    cylinder,
    frustum,
    prism,
    shade,
    sphere,
)

Builder = Callable[[RGB], list[Part]]
RED: RGB = (0.85, 0.15, 0.12)
GOLD: RGB = (0.9, 0.72, 0.25)
BRASS: RGB = (0.85, 0.68, 0.3)


def turned(mesh: trimesh.Trimesh, angle: float, axis: Vec3, point: Vec3 = (0.0, 0.0, 0.0)) -> trimesh.Trimesh:
    """``mesh`` rotated by ``angle`` about ``axis`` through ``point``."""
    return mesh.apply_transform(trimesh.transformations.rotation_matrix(angle, axis, point))


def diamond(width: float, height: float, thickness: float, center: Vec3) -> trimesh.Trimesh:
    """A flat kite-shaped octahedron facing z, its long point down."""
    w, h, t = width / 2, height, thickness / 2
    vertices = np.array([[0, h * 0.35, 0], [w, 0, 0], [0, -h * 0.65, 0], [-w, 0, 0], [0, 0, t], [0, 0, -t]])
    faces = [[0, 1, 4], [1, 2, 4], [2, 3, 4], [3, 0, 4], [1, 0, 5], [2, 1, 5], [3, 2, 5], [0, 3, 5]]
    return trimesh.Trimesh(vertices + np.asarray(center, float), faces, process=False)


def _wings(rig: Rig, parent: int, mesh: Callable[[int], trimesh.Trimesh], color: RGB, at: Vec3) -> None:
    """A pair of flapping wings (roles wing_l, wing_r) hinged at ``at``; ``mesh(side)`` is one wing."""
    for side, lr in ((1, "l"), (-1, "r")):
        offset = (side * at[0], at[1], at[2])
        rig.add(f"wing_{lr}", [mesh(side)], color, parent=parent, offset=offset, axis=(0, 0, side), role=f"wing_{lr}")


def _legs4(rig: Rig, parent: int, mesh: Callable[[int], trimesh.Trimesh], color: RGB, x: float, z: float) -> None:
    """Four walking legs (roles leg_fl .. leg_br) at (+-x, 0, +-z) of ``parent``; ``mesh(side)`` is one leg."""
    for front, fb in ((1, "f"), (-1, "b")):
        for side, lr in ((1, "l"), (-1, "r")):
            offset = (side * x, 0.0, front * z)
            rig.add(f"leg_{fb}{lr}", [mesh(side)], color, parent=parent, offset=offset, role=f"leg_{fb}{lr}")


# --- sea animals ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Swimmer:
    """A streamlined sea animal: ``length`` and ``girth`` (m), flukes level (whale, dolphin) or upright (shark),
    dorsal fin height as a share of the girth, a beak, and a pale belly colour."""

    length: float
    girth: float
    upright_tail: bool = False
    dorsal: float = 0.3
    beak: float = 0.0
    belly: RGB = CREAM


def _swimmer(body: RGB, spec: Swimmer) -> list[Part]:
    rig = Rig()
    length, girth = spec.length, spec.girth
    trunk = rig.add("body", [sphere(1.0, (0, 0, 0), (girth / 2, girth * 0.45, length * 0.42))], body)
    rig.parts[trunk].offset = np.array([0.0, girth * 0.45, length * 0.05])
    belly = sphere(1.0, (0, -girth * 0.12, length * 0.02), (girth * 0.42, girth * 0.33, length * 0.36))
    rig.add("belly", [belly], spec.belly, parent=trunk)
    fins = [
        turned(
            box((girth * 0.5, girth * 0.04, girth * 0.25), (s * girth * 0.45, -girth * 0.2, length * 0.15)),
            s * 0.5,
            (0, 0, 1),
            (s * girth * 0.2, -girth * 0.2, 0),
        )
        for s in (1, -1)
    ]
    if spec.dorsal:
        fin = turned(box((girth * 0.05, girth * spec.dorsal * 1.2, girth * 0.4), (0, girth * 0.4, 0)), -0.5, (1, 0, 0))
        fins.append(fin.apply_translation((0, girth * 0.1, -length * 0.05)))
    if spec.beak:
        fins.append(capsule(girth * 0.12, spec.beak * length, (0, -girth * 0.05, length * 0.42), axis="z"))
    rig.add("fins", fins, shade(body, 0.8), parent=trunk)
    eyes = [box((0.02 * girth, 0.06 * girth, 0.06 * girth), (s * girth * 0.4, 0.0, length * 0.3)) for s in (1, -1)]
    rig.add("eyes", eyes, DARK, parent=trunk)
    stalk = capsule(girth * 0.2, length * 0.16, (0, 0, -length * 0.06), axis="z")
    if spec.upright_tail:
        flukes = [
            turned(
                box((girth * 0.06, girth * 0.9, girth * 0.35), (0, girth * 0.25, -length * 0.15)),
                0.4,
                (1, 0, 0),
                (0, 0, -length * 0.15),
            )
        ]
    else:
        flukes = [sphere(1.0, (0, 0, -length * 0.15), (girth * 0.65, girth * 0.04, girth * 0.2), detail=0)]
    rig.add(
        "tail",
        [stalk, *flukes],
        body,
        parent=trunk,
        offset=(0, 0, -length * 0.38),
        axis=(0, 1, 0) if spec.upright_tail else (1, 0, 0),
        role="tail",
    )
    return rig.parts


def _octopus(body: RGB) -> list[Part]:
    rig = Rig()
    mantle = rig.add("mantle", [sphere(0.18, (0, 0, -0.05), (1.0, 1.25, 1.1))], body, offset=(0, 0.35, 0), role="head")
    rig.add("eyes", [sphere(0.04, (s * 0.1, 0.0, 0.12), detail=0) for s in (1, -1)], WHITE, parent=mantle)
    arms = []
    for k in range(8):
        angle = 2 * np.pi * k / 8 + np.pi / 8
        arm = capsule(0.035, 0.5, (0, -0.2, 0))
        turned(arm, 0.9, (np.cos(angle), 0, -np.sin(angle)))
        arms.append(arm.apply_translation((0.05 * np.sin(angle), -0.12, 0.05 * np.cos(angle))))
    rig.add("arms", arms, shade(body, 0.85), parent=mantle, role="tail", axis=(0, 1, 0))
    return rig.parts


def _crab(body: RGB) -> list[Part]:
    rig = Rig()
    shell = rig.add("shell", [sphere(0.12, (0, 0, 0), (1.0, 0.45, 0.75))], body, offset=(0, 0.08, 0))
    stalks = [cylinder(0.008, 0.05, (s * 0.03, 0.06, 0.07)) for s in (1, -1)]
    rig.add("eyes", [*stalks, *[sphere(0.015, (s * 0.03, 0.09, 0.07), detail=0) for s in (1, -1)]], DARK, parent=shell)
    legs = [
        turned(box((0.13, 0.015, 0.015), (s * 0.16, -0.02, z)), s * -0.6, (0, 0, 1), (s * 0.1, 0, z))
        for s in (1, -1)
        for z in (-0.05, 0.0, 0.05)
    ]
    claws = [sphere(0.04, (s * 0.13, 0.0, 0.14), (1.0, 0.7, 1.4), detail=0) for s in (1, -1)]
    arms = [box((0.015, 0.015, 0.08), (s * 0.11, 0.0, 0.09)) for s in (1, -1)]
    rig.add("legs", [*legs, *arms, *claws], shade(body, 0.8), parent=shell, role="tail", axis=(0, 0, 1))
    return rig.parts


def _turtle(body: RGB) -> list[Part]:
    rig = Rig()
    shell = rig.add("shell", [sphere(0.45, (0, 0, 0), (0.9, 0.4, 1.0))], body, offset=(0, 0.12, 0))
    rig.add("plastron", [sphere(0.42, (0, -0.02, 0), (0.85, 0.12, 0.95), detail=0)], (0.85, 0.78, 0.5), parent=shell)
    skin = (0.45, 0.6, 0.35)
    head = rig.add(
        "head",
        [capsule(0.08, 0.3, (0, 0.02, 0.12), axis="z")],
        skin,
        parent=shell,
        offset=(0, 0.0, 0.4),
        axis=(0, 1, 0),
        role="head",
    )
    rig.add("eyes", [box((0.02, 0.02, 0.02), (s * 0.07, 0.05, 0.2)) for s in (1, -1)], DARK, parent=head)
    _legs4(rig, shell, lambda s: box((0.3, 0.04, 0.14), (s * 0.15, -0.08, 0)), skin, 0.3, 0.28)
    return rig.parts


# --- insects and spiders ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Insect:
    """A small many-legged animal drawn about ten times its size: segment radii (head, thorax, abdomen) in metres,
    pairs of legs, a wing span (0: none) and colour, abdomen bands, a domed back with spots (a ladybug)."""

    head: float
    thorax: float
    abdomen: float
    legs: int = 3
    span: float = 0.0
    wing_color: RGB = (0.85, 0.92, 0.98)
    bands: RGB | None = None
    dome: bool = False
    leg_color: RGB = BLACK
    wing_tilt: float = 0.35


def _insect(body: RGB, spec: Insect) -> list[Part]:
    rig = Rig()
    reach = spec.thorax * 2.2
    lift = spec.thorax * 1.4
    a = spec.abdomen
    segments = [sphere(spec.thorax, (0, 0, 0), (1.0, 0.9, 1.1))]
    if spec.dome:
        segments.append(sphere(a, (0, a * 0.15, -a * 0.3), (1.0, 0.65, 1.15)))
    else:
        segments.append(sphere(a, (0, a * 0.2, -spec.thorax - a * 1.1), (0.8, 0.75, 1.3)))
    trunk = rig.add("body", segments, body, offset=(0, lift, 0))
    face = [sphere(spec.head, (0, 0, spec.thorax + spec.head * 0.8), detail=0)]
    face.extend(
        turned(
            cylinder(
                spec.head * 0.08, spec.head * 2.5, (s * spec.head * 0.4, spec.head * 1.8, spec.thorax + spec.head)
            ),
            -0.5,
            (1, 0, 0),
            (0, 0, spec.thorax + spec.head),
        )
        for s in (1, -1)
    )
    rig.add("head", face, BLACK if spec.dome else shade(body, 0.7), parent=trunk)
    legs = []
    for s in (1, -1):
        for k in range(spec.legs):
            z = (k - (spec.legs - 1) / 2) * spec.thorax * 0.8
            legs.append(box((reach, reach * 0.05, reach * 0.05), (s * reach / 2, 0, z)))
            legs.append(box((reach * 0.05, lift, reach * 0.05), (s * reach, -lift / 2, z * 1.4)))
    rig.add("legs", legs, spec.leg_color, parent=trunk)
    if spec.bands:
        bands = [
            cylinder(a * 0.82, a * 0.3, (0, a * 0.2, -spec.thorax - a * (0.6 + 0.7 * k)), "z", 10) for k in range(2)
        ]
        rig.add("bands", bands, spec.bands, parent=trunk)
    if spec.dome:
        spots = [
            sphere(a * 0.18, (x * a, a * 0.72, z * a), (1, 0.5, 1), detail=0)
            for x, z in ((0.45, 0.1), (-0.45, 0.1), (0.3, -0.6), (-0.3, -0.6), (0.0, 0.4))
        ]
        rig.add("spots", [*spots, box((a * 0.05, a * 0.1, a * 2.0), (0, a * 0.7, -a * 0.3))], BLACK, parent=trunk)
    if spec.span:
        span, tilt = spec.span, spec.wing_tilt

        def wing(side: int) -> trimesh.Trimesh:
            wing = sphere(1.0, (side * span / 2, 0, -span * 0.15), (span / 2, 0.004, span * 0.35), detail=1)
            return turned(wing, side * tilt, (0, 0, 1))

        _wings(rig, trunk, wing, spec.wing_color, (spec.thorax * 0.3, spec.thorax * 0.8, 0.0))
    return rig.parts


# --- reptiles and amphibians ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reptile:
    """A low, long animal: body ``length`` and ``width`` (m), ``snout`` and ``tail`` lengths as shares of the body,
    leg length (0: a snake, which lies in waves), a belly colour and back ridges."""

    length: float
    width: float
    snout: float
    tail: float
    leg: float
    belly: RGB = (0.85, 0.8, 0.55)
    ridges: bool = False


def _reptile(body: RGB, spec: Reptile) -> list[Part]:
    rig = Rig()
    length, width = spec.length, spec.width
    height = width * 0.55
    if spec.leg:
        trunk_mesh = [box((width, height, length), (0, 0, 0))]
        if spec.ridges:
            trunk_mesh.extend(
                box((width * 0.15, height * 0.3, length * 0.12), (s * width * 0.2, height * 0.6, z))
                for s in (1, -1)
                for z in np.linspace(-0.4, 0.4, 4) * length
            )
        trunk = rig.add("body", trunk_mesh, body, offset=(0, spec.leg, 0))
        belly = box((width * 0.9, height * 0.1, length * 0.9), (0, -height * 0.5, 0))
        rig.add("belly", [belly], spec.belly, parent=trunk)
        leg = spec.leg

        def limb(side: int) -> trimesh.Trimesh:
            return box((width * 0.5, leg * 1.1, width * 0.2), (side * width * 0.2, -leg * 0.45, 0))

        _legs4(rig, trunk, limb, shade(body, 0.85), width * 0.45, length * 0.35)
    else:  # a snake: segments in a wave on the ground
        pieces = []
        count = 6
        for k in range(count):
            z0 = length * (0.5 - k / count)
            x0 = width * 2.5 * np.sin(k * 1.3)
            x1 = width * 2.5 * np.sin((k + 1) * 1.3)
            seg = capsule(width / 2, float(np.hypot(length / count, x1 - x0)) + width, (0, 0, 0), axis="z")
            turned(seg, float(np.arctan2(x0 - x1, length / count)), (0, 1, 0))
            pieces.append(seg.apply_translation(((x0 + x1) / 2, 0, z0 - length / count / 2)))
        trunk = rig.add("body", pieces, body, offset=(0, width / 2, 0))
    snout = spec.snout * length
    head_mesh = [box((width * 0.8, height * 0.8, snout), (0, height * 0.2 if spec.leg else width * 0.3, snout / 2))]
    head = rig.add("head", head_mesh, body, parent=trunk, offset=(0, 0, length / 2), axis=(0, 1, 0), role="head")
    eye_y = height * 0.65 if spec.leg else width * 0.75
    eyes = [box((width * 0.15, width * 0.15, width * 0.15), (s * width * 0.3, eye_y, snout * 0.3)) for s in (1, -1)]
    rig.add("eyes", eyes, (0.9, 0.8, 0.2) if spec.leg else DARK, parent=head)
    if spec.tail:
        tail = cone(width * 0.45, spec.tail * length, (0, 0, 0), axis="z", sections=6)
        tail.apply_transform(trimesh.transformations.reflection_matrix((0, 0, 0), (0, 0, 1)))
        tail.invert()
        rig.add("tail", [tail], body, parent=trunk, offset=(0, 0, -length / 2), axis=(0, 1, 0), role="tail")
    return rig.parts


def _frog(body: RGB) -> list[Part]:
    rig = Rig()
    trunk = rig.add("body", [sphere(0.09, (0, 0, 0), (1.0, 0.6, 1.1))], body, offset=(0, 0.07, 0), role="head")
    eyes = [sphere(0.035, (s * 0.05, 0.06, 0.06), detail=0) for s in (1, -1)]
    rig.add("eyes", eyes, WHITE, parent=trunk)
    rig.add("pupils", [box((0.02, 0.02, 0.02), (s * 0.05, 0.07, 0.09)) for s in (1, -1)], DARK, parent=trunk)
    rig.add("belly", [sphere(0.08, (0, -0.02, 0.02), (1.0, 0.45, 1.0), detail=0)], (0.9, 0.9, 0.6), parent=trunk)
    haunches = [sphere(0.05, (s * 0.08, -0.02, -0.06), (0.8, 0.7, 1.4), detail=0) for s in (1, -1)]
    feet = [box((0.05, 0.015, 0.1), (s * 0.1, -0.065, -0.02)) for s in (1, -1)]
    arms = [box((0.02, 0.07, 0.02), (s * 0.06, -0.035, 0.07)) for s in (1, -1)]
    rig.add("legs", [*haunches, *feet, *arms], shade(body, 0.8), parent=trunk)
    return rig.parts


# --- vehicles ---------------------------------------------------------------------------------------------------


def _wheel(rig: Rig, name: str, radius: float, width: float, offset: Vec3) -> None:
    rig.add(name, [cylinder(radius, width, (0, 0, 0), "x", 12)], TYRE, offset=offset, role="wheel")


def _motorbike(body: RGB) -> list[Part]:
    rig = Rig()
    tank = [box((0.3, 0.25, 0.5), (0, 0.85, 0.1)), box((0.25, 0.3, 0.7), (0, 0.55, -0.1))]
    rig.add("body", [*tank, box((0.12, 0.5, 0.08), (0, 0.7, 0.65))], body)
    rig.add("seat", [box((0.3, 0.1, 0.6), (0, 0.92, -0.4))], DARK)
    rig.add("bars", [box((0.7, 0.04, 0.04), (0, 1.05, 0.55)), cylinder(0.08, 0.06, (0, 0.85, 0.72), "z")], METAL)
    for index, z in enumerate((0.75, -0.75)):
        _wheel(rig, f"wheel_{index}", 0.32, 0.12, (0, 0.32, z))
    return rig.parts


def _helicopter(body: RGB) -> list[Part]:
    rig = Rig()
    rig.add("cabin", [sphere(1.0, (0, 1.5, 0.5), (1.1, 1.0, 1.8)), box((0.3, 0.3, 4.5), (0, 1.7, -3.0))], body)
    rig.add("fin", [box((0.1, 1.0, 0.6), (0, 2.1, -5.1))], shade(body, 0.7))
    rig.add("glass", [sphere(0.75, (0, 1.75, 1.35), (1.1, 0.9, 1.0), detail=0)], GLASS)
    skids = [box((0.08, 0.08, 3.0), (s * 0.8, 0.04, 0.4)) for s in (1, -1)]
    rig.add(
        "skids", [*skids, *[box((0.06, 0.5, 0.06), (s * 0.75, 0.3, z)) for s in (1, -1) for z in (1.0, -0.2)]], DARK
    )
    blades = [box((8.0, 0.05, 0.25), (0, 0, 0)), box((0.25, 0.05, 8.0), (0, 0, 0))]
    rig.add(
        "rotor", [*blades, cylinder(0.1, 0.4, (0, -0.2, 0))], DARK, offset=(0, 2.7, 0.4), axis=(0, 1, 0), role="wheel"
    )
    rig.add("tail_rotor", [box((0.04, 1.2, 0.12), (0, 0, 0))], DARK, offset=(0.2, 2.1, -5.1), role="wheel")
    return rig.parts


def _drone(body: RGB) -> list[Part]:
    rig = Rig()
    arms = [turned(box((0.55, 0.03, 0.04), (0, 0.1, 0)), a, (0, 1, 0)) for a in (np.pi / 4, -np.pi / 4)]
    rig.add("body", [box((0.16, 0.07, 0.2), (0, 0.1, 0)), *arms], body)
    rig.add(
        "camera",
        [
            sphere(0.04, (0, 0.04, 0.06), detail=0),
            *[box((0.02, 0.08, 0.02), (s * 0.15, 0.05, s2 * 0.15)) for s in (1, -1) for s2 in (1, -1)],
        ],
        DARK,
    )
    for k, (sx, sz) in enumerate(((1, 1), (1, -1), (-1, 1), (-1, -1))):
        rotor = [box((0.22, 0.01, 0.025), (0, 0, 0)), cylinder(0.02, 0.03, (0, -0.015, 0))]
        rig.add(f"rotor_{k}", rotor, METAL, offset=(sx * 0.19, 0.135, sz * 0.19), axis=(0, 1, 0), role="wheel")
    return rig.parts


def _train(body: RGB) -> list[Part]:
    rig = Rig()
    rig.add("boiler", [cylinder(0.8, 4.0, (0, 1.9, 1.5), "z", 12), box((2.4, 2.8, 2.2), (0, 2.3, -1.6))], body)
    rig.add("chassis", [box((2.4, 0.4, 7.5), (0, 0.9, -0.2)), cylinder(0.3, 1.0, (0, 3.0, 2.6), sections=10)], DARK)
    rig.add("roof", [box((2.7, 0.2, 2.6), (0, 3.8, -1.6)), cylinder(0.4, 0.1, (0, 1.9, 3.55), "z", 12)], RED)
    rig.add("windows", [box((2.44, 0.8, 0.9), (0, 2.8, -1.4))], GLASS)
    for index, z in enumerate((2.4, 0.8, -0.8, -2.6)):
        for side in (1, -1):
            _wheel(rig, f"wheel_{index}{side}", 0.6, 0.2, (side * 1.0, 0.6, z))
    return rig.parts


def _ship(body: RGB) -> list[Part]:
    rig = Rig()
    bow = turned(box((4.95, 3.0, 4.95), (0, 1.5, 0)), np.pi / 4, (0, 1, 0)).apply_translation((0, 0, 8.0))
    rig.add("hull", [box((7.0, 3.0, 18.0), (0, 1.5, -1.0)), bow], body)
    rig.add("waterline", [box((7.05, 0.5, 18.05), (0, 0.25, -1.0))], RED)
    rig.add("decks", [box((5.0, 2.5, 7.0), (0, 4.25, -3.0)), box((4.0, 1.8, 4.0), (0, 6.4, -2.0))], WHITE)
    rig.add("windows", [box((5.05, 0.5, 6.0), (0, 4.5, -3.0)), box((4.05, 0.5, 3.0), (0, 6.6, -2.0))], GLASS)
    rig.add("funnel", [cylinder(0.9, 3.0, (0, 7.5, -5.0), sections=10)], RED)
    return rig.parts


def _submarine(body: RGB) -> list[Part]:
    rig = Rig()
    rig.add("hull", [capsule(1.2, 10.0, (0, 1.2, 0), axis="z"), box((1.0, 1.6, 2.2), (0, 2.9, 1.0))], body)
    rig.add(
        "fins",
        [
            box((3.2, 0.1, 0.8), (0, 1.2, -4.2)),
            box((0.1, 2.0, 0.8), (0, 1.2, -4.2)),
            box((2.4, 0.08, 0.6), (0, 3.0, 1.0)),
        ],
        shade(body, 0.7),
    )
    rig.add("periscope", [cylinder(0.08, 1.0, (0, 4.1, 1.4)), box((0.12, 0.12, 0.3), (0, 4.6, 1.5))], DARK)
    rig.add("portholes", [cylinder(0.2, 2.44, (0, 1.5, z), "x") for z in (2.0, 0.0, -2.0)], GLASS)
    rig.add(
        "propeller",
        [box((0.1, 1.6, 0.1)), box((1.6, 0.1, 0.1))],
        BRASS,
        offset=(0, 1.2, -5.1),
        axis=(0, 0, 1),
        role="wheel",
    )
    return rig.parts


# --- buildings --------------------------------------------------------------------------------------------------


def _lighthouse(body: RGB) -> list[Part]:
    """A 14 m tower with red bands, a gallery at 11 m (what one stands on), a lit lantern, a door and steps."""
    rig = Rig()
    rig.add("tower", [frustum(2.2, 1.4, 11.0, (0, 0, 0))], body)
    bands = [frustum(2.23 - 0.8 * f, 2.23 - 0.8 * (f + 0.14), 1.5, (0, 11.0 * f, 0)) for f in (0.25, 0.6)]
    rig.add("bands", [*bands, cone(1.7, 1.5, (0, 13.4, 0), sections=10)], RED)
    rig.add(
        "gallery", [cylinder(1.9, 0.3, (0, 11.0, 0), sections=12), cylinder(1.0, 0.4, (0, 11.35, 0), sections=10)], DARK
    )
    rig.add("lantern", [cylinder(0.9, 1.8, (0, 12.5, 0), sections=10)], (1.0, 0.93, 0.55))
    steps = [box((1.6, 0.2, 0.4), (0, 0.1 + 0.2 * k, 2.9 - 0.4 * k)) for k in range(3)]
    rig.add("steps", steps, (0.6, 0.6, 0.6))
    rig.add("door", [box((0.9, 1.9, 0.1), (0, 1.55, 2.15))], DARK_WOOD)
    return rig.parts


def _castle(body: RGB) -> list[Part]:
    rig = Rig()
    walls = [box((12.0, 6.0, 1.2), (0, 3.0, z)) for z in (6.0, -6.0)]
    walls += [box((1.2, 6.0, 12.0), (x, 3.0, 0)) for x in (6.0, -6.0)]
    merlons = [box((0.8, 0.8, 1.3), (x, 6.4, z)) for z in (6.0, -6.0) for x in np.arange(-4.5, 4.6, 1.8)]
    towers = [cylinder(1.8, 9.0, (x, 4.5, z), sections=10) for x in (6.0, -6.0) for z in (6.0, -6.0)]
    rig.add("walls", [*walls, *merlons, *towers, box((4.0, 11.0, 4.0), (0, 5.5, -1.0))], body)
    roofs = [cone(2.2, 3.5, (x, 9.0, z), sections=10) for x in (6.0, -6.0) for z in (6.0, -6.0)]
    rig.add("roofs", [*roofs, cone(3.0, 4.0, (0, 11.0, -1.0), sections=4)], (0.3, 0.32, 0.55))
    rig.add("gate", [box((2.4, 3.4, 0.2), (0, 1.7, 6.55))], DARK_WOOD)
    return rig.parts


def _shop(body: RGB) -> list[Part]:
    rig = Rig()
    rig.add("walls", [box((6.0, 4.0, 5.0), (0, 2.0, 0)), box((6.4, 0.3, 5.4), (0, 4.15, 0))], body)
    stripes = [
        turned(box((0.75, 0.06, 1.6), (x, 3.0, 3.2)), 0.35, (1, 0, 0), (x, 3.0, 2.5)) for x in np.arange(-2.6, 2.7, 1.5)
    ]
    rig.add("awning", stripes, RED)
    rig.add(
        "awning_white",
        [
            turned(box((0.75, 0.06, 1.6), (x, 3.0, 3.2)), 0.35, (1, 0, 0), (x, 3.0, 2.5))
            for x in np.arange(-1.85, 2.0, 1.5)
        ],
        WHITE,
    )
    rig.add("window", [box((3.0, 1.8, 0.08), (-1.0, 1.5, 2.5))], GLASS)
    rig.add("door", [box((1.0, 2.2, 0.08), (1.9, 1.1, 2.5))], DARK_WOOD)
    rig.add("sign", [box((4.0, 0.6, 0.1), (0, 3.65, 2.56))], GOLD)
    return rig.parts


def _barn(body: RGB) -> list[Part]:
    rig = Rig()
    rig.add("walls", [box((7.0, 4.0, 9.0), (0, 2.0, 0))], body)
    rig.add("roof", [prism(7.6, 3.0, 9.6, (0, 4.0, 0))], (0.35, 0.33, 0.32))
    rig.add("doors", [box((3.0, 3.0, 0.1), (0, 1.5, 4.5))], shade(body, 0.7))
    trim = [turned(box((0.2, 4.2, 0.06), (0, 1.5, 4.58)), a, (0, 0, 1), (0, 1.5, 4.58)) for a in (0.78, -0.78)]
    rig.add("trim", [*trim, box((3.2, 0.2, 0.06), (0, 3.0, 4.58)), box((1.2, 1.0, 0.06), (0, 5.0, 4.55))], WHITE)
    return rig.parts


def _tent(body: RGB) -> list[Part]:
    rig = Rig()
    rig.add("canvas", [prism(2.4, 1.6, 2.4, (0, 0, 0))], body)
    rig.add("door", [prism(0.9, 1.1, 0.02, (0, 0, 1.2))], DARK)
    rig.add("poles", [cylinder(0.03, 1.9, (0, 0.9, z)) for z in (1.25, -1.25)], DARK_WOOD)
    return rig.parts


# --- furniture --------------------------------------------------------------------------------------------------


def _desk(body: RGB) -> list[Part]:
    rig = Rig()
    rig.add("top", [box((1.4, 0.05, 0.7), (0, 0.74, 0)), box((0.45, 0.7, 0.66), (0.45, 0.36, 0))], body)
    rig.add("legs", [box((0.05, 0.72, 0.05), (-0.65, 0.36, z)) for z in (0.3, -0.3)], shade(body, 0.6))
    rig.add("handles", [box((0.15, 0.03, 0.02), (0.45, y, 0.34)) for y in (0.2, 0.45, 0.62)], METAL)
    return rig.parts


def _shelf(body: RGB) -> list[Part]:
    rig = Rig()
    frame = [box((0.04, 1.8, 0.35), (x, 0.9, 0)) for x in (0.48, -0.48)]
    frame += [box((1.0, 0.04, 0.35), (0, y, 0)) for y in (0.02, 0.6, 1.2, 1.78)]
    rig.add("frame", [*frame, box((1.0, 1.8, 0.02), (0, 0.9, -0.17))], body)
    palette = [RED, (0.2, 0.4, 0.75), (0.2, 0.6, 0.3), GOLD]
    for k, color in enumerate(palette):
        books = [
            box((0.06, 0.38, 0.26), (-0.4 + 0.2 * k + 0.07 * j, y + 0.21, 0))
            for j in range(2)
            for y in (0.04, 0.62, 1.22)
        ]
        rig.add(f"books_{k}", books, color)
    return rig.parts


def _cupboard(body: RGB) -> list[Part]:
    rig = Rig()
    rig.add("carcass", [box((1.0, 1.9, 0.55), (0, 0.95, 0))], body)
    rig.add("doors", [box((0.48, 1.8, 0.03), (x, 0.97, 0.285)) for x in (0.25, -0.25)], shade(body, 0.85))
    rig.add("handles", [box((0.03, 0.2, 0.04), (x, 1.0, 0.31)) for x in (0.05, -0.05)], METAL)
    return rig.parts


# --- plants -----------------------------------------------------------------------------------------------------


def _cactus(body: RGB) -> list[Part]:
    rig = Rig()
    arms = [capsule(0.13, 1.0, (s * 0.42, 1.55, 0)) for s in (1, -1)]
    elbows = [capsule(0.13, 0.5, (s * 0.25, 1.1, 0), axis="x") for s in (1, -1)]
    rig.add("stem", [capsule(0.2, 2.4, (0, 1.2, 0)), *arms, *elbows], body)
    rig.add("flower", [sphere(0.08, (0, 2.42, 0), detail=0)], (0.95, 0.4, 0.6))
    return rig.parts


def _palm(body: RGB) -> list[Part]:
    rig = Rig()
    trunk = [
        turned(
            cylinder(0.18 - 0.02 * k, 1.3, (0.12 * k * k, 0.65 + 1.2 * k, 0)),
            -0.08 * k,
            (0, 0, 1),
            (0.12 * k * k, 0.65 + 1.2 * k, 0),
        )
        for k in range(5)
    ]
    rig.add("trunk", trunk, (0.55, 0.42, 0.28))
    top = (2.0, 6.0, 0.0)
    fronds = []
    for k in range(7):
        angle = 2 * np.pi * k / 7
        frond = turned(box((0.5, 0.05, 2.6), (0, 0, 1.3)), 0.45, (1, 0, 0))
        turned(frond, angle, (0, 1, 0))
        fronds.append(frond.apply_translation(top))
    rig.add("fronds", fronds, body)
    rig.add(
        "coconuts",
        [sphere(0.15, (2.0 + 0.2 * np.cos(a), 5.8, 0.2 * np.sin(a)), detail=0) for a in (0, 2.1, 4.2)],
        (0.4, 0.28, 0.15),
    )
    return rig.parts


def _mushroom(body: RGB) -> list[Part]:
    rig = Rig()
    rig.add("stem", [cylinder(0.05, 0.2, (0, 0.1, 0), sections=8)], CREAM)
    rig.add("cap", [sphere(0.15, (0, 0.2, 0), (1.0, 0.6, 1.0))], body)
    spots = [sphere(0.025, (0.1 * np.cos(a), 0.27, 0.1 * np.sin(a)), (1, 0.5, 1), detail=0) for a in (0, 1.6, 3.1, 4.6)]
    rig.add("spots", [*spots, sphere(0.025, (0, 0.29, 0), (1, 0.5, 1), detail=0)], WHITE)
    return rig.parts


def _grass(body: RGB) -> list[Part]:
    """A patch of tall grass about a metre across: blades leaning every way."""
    rig = Rig()
    blades = []
    for k in range(14):
        where = (0.45 * np.sqrt(k / 14) * np.cos(2.4 * k), 0, 0.45 * np.sqrt(k / 14) * np.sin(2.4 * k))
        blade = cone(0.04, 0.4 + 0.05 * (k % 4), where, sections=4)
        blades.append(turned(blade, 0.3 * np.sin(3 * k), (np.cos(k), 0, np.sin(k)), where))
    rig.add("blades", blades[::2], body)
    rig.add("blades_dark", blades[1::2], shade(body, 0.7))
    return rig.parts


# --- food and dishes --------------------------------------------------------------------------------------------


def _burger(body: RGB) -> list[Part]:
    rig = Rig()
    rig.add("bun", [frustum(0.055, 0.06, 0.025, (0, 0, 0)), sphere(0.06, (0, 0.075, 0), (1.0, 0.55, 1.0))], body)
    rig.add("patty", [cylinder(0.062, 0.02, (0, 0.035, 0), sections=12)], (0.35, 0.2, 0.1))
    rig.add("lettuce", [cylinder(0.066, 0.008, (0, 0.05, 0), sections=10)], LEAF)
    rig.add("cheese", [box((0.11, 0.006, 0.11), (0, 0.058, 0))], GOLD)
    return rig.parts


def _pizza(body: RGB) -> list[Part]:
    rig = Rig()
    rig.add("base", [cylinder(0.16, 0.015, (0, 0.0075, 0), sections=14)], body)
    rig.add("sauce", [cylinder(0.14, 0.018, (0, 0.009, 0), sections=14)], (0.8, 0.2, 0.1))
    toppings = [cylinder(0.022, 0.022, (0.08 * np.cos(a), 0.011, 0.08 * np.sin(a)), sections=6) for a in range(6)]
    rig.add("pepperoni", toppings, (0.55, 0.1, 0.08))
    return rig.parts


def _cake(body: RGB) -> list[Part]:
    rig = Rig()
    rig.add(
        "tiers", [cylinder(0.15, 0.1, (0, 0.05, 0), sections=14), cylinder(0.1, 0.08, (0, 0.14, 0), sections=12)], body
    )
    rig.add(
        "icing",
        [cylinder(0.152, 0.015, (0, 0.1, 0), sections=14), cylinder(0.102, 0.015, (0, 0.18, 0), sections=12)],
        WHITE,
    )
    rig.add("candle", [cylinder(0.008, 0.06, (0, 0.21, 0), sections=6)], (0.3, 0.5, 0.9))
    rig.add("flame", [sphere(0.01, (0, 0.25, 0), (1, 1.6, 1), detail=0)], (1.0, 0.75, 0.2))
    return rig.parts


def _apple(body: RGB) -> list[Part]:
    rig = Rig()
    rig.add("fruit", [sphere(0.045, (0, 0.042, 0), (1.0, 0.92, 1.0))], body)
    rig.add("stalk", [cylinder(0.004, 0.025, (0, 0.09, 0), sections=4)], DARK_WOOD)
    rig.add("leaf", [sphere(0.015, (0.015, 0.095, 0), (1.0, 0.2, 0.5), detail=0)], LEAF)
    return rig.parts


def _bread(body: RGB) -> list[Part]:
    rig = Rig()
    rig.add("loaf", [capsule(0.06, 0.3, (0, 0.06, 0), axis="z"), box((0.11, 0.03, 0.26), (0, 0.015, 0))], body)
    rig.add(
        "cuts",
        [turned(box((0.09, 0.01, 0.015), (0, 0.115, z)), 0.4, (0, 1, 0), (0, 0.115, z)) for z in (-0.08, 0.0, 0.08)],
        shade(body, 1.3),
    )
    return rig.parts


def _cup(body: RGB) -> list[Part]:
    rig = Rig()
    rig.add("cup", [frustum(0.03, 0.042, 0.07, (0, 0.008, 0))], body)
    rig.add("saucer", [cylinder(0.07, 0.008, (0, 0.004, 0), sections=12)], WHITE)
    rig.add("tea", [cylinder(0.039, 0.004, (0, 0.075, 0), sections=10)], (0.45, 0.25, 0.1))
    return rig.parts


def _mug(body: RGB) -> list[Part]:
    rig = Rig()
    rig.add("mug", [cylinder(0.045, 0.1, (0, 0.05, 0), sections=12)], body)
    rig.add(
        "handle",
        [
            box((0.015, 0.06, 0.012), (0.07, 0.05, 0)),
            *[box((0.03, 0.012, 0.012), (0.055, y, 0)) for y in (0.025, 0.075)],
        ],
        shade(body, 0.8),
    )
    rig.add("coffee", [cylinder(0.04, 0.004, (0, 0.1, 0), sections=10)], (0.25, 0.14, 0.06))
    return rig.parts


def _plate(body: RGB) -> list[Part]:
    rig = Rig()
    rig.add("plate", [frustum(0.08, 0.13, 0.02, (0, 0, 0), sections=16)], body)
    rig.add("well", [cylinder(0.085, 0.021, (0, 0.0105, 0), sections=16)], shade(body, 0.9))
    return rig.parts


def _bowl(body: RGB) -> list[Part]:
    rig = Rig()
    rig.add("bowl", [frustum(0.05, 0.09, 0.07, (0, 0, 0), sections=14)], body)
    rig.add("soup", [cylinder(0.085, 0.004, (0, 0.066, 0), sections=14)], (0.9, 0.6, 0.2))
    return rig.parts


def _spoon(body: RGB) -> list[Part]:
    rig = Rig()
    rig.add(
        "spoon", [box((0.012, 0.006, 0.12), (0, 0.003, -0.03)), sphere(0.022, (0, 0.008, 0.05), (1.0, 0.35, 1.4))], body
    )
    rig.add("tip", [box((0.016, 0.007, 0.02), (0, 0.004, -0.09))], shade(body, 0.8))
    return rig.parts


def _bottle(body: RGB) -> list[Part]:
    rig = Rig()
    rig.add(
        "glass",
        [
            cylinder(0.035, 0.18, (0, 0.09, 0), sections=10),
            frustum(0.035, 0.013, 0.05, (0, 0.18, 0)),
            cylinder(0.013, 0.05, (0, 0.25, 0), sections=8),
        ],
        body,
    )
    rig.add("cap", [cylinder(0.015, 0.02, (0, 0.28, 0), sections=8)], DARK)
    rig.add("label", [cylinder(0.036, 0.07, (0, 0.09, 0), sections=10)], WHITE)
    return rig.parts


# --- instruments ------------------------------------------------------------------------------------------------


def _guitar(body: RGB, scale: float = 1.0, bow: bool = False) -> list[Part]:
    """A guitar standing upright on its base (a violin is a small one with a scroll and a bow)."""
    rig = Rig()
    bodies = [sphere(0.22, (0, 0.22, 0), (1.0, 1.0, 0.3)), sphere(0.17, (0, 0.5, 0), (1.0, 1.0, 0.3))]
    rig.add("body", bodies, body)
    rig.add("neck", [box((0.06, 0.36, 0.03), (0, 0.82, 0.01)), box((0.08, 0.14, 0.03), (0, 1.05, 0.0))], DARK_WOOD)
    rig.add("hole", [cylinder(0.06, 0.02, (0, 0.35, 0.045), "z", 10)], DARK)
    if bow:
        rig.add("bow", [turned(box((0.01, 0.9, 0.015), (0.3, 0.55, 0.1)), 0.4, (0, 0, 1), (0.3, 0.55, 0.1))], WOOD)
    parts = rig.parts
    for part in parts:
        part.mesh.apply_scale(scale)
    return parts


def _drum(body: RGB) -> list[Part]:
    rig = Rig()
    rig.add("shell", [cylinder(0.3, 0.35, (0, 0.175, 0), sections=14)], body)
    rig.add("heads", [cylinder(0.31, 0.03, (0, y, 0), sections=14) for y in (0.015, 0.35)], WHITE)
    rig.add(
        "sticks",
        [
            turned(cylinder(0.012, 0.4, (s * 0.1, 0.45, 0.1), sections=5), s * 0.9, (0, 0, 1), (s * 0.1, 0.45, 0.1))
            for s in (1, -1)
        ],
        WOOD,
    )
    return rig.parts


def _piano(body: RGB) -> list[Part]:
    rig = Rig()
    rig.add("case", [box((1.5, 1.25, 0.55), (0, 0.625, -0.1)), box((1.5, 0.1, 0.3), (0, 0.7, 0.3))], body)
    rig.add("keys", [box((1.3, 0.05, 0.25), (0, 0.77, 0.32))], WHITE)
    rig.add("black_keys", [box((0.03, 0.03, 0.14), (x, 0.8, 0.28)) for x in np.arange(-0.6, 0.61, 0.1)], BLACK)
    rig.add("legs", [box((0.08, 0.68, 0.08), (x, 0.34, 0.4)) for x in (0.65, -0.65)], shade(body, 0.8))
    return rig.parts


def _trumpet(body: RGB) -> list[Part]:
    rig = Rig()
    rig.add("tube", [cylinder(0.012, 0.4, (0, 0.09, 0), "z", 8), cylinder(0.012, 0.3, (0, 0.04, -0.02), "z", 8)], body)
    bell = cone(0.06, 0.16, (0, 0.09, 0.28), axis="z", sections=10)
    turned(bell, np.pi, (0, 1, 0), (0, 0.09, 0.28))
    rig.add("bell", [bell.apply_translation((0, 0, 0.06))], shade(body, 1.1))
    rig.add("valves", [cylinder(0.012, 0.1, (0, 0.1, z), sections=6) for z in (-0.03, 0.0, 0.03)], METAL)
    return rig.parts


# --- tools and devices ------------------------------------------------------------------------------------------


def _phone(body: RGB) -> list[Part]:
    rig = Rig()
    rig.add("case", [box((0.075, 0.15, 0.01), (0, 0.075, 0))], body)
    rig.add("screen", [box((0.066, 0.13, 0.002), (0, 0.075, 0.006))], (0.15, 0.3, 0.5))
    return rig.parts


def _laptop(body: RGB) -> list[Part]:
    rig = Rig()
    screen = turned(box((0.34, 0.22, 0.01), (0, 0.11, 0)), -0.25, (1, 0, 0))
    rig.add("case", [box((0.34, 0.02, 0.24), (0, 0.01, 0)), screen.apply_translation((0, 0.02, -0.12))], body)
    rig.add(
        "display",
        [turned(box((0.3, 0.18, 0.004), (0, 0.11, 0.006)), -0.25, (1, 0, 0)).apply_translation((0, 0.02, -0.12))],
        (0.2, 0.45, 0.7),
    )
    rig.add("keys", [box((0.28, 0.004, 0.1), (0, 0.021, -0.03))], DARK)
    return rig.parts


def _camera(body: RGB) -> list[Part]:
    rig = Rig()
    rig.add("body", [box((0.14, 0.09, 0.06), (0, 0.045, 0)), box((0.04, 0.02, 0.03), (-0.04, 0.1, 0))], body)
    rig.add("lens", [cylinder(0.032, 0.06, (0, 0.045, 0.05), "z", 12)], DARK)
    rig.add(
        "glass",
        [cylinder(0.024, 0.01, (0, 0.045, 0.08), "z", 10), box((0.02, 0.012, 0.005), (0.045, 0.075, 0.03))],
        GLASS,
    )
    return rig.parts


def _book(body: RGB) -> list[Part]:
    rig = Rig()
    rig.add(
        "cover",
        [
            box((0.16, 0.006, 0.23), (0, 0.003, 0)),
            box((0.16, 0.006, 0.23), (0, 0.037, 0)),
            box((0.012, 0.04, 0.23), (-0.08, 0.02, 0)),
        ],
        body,
    )
    rig.add("pages", [box((0.15, 0.028, 0.22), (0.003, 0.02, 0))], CREAM)
    return rig.parts


def _umbrella(body: RGB) -> list[Part]:
    rig = Rig()
    rig.add("canopy", [cone(0.5, 0.3, (0, 0.82, 0), sections=8)], body)
    rig.add("shaft", [cylinder(0.012, 1.0, (0, 0.5, 0), sections=6), box((0.02, 0.02, 0.1), (0, 0.01, 0.04))], DARK)
    return rig.parts


def _lantern(body: RGB) -> list[Part]:
    rig = Rig()
    frame = [
        box((0.16, 0.03, 0.16), (0, 0.015, 0)),
        cone(0.1, 0.07, (0, 0.25, 0), sections=4),
        box((0.012, 0.08, 0.012), (0, 0.34, 0)),
    ]
    rig.add(
        "frame",
        [*frame, *[box((0.015, 0.22, 0.015), (x, 0.14, z)) for x in (0.07, -0.07) for z in (0.07, -0.07)]],
        body,
    )
    rig.add("light", [box((0.12, 0.2, 0.12), (0, 0.13, 0))], (1.0, 0.85, 0.45))
    return rig.parts


def _hammer(body: RGB) -> list[Part]:
    rig = Rig()
    rig.add("handle", [box((0.03, 0.025, 0.3), (0, 0.02, 0))], body)
    rig.add(
        "head",
        [
            box((0.035, 0.04, 0.11), (0, 0.02, 0.15)).apply_transform(
                trimesh.transformations.rotation_matrix(np.pi / 2, (0, 1, 0), (0, 0.02, 0.15))
            )
        ],
        METAL,
    )
    return rig.parts


def _sword(body: RGB) -> list[Part]:
    rig = Rig()
    rig.add("blade", [box((0.05, 0.008, 0.75), (0, 0.02, 0.2)), cone(0.025, 0.07, (0, 0.02, 0.575), "z", 4)], body)
    rig.add("guard", [box((0.22, 0.03, 0.03), (0, 0.02, -0.18))], GOLD)
    rig.add("hilt", [box((0.03, 0.03, 0.16), (0, 0.02, -0.27)), sphere(0.025, (0, 0.02, -0.36), detail=0)], DARK_WOOD)
    return rig.parts


def _telescope(body: RGB) -> list[Part]:
    rig = Rig()
    legs = [
        turned(cylinder(0.015, 1.3, (0.0, 0.6, 0.0), sections=5), 0.3, (np.cos(a), 0, np.sin(a)), (0, 1.2, 0))
        for a in (0.0, 2.1, 4.2)
    ]
    rig.add("tripod", legs, DARK_WOOD)
    tube = turned(cylinder(0.06, 1.0, (0, 1.25, 0.1), "z", 10), -0.5, (1, 0, 0), (0, 1.25, 0))
    rig.add("tube", [tube, turned(cylinder(0.035, 0.3, (0, 1.25, -0.5), "z", 8), -0.5, (1, 0, 0), (0, 1.25, 0))], body)
    rig.add("rim", [turned(cylinder(0.07, 0.06, (0, 1.25, 0.6), "z", 10), -0.5, (1, 0, 0), (0, 1.25, 0))], BRASS)
    return rig.parts


def _clock(body: RGB) -> list[Part]:
    rig = Rig()
    rig.add(
        "case",
        [
            cylinder(0.1, 0.06, (0, 0.13, 0), "z", 14),
            *[sphere(0.035, (s * 0.07, 0.24, 0), (1, 0.7, 1), detail=0) for s in (1, -1)],
        ],
        body,
    )
    rig.add("feet", [box((0.02, 0.05, 0.02), (s * 0.06, 0.02, 0)) for s in (1, -1)], DARK)
    rig.add("face", [cylinder(0.085, 0.062, (0, 0.13, 0), "z", 14)], WHITE)
    hands = [box((0.008, 0.065, 0.005), (0, 0.16, 0.033)), box((0.05, 0.008, 0.005), (0.025, 0.13, 0.034))]
    rig.add("hands", hands, DARK)
    return rig.parts


def _key(body: RGB) -> list[Part]:
    rig = Rig()
    ring = [box((0.05, 0.006, 0.012), (0, 0.003, z)) for z in (0.02, -0.02)]
    ring += [box((0.012, 0.006, 0.05), (x, 0.003, 0)) for x in (0.02, -0.02)]
    rig.add("bow", ring, body)
    teeth = [box((0.012, 0.006, 0.02), (0.0, 0.003, -0.03 - 0.03 * k)) for k in range(3)]
    rig.add(
        "shaft",
        [box((0.012, 0.006, 0.1), (0, 0.003, -0.075)), *[t.apply_translation((0.012, 0, 0)) for t in teeth]],
        shade(body, 0.85),
    )
    return rig.parts


# --- toys -------------------------------------------------------------------------------------------------------


def _kite(body: RGB) -> list[Part]:
    rig = Rig()
    rig.add("sail", [diamond(0.7, 1.0, 0.04, (0, 1.3, 0))], body)
    rig.add("spars", [box((0.7, 0.02, 0.05), (0, 1.3, 0)), box((0.02, 1.0, 0.05), (0, 1.2, 0))], DARK_WOOD)
    bows = [
        turned(box((0.1, 0.04, 0.02), (0, 0.65 - 0.2 * k, 0)), 0.5, (0, 0, 1), (0, 0.65 - 0.2 * k, 0)) for k in range(3)
    ]
    rig.add(
        "tail", [box((0.01, 0.6, 0.01), (0, 0.35, 0)), *bows], RED, offset=(0, 0.02, 0), axis=(0, 0, 1), role="tail"
    )
    return rig.parts


def _teddy(body: RGB) -> list[Part]:
    rig = Rig()
    bear = [sphere(0.1, (0, 0.12, 0), (1.0, 1.1, 0.85)), sphere(0.075, (0, 0.29, 0.01))]
    bear += [sphere(0.03, (s * 0.055, 0.35, 0), detail=0) for s in (1, -1)]
    bear += [capsule(0.035, 0.12, (s * 0.06, 0.035, 0.07), axis="z") for s in (1, -1)]
    bear += [capsule(0.03, 0.12, (s * 0.11, 0.15, 0.02)) for s in (1, -1)]
    rig.add("bear", bear, body)
    rig.add(
        "muzzle",
        [sphere(0.03, (0, 0.27, 0.07), detail=0), sphere(0.055, (0, 0.12, 0.06), (1, 1, 0.5), detail=0)],
        shade(body, 1.35),
    )
    rig.add("eyes", [box((0.015, 0.015, 0.01), (s * 0.028, 0.31, 0.07)) for s in (1, -1)], DARK)
    return rig.parts


def _balloon(body: RGB) -> list[Part]:
    rig = Rig()
    rig.add("balloon", [sphere(0.15, (0, 1.0, 0), (1.0, 1.2, 1.0)), cone(0.02, 0.03, (0, 0.8, 0), sections=5)], body)
    rig.add("string", [cylinder(0.003, 0.8, (0, 0.4, 0), sections=4)], WHITE)
    return rig.parts


def _surfboard(body: RGB) -> list[Part]:
    rig = Rig()
    rig.add("board", [sphere(1.0, (0, 0.03, 0), (0.28, 0.03, 1.0))], body)
    rig.add("stripe", [box((0.06, 0.062, 1.6), (0, 0.03, 0))], WHITE)
    rig.add("fin", [box((0.01, 0.06, 0.1), (0, 0.0, -0.85))], DARK)
    return rig.parts


def _skateboard(body: RGB) -> list[Part]:
    rig = Rig()
    rig.add(
        "deck",
        [capsule(0.1, 0.8, (0, 0.09, 0), axis="z").apply_scale((1.0, 0.12, 1.0)).apply_translation((0, 0.08, 0))],
        body,
    )
    rig.add("trucks", [box((0.16, 0.02, 0.04), (0, 0.06, z)) for z in (0.25, -0.25)], METAL)
    for k, z in enumerate((0.25, -0.25)):
        for side in (1, -1):
            rig.add(
                f"wheel_{k}{side}",
                [cylinder(0.027, 0.03, (0, 0, 0), "x", 8)],
                CREAM,
                offset=(side * 0.09, 0.027, z),
                role="wheel",
            )
    return rig.parts


#: kind -> (builder, default body colour in sRGB, articulated), by family.
FAMILIES: dict[str, tuple[Builder, RGB, bool]] = {
    # sea animals
    "whale": (partial(_swimmer, spec=Swimmer(12.0, 4.4, dorsal=0.05)), (0.3, 0.36, 0.45), True),
    "dolphin": (partial(_swimmer, spec=Swimmer(2.5, 0.55, dorsal=0.5, beak=0.12)), (0.5, 0.58, 0.66), True),
    "shark": (
        partial(_swimmer, spec=Swimmer(3.5, 0.75, upright_tail=True, dorsal=0.8, belly=WHITE)),
        (0.45, 0.5, 0.56),
        True,
    ),
    "octopus": (_octopus, (0.85, 0.35, 0.4), True),
    "crab": (_crab, (0.9, 0.3, 0.15), True),
    "turtle": (_turtle, (0.35, 0.45, 0.25), True),
    # insects and spiders
    "bee": (
        partial(_insect, spec=Insect(0.012, 0.016, 0.022, span=0.09, bands=BLACK, leg_color=DARK)),
        (0.95, 0.75, 0.1),
        True,
    ),
    "butterfly": (
        partial(_insect, spec=Insect(0.008, 0.01, 0.012, span=0.22, wing_color=(0.95, 0.55, 0.1), wing_tilt=1.1)),
        DARK,
        True,
    ),
    "ant": (partial(_insect, spec=Insect(0.016, 0.014, 0.024)), (0.25, 0.1, 0.06), True),
    "spider": (partial(_insect, spec=Insect(0.012, 0.022, 0.03, legs=4)), (0.15, 0.12, 0.12), True),
    "ladybug": (partial(_insect, spec=Insect(0.014, 0.02, 0.045, dome=True)), RED, True),
    # reptiles and amphibians
    "snake": (partial(_reptile, spec=Reptile(1.5, 0.07, 0.06, 0.0, 0.0)), (0.35, 0.55, 0.2), True),
    "lizard": (partial(_reptile, spec=Reptile(0.14, 0.06, 0.25, 1.2, 0.035)), (0.45, 0.65, 0.3), True),
    "crocodile": (partial(_reptile, spec=Reptile(1.8, 0.55, 0.35, 0.9, 0.25, ridges=True)), (0.3, 0.4, 0.22), True),
    "frog": (_frog, (0.35, 0.7, 0.25), False),
    # vehicles
    "motorbike": (_motorbike, (0.1, 0.2, 0.6), True),
    "helicopter": (_helicopter, (0.85, 0.2, 0.15), True),
    "drone": (_drone, (0.85, 0.85, 0.88), True),
    "train": (_train, (0.15, 0.4, 0.25), True),
    "ship": (_ship, (0.15, 0.2, 0.3), False),
    "submarine": (_submarine, (0.95, 0.8, 0.15), True),
    # buildings
    "lighthouse": (_lighthouse, WHITE, False),
    "castle": (_castle, (0.7, 0.68, 0.62), False),
    "shop": (_shop, (0.9, 0.82, 0.62), False),
    "barn": (_barn, (0.7, 0.15, 0.12), False),
    "tent": (_tent, (0.95, 0.6, 0.15), False),
    # furniture
    "desk": (_desk, WOOD, False),
    "shelf": (_shelf, DARK_WOOD, False),
    "cupboard": (_cupboard, (0.8, 0.72, 0.6), False),
    # plants
    "cactus": (_cactus, (0.3, 0.55, 0.3), False),
    "palm": (_palm, (0.25, 0.6, 0.2), False),
    "mushroom": (_mushroom, (0.85, 0.15, 0.12), False),
    "grass": (_grass, (0.35, 0.65, 0.25), False),
    # food and dishes
    "burger": (_burger, (0.85, 0.6, 0.3), False),
    "pizza": (_pizza, (0.92, 0.78, 0.5), False),
    "cake": (_cake, (0.95, 0.6, 0.7), False),
    "apple": (_apple, (0.85, 0.12, 0.1), False),
    "bread": (_bread, (0.8, 0.55, 0.25), False),
    "cup": (_cup, WHITE, False),
    "mug": (_mug, (0.2, 0.45, 0.75), False),
    "plate": (_plate, WHITE, False),
    "bowl": (_bowl, (0.9, 0.88, 0.82), False),
    "spoon": (_spoon, METAL, False),
    "bottle": (_bottle, (0.3, 0.6, 0.35), False),
    # instruments
    "guitar": (_guitar, (0.8, 0.5, 0.2), False),
    "violin": (partial(_guitar, scale=0.55, bow=True), (0.6, 0.28, 0.1), False),
    "drum": (_drum, RED, False),
    "piano": (_piano, BLACK, False),
    "trumpet": (_trumpet, BRASS, False),
    # tools and devices
    "phone": (_phone, DARK, False),
    "laptop": (_laptop, METAL, False),
    "camera": (_camera, (0.2, 0.2, 0.22), False),
    "book": (_book, (0.6, 0.15, 0.15), False),
    "umbrella": (_umbrella, (0.2, 0.35, 0.8), False),
    "lantern": (_lantern, DARK, False),
    "hammer": (_hammer, WOOD, False),
    "sword": (_sword, METAL, False),
    "telescope": (_telescope, BRASS, False),
    "clock": (_clock, RED, False),
    "key": (_key, GOLD, False),
    # toys
    "kite": (_kite, (0.95, 0.3, 0.5), True),
    "teddy": (_teddy, (0.65, 0.42, 0.22), False),
    "balloon": (_balloon, RED, False),
    "surfboard": (_surfboard, (0.2, 0.7, 0.8), False),
    "skateboard": (_skateboard, (0.25, 0.25, 0.3), True),
}
