"""Every check of one shot, in one call."""

from __future__ import annotations

from storyreel.envs.framing import framed_subjects
from storyreel.schema import CameraPath, CheckResult, Shot
from storyreel.tools.checks.analysis import analysis_frames
from storyreel.tools.checks.framing import framing, not_blank, occlusion, subjects_framed
from storyreel.tools.checks.story import action_shown, action_staged, all_subjects_shown, face_shown, heads_cut
from storyreel.tools.checks.temporal import camera_jerk, flicker, flow_consistency, flow_pairs, warp_error
from storyreel.tools.render.frames import FrameSet
from storyreel.world.world import World


def check_shot(frames: FrameSet, path: CameraPath, shot: Shot, world: World, start: float) -> list[CheckResult]:
    """Run every check of one shot filmed along ``path`` in ``world`` from story time ``start``; ``frames`` may be
    full size or already at analysis size. Always the same checks, in the same order."""
    frames = analysis_frames(frames)
    aspect = frames.width / frames.height
    pairs = flow_pairs(frames)
    framed = framed_subjects(world, shot)
    cast = [name for name in framed if world.object(name).is_character]
    return [
        subjects_framed(frames, shot, heads_cut(path, framed, world, start, aspect), framed, cast),
        all_subjects_shown(frames, path, shot, world, start),
        face_shown(path, shot, world, start, aspect),
        action_shown(path, shot, world, start, aspect),
        action_staged(shot, path.frames),
        framing(path, shot, world, start, aspect),
        occlusion(frames, path, shot, world, start),
        not_blank(frames, shot.id),
        camera_jerk(path, shot.id),
        warp_error(pairs, shot.id),
        flicker(pairs, shot.id),
        flow_consistency(pairs, shot.id),
    ]
