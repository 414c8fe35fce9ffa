"""The command line as a user meets it: help, and one clear line for every bad input."""

import subprocess
import sys
from pathlib import Path

import pytest


def storyreel(*args: str, stdin: str | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "storyreel.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
    )


def assert_one_line_error(result: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert result.returncode == 2, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("storyreel: error:")
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment.lower() in lines[0].lower(), lines[0]


def test_help_explains_make():
    result = storyreel("make", "--help")
    assert result.returncode == 0
    for option in ("--out", "--fps", "--resolution", "--style", "--seed", "--file"):
        assert option in result.stdout


@pytest.mark.parametrize(
    ("story", "fragment"),
    [
        ("", "empty"),
        ("   \n\t ", "empty"),
        ("?!... ,,, 123 !!!", "no words"),
        ("x" * 10 + " dog. " * 10_000, "characters"),
        ("犬が公園でボールを追いかけます。猫は木の上で寝ています。", "english"),
        ("Der Hund läuft schnell über die Wiese und springt über den Ball.", "english"),
    ],
    ids=["empty", "whitespace", "punctuation", "50k-chars", "japanese", "german"],
)
def test_bad_stories_get_one_clear_line(tmp_path: Path, story: str, fragment: str):
    out = tmp_path / "run"
    result = storyreel("make", "-", "--out", str(out), "-q", stdin=story)
    assert_one_line_error(result, fragment)
    assert not out.exists(), "a story that cannot be planned leaves no run directory behind"


def test_unwritable_output_directory(tmp_path: Path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = storyreel("make", "A dog runs.", "--out", str(blocker / "run"), "-q")
    assert_one_line_error(result, "--out")


def test_existing_run_of_another_story_is_refused(tmp_path: Path):
    out = tmp_path / "run"
    first = storyreel("make", "A dog runs.", "--out", str(out), "--resolution", "96x54", "--fps", "8", "-q")
    assert first.returncode == 0, first.stderr
    result = storyreel("make", "A cat sits.", "--out", str(out), "--resolution", "96x54", "--fps", "8", "-q")
    assert_one_line_error(result, "--force")


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--resolution", "huge"], "WIDTHxHEIGHT"),
        (["--resolution", "641x360"], "even"),
        (["--fps", "0"], "fps"),
        (["--file", "/no/such/story.txt"], "does not exist"),
        (["--assets", "/no/such/folder"], "asset folder"),
        (["--retries", "-1"], "--retries -1 is out of range"),
        (["--run-budget", "-2"], "--run-budget -2 is negative"),
        (["--reviser", "llm"], "--reviser llm needs an LLM"),
        (["--model", "x/y"], "--renderer diffusion"),
    ],
)
def test_bad_options_get_one_clear_line(tmp_path: Path, args: list[str], fragment: str):
    story = [] if "--file" in args else ["A dog runs."]
    result = storyreel("make", *story, "--out", str(tmp_path / "run"), "-q", *args)
    assert_one_line_error(result, fragment)


def test_story_from_file_and_stdin_make_the_same_storyboard(tmp_path: Path):
    story = tmp_path / "story.txt"
    story.write_text("A blue bird flies over the beach.")
    common = ["--resolution", "96x54", "--fps", "8", "-q"]
    from_file = storyreel("make", "--file", str(story), "--out", str(tmp_path / "a"), *common)
    from_stdin = storyreel("make", "-", "--out", str(tmp_path / "b"), *common, stdin=story.read_text())
    assert from_file.returncode == from_stdin.returncode == 0, from_file.stderr + from_stdin.stderr
    assert (tmp_path / "a" / "storyboard.json").read_text() == (tmp_path / "b" / "storyboard.json").read_text()
