"""A take: one attempt at a shot, directed, filmed for its checks and checked on its own.

What a take makes depends only on the shot, its world, the run's options and the direction (and, for a diffused
attempt, the shot before's last frame, which its clip dissolves from): never on which process films it. So the
agent's executors (``agent/executors.py``) may film takes anywhere, in any order, ahead of time, and the film is
the same frame for frame. Checks against earlier shots are not a take's: they need the shots the agent kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from storyreel.schema import CameraPath, CheckResult, RunOptions, Shot, ShotDirection, ShotSummary, Storyboard
from storyreel.timing import timed
from storyreel.tools.camera import direct_camera, directed_shot
from storyreel.tools.checks import check_shot, summarize_shot
from storyreel.tools.film import ClipExtras, Filmed, PreviousLast, film_analysis
from storyreel.world.world import World


@dataclass
class Take:
    """One attempt at a shot: its camera path, its frames at analysis size, what later shots are checked against,
    and its own checks, with the seconds each stage took."""

    path: CameraPath
    filmed: Filmed
    summary: ShotSummary
    checks: list[CheckResult]
    timings: dict[str, float] = field(default_factory=dict)


def film_take(
    world: World,
    storyboard: Storyboard,
    shot: Shot,
    options: RunOptions,
    direction: ShotDirection,
    *,
    path: CameraPath | None = None,
    clip: Path,
    previous_last: PreviousLast = None,
    sound: ClipExtras | None = None,
) -> Take:
    """Direct the camera for ``shot`` as ``direction`` says (or keep ``path``, for a change to the render alone),
    film it for its checks (``tools/film.film_analysis``; a diffused attempt is also encoded into ``clip``) and run
    the shot's own checks."""
    timings: dict[str, float] = {}
    start = storyboard.shot_start(shot.id)
    if path is None:
        with timed(timings, "camera"):
            path = direct_camera(
                world,
                shot,
                start=start,
                fps=options.fps,
                aspect=options.resolution.width / options.resolution.height,
                seed=options.seed,
                director=options.camera,
                direction=direction,
            )
    filmed = film_analysis(
        world,
        storyboard,
        shot,
        path,
        options,
        clip=clip,
        direction=direction,
        previous_last=previous_last,
        sound=sound,
        timings=timings,
    )
    with timed(timings, "check"):
        directed = directed_shot(shot, direction)
        summary = summarize_shot(filmed.analysis, path, directed, world, start)
        checks = check_shot(filmed.analysis, path, directed, world, start)
    return Take(path, filmed, summary, checks, timings)
