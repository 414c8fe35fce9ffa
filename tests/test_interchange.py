"""What every run hands to other tools: the final cut as an OpenTimelineIO timeline, each location's GLB with its
shots' animated cameras, and content credentials (C2PA, and a plain tag) on final.mp4 and every shot clip."""

from __future__ import annotations

import subprocess
from pathlib import Path

import imageio_ffmpeg
import opentimelineio as otio
import pygltflib
import pytest

from storyreel.agent.pipeline import make_video
from storyreel.tools.credentials import TRAINED_ALGORITHMIC_MEDIA, local_credentials, read_credentials
from storyreel.tools.video import probe_video

STORY = "A dog runs in the park. The dog sits by the bench. A cat walks on the beach."
SMALL = {"resolution": "96x54", "fps": 8, "retries": 0}


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("interchange")
    return out, make_video(STORY, out, progress=False, **SMALL)


def _comment(path: Path) -> str:
    done = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-i", str(path)], capture_output=True)
    lines = [line.strip() for line in done.stderr.decode().splitlines() if line.strip().startswith("comment")]
    return lines[0] if lines else ""


@pytest.mark.slow
def test_the_timeline_holds_one_clip_per_shot_with_its_frames(run) -> None:
    out, report = run
    assert report.timeline == "timeline.otio"
    timeline = otio.adapters.read_from_file(str(out / report.timeline))
    clips = list(timeline.find_clips())
    video = [clip for clip in clips if clip.parent().kind == otio.schema.TrackKind.Video]
    assert [clip.name for clip in video] == [shot.shot_id for shot in report.shots]
    for clip, shot in zip(video, report.shots, strict=True):
        assert clip.duration().to_frames() == shot.frames == probe_video(out / shot.clip).frames
        assert (out / clip.media_reference.target_url).is_file()
    assert timeline.duration().to_frames() == report.frames


@pytest.mark.slow
def test_each_scene_carries_its_shots_animated_cameras(run) -> None:
    out, report = run
    at = {shot.location: [s.shot_id for s in report.shots if s.location == shot.location] for shot in report.shots}
    assert len(report.scenes) == len(at) == 2
    for scene in report.scenes:
        gltf = pygltflib.GLTF2().load(str(out / scene))
        shots = at[Path(scene).stem]
        assert [animation.name for animation in gltf.animations] == shots
        cameras = [node.name for node in gltf.nodes if node.camera is not None]
        assert cameras == shots
        for animation, shot in zip(gltf.animations, shots, strict=True):
            frames = next(s.frames for s in report.shots if s.shot_id == shot)
            assert gltf.accessors[animation.samplers[0].input].count == frames


@pytest.mark.slow
def test_every_video_is_signed_as_made_by_a_generative_tool(run) -> None:
    out, report = run
    trusted = local_credentials()
    assert report.credentials == trusted.source
    for video in [report.final_video, *(shot.clip for shot in report.shots)]:
        read = read_credentials(out / video, trusted=trusted)
        assert read.validates, (video, read.errors)
        assert ("c2pa.created", TRAINED_ALGORITHMIC_MEDIA) in read.actions
        assert read.generator is not None and read.generator.startswith("storyreel/")
        assert read.fingerprint == trusted.fingerprint()
        assert "generative AI" in _comment(out / video) and "storyboard sha256:" in _comment(out / video)
    final = read_credentials(out / report.final_video, trusted=trusted)
    assert final.storyboard_hash is not None and final.storyboard_hash in _comment(out / report.final_video)


@pytest.mark.slow
def test_no_credentials_leaves_them_out(tmp_path: Path) -> None:
    report = make_video("A ball rolls in the park.", tmp_path, progress=False, credentials=False, **SMALL)
    assert report.credentials == ""
    for video in [report.final_video, *(shot.clip for shot in report.shots)]:
        assert read_credentials(tmp_path / video).manifest is None
        assert _comment(tmp_path / video) == ""
