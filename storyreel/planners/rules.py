"""The offline rule planner: English story text -> :class:`Storyboard`, with word lists over a tagged reading.

It reads a story the way a storyboard artist skims one: sentences and their clauses become shots; nouns become the
cast (things that act) or props (things that stand); verbs become actions; setting, time and weather words choose
the location; colour and size words dress whoever they precede; spatial phrases place things; speech in quotation
marks is said, not staged. A small shot grammar then frames each shot (establishing wide first, then sizes and moves
chosen by the action). Parts of speech and lemmas come from ``language.py`` (spaCy); a noun the lexicon lacks gets
its kind from WordNet (``nouns.py``), and an abstract one builds nothing. The same text and seed always give the
same storyboard, and nothing concrete it cannot draw is dropped silently: a noun WordNet lacks becomes a labelled
generic prop listed in ``Storyboard.unknown_nouns``.
"""

from __future__ import annotations

import itertools
import random
import re
import unicodedata
from dataclasses import dataclass, field, replace
from typing import Literal

from storyreel.planners.coverage import Subject, hold, marks
from storyreel.planners.language import is_english, read
from storyreel.planners.lexicon import (
    ADJECTIVE_SUFFIXES,
    ADJECTIVES,
    CLOTHING,
    COLORS,
    COUNTS,
    DETERMINERS,
    ENCLOSING_PREPOSITIONS,
    FEMALE_NOUNS,
    FUNCTION_WORDS,
    IRREGULAR_PLURALS,
    LOCATIVE_PREPOSITIONS,
    LOOK_PHRASES,
    MALE_NOUNS,
    NOMINAL_ACTIONS,
    NOUN_KINDS,
    PLACE_NEEDS_PREPOSITION,
    PRONOUNS,
    QUANTIFIERS,
    SENTENCE_OPENERS,
    SETTING_PHRASES,
    SETTINGS,
    SHORE_PREPOSITIONS,
    SIZES,
    SPATIAL_PHRASES,
    STOP_NOUNS,
    TIMES,
    TRANSFER_VERBS,
    TURN_HANDLE_PARTICLES,
    VERBS,
    VISIBLE_VERB_FILES,
    WEATHERS,
    verb_lemma,
)
from storyreel.planners.lines import dialogue, speech, split_sentences
from storyreel.planners.nouns import UNKNOWN, adjectives, asset_kind, is_noun, is_verb, singular, verb_file
from storyreel.schema import (
    DEFAULT_FPS,
    Action,
    Appearance,
    CameraAngle,
    CameraMove,
    Character,
    Gender,
    Line,
    Location,
    LocationKind,
    Placement,
    Prop,
    Relation,
    Shot,
    ShotSize,
    Storyboard,
    Style,
    TimeOfDay,
    Transition,
    Verb,
    Weather,
)
from storyreel.world.kinds import (
    CHARACTER_KINDS,
    HABITATS,
    HANDHELD_KINDS,
    INDOOR_KINDS,
    INSTRUMENT_KINDS,
    MOUNTS,
)

MAX_STORY_CHARS = 20_000
MAX_SHOTS = 24
#: The most characters one counted noun casts ("a hundred birds" are this many).
MAX_GROUP = 6
EXAMPLE_STORY = "A dog chases a red ball in the park."


#: The planner's pronoun genders as the storyboard tells them (a character's voice).
GENDERS = {"f": Gender.FEMALE, "m": Gender.MALE}


_LETTERS = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


class StoryError(ValueError):
    """The story cannot be planned; the message names the problem and the fix in one line."""


def plan_story(text: str, *, fps: int = DEFAULT_FPS, seed: int = 0, title: str | None = None) -> Storyboard:
    """Plan ``text`` into a storyboard, shot durations in whole frames at ``fps``: deterministic for a given text
    and seed, offline, pure Python."""
    check_story(text)
    sentences = split_sentences(text)
    tokenized = [_tokenize(sentence) for sentence in sentences]
    names = _find_names(tokenized)
    bindings = _find_bindings(tokenized, names)
    clauses = _cap_clauses(_split_clauses(sentences, names, bindings))
    reader = _StoryReader(bindings, clauses, fps, random.Random(seed))
    for clause in clauses:
        reader.read(clause)
    storyboard = reader.storyboard(title or _derive_title(tokenized[0]))
    return storyboard.model_copy(update={"look": look_of(text)})


def look_of(text: str) -> Style | None:
    """The look a style word in ``text`` asks for ("an astronaut cat, watercolor"), the first one named; None
    when it names none."""
    lowered = text.lower()
    found = [(match.start(), look) for pattern, look in LOOK_PHRASES.items() if (match := re.search(pattern, lowered))]
    return min(found, key=lambda item: item[0])[1] if found else None


# --------------------------------------------------------------------------------------------------- validation


def check_story(text: str) -> None:
    """Raise :class:`StoryError` unless ``text`` is a non-empty English story within the length limit."""
    if not text or not text.strip():
        raise StoryError(f"the story is empty: write at least one sentence, e.g. {EXAMPLE_STORY!r}")
    if len(text) > MAX_STORY_CHARS:
        raise StoryError(
            f"the story is {len(text):,} characters, over the limit of {MAX_STORY_CHARS:,}: "
            "split it into parts and make each one separately"
        )
    letters = [char for char in text if char.isalpha()]
    if not letters:
        raise StoryError(f"the story has no words: write at least one sentence, e.g. {EXAMPLE_STORY!r}")
    if not is_english(text):
        raise StoryError("storyreel's offline planner reads English stories; translate it, or plan it with an LLM")


def _is_known(word: str) -> bool:
    return (
        word in FUNCTION_WORDS
        or word in ADJECTIVES
        or word in QUANTIFIERS
        or word in COLORS
        or word in SIZES
        or word in SETTINGS
        or word in TIMES
        or word in WEATHERS
        or word in STOP_NOUNS
        or word in SENTENCE_OPENERS
        or _noun_lemma(word) in NOUN_KINDS
        or _verb_lemma(word) is not None
        or word.endswith("ly")
    )


# ----------------------------------------------------------------------------------------------------- tokens


@dataclass(frozen=True)
class _Token:
    """A word or mark, with what the tagger says of it: ``pos`` its universal part of speech, ``lemma`` its base
    form, ``plural`` whether it is a plural noun; ``quoted`` marks words inside quotation marks (speech)."""

    text: str
    word: str
    is_word: bool
    initial: bool = False
    is_name: bool = False
    pos: str = ""
    lemma: str = ""
    plural: bool = False
    quoted: bool = False
    start: int = 0  # where it starts in its clause's text


_TOKEN = re.compile(r"[^\W\d_]+(?:[-'][^\W\d_]+)*|\d+|[^\w\s]")


def _tokenize(text: str, names: frozenset[str] = frozenset(), *, initial: bool = True) -> list[_Token]:
    """Words (possessive ``'s`` split off as its own token), numbers and punctuation marks, tagged in context."""
    tags = {token.start: token for sentence in read(text) for token in sentence.tokens}
    tokens: list[_Token] = []
    quoted = False
    for match in _TOKEN.finditer(text):
        raw = match.group()
        parts = [raw[:-2], "'s"] if raw.lower().endswith("'s") and len(raw) > 2 else [raw]
        offset = match.start()
        for part in parts:
            if part == '"':
                quoted = not quoted
            is_word = part[0].isalpha() or part == "'s"
            first = initial and not any(token.is_word for token in tokens)
            tag = tags.get(offset)
            pos, lemma, plural = (tag.pos, tag.lemma, tag.tag in {"NNS", "NNPS"}) if tag else ("", part.lower(), False)
            tokens.append(_Token(part, part.lower(), is_word, first, part in names, pos, lemma, plural, quoted, offset))
            offset += len(part)
    return tokens


def _verb_lemma(word: str) -> str | None:
    """The base form of ``word`` if it is an inflection of a known verb (walks, walked, walking, ran)."""
    return verb_lemma(word, VERBS)


def unstaged_verbs(text: str) -> list[str]:
    """The verbs of ``text`` (outside quoted speech) that name a visible action the world cannot act out: verbs
    (as tagged, or a verb's inflection right after a name) the lexicon's VERBS lacks whose most frequent WordNet
    sense is a visible one (VISIBLE_VERB_FILES), as lemmas in order ("One of them falls into the sand." ->
    ["fall"])."""
    return _unstaged(_tokenize(text))


def _unstaged(tokens: list[_Token]) -> list[str]:
    found: list[str] = []
    for index, token in enumerate(tokens):
        named = index > 0 and (tokens[index - 1].is_name or tokens[index - 1].pos == "PROPN")
        after_name = named and is_verb(token.word)  # "Mia claps", tagged a plural noun
        if not token.is_word or token.quoted or token.word in FUNCTION_WORDS or not (token.pos == "VERB" or after_name):
            continue
        if _verb_lemma(token.word) is None and verb_file(token.lemma) in VISIBLE_VERB_FILES:
            found.append(token.lemma)
    return list(dict.fromkeys(found))


def _noun_lemma(word: str) -> str:
    """The singular of ``word``: a lexicon noun where one matches, else a plain English de-pluralisation."""
    if word in IRREGULAR_PLURALS:
        return IRREGULAR_PLURALS[word]
    if word in NOUN_KINDS:
        return word
    candidates = []
    if word.endswith("ies"):
        candidates.append(word[:-3] + "y")
    if word.endswith("ves"):
        candidates += [word[:-3] + "f", word[:-3] + "fe"]
    if word.endswith("es"):
        candidates.append(word[:-2])
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        candidates.append(word[:-1])
    known = next((candidate for candidate in candidates if candidate in NOUN_KINDS), None)
    if known:
        return known
    if word.endswith(("sses", "shes", "ches", "xes")):
        return word[:-2]
    return candidates[-1] if candidates and not word.endswith("ies") else (candidates[0] if candidates else word)


def _looks_adjective(word: str) -> bool:
    return (
        word in ADJECTIVES
        or word in QUANTIFIERS
        or word in COLORS
        or word in SIZES
        or (len(word) > 4 and word.endswith(ADJECTIVE_SUFFIXES))
    )


# ------------------------------------------------------------------------------------------------ noun phrases


@dataclass
class _NounPhrase:
    """Words after a determiner: modifiers, then a head noun (``kind`` None for a noun the lexicon lacks).
    ``stop`` marks a phrase that names no buildable thing ("the end"); ``action`` one that names an action."""

    head: int
    end: int
    lemma: str = ""
    kind: str | None = None
    modifiers: list[str] = field(default_factory=list)
    stop: bool = False
    action: Verb | None = None


def _noun_phrase(tokens: list[_Token], start: int) -> _NounPhrase | None:
    """Read a noun phrase from ``start``; None when none starts there (the words are then read one by one)."""
    modifiers: list[str] = []
    index = start
    single = start > 0 and tokens[start - 1].word in _SINGULAR
    while index < len(tokens) and index < start + 5:
        token = tokens[index]
        word = token.word
        if word == "," and modifiers and index + 1 < len(tokens):  # "a vibrant, cozy cabin"
            index += 1
            continue
        if not token.is_word or token.is_name or token.quoted or word == "'s":
            return None
        lemma = _noun_lemma(word)
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        next_is_noun = following is not None and (
            _noun_lemma(following.word) in NOUN_KINDS or _compound_noun(following)
        )
        if lemma in NOUN_KINDS and not (word in PLACE_NEEDS_PREPOSITION and _after_enclosing(tokens, index)):
            return _head(tokens, index, modifiers, single)
        pair = (word, following.word if following else "")
        if word in SETTINGS or word in TIMES or word in WEATHERS or pair in SETTING_PHRASES:
            return None
        if word in COLORS or word in SIZES or word in ADJECTIVES or word in QUANTIFIERS:
            modifiers.append(word)
        elif word in FUNCTION_WORDS:
            return None
        elif word in STOP_NOUNS or lemma in STOP_NOUNS:
            return _NounPhrase(index, index + 1, stop=True)
        elif _verb_lemma(word) is not None:
            if next_is_noun:  # "the running dog"
                modifiers.append(word)
            elif index == start and word in NOMINAL_ACTIONS:  # "took a walk"
                return _NounPhrase(index, index + 1, action=VERBS[word])
            elif index == start:  # "the spring", "a lead": a verb's noun sense, not a thing to build
                return _NounPhrase(index, index + 1, stop=True)
            elif modifiers[-1] == tokens[index - 1].word and is_noun(modifiers[-1]):  # "an alien steps out"
                return _head(tokens, index - 1, modifiers[:-1], single)
            else:
                return None
        elif _modifier(token, following):
            modifiers.append(word)
        else:
            return _head(tokens, index, modifiers, single)
        index += 1
    return None


_SINGULAR = frozenset({"a", "an", "one", "another", "every", "each", "this", "that"})


def _head(tokens: list[_Token], index: int, modifiers: list[str], single: bool = False) -> _NounPhrase:
    """The noun phrase whose head is at ``index``, or at the last noun of a compound that starts there ("an oak
    tree", "a taco truck"). A lexicon noun's kind is the lexicon's; any other noun's comes from WordNet (the compound
    first: "a teddy bear"), and an abstract noun names nothing to build ("an oil painting", "a moment"). After a
    singular determiner (``single``) a plural, and before a determiner any word, is a verb the tagger took for a
    noun, not the compound's head; so is a verb's base form after a second subject joined by "and" ("a boy and
    his grandfather fish")."""
    begin = index - len(modifiers)
    joined = "and" in [token.word for token in tokens[max(begin - 2, 0) : begin]]
    while index + 1 < len(tokens) and (_compound_noun(tokens[index + 1]) or _known_compound(tokens, index)):
        after = tokens[index + 2].word if index + 2 < len(tokens) else ""
        if (single and tokens[index + 1].plural) or after in DETERMINERS:  # "a fox sneaks", "a rabbit shares a"
            break
        if joined and tokens[index + 1].word in VERBS:
            break
        modifiers.append(tokens[index].word)
        index += 1
    token = tokens[index]
    lemma = _noun_lemma(token.word)
    last = modifiers[-1] if modifiers else ""
    if last in NOUN_KINDS and is_noun(f"{last} {lemma}"):  # "a teddy bear" is a teddy, not a bear
        compound = asset_kind(f"{last} {lemma}")
        if compound not in (None, UNKNOWN, NOUN_KINDS.get(lemma)):
            return _NounPhrase(index, index + 1, f"{modifiers.pop()} {lemma}", compound, modifiers)
    if lemma in NOUN_KINDS:
        return _NounPhrase(index, index + 1, lemma, NOUN_KINDS[lemma], modifiers)
    lemma = singular(token.word)  # "pandas" -> "panda", "leaves" -> "leaf"
    if lemma in STOP_NOUNS or lemma in CLOTHING:
        return _NounPhrase(index, index + 1, lemma, stop=lemma in STOP_NOUNS, modifiers=modifiers)
    described = last in COLORS or last in SIZES or last in ADJECTIVES or last in QUANTIFIERS  # "a brown bear"
    if last and not described and is_noun(f"{last} {lemma}"):  # "a teddy bear" is a toy, "a polar bear" a bear
        lemma = f"{modifiers.pop()} {lemma}"
    kind = asset_kind(lemma)
    if kind is None or (kind == UNKNOWN and token.pos not in {"", "NOUN"}):  # "the Andes", "a grassy"
        return _NounPhrase(index, index + 1, stop=True)
    return _NounPhrase(index, index + 1, lemma, None if kind == UNKNOWN else kind, modifiers)


def _known_compound(tokens: list[_Token], index: int) -> bool:
    """Whether the noun at ``index`` and the singular noun after it are one compound WordNet knows, though the
    second is also a verb ("the bus stop", "a fire alarm"; not "a red bus stops")."""
    following = tokens[index + 1]
    return (
        following.pos == "NOUN"
        and not following.plural
        and not following.quoted
        and is_noun(f"{tokens[index].word} {following.word}")
    )


def _compound_noun(token: _Token) -> bool:
    """Whether ``token`` is a noun that heads a compound with the noun before it (not a verb or a participle the
    tagger took for a noun, nor a place, a time or a weather)."""
    if not token.is_word or token.is_name or token.quoted:
        return False
    word = token.word
    if word in SETTINGS or word in TIMES or word in WEATHERS or word in FUNCTION_WORDS:
        return False
    lexicon = _noun_lemma(word) in NOUN_KINDS
    if not token.pos:
        return lexicon
    participle = word.endswith("ing") and is_verb(word)  # "ice cream melting", "a lion yawning"
    return token.pos == "NOUN" and (lexicon or (_verb_lemma(word) is None and not participle and is_noun(token.lemma)))


def _modifier(token: _Token, following: _Token | None) -> bool:
    """Whether a word the word lists do not know describes the noun after it: an adjective to the tagger that
    WordNet has as an adjective or not as a noun ("a vibrant, cozy cabin", but "a hedgehog surfing"), or a
    participle before a noun ("an abandoned station")."""
    if following is None or following.is_name or following.pos in {"VERB", "AUX", "ADP"}:
        return False
    if not (following.is_word or following.word == ","):
        return False
    if token.pos == "ADJ":
        return token.word in adjectives() or not is_noun(token.lemma)
    if token.pos == "VERB":
        return _compound_noun(following) or following.pos == "ADJ"
    if following.word == ",":
        return False
    return not token.pos and _looks_adjective(token.word)


# ------------------------------------------------------------------------------------------- names and bindings


@dataclass(frozen=True)
class _Binding:
    """A name tied to a noun by the story ("a dog named Rex", "Rex the dog", "her dog Rex", "Rex was a dog")."""

    lemma: str
    modifiers: tuple[str, ...]
    kind: str


def _bound(phrase: _NounPhrase) -> _Binding:
    """The binding a character's noun phrase gives the name tied to it."""
    assert phrase.kind is not None
    return _Binding(phrase.lemma, tuple(phrase.modifiers), phrase.kind)


def _find_names(sentences: list[list[_Token]]) -> frozenset[str]:
    """Proper names: capitalised words inside a sentence (but for function words and places), and a sentence's
    capitalised first word when it is a name found elsewhere, or no ordinary English word (nor a common noun to the
    tagger) and followed the way a name is (a verb, "and", a comma, "the", "'s", "was"). Speech names nobody: in
    "Hello, Earth," the earth is spoken to, not cast."""
    names: set[str] = set()
    for tokens in sentences:
        for index, token in enumerate(tokens[1:], start=1):
            capitalised = token.is_word and not token.quoted and token.text[0].isupper() and len(token.text) > 1
            before = tokens[index - 1].word
            opens = token.initial or before in {'"', "'", ":"}  # 'Run!' shouted Mia.
            ordinary = token.word in FUNCTION_WORDS or token.word in SETTINGS or before in DETERMINERS
            if capitalised and not (opens or ordinary):
                names.add(token.text)
    for tokens in sentences:
        for index, token in enumerate(tokens):
            if not token.is_word or not token.text[0].isupper() or len(token.text) < 2 or token.text in names:
                continue
            following = tokens[index + 1] if index + 1 < len(tokens) else None
            after = tokens[index + 2] if index + 2 < len(tokens) else None
            if _is_known(token.word) and _bare_name(token, following, after):  # "Lily sits", not "Lilies grow"
                names.add(token.text)
                continue
            if _is_known(token.word) or token.quoted or (token.pos == "NOUN" and is_noun(token.lemma)):
                continue
            if following is not None:
                then = tokens[index + 2].word if index + 2 < len(tokens) else ""
                unknown = following.word.isalpha() and not _is_known(following.word)
                reads_as_name = (
                    following.word in {"and", ",", "the", "'s", "was", "is", "had", "has", "said", "could", "would"}
                    or _verb_lemma(following.word) is not None
                    or following.word.endswith("ed")
                    or (unknown and following.pos != "NOUN" and then != "of")  # "Zork gleamed", not "Drone shot of"
                    or following.text[0].isupper()
                )
                if not reads_as_name:
                    continue
            names.add(token.text)
    return frozenset(names)


def _bare_name(token: _Token, following: _Token | None, after: _Token | None) -> bool:
    """Whether a word that is also a noun stands as a name: the tagger reads it as a proper noun, singular and with
    no determiner, and a verb follows it ("Lily sits on the sofa", not "Drone shot of a lighthouse")."""
    return (
        token.pos == "PROPN"
        and singular(token.word) == token.word
        and following is not None
        and following.pos in {"VERB", "AUX"}
        and (after is None or after.word != "of")
    )


def _find_bindings(sentences: list[list[_Token]], names: frozenset[str]) -> dict[str, _Binding]:
    bindings: dict[str, _Binding] = {}
    for plain in sentences:
        tokens = [replace(t, is_name=t.text in names) for t in plain]
        for index, token in enumerate(tokens):
            if token.word in DETERMINERS or token.word == "'s":
                phrase = _noun_phrase(tokens, index + 1)
                if phrase is None or phrase.kind not in CHARACTER_KINDS:
                    continue
                end = phrase.end
                if end + 1 < len(tokens) and tokens[end].word in {"named", "called"} and tokens[end + 1].is_name:
                    bindings.setdefault(tokens[end + 1].text, _bound(phrase))
                elif end < len(tokens) and tokens[end].is_name:
                    bindings.setdefault(tokens[end].text, _bound(phrase))
            elif token.is_name:
                at = index + 1
                comma = at < len(tokens) and tokens[at].word == ","
                at += comma
                if at < len(tokens) and tokens[at].word in {"is", "was"}:
                    at += 1
                if at < len(tokens) and tokens[at].word in {"a", "an", "the"}:
                    phrase = _noun_phrase(tokens, at + 1)
                    closed = not comma or (  # "Mia, a girl with a kite," but not "Mia, the dog barked"
                        phrase is not None
                        and (phrase.end >= len(tokens) or _verb_lemma(tokens[phrase.end].word) is None)
                    )
                    if phrase is not None and phrase.kind in CHARACTER_KINDS and closed:
                        bindings.setdefault(token.text, _bound(phrase))
    return bindings


# ------------------------------------------------------------------------------------------------ clause scan


@dataclass
class _Mention:
    """Someone or something a clause names, in the order it names them."""

    position: int
    end: int
    form: Literal["noun", "name", "pronoun"]
    lemma: str
    kind: str | None = None
    modifiers: list[str] = field(default_factory=list)
    determiner: str | None = None
    after_preposition: bool = False
    possessor: bool = False
    count: int = 1
    plural: bool = False


@dataclass
class _Scan:
    """What one clause says, word classes resolved but entities not yet."""

    mentions: list[_Mention] = field(default_factory=list)
    verbs: list[tuple[int, str, Verb]] = field(default_factory=list)
    relations: list[tuple[int, Relation]] = field(default_factory=list)
    settings: list[tuple[str, LocationKind]] = field(default_factory=list)
    times: list[tuple[int, TimeOfDay]] = field(default_factory=list)
    weathers: list[tuple[int, Weather]] = field(default_factory=list)
    clothing: list[tuple[int, list[str]]] = field(default_factory=list)
    speech_tags: list[int] = field(default_factory=list)  # verbs right after a quotation: '"Hi," said Tom'
    joined: list[int] = field(default_factory=list)  # verbs right after "and": "finds a rock and picks it up"
    one_of: bool = False  # the clause opens "One of them": one of the group acts
    withs: list[int] = field(default_factory=list)  # where "with" stands: "a girl with a balloon"

    @property
    def says_something(self) -> bool:
        return bool(self.mentions or self.verbs or self.settings or self.times or self.weathers)


#: Prepositions after which a name is a place, not someone: "a rainy street in Tokyo".
_IN_PLACE = frozenset({"in", "inside", "at", "across", "throughout", "within"})
_PREPOSITIONS = LOCATIVE_PREPOSITIONS | {"with", "of", "for", "about", "like", "than", "without", "behind", "beside"}


def _match_spatial(tokens: list[_Token], start: int) -> tuple[Relation, int] | None:
    for phrase, relation in SPATIAL_PHRASES.items():
        words = tuple(token.word for token in tokens[start : start + len(phrase)])
        if words == phrase:
            return relation, len(phrase)
    return None


def _after_enclosing(tokens: list[_Token], index: int, prepositions: frozenset[str] = ENCLOSING_PREPOSITIONS) -> bool:
    """Whether one of ``prepositions`` ("in", "into", "on"...) comes just before ``index``, past determiners and
    adjectives."""
    for back in range(index - 1, max(-1, index - 4), -1):
        word = tokens[back].word
        if word in prepositions:
            return True
        if not (word in DETERMINERS or _looks_adjective(word)):
            return False
    return False


#: Phrases that turn to the viewer, not to a thing in the scene.
_TO_THE_VIEWER = [[preposition, "the", "camera"] for preposition in ("at", "to", "into", "toward", "towards")]


def _scan(tokens: list[_Token], bindings: dict[str, _Binding]) -> _Scan:
    scan = _Scan()
    words = [token.word for token in tokens if token.is_word]
    scan.one_of = words[:2] == ["one", "of"]
    preposition_end = -1
    index = 0
    while index < len(tokens):
        token = tokens[index]
        word = token.word
        following = tokens[index + 1].word if index + 1 < len(tokens) else ""
        if not token.is_word or token.quoted:  # speech is not scenery
            index += 1
            continue
        if _verb_slot(tokens, index, scan):  # "Bob waves.", "a fox sneaks": a verb, whatever the tagger said
            lemma = _verb_lemma(word)
            if lemma is not None:
                _add_verb(scan, tokens, index, lemma)
            index += 1
            continue
        spatial = _match_spatial(tokens, index)
        if spatial is not None:
            scan.relations.append((index, spatial[0]))
            index += spatial[1]
            preposition_end = index
            continue
        if (word, following) in SETTING_PHRASES:
            scan.settings.append((f"{word} {following}", SETTING_PHRASES[(word, following)]))
            index += 2
            continue
        if word in SETTINGS and (word not in PLACE_NEEDS_PREPOSITION or _after_enclosing(tokens, index)):
            kind = SETTINGS[word]
            if kind is LocationKind.OCEAN and _after_enclosing(tokens, index, SHORE_PREPOSITIONS):
                kind = LocationKind.BEACH  # "at the lake": on its shore, the water behind
            scan.settings.append((word, kind))
            if word in WEATHERS:
                scan.weathers.append((index, WEATHERS[word]))
            index += 1
            continue
        if word in TIMES or word in WEATHERS:
            if word in TIMES:
                scan.times.append((index, TIMES[word]))
            else:
                scan.weathers.append((index, WEATHERS[word]))
            index += 1
            continue
        after_preposition = preposition_end == index
        if token.is_name:
            if index > 0 and tokens[index - 1].word in _IN_PLACE and token.text not in bindings:  # "in Tokyo"
                index += 1
                continue
            possessor = following == "'s"
            scan.mentions.append(
                _Mention(index, index + 1, "name", token.text, after_preposition=after_preposition, possessor=possessor)
            )
            index += 1
            continue
        if word in PRONOUNS:
            determiner = word == "her" and _noun_phrase(tokens, index + 1) is not None
            dummy = word == "it" and any(t.word in TIMES or t.word in WEATHERS for t in tokens[index + 1 : index + 4])
            if not determiner:
                if not dummy:
                    scan.mentions.append(
                        _Mention(index, index + 1, "pronoun", word, after_preposition=after_preposition)
                    )
                index += 1
                continue
        if [t.word for t in tokens[index : index + 3]] in _TO_THE_VIEWER:  # "waves at the camera": at us
            index += 3
            continue
        nominal = token.pos in {"NOUN", "PROPN", "ADJ"} or (_noun_lemma(word) in NOUN_KINDS and token.pos != "VERB")
        if word in DETERMINERS or word == "'s" or _looks_adjective(word) or nominal:
            bare = not (word in DETERMINERS or word == "'s")
            phrase = _noun_phrase(tokens, index if bare else index + 1)
            if phrase is not None and not (bare and phrase.kind is None):
                index = _read_phrase(scan, tokens, bindings, phrase, index, None if bare else word, after_preposition)
                continue
        if word in _PREPOSITIONS:
            if word == "with":
                scan.withs.append(index)
            preposition_end = index + 1
            index += 1
            continue
        lemma = None if word in FUNCTION_WORDS else _verb_lemma(word)
        if lemma is not None:
            _add_verb(scan, tokens, index, lemma)
            if index > 0 and tokens[index - 1].word == '"':
                scan.speech_tags.append(index)
        index += 1
    return scan


def _add_verb(scan: _Scan, tokens: list[_Token], index: int, lemma: str) -> None:
    scan.verbs.append((index, lemma, _verb_at(tokens, index, lemma)))
    if index > 0 and tokens[index - 1].word == "and":
        scan.joined.append(index)


def _verb_at(tokens: list[_Token], index: int, lemma: str) -> Verb:
    """The verb ``lemma`` names at ``index``: running "at" or "after" someone is a chase ("the wolf runs at the
    rabbit"); turning off or on a thing and playing an instrument are a hand's work ("she turns off the lamp"); a
    plane that takes off flies."""
    following = tokens[index + 1].word if index + 1 < len(tokens) else ""
    if VERBS[lemma] is Verb.RUN and following in ("at", "after"):
        return Verb.CHASE
    if lemma == "turn" and following in TURN_HANDLE_PARTICLES:
        return Verb.HANDLE
    if lemma == "take" and following == "off":  # "the plane takes off"
        return Verb.FLY
    if lemma == "play" and any(NOUN_KINDS.get(_noun_lemma(t.word)) in INSTRUMENT_KINDS for t in tokens[index:][:4]):
        return Verb.HANDLE  # "plays the guitar": the hands at the instrument, not a game
    return VERBS[lemma]


def _verb_slot(tokens: list[_Token], index: int, scan: _Scan) -> bool:
    """Whether the word at ``index`` is a verb's inflection (or, after a plural subject, a verb's base form) right
    after the clause's subject, or after "and" that follows a verb with no one named since (or, for a verb the
    lexicon knows, only its object): a verb there however the tagger took it ("Bob waves.", "the rooster crows",
    "a boy and a girl play", "he climbs in and waves", "he opens the door and waves")."""
    word = tokens[index].word
    subject = scan.mentions[-1] if scan.mentions else None
    plural = subject is not None and (subject.plural or _coordinated(tokens, scan))
    if not (word.endswith(("s", "ed")) or (plural and word in VERBS)) or word in FUNCTION_WORDS:
        return False
    if _verb_lemma(word) is None and not is_verb(word):
        return False
    if subject is not None and subject.end == index and not (subject.after_preposition or subject.possessor):
        return True
    joined = index > 0 and tokens[index - 1].word == "and" and bool(scan.verbs)
    if joined and _verb_lemma(word) is not None:  # "opens the door and waves": its object stands in between
        return True
    return joined and (subject is None or subject.position < scan.verbs[-1][0])


def _coordinated(tokens: list[_Token], scan: _Scan) -> bool:
    """Whether the clause's last two mentions are joined by "and" ("a boy and his grandfather")."""
    if len(scan.mentions) < 2:
        return False
    first, second = scan.mentions[-2:]
    return any(token.word == "and" for token in tokens[first.end : second.position])


def _read_phrase(
    scan: _Scan,
    tokens: list[_Token],
    bindings: dict[str, _Binding],
    phrase: _NounPhrase,
    start: int,
    determiner: str | None,
    after_preposition: bool,
) -> int:
    """Add what a noun phrase says to ``scan``; return where reading goes on."""
    if phrase.stop:
        return phrase.end
    if phrase.action is not None:
        scan.verbs.append((phrase.head, tokens[phrase.head].word, phrase.action))
        return phrase.end
    if phrase.lemma in CLOTHING:
        scan.clothing.append((start, phrase.modifiers))
        return phrase.end
    end = phrase.end
    name_token: _Token | None = None
    if end + 1 < len(tokens) and tokens[end].word in {"named", "called"} and tokens[end + 1].is_name:
        name_token, end = tokens[end + 1], end + 2
    elif end < len(tokens) and tokens[end].is_name and _bound_to(bindings, tokens[end].text, phrase.lemma):
        name_token, end = tokens[end], end + 1
    if name_token is not None:
        mention = _Mention(
            start, end, "name", name_token.text, phrase.kind, phrase.modifiers, determiner, after_preposition
        )
        scan.mentions.append(mention)
        return end
    previous = scan.mentions[-1] if scan.mentions else None
    appositive = previous is not None and previous.form == "name" and start - previous.position <= 3
    if appositive and previous is not None and _bound_to(bindings, previous.lemma, phrase.lemma):
        return end  # "Rex, the dog," / "Rex was a dog": the name already said who
    scan.mentions.append(
        _Mention(
            start,
            end,
            "noun",
            phrase.lemma,
            phrase.kind,
            phrase.modifiers,
            determiner,
            after_preposition,
            count=next((COUNTS[word] for word in [determiner or "", *phrase.modifiers] if word in COUNTS), 1),
            plural=tokens[phrase.head].plural,
        )
    )
    return end


def _bound_to(bindings: dict[str, _Binding], name: str, lemma: str) -> bool:
    binding = bindings.get(name)
    return binding is not None and binding.lemma == lemma


# ---------------------------------------------------------------------------------------------------- clauses


@dataclass
class _Clause:
    text: str
    tokens: list[_Token]
    scan: _Scan


_CLAUSE_BREAK = re.compile(r"\s*;\s*|,?\s+and\s+then\s+|,\s*then\s+|\s+then\s+|,\s+and\s+", re.IGNORECASE)


def _make_clause(text: str, names: frozenset[str], bindings: dict[str, _Binding]) -> _Clause:
    tokens = _tokenize(text, names)
    return _Clause(text, tokens, _scan(tokens, bindings))


def _split_clauses(sentences: list[str], names: frozenset[str], bindings: dict[str, _Binding]) -> list[_Clause]:
    """Sentences and their "then"/";"/", and" clauses, never cut inside a quotation. A part with no verb rejoins its
    neighbour in the sentence ("a ball, a stick, and a bone"), and a sentence that says nothing the planner reads
    ("The end.") rejoins the clause before it."""
    clauses: list[_Clause] = []
    for sentence in sentences:
        breaks = [match for match in _CLAUSE_BREAK.finditer(sentence) if sentence[: match.start()].count('"') % 2 == 0]
        cuts = [0] + [cut for match in breaks for cut in match.span()] + [len(sentence)]
        spans = [(cuts[i], cuts[i + 1]) for i in range(0, len(cuts), 2) if sentence[cuts[i] : cuts[i + 1]].strip()]
        merged: list[tuple[int, int]] = []
        for start, end in spans:
            verbless = not _make_clause(sentence[start:end], names, bindings).scan.verbs
            first_verbless = (
                len(merged) == 1 and not _make_clause(sentence[slice(*merged[0])], names, bindings).scan.verbs
            )
            if merged and (verbless or first_verbless):
                merged[-1] = (merged[-1][0], end)
            else:
                merged.append((start, end))
        for start, end in merged:
            clause = _make_clause(sentence[start:end].strip(" ,;"), names, bindings)
            if clauses and not clause.scan.says_something:
                clause = _make_clause(f"{clauses.pop().text} {clause.text}", names, bindings)
            clauses.append(clause)
    if len(clauses) > 1 and not clauses[0].scan.says_something:
        clauses[:2] = [_make_clause(f"{clauses[0].text} {clauses[1].text}", names, bindings)]
    return clauses


def _cap_clauses(clauses: list[_Clause]) -> list[_Clause]:
    """Merge the shortest neighbouring pair until at most ``MAX_SHOTS`` remain."""
    while len(clauses) > MAX_SHOTS:
        lengths = [len(a.tokens) + len(b.tokens) for a, b in itertools.pairwise(clauses)]
        at = lengths.index(min(lengths))
        first, second = clauses[at], clauses[at + 1]
        shift = len(first.text) + 1
        tokens = first.tokens + [replace(token, start=token.start + shift) for token in second.tokens]
        merged = _Clause(f"{first.text} {second.text}", tokens, _merge_scans(first, second))
        clauses[at : at + 2] = [merged]
    return clauses


def _merge_scans(first: _Clause, second: _Clause) -> _Scan:
    """The scan of two clauses read as one, positions of the second shifted past the first."""
    shift = len(first.tokens)
    a, b = first.scan, second.scan
    mentions = [replace(m, position=m.position + shift, end=m.end + shift) for m in b.mentions]
    return _Scan(
        a.mentions + mentions,
        a.verbs + [(p + shift, lemma, verb) for p, lemma, verb in b.verbs],
        a.relations + [(p + shift, relation) for p, relation in b.relations],
        a.settings + b.settings,
        a.times + [(p + shift, time) for p, time in b.times],
        a.weathers + [(p + shift, weather) for p, weather in b.weathers],
        a.clothing + [(p + shift, modifiers) for p, modifiers in b.clothing],
        a.speech_tags + [p + shift for p in b.speech_tags],
        a.withs + [p + shift for p in b.withs],
    )


def _derive_title(tokens: list[_Token]) -> str:
    words = [token.text for token in tokens if token.is_word and token.word != "'s"][:6]
    while len(words) > 1 and words[-1].lower() in FUNCTION_WORDS:
        words.pop()
    title = " ".join(words)
    return title[:1].upper() + title[1:] if title else "Untitled story"


# ------------------------------------------------------------------------------------------------ shot grammar

_VAST = frozenset(
    {LocationKind.SPACE, LocationKind.OCEAN, LocationKind.MOUNTAIN, LocationKind.DESERT, LocationKind.CITY}
)
S, A, M = ShotSize, CameraAngle, CameraMove

#: Per action: candidate sizes, angles and moves, preferred first.
_GRAMMAR: dict[Verb, tuple[list[ShotSize], list[CameraAngle], list[CameraMove]]] = {
    Verb.TALK: ([S.MEDIUM_CLOSE_UP, S.CLOSE_UP, S.MEDIUM], [A.EYE, A.LOW], [M.STATIC, M.DOLLY_IN]),
    Verb.LOOK: ([S.CLOSE_UP, S.MEDIUM_CLOSE_UP, S.MEDIUM], [A.EYE, A.HIGH], [M.DOLLY_IN, M.STATIC]),
    Verb.RUN: ([S.FULL, S.WIDE], [A.EYE, A.LOW, A.HIGH], [M.TRACK, M.PAN]),
    Verb.CHASE: ([S.WIDE, S.FULL], [A.EYE, A.HIGH, A.LOW], [M.TRACK, M.PAN]),
    Verb.WALK: ([S.FULL, S.MEDIUM, S.WIDE], [A.EYE, A.HIGH], [M.TRACK, M.PAN, M.DOLLY_OUT]),
    Verb.FLY: ([S.WIDE, S.FULL], [A.LOW, A.EYE], [M.CRANE, M.TILT, M.PAN]),
    Verb.JUMP: ([S.FULL, S.MEDIUM], [A.LOW, A.EYE], [M.STATIC, M.TILT]),
    Verb.SWIM: ([S.WIDE, S.FULL], [A.HIGH, A.EYE], [M.TRACK, M.PAN]),
    Verb.DRIVE: ([S.WIDE, S.FULL], [A.EYE, A.HIGH, A.LOW], [M.TRACK, M.PAN]),
    Verb.SIT: ([S.MEDIUM, S.FULL, S.MEDIUM_CLOSE_UP], [A.EYE, A.HIGH, A.OVERHEAD], [M.STATIC, M.ORBIT, M.DOLLY_IN]),
    Verb.IDLE: ([S.MEDIUM, S.FULL, S.MEDIUM_CLOSE_UP], [A.EYE, A.HIGH, A.OVERHEAD], [M.ORBIT, M.STATIC, M.DOLLY_IN]),
    Verb.ROLL: ([S.FULL, S.MEDIUM], [A.HIGH, A.OVERHEAD, A.EYE], [M.PAN, M.TRACK]),
    Verb.GESTURE: ([S.FULL, S.MEDIUM], [A.EYE, A.LOW], [M.STATIC, M.DOLLY_IN]),
    Verb.FETCH: ([S.FULL, S.MEDIUM], [A.EYE, A.HIGH], [M.TRACK, M.PAN]),
    Verb.HANDLE: ([S.MEDIUM, S.FULL], [A.EYE, A.HIGH], [M.STATIC, M.DOLLY_IN]),
    Verb.CLAP: ([S.MEDIUM, S.FULL], [A.EYE, A.LOW], [M.STATIC, M.DOLLY_IN]),
    Verb.SHAKE: ([S.FULL, S.MEDIUM], [A.EYE, A.HIGH], [M.STATIC, M.PAN]),
}

#: Extra seconds an action needs on screen to read.
_ACTION_SECONDS: dict[Verb, float] = {
    Verb.RUN: 1.0, Verb.CHASE: 1.2, Verb.FLY: 1.2, Verb.DRIVE: 1.0, Verb.SWIM: 1.0, Verb.WALK: 0.6,
    Verb.TALK: 0.8, Verb.JUMP: 0.4, Verb.ROLL: 0.6, Verb.LOOK: 0.2, Verb.SIT: 0.0, Verb.IDLE: 0.0,
    Verb.GESTURE: 0.6, Verb.FETCH: 0.8, Verb.HANDLE: 0.6, Verb.CLAP: 0.4, Verb.SHAKE: 0.4,
}  # fmt: skip

_OPENING_WORDS = 5
_VEHICLES = frozenset({"car", "bus", "truck", "bicycle", "boat"})
_HUMANS = frozenset({"person", "child", "elder"})
_HOLDERS = _HUMANS | {"robot"}  # kinds with hands to hold a prop in
#: Verbs whose object the doer holds: "she carries a bag", "hands him a spoon".
_HOLD_VERBS = frozenset(
    {"hold", "carry", "bring", "fetch", "give", "hand", "offer", "feed", "put", "show", "raise", "lift", "wave"}
)
#: (location kind, place kind) pairs where the place is part of the location: the beach holds the sea's edge.
_SEEN_FROM = frozenset({(LocationKind.BEACH, LocationKind.OCEAN)})
#: Verbs whose doer takes its object up in the clause itself: "catches the ball", "picks it up".
_TAKE_VERBS = frozenset({"catch", "pick", "grab", "take"})
_OLD = frozenset({"old", "elderly", "aged", "ancient", "grey-haired", "white-haired"})  # an old man is an elder
_DEFINITE = frozenset({"the", "his", "her", "their", "its", "my", "our", "your", "this", "that", "'s"})


@dataclass(frozen=True)
class _Framing:
    size: ShotSize
    angle: CameraAngle
    move: CameraMove


def _frame(
    verb: Verb,
    establishing: LocationKind | None,
    previous: _Framing | None,
    rng: random.Random,
    holding: list[ShotSize],
) -> _Framing:
    """Size, angle and move for a shot: preferred by the action among the sizes ``holding`` its subjects (else the
    holding sizes nearest the preferred one), never the previous (size, angle) pair, and away from the previous
    angle, size and move where an equally good choice exists; ``rng`` breaks exact ties."""
    sizes, angles, moves = _GRAMMAR[verb]
    if establishing is not None:
        vast = establishing in _VAST
        sizes = [S.EXTREME_WIDE, S.WIDE] if vast else [S.WIDE, S.EXTREME_WIDE]
        angles = [A.HIGH, A.EYE]
        moves = [M.CRANE, M.PAN, M.DOLLY_OUT] if vast else [M.PAN, M.STATIC, M.CRANE]
    order = list(ShotSize)
    sizes = [size for size in sizes if size in holding] or sorted(
        holding, key=lambda size: abs(order.index(size) - order.index(sizes[0]))
    )[:2]
    pairs: list[tuple[int, ShotSize, CameraAngle]] = []
    for i, size in enumerate(sizes):
        for j, angle in enumerate(angles):
            if previous is not None and (size, angle) == (previous.size, previous.angle):
                continue
            penalty = 0 if previous is None else (angle == previous.angle) + (size == previous.size)
            pairs.append((2 * (i + j) + penalty, size, angle))
    best = min(score for score, _, _ in pairs)
    _, size, angle = rng.choice([pair for pair in pairs if pair[0] == best])
    scored_moves = [
        (k + (3 if previous is not None and move == previous.move else 0), move) for k, move in enumerate(moves)
    ]
    best_move = min(score for score, _ in scored_moves)
    move = rng.choice([move for score, move in scored_moves if score == best_move])
    return _Framing(size, angle, move)


def _act(kind: str, verb: Verb) -> Verb:
    """The action as this kind of actor can play it: cars drive where people walk, planes fly, fish swim."""
    if kind in _VEHICLES and verb in {Verb.WALK, Verb.RUN, Verb.SWIM, Verb.FLY}:
        return Verb.DRIVE
    if kind == "plane" and verb in {Verb.WALK, Verb.RUN, Verb.DRIVE}:
        return Verb.FLY
    if kind == "fish" and verb in {Verb.WALK, Verb.RUN, Verb.FLY}:
        return Verb.SWIM
    if kind == "bird" and verb == Verb.DRIVE:
        return Verb.FLY
    return verb


# --------------------------------------------------------------------------------------------------- the reader


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "_", ascii_text).strip("_") or "thing"


class _StoryReader:
    """Reads clauses in order, keeping who and where the story is; each clause becomes one shot."""

    def __init__(
        self,
        bindings: dict[str, _Binding],
        clauses: list[_Clause],
        fps: int,
        rng: random.Random,
    ) -> None:
        self.bindings = bindings
        self.fps = fps
        self.rng = rng
        self.cast: list[Character] = []
        self.locations: list[Location] = []
        self.shots: list[Shot] = []
        self.unknown_nouns: list[str] = []
        self._ids: set[str] = set()
        self._location_ids: set[str] = set()
        self._location_word: dict[str, str] = {}
        self._by_name: dict[str, str] = {}
        self._by_noun: dict[str, str] = {}
        self._kind: dict[str, str] = {}
        self._gender: dict[str, str | None] = {}
        self._props: dict[str, dict[str, str]] = {}
        self._carried: dict[str, str] = {}  # noun -> a prop taken along to another location (cast now)
        self._weather_outside = Weather.CLEAR
        self._recent: list[str] = []
        self._last_actors: list[str] = []
        self._salient: list[str] = []
        self._group: list[str] = []
        self._groups: dict[str, list[str]] = {}
        self._mounted: list[tuple[str, str]] = []  # (rider, mount) read in the clause in hand
        self._unacted: list[str] = []  # verbs of the clause in hand its doer has no hands for
        self._talk: list[str] = []  # who has spoken in the conversation under way, in turn
        self._spoken_to: str | None = None  # whom its first speaker spoke to ('"Sit," Mia said to Rex.')
        indoors = any(mention.kind in INDOOR_KINDS for clause in clauses for mention in clause.scan.mentions)
        self._first_setting = next(
            (c.scan.settings[0] for c in clauses if c.scan.settings),
            ("room", LocationKind.ROOM) if indoors else ("park", LocationKind.PARK),
        )
        self._location: Location | None = None
        self._framing: _Framing | None = None

    # ---- where

    def _enter(self, word: str, kind: LocationKind) -> None:
        """Make the location named by a setting word current: the same place again if the story returns to it."""
        rooms = kind == LocationKind.ROOM
        for location in reversed(self.locations):
            if location.kind == kind and (not rooms or self._location_word[location.id] == word):
                self._location = location
                return
        here = self._location  # story time goes on: a new place keeps the hour, and outdoors the weather
        time = here.time_of_day if here else TimeOfDay.DAY
        weather = Weather.CLEAR if kind == LocationKind.ROOM else self._weather_outside
        self._location = self._new_location(word, kind, time, weather)

    def _new_location(self, word: str, kind: LocationKind, time: TimeOfDay, weather: Weather) -> Location:
        location_id = self._unique(_slug(word), self._location_ids)
        location = Location(id=location_id, name=word, kind=kind, time_of_day=time, weather=weather)
        self.locations.append(location)
        self._location_word[location_id] = word
        self._props[location_id] = {}
        return location

    def _set_conditions(self, time: TimeOfDay | None, weather: Weather | None) -> None:
        """Time and weather of the current location; a change after it has been filmed is a new location."""
        location = self._location
        assert location is not None
        new_time = time if time is not None else location.time_of_day
        new_weather = weather if weather is not None else location.weather
        if (new_time, new_weather) == (location.time_of_day, location.weather):
            return
        if location.kind != LocationKind.ROOM:
            self._weather_outside = new_weather
        if any(shot.location == location.id for shot in self.shots):
            word = self._location_word[location.id]
            self._location = self._new_location(word, location.kind, new_time, new_weather)
        else:
            location.time_of_day, location.weather = new_time, new_weather

    # ---- who

    def _unique(self, base: str, taken: set[str]) -> str:
        candidate, number = base, 2
        while candidate in taken:
            candidate, number = f"{base}_{number}", number + 1
        taken.add(candidate)
        return candidate

    def _resolve(self, mention: _Mention, earlier: list[str]) -> list[str]:
        """The entities a mention means; ``earlier`` are those the clause named before it."""
        if mention.form == "name":
            return [self._named(mention)]
        if mention.form == "pronoun":
            return self._pronoun(mention.lemma, earlier)
        if mention.kind in CHARACTER_KINDS:
            return self._characters(mention)
        return [self._prop(mention)]

    def _characters(self, mention: _Mention) -> list[str]:
        """One character, or as many as the story counts ("two children"); a plural that names a counted group
        again ("the children") means the whole group."""
        group = self._groups.get(mention.lemma)
        if group and mention.plural and mention.determiner != "another":
            return group
        if mention.count < 2:
            return [self._character(mention)]
        assert mention.kind is not None
        members = [
            self._add_character(mention.lemma, mention.lemma, mention.kind, mention.lemma, mention.modifiers)
            for _ in range(min(mention.count, MAX_GROUP))
        ]
        self._by_noun.setdefault(mention.lemma, members[0])
        self._groups[mention.lemma] = members
        return members

    def _named(self, mention: _Mention) -> str:
        name = mention.lemma
        if name in self._by_name:
            self._dress(self._by_name[name], mention.modifiers)
            return self._by_name[name]
        binding = self.bindings.get(name)
        lemma, kind = (binding.lemma, binding.kind) if binding else ("person", "person")
        modifiers = [*(binding.modifiers if binding else ()), *mention.modifiers]
        entity = self._add_character(_slug(name), name, kind, lemma, modifiers)
        self._by_name[name] = entity
        if binding is not None:
            self._by_noun.setdefault(binding.lemma, entity)
        return entity

    def _character(self, mention: _Mention) -> str:
        if mention.determiner != "another":
            marked = self._by_colour(mention)
            if marked is not None:
                return marked
            if mention.lemma in self._by_noun:
                self._dress(self._by_noun[mention.lemma], mention.modifiers)
                return self._by_noun[mention.lemma]
            if mention.determiner in _DEFINITE and mention.kind not in _HUMANS:  # "the puppy" is Rex the dog
                same_kind = [
                    e for e in reversed(self._recent) if self._kind.get(e) == mention.kind and e in self._gender
                ]
                if same_kind:
                    return same_kind[0]
        assert mention.kind is not None
        entity = self._add_character(mention.lemma, mention.lemma, mention.kind, mention.lemma, mention.modifiers)
        self._by_noun[mention.lemma] = entity
        return entity

    def _by_colour(self, mention: _Mention) -> str | None:
        """Among several of a kind ("two robots"), the one a colour picks out ("the red robot"): the one already of
        that colour, else the first with none yet, which takes it. None without a colour or a group."""
        colour = next((word for word in mention.modifiers if word in COLORS), None)
        group = self._groups.get(mention.lemma, [])
        if colour is None or len(group) < 2:
            return None
        colours = {member.id: member.appearance.color for member in self.cast if member.id in group}
        chosen = [e for e in group if colours[e] == colour] or [e for e in group if colours[e] is None]
        if not chosen:
            return None
        self._dress(chosen[0], mention.modifiers)
        return chosen[0]

    def _own_mount(self, mount: str) -> str:
        """``mount``, or another one like it when someone already rides it in the clause in hand."""
        if mount not in {taken for _, taken in self._mounted}:
            return mount
        original = next(c for c in self.cast if c.id == mount)
        other = self._add_character(mount, original.name, original.kind, original.name, [])
        self.cast[-1].appearance = original.appearance.model_copy(deep=True)
        return other

    def _add_character(self, base: str, name: str, kind: str, lemma: str, modifiers: list[str]) -> str:
        entity = self._unique(_slug(base), self._ids)
        kind = "elder" if kind == "person" and _OLD & set(modifiers) else kind
        self.cast.append(Character(id=entity, name=name, kind=kind, appearance=_appearance(modifiers)))
        self._kind[entity] = kind
        self._gender[entity] = "m" if lemma in MALE_NOUNS else "f" if lemma in FEMALE_NOUNS else None
        return entity

    def _dress(self, entity: str, modifiers: list[str]) -> None:
        """Add colour, size and descriptors a later mention gives; a look once set is kept."""
        if not modifiers:
            return
        holder = next((c for c in self.cast if c.id == entity), None)
        if holder is None:
            return
        extra = _appearance(modifiers)
        look = holder.appearance
        if look.color is None and extra.color is not None:
            look.color, look.rgb = extra.color, extra.rgb
        if look.size == 1.0:
            look.size = extra.size
        look.descriptors += [word for word in extra.descriptors if word not in look.descriptors]

    def _prop(self, mention: _Mention) -> str:
        location = self._location
        assert location is not None
        props = self._props[location.id]
        if mention.determiner != "another" and mention.lemma in self._carried:
            return self._carried[mention.lemma]
        if mention.determiner != "another" and mention.lemma in props:
            return props[mention.lemma]
        if mention.determiner in _DEFINITE and mention.kind is not None:  # "football ... the ball": the same ball
            same_kind = [entity for lemma, entity in props.items() if self._kind.get(entity) == mention.kind]
            if len(same_kind) == 1:
                return same_kind[0]
        if mention.determiner in _DEFINITE:  # "the lantern" of another place: the same lantern, taken along
            for other, named in self._props.items():
                if mention.lemma in named:
                    return self._carry(other, named.pop(mention.lemma), mention.lemma)
        entity = self._unique(_slug(mention.lemma), self._ids)
        generic = mention.kind is None
        location.props.append(
            Prop(
                id=entity,
                name=mention.lemma,
                kind=mention.kind or "generic",
                appearance=_appearance(mention.modifiers),
                generic=generic,
            )
        )
        props[mention.lemma] = entity
        self._kind[entity] = mention.kind or "generic"
        if generic and mention.lemma not in self.unknown_nouns:
            self.unknown_nouns.append(mention.lemma)
        return entity

    def _carry(self, location_id: str, entity: str, lemma: str) -> str:
        """A prop the story takes to another location becomes a cast member, so every location it appears in shows
        the same thing (its id, kind and look stay; its placements where it was found stay too)."""
        location = next(location for location in self.locations if location.id == location_id)
        prop = next(prop for prop in location.props if prop.id == entity)
        location.props.remove(prop)
        self.cast.append(Character(id=entity, name=prop.name, kind=prop.kind, appearance=prop.appearance))
        self._carried[lemma] = entity
        return entity

    def _pronoun(self, word: str, earlier: list[str]) -> list[str]:
        """The last character a pronoun can mean: he/she by gender where known, it a non-human, they a group. An
        object pronoun (him, her, them) does not mean the clause's own subject: "she called him"."""
        characters = [e for e in reversed(self._recent) if e in self._gender]
        if word in {"him", "her", "them"}:
            characters = [e for e in characters if e not in earlier] or characters
        if word in {"they", "them"}:
            beings = [e for e in characters if self._kind[e] not in _VEHICLES] or characters
            group = [e for e in self._group if word == "they" or e not in earlier]
            return group or beings[:2]
        if word == "it":
            things = [*reversed(self._salient), *reversed(self._recent)]  # what acted or was acted on, first
            named = set(self._by_name.values())  # Rex is "he"; "it" is rather the ball, or a cat with no name
            ranked = sorted(dict.fromkeys(things), key=lambda e: e in named)
            return [e for e in ranked if self._kind.get(e) not in _HUMANS and e not in earlier][:1]
        gender = "m" if word in {"he", "him"} else "f"
        named = set(self._by_name.values())
        machine = _VEHICLES | {"plane"}  # "she says" after "a ship": the friend, whatever ships are called
        ranked = sorted(  # stable: recency
            characters, key=lambda e: (self._gender[e] != gender, self._kind[e] in machine, e not in named)
        )
        for entity in ranked:
            if self._gender[entity] in {gender, None}:
                self._gender[entity] = gender
                return [entity]
        if characters:
            return characters[:1]
        noun = "man" if gender == "m" else "woman"
        entity = self._add_character(noun, noun, "person", noun, [])
        self._by_noun[noun] = entity
        return [entity]

    def _in_view(self, kind: LocationKind) -> bool:
        """Whether a place of ``kind`` is part of the current location: the sea is the beach's ("the ball rolls
        into the sea" stays on the beach)."""
        return self._location is not None and (self._location.kind, kind) in _SEEN_FROM

    @staticmethod
    def _verb_subject(scan: _Scan, resolved: list[tuple[_Mention, str]], position: int) -> list[str]:
        """Who the clause names as doer of the last verb before ``position``: an object pronoun there is someone
        else ("she called him")."""
        verbs = [at for at, _, _ in scan.verbs if at < position]
        if not verbs:
            return []
        since = verbs[-2] if len(verbs) > 1 else -1
        return [e for m, e in resolved if since < m.position < verbs[-1] and not (m.after_preposition or m.possessor)]

    def _seen(self, entity: str) -> None:
        if entity in self._recent:
            self._recent.remove(entity)
        self._recent.append(entity)

    # ---- one clause, one shot

    def read(self, clause: _Clause) -> None:
        scan = clause.scan
        previous_location = self._location
        if scan.settings and not self._in_view(scan.settings[-1][1]):
            self._enter(*scan.settings[-1])
        elif self._location is None:
            self._enter(*self._first_setting)
        # On a filmed location only an opening "That night, ..." changes the hour; "into the sunset" does not.
        filmed = any(shot.location == self._location.id for shot in self.shots) if self._location else False
        reach = _OPENING_WORDS if filmed and scan.verbs else len(clause.tokens)
        times = [time for position, time in scan.times if position < reach]
        weathers = [weather for position, weather in scan.weathers if position < reach]
        self._set_conditions(times[-1] if times else None, weathers[-1] if weathers else None)
        location = self._location
        assert location is not None

        resolved: list[tuple[_Mention, str]] = []
        for mention in scan.mentions:
            for entity in self._resolve(mention, self._verb_subject(scan, resolved, mention.position)):
                resolved.append((mention, entity))
                self._seen(entity)

        for position, modifiers in scan.clothing:  # "a woman in a red coat"
            wearers = [e for m, e in resolved if m.position < position and e in self._gender]
            if wearers:
                self._dress(wearers[-1], [word for word in modifiers if word in COLORS])
        actions, doers = self._actions(scan, resolved)
        lines = self._dialogue(clause, resolved, doers, actions)
        actions = self._addressed(lines, actions)
        for action in actions:  # the doer ends up more salient than what it acted on
            for salient in [action.target, action.actor]:
                if salient is not None:
                    self._salient = [e for e in self._salient if e != salient] + [salient]
        self._place(scan, resolved, doers, location)
        subjects = self._subjects(actions, resolved, location)
        if not any(action.actor == subject for action in actions for subject in subjects):
            actions += [Action(actor=s, verb=Verb.IDLE) for s in subjects if s in self._gender][:2]

        new_location = location is not previous_location
        establishing = location.kind if (not self.shots or new_location) else None
        verb = next((a.verb for a in actions if a.verb != Verb.IDLE), actions[0].verb if actions else Verb.IDLE)
        coverage, holding = hold(subjects, actions, self._known(subjects))
        framing = _frame(verb, establishing, self._framing, self.rng, holding)
        self._framing = framing
        words = sum(token.is_word for token in clause.tokens)
        seconds = min(6.0, max(3.0, 2.0 + 0.2 * words + _ACTION_SECONDS[verb] + (0.5 if establishing else 0.0)))
        transition = Transition.FADE if not self.shots else Transition.DISSOLVE if new_location else Transition.CUT
        self.shots.append(
            Shot(
                id=f"shot_{len(self.shots) + 1:02d}",
                location=location.id,
                duration=round(seconds * self.fps) / self.fps,
                description=clause.text,
                subjects=subjects,
                actions=actions,
                size=framing.size,
                move=framing.move,
                angle=framing.angle,
                transition=transition,
                seen=marks(subjects, actions),
                coverage=coverage,
                unstaged=list(dict.fromkeys(_unstaged(clause.tokens) + self._unacted)),
                lines=lines,
            )
        )
        self._unacted = []

    def _dialogue(
        self,
        clause: _Clause,
        resolved: list[tuple[_Mention, str]],
        doers: list[tuple[int, list[str]]],
        actions: list[Action],
    ) -> list[Line]:
        """The clause's quoted speech as lines (see :func:`~storyreel.planners.lines.dialogue`), each said by the
        cast member :meth:`_speaker` finds. A sentence with no speech ends the conversation under way."""
        at = {token.start: index for index, token in enumerate(clause.tokens)}
        said: list[list[tuple[str, str | None]]] = []
        for sentence in speech(clause.text):
            if not sentence:
                self._talk, self._spoken_to = [], None
            heard = []
            for quote in sentence:
                verb = at.get(quote.tag[0]) if quote.tag else None
                speaker = self._speaker(verb, resolved, doers)
                if speaker is not None and (not self._talk or self._talk[-1] != speaker):
                    self._talk.append(speaker)
                if verb is not None and len(self._talk) == 1:
                    self._spoken_to = next(
                        (a.target for a in actions if a.actor == speaker and a.verb is Verb.TALK and a.target),
                        None,
                    )
                heard.append((quote.words, speaker))
            said.append(heard)
        return dialogue(said)

    def _addressed(self, lines: list[Line], actions: list[Action]) -> list[Action]:
        """``actions`` with a speaker's TALK that has no one to talk to given the cast member its line calls by name
        or noun ("Hello, little fox.", "Look, Rex, the clouds"): a viewer sees who is spoken to."""
        addressed = list(actions)
        for line in lines:
            addressee = self._vocative(line.text, line.speaker)
            for index, action in enumerate(addressed):
                if addressee and action.actor == line.speaker and action.verb is Verb.TALK and action.target is None:
                    addressed[index] = action.model_copy(update={"target": addressee})
        return addressed

    def _vocative(self, text: str, speaker: str | None) -> str | None:
        """The cast member a line calls: a part of it set off by commas, of one to three words, that ends in a
        cast member's name or noun ("little fox", "Rex"); not the speaker."""
        cast = {character.id for character in self.cast}
        for part in text.split(","):
            words = _LETTERS.findall(part)
            if not 1 <= len(words) <= 3:
                continue
            last = words[-1]
            called = self._by_name.get(last) or self._by_noun.get(_noun_lemma(last.lower()))
            if called in cast and called != speaker:
                return called
        return None

    def _speaker(
        self, verb: int | None, resolved: list[tuple[_Mention, str]], doers: list[tuple[int, list[str]]]
    ) -> str | None:
        """Who says a quotation whose speech verb stands at token ``verb`` (None: its sentence has none). With a
        verb: its doer as the clause's actions read it ('she says', with pronouns resolved as everywhere, 'says the
        girl', 'Mia smiles and says'), else whoever the clause names right before or right after it ('Mia
        mutters'). Without one, or when that is no cast member: the other side of the conversation under way (the
        one who spoke before the last speaker, else whom the only speaker spoke to), else its only speaker going on,
        else the character who last acted; with nobody at all, the narrator (None)."""
        cast = {character.id for character in self.cast}
        if verb is not None:
            acted = next((actors for position, actors in doers if position == verb), [])
            before = [e for m, e in resolved if m.end == verb and not m.possessor]
            after = [e for m, e in resolved if m.position == verb + 1 and not m.after_preposition]
            speaker = next((e for e in [*acted, *before, *after] if e in cast), None)
            if speaker is not None:
                return speaker
        if self._talk:
            other = next((e for e in reversed(self._talk) if e != self._talk[-1]), None)
            return other or (self._spoken_to if self._spoken_to in cast else None) or self._talk[-1]
        return next((e for e in self._last_actors if e in self._gender), None)

    def _known(self, names: list[str]) -> dict[str, Subject]:
        """Each of ``names`` as :func:`~storyreel.planners.coverage.hold` sizes it: its kind and size class."""
        looks = {c.id: c.appearance for c in self.cast} | {
            prop.id: prop.appearance for location in self.locations for prop in location.props
        }
        return {name: Subject(self._kind.get(name, UNKNOWN), looks[name].size) for name in names if name in looks}

    def _actions(
        self, scan: _Scan, resolved: list[tuple[_Mention, str]]
    ) -> tuple[list[Action], list[tuple[int, list[str]]]]:
        """Each verb as actions: its doers are whoever the clause names since the verb before (else the last
        doers), its target the first thing named after it. Also returns (verb position, doers) for placements."""
        actions: list[Action] = []
        doers: list[tuple[int, list[str]]] = []
        boundaries = [position for position, _, _ in scan.verbs]
        for number, (position, lemma, verb) in enumerate(scan.verbs):
            since = boundaries[number - 1] if number else -1
            until = boundaries[number + 1] if number + 1 < len(boundaries) else 10**9
            actors = [
                entity
                for mention, entity in resolved
                if since < mention.position < position and not mention.after_preposition and not mention.possessor
            ]
            if number and position in scan.joined and self._last_actors:  # "finds a rock and picks it up"
                actors = self._last_actors
            if not actors and position in scan.speech_tags:  # '"Hello," said the robot': the speaker follows
                actors = [e for m, e in resolved if position < m.position < until and not m.after_preposition][:1]
            if not actors:
                actors = self._last_actors or [e for m, e in resolved if m.position < position][:1]
            if scan.one_of and not number and actors:  # "One of them points": the one singled out is the latest
                actors = actors[:1]
                self._seen(actors[0])
            if not actors:
                continue
            after = [
                entity
                for mention, entity in resolved
                if position < mention.position < until and entity not in actors and not mention.possessor
            ]
            taken = next(iter(after), None)  # what a dog brings it carries: "brings it back"
            if lemma in _HOLD_VERBS and after and self._kind.get(after[0]) not in CHARACTER_KINDS:
                after = after[1:]  # what one carries is in hand: "brings a ball to the dog" goes to the dog
            target = next(iter(after), None)
            for actor in dict.fromkeys(actors):
                kind = self._kind.get(actor, "generic")
                mount_kind = self._kind.get(target or "")
                if lemma == "ride" and target is not None and mount_kind in MOUNTS and kind in _HOLDERS:
                    # "rides a white horse to the castle": the horse goes there, the knight in its saddle
                    goal = next((entity for entity in after[1:] if entity != actor), None)
                    moves = Verb.DRIVE if mount_kind in _VEHICLES | {"motorbike"} else Verb.WALK
                    mount = self._own_mount(target)  # "two boys ride their bikes": a bike each
                    actions += [Action(actor=actor, verb=Verb.SIT), Action(actor=mount, verb=moves, target=goal)]
                    self._mounted.append((actor, mount))
                    continue
                if lemma in TRANSFER_VERBS:
                    if target is not None:
                        recipient = next(  # "throws a ball to his dog": the ball rolls to the dog
                            (
                                entity
                                for mention, entity in resolved
                                if position < mention.position < until
                                and entity not in (*actors, target)
                                and not mention.possessor
                            ),
                            None,
                        )
                        actions += [
                            Action(actor=actor, verb=Verb.LOOK, target=target),
                            Action(actor=target, verb=Verb.ROLL, target=recipient),
                        ]
                    else:
                        actions.append(Action(actor=actor, verb=Verb.JUMP))
                    continue
                if taken is not None and self._fetches(lemma, actor, taken):  # "the dog catches the ball"
                    actions.append(Action(actor=actor, verb=Verb.FETCH, target=taken))
                    continue
                if verb in (Verb.HANDLE, Verb.CLAP) and kind not in _HOLDERS:  # "the cat opens its eyes"
                    self._unacted.append(lemma)
                    continue
                if verb == Verb.SWIM and HABITATS.get(kind) == "air":  # "a duck swims to him": it flies there
                    self._unacted.append(lemma)
                    verb = Verb.FLY
                actions.append(Action(actor=actor, verb=_act(kind, verb), target=target))
                if verb == Verb.DRIVE and target is not None and self._kind.get(target) in _VEHICLES | {"plane"}:
                    actions.append(Action(actor=target, verb=_act(self._kind[target], Verb.DRIVE)))
            self._last_actors = list(dict.fromkeys(actors))
            doers.append((position, self._last_actors))
            if len(self._last_actors) > 1:
                self._group = self._last_actors
        unique: list[Action] = []
        for action in actions:
            if action not in unique:
                unique.append(action)
        return unique, doers

    def _fetches(self, lemma: str, actor: str, target: str) -> bool:
        """Whether ``actor`` takes ``target`` up in this clause and carries it on: what one catches, picks up, grabs
        or takes, or what an animal brings or carries (one with hands holds what it brings from the start), when
        it is no person and at most half the actor's height ("the dog catches the ball", "the boy catches a
        fish"; not "the girl catches the horse")."""
        known = self._known([actor, target])
        if actor not in known or target not in known or self._kind.get(target) in _HUMANS:
            return False
        taken = lemma in _TAKE_VERBS or (lemma in _HOLD_VERBS and self._kind.get(actor) not in _HOLDERS)
        return taken and known[target].height <= 0.5 * known[actor].height

    def _on_someone(self, subject: str, relation: Relation, reference: str) -> bool:
        """Whether a placement would stand one who does not fly on another who is no mount: what one puts on
        someone is worn or held ("the boy puts his hat on the girl"), never its doer."""
        kind, under = self._kind.get(subject), self._kind.get(reference)
        grounded = kind in CHARACTER_KINDS and HABITATS.get(kind or "") != "air"
        return relation is Relation.ON and grounded and under in CHARACTER_KINDS and under not in MOUNTS

    def _place(
        self,
        scan: _Scan,
        resolved: list[tuple[_Mention, str]],
        doers: list[tuple[int, list[str]]],
        location: Location,
    ) -> None:
        """Spatial phrases as placements: the thing just before the phrase (or else the doer of the verb before
        it) stands in the relation to the first thing after it; for a thing worked in the hands, its holder does
        ("plays the guitar on the stairs")."""
        held = self._held(scan, resolved, doers, location)
        worked = {prop: holder for prop, holder, handled in held if handled}
        for position, relation in scan.relations:
            after = [entity for mention, entity in resolved if mention.position > position and not mention.possessor]
            adjacent = [entity for mention, entity in resolved if mention.end == position]  # "a bench next to"
            verb_doers = [actors for at, actors in doers if at < position][-1:]  # "Rex sat beside her"
            subject = next(iter(adjacent or (verb_doers[0] if verb_doers else [])), None)
            subject = worked.get(subject, subject) if subject is not None else None
            if subject is None or not after or after[0] == subject or self._on_someone(subject, relation, after[0]):
                continue
            _add_placement(location, Placement(subject=subject, relation=relation, reference=after[0]))
        placed = {placement.subject for placement in location.placements}  # "puts the cup on the table": there
        for prop, holder, handled in held:
            if handled or prop not in placed:
                _add_placement(location, Placement(subject=prop, relation=Relation.HELD_BY, reference=holder))
        for rider, mount in self._mounted:
            _add_placement(location, Placement(subject=rider, relation=Relation.ON, reference=mount))
        self._mounted = []
        for prop, doer in self._at_hand(resolved, doers, location):
            _add_placement(location, Placement(subject=prop, relation=Relation.NEXT_TO, reference=doer))

    def _at_hand(
        self, resolved: list[tuple[_Mention, str]], doers: list[tuple[int, list[str]]], location: Location
    ) -> list[tuple[str, str]]:
        """(prop, doer) pairs: a prop the clause brings in that nothing places stands by the clause's first doer (or
        its first character, when no verb the planner acts names one), so that what a sentence names together is
        filmed together ("eats his soup at the table", "feeds it bread"). Landmarks (a tower, a house) stay where
        the layout puts them."""
        named = [actors[0] for _, actors in doers] + [entity for _, entity in resolved]  # "feeds it bread": no verb
        doer = next((entity for entity in named if self._kind.get(entity) in CHARACTER_KINDS), None)
        if doer is None:
            return []
        placed = {p.subject for p in location.placements} | {p.reference for p in location.placements}
        filmed = {entity for shot in self.shots if shot.location == location.id for entity in shot.subjects}
        kinds = {prop.id: prop.kind for prop in location.props}
        fresh = dict.fromkeys(entity for _, entity in resolved if entity in kinds)
        return [(prop, doer) for prop in fresh if prop not in placed | filmed and not Subject(kinds[prop]).landmark]

    def _held(
        self,
        scan: _Scan,
        resolved: list[tuple[_Mention, str]],
        doers: list[tuple[int, list[str]]],
        location: Location,
    ) -> list[tuple[str, str, bool]]:
        """(prop, holder, worked) triples: the object of a verb of holding or handing over is in its doer's hand,
        and so is a prop "with" whom it follows ("a girl with a red balloon", "Tom sees a girl with a balloon") or
        else the doer of the verb before ("a boy runs to him with a kite"); a hand's work on a handheld thing holds
        it too ("he opens his umbrella", ``worked``). Only people and robots hold things."""
        placed = {placement.subject for placement in location.placements}  # already stands somewhere
        props = ({prop.id for prop in location.props} | set(self._carried.values())) - placed
        handles = {p for p, lemma, verb in scan.verbs if verb is Verb.HANDLE and lemma not in _TAKE_VERBS}
        pairs: list[tuple[int, list[str]]] = [
            (at, actors)
            for at, actors in doers
            if any(p == at and (lemma in _HOLD_VERBS or p in handles) for p, lemma, _ in scan.verbs)
        ]
        for at in scan.withs:
            adjacent = [e for m, e in resolved if m.end == at and not m.after_preposition and e in self._gender]
            before = [actors for verb, actors in doers if verb < at][-1:]
            pairs.append((at, adjacent or (before[0] if before else [])))
        verbs = [at for at, _, _ in scan.verbs]
        held: list[tuple[str, str, bool]] = []
        for at, holders in pairs:
            until = min([verb for verb in verbs if verb > at], default=10**9)
            things = [e for m, e in resolved if at < m.position < until and not m.possessor and e in props]
            if at in handles:
                things = [thing for thing in things[:1] if self._kind.get(thing) in HANDHELD_KINDS]
            holder = next(iter(holders), None)  # "gives the fox a ball": the first prop, not whom it goes to
            if things and holder is not None and self._kind.get(holder) in _HOLDERS:
                held.append((things[0], holder, at in handles))
        return held

    def _subjects(self, actions: list[Action], resolved: list[tuple[_Mention, str]], location: Location) -> list[str]:
        """Who the camera keeps framed, main first: actors, their targets, then whoever else the clause names;
        with nobody named, whoever the last shot framed (none yet: ``storyboard`` fills it in)."""
        here = {prop.id for prop in location.props} | set(self._carried.values())
        ordered = [a.actor for a in actions] + [a.target for a in actions if a.target] + [e for _, e in resolved]
        subjects = [e for e in dict.fromkeys(ordered) if e in self._gender or e in here][:4]
        if subjects:
            return subjects
        if self.shots:
            carried = [e for e in self.shots[-1].subjects if e in self._gender or e in here]
            if carried:
                return carried
        return []

    def storyboard(self, title: str) -> Storyboard:
        """The storyboard read so far. Opening shots that name nobody show the first character the story brings
        in; a story that names nobody at all gets a person, idling."""
        for index, shot in enumerate(self.shots):
            if shot.subjects:
                continue
            later = [e for s in self.shots[index + 1 :] for e in s.subjects if e in self._gender][:1]
            if not later and "person" not in self._by_noun:
                self._by_noun["person"] = self._add_character("person", "person", "person", "person", [])
            shot.subjects = later or [self._by_noun["person"]]
            shot.actions = [Action(actor=shot.subjects[0], verb=Verb.IDLE)]
        filmed = {shot.location for shot in self.shots}
        locations = [location for location in self.locations if location.id in filmed]
        for location in locations:
            name = self._location_word[location.id]
            if location.time_of_day != TimeOfDay.DAY:
                name += f" at {location.time_of_day.value}"
            if location.weather != Weather.CLEAR:
                name += f" ({location.weather.value})"
            location.name = name
        return Storyboard(
            title=title,
            cast=[c.model_copy(update={"gender": GENDERS.get(self._gender.get(c.id) or "")}) for c in self.cast],
            locations=locations,
            shots=self.shots,
            unknown_nouns=self.unknown_nouns,
        )


def _add_placement(location: Location, placement: Placement) -> None:
    """Add ``placement`` to ``location`` unless it is already there."""
    if placement not in location.placements:
        location.placements.append(placement)


def _appearance(modifiers: list[str] | tuple[str, ...]) -> Appearance:
    color = next((word for word in modifiers if word in COLORS), None)
    size = next((SIZES[word] for word in modifiers if word in SIZES), 1.0)
    descriptors = [
        word
        for word in dict.fromkeys(modifiers)
        if word not in COLORS and word not in SIZES and word not in QUANTIFIERS
    ]
    return Appearance(color=color, rgb=COLORS[color] if color else None, size=size, descriptors=descriptors)
