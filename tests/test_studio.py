"""The studio (``storyreel ui``): the page builds without a browser; table edits become the chat's operations; the
LLM's words and tool calls stream into the chat; the CLI refuses an open bind without a password; and in a real
browser (Playwright driving the system's Chromium) a story is told, filmed, edited in the shot table and filmed
again (only the edited shot), each tab on a run directory of its own."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import httpx
import pytest
from openai_server import FakeOpenAI, Reply
from test_planner_llm import GOOD

from storyreel.agent.chat import ChatRecord, ChatSession
from storyreel.agent.run_layout import clip_name
from storyreel.cli import main
from storyreel.schema import RunOptions

gradio = pytest.importorskip("gradio", reason="gradio is not installed (the ui and dev extras have it)")

from storyreel import studio  # noqa: E402  (after the skip: the studio needs gradio)

CHROMIUM = "/usr/bin/chromium"
STORY = "A red ball rolls in the park. A dog runs to the ball."
FAST = {"fps": 8, "resolution": "96x54", "seed": 1, "camera": "baseline", "planner": "rules", "retries": 0}
LOADED_DURATION = """video => new Promise(done => video.readyState >= 1 ? done(video.duration)
    : video.addEventListener('loadedmetadata', () => done(video.duration)))"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_build_app_builds_the_page_without_a_browser(tmp_path: Path) -> None:
    app = studio.build_app(RunOptions.build(**FAST), tmp_path / "studio")
    assert isinstance(app, gradio.Blocks)
    ids = {getattr(block, "elem_id", None) for block in app.blocks.values()}
    assert {"run-dir", "chat", "say", "shots", "film", "progress", "film-video", "contact-sheet", "report"} <= ids
    assert not (tmp_path / "studio").exists()  # each tab makes its run directory when it opens, not the build


def test_table_edits_become_the_chats_operations(tmp_path: Path) -> None:
    session = ChatSession.start(tmp_path / "chat", ChatRecord(options=RunOptions.build(**FAST)))
    session.handle(STORY)
    assert session.storyboard is not None
    rows = studio.table_rows(session.storyboard)
    assert [row[0] for row in rows] == [shot.id for shot in session.storyboard.shots]
    shot = session.storyboard.shots[1]
    assert studio.table_ops(rows[1], shot) == []
    edited = [shot.id, "close-up", "low", rows[1][3], "2", rows[1][5], 'dog: "Woof!" / narrator: The end.']
    assert studio.table_ops(edited, shot) == [
        ("edit_shot", {"shot": shot.id, "size": "close-up", "angle": "low", "duration": "2"}),
        ("say_line", {"shot": shot.id, "speaker": "dog", "text": "Woof!"}),
        ("narrate_line", {"shot": shot.id, "text": "The end."}),
    ]
    for name, arguments in studio.table_ops(edited, shot):
        session.run(name, arguments)
    assert studio.table_rows(session.storyboard)[1] == [
        *edited[:4],
        2.0,
        edited[5],
        'dog: "Woof!" / narrator: "The end."',
    ]
    cleared = studio.table_ops([*edited[:6], ""], session.storyboard.shots[1])
    assert cleared == [("clear_lines", {"shot": shot.id})]


def _turn(outputs: Iterator[tuple[Any, ...]]) -> list[list[dict[str, Any]]]:
    """The chat as each yield of a turn showed it."""
    return [json.loads(json.dumps(output[1])) for output in outputs]


def test_the_offline_chat_shows_each_operation_and_what_it_did(tmp_path: Path) -> None:
    shop = studio.Studio.from_options(RunOptions.build(**FAST), tmp_path / "studio")
    tab, where, chat, _ = shop.open_tab()
    assert "chat: offline" in where and tab.session.root.parent == tmp_path / "studio"
    chat = _turn(shop.say(tab, STORY, chat))[-1]
    assert chat[-1]["content"].startswith("```text\nplanned ")  # the shot table, kept in columns
    chat = _turn(shop.say(tab, "make shot 2 a close-up", chat))[-1]
    box, said = chat[-2:]
    assert box["metadata"]["title"].startswith("applied edit_shot") and "close-up" in box["content"]
    assert said["content"].startswith("understood: ")  # the line saying how the words were read, the result boxed
    chat = _turn(shop.say(tab, "/edit 9 size=wide", chat))[-1]
    assert chat[-1]["content"] == "error: there is no shot '9': use a number from 1 to 2 or a shot id"
    assert chat[-1]["metadata"]["title"] == "applied edit_shot size=wide shot=9"
    assert tab.session.storyboard is not None and tab.session.storyboard.shots[1].size.value == "close-up"


def test_the_llm_chat_streams_its_words_and_shows_each_tool_call(tmp_path: Path) -> None:
    replies = [
        Reply(content="Let me plan that.", tool_calls=[("plan_story", {"story": "Rex chases a ball."})]),
        Reply(content=json.dumps(GOOD)),  # the planner's structured output
        Reply(
            content="Planned two shots, shot 1 a close-up.",
            tool_calls=[("edit_shot", {"shot": "1", "size": "close-up"})],
        ),
        Reply(content="Done: shot 1 is a close-up."),
    ]
    with FakeOpenAI(replies) as server:
        options = RunOptions.build(**(FAST | {"planner": "llm", "llm_base_url": server.url}))
        shop = studio.Studio.from_options(options, tmp_path / "studio")
        tab, where, _, _ = shop.open_tab()
        assert "chat: LLM" in where
        shown = _turn(shop.say(tab, "Rex chases a ball, in close-up.", []))
    final = shown[-1]
    assert final[0] == {"role": "user", "content": "Rex chases a ball, in close-up."}
    boxes = [m for m in final if m.get("metadata")]
    assert [box["metadata"]["title"] for box in boxes] == [
        "applied plan_story story=Rex chases a ball.",
        "applied edit_shot shot=1 size=close-up",
    ]
    assert all(box["metadata"]["status"] == "done" for box in boxes)
    assert "planned 'Rex and the ball': 2 shots" in boxes[0]["content"]
    words = [m["content"] for m in final if m["role"] == "assistant" and not m.get("metadata")]
    assert words == ["Let me plan that.", "Planned two shots, shot 1 a close-up.", "Done: shot 1 is a close-up."]
    partial = {m["content"] for chat in shown for m in chat if m["role"] == "assistant" and not m.get("metadata")}
    assert len(partial) > len(words)  # the words reached the page in pieces, as they streamed in
    assert tab.session.storyboard is not None and tab.session.storyboard.shots[0].size.value == "close-up"


def test_ui_off_loopback_needs_a_password(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("STORYREEL_UI_PASSWORD", raising=False)
    assert main(["ui", "--host", "0.0.0.0"]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "--password" in error and "STORYREEL_UI_PASSWORD" in error


def test_ui_without_gradio_names_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "gradio", None)  # import gradio fails as if it were not installed
    assert main(["ui", "--out-root", str(tmp_path)]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and 'pip install "storyreel[ui]"' in error


def test_the_command_line_does_not_import_gradio() -> None:
    code = "import sys, storyreel.cli as c; c._parser(); print('gradio' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout == "False\n"


def test_a_password_guards_the_page(tmp_path: Path) -> None:
    port = _free_port()
    app = studio.launch(RunOptions.build(**FAST), tmp_path, port=port, password="s3cret", block=False)
    try:
        url = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=url, trust_env=False) as client:
            assert client.get("/config").status_code == 401
            wrong = client.post("/login", data={"username": "me", "password": "nope"})
            assert wrong.status_code == 400
            right = client.post("/login", data={"username": "anyone", "password": "s3cret"})
            assert right.status_code == 200
            assert client.get("/config").status_code == 200
    finally:
        app.close()


# --- in a real browser -------------------------------------------------------------------------------------------

needs_chromium = pytest.mark.skipif(
    shutil.which(CHROMIUM) is None, reason=f"{CHROMIUM} is missing: apt-get install chromium (.ci/run does)"
)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Any]]:
    """The studio on a free loopback port, and a headless Chromium."""
    playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (the dev extra has it)")
    port = _free_port()
    app = studio.launch(RunOptions.build(**FAST), tmp_path_factory.mktemp("studio"), port=port, block=False)
    with playwright.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            yield f"http://127.0.0.1:{port}/", browser
        finally:
            browser.close()
            app.close()


def _open(browser: Any, url: str) -> tuple[Any, Path, list[str]]:
    """A new tab (its own browser context) on the studio: the page, its run directory, and its page errors."""
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url)
    page.wait_for_function("document.querySelector('#run-dir code')?.textContent.length > 0")
    return page, Path(page.inner_text("#run-dir code")), errors


def _tell(page: Any, text: str) -> None:
    page.fill("#say textarea", text)
    page.press("#say textarea", "Enter")


def _wait_in_chat(page: Any, text: str, timeout_s: float = 120) -> None:
    page.wait_for_function(
        "text => document.querySelector('#chat').innerText.includes(text)", arg=text, timeout=timeout_s * 1000
    )


def _table(page: Any) -> list[list[str]]:
    rows = page.eval_on_selector_all(
        "#shots [role=row][data-index]",
        "rows => rows.map(row => [...row.querySelectorAll('[role=gridcell]')].map(cell => cell.innerText.trim()))",
    )
    return [list(row) for row in rows]


@pytest.mark.slow
@needs_chromium
def test_a_story_is_filmed_edited_in_the_table_and_refilmed(served: tuple[str, Any]) -> None:
    url, browser = served
    page, run, errors = _open(browser, url)
    _tell(page, STORY)
    page.wait_for_selector('#shots [data-testid="cell-1-0"]')
    storyboard = ChatSession.resume(run).storyboard
    assert storyboard is not None and len(storyboard.shots) == 2
    assert [row[:5] for row in _table(page)] == [
        [s.id, s.size.value, s.angle.value, s.move.value, str(round(s.duration, 2))] for s in storyboard.shots
    ]

    page.click("#film")
    _wait_in_chat(page, "rendered 2 shots, reused 0")
    video = page.wait_for_selector("#film-video video", state="attached")
    assert video.evaluate(LOADED_DURATION) > 0
    first_src = video.get_attribute("src")
    assert "reused" not in page.inner_text("#progress")
    report = page.get_attribute("#report a", "href")
    assert report.endswith("report.html") and page.request.get(urljoin(url, report)).ok
    clips = {shot.id: run / clip_name(shot) for shot in storyboard.shots}
    filmed = {shot: clip.stat().st_mtime_ns for shot, clip in clips.items()}

    page.locator('#shots [data-testid="cell-1-1"]').dblclick()
    page.keyboard.press("Control+A")
    page.keyboard.type("close-up")
    page.keyboard.press("Enter")
    _wait_in_chat(page, "applied edit_shot shot=shot_02 size=close-up")
    edited = ChatSession.resume(run).storyboard
    assert edited is not None and edited.shots[1].size.value == "close-up"

    page.click("#film")
    _wait_in_chat(page, "rendered 1 shot, reused 1")
    assert [line.split() for line in page.inner_text("#progress").splitlines()[1:] if line.strip()] == [
        ["shot_01", "reused"],
        ["shot_02", "filmed"],
    ]
    assert {shot: clip.stat().st_mtime_ns == filmed[shot] for shot, clip in clips.items()} == {
        "shot_01": True,
        "shot_02": False,
    }
    page.wait_for_function("src => document.querySelector('#film-video video').src !== src", arg=first_src)
    assert page.eval_on_selector("#film-video video", LOADED_DURATION) > 0
    assert not errors


@pytest.mark.slow
@needs_chromium
def test_each_tab_has_its_own_chat_and_run_directory(served: tuple[str, Any]) -> None:
    url, browser = served
    (first, first_run, _), (second, second_run, _) = _open(browser, url), _open(browser, url)
    assert first_run != second_run and first_run.parent == second_run.parent
    _tell(first, "A cat sleeps in the room.")
    _tell(second, "A robot walks on the moon. The robot jumps.")
    for page in (first, second):
        page.wait_for_selector('#shots [data-testid="cell-0-0"]')
    assert "cat" in first.inner_text("#shots") and "robot" not in first.inner_text("#shots")
    assert "robot" in second.inner_text("#shots") and "cat" not in second.inner_text("#shots")
    told = {
        run: [t.text for t in ChatSession.resume(run).history if t.role == "user"] for run in (first_run, second_run)
    }
    assert told == {
        first_run: ["A cat sleeps in the room."],
        second_run: ["A robot walks on the moon. The robot jumps."],
    }
