"""Does the film show the story? Over the stories in ``bench/stories.txt`` (speech, two characters meeting, a
character with an animal, vehicles, chases, indoors and outdoors), film each one twice on the embedded defaults: in a
single pass (every shot filmed and checked once, ``retries=0``) and with the agent revising (the default), and count
per shot what a viewer would ask:

- passes every check (the story-on-screen checks included), in a single pass and with the agent;
- every subject the sentence names is shown (``all_subjects_shown``);
- the face of a speaker or of a medium-or-closer shot's subject is turned to the camera (``face_shown``, over the
  shots that owe a face);
- revisions per shot, and seconds of computing per second of film.

The single pass is the baseline the agent is compared with, in the same run. The last line is one JSON object.

    python bench/bench_story.py [--stories 30] [--resolution 640x360] [--fps 12]
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


def stories(count: int) -> list[str]:
    lines = [line.strip() for line in STORIES.read_text(encoding="utf-8").splitlines()]
    return [line for line in lines if line and not line.startswith("#")][:count]


def film(story: str, out: Path, retries: int, resolution: str, fps: int) -> tuple[RunReport, float]:
    start = time.perf_counter()
    report = make_video(
        story, out, resolution=resolution, fps=fps, retries=retries, planner="rules", progress=False, force=True
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
    args = parser.parse_args()
    chosen = stories(args.stories)
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as root:
        for label, retries in (("single_pass", 0), ("agent", 3)):
            reports, total = [], 0.0
            for index, story in enumerate(chosen):
                report, seconds = film(story, Path(root) / f"{label}_{index}", retries, args.resolution, args.fps)
                reports.append(report)
                total += seconds
                failed = sorted({c.name for shot in report.shots for c in shot.checks if not c.passed})
                print(f"{label:11} {index + 1:2}/{len(chosen)} {seconds:6.1f} s  failed: {', '.join(failed) or '-'}")
            results[label] = tally(reports, total)
    rows = list(results["single_pass"])
    print(f"\n{len(chosen)} stories at {args.resolution}, {args.fps} fps (rule planner, baseline camera)")
    print(f"{'':26} {'single pass':>12} {'agent':>12} {'agent / single':>15}")
    for row in rows:
        single, agent = results["single_pass"][row], results["agent"][row]
        ratio = agent / single if single else float("nan")
        print(f"{row:26} {single:12.3f} {agent:12.3f} {ratio:15.2f}")
    print(json.dumps({"stories": len(chosen), "resolution": args.resolution, "fps": args.fps, **results}))


if __name__ == "__main__":
    main()
