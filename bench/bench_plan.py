"""The offline rule planner over a corpus of prompts: refusals, labelled boxes, nouns drawn by a kind, time.

Reads ``tests/data/prompts.txt`` (English, one prompt a line) and ``tests/data/prompts_not_english.txt``; plans
the non-English prompts and a story of its own first, so that every model is loaded, then plans and times each
English prompt once (nothing about it cached). Counts English prompts refused, non-English prompts let through,
prompts with any labelled box (``unknown_nouns`` not empty), the things drawn by a known kind (cast the prompt names
and props that are not boxes; not the person who stands in for nobody) against the boxes, and planning milliseconds
per prompt (mean and p95). The last line is one JSON object.

The "before" column is the rule planner as it was before its language front end (regular expressions and word
tables), measured once on this corpus on the same 2-core machine: :data:`BEFORE`.

    python bench/bench_plan.py
"""

from __future__ import annotations

import json
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path

from storyreel.planners.rules import StoryError, plan_story

#: The planner before its language front end, on this corpus (commit 973b86f).
BEFORE = {
    "refused": 2,
    "prompts_with_box": 164,
    "prompts_with_box_pct": 66.9,
    "drawn_by_kind": 219,
    "box_nouns": 221,
    "not_english_passed": 1,
    "ms_mean": 0.88,
    "ms_p95": 1.41,
}
DATA = Path(__file__).resolve().parents[1] / "tests" / "data"
#: Who stands in where a story names nobody ("he" alone is a man): not counted as drawn.
STAND_INS = frozenset({"person", "man", "woman"})
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
        named = [c for c in board.cast if c.name not in STAND_INS or c.name in prompt.lower()]
        figures.drawn += len(named) + sum(not prop.generic for prop in props)
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
    print(f"\n{english.prompts} English prompts, {len(foreign)} in other languages")
    print(f"{'figure':<24}{'before':>10}{'now':>10}")
    for key in BEFORE:
        print(f"{key:<24}{BEFORE[key]:>10}{summary[key]:>10}")
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
