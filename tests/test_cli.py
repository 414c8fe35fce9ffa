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
        (["--resolution", "13x7"], "--resolution 13x7 is not a size we can encode: use even sides"),
        (["--fps", "2.5"], "--fps '2.5' is not a whole number: use 1 to 120"),
        (["--style", "sepia"], "--style 'sepia' is not a choice: use flat, toon, clay, watercolor, oil or neon"),
        (["--camera", "drone"], "--camera 'drone' is not a choice"),
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


def test_version():
    result = storyreel("--version")
    assert result.returncode == 0 and result.stdout.startswith("storyreel 0.")


TINY = ["--resolution", "96x54", "--fps", "4", "--retries", "0"]
#: Runs the CLI as if the llm extra were not installed (its modules cannot be imported).
WITHOUT_LLM_EXTRA = (
    "import sys; sys.modules['openai'] = sys.modules['langchain_openai'] = None; "
    "from storyreel.cli import main; sys.exit(main(sys.argv[1:]))"
)


def without_llm_extra(*args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "OPENAI_API_KEY": "sk-test"}
    return subprocess.run(
        [sys.executable, "-c", WITHOUT_LLM_EXTRA, *args], capture_output=True, text=True, env=env, timeout=300
    )


@pytest.mark.slow
def test_an_llm_configured_without_the_extra_plans_offline_after_one_warning(tmp_path: Path):
    auto = without_llm_extra("make", "A dog runs.", "--out", str(tmp_path / "a"), "-q", *TINY, tmp_path=tmp_path)
    assert auto.returncode == 0, auto.stderr
    assert "Traceback" not in auto.stderr
    warnings = [line for line in auto.stderr.splitlines() if "warning" in line]
    assert len(warnings) == 1 and "pip install 'storyreel[llm]'" in warnings[0], auto.stderr

    rules = without_llm_extra(
        "make", "A dog runs.", "--out", str(tmp_path / "b"), "-q", "--planner", "rules", *TINY, tmp_path=tmp_path
    )
    assert rules.returncode == 0 and "Traceback" not in rules.stderr and "warning" not in rules.stderr, rules.stderr

    required = without_llm_extra("make", "A dog runs.", "--planner", "llm", "-q", tmp_path=tmp_path)
    assert_one_line_error(required, "--planner llm needs the llm extra", "storyreel[llm]")


@pytest.mark.slow
def test_progress_in_a_log_is_plain_lines(tmp_path: Path):
    result = storyreel("make", "A dog runs. The dog sits.", "--out", str(tmp_path / "run"), *TINY)
    assert result.returncode == 0, result.stderr
    assert "\r" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("shots:")]
    assert [line.split(":")[1] for line in lines] == [" 1/2 shots (shot_01", " 2/2 shots (shot_02"], result.stderr
    assert all(line.endswith(("passed)", "failed)", "exhausted)")) for line in lines), lines
    stages = [line for line in result.stderr.splitlines() if not line.startswith("shots:")][:5]
    assert stages == ["planning the story", "shot_01: filming", "shot_02: filming", "assembling the film", "done"]


def test_plan_prints_the_storyboard_without_filming(tmp_path: Path):
    from storyreel.schema import Storyboard

    printed = storyreel("plan", "A hedgehog surfing at sunset", "--planner", "rules", cwd=tmp_path)
    assert printed.returncode == 0, printed.stderr
    storyboard = Storyboard.model_validate_json(printed.stdout)
    assert storyboard.shots and storyboard.title.startswith("A hedgehog")
    assert not list(tmp_path.iterdir()), "plan renders nothing and writes nothing unless --out"

    table = storyreel("plan", "A dog chases a red ball in the park.", "--format", "table", "--planner", "rules")
    assert table.returncode == 0 and "shot_01" in table.stdout and "cast: dog (dog)" in table.stdout, table.stdout

    out = tmp_path / "plans" / "plan.json"
    written = storyreel("plan", "-", "--out", str(out), "--planner", "rules", stdin="A cat sleeps on a sofa.")
    assert written.returncode == 0 and str(out) in written.stdout
    assert Storyboard.model_validate_json(out.read_text()).cast[0].kind == "cat"
    assert_one_line_error(storyreel("plan", "Le chat dort sur le canapé rouge du salon."), "english")


def test_help_lists_the_choices_of_every_enum_option():
    result = storyreel("make", "--help")
    assert "--style {flat,toon,clay,watercolor,oil,neon}" in result.stdout
    assert "--camera {rl,baseline}" in result.stdout and "--renderer {raster,diffusion}" in result.stdout
