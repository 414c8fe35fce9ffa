"""How every check reports: a :class:`CheckResult` whose suggestion, when it fails, starts with the
:class:`RevisionAction` that addresses it (``"wider-shot: ..."``), so the agent can act on it and a person can read
it."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from storyreel.schema import CheckResult, RevisionAction


def check_result(
    name: str,
    shot_id: str,
    score: float,
    threshold: float,
    higher_is_better: bool,
    detail: str,
    suggestion: str,
    per_frame: NDArray[np.floating] | Sequence[float] = (),
) -> CheckResult:
    """A result that passes when ``score`` is on the right side of ``threshold``; the suggestion is kept only
    when it fails."""
    passed = score >= threshold if higher_is_better else score <= threshold
    return CheckResult(
        name=name,
        shot_id=shot_id,
        score=round(float(score), 6),
        threshold=threshold,
        higher_is_better=higher_is_better,
        passed=bool(passed),
        detail=detail,
        suggestion="" if passed else suggestion,
        per_frame=[round(float(value), 6) for value in per_frame],
    )


def suggest(action: RevisionAction, words: str) -> str:
    """A suggestion naming its revision first: ``"wider-shot: film full instead of medium ..."``."""
    return f"{action.value}: {words}"


def frames_text(indices: NDArray[np.intp], limit: int = 5) -> str:
    """``"3, 4, 5 and 12 more"``."""
    shown = ", ".join(str(int(index)) for index in indices[:limit])
    return shown + (f" and {len(indices) - limit} more" if len(indices) > limit else "")
