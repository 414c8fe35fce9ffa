"""Story text -> Storyboard. ``plan`` is the one place that chooses the planner: the LLM (``llm.py``) when asked for
or configured, else the offline rule planner (``rules.py``), which is also the fallback when the LLM fails.

The LLM is chosen by ``--planner llm``, or by ``OPENAI_API_KEY`` / ``OPENAI_BASE_URL`` (or ``--llm-base-url``) being
set while the llm extra is installed; ``--planner rules`` forces the offline planner. Configured without the extra,
``auto`` plans offline after one warning line naming the extra. The model comes from ``--llm-model``, else
``STORYREEL_LLM_MODEL``, else :data:`DEFAULT_MODEL`. With ``--narrate`` each shot of whichever plan is made gets a
narrator's line: the story's words it films that are not quoted speech (``lines.narrate``).
"""

from __future__ import annotations

import importlib.util
import logging
import os
from dataclasses import dataclass, field, replace
from typing import Literal

from storyreel.errors import UserError
from storyreel.planners.lines import narrate
from storyreel.planners.rules import MAX_SHOTS, MAX_STORY_CHARS, plan_story
from storyreel.schema import DEFAULT_FPS, PlannerChoice, RunOptions, Storyboard

__all__ = ["DEFAULT_MODEL", "MAX_SHOTS", "MAX_STORY_CHARS", "LLMSettings", "Plan", "PlannerSettings", "plan"]

DEFAULT_MODEL = "gpt-4o-mini"
#: The API key sent to an endpoint that needs none (local servers); the OpenAI client insists on some key.
LOCAL_API_KEY = "not-needed"
LLM_EXTRA = "pip install 'storyreel[llm]'"

log = logging.getLogger("storyreel")


@dataclass(frozen=True)
class LLMSettings:
    """How to reach one OpenAI-compatible chat model, and how hard to try."""

    model: str
    base_url: str | None = None
    api_key: str | None = field(default=None, repr=False)
    timeout_s: float = 120.0
    max_retries: int = 3  # per request: timeouts, 429 (after its Retry-After), 5xx, refused connections
    max_repairs: int = 2  # invalid storyboards sent back to the model with the validation errors


@dataclass(frozen=True)
class PlannerSettings:
    """Which planner to use, as the user asked for it (options) before the environment is consulted."""

    planner: PlannerChoice = PlannerChoice.AUTO
    model: str | None = None
    base_url: str | None = None
    fallback: bool = True
    timeout_s: float = 120.0
    max_retries: int = 3
    max_repairs: int = 2
    narrate: bool = False  # a narrator reads the story's words that are not quoted speech

    @classmethod
    def from_options(cls, options: RunOptions) -> PlannerSettings:
        return cls(
            planner=options.planner,
            model=options.llm_model,
            base_url=options.llm_base_url,
            fallback=options.fallback,
            narrate=options.narrate,
        )

    def configured(self) -> bool:
        """Whether the environment or the options point at an LLM."""
        return bool(os.environ.get("OPENAI_API_KEY") or self.base_url or os.environ.get("OPENAI_BASE_URL"))

    def missing_extra(self) -> bool:
        """An LLM is configured for ``auto`` but the llm extra is not installed: the rules plan instead."""
        return self.planner == PlannerChoice.AUTO and self.configured() and not llm_extra_installed()

    def llm(self) -> LLMSettings | None:
        """The LLM to plan with, or None for the rule planner."""
        if self.planner == PlannerChoice.RULES or self.missing_extra():
            return None
        if not self.configured():
            if self.planner == PlannerChoice.AUTO:
                return None
            raise UserError(
                "--planner llm needs an LLM: set OPENAI_API_KEY, or point --llm-base-url (or OPENAI_BASE_URL) "
                "at an OpenAI-compatible server such as vLLM, Ollama or llama.cpp"
            )
        if not llm_extra_installed():
            raise UserError(f"--planner llm needs the llm extra (openai and langchain-openai): {LLM_EXTRA}")
        return LLMSettings(
            model=self.model or os.environ.get("STORYREEL_LLM_MODEL") or DEFAULT_MODEL,
            base_url=self.base_url or os.environ.get("OPENAI_BASE_URL") or None,
            api_key=os.environ.get("OPENAI_API_KEY") or LOCAL_API_KEY,
            timeout_s=self.timeout_s,
            max_retries=self.max_retries,
            max_repairs=self.max_repairs,
        )

    def reviser_llm(self) -> LLMSettings | None:
        """The LLM that ``--reviser auto`` asks: the one configured, whichever planner plans."""
        return replace(self, planner=PlannerChoice.AUTO).llm()

    def key(self) -> dict[str, object]:
        """What about the planner decides a run's plan (never the API key): part of a run's request key."""
        llm = self.llm()
        key: dict[str, object] = (
            {"planner": "rules"} if llm is None else {"planner": "llm", "model": llm.model, "url": llm.base_url}
        )
        return {**key, "narrate": True} if self.narrate else key


def llm_extra_installed() -> bool:
    """Whether the llm extra's packages can be imported."""
    return all(importlib.util.find_spec(name) is not None for name in ("openai", "langchain_openai"))


@dataclass
class Plan:
    """A planned storyboard, which planner made it, and the warnings planning raised (e.g. an LLM fallback)."""

    storyboard: Storyboard
    planner: Literal["llm", "rules"]
    warnings: list[str] = field(default_factory=list)


def plan(text: str, settings: PlannerSettings | None = None, *, fps: int = DEFAULT_FPS, seed: int = 0) -> Plan:
    """Plan ``text`` with the planner ``settings`` choose, shot durations in whole frames at ``fps``. An LLM that
    fails for good (after its retries and repairs) is reported in one warning line and the rule planner plans
    instead, unless ``settings.fallback`` is off, in which case a :class:`UserError` says why. With
    ``settings.narrate`` each shot gets the narrator's line of the story's words it films."""
    settings = settings or PlannerSettings()
    made = _plan(text, settings, fps=fps, seed=seed)
    if settings.narrate:
        made.storyboard = narrate(made.storyboard, text)
    return made


def _plan(text: str, settings: PlannerSettings, *, fps: int, seed: int) -> Plan:
    """The plan of the planner ``settings`` choose, unnarrated (see :func:`plan`)."""
    if settings.missing_extra():
        warning = f"an LLM is configured but the llm extra is not installed ({LLM_EXTRA}): planned offline"
        log.warning(warning)
        return Plan(plan_story(text, fps=fps, seed=seed), "rules", [warning])
    llm = settings.llm()
    if llm is not None:
        from storyreel.planners.llm import LLMPlanError, plan_with_llm

        try:
            return Plan(plan_with_llm(text, llm, fps=fps), "llm")
        except LLMPlanError as error:
            if not settings.fallback:
                raise UserError(f"LLM planning failed: {error} (--no-fallback is set)") from error
            warning = f"LLM planning failed: {error}; planned with the offline rule planner instead"
            log.warning(warning)
            return Plan(plan_story(text, fps=fps, seed=seed), "rules", [warning])
    return Plan(plan_story(text, fps=fps, seed=seed), "rules")
