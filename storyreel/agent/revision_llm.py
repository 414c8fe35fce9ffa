"""An LLM chooses the revision: the same options the policy has, offered as one function tool.

The model sees the shot, each failed check with its detail and suggestion, and the numbered changes that address
them (``revision.revision_options``); it answers by calling ``revise`` with the number of its choice. It can only
choose among those options, so it cannot ask for a change the renderer or camera cannot make. Any failure (no tool
call, a number out of range, an API error after the client's retries) raises :class:`RevisionChoiceError`, and the
agent falls back on the deterministic policy with a warning.
"""

from __future__ import annotations

from collections.abc import Sequence

import openai
from langchain_core.messages import HumanMessage, SystemMessage

from storyreel.agent.revision import RevisionOption
from storyreel.planners import LLMSettings
from storyreel.planners.llm import chat_model, describe_api_error
from storyreel.schema import CheckResult, Revision, Shot

SYSTEM_PROMPT = """\
You are the director of a short animated film, reviewing one shot that failed automatic quality checks. Choose the
one change most likely to make the failed checks pass without spoiling what the shot is for, by calling the revise
tool with the number of that change. Only the listed changes are possible.
"""
TOOL_NAME = "revise"


class RevisionChoiceError(Exception):
    """The LLM did not choose a usable revision; the message is one line saying why."""


def revise_tool(count: int) -> dict[str, object]:
    """The function tool the model calls: the number of one of ``count`` changes, and why."""
    return {
        "type": "function",
        "function": {
            "name": TOOL_NAME,
            "description": "Make one of the listed changes to the shot and film it again.",
            "parameters": {
                "type": "object",
                "properties": {
                    "option": {"type": "integer", "minimum": 1, "maximum": count, "description": "the change's number"},
                    "reason": {"type": "string", "description": "why this change, in one sentence"},
                },
                "required": ["option"],
            },
        },
    }


def choose_with_llm(
    settings: LLMSettings, shot: Shot, checks: Sequence[CheckResult], options: Sequence[RevisionOption]
) -> RevisionOption:
    """Ask the model ``settings`` name to choose one of ``options`` for ``shot`` after ``checks``."""
    model = chat_model(settings).bind_tools([revise_tool(len(options))], tool_choice=TOOL_NAME)
    try:
        reply = model.invoke([SystemMessage(SYSTEM_PROMPT), HumanMessage(describe_failure(shot, checks, options))])
    except openai.APIError as error:
        raise RevisionChoiceError(describe_api_error(error, settings)) from error
    calls = [call for call in getattr(reply, "tool_calls", []) if call["name"] == TOOL_NAME]
    if not calls:
        raise RevisionChoiceError("the model answered without calling revise")
    number = calls[0]["args"].get("option")
    if not isinstance(number, int) or not 1 <= number <= len(options):
        raise RevisionChoiceError(f"the model chose option {number!r}, not one of 1-{len(options)}")
    chosen = options[number - 1]
    revision = Revision(**(chosen.revision.model_dump() | {"chosen_by": "llm"}))
    return RevisionOption(revision=revision, direction=chosen.direction)


def describe_failure(shot: Shot, checks: Sequence[CheckResult], options: Sequence[RevisionOption]) -> str:
    """The user message: the shot, what failed, and the numbered changes."""
    failed = [
        f"- {check.name}: score {check.score:.3g} (threshold {check.threshold:.3g}); {check.detail}"
        + (f"; suggested: {check.suggestion}" if check.suggestion else "")
        for check in checks
        if not check.passed
    ]
    changes = [
        f"{number}. {option.revision.action.value}: {option.revision.change} (for {option.revision.check})"
        for number, option in enumerate(options, start=1)
    ]
    return "\n".join(
        [
            f"Shot {shot.id}: {shot.size.value} {shot.move.value} shot, {shot.angle.value} angle, "
            f"{shot.duration:g} s; subjects {', '.join(shot.subjects) or 'none'}. {shot.description}",
            "Failed checks:",
            *failed,
            "Possible changes:",
            *changes,
        ]
    )
