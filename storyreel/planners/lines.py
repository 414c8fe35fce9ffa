"""The words heard in a shot: quoted speech as dialogue, and the story's other words as narration.

Speech is what a story puts in double quotation marks, straight or curly. :func:`speech` finds each quotation that is
speech and the speech verb that tags it ('"Hi," she says', 'says the girl', 'Mia said to Rex'); the rule planner gives
the line to the verb's subject. :func:`narrate` gives each shot a narrator's line: the words of the story it films
that are not speech.
"""

from __future__ import annotations

import itertools
import re
import textwrap
from dataclasses import dataclass

from storyreel.planners.lexicon import FUNCTION_WORDS, SPEECH_VERBS, verb_lemma
from storyreel.schema import Line, Storyboard


def is_speech_verb(word: str) -> bool:
    """Whether ``word`` is a form of a speech verb (says, said, whispering, cried)."""
    return verb_lemma(word.lower(), SPEECH_VERBS) is not None


#: The most characters a :class:`Line` holds.
LINE_CHARS = 400

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+|\n\s*\n")
_QUOTE = re.compile(r'"([^"]*)"')
_WORD = re.compile(r"[^\W\d_]+(?:['-][^\W\d_]+)*")
_MARK = re.compile(r"[^\s,;:.!?]+|[,;:.!?]")


def straight_quotes(text: str) -> str:
    """``text`` with curly quotation marks made straight (one character for one: offsets stay)."""
    return text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Where each sentence of ``text`` (straight quotation marks) starts and ends, blanks around it left out: never
    cut inside a quotation nor between a quotation and its speech tag ('"Hold on!" he said.', '"Sit!" Mia said.')."""
    cuts = [0]
    for match in _SENTENCE_END.finditer(text):
        inside = text[cuts[-1] : match.end()].count('"') % 2 == 1
        tagged = '"' in match.group() and _opens_tag(text[match.end() :])
        if "\n" in match.group() or not (inside or tagged):
            cuts.append(match.end())
    cuts.append(len(text))
    spans = []
    for start, end in itertools.pairwise(cuts):
        part = text[start:end]
        if part.strip():
            spans.append((start + len(part) - len(part.lstrip()), end - len(part) + len(part.rstrip())))
    return spans


def split_sentences(text: str) -> list[str]:
    """The sentences of ``text`` (see :func:`sentence_spans`), quotation marks made straight."""
    text = straight_quotes(text)
    return [text[start:end] for start, end in sentence_spans(text)] or [text.strip()]


def _opens_tag(text: str) -> bool:
    """Whether ``text``, right after a quotation, opens its speech tag: in lower case ('he said'), or with a speech
    verb among its first three words before any mark ('Mia said', 'The old man whispers')."""
    head = re.match(r"[^.,;:!?\"]*", text)
    words = _WORD.findall(head.group() if head else "")[:3]
    return text[:1].islower() or any(is_speech_verb(word) for word in words)


@dataclass(frozen=True)
class Quotation:
    """Quoted speech: where its marks stand (``start`` at the opening one, ``end`` past the closing one), the words
    inside as written, and where the speech verb that tags it stands, if its sentence has one."""

    start: int
    end: int
    words: str
    tag: tuple[int, int] | None


def speech(text: str) -> list[list[Quotation]]:
    """The quoted speech of each sentence of ``text`` (straight quotation marks), in order. A quotation is speech
    when a speech verb outside the quotations of its sentence tags it (the nearest one), or when its sentence is
    nothing but quotations ('"Yes!"'); any other quotation (a title, a quoted word) is part of the story's words."""
    found: list[list[Quotation]] = []
    for start, end in sentence_spans(text):
        quotes = list(_QUOTE.finditer(text, start, end))
        outside = [
            word
            for word in _WORD.finditer(text, start, end)
            if not any(q.start() < word.start() < q.end() for q in quotes)
        ]
        verbs = [(word.start(), word.end()) for word in outside if is_speech_verb(word.group())]
        bare = not outside
        sentence = []
        for quote in quotes:
            tag = min(verbs, key=lambda verb: _distance(verb, quote), default=None)
            if tag is not None or bare:
                sentence.append(Quotation(quote.start(), quote.end(), quote.group(1), tag))
        found.append(sentence)
    return found


def _distance(verb: tuple[int, int], quote: re.Match[str]) -> int:
    """How many characters stand between a speech verb and a quotation."""
    return verb[0] - quote.end() if verb[0] >= quote.end() else quote.start() - verb[1]


def spoken(words: str) -> str:
    """Quoted words as a line's text: blanks collapsed, a trailing comma, colon, semicolon or dash made a period,
    and a period added where no mark ends them ('Hello, little fox,' -> 'Hello, little fox.'; 'Wait!' stays)."""
    text = " ".join(words.split()).rstrip(",;:-\u2013\u2014 ")
    return text if not text or text.endswith((".", "!", "?", "\u2026")) else text + "."


def dialogue(sentences: list[list[tuple[str, str | None]]]) -> list[Line]:
    """Lines from each sentence's quoted words and who says them, in order. A quotation that goes on in lower case
    in its speaker's sentence joins the line before it ('"Hi," she says, "how are you?"' -> 'Hi, how are you?')."""
    said: list[tuple[str, str | None]] = []
    for sentence in sentences:
        joined: list[tuple[str, str | None]] = []
        for words, speaker in sentence:
            words = " ".join(words.split())
            if joined and joined[-1][1] == speaker and words[:1].islower():
                joined[-1] = (f"{joined[-1][0]} {words}", speaker)
            elif words:
                joined.append((words, speaker))
        said += joined
    return [Line(text=piece, speaker=speaker) for words, speaker in said for piece in _pieces(spoken(words))]


def narration(text: str) -> str:
    """The words of ``text`` that are not quoted speech, as a sentence; '' when none are left. Each quotation that is
    speech goes, and so does its speech tag: the speech verb with its subject and the words after it up to a mark or
    an 'and' ('she says', 'says the girl', 'Mia said to Rex'); a tag after an 'and' or a comma keeps what comes
    before it ('She smiles and says, "Hi."' -> 'She smiles.')."""
    text = straight_quotes(text)
    sentences = speech(text)
    kept: list[str] = []
    for (start, end), quotes in zip(sentence_spans(text), sentences, strict=True):
        if not quotes:
            kept.append(" ".join(text[start:end].split()))
            continue
        marks = [(quote.start, quote.end) for quote in quotes]
        tags = dict.fromkeys(quote.tag for quote in quotes if quote.tag is not None)
        cuts = marks + [_tag_span(text, tag, marks, start, end) for tag in tags]
        words, at = [], start
        for cut_start, cut_end in sorted(cuts):
            words.append(text[at:cut_start] if cut_start > at else "")
            at = max(at, cut_end)
        words.append(text[at:end])
        kept.append(_tidy(" ".join(words)))
    return " ".join(sentence for sentence in kept if sentence)


def _tag_span(text: str, tag: tuple[int, int], quotes: list[tuple[int, int]], start: int, end: int) -> tuple[int, int]:
    """Where the speech tag around the verb at ``tag`` stands, within the words between the quotations around it."""
    left = max([quote_end for _, quote_end in quotes if quote_end <= tag[0]], default=start)
    right = min([quote_start for quote_start, _ in quotes if quote_start >= tag[1]], default=end)
    before = text[left : tag[0]]
    cut = [m for m in re.finditer(r"[,;]|\b(?:and|then)\b", before) if _WORD.search(before[: m.start()])]
    after = re.search(r"[,;.!?]|\band\b", text[tag[1] : right])
    return left + (cut[-1].start() if cut else 0), tag[1] + after.start() if after else right


def _tidy(text: str) -> str:
    """The words of a sentence left over from cutting its speech out, as a sentence: no marks before the first word
    nor doubled, no leading 'and', a capital first letter and an end mark."""
    tokens: list[str] = []
    for token in _MARK.findall(text):
        mark = token in ",;:.!?"
        if mark and (not tokens or tokens[-1] in ",;:.!?"):
            if tokens and token in ".!?":
                tokens[-1] = token
            continue
        if not tokens and token.lower() == "and":
            continue
        tokens.append(token)
    while tokens and tokens[-1] in ",;:":
        tokens.pop()
    if not tokens:
        return ""
    if tokens[-1] not in ".!?":
        tokens.append(".")
    sentence = "".join(token if token in ",;:.!?" else f" {token}" for token in tokens).strip()
    return sentence[:1].upper() + sentence[1:]


def _pieces(text: str) -> list[str]:
    """``text`` in pieces a :class:`Line` holds, cut between words."""
    return textwrap.wrap(text, LINE_CHARS) if len(text) > LINE_CHARS else [text] if text else []


# ----------------------------------------------------------------------------------------------------- narration


def narrate(storyboard: Storyboard, story: str) -> Storyboard:
    """``storyboard`` with a narrator's line on each shot that films words of ``story`` that are not quoted speech
    (narration lines it had are replaced). Each sentence of the story is narrated once, on the first shot that films
    it; a sentence no shot films goes with the sentence before it. Which shots film which sentence is read from the
    shots' descriptions (see :func:`_align`), so it works for any planner's storyboard. The narration comes before
    the shot's dialogue, or after it when the shot's description opens with the speech ('"Hi," she says, and
    smiles.')."""
    sentences = split_sentences(story)
    told: list[list[str]] = [[] for _ in storyboard.shots]
    for sentence, index in zip(sentences, _align(storyboard, sentences), strict=True):
        told[index].append(sentence)
    shots = []
    for shot, said in zip(storyboard.shots, told, strict=True):
        words = " ".join(filter(None, (narration(sentence) for sentence in said)))
        narrated = [Line(text=piece) for piece in _pieces(words)]
        spoken_lines = [line for line in shot.lines if line.speaker is not None]
        opens_with_speech = straight_quotes(shot.description).lstrip().startswith('"')
        lines = spoken_lines + narrated if opens_with_speech else narrated + spoken_lines
        shots.append(shot.model_copy(update={"lines": lines}))
    return storyboard.model_copy(update={"shots": shots})


#: How much less a shot is taken to film a sentence an earlier shot already films, or one per sentence it skips.
_AGAIN, _SKIP = 0.1, 0.02
#: The least likeness (see :func:`_likeness`) for a shot to film a sentence.
_FILMS = 0.2


def _align(storyboard: Storyboard, sentences: list[str]) -> list[int]:
    """For each sentence, the first shot that films it. Shots go through the story in order: each films the sentence,
    from the last one filmed on, its description is most like (a sentence again, or one further on, costs a little),
    and one like none of them films none. A sentence no shot films goes with the one before it (or the first shot)."""
    first: dict[int, int] = {}
    at = 0
    for index, shot in enumerate(storyboard.shots):
        likeness = {i: _likeness(shot.description, sentences[i]) for i in range(at, len(sentences))}
        chosen = max(likeness, key=lambda i: (likeness[i] - _SKIP * (i - at) - _AGAIN * (i in first), -i), default=None)
        if chosen is None or likeness[chosen] < _FILMS:
            continue
        first.setdefault(chosen, index)
        at = chosen
    shots: list[int] = []
    for i in range(len(sentences)):
        shots.append(first.get(i, shots[-1] if shots else 0))
    return shots


def _likeness(description: str, sentence: str) -> float:
    """How alike a shot's description and a sentence are: the share of their content words they have in common
    (Jaccard), plus 1 when one holds the other whole (the rule planner films a sentence or a clause of it)."""
    a, b = " ".join(straight_quotes(description).lower().split()), " ".join(sentence.lower().split())
    if not a:
        return 0.0
    words_a, words_b = _content(a), _content(b)
    shared = len(words_a & words_b) / len(words_a | words_b) if words_a | words_b else 0.0
    return shared + (1.0 if a.strip(" .") in b or b.strip(" .") in a else 0.0)


def _content(text: str) -> set[str]:
    return {word for word in _WORD.findall(text) if word not in FUNCTION_WORDS}
