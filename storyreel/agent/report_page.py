"""``report.html``: a run's report as one static page a person reads in a browser, on a desktop or a phone.

The page is self-contained: inline CSS, plots as inline SVG, no JavaScript and nothing fetched from the network.
Thumbnails, clips and the film are linked relative to the run directory, so the page works wherever the run
directory is copied. Sections, top-down: the verdict and the run's facts, the film, the film-wide checks, then per
shot its checks (score, threshold, PASS/FAIL, detail, suggestion, a per-frame plot) and its revision history, then
the warnings and the timings. Every string from the report is escaped: story text can hold anything.
"""

from __future__ import annotations

import math
from html import escape
from pathlib import Path
from urllib.parse import quote

from storyreel.atomic import write_text
from storyreel.schema import (
    Attempt,
    CheckResult,
    Drawn,
    RunReport,
    Seen,
    ShotDirection,
    ShotOutcome,
    ShotReport,
    SpokenLine,
    Voice,
)

PAGE = "report.html"

# Plot geometry, in SVG user units (shown at about these many CSS pixels, smaller on a phone). The margins hold the
# value labels on the left and the two rows of frame / seconds labels below.
PLOT_WIDTH, PLOT_HEIGHT = 320, 120
PLOT_LEFT, PLOT_RIGHT, PLOT_TOP, PLOT_BOTTOM = 44, 8, 8, 30
PLOT_PAD = 0.05  # share of the value range left free above and below the data, so a line on the edge stays visible
FLAT_RANGE = 1.0  # value range drawn when every value (and the threshold) is the same number

STYLE = """
:root { color-scheme: light; --pass: #1a7f37; --fail: #c62828; --muted: #57606a; --line: #d0d7de; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2328;
  background: #fff; }
main, body > header { max-width: 1200px; margin: 0 auto; padding: 0 16px; }
h1 { font-size: 1.6rem; margin: 16px 0 8px; overflow-wrap: anywhere; }
h2 { font-size: 1.3rem; margin: 32px 0 8px; border-bottom: 1px solid var(--line); }
h3 { font-size: 1.1rem; margin: 24px 0 8px; overflow-wrap: anywhere; }
h4 { font-size: 1rem; margin: 16px 0 8px; }
.verdict { font-size: 1.15rem; font-weight: 600; padding: 8px 12px; border-radius: 6px; border-left: 6px solid; }
.verdict.pass { border-color: var(--pass); background: #dafbe1; }
.verdict.fail { border-color: var(--fail); background: #ffebe9; }
.pass { color: var(--pass); font-weight: 600; }
.fail { color: var(--fail); font-weight: 600; }
.muted { color: var(--muted); }
dl.facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr)); gap: 4px 16px; margin: 8px 0; }
dl.facts div { min-width: 0; }
dl.facts dt { color: var(--muted); font-size: 0.85rem; }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
img, video { max-width: 100%; height: auto; }
video.film { width: 100%; max-width: 960px; background: #000; }
.shot-head { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
.shot-head img { width: 320px; border: 1px solid var(--line); }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
caption { text-align: left; color: var(--muted); padding: 4px 0; }
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
thead th { background: #f6f8fa; }
td.number { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.text { min-width: 14em; overflow-wrap: anywhere; }
td.plot { min-width: 240px; }
svg.plot { width: 100%; max-width: 320px; height: auto; display: block; }
svg.plot text { font: 10px system-ui, sans-serif; fill: var(--muted); }
svg.plot .axis { stroke: var(--muted); stroke-width: 1; }
svg.plot .threshold { stroke: #1f2328; stroke-width: 1; stroke-dasharray: 4 3; }
svg.plot .pass { stroke: var(--pass); }
svg.plot .fail { stroke: var(--fail); }
svg.plot polyline { fill: none; stroke-width: 1.5; stroke-linejoin: round; }
ol.attempts { list-style: none; padding: 0; display: grid; gap: 12px;
  grid-template-columns: repeat(auto-fill, minmax(260px, 1fr)); }
ol.attempts li { border: 1px solid var(--line); border-radius: 6px; padding: 8px; min-width: 0;
  overflow-wrap: anywhere; }
ol.attempts img { display: block; width: 100%; margin-bottom: 4px; }
ol.attempts p { margin: 4px 0; }
details { margin: 8px 0; }
summary { cursor: pointer; }
@media (max-width: 600px) { body { font-size: 15px; } .shot-head img { width: 100%; } }
"""


def write_report_html(report: RunReport, run_dir: Path) -> Path:
    """Write ``<run_dir>/report.html`` atomically and return its path."""
    path = Path(run_dir) / PAGE
    write_text(path, report_html(report))
    return path


def report_html(report: RunReport) -> str:
    """The page for ``report``: well-formed XHTML-style markup, so that it parses as HTML and as XML alike."""
    title = escape(report.title)
    sections = [
        _film(report),
        '<section id="film-checks"><h2>Film-wide checks</h2>\n'
        f"{_checks_table(report.checks, report.fps, report.frames, 'the whole film')}\n</section>",
        '<section id="shots"><h2>Shots</h2>' + "".join(_shot(shot, report.fps) for shot in report.shots) + "</section>",
        _warnings(report),
        _timings(report),
    ]
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8" />\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1" />\n'
        f"<title>{title}: storyreel report</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
        f"<header>\n<h1>{title}</h1>\n{_verdict(report)}\n{_facts(report)}\n</header>\n"
        "<main>\n" + "\n".join(sections) + "\n</main>\n</body>\n</html>\n"
    )


def shot_outcome(shot: ShotReport) -> ShotOutcome:
    """The outcome the page reports: the agent's, except that a shot with a failed final check never reads as
    passed; a report without an outcome (a run without revisions) passes when every check passed."""
    if shot.outcome is not None and shot.outcome is not ShotOutcome.PASSED:
        return shot.outcome
    return ShotOutcome.PASSED if shot.passed else ShotOutcome.FAILED


def _verdict(report: RunReport) -> str:
    outcomes = [shot_outcome(shot) for shot in report.shots]
    failed = sum(outcome is not ShotOutcome.PASSED for outcome in outcomes)
    out_of_retries = sum(outcome is ShotOutcome.RETRIES_EXHAUSTED for outcome in outcomes)
    out_of_budget = sum(outcome is ShotOutcome.BUDGET_EXHAUSTED for outcome in outcomes)
    film_failed = sum(not check.passed for check in report.checks)
    if not failed and not film_failed:
        shots = f"{len(outcomes)} {_plural(len(outcomes), 'shot')}"
        film = "; so did every film-wide check" if report.checks else ""
        return f'<p class="verdict pass" id="verdict">PASS: all {shots} passed every check{film}.</p>'
    parts = []
    if failed:
        parts.append(f"{failed} of {len(outcomes)} shots failed")
        if out_of_retries:
            parts.append(f"{out_of_retries} of them because their own retries ran out (counted as failed)")
        if out_of_budget:
            used = f"{report.revisions} of {report.revision_budget} used"
            parts.append(f"{out_of_budget} of them because the run's revision budget ran out ({used})")
    if film_failed:
        parts.append(f"{film_failed} film-wide {_plural(film_failed, 'check')} failed")
    return f'<p class="verdict fail" id="verdict">FAIL: {"; ".join(parts)}.</p>'


def _facts(report: RunReport) -> str:
    budget = " (no budget set)" if report.revision_budget is None else f" of {report.revision_budget}"
    passing = sum(shot_outcome(shot) is ShotOutcome.PASSED for shot in report.shots)
    share = passing / max(len(report.shots), 1)
    facts = [
        ("Shots passing every check", f"{passing} of {len(report.shots)} ({share:.0%})"),
        ("Frames", f"{report.frames} at {report.fps} fps"),
        ("Duration", f"{report.duration_s:.2f} s"),
        ("Resolution", str(report.resolution)),
        ("Renderer", f"{report.renderer} on {report.gl_device}" if report.gl_device else report.renderer),
        ("Style", report.style.value),
        ("Seed", str(report.seed)),
        ("Revisions used", f"{report.revisions}{budget}"),
        ("Sound", _sound(report)),
        ("Content credentials", f"C2PA, signed with: {report.credentials}" if report.credentials else "none"),
    ]
    if report.voices:
        facts.append(("Voices", "; ".join(_voice(voice) for voice in report.voices)))
    rows = "".join(f"<div><dt>{escape(name)}</dt><dd>{escape(value)}</dd></div>" for name, value in facts)
    return f'<dl class="facts" id="facts">{rows}</dl>'


def _sound(report: RunReport) -> str:
    if report.loudness_lufs is None and report.music is None:
        return "silent (no lines)"
    loudness = f"{report.loudness_lufs:.1f} LUFS" if report.loudness_lufs is not None else "silent"
    return loudness + (f", music: {report.music}" if report.music else "")


def _voice(voice: Voice) -> str:
    pitch = f", {voice.pitch:+g} semitones" if voice.pitch else ""
    speed = f", pace x{voice.speed:g}" if voice.speed != 1.0 else ""
    return f"{voice.speaker or 'narrator'}: {voice.engine} {voice.name}{pitch}{speed}"


def _film(report: RunReport) -> str:
    film = _link(report.final_video)
    files = [("storyboard", report.storyboard), *((f"scene {Path(scene).stem}", scene) for scene in report.scenes)]
    files += [(f"subtitles ({Path(name).suffix[1:].upper()})", name) for name in report.subtitles]
    files += [("timeline (OpenTimelineIO)", report.timeline)] if report.timeline else []
    links = ", ".join(f'<a href="{_link(path)}">{escape(name)}</a>' for name, path in files)
    return (
        '<section id="film"><h2>The film</h2>\n'
        f'<video class="film" src="{film}" controls="controls" preload="metadata">'
        f'Your browser does not play the video here: <a href="{film}">download the film</a>.</video>\n'
        f'<p><a href="{film}">{escape(report.final_video)}</a></p>\n'
        f'<figure><img src="{_link(report.contact_sheet)}" alt="Contact sheet: the middle frame of every shot" />'
        "<figcaption>Contact sheet: the middle frame of every shot, in order.</figcaption></figure>\n"
        f"<p>Files: {links}.</p>\n</section>"
    )


def _checks_table(checks: list[CheckResult], fps: int, frames: int, of: str) -> str:
    """One row per check of something ``frames`` long: name, score, threshold, PASS/FAIL, detail, suggestion (when
    failed), per-frame plot."""
    if not checks:
        return f'<p class="muted">No checks of {escape(of)}.</p>'
    head = "".join(
        f'<th scope="col">{name}</th>'
        for name in ("Check", "Score", "Threshold", "Result", "Detail", "Suggestion", "Per frame")
    )
    rows = []
    for check in checks:
        suggestion = escape(check.suggestion) if not check.passed else ""
        rows.append(
            f'<tr><th scope="row">{escape(check.name)}</th>'
            f'<td class="number">{_number(check.score)}</td>'
            f'<td class="number">{_threshold(check)}</td>'
            f"<td>{_result(check.passed)}</td>"
            f'<td class="text">{escape(check.detail)}</td><td class="text">{suggestion}</td>'
            f'<td class="plot">{_plot(check, fps, frames)}</td></tr>'
        )
    return (
        f'<div class="scroll" role="region" aria-label="Checks of {escape(of)}" tabindex="0">'
        f'<table class="checks"><caption>Checks of {escape(of)}</caption><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def _plot(check: CheckResult, fps: int, frames: int) -> str:
    """The check's per-frame values as a polyline, its threshold as a dashed line; the line is coloured by pass/fail
    and the plot's accessible name says the same in words. The x axis is frame numbers and seconds when there is a
    value per frame of the ``frames`` checked, else just the values' indices (a film-wide check may score cuts)."""
    values = [(index, value) for index, value in enumerate(check.per_frame) if math.isfinite(value)]
    if not values:
        return '<span class="muted">no per-frame values</span>'
    count = len(check.per_frame)
    shown = [value for _, value in values] + ([check.threshold] if math.isfinite(check.threshold) else [])
    low, high = min(shown), max(shown)
    if high - low <= 0:
        low, high = low - FLAT_RANGE / 2, high + FLAT_RANGE / 2
    pad = (high - low) * PLOT_PAD
    low, high = low - pad, high + pad
    left, right = PLOT_LEFT, PLOT_WIDTH - PLOT_RIGHT
    top, bottom = PLOT_TOP, PLOT_HEIGHT - PLOT_BOTTOM

    def x(index: int) -> float:
        return left + (right - left) * index / max(count - 1, 1)

    def y(value: float) -> float:
        return bottom - (bottom - top) * (value - low) / (high - low)

    verdict = "PASS" if check.passed else "FAIL"
    better = "higher" if check.higher_is_better else "lower"
    finite = [value for _, value in values]
    label = (
        f"{check.name} per frame: {count} values from {_number(min(finite))} to {_number(max(finite))}; "
        f"threshold {_number(check.threshold)}, {better} is better; {verdict}"
    )
    points = " ".join(f"{x(index):.1f},{y(value):.1f}" for index, value in values)
    last = count - 1
    timed = count == frames
    parts = [
        f'<svg class="plot" viewBox="0 0 {PLOT_WIDTH} {PLOT_HEIGHT}" role="img"><title>{escape(label)}</title>',
        f'<line class="axis" x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}" />',
        f'<line class="axis" x1="{left}" y1="{top}" x2="{left}" y2="{bottom}" />',
        f'<text x="{left - 4}" y="{top + 8}" text-anchor="end">{_number(high - pad)}</text>',
        f'<text x="{left - 4}" y="{bottom}" text-anchor="end">{_number(low + pad)}</text>',
    ]
    if math.isfinite(check.threshold):
        level = y(check.threshold)
        parts.append(f'<line class="threshold" x1="{left}" y1="{level:.1f}" x2="{right}" y2="{level:.1f}" />')
        parts.append(
            f'<text x="{right}" y="{level - 3:.1f}" text-anchor="end" stroke="#fff" stroke-width="3" '
            f'paint-order="stroke">threshold {_number(check.threshold)}</text>'
        )
    parts += [
        f'<polyline class="{verdict.lower()}" points="{points}" />',
        f'<text x="{left}" y="{bottom + 12}" text-anchor="start">0</text>',
        f'<text x="{(left + right) / 2:.1f}" y="{bottom + 12}" text-anchor="middle">'
        f"{'frame' if timed else 'value number'}</text>",
        f'<text x="{right}" y="{bottom + 12}" text-anchor="end">{last}</text>',
    ]
    if timed:
        parts.append(f'<text x="{left}" y="{bottom + 24}" text-anchor="start">0 s</text>')
        parts.append(f'<text x="{right}" y="{bottom + 24}" text-anchor="end">{last / fps:.2f} s</text>')
    return "".join(parts) + "</svg>"


def _owed(seen: Seen) -> str:
    """What a viewer must see of a subject beyond the subject itself, as the report words it."""
    return {Seen.SHOWN: "", Seen.FACE: " (its face)", Seen.BODY: " (its whole body)"}[seen]


def _shot(shot: ShotReport, fps: int) -> str:
    outcome = shot_outcome(shot)
    name = escape(shot.shot_id)
    status = {
        ShotOutcome.PASSED: _result(True),
        ShotOutcome.FAILED: _result(False),
        ShotOutcome.RETRIES_EXHAUSTED: f"{_result(False)} (its retries ran out)",
        ShotOutcome.BUDGET_EXHAUSTED: f"{_result(False)} (the run's revision budget ran out)",
    }[outcome]
    if shot.marked:
        marked = ", ".join(escape(subject) for subject in shot.seen) or "no one"
        thumbnail = f'<img src="{_link(shot.marked)}" alt="Shot {name}: its middle frame, {marked} boxed" />'
    elif shot.thumbnail:
        thumbnail = f'<img src="{_link(shot.thumbnail)}" alt="Shot {name}: its middle frame" />'
    else:
        thumbnail = '<p class="muted">No thumbnail.</p>'
    facts = [
        ("Location", escape(shot.location)),
        ("Frames", f"{shot.frames}"),
        ("Starts at", f"{shot.start_s:.2f} s"),
        ("Duration", f"{shot.duration_s:.2f} s"),
        ("Attempts", str(len(shot.attempts)) if shot.attempts else "1"),
    ]
    if shot.seen:
        seen = [
            f"{escape(subject)}{_owed(shot.must_see.get(subject, Seen.SHOWN))} {share:.0%}"
            for subject, share in shot.seen.items()
        ]
        facts.append(("Named, and seen in", "; ".join(seen)))
        facts.append(("Held as", shot.coverage.value))
    if shot.lines:
        facts.append(("Lines", "<br />".join(_line(line) for line in shot.lines)))
    if shot.unstaged:
        facts.append(("Not acted out", f'<span class="fail">{escape(", ".join(shot.unstaged))}</span>'))
    if shot.drawn:
        facts.append(("Drawn as", "; ".join(_drawn(item) for item in shot.drawn if not item.box) or "nothing"))
    boxes = [escape(item.name) for item in shot.drawn if item.box]
    if boxes:
        facts.append(("As a box", ", ".join(boxes)))
    rows = "".join(f"<div><dt>{label}</dt><dd>{value}</dd></div>" for label, value in facts)
    clip = _link(shot.clip)
    return (
        f'<section class="shot" id="shot-{quote(shot.shot_id, safe="")}"><h3>Shot {name}: {status}</h3>\n'
        + (f'<p class="sentence">{escape(shot.sentence)}</p>\n' if shot.sentence else "")
        + f'<div class="shot-head">{thumbnail}<dl class="facts">{rows}</dl></div>\n'
        f'<details><summary>Play shot {name}</summary><video src="{clip}" controls="controls" preload="none">'
        f'<a href="{clip}">{escape(shot.clip)}</a></video></details>\n'
        f"{_checks_table(shot.checks, fps, shot.frames, f'shot {shot.shot_id} (final attempt)')}\n"
        f"{_history(shot, outcome)}\n</section>"
    )


def _line(line: SpokenLine) -> str:
    who = escape(line.speaker) if line.speaker else "<em>narrator</em>"
    return f"{line.start_s:.2f}-{line.end_s:.2f} s {who}: \u201c{escape(line.text)}\u201d"


def _drawn(item: Drawn) -> str:
    """'fox: fox', or 'Mia: child' where the name is not the family's."""
    return escape(item.name if item.name == item.kind else f"{item.name}: {item.kind}")


def _history(shot: ShotReport, outcome: ShotOutcome) -> str:
    """Attempt by attempt: what failed, what the agent changed and who chose it, and how the shot ended."""
    heading = f"<h4>Revision history of shot {escape(shot.shot_id)}</h4>"
    if not shot.attempts:
        return f'<div class="history">{heading}<p class="muted">One attempt; no revisions were made.</p></div>'
    items = "".join(_attempt(shot.shot_id, attempt, attempt.number == shot.kept_attempt) for attempt in shot.attempts)
    last = shot.attempts[-1].number
    end = {
        ShotOutcome.PASSED: f"{_result(True)}: passed every check on attempt {last}.",
        ShotOutcome.FAILED: f"{_result(False)}: still failing after attempt {last}, with no revision left to try.",
        ShotOutcome.RETRIES_EXHAUSTED: f"{_result(False)}: the shot's retries ran out after attempt {last}.",
        ShotOutcome.BUDGET_EXHAUSTED: f"{_result(False)}: the run's revision budget ran out after attempt {last}.",
    }[outcome]
    if shot.kept_attempt is not None and outcome != ShotOutcome.PASSED:
        end += f" The film keeps attempt {shot.kept_attempt}, the one that failed least."
    return f'<div class="history">{heading}<ol class="attempts">{items}</ol><p class="end">{end}</p></div>'


def _attempt(shot_id: str, attempt: Attempt, kept: bool = False) -> str:
    failed = [check for check in attempt.checks if not check.passed]
    passed = [check for check in attempt.checks if check.passed]
    thumbnail = (
        f'<img src="{_link(attempt.thumbnail)}" alt="Shot {escape(shot_id)}, attempt {attempt.number}: '
        'its middle frame" />'
        if attempt.thumbnail
        else ""
    )
    label = f"Attempt {attempt.number}{' (kept: the film shows this one)' if kept else ''}"
    parts = [f'<li class="attempt">{thumbnail}<p><strong>{label}: {_result(not failed)}</strong></p>']
    if failed:
        parts.append(
            '<p class="failed">Failed: '
            + "; ".join(f"{escape(check.name)} {_score(check)}: {escape(check.detail)}" for check in failed)
            + "</p>"
        )
    if passed:
        parts.append(f'<p class="passed">Passed: {", ".join(escape(check.name) for check in passed)}</p>')
    parts.append(f'<p class="direction">Direction: {escape(_direction(attempt.direction))}</p>')
    if attempt.revision is not None:
        revision = attempt.revision
        parts.append(
            f'<p class="revision">Changed: <span class="change">{escape(revision.change)}</span> '
            f"({escape(revision.action.value)}, for {escape(revision.check)}, chosen by {escape(revision.chosen_by)})"
            "</p>"
        )
    return "".join(parts) + "</li>"


def _direction(direction: ShotDirection) -> str:
    """The knobs a revision has turned away from their defaults, e.g. 'size full, camera seed 1, keyframes on'."""
    changed = direction.model_dump(mode="json", exclude_defaults=True)
    words = [f"{key.replace('_', ' ')} {_knob(value)}" for key, value in changed.items()]
    return ", ".join(words) or "as the storyboard asks"


def _knob(value: object) -> str:
    """A direction value in words: switches read on / off."""
    if isinstance(value, bool):
        return "on" if value else "off"
    return str(value)


def _warnings(report: RunReport) -> str:
    items = [*report.warnings]
    if report.unknown_nouns:
        items.append(f"nouns shown as labelled generic props: {', '.join(report.unknown_nouns)}")
    body = (
        "<ul>" + "".join(f"<li>{escape(item)}</li>" for item in items) + "</ul>"
        if items
        else '<p class="muted">No warnings.</p>'
    )
    return f'<section id="warnings"><h2>Warnings</h2>\n{body}\n</section>'


def _timings(report: RunReport) -> str:
    if not report.timings_s:
        return '<section id="timings"><h2>Timings</h2>\n<p class="muted">No timings recorded.</p>\n</section>'
    rows = "".join(
        f'<tr><th scope="row">{escape(stage)}</th><td class="number">{seconds:.2f}</td></tr>'
        for stage, seconds in report.timings_s.items()
    )
    return (
        '<section id="timings"><h2>Timings</h2>\n<table class="timings"><caption>Seconds spent per stage, over '
        'every attempt (encoding overlaps rendering)</caption><thead><tr><th scope="col">Stage</th>'
        f'<th scope="col">Seconds</th></tr></thead><tbody>{rows}</tbody></table>\n</section>'
    )


def _result(passed: bool) -> str:
    return '<span class="pass">PASS</span>' if passed else '<span class="fail">FAIL</span>'


def _threshold(check: CheckResult) -> str:
    """The threshold with the side that passes, e.g. '≥ 0.9'."""
    return f"{'≥' if check.higher_is_better else '≤'} {_number(check.threshold)}"


def _score(check: CheckResult) -> str:
    """The score against what passes, e.g. '0.5 (needs ≥ 0.9)'."""
    return f"{_number(check.score)} (needs {_threshold(check)})"


def _number(value: float) -> str:
    return f"{value:.4g}"


def _plural(count: int, word: str) -> str:
    return word if count == 1 else word + "s"


def _link(path: str) -> str:
    """A run-relative path as an attribute value: percent-encoded, so that no path reads as a scheme, a query or a
    fragment, then escaped."""
    return escape(quote(path, safe="/"))
