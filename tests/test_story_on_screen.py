"""The sentence on screen, end to end: a film of a girl finding a fox shows the two of them in one frame."""

from __future__ import annotations

from pathlib import Path

import pytest

from storyreel.agent.pipeline import make_video
from storyreel.schema import Coverage, Seen

STORY = "A young girl named Mia walks through a snowy forest at dusk. She finds a small fox sitting under a pine tree."


@pytest.mark.slow
def test_a_girl_finding_a_fox_films_both_in_one_frame(tmp_path: Path) -> None:
    report = make_video(STORY, tmp_path / "run", fps=12, resolution="320x180", retries=0, progress=False)
    finds = report.shots[1]
    assert finds.coverage is Coverage.TWO_SHOT and finds.must_see["mia"] is Seen.FACE
    assert finds.seen["mia"] >= 0.9 and finds.seen["fox"] >= 0.9, finds.seen
    shown = {check.name: check for check in finds.checks}
    assert shown["all_subjects_shown"].passed, shown["all_subjects_shown"].detail
    assert shown["face_shown"].passed, shown["face_shown"].detail
    assert (tmp_path / "run" / finds.marked).is_file()
