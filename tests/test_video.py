"""Encoding, transitions, assembly and read-back with the real ffmpeg that imageio-ffmpeg ships."""

from __future__ import annotations

import subprocess
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import pytest
from PIL import Image

from storyreel.atomic import is_temporary
from storyreel.errors import UserError
from storyreel.schema import Transition
from storyreel.tools import video
from storyreel.tools.video import (
    ClipWriter,
    VideoError,
    apply_transition,
    concat_clips,
    contact_sheet,
    contact_sheet_size,
    probe_video,
    read_video,
    write_clip,
)

FPS = 24
HEIGHT, WIDTH = 96, 128


def shot_frames(count: int, color: tuple[int, int, int], seed: int) -> np.ndarray:
    """A shot: a coloured field with a bright square drifting right, so frames differ a little from each other."""
    rng = np.random.default_rng(seed)
    base = np.clip(np.array(color)[None, None] + rng.integers(-12, 12, (HEIGHT, WIDTH, 3)), 0, 255).astype(np.uint8)
    frames = np.repeat(base[None], count, axis=0)
    for index in range(count):
        frames[index, 30:60, 10 + 2 * index : 40 + 2 * index] = 240
    return frames


def stream_line(path: Path) -> str:
    """The video stream line from ``ffmpeg -i``."""
    probe = subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-i", str(path)], capture_output=True, text=True
    )
    return next(line for line in probe.stderr.splitlines() if "Video:" in line)


def frame_changes(frames: np.ndarray) -> np.ndarray:
    """Mean absolute difference between each frame and the next."""
    return np.abs(np.diff(frames.astype(np.int16), axis=0)).mean(axis=(1, 2, 3))


@pytest.fixture(scope="module")
def film(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path], list[np.ndarray]]:
    """Three shots of 24, 30 and 18 frames: fade in, hard cut, dissolve; encoded and joined."""
    folder = tmp_path_factory.mktemp("film")
    shots = [shot_frames(24, (200, 40, 40), 0), shot_frames(30, (40, 60, 200), 1), shot_frames(18, (40, 180, 60), 2)]
    transitions = [Transition.FADE, Transition.CUT, Transition.DISSOLVE]
    clips, previous = [], None
    for index, (frames, transition) in enumerate(zip(shots, transitions, strict=True)):
        apply_transition(frames, transition, previous, FPS)
        previous = frames[-1].copy()
        clips.append(folder / f"shot_{index}.mp4")
        write_clip(clips[-1], frames, FPS)
    final = folder / "final.mp4"
    concat_clips(clips, final)
    return final, clips, shots


def test_final_cut_holds_every_frame(film) -> None:
    final, clips, _ = film
    info = probe_video(final)
    assert info.frames == 24 + 30 + 18
    assert info.fps == pytest.approx(FPS)
    assert info.duration_s == pytest.approx(72 / FPS, abs=0.05)
    assert (info.width, info.height) == (WIDTH, HEIGHT)
    assert [probe_video(clip).frames for clip in clips] == [24, 30, 18]


def test_stream_is_browser_playable_h264(film) -> None:
    final, _, _ = film
    line = stream_line(final)
    assert "h264" in line and "yuv420p" in line, line
    info = probe_video(final)
    assert (info.codec, info.pix_fmt) == ("h264", "yuv420p")
    data = final.read_bytes()
    assert 0 < data.find(b"moov") < data.find(b"mdat"), "faststart puts the index before the media"


def test_cut_lands_on_the_storyboard_frame(film) -> None:
    final, _, shots = film
    frames = read_video(final)
    assert frames.shape == (72, HEIGHT, WIDTH, 3)
    changes = frame_changes(frames)
    assert int(np.argmax(changes)) == 23, "the hard cut is between frame 23 and 24"
    errors = np.abs(shots[1].astype(int) - frames[30].astype(int)).mean(axis=(1, 2, 3))
    assert int(np.argmin(errors)) == 6, "film frame 30 is the second shot's frame 6"


def test_fade_and_dissolve_ramp_in(film) -> None:
    final, _, shots = film
    frames = read_video(final).astype(float)
    assert frames[0].mean() < 0.15 * shots[0][-1].mean(), "the film starts from black"
    brightness = frames[:12].mean(axis=(1, 2, 3))
    assert np.all(np.diff(brightness) > 0), "the fade rises on every frame"
    dissolve = frame_changes(frames[53:70].astype(np.uint8))
    cut = frame_changes(frames[22:26].astype(np.uint8)).max()
    assert dissolve.max() < cut / 4, "a dissolve changes the picture gradually"
    assert frames[54][..., 1].mean() > frames[53][..., 1].mean(), "green rises into the third shot"


def test_apply_transition_keeps_the_frame_count_and_works_in_place() -> None:
    frames = shot_frames(20, (100, 100, 100), 0)
    untouched = frames.copy()
    assert apply_transition(frames, Transition.CUT, None, FPS) is frames
    assert np.array_equal(frames, untouched)
    previous = np.full((HEIGHT, WIDTH, 3), 250, dtype=np.uint8)
    result = apply_transition(frames, Transition.DISSOLVE, previous, FPS, seconds=0.25)  # 6 frames
    assert result is frames and result.shape == untouched.shape
    assert np.array_equal(frames[6:], untouched[6:])
    means = frames[:6].mean(axis=(1, 2, 3))
    assert np.all(np.diff(means) < 0), "from the bright held frame down to this shot"
    assert 100 < means[0] < 250


def test_clips_are_byte_identical_for_identical_frames(tmp_path: Path) -> None:
    frames = shot_frames(12, (90, 120, 30), 3)
    write_clip(tmp_path / "a.mp4", frames, FPS)
    write_clip(tmp_path / "b.mp4", frames, FPS)
    assert (tmp_path / "a.mp4").read_bytes() == (tmp_path / "b.mp4").read_bytes()
    concat_clips([tmp_path / "a.mp4", tmp_path / "b.mp4"], tmp_path / "ab1.mp4")
    concat_clips([tmp_path / "a.mp4", tmp_path / "b.mp4"], tmp_path / "ab2.mp4")
    assert (tmp_path / "ab1.mp4").read_bytes() == (tmp_path / "ab2.mp4").read_bytes()


def test_rgba_frames_are_encoded_without_their_alpha(tmp_path: Path) -> None:
    rgb = shot_frames(6, (30, 160, 220), 4)
    rgba = np.concatenate([rgb, np.full((*rgb.shape[:3], 1), 7, dtype=np.uint8)], axis=3)
    write_clip(tmp_path / "rgb.mp4", rgb, FPS)
    write_clip(tmp_path / "rgba.mp4", rgba, FPS)
    assert np.array_equal(read_video(tmp_path / "rgb.mp4"), read_video(tmp_path / "rgba.mp4"))


def _i420(rgb: np.ndarray) -> np.ndarray:
    """RGB frames -> I420 (BT.709 limited range), the form the renderer hands the encoder."""
    values = rgb.astype(np.float64) / 255
    luma = values @ [0.2126, 0.7152, 0.0722]
    count, height, width = luma.shape
    blocks = values.reshape(count, height // 2, 2, width // 2, 2, 3).mean(axis=(2, 4))
    block_luma = blocks @ [0.2126, 0.7152, 0.0722]
    u = 128 + 224 * (blocks[..., 2] - block_luma) / 1.8556
    v = 128 + 224 * (blocks[..., 0] - block_luma) / 1.5748
    planes = [16 + 219 * luma, u.reshape(count, height // 4, width), v.reshape(count, height // 4, width)]
    return np.concatenate(planes, axis=1).round().astype(np.uint8)


def test_i420_frames_encode_like_rgb(tmp_path: Path) -> None:
    rgb = shot_frames(6, (200, 60, 30), 0)
    write_clip(tmp_path / "rgb.mp4", rgb, FPS)
    write_clip(tmp_path / "yuv.mp4", _i420(rgb), FPS)
    from_rgb, from_yuv = read_video(tmp_path / "rgb.mp4"), read_video(tmp_path / "yuv.mp4")
    assert from_yuv.shape == rgb.shape
    assert np.abs(from_yuv.astype(int) - from_rgb.astype(int)).mean() < 2.0
    assert np.abs(from_yuv.astype(int) - rgb.astype(int)).mean() < 6.0


def test_an_error_inside_the_writer_leaves_no_file(tmp_path: Path) -> None:
    target = tmp_path / "broken.mp4"
    with pytest.raises(RuntimeError, match="render failed"), ClipWriter(target, FPS, WIDTH, HEIGHT) as writer:
        writer.write(shot_frames(1, (10, 10, 10), 0)[0])
        raise RuntimeError("render failed")
    assert list(tmp_path.iterdir()) == []


def test_a_video_is_signed_whole_before_it_takes_its_name(tmp_path: Path, film) -> None:
    """The signer gets the finished temporary (every frame in it, the final name not yet taken); a signer that
    fails leaves nothing."""
    seen: dict[str, tuple[int, list[str]]] = {}

    def sign(path: Path) -> None:
        named = sorted(item.name for item in tmp_path.iterdir() if not is_temporary(item.name))
        seen[path.name] = (probe_video(path).frames, named)

    with ClipWriter(tmp_path / "clip.mp4", FPS, WIDTH, HEIGHT, sign=sign) as writer:
        for frame in shot_frames(6, (10, 10, 10), 0):
            writer.write(frame)
    concat_clips(film[1], tmp_path / "final.mp4", sign=sign)
    (clip, (clip_frames, before_clip)), (final, (final_frames, before_final)) = seen.items()
    assert is_temporary(clip) and clip.startswith(".clip.") and (clip_frames, before_clip) == (6, [])
    assert is_temporary(final) and final.startswith(".final.") and (final_frames, before_final) == (72, ["clip.mp4"])

    def refuse(path: Path) -> None:
        raise UserError("cannot sign")

    with pytest.raises(UserError), ClipWriter(tmp_path / "refused.mp4", FPS, WIDTH, HEIGHT, sign=refuse) as writer:
        writer.write(shot_frames(1, (10, 10, 10), 0)[0])
    with pytest.raises(UserError):
        concat_clips(film[1], tmp_path / "refused_final.mp4", sign=refuse)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["clip.mp4", "final.mp4"]


def test_bad_frames_and_empty_clips_are_refused(tmp_path: Path) -> None:
    with (
        pytest.raises(ValueError, match="does not fit a 128x96 clip"),
        ClipWriter(tmp_path / "x.mp4", FPS, WIDTH, HEIGHT) as w,
    ):
        w.write(np.zeros((HEIGHT, 64, 3), dtype=np.uint8))
    with pytest.raises(VideoError, match="no frames"), ClipWriter(tmp_path / "y.mp4", FPS, WIDTH, HEIGHT):
        pass
    with pytest.raises(ValueError, match="even"):
        ClipWriter(tmp_path / "z.mp4", FPS, 127, HEIGHT)
    assert list(tmp_path.iterdir()) == []


def test_unreadable_clips_fail_with_one_clear_line(tmp_path: Path) -> None:
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"this is not a video")
    with pytest.raises(VideoError) as caught:
        concat_clips([junk], tmp_path / "final.mp4")
    message = str(caught.value)
    assert message.startswith("cannot read junk.mp4: ") and "\n" not in message
    assert not (tmp_path / "final.mp4").exists()


def test_an_encoder_failure_names_ffmpegs_reason(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(video, "PRESET", "no-such-preset")  # a real x264 failure: it rejects the preset
    with pytest.raises(VideoError) as caught, ClipWriter(tmp_path / "x.mp4", FPS, WIDTH, HEIGHT) as writer:
        for frame in shot_frames(48, (10, 10, 10), 0):
            writer.write(frame)
    message = str(caught.value)
    assert "no-such-preset" in message and "\n" not in message and "@ 0x" not in message, message
    assert list(tmp_path.iterdir()) == []


def test_contact_sheet_has_one_captioned_cell_per_shot(tmp_path: Path) -> None:
    frames = [shot_frames(1, color, seed)[0] for seed, color in enumerate([(200, 40, 40), (40, 60, 200)] * 3)]
    captions = [f"shot {i} · a dog runs after a red ball across the park while the wind picks up" for i in range(6)]
    path = tmp_path / "sheet.png"
    contact_sheet(list(zip(frames, captions, strict=True)), path, columns=4, thumb_width=160)
    width, height = contact_sheet_size(6, WIDTH, HEIGHT, columns=4, thumb_width=160)
    image = np.asarray(Image.open(path).convert("RGB"))
    assert image.shape == (height, width, 3)
    assert width == 8 + 4 * (160 + 8)  # four columns of 160-pixel thumbnails with 8-pixel gutters
    thumb_height = 120  # 160 * 96 / 128
    assert height > 2 * thumb_height, "two rows, each with room for its caption"
    first_thumb = image[8 : 8 + thumb_height, 8 : 8 + 160]
    assert abs(first_thumb[..., 0].mean() - 200) < 25, "the first thumbnail shows the first (red) shot"
    caption_band = image[8 + thumb_height : 8 + thumb_height + 36, 8 : 8 + 160]
    assert caption_band.max() > 200, "the caption is drawn under the thumbnail"
    assert [p.name for p in tmp_path.iterdir()] == ["sheet.png"], "no temporary file is left behind"
