"""``storyreel batch``: the stories it reads, the variants it parses, the films it plans, and a real batch made and
made again from its run stores."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storyreel.batch import Aspect, Variants, parse_variants, plan_films, read_stories
from storyreel.cli import main
from storyreel.errors import UserError
from storyreel.schema import Resolution, RunOptions

TINY = ["--resolution", "160x90", "--fps", "6", "--retries", "0", "--no-credentials"]


def test_variants_are_aspects_and_seeds_each_once_in_order() -> None:
    variants = parse_variants("16:9, 9:16,1:1,seed=3,seed=0-2,16:9,seed=2")
    assert variants.aspects == (Aspect(16, 9), Aspect(9, 16), Aspect(1, 1))
    assert variants.seeds == (3, 0, 1, 2)
    assert parse_variants("seed=7") == Variants(seeds=(7,))
    assert parse_variants("4:3") == Variants(aspects=(Aspect(4, 3),))


@pytest.mark.parametrize(
    ("spec", "fragment"),
    [
        ("16x9", "'16x9' is neither an aspect W:H nor seed=N"),
        ("portrait", "'portrait' is neither"),
        ("16:9,,9:16", "'' is neither"),
        ("seed=", "'seed=' is neither"),
        ("seed=-1", "'seed=-1' is neither"),
        ("16:0", "16:0 has a zero side"),
        ("seed=5-2", "write the lower seed first, seed=2-5"),
        ("seed=0-3000000000", "seeds go from 0 to 2147483647"),
    ],
)
def test_a_bad_variant_item_is_one_line_naming_it_and_the_fix(spec: str, fragment: str) -> None:
    with pytest.raises(UserError, match="--variants") as raised:
        parse_variants(spec)
    message = str(raised.value)
    assert fragment in message and "\n" not in message
    assert "e.g. --variants" in message or "seed" in message


@pytest.mark.parametrize(
    ("aspect", "base", "expected"),
    [
        (Aspect(16, 9), "640x360", "640x360"),
        (Aspect(9, 16), "640x360", "360x640"),
        (Aspect(1, 1), "640x360", "360x360"),
        (Aspect(16, 9), "360x640", "640x360"),  # a portrait --resolution: its short side is its width
        (Aspect(9, 16), "160x90", "90x160"),
        (Aspect(4, 3), "160x90", "120x90"),
        (Aspect(3, 2), "160x90", "136x90"),  # 135 rounded to even
        (Aspect(21, 9), "1280x720", "1680x720"),
    ],
)
def test_an_aspect_keeps_the_short_side_with_even_sides(aspect: Aspect, base: str, expected: str) -> None:
    assert str(aspect.resolution(Resolution.parse(base))) == expected


def test_an_aspect_too_long_to_encode_is_refused() -> None:
    with pytest.raises(UserError, match="aspect 100:1 at --resolution 640x360 gives 36000x360"):
        Aspect(100, 1).resolution(Resolution.parse("640x360"))


def test_a_story_file_has_a_story_per_line_without_comments_or_blank_lines(tmp_path: Path) -> None:
    source = tmp_path / "stories.txt"
    source.write_text("# my stories\n\nA red dog runs across the big green park today.\n   \n  A cat sleeps.  \n#x\n")
    stories = read_stories(source)
    assert [story.text for story in stories] == ["A red dog runs across the big green park today.", "A cat sleeps."]
    assert [story.slug for story in stories] == ["a-red-dog-runs-across-the", "a-cat-sleeps"]
    assert stories[0].label == "A red dog runs across the big g…"


def test_a_story_folder_has_a_story_per_txt_file_sorted_by_name(tmp_path: Path) -> None:
    (tmp_path / "b_moon.txt").write_text("A robot walks on the moon.\nIt waves.\n")
    (tmp_path / "a_Dog Park.txt").write_text("A dog runs.")
    (tmp_path / "notes.md").write_text("not a story")
    stories = read_stories(tmp_path)
    assert [(story.label, story.slug) for story in stories] == [
        ("a_Dog Park.txt", "a-dog-park"),
        ("b_moon.txt", "b-moon"),
    ]
    assert stories[1].text == "A robot walks on the moon.\nIt waves."


def test_a_source_without_stories_is_one_clear_line(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("# only a comment\n\n")
    (tmp_path / "latin1.txt").write_bytes(b"caf\xe9")
    (tmp_path / "folder").mkdir()
    for name, fragment in [
        ("missing.txt", "does not exist: check the path"),
        ("empty.txt", "holds no stories: write one story per line"),
        ("folder", r"holds no \*.txt files"),
        ("latin1.txt", "is not UTF-8 text: save it as UTF-8"),
    ]:
        with pytest.raises(UserError, match=fragment):
            read_stories(tmp_path / name)


def test_the_films_are_stories_by_aspects_by_seeds(tmp_path: Path) -> None:
    source = tmp_path / "stories.txt"
    source.write_text("A dog runs.\nA cat sits.\n")
    options = RunOptions.build(resolution="640x360", seed=5, style="clay")
    films = plan_films(read_stories(source), parse_variants("16:9,9:16,seed=1-2"), options, tmp_path / "out")
    assert [(film.out.parent.name, film.variant) for film in films] == [
        ("01-a-dog-runs", "16x9-seed1"),
        ("01-a-dog-runs", "16x9-seed2"),
        ("01-a-dog-runs", "9x16-seed1"),
        ("01-a-dog-runs", "9x16-seed2"),
        ("02-a-cat-sits", "16x9-seed1"),
        ("02-a-cat-sits", "16x9-seed2"),
        ("02-a-cat-sits", "9x16-seed1"),
        ("02-a-cat-sits", "9x16-seed2"),
    ]
    assert [(str(film.options.resolution), film.options.seed) for film in films[:4]] == [
        ("640x360", 1),
        ("640x360", 2),
        ("360x640", 1),
        ("360x640", 2),
    ]
    assert all(film.options.style == options.style and film.out.parent.parent == tmp_path / "out" for film in films)
    plain = plan_films(read_stories(source), Variants(), options, tmp_path / "out")
    assert [(film.variant, str(film.options.resolution), film.options.seed) for film in plain] == [
        ("640x360-seed5", "640x360", 5),
        ("640x360-seed5", "640x360", 5),
    ]


def test_a_story_that_cannot_be_made_is_reported_and_the_batch_goes_on(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "stories.txt"
    source.write_text("Le chat dort sur le canapé rouge du salon.\nA cat sleeps.\n")
    assert main(["batch", str(source), "--out", str(tmp_path / "out"), "-q", *TINY]) == 1
    captured = capsys.readouterr()
    errors = [line for line in captured.err.splitlines() if line.strip()]
    assert len(errors) == 1 and errors[0].startswith("storyreel: error: 1 of 2 films not made:"), captured.err
    assert "01-le-chat-dort-sur-le-canap" in errors[0]
    films = json.loads((tmp_path / "out" / "batch.json").read_text())["films"]
    assert [film["status"] for film in films] == ["error", "passed"]
    assert "English" in films[0]["error"]
    assert (tmp_path / "out" / "02-a-cat-sleeps" / "160x90-seed0" / "final.mp4").is_file()
    assert "English" in captured.out  # the table says why


def test_a_bad_variant_stops_the_batch_before_any_film(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "stories.txt"
    source.write_text("A cat sleeps.\n")
    assert main(["batch", str(source), "--out", str(tmp_path / "out"), "--variants", "16:9,wide"]) == 2
    assert "'wide' is neither an aspect" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_a_batch_makes_every_story_in_every_aspect_and_resumes(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    from storyreel.tools.video import probe_video

    source = tmp_path / "stories.txt"
    source.write_text("# two short stories\nA red dog runs in the park.\n\nA small cat sits on a red chair.\n")
    out = tmp_path / "out"
    command = ["batch", str(source), "--variants", "16:9,9:16", "--out", str(out), "-q", *TINY]

    assert main(command) == 0
    table = capsys.readouterr().out
    summary = json.loads((out / "batch.json").read_text())
    assert summary["variants"] == "16:9,9:16"
    assert [(film["variant"], film["resolution"]) for film in summary["films"]] == [
        ("16x9-seed0", "160x90"),
        ("9x16-seed0", "90x160"),
    ] * 2
    assert all(film["status"] != "error" and not film["reused"] for film in summary["films"])
    for film in summary["films"]:
        video = probe_video(Path(film["run_dir"]) / "final.mp4")
        assert (video.width, video.height) == tuple(int(side) for side in film["resolution"].split("x"))
        assert (video.height > video.width) == film["variant"].startswith("9x16")
        assert film["run_dir"] in table and film["shots"] >= 1
    assert sorted(path.relative_to(out).as_posix() for path in out.glob("*/*/final.mp4")) == [
        "01-a-red-dog-runs-in-the/16x9-seed0/final.mp4",
        "01-a-red-dog-runs-in-the/9x16-seed0/final.mp4",
        "02-a-small-cat-sits-on-a/16x9-seed0/final.mp4",
        "02-a-small-cat-sits-on-a/9x16-seed0/final.mp4",
    ]
    assert len((out / "batch.csv").read_text().splitlines()) == 5

    clips = {path: path.stat().st_mtime_ns for path in out.glob("*/*/shots/*.mp4")}
    assert main(command) == 0
    again = json.loads((out / "batch.json").read_text())["films"]
    assert all(film["reused"] for film in again), again  # nothing planned or filmed anew
    assert [film["shots_passed"] for film in again] == [film["shots_passed"] for film in summary["films"]]
    assert {path: path.stat().st_mtime_ns for path in clips} == clips
    assert "(reused)" in capsys.readouterr().out
