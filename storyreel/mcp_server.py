"""storyreel as an MCP server: the registry's tools, and every run artifact in the workspace as a resource.

Built on the official SDK's low-level ``Server`` so that each tool's input schema is exactly its pydantic model's.
Several clients, and several calls of one client, are served at once. Tools that do not render run side by side on
worker threads; tools that render (``Tool.renders``) wait in one first-come, first-served queue and run one at a
time on the registry's tool thread (rendering needs the thread that owns the OpenGL context). A queued call hears
its place in ``notifications/progress`` ("queued: 2 renders ahead"); once its turn comes, long tools stream their
progress and stop between shots when the client cancels. A call cancelled in the queue leaves it at once, and the
calls behind it move up. A make_video killed with its server resumes when called again with the same arguments:
the run store keeps every finished shot.

Results carry a short summary and ``storyreel://`` URIs of what was written; those URIs are readable as resources.
Arguments that do not fit a tool's schema, and unknown tools, get JSON-RPC errors (``-32602``); a tool that cannot
do what was asked (a path outside the workspace, a missing artifact, a story the planner cannot read) answers with
an error result naming the fix. The server keeps serving either way.
"""

from __future__ import annotations

import asyncio
import base64
import hmac
import logging
import mimetypes
import sys
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import anyio
import mcp_types as types
from mcp.server import Server
from mcp.server.context import ServerRequestContext
from mcp.server.stdio import stdio_server
from mcp.shared.exceptions import MCPError
from pydantic import ValidationError
from starlette.types import ASGIApp, Receive, Scope, Send

from storyreel import __version__
from storyreel.errors import UserError
from storyreel.registry import TOOLS, URI_SCHEME, Tool, ToolCancelled, ToolResult, Workspace, tool_thread

logger = logging.getLogger("storyreel.mcp")

LOOPBACK = ("127.0.0.1", "localhost", "::1")
ARTIFACT_SUFFIXES = {".json": "application/json", ".mp4": "video/mp4", ".glb": "model/gltf-binary", ".png": "image/png"}
MAX_RESOURCES = 500  # listed; any artifact stays readable by its URI
MAX_RESOURCE_BYTES = 64 * 1024 * 1024
WORKERS = 4  # threads for the tools that do not render

INSTRUCTIONS = """\
storyreel turns a story into a multi-shot video on the CPU. make_video does it all in one call (give a short
story and a run directory such as runs/dog; a small resolution like 320x180 is fast); get_report summarises a run.
For shot-by-shot control: plan_story, build_scene, direct_camera, render_shot, check_shot, assemble_video.
Paths are relative to the server's workspace; results name artifacts by storyreel:// URIs, readable as resources.
"""


class RenderQueue:
    """Turns at rendering, first come, first served. The head of the line holds the turn; the calls behind it wait,
    and each hears how many renders are ahead of it whenever that changes."""

    def __init__(self) -> None:
        self._line: list[asyncio.Event] = []  # one per call, set when the calls ahead of it change

    @asynccontextmanager
    async def turn(self, on_wait: Callable[[int], Awaitable[None]]) -> AsyncIterator[None]:
        """Hold the turn for the body, waiting first; ``on_wait`` is called with the renders ahead each time they
        change. Leaving (done, failed or cancelled, waiting or not) moves the calls behind up."""
        moved = asyncio.Event()
        self._line.append(moved)
        try:
            while ahead := self._line.index(moved):
                moved.clear()
                await on_wait(ahead)
                await moved.wait()
            yield
        finally:
            self._line.remove(moved)
            for waiting in self._line:
                waiting.set()


class StoryreelServer:
    """The MCP handlers over one workspace."""

    def __init__(self, workspace: Workspace, tools: tuple[Tool, ...] = TOOLS) -> None:
        self.workspace = workspace
        self.tools = {tool.name: tool for tool in tools}
        self.renders = RenderQueue()
        self.workers = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="storyreel-mcp")
        self.server: Server[Any] = Server(
            "storyreel",
            version=__version__,
            instructions=INSTRUCTIONS,
            get_tool_input_schema=self._input_schema,
            on_list_tools=self._list_tools,
            on_call_tool=self._call_tool,
            on_list_resources=self._list_resources,
            on_list_resource_templates=self._list_resource_templates,
            on_read_resource=self._read_resource,
        )

    # ------------------------------------------------------------------------------------------------- tools

    def _input_schema(self, name: str) -> dict[str, Any] | None:
        tool = self.tools.get(name)
        return tool.input_schema() if tool else None

    async def _list_tools(
        self, ctx: ServerRequestContext[Any], params: types.PaginatedRequestParams | None
    ) -> types.ListToolsResult:
        return types.ListToolsResult(
            tools=[
                types.Tool(
                    name=tool.name,
                    description=tool.description,
                    input_schema=tool.input_schema(),
                    output_schema=ToolResult.model_json_schema(),
                    annotations=types.ToolAnnotations(read_only_hint=tool.name == "get_report", open_world_hint=False),
                )
                for tool in self.tools.values()
            ]
        )

    async def _call_tool(
        self, ctx: ServerRequestContext[Any], params: types.CallToolRequestParams
    ) -> types.CallToolResult:
        tool = self.tools.get(params.name)
        if tool is None:
            known = ", ".join(self.tools)
            raise MCPError(types.INVALID_PARAMS, f"unknown tool {params.name!r}: the tools are {known}")
        try:
            inputs = tool.parse(params.arguments or {})
        except ValidationError as error:
            raise MCPError(
                types.INVALID_PARAMS, f"invalid arguments for {tool.name}: {_validation_text(error)}"
            ) from None
        try:
            result = await (
                self._render(ctx, tool, inputs) if tool.renders else self._run(self.workers, ctx, tool, inputs)
            )
        except (UserError, ValueError) as error:  # the planner's StoryError is a ValueError
            return _error_result(str(error).splitlines()[0])
        except Exception as error:  # a failure inside a tool: report it, keep serving
            logger.exception("tool %s failed", tool.name)
            return _error_result(f"{tool.name} failed: {type(error).__name__}: {(str(error).splitlines() or [''])[0]}")
        return types.CallToolResult(
            content=[types.TextContent(type="text", text=result.text())],
            structured_content=result.model_dump(mode="json"),
        )

    async def _render(self, ctx: ServerRequestContext[Any], tool: Tool, inputs: Any) -> ToolResult:
        """Run a rendering tool on the tool thread once its turn in the render queue comes, telling the client its
        place while it waits."""

        async def on_wait(ahead: int) -> None:
            await ctx.session.report_progress(0.0, 1.0, f"queued: {ahead} render{'s' * (ahead != 1)} ahead")

        async with self.renders.turn(on_wait):
            return await self._run(tool_thread(), ctx, tool, inputs)

    async def _run(self, executor: Executor, ctx: ServerRequestContext[Any], tool: Tool, inputs: Any) -> ToolResult:
        """Run a tool on ``executor``, forwarding its progress to the client as it comes. Cancelling the request (or
        the client going away) stops a long tool at its next step; the call ends once the tool has stopped, so a
        render's turn passes on only when the tool thread is free."""
        loop = asyncio.get_running_loop()
        updates: asyncio.Queue[tuple[float, str] | None] = asyncio.Queue()
        cancelled = threading.Event()

        def on_progress(fraction: float, message: str) -> None:
            if cancelled.is_set():
                raise ToolCancelled(f"{tool.name} was cancelled by the client")
            loop.call_soon_threadsafe(updates.put_nowait, (fraction, message))

        job = executor.submit(tool.run, self.workspace, inputs, on_progress)
        job.add_done_callback(lambda _: loop.call_soon_threadsafe(updates.put_nowait, None))
        try:
            while (update := await updates.get()) is not None:
                await ctx.session.report_progress(update[0], 1.0, update[1])
        except BaseException:
            cancelled.set()
            job.cancel()
            with anyio.CancelScope(shield=True):
                await asyncio.wait([asyncio.wrap_future(job)])
            raise
        return job.result()

    # --------------------------------------------------------------------------------------------- resources

    async def _list_resources(
        self, ctx: ServerRequestContext[Any], params: types.PaginatedRequestParams | None
    ) -> types.ListResourcesResult:
        return types.ListResourcesResult(resources=await anyio.to_thread.run_sync(self._artifacts))

    def _artifacts(self) -> list[types.Resource]:
        """The run artifacts in the workspace, newest first (hidden run state is left out)."""
        root = self.workspace.root
        found = [
            path
            for path in root.rglob("*")
            if path.suffix in ARTIFACT_SUFFIXES
            and not any(part.startswith(".") for part in path.relative_to(root).parts)
            and path.is_file()
            and path.resolve().is_relative_to(root)
        ]
        found.sort(key=lambda path: path.stat().st_mtime, reverse=True)
        return [
            types.Resource(
                uri=self.workspace.uri(path),
                name=path.relative_to(root).as_posix(),
                mime_type=ARTIFACT_SUFFIXES[path.suffix],
                size=path.stat().st_size,
            )
            for path in found[:MAX_RESOURCES]
        ]

    async def _list_resource_templates(
        self, ctx: ServerRequestContext[Any], params: types.PaginatedRequestParams | None
    ) -> types.ListResourceTemplatesResult:
        template = types.ResourceTemplate(
            uri_template=URI_SCHEME + "{+path}",
            name="run artifact",
            description="any file in the workspace, e.g. storyreel://runs/dog/report.json",
        )
        return types.ListResourceTemplatesResult(resource_templates=[template])

    async def _read_resource(
        self, ctx: ServerRequestContext[Any], params: types.ReadResourceRequestParams
    ) -> types.ReadResourceResult:
        if not params.uri.startswith(URI_SCHEME):
            raise MCPError(types.INVALID_PARAMS, f"resource {params.uri!r} is not a {URI_SCHEME} URI")
        try:
            path = self.workspace.existing(params.uri, "file", "list the resources to see what runs hold")
        except UserError as error:
            raise MCPError(types.INVALID_PARAMS, str(error)) from None
        size = path.stat().st_size
        if size > MAX_RESOURCE_BYTES:
            raise MCPError(
                types.INVALID_PARAMS,
                f"{params.uri} is {size / 2**20:.0f} MiB, over the {MAX_RESOURCE_BYTES // 2**20} MiB resource limit: "
                "read it from the workspace directly",
            )
        data = await anyio.Path(path).read_bytes()
        mime = ARTIFACT_SUFFIXES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        contents: types.TextResourceContents | types.BlobResourceContents
        if mime == "application/json" or mime.startswith("text/"):
            contents = types.TextResourceContents(uri=params.uri, mime_type=mime, text=data.decode("utf-8", "replace"))
        else:
            contents = types.BlobResourceContents(uri=params.uri, mime_type=mime, blob=base64.b64encode(data).decode())
        return types.ReadResourceResult(contents=[contents])


def _validation_text(error: ValidationError) -> str:
    """Pydantic's errors in one line: each field and what is wrong with it."""
    problems = [f"{'.'.join(str(part) for part in e['loc']) or 'arguments'}: {e['msg']}" for e in error.errors()]
    return "; ".join(problems[:5])


def _error_result(text: str) -> types.CallToolResult:
    return types.CallToolResult(content=[types.TextContent(type="text", text=f"error: {text}")], is_error=True)


# ---------------------------------------------------------------------------------------------------- transports


class BearerToken:
    """ASGI middleware: HTTP requests without ``Authorization: Bearer <token>`` get 401."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app = app
        self.expected = f"Bearer {token}".encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            given = dict(scope["headers"]).get(b"authorization", b"")
            if not hmac.compare_digest(given, self.expected):
                body = b'{"error": "missing or wrong bearer token"}'
                headers = [(b"content-type", b"application/json"), (b"www-authenticate", b"Bearer")]
                await send({"type": "http.response.start", "status": 401, "headers": headers})
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)


def serve_stdio(workspace: Path) -> None:
    """Serve over standard input and output until the client closes them."""
    handlers = StoryreelServer(Workspace(workspace))

    async def run() -> None:
        async with stdio_server() as (read_stream, write_stream):
            await handlers.server.run(read_stream, write_stream, handlers.server.create_initialization_options())

    anyio.run(run)


def serve_http(workspace: Path, *, host: str = "127.0.0.1", port: int = 8000, token: str | None = None) -> None:
    """Serve streamable HTTP at ``http://host:port/mcp``; a host other than loopback needs a bearer token."""
    import uvicorn

    if host not in LOOPBACK and not token:
        raise UserError(
            f"--host {host} is reachable from other machines: set a bearer token with --token or STORYREEL_MCP_TOKEN"
        )
    handlers = StoryreelServer(Workspace(workspace))
    app: ASGIApp = handlers.server.streamable_http_app(host=host)
    if token:
        app = BearerToken(app, token)
    print(f"storyreel MCP server on http://{host}:{port}/mcp, workspace {handlers.workspace.root}", file=sys.stderr)
    uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning")).run()
