"""The MCP server through the official SDK's real client, over stdio and over streamable HTTP."""

from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio
import imageio_ffmpeg
import pytest

mcp = pytest.importorskip("mcp")

from mcp import Client, StdioServerParameters  # noqa: E402
from mcp.client.streamable_http import streamable_http_client  # noqa: E402
from mcp.shared._httpx_utils import create_mcp_http_client  # noqa: E402
from mcp.shared.exceptions import MCPError  # noqa: E402

STORY = "A red dog chases a yellow ball in the park. The dog jumps over the ball."
SPOKEN = 'A red dog chases a yellow ball in the park. "Woof!" says the dog.'
LONG_STORY = (
    "A cat sits on a chair in a room. The cat jumps. A dog runs in the park. The dog sits. A bird flies over the sea."
)
TINY = {"resolution": "96x54", "fps": 8}
FILM = {**TINY, "camera": "baseline"}  # the hand-written director: these tests are about the server
SMALL = {"resolution": "320x180", "fps": 6, "camera": "baseline"}
TOOLS = {"make_video", "get_report", "plan_story", "build_scene", "direct_camera", "render_shot", "check_shot"}
TOOLS |= {"assemble_video"}


#: The server's environment, without an LLM endpoint: planning stays offline and no test waits on the network.
SERVER_ENV = {key: value for key, value in os.environ.items() if not key.startswith(("OPENAI_", "STORYREEL_MCP"))}


def server_command(workspace: Path, *options: str) -> list[str]:
    return [sys.executable, "-m", "storyreel.cli", "mcp", "--workspace", str(workspace), *options]


def stdio_client(workspace: Path) -> Client:
    command = server_command(workspace)
    parameters = StdioServerParameters(command=command[0], args=command[1:], env=SERVER_ENV)
    return Client(parameters, read_timeout_seconds=120)


async def make_video(client: Client, run: str, story: str = STORY) -> tuple[Any, list[tuple[float, str]]]:
    updates: list[tuple[float, str]] = []

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        updates.append((progress, message or ""))

    result = await client.call_tool("make_video", {"story": story, "run": run, **FILM}, progress_callback=on_progress)
    return result, updates


async def assert_refused(client: Client, name: str, arguments: dict[str, Any], words: str) -> None:
    """A JSON-RPC error or an error result whose text names the problem."""
    try:
        result = await client.call_tool(name, arguments)
    except MCPError as error:
        assert error.error.code == -32602
        assert words in error.error.message, error.error.message
        return
    assert result.is_error, result
    assert words in result.content[0].text, result.content[0].text


@pytest.mark.slow
def test_stdio_make_video_with_progress_and_resources(tmp_path: Path) -> None:
    async def session() -> None:
        async with stdio_client(tmp_path) as client:
            listed = await client.list_tools()
            assert {tool.name for tool in listed.tools} == TOOLS
            schema = next(tool for tool in listed.tools if tool.name == "make_video").input_schema
            assert schema["properties"]["fps"]["maximum"] == 120 and "story" in schema["required"]

            result, updates = await make_video(client, "runs/dog", SPOKEN)
            assert not result.is_error, result.content
            data, artifacts = result.structured_content["data"], result.structured_content["artifacts"]
            assert [(line["speaker"], line["text"]) for line in data["lines"]] == [("dog", "Woof!")]
            assert [voice["speaker"] for voice in data["voices"]] == ["dog"] and data["loudness_lufs"] < -10
            assert artifacts["subtitles_srt"] == "storyreel://runs/dog/subtitles.srt"
            assert "1 line in 1 voice" in result.content[0].text
            report_uri = artifacts["report"]
            assert report_uri == "storyreel://runs/dog/report.json"
            assert updates[0][0] == 0.0 and (0.0, "shot_01: filming") in updates and updates[-1] == (1.0, "done")
            assert [p for p, _ in updates] == sorted(p for p, _ in updates)

            resources = {resource.uri for resource in (await client.list_resources()).resources}
            assert {report_uri, "storyreel://runs/dog/final.mp4", "storyreel://runs/dog/storyboard.json"} <= resources
            report = json.loads((await client.read_resource(report_uri)).contents[0].text)
            assert report["final_video"] == "final.mp4" and len(report["shots"]) == 2
            film = (await client.read_resource("storyreel://runs/dog/final.mp4")).contents[0]
            assert film.mime_type == "video/mp4"
            assert base64.b64decode(film.blob)[4:8] == b"ftyp"
            summary = await client.call_tool("get_report", {"run": "storyreel://runs/dog"})
            assert "2 shots" in summary.content[0].text

    anyio.run(session)
    assert (tmp_path / "runs" / "dog" / "final.mp4").is_file()


@pytest.mark.slow
def test_stdio_bad_requests_are_answered_and_the_server_keeps_serving(tmp_path: Path) -> None:
    outside = tmp_path.parent / f"{tmp_path.name}-outside"
    outside.mkdir()
    (outside / "report.json").write_text("{}")
    (tmp_path / "escape").symlink_to(outside)

    async def session() -> None:
        async with stdio_client(tmp_path) as client:
            await assert_refused(client, "make_video", {"story": 42, "run": "runs/a"}, "story")
            await assert_refused(client, "plan_story", {"story": STORY, "run": "runs/a", "fps": "fast"}, "fps")
            await assert_refused(client, "plan_story", {"story": STORY, "run": "runs/a", "fps": 10**12}, "fps")
            await assert_refused(client, "make_video", {"story": STORY, "run": "r", "resolution": "99999x99999"}, "res")
            await assert_refused(client, "plan_story", {"story": "x" * 30_000, "run": "runs/a"}, "story")
            await assert_refused(client, "plan_story", {"story": STORY, "run": "runs/a", "extra": 1}, "extra")
            await assert_refused(client, "no_such_tool", {}, "unknown tool")
            await assert_refused(client, "get_report", {"run": "../.."}, "'..'")
            await assert_refused(client, "get_report", {"run": "/etc"}, "absolute")
            await assert_refused(client, "get_report", {"run": "escape"}, "symlink")
            await assert_refused(client, "plan_story", {"story": "你好世界", "run": "runs/a"}, "English")
            await assert_refused(client, "check_shot", {"storyboard": "runs/none.json", "shot": "shot_01"}, "plan")
            for uri in ("storyreel://../x.json", "storyreel://escape/report.json", "file:///etc/passwd"):
                with pytest.raises(MCPError):
                    await client.read_resource(uri)
            planned = await client.call_tool("plan_story", {"story": STORY, "run": "runs/a", **TINY})
            assert not planned.is_error and planned.structured_content["data"]["shots"] == ["shot_01", "shot_02"]

    anyio.run(session)
    assert not (outside / "runs").exists()


@pytest.mark.slow
def test_stdio_two_calls_at_once_and_cancellation(tmp_path: Path) -> None:
    async def session() -> None:
        async with stdio_client(tmp_path) as client:
            results: dict[str, Any] = {}

            async def one(run: str) -> None:
                results[run] = (await make_video(client, run))[0]

            async with anyio.create_task_group() as group:
                group.start_soon(one, "runs/first")
                group.start_soon(one, "runs/second")
            assert all(not result.is_error for result in results.values())

            # Cancel a five-shot film once it has begun: it stops between shots, and no final.mp4 is written.
            started = anyio.Event()

            async def on_progress(progress: float, total: float | None, message: str | None) -> None:
                started.set()

            async with anyio.create_task_group() as group:

                async def film() -> None:
                    arguments = {"story": LONG_STORY, "run": "runs/cancelled", **FILM}
                    await client.call_tool("make_video", arguments, progress_callback=on_progress)

                group.start_soon(film)
                await started.wait()
                group.cancel_scope.cancel()
            after = await client.call_tool("get_report", {"run": "runs/cancelled"})
            assert after.is_error and "no report" in after.content[0].text

    anyio.run(session)
    for run in ("first", "second"):
        assert (tmp_path / "runs" / run / "final.mp4").is_file()
    cancelled = tmp_path / "runs" / "cancelled"
    assert (cancelled / "storyboard.json").is_file()
    assert not (cancelled / "final.mp4").exists()
    assert len(list((cancelled / "shots").glob("*.mp4"))) < 5


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_http_server(workspace: Path, port: int, token: str = "") -> subprocess.Popen[bytes]:
    """A ``storyreel mcp --http`` server on ``port``, once it accepts connections."""
    command = server_command(workspace, "--http", "--port", str(port))
    server = subprocess.Popen(command, env={**SERVER_ENV, "STORYREEL_MCP_TOKEN": token}, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                raise RuntimeError(f"the server did not start: {server.communicate()[1].decode()}") from None
            time.sleep(0.1)


def stop(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    server.wait(timeout=20)


@asynccontextmanager
async def http_client(url: str, token: str = "") -> AsyncIterator[Client]:
    headers = {"Authorization": f"Bearer {token}"} if token else None
    async with (
        create_mcp_http_client(headers=headers) as http,
        Client(streamable_http_client(url, http_client=http), read_timeout_seconds=120) as client,
    ):
        yield client


@pytest.fixture
def http_server(tmp_path: Path) -> Iterator[tuple[str, str]]:
    port, token = free_port(), "test-token-123"
    server = start_http_server(tmp_path, port, token)
    try:
        yield f"http://127.0.0.1:{port}/mcp", token
    finally:
        stop(server)


@pytest.mark.slow
def test_http_needs_the_token_and_serves_tools_progress_and_resources(http_server: tuple[str, str]) -> None:
    url, token = http_server
    request = urllib.request.Request(url, data=b"{}", headers={"Content-Type": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 401

    async def session() -> None:
        async with http_client(url, token) as client:
            assert {tool.name for tool in (await client.list_tools()).tools} == TOOLS
            await assert_refused(client, "get_report", {"run": "../up"}, "'..'")
            results: list[Any] = []

            async def one(run: str) -> None:
                results.append(await make_video(client, run))

            async with anyio.create_task_group() as group:
                group.start_soon(one, "runs/one")
                group.start_soon(one, "runs/two")
            for result, updates in results:
                assert not result.is_error and updates[-1] == (1.0, "done")
            read = await client.read_resource("storyreel://runs/one/storyboard.json")
            assert json.loads(read.contents[0].text)["shots"][0]["id"] == "shot_01"

    anyio.run(session)


@dataclass
class Call:
    """One tools/call in a task of its own: the progress messages it hears, its result, and a scope to cancel it."""

    client: Client
    name: str
    arguments: dict[str, Any]
    messages: list[str] = field(default_factory=list)
    result: Any = None
    scope: anyio.CancelScope = field(default_factory=anyio.CancelScope)

    async def run(self) -> None:
        async def on_progress(progress: float, total: float | None, message: str | None) -> None:
            self.messages.append(message or "")

        with self.scope:
            self.result = await self.client.call_tool(self.name, self.arguments, progress_callback=on_progress)


async def until(condition: Callable[[], bool], seconds: float = 90) -> None:
    with anyio.fail_after(seconds):
        while not condition():
            await anyio.sleep(0.05)


@pytest.mark.slow
def test_http_clients_at_once_renders_queue_and_a_cancelled_call_leaves_the_queue(
    http_server: tuple[str, str], tmp_path: Path
) -> None:
    url, token = http_server

    async def session() -> None:
        async with (
            http_client(url, token) as first,
            http_client(url, token) as second,
            http_client(url, token) as third,
        ):
            running = Call(first, "make_video", {"story": LONG_STORY, "run": "runs/long", **FILM})
            given_up = Call(second, "make_video", {"story": STORY, "run": "runs/given_up", **FILM})
            last = Call(third, "make_video", {"story": STORY, "run": "runs/last", **FILM})
            async with anyio.create_task_group() as group:
                group.start_soon(running.run)
                await until(lambda: "shot_01: filming" in running.messages)
                group.start_soon(given_up.run)
                await until(lambda: "queued: 1 render ahead" in given_up.messages)
                group.start_soon(last.run)
                await until(lambda: "queued: 2 renders ahead" in last.messages)

                for client in (second, third):  # tools that do not render answer while the render runs
                    planned = await client.call_tool("plan_story", {"story": STORY, "run": "runs/plan", **TINY})
                    assert not planned.is_error and planned.structured_content["data"]["shots"] == [
                        "shot_01",
                        "shot_02",
                    ]
                    missing = await client.call_tool("get_report", {"run": "runs/long"})
                    assert missing.is_error and "no report" in missing.content[0].text
                assert running.result is None and "done" not in running.messages

                given_up.scope.cancel()  # leaves the queue: the call behind it moves up
                await until(lambda: "queued: 1 render ahead" in last.messages)
                assert running.result is None
                running.scope.cancel()  # stops between shots and hands the turn on
            assert given_up.result is None and running.result is None
            assert not last.result.is_error, last.result.content
            assert last.messages[:2] == ["queued: 2 renders ahead", "queued: 1 render ahead"]
            assert not any(message.startswith("queued") for message in last.messages[2:])
            assert "shot_01: filming" in last.messages and last.messages[-1] == "done"

    anyio.run(session)
    assert not (tmp_path / "runs" / "given_up").exists()
    assert not (tmp_path / "runs" / "long" / "final.mp4").exists()
    assert (tmp_path / "runs" / "last" / "final.mp4").is_file()


def recorded(run: Path) -> dict[str, str]:
    """The run store's manifest: artifact -> key, for what it has recorded as finished."""
    manifest = run / ".storyreel" / "manifest.json"
    return dict(json.loads(manifest.read_text())["entries"]) if manifest.is_file() else {}


def decoded_frames(clip: Path) -> int:
    reader = imageio_ffmpeg.read_frames(str(clip))
    next(reader)  # the metadata
    return sum(1 for _ in reader)


@pytest.mark.slow
def test_http_server_killed_mid_make_video_resumes_without_filming_again(tmp_path: Path) -> None:
    arguments = {"story": "A red dog runs in the park. The dog jumps. The dog sits.", "run": "runs/x", **SMALL}
    run = tmp_path / "runs" / "x"

    async def film_until_killed(server: subprocess.Popen[bytes], url: str) -> None:
        async with http_client(url) as client, anyio.create_task_group() as group:
            call = Call(client, "make_video", arguments)
            group.start_soon(call.run)
            await until(lambda: "shot_02: filming" in call.messages)
            await until(lambda: "shots/shot_01.mp4" in recorded(run))
            server.kill()
            group.cancel_scope.cancel()

    async def film(url: str) -> Call:
        async with http_client(url) as client:
            call = Call(client, "make_video", arguments)
            await call.run()
            return call

    port = free_port()
    server = start_http_server(tmp_path, port)
    try:
        anyio.run(film_until_killed, server, f"http://127.0.0.1:{port}/mcp")
    finally:
        server.kill()
        server.wait(timeout=20)
    finished = {name: key for name, key in recorded(run).items() if name.startswith("shots/")}
    kept = {name: (run / name).stat() for name in finished}
    assert not (run / "final.mp4").exists() and len(finished) < 3

    port = free_port()
    server = start_http_server(tmp_path, port)
    try:
        resumed = anyio.run(film, f"http://127.0.0.1:{port}/mcp")
    finally:
        stop(server)
    assert not resumed.result.is_error, resumed.result.content
    assert resumed.messages[-1] == "done"
    for name, before in kept.items():  # the same file, made under the same key: not filmed again
        after = (run / name).stat()
        assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns), name
        assert recorded(run)[name] == finished[name]
    report = json.loads((run / "report.json").read_text())
    assert [shot["shot_id"] for shot in report["shots"]] == ["shot_01", "shot_02", "shot_03"]
    for shot in report["shots"]:
        assert decoded_frames(run / shot["clip"]) == shot["frames"]
    assert decoded_frames(run / "final.mp4") == report["frames"]


def test_off_loopback_http_needs_a_token(tmp_path: Path) -> None:
    command = server_command(tmp_path, "--http", "--host", "0.0.0.0")
    done = subprocess.run(command, env=SERVER_ENV, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "--token" in done.stderr and "Traceback" not in done.stderr
