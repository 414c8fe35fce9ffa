"""The chat: its session (offline commands, undo, resume), the LLM's tool calls over a real streaming OpenAI-style
server, and the terminal once end to end in a pseudo-terminal."""

import json
import os
import sys
from pathlib import Path

import pexpect
import pytest
from openai_server import FakeOpenAI, Reply
from test_planner_llm import GOOD

from storyreel.agent.chat import ChatRecord, ChatSession
from storyreel.agent.chat_llm import ChatAgent
from storyreel.errors import UserError
from storyreel.planners import LLMSettings
from storyreel.schema import Line, RunOptions, ShotSize, TimeOfDay

STORY = (
    "A red dog runs in the park. The dog jumps over a yellow ball. The dog sits. A cat looks at the dog. The dog barks."
)


@pytest.fixture(autouse=True)
def _no_llm_environment(monkeypatch):
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "STORYREEL_LLM_MODEL"):
        monkeypatch.delenv(name, raising=False)


def _record(**changes) -> ChatRecord:
    options = {"fps": 8, "resolution": "96x54", "style": "toon", "seed": 1, "camera": "baseline", "planner": "rules"}
    return ChatRecord(options=RunOptions.build(**(options | changes)))


def test_offline_chat_plans_edits_undoes_and_resumes(tmp_path: Path):
    session = ChatSession.start(tmp_path / "chat", _record())
    table = session.handle(STORY)
    assert "planned" in table and "shot_05" in table
    assert session.storyboard is not None and len(session.storyboard.shots) == 5

    assert "changed the storyboard" in session.handle("/edit 2 size=close-up angle=low")
    assert session.storyboard.shots[1].size == ShotSize.CLOSE_UP
    session.handle("/add after=5 subjects=dog verb=sit the dog asleep")
    added = session.storyboard.shots[-1]
    assert (added.description, added.actions[0].verb.value, added.subjects) == ("the dog asleep", "sit", ["dog"])
    session.handle("/scene time=night")
    assert all(loc.time_of_day == TimeOfDay.NIGHT for loc in session.storyboard.locations)
    session.handle("/remove 1")
    assert next(s.id for s in session.storyboard.shots) == "shot_02"

    assert session.handle("/edit 9 size=wide") == "error: there is no shot '9': use a number from 1 to 5 or a shot id"
    assert session.handle("/edit 2 size=huge").startswith("error: size: Input should be")
    assert session.handle("/edit 2 subjects=unicorn").startswith("error: ")
    assert session.handle("/frobnicate").startswith("error: unknown command /frobnicate")

    session.handle("/undo")  # back before /remove
    assert session.storyboard.shots[0].id == "shot_01"

    again = ChatSession.resume(tmp_path / "chat")
    assert again.storyboard == session.storyboard
    assert [t.role for t in again.history[:2]] == ["user", "assistant"] and again.history[0].text == STORY
    assert len(again.record.versions) == len(session.record.versions)


def test_a_saved_chat_is_not_overwritten_and_a_missing_one_is_named(tmp_path: Path):
    ChatSession.start(tmp_path / "chat", _record())
    with pytest.raises(UserError, match="--resume"):
        ChatSession.start(tmp_path / "chat", _record())
    with pytest.raises(UserError, match="holds no chat"):
        ChatSession.resume(tmp_path / "elsewhere")


def test_commands_before_any_story_say_what_to_do(tmp_path: Path):
    session = ChatSession.start(tmp_path / "chat", _record())
    assert session.handle("/shots").startswith("error: there is no storyboard yet: tell a story first")
    assert session.handle("/undo") == "error: nothing to undo"


@pytest.mark.slow
def test_render_after_an_edit_films_only_the_edited_shot(tmp_path: Path):
    session = ChatSession.start(tmp_path / "chat", _record())
    session.handle(STORY)
    assert session.handle("/render").startswith("rendered 5 shots, reused 0")
    session.handle("/edit 3 size=extreme-wide")
    assert session.handle("/render").startswith("rendered 1 shot, reused 4")
    assert (tmp_path / "chat" / "final.mp4").stat().st_size > 0


def test_llm_chat_edits_through_streamed_tool_calls(tmp_path: Path):
    replies = [
        Reply(content="Let me plan that.", tool_calls=[("plan_story", {"story": "Rex chases a ball."})]),
        Reply(content=json.dumps(GOOD)),  # the planner's structured output
        Reply(content="Planned two shots."),
        Reply(tool_calls=[("edit_shot", "shot two, please"), ("edit_shot", {"shot": "7"})]),
        Reply(tool_calls=[("edit_shot", {"shot": "1", "size": "close-up"}), ("set_scene", {"time_of_day": "night"})]),
        Reply(content="Shot 1 is a close-up now, and it is night."),
    ]
    with FakeOpenAI(replies) as server:
        session = ChatSession.start(tmp_path / "chat", _record(planner="llm", llm_base_url=server.url))
        llm = session.planner.llm()
        assert isinstance(llm, LLMSettings)
        agent = ChatAgent(session, llm)
        streamed: list[str] = []
        first = agent.reply("Rex chases a ball.", on_text=streamed.append)
        assert "".join(streamed) == "Let me plan that.Planned two shots."
        assert len(streamed) > 2  # the words arrived in pieces
        assert session.storyboard is not None and session.storyboard.title == GOOD["title"]
        assert first.results[0].startswith("planned 'Rex and the ball': 2 shots")

        second = agent.reply("make shot 1 a close-up and make it night")
    assert second.words == "Shot 1 is a close-up now, and it is night."
    assert session.storyboard.shots[0].size == ShotSize.CLOSE_UP
    assert session.storyboard.locations[0].time_of_day == TimeOfDay.NIGHT

    chat_request = server.received[0].body
    assert chat_request["stream"] is True
    tools = {tool["function"]["name"]: tool["function"] for tool in chat_request["tools"]}
    assert {"plan_story", "edit_shot", "add_shot", "remove_shot", "set_scene", "undo", "render"} <= set(tools)
    assert tools["edit_shot"]["parameters"]["properties"]["size"]["anyOf"][0]["$ref"].endswith("ShotSize")
    assert "response_format" in server.received[1].body  # planning went through the structured-output planner

    # The bad calls went back to the model as tool results naming the problem, and the model tried again.
    messages = server.received[4].body["messages"]
    asked = next(m for m in reversed(messages) if m["role"] == "assistant" and m.get("tool_calls"))
    assert len(asked["tool_calls"]) == 2  # both calls, the unparsable one too, are answered by id
    results = {m["tool_call_id"]: m["content"] for m in messages if m["role"] == "tool"}
    answers = [results["call_0"], results["call_1"]]  # the server's ids, in the order the model made the calls
    assert answers[0].startswith("error: the arguments of edit_shot are not valid JSON")
    assert answers[1] == "error: there is no shot '7': use a number from 1 to 2 or a shot id"
    # The storyboard and the shot list reach the model in its system message.
    assert "shot_02" in server.received[3].body["messages"][0]["content"]

    resumed = ChatSession.resume(tmp_path / "chat")
    assert resumed.storyboard == session.storyboard
    assert [t.text for t in resumed.history if t.role == "user"] == [
        "Rex chases a ball.",
        "make shot 1 a close-up and make it night",
    ]


@pytest.mark.slow
def test_terminal_chat_end_to_end_in_a_pseudo_terminal(tmp_path: Path):
    env = {k: v for k, v in os.environ.items() if k not in ("OPENAI_API_KEY", "OPENAI_BASE_URL")}
    base = [sys.executable, "-m", "storyreel.cli", "chat"]
    settings = ["--fps", "8", "--resolution", "96x54", "--camera", "baseline", "-q"]
    child = pexpect.spawn(base[0], [*base[1:], "--out", str(tmp_path / "chat"), *settings], env=env, timeout=60)
    child.expect("offline rule planner")
    child.expect_exact("you> ")
    child.sendline("A dog runs in the park. The dog sits under a tree.")
    child.expect("planned .*: 2 shots")
    child.expect_exact("you> ")
    child.sendline("/edit 2 size=extreme-close-up")
    child.expect("changed the storyboard")
    child.expect_exact("you> ")
    child.sendline("/render")
    child.expect("rendered 2 shots, reused 0")
    child.expect_exact("you> ")
    child.sendline("/quit")
    child.expect("go on with: storyreel chat --resume")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0

    child = pexpect.spawn(base[0], [*base[1:], "--resume", str(tmp_path / "chat"), "-q"], env=env, timeout=60)
    child.expect("resumed")
    child.expect_exact("you> ")
    child.sendline("/shots")
    child.expect("extreme-close-up")
    child.sendeof()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_an_added_shot_reads_its_words_and_a_new_noun_joins_the_cast():
    from storyreel.agent.chat import AddShot, add_shot
    from storyreel.planners.rules import plan_story

    board = plan_story("A girl named Mia sits on a chair in the room. She reads a book.")
    added = add_shot(board, AddShot(description="a brown dog runs to the chair"), 24)
    dog = next(c for c in added.cast if c.kind == "dog")
    assert dog.appearance.color == "brown" and added.shots[-1].subjects == [dog.id, "chair"]
    assert [(a.actor, a.verb.value, a.target) for a in added.shots[-1].actions] == [(dog.id, "run", "chair")]
    again = add_shot(added, AddShot(description="Mia waves at the dog"), 24)
    assert again.shots[-1].subjects == ["mia", dog.id] and len(again.cast) == len(added.cast)
    assert add_shot(again, AddShot(description="she sleeps"), 24).shots[-1].subjects == ["mia"]


def test_lines_are_said_narrated_shown_undone_and_cleared(tmp_path: Path):
    session = ChatSession.start(tmp_path / "chat", _record())
    session.handle('A girl named Mia walks in the park. "Hello!" she says. A dog runs.')
    assert session.storyboard is not None and session.storyboard.shots[1].lines == [Line(text="Hello!", speaker="mia")]

    table = session.handle('/say 3 MIA "Come here, little dog."')
    assert session.storyboard.shots[2].lines == [Line(text="Come here, little dog.", speaker="mia")]
    assert 'mia: "Come here, little dog."' in table  # /shots shows the lines
    session.handle("/narrate shot_03 The dog stops.")
    assert session.storyboard.shots[2].lines[-1] == Line(text="The dog stops.")
    assert 'mia: "Come here, little dog." / narrator: "The dog stops."' in session.handle("/shots")
    session.handle("/narrate 3 The dog stops and looks at the girl for a long, long while.")
    assert session.handle("/shots").splitlines()[-1].endswith('narrator: "The dog stops."…')

    assert session.handle('/say 3 rex "Woof"') == "error: there is no cast member 'rex': use one of mia, dog"
    assert session.handle("/say 3 mia").startswith("error: /say needs a shot, a speaker and the words: e.g. /say 2")
    assert session.handle('/narrate 9 "Night."').startswith("error: there is no shot '9'")

    session.handle("/undo")
    session.handle("/undo")  # the two narrations
    assert session.storyboard.shots[2].lines == [Line(text="Come here, little dog.", speaker="mia")]
    session.handle("/unsay 3")
    assert session.storyboard.shots[2].lines == []
    assert session.handle("/unsay 3") == "error: shot shot_03 has no lines to remove"
    assert "/say N SPEAKER" in session.handle("/help") and "/unsay N" in session.handle("/help")


def test_the_llm_chat_has_the_line_tools(tmp_path: Path):
    from storyreel.agent.chat import tool_schemas

    tools = {tool["function"]["name"]: tool["function"]["parameters"] for tool in tool_schemas()}
    assert {"say_line", "narrate_line", "clear_lines"} <= set(tools)
    assert set(tools["say_line"]["required"]) == {"shot", "speaker", "text"}

    session = ChatSession.start(tmp_path / "chat", _record())
    session.handle("A girl named Mia walks in the park.")
    assert session.run("say_line", {"shot": "1", "speaker": "Mia", "text": "What a day!"}).startswith("changed")
    assert session.storyboard is not None and session.storyboard.shots[0].lines[0].speaker == "mia"


def test_a_chat_started_with_narrate_narrates_the_story(tmp_path: Path):
    session = ChatSession.start(tmp_path / "chat", _record(narrate=True))
    session.handle('A girl named Mia walks in the park. "Hello!" she says.')
    assert session.storyboard is not None
    assert [[line.speaker for line in shot.lines] for shot in session.storyboard.shots] == [[None], ["mia"]]
