"""LangChain StructuredTools from the registry, and LangGraph's ToolNode running them (no LLM needed: the tool
calls are written by hand, as a model would send them)."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytest.importorskip("langchain_core")

from langchain_core.messages import ToolMessage
from pydantic import ValidationError

from storyreel.errors import UserError
from storyreel.langchain_tools import storyreel_tools
from storyreel.registry import TOOLS

STORY = "A red dog chases a yellow ball in the park. The dog jumps over the ball."


def test_tools_mirror_the_registry(tmp_path: Path) -> None:
    tools = storyreel_tools(tmp_path)
    assert [tool.name for tool in tools] == [tool.name for tool in TOOLS]
    for tool, entry in zip(tools, TOOLS, strict=True):
        assert tool.description == entry.description
        assert tool.args_schema is entry.input_model
        assert set(tool.args) == set(entry.input_model.model_fields)
    assert [tool.name for tool in storyreel_tools(tmp_path, ["get_report"])] == ["get_report"]
    with pytest.raises(UserError, match="render_movie"):
        storyreel_tools(tmp_path, ["render_movie"])


def test_calls_return_text_and_the_result_as_artifact(tmp_path: Path) -> None:
    tools = {tool.name: tool for tool in storyreel_tools(tmp_path)}
    call = {"type": "tool_call", "id": "1", "name": "plan_story"}
    message = tools["plan_story"].invoke({**call, "args": {"story": STORY, "run": "runs/dog", "resolution": "96x54"}})
    assert isinstance(message, ToolMessage) and message.status == "success"
    assert "storyboard: storyreel://runs/dog/storyboard.json" in message.content
    assert message.artifact["data"]["shots"] == ["shot_01", "shot_02"]
    assert (tmp_path / "runs" / "dog" / "storyboard.json").is_file()

    scenes = asyncio.run(tools["build_scene"].ainvoke({"storyboard": "runs/dog/storyboard.json"}))
    assert "park:" in scenes and (tmp_path / "runs" / "dog" / "scenes" / "park.glb").is_file()

    # A problem the model can fix comes back as text it can read; a schema violation raises.
    assert "climbs out" in tools["get_report"].invoke({"run": "../elsewhere"})
    assert "make_video" in tools["get_report"].invoke({"run": "runs/dog"})
    with pytest.raises(ValidationError):
        tools["plan_story"].invoke({"story": STORY, "run": "runs/x", "fps": 1000})


TOOL_NODE_SCRIPT = """
import json, sys
from langchain_core.messages import AIMessage
from langgraph.graph import END, START, MessagesState, StateGraph
from langgraph.prebuilt import ToolNode
from storyreel.langchain_tools import storyreel_tools

args = {"story": sys.argv[2], "run": "runs/dog", "resolution": "96x54", "fps": 8}
calls = [
    {"name": "make_video", "args": {**args, "camera": "baseline"}, "id": "a", "type": "tool_call"},
    {"name": "plan_story", "args": {**args, "run": "runs/plan"}, "id": "b", "type": "tool_call"},
]
graph = StateGraph(MessagesState)
graph.add_node("tools", ToolNode(storyreel_tools(sys.argv[1])))
graph.add_edge(START, "tools")
graph.add_edge("tools", END)
messages = graph.compile().invoke({"messages": [AIMessage(content="", tool_calls=calls)]})["messages"][1:]
print(json.dumps([[m.tool_call_id, m.status, m.content, m.artifact] for m in messages]))
"""


@pytest.mark.slow
def test_langgraph_tool_node_runs_make_video(tmp_path: Path) -> None:
    """In a fresh process (its OpenGL context is made on the tool thread): a graph's ToolNode runs the two calls in
    parallel threads, and rendering still works."""
    script = textwrap.dedent(TOOL_NODE_SCRIPT)
    offline = {key: value for key, value in os.environ.items() if not key.startswith("OPENAI_")}  # plan offline
    done = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path), STORY], env=offline, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    messages = {call_id: rest for call_id, *rest in json.loads(done.stdout)}
    status, content, artifact = messages["a"]
    assert status == "success" and "final_video: storyreel://runs/dog/final.mp4" in content
    assert artifact["data"]["shots"] == ["shot_01", "shot_02"]
    assert (tmp_path / "runs" / "dog" / "final.mp4").is_file()
    assert messages["b"][0] == "success"
