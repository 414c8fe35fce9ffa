"""The tool registry: schemas from the input models, workspace confinement, each stage tool alone, and the
pipeline's progress callback that lets a long tool report and be cancelled."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from storyreel.agent.pipeline import make_video
from storyreel.errors import UserError
from storyreel.registry import TOOLS, Workspace
from storyreel.schema import CameraPath, Director, ShotReport
from storyreel.tools.video import probe_video

STORY = "A red dog chases a yellow ball in the park. The dog jumps over the ball."
TINY = {"resolution": "96x54", "fps": 8}
FILM: dict[str, Any] = {**TINY, "camera": "baseline", "planner": "rules"}
BY_NAME = {tool.name: tool for tool in TOOLS}


def test_one_list_of_tools_with_schemas_from_their_models() -> None:
    names = [tool.name for tool in TOOLS]
    stages = ["plan_story", "build_scene", "direct_camera", "render_shot", "check_shot", "assemble_video"]
    assert sorted(names) == sorted([*stages, "make_video", "get_report"])
    assert len(set(names)) == len(names) and names[0] == "make_video"
    for tool in TOOLS:
        assert tool.input_schema() == tool.input_model.model_json_schema()
        assert tool.input_schema()["additionalProperties"] is False
        assert len(tool.description) > 80, tool.name  # the docstring explains the tool to a model
    camera = BY_NAME["make_video"].input_schema()["$defs"]["Director"]["enum"]
    assert camera == [director.value for director in Director]
    fps = BY_NAME["make_video"].input_schema()["properties"]["fps"]
    assert (fps["minimum"], fps["maximum"]) == (1, 120)


def test_arguments_are_validated_by_the_model(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path)
    for bad in ({"story": 3, "run": "r"}, {"story": STORY, "run": "r", "resolution": "95x54"}, {"story": STORY}):
        with pytest.raises(ValidationError):
            BY_NAME["plan_story"].call(workspace, bad)


def test_workspace_refuses_paths_that_leave_it(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    inside = tmp_path / "workspace"
    outside.mkdir()
    (inside / "runs").mkdir(parents=True)
    (inside / "runs" / "out").symlink_to(outside)
    (inside / "runs" / "alias").symlink_to(inside / "runs")
    workspace = Workspace(inside)
    assert workspace.resolve("runs/dog") == inside.resolve() / "runs" / "dog"
    assert workspace.resolve("storyreel://runs/dog/report.json") == inside.resolve() / "runs/dog/report.json"
    assert workspace.resolve("runs/alias/dog") == inside.resolve() / "runs" / "dog"  # a symlink inside is fine
    assert workspace.uri(inside / "runs" / "dog") == "storyreel://runs/dog"
    for reference, words in [
        ("/etc/passwd", "absolute"),
        ("storyreel:///etc", "absolute"),
        ("C:/Windows", "absolute"),
        ("../outside", "'..'"),
        ("runs/../../outside", "'..'"),
        ("runs/out/x", "symlink"),
        ("", "empty"),
    ]:
        with pytest.raises(UserError, match=words):
            workspace.resolve(reference)


@pytest.mark.slow
def test_stage_tools_each_alone_on_workspace_artifacts(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path)
    planned = BY_NAME["plan_story"].call(workspace, {"story": STORY, "run": "runs/dog", "seed": 2, **TINY})
    storyboard = planned.artifacts["storyboard"]
    assert storyboard == "storyreel://runs/dog/storyboard.json" and planned.data["shots"] == ["shot_01", "shot_02"]
    run = tmp_path / "runs" / "dog"

    with pytest.raises(UserError, match="render_shot"):
        BY_NAME["check_shot"].call(workspace, {"storyboard": storyboard, "shot": "shot_01"})
    with pytest.raises(UserError, match="shot_01, shot_02"):
        BY_NAME["direct_camera"].call(workspace, {"storyboard": storyboard, "shot": "shot_09"})

    scenes = BY_NAME["build_scene"].call(workspace, {"storyboard": storyboard})
    assert scenes.artifacts == {"park": "storyreel://runs/dog/scenes/park.glb"}
    assert (run / "scenes" / "park.glb").read_bytes()[:4] == b"glTF"
    assert "dog" in scenes.data["objects"]["park"]

    directed = BY_NAME["direct_camera"].call(
        workspace, {"storyboard": storyboard, "shot": "shot_01", "camera": "baseline"}
    )
    path = CameraPath.model_validate_json((run / "cameras" / "shot_01.json").read_text())
    assert directed.data["frames"] == path.frames > 1

    progress: list[float] = []
    frames: list[int] = []
    for shot in ("shot_01", "shot_02"):  # shot_02 has no camera yet: render_shot directs it first
        rendered = BY_NAME["render_shot"].call(
            workspace,
            {"storyboard": storyboard, "shot": shot, "camera": "baseline"},
            lambda fraction, _: progress.append(fraction),
        )
        frames.append(probe_video(run / "shots" / f"{shot}.mp4").frames)
        assert frames[-1] == rendered.data["frames"]
        checked = BY_NAME["check_shot"].call(workspace, {"storyboard": storyboard, "shot": shot})
        report = ShotReport.model_validate_json((run / "checks" / f"{shot}.json").read_text())
        assert [c.name for c in report.checks] == [
            "subjects_framed",
            "all_subjects_shown",
            "face_shown",
            "action_shown",
            "action_staged",
            "framing",
            "occlusion",
            "not_blank",
            "camera_jerk",
            "warp_error",
            "flicker",
            "flow_consistency",
        ]
        assert checked.data["passed"] == report.passed
        assert next(c for c in report.checks if c.name == "not_blank").passed
    assert (run / "cameras" / "shot_02.json").is_file() and progress and max(progress) < 1

    final = BY_NAME["assemble_video"].call(workspace, {"run": "runs/dog"})
    assert final.data["frames"] == sum(frames) == probe_video(run / "final.mp4").frames
    with pytest.raises(UserError, match="make_video"):
        BY_NAME["get_report"].call(workspace, {"run": "runs/dog"})


class Stop(Exception):
    pass


@pytest.mark.slow
def test_make_video_reports_progress_and_stops_between_shots(tmp_path: Path) -> None:
    story = "A cat sits on a chair in a room. The cat jumps. A dog runs in the park."
    seen: list[tuple[float, str]] = []

    def stop_at_second_shot(fraction: float, message: str) -> None:
        seen.append((fraction, message))
        if message.startswith("shot_02"):
            raise Stop

    with pytest.raises(Stop):
        make_video(story, tmp_path / "run", **FILM, progress=False, on_progress=stop_at_second_shot)
    assert [message for _, message in seen] == ["shot_01: filming", "shot_02: filming"]
    assert (tmp_path / "run" / "shots" / "shot_01.mp4").is_file()
    assert not (tmp_path / "run" / "final.mp4").exists() and not (tmp_path / "run" / "report.json").exists()

    seen.clear()
    report = make_video(story, tmp_path / "run", **FILM, progress=False, on_progress=lambda f, m: seen.append((f, m)))
    assert (tmp_path / "run" / "final.mp4").is_file() and len(report.shots) == 3
    assert [fraction for fraction, _ in seen] == [0.0, 0.25, 0.5, 0.75, 1.0]
