"""Where a run's takes are filmed and its kept attempts finished: in this process, or as Ray tasks.

The agent's graph decides, shot by shot and in order, what to film and what to keep; an executor only films. A
take (``tools/take.film_take``) and a finished clip (``tools/film.film_clip``) depend on their inputs alone, so
both executors make the same film, frame for frame:

=============  ===================================================  ============================================
executor       takes                                                kept attempts at the output size
=============  ===================================================  ============================================
``local``      in this process: the next shot's first take on a     a finisher thread, in shot order
               thread of its own, the rest when the graph asks
``ray``        each a Ray task; every shot's first take is          each a Ray task, its clip's bytes written
               submitted ahead (a window of twice the cluster's     into the run store here; a dissolve waits
               CPUs), later ones when the graph asks                only for the shot before's last frame
=============  ===================================================  ============================================

A Ray worker builds its own OpenGL context on first use (``render.raster`` keeps one per thread). A task whose
worker dies is filmed again, up to ``RAY_RETRIES`` times, and said so in the run's warnings; a cluster that cannot be
reached fails the run with one line. Ray is imported only by ``RayExecutor``.
"""

from __future__ import annotations

import contextlib
import functools
import os
import socket
import tempfile
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from storyreel.atomic import atomic_path
from storyreel.errors import UserError
from storyreel.schema import CameraPath, ExecutorChoice, Renderer, RunOptions, Shot, ShotDirection, Storyboard
from storyreel.timing import add_timings, timed
from storyreel.tools.film import ClipExtras, ClipFinisher, PreviousLast, film_clip
from storyreel.tools.take import Take, film_take
from storyreel.world.world import World

RAY_RETRIES = 2  # times a task whose worker died is filmed again
AHEAD_PER_CPU = 2  # Ray: first takes in flight or waiting per CPU of the cluster
LOCAL_AHEAD = 1  # local: first takes filmed ahead, on a thread of their own
CONNECT_TIMEOUT_S = 5.0  # how long a cluster's address may take to answer

#: Called once a kept attempt's clip is written whole, with its last frame (the caller records it in its store).
Then = Callable[[NDArray[np.uint8]], None]


@dataclass(frozen=True)
class TakeRequest:
    """One attempt at ``shot`` as ``direction`` says; ``path`` keeps the last attempt's camera (a change to the
    render alone). ``clip``, ``previous_last`` and ``sound`` serve a diffused attempt, which is encoded with its
    take."""

    shot: Shot
    direction: ShotDirection
    clip: Path
    path: CameraPath | None = None
    previous_last: PreviousLast = None
    sound: ClipExtras | None = None


class Executor(Protocol):
    """Films a run's takes and finishes its kept attempts. ``start`` binds the run; ``close`` waits for the
    finished clips (or, with ``cancel``, drops those not started). ``timings`` and ``warnings`` are read once
    closed."""

    timings: dict[str, float]
    warnings: list[str]

    def start(self, storyboard: Storyboard, worlds: dict[str, World], options: RunOptions, ahead: list[Shot]) -> None:
        """Bind the run; ``ahead`` are the shots whose first take the graph will ask for, in order."""

    def take(self, request: TakeRequest) -> Take:
        """Film the take ``request`` asks for (or collect the one filmed ahead)."""

    def finish(
        self,
        shot: Shot,
        path: CameraPath,
        *,
        clip: Path,
        previous_last: PreviousLast,
        sound: ClipExtras | None,
        then: Then,
    ) -> Future[NDArray[np.uint8]]:
        """Film ``shot`` along ``path`` at the output size into ``clip`` after the clips finished before it; the
        future holds its last frame once ``then`` has run."""

    def close(self, *, cancel: bool = False) -> None: ...


def executor_for(options: RunOptions) -> Executor:
    """The executor ``options.executor`` names."""
    if options.executor == ExecutorChoice.RAY:
        return RayExecutor(options.ray_address)
    return LocalExecutor()


class LocalExecutor:
    """Takes filmed in this process: the next shot's first take on a thread of its own while the graph checks and
    revises the shot in hand (raster: a diffused take needs the shot before's clip), the rest when the graph asks;
    kept attempts finished on another thread (``tools/film.ClipFinisher``)."""

    def __init__(self) -> None:
        self._finisher = ClipFinisher()
        self.timings = self._finisher.timings
        self.warnings: list[str] = []
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="take")
        self._ahead: dict[str, Future[Take]] = {}  # shot id -> its first take, filming or filmed
        self._waiting: list[Shot] = []  # shots whose first take is not yet submitted

    def start(self, storyboard: Storyboard, worlds: dict[str, World], options: RunOptions, ahead: list[Shot]) -> None:
        self._storyboard, self._worlds, self._options = storyboard, worlds, options
        if options.renderer == Renderer.RASTER:
            self._waiting = list(ahead)

    def take(self, request: TakeRequest) -> Take:
        shot = request.shot
        first = request.path is None and request.direction == ShotDirection()
        ahead = self._ahead.pop(shot.id, None) if first else None
        self._waiting = [waiting for waiting in self._waiting if waiting.id != shot.id]
        self._top_up()  # the next shot's first take films while this one is checked
        if ahead is not None:
            with timed(self.timings, "take_wait"):
                return ahead.result()
        return film_take(
            self._worlds[shot.location],
            self._storyboard,
            shot,
            self._options,
            request.direction,
            path=request.path,
            clip=request.clip,
            previous_last=request.previous_last,
            sound=request.sound,
        )

    def _top_up(self) -> None:
        while self._waiting and len(self._ahead) < LOCAL_AHEAD:
            shot = self._waiting.pop(0)
            world, storyboard, options = self._worlds[shot.location], self._storyboard, self._options
            self._ahead[shot.id] = self._pool.submit(
                film_take, world, storyboard, shot, options, ShotDirection(), clip=Path(os.devnull)
            )

    def finish(
        self,
        shot: Shot,
        path: CameraPath,
        *,
        clip: Path,
        previous_last: PreviousLast,
        sound: ClipExtras | None,
        then: Then,
    ) -> Future[NDArray[np.uint8]]:
        return self._finisher.submit(
            self._worlds[shot.location],
            self._storyboard,
            shot,
            path,
            self._options,
            clip=clip,
            previous_last=previous_last,
            sound=sound,
            then=then,
        )

    def close(self, *, cancel: bool = False) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)  # a take filmed ahead and never asked for is dropped
        self._finisher.close(cancel=cancel)


class RayExecutor:
    """Takes and finished clips as Ray tasks, on a local Ray instance (this machine's cores) or the cluster at
    ``address``. Every shot's first take is filmed ahead, a window at a time; a finished clip comes back as bytes
    and is signed and written into the run store on a thread here, in shot order: the run store needs no shared
    disk, and the signing key never leaves this machine."""

    def __init__(self, address: str | None = None) -> None:
        self.address = address
        self.timings: dict[str, float] = {}
        self.warnings: list[str] = []
        self._ahead: dict[str, Any] = {}  # shot id -> the ObjectRef of its first take
        self._waiting: list[Shot] = []  # shots whose first take is not yet submitted
        self._window = 0
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="gather")
        self._written: list[Future[NDArray[np.uint8]]] = []
        self._last_refs: dict[int, tuple[Future[NDArray[np.uint8]], Any]] = {}  # id(future) -> (future, last's ref)
        self._submitted: list[Any] = []

    def start(self, storyboard: Storyboard, worlds: dict[str, World], options: RunOptions, ahead: list[Shot]) -> None:
        self._run = (storyboard, worlds, options)
        self._waiting = list(ahead)
        if ahead:  # a run whose shots are all in the store needs no cluster
            self._connect()
            self._top_up()

    def take(self, request: TakeRequest) -> Take:
        self._connect()
        shot, direction = request.shot, request.direction
        first = request.path is None and direction == ShotDirection()
        ref = self._ahead.pop(shot.id, None) if first else None
        self._waiting = [waiting for waiting in self._waiting if waiting.id != shot.id]

        def submit() -> Any:
            world = self._worlds[shot.location]
            return self._submit(_take_task, world, self._storyboard, shot.id, self._options, direction, request.path)

        with timed(self.timings, "take_wait"):
            take: Take = self._collect(ref if ref is not None else submit(), submit, f"{shot.id}'s take")
        self._top_up()
        return take

    def finish(
        self,
        shot: Shot,
        path: CameraPath,
        *,
        clip: Path,
        previous_last: PreviousLast,
        sound: ClipExtras | None,
        then: Then,
    ) -> Future[NDArray[np.uint8]]:
        self._connect()
        previous = self._previous(previous_last)
        unsigned = replace(sound, sign=None) if sound is not None else None  # the key stays here: clips sign here

        def submit(before: Any = previous) -> tuple[Any, Any]:
            refs = self._submit(
                _finish_task,
                self._worlds[shot.location],
                self._storyboard,
                shot.id,
                path,
                self._options,
                [before],  # in a list, so Ray hands the task the ref itself: only the dissolve waits for it
                unsigned,
                num_returns=2,
            )
            return refs[0], refs[1]

        clip_ref, last_ref = submit()

        def again() -> tuple[Any, Any]:
            # Clips are gathered in shot order: the one before is written, its last frame at hand.
            return submit(previous_last.result() if isinstance(previous_last, Future) else previous_last)

        def gather() -> NDArray[np.uint8]:
            data, last, timings = self._collect((clip_ref, last_ref), again, shot.id)
            add_timings(self.timings, timings)
            with atomic_path(clip) as temporary:  # signed whole before it takes its name
                temporary.write_bytes(data)
                if sound is not None and sound.sign is not None:
                    sound.sign(temporary)
            then(last)
            return last

        future = self._writer.submit(gather)
        self._written.append(future)
        self._last_refs[id(future)] = (future, last_ref)
        return future

    def close(self, *, cancel: bool = False) -> None:
        if cancel:
            import ray

            for ref in self._submitted:
                with contextlib.suppress(Exception):  # a task done or already gone
                    ray.cancel(ref)
        self._writer.shutdown(wait=True, cancel_futures=cancel)
        if not cancel:
            for future in self._written:
                future.result()

    # ------------------------------------------------------------------------------------------------ helpers

    def _connect(self) -> None:
        """Connect to Ray and put the run's storyboard, options and worlds in its object store, once."""
        if self._window:
            return
        ray = connect(self.address)
        storyboard, worlds, options = self._run
        with timed(self.timings, "ray_put"):
            self._storyboard = ray.put(storyboard)
            self._options = ray.put(options)
            self._worlds = {location: ray.put(world) for location, world in worlds.items()}
        self._window = max(1, AHEAD_PER_CPU * int(ray.cluster_resources().get("CPU", 1)))

    def _top_up(self) -> None:
        """Submit first takes ahead until the window is full."""
        while self._waiting and len(self._ahead) < self._window:
            shot = self._waiting.pop(0)
            self._ahead[shot.id] = self._submit(
                _take_task, self._worlds[shot.location], self._storyboard, shot.id, self._options, ShotDirection(), None
            )

    def _submit(self, task: Any, *args: Any, num_returns: int = 1) -> Any:
        """Submit ``task`` as a Ray task with no retries of Ray's own (this executor retries, and says so)."""
        refs = _remote(task, num_returns).remote(*args)
        self._submitted += refs if isinstance(refs, list) else [refs]
        return refs

    def _previous(self, previous_last: PreviousLast) -> Any:
        """The shot before's last frame as a task takes it: a frame at hand, or the ref of one still filming."""
        if isinstance(previous_last, Future):
            _, ref = self._last_refs[id(previous_last)]
            return ref
        return previous_last

    def _collect(self, refs: Any, resubmit: Callable[[], Any], what: str) -> Any:
        """The result of ``refs``; a task whose worker died (or whose input was lost with one) is submitted
        again, up to ``RAY_RETRIES`` times, with a warning."""
        import ray
        from ray.exceptions import RayError, RayTaskError

        for attempt in range(RAY_RETRIES + 1):
            try:
                if isinstance(refs, tuple):  # a finished clip: ((bytes, timings), last frame)
                    (data, timings), last = ray.get(list(refs))
                    return data, last, timings
                return ray.get(refs)
            except RayTaskError as error:
                if not isinstance(error.cause, RayError):
                    raise  # the task's own error, whatever it was
                failure: RayError = error
            except RayError as error:
                failure = error
            if attempt == RAY_RETRIES:
                raise UserError(
                    f"{what}: Ray failed {RAY_RETRIES + 1} times ({_reason(failure)}); the shots finished so far are "
                    "kept: check the cluster and run the same command again"
                ) from failure
            self.warnings.append(f"{what}: a Ray worker failed ({_reason(failure)}); filmed again")
            refs = resubmit()
        raise AssertionError("unreachable")


def connect(address: str | None) -> Any:
    """The ``ray`` module, connected: to the cluster at ``address``, or to a local instance with this machine's
    cores (one already connected, by a test or a benchmark, is kept). Ray missing or a cluster that cannot be
    reached raise one line."""
    try:
        import ray
    except ImportError as error:
        raise UserError("--executor ray needs Ray: pip install 'storyreel[ray]'") from error
    if ray.is_initialized():
        return ray
    options: dict[str, Any] = {"logging_level": "ERROR", "log_to_driver": False, "include_dashboard": False}
    where = f"the Ray cluster at {address}" if address else "a local Ray instance"
    try:
        if address is None:
            ray.init(num_cpus=os.cpu_count() or 1, **options)
        else:
            _answers(address)
            ray.init(address=address, **options)
    except (OSError, RuntimeError, ValueError) as error:
        raise UserError(f"cannot reach {where} ({_reason(error)}): start it, or check --ray-address") from error
    return ray


def _answers(address: str) -> None:
    """Raise ``ConnectionError`` unless something listens at ``address`` (``host:port`` or ``ray://host:port``;
    ``auto`` is Ray's to find): Ray itself waits a minute or more for a cluster that is not there."""
    host, _, port = address.removeprefix("ray://").rpartition(":")
    if address == "auto" or not host or not port.isdigit():
        return
    try:
        socket.create_connection((host, int(port)), timeout=CONNECT_TIMEOUT_S).close()
    except OSError as error:
        raise ConnectionError(f"nothing answers at {host}:{port}: {error.strerror or error}") from error


@functools.cache
def _remote(task: Callable[..., Any], num_returns: int) -> Any:
    """``task`` as a Ray remote function (made once): one CPU, no retries of Ray's own."""
    import ray

    return ray.remote(num_cpus=1, max_retries=0, num_returns=num_returns)(task)


def _reason(error: BaseException) -> str:
    return str(error).strip().splitlines()[0][:200] if str(error).strip() else type(error).__name__


# ------------------------------------------------------------------------------------- the tasks, on the workers


def _take_task(
    world: World,
    storyboard: Storyboard,
    shot_id: str,
    options: RunOptions,
    direction: ShotDirection,
    path: CameraPath | None,
) -> Take:
    """A take filmed on a Ray worker (raster: nothing is encoded, so ``clip`` is never written)."""
    shot = _shot(storyboard, shot_id)
    return film_take(world, storyboard, shot, options, direction, path=path, clip=Path(os.devnull))


def _finish_task(
    world: World,
    storyboard: Storyboard,
    shot_id: str,
    path: CameraPath,
    options: RunOptions,
    before: list[Any],
    sound: ClipExtras | None,
) -> tuple[tuple[bytes, dict[str, float]], NDArray[np.uint8]]:
    """A kept attempt filmed at the output size on a Ray worker: the clip's bytes with the seconds it took, and its
    last frame. The dissolve from the shot before waits for that shot's last frame, if it is still filming."""
    previous = before[0]
    if previous is not None and not isinstance(previous, np.ndarray):
        previous = previous.future()  # an ObjectRef: resolved when the first chunk's dissolve needs it
    timings: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="storyreel-") as folder:
        clip = Path(folder) / f"{shot_id}.mp4"
        with timed(timings, "final"):
            last = film_clip(
                world,
                storyboard,
                _shot(storyboard, shot_id),
                path,
                options,
                clip=clip,
                previous_last=previous,
                sound=sound,
                timings=timings,
            )
        return (clip.read_bytes(), timings), last


def _shot(storyboard: Storyboard, shot_id: str) -> Shot:
    return next(shot for shot in storyboard.shots if shot.id == shot_id)
