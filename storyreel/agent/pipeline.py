"""``make_video``: a story in, a finished film out, through the agent's graph (``graph.py``).

``make_video`` validates the options and runs the whole graph from the story; ``film_storyboard`` runs it from an
already planned storyboard (the chat does, after each edit). Both resume what the run directory already holds.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from storyreel.agent.executors import connect
from storyreel.agent.graph import Agent, AgentSettings, ExtraChecks, ProgressCallback
from storyreel.agent.run_store import RunStore, content_key
from storyreel.errors import UserError
from storyreel.planners import PlannerSettings
from storyreel.progress import stage_line
from storyreel.schema import ExecutorChoice, Renderer, ReviserChoice, RunOptions, RunReport, Storyboard
from storyreel.tools.film import load_renderer

__all__ = ["ProgressCallback", "agent_settings", "film_storyboard", "make_video"]


def make_video(
    story: str,
    out: Path | str | None = None,
    *,
    force: bool = False,
    progress: bool = True,
    on_progress: ProgressCallback | None = None,
    extra_checks: ExtraChecks | None = None,
    **options: Any,
) -> RunReport:
    """Make a multi-shot video of ``story`` in ``out`` and return the run's report.

    ``options`` are the fields of :class:`~storyreel.schema.RunOptions` (``fps``, ``resolution="640x360"``,
    ``style``, ``seed``, ``camera``, ``renderer``, ``planner``, ``retries``, ...), each with its default and
    meaning there; a bad value raises a one-line :class:`UserError`. ``planner="auto"`` plans with the LLM when
    ``OPENAI_API_KEY`` or ``OPENAI_BASE_URL`` (or ``llm_base_url``) is set and the llm extra is installed; an LLM
    that fails falls back to the rule planner with a warning in the report, unless ``fallback=False``.

    A shot whose checks fail is revised and filmed again up to ``retries`` times, and the run makes at most
    ``run_budget`` revisions (default: twice as many as there are shots); what still fails is reported as failed.
    ``extra_checks`` adds checks to every attempt (tests inject failures with it).

    ``out`` defaults to ``runs/<title>``. A directory that already holds this same run resumes it (finished shots
    are kept); one holding another run is refused unless ``force``.

    ``on_progress`` hears each shot start, the assembly and the end; with ``progress`` and no ``on_progress``,
    each stage (planning first) is a line on stderr.
    """
    run_options = RunOptions.build(**options)
    settings = agent_settings(run_options, extra_checks)
    planner = PlannerSettings.from_options(run_options)
    request = content_key(story, run_options.key(), planner.key())
    if run_options.renderer == Renderer.DIFFUSION:  # missing weights stop the run before it plans or films anything
        load_renderer(run_options)
    if run_options.executor == ExecutorChoice.RAY:  # so does a cluster that cannot be reached
        connect(run_options.ray_address)
    if on_progress is None and progress:  # a line per stage, planning first
        stage_line(0.0, "planning the story")
        on_progress = stage_line
    agent = Agent(progress=progress, on_progress=on_progress)
    return agent.run(
        {
            "story": story,
            "request": request,
            "planner": planner,
            "out": Path(out) if out is not None else None,
            "force": force,
            "options": run_options,
            "settings": settings,
        }
    )


def film_storyboard(
    storyboard: Storyboard,
    store: RunStore,
    options: RunOptions,
    *,
    settings: AgentSettings | None = None,
    progress: bool = True,
    on_progress: ProgressCallback | None = None,
    timings: dict[str, float] | None = None,
) -> RunReport:
    """Film a planned storyboard into ``store``'s directory (the graph after planning). Only shots whose key
    (``run_layout.shot_keys``) is not fresh in the store are filmed. ``settings`` default to the options' own;
    ``timings`` collects seconds per stage."""
    agent = Agent(progress=progress, on_progress=on_progress)
    return agent.run(
        {
            "storyboard": storyboard,
            "store": store,
            "options": options,
            "settings": settings or agent_settings(options),
        },
        timings,
    )


def agent_settings(options: RunOptions, extra_checks: ExtraChecks | None = None) -> AgentSettings:
    """The agent's budgets and reviser from the run's options. The revising LLM is found the way the planner's is
    (options, then environment); ``--reviser llm`` without one is refused."""
    llm = None if options.reviser == ReviserChoice.POLICY else PlannerSettings.from_options(options).reviser_llm()
    if options.reviser == ReviserChoice.LLM and llm is None:
        raise UserError(
            "--reviser llm needs an LLM: set OPENAI_API_KEY, or point --llm-base-url (or OPENAI_BASE_URL) at an "
            "OpenAI-compatible server, and install the llm extra (pip install 'storyreel[llm]')"
        )
    return AgentSettings(
        shot_retries=options.retries, run_budget=options.run_budget, llm=llm, extra_checks=extra_checks
    )
