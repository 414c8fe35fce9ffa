"""storyreel: a story told in chat becomes a consistent multi-shot video.

>>> import storyreel
>>> report = storyreel.make_video("A red dog chases a ball in the park.", out="runs/dog")  # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from storyreel.agent.pipeline import make_video

__all__ = ["__version__", "make_video"]


def __getattr__(name: str) -> Any:
    if name == "make_video":  # imported on first use: OpenGL and ffmpeg stay out of a bare `import storyreel`
        from storyreel.agent.pipeline import make_video

        return make_video
    raise AttributeError(f"module 'storyreel' has no attribute {name!r}")
