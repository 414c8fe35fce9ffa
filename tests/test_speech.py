"""Speech engines, real ones: eSpeak NG embedded, Piper running a tiny ONNX voice built here, and the OpenAI SDK
against a local HTTP server that answers ``/v1/audio/speech`` with tones."""

from __future__ import annotations

import json
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from openai_server import SPEECH_SECONDS_PER_CHARACTER, FakeOpenAI, Reply, speech_tone

from storyreel.errors import UserError
from storyreel.schema import SpeechChoice, Voice
from storyreel.tools.speech import (
    SAMPLE_RATE,
    EspeakEngine,
    OpenAIEngine,
    PiperEngine,
    Speech,
    SpeechError,
    read_wav,
    resample,
    shift_pitch,
    speech_engine,
)

SENTENCE = "The old dog ran across the yard this morning."  # nine words


def f0(speech: Speech) -> float:
    """Median fundamental frequency (Hz) over voiced 60 ms frames, by unbiased autocorrelation (50-500 Hz)."""
    x, frame = speech.samples.astype(np.float64), int(0.06 * SAMPLE_RATE)
    loud = 0.05 * np.abs(x).max()
    found = []
    for start in range(0, len(x) - frame, frame // 2):
        w = x[start : start + frame] - x[start : start + frame].mean()
        if np.sqrt(np.mean(w**2)) < loud:
            continue
        ac = np.correlate(w, w, "full")[frame - 1 :] / (frame - np.arange(frame))
        lo, hi = SAMPLE_RATE // 500, SAMPLE_RATE // 50
        window = ac[lo:hi]
        lag = lo + int(np.argmax(window >= 0.9 * window.max()))  # the shortest near-best lag: no subharmonics
        lag += int(np.argmax(ac[lag : lag + lo])) if lag + lo < len(ac) else 0  # its peak
        if ac[lag] > 0.5 * ac[0]:
            found.append(SAMPLE_RATE / lag)
    assert found, "no voiced frame"
    return float(np.median(found))


def semitones(a: float, b: float) -> float:
    return abs(12 * np.log2(a / b))


def rms(speech: Speech) -> float:
    return float(np.sqrt(np.mean(speech.samples.astype(np.float64) ** 2)))


# --- eSpeak NG ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def espeak() -> EspeakEngine:
    return EspeakEngine()


def test_espeak_speaks_a_sentence_plausibly_and_the_same_each_time(espeak: EspeakEngine) -> None:
    voice = espeak.cast(["ada"])[0]
    first = espeak.speak(SENTENCE, voice)
    espeak.speak("Something else in between, to stir the library's state.", espeak.cast(["bo", "cy"])[1])
    second = espeak.speak(SENTENCE, voice)
    assert first.samples.dtype == np.float32 and first.samples.ndim == 1
    assert 0.5 < first.seconds < 5.0, first.seconds
    assert rms(first) > 0.02 and np.abs(first.samples).max() <= 1.0
    assert np.array_equal(first.samples, second.samples)
    # trimmed: sound within a few ms of either end
    edge = int(0.03 * SAMPLE_RATE)
    assert np.abs(first.samples[:edge]).max() > 0.003 and np.abs(first.samples[-edge:]).max() > 0.003


def test_espeak_empty_text_is_silence_and_longer_text_longer(espeak: EspeakEngine) -> None:
    voice = espeak.cast([None])[0]
    assert espeak.speak("  \n", voice).seconds == 0.0
    short = espeak.speak("Run.", voice)
    long = espeak.speak(SENTENCE + " " + SENTENCE, voice)
    assert 0 < short.seconds < 1.0 < long.seconds
    assert long.seconds > 2 * espeak.speak(SENTENCE, voice).seconds * 0.9


def test_espeak_characters_and_narrator_sound_apart(espeak: EspeakEngine) -> None:
    narrator, ada, bo = espeak.cast([None, "ada", "bo"])
    assert narrator.speaker is None and (ada.speaker, bo.speaker) == ("ada", "bo")
    pitches = {v.speaker: f0(espeak.speak(SENTENCE, v)) for v in (narrator, ada, bo)}
    assert semitones(pitches["ada"], pitches["bo"]) > 3, pitches
    assert semitones(pitches[None], pitches["ada"]) > 2, pitches
    assert semitones(pitches[None], pitches["bo"]) > 2, pitches


def test_espeak_casts_twelve_distinct_voices_deterministically(espeak: EspeakEngine) -> None:
    speakers: list[str | None] = [None, *(f"c{i}" for i in range(12)), "c3"]
    voices = espeak.cast(speakers)
    assert voices == espeak.cast(speakers)
    assert voices[4] == voices[-1]  # the same speaker, the same voice
    keys = {(v.name, v.pitch, v.speed) for v in voices[:13]}
    assert len(keys) == 13
    sounds = [espeak.speak("Hello there.", v).samples for v in voices[:13]]
    assert all(not np.array_equal(a, b) for i, a in enumerate(sounds) for b in sounds[i + 1 :])
    more = espeak.cast([f"c{i}" for i in range(40)])
    assert len({(v.name, v.pitch, v.speed) for v in more}) == 40


def test_espeak_pitch_and_speed_move_the_voice(espeak: EspeakEngine) -> None:
    base = Voice(engine="espeak", name="en-us+m3")
    plain = espeak.speak(SENTENCE, base)
    heard = {}
    for shift in (-12.0, -6.0, 5.0, 12.0):  # beyond eSpeak's own range (-6.4..8.5), a resampling shift the rest
        moved = espeak.speak(SENTENCE, base.model_copy(update={"pitch": shift}))
        heard[shift] = 12 * np.log2(f0(moved) / f0(plain))
        assert abs(moved.seconds / plain.seconds - 1) < 0.15
    assert abs(heard[-6.0] + 6) < 1 and abs(heard[5.0] - 5) < 1 and abs(heard[12.0] - 12) < 1, heard
    assert heard[-12.0] < -9, heard  # the tracker reads low voices a little high
    fast = espeak.speak(SENTENCE, base.model_copy(update={"speed": 1.5}))
    assert 0.55 < fast.seconds / plain.seconds < 0.8
    with pytest.raises(ValueError, match="openai"):
        espeak.speak(SENTENCE, Voice(engine="openai", name="alloy"))


def test_espeak_speaks_from_many_threads_as_from_one(espeak: EspeakEngine) -> None:
    voices = espeak.cast([None, "ada", "bo", "cy"])
    jobs = [(f"Line number {i} is spoken now.", voices[i % 4]) for i in range(8)]
    serial = [espeak.speak(text, voice).samples for text, voice in jobs]
    with ThreadPoolExecutor(4) as pool:
        parallel = list(pool.map(lambda job: espeak.speak(*job).samples, jobs))
    assert all(np.array_equal(a, b) for a, b in zip(serial, parallel, strict=True))


def test_espeak_key_names_the_engine_and_version(espeak: EspeakEngine) -> None:
    assert espeak.key().startswith("espeak:1.") and espeak.key() == EspeakEngine().key()


# --- helpers --------------------------------------------------------------------------------------------------


def test_resample_and_shift_pitch() -> None:
    t = np.arange(22050) / 22050
    tone = np.sin(2 * np.pi * 200 * t).astype(np.float32)
    up = resample(tone, 22050, SAMPLE_RATE)
    assert len(up) == SAMPLE_RATE and up.dtype == np.float32
    assert abs(f0(Speech(up)) - 200) < 3
    octave = shift_pitch(up, 12)
    assert abs(len(octave) - SAMPLE_RATE / 2) < 2 and abs(f0(Speech(octave)) - 400) < 6


# --- OpenAI ---------------------------------------------------------------------------------------------------


def test_openai_engine_speaks_through_the_api(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("STORYREEL_TTS_MODEL", raising=False)
    with FakeOpenAI([]) as server:
        engine = OpenAIEngine(base_url=server.url, api_key="test-key")
        narrator, ada, bo = engine.cast([None, "ada", "bo"])
        assert len({narrator.name, ada.name, bo.name}) == 3
        speech = engine.speak(SENTENCE, ada)
        shifted = engine.speak(SENTENCE, ada.model_copy(update={"pitch": 12.0}))
        sent = [r.body for r in server.received]
    assert sent[0]["model"] == "gpt-4o-mini-tts" and sent[0]["voice"] == ada.name and sent[0]["input"] == SENTENCE
    assert sent[0]["response_format"] == "wav"
    expected = len(SENTENCE) * SPEECH_SECONDS_PER_CHARACTER
    assert abs(speech.seconds - expected) < 0.05 and speech.samples.dtype == np.float32
    assert abs(f0(speech) - speech_tone(ada.name)) < 3
    # an octave up: the server asked for half the pace, so the shift brings the length back
    assert sent[1]["speed"] == pytest.approx(0.5)
    assert abs(f0(shifted) - 2 * speech_tone(ada.name)) < 6 and abs(shifted.seconds - expected) < 0.05
    assert engine.key().startswith("openai:gpt-4o-mini-tts:")


def test_openai_engine_model_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STORYREEL_TTS_MODEL", "tts-1")
    with FakeOpenAI([]) as server:
        engine = OpenAIEngine(base_url=server.url)  # a base URL alone will do: local servers want no key
        engine.speak("Hi.", engine.cast([None])[0])
    assert server.received[0].body["model"] == "tts-1"


@pytest.mark.parametrize("status", [400, 500])
def test_openai_engine_failure_is_one_line(status: int) -> None:
    with FakeOpenAI([Reply(status=status)]) as server:
        engine = OpenAIEngine(base_url=server.url, api_key="k", max_retries=0)
        with pytest.raises(SpeechError) as caught:
            engine.speak(SENTENCE, engine.cast(["ada"])[0])
    message = str(caught.value)
    assert "\n" not in message and "OpenAI speech" in message and f"scripted HTTP {status}" in message


def test_read_wav_reads_a_streamed_header() -> None:
    body = np.array([0, 16384, -16384, 32767], "<i2").tobytes()
    fmt = (1).to_bytes(2, "little") + (1).to_bytes(2, "little") + (24000).to_bytes(4, "little")
    fmt += (48000).to_bytes(4, "little") + (2).to_bytes(2, "little") + (16).to_bytes(2, "little")
    data = b"RIFF" + b"\xff" * 4 + b"WAVE" + b"fmt " + (16).to_bytes(4, "little") + fmt + b"data" + b"\xff" * 4 + body
    samples, rate = read_wav(data)
    assert rate == 24000 and np.allclose(samples, [0, 0.5, -0.5, 32767 / 32768])
    with pytest.raises(ValueError):
        read_wav(b"ID3 not a wav")


# --- Piper ----------------------------------------------------------------------------------------------------

PIPER_RATE = 16_000
HOP = 256  # audio samples per phoneme id at length scale 1


def tiny_piper_voice(folder: Path, speakers: list[str]) -> Path:
    """A Piper voice whose ONNX graph has Piper's inputs (input, input_lengths, scales, and sid for more than one
    speaker) and output [1, 1, T]: a sine of 150 + 60 * sid Hz (200 Hz for one speaker) lasting HOP samples per
    phoneme id times the length scale."""
    onnx = pytest.importorskip("onnx")
    from onnx import TensorProto, helper
    from piper.phoneme_ids import DEFAULT_PHONEME_ID_MAP

    def const(name: str, value: float | list[int], kind: int, dims: list[int] | None = None) -> Any:
        values: list[float] | list[int] = value if isinstance(value, list) else [value]
        return helper.make_node("Constant", [], [name], value=helper.make_tensor(name, kind, dims or [], values))

    many = len(speakers) > 1
    nodes = [
        const("one_i", 1, TensorProto.INT64),
        const("zero_i", 0, TensorProto.INT64),
        const("hop", float(HOP), TensorProto.FLOAT),
        const("shape3", [1, 1, -1], TensorProto.INT64, [3]),
        helper.make_node("Shape", ["input"], ["shape"]),
        helper.make_node("Gather", ["shape", "one_i"], ["n"]),
        helper.make_node("Cast", ["n"], ["n_f"], to=TensorProto.FLOAT),
        helper.make_node("Gather", ["scales", "one_i"], ["length_scale"]),
        helper.make_node("Mul", ["n_f", "hop"], ["t0"]),
        helper.make_node("Mul", ["t0", "length_scale"], ["t_f"]),
        helper.make_node("Cast", ["t_f"], ["t"], to=TensorProto.INT64),
        helper.make_node("Range", ["zero_i", "t", "one_i"], ["index"]),
        helper.make_node("Cast", ["index"], ["index_f"], to=TensorProto.FLOAT),
        const("omega_per_hz", 2 * np.pi / PIPER_RATE, TensorProto.FLOAT),
    ]
    if many:
        nodes += [
            const("hz_per_id", 60.0, TensorProto.FLOAT),
            const("hz0", 150.0, TensorProto.FLOAT),
            helper.make_node("Cast", ["sid"], ["sid_f"], to=TensorProto.FLOAT),
            helper.make_node("Mul", ["sid_f", "hz_per_id"], ["hz1"]),
            helper.make_node("Add", ["hz1", "hz0"], ["hz"]),
        ]
    else:
        nodes.append(const("hz", 200.0, TensorProto.FLOAT))
    nodes += [
        helper.make_node("Mul", ["hz", "omega_per_hz"], ["omega"]),
        helper.make_node("Mul", ["index_f", "omega"], ["phase"]),
        helper.make_node("Sin", ["phase"], ["wave"]),
        helper.make_node("Reshape", ["wave", "shape3"], ["output"]),
    ]
    inputs = [
        helper.make_tensor_value_info("input", TensorProto.INT64, [1, "N"]),
        helper.make_tensor_value_info("input_lengths", TensorProto.INT64, [1]),
        helper.make_tensor_value_info("scales", TensorProto.FLOAT, [3]),
    ]
    if many:
        inputs.append(helper.make_tensor_value_info("sid", TensorProto.INT64, [1]))
    output = helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, 1, "T"])
    graph = helper.make_graph(nodes, "tiny_piper", inputs, [output])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)
    onnx.checker.check_model(model)
    path = folder / f"tiny-{len(speakers)}.onnx"
    onnx.save(model, path)
    config = {
        "audio": {"sample_rate": PIPER_RATE},
        "espeak": {"voice": "en-us"},
        "phoneme_type": "espeak",
        "num_symbols": 256,
        "num_speakers": len(speakers),
        "speaker_id_map": {name: sid for sid, name in enumerate(speakers)} if many else {},
        "inference": {"noise_scale": 0.667, "length_scale": 1.0, "noise_w": 0.8},
        "phoneme_id_map": DEFAULT_PHONEME_ID_MAP,
    }
    path.with_name(path.name + ".json").write_text(json.dumps(config))
    return path


def test_piper_multi_speaker_voice_gives_each_character_a_speaker(tmp_path: Path) -> None:
    pytest.importorskip("piper")
    engine = speech_engine(SpeechChoice.AUTO, voice_model=tiny_piper_voice(tmp_path, ["ann", "ben", "cat"]))
    assert isinstance(engine, PiperEngine) and engine.key().startswith("piper:")
    narrator, ben, cat = engine.cast([None, "b", "c"])
    assert (narrator.name, ben.name, cat.name) == ("ann", "ben", "cat")
    heard = {v.name: engine.speak(SENTENCE, v) for v in (narrator, ben, cat)}
    for sid, name in enumerate(["ann", "ben", "cat"]):
        assert abs(f0(heard[name]) - (150 + 60 * sid)) < 3, (name, f0(heard[name]))
    assert heard["ann"].seconds == pytest.approx(heard["ben"].seconds, abs=0.01)
    assert engine.speak("Hi.", ben).seconds < heard["ben"].seconds
    assert engine.speak("", ben).seconds == 0.0


def test_piper_one_speaker_voice_shifts_characters(tmp_path: Path) -> None:
    pytest.importorskip("piper")
    engine = PiperEngine(tiny_piper_voice(tmp_path, ["solo"]))
    voices = engine.cast([None, *(f"c{i}" for i in range(12))])
    assert len({(v.name, v.pitch, v.speed) for v in voices}) == 13
    narrator, first = voices[:2]
    plain, shifted = engine.speak(SENTENCE, narrator), engine.speak(SENTENCE, first)
    assert abs(f0(plain) - 200) < 3
    assert abs(12 * np.log2(f0(shifted) / f0(plain)) - first.pitch) < 0.5
    # the pitch shift's change of pace is asked back through the length scale: only the speed remains
    assert shifted.seconds * first.speed == pytest.approx(plain.seconds, rel=0.03)
    two = engine.speak(SENTENCE + " " + SENTENCE, narrator)  # two sentences, a pause between them
    assert two.seconds > 2 * plain.seconds


def test_piper_without_a_config_or_with_a_broken_model(tmp_path: Path) -> None:
    pytest.importorskip("piper")
    lonely = tmp_path / "voice.onnx"
    lonely.write_bytes(b"not onnx")
    with pytest.raises(UserError, match=r"voice\.onnx\.json"):
        PiperEngine(lonely)
    lonely.with_name("voice.onnx.json").write_text("{}")
    with pytest.raises(UserError, match="does not load") as caught:
        PiperEngine(lonely)
    assert "\n" not in str(caught.value)


# --- choosing -------------------------------------------------------------------------------------------------


def test_auto_choice(monkeypatch: pytest.MonkeyPatch) -> None:
    assert isinstance(speech_engine(SpeechChoice.AUTO), EspeakEngine)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    assert isinstance(speech_engine(SpeechChoice.AUTO), OpenAIEngine)
    assert isinstance(speech_engine(SpeechChoice.ESPEAK), EspeakEngine)


def test_choices_that_cannot_work_say_how_to_fix_them(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    with pytest.raises(UserError, match="OPENAI_API_KEY"):
        speech_engine(SpeechChoice.OPENAI)
    with pytest.raises(UserError, match="--voice-model"):
        speech_engine(SpeechChoice.PIPER)
    model = tmp_path / "voice.onnx"
    model.write_bytes(b"")
    monkeypatch.setitem(sys.modules, "piper", None)  # as if piper-tts were not installed
    with pytest.raises(UserError) as caught:
        speech_engine(SpeechChoice.AUTO, voice_model=model)
    assert str(caught.value) == 'Piper voices need piper-tts: pip install "storyreel[piper]"'
    monkeypatch.setitem(sys.modules, "openai", None)
    with pytest.raises(UserError, match=r"storyreel\[llm\]"):
        speech_engine(SpeechChoice.OPENAI, base_url="http://127.0.0.1:1/v1")
