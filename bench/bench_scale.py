"""Scaling out: a 20-shot film in this process against Ray tasks on a local Ray instance with 2 workers.

Films the same fixed storyboard (``bench_make.fixed_storyboard``: every shot 6 s) three times, with the agent
revising the shots that fail: with the local executor filming one take at a time (the model's measurements, below),
with the local executor as it runs (the next shot's first take filmed ahead on a thread), and with
``--executor ray`` on ``ray.init(num_cpus=2)`` (its start timed apart). Checks that the films are the same frame for
frame and prints each run as a ratio of the local one. Then the speed-up curve for more workers, simulated from the
one-at-a-time run's measured tasks (every take's seconds, every kept attempt's seconds at the output size, and the
graph's own work between them) by replaying the Ray executor's schedule: first takes a window ahead, revisions and
finished clips as the graph asks for them, each on the first free worker. The simulated 2-worker run stands beside
the measured one, as a check of the model. The last line is one JSON object.

    python bench/bench_scale.py [--shots 20] [--resolution 640x360] [--fps 12] [--retries 1] [--workers 1,2,4,8,16]
"""

from __future__ import annotations

import argparse
import contextlib
import heapq
import json
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import imageio_ffmpeg

sys.path.insert(0, str(Path(__file__).parent))
from bench_make import fixed_storyboard

import storyreel.agent.executors as executors
import storyreel.tools.film as film
from storyreel.agent.graph import AgentSettings
from storyreel.agent.pipeline import film_storyboard
from storyreel.agent.run_store import RunStore
from storyreel.schema import ExecutorChoice, RunOptions, RunReport, Storyboard


@dataclass
class Tasks:
    """What a run's executor was asked to film, in the order it was asked, with the seconds each took."""

    takes: list[tuple[str, bool, float]] = field(default_factory=list)  # (shot id, first take?, seconds)
    finishes: dict[str, float] = field(default_factory=dict)  # shot id -> seconds at the output size


@contextlib.contextmanager
def measured_tasks() -> Iterator[Tasks]:
    """Time every take and every finished clip the local executor films meanwhile, one take at a time (no take
    filmed ahead, so each take's seconds are its own), by wrapping the two functions it calls."""
    tasks = Tasks()
    film_take, film_clip, ahead = executors.film_take, film.film_clip, executors.LOCAL_AHEAD

    def timed_take(world: Any, storyboard: Any, shot: Any, options: Any, direction: Any, **rest: Any) -> Any:
        start = time.perf_counter()
        take = film_take(world, storyboard, shot, options, direction, **rest)
        first = rest.get("path") is None and direction == type(direction)()
        tasks.takes.append((shot.id, first, time.perf_counter() - start))
        return take

    def timed_clip(world: Any, storyboard: Any, shot: Any, *args: Any, **rest: Any) -> Any:
        start = time.perf_counter()
        last = film_clip(world, storyboard, shot, *args, **rest)
        tasks.finishes[shot.id] = time.perf_counter() - start
        return last

    executors.film_take, film.film_clip, executors.LOCAL_AHEAD = timed_take, timed_clip, 0  # type: ignore[assignment]
    try:
        yield tasks
    finally:
        executors.film_take, film.film_clip, executors.LOCAL_AHEAD = film_take, film_clip, ahead


def film_run(
    storyboard: Storyboard, options: RunOptions, retries: int, folder: Path, name: str
) -> tuple[float, RunReport]:
    store = RunStore.open(folder / name, request_key=f"bench-scale-{name}")
    settings = AgentSettings(shot_retries=retries, run_budget=None)
    start = time.perf_counter()
    report = film_storyboard(storyboard, store, options, settings=settings, progress=False)
    return time.perf_counter() - start, report


def frames(video: Path) -> list[bytes]:
    reader = imageio_ffmpeg.read_frames(str(video))
    next(reader)
    return list(reader)


def simulate(storyboard: Storyboard, tasks: Tasks, workers: int, serial_s: float, per_take_s: float) -> float:
    """The wall time of the Ray executor's schedule on ``workers`` workers: the graph takes shots in order, waits
    for each take it needs (a shot's first take was submitted a window ahead), does ``per_take_s`` of its own work
    per take, and hands each kept attempt to a worker; ``serial_s`` is what runs before and after the shots."""
    free = [0.0] * workers  # when each worker is next free
    heapq.heapify(free)

    def on_a_worker(ready: float, seconds: float) -> float:
        start = max(ready, heapq.heappop(free))
        heapq.heappush(free, start + seconds)
        return start + seconds

    by_shot: dict[str, list[tuple[bool, float]]] = {}
    for shot_id, first, seconds in tasks.takes:
        by_shot.setdefault(shot_id, []).append((first, seconds))
    shots = [shot.id for shot in storyboard.shots]
    window = executors.AHEAD_PER_CPU * workers
    first_done = {shot_id: on_a_worker(0.0, by_shot[shot_id][0][1]) for shot_id in shots[:window]}
    now, finished = 0.0, 0.0
    for index, shot_id in enumerate(shots):
        now = max(now, first_done.pop(shot_id)) + per_take_s
        for _, seconds in by_shot[shot_id][1:]:  # revisions: the graph waits for each
            now = on_a_worker(now, seconds) + per_take_s
        finished = max(finished, on_a_worker(now, tasks.finishes[shot_id]))
        if index + window < len(shots):
            following = shots[index + window]
            first_done[following] = on_a_worker(now, by_shot[following][0][1])
    return serial_s + max(now, finished)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shots", type=int, default=20)
    parser.add_argument("--resolution", default="640x360")
    parser.add_argument("--fps", type=int, default=12)
    parser.add_argument("--retries", type=int, default=1, help="revisions per shot (default: 1)")
    parser.add_argument("--workers", default="1,2,4,8,16", help="worker counts of the simulated curve")
    args = parser.parse_args()
    options = RunOptions.build(fps=args.fps, resolution=args.resolution, credentials=False)
    storyboard, _ = fixed_storyboard(args.shots, options)
    storyboard = Storyboard.model_validate(storyboard.model_dump())

    import ray

    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        with measured_tasks() as tasks:
            serial_run_s, serial_run = film_run(storyboard, options, args.retries, folder, "one-at-a-time")
        local_s, local = film_run(storyboard, options, args.retries, folder, "local")
        start = time.perf_counter()
        ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, logging_level="ERROR")
        ray_start_s = time.perf_counter() - start
        on_ray_options = options.model_copy(update={"executor": ExecutorChoice.RAY})
        ray_s, on_ray = film_run(storyboard, on_ray_options, args.retries, folder, "ray")
        ray.shutdown()
        reference = frames(folder / "local" / local.final_video)
        same = reference == frames(folder / "ray" / on_ray.final_video)
        same = same and reference == frames(folder / "one-at-a-time" / serial_run.final_video)

    timings = serial_run.timings_s
    serial_s = sum(timings.get(name, 0.0) for name in ("sound", "scene", "scene_export", "assemble"))
    take_s = sum(seconds for _, _, seconds in tasks.takes)
    per_take_s = max(0.0, serial_run_s - serial_s - take_s - timings.get("final_wait", 0.0)) / len(tasks.takes)
    counts = [int(n) for n in args.workers.split(",") if n]
    curve = {n: simulate(storyboard, tasks, n, serial_s, per_take_s) for n in counts}

    print(
        f"storyreel make: {args.shots} shots x 6 s at {args.resolution}, {args.fps} fps, --retries {args.retries}; "
        f"{len(tasks.takes)} takes ({local.revisions} revisions), {local.frames} frames"
    )
    print(f"{'run':<34}{'seconds':>9}{'x local':>9}")
    print(f"{'local, one take at a time':<34}{serial_run_s:>9.2f}{serial_run_s / local_s:>9.2f}")
    print(f"{'local (next first take ahead)':<34}{local_s:>9.2f}{1.0:>9.2f}")
    print(f"{'ray, 2 workers (start apart)':<34}{ray_s:>9.2f}{ray_s / local_s:>9.2f}")
    print(f"{'ray start (ray.init, 2 CPUs)':<34}{ray_start_s:>9.2f}")
    print(f"same frames, all three: {'yes' if same else 'NO'}")
    clips_s = sum(tasks.finishes.values())
    print(f"\nsimulated from the measured tasks ({take_s:.1f} s of takes, {clips_s:.1f} s of clips)")
    print(f"{'workers':>8}{'seconds':>9}{'speed-up':>10}")
    for n, seconds in curve.items():
        print(f"{n:>8}{seconds:>9.2f}{curve[counts[0]] / seconds:>10.2f}")
    if 2 in curve:
        print(f"model check: simulated 2 workers {curve[2]:.2f} s against measured {ray_s:.2f} s")
    print(
        json.dumps(
            {
                "shots": args.shots,
                "frames": local.frames,
                "takes": len(tasks.takes),
                "local_one_at_a_time_s": round(serial_run_s, 3),
                "local_s": round(local_s, 3),
                "ray_2_workers_s": round(ray_s, 3),
                "ray_over_local": round(ray_s / local_s, 3),
                "ray_start_s": round(ray_start_s, 3),
                "same_frames": same,
                "simulated_s": {str(n): round(s, 3) for n, s in curve.items()},
                "simulated_speedup": {str(n): round(curve[counts[0]] / s, 2) for n, s in curve.items()},
            }
        )
    )


if __name__ == "__main__":
    main()
