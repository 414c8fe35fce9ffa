"""Story text -> Storyboard. ``plan`` is the one place that chooses the planner: the LLM (``llm.py``) when asked for
or configured, else the offline rule planner (``rules.py``), which is also the fallback when the LLM fails.

The LLM is chosen by ``--planner llm``, or by ``OPENAI_API_KEY`` / ``OPENAI_BASE_URL`` (or ``--llm-base-url``) being
set; ``--planner rules`` forces the offline planner. The model comes from ``--llm-model``, else
``STORYREEL_LLM_MODEL``, else :data:`DEFAULT_MODEL`.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from typing import Literal

from storyreel.errors import UserError
from storyreel.planners.rules import plan_story
from storyreel.schema import Resolution, Storyboard, Style

PlannerKind = Literal["auto", "llm", "rules"]
PLANNER_KINDS: tuple[PlannerKind, ...] = ("auto", "llm", "rules")
DEFAULT_MODEL = "gpt-4o-mini"
#: The API key sent to an endpoint that needs none (local servers); the OpenAI client insists on some key.
LOCAL_API_KEY = "not-needed"

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
    """Which planner to use, as the user asked for it (flags) before the environment is consulted."""

    planner: PlannerKind = "auto"
    model: str | None = None
    base_url: str | None = None
    fallback: bool = True
    timeout_s: float = 120.0
    max_retries: int = 3
    max_repairs: int = 2

    def llm(self) -> LLMSettings | None:
        """The LLM to plan with, or None for the rule planner."""
        if self.planner not in PLANNER_KINDS:
            raise UserError(f"unknown planner {self.planner!r}: use one of {', '.join(PLANNER_KINDS)}")
        if self.planner == "rules":
            return None
        api_key = os.environ.get("OPENAI_API_KEY") or None
        base_url = self.base_url or os.environ.get("OPENAI_BASE_URL") or None
        if self.planner == "auto" and api_key is None and base_url is None:
            return None
        if api_key is None and base_url is None:
            raise UserError(
                "--planner llm needs an LLM: set OPENAI_API_KEY, or point --llm-base-url (or OPENAI_BASE_URL) "
                "at an OpenAI-compatible server such as vLLM, Ollama or llama.cpp"
            )
        return LLMSettings(
            model=self.model or os.environ.get("STORYREEL_LLM_MODEL") or DEFAULT_MODEL,
            base_url=base_url,
            api_key=api_key or LOCAL_API_KEY,
            timeout_s=self.timeout_s,
            max_retries=self.max_retries,
            max_repairs=self.max_repairs,
        )

    def key(self) -> dict[str, object]:
        """What about the planner decides a run's plan (never the API key): part of a run's request key."""
        llm = self.llm()
        return {"planner": "rules"} if llm is None else {"planner": "llm", "model": llm.model, "url": llm.base_url}


@dataclass
class Plan:
    """A planned storyboard, which planner made it, and the warnings planning raised (e.g. an LLM fallback)."""

    storyboard: Storyboard
    planner: Literal["llm", "rules"]
    warnings: list[str] = field(default_factory=list)


def plan(
    text: str,
    settings: PlannerSettings | None = None,
    *,
    fps: int = 24,
    resolution: Resolution | None = None,
    style: Style = Style.TOON,
    seed: int = 0,
) -> Plan:
    """Plan ``text`` with the planner ``settings`` choose. An LLM that fails for good (after its retries and
    repairs) is reported in one warning line and the rule planner plans instead, unless ``settings.fallback`` is
    off, in which case a :class:`UserError` says why."""
    settings = settings or PlannerSettings()
    resolution = resolution or Resolution()
    llm = settings.llm()
    if llm is not None:
        from storyreel.planners.llm import LLMPlanError, plan_with_llm

        try:
            storyboard = plan_with_llm(text, llm, fps=fps, resolution=resolution, style=style)
            return Plan(storyboard, "llm")
        except LLMPlanError as error:
            if not settings.fallback:
                raise UserError(f"LLM planning failed: {error} (--no-fallback is set)") from error
            warning = f"LLM planning failed: {error}; planned with the offline rule planner instead"
            log.warning(warning)
            storyboard = plan_story(text, fps=fps, resolution=resolution, style=style, seed=seed)
            return Plan(storyboard, "rules", [warning])
    return Plan(plan_story(text, fps=fps, resolution=resolution, style=style, seed=seed), "rules")
