"""The words heard in a shot: quoted speech found and tidied, and the narration of the story's other words."""

from __future__ import annotations

import pytest

from storyreel.planners import PlannerSettings, plan
from storyreel.planners.lines import dialogue, narrate, narration, speech, split_sentences, spoken
from storyreel.planners.rules import plan_story
from storyreel.schema import Line

FOX = (
    'A girl walks in a snowy forest. She finds a small fox. "Hello, little fox," she says. The fox wags its tail. '
    '"Come with me," says the girl.'
)


@pytest.mark.parametrize(
    ("words", "line"),
    [
        ("Hello, little fox,", "Hello, little fox."),
        ("Wait!", "Wait!"),
        ("Do you like dogs?", "Do you like dogs?"),
        ("  Come   here ", "Come here."),
        ("I think -", "I think."),
        ("Well...", "Well..."),
    ],
)
def test_quoted_words_become_a_line_with_an_end_mark(words: str, line: str) -> None:
    assert spoken(words) == line


def test_a_quotation_and_its_tag_stay_one_sentence() -> None:
    text = '"Sit!" Mia said to Rex. "Run!" The dog runs. "Hold on!" he said. “Curly,” she says.'
    assert split_sentences(text) == [
        '"Sit!" Mia said to Rex.',
        '"Run!"',
        "The dog runs.",
        '"Hold on!" he said.',
        '"Curly," she says.',
    ]


def test_speech_is_tagged_quotations_and_quotations_standing_alone() -> None:
    text = '"Hi," she says, "how are you?" She reads "The Hobbit" by the fire. "Yes!"'
    first, title, alone = speech(text)
    assert [quote.words for quote in first] == ["Hi,", "how are you?"]
    assert {text[slice(*quote.tag)] for quote in first if quote.tag} == {"says"}
    assert title == []  # a title is not speech
    assert [(quote.words, quote.tag) for quote in alone] == [("Yes!", None)]


def test_a_continued_quotation_joins_its_line_and_a_new_one_does_not() -> None:
    lines = dialogue([[("Hi,", "mia"), ("how are you?", "mia")], [("Stop!", "tom"), ("Come back!", "tom")]])
    assert lines == [
        Line(text="Hi, how are you?", speaker="mia"),
        Line(text="Stop!", speaker="tom"),
        Line(text="Come back!", speaker="tom"),
    ]
    assert [len(line.text) for line in dialogue([[("word " * 120, "mia")]])] == [399, 200]  # a Line holds 400


@pytest.mark.parametrize(
    ("sentence", "words"),
    [
        ('"Hello, little fox," she says.', ""),
        ('"Come with me," says the girl.', ""),
        ('"Sit," Mia said to Rex.', ""),
        ('She smiles and says, "Hi."', "She smiles."),
        ('"Come with me," says the girl, and she takes the fox home.', "She takes the fox home."),
        ('"Hi," he says, and she replies, "Hello."', ""),
        ("The fox wags its tail.", "The fox wags its tail."),
        ('She reads "The Hobbit" by the fire.', 'She reads "The Hobbit" by the fire.'),
    ],
)
def test_narration_leaves_out_speech_and_its_tag(sentence: str, words: str) -> None:
    assert narration(sentence) == words


def test_narration_reads_each_sentence_once_on_its_first_shot_before_the_dialogue() -> None:
    story = 'A dog runs, and then it sits. The dog sits. "Good dog," Mia says, and she smiles.'
    board = narrate(plan_story(story), story)
    heard = [[(line.speaker, line.text) for line in shot.lines] for shot in board.shots]
    assert heard == [
        [(None, "A dog runs, and then it sits.")],
        [],  # the clause "it sits" is narrated with its sentence, on the first shot
        [(None, "The dog sits.")],
        [("mia", "Good dog."), (None, "She smiles.")],  # the sentence opens with the speech
        [],
    ]
    assert narrate(board, story) == board  # narrating again replaces the narration


def test_narrate_applies_to_any_plan_and_changes_the_planners_key() -> None:
    made = plan(FOX, PlannerSettings(planner="rules", narrate=True))
    assert [[line.speaker for line in shot.lines] for shot in made.storyboard.shots] == [
        [None],
        [None],
        ["girl"],
        [None],
        ["girl"],
    ]
    assert all('"' not in line.text for shot in made.storyboard.shots for line in shot.lines)
    assert PlannerSettings(planner="rules", narrate=True).key() == {"planner": "rules", "narrate": True}
    assert PlannerSettings(planner="rules").key() == {"planner": "rules"}
