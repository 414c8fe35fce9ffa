"""The rule planner's language front end: spaCy's reading, the English decision, WordNet kinds for nouns."""

from __future__ import annotations

from pathlib import Path

import pytest

from storyreel.planners.language import is_english, read
from storyreel.planners.nouns import UNKNOWN, asset_kind
from storyreel.world.kinds import KINDS

DATA = Path(__file__).resolve().parent / "data"


def test_read_tags_lemmatises_and_parses() -> None:
    sentences = read("Her brother cooks. Two children play in the park.")
    assert [s.text for s in sentences] == ["Her brother cooks.", "Two children play in the park."]
    first = [(t.text, t.lemma, t.pos) for t in sentences[0].tokens]
    assert first[:3] == [("Her", "her", "PRON"), ("brother", "brother", "NOUN"), ("cooks", "cook", "VERB")]
    second = sentences[1]
    children = second.tokens[1]
    assert (children.lemma, children.tag, children.start) == ("child", "NNS", 23)
    assert second.tokens[children.head].lemma == "play" and children.dep == "nsubj"
    assert (0, 2) in second.chunks


def test_every_english_prompt_of_the_corpus_is_english_and_no_other_is() -> None:
    english = [line for line in (DATA / "prompts.txt").read_text().splitlines() if line.strip()]
    foreign = [line for line in (DATA / "prompts_not_english.txt").read_text().splitlines() if line.strip()]
    assert len(english) >= 200 and len(foreign) >= 10
    assert [line for line in english if not is_english(line)] == []
    assert [line for line in foreign if is_english(line)] == []


@pytest.mark.parametrize(
    ("lemma", "kind"),
    [
        ("koala", "bear"),
        ("kangaroo", "bear"),
        ("hedgehog", "mouse"),
        ("otter", "dog"),
        ("lobster", "crab"),
        ("squid", "octopus"),
        ("moth", "butterfly"),
        ("tortoise", "turtle"),
        ("toad", "frog"),
        ("scorpion", "spider"),
        ("alien", "person"),
        ("astronaut", "person"),
        ("cello", "violin"),
        ("flute", "trumpet"),
        ("tambourine", "drum"),
        ("sandwich", "burger"),
        ("croissant", "bread"),
        ("wristwatch", "clock"),
        ("dagger", "sword"),
        ("yacht", "boat"),
        ("spaceship", "rocket"),
        ("jet", "plane"),
        ("candle", "lamp"),
        ("throne", "chair"),
        ("cottage", "house"),
        ("canyon", "mountain"),
        ("snowman", "person"),
        ("scarecrow", "person"),
        ("statue", "tower"),
    ],
)
def test_concrete_nouns_map_to_a_library_kind(lemma: str, kind: str) -> None:
    assert asset_kind(lemma) == kind
    assert kind in KINDS


@pytest.mark.parametrize(
    "lemma", ["idea", "love", "moment", "freedom", "watercolor", "painting", "color", "style", "portrait", "hat"]
)
def test_abstract_nouns_style_words_and_clothes_map_to_nothing(lemma: str) -> None:
    assert asset_kind(lemma) is None


def test_a_noun_wordnet_lacks_is_the_labelled_generic_prop() -> None:
    assert asset_kind("zorbascope") == UNKNOWN
