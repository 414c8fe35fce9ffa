import json

import pytest
from pydantic import ValidationError

from storyreel.schema import (
    SCHEMA_VERSION,
    Action,
    CameraPath,
    Character,
    Location,
    Resolution,
    Shot,
    Storyboard,
    Verb,
    json_schemas,
)


def _storyboard(**shot_overrides) -> Storyboard:
    shot = {"id": "s1", "location": "park", "duration": 3.0, "subjects": ["rex"], **shot_overrides}
    return Storyboard(
        title="t",
        cast=[Character(id="rex", name="Rex", kind="dog")],
        locations=[Location(id="park", name="park")],
        shots=[Shot(**shot)],
    )


def test_storyboard_round_trips_through_json():
    board = _storyboard(actions=[Action(actor="rex", verb=Verb.RUN)])
    again = Storyboard.model_validate_json(board.model_dump_json())
    assert again == board
    assert json.loads(board.model_dump_json())["schema_version"] == SCHEMA_VERSION


def test_unknown_references_are_rejected():
    with pytest.raises(ValidationError, match="unknown entity"):
        _storyboard(subjects=["ghost"])
    with pytest.raises(ValidationError, match="unknown location"):
        _storyboard(location="moon")


def test_json_schema_export_names_every_model():
    schemas = json_schemas()
    assert {"Storyboard", "CameraPath", "CheckResult", "RunReport"} <= schemas.keys()
    assert "shots" in schemas["Storyboard"]["properties"]


def test_resolution_parse_and_even_sides():
    assert Resolution.parse("640x360") == Resolution(width=640, height=360)
    with pytest.raises(ValueError, match="WIDTHxHEIGHT"):
        Resolution.parse("big")
    with pytest.raises(ValidationError, match="even"):
        Resolution(width=641, height=360)


def test_camera_path_lengths_must_agree():
    with pytest.raises(ValidationError, match="same"):
        CameraPath(fps=24, positions=[(0, 0, 0)], orientations=[], fov_y=[50])


def test_shot_start_is_cumulative():
    board = _storyboard()
    board = board.model_copy(update={"shots": [*board.shots, board.shots[0].model_copy(update={"id": "s2"})]})
    assert board.shot_start("s2") == pytest.approx(3.0)
    assert board.duration == pytest.approx(6.0)
