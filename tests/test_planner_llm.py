"""The LLM planner against a real HTTP server speaking the OpenAI API, driven through the real openai client."""

import copy
import json
import re
from pathlib import Path

import pytest
from openai_server import FakeOpenAI, Reply, refused_url

from storyreel.cli import main
from storyreel.errors import UserError
from storyreel.planners import DEFAULT_MODEL, LLMSettings, PlannerSettings, plan
from storyreel.planners.lexicon import COLORS
from storyreel.planners.llm import LLMPlanError, plan_with_llm
from storyreel.schema import Storyboard

STORY = "Rex, a red dog, chases a ball in the park. Then he rests."
GOOD = {
    "title": "Rex and the ball",
    "cast": [{"id": "rex", "name": "Rex", "kind": "dog", "appearance": {"color": "red", "size": 1.0}}],
    "locations": [
        {
            "id": "park",
            "name": "the park",
            "kind": "park",
            "props": [
                {"id": "ball", "name": "ball", "kind": "ball"},
                {"id": "zeppelin", "name": "zeppelin", "kind": "zeppelin"},
            ],
        }
    ],
    "shots": [
        {
            "id": "shot_01",
            "location": "park",
            "duration": 3.33,
            "description": "Rex chases the ball across the park.",
            "subjects": ["rex", "ball"],
            "actions": [{"actor": "rex", "verb": "chase", "target": "ball"}],
            "size": "wide",
            "angle": "high",
            "move": "pan",
            "transition": "fade",
        },
        {
            "id": "shot_02",
            "location": "park",
            "duration": 2.5,
            "description": "Rex rests and Mia falls.",
            "subjects": ["rex"],
            "actions": [{"actor": "rex", "verb": "sit"}],
            "size": "close-up",
            "angle": "eye",
            "move": "static",
            "transition": "cut",
        },
    ],
}


def _settings(url: str, **changes) -> LLMSettings:
    return LLMSettings(**{"model": "test-model", "base_url": url, "api_key": "k", "max_retries": 1, **changes})


def _with(**changes) -> str:
    reply = copy.deepcopy(GOOD)
    reply.update(changes)
    return json.dumps(reply)


def _last_user_text(body: dict) -> str:
    return body["messages"][-1]["content"]


@pytest.fixture(autouse=True)
def _no_llm_environment(monkeypatch):
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "STORYREEL_LLM_MODEL"):
        monkeypatch.delenv(name, raising=False)


def test_a_valid_reply_becomes_the_runs_storyboard():
    with FakeOpenAI([Reply(content=json.dumps(GOOD))]) as server:
        storyboard = plan_with_llm(STORY, _settings(server.url), fps=12)
    body = server.received[0].body
    assert body["model"] == "test-model"
    assert body["response_format"]["type"] == "json_schema"
    schema = body["response_format"]["json_schema"]["schema"]
    assert "fps" not in schema["properties"] and "shots" in schema["properties"]
    assert "dog" in schema["$defs"]["Character"]["properties"]["kind"]["enum"]
    system = body["messages"][0]["content"]
    assert "180-degree" in system and "establishing" in system
    assert body["messages"][1]["content"] == STORY
    assert storyboard.title == "Rex and the ball"
    assert "resolution" not in schema["properties"] and "style" not in schema["properties"]
    assert storyboard.cast[0].appearance.rgb == pytest.approx(COLORS["red"])
    assert storyboard.shots[0].duration == pytest.approx(40 / 12)  # 3.33 s rounded to whole frames
    zeppelin = storyboard.locations[0].props[1]
    assert zeppelin.generic and storyboard.unknown_nouns == ["zeppelin"]
    assert [shot.unstaged for shot in storyboard.shots] == [[], ["fall"]]  # read from the sentence, as the rules do


def test_malformed_json_goes_back_for_repair():
    with FakeOpenAI([Reply(content='{"title": "Rex", "cast": ['), Reply(content=json.dumps(GOOD))]) as server:
        storyboard = plan_with_llm(STORY, _settings(server.url))
    assert len(server.received) == 2
    repair = server.received[1].body["messages"]
    assert repair[-2]["role"] == "assistant" and repair[-2]["content"].startswith('{"title": "Rex"')
    assert "not valid JSON" in _last_user_text(server.received[1].body)
    assert storyboard.title == GOOD["title"]


def test_a_reply_that_violates_the_schema_goes_back_with_the_errors():
    wrong = copy.deepcopy(GOOD)
    wrong["shots"][1]["subjects"] = ["cat"]
    wrong["shots"][0]["size"] = "gigantic"
    with FakeOpenAI([Reply(content=json.dumps(wrong)), Reply(content=json.dumps(GOOD))]) as server:
        plan_with_llm(STORY, _settings(server.url))
    errors = _last_user_text(server.received[1].body)
    assert "shots.0.size" in errors and "'extreme-wide'" in errors


def test_unknown_references_and_kinds_are_repaired_too():
    unknown_entity = copy.deepcopy(GOOD)
    unknown_entity["shots"][1]["subjects"] = ["cat"]
    unicorn = copy.deepcopy(GOOD)
    unicorn["cast"][0]["kind"] = "unicorn"
    replies = [Reply(content=json.dumps(unknown_entity)), Reply(content=json.dumps(unicorn)), Reply(content=_with())]
    with FakeOpenAI(replies) as server:
        plan_with_llm(STORY, _settings(server.url, max_repairs=2))
    assert "unknown entity 'cat'" in _last_user_text(server.received[1].body)
    assert "'unicorn' is not a character kind" in _last_user_text(server.received[2].body)


def test_repairs_are_bounded_then_the_rule_planner_takes_over(caplog):
    replies = [Reply(content='{"title": 1}')] * 3
    with FakeOpenAI(replies) as server, pytest.raises(LLMPlanError, match="still invalid after 2 repairs"):
        plan_with_llm(STORY, _settings(server.url, max_repairs=2))
    assert len(server.received) == 3

    with FakeOpenAI([Reply(content='{"title": 1}')] * 3) as server:
        made = plan(STORY, PlannerSettings(planner="llm", base_url=server.url, max_retries=0))
    assert made.planner == "rules" and made.storyboard.shots
    assert len(made.warnings) == 1 and "planned with the offline rule planner instead" in made.warnings[0]
    assert made.warnings[0] in caplog.text


def test_429_is_retried_after_its_retry_after():
    replies = [Reply(status=429, headers={"Retry-After": "1"}), Reply(content=json.dumps(GOOD))]
    with FakeOpenAI(replies) as server:
        storyboard = plan_with_llm(STORY, _settings(server.url))
    assert storyboard.title == GOOD["title"]
    first, second = server.received
    assert second.at - first.at >= 0.95  # waited as the server asked (the client's own backoff is shorter)


def test_500_is_retried_and_a_lasting_500_fails_in_one_line():
    with FakeOpenAI([Reply(status=500), Reply(content=json.dumps(GOOD))]) as server:
        assert plan_with_llm(STORY, _settings(server.url)).title == GOOD["title"]
    assert len(server.received) == 2

    with FakeOpenAI([Reply(status=503)] * 2) as server, pytest.raises(LLMPlanError) as failure:
        plan_with_llm(STORY, _settings(server.url))
    assert len(server.received) == 2
    assert str(failure.value) == f"{server.url} failed with HTTP 503 (2 tries)"


def test_a_timeout_is_retried():
    replies = [Reply(content=json.dumps(GOOD), delay_s=2.0), Reply(content=json.dumps(GOOD))]
    with FakeOpenAI(replies) as server:
        storyboard = plan_with_llm(STORY, _settings(server.url, timeout_s=0.5))
    assert storyboard.title == GOOD["title"] and len(server.received) == 2

    timing_out = [Reply(content="{}", delay_s=2.0)] * 2
    with (
        FakeOpenAI(timing_out) as server,
        pytest.raises(LLMPlanError, match=r"did not answer within 0.5 s \(2 tries\)"),
    ):
        plan_with_llm(STORY, _settings(server.url, timeout_s=0.5))


def test_connection_refused_falls_back_with_a_warning_or_fails_without_fallback():
    url = refused_url()
    made = plan(STORY, PlannerSettings(planner="llm", base_url=url, max_retries=0))
    assert made.planner == "rules"
    assert made.warnings == [
        f"LLM planning failed: cannot connect to {url} (1 tries): check that the server runs and --llm-base-url "
        "is right; planned with the offline rule planner instead"
    ]
    with pytest.raises(UserError, match=r"cannot connect .* \(--no-fallback is set\)"):
        plan(STORY, PlannerSettings(planner="llm", base_url=url, max_retries=0, fallback=False))


def test_a_refusal_in_plain_text_is_not_repaired_and_falls_back():
    with FakeOpenAI([Reply(content="I'm sorry, but I can't help with that story.")]) as server:
        made = plan(STORY, PlannerSettings(planner="llm", base_url=server.url, max_retries=0))
    assert len(server.received) == 1
    assert made.planner == "rules"
    assert "declined to plan the story: \"I'm sorry, but I can't help with that story.\"" in made.warnings[0]

    refusing = FakeOpenAI([Reply(refusal="I can't assist with that.")])
    declined = re.escape('declined to plan the story: "I can\'t assist with that."')
    with refusing as server, pytest.raises(LLMPlanError, match=declined):
        plan_with_llm(STORY, _settings(server.url))


def test_the_environment_chooses_the_planner(monkeypatch):
    assert PlannerSettings().llm() is None
    assert PlannerSettings(planner="rules", base_url="http://x/v1").llm() is None
    with pytest.raises(UserError, match="--planner llm needs an LLM"):
        PlannerSettings(planner="llm").llm()
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    chosen = PlannerSettings().llm()
    assert chosen is not None and chosen.model == DEFAULT_MODEL and chosen.base_url is None
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:1/v1")
    monkeypatch.setenv("STORYREEL_LLM_MODEL", "llama3.1")
    chosen = PlannerSettings(base_url="http://127.0.0.1:2/v1").llm()
    assert chosen is not None and (chosen.model, chosen.base_url) == ("llama3.1", "http://127.0.0.1:2/v1")
    assert PlannerSettings(model="qwen").llm().model == "qwen"  # type: ignore[union-attr]
    assert "sk-test" not in json.dumps(PlannerSettings().key())


@pytest.mark.slow
def test_make_plans_with_the_llm_and_resumes_without_asking_again(tmp_path: Path, capsys):
    out = tmp_path / "run"
    args = ["make", STORY, "--out", str(out), "--fps", "8", "--resolution", "96x54", "--reviser", "policy", "-q"]
    with FakeOpenAI([Reply(content=json.dumps(GOOD))]) as server:
        assert main([*args, "--llm-base-url", server.url, "--llm-model", "m"]) == 0
        assert main([*args, "--llm-base-url", server.url, "--llm-model", "m"]) == 0  # resumes: no second request
    assert len(server.received) == 1
    storyboard = Storyboard.model_validate_json((out / "storyboard.json").read_text())
    assert storyboard.title == GOOD["title"] and [s.id for s in storyboard.shots] == ["shot_01", "shot_02"]
    assert "Rex and the ball: 2 shots" in capsys.readouterr().out


def test_make_without_fallback_fails_in_one_line(tmp_path: Path, capsys):
    url = refused_url()
    code = main(["make", STORY, "--out", str(tmp_path / "run"), "--llm-base-url", url, "--no-fallback", "-q"])
    error = capsys.readouterr().err
    assert code == 2
    assert error.count("\n") == 1 and error.startswith("storyreel: error: LLM planning failed: cannot connect")


SPOKEN_STORY = 'Rex, a red dog, chases a ball in the park. "Come back!" Mia shouts. Then he rests.'


def _spoken(speaker: str) -> dict:
    reply = copy.deepcopy(GOOD)
    reply["cast"].append({"id": "mia", "name": "Mia", "kind": "person"})
    reply["shots"][0]["lines"] = [{"text": "Come back!", "speaker": speaker}]
    return reply


def test_the_model_fills_the_lines_and_is_told_how() -> None:
    with FakeOpenAI([Reply(content=json.dumps(_spoken("mia")))]) as server:
        storyboard = plan_with_llm(SPOKEN_STORY, _settings(server.url))
    assert [(line.speaker, line.text) for line in storyboard.shots[0].lines] == [("mia", "Come back!")]
    body = server.received[0].body
    line = body["response_format"]["json_schema"]["schema"]["$defs"]["Line"]
    assert line["properties"]["speaker"]["anyOf"] == [{"type": "string"}, {"type": "null"}]
    assert "lines" in body["response_format"]["json_schema"]["schema"]["$defs"]["Shot"]["properties"]
    system = body["messages"][0]["content"]
    assert "quoted speech" in system and "Add no narration" in system


def test_a_line_for_someone_not_in_the_cast_goes_back_for_repair() -> None:
    replies = [Reply(content=json.dumps(_spoken("the_girl"))), Reply(content=json.dumps(_spoken("mia")))]
    with FakeOpenAI(replies) as server:
        storyboard = plan_with_llm(SPOKEN_STORY, _settings(server.url))
    assert "gives a line to 'the_girl', who is not in the cast" in _last_user_text(server.received[1].body)
    assert storyboard.shots[0].lines[0].speaker == "mia"


def test_narration_applies_to_the_llms_storyboard_and_to_the_fallback() -> None:
    with FakeOpenAI([Reply(content=json.dumps(_spoken("mia")))]) as server:
        made = plan(SPOKEN_STORY, PlannerSettings(planner="llm", base_url=server.url, max_retries=0, narrate=True))
    assert made.planner == "llm"
    assert [[(line.speaker, line.text) for line in shot.lines] for shot in made.storyboard.shots] == [
        [(None, "Rex, a red dog, chases a ball in the park."), ("mia", "Come back!")],
        [(None, "Then he rests.")],
    ]
    fallback = plan(SPOKEN_STORY, PlannerSettings(planner="llm", base_url=refused_url(), max_retries=0, narrate=True))
    assert fallback.planner == "rules" and fallback.warnings
    assert any(line.speaker is None for shot in fallback.storyboard.shots for line in shot.lines)
