"""The run options are defined once (``schema.RunOptions``): ``storyreel make --help``, the MCP tools and the
LangChain tools offer the same options with the same defaults, and a run's options are its one source of truth."""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Any

import anyio
import pytest

from storyreel.cli import _parser
from storyreel.errors import UserError
from storyreel.schema import FilmOptions, RunOptions, Storyboard

mcp = pytest.importorskip("mcp")
langchain_core = pytest.importorskip("langchain_core")


FILM_FIELDS = list(FilmOptions.model_fields.items())


def _flag(name: str) -> str:
    return "--" + name.replace("_", "-")


def _cli_defaults() -> dict[str, str]:
    """Each run option's flag in ``storyreel make --help`` and the default its help shows ('' when none)."""
    make = next(action for action in _parser()._actions if isinstance(action, argparse._SubParsersAction)).choices[
        "make"
    ]
    text = " ".join(make.format_help().split("positional arguments:")[1].split())  # the help, not the usage
    shown = {}
    for name, field in RunOptions.model_fields.items():
        if isinstance(field.default, bool):
            flag = f"--no-{name.replace('_', '-')}" if field.default else _flag(name)
            assert flag in text, flag
            shown[name] = str(field.default)
            continue
        match = re.search(re.escape(_flag(name)) + r" \S+ .*?\(default: ([^)]*)\)", text)
        assert match, f"{_flag(name)} has no default in make --help"
        shown[name] = match.group(1)
    return shown


def _schema_defaults(schema: dict[str, Any]) -> dict[str, str]:
    return {name: str(spec["default"]) for name, spec in schema["properties"].items() if "default" in spec}


def _mcp_schema(workspace: Path) -> dict[str, Any]:
    from mcp import Client

    from storyreel.mcp_server import StoryreelServer
    from storyreel.registry import Workspace

    async def listed() -> dict[str, Any]:
        async with Client(StoryreelServer(Workspace(workspace)).server) as client:
            tools = (await client.list_tools()).tools
            return next(tool for tool in tools if tool.name == "make_video").input_schema

    return anyio.run(listed)


def test_help_mcp_and_langchain_offer_the_same_options_with_the_same_defaults(tmp_path: Path) -> None:
    from storyreel.langchain_tools import storyreel_tools

    cli = _cli_defaults()
    mcp_schema = _mcp_schema(tmp_path)
    langchain = next(tool for tool in storyreel_tools(tmp_path) if tool.name == "make_video")
    langchain_schema = langchain.tool_call_schema.model_json_schema()

    film = set(FilmOptions.model_fields)
    assert set(cli) == set(RunOptions.model_fields)  # the CLI offers every option, local ones included
    for schema in (mcp_schema, langchain_schema):
        assert set(schema["properties"]) == film | {"story", "run", "force"}
        assert not set(schema["properties"]) & set(RunOptions.LOCAL)  # no agent names this machine's files
    defaults = {
        name: str(field.get_default(call_default_factory=True)) for name, field in FilmOptions.model_fields.items()
    }
    mcp_defaults, langchain_defaults = _schema_defaults(mcp_schema), _schema_defaults(langchain_schema)
    for name in film:
        expected = "" if defaults[name] == "None" else defaults[name]
        assert cli[name] == expected or (expected == "" and cli[name]), name
        if expected:
            assert mcp_defaults[name] == langchain_defaults[name] == expected, name
    for bounded in ("fps", "retries", "seed"):
        assert mcp_schema["properties"][bounded] == langchain_schema["properties"][bounded]


def test_options_validate_once_with_one_line_per_problem() -> None:
    options = RunOptions.build(fps="12", resolution="640x360", camera="rl")
    assert (options.fps, str(options.resolution), options.camera.value) == (12, "640x360", "rl")
    assert RunOptions.model_validate_json(options.model_dump_json()) == options
    for values, words in [
        ({"fps": 0}, "--fps 0 is out of range: use 1 to 120"),
        ({"resolution": "13x7"}, "--resolution 13x7"),
        ({"reviser": "someone"}, "--reviser 'someone' is not a choice: use auto, llm or policy"),
        ({"frames": 3}, "--frames is not an option"),
    ]:
        with pytest.raises(UserError, match=re.escape(words)):
            RunOptions.build(**values)


def test_the_storyboard_carries_no_run_settings() -> None:
    fields = set(Storyboard.model_fields)
    assert not fields & {"fps", "resolution", "style"}
    old = {
        "schema_version": "1.0",
        "title": "t",
        "fps": 12,
        "resolution": {"width": 320, "height": 180},
        "style": "clay",
        "locations": [{"id": "park", "name": "park"}],
        "shots": [{"id": "s1", "location": "park", "duration": 2.0}],
    }
    assert Storyboard.model_validate(old).schema_version == Storyboard.model_fields["schema_version"].default
