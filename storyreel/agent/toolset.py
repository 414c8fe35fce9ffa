"""Every tool storyreel offers to other agents: the registry's stage tools plus ``make_video``, the whole pipeline.

``make_video`` lives here, on the agent floor, because it runs the agent's pipeline; the tools floor below cannot
import it (``storyreel.tools.registry`` holds the rest). The MCP server, the LangChain tools and the CLI read
:data:`TOOLSET` and nothing else, so no tool is described twice.
"""

from __future__ import annotations

from pydantic import Field

from storyreel.agent.pipeline import make_video as film_story
from storyreel.agent.run_options import SHOT_RETRIES
from storyreel.tools.registry import TOOLS, Director, PlanStoryInput, Progress, Tool, ToolResult, Workspace


class MakeVideoInput(PlanStoryInput):
    camera: Director
    retries: int = Field(
        default=SHOT_RETRIES, ge=0, le=20, description="revisions per shot when its checks fail (0: film each once)"
    )
    force: bool = Field(
        default=False, description="replace a run of another story or other settings in the run directory"
    )


def make_video(workspace: Workspace, inputs: MakeVideoInput, on_progress: Progress) -> ToolResult:
    """Make a whole multi-shot film from a story in one call: plan (with the LLM the server is configured with,
    else offline), build each location's 3D world, direct and render every shot, check it and revise the shots
    that fail (up to `retries` times each), and assemble final.mp4, a contact sheet, report.json and report.html
    in the run directory.
    Sends progress per shot; cancelling stops between shots and keeps the finished ones. Calling it again on the
    same run resumes (finished shots are kept). Returns the URIs of the film and its report and a summary of the
    checks; get_report and the report resource tell more."""
    run = workspace.resolve(inputs.run)
    report = film_story(
        inputs.story,
        run,
        fps=inputs.fps,
        resolution=inputs.resolution,
        style=inputs.style,
        seed=inputs.seed,
        camera=inputs.camera,
        retries=inputs.retries,
        force=inputs.force,
        progress=False,
        on_progress=on_progress,
    )
    failed = [f"{shot.shot_id} {check.name}" for shot in report.shots for check in shot.checks if not check.passed]
    verdict = "all checks passed" if not failed else f"checks failed: {', '.join(failed)} (see get_report)"
    return ToolResult(
        summary=f"{report.title!r}: {len(report.shots)} shots, {report.duration_s:.1f} s; {verdict}",
        artifacts={
            name: workspace.uri(run / relative)
            for name, relative in (
                ("final_video", report.final_video),
                ("report", "report.json"),
                ("contact_sheet", report.contact_sheet),
                ("storyboard", report.storyboard),
            )
        },
        data={"passed": report.passed, "shots": [shot.shot_id for shot in report.shots], "failed": failed},
    )


#: make_video first: the one call most agents need.
TOOLSET: tuple[Tool, ...] = (Tool("make_video", MakeVideoInput, make_video, long=True), *TOOLS)
