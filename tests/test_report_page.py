"""report.html: built from hand-made RunReports, parsed back as XML, and its content checked."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from storyreel.agent.report_page import PLOT_HEIGHT, PLOT_WIDTH, report_html, shot_outcome, write_report_html
from storyreel.schema import (
    Attempt,
    CameraMove,
    CheckResult,
    Coverage,
    Drawn,
    Resolution,
    Revision,
    RevisionAction,
    RunReport,
    Seen,
    ShotDirection,
    ShotOutcome,
    ShotReport,
    ShotSize,
    SpokenLine,
    Style,
    Voice,
)

HOSTILE_TITLE = '<script>alert("title")</script> & the "dog" </title>'
HOSTILE_DETAIL = "<img src=x onerror=alert(1)> rex cut by the edge <script>steal()</script>"
HOSTILE_WARNING = "shot s3: </li></ul><script>alert('warning')</script>"
FPS = 24
FRAMES = 12  # per shot; each check has a value per frame


def check(
    name: str,
    shot_id: str,
    per_frame: list[float],
    threshold: float,
    higher_is_better: bool = True,
    detail: str = "",
    suggestion: str = "",
) -> CheckResult:
    """A check scored as the checks score: the mean of its per-frame values against the threshold. It keeps its
    suggestion even when it passes, so that the page is seen to show suggestions of failed checks only."""
    score = sum(per_frame) / len(per_frame)
    passed = score >= threshold if higher_is_better else score <= threshold
    return CheckResult(
        name=name,
        shot_id=shot_id,
        score=score,
        threshold=threshold,
        higher_is_better=higher_is_better,
        passed=passed,
        detail=detail,
        suggestion=suggestion,
        per_frame=per_frame,
    )


def framed(shot_id: str, share: float, detail: str = "") -> CheckResult:
    """subjects_framed, ``share`` of the frames framed (1 per frame framed, 0 not)."""
    count = round(share * FRAMES)
    return check(
        "subjects_framed",
        shot_id,
        [1.0] * count + [0.0] * (FRAMES - count),
        0.9,
        detail=detail or f"framed in {count}/{FRAMES} frames",
        suggestion="use a wider shot size",
    )


def jerk(shot_id: str, level: float) -> CheckResult:
    return check(
        "camera_jerk",
        shot_id,
        [0.0, 0.0, level, level * 1.5, level, 1.0] + [0.0] * (FRAMES - 6),  # 1.0 sits on the threshold line
        1.0,
        higher_is_better=False,
        detail=f"jerk {level}",
        suggestion="smooth the camera",
    )


def flicker(shot_id: str, error: float) -> CheckResult:
    return check(
        "flicker",
        shot_id,
        [error] * (FRAMES - 1) + [0.0],
        0.02,
        higher_is_better=False,
        detail=f"mean warp error {error}",
        suggestion="render in keyframe mode",
    )


def shot(
    shot_id: str,
    index: int,
    checks: list[CheckResult],
    attempts: list[Attempt] | None = None,
    outcome: ShotOutcome | None = None,
) -> ShotReport:
    return ShotReport(
        shot_id=shot_id,
        location="park",
        frames=FRAMES,
        start_s=FRAMES / FPS * index,
        duration_s=FRAMES / FPS,
        clip=f"shots/{shot_id}.mp4",
        thumbnail=f"thumbs/{shot_id}.png",
        checks=checks,
        attempts=attempts or [],
        outcome=outcome,
    )


def passing_shot() -> ShotReport:
    checks = [framed("s1", 1.0), jerk("s1", 0.2)]
    attempt = Attempt(number=1, checks=checks, thumbnail="thumbs/s1.1.png")
    return shot("s1", 0, checks, attempts=[attempt], outcome=ShotOutcome.PASSED)


def revised_shot() -> ShotReport:
    """Failed twice (framing, then jerk), revised each time, passed on the third attempt."""
    final = [framed("s2", 1.0), jerk("s2", 0.3)]
    attempts = [
        Attempt(
            number=1,
            checks=[framed("s2", 0.5, HOSTILE_DETAIL), jerk("s2", 0.3)],
            revision=Revision(
                check="subjects_framed", action=RevisionAction.WIDER_SHOT, change="shot size medium -> full"
            ),
            thumbnail="thumbs/s2.1.png",
        ),
        Attempt(
            number=2,
            direction=ShotDirection(size=ShotSize.FULL),
            checks=[framed("s2", 1.0), jerk("s2", 4.0)],
            revision=Revision(
                check="camera_jerk",
                action=RevisionAction.STEADY_CAMERA,
                change="camera move orbit -> static </span><b>",
                chosen_by="llm",
            ),
            thumbnail="thumbs/s2.2.png",
        ),
        Attempt(
            number=3,
            direction=ShotDirection(size=ShotSize.FULL, move=CameraMove.STATIC),
            checks=final,
            thumbnail="thumbs/s2.3.png",
        ),
    ]
    return shot("s2", 1, final, attempts=attempts, outcome=ShotOutcome.PASSED)


def exhausted_shot() -> ShotReport:
    """Flicker failed on both attempts; the budget ran out before a third."""
    final = [framed("s3", 1.0), flicker("s3", 0.05)]
    attempts = [
        Attempt(
            number=1,
            checks=[framed("s3", 1.0), flicker("s3", 0.06)],
            revision=Revision(
                check="flicker", action=RevisionAction.KEYFRAME_MODE, change="keyframe mode on, render seed 0 -> 1"
            ),
            thumbnail="thumbs/s3.1.png",
        ),
        Attempt(
            number=2,
            direction=ShotDirection(keyframes=True, render_seed=1),
            checks=final,
            thumbnail="thumbs/s3.2.png",
        ),
    ]
    return shot("s3", 2, final, attempts=attempts, outcome=ShotOutcome.BUDGET_EXHAUSTED)


def run_report(shots: list[ShotReport], film_checks: list[CheckResult] | None = None) -> RunReport:
    return RunReport(
        title=HOSTILE_TITLE,
        seed=7,
        fps=FPS,
        resolution=Resolution(width=320, height=180),
        style=Style.TOON,
        frames=FRAMES * len(shots),
        duration_s=FRAMES / FPS * len(shots),
        final_video="final.mp4",
        contact_sheet="contact_sheet.png",
        storyboard="storyboard.json",
        scenes=["scenes/park.glb"],
        shots=shots,
        checks=film_checks or [],
        revisions=3,
        revision_budget=3,
        warnings=[HOSTILE_WARNING, "planner fell back to rules"],
        timings_s={"render": 1.25, "check": 0.5},
    )


@pytest.fixture
def report() -> RunReport:
    continuity = check(
        "continuity",
        "film",
        [0.9, 0.8, 0.2, 0.9],
        0.75,
        detail="the ball jumps at the cut to s2",
        suggestion="keep the ball where s1 left it",
    )
    assert not continuity.passed
    return run_report([passing_shot(), revised_shot(), exhausted_shot()], [continuity])


def parse(page: str) -> ET.Element:
    """The page as an element tree: it is written well-formed, so the XML parser reads it."""
    return ET.fromstring(page)


def text(element: ET.Element | None) -> str:
    """The element's text, whitespace runs made one space."""
    assert element is not None
    return " ".join("".join(element.itertext()).split())


def by_id(root: ET.Element, element_id: str) -> ET.Element:
    found = root.find(f".//*[@id='{element_id}']")
    assert found is not None, f"no element with id {element_id}"
    return found


def facts(element: ET.Element) -> dict[str, str]:
    """A definition list as {term: definition}."""
    return {
        text(term): text(definition) for term, definition in zip(element.iter("dt"), element.iter("dd"), strict=True)
    }


def shot_section(root: ET.Element, shot_id: str) -> ET.Element:
    return by_id(root, f"shot-{shot_id}")


def test_write_report_html_writes_the_page_atomically(tmp_path: Path, report: RunReport) -> None:
    path = write_report_html(report, tmp_path)
    assert path == tmp_path / "report.html"
    assert path.read_text(encoding="utf-8") == report_html(report)
    assert [entry.name for entry in tmp_path.iterdir()] == ["report.html"]  # no temporary left behind


def test_page_is_self_contained(report: RunReport) -> None:
    page = report_html(report)
    root = parse(page)
    assert root.tag == "html" and root.get("lang") == "en"
    assert root.find("./head/style") is not None
    assert root.find("./head/meta[@name='viewport']") is not None
    assert root.find(".//script") is None and root.find(".//link") is None
    for element in root.iter():
        assert not [name for name in element.attrib if name.startswith("on")], element.tag
    assert not re.search(r"(https?:)?//", " ".join(value for e in root.iter() for value in e.attrib.values()))


def test_verdict_counts_an_exhausted_budget_as_a_failure(report: RunReport) -> None:
    root = parse(report_html(report))
    verdict = by_id(root, "verdict")
    assert "fail" in verdict.get("class", "").split()
    assert text(verdict) == (
        "FAIL: 1 of 3 shots failed; 1 of them because the run's revision budget ran out (3 of 3 used); "
        "1 film-wide check failed."
    )
    shots = [*report.shots[:2], report.shots[2].model_copy(update={"outcome": ShotOutcome.RETRIES_EXHAUSTED})]
    own = report.model_copy(update={"revisions": 1, "revision_budget": 6, "shots": shots})
    assert text(by_id(parse(report_html(own)), "verdict")) == (
        "FAIL: 1 of 3 shots failed; 1 of them because their own retries ran out (counted as failed); "
        "1 film-wide check failed."
    )
    assert facts(by_id(root, "facts")) == {
        "Shots passing every check": "2 of 3 (67%)",
        "Frames": "36 at 24 fps",
        "Duration": "1.50 s",
        "Resolution": "320x180",
        "Renderer": "raster",
        "Style": "toon",
        "Seed": "7",
        "Revisions used": "3 of 3",
        "Sound": "silent (no lines)",
        "Content credentials": "none",
    }


def test_the_page_tells_the_lines_their_voices_and_the_subtitle_files() -> None:
    shot = passing_shot().model_copy(
        update={"lines": [SpokenLine(shot_id="s1", text="Sit, Rex.", speaker="mia", start_s=0.3, end_s=1.1)]}
    )
    voices = [
        Voice(speaker=None, engine="espeak", name="en-gb-x-rp+m8", pitch=-1.0, speed=0.95),
        Voice(speaker="mia", engine="espeak", name="en-us+f2"),
    ]
    report = run_report([shot]).model_copy(
        update={"voices": voices, "subtitles": ["subtitles.srt", "subtitles.vtt"], "loudness_lufs": -16.02}
    )
    root = parse(report_html(report))
    shown = facts(by_id(root, "facts"))
    assert shown["Sound"] == "-16.0 LUFS"
    assert shown["Voices"] == "narrator: espeak en-gb-x-rp+m8, -1 semitones, pace x0.95; mia: espeak en-us+f2"
    lines = facts(shot_section(root, "s1").find(".//dl[@class='facts']"))["Lines"]
    assert lines == "0.30-1.10 s mia: \u201cSit, Rex.\u201d"
    links = [a.get("href") for a in by_id(root, "film").iter("a")]
    assert "subtitles.srt" in links and "subtitles.vtt" in links


def test_verdict_passes_only_when_every_shot_and_film_check_passes() -> None:
    root = parse(report_html(run_report([passing_shot()])))
    assert text(by_id(root, "verdict")) == "PASS: all 1 shot passed every check."
    report = run_report([passing_shot()])
    report.revision_budget = None
    assert facts(by_id(parse(report_html(report)), "facts"))["Revisions used"] == "3 (no budget set)"


def test_a_shot_without_an_outcome_is_judged_by_its_checks() -> None:
    """The pipeline without revisions writes no outcome and no attempts: a failed check still fails the shot."""
    failing = shot("s9", 0, [framed("s9", 0.4)])
    assert shot_outcome(failing) is ShotOutcome.FAILED
    contradicted = shot("s8", 1, [framed("s8", 0.4)], outcome=ShotOutcome.PASSED)
    assert shot_outcome(contradicted) is ShotOutcome.FAILED
    root = parse(report_html(run_report([failing])))
    assert text(by_id(root, "verdict")) == "FAIL: 1 of 1 shots failed."
    history = text(shot_section(root, "s9").find(".//div[@class='history']"))
    assert "no revisions were made" in history


def test_one_checks_table_per_shot_with_a_row_per_final_check(report: RunReport) -> None:
    root = parse(report_html(report))
    sections = root.findall(".//section[@class='shot']")
    assert [section.get("id") for section in sections] == ["shot-s1", "shot-s2", "shot-s3"]
    for section, shot_report in zip(sections, report.shots, strict=True):
        tables = section.findall(".//table")
        assert len(tables) == 1
        table = tables[0]
        headers = [text(th) for th in table.findall("./thead/tr/th")]
        assert headers == ["Check", "Score", "Threshold", "Result", "Detail", "Suggestion", "Per frame"]
        assert all(th.get("scope") == "col" for th in table.findall("./thead/tr/th"))
        rows = table.findall("./tbody/tr")
        assert len(rows) == len(shot_report.checks)
        for row, result in zip(rows, shot_report.checks, strict=True):
            name, *cells = list(row)
            assert name.tag == "th" and name.get("scope") == "row" and text(name) == result.name
            score, threshold, verdict, detail, suggestion, _plot = (text(cell) for cell in cells)
            assert float(score) == pytest.approx(result.score, rel=1e-3)
            assert threshold == ("≥ " if result.higher_is_better else "≤ ") + f"{result.threshold:.4g}"
            assert verdict == ("PASS" if result.passed else "FAIL")
            assert detail == result.detail
            assert suggestion == ("" if result.passed else result.suggestion)
    outcome = text(shot_section(root, "s3").find("h3"))
    assert outcome == "Shot s3: FAIL (the run's revision budget ran out)"
    assert text(shot_section(root, "s2").find("h3")) == "Shot s2: PASS"


def test_film_wide_checks_are_a_table_with_the_failed_check(report: RunReport) -> None:
    root = parse(report_html(report))
    rows = by_id(root, "film-checks").findall(".//table/tbody/tr")
    assert len(rows) == 1
    cells = [text(cell) for cell in rows[0]]
    assert cells[0] == "continuity" and cells[3] == "FAIL" and cells[5] == "keep the ball where s1 left it"


def test_revision_history_says_what_failed_what_changed_and_what_passed(report: RunReport) -> None:
    root = parse(report_html(report))
    revised = shot_section(root, "s2")
    attempts = revised.findall(".//ol[@class='attempts']/li")
    assert len(attempts) == 3
    assert [text(a.find("p/strong")) for a in attempts] == [
        "Attempt 1: FAIL",
        "Attempt 2: FAIL",
        "Attempt 3: PASS",
    ]
    changes = [text(span) for span in revised.findall(".//p[@class='revision']/span[@class='change']")]
    assert changes == ["shot size medium -> full", "camera move orbit -> static </span><b>"]
    revisions = [text(p) for p in revised.findall(".//p[@class='revision']")]
    assert "wider-shot, for subjects_framed, chosen by policy" in revisions[0]
    assert "steady-camera, for camera_jerk, chosen by llm" in revisions[1]
    failed = [text(p) for p in revised.findall(".//p[@class='failed']")]
    assert failed[0] == f"Failed: subjects_framed 0.5 (needs ≥ 0.9): {HOSTILE_DETAIL}"
    assert failed[1] == "Failed: camera_jerk 1.25 (needs ≤ 1): jerk 4.0"
    directions = [text(p) for p in revised.findall(".//p[@class='direction']")]
    assert directions == [
        "Direction: as the storyboard asks",
        "Direction: size full",
        "Direction: size full, move static",
    ]
    assert text(revised.find(".//p[@class='end']")) == "PASS: passed every check on attempt 3."
    thumbnails = [img.get("src") for img in revised.findall(".//ol[@class='attempts']//img")]
    assert thumbnails == ["thumbs/s2.1.png", "thumbs/s2.2.png", "thumbs/s2.3.png"]

    exhausted = shot_section(root, "s3")
    end = text(exhausted.find(".//p[@class='end']"))
    assert end == "FAIL: the run's revision budget ran out after attempt 2."
    assert [text(p) for p in exhausted.findall(".//p[@class='direction']")][
        1
    ] == "Direction: render seed 1, keyframes on"


def test_one_plot_per_check_with_a_point_per_frame_and_the_threshold_line(report: RunReport) -> None:
    root = parse(report_html(report))
    checks = report.checks + [c for s in report.shots for c in s.checks]  # the film-wide table comes first
    plots = root.findall(".//table[@class='checks']/tbody/tr/td[@class='plot']/svg")
    assert len(plots) == len(checks)
    for svg, result in zip(plots, checks, strict=True):
        assert svg.get("viewBox") == f"0 0 {PLOT_WIDTH} {PLOT_HEIGHT}" and svg.get("role") == "img"
        label = text(svg.find("title"))
        assert label.startswith(f"{result.name} per frame: {len(result.per_frame)} values")
        assert label.endswith("PASS" if result.passed else "FAIL")
        polylines = svg.findall("polyline")
        assert len(polylines) == 1
        assert polylines[0].get("class") == ("pass" if result.passed else "fail")
        points = [tuple(map(float, p.split(","))) for p in polylines[0].get("points", "").split()]
        assert len(points) == len(result.per_frame)
        xs = [x for x, _ in points]
        assert xs == sorted(xs) and all(0 <= x <= PLOT_WIDTH for x in xs)
        assert all(0 <= y <= PLOT_HEIGHT for _, y in points)
        thresholds = svg.findall("line[@class='threshold']")
        assert len(thresholds) == 1
        level = float(thresholds[0].get("y1", "nan"))
        assert thresholds[0].get("y2") == thresholds[0].get("y1")
        # Higher values are drawn higher (smaller y), and a value equal to the threshold sits on its line.
        for (_, y), value in zip(points, result.per_frame, strict=True):
            if value == result.threshold:
                assert y == pytest.approx(level, abs=0.11)
            elif value > result.threshold:
                assert y < level
            else:
                assert y > level
        labels = [text(t) for t in svg.findall("text")]
        last = len(result.per_frame) - 1
        assert str(last) in labels
        if result in report.checks:  # four values over a 36-frame film: not one per frame, so no time axis
            assert "value number" in labels and not [label for label in labels if label.endswith(" s")]
        else:
            assert "frame" in labels and f"{last / FPS:.2f} s" in labels


def test_hostile_strings_are_escaped(report: RunReport) -> None:
    page = report_html(report)
    assert "<script" not in page and "<img src=x" not in page and "</span><b>" not in page
    root = parse(page)
    assert text(root.find("./head/title")) == f"{HOSTILE_TITLE}: storyreel report"
    assert text(root.find(".//h1")) == HOSTILE_TITLE
    warnings = [text(li) for li in by_id(root, "warnings").findall("./ul/li")]
    assert warnings == [HOSTILE_WARNING, "planner fell back to rules"]
    assert root.find(".//script") is None and root.find(".//img[@src='x']") is None


def test_links_are_relative_and_point_at_the_files_the_report_names(tmp_path: Path, report: RunReport) -> None:
    report.shots[0].thumbnail = "thumbs/s1 #1?.png"  # a name that would read as a fragment and a query unencoded
    named = {report.final_video, report.contact_sheet, report.storyboard, *report.scenes}
    for shot_report in report.shots:
        named |= {shot_report.clip, shot_report.thumbnail, *(attempt.thumbnail for attempt in shot_report.attempts)}
    for name in named:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"")
    root = parse(write_report_html(report, tmp_path).read_text(encoding="utf-8"))
    links = [value for element in root.iter() for key, value in element.attrib.items() if key in ("src", "href")]
    for link in links:
        parts = urlsplit(link)
        assert not parts.scheme and not parts.netloc and not parts.query and not parts.fragment, link
        assert not link.startswith("/") and (tmp_path / unquote(link)).is_file(), link
    assert {unquote(link) for link in links} == named
    images = list(root.iter("img"))
    assert images and all(image.get("alt") for image in images)
    videos = {video.get("src"): video for video in root.iter("video")}
    assert set(videos) == {"final.mp4", "shots/s1.mp4", "shots/s2.mp4", "shots/s3.mp4"}
    assert all(video.get("controls") for video in videos.values())


def test_timings_and_warnings_are_listed(report: RunReport) -> None:
    root = parse(report_html(report))
    rows = [[text(cell) for cell in row] for row in by_id(root, "timings").findall(".//tbody/tr")]
    assert rows == [["render", "1.25"], ["check", "0.50"]]
    report.warnings = []
    report.timings_s = {}
    root = parse(report_html(report))
    assert text(by_id(root, "warnings")) == "Warnings No warnings."
    assert text(by_id(root, "timings")) == "Timings No timings recorded."


def test_a_check_without_finite_values_has_no_plot_and_gaps_are_left_out() -> None:
    empty = CheckResult(name="identity", shot_id="s1", score=1.0, threshold=0.5, higher_is_better=True, passed=True)
    gappy = check("not_blank", "s1", [0.4, float("nan"), 0.5, float("inf")] + [0.45] * (FRAMES - 4), 0.1)
    root = parse(report_html(run_report([shot("s1", 0, [empty, gappy])])))
    cells = shot_section(root, "s1").findall(".//td[@class='plot']")
    assert text(cells[0]) == "no per-frame values" and cells[0].find("svg") is None
    svg = cells[1].find("svg")
    assert svg is not None and f"{FRAMES} values from 0.4 to 0.5" in text(svg.find("title"))
    polyline = svg.find("polyline")
    assert polyline is not None and len(polyline.get("points", "").split()) == FRAMES - 2  # NaN and inf left out


def test_each_shot_says_what_draws_what_and_what_is_a_box(report: RunReport) -> None:
    drawn = [
        Drawn(id="mia", name="Mia", kind="child"),
        Drawn(id="fox", name="fox", kind="fox"),
        Drawn(id="zither", name="zither", kind="generic", box=True),
    ]
    shots = [report.shots[0].model_copy(update={"drawn": drawn}), *report.shots[1:]]
    root = parse(report_html(report.model_copy(update={"shots": shots})))
    shown = facts(shot_section(root, "s1").find(".//dl[@class='facts']"))
    assert shown["Drawn as"] == "Mia: child; fox" and shown["As a box"] == "zither"
    assert "Drawn as" not in facts(shot_section(root, "s2").find(".//dl[@class='facts']"))


def test_each_shot_shows_its_sentence_and_who_is_seen(report: RunReport) -> None:
    shot = report.shots[0].model_copy(
        update={
            "sentence": "Mia finds a fox.",
            "seen": {"mia": 1.0, "fox": 0.25},
            "marked": "thumbs/s1.marked.png",
            "must_see": {"mia": Seen.FACE},
            "coverage": Coverage.TWO_SHOT,
            "unstaged": ["clap"],
        }
    )
    root = parse(report_html(report.model_copy(update={"shots": [shot, *report.shots[1:]]})))
    section = shot_section(root, "s1")
    assert text(section.find(".//p[@class='sentence']")) == "Mia finds a fox."
    listed = facts(section.find(".//dl[@class='facts']"))
    assert listed["Named, and seen in"] == "mia (its face) 100%; fox 25%"
    assert listed["Held as"] == "two-shot" and listed["Not acted out"] == "clap"
    assert "Not acted out" not in facts(shot_section(root, "s2").find(".//dl[@class='facts']"))
    image = section.find(".//img")
    assert image.get("src") == "thumbs/s1.marked.png" and "mia, fox boxed" in image.get("alt", "")
