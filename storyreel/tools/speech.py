"""Speech: the film's lines spoken by eSpeak NG (embedded, offline), Piper (a local neural voice) or OpenAI's API.

Every engine gives mono float32 samples at :data:`SAMPLE_RATE`, with the silence around the words trimmed, and casts
a distinct voice for each speaker: the narrator (speaker ``None``) sounds unlike every character.
"""

from __future__ import annotations

import _ctypes
import ctypes
import importlib.util
import io
import itertools
import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import metadata
from math import gcd
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray
from scipy.signal import resample_poly

from storyreel.errors import UserError
from storyreel.schema import Gender, SpeechChoice, Voice

SAMPLE_RATE = 48_000  # every engine's speech is resampled to this (mono float32)
SILENCE = 10 ** (-50 / 20)  # below this (-50 dBFS) a sample at either end counts as silence
MARGIN_S = 0.01  # silence kept before the first and after the last sound when trimming
SENTENCE_GAP_S = 0.12  # Piper speaks sentence by sentence: the pause laid between them
PIPER_INSTALL = 'pip install "storyreel[piper]"'

#: Offsets (semitones, pace) that tell characters apart once an engine's own voices run out.
OFFSETS: tuple[tuple[float, float], ...] = (
    (0.0, 1.0),
    (3.0, 1.06),
    (-3.0, 0.94),
    (6.0, 1.1),
    (-5.0, 0.9),
    (1.5, 1.14),
    (-1.5, 0.86),
    (8.0, 1.02),
    (-7.0, 0.98),
    (4.5, 0.92),
    (-4.5, 1.08),
    (10.0, 0.96),
)


class SpeechError(RuntimeError):
    """Synthesis failed (an API error, a broken model); the message is one line."""


@dataclass(frozen=True)
class Speech:
    """One line spoken: mono samples in [-1, 1] at :data:`SAMPLE_RATE`."""

    samples: NDArray[np.float32]

    @property
    def seconds(self) -> float:
        return len(self.samples) / SAMPLE_RATE


class SpeechEngine(Protocol):
    """Speaks text in the voices it casts."""

    name: str  # "espeak" | "piper" | "openai"

    def cast(self, speakers: list[str | None], genders: Mapping[str, Gender] | None = None) -> list[Voice]:
        """A distinct voice for each speaker (None = the narrator), in order, of its gender where ``genders``
        tells one and the engine's voices have one; deterministic; the narrator's voice differs from every
        character's."""
        ...

    def speak(self, text: str, voice: Voice) -> Speech:
        """``text`` spoken in ``voice``; empty text gives empty speech."""
        ...

    def key(self) -> str:
        """What about the engine decides its sound (engine, model, library version), for cache keys."""
        ...


def speech_engine(
    choice: SpeechChoice, *, voice_model: Path | None = None, base_url: str | None = None
) -> SpeechEngine:
    """The engine for ``choice``. ``auto``: Piper when ``voice_model`` is given, else OpenAI when OPENAI_API_KEY is
    set (and the openai package installed), else eSpeak NG. A choice that cannot work raises :class:`UserError`
    naming the problem and the fix."""
    if choice == SpeechChoice.AUTO:
        if voice_model is not None:
            choice = SpeechChoice.PIPER
        elif os.environ.get("OPENAI_API_KEY") and importlib.util.find_spec("openai") is not None:
            choice = SpeechChoice.OPENAI
        else:
            choice = SpeechChoice.ESPEAK
    if choice == SpeechChoice.PIPER:
        if voice_model is None:
            raise UserError("--speech piper needs a voice: add --voice-model VOICE.onnx")
        return PiperEngine(voice_model)
    if choice == SpeechChoice.OPENAI:
        return OpenAIEngine(base_url=base_url)
    return EspeakEngine()


# --- signal helpers ---------------------------------------------------------------------------------------------


def resample(samples: NDArray[Any], rate_in: int, rate_out: int) -> NDArray[np.float32]:
    """``samples`` taken at ``rate_in`` Hz, taken again at ``rate_out`` Hz (polyphase, anti-aliased)."""
    samples = np.asarray(samples, dtype=np.float32)
    if rate_in == rate_out or len(samples) == 0:
        return samples.copy()
    common = gcd(rate_in, rate_out)
    return resample_poly(samples, rate_out // common, rate_in // common).astype(np.float32)


def shift_pitch(samples: NDArray[Any], semitones: float) -> NDArray[np.float32]:
    """``samples`` played ``semitones`` higher by resampling: like a tape sped up, the pace rises with the pitch
    (by ``2 ** (semitones / 12)``), so a caller that wants its pace asks the synthesiser for that much slower."""
    samples = np.asarray(samples, dtype=np.float32)
    if abs(semitones) < 1e-3 or len(samples) == 0:
        return samples.copy()
    ratio = 2 ** (semitones / 12)
    scale = 1000  # the ratio to 0.1 % (under 2 cents)
    return resample(samples, round(ratio * scale), scale)


def trim(samples: NDArray[Any], rate: int = SAMPLE_RATE) -> NDArray[np.float32]:
    """``samples`` without the silence before the first and after the last sound, but for :data:`MARGIN_S`."""
    samples = np.asarray(samples, dtype=np.float32)
    loud = np.flatnonzero(np.abs(samples) > SILENCE)
    if len(loud) == 0:
        return np.zeros(0, np.float32)
    margin = round(MARGIN_S * rate)
    return samples[max(0, loud[0] - margin) : loud[-1] + 1 + margin].copy()


def _finish(samples: NDArray[Any], rate: int) -> Speech:
    """Engine output at ``rate`` as :class:`Speech`: resampled, trimmed, clipped to [-1, 1]."""
    out = np.clip(trim(resample(samples, rate, SAMPLE_RATE)), -1.0, 1.0)
    return Speech(out.astype(np.float32))


def _silence() -> Speech:
    return Speech(np.zeros(0, np.float32))


def _check_engine(voice: Voice, engine: str) -> None:
    if voice.engine != engine:
        raise ValueError(f"a {voice.engine} voice ({voice.name}) given to the {engine} engine")


def _cast(
    speakers: list[str | None],
    narrator: Voice,
    voices: list[tuple[str, float, float]],
    genders: Mapping[str, Gender] | None = None,
    gender_of: Callable[[str], Gender | None] = lambda name: None,
) -> list[Voice]:
    """One voice per speaker: each character, in order of first appearance, takes the first of ``voices`` (name,
    semitones, pace) no one has yet whose gender (``gender_of`` its name) is not another than the character's
    (``genders``); when none is left, the same again shifted by the next :data:`OFFSETS`. The narrator takes
    ``narrator``. No two speakers share a voice."""
    genders = genders or {}
    chosen: dict[str | None, Voice] = {None: narrator}
    taken = {(narrator.name, narrator.pitch, narrator.speed)}
    for speaker in speakers:
        if speaker in chosen:
            continue
        wanted = genders.get(speaker) if speaker is not None else None
        pool = [v for v in voices if wanted is None or gender_of(v[0]) in (wanted, None)] or voices
        for turn in itertools.count():
            extra_pitch, extra_speed = OFFSETS[1 + (turn - 1) % (len(OFFSETS) - 1)] if turn else (0.0, 1.0)
            extra_pitch += 0.25 * ((turn - 1) // (len(OFFSETS) - 1)) if turn else 0.0  # each round of them: apart
            free = [
                (name, min(12.0, max(-12.0, pitch + extra_pitch)), round(min(2.0, max(0.5, speed * extra_speed)), 3))
                for name, pitch, speed in pool
            ]
            free = [voice for voice in free if voice not in taken]
            if free:
                break
        name, pitch, speed = free[0]
        taken.add((name, pitch, speed))
        chosen[speaker] = Voice(speaker=speaker, engine=narrator.engine, name=name, pitch=pitch, speed=speed)
    return [chosen[speaker] for speaker in speakers]


# --- eSpeak NG --------------------------------------------------------------------------------------------------

_AUDIO_OUTPUT_SYNCHRONOUS = 2
_INITIALIZE_DONT_EXIT = 0x8000
_POS_CHARACTER = 1
_CHARS_UTF8 = 1
_RATE, _VOLUME, _PITCH, _RANGE = 1, 2, 3, 4
_SYNTH_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p)

#: Characters' voices: eSpeak variants (men and women in turn; name, semitones, pace), their pitches spread apart.
ESPEAK_VOICES: list[tuple[str, float, float]] = [
    ("en-us+m3", 0.0, 1.0),
    ("en-us+f2", 0.0, 1.0),
    ("en-us+m1", 4.0, 1.05),
    ("en-us+f4", -2.0, 0.95),
    ("en-us+m6", -2.0, 0.92),
    ("en-us+f1", 4.0, 1.08),
    ("en-us+m4", 6.0, 0.97),
    ("en-us+f3", 0.0, 1.1),
    ("en-us+m2", 2.0, 1.12),
    ("en-us+f5", -5.0, 0.9),
    ("en-us+m7", 8.0, 1.0),
    ("en-us+m5", 6.0, 1.06),
]
#: The narrator: Received Pronunciation, the lowest male variant, a little slower; no character's voice.
ESPEAK_NARRATOR = Voice(speaker=None, engine="espeak", name="en-gb-x-rp+m8", pitch=-1.0, speed=0.95)
ESPEAK_WPM = 175  # eSpeak NG's default pace, words a minute, for speed 1
#: eSpeak's pitch parameter (0-99, 50 the voice's own) against the semitones it moves the voice, measured (median
#: fundamental frequency of a sentence, en-us+m3, en-us+f2, en-gb-x-rp+m8; within 0.5 semitone of each other).
ESPEAK_PITCH_SEMITONES = (-6.4, -5.3, -4.1, -2.8, -1.6, 0.0, 1.6, 3.2, 5.0, 6.8, 8.5)
ESPEAK_PITCH_VALUES = (0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 99)


class _Espeak:
    """The eSpeak NG library (libespeak-ng from espeakng_loader). It is not thread-safe, and it keeps state from line
    to line (its pitch flutter's phase, its wave generator's counters), so a line would sound a little different
    each time: every line loads the library afresh and unloads it after (about 1 ms), all under LOCK."""

    LOCK = threading.Lock()
    version: str | None = None

    @staticmethod
    def _load() -> ctypes.CDLL:
        try:
            import espeakng_loader
        except ImportError as error:  # a dependency of storyreel itself
            raise UserError("eSpeak NG is missing: pip install espeakng-loader") from error
        lib = ctypes.CDLL(espeakng_loader.get_library_path())
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        lib.espeak_SetSynthCallback.argtypes = [_SYNTH_CALLBACK]
        lib.espeak_SetSynthCallback.restype = None
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        lib.espeak_Synth.argtypes = [
            ctypes.c_void_p,  # text
            ctypes.c_size_t,  # its size in bytes
            ctypes.c_uint,  # position
            ctypes.c_int,  # position type
            ctypes.c_uint,  # end position
            ctypes.c_uint,  # flags
            ctypes.POINTER(ctypes.c_uint),  # unique identifier
            ctypes.c_void_p,  # user data
        ]
        lib.espeak_Info.argtypes = [ctypes.c_void_p]
        lib.espeak_Info.restype = ctypes.c_char_p
        data = espeakng_loader.get_data_path().encode()
        rate = lib.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 0, data, _INITIALIZE_DONT_EXIT)
        if rate <= 0:
            raise SpeechError(f"eSpeak NG did not start (code {rate}) with its data at {data.decode()}")
        lib.espeak_ng_SetRandSeed.argtypes = [ctypes.c_long]
        lib.espeak_ng_SetRandSeed(1)  # starting it seeds breathy voices' noise with the time: the same noise
        _Espeak.version = (lib.espeak_Info(None) or b"?").decode()
        return lib

    @staticmethod
    def synth(text: str, name: str, wpm: int, pitch: int) -> tuple[NDArray[np.int16], int]:
        """``text`` in voice ``name`` (language+variant) at ``wpm`` words a minute, ``pitch`` 0-99 (50 the
        voice's own), and the rate of its samples; call holding LOCK."""
        chunks: list[NDArray[np.int16]] = []

        def receive(wav: Any, count: int, events: Any) -> int:
            if count > 0 and wav:
                chunks.append(np.ctypeslib.as_array(wav, shape=(count,)).copy())
            return 0  # go on

        callback = _SYNTH_CALLBACK(receive)
        lib = _Espeak._load()
        try:
            rate = int(lib.espeak_ng_GetSampleRate())
            lib.espeak_SetSynthCallback(callback)
            if lib.espeak_SetVoiceByName(name.encode()) != 0:
                raise SpeechError(f"eSpeak NG has no voice {name!r}")
            for parameter, value in ((_RATE, wpm), (_PITCH, pitch), (_RANGE, 50), (_VOLUME, 100)):
                lib.espeak_SetParameter(parameter, value, 0)
            encoded = text.encode() + b"\0"
            status = lib.espeak_Synth(encoded, len(encoded), 0, _POS_CHARACTER, 0, _CHARS_UTF8, None, None)
            lib.espeak_Synchronize()
            if status != 0:
                raise SpeechError(f"eSpeak NG failed to speak (code {status}): {text[:60]!r}")
        finally:
            lib.espeak_Terminate()
            _ctypes.dlclose(lib._handle)
        return (np.concatenate(chunks) if chunks else np.zeros(0, np.int16)), rate


def _espeak_gender(name: str) -> Gender | None:
    """An eSpeak variant's gender: ``+f3`` a woman's voice, ``+m3`` a man's."""
    variant = name.partition("+")[2]
    return Gender.FEMALE if variant.startswith("f") else Gender.MALE if variant.startswith("m") else None


class EspeakEngine:
    """eSpeak NG, embedded: offline, instant, robotic. Voices are eSpeak variants; pitch is eSpeak's own where its
    range reaches (-6.4 to +8.5 semitones), the rest a resampling shift."""

    name = "espeak"

    def cast(self, speakers: list[str | None], genders: Mapping[str, Gender] | None = None) -> list[Voice]:
        return _cast(speakers, ESPEAK_NARRATOR, ESPEAK_VOICES, genders, _espeak_gender)

    def speak(self, text: str, voice: Voice) -> Speech:
        _check_engine(voice, self.name)
        if not text.strip():
            return _silence()
        native = min(ESPEAK_PITCH_SEMITONES[-1], max(ESPEAK_PITCH_SEMITONES[0], voice.pitch))
        pitch = round(float(np.interp(native, ESPEAK_PITCH_SEMITONES, ESPEAK_PITCH_VALUES)))
        rest = voice.pitch - native  # beyond eSpeak's range: shifted after, its change of pace asked back
        wpm = round(min(450.0, max(80.0, ESPEAK_WPM * voice.speed / 2 ** (rest / 12))))
        with _Espeak.LOCK:
            samples, rate = _Espeak.synth(text, voice.name, wpm, pitch)
        return _finish(shift_pitch(samples.astype(np.float32) / 32768.0, rest), rate)

    def key(self) -> str:
        if _Espeak.version is None:
            self.speak("a", ESPEAK_NARRATOR)  # loads the library, which says its version
        return f"espeak:{_Espeak.version}:espeakng-loader {metadata.version('espeakng-loader')}"


# --- Piper ------------------------------------------------------------------------------------------------------


class PiperEngine:
    """Piper (piper-tts): a local neural voice from a ``.onnx`` model with its ``.onnx.json`` config beside it.

    A multi-speaker model gives each character a speaker of its own (the narrator its default speaker); a model of
    one speaker tells characters apart by pitch (a resampling shift) and pace (Piper's length scale)."""

    name = "piper"

    def __init__(self, model: Path) -> None:
        try:
            from piper import PiperVoice
        except ImportError as error:
            raise UserError(f"Piper voices need piper-tts: {PIPER_INSTALL}") from error
        model = Path(model)
        config = model.with_name(model.name + ".json")
        if not model.is_file():
            raise UserError(f"voice model {model} does not exist: point --voice-model at a Piper .onnx file")
        if not config.is_file():
            raise UserError(f"voice model {model} has no {config.name} beside it: download the voice's config too")
        try:
            self._voice = PiperVoice.load(model, config_path=config)
        except Exception as error:  # onnxruntime and json raise many kinds
            problem = " ".join(str(error).split())[:200]
            raise UserError(f"voice model {model} does not load ({problem}): use a Piper .onnx voice") from error
        self.model = model
        stat = model.stat()
        self._key = f"piper:{metadata.version('piper-tts')}:{model.name}:{stat.st_size}:{stat.st_mtime_ns}"
        self._ids = {str(name): int(sid) for name, sid in self._voice.config.speaker_id_map.items()}

    @property
    def speakers(self) -> list[str]:
        """The model's speakers, by id: their names in the config, else their ids."""
        count = max(1, self._voice.config.num_speakers)
        names = {sid: name for name, sid in self._ids.items()}
        return [names.get(sid, str(sid)) for sid in range(count)]

    def cast(self, speakers: list[str | None], genders: Mapping[str, Gender] | None = None) -> list[Voice]:
        """As the model's speakers come (a Piper model does not say their genders): ``genders`` go unused."""
        voices = self.speakers
        if len(voices) == 1:  # one voice: the narrator as it is, characters shifted in pitch and pace
            shifted = [(voices[0], pitch, speed) for pitch, speed in OFFSETS[1:]]
            return _cast(speakers, Voice(engine=self.name, name=voices[0]), shifted)
        default = self._voice.config.default_speaker_id
        narrator = voices[default] if 0 <= default < len(voices) else voices[0]
        others = [(name, 0.0, 1.0) for name in voices if name != narrator]
        return _cast(speakers, Voice(engine=self.name, name=narrator), others)

    def speak(self, text: str, voice: Voice) -> Speech:
        from piper import SynthesisConfig

        _check_engine(voice, self.name)
        if not text.strip():
            return _silence()
        config = self._voice.config
        speaker = self._ids.get(voice.name, int(voice.name) if voice.name.isdigit() else None)
        ratio = 2 ** (voice.pitch / 12)  # the shift speeds speech up by this much: ask Piper for that much slower
        syn = SynthesisConfig(
            speaker_id=speaker if config.num_speakers > 1 else None,
            length_scale=config.length_scale * ratio / voice.speed,
            volume=0.9,  # Piper scales each sentence to full scale: headroom for the resampler's overshoot
        )
        gap = np.zeros(round(SENTENCE_GAP_S * config.sample_rate), np.float32)
        parts: list[NDArray[np.float32]] = []
        try:
            for chunk in self._voice.synthesize(text, syn_config=syn):  # a chunk a sentence
                if parts:
                    parts.append(gap)
                parts.append(chunk.audio_float_array.astype(np.float32))
        except Exception as error:
            raise SpeechError(f"Piper failed on {text[:60]!r}: {' '.join(str(error).split())[:200]}") from error
        if not parts:
            return _silence()
        return _finish(shift_pitch(np.concatenate(parts), voice.pitch), config.sample_rate)

    def key(self) -> str:
        return self._key


# --- OpenAI -----------------------------------------------------------------------------------------------------

OPENAI_MODEL = "gpt-4o-mini-tts"
OPENAI_VOICES = ["alloy", "ash", "coral", "echo", "nova", "onyx", "sage", "shimmer"]  # characters' voices
OPENAI_NARRATOR = Voice(speaker=None, engine="openai", name="fable")
#: How OpenAI's voices sound (alloy is neither): a character the story calls "she" speaks in a woman's voice.
OPENAI_GENDERS = {
    "ash": Gender.MALE,
    "coral": Gender.FEMALE,
    "echo": Gender.MALE,
    "nova": Gender.FEMALE,
    "onyx": Gender.MALE,
    "sage": Gender.FEMALE,
    "shimmer": Gender.FEMALE,
}


class OpenAIEngine:
    """OpenAI's speech API (``/v1/audio/speech``) or any server that speaks it. The model is $STORYREEL_TTS_MODEL,
    else ``gpt-4o-mini-tts``; pitch is a resampling shift, its change of pace compensated through ``speed``."""

    name = "openai"

    def __init__(
        self,
        *,
        base_url: str | None = None,
        api_key: str | None = None,
        model: str | None = None,
        timeout: float = 60.0,
        max_retries: int = 2,
    ) -> None:
        try:
            import openai
        except ImportError as error:
            raise UserError('OpenAI speech needs the openai package: pip install "storyreel[llm]"') from error
        api_key = api_key or os.environ.get("OPENAI_API_KEY")
        base_url = base_url or os.environ.get("OPENAI_BASE_URL") or None
        if not api_key and base_url is None:
            raise UserError("--speech openai needs OPENAI_API_KEY: set it, or choose --speech espeak")
        self.model = model or os.environ.get("STORYREEL_TTS_MODEL") or OPENAI_MODEL
        self.base_url = base_url
        self._client = openai.OpenAI(
            api_key=api_key or "unused", base_url=base_url, timeout=timeout, max_retries=max_retries
        )

    def cast(self, speakers: list[str | None], genders: Mapping[str, Gender] | None = None) -> list[Voice]:
        voices = [(name, 0.0, 1.0) for name in OPENAI_VOICES]
        return _cast(speakers, OPENAI_NARRATOR, voices, genders, OPENAI_GENDERS.get)

    def speak(self, text: str, voice: Voice) -> Speech:
        import openai

        _check_engine(voice, self.name)
        if not text.strip():
            return _silence()
        speed = min(4.0, max(0.25, voice.speed * 2 ** (-voice.pitch / 12)))  # the shift below speeds it up again
        try:
            response = self._client.audio.speech.create(
                model=self.model, voice=voice.name, input=text, response_format="wav", speed=speed
            )
            samples, rate = read_wav(response.content)
        except openai.APIError as error:
            detail = " ".join(str(getattr(error, "message", error)).split())[:200]
            raise SpeechError(f"OpenAI speech ({self.model}, {voice.name}) failed: {detail}") from error
        except ValueError as error:
            raise SpeechError(f"OpenAI speech ({self.model}) answered no usable WAV: {error}") from error
        return _finish(shift_pitch(samples, voice.pitch), rate)

    def key(self) -> str:
        return f"openai:{self.model}:{self.base_url or 'api.openai.com'}"


def read_wav(data: bytes) -> tuple[NDArray[np.float32], int]:
    """A WAV file's samples (channels averaged to mono) in [-1, 1] and its rate: 16- or 32-bit PCM or 32-bit
    float. A streamed WAV's unknown data length (0 or 0xFFFFFFFF) reads to the end."""
    stream = io.BytesIO(data)
    if stream.read(4) != b"RIFF" or stream.read(4) == b"" or stream.read(4) != b"WAVE":
        raise ValueError("not a RIFF/WAVE file")
    fmt: tuple[int, int, int, int] | None = None
    while header := stream.read(8):
        if len(header) < 8:
            break
        tag, size = header[:4], int.from_bytes(header[4:], "little")
        if tag == b"fmt ":
            body = stream.read(size + size % 2)
            code, channels, rate = (
                int.from_bytes(body[0:2], "little"),
                int.from_bytes(body[2:4], "little"),
                int.from_bytes(body[4:8], "little"),
            )
            bits = int.from_bytes(body[14:16], "little")
            if code == 0xFFFE and len(body) >= 26:  # WAVE_FORMAT_EXTENSIBLE: the subformat's code
                code = int.from_bytes(body[24:26], "little")
            fmt = (code, channels, rate, bits)
        elif tag == b"data":
            if fmt is None:
                raise ValueError("data before the fmt chunk")
            raw = stream.read() if size in (0, 0xFFFFFFFF) else stream.read(size)
            return _pcm(raw, *fmt)
        else:
            stream.seek(size + size % 2, io.SEEK_CUR)
    raise ValueError("no data chunk")


def _pcm(raw: bytes, code: int, channels: int, rate: int, bits: int) -> tuple[NDArray[np.float32], int]:
    """Interleaved PCM (16 or 32 bits, code 1) or float (32 bits, code 3) as mono samples in [-1, 1]."""
    kinds = {(1, 16): ("<i2", 2.0**15), (1, 32): ("<i4", 2.0**31), (3, 32): ("<f4", 1.0)}
    if (code, bits) not in kinds:
        raise ValueError(f"WAV format {code} at {bits} bits is not 16/32-bit PCM or 32-bit float")
    dtype, scale = kinds[code, bits]
    frame = bits // 8 * max(1, channels)
    samples = np.frombuffer(raw[: len(raw) - len(raw) % frame], dtype).astype(np.float32) / np.float32(scale)
    if channels > 1:
        samples = samples.reshape(-1, channels).mean(axis=1)
    return samples.astype(np.float32), rate
