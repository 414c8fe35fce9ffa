"""End to end: a story becomes a run directory with a real, playable film."""

from pathlib import Path

import imageio_ffmpeg
import numpy as np
import pytest

from storyreel.agent.pipeline import make_video
from storyreel.schema import RunOptions, Storyboard
from storyreel.tools.video import probe_video

STORY = "A red dog runs across the park. The dog jumps over a yellow ball."


def _frames(video: Path) -> np.ndarray:
    reader = imageio_ffmpeg.read_frames(str(video))
    meta = next(reader)
    width, height = meta["size"]
    return np.stack([np.frombuffer(b, np.uint8).reshape(height, width, 3) for b in reader])


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("make") / "run"
    report = make_video(STORY, out, fps=12, resolution="192x108", seed=3, progress=False)
    return out, report


def test_run_directory_holds_every_artifact(run):
    out, report = run
    for name in ("storyboard.json", "options.json", "final.mp4", "contact_sheet.png", "report.json"):
        assert (out / name).stat().st_size > 0, name
    options = RunOptions.model_validate_json((out / "options.json").read_text())
    assert (options.fps, str(options.resolution), options.seed) == (12, "192x108", 3)
    storyboard = Storyboard.model_validate_json((out / "storyboard.json").read_text())
    cast = {character.id: character.kind for character in storyboard.cast}
    for shot in report.shots:
        named = {item.id: item.kind for item in shot.drawn}
        assert set(cast) & set(named) and all(named[id_] == cast[id_] for id_ in set(cast) & set(named))
        assert shot.sentence and set(shot.seen) == set(storyboard.shots[report.shots.index(shot)].subjects)
        assert (out / shot.marked).stat().st_size > 0
    assert sorted(p.name for p in (out / "scenes").glob("*.glb"))
    assert len(list((out / "shots").glob("*.mp4"))) == len(report.shots) == 2
    assert not list(out.rglob("*.part*")), "temporary files left behind"


def test_final_cut_has_the_planned_frames_and_cuts(run):
    out, report = run
    storyboard = Storyboard.model_validate_json((out / "storyboard.json").read_text())
    info = probe_video(out / "final.mp4")
    expected = sum(round(shot.duration * 12) for shot in storyboard.shots)
    assert info.frames == report.frames == expected
    assert info.fps == pytest.approx(12)
    assert info.duration_s == pytest.approx(expected / 12, abs=0.1)
    frames = _frames(out / "final.mp4").astype(np.float32)
    change = np.abs(np.diff(frames, axis=0)).mean(axis=(1, 2, 3))
    cut = report.shots[0].frames  # first frame of shot 2
    if storyboard.shots[1].transition.value == "cut":
        assert change[cut - 1] > 3 * np.median(change)


def test_same_seed_same_film(run, tmp_path: Path):
    out, _ = run
    again = make_video(STORY, tmp_path / "again", fps=12, resolution="192x108", seed=3, progress=False)
    assert again.frames == run[1].frames
    np.testing.assert_array_equal(_frames(out / "final.mp4"), _frames(tmp_path / "again" / "final.mp4"))


def test_killed_run_resumes_without_redoing_finished_shots(tmp_path: Path):
    out = tmp_path / "run"
    first = make_video(STORY, out, fps=12, resolution="160x90", seed=1, progress=False)
    kept = out / first.shots[0].clip
    kept_mtime = kept.stat().st_mtime_ns
    (out / first.shots[1].clip).unlink()  # as if the run died while encoding the second shot
    (out / "final.mp4").unlink()
    second = make_video(STORY, out, fps=12, resolution="160x90", seed=1, progress=False)
    assert kept.stat().st_mtime_ns == kept_mtime
    assert (out / first.shots[1].clip).exists()
    assert [shot.reused for shot in first.shots[:2]] == [False, False]
    assert [shot.reused for shot in second.shots[:2]] == [True, False]
    assert second.frames == first.frames
    assert probe_video(out / "final.mp4").frames == first.frames
