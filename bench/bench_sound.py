"""What words and sound cost: a 6-shot story of two characters talking, narrated.

Prints the time to speak every line and mix the film's sound (``tools/soundtrack.score``: eSpeak NG, pacing, the
mix, with and without a music bed) against the seconds of speech it makes; a clip encoded with its sound against the
same frames without; the final cut assembled with its sound and subtitles against the pictures alone; and the whole
film made (single pass) with its lines against the same storyboard without them. The last line is one JSON object.

    python bench/bench_sound.py [--resolution 640x360] [--fps 24] [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from storyreel.agent.graph import AgentSettings
from storyreel.agent.pipeline import film_storyboard
from storyreel.agent.run_store import RunStore
from storyreel.planners import PlannerSettings, plan
from storyreel.schema import RunOptions, SpeechChoice, Storyboard
from storyreel.tools.soundtrack import score
from storyreel.tools.speech import SAMPLE_RATE, speech_engine
from storyreel.tools.subtitles import write_subtitles
from storyreel.tools.video import ClipWriter, concat_clips

STORY = (
    'Mia walks in the park with her dog Rex. "Look at the clouds, Rex, they are running from the wind," Mia says. '
    'Rex barks at the sky. "Woof!" says Rex. Mia sits on the bench and laughs. "You are a funny dog," she says.'
)


def _timed(call: Callable[[], object], repeats: int) -> float:
    """The best of ``repeats`` timings of ``call``, seconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return min(times)


def _silent(storyboard: Storyboard) -> Storyboard:
    return storyboard.model_copy(update={"shots": [s.model_copy(update={"lines": []}) for s in storyboard.shots]})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resolution", default="640x360")
    parser.add_argument("--fps", type=int, default=24)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    options = RunOptions.build(resolution=args.resolution, fps=args.fps, retries=0)
    storyboard = plan(STORY, PlannerSettings(narrate=True), fps=args.fps).storyboard
    engine = speech_engine(SpeechChoice.ESPEAK)
    rows: list[tuple[str, float, str]] = []

    sound = score(storyboard, engine, args.fps)
    spoken = sum(cue.end_s - cue.start_s for cue in sound.cues)
    speak_s = _timed(lambda: score(storyboard, engine, args.fps), args.repeats)
    with tempfile.TemporaryDirectory() as scratch:
        music = Path(scratch) / "music.wav"
        _write_tone(music, seconds=20.0)
        music_s = _timed(lambda: score(storyboard, engine, args.fps, music=music), args.repeats)
    rows += [
        ("lines, voices", len(sound.cues), f"{len(sound.heard())} voices, {spoken:.1f} s of speech"),
        ("speak + pace + mix, s", speak_s, f"x{spoken / speak_s:.0f} real time"),
        ("... with a music bed, s", music_s, f"x{music_s / speak_s:.2f}"),
    ]

    width, height = options.resolution.width, options.resolution.height
    frames = np.random.default_rng(0).integers(0, 255, (4 * args.fps, height, width, 3), dtype=np.uint8)
    audio = sound.samples[: round(len(frames) / args.fps * SAMPLE_RATE)]
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)

        def encode(with_audio: bool, clip: Path = root / "clip.mp4") -> None:
            with ClipWriter(clip, args.fps, width, height, audio=audio if with_audio else None) as writer:
                for frame in frames:
                    writer.write(frame)

        silent_clip = _timed(lambda: encode(False), args.repeats)
        sound_clip = _timed(lambda: encode(True), args.repeats)
        clips = [root / f"c{i}.mp4" for i in range(6)]
        for clip in clips:
            encode(True, clip)
        subtitles = write_subtitles(sound.cues, sound.storyboard, root)
        film = np.resize(sound.samples, round(6 * len(frames) / args.fps * SAMPLE_RATE)).astype(np.float32)
        bare_cut = _timed(lambda: concat_clips(clips, root / "final.mp4"), args.repeats)
        full_cut = _timed(
            lambda: concat_clips(clips, root / "final.mp4", audio=film, subtitles=root / subtitles[0]), args.repeats
        )
    rows += [
        (f"encode {len(frames)} frames, s", silent_clip, "pictures alone"),
        ("... with their sound, s", sound_clip, f"x{sound_clip / silent_clip:.2f}"),
        ("assemble 6 clips, s", bare_cut, "pictures alone"),
        ("... with sound and subtitles, s", full_cut, f"x{full_cut / bare_cut:.2f}"),
    ]

    made: dict[str, float] = {}
    for name, board in (("silent", _silent(storyboard)), ("spoken", storyboard)):
        with tempfile.TemporaryDirectory() as scratch:
            store = RunStore.open(Path(scratch), name)
            start = time.perf_counter()
            report = film_storyboard(board, store, options, settings=AgentSettings(0, 0), progress=False)
            made[name] = time.perf_counter() - start
            made[f"{name}_film_s"] = report.duration_s
    rows += [
        ("film without lines, s", made["silent"], f"{made['silent_film_s']:.1f} s of film"),
        ("film with its lines, s", made["spoken"], f"{made['spoken_film_s']:.1f} s of film (paced to its lines)"),
        ("... per second of film", made["spoken"] / made["spoken_film_s"], f"x{_per(made):.2f} the silent one's"),
    ]

    print(f"{'what':34} {'value':>9}  note")
    for what, value, note in rows:
        print(f"{what:34} {value:9.3f}  {note}")
    print(
        json.dumps(
            {
                "lines": len(sound.cues),
                "speech_s": round(spoken, 2),
                "speak_mix_s": round(speak_s, 3),
                "speech_realtime": round(spoken / speak_s, 1),
                "music_over_speech_only": round(music_s / speak_s, 2),
                "clip_encode_with_sound_ratio": round(sound_clip / silent_clip, 3),
                "assemble_with_sound_ratio": round(full_cut / bare_cut, 3),
                "film_silent_s": round(made["silent"], 2),
                "film_spoken_s": round(made["spoken"], 2),
                "film_seconds_silent": round(made["silent_film_s"], 2),
                "film_seconds_spoken": round(made["spoken_film_s"], 2),
                "per_film_second_ratio": round(_per(made), 3),
            }
        )
    )


def _per(made: dict[str, float]) -> float:
    return (made["spoken"] / made["spoken_film_s"]) / (made["silent"] / made["silent_film_s"])


def _write_tone(path: Path, seconds: float) -> None:
    import wave

    time_s = np.arange(round(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    chord = sum(np.sin(2 * np.pi * f * time_s) for f in (220.0, 277.2, 329.6)) / 4
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes((chord * 32767).astype("<i2").tobytes())


if __name__ == "__main__":
    main()
