"""The ``storyreel`` command line.

``storyreel make "STORY"`` turns a story into a run directory holding storyboard.json, scenes/*.glb,
shots/*.mp4, final.mp4, contact_sheet.png and report.json. The run options (``make`` and ``chat`` alike) are
derived from :class:`~storyreel.schema.RunOptions`: its fields are the flags, their descriptions the help and
their defaults the defaults. Errors a user can fix print one line and exit 2.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from enum import Enum
from pathlib import Path
from typing import Any, get_args

from pydantic import ValidationError

from storyreel import __version__
from storyreel.errors import UserError
from storyreel.schema import CHAT_RESOLUTION, RunOptions

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


#: How the run options are grouped in --help (presentation only: the options themselves are RunOptions' fields).
OPTION_GROUPS: dict[str, tuple[str, ...]] = {
    "film": ("fps", "resolution", "style", "seed", "camera", "assets"),
    "revisions (a shot whose checks fail is changed and filmed again)": ("retries", "run_budget", "reviser"),
    "words and sound (quoted speech is spoken and subtitled)": (
        "narrate",
        "speech",
        "voice_model",
        "music",
        "burn_subtitles",
    ),
    "content credentials (C2PA)": ("credentials", "signing_key", "signing_cert"),
    "renderer": ("renderer", "model", "controlnet"),
    "planner": ("planner", "llm_model", "llm_base_url", "fallback"),
    "where the shots are filmed": ("executor", "ray_address"),
}
METAVARS = {
    "resolution": "WxH",
    "assets": "DIR",
    "model": "DIR_OR_ID",
    "controlnet": "DIR_OR_ID",
    "llm_model": "NAME",
    "llm_base_url": "URL",
    "voice_model": "VOICE.onnx",
    "music": "FILE",
    "signing_key": "KEY.pem",
    "signing_cert": "CERT.pem",
    "ray_address": "ADDR",
}


def add_run_options(
    parser: argparse.ArgumentParser, shown: dict[str, str] | None = None, only: tuple[str, ...] | None = None
) -> None:
    """One flag per :class:`RunOptions` field: ``--run-budget`` for ``run_budget``, ``--no-fallback`` for a field
    that is on by default. Values stay strings here and are validated by ``RunOptions.build`` (so a bad one gets
    one line naming the fix); a flag not given is left out, so the model's default applies. ``shown`` overrides the
    default shown in the help, for a command that passes another default itself; ``only`` keeps those options."""
    shown = shown or {}
    for title, names in OPTION_GROUPS.items():
        kept = [name for name in names if only is None or name in only]
        group = parser.add_argument_group(title) if kept else parser
        for name in kept:
            field = RunOptions.model_fields[name]
            flag = "--" + name.replace("_", "-")
            description = field.description or name
            default = field.get_default(call_default_factory=True)
            if isinstance(default, bool):
                group.add_argument(
                    f"--no-{name.replace('_', '-')}" if default else flag,
                    dest=name,
                    action="store_false" if default else "store_true",
                    default=argparse.SUPPRESS,
                    help=description,
                )
                continue
            choices = _choices(field.annotation)
            metavar = "{" + ",".join(choices) + "}" if choices else METAVARS.get(name, "N")
            text = shown.get(name, _shown(default))
            group.add_argument(
                flag,
                dest=name,
                default=argparse.SUPPRESS,
                metavar=metavar,
                help=description + (f" (default: {text})" if text and "(default:" not in description else ""),
            )


def run_options(args: argparse.Namespace, defaults: dict[str, Any] | None = None) -> RunOptions:
    """The :class:`RunOptions` the flags in ``args`` give, on top of ``defaults``."""
    given = {name: getattr(args, name) for name in RunOptions.model_fields if hasattr(args, name)}
    return RunOptions.build(**((defaults or {}) | given))


def _choices(annotation: Any) -> list[str]:
    """The values of an enum-typed option (``Style | None`` too), for its metavar."""
    for kind in (annotation, *get_args(annotation)):
        if isinstance(kind, type) and issubclass(kind, Enum):
            return [member.value for member in kind]
    return []


def _shown(default: Any) -> str:
    if default is None:
        return ""
    return str(default.value if isinstance(default, Enum) else default)


def _add_story_arguments(parser: argparse.ArgumentParser) -> None:
    """Where the story comes from: as text, from a file, or (``-``) from standard input (see ``_read_story``)."""
    parser.add_argument("story", nargs="?", help="the story text; '-' reads standard input")
    parser.add_argument("-f", "--file", type=Path, help="read the story from a UTF-8 text file")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="storyreel",
        description="Turn a story into a multi-shot video: plan shots, build 3D scenes, direct cameras, render, "
        "check and assemble.",
    )
    parser.add_argument("--version", action="version", version=f"storyreel {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    make = commands.add_parser(
        "make",
        help="make a video from a story",
        description="Make a multi-shot video from a story, on the CPU, with no API key, GPU or model weights.",
        epilog=MAKE_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_story_arguments(make)
    make.add_argument("-o", "--out", type=Path, help="run directory (default: runs/<title>)")
    make.add_argument(
        "--force",
        action="store_true",
        help="start afresh, replacing the run files in --out (default: resume a run of the same story)",
    )
    make.add_argument("-q", "--quiet", action="store_true", help="no progress bars")
    add_run_options(make)
    _add_plan_parser(commands)
    _add_chat_parser(commands)
    _add_mcp_parser(commands)
    _add_ui_parser(commands)
    _add_train_camera_parser(commands)
    _add_batch_parser(commands)
    return parser


PLAN_EPILOG = """\
examples:
  storyreel plan "A hedgehog surfing at sunset"                      the storyboard as JSON
  storyreel plan --file examples/stories/dog_and_ball.txt --format table
  storyreel plan "A fox finds a lantern in the snowy forest." --out plan.json

unknown_nouns (JSON) and "shown as boxes" (table) list the things no asset family draws.
"""

#: The run options that change a plan (the rest only change how it is filmed).
PLAN_OPTIONS = ("fps", "seed", "planner", "llm_model", "llm_base_url", "fallback")


def _add_plan_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    plan = commands.add_parser(
        "plan",
        help="plan a story into a storyboard without filming it",
        description="Plan a story into its storyboard (cast, locations, shots) and print it, without rendering: "
        "check a plan before you film it.",
        epilog=PLAN_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_story_arguments(plan)
    plan.add_argument("-o", "--out", type=Path, help="write the storyboard JSON to this file instead of printing it")
    plan.add_argument("--format", choices=["json", "table"], default="json", help="JSON (default) or the shot table")
    add_run_options(plan, only=PLAN_OPTIONS)


def _plan(args: argparse.Namespace) -> int:
    from storyreel.atomic import write_text
    from storyreel.planners import PlannerSettings, plan
    from storyreel.planners.table import shot_table

    options = run_options(args)
    made = plan(_read_story(args), PlannerSettings.from_options(options), fps=options.fps, seed=options.seed)
    storyboard = made.storyboard
    if args.format == "table":
        cast = ", ".join(f"{c.id} ({c.kind})" for c in storyboard.cast) or "nobody"
        text = f"{storyboard.title}: {len(storyboard.shots)} shots, {storyboard.duration:.1f} s\ncast: {cast}\n"
        if storyboard.unknown_nouns:
            text += f"shown as boxes: {', '.join(storyboard.unknown_nouns)}\n"
        text += shot_table(storyboard) + "\n"
    else:
        text = storyboard.model_dump_json(indent=2) + "\n"
    if args.out is None:
        sys.stdout.write(text)
    else:
        try:
            write_text(args.out, text)
        except OSError as error:
            raise UserError(f"cannot write {args.out}: {error.strerror or error}; choose a writable --out") from error
        print(f"{storyboard.title}: {len(storyboard.shots)} shots -> {args.out}")
    return 0


TRAIN_EPILOG = """\
examples:
  storyreel train-camera --out runs/camera_policy
  storyreel train-camera --algo sac --steps 100000 --tensorboard runs/tb

Needs the train extra (pip install 'storyreel[train]'). The same arguments give the same policy. To ship a new
policy, copy policy.npz and MODEL_CARD.md from --out into storyreel/data/camera_policy/.
"""


def _add_train_camera_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    train = commands.add_parser(
        "train-camera",
        help="train the RL camera policy",
        description="Train the residual camera policy, which corrects the baseline director's path frame by frame, "
        "on storyreel/CameraResidual-v0 (PPO or SAC, vectorised environments, observation normalisation saved with "
        "the model) and export it for numpy inference.",
        epilog=TRAIN_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    train.add_argument("-o", "--out", type=Path, default=Path("runs/camera_policy"), help="output folder")
    train.add_argument("--algo", default="ppo", choices=["ppo", "sac"], help="algorithm (default: ppo)")
    train.add_argument("--steps", type=int, default=500_000, help="environment steps (default: 500000)")
    train.add_argument("--envs", type=int, default=4, help="vectorised environments (default: 4)")
    train.add_argument("--seed", type=int, default=0, help="seed (default: 0)")
    train.add_argument("--scenarios", type=int, default=256, help="training scenarios, seeds 0..N-1 (default: 256)")
    train.add_argument("--eval-episodes", type=int, default=50, help="held-out episodes for the model card")
    train.add_argument("--tensorboard", type=Path, help="write TensorBoard logs to this folder")
    train.add_argument("-q", "--quiet", action="store_true", help="no progress bar")


def _train_camera(args: argparse.Namespace) -> int:
    if min(args.steps, args.envs, args.scenarios, args.eval_episodes) < 1:
        raise UserError("--steps, --envs, --scenarios and --eval-episodes must be positive")
    try:
        from storyreel.training.train_camera import train_camera
    except ImportError as error:
        raise UserError(
            f"train-camera needs the train extra ({error.name} is missing): pip install 'storyreel[train]'"
        ) from error
    result = train_camera(
        args.out,
        algorithm=args.algo,
        steps=args.steps,
        envs=args.envs,
        seed=args.seed,
        scenarios=args.scenarios,
        evaluation_episodes=args.eval_episodes,
        tensorboard=args.tensorboard,
        progress=not args.quiet,
    )
    rl, baseline = result.evaluation["rl"], result.evaluation["baseline"]
    print(f"trained {result.algorithm} for {result.steps} steps in {result.seconds / 60:.1f} min -> {result.out}")
    print(f"held-out mean return: policy {rl['return']:.2f}, baseline (no correction) {baseline['return']:.2f}")
    return 0


MCP_EPILOG = """\
examples:
  storyreel mcp --workspace ~/films                 stdio, for a client that starts the server itself
  storyreel mcp --http --port 8765                  streamable HTTP at http://127.0.0.1:8765/mcp
  storyreel mcp --list-tools                        what the server offers

Every path a client gives is confined to the workspace; runs are written under it and returned as
storyreel://<path> URIs, readable as MCP resources.
"""


def _add_mcp_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    mcp = commands.add_parser(
        "mcp",
        help="serve storyreel's tools to other agents over MCP",
        description="Serve storyreel's tools (make_video, the stage tools, get_report) and run artifacts over the "
        "Model Context Protocol: stdio by default, streamable HTTP with --http.",
        epilog=MCP_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    mcp.add_argument("--workspace", type=Path, default=Path(), help="directory the tools work in (default: .)")
    mcp.add_argument("--http", action="store_true", help="serve streamable HTTP instead of stdio")
    mcp.add_argument("--host", default="127.0.0.1", help="HTTP address to bind (default: 127.0.0.1, this machine)")
    mcp.add_argument("--port", type=int, default=8000, help="HTTP port (default: 8000)")
    mcp.add_argument(
        "--token",
        default=os.environ.get("STORYREEL_MCP_TOKEN"),
        help="bearer token HTTP clients must send (default: $STORYREEL_MCP_TOKEN; required off loopback)",
    )
    mcp.add_argument("--list-tools", action="store_true", help="print the tools and exit")


def _read_story(args: argparse.Namespace) -> str:
    if args.file is not None and args.story is not None:
        raise UserError("give the story either as text or with --file, not both")
    if args.file is not None:
        from storyreel.batch import read_story_file

        return read_story_file(Path(args.file))
    if args.story == "-" or (args.story is None and not sys.stdin.isatty()):
        return sys.stdin.read()
    if args.story is None:
        raise UserError('no story given: storyreel make "A dog runs in the park." (or --file PATH, or - for stdin)')
    return str(args.story)


def _make(args: argparse.Namespace) -> int:
    from storyreel.agent.pipeline import make_video

    options = run_options(args)
    report = make_video(
        _read_story(args),
        args.out,
        force=args.force,
        progress=not args.quiet,
        **options.model_dump(exclude_defaults=True),
    )
    failed = [f"{s.shot_id}:{c.name}" for s in report.shots for c in s.checks if not c.passed]
    failed += [f"film:{c.name}" for c in report.checks if not c.passed]
    run = Path(report.run_dir)
    print(f"{report.title}: {len(report.shots)} shots, {report.duration_s:.1f} s -> {run / report.final_video}")
    if report.unknown_nouns:
        print(f"shown as generic props: {', '.join(report.unknown_nouns)}")
    revised = f"{report.revisions} revision{'s' * (report.revisions != 1)}"
    print(f"all checks passed ({revised})" if not failed else f"checks failed: {', '.join(failed)} ({revised})")
    print(f"report: {run / 'report.html'}")
    return 0


CHAT_EPILOG = """\
examples:
  storyreel chat --out runs/chat                 tell a story, then refine it in plain words or /commands
  storyreel chat --resume runs/chat              go on with a saved chat
  OPENAI_BASE_URL=http://localhost:11434/v1 storyreel chat --llm-model llama3.1 --out runs/chat

With an LLM (OPENAI_API_KEY, OPENAI_BASE_URL or --llm-base-url) say what to change: "make shot 2 a close-up",
"add a shot of the dog asleep", "make it night", "render". Without one, plain words are a new story and
/edit, /add, /remove, /scene, /undo, /render edit and film it (/help in the chat lists them).
"""


def _add_chat_parser(commands: argparse._SubParsersAction) -> None:
    chat = commands.add_parser(
        "chat",
        help="tell a story in a terminal chat and refine its shot list",
        description="Tell a story, see its shot list, refine it in plain words (with an LLM) or with slash "
        "commands, and render it; only the shots an edit touched are rendered again.",
        epilog=CHAT_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    where = chat.add_mutually_exclusive_group()
    where.add_argument("-o", "--out", type=Path, help="run directory of a new chat (default: runs/chat)")
    where.add_argument("--resume", type=Path, metavar="DIR", help="go on with the chat saved in DIR")
    chat.add_argument("--force", action="store_true", help="start a new chat even where one is saved")
    chat.add_argument("-q", "--quiet", action="store_true", help="no progress bars while rendering")
    add_run_options(chat, shown={"resolution": str(CHAT_RESOLUTION)})


def _chat(args: argparse.Namespace) -> int:
    from storyreel.agent.chat import ChatRecord, ChatSession, chat_llm
    from storyreel.agent.chat_terminal import run_terminal

    if args.resume is not None:
        session = ChatSession.resume(args.resume)
    else:
        record = ChatRecord(options=run_options(args, {"resolution": str(CHAT_RESOLUTION)}))
        session = ChatSession.start(args.out or Path("runs/chat"), record, force=args.force)
    llm = chat_llm(session.options)
    agent = None
    if llm is not None:
        from storyreel.agent.chat_llm import ChatAgent

        agent = ChatAgent(session, llm)
    return run_terminal(session, agent, progress=not args.quiet)


def _mcp(args: argparse.Namespace) -> int:
    from storyreel.registry import TOOLS, describe_tools

    if args.list_tools:
        print(describe_tools(TOOLS))
        return 0
    if not 1 <= args.port <= 65535:
        raise UserError(f"--port {args.port} is out of range: use 1 to 65535")
    try:
        from storyreel import mcp_server
    except ImportError as error:
        raise UserError(
            f"the MCP server needs the mcp package ({error.name} is missing): pip install 'storyreel[mcp]'"
        ) from error
    if args.http:
        mcp_server.serve_http(args.workspace, host=args.host, port=args.port, token=args.token)
    else:
        mcp_server.serve_stdio(args.workspace)
    return 0


UI_EPILOG = """\
examples:
  storyreel ui                                    the studio at http://127.0.0.1:7860 (this machine only)
  storyreel ui --out-root ~/films --resolution 640x360
  STORYREEL_UI_PASSWORD=... storyreel ui --host 0.0.0.0 --port 8080     on the network, behind a password

Each browser tab has its own chat and run directory under --out-root (<out-root>/<time>-<id>). The chat is that
of storyreel chat: with an LLM (OPENAI_API_KEY, OPENAI_BASE_URL or --llm-base-url) say what to change; without
one, common requests in plain words ("make shot 2 a close-up", "make it night") and /commands edit it. The shot
table's size, angle, move, duration, description and lines are edited in place; Film renders only the shots that
changed. Needs the ui extra: pip install "storyreel[ui]".
"""


def _add_ui_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    ui = commands.add_parser(
        "ui",
        help="a web studio: chat, shot table, film and report in the browser",
        description="Serve the studio, a web page (Gradio) with the chat beside the shot table: tell a story, edit "
        "its shots in the chat or in the table, film it with a progress bar per shot, and watch the film, its "
        "contact sheet and its report.",
        epilog=UI_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ui.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1, this machine only)")
    ui.add_argument("--port", type=int, default=7860, help="port (default: 7860)")
    ui.add_argument(
        "--password",
        default=os.environ.get("STORYREEL_UI_PASSWORD"),
        help="password the page asks for, with any user name (default: $STORYREEL_UI_PASSWORD; required off loopback)",
    )
    ui.add_argument(
        "--out-root",
        type=Path,
        default=Path("runs/studio"),
        help="directory the tabs' run directories go under (default: runs/studio)",
    )
    add_run_options(ui, shown={"resolution": str(CHAT_RESOLUTION)})


def _ui(args: argparse.Namespace) -> int:
    from storyreel.studio import launch

    if not 1 <= args.port <= 65535:
        raise UserError(f"--port {args.port} is out of range: use 1 to 65535")
    options = run_options(args, {"resolution": str(CHAT_RESOLUTION)})
    launch(options, args.out_root, host=args.host, port=args.port, password=args.password)
    return 0


BATCH_EPILOG = """\
examples:
  storyreel batch stories.txt                                   a film per line, at 640x360
  storyreel batch examples/stories --variants 16:9,9:16,1:1     a film per *.txt file, in three shapes each
  storyreel batch stories.txt --variants 9:16,seed=0-3 --out runs/shorts --style clay
  storyreel batch stories.txt --executor ray --ray-address auto --resolution 1280x720

Stories: in a file, one per line (blank lines and lines starting with # are skipped); in a folder, each *.txt file.

Variants: comma-separated aspects W:H and seeds seed=N or seed=N-M (inclusive); every story is made in every
aspect with every seed. An aspect keeps the short side of --resolution (at 640x360: 16:9 is 640x360, 9:16 is
360x640, 1:1 is 360x360); with no aspect a film is --resolution, with no seed --seed.

Each film is made in DIR/<nn>-<story>/<aspect>-seed<N> (e.g. runs/batch/01-a-red-dog/9x16-seed0) and resumes
there: the same command again makes only what is missing. The run options apply to every film. The summary is
printed and written to DIR/batch.json and DIR/batch.csv. A film that cannot be made (a bad story) is reported and
the batch goes on. Exit status: 0 when every film was made, whether or not its checks passed; 1 when one was not.
"""

EXIT_FILM_FAILED = 1


def _add_batch_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from storyreel.batch import BATCH_RESOLUTION

    batch = commands.add_parser(
        "batch",
        help="make a film per story of a file or folder, in several aspects and seeds",
        description="Make one film per story (a line of FILE, or a *.txt file of FOLDER) and per variant (aspect "
        "ratio, seed), one after another, and print a summary table of what passed.",
        epilog=BATCH_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    batch.add_argument("stories", type=Path, metavar="FILE_OR_FOLDER", help="the stories: a text file or a folder")
    batch.add_argument(
        "--variants",
        metavar="SPEC",
        help="aspects W:H and seeds seed=N or seed=N-M, e.g. 16:9,9:16,1:1,seed=0-2 (default: a film per story at "
        "--resolution and --seed)",
    )
    batch.add_argument(
        "-o", "--out", type=Path, default=Path("runs/batch"), metavar="DIR", help="directory (default: runs/batch)"
    )
    batch.add_argument("--force", action="store_true", help="start every film afresh (default: resume)")
    batch.add_argument("-q", "--quiet", action="store_true", help="no progress bars")
    add_run_options(batch, shown={"resolution": str(BATCH_RESOLUTION)})


def _batch(args: argparse.Namespace) -> int:
    from storyreel.batch import (
        BATCH_RESOLUTION,
        Variants,
        make_films,
        parse_variants,
        plan_films,
        read_stories,
        summary_table,
    )

    options = run_options(args, {"resolution": str(BATCH_RESOLUTION)})
    variants = parse_variants(args.variants) if args.variants is not None else Variants()
    films = plan_films(read_stories(args.stories), variants, options, args.out)
    summary = make_films(
        films,
        args.out,
        stories=str(args.stories),
        variants=args.variants or "",
        force=args.force,
        progress=not args.quiet,
    )
    print(summary_table(summary))
    print(f"summary: {args.out / 'batch.json'}")
    if summary.errors:
        failed = ", ".join(film.run_dir for film in summary.errors)
        print(f"storyreel: error: {len(summary.errors)} of {len(films)} films not made: {failed}", file=sys.stderr)
        return EXIT_FILM_FAILED
    return 0


class _WarningLine(logging.Handler):
    """Prints a warning of storyreel's (e.g. an LLM fallback) as one line on the current standard error."""

    def emit(self, record: logging.LogRecord) -> None:
        print(f"storyreel: warning: {record.getMessage()}", file=sys.stderr)


def _show_warnings() -> None:
    log = logging.getLogger("storyreel")
    if not any(isinstance(handler, _WarningLine) for handler in log.handlers):
        log.addHandler(_WarningLine(logging.WARNING))
        log.propagate = False


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    _show_warnings()
    try:
        if args.command == "make":
            return _make(args)
        if args.command == "plan":
            return _plan(args)
        if args.command == "train-camera":
            return _train_camera(args)
        if args.command == "mcp":
            return _mcp(args)
        if args.command == "chat":
            return _chat(args)
        if args.command == "ui":
            return _ui(args)
        if args.command == "batch":
            return _batch(args)
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
