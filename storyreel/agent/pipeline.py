"""``make_video``: a story in, a finished film out, through the agent's graph (``graph.py``).

``make_video`` validates the options and runs the whole graph from the story; ``film_storyboard`` runs it from an
already planned storyboard (the chat does, after each edit). Both resume what the run directory already holds.
"""

from __future__ import annotations

from pathlib import Path

from storyreel.agent.diffusing import load_renderer
from storyreel.agent.graph import Agent, AgentSettings, ExtraChecks, ProgressCallback
from storyreel.agent.run_options import REVISERS, SHOT_RETRIES, Reviser, RunOptions, run_options
from storyreel.agent.run_store import RunStore, content_key
from storyreel.errors import UserError
from storyreel.planners import PlannerKind, PlannerSettings
from storyreel.schema import Resolution, RunReport, Storyboard, Style
from storyreel.tools.camera import DEFAULT_CONTROLLER

__all__ = ["ProgressCallback", "RunOptions", "film_storyboard", "make_video"]


def make_video(
    story: str,
    out: Path | str | None = None,
    *,
    fps: int = 24,
    resolution: Resolution | str = "1280x720",
    style: Style | str = Style.TOON,
    seed: int = 0,
    asset_dir: Path | str | None = None,
    camera: str = DEFAULT_CONTROLLER,
    renderer: str = "raster",
    model: str | None = None,
    controlnet: str | None = None,
    retries: int = SHOT_RETRIES,
    run_budget: int | None = None,
    force: bool = False,
    progress: bool = True,
    on_progress: ProgressCallback | None = None,
    planner: PlannerKind = "auto",
    llm_model: str | None = None,
    llm_base_url: str | None = None,
    fallback: bool = True,
    reviser: Reviser = "auto",
    extra_checks: ExtraChecks | None = None,
) -> RunReport:
    """Make a multi-shot video of ``story`` in ``out`` and return the run's report.

    ``planner`` picks the planner (``planners.plan``): "auto" uses the LLM when ``OPENAI_API_KEY`` or
    ``OPENAI_BASE_URL`` (or ``llm_base_url``) is set, "llm" requires it, "rules" plans offline. An LLM that fails
    falls back to the rule planner with a warning in the report, unless ``fallback`` is off. ``reviser`` picks who
    chooses the revision of a shot that fails its checks: "auto" the same LLM when one is configured, else the
    deterministic policy; "llm" requires the LLM; "policy" never asks it.

    ``camera`` picks the camera director: "baseline" (hand-written, the default) or "rl" (the shipped policy).
    ``renderer`` "diffusion" refines the raster pass with the diffusers model at ``model`` (and the depth
    ControlNet at ``controlnet``), both local directories or hub ids already in the local cache.

    A shot whose checks fail is revised and filmed again up to ``retries`` times, and the run makes at most
    ``run_budget`` revisions (default: twice as many as there are shots); what still fails is reported as failed.

    ``out`` defaults to ``runs/<title>``. A directory that already holds this same run resumes it (finished shots
    are kept); one holding another run is refused unless ``force``.
    """
    options = run_options(fps, resolution, style, seed, asset_dir, camera, renderer, model, controlnet)
    settings = agent_settings(retries, run_budget, reviser, llm_model, llm_base_url, extra_checks)
    planner_settings = PlannerSettings(planner=planner, model=llm_model, base_url=llm_base_url, fallback=fallback)
    request = content_key(story, options.key(), planner_settings.key())
    if options.renderer == "diffusion":  # missing weights stop the run before it plans or films anything
        load_renderer(options)
    agent = Agent(progress=progress, on_progress=on_progress)
    return agent.run(
        {
            "story": story,
            "request": request,
            "planner": planner_settings,
            "out": Path(out) if out is not None else None,
            "force": force,
            "options": options,
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
    (``run_options.shot_keys``) is not fresh in the store are filmed. ``timings`` collects seconds per stage."""
    agent = Agent(progress=progress, on_progress=on_progress)
    return agent.run(
        {"storyboard": storyboard, "store": store, "options": options, "settings": settings or AgentSettings()},
        timings,
    )


def agent_settings(
    retries: int,
    run_budget: int | None,
    reviser: Reviser = "auto",
    llm_model: str | None = None,
    llm_base_url: str | None = None,
    extra_checks: ExtraChecks | None = None,
) -> AgentSettings:
    """Validated agent settings. The revising LLM is found the way the planner's is (flags, then environment)."""
    if not 0 <= retries <= 20:
        raise UserError(f"--retries {retries} is out of range: use 0 (no revisions) to 20")
    if run_budget is not None and run_budget < 0:
        raise UserError(f"--run-budget {run_budget} is negative: use 0 (no revisions) or more")
    if reviser not in REVISERS:
        raise UserError(f"--reviser {reviser!r} is not one of {', '.join(REVISERS)}")
    llm = None if reviser == "policy" else PlannerSettings(model=llm_model, base_url=llm_base_url).llm()
    if reviser == "llm" and llm is None:
        raise UserError(
            "--reviser llm needs an LLM: set OPENAI_API_KEY, or point --llm-base-url (or OPENAI_BASE_URL) at an "
            "OpenAI-compatible server"
        )
    return AgentSettings(shot_retries=retries, run_budget=run_budget, llm=llm, extra_checks=extra_checks)
