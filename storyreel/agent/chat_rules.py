"""Plain requests in the offline chat, read by rules into the chat's operations, and whether a line tells a story.

:func:`understand` reads a line by its shape, predictably, into a tool call of the chat (an operation's name and its
JSON arguments, as the LLM makes them and the slash commands build them), or ``help`` / ``shots``:

- the fixed commands: "help", "undo" ("go back"), "render" ("film it", "make the video"), "show the shots";
- a line naming a shot ("shot 2", "the second shot", "the last shot", "shot_03") edits it:
  "remove|delete|cut|drop <shot>" removes it; otherwise its values change: size, angle, move and transition as the
  schema names them, matched loosely ("close up", "closeup", "panning", "a low angle", "dissolve into shot 3"),
  duration as "5 seconds", "longer" (a second more) or "shorter" (a second less, at most half);
- "add|insert a [close-up|wide...] shot [after <shot>] of|showing <words>" adds a shot described by the words;
- a line naming a time of day or a weather and no shot ("make it night", "make it snowy in the park") changes every
  location, or the one it names;
- "<speaker> says <words> in <shot>" adds a line of dialogue (he, she, they: the shot's first cast member).

Every word of an edit must be accounted for: values, the shot, or filler ("make", "use", "a", "the", "shot",
"angle", ...); a word that is none of these ("not", "purple") leaves the line not understood rather than half done.
Before any storyboard exists only the fixed commands are read; every other line is a story.

:func:`reads_as_story` tells a story from a request the rules do not know: a story names no shot, does not start
with a command or a question, and has a third-person subject (a noun, a name, he, she, they...) with a verb in the
present or past tense ("The dog sleeps.", "Mia is running"); "paint it blue", "I want a sunset", "the dog should
be bigger" are requests.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from storyreel.planners.language import Sentence, read
from storyreel.schema import CameraAngle, CameraMove, Gender, ShotSize, Storyboard, TimeOfDay, Transition, Weather

#: The answer to a line that is neither a request the rules know nor a story.
NOT_UNDERSTOOD = (
    'I did not understand that. Try: "make shot 2 a close-up", "add a shot of the dog asleep", "make it night", '
    '"remove the last shot", "render" — or tell a new story, or /help.'
)

#: The description of a shot added without words.
ADDED = "an added shot"


@dataclass(frozen=True)
class Request:
    """A plain line understood: the operation ``name`` (or ``help``, ``shots``) with its JSON ``arguments``, and
    ``summary``, how it was understood ("shot 2 size -> close-up")."""

    name: str
    arguments: dict[str, Any]
    summary: str


_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9}
_NUMBERS |= {"ten": 10, "eleven": 11, "twelve": 12}
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8}
_ORDINALS |= {"ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12}
_FROM_END = r"last|final|penultimate|second[\s-]+(?:to[\s-]+)?last"
_SHOT = (
    rf"\bshot\s*(?:#|no\.?|number)?\s*(?P<number>\d+|{'|'.join(_NUMBERS)})\b|\b(?P<id>shot_\d+)\b"
    rf"|\bthe\s+(?P<ordinal>{'|'.join(_ORDINALS)}|\d+(?:st|nd|rd|th)|{_FROM_END})\s+(?:shot|one)\b"
)
_SHOT_RE = re.compile(_SHOT, re.I)
_PRONOUNS = {"she": Gender.FEMALE, "he": Gender.MALE, "they": None}

_AMOUNT = rf"(?P<amount>\d+(?:\.\d+)?|{'|'.join(_NUMBERS)})"
_DURATION = re.compile(rf"\b{_AMOUNT}[\s-]*(?:s|secs?|seconds?)\b", re.I)
_LONGER = re.compile(r"\b(?P<way>longer|shorter)\b", re.I)

_FIXED: dict[str, re.Pattern[str]] = {
    "help": re.compile(r"help|what can (?:you|i) do|commands|how does (?:this|it) work", re.I),
    "undo": re.compile(r"undo(?: (?:that|it|the last (?:change|edit)))?|go back|take (?:that|it) back|revert", re.I),
    "render": re.compile(
        r"(?:render|film|shoot)(?: it| (?:the|my|this) (?:video|film|movie|story|reel|storyboard))?"
        r"|(?:make|create|produce|render|film|shoot) (?:the|my|a|this) (?:video|film|movie|reel)",
        re.I,
    ),
    "shots": re.compile(
        r"(?:(?:show|list|print|display|see)(?: me)?(?: all)?(?: the)? )?(?:shots|shot list|storyboard)"
        r"|what are the shots",
        re.I,
    ),
}
_REMOVE = re.compile(rf"(?:remove|delete|cut|drop|get rid of|take out|skip)\s+(?:{_SHOT})(?:\s+out)?", re.I)
_ADD = re.compile(
    r"(?:add|insert|append)\s+(?P<head>.*?)(?:\s+(?:of|showing|where|in which|that shows)\s+(?P<words>.+))?", re.I
)
_AFTER = re.compile(rf"\s*\b(?P<where>after|following|before)\s+(?:{_SHOT})", re.I)
_AT_END = re.compile(r"\s+at the end$", re.I)
_SAY = re.compile(
    rf"(?P<who>[\w' ]+?)\s+(?:says?|said|shouts?|whispers?|asks?|yells?)\s*[,:]?\s+(?P<words>.+?)"
    rf"\s+(?:in|during|over|on)\s+(?:{_SHOT})",
    re.I,
)
_POLITE = re.compile(
    r"^(?:(?:please|ok(?:ay)?|now|and|then|also)[\s,]+|(?:can|could|would|will) you (?:please )?"
    r"|i(?: would|'d)? like (?:you )?to |i want (?:you )?to |let's )+",
    re.I,
)

#: Words an edit may hold besides its values and its shot: they change nothing.
_FILLER = frozenset({
    "a", "an", "the", "it", "its", "it's", "this", "that", "to", "into", "in", "on", "for", "from", "with", "of",
    "at", "as", "and", "be", "is", "are", "should", "shot", "shots", "one", "angle", "camera", "move", "movement",
    "transition", "size", "framing", "frame", "framed", "use", "using", "make", "give", "set", "change", "turn",
    "let", "have", "put", "do", "go", "switch", "shoot", "film", "please", "now", "instead", "scene", "story",
    "everything", "everywhere", "all", "weather", "time", "sky", "level", "view", "long", "bit", "little", "lot",
    "more", "much", "another", "new", "extra", "end", "last", "lasts", "i", "want", "would", "like", "you", "can",
    "could", "lets", "me"
})  # fmt: skip

#: Words for a value besides the schema's own (which are matched loosely: "close up", "closeup", "panning").
_SYNONYMS: dict[str, StrEnum] = {
    "long shot": ShotSize.WIDE,
    "establishing shot": ShotSize.EXTREME_WIDE,
    "eye level": CameraAngle.EYE,
    "bird's eye": CameraAngle.OVERHEAD,
    "top down": CameraAngle.OVERHEAD,
    "from above": CameraAngle.HIGH,
    "from below": CameraAngle.LOW,
    "push in": CameraMove.DOLLY_IN,
    "zoom in": CameraMove.DOLLY_IN,
    "pull out": CameraMove.DOLLY_OUT,
    "pull back": CameraMove.DOLLY_OUT,
    "zoom out": CameraMove.DOLLY_OUT,
    "daytime": TimeOfDay.DAY,
    "daylight": TimeOfDay.DAY,
    "sunrise": TimeOfDay.DAWN,
    "evening": TimeOfDay.DUSK,
    "sunset": TimeOfDay.DUSK,
    "twilight": TimeOfDay.DUSK,
    "nighttime": TimeOfDay.NIGHT,
    "midnight": TimeOfDay.NIGHT,
    "sunny": Weather.CLEAR,
    "thunderstorm": Weather.STORM,
    "thunder": Weather.STORM,
    "mist": Weather.FOG,
    "misty": Weather.FOG,
    "overcast": Weather.CLOUDY,
}

_SHOT_FIELDS: dict[type[StrEnum], str] = {
    ShotSize: "size",
    CameraAngle: "angle",
    CameraMove: "move",
    Transition: "transition",
}
_SCENE_FIELDS: dict[type[StrEnum], str] = {TimeOfDay: "time_of_day", Weather: "weather"}

_Values = list[tuple[re.Pattern[str], str, StrEnum]]


def _values(fields: dict[type[StrEnum], str]) -> _Values:
    """Each value of ``fields``'s enums (and its synonyms) as a loose pattern, its field and the value, longest first
    (so "extreme-close-up" is taken before "close-up")."""
    phrases = [(member.value, member) for enum in fields for member in enum]
    phrases += [(phrase, member) for phrase, member in _SYNONYMS.items() if type(member) in fields]
    phrases.sort(key=lambda pair: -len(pair[0]))
    table: _Values = []
    for phrase, member in phrases:
        loose = r"[\s-]*".join(re.escape(word) for word in re.split(r"[\s-]+", phrase))
        table.append((re.compile(rf"\b{loose}(?:s|y|gy|ny|ing|ning)?\b", re.I), fields[type(member)], member))
    return table


_SHOT_VALUES = _values(_SHOT_FIELDS)
_SCENE_VALUES = _values(_SCENE_FIELDS)


def understand(text: str, storyboard: Storyboard | None) -> Request | None:
    """The request ``text`` makes (see the module's rules), or None when the rules do not know it. A request they
    know but cannot apply (a shot before the first) raises ValueError."""
    text = _POLITE.sub("", re.sub(r"[\s,]+please$", "", " ".join(text.split()).rstrip(" .!?,"), flags=re.I))
    for name, pattern in _FIXED.items():
        if pattern.fullmatch(text):
            return Request(name, {}, name)
    if storyboard is None:
        return None
    for read_as in (_say, _add, _remove, _edit, _scene):
        request = read_as(text, storyboard)
        if request is not None:
            return request
    return None


def _say(text: str, storyboard: Storyboard) -> Request | None:
    match = _SAY.fullmatch(text)
    if match is None:
        return None
    shot = _reference(match, storyboard)
    words = match["words"].strip("\"'“”‘’ ,:")
    who = match["who"].lower().removeprefix("the ")
    if who == "narrator":
        return Request("narrate_line", {"shot": shot, "text": words}, f"{_shown(shot)} narrator: {words!r}")
    if who in _PRONOUNS:
        who = _speaker(storyboard, shot, who)
    arguments = {"shot": shot, "speaker": who, "text": words}
    return Request("say_line", arguments, f"{_shown(shot)} {who} says {words!r}")


def _speaker(storyboard: Storyboard, shot: str, pronoun: str) -> str:
    """The cast member a pronoun names in a shot: the shot's first of its gender (any for "they"), else the
    storyboard's only one; the pronoun itself when the shot does not exist (the operation says so)."""
    gender = _PRONOUNS[pronoun]
    fits = [character.id for character in storyboard.cast if gender is None or character.gender is gender]
    index = _index(storyboard, shot)
    if index is None:
        return pronoun
    in_shot = [subject for subject in storyboard.shots[index].subjects if subject in fits]
    if in_shot or len(fits) == 1:
        return (in_shot or fits)[0]
    raise ValueError(f'who is {pronoun!r} in {_shown(shot)}? name the speaker: e.g. /say {shot} ID "words"')


def _add(text: str, storyboard: Storyboard) -> Request | None:
    match = _ADD.fullmatch(text)
    if match is None:
        return None
    head, words = match["head"], (match["words"] or "")
    where = _AFTER.search(head)
    if where is not None:
        head = head[: where.start()] + head[where.end() :]
    elif (where := _AFTER.search(words)) is not None:
        words = words[: where.start()] + words[where.end() :]
    arguments: dict[str, Any] = {"description": _AT_END.sub("", words).strip() or ADDED}
    values = _take(_AT_END.sub("", head), _SHOT_VALUES)
    if values is None:
        return None
    found, rest = values
    amount, rest = _seconds(rest)
    if not _only_filler(rest):
        return None
    arguments |= {field: member.value for field, member in found.items()}
    if amount is not None:
        arguments["duration"] = amount
    place = "at the end"
    if where is not None:
        arguments["after"] = _after(where, storyboard)
        place = f"after {_shown(arguments['after'])}"
    changes = "".join(f", {field} {value}" for field, value in arguments.items() if field in _SHOT_FIELDS.values())
    return Request("add_shot", arguments, f"add a shot {place}{changes}: {arguments['description']}")


def _after(where: re.Match[str], storyboard: Storyboard) -> str:
    """The shot a shot added "after|before <shot>" follows."""
    shot = _reference(where, storyboard)
    if where["where"].lower() != "before":
        return shot
    index = _index(storyboard, shot)
    if index == 0:
        raise ValueError("a shot is added after another, and nothing comes before shot 1: add it after shot 1")
    return shot if index is None else str(index)


def _remove(text: str, storyboard: Storyboard) -> Request | None:
    match = _REMOVE.fullmatch(text)
    if match is None:
        return None
    shot = _reference(match, storyboard)
    return Request("remove_shot", {"shot": shot}, f"remove {_shown(shot)}")


def _edit(text: str, storyboard: Storyboard) -> Request | None:
    match = _SHOT_RE.search(text)
    if match is None:
        return None
    shot = _reference(match, storyboard)
    values = _take(text[: match.start()] + " " + text[match.end() :], _SHOT_VALUES)
    if values is None:
        return None
    found, rest = values
    arguments: dict[str, Any] = {field: member.value for field, member in found.items()}
    amount, rest = _seconds(rest)
    way = _LONGER.search(rest)
    if way is not None:
        rest = rest[: way.start()] + rest[way.end() :]
        index = _index(storyboard, shot)
        if index is not None and amount is None:
            now = storyboard.shots[index].duration
            amount = now + 1.0 if way["way"].lower() == "longer" else max(now - 1.0, now / 2)
    if amount is not None:
        arguments["duration"] = amount
    if not arguments or not _only_filler(rest):
        return None
    changes = ", ".join(f"{field} -> {_value(value)}" for field, value in arguments.items())
    return Request("edit_shot", {"shot": shot, **arguments}, f"{_shown(shot)} {changes}")


def _scene(text: str, storyboard: Storyboard) -> Request | None:
    values = _take(text, _SCENE_VALUES)
    if values is None or not values[0]:
        return None
    found, rest = values
    arguments: dict[str, Any] = {field: member.value for field, member in found.items()}
    location, rest = _location(rest, storyboard)
    if not _only_filler(rest):
        return None
    changes = ", ".join(f"{field.replace('_', ' ')} -> {value}" for field, value in arguments.items())
    if location is not None:
        arguments["location"] = location
    return Request("set_scene", arguments, f"{location or 'every location'} {changes}")


def _location(text: str, storyboard: Storyboard) -> tuple[str | None, str]:
    """The location "in|at|on the <place>" in ``text`` names (its id or name, or its kind when only one location is
    of that kind; an unknown place as said, for the operation to refuse), and the text without it."""
    kinds = [loc.kind.value for loc in storyboard.locations]
    for location in storyboard.locations:
        names = {location.id, location.id.replace("_", " "), location.name.lower()}
        if kinds.count(location.kind.value) == 1:
            names.add(location.kind.value)
        alternatives = "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))
        match = re.search(rf"\b(?:in|at|on|over|for)\s+(?:the\s+)?(?:{alternatives})\b", text, re.I)
        if match is not None:
            return location.id, text[: match.start()] + " " + text[match.end() :]
    match = re.search(r"\b(?:in|at|on)\s+(?:the\s+)?(?P<place>[\w ]+)", text, re.I)
    words = [] if match is None else match["place"].lower().split()
    while words and words[-1] in _FILLER:
        words.pop()
    if match is None or not words or words[0] in _FILLER:
        return None, text
    return "_".join(words), text[: match.start()]


def _take(text: str, table: _Values) -> tuple[dict[str, StrEnum], str] | None:
    """The values ``text`` names and the text without them; None when it names two values for one field."""
    found: dict[str, StrEnum] = {}
    for pattern, field, member in table:
        if pattern.search(text) is None:
            continue
        if found.setdefault(field, member) != member:
            return None
        text = pattern.sub(" ", text)
    return found, text


def _seconds(text: str) -> tuple[float | None, str]:
    """The duration "<amount> seconds" in ``text``, and the text without it."""
    match = _DURATION.search(text)
    if match is None:
        return None, text
    amount = match["amount"].lower()
    return float(_NUMBERS.get(amount, 0) or amount), text[: match.start()] + " " + text[match.end() :]


def _reference(match: re.Match[str], storyboard: Storyboard) -> str:
    """The shot a :data:`_SHOT` match names, as the operations take it: its number from 1, or its id."""
    if match["id"]:
        return match["id"].lower()
    if match["number"]:
        number = match["number"].lower()
        return str(_NUMBERS.get(number) or int(number))
    ordinal = re.sub(r"[\s-]+", " ", match["ordinal"].lower())
    if ordinal in ("last", "final"):
        return str(len(storyboard.shots))
    if ordinal in ("penultimate", "second last", "second to last"):
        return str(len(storyboard.shots) - 1)
    return str(_ORDINALS.get(ordinal) or int(ordinal[:-2]))


def _index(storyboard: Storyboard, shot: str) -> int | None:
    """The index of the shot a reference names, None when it names none (the operation says so)."""
    if shot.isdigit():
        return int(shot) - 1 if 1 <= int(shot) <= len(storyboard.shots) else None
    return next((index for index, each in enumerate(storyboard.shots) if each.id == shot), None)


def _shown(shot: str) -> str:
    return f"shot {shot}" if shot.isdigit() else shot


def _value(value: Any) -> str:
    return f"{round(value, 2):g} s" if isinstance(value, float) else str(value)


def _only_filler(text: str) -> bool:
    return all(word in _FILLER for word in re.findall(r"[\w']+", text.lower()))


# --- a story or a request ----------------------------------------------------------------------------------------

_FINITE = frozenset({"VBZ", "VBD", "VBP"})
_SUBJECT = frozenset({"nsubj", "nsubjpass", "expl"})
_THIRD_PERSON = frozenset({"he", "she", "it", "they", "someone", "somebody", "everyone", "everybody", "nobody"})


def reads_as_story(text: str) -> bool:
    """Whether ``text``, no request the rules know, tells a story (see the module's rule)."""
    if _SHOT_RE.search(text):
        return False
    sentences = read(text)
    if not sentences or sentences[0].text.rstrip().endswith("?") or _imperative(sentences[0]):
        return False
    return any(_narrates(sentence) for sentence in sentences)


def _imperative(sentence: Sentence) -> bool:
    """A sentence whose main verb is a bare form with no subject: "paint it blue", "make the dog bigger"."""
    tokens = sentence.tokens
    root = next((index for index, token in enumerate(tokens) if token.dep == "ROOT"), 0)
    subject = any(token.head == root and token.dep in _SUBJECT for token in tokens)
    return tokens[root].tag == "VB" and not subject


def _narrates(sentence: Sentence) -> bool:
    """Whether the sentence has a third-person subject of a verb in the present or past tense."""
    tokens = sentence.tokens
    for token in tokens:
        third = token.pos in ("NOUN", "PROPN") or (token.pos == "PRON" and token.lemma in _THIRD_PERSON)
        if token.dep not in _SUBJECT or not (third or token.dep == "expl"):
            continue
        verb = token.head
        if tokens[verb].tag in _FINITE or any(t.head == verb and t.dep == "aux" and t.tag in _FINITE for t in tokens):
            return True
    return False
