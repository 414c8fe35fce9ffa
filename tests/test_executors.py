"""The executors: Ray tasks film the same film as this process, a worker killed mid-task is filmed again and the
report says so, and a cluster that does not answer is one line."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import pytest

from storyreel.agent.pipeline import make_video
from storyreel.errors import UserError
from storyreel.schema import RunOptions, RunReport

ray = pytest.importorskip("ray", reason="the ray extra is not installed")

STORY = "A red dog chases a ball in the park. The dog jumps over a bench. The dog sleeps."
FILM = {"fps": 8, "resolution": "192x108", "seed": 1, "retries": 1, "camera": "baseline", "planner": "rules"}


def _frames(video: Path) -> np.ndarray:
    reader = imageio_ffmpeg.read_frames(str(video))
    meta = next(reader)
    width, height = meta["size"]
    return np.stack([np.frombuffer(b, np.uint8).reshape(height, width, 3) for b in reader])


def _same_film(report: RunReport, reference: RunReport) -> None:
    """The same shots, kept after the same checks and revisions, and the same frames."""
    assert [(s.shot_id, s.outcome, s.kept_attempt, len(s.attempts)) for s in report.shots] == [
        (s.shot_id, s.outcome, s.kept_attempt, len(s.attempts)) for s in reference.shots
    ]
    assert [[(c.name, c.score) for c in s.checks] for s in report.shots] == [
        [(c.name, c.score) for c in s.checks] for s in reference.shots
    ]
    np.testing.assert_array_equal(
        _frames(Path(report.run_dir) / report.final_video), _frames(Path(reference.run_dir) / reference.final_video)
    )


@pytest.fixture(scope="module")
def local_ray():
    """A local Ray instance with two CPUs, for this module's runs."""
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, logging_level="ERROR")
    yield ray
    ray.shutdown()


@pytest.fixture(scope="module")
def local_run(tmp_path_factory: pytest.TempPathFactory) -> RunReport:
    return make_video(STORY, tmp_path_factory.mktemp("local") / "run", progress=False, **FILM)


@pytest.mark.slow
def test_ray_films_the_same_film_as_this_process(local_ray, local_run: RunReport, tmp_path: Path) -> None:
    report = make_video(STORY, tmp_path / "ray", progress=False, executor="ray", **FILM)
    assert len(report.shots) == 3 and report.revisions == local_run.revisions
    assert "take_wait" in report.timings_s  # the takes were Ray's
    _same_film(report, local_run)
    assert not [warning for warning in report.warnings if "Ray" in warning]


def _kill_a_worker_running(task: bytes, stop: threading.Event, killed: list[int]) -> None:
    """SIGKILL the first Ray worker seen running ``task`` (Ray names the process after its task)."""
    while not stop.is_set() and not killed:
        for entry in Path("/proc").iterdir():
            try:
                title = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if entry.name.isdigit() and title.startswith(b"ray::" + task):
                os.kill(int(entry.name), signal.SIGKILL)
                killed.append(int(entry.name))
                return
        time.sleep(0.02)


@pytest.mark.slow
@pytest.mark.parametrize("task", [b"_take_task", b"_finish_task"])
def test_a_worker_killed_mid_task_is_filmed_again_and_reported(
    local_ray, local_run: RunReport, tmp_path: Path, task: bytes
) -> None:
    stop, killed = threading.Event(), []
    killer = threading.Thread(target=_kill_a_worker_running, args=(task, stop, killed), daemon=True)
    killer.start()
    try:
        report = make_video(STORY, tmp_path / "ray", progress=False, executor="ray", **FILM)
    finally:
        stop.set()
        killer.join(timeout=10)
    assert killed, f"no Ray worker was seen running {task.decode()}"
    assert [warning for warning in report.warnings if "a Ray worker failed" in warning and "filmed again" in warning]
    _same_film(report, local_run)


def test_a_cluster_that_does_not_answer_is_one_line(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "storyreel.cli", "make", "A dog runs.", "--out", str(tmp_path / "run")]
    command += ["--executor", "ray", "--ray-address", f"127.0.0.1:{port}", "-q"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and f"cannot reach the Ray cluster at 127.0.0.1:{port}" in lines[0], done.stderr
    assert not (tmp_path / "run").exists()  # refused before planning


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"ray_address": "ray://head:10001"}, "--ray-address belongs to the Ray executor"),
        ({"executor": "ray", "renderer": "diffusion"}, "film --renderer diffusion locally"),
        ({"executor": "spark"}, "--executor"),
    ],
)
def test_executor_options_are_checked(values: dict[str, str], message: str) -> None:
    with pytest.raises(UserError, match=message):
        RunOptions.build(**values)
