"""Shape primitives for the asset library: small watertight meshes placed in a part's own frame, shared colours,
and :class:`Rig`, which collects an asset's parts. Colours are given in sRGB and stored linear."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import trimesh
from numpy.typing import NDArray

from storyreel import geometry
from storyreel.geometry import Array
from storyreel.world.rig import Part

Vec3 = Sequence[float]
RGB = tuple[float, float, float]

# Secondary colours shared across kinds (sRGB).
SKIN: RGB = (0.87, 0.68, 0.55)
DARK: RGB = (0.08, 0.08, 0.1)
TYRE: RGB = (0.12, 0.12, 0.13)
GLASS: RGB = (0.55, 0.72, 0.85)
WOOD: RGB = (0.55, 0.36, 0.2)
DARK_WOOD: RGB = (0.36, 0.22, 0.12)
LEAF: RGB = (0.25, 0.55, 0.2)
WHITE: RGB = (0.95, 0.95, 0.93)
METAL: RGB = (0.6, 0.62, 0.66)
BLACK: RGB = (0.06, 0.06, 0.07)
CREAM: RGB = (0.96, 0.93, 0.86)


def merge(meshes: Sequence[trimesh.Trimesh]) -> trimesh.Trimesh:
    """One mesh from several, vertices kept apart (so closed pieces stay closed)."""
    if len(meshes) == 1:
        return meshes[0]
    merged = trimesh.util.concatenate(list(meshes))
    assert isinstance(merged, trimesh.Trimesh)
    return merged


def srgb_to_linear(color: Sequence[float] | NDArray[np.float64]) -> RGB:
    """One sRGB colour in [0, 1] -> linear RGB (what the renderer's shading expects)."""
    c = np.clip(np.asarray(color, dtype=float), 0.0, 1.0)
    linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return (float(linear[0]), float(linear[1]), float(linear[2]))


# --- primitives: small watertight meshes placed in a part's own frame -------------------------------------------


def box(size: Vec3, center: Vec3 = (0.0, 0.0, 0.0)) -> trimesh.Trimesh:
    return trimesh.creation.box(extents=size, transform=geometry.translation(np.asarray(center, float)))


def _along(axis: str) -> Array:
    """Rotation taking trimesh's +z primitive axis to ``axis``."""
    if axis == "y":
        return geometry.rotation_x(-np.pi / 2)
    if axis == "x":
        return geometry.rotation_y(np.pi / 2)
    return np.eye(4)


def cylinder(radius: float, length: float, center: Vec3, axis: str = "y", sections: int = 8) -> trimesh.Trimesh:
    mesh = trimesh.creation.cylinder(radius=radius, height=length, sections=sections)
    return mesh.apply_transform(geometry.translation(np.asarray(center, float)) @ _along(axis))


def capsule(radius: float, length: float, center: Vec3, axis: str = "y") -> trimesh.Trimesh:
    """A capsule ``length`` long end to end."""
    mesh = trimesh.creation.capsule(height=max(length - 2 * radius, 1e-3), radius=radius, count=[6, 6])
    return mesh.apply_transform(geometry.translation(np.asarray(center, float)) @ _along(axis))


def sphere(radius: float, center: Vec3, stretch: Vec3 = (1.0, 1.0, 1.0), detail: int = 1) -> trimesh.Trimesh:
    mesh = trimesh.creation.icosphere(subdivisions=detail, radius=radius)
    mesh.apply_scale(np.asarray(stretch, float))
    return mesh.apply_translation(np.asarray(center, float))


def cone(radius: float, height: float, base: Vec3, axis: str = "y", sections: int = 8) -> trimesh.Trimesh:
    mesh = trimesh.creation.cone(radius=radius, height=height, sections=sections)
    return mesh.apply_transform(geometry.translation(np.asarray(base, float)) @ _along(axis))


def frustum(bottom: float, top: float, height: float, base: Vec3, sections: int = 10) -> trimesh.Trimesh:
    """An upright truncated cone: radius ``bottom`` at ``base``, ``top`` at ``height`` above it (a skirt, a cup)."""
    mesh = trimesh.creation.cylinder(radius=bottom, height=height, sections=sections)
    upper = mesh.vertices[:, 2] > 0
    mesh.vertices[upper, :2] *= top / bottom
    mesh.apply_transform(geometry.translation(np.asarray(base, float) + np.array([0, height / 2, 0])) @ _along("y"))
    return mesh


def prism(width: float, height: float, depth: float, base: Vec3) -> trimesh.Trimesh:
    """A gable roof: a triangular prism ``width`` (x) by ``depth`` (z), ridge ``height`` above ``base``."""
    profile = np.array([[-width / 2, 0.0], [width / 2, 0.0], [0.0, height]])
    vertices = np.array([[x, y, z] for z in (-depth / 2, depth / 2) for x, y in profile]) + np.asarray(base, float)
    faces = [[0, 2, 1], [3, 4, 5], [0, 1, 4], [0, 4, 3], [1, 2, 5], [1, 5, 4], [2, 0, 3], [2, 3, 5]]
    return trimesh.Trimesh(vertices, faces, process=False)


class Rig:
    """Collects parts in parent-before-child order."""

    def __init__(self) -> None:
        self.parts: list[Part] = []

    def add(
        self,
        name: str,
        meshes: Sequence[trimesh.Trimesh],
        color: Sequence[float],
        *,
        parent: int = -1,
        offset: Vec3 = (0.0, 0.0, 0.0),
        axis: Vec3 = (1.0, 0.0, 0.0),
        role: str = "",
    ) -> int:
        self.parts.append(
            Part(
                name=name,
                mesh=merge(meshes),
                color=srgb_to_linear(color),
                parent=parent,
                offset=np.asarray(offset, dtype=float),
                axis=np.asarray(axis, dtype=float),
                role=role,
            )
        )
        return len(self.parts) - 1


def shade(color: RGB, factor: float) -> RGB:
    r, g, b = (min(channel * factor, 1.0) for channel in color)
    return (r, g, b)


def mirror_y(pivot: float) -> Array:
    """Flip a mesh upside down about height ``pivot`` (a nozzle is a cone opening downwards)."""
    return (
        geometry.translation(np.array([0, pivot, 0]))
        @ geometry.rotation_x(np.pi)
        @ geometry.translation(np.array([0, -pivot, 0]))
    )
