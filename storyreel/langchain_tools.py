"""storyreel's tools as LangChain ``StructuredTool``s, built from the same registry the MCP server serves.

Each tool's ``args_schema`` is its registry input model and its description the registry's docstring. A call
returns the summary with the artifact URIs as its content, and the whole :class:`ToolResult` as its artifact
(``response_format="content_and_artifact"``). Every call, sync or async, runs on the registry's tool thread, one
at a time, because rendering uses an OpenGL context that works only on the thread that made it. A problem the
caller can fix (a path outside the workspace, a missing artifact, a story the planner cannot read) comes back as
the tool's error text for the model to read, not as an exception.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from langchain_core.tools import StructuredTool, ToolException

from storyreel.errors import UserError
from storyreel.registry import TOOLS, Tool, ToolResult, Workspace, tool_thread


def storyreel_tools(workspace: Path | str = ".", names: list[str] | None = None) -> list[StructuredTool]:
    """LangChain tools over ``workspace`` (runs are written under it); ``names`` picks some, all by default."""
    space = Workspace(workspace)
    known = {tool.name: tool for tool in TOOLS}
    unknown = sorted(set(names or []) - set(known))
    if unknown:
        raise UserError(f"unknown storyreel tools {', '.join(unknown)}: choose from {', '.join(known)}")
    return [_structured(known[name], space) for name in names or known]


def _structured(tool: Tool, workspace: Workspace) -> StructuredTool:
    def run(**arguments: Any) -> tuple[str, dict[str, Any]]:
        return _answer(tool_thread().submit(_call, tool, workspace, arguments).result())

    async def arun(**arguments: Any) -> tuple[str, dict[str, Any]]:
        return _answer(await asyncio.wrap_future(tool_thread().submit(_call, tool, workspace, arguments)))

    return StructuredTool.from_function(
        func=run,
        coroutine=arun,
        name=tool.name,
        description=tool.description,
        args_schema=tool.input_model,
        response_format="content_and_artifact",
        handle_tool_error=True,
    )


def _call(tool: Tool, workspace: Workspace, arguments: dict[str, Any]) -> ToolResult:
    try:
        return tool.call(workspace, arguments)
    except (UserError, ValueError) as error:  # the planner's StoryError is a ValueError
        raise ToolException(str(error).splitlines()[0]) from error


def _answer(result: ToolResult) -> tuple[str, dict[str, Any]]:
    return result.text(), result.model_dump(mode="json")
