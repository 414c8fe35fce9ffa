"""Many films from one command (``storyreel batch``): one per story and variant, each in its own run directory.

Read top-down: the stories (a file's lines, or a folder's ``*.txt`` files), the variants (aspect ratios and seeds),
the plan of films (their cross product), making them one after another, and the summary of what passed. Each film
is an ordinary run, so it resumes from its run store; the pipeline is imported on first use, as in the CLI.
"""

from __future__ import annotations

import csv
import io
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from storyreel.atomic import write_model, write_text
from storyreel.errors import UserError
from storyreel.progress import progress_bar
from storyreel.schema import Resolution, RunOptions

#: The size a batch films at unless told otherwise: small, since it makes many films.
BATCH_RESOLUTION = Resolution(width=640, height=360)
#: How many of a story line's first words name its run directory.
SLUG_WORDS = 6

# ---------------------------------------------------------------------------------------------------- stories


@dataclass(frozen=True)
class Story:
    """One story of a batch: what the summary calls it, its text, and the slug its directory is named by."""

    label: str
    text: str
    slug: str


def read_stories(source: Path) -> list[Story]:
    """The stories of ``source``: each ``*.txt`` file of a folder (sorted by name) is one story; in a file, each
    non-empty line that is not a ``#`` comment is one."""
    if source.is_dir():
        stories = [
            Story(path.name, read_story_file(path).strip(), _slug(path.stem)) for path in sorted(source.glob("*.txt"))
        ]
        if not stories:
            raise UserError(f"folder {source} holds no *.txt files: put each story in a .txt file there")
        return stories
    lines = [line.strip() for line in read_story_file(source).splitlines()]
    stories = [
        Story(_short(line), line, _slug(" ".join(line.split()[:SLUG_WORDS])))
        for line in lines
        if line and not line.startswith("#")
    ]
    if not stories:
        raise UserError(f"story file {source} holds no stories: write one story per line")
    return stories


def read_story_file(path: Path) -> str:
    """The UTF-8 text of a story file; a missing or unreadable one is a one-line :class:`UserError`."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError as error:
        raise UserError(f"story file {path} does not exist: check the path") from error
    except UnicodeDecodeError as error:
        raise UserError(f"story file {path} is not UTF-8 text: save it as UTF-8") from error
    except OSError as error:
        raise UserError(f"cannot read story file {path}: {error.strerror or error}") from error


def _slug(text: str) -> str:
    words = re.findall(r"[a-z0-9]+", text.lower())
    return "-".join(words)[:40].strip("-") or "story"


def _short(text: str, width: int = 32) -> str:
    """``text`` cut to ``width`` characters, an ellipsis marking the cut."""
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


# ---------------------------------------------------------------------------------------------------- variants


@dataclass(frozen=True)
class Aspect:
    """An aspect ratio, ``width:height``."""

    width: int
    height: int

    def __str__(self) -> str:
        return f"{self.width}:{self.height}"

    @property
    def name(self) -> str:
        """The aspect as a directory name: ``16x9``."""
        return f"{self.width}x{self.height}"

    def resolution(self, base: Resolution) -> Resolution:
        """The frame of this aspect that keeps ``base``'s short side, sides rounded to even numbers."""
        scale = min(base.width, base.height) / min(self.width, self.height)
        width, height = _even(self.width * scale), _even(self.height * scale)
        try:
            return Resolution(width=width, height=height)
        except ValidationError as error:
            raise UserError(
                f"aspect {self} at --resolution {base} gives {width}x{height}, which cannot be encoded: use a "
                "squarer aspect or a smaller --resolution (sides 16 to 7680 wide, 16 to 4320 high)"
            ) from error


def _even(length: float) -> int:
    return 2 * int(length / 2 + 0.5)


@dataclass(frozen=True)
class Variants:
    """What ``--variants`` asks for: aspect ratios and seeds, in order, each once; none of either means the
    run's own ``--resolution`` or ``--seed``."""

    aspects: tuple[Aspect, ...] = ()
    seeds: tuple[int, ...] = ()


_ASPECT = re.compile(r"(\d+):(\d+)")
_SEEDS = re.compile(r"seed=(\d+)(?:-(\d+))?")
_VARIANTS_EXAMPLE = "e.g. --variants 16:9,9:16,1:1,seed=0-2"


def parse_variants(spec: str) -> Variants:
    """Parse ``--variants``: comma-separated aspects ``W:H`` and seeds ``seed=N`` or ``seed=N-M`` (inclusive). A bad
    item raises a one-line :class:`UserError` naming it and the fix."""
    aspects: list[Aspect] = []
    seeds: list[int] = []
    for item in (part.strip() for part in spec.split(",")):
        if aspect := _ASPECT.fullmatch(item):
            aspects.append(_aspect(item, int(aspect[1]), int(aspect[2])))
        elif seed := _SEEDS.fullmatch(item):
            seeds.extend(_seed_range(item, int(seed[1]), int(seed[2] or seed[1])))
        else:
            raise UserError(
                f"--variants item {item!r} is neither an aspect W:H nor seed=N or seed=N-M: {_VARIANTS_EXAMPLE}"
            )
    return Variants(tuple(dict.fromkeys(aspects)), tuple(dict.fromkeys(seeds)))


def _aspect(item: str, width: int, height: int) -> Aspect:
    if not width or not height:
        raise UserError(f"--variants aspect {item} has a zero side: use whole numbers from 1, {_VARIANTS_EXAMPLE}")
    return Aspect(width, height)


def _seed_range(item: str, first: int, last: int) -> range:
    highest = next(bound.le for bound in RunOptions.model_fields["seed"].metadata if hasattr(bound, "le"))
    if last > highest:
        raise UserError(f"--variants {item} is out of range: seeds go from 0 to {highest}")
    if first > last:
        raise UserError(f"--variants {item} runs backwards: write the lower seed first, seed={last}-{first}")
    return range(first, last + 1)


# ---------------------------------------------------------------------------------------------------- the films


@dataclass(frozen=True)
class Film:
    """One film of a batch: a story in one variant, with the options it is made with and its run directory."""

    story: Story
    variant: str
    options: RunOptions
    out: Path


def plan_films(stories: list[Story], variants: Variants, options: RunOptions, out: Path) -> list[Film]:
    """Every story in every aspect with every seed, in that order. Story number ``nn`` of slug ``s`` in variant
    ``16x9-seed0`` is made in ``out/nn-s/16x9-seed0``; without aspects a variant is named by the run's resolution."""
    sizes = [(aspect.name, aspect.resolution(options.resolution)) for aspect in variants.aspects]
    sizes = sizes or [(str(options.resolution), options.resolution)]
    digits = max(2, len(str(len(stories))))
    films = []
    for number, story in enumerate(stories, start=1):
        folder = out / f"{number:0{digits}d}-{story.slug}"
        for size, resolution in sizes:
            for seed in variants.seeds or (options.seed,):
                variant = f"{size}-seed{seed}"
                film_options = options.model_copy(update={"resolution": resolution, "seed": seed})
                films.append(Film(story, variant, film_options, folder / variant))
    return films


# ---------------------------------------------------------------------------------------------------- making them


class FilmResult(BaseModel):
    """How one film of a batch went: ``passed`` (every check passed), ``checks failed`` (made, with failed checks
    reported in its report) or ``error`` (not made: ``error`` says why)."""

    model_config = ConfigDict(extra="forbid")

    story: str
    variant: str
    resolution: str
    seed: int
    status: Literal["passed", "checks failed", "error"]
    shots_passed: int = 0
    shots: int = 0
    duration_s: float = 0.0
    seconds: float
    reused: bool = False
    run_dir: str
    error: str = ""


class BatchSummary(BaseModel):
    """What a batch made, film by film (``batch.json``)."""

    model_config = ConfigDict(extra="forbid")

    stories: str
    variants: str
    films: list[FilmResult]

    @property
    def errors(self) -> list[FilmResult]:
        return [film for film in self.films if film.status == "error"]


def make_films(
    films: list[Film], out: Path, *, stories: str, variants: str, force: bool = False, progress: bool = True
) -> BatchSummary:
    """Make each film in turn; the summary is rewritten in ``out`` after each one, so a stopped batch leaves what
    it made. A film that cannot be made (a bad story, a directory holding another run) is an error in the summary
    and the batch goes on."""
    summary = BatchSummary(stories=stories, variants=variants, films=[])
    bar = progress_bar(len(films), "films", "film", enabled=progress)
    try:
        for film in films:
            name = f"{film.out.parent.name}/{film.variant}"
            bar.set_postfix_str(name)
            result = make_film(film, force=force, progress=progress)
            summary.films.append(result)
            write_summary(summary, out)
            bar.set_postfix_str(f"{name} {result.status}")
            bar.update()
    finally:
        bar.close()
    return summary


def make_film(film: Film, *, force: bool = False, progress: bool = True) -> FilmResult:
    """Make one film (or resume it) and say how it went."""
    from storyreel.agent.pipeline import make_video
    from storyreel.planners.rules import StoryError

    started = time.monotonic()
    made = {
        "story": film.story.label,
        "variant": film.variant,
        "resolution": str(film.options.resolution),
        "seed": film.options.seed,
        "run_dir": str(film.out),
    }
    try:
        report = make_video(
            film.story.text, film.out, force=force, progress=progress, **film.options.model_dump(exclude_defaults=True)
        )
    except (UserError, StoryError) as error:
        seconds = round(time.monotonic() - started, 2)
        return FilmResult(**made, status="error", seconds=seconds, error=str(error).splitlines()[0])
    return FilmResult(
        **made,
        status="passed" if report.passed else "checks failed",
        shots_passed=sum(shot.passed for shot in report.shots),
        shots=len(report.shots),
        duration_s=round(report.duration_s, 2),
        seconds=round(time.monotonic() - started, 2),
        reused=all(shot.reused for shot in report.shots),
    )


# ---------------------------------------------------------------------------------------------------- the summary


def write_summary(summary: BatchSummary, out: Path) -> None:
    """Write ``batch.json`` and ``batch.csv`` (a row per film, for a spreadsheet) into ``out``, atomically."""
    write_model(out / "batch.json", summary)
    rows = io.StringIO()
    writer = csv.DictWriter(rows, fieldnames=list(FilmResult.model_fields), lineterminator="\n")
    writer.writeheader()
    writer.writerows(film.model_dump() for film in summary.films)
    write_text(out / "batch.csv", rows.getvalue())


def summary_table(summary: BatchSummary) -> str:
    """The films as a plain table aligned in columns, then why each film that errored could not be made."""
    rows = [["story", "variant", "size", "seed", "shots ok", "length", "took", "status", "run directory"]]
    for film in summary.films:
        made = film.status != "error"
        rows.append(
            [
                film.story,
                film.variant,
                film.resolution,
                str(film.seed),
                f"{film.shots_passed}/{film.shots}" if made else "-",
                f"{film.duration_s:.1f} s" if made else "-",
                f"{film.seconds:.1f} s",
                film.status + (" (reused)" if film.reused else ""),
                film.run_dir,
            ]
        )
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows]
    lines += [f"{film.story} ({film.variant}): {film.error}" for film in summary.errors]
    return "\n".join(lines)
