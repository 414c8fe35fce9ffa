"""The checks between shots and over the film, on hand-made shot summaries: when each rule applies, how it scores
a cut, and that every shot gets the same checks."""

from __future__ import annotations

import numpy as np
import pytest

from storyreel import geometry
from storyreel.schema import (
    CameraPose,
    LineOfAction,
    ShotSize,
    ShotSummary,
    SubjectAppearance,
    Transition,
)
from storyreel.tools.checks import check_against_earlier, check_film, rule_30, rule_180, shot_size_variety
from storyreel.tools.checks.continuity import MIN_ANGLE_CHANGE, NEUTRAL_ANGLE
from storyreel.tools.checks.identity import IDENTITY_THRESHOLD, MIN_PIXELS, identity

MIA = (0.0, 1.0, 0.0)
REX = (2.0, 0.3, 0.0)
LINE = LineOfAction(subjects=["mia", "rex"], origin=(1.0, 0.0, 0.0), direction=(1.0, 0.0, 0.0))  # left is -z


def camera(azimuth_deg: float, distance: float = 6.0, fov: float = 45.0) -> CameraPose:
    """A camera ``distance`` from mia at an azimuth round her (0 = +z, 90 = +x), looking at her."""
    azimuth = np.radians(azimuth_deg)
    eye = np.asarray(MIA) + distance * np.array([np.sin(azimuth), 0.0, np.cos(azimuth)])
    rotation = geometry.look_at_rotation(eye, np.asarray(MIA))
    return CameraPose(
        position=tuple(map(float, eye)),
        orientation=tuple(map(float, geometry.matrix_to_quaternion(rotation))),
        fov_y=fov,
    )


def summary(
    shot_id: str,
    pose: CameraPose,
    *,
    location: str = "park",
    size: ShotSize = ShotSize.MEDIUM,
    subjects: tuple[str, ...] = ("mia", "rex"),
    line: LineOfAction | None = LINE,
    transition: Transition = Transition.CUT,
    looks: tuple[SubjectAppearance, ...] = (),
) -> ShotSummary:
    positions = {name: position for name, position in (("mia", MIA), ("rex", REX)) if name in subjects}
    return ShotSummary(
        shot_id=shot_id,
        location=location,
        size=size,
        transition=transition,
        start=0.0,
        frames=48,
        aspect=16 / 9,
        subjects=list(subjects),
        camera_first=pose,
        camera_last=pose,
        line_first=line,
        line_last=line,
        positions_first=positions,
        positions_last=positions,
        appearances=list(looks),
    )


def look(chroma: tuple[float, float, float], pixels: int = 5000, name: str = "mia") -> SubjectAppearance:
    return SubjectAppearance(name=name, pixels=pixels, chroma=chroma)


def test_every_shot_gets_the_same_checks() -> None:
    first = summary("s1", camera(180.0))
    for earlier in ([], [first], [summary("s0", camera(0.0), location="street")]):
        results = check_against_earlier(summary("s2", camera(150.0)), earlier)
        assert [result.name for result in results] == ["rule_180", "rule_30", "identity"]
        assert all(result.shot_id == "s2" for result in results)


def test_rules_apply_only_after_a_shot_at_the_same_location() -> None:
    elsewhere = summary("s1", camera(180.0), location="street")
    results = check_against_earlier(summary("s2", camera(0.0)), [elsewhere])
    assert [result.passed for result in results] == [True, True, True]
    assert all("not applicable" in result.detail for result in results)


def test_crossing_the_line_fails_rule_180() -> None:
    before = summary("s1", camera(180.0))  # at -z: left of the line, 90 degrees off it
    stays = rule_180(summary("s2", camera(130.0)), before)
    assert stays.passed and stays.score > NEUTRAL_ANGLE
    crosses = rule_180(summary("s2", camera(40.0)), before)
    assert not crosses.passed and crosses.score < -NEUTRAL_ANGLE
    assert crosses.suggestion.startswith("cross-back: film from s1's side of the line of mia and rex")


def test_rule_180_is_not_applicable_without_an_established_side() -> None:
    """A previous camera looking along the line, a shot without the line's subjects, a shot without a line."""
    along = summary("s1", camera(-85.0, distance=20.0))  # far out along -x: on the line's extension
    assert "looked along the line" in rule_180(summary("s2", camera(0.0)), along).detail
    others = summary("s2", camera(0.0), subjects=("ball",), line=None)
    assert "new line of action" in rule_180(others, summary("s1", camera(180.0))).detail
    assert "no line" in rule_180(summary("s2", camera(0.0)), summary("s1", camera(180.0), line=None)).detail


def test_near_identical_set_ups_fail_rule_30() -> None:
    before = summary("s1", camera(180.0))
    same = rule_30(summary("s2", camera(185.0)), before)
    assert not same.passed and same.score == pytest.approx(5.0 / MIN_ANGLE_CHANGE, abs=0.02)
    assert same.suggestion.startswith("move-camera: swing at least 30 degrees round mia")
    round_it = rule_30(summary("s2", camera(180.0 + 1.2 * MIN_ANGLE_CHANGE)), before)
    assert round_it.passed and round_it.score == pytest.approx(1.2, abs=0.02)
    closer = rule_30(summary("s2", camera(180.0, distance=3.0)), before)  # twice the size on screen
    assert closer.passed and "x2.00" in closer.detail
    zoomed = rule_30(summary("s2", camera(180.0, fov=20.0)), before)  # a longer lens from the same spot
    assert zoomed.passed


def test_rule_30_spares_dissolves_and_subjects_the_previous_shot_did_not_show() -> None:
    before = summary("s1", camera(180.0))
    assert "dissolve" in rule_30(summary("s2", camera(180.0), transition=Transition.DISSOLVE), before).detail
    eye = np.array([0.0, 1.0, -6.0])  # where camera(180) stands, but looking away from mia
    rotation = geometry.look_at_rotation(eye, np.array([0.0, 1.0, -20.0]))
    away = summary(
        "s1", CameraPose(position=(0.0, 1.0, -6.0), orientation=geometry.matrix_to_quaternion(rotation), fov_y=45.0)
    )
    assert "out of the previous shot's frame" in rule_30(summary("s2", camera(180.0)), away).detail


def test_identity_compares_each_character_with_its_nearest_earlier_look() -> None:
    red, blue = (0.8, 0.1, 0.1), (0.1, 0.2, 0.7)
    earlier = [summary("s1", camera(180.0), looks=(look(red),)), summary("s2", camera(150.0), looks=(look(blue),))]
    assert identity(summary("s3", camera(120.0), looks=(look(blue),)), earlier).score == 0.0
    green = identity(summary("s3", camera(120.0), looks=(look((0.2, 0.7, 0.1)),)), earlier)
    assert not green.passed and green.score > IDENTITY_THRESHOLD
    assert green.suggestion.startswith("tighten-prompt: weight mia's appearance")


def test_identity_skips_looks_too_small_to_compare() -> None:
    earlier = [summary("s1", camera(180.0), looks=(look((0.8, 0.1, 0.1)),))]
    tiny = identity(summary("s2", camera(150.0), looks=(look((0.1, 0.2, 0.7), pixels=MIN_PIXELS - 1),)), earlier)
    assert tiny.passed and "not applicable" in tiny.detail
    first_seen = identity(summary("s2", camera(150.0), looks=(look((0.1, 0.2, 0.7), name="rex"),)), earlier)
    assert first_seen.passed and "not applicable" in first_seen.detail


def test_shot_size_variety_names_the_shot_to_change() -> None:
    sizes = [ShotSize.WIDE, ShotSize.MEDIUM, ShotSize.MEDIUM, ShotSize.MEDIUM, ShotSize.CLOSE_UP]
    films = [summary(f"s{index}", camera(180.0), size=size) for index, size in enumerate(sizes)]
    result = shot_size_variety(films)
    assert result.score == pytest.approx(0.5) and result.passed  # 2 of 4 cuts change size
    assert result.per_frame == [1.0, 3.0, 3.0, 3.0, 5.0]
    flat = shot_size_variety([films[1], films[2], films[3]])
    assert not flat.passed and flat.suggestion.startswith("tighter-shot: film s2 at another size")
    closest = [summary(f"s{index}", camera(180.0), size=ShotSize.EXTREME_CLOSE_UP) for index in range(3)]
    assert shot_size_variety(closest).suggestion.startswith("wider-shot: film s1")
    single = check_film(films[:1])
    assert [(check.name, check.passed) for check in single] == [("shot_size_variety", True)]
    assert "single shot" in single[0].detail
