"""The offline rule planner over a corpus of prompts: refusals, labelled boxes, nouns drawn by a kind, time.

Reads ``tests/data/prompts.txt`` (English, one prompt a line) and ``tests/data/prompts_not_english.txt``; plans
the non-English prompts and a story of its own first, so that every model is loaded, then plans and times each
English prompt once (nothing about it cached). Counts English prompts refused, non-English
prompts let through, prompts with any labelled box (``unknown_nouns`` not empty), the things drawn by a known kind
(cast and props that are not boxes) against the boxes, and planning milliseconds per prompt (mean and p95). The last
line is one JSON object.

Before the language front end (the regular-expression planner with its word tables, measured once on this corpus,
on the same 2-core machine):

    english prompts        245
    refused                  2
    boxes (prompts)        164  (66.9 %)
    drawn by a kind        233
    boxes (nouns)          221
    non-English passed       1 of 14
    ms per prompt          1.5 mean, 5.3 p95

    python bench/bench_plan.py
"""

from __future__ import annotations

import json
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path

from storyreel.planners.rules import StoryError, plan_story

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"
WARM_UP = "A koala naps in a hammock while a tourist takes a photo."


@dataclass
class Figures:
    """What planning the corpus gave."""

    prompts: int = 0
    refused: list[str] = field(default_factory=list)
    boxed: list[str] = field(default_factory=list)
    drawn: int = 0
    boxes: int = 0
    milliseconds: list[float] = field(default_factory=list)


def lines(name: str) -> list[str]:
    return [line.strip() for line in (DATA / name).read_text().splitlines() if line.strip()]


def measure(prompts: list[str]) -> Figures:
    """Plan and time every prompt once, the models loaded beforehand (a story of its own warms them up)."""
    plan_story(WARM_UP)
    figures = Figures(prompts=len(prompts))
    for prompt in prompts:
        start = time.perf_counter()
        try:
            board = plan_story(prompt)
        except StoryError:
            figures.refused.append(prompt)
            continue
        finally:
            figures.milliseconds.append(1000 * (time.perf_counter() - start))
        props = [prop for location in board.locations for prop in location.props]
        figures.drawn += len(board.cast) + sum(not prop.generic for prop in props)
        figures.boxes += len(board.unknown_nouns)
        if board.unknown_nouns:
            figures.boxed.append(f"{prompt}  ->  {', '.join(board.unknown_nouns)}")
    return figures


def passed(prompts: list[str]) -> list[str]:
    """The prompts the planner does not refuse."""
    kept = []
    for prompt in prompts:
        try:
            plan_story(prompt)
        except StoryError:
            continue
        kept.append(prompt)
    return kept


def main() -> None:
    foreign = lines("prompts_not_english.txt")
    let_through = passed(foreign)
    english = measure(lines("prompts.txt"))
    ms = sorted(english.milliseconds)
    mean = statistics.fmean(ms)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    share = 100 * len(english.boxed) / english.prompts
    for prompt in english.refused:
        print(f"refused: {prompt}")
    for line in english.boxed:
        print(f"box:     {line}")
    for prompt in let_through:
        print(f"passed:  {prompt}")
    print(f"\n{'figure':<22}{'value':>10}")
    print(f"{'english prompts':<22}{english.prompts:>10}")
    print(f"{'refused':<22}{len(english.refused):>10}")
    print(f"{'boxes (prompts)':<22}{len(english.boxed):>10}  ({share:.1f} %)")
    print(f"{'drawn by a kind':<22}{english.drawn:>10}")
    print(f"{'boxes (nouns)':<22}{english.boxes:>10}")
    print(f"{'non-English passed':<22}{len(let_through):>10} of {len(foreign)}")
    print(f"{'ms per prompt':<22}{mean:>10.1f} mean, {p95:.1f} p95")
    summary = {
        "prompts": english.prompts,
        "refused": len(english.refused),
        "prompts_with_box": len(english.boxed),
        "prompts_with_box_pct": round(share, 1),
        "drawn_by_kind": english.drawn,
        "box_nouns": english.boxes,
        "not_english_passed": len(let_through),
        "not_english": len(foreign),
        "ms_mean": round(mean, 2),
        "ms_p95": round(p95, 2),
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
