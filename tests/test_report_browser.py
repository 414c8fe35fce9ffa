"""report.html in a real browser: headless Chromium driven by Playwright opens a run's page offline."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from storyreel.agent.pipeline import make_video

CHROMIUM = "/usr/bin/chromium"

playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (the dev extra has it)")
pytestmark = pytest.mark.skipif(
    shutil.which(CHROMIUM) is None, reason=f"{CHROMIUM} is missing: apt-get install chromium (.ci/run does)"
)


def test_the_report_opens_with_every_image_and_no_errors(tmp_path: Path) -> None:
    story = "A girl walks in the park. A dog sleeps in the room."
    report = make_video(story, tmp_path / "run", fps=8, resolution="128x72", progress=False, planner="rules")
    page_file = tmp_path / "run" / "report.html"
    with playwright.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        errors: list[str] = []
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(page_file.as_uri())
        page.wait_for_load_state("load")
        images = page.eval_on_selector_all("img", "nodes => nodes.map(n => [n.getAttribute('src'), n.naturalWidth])")
        headings = page.eval_on_selector_all("h3", "nodes => nodes.map(n => n.textContent)")
        plots = page.eval_on_selector_all("svg polyline", "nodes => nodes.length")
        phone = browser.new_page(viewport={"width": 390, "height": 800})
        phone.goto(page_file.as_uri())
        overflow = phone.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        browser.close()
    assert not errors
    assert images and all(width > 0 for _, width in images), images
    assert {f"thumbs/{shot.shot_id}.marked.png" for shot in report.shots} <= {src for src, _ in images}
    assert all(any(shot.shot_id in heading for heading in headings) for shot in report.shots)
    assert plots >= sum(len(check.per_frame) > 1 for shot in report.shots for check in shot.checks)
    assert overflow <= 1  # nothing runs off a phone's screen sideways (wide tables scroll in their own box)
