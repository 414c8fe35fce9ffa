"""End-to-end cost of ``storyreel make``: a fixed 5-shot, 30-second, 1280x720, 24 fps story.

Prints per-stage times of a single pass (each shot filmed and checked once), the renderer's frames per second (every
output read back; the film pass; the analysis pass), and the total against the encode-only floor: the same frames
encoded again with nothing else to do; then the same story with the agent revising the shots that fail. Then the
same run at 1, 5 and 20 shots, to show how the cost grows with the story, and the peak resident memory of a 1-shot
and a 20-shot film, each in a process of its own. The last line is one JSON object.

    python bench/bench_make.py [--resolution 1280x720] [--fps 24] [--scaling 1,5,20] [--memory 1,20]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import imageio_ffmpeg
import numpy as np

from storyreel.agent.graph import AgentSettings
from storyreel.agent.pipeline import film_storyboard
from storyreel.agent.run_store import RunStore
from storyreel.planners.rules import plan_story
from storyreel.schema import RunOptions, Storyboard
from storyreel.tools.camera import direct_camera
from storyreel.tools.checks import analysis_factor
from storyreel.tools.render.raster import render_analysis, renderer_for
from storyreel.tools.scene import build_world
from storyreel.tools.video import ClipWriter, probe_video

SENTENCES = [
    "A small red dog runs across the park.",
    "The dog chases a yellow ball near the bench.",
    "A girl named Mia walks to the big oak tree.",
    "Mia talks to the dog.",
    "A blue bird flies over the tree.",
    "The dog jumps over the ball.",
    "Mia sits on the bench.",
    "The bird lands next to the lamp.",
]
SHOT_SECONDS = 6.0


def story_of(shots: int) -> str:
    return " ".join(SENTENCES[i % len(SENTENCES)] for i in range(shots))


def fixed_storyboard(shots: int, options: RunOptions) -> tuple[Storyboard, float]:
    """Plan the story and give every shot the same length, so each run films exactly ``shots`` x 6 s."""
    start = time.perf_counter()
    storyboard = plan_story(story_of(shots), fps=options.fps)
    planned = time.perf_counter() - start
    kept = [shot.model_copy(update={"duration": SHOT_SECONDS}) for shot in storyboard.shots[:shots]]
    while len(kept) < shots:  # a sentence may plan as fewer shots: repeat the last one under a new id
        kept.append(kept[-1].model_copy(update={"id": f"{kept[-1].id}_{len(kept)}"}))
    return storyboard.model_copy(update={"shots": kept}), planned


def run(shots: int, options: RunOptions, retries: int = 0, floor: bool = True) -> dict[str, float]:
    """One run of ``shots`` shots; ``retries`` 0 films each shot once (the film pass and its checks), more lets the
    agent revise the shots whose checks fail. ``floor``: also time encoding the film's frames alone (which holds
    them all in memory: left out when measuring the run's memory)."""
    storyboard, planned = fixed_storyboard(shots, options)
    storyboard = Storyboard.model_validate(storyboard.model_dump())
    settings = AgentSettings(shot_retries=retries, run_budget=None)
    with tempfile.TemporaryDirectory() as folder:
        store = RunStore.open(Path(folder) / "run", request_key=f"bench-{shots}")
        start = time.perf_counter()
        report = film_storyboard(
            storyboard, store, options, settings=settings, progress=False, timings={"plan": planned}
        )
        total = time.perf_counter() - start + planned
        floor_s = encode_floor(store.root / report.final_video, options) if floor else 0.0
    result = {
        "shots": shots,
        "frames": report.frames,
        "total_s": total,
        "encode_floor_s": floor_s,
        "revisions": report.revisions,
        "passed": sum(shot.passed for shot in report.shots),
    }
    result.update({f"{name}_s": seconds for name, seconds in report.timings_s.items()})
    return result


def renderer_alone_fps(storyboard: Storyboard, options: RunOptions) -> tuple[float, float, float]:
    """Frames per second of the renderer on the story's shots with nothing else running: ``render`` (every output
    read back at full size into new arrays), the film pass of a kept attempt (the colour target alone, as I420,
    into buffers the renderer keeps) and the analysis pass of every attempt (every output at analysis size)."""
    renderer = renderer_for(options.resolution)
    aspect = options.resolution.width / options.resolution.height
    worlds = {location.id: build_world(storyboard, location.id, seed=options.seed) for location in storyboard.locations}
    shots = []
    for shot in storyboard.shots:
        start = storyboard.shot_start(shot.id)
        path = direct_camera(worlds[shot.location], shot, start=start, fps=options.fps, aspect=aspect)
        shots.append((worlds[shot.location], start, path))
    frames = sum(path.frames for _, _, path in shots)
    begin = time.perf_counter()
    for world, start, path in shots:
        renderer.render(world, path, start=start, style=options.look(storyboard))
    full = frames / (time.perf_counter() - begin)
    begin = time.perf_counter()
    for world, start, path in shots:
        for _ in renderer.render_images(world, path, start=start, style=options.look(storyboard)):
            pass
    film = frames / (time.perf_counter() - begin)
    factor = analysis_factor(options.resolution.width, options.resolution.height)
    begin = time.perf_counter()
    for world, start, path in shots:
        look = options.look(storyboard)
        render_analysis(world, path, start=start, style=look, resolution=options.resolution, analysis_factor=factor)
    analysis = frames / (time.perf_counter() - begin)
    return full, film, analysis


def peak_of_this_process_mb() -> float:
    """This process's peak resident memory since it started (VmHWM: ``ru_maxrss`` would keep the high-water mark
    of the process it was forked from across exec)."""
    status = Path("/proc/self/status")
    if status.is_file():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def peak_memory_mb(shots: int, args: argparse.Namespace) -> float:
    """Peak resident memory of a single-pass run of ``shots`` shots, in a fresh process of its own."""
    command = [sys.executable, __file__, "--resolution", args.resolution, "--fps", str(args.fps), "--peak", str(shots)]
    return float(subprocess.run(command, capture_output=True, text=True, check=True).stdout.split()[-1])


def encode_floor(video: Path, options: RunOptions) -> float:
    """Seconds to encode the film's frames alone, in the form the renderer hands the encoder (I420), decoded
    into memory first so only encoding is timed."""
    info = probe_video(video)
    raw = subprocess.run(
        [
            imageio_ffmpeg.get_ffmpeg_exe(),
            "-v",
            "error",
            "-i",
            str(video),
            "-f",
            "rawvideo",
            "-pix_fmt",
            "yuv420p",
            "-",
        ],
        capture_output=True,
        check=True,
    ).stdout
    frames = np.frombuffer(raw, np.uint8).reshape(-1, info.height * 3 // 2, info.width)
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        with ClipWriter(Path(folder) / "floor.mp4", options.fps, info.width, info.height) as writer:
            for frame in frames:
                writer.write(frame)
        return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--resolution", default="1280x720")
    parser.add_argument("--fps", type=int, default=24)
    parser.add_argument("--scaling", default="1,5,20", help="shot counts for the scaling table ('' to skip)")
    parser.add_argument("--retries", type=int, default=3, help="revisions per shot in the agent's run (default: 3)")
    parser.add_argument("--memory", default="1,20", help="two shot counts whose peak memory to compare ('' to skip)")
    parser.add_argument("--peak", type=int, help=argparse.SUPPRESS)  # one run; print its peak memory in MB
    args = parser.parse_args()
    options = RunOptions.build(fps=args.fps, resolution=args.resolution)
    if args.peak:
        run(args.peak, options, floor=False)
        print(peak_of_this_process_mb())
        return

    main_run = run(5, options)
    fps = renderer_alone_fps(fixed_storyboard(5, options)[0], options)
    main_run["render_fps"], main_run["film_pass_fps"], main_run["analysis_pass_fps"] = fps
    print(f"storyreel make: 5 shots x {SHOT_SECONDS:.0f} s at {args.resolution}, {args.fps} fps")
    print(f"{'stage':<14}{'seconds':>10}")
    for name in ("plan", "scene", "camera", "render", "check", "final", "final_wait", "assemble"):
        print(f"{name:<14}{main_run.get(f'{name}_s', 0.0):>10.2f}")
    print(f"{'total':<14}{main_run['total_s']:>10.2f}")
    print(f"renderer alone, all outputs at full size (render):  {main_run['render_fps']:6.1f} frames/s")
    print(f"renderer alone, film pass (colour alone, as I420):  {main_run['film_pass_fps']:6.1f} frames/s")
    print(f"renderer alone, analysis pass (all outputs, small): {main_run['analysis_pass_fps']:6.1f} frames/s")
    print(
        f"encode-only floor: {main_run['encode_floor_s']:.2f} s; "
        f"total / floor = {main_run['total_s'] / main_run['encode_floor_s']:.2f}x"
    )
    agent = run(5, options, retries=args.retries)
    print(
        f"with the agent revising (--retries {args.retries}): {agent['total_s']:.2f} s "
        f"({agent['total_s'] / main_run['total_s']:.2f}x the single pass), {agent['revisions']:.0f} revisions, "
        f"{agent['passed']:.0f}/5 shots pass (single pass: {main_run['passed']:.0f}/5)"
    )

    scaling = [run(int(n), options) for n in args.scaling.split(",") if n]
    if scaling:
        base = scaling[0]
        print(f"\n{'shots':>6}{'frames':>8}{'total s':>10}{'s/frame':>10}{'x first':>9}")
        for row in scaling:
            print(
                f"{row['shots']:>6.0f}{row['frames']:>8.0f}{row['total_s']:>10.2f}"
                f"{row['total_s'] / row['frames'] * 1000:>9.1f}m{row['total_s'] / base['total_s']:>9.2f}"
            )
    summary = {
        "total_s": round(main_run["total_s"], 3),
        "render_fps": round(main_run["render_fps"], 1),
        "film_pass_fps": round(main_run["film_pass_fps"], 1),
        "analysis_pass_fps": round(main_run["analysis_pass_fps"], 1),
        "encode_floor_s": round(main_run["encode_floor_s"], 3),
        "frames": int(main_run["frames"]),
        "total_over_floor": round(main_run["total_s"] / main_run["encode_floor_s"], 2),
        "agent_total_s": round(agent["total_s"], 3),
        "agent_over_single": round(agent["total_s"] / main_run["total_s"], 3),
        "agent_revisions": int(agent["revisions"]),
        "agent_passed": int(agent["passed"]),
        "single_pass_passed": int(main_run["passed"]),
        "stages_s": {
            k[:-2]: round(v, 3)
            for k, v in main_run.items()
            if k.endswith("_s") and k not in ("total_s", "encode_floor_s")
        },
        "scaling": [
            {"shots": int(r["shots"]), "frames": int(r["frames"]), "total_s": round(r["total_s"], 3)} for r in scaling
        ],
    }
    counts = [int(n) for n in args.memory.split(",") if n]
    if counts:
        peaks = {n: peak_memory_mb(n, args) for n in counts}
        print(
            "\npeak resident memory: "
            + ", ".join(f"{n} shots {mb:.0f} MB" for n, mb in peaks.items())
            + f" ({peaks[counts[-1]] / peaks[counts[0]]:.2f}x)"
        )
        summary.update({f"peak_rss_mb_{n}": round(mb, 1) for n, mb in peaks.items()})
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
