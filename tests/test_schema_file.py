"""schema/storyboard.schema.json: the published JSON Schema of a Storyboard is the model's, and planned storyboards
validate against it. Regenerate it with ``.venv/bin/python tests/test_schema_file.py``."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from storyreel.planners.rules import plan_story
from storyreel.schema import SCHEMA_VERSION, Storyboard

ROOT = Path(__file__).resolve().parents[1]
SCHEMA_FILE = ROOT / "schema" / "storyboard.schema.json"
REGENERATE = ".venv/bin/python tests/test_schema_file.py"
STORIES = sorted((ROOT / "examples" / "stories").glob("*.txt"))


def storyboard_schema_text() -> str:
    """The Storyboard's JSON Schema (Draft 2020-12) as published: sorted keys, indented, a trailing newline."""
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"urn:storyreel:schema:storyboard:{SCHEMA_VERSION}",
        **Storyboard.model_json_schema(),
    }
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _published() -> dict:
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


def test_the_published_schema_is_up_to_date() -> None:
    assert SCHEMA_FILE.is_file(), f"{SCHEMA_FILE.relative_to(ROOT)} is missing: run {REGENERATE}"
    assert SCHEMA_FILE.read_text(encoding="utf-8") == storyboard_schema_text(), (
        f"{SCHEMA_FILE.relative_to(ROOT)} is out of date with storyreel.schema.Storyboard: run {REGENERATE}"
    )


def test_the_schema_is_draft_2020_12_and_names_the_storyboard() -> None:
    schema = _published()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert jsonschema.validators.validator_for(schema) is jsonschema.Draft202012Validator
    assert schema["title"] == "Storyboard" and schema["$id"].endswith(f":{SCHEMA_VERSION}")
    assert {"title", "locations", "shots"} <= set(schema["required"])


@pytest.mark.parametrize("story", STORIES, ids=[path.stem for path in STORIES])
def test_a_planned_storyboard_validates(story: Path) -> None:
    board = plan_story(story.read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(_published(), format_checker=jsonschema.FormatChecker())
    document = board.model_dump(mode="json")
    assert not list(validator.iter_errors(document))

    bad_id = {**document, "shots": [{**document["shots"][0], "id": "Shot One"}]}
    no_shots = {key: value for key, value in document.items() if key != "shots"}
    extra = {**document, "fps": 24}  # run settings left the storyboard in 1.1
    for wrong, where in ((bad_id, ["shots", 0, "id"]), (no_shots, []), (extra, [])):
        errors = list(validator.iter_errors(wrong))
        assert errors and [list(error.absolute_path) for error in errors] == [where]


if __name__ == "__main__":
    SCHEMA_FILE.parent.mkdir(exist_ok=True)
    SCHEMA_FILE.write_text(storyboard_schema_text(), encoding="utf-8")
    print(f"wrote {SCHEMA_FILE.relative_to(ROOT)}")
