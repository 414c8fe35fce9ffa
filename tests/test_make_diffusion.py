"""``storyreel make --renderer diffusion`` end to end, on tiny random-weight models saved as diffusers directories."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("diffusers", reason="the diffusion extra is not installed")

from storyreel.agent.pipeline import make_video
from storyreel.agent.revision import DIFFUSION_ACTIONS
from storyreel.cli import main
from storyreel.schema import CheckResult, Shot
from storyreel.tools.video import read_video
from tests import tiny_diffusion

STORY = "A girl walks in the park."
SMALL = {"fps": 4, "resolution": "64x48", "seed": 2, "progress": False, "planner": "rules"}


@pytest.fixture(scope="module")
def weights(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return tiny_diffusion.save_pretrained(tmp_path_factory.mktemp("weights"))


def pumping(shot: Shot, attempt: int) -> list[CheckResult]:
    """An injected flicker failure on the first attempt: only the diffusion renderer can answer it."""
    failed = attempt == 1
    return [
        CheckResult(
            name="flicker",
            shot_id=shot.id,
            score=0.05 if failed else 0.0,
            threshold=0.01,
            higher_is_better=False,
            passed=not failed,
        )
    ]


@pytest.mark.slow
def test_a_film_is_diffused_and_a_flicker_revision_re_renders_it(tmp_path: Path, weights: tuple[Path, Path]) -> None:
    model, depth = weights
    raster = make_video(STORY, tmp_path / "raster", **SMALL, retries=0)  # type: ignore[arg-type]
    report = make_video(
        STORY,
        tmp_path / "diffused",
        **SMALL,  # type: ignore[arg-type]
        renderer="diffusion",
        model=str(model),
        controlnet=str(depth),
        extra_checks=pumping,
    )
    assert report.renderer == "diffusion" and report.frames == raster.frames
    diffused, drawn = read_video(tmp_path / "diffused" / "final.mp4"), read_video(tmp_path / "raster" / "final.mp4")
    assert diffused.shape == drawn.shape
    assert np.abs(diffused.astype(float) - drawn.astype(float)).mean() > 10  # not the raster look
    # Random weights diffuse noise: the temporal checks fail for real, and only render-side changes are offered.
    attempts = report.shots[0].attempts
    revisions = [a.revision.action for a in attempts if a.revision is not None]
    assert revisions and set(revisions) <= DIFFUSION_ACTIONS
    second = attempts[1].direction
    assert (second.consistency, second.keyframes) != (0, False) and second.camera_seed == 0


def test_missing_weights_stop_the_run_before_anything_is_written(tmp_path: Path, capsys) -> None:
    out = tmp_path / "run"
    code = main(["make", STORY, "--out", str(out), "--renderer", "diffusion", "--model", str(tmp_path / "absent")])
    error = capsys.readouterr().err.strip()
    assert code == 2 and len(error.splitlines()) == 1
    assert "hf download" in error and "--model" in error
    assert not out.exists()


def test_model_flags_need_the_diffusion_renderer(tmp_path: Path, capsys) -> None:
    assert main(["make", STORY, "--out", str(tmp_path / "run"), "--model", "x/y"]) == 2
    assert "--renderer diffusion" in capsys.readouterr().err
