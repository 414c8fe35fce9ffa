"""Each shot's camera in its location's GLB: a perspective camera node and a glTF animation per shot.

trimesh writes a world posed at one time and no animations, so the cameras are added afterwards with pygltflib:
the scene's own nodes, meshes and buffer data stay as they were, and the keyframes are appended to the GLB's one
binary chunk. glTF cameras look down -z with +y up, as :class:`CameraPath` does, so poses carry over unchanged; only
the quaternion's order moves from (w, x, y, z) to glTF's (x, y, z, w).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pygltflib
from numpy.typing import NDArray

from storyreel.atomic import write_bytes
from storyreel.schema import CameraPath
from storyreel.tools.render.raster import FAR, NEAR

#: Animates a camera's yfov (``/cameras/N/perspective/yfov``); loaders without it ignore that channel alone.
ANIMATION_POINTER = "KHR_animation_pointer"


@dataclass(frozen=True)
class ShotCamera:
    """One shot's camera: its path, where the shot starts on the film's timeline (seconds) and the frame's aspect
    (width over height)."""

    shot_id: str
    path: CameraPath
    start: float
    aspect: float = 16 / 9


def add_cameras(glb: Path, cameras: list[ShotCamera]) -> None:
    """Add to the GLB at ``glb``, atomically, a camera node per shot (named by the shot id, posed at its first
    frame, with the renderer's near and far planes) and an animation per shot of the same name: translation,
    rotation (LINEAR) and, through KHR_animation_pointer, yfov, keyed at each frame from 0 s. Each animation plays
    on its own; its ``extras`` hold the shot's start on the film's timeline and its fps."""
    gltf = pygltflib.GLTF2.load_from_bytes(Path(glb).read_bytes())
    blob = bytearray(gltf.binary_blob() or b"")
    scene = gltf.scenes[gltf.scene or 0]
    for camera in cameras:
        path = camera.path
        xyzw = np.asarray(path.orientations, dtype=np.float64)[:, [1, 2, 3, 0]]
        rotations = xyzw / np.linalg.norm(xyzw, axis=1, keepdims=True)
        yfov = np.radians(np.asarray(path.fov_y))
        times = _accessor(gltf, blob, np.arange(path.frames) / path.fps, pygltflib.SCALAR, bounds=True)
        translation = _accessor(gltf, blob, np.asarray(path.positions), pygltflib.VEC3)
        rotation = _accessor(gltf, blob, rotations, pygltflib.VEC4)
        fov = _accessor(gltf, blob, yfov, pygltflib.SCALAR)
        gltf.cameras.append(
            pygltflib.Camera(
                name=camera.shot_id,
                type=pygltflib.PERSPECTIVE,
                perspective=pygltflib.Perspective(aspectRatio=camera.aspect, yfov=float(yfov[0]), znear=NEAR, zfar=FAR),
            )
        )
        node = len(gltf.nodes)
        gltf.nodes.append(
            pygltflib.Node(
                name=camera.shot_id,
                camera=len(gltf.cameras) - 1,
                translation=[float(v) for v in path.positions[0]],
                rotation=[float(v) for v in rotations[0]],
            )
        )
        scene.nodes.append(node)
        pointer = {ANIMATION_POINTER: {"pointer": f"/cameras/{len(gltf.cameras) - 1}/perspective/yfov"}}
        targets = [
            pygltflib.AnimationChannelTarget(node=node, path=pygltflib.TRANSLATION),
            pygltflib.AnimationChannelTarget(node=node, path=pygltflib.ROTATION),
            pygltflib.AnimationChannelTarget(path="pointer", extensions=pointer),
        ]
        gltf.animations.append(
            pygltflib.Animation(
                name=camera.shot_id,
                samplers=[
                    pygltflib.AnimationSampler(input=times, output=output, interpolation=pygltflib.ANIM_LINEAR)
                    for output in (translation, rotation, fov)
                ],
                channels=[pygltflib.AnimationChannel(sampler=i, target=target) for i, target in enumerate(targets)],
                extras={"start_s": camera.start, "fps": path.fps},
            )
        )
    if cameras and ANIMATION_POINTER not in gltf.extensionsUsed:
        gltf.extensionsUsed.append(ANIMATION_POINTER)
    gltf.buffers[0].byteLength = len(blob)
    gltf.set_binary_blob(bytes(blob))
    write_bytes(glb, b"".join(gltf.save_to_bytes()))


def _accessor(
    gltf: pygltflib.GLTF2, blob: bytearray, values: NDArray[np.float64], kind: str, bounds: bool = False
) -> int:
    """Append ``values`` as float32 to ``blob`` (4-byte aligned) in a buffer view of their own; return the index of
    the accessor that reads them. ``bounds``: give its min and max (glTF requires them of animation inputs)."""
    data = np.ascontiguousarray(values, dtype="<f4")
    blob.extend(b"\0" * (-len(blob) % 4))
    gltf.bufferViews.append(pygltflib.BufferView(buffer=0, byteOffset=len(blob), byteLength=data.nbytes))
    blob.extend(data.tobytes())
    flat = data.reshape(len(data), -1)
    gltf.accessors.append(
        pygltflib.Accessor(
            bufferView=len(gltf.bufferViews) - 1,
            componentType=pygltflib.FLOAT,
            count=len(data),
            type=kind,
            min=[float(v) for v in flat.min(axis=0)] if bounds else None,
            max=[float(v) for v in flat.max(axis=0)] if bounds else None,
        )
    )
    return len(gltf.accessors) - 1
