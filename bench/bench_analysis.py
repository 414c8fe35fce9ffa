"""Decide small: do the checks read the same from an attempt rendered at analysis size as from the full-size render?

For every shot of the example stories (``examples/stories``), the camera path is filmed two ways: at the output size
with the analysis frames reduced from it on the GL side (what every attempt cost before), and at the analysis size,
two samples a pixel each way (``render_analysis``: what an attempt costs now). Every check runs on both; the table
gives, per check, how often the verdicts agree and the largest score difference as a share of the check's
threshold. The last line is one JSON object.

    python bench/bench_analysis.py [--resolution 1280x720] [--fps 12]
"""

from __future__ import annotations

import argparse
import json
import time
from collections import defaultdict
from pathlib import Path

from storyreel.planners.rules import plan_story
from storyreel.schema import CheckResult, RunOptions
from storyreel.tools.camera import direct_camera
from storyreel.tools.checks import analysis_factor, check_shot
from storyreel.tools.render.frames import FrameSet
from storyreel.tools.render.raster import render_analysis, render_film
from storyreel.tools.scene import build_world

STORIES = Path(__file__).resolve().parents[1] / "examples" / "stories"


def differences(full: list[CheckResult], small: list[CheckResult]) -> dict[str, tuple[bool, float]]:
    """Per check: whether the two verdicts agree, and the score difference relative to the threshold."""
    return {
        a.name: (a.passed == b.passed, abs(a.score - b.score) / max(abs(a.threshold), 1e-6))
        for a, b in zip(full, small, strict=True)
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--resolution", default="1280x720")
    parser.add_argument("--fps", type=int, default=12)
    args = parser.parse_args()
    options = RunOptions.build(fps=args.fps, resolution=args.resolution)
    aspect = options.resolution.width / options.resolution.height
    factor = analysis_factor(options.resolution.width, options.resolution.height)
    found: dict[str, list[tuple[bool, float]]] = defaultdict(list)
    shots, seconds = 0, {"full": 0.0, "small": 0.0}
    disagreements: list[str] = []
    for story in sorted(STORIES.glob("*.txt")):
        storyboard = plan_story(story.read_text(encoding="utf-8"), fps=options.fps)
        style = options.look(storyboard)
        worlds = {loc.id: build_world(storyboard, loc.id, seed=options.seed) for loc in storyboard.locations}
        for shot in storyboard.shots:
            world, start = worlds[shot.location], storyboard.shot_start(shot.id)
            path = direct_camera(world, shot, start=start, fps=options.fps, aspect=aspect)
            begin = time.perf_counter()
            chunks = render_film(
                world, path, start=start, style=style, resolution=options.resolution, analysis_factor=factor
            )
            full = FrameSet.concatenate([analysis for _, analysis in chunks])
            seconds["full"] += time.perf_counter() - begin
            begin = time.perf_counter()
            small = render_analysis(
                world, path, start=start, style=style, resolution=options.resolution, analysis_factor=factor
            )
            seconds["small"] += time.perf_counter() - begin
            for name, difference in differences(
                check_shot(full, path, shot, world, start), check_shot(small, path, shot, world, start)
            ).items():
                found[name].append(difference)
                if not difference[0]:
                    disagreements.append(f"{story.stem}/{shot.id}: {name}")
            shots += 1
    print(f"{shots} shots of {len(list(STORIES.glob('*.txt')))} example stories at {args.resolution}, {args.fps} fps")
    print(f"{'check':<24}{'verdicts agree':>16}{'max |diff| / threshold':>25}{'mean':>8}")
    rows = {}
    for name, values in found.items():
        agree = sum(same for same, _ in values) / len(values)
        worst = max(diff for _, diff in values)
        mean = sum(diff for _, diff in values) / len(values)
        rows[name] = {"agree": round(agree, 4), "max_rel_diff": round(worst, 4), "mean_rel_diff": round(mean, 4)}
        print(f"{name:<24}{agree:>15.1%}{worst:>25.3f}{mean:>8.3f}")
    total = [same for values in found.values() for same, _ in values]
    print(f"all verdicts: {sum(total)}/{len(total)} agree; disagreeing: {', '.join(disagreements) or 'none'}")
    print(f"render time: full size + GL reduction {seconds['full']:.1f} s, analysis size {seconds['small']:.1f} s")
    print(
        json.dumps(
            {
                "shots": shots,
                "verdicts_agree": round(sum(total) / len(total), 4),
                "disagreements": disagreements,
                "full_render_s": round(seconds["full"], 2),
                "small_render_s": round(seconds["small"], 2),
                "checks": rows,
            }
        )
    )


if __name__ == "__main__":
    main()
