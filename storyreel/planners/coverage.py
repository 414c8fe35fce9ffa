"""What a shot must show, and the sizes that can show it, for both planners.

:func:`marks` says what a viewer must see of each subject the sentence names (:class:`Seen`): the face of one who
speaks or looks (a reaction), the body of one who moves, else the thing itself. :func:`hold` picks how the shot
holds its subjects (:class:`Coverage`) and the sizes that can: an over-the-shoulder shot for one character talking
to another, an insert for a lone still object, a two-shot (never closer than medium) for several subjects, and no
size so wide that the smallest subject falls under LEGIBLE_SPAN of the frame's height.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from storyreel.schema import (
    FRAME_SPAN,
    LANDMARK_HEIGHT,
    LEGIBLE_SPAN,
    LIMB_VERBS,
    MOVING_VERBS,
    Action,
    Coverage,
    Seen,
    ShotSize,
    Verb,
)
from storyreel.world.assets import build_asset
from storyreel.world.kinds import CHARACTER_KINDS, KINDS, PEOPLE_KINDS

#: Verbs whose actor a viewer reads by the face: speech, and looking (finding, smiling, nodding: a reaction).
FACE_VERBS = frozenset({Verb.TALK, Verb.LOOK})
#: Sizes too close to hold two subjects side by side.
CLOSE_SIZES = frozenset({ShotSize.MEDIUM_CLOSE_UP, ShotSize.CLOSE_UP, ShotSize.EXTREME_CLOSE_UP})
OVER_THE_SHOULDER_SIZES = (ShotSize.MEDIUM_CLOSE_UP, ShotSize.MEDIUM)
INSERT_SIZES = (ShotSize.CLOSE_UP, ShotSize.MEDIUM_CLOSE_UP)
#: Kinds with a shoulder an over-the-shoulder shot can look past.
SHOULDERED_KINDS = PEOPLE_KINDS | {"robot"}
#: The bounds assumed for a kind the library does not build (a user's own asset): a person-sized box.
UNKNOWN_DIMENSIONS = (0.6, 1.7, 0.6)


@dataclass(frozen=True)
class Subject:
    """A subject as the planner knows it: its asset kind and its size class (``Appearance.size``)."""

    kind: str
    scale: float = 1.0

    @property
    def height(self) -> float:
        return _dimensions(self.kind)[1] * self.scale

    @property
    def extent(self) -> float:
        """Its largest dimension: what a viewer reads of a flat thing (a spoon lies 2 cm high and 20 cm long)."""
        return max(_dimensions(self.kind)) * self.scale

    @property
    def landmark(self) -> bool:
        return self.kind not in CHARACTER_KINDS and self.height > LANDMARK_HEIGHT


def marks(subjects: list[str], actions: list[Action]) -> dict[str, Seen]:
    """What must be seen of each subject an action names: FACE for one who talks or looks, BODY for one who moves
    or acts with its limbs (the face wins); subjects left out must only be shown."""
    seen: dict[str, Seen] = {}
    for action in actions:
        if action.actor not in subjects:
            continue
        if action.verb in FACE_VERBS:
            seen[action.actor] = Seen.FACE
        elif (action.verb in MOVING_VERBS or action.verb in LIMB_VERBS) and seen.get(action.actor) is not Seen.FACE:
            seen[action.actor] = Seen.BODY
    return seen


def hold(subjects: list[str], actions: list[Action], known: dict[str, Subject]) -> tuple[Coverage, list[ShotSize]]:
    """How the shot holds ``subjects`` (main first) and the sizes that can, widest first."""
    present = [name for name in subjects if name in known and not known[name].landmark]
    if not present:
        return Coverage.SINGLE, list(ShotSize)
    main = known[present[0]]
    fitting = [size for size in ShotSize if FRAME_SPAN[size] <= _widest_span(main, [known[n] for n in present[1:]])]
    fitting = fitting or [min(ShotSize, key=lambda size: FRAME_SPAN[size])]
    talks = next((a for a in actions if a.verb is Verb.TALK and a.actor == present[0] and a.target), None)
    if talks is not None and set(present) == {talks.actor, talks.target} and _has_face(known, talks.target):
        return Coverage.OVER_THE_SHOULDER, list(OVER_THE_SHOULDER_SIZES)
    if len(present) > 1:
        return Coverage.TWO_SHOT, [size for size in fitting if size not in CLOSE_SIZES] or [ShotSize.MEDIUM]
    moving = any(a.actor == present[0] and a.verb in MOVING_VERBS for a in actions)
    if main.kind not in CHARACTER_KINDS and not moving:
        return Coverage.INSERT, list(INSERT_SIZES)
    return Coverage.SINGLE, fitting


def _widest_span(main: Subject, others: list[Subject]) -> float:
    """The widest frame (in main-subject heights, as FRAME_SPAN counts) at which every other subject still spans
    LEGIBLE_SPAN of the frame's height."""
    return min((other.extent / (LEGIBLE_SPAN * max(main.height, 1e-3)) for other in others), default=np.inf)


def _has_face(known: dict[str, Subject], name: str | None) -> bool:
    return name is not None and name in known and known[name].kind in SHOULDERED_KINDS


@functools.cache
def _dimensions(kind: str) -> tuple[float, float, float]:
    """An asset kind's rest bounds (width, height, depth) in metres."""
    if kind not in KINDS:
        return UNKNOWN_DIMENSIONS
    width, height, depth = np.ptp(build_asset(kind).bounds, axis=0)
    return float(width), float(height), float(depth)
