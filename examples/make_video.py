"""Make a short film from a story with the Python API, then print how each shot scored and what the agent changed.

python examples/make_video.py [STORY_FILE] [--out DIR]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import storyreel

HERE = Path(__file__).parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("story", nargs="?", type=Path, default=HERE / "stories" / "dog_and_ball.txt")
    parser.add_argument("--out", type=Path, default=Path("runs/api-example"))
    args = parser.parse_args()

    report = storyreel.make_video(
        args.story.read_text(), out=args.out, resolution="640x360", style="clay", seed=7, force=True
    )
    print(f"{report.title}: {report.frames} frames -> {args.out / report.final_video}")
    for shot in report.shots:
        verdicts = ", ".join(f"{c.name} {c.score:.2f}{'' if c.passed else ' FAILED'}" for c in shot.checks)
        outcome = shot.outcome.value if shot.outcome else "?"
        print(f"  {shot.shot_id} ({shot.duration_s:.1f} s, {outcome}, {len(shot.attempts)} attempts): {verdicts}")
        for attempt in shot.attempts:
            if attempt.revision is not None:
                print(f"    attempt {attempt.number}: {attempt.revision.check} failed -> {attempt.revision.change}")
    print(f"report: {args.out / 'report.html'}")


if __name__ == "__main__":
    main()
