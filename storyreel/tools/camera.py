"""Camera direction: turn a shot's request (size, angle, move, coverage) into a per-frame :class:`CameraPath`.

``direct_camera`` is the one entry point; a :class:`ShotDirection` carries the agent's revisions on top of the
shot (another seed, size or move, a raised or swung or backed-off camera, a side of the line of action).
``director="baseline"`` (the run's default) runs the baseline below; ``director="rl"`` corrects the baseline's
path frame by frame with the shipped residual policy (``camera_policy.py``; it does not yet beat the baseline on
the held-out benchmark, ``bench/bench_camera.py``, so the baseline directs until a policy does). It frames the
shot's subjects at the requested size, closer where the smallest of them would not read
(``envs.framing.frame_height``), and places the camera on the scene's front side (so cuts between shots of one
location respect the 180-degree rule). Among a few candidate views, and views beside each face the shot owes
(``world.faces.faces_owed``), it picks the one that keeps every owed face turned to the camera over the shot, with
the fewest occluded rays to the most hidden framed subject, a path that runs into nothing, and a view of the
subject's front; a two-shot holds its subjects side by side, an over-the-shoulder shot looks past the listener
onto the speaker (a two-shot where no such view lies on the front side). With the view chosen it frames again,
allowing for each subject's depth along the view, then plays the requested move with eased starts and stops.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np

from storyreel import geometry
from storyreel.envs.framing import (
    aim_lift,
    fit_height,
    frame_height,
    framed_subjects,
    smoothed_aim,
    standing_distance,
)
from storyreel.geometry import Array
from storyreel.schema import (
    DEFAULT_DIRECTOR,
    ELEVATION,
    FIELD_OF_VIEW,
    CameraMove,
    CameraPath,
    Coverage,
    Director,
    LineOfAction,
    Shot,
    ShotDirection,
    ShotSize,
)
from storyreel.tools.camera_policy import film_with_policy
from storyreel.tools.line_of_action import line_of_action
from storyreel.world.faces import face_angles, faces_owed, head_index, head_poses
from storyreel.world.world import World, WorldObject

#: How much showing the subject's back costs against other views (a share of occluded rays), per shot size.
FRONT_WEIGHT: dict[ShotSize, float] = {
    ShotSize.EXTREME_WIDE: 0.0,
    ShotSize.WIDE: 0.05,
    ShotSize.FULL: 0.15,
    ShotSize.MEDIUM: 0.3,
    ShotSize.MEDIUM_CLOSE_UP: 0.4,
    ShotSize.CLOSE_UP: 0.5,
    ShotSize.EXTREME_CLOSE_UP: 0.5,
}
RAISED_ELEVATION = 30.0  # degrees a blocked view may rise to see over what is in the way
TWO_SHOT_WEIGHT = 0.4  # what seeing two subjects one behind the other costs against other views
COVERED_TWO_SHOT_WEIGHT = 1.0  # the same in a shot the planner asked to hold as a two-shot: as bad as a blocked view
# Owed faces (world.faces.faces_owed): a view loses a face in a frame where it points more than FACE_MARGIN degrees
# off the camera (face_shown allows 70: 10 degrees spare for the sway of the head between sampled frames); losing
# every owed face in every sampled frame costs FACE_WEIGHT, more than a fully blocked view, so a face is all but a
# must. The director reads the faces at FACE_SAMPLES frames spread over the shot.
FACE_MARGIN = 60.0
FACE_WEIGHT = 1.2
FACE_SAMPLES = 7
FACE_AIMS = np.radians([-20.0, 20.0])  # besides the fixed candidates, views this far either side of an owed face
FRONT_SIDE = np.pi / 2  # radians an azimuth may lie off +z: the camera stays on the scene's front (180-degree rule)
# Over the shoulder: the camera looks past the listener, its line to the speaker passing OTS_BESIDE metres beside
# the listener's head (clear of head and shoulder, whose half-width is about 0.25 m) and standing at least
# OTS_BEHIND metres behind it, so the listener is a shoulder at the frame's edge.
OTS_BESIDE = 0.45
OTS_BEHIND = 0.6
# A place the sentence names (a landmark: said, not framed) should stand in the frame's background: a view that
# leaves it out of frame (its point nearest the aim's height beyond LANDMARK_INSIDE of the half-width) in every
# sampled frame costs LANDMARK_WEIGHT, as much as a fully blocked view.
LANDMARK_WEIGHT = 1.0
LANDMARK_INSIDE = 0.8
FACING_OFFSET = 25.0  # degrees off a face's direction a camera asked to face it stands
MIN_CAMERA_HEIGHT = 0.3
CRANE_CLEARANCE = 0.2  # metres over the lowest camera height a crane starts, so it never scrapes the ground
MIN_DISTANCE = 1.2  # metres the camera keeps from what it frames; closer framings narrow the lens instead
TILT_LIFT = 0.6  # a tilt starts this many frame heights above its subject
COLLISION_MARGIN = 0.5  # metres the camera keeps from any object's bounding sphere
CANDIDATE_AZIMUTHS = np.radians([0.0, -25.0, 25.0, -50.0, 50.0, -70.0, 70.0])
MIN_LINE_ANGLE = 30.0  # degrees a camera sent to one side of the line of action stands off the line
# A neutral view: a camera owed both a face and a side of the line of action, whose face view lies across the line,
# stands NEUTRAL_OFFSET degrees off the line (on the side asked for) at the end the face looks to, so it sees the
# face and crosses nothing (rule_180 counts 20 degrees either side of the line as neutral). Only where the face
# looks along the line, within NEUTRAL_REACH degrees, does that view still see it.
NEUTRAL_OFFSET = 12.0
NEUTRAL_REACH = 60.0


@dataclass(frozen=True)
class Framing:
    """Where the camera aims and from how far, per frame."""

    aim: Array  # (N, 3)
    distance: float
    fov_y: float


def direct_camera(
    world: World,
    shot: Shot,
    *,
    start: float,
    fps: int,
    aspect: float,
    seed: int = 0,
    director: Director | str = DEFAULT_DIRECTOR,
    direction: ShotDirection | None = None,
) -> CameraPath:
    """Film ``shot`` (story time ``start`` onwards) in ``world``: frame its subjects at the requested size and
    angle, and play its move, with the RL policy or the baseline ``director``. ``direction`` overrides the
    shot's size and move and reseeds, and sets the baseline's elevation, azimuth, distance and side (the policy
    corrects the baseline's path, so it honours them too). Deterministic for a given seed and direction."""
    if director not in tuple(Director):
        raise ValueError(f"camera director {director!r} is not one of {', '.join(Director)}")
    direction = direction or ShotDirection()
    if director == Director.RL:  # the policy corrects the baseline's path, direction and all
        base = direct_camera(
            world, shot, start=start, fps=fps, aspect=aspect, seed=seed, director=Director.BASELINE, direction=direction
        )
        return film_with_policy(world, directed_shot(shot, direction), base, start=start, aspect=aspect)
    shot = directed_shot(shot, direction)
    seed = seed + 7919 * direction.camera_seed
    frames = shot.frames(fps)
    times = start + np.arange(frames) / fps
    line = (direction.line or line_of_action(world, shot.subjects, start)) if direction.side else None
    onto = None  # a kept side: the clearest view is chosen among views on that side
    if line is not None and not direction.face and not direction.azimuth_offset:
        onto = partial(_azimuth_on_side, line, side=direction.side)
    framing, azimuth, elevation = _view(world, shot, times, aspect, seed, direction.distance_scale, onto)
    if direction.face:
        azimuth = _facing(world, shot, times, azimuth)
    azimuth += np.radians(direction.azimuth_offset)
    elevation = float(np.clip(elevation + direction.elevation_offset, -30.0, 80.0))
    if line is not None and direction.face:
        azimuth = _neutral(line, azimuth, direction.side)
    elif line is not None:
        azimuth = _azimuth_on_side(line, azimuth, direction.side)
    positions = _move(shot, framing, azimuth, elevation, frames)
    positions[:, 1] = np.maximum(positions[:, 1], MIN_CAMERA_HEIGHT)
    aims = _aim_for_move(shot.move, framing)
    orientations = [
        geometry.matrix_to_quaternion(geometry.look_at_rotation(position, aim))
        for position, aim in zip(positions, aims, strict=True)
    ]
    return CameraPath(
        fps=fps,
        positions=[tuple(map(float, p)) for p in positions],
        orientations=[tuple(map(float, q)) for q in orientations],
        fov_y=[framing.fov_y] * frames,
    )


def _view(
    world: World,
    shot: Shot,
    times: Array,
    aspect: float,
    seed: int,
    distance_scale: float,
    onto: Callable[[float], float] | None = None,
) -> tuple[Framing, float, float]:
    """The framing and the view (azimuth, elevation) the shot's coverage asks for: over the listener's shoulder
    where that view lies on the front side (else a two-shot of both), otherwise the clearest view of the framed
    subjects, framed again once the view says how far behind the aim each subject stands. ``distance_scale``
    backs the camera off (or in) from the framing's distance; ``onto`` moves each candidate azimuth where the
    camera must stand (a side of the line of action) before the clearest is chosen."""
    if shot.coverage is Coverage.OVER_THE_SHOULDER and len(shot.subjects) > 1:
        view = _over_the_shoulder(world, shot, _scaled(_framing(world, shot, times, aspect), distance_scale), times)
        if view is not None:
            return view
        shot = shot.model_copy(update={"coverage": Coverage.TWO_SHOT})
    framing = _scaled(_framing(world, shot, times, aspect), distance_scale)
    azimuth, elevation = _clearest_view(world, shot, framing, times, seed, aspect, onto)
    framing = _scaled(_framing(world, shot, times, aspect, (azimuth, elevation)), distance_scale)
    return framing, azimuth, elevation


def _scaled(framing: Framing, distance_scale: float) -> Framing:
    return Framing(aim=framing.aim, distance=framing.distance * distance_scale, fov_y=framing.fov_y)


def _over_the_shoulder(world: World, shot: Shot, framing: Framing, times: Array) -> tuple[Framing, float, float] | None:
    """Film the speaker (the shot's first subject, framed at the shot's size) past the listener's (second) shoulder:
    the camera behind the listener, its line to the speaker OTS_BESIDE beside the listener's head, on whichever side
    sees the speaker clearer and lies nearer +z. None when the listener is missing or no such view lies on the front
    side. The lens narrows where the camera stands farther than the framing's distance, so the size holds."""
    present = {obj.name: obj for obj in world.objects}
    listener = present.get(shot.subjects[1])
    if listener is None or shot.subjects[0] not in present:
        return None
    middle = len(times) // 2
    aim = framing.aim[middle]
    head = _head_centre(listener, float(times[middle]))
    apart = (head - aim) * np.array([1.0, 0.0, 1.0])
    length = float(np.linalg.norm(apart))
    if length < 1e-3:
        return None
    along = apart / length
    beside = np.array([along[2], 0.0, -along[0]])
    elevation = ELEVATION[shot.angle]
    distance = max(framing.distance, (length + OTS_BEHIND) / np.cos(np.radians(elevation)))
    views = []
    for side in (1.0, -1.0):
        shoulder = apart + side * OTS_BESIDE * beside
        azimuth = float(np.arctan2(shoulder[0], shoulder[2]))
        if abs(azimuth) <= FRONT_SIDE:
            eye = aim + _offset(azimuth, elevation, distance)
            blocked = float(world.occlusion(eye[None], shot.subjects[0], float(times[middle]), samples=8)[0])
            views.append((blocked + 0.1 * (1.0 - np.cos(azimuth)), azimuth))
    if not views:
        return None
    at_aim = 2 * framing.distance * np.tan(np.radians(framing.fov_y) / 2)  # the frame's height the size asks for
    fov_y = float(np.degrees(2 * np.arctan(at_aim / (2 * distance))))
    return Framing(aim=framing.aim, distance=distance, fov_y=fov_y), min(views)[1], elevation


def _head_centre(obj: WorldObject, time: float) -> Array:
    """Where ``obj``'s head is at ``time`` (its centre when it has no head)."""
    if head_index(obj) is None:
        return obj.center(time)
    return head_poses(obj, np.array([time]))[0][0]


def _facing(world: World, shot: Shot, times: Array, azimuth: float) -> float:
    """An azimuth in front of the main subject's face at mid-shot: FACING_OFFSET off its facing, on the side
    nearer ``azimuth`` (a face seen a little from the side reads better than dead on)."""
    names = framed_subjects(world, shot)
    if not names:
        return azimuth
    _, yaws = world.object(names[0]).track.sample(times[len(times) // 2 : len(times) // 2 + 1])
    yaw = float(yaws[0])
    side = 1.0 if np.sin(azimuth - yaw) >= 0 else -1.0
    return yaw + side * np.radians(FACING_OFFSET)


def _azimuth_on_side(line: LineOfAction, azimuth: float, side: int) -> float:
    """``azimuth`` moved onto ``side`` of ``line``: mirrored across it, and at least MIN_LINE_ANGLE off it so the
    side reads on screen. An azimuth already there is kept."""
    offset = np.array([np.sin(azimuth), 0.0, np.cos(azimuth)])
    along_line = np.asarray(line.direction)
    left = np.array([along_line[2], 0.0, -along_line[0]])
    along, across = float(offset @ along_line), float(offset @ left)
    if np.sign(across) == side and abs(np.degrees(np.arcsin(min(abs(across), 1.0)))) >= MIN_LINE_ANGLE:
        return azimuth
    angle = np.radians(max(np.degrees(np.arcsin(min(abs(across), 1.0))), MIN_LINE_ANGLE))
    moved = np.copysign(np.cos(angle), along or 1.0) * along_line + side * np.sin(angle) * left
    return float(np.arctan2(moved[0], moved[2]))


def _neutral(line: LineOfAction, azimuth: float, side: int) -> float:
    """A face view ``azimuth`` kept off the wrong ``side`` of ``line``: moved onto the line, NEUTRAL_OFFSET to
    ``side``, at the end it looks from, where it lies within NEUTRAL_REACH of the line (a face across the line
    cannot be seen from it: the face wins, and the view stays)."""
    offset = np.array([np.sin(azimuth), 0.0, np.cos(azimuth)])
    along_line = np.asarray(line.direction)
    left = np.array([along_line[2], 0.0, -along_line[0]])
    along, across = float(offset @ along_line), float(offset @ left)
    if np.sign(across) == side or abs(along) < np.cos(np.radians(NEUTRAL_REACH)):
        return azimuth
    angle = np.radians(NEUTRAL_OFFSET)
    moved = np.copysign(np.cos(angle), along) * along_line + side * np.sin(angle) * left
    return float(np.arctan2(moved[0], moved[2]))


def directed_shot(shot: Shot, direction: ShotDirection) -> Shot:
    """``shot`` with the size and move ``direction`` overrides."""
    update = {"size": direction.size, "move": direction.move}
    return shot.model_copy(update={key: value for key, value in update.items() if value is not None})


def _framing(world: World, shot: Shot, times: Array, aspect: float, view: tuple[float, float] | None = None) -> Framing:
    """Aim at the subjects' (smoothed) centre and back off until the requested size fills the frame and every
    subject reads (``envs.framing.frame_height``); with the ``view`` (azimuth, elevation) known, a subject behind
    the aim brings the camera closer and one in front of it takes more room."""
    names = framed_subjects(world, shot)
    fov_y = FIELD_OF_VIEW[shot.size]
    half_tan = np.tan(np.radians(fov_y) / 2)
    if not names:
        aim = np.tile([0.0, 1.0, 0.0], (len(times), 1))
        return Framing(aim=aim, distance=12.0, fov_y=fov_y)
    objects = [world.object(name) for name in names]
    centres = np.stack([[obj.center(t) for t in times] for obj in objects])  # (S, N, 3)
    aim = centres.mean(axis=0)
    aim[:, 1] += aim_lift(world, shot, names[0])  # medium and closer shots keep the head's room
    aim = smoothed_aim(aim, times)
    forward = None if view is None else -_offset(view[0], view[1], 1.0)
    fit, depths = fit_height(world, shot, names, centres, aim, times, aspect, forward)
    needed = frame_height(world, shot, names, fit, aspect, depths)
    distance = needed / (2 * half_tan)
    if distance < MIN_DISTANCE:  # a close shot of a small subject: a longer lens, not a camera in its face
        fov_y = float(np.degrees(2 * np.arctan(needed / (2 * MIN_DISTANCE))))
    return Framing(aim=aim, distance=float(np.clip(distance, MIN_DISTANCE, 80.0)), fov_y=fov_y)


def _offset(azimuth: float, elevation_deg: float, distance: float) -> Array:
    elevation = np.radians(elevation_deg)
    return distance * np.array(
        [np.cos(elevation) * np.sin(azimuth), np.sin(elevation), np.cos(elevation) * np.cos(azimuth)]
    )


def _clearest_view(
    world: World,
    shot: Shot,
    framing: Framing,
    times: Array,
    seed: int,
    aspect: float,
    onto: Callable[[float], float] | None = None,
) -> tuple[float, float]:
    """Pick the viewing direction (azimuth on the +z side, the scene's front, and elevation) that sees every owed
    face, whose rays to the framed subjects (the most hidden of them) are least blocked, which keeps the places
    the sentence names in the background and whose path hits nothing, preferring the requested angle and a view
    of the subject's front. Ties go to a seed-dependent azimuth so consecutive shots vary without crossing the
    line."""
    names = framed_subjects(world, shot)
    rng = np.random.default_rng(seed)
    preference = float(rng.uniform(-0.35, 0.35))
    elevation = ELEVATION[shot.angle]
    if not names:
        return preference, elevation
    middle = float(times[len(times) // 2])
    owed = faces_owed(shot, world)
    candidates = np.r_[preference + CANDIDATE_AZIMUTHS, _face_azimuths(world, owed, middle)]
    if onto is not None:
        candidates = np.array(list(dict.fromkeys(onto(float(azimuth)) for azimuth in candidates)))
    azimuths = np.tile(candidates, 2)
    elevations = np.repeat([elevation, min(elevation + RAISED_ELEVATION, 80.0)], len(candidates))
    offsets = np.stack([_offset(a, e, framing.distance) for a, e in zip(azimuths, elevations, strict=True)])
    samples = np.linspace(0, len(times) - 1, 5).astype(int)
    eyes = np.stack(
        [_move(shot, framing, a, e, len(times))[samples] for a, e in zip(azimuths, elevations, strict=True)]
    )  # (C, K, 3): where each candidate's camera is as it plays the move
    occluded = np.zeros(len(azimuths))
    for name in names:  # the most hidden of the framed subjects counts
        hidden = sum(world.occlusion(eyes[:, k], name, float(times[i]), samples=8) for k, i in enumerate(samples))
        occluded = np.maximum(occluded, hidden / len(samples))
    collisions = _collisions(world, names, framing.aim + offsets[:, None], times)
    _, yaws = world.object(names[0]).track.sample(np.array([middle]))
    back_view = 0.5 * (1.0 - np.cos(azimuths - yaws[0]))  # 0 facing the camera, 1 showing its back
    two_shot = COVERED_TWO_SHOT_WEIGHT if shot.coverage is Coverage.TWO_SHOT else TWO_SHOT_WEIGHT
    cost = (
        occluded
        + collisions
        + FACE_WEIGHT * _faces_lost(world, shot, framing, owed, azimuths, elevations, times)
        + LANDMARK_WEIGHT * _landmarks_lost(world, shot, framing, eyes, samples, times, aspect)
        + FRONT_WEIGHT[shot.size] * back_view
        + two_shot * _depth_skew(world, names, azimuths, middle)
        + 0.05 * np.abs(_wrapped(azimuths - preference))
        + 0.15 * (elevations != elevation)
    )
    best = int(np.argmin(cost))
    return float(azimuths[best]), float(elevations[best])


def _wrapped(angles: Array) -> Array:
    """Angles (radians) brought into [-pi, pi)."""
    return (angles + np.pi) % (2 * np.pi) - np.pi


def _face_azimuths(world: World, owed: list[str], time: float) -> Array:
    """Candidate azimuths FACE_AIMS either side of where each owed face points at ``time``, those on the front
    side."""
    azimuths: list[float] = []
    for name in owed:
        _, forwards, _ = head_poses(world.object(name), np.array([time]))
        azimuths.extend(_wrapped(np.arctan2(forwards[0, 0], forwards[0, 2]) + FACE_AIMS))
    return np.array([azimuth for azimuth in azimuths if abs(azimuth) <= FRONT_SIDE])


def _faces_lost(
    world: World, shot: Shot, framing: Framing, owed: list[str], azimuths: Array, elevations: Array, times: Array
) -> Array:
    """Per candidate view, the share of FACE_SAMPLES frames over the shot (the camera playing its move) in which
    some owed face points more than FACE_MARGIN degrees off the camera; 0 when no face is owed."""
    if not owed:
        return np.zeros(len(azimuths))
    samples = np.linspace(0, len(times) - 1, min(FACE_SAMPLES, len(times))).astype(int)
    eyes = np.stack(
        [_move(shot, framing, a, e, len(times))[samples] for a, e in zip(azimuths, elevations, strict=True)]
    )  # (C, K, 3)
    lost = np.zeros((len(azimuths), len(samples)), dtype=bool)
    for name in owed:
        centres, forwards, _ = head_poses(world.object(name), times[samples])
        lost |= face_angles(centres, forwards, eyes) > FACE_MARGIN
    return lost.mean(axis=1)


def _landmarks_lost(
    world: World, shot: Shot, framing: Framing, eyes: Array, samples: Array, times: Array, aspect: float
) -> Array:
    """Per candidate, from its eyes (C, K, 3) at the frames ``samples`` (K): the share of (landmark, frame) pairs
    in which a landmark the shot names (a house, the bakery: said, not framed) lies outside the frame, judged at
    its point nearest the aim's height; 0 when the shot names none."""
    framed = framed_subjects(world, shot)
    present = {obj.name for obj in world.objects}
    landmarks = [name for name in shot.subjects if name in present and name not in framed]
    if not landmarks:
        return np.zeros(len(eyes))
    aims, times, half_y = framing.aim[samples], times[samples], np.tan(np.radians(framing.fov_y) / 2)
    lost = np.zeros(len(eyes))
    for name in landmarks:
        obj = world.object(name)
        half_height = 0.5 * obj.height()
        for k, time in enumerate(times):
            point = obj.center(float(time))
            point[1] = np.clip(aims[k, 1], point[1] - half_height, point[1] + half_height)
            forward = aims[k][None] - eyes[:, k]
            forward /= np.linalg.norm(forward, axis=1, keepdims=True)
            right = np.stack([forward[:, 2], np.zeros(len(eyes)), -forward[:, 0]], axis=1)
            right /= np.maximum(np.linalg.norm(right, axis=1, keepdims=True), 1e-9)
            to_point = point[None] - eyes[:, k]
            depth = np.sum(to_point * forward, axis=1)
            across = np.abs(np.sum(to_point * right, axis=1)) / np.maximum(depth, 1e-6)
            lost += (depth <= 0) | (across > LANDMARK_INSIDE * half_y * aspect)
    return lost / (len(landmarks) * len(times))


def _depth_skew(world: World, names: list[str], azimuths: Array, time: float) -> Array:
    """Per candidate azimuth, how far one of two subjects stands behind the other along the view (|cos| of the
    angle between the view and the line joining them): 0 side by side, as a two-shot wants them, 1 one behind the
    other (the nearer one then fills the frame's edge). 0 for one subject."""
    if len(names) < 2:
        return np.zeros(len(azimuths))
    joining = world.object(names[1]).center(time) - world.object(names[0]).center(time)
    joining[1] = 0.0
    length = float(np.linalg.norm(joining))
    if length < 1e-6:
        return np.zeros(len(azimuths))
    views = np.stack([np.sin(azimuths), np.zeros(len(azimuths)), np.cos(azimuths)], axis=1)
    return np.abs(views @ (joining / length))


def _collisions(world: World, subjects: list[str], eyes: Array, times: Array) -> Array:
    """Per candidate, from its eye positions (C, N, 3) over the shot: 1 when it ever comes within
    COLLISION_MARGIN of a moving or standing object's bounding sphere (a bus driving through the camera)."""
    hits = np.zeros(len(eyes))
    for obj in world.objects:
        if obj.name in subjects:
            continue
        bounds = obj.asset.bounds * obj.scale
        radius = 0.5 * float(np.linalg.norm(bounds[1] - bounds[0]))
        centres = obj.root_matrices(times)[:, :3, 3] + bounds.mean(axis=0)
        clearance = np.linalg.norm(eyes - centres[None], axis=2).min(axis=1) - radius
        hits = np.maximum(hits, (clearance < COLLISION_MARGIN).astype(float))
    return hits


def _move(shot: Shot, framing: Framing, azimuth: float, elevation: float, frames: int) -> Array:
    """Camera positions (N, 3) for the shot's move around the framing."""
    u = geometry.smoothstep(np.linspace(0.0, 1.0, frames))
    mean_aim = framing.aim.mean(axis=0)
    distance = framing.distance
    match shot.move:
        case CameraMove.DOLLY_IN:
            return np.stack(
                [framing.aim[i] + _offset(azimuth, elevation, distance * (1.6 - 0.6 * s)) for i, s in enumerate(u)]
            )
        case CameraMove.DOLLY_OUT:
            return np.stack(
                [framing.aim[i] + _offset(azimuth, elevation, distance * (1.0 + 0.6 * s)) for i, s in enumerate(u)]
            )
        case CameraMove.ORBIT:
            return np.stack(
                [framing.aim[i] + _offset(azimuth - 0.6 + 1.2 * s, elevation, distance) for i, s in enumerate(u)]
            )
        case CameraMove.CRANE:  # rises from 10 degrees under the angle, or from just over the ground
            ground = (MIN_CAMERA_HEIGHT + CRANE_CLEARANCE - float(framing.aim[:, 1].min())) / distance
            low = max(elevation - 10, float(np.degrees(np.arcsin(np.clip(ground, -1.0, 1.0)))))
            return np.stack(
                [framing.aim[i] + _offset(azimuth, low + (elevation + 25 - low) * s, distance) for i, s in enumerate(u)]
            )
        case CameraMove.TRACK:
            return framing.aim + _offset(azimuth, elevation, distance)
        case _:  # static, pan and tilt keep the camera still and stand back from the action
            back = _offset(azimuth, elevation, 1.0)
            distance = standing_distance(shot.move, distance, framing.aim, framing.fov_y, back)
            return np.tile(mean_aim + _offset(azimuth, elevation, distance), (frames, 1))


def _aim_for_move(move: CameraMove, framing: Framing) -> Array:
    """Where the camera looks per frame: a static camera holds its aim; a tilt starts above (by TILT_LIFT of the
    frame's height at the subject) and settles."""
    aim = framing.aim
    match move:
        case CameraMove.STATIC:
            return np.tile(aim.mean(axis=0), (len(aim), 1))
        case CameraMove.TILT:
            frame_height = 2 * framing.distance * np.tan(np.radians(framing.fov_y) / 2)
            lift = (1.0 - geometry.smoothstep(np.linspace(0.0, 1.0, len(aim)))) * TILT_LIFT * frame_height
            return aim + np.c_[np.zeros(len(aim)), lift, np.zeros(len(aim))]
        case _:
            return aim
