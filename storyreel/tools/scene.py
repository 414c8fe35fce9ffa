"""Scene tool: build one location's persistent :class:`World` from a storyboard, and export it as glTF."""

from __future__ import annotations

from pathlib import Path

from storyreel.world.build import build_world
from storyreel.world.world import World

__all__ = ["build_world", "export_world"]


def export_world(world: World, path: Path, time: float = 0.0) -> None:
    """Write ``world`` posed at ``time`` as a binary glTF (one node per part), atomically."""
    world.export_glb(path, time)
