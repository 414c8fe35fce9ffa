"""A location's GLB with its shots' cameras added: camera nodes, one animation per shot keyed at every frame, the
scene's own geometry intact, and a well-formed GLB."""

from __future__ import annotations

import struct
import warnings
from pathlib import Path

import numpy as np
import pygltflib
import pytest
import trimesh
from pygltflib import validator

from storyreel.schema import Action, CameraMove, Character, Location, LocationKind, Shot, ShotSize, Storyboard
from storyreel.tools.camera import direct_camera
from storyreel.tools.scene import build_world
from storyreel.tools.scene_cameras import ShotCamera, add_cameras

FPS = 12
ASPECT = 2.0


def _cameras(tmp_path: Path) -> tuple[Path, list[ShotCamera]]:
    """The park's GLB and two shots' cameras: a walk panned wide, then a static medium shot."""
    shots = [
        Shot(
            id="walk",
            location="park",
            duration=2.0,
            subjects=["mia"],
            actions=[Action(actor="mia", verb="walk")],
            size=ShotSize.WIDE,
            move=CameraMove.PAN,
        ),
        Shot(id="rest", location="park", duration=1.5, subjects=["mia"], size=ShotSize.MEDIUM),
    ]
    board = Storyboard(
        title="t",
        cast=[Character(id="mia", name="Mia", kind="person")],
        locations=[Location(id="park", name="park", kind=LocationKind.PARK)],
        shots=shots,
    )
    world = build_world(board, "park", seed=0)
    glb = tmp_path / "park.glb"
    world.export_glb(glb, time=0.0)
    cameras, start = [], 0.0
    for shot in shots:
        path = direct_camera(world, shot, start=start, fps=FPS, aspect=ASPECT, director="baseline")
        cameras.append(ShotCamera(shot_id=shot.id, path=path, start=start, aspect=ASPECT))
        start += shot.duration
    return glb, cameras


def _values(gltf: pygltflib.GLTF2, index: int) -> np.ndarray:
    """An accessor's floats, one row per element, read from the GLB's binary chunk."""
    accessor = gltf.accessors[index]
    view = gltf.bufferViews[accessor.bufferView]
    width = {pygltflib.SCALAR: 1, pygltflib.VEC3: 3, pygltflib.VEC4: 4}[accessor.type]
    assert accessor.componentType == pygltflib.FLOAT
    offset = view.byteOffset + (accessor.byteOffset or 0)
    assert offset + accessor.count * width * 4 <= view.byteOffset + view.byteLength
    data = np.frombuffer(gltf.binary_blob(), "<f4", count=accessor.count * width, offset=offset)
    return data.reshape(accessor.count, width)


def test_each_shot_has_a_camera_node_and_an_animation_keyed_at_every_frame(tmp_path: Path) -> None:
    glb, cameras = _cameras(tmp_path)
    add_cameras(glb, cameras)
    gltf = pygltflib.GLTF2.load(glb)

    camera_nodes = [node for node in gltf.nodes if node.camera is not None]
    assert [node.name for node in camera_nodes] == ["walk", "rest"]
    assert [gltf.nodes.index(node) for node in camera_nodes] == gltf.scenes[gltf.scene].nodes[-2:]
    assert [animation.name for animation in gltf.animations] == ["walk", "rest"]
    assert gltf.extensionsUsed == ["KHR_animation_pointer"] and not gltf.extensionsRequired
    for node, animation, camera in zip(camera_nodes, gltf.animations, cameras, strict=True):
        path = camera.path
        lens = gltf.cameras[node.camera]
        assert lens.name == camera.shot_id and lens.type == "perspective"
        assert lens.perspective.yfov == pytest.approx(np.radians(path.fov_y[0]))
        assert lens.perspective.aspectRatio == ASPECT
        assert animation.extras == {"start_s": camera.start, "fps": FPS}
        by_path = {channel.target.path: animation.samplers[channel.sampler] for channel in animation.channels}
        assert set(by_path) == {"translation", "rotation", "pointer"}
        assert all(sampler.interpolation == "LINEAR" for sampler in animation.samplers)
        assert all(c.target.node == gltf.nodes.index(node) for c in animation.channels if c.target.path != "pointer")
        pointer = next(c for c in animation.channels if c.target.path == "pointer").target.extensions
        assert pointer == {"KHR_animation_pointer": {"pointer": f"/cameras/{node.camera}/perspective/yfov"}}

        times = _values(gltf, by_path["translation"].input)[:, 0]
        assert len(times) == path.frames > 10
        assert times[0] == 0.0 and times[-1] == pytest.approx((path.frames - 1) / path.fps)
        assert gltf.accessors[by_path["translation"].input].max == [pytest.approx(times[-1])]
        positions = _values(gltf, by_path["translation"].output)
        assert np.allclose(positions[0], path.positions[0], atol=1e-5)
        assert np.allclose(positions, path.positions, atol=1e-4)
        assert np.allclose(node.translation, path.positions[0])
        rotations = _values(gltf, by_path["rotation"].output)
        w, x, y, z = np.asarray(path.orientations).T
        assert np.allclose(np.abs(np.sum(rotations * np.stack([x, y, z, w], axis=1), axis=1)), 1.0, atol=1e-5)
        assert np.allclose(_values(gltf, by_path["pointer"].output)[:, 0], np.radians(path.fov_y), atol=1e-6)
    walk = cameras[0].path
    assert not np.allclose(walk.orientations[0], walk.orientations[-1])  # the pan turns the camera


def test_the_scene_is_intact_and_the_glb_well_formed(tmp_path: Path) -> None:
    glb, cameras = _cameras(tmp_path)
    before = trimesh.load(glb)
    meshes = len(pygltflib.GLTF2.load(glb).meshes)
    add_cameras(glb, cameras)
    after = trimesh.load(glb)
    assert len(after.geometry) == len(before.geometry) > 5
    for name, mesh in before.geometry.items():
        assert np.array_equal(after.geometry[name].vertices, mesh.vertices)
        assert np.array_equal(after.geometry[name].faces, mesh.faces)

    data = glb.read_bytes()
    magic, version, length = struct.unpack_from("<4sII", data)
    assert (magic, version, length) == (b"glTF", 2, len(data))
    json_length, json_type = struct.unpack_from("<I4s", data, 12)
    bin_length, bin_type = struct.unpack_from("<I4s", data, 20 + json_length)
    assert (json_type, bin_type) == (b"JSON", b"BIN\0")
    assert 28 + json_length + bin_length == len(data) and json_length % 4 == 0 and bin_length % 4 == 0
    gltf = pygltflib.GLTF2.load(glb)
    assert len(gltf.meshes) == meshes and len(gltf.buffers) == 1
    assert bin_length - 3 <= gltf.buffers[0].byteLength <= bin_length
    for view in gltf.bufferViews:
        assert view.byteOffset % 4 == 0 and view.byteOffset + view.byteLength <= gltf.buffers[0].byteLength
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pygltflib calls its validator provisional
        assert validator.validate(gltf) == []
    again = pygltflib.GLTF2.load_from_bytes(b"".join(gltf.save_to_bytes()))
    assert again.to_json() == gltf.to_json() and again.binary_blob() == gltf.binary_blob()
