"""A LangGraph agent that makes a film with storyreel's tools, then reads the report and says what to improve.

It needs an OpenAI-compatible chat model that can call tools:

    pip install "storyreel[langchain]" langchain-openai
    export OPENAI_API_KEY=sk-...                      # any value for a local server that ignores it
    export OPENAI_BASE_URL=http://localhost:8000/v1   # optional: a compatible endpoint (vLLM, Ollama, LM Studio, ...)
    export OPENAI_MODEL=gpt-4o-mini                   # optional
    python examples/langgraph_agent.py "A red dog chases a yellow ball in the park." --workspace runs-agent

The graph is the classic loop: the model answers or calls tools; a ToolNode runs the calls and hands the results
back. The tools come from ``storyreel.langchain_tools`` (the same registry the MCP server serves); runs are
written under the workspace and named by ``storyreel://`` URIs.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage
from langgraph.graph import START, MessagesState, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.prebuilt import ToolNode, tools_condition

from storyreel.langchain_tools import storyreel_tools

SYSTEM = (
    "You make short films with the storyreel tools. Call make_video once with the user's story, a run directory "
    "under runs/ and resolution 320x180, then call get_report on that run. Answer with the film's URI and, for "
    "each failed check, one sentence on what to change."
)


def build_agent(workspace: Path, model_name: str) -> CompiledStateGraph:
    """The compiled graph: model -> (tools -> model)* -> answer."""
    try:
        from langchain_openai import ChatOpenAI
    except ImportError:
        sys.exit("this example needs langchain-openai: pip install langchain-openai")
    tools = storyreel_tools(workspace)
    model = ChatOpenAI(model=model_name, temperature=0).bind_tools(tools)  # reads OPENAI_API_KEY, OPENAI_BASE_URL

    def call_model(state: MessagesState) -> dict[str, list[BaseMessage]]:
        return {"messages": [model.invoke(state["messages"])]}

    graph = StateGraph(MessagesState)
    graph.add_node("model", call_model)
    graph.add_node("tools", ToolNode(tools))
    graph.add_edge(START, "model")
    graph.add_conditional_edges("model", tools_condition)  # tool calls -> "tools", an answer -> the end
    graph.add_edge("tools", "model")
    return graph.compile()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("story", help="the story to film")
    parser.add_argument("--workspace", type=Path, default=Path("runs-agent"), help="where runs are written")
    args = parser.parse_args()
    if not os.environ.get("OPENAI_API_KEY"):
        sys.exit("set OPENAI_API_KEY (and OPENAI_BASE_URL for a compatible endpoint): see this file's docstring")
    args.workspace.mkdir(parents=True, exist_ok=True)
    agent = build_agent(args.workspace, os.environ.get("OPENAI_MODEL", "gpt-4o-mini"))
    inputs = {"messages": [SystemMessage(SYSTEM), HumanMessage(args.story)]}
    for step in agent.stream(inputs, stream_mode="updates", config={"recursion_limit": 12}):
        for node, update in step.items():
            for message in update["messages"]:
                calls = getattr(message, "tool_calls", None)
                text = ", ".join(call["name"] for call in calls) if calls else str(message.content)
                print(f"[{node}] {text}")


if __name__ == "__main__":
    main()
