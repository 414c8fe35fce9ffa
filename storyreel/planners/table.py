"""A storyboard as text: the shot list a user checks before filming (the chat and ``storyreel plan`` show it)."""

from __future__ import annotations

from storyreel.schema import Storyboard


def shot_table(storyboard: Storyboard) -> str:
    """The shot list as a plain table aligned in columns."""
    rows = [["#", "id", "where", "secs", "size", "angle", "move", "in", "subjects", "action", "description"]]
    for number, shot in enumerate(storyboard.shots, start=1):
        action = ", ".join(f"{a.actor} {a.verb.value}" + (f" {a.target}" if a.target else "") for a in shot.actions)
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
                shot.description if len(shot.description) <= 40 else shot.description[:39] + "…",
            ]
        )
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    places = "; ".join(
        f"{loc.id}: {loc.kind.value}, {loc.time_of_day.value}, {loc.weather.value}" for loc in storyboard.locations
    )
    return f"locations: {places}\n" + "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows
    )
