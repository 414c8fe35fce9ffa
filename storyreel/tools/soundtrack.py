"""The film's sound: each line spoken in its speaker's voice, shots paced to hold their lines, the lines placed on the
film's timeline as cues, and one mix (speech, an optional music bed ducked under it) that every clip takes its
segment of and the final cut carries whole.

Sound depends on the storyboard alone (lines, durations, transitions) and not on what the camera films, so it is
made once, before the first shot is filmed: :func:`voice_storyboard` speaks every line and stretches a shot that
is shorter than its lines; :func:`mix_film` lays them out. A line is spoken ``LEAD_IN`` seconds into its shot (after
its transition's blend), lines follow each other ``GAP`` apart, and a ``BEAT`` of silence follows the last before
the cut. Each line is normalised to ``TARGET_LUFS`` on its own, so a clip's sound does not depend on other shots'
lines, and the final cut is brought to ``TARGET_LUFS`` as a whole (EBU R128 integrated loudness, ITU-R BS.1770).
"""

from __future__ import annotations

import hashlib
import io
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyloudnorm
from numpy.typing import NDArray

from storyreel.atomic import write_bytes
from storyreel.errors import UserError
from storyreel.schema import Action, Shot, SpokenLine, Storyboard, Transition, Verb, Voice
from storyreel.tools.speech import SAMPLE_RATE, Speech, SpeechEngine
from storyreel.tools.video import TRANSITION_SECONDS, VideoError, read_audio_track

LEAD_IN = 0.3  # seconds from a cut to its shot's first line
GAP = 0.3  # seconds between two lines of a shot
BEAT = 0.6  # seconds of silence after a shot's last line before the cut
TARGET_LUFS = -16.0  # integrated loudness of the film (web and mobile delivery)
MUSIC_UNDER = -14.0  # the music bed's loudness against the target, in LU (LUFS -30 at a -16 target)
DUCK_DB = -12.0  # the music bed under a line, in dB
DUCK_ATTACK = 0.15  # seconds the bed takes to duck before a line, and (x3) to come back after
DECLICK = 0.005  # seconds a hard cut of the bed is smoothed over


@dataclass(frozen=True)
class Soundtrack:
    """A storyboard paced to its lines, and its sound: everyone's voice (the narrator's first), each line's cue on
    the film's timeline, and the mix (mono float32 at ``SAMPLE_RATE``, as long as the film's frames)."""

    storyboard: Storyboard
    fps: int
    voices: list[Voice]
    cues: list[SpokenLine]
    samples: NDArray[np.float32] = field(repr=False)
    engine: str
    music: str | None = None
    warnings: list[str] = field(default_factory=list)

    def heard(self) -> list[Voice]:
        """The voices the film uses: the narrator's when it speaks, then the speaking cast's in order."""
        speakers = {cue.speaker for cue in self.cues}
        return [voice for voice in self.voices if voice.speaker in speakers]

    def shot_sound(self, shot_id: str) -> NDArray[np.float32]:
        """The samples that play under ``shot_id``'s frames."""
        first, end = shot_span(self.storyboard, shot_id, self.fps)
        return self.samples[first:end]

    def film_start(self, shot_id: str) -> float:
        """When ``shot_id``'s first frame shows, in seconds of the final cut."""
        return shot_span(self.storyboard, shot_id, self.fps)[0] / SAMPLE_RATE

    def shot_keys(self) -> dict[str, str]:
        """A digest of each shot's sound, for the key of its clip."""
        return {
            shot.id: hashlib.sha256(self.shot_sound(shot.id).tobytes()).hexdigest()[:24]
            for shot in self.storyboard.shots
        }


def score(
    storyboard: Storyboard,
    engine: SpeechEngine,
    fps: int,
    *,
    music: Path | None = None,
    cache: Path | None = None,
) -> Soundtrack:
    """Speak every line of ``storyboard`` in its speaker's voice, pace the shots to hold their lines, and mix the
    film's sound (over ``music``, when given). A shot shorter than its lines (:func:`needed_seconds`) is stretched,
    in whole frames at ``fps``, and a speaker it names who does nothing else talks while it plays (the head moves:
    a visible cue of who speaks). ``cache`` keeps each spoken line on disk, so a remote engine is asked once."""
    speakers: list[str | None] = [None, *(c.id for c in storyboard.cast)]
    voices = engine.cast(speakers, {c.id: c.gender for c in storyboard.cast if c.gender is not None})
    by_speaker = dict(zip(speakers, voices, strict=True))
    speech: dict[str, list[Speech]] = {}
    shots: list[Shot] = []
    for shot in storyboard.shots:
        spoken = [_spoken(engine, line.text, by_speaker[line.speaker], cache) for line in shot.lines]
        speech[shot.id] = spoken
        needed = needed_seconds(shot, [s.seconds for s in spoken])
        duration = max(shot.duration, math.ceil(needed * fps - 1e-6) / fps)
        shots.append(shot.model_copy(update={"duration": duration, "actions": _talking(shot)}))
    paced = storyboard.model_copy(update={"shots": shots})
    placed = _cues(paced, fps, speech)
    bed = read_music(music) if music is not None else None
    samples = mix_film(paced, fps, placed, [s for shot in paced.shots for s in speech[shot.id]], bed)
    return Soundtrack(
        storyboard=paced,
        fps=fps,
        voices=voices,
        cues=placed,
        samples=samples,
        engine=engine.name,
        music=music.name if music is not None else None,
    )


def needed_seconds(shot: Shot, seconds: list[float]) -> float:
    """How long ``shot`` must last to hold lines of these lengths: its lead-in, the lines with gaps between them,
    and a beat after the last; 0 without lines."""
    if not seconds:
        return 0.0
    return _lead_in(shot) + sum(seconds) + GAP * (len(seconds) - 1) + BEAT


def _lead_in(shot: Shot) -> float:
    return LEAD_IN + (TRANSITION_SECONDS if shot.transition is not Transition.CUT else 0.0)


def _talking(shot: Shot) -> list[Action]:
    """The shot's actions, with a TALK for each dialogue speaker it names who does nothing else in it (a visible
    cue of who speaks: the head moves)."""
    acting = {action.actor for action in shot.actions}
    speakers = [s for s in dict.fromkeys(line.speaker for line in shot.lines) if s is not None]
    added = [Action(actor=s, verb=Verb.TALK) for s in speakers if s in shot.subjects and s not in acting]
    return [*shot.actions, *added]


def _spoken(engine: SpeechEngine, text: str, voice: Voice, cache: Path | None) -> Speech:
    """``text`` in ``voice``, normalised to the target loudness; from ``cache`` when it was spoken before."""
    key = hashlib.sha256(f"{engine.key()}\n{voice.model_dump_json()}\n{text}".encode()).hexdigest()[:24]
    stored = cache / f"{key}.npy" if cache is not None else None
    if stored is not None and stored.is_file():
        return Speech(np.load(stored))
    speech = Speech(normalized(engine.speak(text, voice).samples, TARGET_LUFS))
    if stored is not None:
        buffer = io.BytesIO()
        np.save(buffer, speech.samples)
        write_bytes(stored, buffer.getvalue())
    return speech


# ---------------------------------------------------------------------------------------------------- timeline


def _cues(storyboard: Storyboard, fps: int, speech: dict[str, list[Speech]]) -> list[SpokenLine]:
    """Every line on the film's timeline (seconds of the final cut, its shots a whole number of frames at ``fps``
    each), in order: its subtitle cue."""
    placed: list[SpokenLine] = []
    for shot in storyboard.shots:
        at = shot_span(storyboard, shot.id, fps)[0] / SAMPLE_RATE + _lead_in(shot)
        for line, spoken in zip(shot.lines, speech[shot.id], strict=True):
            end = at + spoken.seconds
            placed.append(
                SpokenLine(
                    shot_id=shot.id, text=line.text, speaker=line.speaker, start_s=round(at, 4), end_s=round(end, 4)
                )
            )
            at = end + GAP
    return placed


def film_samples(storyboard: Storyboard, fps: int) -> int:
    """The film's length in samples: its frames at ``fps``, each shot a whole number of frames."""
    frames = sum(shot.frames(fps) for shot in storyboard.shots)
    return round(frames * SAMPLE_RATE / fps)


def shot_span(storyboard: Storyboard, shot_id: str, fps: int) -> tuple[int, int]:
    """The samples ``[first, end)`` of the film's sound that play under ``shot_id``'s frames."""
    frames = [shot.frames(fps) for shot in storyboard.shots]
    index = [shot.id for shot in storyboard.shots].index(shot_id)
    first = sum(frames[:index])
    return round(first * SAMPLE_RATE / fps), round((first + frames[index]) * SAMPLE_RATE / fps)


# -------------------------------------------------------------------------------------------------------- mix


def mix_film(
    storyboard: Storyboard,
    fps: int,
    cues: list[SpokenLine],
    speech: list[Speech],
    music: NDArray[np.float32] | None = None,
) -> NDArray[np.float32]:
    """The film's sound (mono float32 at ``SAMPLE_RATE``, as long as its frames): each line's ``speech`` where its
    cue puts it, over the music bed when there is one, ducked under every line. Transitions shape the sound as
    they shape the picture: a fade (through black) takes the sound down at its cut and brings it up with its
    blend; cuts and dissolves leave the bed running (no line is left to cross-fade at a dissolve: each ends a beat
    before its shot's cut)."""
    total = film_samples(storyboard, fps)
    voice = np.zeros(total, np.float32)
    active = np.zeros(total, bool)
    for cue, spoken in zip(cues, speech, strict=True):
        first = round(cue.start_s * SAMPLE_RATE)
        part = spoken.samples[: max(0, total - first)]
        voice[first : first + len(part)] += part
        active[first : first + len(part)] = True
    sound = voice
    if music is not None:
        bed = _looped(normalized(music, TARGET_LUFS + MUSIC_UNDER), total)
        sound = voice + bed * _duck(active) * _ends(total)
    return limited(sound * _transitions(storyboard, fps, total))


def _looped(samples: NDArray[np.float32], total: int) -> NDArray[np.float32]:
    if len(samples) == 0:
        return np.zeros(total, np.float32)
    return np.resize(samples, total).astype(np.float32)


def _duck(active: NDArray[np.bool_]) -> NDArray[np.float32]:
    """The bed's gain: 1, falling to ``DUCK_DB`` over ``DUCK_ATTACK`` before each line and rising slower after."""
    floor = 10 ** (DUCK_DB / 20)
    attack = max(1, round(DUCK_ATTACK * SAMPLE_RATE))
    release = 3 * attack
    # distance (in samples) to the nearest speech ahead and behind, capped
    index = np.arange(len(active))
    on = np.flatnonzero(active)
    if len(on) == 0:
        return np.ones(len(active), np.float32)
    ahead = np.searchsorted(on, index)
    next_on = np.where(ahead < len(on), on[np.minimum(ahead, len(on) - 1)], len(active) + release)
    behind = np.where(ahead > 0, on[np.maximum(ahead - 1, 0)], -release - attack)
    toward = np.clip((next_on - index) / attack, 0.0, 1.0)
    away = np.clip((index - behind) / release, 0.0, 1.0)
    level = np.minimum(toward, away)  # 0 under a line, 1 far from any
    return (floor + (1.0 - floor) * level).astype(np.float32)


def _ends(total: int) -> NDArray[np.float32]:
    """The bed fades in over half a second and out over the film's last two."""
    gain = np.ones(total, np.float32)
    rise, fall = min(total, SAMPLE_RATE // 2), min(total, 2 * SAMPLE_RATE)
    gain[:rise] *= np.linspace(0.0, 1.0, rise, dtype=np.float32)
    gain[total - fall :] *= np.linspace(1.0, 0.0, fall, dtype=np.float32)
    return gain


def _transitions(storyboard: Storyboard, fps: int, total: int) -> NDArray[np.float32]:
    """The gain each transition puts on the whole sound: a fade dips to silence at its cut (over ``DECLICK``
    before it) and rises over its blend; cuts and dissolves pass it through."""
    gain = np.ones(total, np.float32)
    for shot in storyboard.shots:
        if shot.transition is not Transition.FADE:
            continue
        first, end = shot_span(storyboard, shot.id, fps)
        rise = min(end - first, round(TRANSITION_SECONDS * SAMPLE_RATE))
        gain[first : first + rise] *= np.linspace(0.0, 1.0, rise, dtype=np.float32)
        fall = min(first, round(DECLICK * SAMPLE_RATE))
        gain[first - fall : first] *= np.linspace(1.0, 0.0, fall, dtype=np.float32)
    return gain


# --------------------------------------------------------------------------------------------------- loudness


def loudness(samples: NDArray[np.float32]) -> float | None:
    """Integrated loudness (LUFS, ITU-R BS.1770-4 with its gates); None for silence or under 0.4 s of sound."""
    if len(samples) < 0.4 * SAMPLE_RATE or not np.any(np.abs(samples) > 1e-5):
        return None
    value = float(pyloudnorm.Meter(SAMPLE_RATE).integrated_loudness(samples.astype(np.float64)))
    return value if math.isfinite(value) else None


def normalized(samples: NDArray[np.float32], target: float) -> NDArray[np.float32]:
    """``samples`` at ``target`` LUFS (a sound too short to measure by its RMS), peaks held under -1 dBFS."""
    if len(samples) == 0 or not np.any(np.abs(samples) > 1e-5):
        return samples.astype(np.float32)
    measured = loudness(samples)
    if measured is None:  # shorter than a gating block: RMS in dBFS, near LUFS for speech
        measured = 20 * math.log10(float(np.sqrt(np.mean(samples.astype(np.float64) ** 2)))) - 0.7
    return limited(samples * 10 ** ((target - measured) / 20))


def limited(samples: NDArray[np.floating], ceiling: float = 10 ** (-1 / 20)) -> NDArray[np.float32]:
    """Peaks over ``ceiling`` bent under it smoothly (a soft knee from 80 % of it); the rest untouched."""
    knee = 0.8 * ceiling
    out = np.asarray(samples, np.float32).copy()
    over = np.abs(out) > knee
    if np.any(over):
        excess = (np.abs(out[over]) - knee) / (ceiling - knee)
        out[over] = np.sign(out[over]) * (knee + (ceiling - knee) * np.tanh(excess))
    return out


# ------------------------------------------------------------------------------------------------------ music


def read_music(path: Path) -> NDArray[np.float32]:
    """The sound of an audio file (anything ffmpeg reads) as mono float32 at ``SAMPLE_RATE``; one clear line when
    it holds none."""
    try:
        samples = read_audio_track(path)
    except VideoError as error:
        raise UserError(f"--music {path}: {error}; use a WAV, MP3, FLAC or OGG file") from error
    if len(samples) == 0:
        raise UserError(f"--music {path} holds no sound: use a WAV, MP3, FLAC or OGG file")
    return samples
