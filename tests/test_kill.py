"""Kill -9 anywhere: a real ``storyreel make`` killed with SIGKILL at moments picked from its progress leaves only
whole files under their names, and the same command then films only what was missing and makes the same film as a
run never interrupted.

Each moment is a line of the run's progress on stderr (one per stage when stderr is not a terminal) together with
what the run directory shows: the manifest's records, a temporary being written.
"""

from __future__ import annotations

import json
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import pygltflib
import pytest
from PIL import Image

from storyreel.atomic import is_temporary
from storyreel.tools.credentials import read_credentials
from storyreel.tools.video import read_audio_track, read_video

STORY = 'A red dog runs across the park. The dog jumps over a yellow ball. "Good dog!" says the girl.'
SHOTS = ("shot_01", "shot_02", "shot_03")
RUN_SECONDS = 180  # the longest a whole run may take on a loaded 2-core machine
MOMENT_SECONDS = 120  # the longest to wait for a moment to come

pytestmark = pytest.mark.slow


def make_command(out: Path) -> list[str]:
    return [
        *(sys.executable, "-m", "storyreel.cli", "make", STORY, "--out", str(out)),
        *("--resolution", "320x180", "--fps", "8", "--retries", "0"),
    ]


def recorded(run: Path) -> dict[str, str]:
    """The run store's records (the manifest is written atomically, so it always parses)."""
    manifest = run / ".storyreel" / "manifest.json"
    return json.loads(manifest.read_text())["entries"] if manifest.exists() else {}


def finished_shots(run: Path) -> set[str]:
    """The shots the store holds whole: clip, report, summary and camera path."""
    entries = recorded(run)
    names = ("shots/{}.mp4", ".storyreel/{}.json", ".storyreel/{}.summary.json", ".storyreel/{}.camera.json")
    return {shot for shot in SHOTS if all(name.format(shot) in entries for name in names)}


def temporaries(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if is_temporary(path.name)] if folder.exists() else []


@dataclass(frozen=True)
class Moment:
    """When to kill: once ``line`` has been printed and ``ready`` holds of the run directory."""

    name: str
    line: str
    ready: Callable[[Path], bool]


MOMENTS = [
    Moment("planning and speaking", "planning the story", lambda run: (run / ".storyreel" / "manifest.json").exists()),
    Moment("encoding shot_01's clip", "shot_01: filming", lambda run: bool(temporaries(run / "shots"))),
    Moment("filming shot_02, shot_01 done", "shot_02: filming", lambda run: "shot_01" in finished_shots(run)),
    Moment("writing final.mp4", "assembling the film", lambda run: any(run.glob(".final.*.part.mp4"))),
]


def kill_at(moment: Moment, run: Path) -> None:
    """Start the run, SIGKILL it at ``moment`` and wait for it to be gone."""
    process = subprocess.Popen(make_command(run), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    lines: queue.Queue[str] = queue.Queue()
    assert process.stderr is not None
    threading.Thread(target=lambda: [lines.put(line.strip()) for line in process.stderr], daemon=True).start()
    seen: list[str] = []
    deadline = time.monotonic() + MOMENT_SECONDS
    try:
        while time.monotonic() < deadline and process.poll() is None:
            while not lines.empty():
                seen.append(lines.get())
            if moment.line in seen and moment.ready(run):
                process.send_signal(signal.SIGKILL)
                break
            time.sleep(0.003)
        else:
            pytest.fail(f"the run never reached {moment.name!r} (rc {process.poll()}); it said: {seen}")
    finally:
        process.kill()
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL


def finish(run: Path) -> dict:
    """Run the same command to the end; its report."""
    done = subprocess.run(make_command(run), capture_output=True, text=True, timeout=RUN_SECONDS)
    assert done.returncode == 0, done.stderr
    return json.loads((run / "report.json").read_text())


def assert_whole(run: Path) -> None:
    """Every file under its own name is whole: videos decode to the end and are signed, JSON parses, images and
    arrays load, scenes are valid glTF."""
    for path in run.rglob("*"):
        if not path.is_file() or is_temporary(path.name):
            continue
        suffix = path.suffix
        if suffix == ".mp4":
            decoded = subprocess.run(
                [imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-xerror", "-i", str(path), "-f", "null", "-"],
                capture_output=True,
                text=True,
                timeout=60,
            )
            assert decoded.returncode == 0 and not decoded.stderr, f"{path} does not decode: {decoded.stderr}"
            assert read_credentials(path).manifest is not None, f"{path} is not signed"
        elif suffix in (".json", ".otio"):
            json.loads(path.read_text())
        elif suffix == ".png":
            Image.open(path).load()
        elif suffix == ".npy":
            np.load(path)
        elif suffix == ".glb":
            assert pygltflib.GLTF2.load_from_bytes(path.read_bytes()).cameras, f"{path} has no cameras"


def clips(run: Path, shots: set[str]) -> dict[str, tuple[int, bytes]]:
    """Each clip's inode and bytes: a clip filmed again is a new file (a rename), or at least new bytes."""
    return {shot: ((path := run / "shots" / f"{shot}.mp4").stat().st_ino, path.read_bytes()) for shot in shots}


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory: pytest.TempPathFactory) -> tuple[np.ndarray, np.ndarray]:
    """The frames and sound of the film a run never interrupted makes."""
    run = tmp_path_factory.mktemp("uninterrupted") / "run"
    report = finish(run)
    assert not any(shot["reused"] for shot in report["shots"])
    return read_video(run / "final.mp4"), read_audio_track(run / "final.mp4")


@pytest.mark.parametrize("moment", MOMENTS, ids=[moment.name for moment in MOMENTS])
def test_a_run_killed_resumes_filming_only_what_was_missing(
    moment: Moment, uninterrupted: tuple[np.ndarray, np.ndarray], tmp_path: Path
) -> None:
    run = tmp_path / "run"
    kill_at(moment, run)
    assert_whole(run)
    finished = finished_shots(run)
    expected = {
        "planning and speaking": (set(), set(SHOTS)),
        "encoding shot_01's clip": (set(), {"shot_03"}),
        "filming shot_02, shot_01 done": ({"shot_01"}, {"shot_03"}),
        "writing final.mp4": (set(SHOTS), set()),
    }[moment.name]
    assert expected[0] <= finished and not expected[1] & finished, f"killed with {finished} finished"
    before = clips(run, finished)

    report = finish(run)
    reused = {shot["shot_id"] for shot in report["shots"] if shot["reused"]}
    assert reused == finished, "a finished shot was filmed again, or a missing one was not filmed"
    assert clips(run, finished) == before
    assert temporaries(run) == []
    assert_whole(run)
    frames, sound = uninterrupted
    assert np.array_equal(read_video(run / "final.mp4"), frames)
    assert np.array_equal(read_audio_track(run / "final.mp4"), sound)
