"""Progress bars that suit where they are shown: a live bar on a terminal, plain lines in a log or a pipe."""

from __future__ import annotations

import sys
from typing import Protocol

from tqdm import tqdm


class Bar(Protocol):
    def update(self, n: int = 1) -> object: ...
    def set_postfix_str(self, s: str = "", refresh: bool = True) -> object: ...
    def close(self) -> None: ...


class Lines:
    """A bar for output that is not a terminal: a line each twentieth of the way (each step of a short job), no
    carriage returns."""

    def __init__(self, total: int, desc: str, unit: str) -> None:
        self.total, self.desc, self.unit = total, desc, unit
        self.step = max(1, total // 20)
        self.done = 0
        self.postfix = ""

    def update(self, n: int = 1) -> None:
        before, self.done = self.done, self.done + n
        if before // self.step == self.done // self.step and self.done != self.total:
            return
        suffix = f" ({self.postfix})" if self.postfix else ""
        print(f"{self.desc}: {self.done}/{self.total} {self.unit}s{suffix}", file=sys.stderr, flush=True)

    def set_postfix_str(self, s: str = "", refresh: bool = True) -> None:
        self.postfix = s

    def close(self) -> None:
        """Nothing to clear."""


def progress_bar(total: int, desc: str, unit: str, *, enabled: bool = True) -> Bar:
    """A tqdm bar on a terminal, :class:`Lines` elsewhere, nothing shown when not ``enabled``."""
    if enabled and not sys.stderr.isatty():
        return Lines(total, desc, unit)
    return tqdm(total=total, desc=desc, unit=unit, disable=not enabled)


def stage_line(fraction: float, message: str) -> None:
    """Say where a run is (``message``: ``shot_02: filming``, ``assembling the film``) on a line of its own on
    stderr, above a terminal's bar: the ``on_progress`` of a run from the command line."""
    tqdm.write(message, file=sys.stderr)
    sys.stderr.flush()
