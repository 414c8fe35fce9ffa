"""Camera direction on held-out scenarios: the residual RL policy against the baseline director it corrects.

Every controller films the same held-out scenarios (seeds from ``HELD_OUT_SEEDS``, never used in training, half of
them hard cases) at 12 fps, 16:9: "baseline" is the baseline director's path (a zero correction), "rl" that path
corrected by the policy, "random" corrected at random. Each path is scored by the environment's reward
(``envs/residual.py``: what the shot checks measure of each frame) and by the camera checks themselves, run on the
path: ``framing``, ``face_shown``, ``action_shown``, ``camera_jerk``, and occlusion by real ray tests
(``World.occlusion``) on every other frame, a frame counting as occluded when at least half the rays to the main
subject are blocked (the shot passes at under OCCLUDED_SHOTS of such frames). Out of frame is the share of frames
whose main subject's centre lies outside the frame. The rank correlation (Spearman) between episode return and the
number of camera checks an episode passes, over every controller's episodes, says whether the reward measures what
the checks do. The last line is one JSON object keyed by controller.

    python bench/bench_camera.py [--episodes 100] [--fps 12] [--policy runs/camera_policy/policy.npz]
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from tqdm import tqdm

from storyreel.envs.policy import NumpyPolicy
from storyreel.envs.residual import ACTION_SIZE, ResidualEpisode, rollout, summary, zero_action
from storyreel.envs.scenarios import HELD_OUT_SEEDS
from storyreel.geometry import Array
from storyreel.schema import CameraPath
from storyreel.tools.camera_policy import shipped_policy
from storyreel.tools.checks import action_shown, camera_jerk, face_shown, framing
from storyreel.tools.checks.screen import project
from storyreel.training.residual_camera import ASPECT, scenario_task

CONTROLLERS = ("rl", "baseline", "random")
OCCLUDED = 0.5  # share of blocked rays from which a frame counts as occluded
OCCLUDED_SHOTS = 0.1  # share of occluded frames from which a shot fails the occlusion part of the camera checks
CAMERA_CHECKS = ("framing", "face_shown", "action_shown", "camera_jerk", "occlusion")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--episodes", type=int, default=100, help="held-out scenarios (default: 100)")
    parser.add_argument("--fps", type=int, default=12, help="frame rate (default: 12)")
    parser.add_argument("--policy", type=Path, help="policy.npz to bench as rl (default: the shipped one)")
    args = parser.parse_args()
    policy = NumpyPolicy.load(args.policy) if args.policy else shipped_policy()
    rng = np.random.default_rng(0)
    controllers: dict[str, Callable[[NDArray[np.float32]], Array]] = {
        "rl": policy.act,
        "baseline": zero_action,
        "random": lambda _: rng.uniform(-1.0, 1.0, ACTION_SIZE),
    }

    rows: dict[str, list[dict[str, float]]] = {name: [] for name in CONTROLLERS}
    for seed in tqdm(range(HELD_OUT_SEEDS, HELD_OUT_SEEDS + args.episodes), desc="scenarios", unit="scenario"):
        task = scenario_task(seed, args.fps)
        for name, act in controllers.items():
            episode = rollout(task, act)
            rows[name].append(_scores(episode))
    results: dict[str, dict[str, float]] = {
        name: {key: round(float(np.mean([r[key] for r in values])), 4) for key in values[0]}
        for name, values in rows.items()
    }
    every = [row for values in rows.values() for row in values]
    correlation = _spearman([r["return"] for r in every], [r["checks_passed"] for r in every])
    results["rl"]["inference_ms"] = round(_inference_ms(policy), 4)
    results["rl"]["step_ms"] = round(_step_ms(args.fps, policy), 4)
    results["rl"]["return_checks_spearman"] = round(correlation, 4)
    _print_table(results, args.episodes, args.fps)
    print(json.dumps(results))


def _scores(episode: ResidualEpisode) -> dict[str, float]:
    """An episode's return and terms, and what the camera checks say of its path."""
    task, path = episode.task, episode.path()
    shot, world, start = task.framing.shot, task.framing.world, task.framing.start
    checks = {
        "framing": framing(path, shot, world, start, ASPECT),
        "face_shown": face_shown(path, shot, world, start, ASPECT),
        "action_shown": action_shown(path, shot, world, start, ASPECT),
        "camera_jerk": camera_jerk(path),
    }
    occluded = _occluded_frames(episode, path)
    passed = {name: check.passed for name, check in checks.items()} | {"occlusion": occluded < OCCLUDED_SHOTS}
    scores = summary(episode)
    return {
        "return": scores["return"],
        "framing_cost": scores["framing"],
        "not_shown": scores["shown"],
        "out_of_frame": _out_of_frame(episode, path),
        "occluded": occluded,
        "jerk": float(np.mean(checks["camera_jerk"].per_frame)),
        "checks_passed": float(sum(passed.values())),
        "passes_camera_checks": float(all(passed.values())),
    }


def _occluded_frames(episode: ResidualEpisode, path: CameraPath) -> float:
    """Share of (every other) frames whose main subject is at least half hidden, by real ray tests."""
    task = episode.task.framing
    if not task.subjects:
        return 0.0
    frames = range(0, task.frames, 2)
    eyes = np.array([path.positions[frame] for frame in frames])
    hidden = [
        float(task.world.occlusion(eye[None], task.subjects[0], float(task.times[frame]), samples=8)[0])
        for eye, frame in zip(eyes, frames, strict=True)
    ]
    return float(np.mean(np.array(hidden) >= OCCLUDED))


def _out_of_frame(episode: ResidualEpisode, path: CameraPath) -> float:
    """Share of frames whose main subject's centre lies outside the frame or behind the camera."""
    task = episode.task.framing
    if not task.subjects:
        return 0.0
    outside = 0
    for frame in range(path.frames):
        ndc, depth = project(path, frame, ASPECT, task.framed[0, frame][None])
        outside += int(depth[0] <= 0.05 or bool(np.any(np.abs(ndc[0]) > 1.0)))
    return outside / path.frames


def _spearman(a: list[float], b: list[float]) -> float:
    """Rank correlation of two samples (average ranks for ties)."""

    def ranks(values: list[float]) -> Array:
        array = np.asarray(values, dtype=float)
        order = np.argsort(array, kind="stable")
        ranked = np.empty(len(array))
        ranked[order] = np.arange(len(array), dtype=float)
        for value in np.unique(array):  # ties share their mean rank
            tied = array == value
            ranked[tied] = ranked[tied].mean()
        return ranked

    x, y = ranks(a), ranks(b)
    if x.std() == 0 or y.std() == 0:
        return 0.0
    return float(np.corrcoef(x, y)[0, 1])


def _inference_ms(policy: NumpyPolicy) -> float:
    """Milliseconds per call of the policy's forward pass (normalise + MLP) on one observation."""
    observation = np.random.default_rng(0).normal(size=len(policy.obs_mean)).astype(np.float32)
    calls = 2000
    start = time.perf_counter()
    for _ in range(calls):
        policy.act(observation)
    return (time.perf_counter() - start) / calls * 1000


def _step_ms(fps: int, policy: NumpyPolicy) -> float:
    """Milliseconds per filmed frame with the policy: observation, forward pass, correction and scoring."""
    task = scenario_task(HELD_OUT_SEEDS, fps)
    start = time.perf_counter()
    episode = rollout(task, policy.act)
    return (time.perf_counter() - start) / len(episode.positions) * 1000


def _print_table(results: dict[str, dict[str, float]], episodes: int, fps: int) -> None:
    keys = ["return", "passes_camera_checks", "framing_cost", "not_shown", "out_of_frame", "occluded", "jerk"]
    print(f"camera direction on {episodes} held-out scenarios at {fps} fps (mean per episode; costs per frame)")
    print(f"{'controller':<10}" + "".join(f"{key:>22}" for key in keys))
    for name, values in results.items():
        print(f"{name:<10}" + "".join(f"{values[key]:>22.4f}" for key in keys))
    baseline, rl = results["baseline"], results["rl"]
    print(
        f"rl vs baseline: return {rl['return'] - baseline['return']:+.2f}, "
        f"camera checks passed {100 * (rl['passes_camera_checks'] - baseline['passes_camera_checks']):+.1f} points, "
        f"occluded x{_ratio(rl, baseline, 'occluded')}, jerk x{_ratio(rl, baseline, 'jerk')}, "
        f"out of frame x{_ratio(rl, baseline, 'out_of_frame')}; policy forward pass {rl['inference_ms']:.4f} ms, "
        f"whole step {rl['step_ms']:.3f} ms; return vs camera checks passed: Spearman "
        f"{rl['return_checks_spearman']:+.2f}"
    )


def _ratio(a: dict[str, float], b: dict[str, float], key: str) -> str:
    return f"{a[key] / b[key]:.2f}" if b[key] > 0 else "n/a"


if __name__ == "__main__":
    main()
