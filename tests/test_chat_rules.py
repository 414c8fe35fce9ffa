"""The offline chat's plain requests: each changes the storyboard as its slash command does, an unknown request is
answered in one line and changes nothing, and a story still replans."""

from functools import cache
from pathlib import Path

import pytest

from storyreel.agent.chat import HELP, ChatRecord, ChatSession
from storyreel.agent.chat_rules import NOT_UNDERSTOOD, reads_as_story, understand
from storyreel.planners.rules import plan_story
from storyreel.planners.table import shot_table
from storyreel.schema import RunOptions, ShotSize, Storyboard

STORY = "A girl named Mia walks in the park. A dog runs to the girl. The dog sits. Mia waves at the dog. " + (
    "The dog sleeps on the beach."
)


@cache
def _board() -> Storyboard:
    return plan_story(STORY)


def _session(root: Path, storyboard: Storyboard | None = None) -> ChatSession:
    options = RunOptions.build(fps=8, resolution="96x54", style="toon", seed=1, camera="baseline", planner="rules")
    return ChatSession.start(root, ChatRecord(options=options, versions=[storyboard] if storyboard else []))


@pytest.mark.parametrize(
    ("plain", "slash"),
    [
        ("make shot 2 a close-up", "/edit 2 size=close-up"),
        ("shot 3 should be wide", "/edit 3 size=wide"),
        ("make the second shot a close up", "/edit 2 size=close-up"),
        ("make the last shot a medium shot", "/edit 5 size=medium"),
        ("use a low angle for shot 1", "/edit 1 angle=low"),
        ("make shot 2 a dolly in", "/edit 2 move=dolly-in"),
        ("make shot 3 a dolly-in", "/edit 3 move=dolly-in"),
        ("Please make shot two an extreme closeup.", "/edit 2 size=extreme-close-up"),
        ("make shot 2 5 seconds", "/edit 2 duration=5"),
        ("dissolve into shot 3", "/edit 3 transition=dissolve"),
        ("add a shot of the dog asleep", "/add the dog asleep"),
        ("add a shot after shot 2 of the girl waving", "/add after=2 the girl waving"),
        ("add a close-up of Mia waving before shot 3", "/add after=2 size=close-up Mia waving"),
        ("make it night", "/scene time=night"),
        ("make it rain", "/scene weather=rain"),
        ("make it snowy in the park", "/scene location=park weather=snow"),
        ("remove the last shot", "/remove 5"),
        ("delete shot 3", "/remove 3"),
        ("cut shot 2", "/remove 2"),
        ("she says hello in shot 4", "/say 4 mia hello"),
    ],
)
def test_a_plain_request_edits_as_its_slash_command_does(tmp_path: Path, plain: str, slash: str):
    session, twin = _session(tmp_path / "plain", _board()), _session(tmp_path / "slash", _board())
    answer = session.handle(plain)
    assert answer.startswith("understood: ") and "\nchanged the storyboard:\n" in answer
    assert twin.handle(slash).startswith("changed the storyboard")
    assert session.storyboard == twin.storyboard != _board()


def test_the_answer_says_how_a_request_was_understood(tmp_path: Path):
    session = _session(tmp_path / "chat", _board())
    assert session.handle("make the second shot a close up").startswith("understood: shot 2 size -> close-up\n")
    assert session.handle("make it snowy in the park").startswith("understood: park weather -> snow\n")
    assert session.handle("remove the last shot").startswith("understood: remove shot 5\n")
    before = _board().shots[1].duration
    assert session.handle("make shot 2 longer").startswith(
        f"understood: shot 2 duration -> {round(before + 1, 2):g} s\n"
    )
    assert session.storyboard is not None and session.storyboard.shots[1].duration == pytest.approx(before + 1)
    session.handle("make shot 2 shorter")
    assert session.storyboard.shots[1].duration == pytest.approx(before)


def test_the_girl_of_an_added_shot_is_the_girl_of_the_story(tmp_path: Path):
    session = _session(tmp_path / "chat", _board())
    session.handle("add a shot after shot 2 of the girl waving")
    assert session.storyboard is not None and session.storyboard.cast == _board().cast
    assert session.storyboard.shots[2].subjects == ["mia"]


def test_undo_render_shots_and_help_in_plain_words(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    session = _session(tmp_path / "chat", _board())
    session.handle("make it night")
    assert session.handle("undo").startswith("understood: undo\nundone; now:")
    assert session.storyboard == _board()

    filmed: list[bool] = []
    monkeypatch.setattr(session, "render", lambda progress=False: filmed.append(progress) or "rendered (stub)")
    for line in ("render", "film it", "make the video"):
        assert session.handle(line) == "understood: render\nrendered (stub)"
    assert filmed == [False, False, False]

    assert session.handle("show the shots") == session.handle("list shots") == shot_table(_board())
    assert session.handle("help") == session.handle("/help") == HELP
    assert '"make shot 2 a close-up"' in HELP and "plans a new story" in HELP


@pytest.mark.parametrize(
    "line", ["paint the dog purple", "make shot 2 purple", "make shot 2 not a close-up", "sing me a song", "hello"]
)
def test_an_unknown_request_is_answered_in_one_line_and_changes_nothing(tmp_path: Path, line: str):
    session = _session(tmp_path / "chat", _board())
    assert session.handle(line) == NOT_UNDERSTOOD
    assert "\n" not in NOT_UNDERSTOOD and session.record.versions == [_board()]


def test_a_story_still_replans(tmp_path: Path):
    session = _session(tmp_path / "chat", _board())
    assert session.handle("A cat sleeps on the sofa. The cat wakes up.").startswith("planned")
    assert session.storyboard is not None and [c.kind for c in session.storyboard.cast] == ["cat"]
    assert len(session.record.versions) == 2


def test_a_request_that_cannot_apply_is_a_one_line_error(tmp_path: Path):
    session = _session(tmp_path / "chat", _board())
    assert session.handle("make shot 9 wide") == "error: there is no shot '9': use a number from 1 to 5 or a shot id"
    assert session.handle("delete the tenth shot").startswith("error: there is no shot '10'")
    assert session.handle("make it night on the moon") == "error: there is no location 'moon': use one of park, beach"
    assert session.handle("add a shot before shot 1").startswith("error: a shot is added after another")
    assert session.record.versions == [_board()]


def test_before_any_story_only_the_fixed_commands_are_requests(tmp_path: Path):
    session = _session(tmp_path / "chat")
    assert session.handle("help") == HELP
    assert session.handle("render").startswith("error: there is no storyboard yet")
    assert session.handle("A dog runs in the park.").startswith("planned")


@pytest.mark.parametrize(
    ("line", "story"),
    [
        ("The dog sleeps.", True),
        ("Mia is running to the beach", True),
        ("There is a cat in the room.", True),
        ('"Hello!" she says. A dog barks.', True),
        ("paint it blue", False),
        ("sing me a song", False),
        ("the dog should be bigger", False),
        ("I want more dogs", False),
        ("does the dog bark?", False),
        ("the dog in shot 2 runs", False),
    ],
)
def test_a_story_is_told_from_a_request(line: str, story: bool):
    assert reads_as_story(line) is story


def test_values_are_matched_loosely_and_a_line_with_words_left_over_is_not_understood():
    board = _board()
    for said in ("close up", "close-up", "closeup", "close-ups"):
        request = understand(f"make shot 2 a {said}", board)
        assert request is not None and request.arguments == {"shot": "2", "size": ShotSize.CLOSE_UP.value}
    request = understand("shot 1: eye level, static, from the penultimate one", board)
    assert request is None  # two shots named
    request = understand("make the penultimate shot high angle and panning", board)
    assert request is not None and request.arguments == {"shot": "4", "angle": "high", "move": "pan"}
    request = understand("make the last shot a wide shot", board)
    assert request is not None and request.arguments == {"shot": "5", "size": "wide"}
    request = understand("make shot 4 a dolly in", board)
    assert request is not None and request.arguments == {"shot": "4", "move": "dolly-in"}
    assert understand("make shot 2 a wide close-up", board) is None  # two sizes
    assert understand("make it night", None) is None  # before any storyboard: a story
