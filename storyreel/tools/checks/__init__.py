"""Quality checks of rendered shots and of the film they make.

Per shot (``check_shot``): subjects_framed, framing, occlusion, not_blank (``framing.py``); the sentence on screen:
all_subjects_shown, face_shown, action_shown, action_staged (``story.py``); camera_jerk,
warp_error, flicker, flow_consistency (``temporal.py``). Between shots (``summarize_shot`` each shot, then
``check_against_earlier``): rule_180, rule_30, identity (``continuity.py``, ``identity.py``). Over the film
(``check_film``): shot_size_variety. Each returns a :class:`CheckResult` against a named, measured threshold; a
failing one's suggestion starts with the :class:`RevisionAction` that addresses it.
"""

from storyreel.tools.checks.analysis import ANALYSIS_PIXELS, analysis_factor, analysis_frames
from storyreel.tools.checks.continuity import (
    check_against_earlier,
    check_film,
    rule_30,
    rule_180,
    shot_size_variety,
    summarize_shot,
)
from storyreel.tools.checks.framing import framing, not_blank, occlusion, subjects_framed
from storyreel.tools.checks.identity import appearance_distance, appearances, identity
from storyreel.tools.checks.shot import check_shot
from storyreel.tools.checks.story import (
    action_shown,
    action_staged,
    all_subjects_shown,
    face_shown,
    faces_owed,
    heads_cut,
    marked,
    subjects_seen,
)
from storyreel.tools.checks.temporal import camera_jerk, flicker, flow_consistency, warp_error

__all__ = [
    "ANALYSIS_PIXELS",
    "action_shown",
    "action_staged",
    "all_subjects_shown",
    "analysis_factor",
    "analysis_frames",
    "appearance_distance",
    "appearances",
    "camera_jerk",
    "check_against_earlier",
    "check_film",
    "check_shot",
    "face_shown",
    "faces_owed",
    "flicker",
    "flow_consistency",
    "framing",
    "heads_cut",
    "identity",
    "marked",
    "not_blank",
    "occlusion",
    "rule_30",
    "rule_180",
    "shot_size_variety",
    "subjects_framed",
    "subjects_seen",
    "summarize_shot",
    "warp_error",
]
