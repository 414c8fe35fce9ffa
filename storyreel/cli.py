"""The ``storyreel`` command line.

``storyreel make "STORY"`` turns a story into a run directory holding storyboard.json, scenes/*.glb,
shots/*.mp4, final.mp4, contact_sheet.png and report.json. Errors a user can fix print one line and exit 2.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pydantic import ValidationError

from storyreel.errors import UserError
from storyreel.schema import Style

EXIT_USAGE = 2
EXIT_INTERRUPTED = 130

MAKE_EPILOG = """\
examples:
  storyreel make "A red dog chases a ball in the park. The dog jumps over a bench."
  storyreel make --file examples/stories/dog_and_ball.txt --out runs/dog --style clay
  echo "A robot walks on the moon." | storyreel make - --resolution 640x360

A directory that already holds the same run resumes it: finished shots are kept, the rest are made.
The same story, settings and --seed give the same video, frame for frame.
"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="storyreel",
        description="Turn a story into a multi-shot video: plan shots, build 3D scenes, direct cameras, render, "
        "check and assemble.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    make = commands.add_parser(
        "make",
        help="make a video from a story",
        description="Make a multi-shot video from a story, on the CPU, with no API key, GPU or model weights.",
        epilog=MAKE_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    make.add_argument("story", nargs="?", help="the story text; '-' reads standard input")
    make.add_argument("-f", "--file", type=Path, help="read the story from a UTF-8 text file")
    make.add_argument("-o", "--out", type=Path, help="run directory (default: runs/<title>)")
    make.add_argument("--fps", type=int, default=24, help="frames per second (default: 24)")
    make.add_argument("--resolution", default="1280x720", help="WIDTHxHEIGHT, even numbers (default: 1280x720)")
    make.add_argument(
        "--style", default=Style.TOON.value, choices=[s.value for s in Style], help="raster look (default: toon)"
    )
    make.add_argument("--seed", type=int, default=0, help="seed for every random choice (default: 0)")
    make.add_argument("--assets", type=Path, help="folder of GLB/OBJ files that replace procedural assets by name")
    make.add_argument(
        "--force",
        action="store_true",
        help="start afresh, replacing the run files in --out (default: resume a run of the same story)",
    )
    make.add_argument("-q", "--quiet", action="store_true", help="no progress bars")
    return parser


def _read_story(args: argparse.Namespace) -> str:
    if args.file is not None and args.story is not None:
        raise UserError("give the story either as text or with --file, not both")
    if args.file is not None:
        try:
            return Path(args.file).read_text(encoding="utf-8")
        except FileNotFoundError as error:
            raise UserError(f"story file {args.file} does not exist: check the path") from error
        except UnicodeDecodeError as error:
            raise UserError(f"story file {args.file} is not UTF-8 text: save it as UTF-8") from error
        except OSError as error:
            raise UserError(f"cannot read story file {args.file}: {error.strerror}") from error
    if args.story == "-" or (args.story is None and not sys.stdin.isatty()):
        return sys.stdin.read()
    if args.story is None:
        raise UserError('no story given: storyreel make "A dog runs in the park." (or --file PATH, or - for stdin)')
    return str(args.story)


def _make(args: argparse.Namespace) -> int:
    from storyreel.agent.pipeline import make_video

    report = make_video(
        _read_story(args),
        args.out,
        fps=args.fps,
        resolution=args.resolution,
        style=args.style,
        seed=args.seed,
        asset_dir=args.assets,
        force=args.force,
        progress=not args.quiet,
    )
    failed = [f"{s.shot_id}:{c.name}" for s in report.shots for c in s.checks if not c.passed]
    final = Path(report.run_dir) / report.final_video
    print(f"{report.title}: {len(report.shots)} shots, {report.duration_s:.1f} s -> {final}")
    if report.unknown_nouns:
        print(f"shown as generic props: {', '.join(report.unknown_nouns)}")
    print("all checks passed" if not failed else f"checks failed: {', '.join(failed)} (see report.json)")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "make":
            return _make(args)
    except UserError as error:
        print(f"storyreel: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except ValidationError as error:
        problem = error.errors()[0]
        where = ".".join(str(part) for part in problem["loc"]) or "input"
        print(f"storyreel: error: invalid {where}: {problem['msg']}", file=sys.stderr)
        return EXIT_USAGE
    except ValueError as error:  # the planner's StoryError and bad option values
        print(f"storyreel: error: {str(error).splitlines()[0]}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("storyreel: interrupted; run the same command again to resume", file=sys.stderr)
        return EXIT_INTERRUPTED
    return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
