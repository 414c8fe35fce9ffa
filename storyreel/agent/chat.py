"""The chat session: a conversation that plans a story, shows its shot list, edits it, and renders it.

State is the history (who said what), every version of the storyboard (for ``/undo``) and the run options, saved
atomically in ``chat.json`` of the run directory after every turn, so ``storyreel chat --resume DIR`` goes on. Edits
are typed operations (:class:`EditShot`, :class:`AddShot`, ...) applied by plain functions over the Storyboard;
the LLM calls them as tools with JSON-schema arguments (``chat_llm``), and without an LLM the slash commands build
the same operations, as do plain requests read by rules ("make shot 2 a close-up": ``chat_rules``). Rendering goes
through the run store, so after an edit only the shots it touched are filmed.
"""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from storyreel.agent.chat_rules import ADDED, NOT_UNDERSTOOD, reads_as_story, understand
from storyreel.agent.pipeline import film_storyboard
from storyreel.agent.run_layout import stale_shots
from storyreel.agent.run_store import RunStore, content_key
from storyreel.atomic import write_model
from storyreel.errors import UserError
from storyreel.planners import LLMSettings, PlannerSettings, plan
from storyreel.planners.rules import plan_story
from storyreel.planners.table import shot_table
from storyreel.schema import (
    CHAT_RESOLUTION,
    Action,
    CameraAngle,
    CameraMove,
    Character,
    Line,
    RunOptions,
    Shot,
    ShotSize,
    Storyboard,
    TimeOfDay,
    Transition,
    Verb,
    Weather,
)

CHAT_FILE = "chat.json"

HELP = """\
Tell a story in plain words and it becomes a shot list. Ask in plain words too: "make shot 2 a close-up",
"use a low angle for the last shot", "make shot 3 longer", "dissolve into shot 3", "add a shot of the dog asleep",
"make it night", "make it snowy in the park", "remove the last shot", "undo", "render"; a line telling what someone
does ("The dog sleeps.") plans a new story. Commands:
  /shots                         show the shot list
  /edit N field=value ...        change shot N (number or id): size, angle, move, transition, duration,
                                 description, subjects (comma-separated ids), verb (what the main subject does)
  /add [after=N] field=value ... words   add a shot (default: at the end, at the last shot's location);
                                 fields as /edit, plus location; the remaining words describe it
  /remove N                      remove shot N
  /scene [location=ID] time=night weather=rain   change a location (default: every location)
  /say N SPEAKER "words"         add a line of dialogue to shot N, said by SPEAKER (a cast id or name)
  /narrate N "words"             add a line the narrator reads over shot N
  /unsay N                       remove every line of shot N (dialogue and narration)
  /undo                          go back to the storyboard before the last change
  /render                        film the storyboard (only shots that changed are rendered again)
  /help                          this help;  /quit leaves (the chat is saved; storyreel chat --resume DIR goes on)
values: size {sizes}; angle {angles}; move {moves}; transition {transitions};
        verb {verbs}; time {times}; weather {weathers}""".format(
    sizes="|".join(s.value for s in ShotSize),
    angles="|".join(a.value for a in CameraAngle),
    moves="|".join(m.value for m in CameraMove),
    transitions="|".join(t.value for t in Transition),
    verbs="|".join(v.value for v in Verb),
    times="|".join(t.value for t in TimeOfDay),
    weathers="|".join(w.value for w in Weather),
)


class EditError(ValueError):
    """An edit that cannot apply; the message says why and what would work."""


class _Op(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PlanStory(_Op):
    """Plan a new storyboard from a story told in plain words (replaces the current one; undo goes back)."""

    story: str = Field(description="the whole story, in plain words")


class EditShot(_Op):
    """Change one shot's framing, timing, subjects or action; fields left out stay as they are."""

    shot: str = Field(description="the shot's number in the list (1 is the first) or its id, e.g. 'shot_02'")
    size: ShotSize | None = None
    angle: CameraAngle | None = None
    move: CameraMove | None = None
    transition: Transition | None = None
    duration: float | None = Field(default=None, gt=0.2, le=60.0, description="seconds")
    description: str | None = None
    subjects: list[str] | None = Field(default=None, description="ids the camera keeps framed, main first")
    verb: Verb | None = Field(default=None, description="what the main subject does in the shot")


class AddShot(_Op):
    """Add a shot, by default at the end and at the location of the shot before it."""

    description: str = Field(description="what the shot shows, in a few words")
    subjects: list[str] = Field(default_factory=list, description="ids to frame, main first (default: as before)")
    verb: Verb | None = Field(default=None, description="what the main subject does")
    after: str | None = Field(default=None, description="number or id of the shot it follows (default: the last)")
    location: str | None = Field(default=None, description="location id (default: that of the shot before)")
    size: ShotSize = ShotSize.MEDIUM
    angle: CameraAngle = CameraAngle.EYE
    move: CameraMove = CameraMove.STATIC
    transition: Transition = Transition.CUT
    duration: float = Field(default=3.0, gt=0.2, le=60.0, description="seconds")


class RemoveShot(_Op):
    """Remove one shot."""

    shot: str = Field(description="the shot's number in the list (1 is the first) or its id")


class SetScene(_Op):
    """Change the time of day or the weather of one location, or of every location."""

    location: str | None = Field(default=None, description="location id (default: every location)")
    time_of_day: TimeOfDay | None = None
    weather: Weather | None = None


class SayLine(_Op):
    """Add a line of dialogue to a shot, said by a cast member, after the lines the shot already has."""

    shot: str = Field(description="the shot's number in the list (1 is the first) or its id")
    speaker: str = Field(description="who says it: a cast id, or a cast member's name")
    text: str = Field(min_length=1, max_length=400, description="the words as spoken, without quotation marks")


class NarrateLine(_Op):
    """Add a line the narrator reads over a shot, after the lines the shot already has."""

    shot: str = Field(description="the shot's number in the list (1 is the first) or its id")
    text: str = Field(min_length=1, max_length=400, description="the words the narrator reads")


class ClearLines(_Op):
    """Remove every line of a shot, dialogue and narration."""

    shot: str = Field(description="the shot's number in the list (1 is the first) or its id")


class Undo(_Op):
    """Go back to the storyboard before the last change."""


class Render(_Op):
    """Film the current storyboard; shots that did not change since the last render are kept."""


#: Every operation by its tool name: the LLM's tools and the slash commands both come down to these.
OPERATIONS: dict[str, type[_Op]] = {
    "plan_story": PlanStory,
    "edit_shot": EditShot,
    "add_shot": AddShot,
    "remove_shot": RemoveShot,
    "set_scene": SetScene,
    "say_line": SayLine,
    "narrate_line": NarrateLine,
    "clear_lines": ClearLines,
    "undo": Undo,
    "render": Render,
}


def tool_schemas() -> list[dict[str, Any]]:
    """The operations as OpenAI function tools, each with its JSON-schema arguments."""
    return [
        {
            "type": "function",
            "function": {"name": name, "description": op.__doc__ or name, "parameters": op.model_json_schema()},
        }
        for name, op in OPERATIONS.items()
    ]


# --- edits: plain functions over the storyboard ------------------------------------------------------------------


def find_shot(storyboard: Storyboard, reference: str) -> int:
    """The index of the shot ``reference`` names: its 1-based number in the list, or its id."""
    reference = reference.strip()
    if reference.isdigit() and 1 <= int(reference) <= len(storyboard.shots):
        return int(reference) - 1
    for index, shot in enumerate(storyboard.shots):
        if shot.id == reference:
            return index
    raise EditError(f"there is no shot {reference!r}: use a number from 1 to {len(storyboard.shots)} or a shot id")


def edit_shot(storyboard: Storyboard, edit: EditShot) -> Storyboard:
    index = find_shot(storyboard, edit.shot)
    shot = storyboard.shots[index]
    changes = edit.model_dump(exclude={"shot", "verb"}, exclude_none=True)
    subjects = edit.subjects if edit.subjects is not None else shot.subjects
    if edit.verb is not None:
        actor = _main_subject(storyboard, subjects, index)
        changes["actions"] = [Action(actor=actor, verb=edit.verb)] + [a for a in shot.actions if a.actor != actor]
    shots = list(storyboard.shots)
    shots[index] = Shot.model_validate({**shot.model_dump(), **changes})
    return _rebuilt(storyboard, shots=shots)


def add_shot(storyboard: Storyboard, add: AddShot, fps: int) -> Storyboard:
    """``add`` as a new shot, its duration in whole frames at ``fps``."""
    after = find_shot(storyboard, add.after) if add.after is not None else len(storyboard.shots) - 1
    before = storyboard.shots[after]
    location = add.location or before.location
    read = None if add.subjects else _read_description(storyboard, add.description, location)
    if read is not None:  # "a brown dog runs to the chair": the words say who and what
        storyboard, subjects, actions = read
        if add.verb:
            actions = [Action(actor=subjects[0], verb=add.verb)]
    else:
        subjects = add.subjects or list(before.subjects[:1])
        actions = [Action(actor=_main_subject(storyboard, subjects, after), verb=add.verb)] if add.verb else []
    taken = {shot.id for shot in storyboard.shots}
    number = len(storyboard.shots) + 1
    while f"shot_{number:02d}" in taken:
        number += 1
    shot = Shot(
        id=f"shot_{number:02d}",
        location=location,
        duration=max(1, round(add.duration * fps)) / fps,
        description=add.description,
        subjects=subjects,
        actions=actions,
        size=add.size,
        angle=add.angle,
        move=add.move,
        transition=add.transition,
    )
    shots = list(storyboard.shots)
    shots.insert(after + 1, shot)
    return _rebuilt(storyboard, shots=shots)


def _read_description(
    storyboard: Storyboard, description: str, location: str
) -> tuple[Storyboard, list[str], list[Action]] | None:
    """Read an added shot's words with the rule planner: who and what they name (the cast and props already in the
    storyboard by name, a new noun joining the cast or the location's props) and what they do. None when the words
    name nothing (or cannot be read), so the shot keeps the previous shot's subject."""
    try:
        planned = plan_story(description)
    except ValueError:
        return None
    shot = planned.shots[0]
    named = [*shot.subjects, *(a.actor for a in shot.actions)]
    if not named or any(c.id in named and c.name in PRONOUN_STANDINS for c in planned.cast):
        return None
    cast = list(storyboard.cast)
    locations = [loc.model_copy(deep=True) for loc in storyboard.locations]
    here = next(loc for loc in locations if loc.id == location)
    taken = {c.id for c in cast} | {p.id for loc in locations for p in loc.props}
    mapping: dict[str, str] = {}
    for character in planned.cast:
        same = next((c for c in cast if c.name.lower() == character.name.lower() or c.id == character.id), None)
        same = same or _one_of_kind(cast, character)
        if same is None:
            same = character.model_copy(update={"id": _free_id(character.id, taken)})
            cast.append(same)
        mapping[character.id] = same.id
    for prop in (p for loc in planned.locations for p in loc.props):
        found = next((p for p in here.props if p.name.lower() == prop.name.lower()), None)
        if found is None:
            found = prop.model_copy(update={"id": _free_id(prop.id, taken)})
            here.props.append(found)
        mapping[prop.id] = found.id
    subjects = [mapping[name] for name in shot.subjects if name in mapping]
    actions = [
        Action(actor=mapping[a.actor], verb=a.verb, target=mapping.get(a.target) if a.target else None)
        for a in shot.actions
        if a.actor in mapping
    ]
    if not subjects:
        return None
    return storyboard.model_copy(update={"cast": cast, "locations": locations}), subjects, actions


#: The people the rule planner makes up for a pronoun that names no one yet: in an added shot, nobody new.
PRONOUN_STANDINS = frozenset({"man", "woman"})


def _one_of_kind(cast: list[Character], character: Character) -> Character | None:
    """The cast member an unnamed newcomer ("the girl") stands for: the only one of its kind (and gender, if told)."""
    if character.name[:1].isupper():
        return None
    alike = [c for c in cast if c.kind == character.kind and character.gender in (None, c.gender)]
    return alike[0] if len(alike) == 1 else None


def _free_id(base: str, taken: set[str]) -> str:
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}_{number}", number + 1
    taken.add(candidate)
    return candidate


def remove_shot(storyboard: Storyboard, remove: RemoveShot) -> Storyboard:
    index = find_shot(storyboard, remove.shot)
    if len(storyboard.shots) == 1:
        raise EditError("a storyboard needs at least one shot: add another before removing this one")
    shots = [shot for i, shot in enumerate(storyboard.shots) if i != index]
    used = {shot.location for shot in shots}
    return _rebuilt(storyboard, shots=shots, locations=[loc for loc in storyboard.locations if loc.id in used])


def set_scene(storyboard: Storyboard, scene: SetScene) -> Storyboard:
    ids = [location.id for location in storyboard.locations]
    if scene.location is not None and scene.location not in ids:
        raise EditError(f"there is no location {scene.location!r}: use one of {', '.join(ids)}")
    changes = scene.model_dump(exclude={"location"}, exclude_none=True)
    if not changes:
        raise EditError("say what to change: time_of_day (e.g. night) or weather (e.g. rain)")
    locations = [
        location.model_copy(update=changes) if scene.location in (None, location.id) else location
        for location in storyboard.locations
    ]
    return _rebuilt(storyboard, locations=locations)


def say_line(storyboard: Storyboard, say: SayLine) -> Storyboard:
    """A line of dialogue added to a shot, its speaker named by id or name."""
    index = find_shot(storyboard, say.shot)
    line = Line(text=say.text, speaker=cast_member(storyboard, say.speaker))
    return _with_lines(storyboard, index, [*storyboard.shots[index].lines, line])


def narrate_line(storyboard: Storyboard, narrate: NarrateLine) -> Storyboard:
    """A narrator's line added to a shot."""
    index = find_shot(storyboard, narrate.shot)
    return _with_lines(storyboard, index, [*storyboard.shots[index].lines, Line(text=narrate.text)])


def clear_lines(storyboard: Storyboard, clear: ClearLines) -> Storyboard:
    """A shot's lines removed, dialogue and narration."""
    index = find_shot(storyboard, clear.shot)
    if not storyboard.shots[index].lines:
        raise EditError(f"shot {storyboard.shots[index].id} has no lines to remove")
    return _with_lines(storyboard, index, [])


def cast_member(storyboard: Storyboard, reference: str) -> str:
    """The id of the cast member ``reference`` names: its id or its name, in any case."""
    wanted = reference.strip().lower()
    for character in storyboard.cast:
        if wanted in (character.id, character.name.lower()):
            return character.id
    if not storyboard.cast:
        raise EditError("the storyboard has no cast to speak: use /narrate for a narrator's line")
    ids = ", ".join(character.id for character in storyboard.cast)
    raise EditError(f"there is no cast member {reference!r}: use one of {ids}")


def _with_lines(storyboard: Storyboard, index: int, lines: list[Line]) -> Storyboard:
    shots = list(storyboard.shots)
    shots[index] = shots[index].model_copy(update={"lines": lines})
    return _rebuilt(storyboard, shots=shots)


def _main_subject(storyboard: Storyboard, subjects: list[str], index: int) -> str:
    if subjects:
        return subjects[0]
    shot = storyboard.shots[index]
    if shot.actions:
        return shot.actions[0].actor
    raise EditError("the shot has no subject to act: give subjects=ID (a character or prop id)")


def _rebuilt(storyboard: Storyboard, **changes: Any) -> Storyboard:
    """A new storyboard with ``changes``, validated whole (so a shot naming an unknown id is refused)."""
    data = storyboard.model_dump()
    data.update({name: [item.model_dump() for item in items] for name, items in changes.items()})
    try:
        return Storyboard.model_validate(data)
    except ValidationError as error:
        raise EditError(_validation_line(error)) from error


# --- the session -------------------------------------------------------------------------------------------------


class Turn(BaseModel):
    role: Literal["user", "assistant"]
    text: str


class ChatRecord(BaseModel):
    """What ``chat.json`` holds: the run's options, what was said, and every version of the storyboard."""

    options: RunOptions = Field(default_factory=lambda: RunOptions(resolution=CHAT_RESOLUTION))
    history: list[Turn] = Field(default_factory=list)
    versions: list[Storyboard] = Field(default_factory=list)


class ChatSession:
    """One chat's state and the operations on it. Every change is saved before the method returns."""

    def __init__(self, root: Path, record: ChatRecord, store: RunStore) -> None:
        self.root = root
        self.record = record
        self.store = store
        self.options = record.options
        self.planner = PlannerSettings.from_options(record.options)

    @classmethod
    def start(cls, root: Path, record: ChatRecord, *, force: bool = False) -> ChatSession:
        """A new chat in ``root`` (new or empty, or any run directory with ``force``)."""
        if (root / CHAT_FILE).exists() and not force:
            raise UserError(f"{root} already holds a chat: go on with --resume {root}, or pass --force to restart")
        store = RunStore.open(root, _request(record), force=force)
        session = cls(root, record, store)
        session.save()
        return session

    @classmethod
    def resume(cls, root: Path) -> ChatSession:
        """The chat saved in ``root``."""
        path = root / CHAT_FILE
        if not path.is_file():
            raise UserError(f"{root} holds no chat ({CHAT_FILE} is missing): start one with storyreel chat --out DIR")
        try:
            record = ChatRecord.model_validate_json(path.read_text(encoding="utf-8"))
        except ValidationError as error:
            raise UserError(f"{path} is damaged ({_validation_line(error)}): start a new chat elsewhere") from error
        return cls(root, record, RunStore.open(root, _request(record)))

    @property
    def storyboard(self) -> Storyboard | None:
        return self.record.versions[-1] if self.record.versions else None

    @property
    def history(self) -> list[Turn]:
        return self.record.history

    def save(self) -> None:
        write_model(self.root / CHAT_FILE, self.record)

    def say(self, role: Literal["user", "assistant"], text: str) -> None:
        self.record.history.append(Turn(role=role, text=text))
        self.save()

    def run(self, name: str, arguments: dict[str, Any], *, progress: bool = False) -> str:
        """Apply the operation ``name`` with JSON ``arguments`` (a tool call) and say what happened; a bad call
        raises :class:`EditError` with the reason."""
        if name not in OPERATIONS:
            raise EditError(f"there is no operation {name!r}: use one of {', '.join(OPERATIONS)}")
        try:
            op = OPERATIONS[name].model_validate(arguments)
        except ValidationError as error:
            raise EditError(_validation_line(error)) from error
        return self.apply(op, progress=progress)

    def apply(self, op: _Op, *, progress: bool = False) -> str:
        if isinstance(op, PlanStory):
            return self.tell(op.story)
        if isinstance(op, Undo):
            return self.undo()
        if isinstance(op, Render):
            return self.render(progress=progress)
        storyboard = self._current()
        if isinstance(op, EditShot):
            changed = edit_shot(storyboard, op)
        elif isinstance(op, AddShot):
            changed = add_shot(storyboard, op, self.options.fps)
        elif isinstance(op, RemoveShot):
            changed = remove_shot(storyboard, op)
        elif isinstance(op, SetScene):
            changed = set_scene(storyboard, op)
        elif isinstance(op, SayLine):
            changed = say_line(storyboard, op)
        elif isinstance(op, NarrateLine):
            changed = narrate_line(storyboard, op)
        elif isinstance(op, ClearLines):
            changed = clear_lines(storyboard, op)
        else:
            raise EditError(f"cannot apply {type(op).__name__}")
        self._push(changed)
        return "changed the storyboard:\n" + shot_table(changed)

    def tell(self, story: str) -> str:
        """Plan ``story`` (the planner the chat was started with) as the new storyboard."""
        made = plan(story, self.planner, fps=self.options.fps, seed=self.options.seed)
        self._push(made.storyboard)
        notes = "".join(f"warning: {warning}\n" for warning in made.warnings)
        storyboard = made.storyboard
        head = f"planned {storyboard.title!r}: {len(storyboard.shots)} shots, {storyboard.duration:.1f} s"
        return f"{notes}{head}\n{shot_table(storyboard)}"

    def undo(self) -> str:
        if len(self.record.versions) < 2:
            raise EditError("nothing to undo")
        self.record.versions.pop()
        self.save()
        return "undone; now:\n" + shot_table(self._current())

    def render(self, *, progress: bool = False) -> str:
        """Film the current storyboard into the run directory; say how many shots were rendered and reused. Which
        shots it films, and each step, go to :meth:`filming` and :meth:`step` as they happen."""
        storyboard = self._current()
        stale = stale_shots(storyboard, self.store, self.options)
        self.filming(storyboard, stale)
        report = film_storyboard(storyboard, self.store, self.options, progress=progress, on_progress=self.step)
        failed = [f"{s.shot_id}:{c.name}" for s in report.shots for c in s.checks if not c.passed]
        reused = len(storyboard.shots) - len(stale)
        return (
            f"rendered {len(stale)} shot{'s' * (len(stale) != 1)}, reused {reused}: "
            f"{self.root / report.final_video} ({report.duration_s:.1f} s); "
            + ("all checks passed" if not failed else f"checks failed: {', '.join(failed)}")
        )

    def filming(self, storyboard: Storyboard, stale: list[str]) -> None:
        """Called as a render starts, with the ids of the shots it films (the rest are reused): a front end's hook."""

    def step(self, fraction: float, message: str) -> None:
        """Called at each step of a render (before each shot, before assembly, at the end): a front end's hook."""

    def handle(self, line: str, *, progress: bool = False) -> str:
        """Answer one line of the offline chat: a slash command, a request in plain words, or a story for the rule
        planner (or the planner the chat was started with); see :meth:`_plain`. Errors come back as one line
        starting with 'error:'."""
        line = line.strip()
        if not line:
            return ""
        self.say("user", line)
        try:
            answer = self._command(line, progress) if line.startswith("/") else self._plain(line, progress)
        except (EditError, UserError, ValueError) as error:
            answer = f"error: {str(error).splitlines()[0]}"
        self.say("assistant", answer)
        return answer

    def _plain(self, line: str, progress: bool) -> str:
        """A line in plain words. A request the rules know (``chat_rules.understand``: "make shot 2 a close-up",
        "make it night", "render"...) runs its operation, as its slash command does, after a line saying how it was
        understood. Any other line is a story when there is no storyboard yet, or when it reads as one (a
        third-person subject doing something in the present or past, naming no shot: ``chat_rules.reads_as_story``);
        else (an imperative or a wish naming no known edit) the answer is one line of examples, and nothing changes."""
        request = understand(line, self.storyboard)
        if request is None:
            return self.tell(line) if self.storyboard is None or reads_as_story(line) else NOT_UNDERSTOOD
        if request.name == "help":
            return HELP
        if request.name == "shots":
            return shot_table(self._current())
        return f"understood: {request.summary}\n" + self.run(request.name, request.arguments, progress=progress)

    def _command(self, line: str, progress: bool) -> str:
        try:
            words = shlex.split(line)
        except ValueError as error:
            raise EditError(f"cannot read that command ({error}): close your quotes") from error
        command, rest = words[0].lower(), words[1:]
        if command == "/help":
            return HELP
        if command == "/shots":
            return shot_table(self._current())
        if command in ("/undo", "/render") and rest:
            raise EditError(f"{command} takes no arguments")
        if command == "/undo":
            return self.undo()
        if command == "/render":
            return self.render(progress=progress)
        if command in ("/say", "/narrate", "/unsay"):
            return self._lines_command(command, rest)
        fields, words = _fields(rest)
        if command in ("/edit", "/remove"):
            if not words:
                raise EditError(f"say which shot: {command} 2 ...")
            fields["shot"] = words.pop(0)
            if command == "/edit" and words:
                raise EditError(f"/edit takes field=value pairs, not {' '.join(words)!r}: e.g. /edit 2 size=close-up")
            return self.run("edit_shot" if command == "/edit" else "remove_shot", fields)
        if command == "/add":
            fields["description"] = " ".join(words) or ADDED
            return self.run("add_shot", fields)
        if command == "/scene":
            renamed = {{"time": "time_of_day"}.get(name, name): value for name, value in fields.items()}
            return self.run("set_scene", renamed)
        raise EditError(f"unknown command {command}: /help lists the commands")

    def _lines_command(self, command: str, words: list[str]) -> str:
        """``/say N SPEAKER words``, ``/narrate N words`` and ``/unsay N`` (the words quoted or not)."""
        usage, needs, count = {
            "/say": ('/say 2 mia "Hello!"', "a shot, a speaker and the words", 3),
            "/narrate": ('/narrate 2 "Night falls."', "a shot and the words", 2),
            "/unsay": ("/unsay 2", "one shot", 1),
        }[command]
        if len(words) < count or (command == "/unsay" and len(words) > 1):
            raise EditError(f"{command} needs {needs}: e.g. {usage}")
        if command == "/unsay":
            return self.run("clear_lines", {"shot": words[0]})
        if command == "/narrate":
            return self.run("narrate_line", {"shot": words[0], "text": " ".join(words[1:])})
        return self.run("say_line", {"shot": words[0], "speaker": words[1], "text": " ".join(words[2:])})

    def _current(self) -> Storyboard:
        if self.storyboard is None:
            raise EditError("there is no storyboard yet: tell a story first, e.g. 'A dog chases a ball in the park.'")
        return self.storyboard

    def _push(self, storyboard: Storyboard) -> None:
        self.record.versions.append(storyboard)
        self.save()


def _fields(words: list[str]) -> tuple[dict[str, Any], list[str]]:
    """``key=value`` words as fields (``subjects`` split at commas), and the other words in order."""
    fields: dict[str, Any] = {}
    rest: list[str] = []
    for word in words:
        name, equals, value = word.partition("=")
        if not equals:
            rest.append(word)
            continue
        fields[name] = [part for part in value.split(",") if part] if name == "subjects" else value
    return fields, rest


def _request(record: ChatRecord) -> str:
    """The run store's request key of a chat: its settings (the storyboard changes from turn to turn)."""
    return content_key("chat", record.options.key())


def _validation_line(error: ValidationError) -> str:
    problem = error.errors()[0]
    where = ".".join(str(part) for part in problem["loc"]) or "input"
    return f"{where}: {problem['msg']}"


def chat_llm(options: RunOptions) -> LLMSettings | None:
    """The LLM a chat with ``options`` talks through (as the planner finds it), or None for the offline chat; one
    configured without the llm extra is one line naming it."""
    llm = PlannerSettings.from_options(options).llm()
    if llm is not None:
        try:
            import storyreel.agent.chat_llm  # noqa: F401
        except ImportError as error:
            raise UserError(
                f"the LLM chat needs the llm extra ({error.name} is missing): pip install 'storyreel[llm]', "
                "or chat offline with --planner rules"
            ) from error
    return llm
