"""Raster throughput: a ~100-part world filmed for 240 frames at 1280x720.

Prints frames/s of the full render (image, instance ids, depth, next depth and exact flow all read back into numpy)
against the image-only render of the same world as the baseline, in the same process, then one JSON line.

    python bench/bench_raster.py [--frames 240] [--resolution 1280x720] [--style toon]   (storyreel importable)
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable

import numpy as np
import trimesh

from storyreel import geometry
from storyreel.schema import CameraPath, Location, Resolution, Style, Verb
from storyreel.tools.render.raster import RasterRenderer
from storyreel.world.rig import Asset, Clip, Part, Track
from storyreel.world.world import World, WorldObject

FPS = 24


def figure(rng: np.random.Generator) -> Asset:
    """A five-part figure (body, head, two legs, tail) from trimesh primitives, around a few hundred triangles."""
    color = tuple(rng.uniform(0.2, 0.9, 3))
    leg = trimesh.creation.cylinder(radius=0.08, height=0.5, sections=10)
    leg.apply_translation([0.0, -0.25, 0.0])
    parts = [
        Part(
            "body",
            trimesh.creation.capsule(height=0.6, radius=0.25, count=[10, 10]),
            color,
            offset=np.array([0, 0.8, 0]),
        ),
        Part(
            "head",
            trimesh.creation.icosphere(subdivisions=2, radius=0.2),
            color,
            parent=0,
            offset=np.array([0, 0.3, 0.45]),
        ),
        Part("leg_l", leg, (0.2, 0.2, 0.2), parent=0, offset=np.array([0.15, -0.25, 0.0]), role="leg_fl"),
        Part("leg_r", leg.copy(), (0.2, 0.2, 0.2), parent=0, offset=np.array([-0.15, -0.25, 0.0]), role="leg_fr"),
        Part("tail", trimesh.creation.box(extents=(0.06, 0.06, 0.4)), color, parent=0, offset=np.array([0, 0.1, -0.5])),
    ]
    return Asset("dog", parts, animate=True)


def bench_world(figures: int = 18, props: int = 10) -> World:
    """A ground, ``figures`` walking five-part figures and ``props`` still boxes: about 100 parts."""
    rng = np.random.default_rng(0)
    ground = trimesh.creation.box(extents=(80.0, 0.1, 80.0))
    ground.apply_translation([0.0, -0.05, 0.0])
    objects = []
    for index in range(figures):
        begin = rng.uniform(-8, 8, 3) * [1, 0, 1]
        end = begin + rng.uniform(-3, 3, 3) * [1, 0, 1]
        track = Track(
            times=np.array([0.0, 10.0]),
            positions=np.stack([begin, end]),
            yaws=np.full(2, geometry.yaw_towards(end - begin)),
            clips=[Clip(0.0, 10.0, Verb.WALK, rate=1.8)],
        )
        objects.append(WorldObject(f"figure_{index}", figure(rng), track, instance_id=index + 1, is_character=True))
    for index in range(props):
        box = trimesh.creation.box(extents=rng.uniform(0.5, 2.0, 3))
        asset = Asset("box", [Part("box", box, tuple(rng.uniform(0.2, 0.9, 3)), offset=np.array([0, 0.5, 0]))])
        position = rng.uniform(-10, 10, 3) * [1, 0, 1]
        objects.append(WorldObject(f"box_{index}", asset, Track.still(position), instance_id=figures + index + 1))
    return World(
        location=Location(id="bench", name="bench"),
        objects=objects,
        environment=[
            WorldObject(
                "ground",
                Asset("ground", [Part("ground", ground, (0.3, 0.5, 0.25))]),
                Track.still(np.zeros(3)),
                instance_id=0,
            )
        ],
        sky_top=(0.2, 0.4, 0.8),
        sky_horizon=(0.7, 0.8, 0.9),
        sun_direction=np.array([0.4, 1.0, 0.3]),
        sun_color=(1.0, 0.95, 0.9),
        ambient=0.35,
        fog=0.01,
        duration=10.0,
    )


def orbit(frames: int) -> CameraPath:
    positions, orientations = [], []
    for i in range(frames):
        angle = 1.5 * i / max(frames - 1, 1)
        eye = np.array([14 * np.sin(angle), 4.0, 14 * np.cos(angle)])
        positions.append(tuple(eye))
        orientations.append(tuple(geometry.matrix_to_quaternion(geometry.look_at_rotation(eye, np.zeros(3)))))
    return CameraPath(fps=FPS, positions=positions, orientations=orientations, fov_y=[45.0] * frames)


def frames_per_second(render: Callable[[], object], frames: int, repeats: int) -> float:
    """Best of ``repeats`` runs, in frames per second."""
    best = np.inf
    for _ in range(repeats):
        begin = time.perf_counter()
        render()
        best = min(best, time.perf_counter() - begin)
    return frames / best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--frames", type=int, default=240)
    parser.add_argument("--resolution", type=Resolution.parse, default=Resolution(width=1280, height=720))
    parser.add_argument("--style", type=Style, default=Style.TOON)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    world, path = bench_world(), orbit(args.frames)
    arrays = world.render_arrays()
    renderer = RasterRenderer(args.resolution)
    renderer.render_rgb(world, orbit(2), start=0.0, style=args.style)  # compile and warm up

    def rgb_only() -> object:
        return renderer.render_rgb(world, path, start=0.0, style=args.style)

    def full() -> object:
        return renderer.render(world, path, start=0.0, style=args.style)

    baseline = frames_per_second(rgb_only, args.frames, args.repeats)
    complete = frames_per_second(full, args.frames, args.repeats)

    print(
        f"world: {arrays.parts} parts, {len(arrays.positions) // 3} triangles; {args.frames} frames at "
        f"{args.resolution}, style {args.style.value}, best of {args.repeats}"
    )
    print(f"{'readback':<44}{'frames/s':>10}{'ratio':>8}")
    print(f"{'rgb only (baseline)':<44}{baseline:>10.1f}{1.0:>8.2f}")
    print(f"{'rgb + instance + depth + next depth + flow':<44}{complete:>10.1f}{complete / baseline:>8.2f}")
    print(
        json.dumps(
            {
                "bench": "raster",
                "resolution": str(args.resolution),
                "frames": args.frames,
                "parts": arrays.parts,
                "triangles": len(arrays.positions) // 3,
                "style": args.style.value,
                "rgb_only_fps": round(baseline, 1),
                "all_outputs_fps": round(complete, 1),
                "ratio": round(complete / baseline, 3),
            }
        )
    )


if __name__ == "__main__":
    main()
