"""The agent's loop: checks that fail are revised within budgets, and the report tells what happened."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from storyreel.agent.pipeline import make_video
from storyreel.schema import CheckResult, RevisionAction, RunReport, Shot, ShotOutcome, ShotSummary
from storyreel.tools.video import probe_video
from tests.openai_server import FakeOpenAI, Reply

STORY = "A girl walks in the park."  # one shot whose raster checks pass as filmed
SMALL = {"fps": 8, "resolution": "128x72", "seed": 1, "progress": False, "planner": "rules"}


def injected(name: str, failures: int) -> object:
    """Extra checks that fail ``failures`` times on every shot (on its first attempts), then pass."""

    def checks(shot: Shot, attempt: int) -> list[CheckResult]:
        failed = attempt <= failures
        return [
            CheckResult(
                name=name,
                shot_id=shot.id,
                score=0.5 if failed else 1.0,
                threshold=0.9,
                higher_is_better=True,
                passed=not failed,
                detail=f"injected failure on attempt {attempt}" if failed else "injected check passes",
                suggestion="re-aim the camera" if failed else "",
            )
        ]

    return checks


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> RunReport:
    return make_video(STORY, tmp_path_factory.mktemp("clean") / "run", **SMALL)


def test_clean_raster_run_passes_without_revisions(clean: RunReport) -> None:
    failed = [(s.shot_id, c.name, c.detail) for s in clean.shots for c in s.checks if not c.passed]
    assert not failed
    assert clean.revisions == 0
    assert clean.gl_device  # the report names the OpenGL device the film was drawn on
    assert all(s.outcome == ShotOutcome.PASSED and len(s.attempts) == 1 for s in clean.shots)


def test_a_check_that_fails_twice_then_passes(tmp_path: Path) -> None:
    report = make_video(
        STORY,
        tmp_path / "run",
        **SMALL,
        extra_checks=injected("framing", 2),
        run_budget=10,  # type: ignore[arg-type]
    )
    for shot in report.shots:
        assert shot.outcome == ShotOutcome.PASSED, shot
        assert [a.number for a in shot.attempts] == [1, 2, 3]
        revisions = [a.revision for a in shot.attempts]
        assert revisions[2] is None and all(r is not None and r.check == "framing" for r in revisions[:2])
        assert [r.action for r in revisions[:2] if r] == [RevisionAction.RESEED_CAMERA, RevisionAction.STAND_BACK]
        assert [a.direction.camera_seed for a in shot.attempts] == [0, 1, 1]
        assert shot.attempts[2].direction.distance_scale == pytest.approx(1.3)
        assert all((tmp_path / "run" / a.thumbnail).stat().st_size > 0 for a in shot.attempts)
    assert report.revisions == 2 * len(report.shots)
    saved = RunReport.model_validate_json((tmp_path / "run" / "report.json").read_text())
    assert saved.shots[0].attempts[0].revision == report.shots[0].attempts[0].revision


def test_a_change_that_made_things_worse_is_not_built_on(tmp_path: Path) -> None:
    """Attempt 2 fails worse than attempt 1: the next change goes back to attempt 1's camera, and says so."""

    def checks(shot: Shot, attempt: int) -> list[CheckResult]:
        score = {1: 0.5, 2: 0.1}.get(attempt, 1.0)
        failed = score < 0.9
        return [
            CheckResult(
                name="framing", shot_id=shot.id, score=score, threshold=0.9, higher_is_better=True, passed=not failed
            )
        ]

    report = make_video(STORY, tmp_path / "run", **SMALL, extra_checks=checks)  # type: ignore[arg-type]
    attempts = report.shots[0].attempts
    assert [a.direction.camera_seed for a in attempts] == [0, 1, 0]  # back to attempt 1's seed ...
    assert attempts[2].direction.distance_scale == pytest.approx(1.3)  # ... with the next change on it
    assert attempts[1].revision is not None and attempts[1].revision.change.startswith("from attempt 1: ")
    assert report.shots[0].outcome == ShotOutcome.PASSED


def test_a_check_that_never_passes_exhausts_the_budget_and_fails(tmp_path: Path) -> None:
    report = make_video(
        STORY,
        tmp_path / "run",
        **SMALL,
        extra_checks=injected("framing", 99),
        retries=2,  # type: ignore[arg-type]
    )
    first = report.shots[0]
    assert first.outcome == ShotOutcome.RETRIES_EXHAUSTED
    assert len(first.attempts) == 3 and first.attempts[-1].revision is None
    assert not first.passed and not report.passed
    assert any("retry budget ran out" in warning for warning in report.warnings)
    html = (tmp_path / "run" / "report.html").read_text()
    assert "budget" in html.lower()


def test_the_run_budget_caps_revisions_across_shots(tmp_path: Path) -> None:
    story = "A girl walks in the park. A dog sleeps in the room."
    report = make_video(
        story,
        tmp_path / "run",
        **SMALL,
        extra_checks=injected("framing", 99),
        run_budget=1,  # type: ignore[arg-type]
    )
    assert report.revisions == 1 and report.revision_budget == 1
    assert [len(s.attempts) for s in report.shots][:2] == [2, 1]
    assert all(s.outcome == ShotOutcome.BUDGET_EXHAUSTED for s in report.shots)


def test_a_failure_no_revision_addresses_is_reported_failed(tmp_path: Path) -> None:
    report = make_video(STORY, tmp_path / "run", **SMALL, extra_checks=injected("flicker", 99))  # type: ignore[arg-type]
    assert all(s.outcome == ShotOutcome.FAILED and len(s.attempts) == 1 for s in report.shots)
    assert report.revisions == 0


def test_a_resumed_run_keeps_its_revisions_and_films_nothing(tmp_path: Path) -> None:
    checks = injected("framing", 1)
    first = make_video(STORY, tmp_path / "run", **SMALL, extra_checks=checks)  # type: ignore[arg-type]
    clip = tmp_path / "run" / first.shots[0].clip
    before = clip.stat().st_mtime_ns
    again = make_video(STORY, tmp_path / "run", **SMALL, extra_checks=checks)  # type: ignore[arg-type]
    assert clip.stat().st_mtime_ns == before
    assert again.revisions == 0
    assert [a.direction for a in again.shots[0].attempts] == [a.direction for a in first.shots[0].attempts]


def test_an_llm_chooses_among_the_same_revisions(tmp_path: Path) -> None:
    """The LLM picks option 2 for the first shot's failure; the next request is refused (HTTP 400), so the
    agent falls back on the policy and says so."""
    plan = make_video(STORY, tmp_path / "plan", **SMALL)
    storyboard = json.loads((tmp_path / "plan" / "storyboard.json").read_text())
    assert storyboard["shots"]
    replies = [Reply(tool_calls=[("revise", {"option": 2, "reason": "more room"})]), Reply(status=400)]
    with FakeOpenAI(replies) as server:
        report = make_video(
            STORY,
            tmp_path / "run",
            **SMALL,  # type: ignore[arg-type]
            reviser="llm",
            llm_base_url=server.url,
            extra_checks=injected("framing", 1),  # type: ignore[arg-type]
        )
    revision = report.shots[0].attempts[0].revision
    assert revision is not None and revision.chosen_by == "llm"
    assert revision.action == RevisionAction.STAND_BACK  # option 2 of reseed, stand back, wider
    asked = [r.body for r in server.received if r.body.get("tools")]
    assert asked and asked[0]["tools"][0]["function"]["name"] == "revise"
    assert "injected failure on attempt 1" in json.dumps(asked[0]["messages"])
    assert len(plan.shots) == len(report.shots)
    if len(report.shots) > 1:
        assert report.shots[1].attempts[0].revision.chosen_by == "policy"  # type: ignore[union-attr]
        assert any("the LLM did not choose" in warning for warning in report.warnings)


def test_a_crossed_line_sends_the_camera_back_to_the_previous_side(tmp_path: Path) -> None:
    """An injected rule_180 failure on the second shot: the agent's change is to film from the side of the line
    the first shot ended on, and the new attempt's camera stands there."""
    story = "A girl walks to a dog in the park. The dog runs to the girl."  # a full shot: no face owed

    def crossed(shot: Shot, attempt: int) -> list[CheckResult]:
        failed = shot.id == "shot_02" and attempt == 1
        return [
            CheckResult(
                name="rule_180",
                shot_id=shot.id,
                score=-40.0 if failed else 40.0,
                threshold=-20.0,
                higher_is_better=True,
                passed=not failed,
                suggestion="cross-back: film from shot_01's side of the line" if failed else "",
            )
        ]

    report = make_video(story, tmp_path / "run", **SMALL, extra_checks=crossed)  # type: ignore[arg-type]
    first, second = report.shots
    summaries = [
        ShotSummary.model_validate_json((tmp_path / "run" / ".storyreel" / f"{s.shot_id}.summary.json").read_text())
        for s in report.shots
    ]
    revision = second.attempts[0].revision
    assert revision is not None and revision.action == RevisionAction.CROSS_BACK
    assert second.attempts[1].direction.side == summaries[0].side_last != 0
    assert summaries[1].side_first == summaries[0].side_last
    assert second.outcome == ShotOutcome.PASSED and first.outcome == ShotOutcome.PASSED


def test_a_shot_that_never_passes_keeps_its_best_attempt(tmp_path: Path) -> None:
    """Attempt 1 fails by a little, the later ones by a lot: the film shows attempt 1, and its checks are reported."""

    def worse_later(shot: Shot, attempt: int) -> list[CheckResult]:
        score = 0.7 if attempt == 1 else 0.1
        return [
            CheckResult(
                name="framing", shot_id=shot.id, score=score, threshold=0.8, higher_is_better=True, passed=False
            )
        ]

    run = tmp_path / "run"
    report = make_video(STORY, run, **SMALL, extra_checks=worse_later, retries=2)  # type: ignore[arg-type]
    shot = report.shots[0]
    assert shot.outcome == ShotOutcome.RETRIES_EXHAUSTED and len(shot.attempts) == 3
    assert shot.kept_attempt == 1
    assert next(c for c in shot.checks if c.name == "framing" and c.score in (0.7, 0.1)).score == 0.7
    assert (run / "thumbs" / f"{shot.shot_id}.png").read_bytes() == (run / shot.attempts[0].thumbnail).read_bytes()
    assert not list((run / ".storyreel").glob("*.mp4")), "attempts' clips left behind"
    assert "The film keeps attempt 1" in (run / "report.html").read_text()


def test_attempts_are_filmed_small_and_only_the_kept_one_at_full_size(tmp_path: Path, monkeypatch) -> None:
    """Decide small, film once: three attempts are checked from analysis-size frames, the output-size clip is
    filmed once per shot; and shot 1's clip is filmed while shot 2's attempts are (the finisher's thread)."""
    from storyreel.tools import film

    real_clip, real_analysis = film.film_clip, film.film_analysis
    filmed_clips: list[tuple[str, str]] = []
    second_shot_started = threading.Event()

    def film_clip(world, storyboard, shot, path, options, **kwargs):  # type: ignore[no-untyped-def]
        filmed_clips.append((shot.id, threading.current_thread().name))
        if len(filmed_clips) == 1:  # the first shot's clip waits until the next shot is being filmed
            assert second_shot_started.wait(timeout=60), "shot 2 was not filmed while shot 1's clip was"
        return real_clip(world, storyboard, shot, path, options, **kwargs)

    def film_analysis(world, storyboard, shot, path, options, **kwargs):  # type: ignore[no-untyped-def]
        if shot.id != storyboard.shots[0].id:
            second_shot_started.set()
        return real_analysis(world, storyboard, shot, path, options, **kwargs)

    monkeypatch.setattr(film, "film_clip", film_clip)
    monkeypatch.setattr("storyreel.tools.take.film_analysis", film_analysis)
    story = "A girl walks in the park. A dog runs to the girl."
    report = make_video(story, tmp_path / "run", **SMALL, extra_checks=injected("framing", 2), run_budget=10)  # type: ignore[arg-type]
    assert [len(shot.attempts) for shot in report.shots] == [3] * len(report.shots) and len(report.shots) == 2
    assert [shot_id for shot_id, _ in filmed_clips] == [shot.shot_id for shot in report.shots]
    assert all(thread.startswith("final") for _, thread in filmed_clips)
    clips = sorted((tmp_path / "run" / "shots").glob("*.mp4"))
    assert [clip.name for clip in clips] == sorted(Path(shot.clip).name for shot in report.shots)
    video = probe_video(tmp_path / "run" / report.final_video)
    assert (video.width, video.height, video.frames) == (128, 72, report.frames)
