"""The LLM planner: a LangChain chat model (``ChatOpenAI``) with structured output into the Storyboard schema.

It speaks the OpenAI Chat Completions API, so it works with OpenAI and with any compatible server (vLLM, Ollama,
llama.cpp's server, LM Studio). The reply is constrained by a JSON-schema response format derived from
:class:`~storyreel.schema.Storyboard` (the schema version and the unknown nouns left out: they are not the model's
to choose), then validated; a reply that fails validation goes back to the model with the errors, a bounded number
of times. Timeouts, rate limits (after the server's Retry-After), 5xx answers and refused connections are retried
with exponential backoff by the OpenAI client itself. Whatever still fails raises :class:`LLMPlanError` with a
one-line reason, for ``planners.plan`` to report and fall back on.
"""

from __future__ import annotations

import copy
import json
from typing import Any, cast

import openai
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from langchain_openai import ChatOpenAI
from pydantic import ValidationError

from storyreel.planners import LLMSettings
from storyreel.planners.coverage import marks
from storyreel.planners.lexicon import COLORS
from storyreel.planners.rules import MAX_SHOTS, MAX_STORY_CHARS, StoryError, unstaged_verbs
from storyreel.schema import DEFAULT_FPS, Storyboard
from storyreel.world.kinds import CHARACTER_KINDS, KINDS, PROP_KINDS

#: Storyboard fields the planner fills in, not the model.
RUN_FIELDS = ("schema_version", "unknown_nouns")

SYSTEM_PROMPT = f"""\
You are the director and storyboard artist of a short animated film. Break the user's story into shots and reply
with ONE JSON object that follows the given schema: title, cast, locations (with props and placements) and shots.

Cast and world:
- cast: everything that acts (people, animals, vehicles). Each member's kind is one of: \
{", ".join(sorted(CHARACTER_KINDS))}. Ids are lowercase snake_case (e.g. "rex", "red_car").
- gender: "female" or "male" when the story tells it (she, he, girl, king), else null: the character speaks in a
  voice of that gender.
- Give each character ONE consistent look for the whole film: a colour name (e.g. red, brown, blue) and a size
  (1.0 natural; 0.5 tiny, 2.0 huge) in its appearance. Never change a character's look between shots.
- props: things in a location that do not act; kind preferably one of: {", ".join(sorted(PROP_KINDS - {"generic"}))}.
  Anything else is shown as a labelled stand-in.
- locations: kind, time_of_day and weather as the story says; every shot names the id of its location.
- placements: where things stand relative to each other ("bench" next-to "tree").

Shot grammar:
- Open every new location with an establishing shot: wide or extreme-wide, high or eye angle, slow pan or crane.
- Cover each action: cut between wide, medium and close-up sizes; never put two consecutive shots with the same size
  and angle. Close-ups for emotion and detail, wide shots for action across space.
- Keep the 180-degree rule: the camera stays on one side of the line between the main subjects, so screen direction
  is consistent from shot to shot; change sides only through a neutral (head-on or wide) shot.
- subjects: EVERY id the shot's sentence names (who, to whom, with what), main subject first. actions: who does
  what (verb) to whom (target).
- seen: what a viewer must see of each subject: "face" for one who speaks or reacts, "body" for one who moves; leave
  out a subject that only has to be shown.
- coverage and size must hold every subject at once: "two-shot" (medium or wider) for several subjects,
  "over-the-shoulder" (medium or medium-close-up) for one character talking to another (speaker first, listener
  second), "insert" (close-up) for a lone object, else "single". A small object (a ball, a spoon) needs a full shot
  or closer to be seen.
- duration 2-6 seconds per shot (longer for big actions); at most {MAX_SHOTS} shots.
- transition: "fade" for the first shot, "dissolve" when the location or time changes, else "cut".
- Every id a shot names must be in cast or in the props of a location.

What is heard:
- lines: the story's quoted speech, on the shot that films it, in order: "text" the words as spoken, without the
  quotation marks; "speaker" the cast id of who says them (the subject of "says", "asks", "whispers"...). A shot
  where someone speaks names the speaker among its subjects, seen "face".
- Add no narration (lines with speaker null) unless the user asks for a narrator; a story without quoted speech has
  no lines.
"""

REPAIR_PROMPT = (
    "That reply is not a valid storyboard:\n{problems}\n"
    "Reply again with the whole corrected storyboard as one JSON object that follows the schema."
)


class LLMPlanError(Exception):
    """The LLM could not plan the story; the message is one line saying why."""


def chat_model(settings: LLMSettings, *, streaming: bool = False) -> BaseChatModel:
    """The chat model ``settings`` describe, talking Chat Completions (the API every compatible server speaks)."""
    return ChatOpenAI(
        model=settings.model,
        base_url=settings.base_url,
        api_key=settings.api_key,
        timeout=settings.timeout_s,
        max_retries=settings.max_retries,
        temperature=0.2,
        use_responses_api=False,
        streaming=streaming,
    )


def storyboard_schema() -> dict[str, Any]:
    """The JSON Schema the model fills: the Storyboard's, less the run's own fields, with the character kinds the
    asset library can build listed as an enum and colours asked for by name (their sRGB is ours to fill in)."""
    schema = copy.deepcopy(Storyboard.model_json_schema())
    for name in RUN_FIELDS:
        schema["properties"].pop(name, None)
    schema["required"] = [name for name in schema.get("required", []) if name not in RUN_FIELDS]
    definitions = schema["$defs"]
    for name in ("Resolution", "Style"):
        definitions.pop(name, None)
    definitions["Appearance"]["properties"].pop("rgb", None)
    definitions["Character"]["properties"]["kind"]["enum"] = sorted(CHARACTER_KINDS)
    definitions["Prop"]["properties"].pop("generic", None)
    return schema


def plan_with_llm(
    text: str,
    settings: LLMSettings,
    *,
    fps: int = DEFAULT_FPS,
) -> Storyboard:
    """Plan ``text`` with the chat model ``settings`` name, shot durations in whole frames at ``fps``; raise
    :class:`LLMPlanError` when it fails for good."""
    if not text or not text.strip():
        raise StoryError("the story is empty: write at least one sentence, e.g. 'A dog chases a red ball.'")
    if len(text) > MAX_STORY_CHARS:
        raise StoryError(
            f"the story is {len(text):,} characters, over the limit of {MAX_STORY_CHARS:,}: "
            "split it into parts and make each one separately"
        )
    structured = chat_model(settings).with_structured_output(
        {"name": "storyboard", "schema": storyboard_schema(), "strict": False},
        method="json_schema",
        include_raw=True,
    )
    messages: list[BaseMessage] = [SystemMessage(SYSTEM_PROMPT), HumanMessage(text)]
    problems = ""
    for _ in range(settings.max_repairs + 1):
        try:
            result = cast(dict[str, Any], structured.invoke(messages))
        except openai.APIError as error:
            raise LLMPlanError(describe_api_error(error, settings)) from error
        raw: AIMessage = result["raw"]
        reply = raw.content if isinstance(raw.content, str) else json.dumps(raw.content)
        refusal = _refusal(raw)
        if refusal is not None:
            raise LLMPlanError(f"the model {settings.model} declined to plan the story: {refusal!r}")
        try:
            return to_storyboard(_strict_json(reply), fps=fps)
        except ValueError as error:  # bad JSON, and pydantic's ValidationError, are ValueErrors
            problems = validation_problems(error)
        messages += [AIMessage(reply), HumanMessage(REPAIR_PROMPT.format(problems=problems))]
    raise LLMPlanError(
        f"the model's storyboard was still invalid after {settings.max_repairs} repairs: "
        + problems.replace("\n", "; ")
    )


def to_storyboard(data: Any, *, fps: int) -> Storyboard:
    """Validate the model's reply as a Storyboard: durations rounded to whole frames at ``fps``, colours named by
    the model given their sRGB, unknown prop kinds shown as labelled stand-ins."""
    if not isinstance(data, dict):
        raise ValueError(f"the reply is a JSON {type(data).__name__}, not an object")
    data = {key: value for key, value in data.items() if key not in RUN_FIELDS}
    unknown: list[str] = []
    for location in data.get("locations") or []:
        for prop in location.get("props") or [] if isinstance(location, dict) else []:
            if isinstance(prop, dict) and prop.get("kind") not in KINDS:
                prop["generic"] = True
                unknown.append(str(prop.get("name") or prop.get("kind")))
    for entity in _entities(data):
        appearance = entity.get("appearance")
        if isinstance(appearance, dict) and str(appearance.get("color", "")).lower() in COLORS:
            appearance["rgb"] = COLORS[str(appearance["color"]).lower()]
    for shot in data.get("shots") or []:
        if isinstance(shot, dict) and isinstance(shot.get("duration"), int | float):
            shot["duration"] = max(1, round(shot["duration"] * fps)) / fps
    storyboard = Storyboard.model_validate({**data, "unknown_nouns": sorted(set(unknown))})
    for shot in storyboard.shots:  # what the model did not mark, the shot's actions and its sentence say
        shot.seen = {**marks(shot.subjects, shot.actions), **shot.seen}
        shot.unstaged = shot.unstaged or unstaged_verbs(shot.description)
    problems = [
        f"cast.{c.id}.kind: {c.kind!r} is not a character kind; use one of {', '.join(sorted(CHARACTER_KINDS))}"
        for c in storyboard.cast
        if c.kind not in CHARACTER_KINDS
    ]
    ids = [c.id for c in storyboard.cast] + [p.id for loc in storyboard.locations for p in loc.props]
    problems += [f"id {name!r} is used twice: give every character and prop its own id" for name in _twice(ids)]
    problems += [f"location id {name!r} is used twice" for name in _twice([loc.id for loc in storyboard.locations])]
    if len(storyboard.shots) > MAX_SHOTS:
        problems.append(f"{len(storyboard.shots)} shots is too many: use at most {MAX_SHOTS}")
    if problems:
        raise ValueError("\n".join(problems))
    return storyboard


def validation_problems(error: Exception) -> str:
    """A validation failure as short lines, one per problem, for the model to repair."""
    if isinstance(error, ValidationError):
        lines = [
            f"{'.'.join(str(part) for part in problem['loc']) or 'storyboard'}: {problem['msg']}"
            for problem in error.errors()[:12]
        ]
        return "\n".join(lines)
    return str(error)


def describe_api_error(error: openai.APIError, settings: LLMSettings) -> str:
    """One line for an API failure that outlived the client's retries."""
    where = settings.base_url or "the OpenAI API"
    tries = f"{settings.max_retries + 1} tries"
    if isinstance(error, openai.APITimeoutError):
        return f"{where} did not answer within {settings.timeout_s:g} s ({tries})"
    if isinstance(error, openai.APIConnectionError):
        return f"cannot connect to {where} ({tries}): check that the server runs and --llm-base-url is right"
    if isinstance(error, openai.RateLimitError):
        return f"{where} is still rate-limiting (HTTP 429) after {tries}: wait, or raise your rate limit"
    if isinstance(error, openai.AuthenticationError):
        return f"{where} refused the API key (HTTP 401): check OPENAI_API_KEY"
    if isinstance(error, openai.NotFoundError):
        return f"{where} has no model {settings.model!r} (HTTP 404): choose one with --llm-model"
    if isinstance(error, openai.APIStatusError) and error.status_code >= 500:
        return f"{where} failed with HTTP {error.status_code} ({tries})"
    if isinstance(error, openai.APIStatusError):
        return f"{where} rejected the request with HTTP {error.status_code}: {_first_line(error)}"
    return f"{where}: {_first_line(error)}"


def _refusal(raw: AIMessage) -> str | None:
    """The model's refusal: the API's refusal field, or a plain-text answer with no JSON object in it at all."""
    if refusal := raw.additional_kwargs.get("refusal"):
        return str(refusal)[:160]
    content = raw.content if isinstance(raw.content, str) else ""
    if content.strip() and "{" not in content:
        return " ".join(content.split())[:160]
    return None


def _strict_json(reply: str) -> Any:
    """The reply's JSON, strictly: a truncated object is an error to repair, not a shorter storyboard (the parser
    LangChain uses completes partial JSON). A Markdown code fence around it is allowed."""
    text = reply.strip()
    if text.startswith("```"):
        text = text.split("\n", 1)[1] if "\n" in text else ""
        text = text.rsplit("```", 1)[0]
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"the reply is not valid JSON ({error})") from error


def _entities(data: dict[str, Any]) -> list[dict[str, Any]]:
    entities = [c for c in data.get("cast") or [] if isinstance(c, dict)]
    for location in data.get("locations") or []:
        if isinstance(location, dict):
            entities += [p for p in location.get("props") or [] if isinstance(p, dict)]
    return entities


def _twice(names: list[str]) -> list[str]:
    return sorted({name for name in names if names.count(name) > 1})


def _first_line(error: object) -> str:
    lines = str(error).strip().splitlines()
    return lines[0][:200] if lines else type(error).__name__
