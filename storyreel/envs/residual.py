"""The residual camera: the baseline director plans a shot's path and a policy corrects it frame by frame.

A correction is six numbers, each held within its bound: the camera moved right, up and forward in its own frame
(up to OFFSET_LIMIT times the shot's scale), turned in yaw and pitch (up to AIM_LIMIT), and its focal length
lengthened or shortened (up to a factor LENS_LIMIT). An action is the corrections asked for, which they follow
eased and sprung (:class:`Correction`), so a zero action films exactly the baseline's path and a steady one a
steadily corrected path. Each frame is scored by what the shot checks measure of it (:class:`Terms`), so the
policy learns only what the baseline misses: an occluder coming into the line of sight, a subject leaving the
planned frame, a face turning away, a jolt.

Numpy only: filming with a trained policy (``tools/camera_policy.py``) needs neither torch nor gymnasium; the
environment (``training/residual_camera.py``) and training (``training/train_camera.py``) wrap this a floor above
``tools/``, since they plan each scenario's shot with the baseline director.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from storyreel import geometry
from storyreel.envs.framing import (
    MARGIN,
    MIN_CAMERA_HEIGHT,
    MOVES,
    FramingTargets,
    FramingTask,
    build_task,
    framing_cost,
    framing_errors,
    framing_targets,
    move_cost,
    object_centres,
)
from storyreel.geometry import Array
from storyreel.schema import (
    ANGULAR_JERK_LIMIT,
    FACE_ANGLE,
    LINEAR_JERK_LIMIT,
    MIN_SUBJECT_SPAN,
    OCCLUSION_THRESHOLD,
    SHOWN_MAX_HIDDEN,
    CameraPath,
    Shot,
)
from storyreel.world.faces import face_angles, faces_owed, head_poses
from storyreel.world.world import World

ACTION_SIZE = 6
OFFSET_LIMIT = 0.3  # times the shot's scale the camera may move off the planned position, along each axis
AIM_LIMIT = np.radians(10.0)  # the most the camera turns off the planned aim, in yaw and in pitch
LENS_LIMIT = 1.3  # the most the focal length is lengthened or shortened by, as a factor
LAG = 0.3  # seconds the eased action takes to follow the action
STIFFNESS = 3.0  # rad/s: the corrections follow the eased action within about 1.5 s
LOOK_AHEAD = (0.5, 1.0)  # seconds ahead the observation looks for occluders and where the subjects will be
PROBE = 0.15  # times the shot's scale the look-ahead probes stand off the camera (right, up, forward)
FACE_EASY = 45.0  # degrees off the camera from which a turned face starts to cost (FACE_ANGLE fails the check)
OBSERVATION_SIZE = 60
OBSERVATION_LIMIT = 20.0  # every observation lies in [-20, 20] (all but the rarest lie in [-5, 5])

#: Weight of each reward term (see :class:`Terms`).
WEIGHTS: dict[str, float] = {
    "framing": 1.0,
    "shown": 1.0,
    "face": 1.0,
    "occlusion": 1.0,
    "jerk": 0.5,
    "collision": 1.0,
    "move": 0.5,
    "action_rate": 0.5,
}


@dataclass
class Terms:
    """One frame's costs, each what a shot check measures of the frame, normalised as the check normalises it
    (1 = at the check's limit), capped at 1 (collision and jerk at 2). The reward is minus their weighted sum.

    | Term        | Cost                                                                                  |
    |-------------|---------------------------------------------------------------------------------------|
    | framing     | ``framing``'s per-frame cost (position and size error over their tolerances) / 2       |
    | shown       | share of the named subjects not shown: off frame, under ``MIN_SUBJECT_SPAN`` of the     |
    |             | frame's height, or (the main subject) more than ``SHOWN_MAX_HIDDEN`` hidden             |
    | face        | worst owed face: 1 out of frame, else its angle off the camera from FACE_EASY, over     |
    |             | FACE_ANGLE - FACE_EASY (1 = the ``face_shown`` limit)                                   |
    | occlusion   | share of the main subject hidden / ``OCCLUSION_THRESHOLD`` / 2                          |
    | jerk        | ``camera_jerk``'s per-frame normalised jerk                                            |
    | collision   | 1 - clearance / MARGIN to the nearest object, when nearer than MARGIN                  |
    | move        | how far the camera strays from the requested move (``envs.framing.move_cost``)          |
    | action_rate | how far the action moved since the previous frame's (smooth control)                   |
    """

    framing: float
    shown: float
    face: float
    occlusion: float
    jerk: float
    collision: float
    move: float
    action_rate: float = 0.0

    def reward(self) -> float:
        return -sum(WEIGHTS[name] * value for name, value in self.__dict__.items())


@dataclass(frozen=True)
class ResidualTask:
    """A shot to film, its baseline path and what the checks ask of each frame."""

    framing: FramingTask  # times, aim, occlusion field and clearance of the shot (``envs/framing.py``)
    base: CameraPath  # the baseline director's path
    base_rotations: Array  # (N, 3, 3)
    targets: FramingTargets | None  # what the framing check asks (None: nothing to frame)
    named: list[str]  # the subjects the shot names that the world holds
    named_centres: Array  # (K, N, 3)
    named_heights: Array  # (K,)
    heads: Array  # (F, N, 3): each owed face's head centre
    head_forwards: Array  # (F, N, 3): where each owed face points

    @property
    def frames(self) -> int:
        return self.framing.frames

    @property
    def scale(self) -> float:
        return self.framing.scale


def build_residual_task(
    world: World,
    shot: Shot,
    base: CameraPath,
    *,
    start: float,
    aspect: float,
    field_cache: dict[tuple[str, float], tuple[Array, Array]] | None = None,
) -> ResidualTask:
    """The :class:`ResidualTask` of filming ``shot`` in ``world`` from story time ``start``, correcting ``base``
    (the baseline director's path at the frame rate to film at)."""
    task = build_task(world, shot, start=start, fps=base.fps, aspect=aspect, field_cache=field_cache)
    present = {obj.name for obj in world.objects}
    named = [name for name in shot.subjects if name in present]
    owed = faces_owed(shot, world)
    heads = [head_poses(world.object(name), task.times)[:2] for name in owed]
    return ResidualTask(
        framing=task,
        base=base,
        base_rotations=np.stack([geometry.quaternion_to_matrix(np.array(q)) for q in base.orientations]),
        targets=framing_targets(base, shot, world, start, aspect),
        named=named,
        named_centres=np.stack([object_centres(world, name, task.times) for name in named])
        if named
        else np.zeros((0, task.frames, 3)),
        named_heights=np.array([world.object(name).height() for name in named]),
        heads=np.stack([h[0] for h in heads]) if heads else np.zeros((0, task.frames, 3)),
        head_forwards=np.stack([h[1] for h in heads]) if heads else np.zeros((0, task.frames, 3)),
    )


@dataclass
class Correction:
    """The six corrections (each in [-1, 1] of its bound) and their rates. The action (the corrections asked for)
    is first eased with a first-order LAG, and the corrections follow the eased action as a critically damped
    spring of natural frequency STIFFNESS: a change of action then changes the camera's jerk gradually, never its
    velocity or acceleration at once (a jolt), so even a jumpy policy moves the camera smoothly."""

    value: Array = field(default_factory=lambda: np.zeros(ACTION_SIZE))
    rate: Array = field(default_factory=lambda: np.zeros(ACTION_SIZE))
    asked: Array = field(default_factory=lambda: np.zeros(ACTION_SIZE))  # the eased action

    def step(self, action: Array, dt: float) -> None:
        self.asked = self.asked + (np.clip(action, -1.0, 1.0) - self.asked) * min(1.0, dt / LAG)
        pull = STIFFNESS**2 * (self.asked - self.value) - 2 * STIFFNESS * self.rate
        self.rate = self.rate + pull * dt
        moved = self.value + self.rate * dt
        self.value = np.clip(moved, -1.0, 1.0)
        self.rate = np.where(moved == self.value, self.rate, 0.0)  # a correction at its bound stops there


def corrected_pose(task: ResidualTask, frame: int, correction: Array) -> tuple[Array, Array, Array, float]:
    """The camera at ``frame``: the baseline's pose moved, turned and zoomed by ``correction``, as a position,
    a rotation, the same as a quaternion, and a vertical field of view. No correction is the baseline's pose to
    the bit."""
    base = task.base
    rotation, orientation = task.base_rotations[frame], np.asarray(base.orientations[frame], dtype=float)
    position = np.asarray(base.positions[frame], dtype=float)
    if correction[:3].any():
        offset = correction[:3] * OFFSET_LIMIT * task.scale * np.array([1.0, 1.0, -1.0])  # forward: the camera's -z
        position = position + rotation @ offset
        position[1] = max(position[1], MIN_CAMERA_HEIGHT)
    if correction[3:5].any():
        yaw, pitch = correction[3] * AIM_LIMIT, correction[4] * AIM_LIMIT
        turn_yaw = np.array([[np.cos(yaw), 0.0, np.sin(yaw)], [0.0, 1.0, 0.0], [-np.sin(yaw), 0.0, np.cos(yaw)]])
        turn_pitch = np.array(
            [[1.0, 0.0, 0.0], [0.0, np.cos(pitch), -np.sin(pitch)], [0.0, np.sin(pitch), np.cos(pitch)]]
        )
        rotation = rotation @ turn_yaw @ turn_pitch
        orientation = geometry.matrix_to_quaternion(rotation)
    fov_y = float(base.fov_y[frame])
    if correction[5]:
        fov_y = float(np.degrees(2 * np.arctan(np.tan(np.radians(fov_y) / 2) / LENS_LIMIT ** correction[5])))
    return position, rotation, orientation, fov_y


class ResidualEpisode:
    """One shot filmed frame by frame: the baseline's pose corrected by the policy's actions, each frame scored."""

    def __init__(self, task: ResidualTask) -> None:
        self.task = task
        self.correction = Correction()
        self.last_action = np.zeros(ACTION_SIZE)
        self.positions: list[Array] = []
        self.rotations: list[Array] = []
        self.orientations: list[Array] = []
        self.fovs: list[float] = []
        self.terms: list[Terms] = []
        self._record(0.0)

    @property
    def frame(self) -> int:
        return len(self.positions) - 1

    @property
    def done(self) -> bool:
        return len(self.positions) >= self.task.frames

    def act(self, action: NDArray[np.floating]) -> Terms:
        """Step the corrections under ``action`` and film and score the next frame."""
        clipped: Array = np.clip(np.asarray(action, dtype=float), -1.0, 1.0)
        change = min(1.0, float(np.linalg.norm(clipped - self.last_action)))
        self.last_action = clipped
        self.correction.step(clipped, 1.0 / self.task.framing.fps)
        return self._record(change)

    def path(self) -> CameraPath:
        return CameraPath(
            fps=self.task.base.fps,
            positions=[tuple(map(float, p)) for p in self.positions],
            orientations=[tuple(map(float, q)) for q in self.orientations],
            fov_y=list(self.fovs),
        )

    def _record(self, action_change: float) -> Terms:
        frame = len(self.positions)
        position, rotation, orientation, fov_y = corrected_pose(self.task, frame, self.correction.value)
        self.positions.append(position)
        self.rotations.append(rotation)
        self.orientations.append(orientation)
        self.fovs.append(fov_y)
        terms = self._score(frame)
        terms.action_rate = action_change
        self.terms.append(terms)
        return terms

    def _project(self, points: Array) -> tuple[Array, Array]:
        """``points`` (P, 3) in NDC (x right, y up) and depth, by the camera of the latest frame."""
        view = np.eye(4)
        rotation, position = self.rotations[-1], self.positions[-1]
        view[:3, :3] = rotation.T
        view[:3, 3] = -rotation.T @ position
        projection = geometry.perspective(self.fovs[-1], self.task.framing.aspect)
        pixels, depth = geometry.project(points, view, projection, 2, 2)
        return np.stack([pixels[:, 0] - 1.0, 1.0 - pixels[:, 1]], axis=1), depth

    def _framing_errors(self, frame: int) -> tuple[float, float]:
        targets = self.task.targets
        if targets is None:
            return 0.0, 0.0
        ndc, depth = self._project(targets.points(frame))
        return framing_errors(ndc, depth, float(targets.wanted[frame]))

    def _hidden(self, time: float, eyes: Array) -> Array:
        """Share of the main subject hidden from each of ``eyes`` at ``time`` (the occlusion field's rays)."""
        if not self.task.framing.subjects:
            return np.zeros(len(eyes))
        return self.task.framing.occlusion(time, eyes)

    def _shown_missing(self, frame: int, hidden: float) -> float:
        task = self.task
        if not task.named:
            return 0.0
        half = np.zeros((len(task.named), 3))
        half[:, 1] = task.named_heights / 2
        centres = task.named_centres[:, frame]
        ndc, depth = self._project(np.concatenate([centres, centres + half, centres - half]))
        count = len(task.named)
        centre, top, bottom = ndc[:count], ndc[count : 2 * count], ndc[2 * count :]
        in_front = np.all(depth.reshape(3, count) > 0.05, axis=0)
        inside = np.all(np.abs(centre) <= 1.0, axis=1)
        legible = np.abs(top[:, 1] - bottom[:, 1]) / 2 >= MIN_SUBJECT_SPAN
        shown = in_front & inside & legible
        main = task.framing.subjects[0] if task.framing.subjects else None
        if main in task.named and hidden > SHOWN_MAX_HIDDEN:
            shown[task.named.index(main)] = False
        return float(np.mean(~shown))

    def _face_angles(self, frame: int, eye: Array) -> tuple[Array, Array]:
        """Each owed face's angle off ``eye`` (degrees) at ``frame``, and whether its head is in the latest frame."""
        task = self.task
        if not len(task.heads):
            return np.zeros(0), np.zeros(0, dtype=bool)
        angles = face_angles(task.heads[:, frame], task.head_forwards[:, frame], eye[None])
        ndc, depth = self._project(task.heads[:, frame])
        return angles, (depth > 0.05) & np.all(np.abs(ndc) <= 1.0, axis=1)

    def _score(self, frame: int) -> Terms:
        task, position = self.task, self.positions[-1]
        time = float(task.framing.times[frame])
        position_error, size_ratio = self._framing_errors(frame)
        hidden = float(self._hidden(time, position[None])[0])
        angles, inside = self._face_angles(frame, position)
        face = 0.0
        if len(angles):
            turned = np.clip((angles - FACE_EASY) / (FACE_ANGLE - FACE_EASY), 0.0, 1.0)
            face = float(np.max(np.where(inside, turned, 1.0)))
        gap, _ = task.framing.clearance(frame, position)
        return Terms(
            framing=min(2.0, float(framing_cost(position_error, size_ratio))) / 2,
            shown=self._shown_missing(frame, hidden),
            face=face,
            occlusion=min(1.0, hidden / OCCLUSION_THRESHOLD / 2),
            jerk=self._jerk(),
            collision=min(2.0, max(0.0, 1.0 - gap / MARGIN)),
            move=move_cost(task.framing, self.positions, frame),
        )

    def _jerk(self) -> float:
        """This frame's linear and angular jerk, each over the camera_jerk check's limit, the larger (up to 2)."""
        if len(self.positions) < 4:
            return 0.0
        fps = self.task.framing.fps
        p = self.positions[-4:]
        linear = float(np.linalg.norm(p[3] - 3 * p[2] + 3 * p[1] - p[0])) * fps**3
        rates = [_rotation_vector(self.rotations[i - 1], self.rotations[i]) * fps for i in (-3, -2, -1)]
        angular = float(np.linalg.norm(rates[2] - 2 * rates[1] + rates[0])) * fps**2
        return min(2.0, max(linear / LINEAR_JERK_LIMIT, angular / ANGULAR_JERK_LIMIT))

    def observe(self) -> NDArray[np.float32]:
        """The policy's view of the latest frame (see the environment's observation table)."""
        task, frame = self.task, self.frame
        framing, scale = task.framing, task.scale
        rotation, position = self.rotations[-1], self.positions[-1]
        to_camera = rotation.T
        time = float(framing.times[frame])
        ahead = [min(frame + round(s * framing.fps), task.frames - 1) for s in LOOK_AHEAD]
        aim_now = self._screen_error(frame)
        aim_ahead = self._screen_error(ahead[0])
        second = np.zeros(4)
        if len(task.named) > 1:
            ndc, depth = self._project(task.named_centres[1:2, frame])
            second = np.r_[np.clip(ndc[0], -3, 3), float(depth[0] > 0.05 and np.all(np.abs(ndc[0]) <= 1)), 1.0]
        face = np.zeros(3)
        if len(task.heads):
            now, _ = self._face_angles(frame, position)
            later, _ = self._face_angles(ahead[0], position)
            face = np.array([1.0, float(now.max()) / 90.0 - 1.0, float(later.max()) / 90.0 - 1.0])
        right, up, back = rotation[:, 0], rotation[:, 1], rotation[:, 2]
        step = PROBE * scale
        probes = np.array([position + step * axis * sign for axis in (right, up, -back) for sign in (1, -1)])
        hidden_now = self._hidden(time, position[None])
        looks = []
        for index in ahead:
            looks.append(self._hidden(float(framing.times[index]), np.vstack([position[None], probes])))
        gap, towards = framing.clearance(frame, position)
        following = min(frame + 1, task.frames - 1)
        base_velocity = (np.asarray(task.base.positions[following]) - np.asarray(task.base.positions[frame])) * (
            framing.fps
        )
        subject_velocity = (framing.aim[following] - framing.aim[max(following - 1, 0)]) * framing.fps
        one_hot = np.zeros(len(MOVES))
        one_hot[MOVES.index(task.framing.shot.move)] = 1.0
        parts = [
            self.correction.value,
            self.correction.rate / STIFFNESS,
            aim_now,
            aim_ahead,
            second,
            face,
            [hidden_now[0], looks[0][0], looks[1][0]],
            [looks[k][1 + 2 * axis] - looks[k][2 + 2 * axis] for k in range(2) for axis in range(3)],
            (to_camera @ towards) * np.exp(-max(gap, 0.0) / MARGIN),
            [np.clip(gap / scale, -1, 3)],
            np.clip(to_camera @ base_velocity / scale, -5, 5),
            np.clip(to_camera @ subject_velocity / scale, -5, 5),
            [framing.progress(frame), 12.0 / framing.fps],
            one_hot,
            self.last_action,
        ]
        observation = np.concatenate([np.ravel(np.asarray(p, dtype=float)) for p in parts])
        return np.clip(observation, -OBSERVATION_LIMIT, OBSERVATION_LIMIT).astype(np.float32)

    def _screen_error(self, frame: int) -> Array:
        """Where the aim point of ``frame`` falls from its place, and the main subject's size error, seen by the
        latest camera (three numbers; behind the camera counts as far off)."""
        targets = self.task.targets
        if targets is None:
            return np.zeros(3)
        ndc, depth = self._project(targets.points(frame))
        _, size_ratio = framing_errors(ndc, depth, float(targets.wanted[frame]))
        offset = np.clip(ndc[0], -3, 3) if depth[0] > 0.05 else np.array([3.0, 3.0])
        return np.array([offset[0], offset[1], np.clip(size_ratio, -3, 3)])


def _rotation_vector(before: Array, after: Array) -> Array:
    """Rotation vector (axis * angle, world frame) that turns ``before`` into ``after``."""
    relative = after @ before.T
    angle = float(np.arccos(np.clip((np.trace(relative) - 1) / 2, -1.0, 1.0)))
    if angle < 1e-9:
        return np.zeros(3)
    axis = np.array([relative[2, 1] - relative[1, 2], relative[0, 2] - relative[2, 0], relative[1, 0] - relative[0, 1]])
    return axis / (2 * np.sin(angle)) * angle


def rollout(task: ResidualTask, act: Callable[[NDArray[np.float32]], Array]) -> ResidualEpisode:
    """Film the whole shot with a policy ``act`` (observation -> action)."""
    episode = ResidualEpisode(task)
    while not episode.done:
        episode.act(act(episode.observe()))
    return episode


def zero_action(_: NDArray[np.float32]) -> Array:
    """No correction: the baseline's path exactly."""
    return np.zeros(ACTION_SIZE)


def summary(episode: ResidualEpisode) -> dict[str, float]:
    """An episode's return and its mean cost terms per frame."""
    terms = episode.terms
    means = {name: float(np.mean([getattr(t, name) for t in terms])) for name in WEIGHTS}
    return {"return": float(sum(t.reward() for t in terms)), **means}
