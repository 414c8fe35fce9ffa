"""The package's floors (DESIGN.md): an import never runs upward, nor sideways into another room of its floor."""

from __future__ import annotations

import ast
from pathlib import Path

import storyreel

PACKAGE = Path(storyreel.__file__).parent

# Floors, lowest first; each room is a top-level module or subpackage of storyreel.
FLOORS: list[set[str]] = [
    {"schema", "geometry", "atomic", "errors", "progress", "timing"},
    {"world"},
    {"planners", "envs"},
    {"tools"},
    {"agent", "training"},
    {"registry", "batch"},  # batch: many runs through the pipeline, for the CLI
    {"mcp_server", "langchain_tools", "studio"},  # the studio: a web page over the chat
    {"cli"},  # a face too, the one that starts the servers
]
BASE = FLOORS[0]


def room_of(module: str) -> str:
    return module.split(".")[1] if module.startswith("storyreel.") else ""


def floor_of(room: str) -> int:
    """The floor of ``room``; a name of the package itself (``storyreel.__version__``) is on the ground floor."""
    return next((level for level, rooms in enumerate(FLOORS) if room in rooms), 0)


def imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text())
    found = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
    found += [node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module]
    found += [
        f"storyreel.{alias.name}"
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "storyreel"
        for alias in node.names
    ]
    return [name for name in found if name.startswith("storyreel.")]


def test_every_room_has_a_floor() -> None:
    rooms = {path.stem if path.is_file() else path.name for path in PACKAGE.iterdir()}
    rooms = {room for room in rooms if not room.startswith(("_", ".")) and room not in {"data", "py"}}
    assert rooms <= set().union(*FLOORS), rooms - set().union(*FLOORS)


def test_no_import_runs_upward_or_sideways() -> None:
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        if parts[0] == "__init__":
            continue
        room = parts[0]
        for name in imports(path):
            target = room_of(name)
            if target == room or (target in BASE and room in BASE):
                continue
            if floor_of(target) >= floor_of(room):
                wrong.append(f"{'/'.join(parts)} imports {name}")
    assert not wrong, "\n".join(wrong)
