"""Camera direction on held-out scenarios: the shipped RL policy against the baseline director, a static camera
and random actions.

Every controller films the same held-out scenarios (seeds from ``HELD_OUT_SEEDS``, never used in training) into a
CameraPath, and every path is replayed through the environment's reward (``envs/framing.py``), so all are scored
by the same numbers. Besides the four asked for, "zero" is the policy's rig with no action (riding along with the
subject, holding the starting framing): what the policy adds over it is what it learned. Occlusion is measured
with real ray tests (``World.occlusion``) on every other frame: a frame counts as occluded when at least half the
rays to the main subject are blocked. Jerk is the camera_jerk check's per-frame normalised jerk (1 = at its
limit). The last line is one JSON object.

    python bench/bench_camera.py [--episodes 100] [--fps 12] [--policy runs/camera_policy/policy.npz]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
from tqdm import tqdm

from storyreel import geometry
from storyreel.envs.framing import (
    ACTION_SIZE,
    CameraRig,
    FramingEpisode,
    FramingTask,
    build_task,
    place_camera,
    rollout,
    summary,
    yaw_pitch_of,
)
from storyreel.envs.policy import NumpyPolicy
from storyreel.envs.scenarios import HELD_OUT_SEEDS, build_scenario
from storyreel.schema import CameraPath
from storyreel.tools.camera import direct_camera
from storyreel.tools.camera_policy import film_with_policy, shipped_policy
from storyreel.tools.checks import camera_jerk

CONTROLLERS = ("rl", "baseline", "static", "random", "zero")
ASPECT = 16 / 9
OCCLUDED = 0.5  # share of blocked rays from which a frame counts as occluded


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--episodes", type=int, default=100, help="held-out scenarios (default: 100)")
    parser.add_argument("--fps", type=int, default=12, help="frame rate (default: 12)")
    parser.add_argument("--policy", type=Path, help="policy.npz to bench as rl (default: the shipped one)")
    args = parser.parse_args()
    policy = NumpyPolicy.load(args.policy) if args.policy else shipped_policy()

    rows: dict[str, list[dict[str, float]]] = {name: [] for name in CONTROLLERS}
    for seed in tqdm(range(HELD_OUT_SEEDS, HELD_OUT_SEEDS + args.episodes), desc="scenarios", unit="scenario"):
        scenario = build_scenario(seed)
        task = build_task(scenario.world, scenario.shot, start=scenario.start, fps=args.fps, aspect=ASPECT)
        paths = {name: _film(name, task, seed, policy) for name in CONTROLLERS}
        occluded = _occluded_frames(task, paths)
        for name, path in paths.items():
            scores = summary(_replay(task, path))
            rows[name].append(
                {
                    "return": scores["return"],
                    "position_error": scores["position"],
                    "size_error": scores["size"],
                    "out_of_frame": scores["out_of_frame"],
                    "occluded": occluded[name],
                    "jerk": float(np.mean(camera_jerk(path).per_frame)),
                }
            )
    results: dict[str, dict[str, float]] = {
        name: {key: round(float(np.mean([r[key] for r in values])), 4) for key in values[0]}
        for name, values in rows.items()
    }
    results["rl"]["inference_ms"] = round(_inference_ms(policy), 4)
    results["rl"]["step_ms"] = round(_step_ms(args.fps, policy), 4)
    _print_table(results, args.episodes, args.fps)
    print(json.dumps(results))


def _film(name: str, task: FramingTask, seed: int, policy: NumpyPolicy) -> CameraPath:
    if name == "rl":
        return film_with_policy(
            task.world, task.shot, start=task.start, fps=task.fps, aspect=ASPECT, seed=seed, policy=policy
        )
    if name == "baseline":
        return direct_camera(
            task.world, task.shot, start=task.start, fps=task.fps, aspect=ASPECT, seed=seed, controller=name
        )
    start = place_camera(task, seed=seed)
    if name == "static":  # the policy's first view, held
        episode = FramingEpisode(task, start)
        while not episode.done:
            episode.record(episode.positions[0], episode.rotations[0])
        return _path(episode, task)
    rng = np.random.default_rng(seed)
    act = (lambda _: np.zeros(ACTION_SIZE)) if name == "zero" else (lambda _: rng.uniform(-1, 1, ACTION_SIZE))
    return _path(rollout(task, start, act), task)


def _path(episode: FramingEpisode, task: FramingTask) -> CameraPath:
    return CameraPath(
        fps=task.fps,
        positions=[tuple(map(float, p)) for p in episode.positions],
        orientations=[tuple(map(float, geometry.matrix_to_quaternion(r))) for r in episode.rotations],
        fov_y=[task.fov_y] * task.frames,
    )


def _replay(task: FramingTask, path: CameraPath) -> FramingEpisode:
    """Score a path made elsewhere with the environment's reward, pose by pose."""
    rotations = [geometry.quaternion_to_matrix(np.array(q)) for q in path.orientations]
    yaw, pitch = yaw_pitch_of(rotations[0])
    episode = FramingEpisode(task, CameraRig(position=np.array(path.positions[0]), yaw=yaw, pitch=pitch))
    for position, rotation in zip(path.positions[1:], rotations[1:], strict=True):
        episode.record(np.array(position), rotation)
    return episode


def _occluded_frames(task: FramingTask, paths: dict[str, CameraPath]) -> dict[str, float]:
    """Share of (every other) frames whose main subject is at least half hidden, by real ray tests."""
    if not task.subjects:
        return dict.fromkeys(paths, 0.0)
    frames = range(0, task.frames, 2)
    hidden = {name: 0 for name in paths}
    for frame in frames:
        eyes = np.array([path.positions[frame] for path in paths.values()])
        shares = task.world.occlusion(eyes, task.subjects[0], float(task.times[frame]), samples=8)
        for name, share in zip(paths, shares, strict=True):
            hidden[name] += int(share >= OCCLUDED)
    return {name: count / len(frames) for name, count in hidden.items()}


def _inference_ms(policy: NumpyPolicy) -> float:
    """Milliseconds per call of the policy's forward pass (normalise + MLP) on one observation."""
    observation = np.random.default_rng(0).normal(size=len(policy.obs_mean)).astype(np.float32)
    calls = 2000
    start = time.perf_counter()
    for _ in range(calls):
        policy.act(observation)
    return (time.perf_counter() - start) / calls * 1000


def _step_ms(fps: int, policy: NumpyPolicy) -> float:
    """Milliseconds per filmed frame with the policy: observation, forward pass, camera dynamics and scoring."""
    scenario = build_scenario(HELD_OUT_SEEDS)
    task = build_task(scenario.world, scenario.shot, start=scenario.start, fps=fps, aspect=ASPECT)
    start = time.perf_counter()
    episode = rollout(task, place_camera(task, seed=0), policy.act)
    return (time.perf_counter() - start) / len(episode.positions) * 1000


def _print_table(results: dict[str, dict[str, float]], episodes: int, fps: int) -> None:
    keys = ["return", "position_error", "size_error", "out_of_frame", "occluded", "jerk"]
    print(f"camera direction on {episodes} held-out scenarios at {fps} fps (mean per episode; errors per frame)")
    print(f"{'controller':<10}" + "".join(f"{key:>16}" for key in keys))
    for name, values in results.items():
        print(f"{name:<10}" + "".join(f"{values[key]:>16.4f}" for key in keys))
    baseline = results["baseline"]
    rl = results["rl"]
    print(
        f"rl vs baseline: return {rl['return'] - baseline['return']:+.2f}, "
        f"occluded x{_ratio(rl, baseline, 'occluded')}, "
        f"jerk x{_ratio(rl, baseline, 'jerk')}; policy forward pass {rl['inference_ms']:.4f} ms, "
        f"whole step {rl['step_ms']:.3f} ms"
    )


def _ratio(a: dict[str, float], b: dict[str, float], key: str) -> str:
    return f"{a[key] / b[key]:.2f}" if b[key] > 0 else "n/a"


if __name__ == "__main__":
    main()
