"""A real HTTP server on 127.0.0.1 that speaks the OpenAI Chat Completions API with scripted replies, and the speech
API (``POST /v1/audio/speech``) with tones.

Each request to ``POST /v1/chat/completions`` takes the next :class:`Reply` of the script: a message (text, tool
calls or a refusal), or a fault (an HTTP status with headers, a delay longer than the client's timeout). Replies
stream as server-sent events when the request asks for ``stream``. Every request body is recorded with the time it
arrived, so tests can assert what the client sent and when.

A speech request takes the next reply too when one is left: a fault answers as above; otherwise (or with no reply
left) the answer is a WAV at :data:`SPEECH_RATE` holding a tone of :func:`speech_tone` (the voice's) lasting
:data:`SPEECH_SECONDS_PER_CHARACTER` per character of the input, divided by the request's speed.
"""

from __future__ import annotations

import io
import json
import math
import socket
import threading
import time
import wave
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

SPEECH_RATE = 24_000  # OpenAI's speech comes at 24 kHz
SPEECH_SECONDS_PER_CHARACTER = 0.05
SPEECH_VOICES = ("alloy", "ash", "ballad", "coral", "echo", "fable", "nova", "onyx", "sage", "shimmer", "verse")


@dataclass
class Reply:
    """One scripted answer. ``status`` other than 200 answers an error body with ``headers``; ``delay_s`` sleeps
    before answering (a client with a shorter timeout gives up first)."""

    content: str | None = None
    tool_calls: list[tuple[str, dict[str, Any] | str]] = field(default_factory=list)
    refusal: str | None = None
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0


@dataclass
class Received:
    body: dict[str, Any]
    at: float  # time.monotonic() on arrival


class FakeOpenAI:
    """``with FakeOpenAI([Reply(...), ...]) as server:`` then point a client at ``server.url``."""

    def __init__(self, replies: list[Reply]) -> None:
        self.replies = list(replies)
        self.received: list[Received] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def __enter__(self) -> FakeOpenAI:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def next_reply(self, body: dict[str, Any]) -> Reply | None:
        with self._lock:
            self.received.append(Received(body, time.monotonic()))
            return self.replies.pop(0) if self.replies else None


def refused_url() -> str:
    """A loopback URL nothing listens on: connecting to it is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


def _handler(server: FakeOpenAI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
            pass

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            body = json.loads(self.rfile.read(length) or b"{}")
            if self.path.endswith("/audio/speech"):
                return self._speech(body)
            if not self.path.endswith("/chat/completions"):
                return self._json(404, {"error": {"message": f"no route {self.path}", "type": "not_found"}})
            reply = server.next_reply(body)
            if reply is None:
                return self._json(500, {"error": {"message": "the script has no more replies", "type": "test"}})
            time.sleep(reply.delay_s)
            try:
                if reply.status != 200:
                    error = {"message": f"scripted HTTP {reply.status}", "type": "scripted", "code": reply.status}
                    return self._json(reply.status, {"error": error}, reply.headers)
                if body.get("stream"):
                    return self._stream(reply, body.get("model", ""))
                return self._json(200, _completion(reply, body.get("model", "")))
            except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout) before the answer
                return None

        def _speech(self, body: dict[str, Any]) -> None:
            with server._lock:  # recorded; the next reply taken, when one is left
                server.received.append(Received(body, time.monotonic()))
                reply = server.replies.pop(0) if server.replies else None
            time.sleep(reply.delay_s if reply else 0.0)
            try:
                if reply is not None and reply.status != 200:
                    error = {"message": f"scripted HTTP {reply.status}", "type": "scripted", "code": reply.status}
                    return self._json(reply.status, {"error": error}, reply.headers)
                if body.get("voice") not in SPEECH_VOICES:
                    return self._json(400, {"error": {"message": f"no voice {body.get('voice')!r}", "type": "bad"}})
                seconds = len(body.get("input", "")) * SPEECH_SECONDS_PER_CHARACTER / float(body.get("speed", 1.0))
                data = _tone_wav(speech_tone(body["voice"]), seconds)
                self.send_response(200)
                self.send_header("Content-Type", "audio/wav")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                return None

        def _json(self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def _stream(self, reply: Reply, model: str) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-cache")
            self.end_headers()
            for delta, finish in _deltas(reply):
                chunk = {
                    "id": "chatcmpl-fake",
                    "object": "chat.completion.chunk",
                    "created": 0,
                    "model": model,
                    "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}],
                }
                self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                self.wfile.flush()
            self.wfile.write(b"data: [DONE]\n\n")
            self.wfile.flush()
            self.close_connection = True

    return Handler


def _arguments(arguments: dict[str, Any] | str) -> str:
    return arguments if isinstance(arguments, str) else json.dumps(arguments)


def _completion(reply: Reply, model: str) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": reply.content, "refusal": reply.refusal}
    if reply.tool_calls:
        message["tool_calls"] = [
            {"id": f"call_{i}", "type": "function", "function": {"name": name, "arguments": _arguments(arguments)}}
            for i, (name, arguments) in enumerate(reply.tool_calls)
        ]
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": 0,
        "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": "tool_calls" if reply.tool_calls else "stop"}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


def _deltas(reply: Reply) -> list[tuple[dict[str, Any], str | None]]:
    """The reply as streamed deltas: text in small pieces, each tool call's name then its arguments in pieces."""
    deltas: list[tuple[dict[str, Any], str | None]] = [({"role": "assistant", "content": ""}, None)]
    text = reply.content or ""
    deltas += [({"content": text[i : i + 7]}, None) for i in range(0, len(text), 7)]
    for index, (name, arguments) in enumerate(reply.tool_calls):
        head = {"index": index, "id": f"call_{index}", "type": "function", "function": {"name": name, "arguments": ""}}
        deltas.append(({"tool_calls": [head]}, None))
        encoded = _arguments(arguments)
        deltas += [
            ({"tool_calls": [{"index": index, "function": {"arguments": encoded[i : i + 16]}}]}, None)
            for i in range(0, len(encoded), 16)
        ]
    deltas.append(({}, "tool_calls" if reply.tool_calls else "stop"))
    return deltas


def speech_tone(voice: str) -> float:
    """The frequency (Hz) of the fake speech server's tone for ``voice``: 120 Hz up, 20 Hz a voice."""
    return 120.0 + 20.0 * SPEECH_VOICES.index(voice)


def _tone_wav(frequency: float, seconds: float) -> bytes:
    """A 16-bit mono WAV at SPEECH_RATE: a sine of ``frequency`` at half scale."""
    count = round(seconds * SPEECH_RATE)
    samples = [round(16383 * math.sin(2 * math.pi * frequency * i / SPEECH_RATE)) for i in range(count)]
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(SPEECH_RATE)
        wav.writeframes(b"".join(value.to_bytes(2, "little", signed=True) for value in samples))
    return out.getvalue()
