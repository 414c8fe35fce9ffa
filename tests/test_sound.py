"""The film's sound: lines paced, placed, mixed, ducked and normalised; subtitles written, muxed and burnt in; and
a whole film read back from final.mp4."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
import srt
import webvtt

from storyreel.agent.pipeline import film_storyboard, make_video
from storyreel.agent.run_store import RunStore
from storyreel.errors import UserError
from storyreel.planners.rules import plan_story
from storyreel.schema import Line, RunOptions, SpeechChoice, Storyboard, Transition, Verb
from storyreel.tools.soundtrack import (
    BEAT,
    DUCK_DB,
    TARGET_LUFS,
    loudness,
    mix_film,
    needed_seconds,
    score,
)
from storyreel.tools.speech import SAMPLE_RATE, speech_engine
from storyreel.tools.subtitles import SubtitleBurner
from storyreel.tools.video import i420_black, probe_video, read_audio_track, read_video

DIALOGUE = (
    'Mia walks in the park with her dog Rex. "Look at the sky, Rex, the clouds are running away from the wind," '
    'Mia says. "Woof," says Rex.'
)
LONG_LINE = "We will walk all the way to the river and back before the sun goes down behind the hills tonight."


def _with_lines(storyboard: Storyboard, lines: dict[int, list[Line]]) -> Storyboard:
    shots = [shot.model_copy(update={"lines": lines.get(i, shot.lines)}) for i, shot in enumerate(storyboard.shots)]
    return storyboard.model_copy(update={"shots": shots})


@pytest.fixture(scope="module")
def espeak():
    return speech_engine(SpeechChoice.ESPEAK)


@pytest.fixture(scope="module")
def park() -> Storyboard:
    return plan_story("A girl walks in the park. A dog runs to the girl. The girl sits on a bench.", fps=24)


def test_a_shot_is_stretched_to_hold_its_lines_in_whole_frames(park: Storyboard, espeak) -> None:
    girl = park.shots[0].subjects[0]
    storyboard = _with_lines(park, {0: [Line(text=LONG_LINE, speaker=girl)], 1: [Line(text="Hi.", speaker=girl)]})
    sound = score(storyboard, espeak, 24)
    first, second, third = sound.storyboard.shots
    spoken = [cue.end_s - cue.start_s for cue in sound.cues]
    assert spoken[0] > park.shots[0].duration  # the line alone is longer than the shot was
    assert first.duration >= needed_seconds(first, [spoken[0]]) > park.shots[0].duration
    assert first.duration * 24 == pytest.approx(round(first.duration * 24))  # whole frames
    assert second.duration == park.shots[1].duration  # a short line fits the shot as planned
    assert third.duration == park.shots[2].duration and not third.lines
    # the cue sits inside its shot, a beat before its cut, and the silent speaker now talks
    assert sound.cues[0].end_s <= first.duration - BEAT + 1e-3
    assert any(a.actor == girl and a.verb is Verb.TALK for a in first.actions) or any(
        a.actor == girl for a in park.shots[0].actions
    )
    assert len(sound.samples) == round(sound.storyboard.duration * SAMPLE_RATE)


def test_cues_follow_each_other_inside_their_shots(park: Storyboard, espeak) -> None:
    girl = park.shots[0].subjects[0]
    lines = [Line(text="One two three.", speaker=girl), Line(text="And then she sat down.")]
    sound = score(_with_lines(park, {2: lines}), espeak, 24)
    start = sound.film_start(park.shots[2].id)
    end = start + sound.storyboard.shots[2].duration
    first, second = sound.cues
    assert start < first.start_s < first.end_s < second.start_s < second.end_s <= end
    assert [voice.speaker for voice in sound.heard()] == [None, girl]  # the narrator first


def test_lines_are_normalised_and_the_silence_between_them_is_silent(park: Storyboard, espeak) -> None:
    girl = park.shots[0].subjects[0]
    sound = score(_with_lines(park, {1: [Line(text="Come here, little dog, come here.", speaker=girl)]}), espeak, 24)
    cue = sound.cues[0]
    line = sound.samples[round(cue.start_s * SAMPLE_RATE) : round(cue.end_s * SAMPLE_RATE)]
    measured = loudness(line)
    assert measured is not None and abs(measured - TARGET_LUFS) < 1.0
    assert np.abs(sound.samples[: round(cue.start_s * SAMPLE_RATE) - 10]).max() == 0.0
    assert np.abs(sound.samples).max() <= 10 ** (-1 / 20) + 1e-6  # peaks under -1 dBFS


def test_music_is_ducked_under_speech_and_a_fade_takes_the_sound_down(park: Storyboard, espeak, tmp_path) -> None:
    girl = park.shots[0].subjects[0]
    shots = list(park.shots)
    shots[2] = shots[2].model_copy(update={"transition": Transition.FADE})
    storyboard = _with_lines(park.model_copy(update={"shots": shots}), {1: [Line(text=LONG_LINE, speaker=girl)]})
    tone = 0.3 * np.sin(2 * np.pi * 220 * np.arange(30 * SAMPLE_RATE) / SAMPLE_RATE).astype(np.float32)
    music = tmp_path / "music.wav"
    _write_wav(music, tone)
    with_music = score(storyboard, espeak, 24, music=music)
    without = score(storyboard, espeak, 24)
    bed = with_music.samples - without.samples  # the music alone, as mixed
    cue = with_music.cues[0]
    under = bed[round((cue.start_s + 0.5) * SAMPLE_RATE) : round((cue.end_s - 0.2) * SAMPLE_RATE)]
    clear = bed[round(1.0 * SAMPLE_RATE) : round(2.0 * SAMPLE_RATE)]  # the first shot: no line near
    ducked = 20 * np.log10(np.sqrt(np.mean(under**2)) / np.sqrt(np.mean(clear**2)))
    assert ducked == pytest.approx(DUCK_DB, abs=1.5)
    assert with_music.music == "music.wav"
    fade = round(with_music.film_start(shots[2].id) * SAMPLE_RATE)
    assert np.abs(with_music.samples[fade - 1 : fade + 10]).max() < 0.01  # silent at the fade's cut
    assert np.sqrt(np.mean(bed[fade + SAMPLE_RATE : fade + 2 * SAMPLE_RATE] ** 2)) > 0.005  # and back after


def test_a_storyboard_without_lines_is_silent(park: Storyboard, espeak) -> None:
    sound = score(park, espeak, 24)
    assert not sound.cues and not sound.heard()
    assert not np.any(sound.samples) and loudness(sound.samples) is None
    direct = mix_film(sound.storyboard, 24, [], [])
    assert np.array_equal(direct, sound.samples)


def test_music_that_is_not_audio_is_refused_in_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "notes.txt"
    bad.write_text("not music")
    with pytest.raises(UserError, match=r"--music .*notes.txt") as caught:
        score(plan_story("A dog runs."), speech_engine(SpeechChoice.ESPEAK), 24, music=bad)
    assert "\n" not in str(caught.value)
    with pytest.raises(UserError, match=r"music file .* does not exist"):
        RunOptions.build(music=str(tmp_path / "missing.mp3"))


def test_burnt_subtitles_draw_into_their_cue_s_frames_only(park: Storyboard, espeak) -> None:
    girl = park.shots[0].subjects[0]
    sound = score(_with_lines(park, {0: [Line(text="Hello there.", speaker=girl)]}), espeak, 24)
    cue = sound.cues[0]
    burner = SubtitleBurner(sound.cues, sound.storyboard, 320, 180, 24)
    frames = np.stack([i420_black(180, 320)] * 4)
    inside, outside = round(cue.start_s * 24) + 2, round(cue.end_s * 24) + 5
    burner.burn(frames[:2], inside, 0.0)
    burner.burn(frames[2:], outside, 0.0)
    assert frames[0, 120:180].max() > 200  # white words near the bottom of the picture
    assert frames[0, :90].max() == 16  # the top untouched
    assert np.array_equal(frames[2], i420_black(180, 320))  # after the cue: nothing drawn
    rgb = np.zeros((1, 180, 320, 3), np.uint8)
    burner.burn(rgb, inside, 0.0)
    assert rgb[0, 120:180].max() > 200


def _write_wav(path: Path, samples: np.ndarray) -> None:
    import wave

    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes((np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())


def _pitch(samples: np.ndarray) -> float:
    """The median fundamental (Hz) of the voiced 40 ms frames, by autocorrelation between 70 and 500 Hz."""
    size, found = round(0.04 * SAMPLE_RATE), []
    for start in range(0, len(samples) - size, size):
        frame = samples[start : start + size].astype(np.float64)
        if np.sqrt(np.mean(frame**2)) < 0.02:
            continue
        frame -= frame.mean()
        correlation = np.correlate(frame, frame, "full")[size - 1 :]
        low, high = SAMPLE_RATE // 500, SAMPLE_RATE // 70
        lag = low + int(np.argmax(correlation[low:high]))
        if correlation[lag] > 0.3 * correlation[0]:
            found.append(SAMPLE_RATE / lag)
    return float(np.median(found))


# ---------------------------------------------------------------------------------------- a whole film, read back


@pytest.fixture(scope="module")
def dialogue_film(tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("dialogue")
    report = make_video(DIALOGUE, out, progress=False, resolution="160x90", fps=8, retries=0, burn_subtitles=True)
    return out, report


@pytest.mark.slow
def test_final_mp4_carries_the_sound_and_the_subtitles_in_sync(dialogue_film) -> None:
    out, report = dialogue_film
    final = out / report.final_video
    video = probe_video(final)
    audio = read_audio_track(final)
    assert abs(len(audio) / SAMPLE_RATE - video.frames / video.fps) <= 1 / video.fps  # within one frame
    measured = loudness(audio)
    assert measured is not None and abs(measured - TARGET_LUFS) <= 1.0
    lines = [line for shot in report.shots for line in shot.lines]
    assert [line.speaker for line in lines] == ["mia", "rex"]
    # each cue inside its shot, in order, and the sound starting with it (within one frame)
    for shot in report.shots:
        for line in shot.lines:
            assert shot.start_s <= line.start_s < line.end_s <= shot.start_s + shot.duration_s + 1e-6
            onset = _onset(audio, line.start_s - 0.2)
            assert abs(onset - line.start_s) <= 1 / video.fps
    cues = list(srt.parse((out / "subtitles.srt").read_text(encoding="utf-8")))
    assert [c.start.total_seconds() for c in cues] == pytest.approx([line.start_s for line in lines], abs=1e-3)
    assert cues[0].content.startswith("Mia: Look at the sky")
    vtt = webvtt.read(str(out / "subtitles.vtt"))
    assert [_seconds(c.start) for c in vtt] == pytest.approx([line.start_s for line in lines], abs=1e-3)
    assert re.search(r"Subtitle: mov_text", _streams(final)) and re.search(r"Audio: aac", _streams(final))
    # the two characters' voices differ measurably: their pitch
    mia, rex = (audio[round(line.start_s * SAMPLE_RATE) : round(line.end_s * SAMPLE_RATE)] for line in lines)
    assert abs(np.log2(_pitch(mia) / _pitch(rex))) > 0.15  # over two semitones apart
    assert {voice.speaker for voice in report.voices} == {"mia", "rex"}
    assert len({(voice.name, voice.pitch) for voice in report.voices}) == 2
    # each shot clip carries its own segment of the sound
    for shot in report.shots:
        clip_audio = read_audio_track(out / shot.clip)
        assert abs(len(clip_audio) / SAMPLE_RATE - shot.duration_s) <= 1 / video.fps


@pytest.mark.slow
def test_burnt_subtitles_show_in_the_frames_of_their_lines(dialogue_film) -> None:
    out, report = dialogue_film
    line = report.shots[[bool(s.lines) for s in report.shots].index(True)].lines[0]
    frames = read_video(out / report.final_video)
    during = frames[round((line.start_s + line.end_s) / 2 * report.fps)]
    before = frames[max(0, round(line.start_s * report.fps) - 3)]
    bottom = slice(round(0.6 * during.shape[0]), during.shape[0])
    assert (during[bottom] > 240).all(axis=2).sum() > (before[bottom] > 240).all(axis=2).sum() + 20


@pytest.mark.slow
def test_a_story_without_speech_gives_a_silent_track(tmp_path: Path) -> None:
    report = make_video(
        "A red ball rolls in the park.", tmp_path, progress=False, resolution="160x90", fps=8, retries=0
    )
    final = tmp_path / report.final_video
    audio = read_audio_track(final)
    assert len(audio) > 0 and np.abs(audio).max() < 1e-3
    assert report.loudness_lufs is None and not report.subtitles and not (tmp_path / "subtitles.srt").exists()
    assert "Subtitle" not in _streams(final)


@pytest.mark.slow
def test_a_changed_line_films_only_its_shot_again(tmp_path: Path) -> None:
    storyboard = plan_story("A girl walks in the park. A dog runs to the girl.", fps=8)
    girl = storyboard.shots[0].subjects[0]
    options = RunOptions.build(resolution="160x90", fps=8, retries=0)
    store = RunStore.open(tmp_path, "request")
    film_storyboard(
        _with_lines(storyboard, {1: [Line(text="Good dog.", speaker=girl)]}), store, options, progress=False
    )
    first = (tmp_path / "shots" / f"{storyboard.shots[0].id}.mp4").stat().st_mtime_ns
    second = (tmp_path / "shots" / f"{storyboard.shots[1].id}.mp4").stat().st_mtime_ns
    changed = _with_lines(storyboard, {1: [Line(text="Bad dog.", speaker=girl)]})
    report = film_storyboard(changed, store, options, progress=False)
    assert (tmp_path / "shots" / f"{storyboard.shots[0].id}.mp4").stat().st_mtime_ns == first
    assert (tmp_path / "shots" / f"{storyboard.shots[1].id}.mp4").stat().st_mtime_ns != second
    assert report.shots[1].lines[0].text == "Bad dog."


def _seconds(stamp: str) -> float:
    hours, minutes, seconds = stamp.split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


def _onset(audio: np.ndarray, after: float) -> float:
    """The first time after ``after`` (seconds) the sound's 5 ms envelope rises over -40 dBFS."""
    window = round(0.005 * SAMPLE_RATE)
    first = max(0, round(after * SAMPLE_RATE))
    envelope = np.sqrt(np.convolve(audio[first:] ** 2, np.ones(window) / window, "same"))
    return (first + int(np.argmax(envelope > 0.01))) / SAMPLE_RATE


def _streams(path: Path) -> str:
    import subprocess

    import imageio_ffmpeg

    done = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-i", str(path)], capture_output=True)
    return done.stderr.decode("utf-8", "replace")


def test_the_run_speaks_through_openai_when_asked_and_falls_back_when_auto(
    park: Storyboard, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from openai_server import FakeOpenAI, Reply

    from storyreel.agent.run_layout import soundtrack

    girl = park.shots[0].subjects[0]
    storyboard = _with_lines(park, {1: [Line(text="Come here, little dog.", speaker=girl)]})
    store = RunStore.open(tmp_path, "request")
    with FakeOpenAI([]) as server:
        options = RunOptions.build(speech="openai", llm_base_url=server.url)
        sound = soundtrack(storyboard, store, options)
    assert sound.engine == "openai" and not sound.warnings
    assert [r.body["input"] for r in server.received] == ["Come here, little dog."]
    # auto picks OpenAI when a key is set; a server that fails leaves the lines to eSpeak NG, with a warning
    monkeypatch.setenv("OPENAI_API_KEY", "test-key")
    with FakeOpenAI([Reply(status=500)] * 20) as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.url)
        fallback = soundtrack(storyboard, RunStore.open(tmp_path / "auto", "request"), RunOptions.build())
    assert fallback.engine == "espeak" and len(fallback.cues) == 1
    assert fallback.warnings and "openai speech failed" in fallback.warnings[0] and "\n" not in fallback.warnings[0]
    with FakeOpenAI([Reply(status=500)] * 20) as server, pytest.raises(UserError, match="--speech openai failed"):
        soundtrack(
            storyboard,
            RunStore.open(tmp_path / "named", "request"),
            RunOptions.build(speech="openai", llm_base_url=server.url),
        )
