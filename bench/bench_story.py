"""Does the film show the story? Over the stories in ``bench/stories.txt`` (speech, two characters meeting, a
character with an animal, vehicles, chases, indoors and outdoors), film each one twice on the embedded defaults: in a
single pass (every shot filmed and checked once, ``retries=0``) and with the agent revising (the default), and count
per shot what a viewer would ask:

- passes every check (the story-on-screen checks included), in a single pass and with the agent;
- every subject the sentence names is shown (``all_subjects_shown``);
- the face of a speaker or of a medium-or-closer shot's subject is turned to the camera (``face_shown``, over the
  shots that owe a face);
- passes every camera check (those a camera director answers for: ``CAMERA_CHECKS``);
- revisions per shot, and seconds of computing per second of film.

The single pass is the baseline the agent is compared with, in the same run. ``--camera rl`` films with the
residual RL director instead of the baseline; ``--passes single`` films the single pass only. The last line is one
JSON object.

    python bench/bench_story.py [--stories 30] [--resolution 640x360] [--fps 12] [--camera baseline|rl]
                                [--passes single,agent]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from storyreel.agent.pipeline import make_video
from storyreel.schema import RunReport

STORIES = Path(__file__).with_name("stories.txt")
CAMERA_CHECKS = frozenset(
    {"subjects_framed", "all_subjects_shown", "face_shown", "action_shown", "framing", "occlusion", "camera_jerk"}
)
PASSES = {"single": ("single_pass", 0), "agent": ("agent", 3)}


def stories(count: int) -> list[str]:
    lines = [line.strip() for line in STORIES.read_text(encoding="utf-8").splitlines()]
    return [line for line in lines if line and not line.startswith("#")][:count]


def film(story: str, out: Path, retries: int, resolution: str, fps: int, camera: str) -> tuple[RunReport, float]:
    start = time.perf_counter()
    report = make_video(
        story,
        out,
        resolution=resolution,
        fps=fps,
        retries=retries,
        planner="rules",
        camera=camera,
        progress=False,
        force=True,
    )
    return report, time.perf_counter() - start


def tally(reports: list[RunReport], seconds: float) -> dict[str, float]:
    shots = [shot for report in reports for shot in report.shots]

    def passed(name: str) -> list[bool]:
        return [check.passed for shot in shots for check in shot.checks if check.name == name]

    owed = [
        check.passed
        for shot in shots
        for check in shot.checks
        if check.name == "face_shown" and "no face is owed" not in check.detail and "back view" not in check.detail
    ]
    film_seconds = sum(report.duration_s for report in reports)
    return {
        "shots": len(shots),
        "pass_every_check": sum(shot.passed for shot in shots) / max(len(shots), 1),
        "pass_camera_checks": sum(
            all(check.passed for check in shot.checks if check.name in CAMERA_CHECKS) for shot in shots
        )
        / max(len(shots), 1),
        "all_subjects_shown": sum(passed("all_subjects_shown")) / max(len(shots), 1),
        "face_shots": len(owed),
        "face_shown": sum(owed) / max(len(owed), 1),
        "revisions_per_shot": sum(report.revisions for report in reports) / max(len(shots), 1),
        "seconds_per_film_second": seconds / max(film_seconds, 1e-9),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=30, help="how many of the stories to film (default: all 30)")
    parser.add_argument("--resolution", default="640x360")
    parser.add_argument("--fps", type=int, default=12)
    parser.add_argument("--camera", default="baseline", choices=["baseline", "rl"], help="camera director")
    parser.add_argument("--passes", default="single,agent", help="which passes to film: single, agent or both")
    args = parser.parse_args()
    passes = [name.strip() for name in args.passes.split(",")]
    if not passes or any(name not in PASSES for name in passes):
        parser.error(f"--passes takes single, agent or single,agent, not {args.passes!r}")
    chosen = stories(args.stories)
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as root:
        for label, retries in (PASSES[name] for name in passes):
            reports, total = [], 0.0
            for index, story in enumerate(chosen):
                out = Path(root) / f"{label}_{index}"
                report, seconds = film(story, out, retries, args.resolution, args.fps, args.camera)
                reports.append(report)
                total += seconds
                failed = sorted({c.name for shot in report.shots for c in shot.checks if not c.passed})
                print(f"{label:11} {index + 1:2}/{len(chosen)} {seconds:6.1f} s  failed: {', '.join(failed) or '-'}")
            results[label] = tally(reports, total)
    labels = list(results)
    print(f"\n{len(chosen)} stories at {args.resolution}, {args.fps} fps (rule planner, {args.camera} camera)")
    print(f"{'':26}" + "".join(f"{label:>12}" for label in labels) + ("  agent / single" if len(labels) == 2 else ""))
    for row in results[labels[0]]:
        values = [results[label][row] for label in labels]
        ratio = f"{values[1] / values[0]:15.2f}" if len(values) == 2 and values[0] else ""
        print(f"{row:26}" + "".join(f"{value:12.3f}" for value in values) + ratio)
    summary = {"stories": len(chosen), "resolution": args.resolution, "fps": args.fps, "camera": args.camera}
    print(json.dumps(summary | results))


if __name__ == "__main__":
    main()
