"""The world of one location: articulated trimesh objects moving on one timeline.

Every shot filmed at a location samples the same :class:`World` over its own time range, so whatever moved in one
shot is still moved in the next. An object is a small rig of rigid :class:`Part` s (a dog's body, head, four legs
and tail); its :class:`Track` says where its root is and which action :class:`Clip` plays at each instant, and
``animation.joint_angles`` turns a clip into limb angles. Renderers see the world as one set of vertex arrays with
a part index per vertex plus a (T, P, 4, 4) array of part transforms, so a frame is a single draw call.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import trimesh
from numpy.typing import NDArray

from storyreel import geometry
from storyreel.atomic import write_bytes
from storyreel.geometry import Array
from storyreel.schema import Location
from storyreel.world import animation
from storyreel.world.rig import Asset, Track


@dataclass
class WorldObject:
    """One placed thing: an asset, its scale, its track, and the instance id it renders with (1-based).
    Something that does not ``block_view`` (falling snow, rain) is left out of occlusion tests; one that ``rides``
    another (a knight his horse) covers it as a rider does, which hides nothing of it."""

    name: str
    asset: Asset
    track: Track
    instance_id: int
    scale: float = 1.0
    is_character: bool = False
    blocks_view: bool = True
    rides: str = ""

    def root_matrices(self, times: Array, ahead: float = 0.0) -> Array:
        """(T, 4, 4) object-to-world transforms (``ahead`` seconds on from each time, see ``Track.sample_ahead``)."""
        positions, yaws = self.track.sample_ahead(times, ahead) if ahead else self.track.sample(times)
        matrices = geometry.rotations_y(yaws)
        matrices[:, :3, :3] *= self.scale
        matrices[:, :3, 3] = positions
        return matrices

    def part_matrices(self, times: Array, ahead: float = 0.0) -> Array:
        """(T, P, 4, 4) part-to-world transforms, articulated by the clip playing at each time (``ahead`` seconds
        on from each time, see ``Track.sample_ahead``)."""
        times = np.asarray(times, dtype=float)
        roots = self.root_matrices(times, ahead)
        angles = animation.joint_angles(self.asset, self.track, times + ahead) if self.asset.animate else None
        out = np.empty((len(times), len(self.asset.parts), 4, 4))
        for index, part in enumerate(self.asset.parts):
            local = np.broadcast_to(geometry.translation(part.offset), (len(times), 4, 4))
            if angles is not None and np.any(angles[:, index]):
                local = local @ geometry.rotations_axis(part.axis, angles[:, index])
            parent = roots if part.parent < 0 else out[:, part.parent]
            out[:, index] = parent @ local
        return out

    def center(self, time: float) -> Array:
        """World position of the middle of the object's rest bounds at ``time`` (what a camera frames)."""
        root = self.root_matrices(np.array([time]))[0]
        middle = self.asset.bounds.mean(axis=0)
        return trimesh.transform_points(middle[None], root)[0]

    def height(self) -> float:
        return self.asset.height * self.scale


GLOW = 2.0  # added to the vertex colours of a glowing part: the shader draws a colour at or above it unlit


@dataclass
class RenderArrays:
    """The whole world as flat vertex arrays (one draw call): positions and normals in each part's frame, linear
    RGB colours (raised by :data:`GLOW` on glowing parts), the global part index each vertex rides on, and its
    object's instance id (0 = environment)."""

    positions: NDArray[np.float32]
    normals: NDArray[np.float32]
    colors: NDArray[np.float32]
    part_index: NDArray[np.float32]
    instance_id: NDArray[np.float32]
    parts: int


@dataclass
class World:
    """One location's persistent scene. ``environment`` objects (ground, terrain, sky dome) have instance id 0."""

    location: Location
    objects: list[WorldObject]
    environment: list[WorldObject]
    sky_top: tuple[float, float, float]
    sky_horizon: tuple[float, float, float]
    sun_direction: Array
    sun_color: tuple[float, float, float]
    ambient: float
    fog: float = 0.0
    duration: float = 0.0

    @property
    def all_objects(self) -> list[WorldObject]:
        return [*self.environment, *self.objects]

    def object(self, name: str) -> WorldObject:
        for obj in self.objects:
            if obj.name == name:
                return obj
        raise KeyError(f"no object {name!r} in world {self.location.id!r}")

    def saddled_with(self, name: str) -> list[WorldObject]:
        """Who rides ``name`` and what ``name`` rides: a rider and its mount, seen together, hide nothing of
        each other."""
        mount = self.object(name).rides
        return [*self.riders_of(name), *([self.object(mount)] if mount else [])]

    def riders_of(self, name: str) -> list[WorldObject]:
        """The objects that ride ``name`` (its rider in the saddle)."""
        return [obj for obj in self.objects if obj.rides == name]

    def part_matrices(self, times: Array, ahead: float = 0.0) -> Array:
        """(T, P, 4, 4) transforms of every part of every object, in :meth:`render_arrays` order (``ahead`` seconds
        on from each time, see ``Track.sample_ahead``)."""
        times = np.asarray(times, float)
        return np.concatenate([obj.part_matrices(times, ahead) for obj in self.all_objects], axis=1)

    def render_arrays(self) -> RenderArrays:
        positions, normals, colors, part_index, instance = [], [], [], [], []
        index = 0
        for obj in self.all_objects:
            for part in obj.asset.parts:
                mesh = part.mesh
                triangles = mesh.vertices[mesh.faces].reshape(-1, 3)
                face_normals = np.repeat(mesh.face_normals, 3, axis=0)
                positions.append(triangles)
                normals.append(face_normals)
                colors.append(np.broadcast_to(np.asarray(part.color) + (GLOW if part.glow else 0.0), triangles.shape))
                part_index.append(np.full(len(triangles), index))
                instance.append(np.full(len(triangles), obj.instance_id))
                index += 1
        return RenderArrays(
            positions=np.concatenate(positions).astype(np.float32),
            normals=np.concatenate(normals).astype(np.float32),
            colors=np.concatenate(colors).astype(np.float32),
            part_index=np.concatenate(part_index).astype(np.float32),
            instance_id=np.concatenate(instance).astype(np.float32),
            parts=index,
        )

    def scene_at(self, time: float, include_environment: bool = True) -> trimesh.Scene:
        """A posed trimesh scene at ``time``: one node per part, named ``object/part``."""
        scene = trimesh.Scene()
        objects = self.all_objects if include_environment else self.objects
        for obj in objects:
            matrices = obj.part_matrices(np.array([time]))[0]
            for part, matrix in zip(obj.asset.parts, matrices, strict=True):
                mesh = part.mesh.copy()
                mesh.visual = trimesh.visual.ColorVisuals(mesh, face_colors=_rgba8(part.color))
                scene.add_geometry(mesh, node_name=f"{obj.name}/{part.name}", transform=matrix)
        return scene

    def posed_mesh(self, time: float, objects: list[WorldObject]) -> trimesh.Trimesh:
        """``objects`` posed at ``time`` as one world-space mesh, for ray tests."""
        meshes = []
        for obj in objects:
            matrices = obj.part_matrices(np.array([time]))[0]
            for part, matrix in zip(obj.asset.parts, matrices, strict=True):
                meshes.append(part.mesh.copy().apply_transform(matrix))
        merged = trimesh.util.concatenate(meshes) if meshes else trimesh.Trimesh()
        assert isinstance(merged, trimesh.Trimesh)
        return merged

    def occlusion(self, eyes: Array, subject: str, time: float, samples: int = 16) -> Array:
        """For each eye in ``eyes`` (E, 3): the share of rays to points on ``subject`` that hit something else
        first (0 = fully visible). The flat ground is left out: it cannot hide what stands on it; so are the rider
        and the mount of ``subject`` (:meth:`saddled_with`)."""
        eyes = np.atleast_2d(np.asarray(eyes, dtype=float))
        target = self.object(subject)
        surface = self.posed_mesh(time, [target])
        points = np.vstack([target.center(time)[None], trimesh.sample.sample_surface(surface, samples, seed=0)[0]])
        saddled = {o.name for o in self.saddled_with(subject)}
        others = [
            o
            for o in self.all_objects
            if o is not target and o.blocks_view and o.asset.kind != "ground" and o.name not in saddled
        ]
        blockers = self.posed_mesh(time, others)
        if not len(blockers.faces):
            return np.zeros(len(eyes))
        origins = np.repeat(eyes, len(points), axis=0)
        directions = np.tile(points, (len(eyes), 1)) - origins
        distances = np.linalg.norm(directions, axis=1)
        directions /= distances[:, None]
        locations, ray_index, _ = blockers.ray.intersects_location(origins, directions, multiple_hits=False)
        blocked = np.zeros(len(origins), bool)
        if len(ray_index):
            hit_distance = np.linalg.norm(locations - origins[ray_index], axis=1)
            blocked[ray_index[hit_distance < distances[ray_index] - 0.05]] = True
        return blocked.reshape(len(eyes), len(points)).mean(axis=1)

    def export_glb(self, path: Path, time: float = 0.0) -> None:
        """Write the world posed at ``time`` as a binary glTF, atomically."""
        write_bytes(path, self.scene_at(time).export(file_type="glb"))


def _rgba8(color: tuple[float, float, float]) -> NDArray[np.uint8]:
    return np.array([*(np.clip(np.asarray(color), 0, 1) * 255).round(), 255], dtype=np.uint8)
