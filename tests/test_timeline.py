"""timeline.otio: a hand-made RunReport over a planned storyboard, written, read back with OpenTimelineIO, and
converted with OTIO's own adapters (otio_json, the CMX 3600 EDL)."""

from __future__ import annotations

import copy
from pathlib import Path

import opentimelineio as otio
import pytest

from storyreel.planners.rules import plan_story
from storyreel.schema import (
    CheckResult,
    Resolution,
    RunReport,
    ShotOutcome,
    ShotReport,
    SpokenLine,
    Storyboard,
    Style,
    Transition,
)
from storyreel.tools.timeline import write_timeline

FPS = 24
BLEND = 12  # frames of a 0.5 s transition at 24 fps


@pytest.fixture(scope="module")
def storyboard() -> Storyboard:
    """Three planned shots, opening on a fade, dissolving into the second and cutting to the third."""
    board = plan_story("A dog runs in the park. The dog sits. The dog barks at the ball.")
    assert len(board.shots) == 3
    shots = [
        shot.model_copy(update={"transition": transition})
        for shot, transition in zip(board.shots, (Transition.FADE, Transition.DISSOLVE, Transition.CUT), strict=True)
    ]
    return board.model_copy(update={"shots": shots})


def _check(name: str, shot_id: str, passed: bool, detail: str) -> CheckResult:
    return CheckResult(
        name=name,
        shot_id=shot_id,
        score=0.9 if passed else 0.4,
        threshold=0.8,
        higher_is_better=True,
        passed=passed,
        detail=detail,
        suggestion="" if passed else "use a wider shot size",
    )


def _report(storyboard: Storyboard, loudness: float | None = -16.0) -> RunReport:
    """Shots of 40, 30 and 20 frames; the second fails subjects_framed; the first has a line, the third two."""
    shots, start = [], 0
    for shot, frames in zip(storyboard.shots, (40, 30, 20), strict=True):
        checks = [
            _check("subjects_framed", shot.id, shot.id != "shot_02", "the dog is cut by the frame's edge"),
            _check("camera_jerk", shot.id, True, "smooth"),
        ]
        lines = {
            "shot_01": [SpokenLine(shot_id=shot.id, text="Run, Rex!", speaker="mia", start_s=0.5, end_s=1.25)],
            "shot_03": [
                SpokenLine(shot_id=shot.id, text="He barks.", start_s=start / FPS + 0.25, end_s=start / FPS + 0.5),
                SpokenLine(shot_id=shot.id, text="Woof!", speaker="dog", start_s=start / FPS + 0.5, end_s=9.0),
            ],
        }.get(shot.id, [])
        shots.append(
            ShotReport(
                shot_id=shot.id,
                location=shot.location,
                frames=frames,
                start_s=start / FPS,
                duration_s=frames / FPS,
                clip=f"shots/{shot.id}.mp4",
                checks=checks,
                outcome=ShotOutcome.PASSED if all(c.passed for c in checks) else ShotOutcome.FAILED,
                sentence=shot.description,
                lines=lines,
            )
        )
        start += frames
    return RunReport(
        title=storyboard.title,
        seed=0,
        fps=FPS,
        resolution=Resolution(width=320, height=180),
        style=Style.FLAT,
        frames=start,
        duration_s=start / FPS,
        final_video="final.mp4",
        contact_sheet="contact_sheet.png",
        storyboard="storyboard.json",
        scenes=["scenes/park.glb"],
        shots=shots,
        loudness_lufs=loudness,
    )


def _written(tmp_path: Path, report: RunReport, storyboard: Storyboard) -> otio.schema.Timeline:
    path = tmp_path / "timeline.otio"
    write_timeline(path, report, storyboard)
    assert not [p for p in tmp_path.iterdir() if p != path]  # written atomically: no temporary left behind
    return otio.adapters.read_from_file(str(path))


def test_one_clip_per_shot_with_its_frames_and_file(tmp_path: Path, storyboard: Storyboard) -> None:
    report = _report(storyboard)
    timeline = _written(tmp_path, report, storyboard)
    assert timeline.name == report.title
    assert timeline.global_start_time == otio.opentime.RationalTime(0, FPS)
    picture, sound = timeline.tracks
    assert (picture.kind, sound.kind) == (otio.schema.TrackKind.Video, otio.schema.TrackKind.Audio)
    assert timeline.duration() == otio.opentime.RationalTime(report.frames, FPS)
    for track in (picture, sound):
        clips = list(track.find_clips())
        assert [clip.name for clip in clips] == [shot.shot_id for shot in report.shots]
        for clip, shot in zip(clips, report.shots, strict=True):
            assert clip.source_range.duration == otio.opentime.RationalTime(shot.frames, FPS)
            assert clip.source_range.start_time.value == 0
            assert clip.media_reference.target_url == shot.clip == f"shots/{shot.shot_id}.mp4"
            assert clip.media_reference.available_range == clip.source_range
            assert track.range_of_child(clip).start_time == otio.opentime.RationalTime(shot.start_s * FPS, FPS)


def test_transitions_sit_on_the_incoming_clips_head(tmp_path: Path, storyboard: Storyboard) -> None:
    timeline = _written(tmp_path, _report(storyboard), storyboard)
    items = list(timeline.tracks[0])
    kinds = [type(item).__name__ for item in items]
    assert kinds == ["Gap", "Transition", "Clip", "Transition", "Clip", "Clip"]  # fade, dissolve, cut
    fade, dissolve = items[1], items[3]
    assert items[0].duration().value == 0  # the black a fade rises from takes no time
    for transition, kind, source in ((fade, "fade", "black"), (dissolve, "dissolve", "the previous clip's last")):
        assert transition.transition_type == otio.schema.TransitionTypes.SMPTE_Dissolve
        assert transition.in_offset.value == 0
        assert transition.out_offset == otio.opentime.RationalTime(BLEND, FPS)
        meta = transition.metadata["storyreel"]
        assert meta["transition"] == kind and meta["from"].startswith(source) and meta["baked"]
    assert dissolve.name == "dissolve into shot_02"
    assert timeline.tracks[0].neighbors_of(dissolve) == (items[2], items[4])


def test_markers_carry_the_sentence_the_failed_checks_and_the_lines(tmp_path: Path, storyboard: Storyboard) -> None:
    report = _report(storyboard)
    timeline = _written(tmp_path, report, storyboard)
    first, second, third = timeline.tracks[0].find_clips()
    clips = (first, second, third)
    shot_markers = [clip.markers[0] for clip in clips]
    assert [m.name for m in shot_markers] == [shot.description for shot in storyboard.shots]
    assert [m.color for m in shot_markers] == ["GREEN", "RED", "GREEN"]
    assert all(m.marked_range == clip.source_range for m, clip in zip(shot_markers, clips, strict=True))
    failed = shot_markers[1].metadata["storyreel"]
    assert failed["shot_id"] == "shot_02" and failed["outcome"] == "failed"
    assert [dict(c) for c in failed["failed_checks"]] == [
        {
            "name": "subjects_framed",
            "detail": "the dog is cut by the frame's edge",
            "score": 0.4,
            "threshold": 0.8,
            "suggestion": "use a wider shot size",
        }
    ]
    assert list(failed["passed_checks"]) == ["camera_jerk"]
    assert shot_markers[1].comment == "subjects_framed: the dog is cut by the frame's edge"
    assert not shot_markers[0].metadata["storyreel"]["failed_checks"]

    (run,) = first.markers[1:]
    assert (run.name, run.comment, run.metadata["storyreel"]["speaker"]) == ("Run, Rex!", "mia", "mia")
    assert run.marked_range == otio.opentime.TimeRange(
        otio.opentime.RationalTime(12, FPS), otio.opentime.RationalTime(18, FPS)
    )
    assert len(second.markers) == 1
    narration, woof = third.markers[1:]
    assert (narration.name, narration.comment, narration.metadata["storyreel"]["speaker"]) == (
        "He barks.",
        "narrator",
        None,
    )
    assert narration.marked_range.start_time.value == 6 and narration.marked_range.duration.value == 6
    assert woof.marked_range.end_time_exclusive().value == 20  # the line runs past the cut: held to the clip


def test_a_silent_film_has_no_sound_track(tmp_path: Path, storyboard: Storyboard) -> None:
    timeline = _written(tmp_path, _report(storyboard, loudness=None), storyboard)
    assert [track.kind for track in timeline.tracks] == [otio.schema.TrackKind.Video]


def test_stock_adapters_convert_it(tmp_path: Path, storyboard: Storyboard) -> None:
    timeline = _written(tmp_path, _report(storyboard), storyboard)
    text = otio.adapters.write_to_string(timeline, "otio_json")
    assert otio.adapters.write_to_string(otio.adapters.read_from_string(text, "otio_json"), "otio_json") == text

    assert "cmx_3600" in otio.adapters.available_adapter_names()
    edl = otio.adapters.write_to_string(copy.deepcopy(timeline), "cmx_3600")
    lines = edl.splitlines()
    assert lines[0] == f"TITLE: {timeline.name}"
    events = [line.split() for line in lines if line[:3].isdigit()]
    # the fade rises from black (BL), shot_02 dissolves in from shot_01 over the blend's frames, shot_03 is a cut
    assert [event[:4] for event in events] == [
        ["001", "BL", "V", "C"],
        ["001", "shot01mp", "V", "D"],
        ["002", "shot01mp", "V", "C"],
        ["002", "shot02mp", "V", "D"],
        ["003", "shot03mp", "V", "C"],
    ]
    assert events[1][4] == events[3][4] == f"{BLEND:03d}"
    assert any("LOC:" in line and "RED" in line and "THE DOG SITS." in line for line in lines)
    assert events[-1][-1] == otio.opentime.to_timecode(timeline.duration(), FPS)  # record out: the film's end

    # the adapter's reader takes no transition at a track's start (its own BL fade-in), so it reads back a film
    # that opens on a cut
    shots = [storyboard.shots[0].model_copy(update={"transition": Transition.CUT}), *storyboard.shots[1:]]
    opening_cut = storyboard.model_copy(update={"shots": shots})
    edl = otio.adapters.write_to_string(_written(tmp_path, _report(opening_cut), opening_cut), "cmx_3600")
    parsed = otio.adapters.read_from_string(edl, "cmx_3600", rate=FPS)
    assert [clip.name for clip in parsed.find_clips()] == ["shot_01", "shot_02", "shot_03"]
    assert [type(item).__name__ for item in parsed.tracks[0]] == ["Clip", "Transition", "Clip", "Clip"]
    assert parsed.duration() == timeline.duration()
