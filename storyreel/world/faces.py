"""Faces: which characters' faces a shot owes a viewer, where each head is and which way its face points.

The ``face_shown`` check and the camera director read the same poses and the same rule, so a view the director
picks for a face is one the check accepts.
"""

from __future__ import annotations

import re

import numpy as np

from storyreel.geometry import Array
from storyreel.schema import Seen, Shot, ShotSize, Verb
from storyreel.world.world import World, WorldObject

# The main subject of a shot this close owes its face (in wider shots a figure reads without it).
FACE_SIZES = (ShotSize.MEDIUM, ShotSize.MEDIUM_CLOSE_UP, ShotSize.CLOSE_UP, ShotSize.EXTREME_CLOSE_UP)
# A sentence that asks for a back view owes no face.
BACK_VIEW = re.compile(r"\b(away|from behind|behind (him|her|them)|(his|her|their) back|leaves?|leaving)\b", re.I)


def faces_owed(shot: Shot, world: World) -> list[str]:
    """The characters whose faces the shot owes a viewer: whoever speaks, in a medium or closer shot its main
    subject, and every subject marked ``Seen.FACE``; none when the sentence asks for a back view. Only those with a
    head count."""
    if BACK_VIEW.search(shot.description):
        return []
    speakers = [action.actor for action in shot.actions if action.verb is Verb.TALK]
    main = shot.subjects[:1] if shot.size in FACE_SIZES else []
    marked = [name for name in shot.subjects if shot.must_see(name) is Seen.FACE]
    present = {obj.name: obj for obj in world.objects}
    owed = [name for name in dict.fromkeys([*speakers, *main, *marked]) if name in present]
    return [name for name in owed if present[name].is_character and head_index(present[name]) is not None]


def head_index(obj: WorldObject) -> int | None:
    """The index of an object's head part, if it has one."""
    return next((index for index, part in enumerate(obj.asset.parts) if part.role == "head"), None)


def head_poses(obj: WorldObject, times: Array) -> tuple[Array, Array, Array]:
    """Per time: the head's centre, the unit direction its face points (the part's +z) and the top of the head."""
    index = head_index(obj)
    assert index is not None
    part = obj.asset.parts[index]
    matrices = obj.part_matrices(times)[:, index]  # (N, 4, 4)
    low, high = part.mesh.bounds
    middle = np.r_[(low + high) / 2, 1.0]
    top = np.r_[(low[0] + high[0]) / 2, high[1], (low[2] + high[2]) / 2, 1.0]
    centres = (matrices @ middle)[:, :3]
    tops = (matrices @ top)[:, :3]
    forwards = matrices[:, :3, 2]
    forwards = forwards / np.maximum(np.linalg.norm(forwards, axis=1, keepdims=True), 1e-9)
    return centres, forwards, tops


def face_angles(centres: Array, forwards: Array, eyes: Array) -> Array:
    """Degrees between where a face points and the camera, per time: ``centres`` and ``forwards`` (N, 3) from
    :func:`head_poses`, ``eyes`` the camera's positions at those times, (N, 3) or (C, N, 3) for C cameras."""
    to_camera = eyes - centres
    to_camera = to_camera / np.maximum(np.linalg.norm(to_camera, axis=-1, keepdims=True), 1e-9)
    return np.degrees(np.arccos(np.clip(np.sum(forwards * to_camera, axis=-1), -1.0, 1.0)))
