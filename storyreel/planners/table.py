"""A storyboard as text: the shot list a user checks before filming (the chat and ``storyreel plan`` show it)."""

from __future__ import annotations

from storyreel.schema import Storyboard


def shot_table(storyboard: Storyboard) -> str:
    """The shot list as a plain table aligned in columns; the lines heard in a shot as ``girl: "Hello."`` (the
    narrator's as ``narrator: "..."``), long cells cut short."""
    rows = [["#", "id", "where", "secs", "size", "angle", "move", "in", "subjects", "action", "description", "lines"]]
    for number, shot in enumerate(storyboard.shots, start=1):
        action = ", ".join(f"{a.actor} {a.verb.value}" + (f" {a.target}" if a.target else "") for a in shot.actions)
        lines = " / ".join(f'{line.speaker or "narrator"}: "{line.text}"' for line in shot.lines)
        rows.append(
            [
                str(number),
                shot.id,
                shot.location,
                f"{shot.duration:.1f}",
                shot.size.value,
                shot.angle.value,
                shot.move.value,
                shot.transition.value,
                ",".join(shot.subjects),
                action,
                _short(shot.description),
                _short(lines, 60),
            ]
        )
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    places = "; ".join(
        f"{loc.id}: {loc.kind.value}, {loc.time_of_day.value}, {loc.weather.value}" for loc in storyboard.locations
    )
    return f"locations: {places}\n" + "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows
    )


def _short(text: str, width: int = 40) -> str:
    """``text`` cut to ``width`` characters, an ellipsis marking the cut."""
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"
