"""The ``storyreel`` command line.

``storyreel make "STORY"`` turns a story into a run directory holding storyboard.json, scenes/*.glb,
shots/*.mp4, final.mp4, contact_sheet.png and report.json. Errors a user can fix print one line and exit 2.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from pydantic import ValidationError

from storyreel.agent.run_options import RENDERERS, REVISERS, SHOT_RETRIES
from storyreel.errors import UserError
from storyreel.schema import Style
from storyreel.tools.camera import CONTROLLERS, DEFAULT_CONTROLLER
from storyreel.tools.render.diffusion_weights import DEFAULT_CONTROLNET, DEFAULT_MODEL

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
    make.add_argument(
        "--camera",
        default=DEFAULT_CONTROLLER,
        choices=CONTROLLERS,
        help=f"camera director: the shipped RL policy or the hand-written baseline (default: {DEFAULT_CONTROLLER}, "
        "which scores better on bench/bench_camera.py)",
    )
    make.add_argument("-q", "--quiet", action="store_true", help="no progress bars")
    agent = make.add_argument_group("revisions (a shot whose checks fail is changed and filmed again)")
    agent.add_argument(
        "--retries",
        type=int,
        default=SHOT_RETRIES,
        help=f"revisions per shot (default: {SHOT_RETRIES}; 0 films each shot once)",
    )
    agent.add_argument(
        "--run-budget", type=int, metavar="N", help="revisions in the whole run (default: twice the number of shots)"
    )
    agent.add_argument(
        "--reviser",
        default="auto",
        choices=REVISERS,
        help="who chooses each revision: auto (default): the LLM when one is configured (as for --planner), else "
        "the deterministic policy; llm: require the LLM; policy: never ask it",
    )
    diffusion = make.add_argument_group("renderer")
    diffusion.add_argument(
        "--renderer",
        default="raster",
        choices=RENDERERS,
        help="raster (default: OpenGL, seconds per shot on a CPU) or diffusion (diffusers over the raster pass: "
        "needs the diffusion extra, model weights on this machine, and in practice a GPU)",
    )
    diffusion.add_argument(
        "--model",
        metavar="DIR_OR_ID",
        help=f"diffusion: Stable Diffusion weights, a local directory or a hub id in the local cache "
        f"(default: {DEFAULT_MODEL})",
    )
    diffusion.add_argument(
        "--controlnet",
        metavar="DIR_OR_ID",
        help=f"diffusion: the depth ControlNet, same forms (default: {DEFAULT_CONTROLNET})",
    )
    _add_planner_arguments(make)
    _add_chat_parser(commands)
    _add_mcp_parser(commands)
    _add_train_camera_parser(commands)
    return parser


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
        description="Train the camera policy on storyreel/CameraFraming-v0 (PPO or SAC, vectorised environments, "
        "observation normalisation saved with the model) and export it for numpy inference.",
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
        from storyreel.envs.training import train_camera
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
    rl, zero = result.evaluation["rl"], result.evaluation["zero"]
    print(f"trained {result.algorithm} for {result.steps} steps in {result.seconds / 60:.1f} min -> {result.out}")
    print(f"held-out mean return: policy {rl['return']:.2f}, zero actions {zero['return']:.2f}")
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
        camera=args.camera,
        renderer=args.renderer,
        model=args.model,
        controlnet=args.controlnet,
        retries=args.retries,
        run_budget=args.run_budget,
        reviser=args.reviser,
        force=args.force,
        progress=not args.quiet,
        planner=args.planner,
        llm_model=args.llm_model,
        llm_base_url=args.llm_base_url,
        fallback=not args.no_fallback,
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


def _add_planner_arguments(parser: argparse.ArgumentParser) -> None:
    planner = parser.add_argument_group("planner")
    planner.add_argument(
        "--planner",
        choices=["auto", "llm", "rules"],
        default="auto",
        help="auto (default): the LLM when OPENAI_API_KEY or OPENAI_BASE_URL is set, else rules; "
        "llm: require the LLM; rules: the offline rule planner",
    )
    planner.add_argument(
        "--llm-model", help="chat model name (default: $STORYREEL_LLM_MODEL, else gpt-4o-mini)", metavar="NAME"
    )
    planner.add_argument(
        "--llm-base-url",
        help="OpenAI-compatible endpoint, e.g. http://localhost:11434/v1 for Ollama (default: $OPENAI_BASE_URL)",
        metavar="URL",
    )
    planner.add_argument(
        "--no-fallback",
        action="store_true",
        help="fail when the LLM fails, instead of planning with the rule planner and a warning",
    )


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
    chat.add_argument("--fps", type=int, default=24, help="frames per second (default: 24)")
    chat.add_argument("--resolution", default="640x360", help="WIDTHxHEIGHT, even numbers (default: 640x360)")
    chat.add_argument(
        "--style", default=Style.TOON.value, choices=[s.value for s in Style], help="raster look (default: toon)"
    )
    chat.add_argument("--seed", type=int, default=0, help="seed for every random choice (default: 0)")
    chat.add_argument(
        "--camera",
        default=DEFAULT_CONTROLLER,
        choices=CONTROLLERS,
        help=f"camera director, as for make (default: {DEFAULT_CONTROLLER})",
    )
    chat.add_argument("--force", action="store_true", help="start a new chat even where one is saved")
    chat.add_argument("-q", "--quiet", action="store_true", help="no progress bars while rendering")
    _add_planner_arguments(chat)


def _chat(args: argparse.Namespace) -> int:
    from storyreel.agent.chat import ChatRecord, ChatSession
    from storyreel.agent.chat_terminal import run_terminal

    if args.resume is not None:
        session = ChatSession.resume(args.resume)
    else:
        if not 1 <= args.fps <= 120:
            raise UserError(f"--fps {args.fps} is out of range: use 1 to 120 (24 is the film standard)")
        record = ChatRecord(
            fps=args.fps,
            resolution=args.resolution,
            style=args.style,
            seed=args.seed,
            camera=args.camera,
            planner=args.planner,
            llm_model=args.llm_model,
            llm_base_url=args.llm_base_url,
            fallback=not args.no_fallback,
        )
        session = ChatSession.start(args.out or Path("runs/chat"), record, force=args.force)
    llm = session.planner.llm()
    agent = None
    if llm is not None:
        try:
            from storyreel.agent.chat_llm import ChatAgent
        except ImportError as error:
            raise UserError(
                f"the LLM chat needs the llm extra ({error.name} is missing): pip install 'storyreel[llm]', "
                "or chat offline with --planner rules"
            ) from error
        agent = ChatAgent(session, llm)
    return run_terminal(session, agent, progress=not args.quiet)


def _mcp(args: argparse.Namespace) -> int:
    from storyreel.agent.toolset import TOOLSET
    from storyreel.tools.registry import describe_tools

    if args.list_tools:
        print(describe_tools(TOOLSET))
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
        if args.command == "train-camera":
            return _train_camera(args)
        if args.command == "mcp":
            return _mcp(args)
        if args.command == "chat":
            return _chat(args)
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
