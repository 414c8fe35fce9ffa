"""Seconds per stage of a run, added up under a name (the report's timings)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def timed(timings: dict[str, float], name: str) -> Iterator[None]:
    """Add the time the block takes to ``timings[name]``."""
    start = time.perf_counter()
    try:
        yield
    finally:
        timings[name] = timings.get(name, 0.0) + time.perf_counter() - start


def add_timings(timings: dict[str, float], more: dict[str, float]) -> None:
    """Add the seconds of ``more`` (timed elsewhere: a thread, a Ray worker) to ``timings``, name by name."""
    for name, seconds in more.items():
        timings[name] = timings.get(name, 0.0) + seconds
