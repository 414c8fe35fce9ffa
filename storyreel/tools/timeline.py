"""The final cut as an OpenTimelineIO timeline (``timeline.otio``), for editors and other tools.

One video track holds a clip per shot (its file in ``shots/``, relative to the run directory) with the transitions
the storyboard asks for; an audio track holds the same files again for their sound, when the film has any. Each
video clip carries a marker for the shot (its sentence; red with the failed checks in its metadata, green when all
passed) and one for each line heard in it. OTIO's own adapters convert the file (an EDL through
``otio-cmx3600-adapter``).
"""

from __future__ import annotations

from pathlib import Path

import opentimelineio as otio

from storyreel.atomic import write_text
from storyreel.schema import RunReport, ShotReport, SpokenLine, Storyboard, Transition
from storyreel.tools.video import TRANSITION_SECONDS

#: How long a transition's blend runs, in seconds: ``video.apply_transition``'s default, which every clip is made with.


def write_timeline(path: Path, report: RunReport, storyboard: Storyboard) -> None:
    """Write the run's final cut as an OTIO timeline (``otio_json``) to ``path``, atomically.

    storyreel bakes a shot's incoming transition into its own first frames: a dissolve blends from the previous
    clip's last frame, held, and a fade (or the first shot's dissolve) rises from black, over ``TRANSITION_SECONDS``
    and without changing the cut. So a transition here is an ``SMPTE_Dissolve`` Transition at the cut with
    ``in_offset`` 0 and ``out_offset`` the blend's frames (it covers the incoming clip's head alone); from black it
    follows an empty Gap (OTIO's black). Its metadata says the blend is already in the picture (``baked``), so an
    editor rendering the transition again would blend twice; the outgoing side has no handles (storyreel holds its
    last frame)."""
    transitions = {shot.id: shot.transition for shot in storyboard.shots}
    picture = otio.schema.Track(name="picture", kind=otio.schema.TrackKind.Video)
    sound = otio.schema.Track(name="sound", kind=otio.schema.TrackKind.Audio)
    for index, shot in enumerate(report.shots):
        transition = transitions[shot.shot_id]
        if transition != Transition.CUT:
            from_black = transition == Transition.FADE or index == 0
            if from_black:
                picture.append(otio.schema.Gap(duration=otio.opentime.RationalTime(0, report.fps)))
            picture.append(_transition(shot, transition, from_black, report.fps))
        clip = _clip(shot, report.fps)
        clip.markers.append(_shot_marker(shot, report.fps))
        clip.markers.extend(_line_marker(line, shot, report.fps) for line in shot.lines)
        picture.append(clip)
        sound.append(_clip(shot, report.fps))
    timeline = otio.schema.Timeline(
        name=report.title,
        tracks=[picture, sound] if report.loudness_lufs is not None else [picture],
        global_start_time=otio.opentime.RationalTime(0, report.fps),
        metadata={"storyreel": {"final_video": report.final_video, "resolution": str(report.resolution)}},
    )
    write_text(path, otio.adapters.write_to_string(timeline, "otio_json"))


def _frames(count: int, fps: int) -> otio.opentime.TimeRange:
    return otio.opentime.TimeRange(otio.opentime.RationalTime(0, fps), otio.opentime.RationalTime(count, fps))


def _clip(shot: ShotReport, fps: int) -> otio.schema.Clip:
    """The shot's clip file, whole: it holds exactly the shot's frames."""
    media = otio.schema.ExternalReference(target_url=shot.clip, available_range=_frames(shot.frames, fps))
    return otio.schema.Clip(name=shot.shot_id, media_reference=media, source_range=_frames(shot.frames, fps))


def _transition(shot: ShotReport, transition: Transition, from_black: bool, fps: int) -> otio.schema.Transition:
    """The blend baked into the head of ``shot``'s clip (``video.apply_transition``'s frame count)."""
    frames = min(shot.frames, max(1, round(TRANSITION_SECONDS * fps)))
    source = "black" if from_black else "the previous clip's last frame, held"
    return otio.schema.Transition(
        name=f"{transition.value} into {shot.shot_id}",
        transition_type=otio.schema.TransitionTypes.SMPTE_Dissolve,
        in_offset=otio.opentime.RationalTime(0, fps),
        out_offset=otio.opentime.RationalTime(frames, fps),
        metadata={"storyreel": {"transition": transition.value, "from": source, "baked": True}},
    )


def _shot_marker(shot: ShotReport, fps: int) -> otio.schema.Marker:
    """The whole shot: its sentence, and its failed checks (red) or none (green)."""
    failed = [check for check in shot.checks if not check.passed]
    checks = [
        {"name": c.name, "detail": c.detail, "score": c.score, "threshold": c.threshold, "suggestion": c.suggestion}
        for c in failed
    ]
    return otio.schema.Marker(
        name=shot.sentence or shot.shot_id,
        marked_range=_frames(shot.frames, fps),
        color=otio.schema.MarkerColor.RED if failed else otio.schema.MarkerColor.GREEN,
        comment="; ".join(f"{c.name}: {c.detail}" for c in failed) or "all checks passed",
        metadata={
            "storyreel": {
                "shot_id": shot.shot_id,
                "outcome": shot.outcome.value if shot.outcome else None,
                "failed_checks": checks,
                "passed_checks": [check.name for check in shot.checks if check.passed],
            }
        },
    )


def _line_marker(line: SpokenLine, shot: ShotReport, fps: int) -> otio.schema.Marker:
    """A line heard in the shot, over the frames it is heard in (in the clip's own time)."""
    first = min(shot.frames, max(0, round((line.start_s - shot.start_s) * fps)))
    last = min(shot.frames, max(first, round((line.end_s - shot.start_s) * fps)))
    return otio.schema.Marker(
        name=line.text,
        marked_range=otio.opentime.TimeRange(
            otio.opentime.RationalTime(first, fps), otio.opentime.RationalTime(last - first, fps)
        ),
        color=otio.schema.MarkerColor.CYAN,
        comment=line.speaker or "narrator",
        metadata={"storyreel": {"speaker": line.speaker, "start_s": line.start_s, "end_s": line.end_s}},
    )
