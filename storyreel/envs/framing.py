"""Camera framing in plain numpy: what a shot asks of the camera, shared by the baseline director, the framing
check and the residual policy.

The size a shot's subjects should fill (``frame_height``, ``fit_height``, ``standing_distance``), the aim point and
how a move changes distance and elevation are defined here once. :class:`FramingTask` precomputes everything
about filming one shot that does not depend on the camera: the subjects' per-frame aim point, the obstacles as
upright capsules, and an occlusion field (``World.occlusion`` ray tests from a grid of viewpoints round the main
subject every half second) that a step reads by interpolation instead of casting rays; ``move_cost`` scores how a
camera keeps the requested move. The residual policy (``residual.py``) builds on it; it needs neither gymnasium
nor torch.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from storyreel import geometry
from storyreel.geometry import Array
from storyreel.schema import (
    AIM_HEIGHT,
    FIELD_OF_VIEW,
    FIT_SPREAD,
    FRAME_SPAN,
    LANDMARK_HEIGHT,
    LEGIBLE_SPAN,
    POSITION_TOLERANCE,
    SIZE_TOLERANCE,
    CameraMove,
    CameraPath,
    Shot,
)
from storyreel.world.kinds import PEOPLE_KINDS
from storyreel.world.world import World, WorldObject

STILL_MOVES = (CameraMove.STATIC, CameraMove.PAN, CameraMove.TILT)  # the camera stands; it only turns
PASS_STEPS = 8  # tries at backing a standing camera out of a subject's way
PASS_MARGIN = 0.5  # metres added on each try
MOVES = tuple(CameraMove)
ORBIT_SWEEP = 1.2  # radians an orbit turns over the shot
VERTICAL_ROOM = 0.9  # share of the frame's height the framed subjects may fill top to bottom
# Legibility: the baseline director's frame closes in until the smallest framed subject (its height; a flat thing,
# lower than FLAT_RATIO of its largest dimension, by that dimension) spans schema.LEGIBLE_SPAN of the frame's height.
FLAT_RATIO = 0.5
MIN_CAMERA_HEIGHT = 0.3
MARGIN = 0.5  # metres the camera keeps from any object
OCCLUSION_STEP = 0.5  # seconds between occlusion field samples
GRID_AZIMUTHS = 16
GRID_ELEVATIONS = np.radians([-15.0, 5.0, 25.0, 50.0, 80.0])
GRID_DISTANCES = np.array([0.5, 1.0, 2.0])  # times the nominal distance


def nominal_distance(shot: Shot, height: float, spread: float, aspect: float, vertical: float = 0.0) -> float:
    """Distance from the aim point at which the main subject fills the requested share of the frame and every
    framed subject fits (across: ``spread``; top to bottom: ``vertical``, see :func:`vertical_span`)."""
    half_tan = np.tan(np.radians(FIELD_OF_VIEW[shot.size]) / 2)
    needed = max(FRAME_SPAN[shot.size] * height, FIT_SPREAD * spread / max(aspect, 1e-3), vertical)
    return float(np.clip(needed / (2 * half_tan), 1.2, 80.0))


def distance_factor(move: CameraMove, progress: float) -> float:
    """The requested distance at ``progress`` (0..1, eased) as a multiple of the nominal one: dollies move."""
    if move is CameraMove.DOLLY_IN:
        return 1.6 - 0.6 * progress
    if move is CameraMove.DOLLY_OUT:
        return 1.0 + 0.6 * progress
    return 1.0


@dataclass
class FramingTask:
    """Everything about filming one shot that does not depend on the camera, per frame at ``fps``."""

    world: World
    shot: Shot
    start: float
    fps: int
    aspect: float
    screen_x: float  # where the aim point should sit across the frame (0 left, 1 right)
    subjects: list[str]
    times: Array  # (N,)
    aim: Array  # (N, 3): the framed subjects' mean centre (raised for close shots)
    framed: Array  # (S, N, 3): each framed subject's centre
    lift: float  # how far above a subject's centre the camera aims (close shots favour the head end)
    height: float  # the main subject's height
    distance: float  # nominal distance
    fov_y: float
    capsules: Array  # (O, N, 3): each object's root; capsule from there up its height
    capsule_size: Array  # (O, 2): footprint radius, height
    occlusion_times: Array  # (T,)
    occlusion_field: Array  # (T, azimuths, elevations, distances)

    @property
    def frames(self) -> int:
        return len(self.times)

    @property
    def scale(self) -> float:
        """The length (m) observations are measured in: shots of every size look alike to the policy."""
        return max(self.distance, 2.0)

    def progress(self, frame: int) -> float:
        return float(geometry.smoothstep(frame / max(self.frames - 1, 1)))

    def target_share(self, frame: int) -> float:
        """Share of the frame's height the main subject should span at ``frame``."""
        return 1.0 / FRAME_SPAN[self.shot.size] / distance_factor(self.shot.move, self.progress(frame))

    def occlusion(self, time: float, eyes: Array) -> Array:
        """Interpolated share of blocked rays from each eye (E, 3) to the main subject at ``time``."""
        centre = self._main_centre(time)
        offset = np.atleast_2d(eyes) - centre
        reach = np.maximum(np.linalg.norm(offset, axis=1), 1e-6)
        azimuth = np.mod(np.arctan2(offset[:, 0], offset[:, 2]), 2 * np.pi) / (2 * np.pi) * GRID_AZIMUTHS
        elevation = np.interp(np.arcsin(offset[:, 1] / reach), GRID_ELEVATIONS, np.arange(len(GRID_ELEVATIONS)))
        distance = np.interp(np.log(reach / self.distance), np.log(GRID_DISTANCES), np.arange(len(GRID_DISTANCES)))
        when = float(np.interp(time, self.occlusion_times, np.arange(len(self.occlusion_times))))
        low = int(when)
        high = min(low + 1, len(self.occlusion_times) - 1)
        grid = (1 - (when - low)) * self.occlusion_field[low] + (when - low) * self.occlusion_field[high]
        return _trilinear(grid, azimuth, elevation, distance)

    def clearance(self, frame: int, position: Array) -> tuple[float, Array]:
        """Distance (m) from ``position`` to the nearest object's capsule surface, and the unit direction to it."""
        if not len(self.capsules):
            return 99.0, np.zeros(3)
        base = self.capsules[:, frame]
        along = np.clip(position[1] - base[:, 1], 0.0, self.capsule_size[:, 1])
        offsets = base - position
        offsets[:, 1] += along
        gaps = np.linalg.norm(offsets, axis=1) - self.capsule_size[:, 0]
        index = int(np.argmin(gaps))
        return float(gaps[index]), offsets[index] / max(float(np.linalg.norm(offsets[index])), 1e-6)

    def _main_centre(self, time: float) -> Array:
        return np.array([np.interp(time, self.times, self.framed[0, :, axis]) for axis in range(3)])


def _trilinear(grid: Array, azimuth: Array, elevation: Array, distance: Array) -> Array:
    """Interpolate an (A, E, D) grid at fractional indices; the azimuth axis wraps round."""
    size_a, size_e, size_d = grid.shape
    a0, e0, d0 = (np.floor(v).astype(int) for v in (azimuth, elevation, distance))
    wa, we, wd = azimuth - a0, elevation - e0, distance - d0
    a = (np.mod(a0, size_a), np.mod(a0 + 1, size_a))
    e = (np.clip(e0, 0, size_e - 1), np.clip(e0 + 1, 0, size_e - 1))
    d = (np.clip(d0, 0, size_d - 1), np.clip(d0 + 1, 0, size_d - 1))
    result = np.zeros(len(azimuth))
    for i, weight_a in ((0, 1 - wa), (1, wa)):
        for j, weight_e in ((0, 1 - we), (1, we)):
            for k, weight_d in ((0, 1 - wd), (1, wd)):
                result += weight_a * weight_e * weight_d * grid[a[i], e[j], d[k]]
    return result


def occlusion_field(world: World, subject: str, centres: Array, times: Array, distance: float) -> Array:
    """``World.occlusion`` from a grid of viewpoints (azimuth x elevation x distance) round ``subject``'s centre
    at each of ``times``: (T, A, E, D)."""
    azimuths = np.arange(GRID_AZIMUTHS) * 2 * np.pi / GRID_AZIMUTHS
    a, e, d = np.meshgrid(azimuths, GRID_ELEVATIONS, GRID_DISTANCES * distance, indexing="ij")
    offsets = np.stack([d * np.cos(e) * np.sin(a), d * np.sin(e), d * np.cos(e) * np.cos(a)], axis=-1).reshape(-1, 3)
    field = np.empty((len(times), GRID_AZIMUTHS, len(GRID_ELEVATIONS), len(GRID_DISTANCES)))
    for i, (time, centre) in enumerate(zip(times, centres, strict=True)):
        field[i] = world.occlusion(centre + offsets, subject, float(time), samples=8).reshape(field.shape[1:])
    return field


def framed_subjects(world: World, shot: Shot) -> list[str]:
    """The shot's framed subjects that are in the world (else its first actor): its main subject, and the others
    but for landmarks (a still thing over LANDMARK_HEIGHT, such as a tree or a house: it says where, and only has
    to be seen, not held whole in the frame)."""
    present = {obj.name: obj for obj in world.objects}
    names = [name for name in shot.framed_subjects() if name in present]
    names = names[:1] + [
        name for name in names[1:] if present[name].is_character or present[name].height() <= LANDMARK_HEIGHT
    ]
    return names or [a.actor for a in shot.actions if a.actor in present][:1]


def vertical_span(world: World, names: list[str], aim: Array, times: Array) -> float:
    """The frame height (metres, at the aim) that keeps every framed subject's top and every other subject's feet
    inside the frame with room (they fill at most VERTICAL_ROOM of it): a two-shot of a woman and her dog is as
    tall as it takes to show the dog whole. The main subject's own feet may leave a medium shot; 0 for one subject."""
    if len(names) < 2:
        return 0.0
    reach = 0.0
    for index, name in enumerate(names):
        centres, half = object_centres(world, name, times)[:, 1], world.object(name).height() / 2
        reach = max(reach, float(np.max(centres + half - aim[:, 1])))
        if index:
            reach = max(reach, float(np.max(aim[:, 1] - (centres - half))))
    return 2 * reach / VERTICAL_ROOM


def legible_size(obj: WorldObject) -> float:
    """The size (metres) by which ``obj`` reads on screen: its height, or a flat thing's largest dimension."""
    extents = (obj.asset.bounds[1] - obj.asset.bounds[0]) * obj.scale
    largest = float(np.max(extents))
    return largest if extents[1] < FLAT_RATIO * largest else float(extents[1])


def aim_lift(world: World, shot: Shot, name: str) -> float:
    """How far (metres) above the main subject ``name``'s centre the baseline director aims: in medium and closer
    sizes a figure keeps its head's room (``AIM_HEIGHT``); a thing is framed whole, about its centre."""
    obj = world.object(name)
    return (AIM_HEIGHT[shot.size] - 0.5) * obj.height() if obj.is_character else 0.0


def smoothed_aim(aim: Array, times: Array) -> Array:
    """The aim (N, 3) as the baseline camera follows it: two passes of a moving average about a second long (a
    triangular filter), so starts, stops and hops of the subject reach the camera as smooth curves, not jolts."""
    step = times[1] - times[0] if len(times) > 1 else 1.0
    window = max(3, min(len(times) // 3, round(1.0 / max(step, 1e-6)))) | 1
    return geometry.smooth_series(geometry.smooth_series(aim, window), window)


def fit_height(
    world: World,
    shot: Shot,
    names: list[str],
    centres: Array,
    aim: Array,
    times: Array,
    aspect: float,
    forward: Array | None = None,
) -> tuple[float, Array | None]:
    """The frame height (metres at the aim) that keeps every one of ``names`` (their centres (S, N, 3) about the
    camera's ``aim`` (N, 3), see :func:`smoothed_aim`) inside the frame: across, FIT_SPREAD times their spread; top
    to bottom, ``vertical_span``. With the view's unit ``forward`` known, a subject in front of the aim takes more
    room (the frame at its depth is narrower by 2 tan(fov / 2) per metre), and so does the lag of the aim behind a
    fast subject; also returns how far (metres) each stands behind the aim, else None."""
    spread = float(np.max(np.linalg.norm(centres - centres.mean(axis=0), axis=2))) if len(names) > 1 else 0.0
    vertical = vertical_span(world, names, aim, times)
    fit = max(FIT_SPREAD * spread / max(aspect, 1e-3), vertical)
    if forward is None:
        return fit, None
    widening = 2 * np.tan(np.radians(FIELD_OF_VIEW[shot.size]) / 2)
    right = np.array([forward[2], 0.0, -forward[0]]) / max(float(np.hypot(forward[0], forward[2])), 1e-9)
    offsets = centres - aim[None]  # the subjects, and how far a smoothed aim lags a fast one, must fit
    along = offsets @ forward  # (S, N): metres behind the aim
    nearer = widening * np.max(-along, axis=1)
    across = FIT_SPREAD * np.max(np.abs(offsets @ right), axis=1) / max(aspect, 1e-3)
    fit = max(fit, float(np.max(across + nearer)), vertical + float(np.max(nearer)))
    return fit, np.max(along, axis=1)


def frame_height(
    world: World, shot: Shot, names: list[str], fit: float, aspect: float, depths: Array | None = None
) -> float:
    """The height (metres at the aim) of the baseline director's frame of ``names``, the first the main subject:
    the one the shot's size asks for (``FRAME_SPAN`` of the main subject; a thing, not a character, whole), closer
    while the smallest subject would not read (``LEGIBLE_SPAN``) as long as the main subject still fits whole (or
    at its size, in a medium or closer shot), and never tighter than ``fit``, the height that keeps every subject
    inside the frame. An animal or a machine, longer than it stands tall, is held across its length (a medium
    shot of a dog shows its head). ``depths``: how far (metres) each subject stands behind the aim along the view,
    once the view is known (farther reads smaller)."""
    main = world.object(names[0])
    height = main.height()
    span = FRAME_SPAN[shot.size] * height
    if not main.is_character:  # close sizes crop a figure to its head; a thing (an insert of a ball) stays whole
        span = max(span, height / VERTICAL_ROOM)
    elif main.asset.kind not in PEOPLE_KINDS:
        length = float(np.max(np.ptp(main.asset.bounds[:, [0, 2]], axis=0))) * main.scale
        span = max(span, length / max(aspect, 1e-3) / VERTICAL_ROOM)
    depths = np.zeros(len(names)) if depths is None else depths
    widening = 2 * np.tan(np.radians(FIELD_OF_VIEW[shot.size]) / 2)  # frame height per metre of distance
    legible = min(
        legible_size(world.object(name)) / LEGIBLE_SPAN - widening * float(depth)
        for name, depth in zip(names, depths, strict=True)
    )
    whole = min(span, height / VERTICAL_ROOM)
    return max(min(span, legible), whole, fit)


def standing_distance(move: CameraMove, distance: float, aim: Array, fov_y: float, back: Array) -> float:
    """How far from the middle of ``aim`` (N, 3), along the unit ``back`` (from the subject towards the camera),
    the baseline director stands a camera that does not move (static, pan, tilt) to frame at ``distance``: a static
    camera far enough back to hold all the subject's travel, a turning one far enough that following it never
    whips the camera round, and either one far enough that a subject running at it passes at ``distance``, not past
    the lens. Other moves keep ``distance``."""
    if move not in STILL_MOVES:
        return distance
    middle = aim.mean(axis=0)
    travel = float(np.max(np.linalg.norm(aim - middle, axis=1)))
    if move is CameraMove.STATIC:
        reach = distance + 1.5 * travel / np.tan(np.radians(fov_y) / 2)
    else:
        reach = max(distance, 0.75 * travel)
    for _ in range(PASS_STEPS):
        nearest = float(np.min(np.linalg.norm(aim - (middle + back * reach), axis=1)))
        if nearest >= distance:
            break
        reach += distance - nearest + PASS_MARGIN
    return reach


def object_centres(world: World, name: str, times: Array) -> Array:
    """(N, 3) world centre of ``name``'s rest bounds at each time."""
    obj = world.object(name)
    roots = obj.root_matrices(times)
    middle = np.append(obj.asset.bounds.mean(axis=0), 1.0)
    return (roots @ middle)[:, :3]


def build_task(
    world: World,
    shot: Shot,
    *,
    start: float,
    fps: int,
    aspect: float,
    screen_x: float = 0.5,
    field_cache: dict[tuple[str, float], tuple[Array, Array]] | None = None,
) -> FramingTask:
    """Precompute a shot's :class:`FramingTask`. ``field_cache`` (keyed by shot id and start) keeps the occlusion
    field, the one costly part, across episodes of the same scenario at other frame rates."""
    frames = shot.frames(fps)
    times = start + np.arange(frames) / fps
    names = framed_subjects(world, shot)
    if names:
        framed = np.stack([object_centres(world, name, times) for name in names])
        height = world.object(names[0]).height()
    else:
        framed = np.tile([0.0, 1.0, 0.0], (1, frames, 1))
        height = 1.7
    lift = (AIM_HEIGHT[shot.size] - 0.5) * height
    aim = framed.mean(axis=0)
    aim[:, 1] += lift
    spread = float(np.max(np.linalg.norm(framed - aim[None], axis=2))) if len(framed) > 1 else 0.0
    distance = nominal_distance(shot, height, spread, aspect, vertical_span(world, names, aim, times))
    objects = [obj for obj in world.objects if obj.name not in names]  # the camera may come close to its subjects
    capsules = np.stack([obj.root_matrices(times)[:, :3, 3] for obj in objects]) if objects else np.zeros((0, 0, 3))
    capsule_size = np.array([[obj.asset.radius * obj.scale, obj.height()] for obj in objects]).reshape(-1, 2)
    key = (shot.id, start)
    if field_cache is not None and key in field_cache:
        field_times, field = field_cache[key]
    else:
        field_times = start + np.arange(0.0, shot.duration + OCCLUSION_STEP, OCCLUSION_STEP)
        if names:
            field = occlusion_field(
                world, names[0], object_centres(world, names[0], field_times), field_times, distance
            )
        else:
            field = np.zeros((len(field_times), GRID_AZIMUTHS, len(GRID_ELEVATIONS), len(GRID_DISTANCES)))
        if field_cache is not None:
            field_cache[key] = (field_times, field)
    return FramingTask(
        world=world,
        shot=shot,
        start=start,
        fps=fps,
        aspect=aspect,
        screen_x=screen_x,
        subjects=names,
        times=times,
        aim=aim,
        framed=framed,
        lift=lift,
        height=height,
        distance=distance,
        fov_y=FIELD_OF_VIEW[shot.size],
        capsules=capsules,
        capsule_size=capsule_size,
        occlusion_times=field_times,
        occlusion_field=field,
    )


def move_cost(task: FramingTask, positions: Sequence[Array], frame: int) -> float:
    """How far the camera at ``frame`` (``positions`` up to it) strays from the requested move (the distance and
    elevation parts of dollies and cranes are scored by the size and angle terms)."""
    move = task.shot.move
    if frame == 0:
        return 0.0
    velocity = (positions[frame] - positions[frame - 1]) * task.fps
    if move in (CameraMove.STATIC, CameraMove.PAN, CameraMove.TILT):
        return min(1.0, float(np.linalg.norm(velocity)) / (0.1 * task.scale))
    if move in (CameraMove.DOLLY_IN, CameraMove.DOLLY_OUT):
        radial = float(np.dot(velocity, _unit(positions[frame] - task.aim[frame])))
        wrong = radial if move is CameraMove.DOLLY_IN else -radial
        return min(1.0, max(0.0, wrong) / (0.1 * task.scale))
    if move is CameraMove.ORBIT:
        return min(1.0, abs(abs(orbit_turn(task, positions, frame)) - ORBIT_SWEEP * task.progress(frame)) / 0.6)
    return 0.0


def orbit_turn(task: FramingTask, positions: Sequence[Array], frame: int) -> float:
    """Azimuth (radians) the camera at ``frame`` has gone round the aim point since the first frame."""
    first = positions[0] - task.aim[0]
    now = positions[frame] - task.aim[frame]
    turn = np.arctan2(now[0], now[2]) - np.arctan2(first[0], first[2])
    return float((turn + np.pi) % (2 * np.pi) - np.pi)


def _unit(vector: Array) -> Array:
    return vector / max(float(np.linalg.norm(vector)), 1e-9)


@dataclass(frozen=True)
class FramingTargets:
    """What ``framing`` asks of each frame: the framed subjects' centres, their aim point, and the share of the
    frame's height the main subject should fill."""

    names: list[str]
    centres: Array  # (S, N, 3)
    aim: Array  # (N, 3)
    height: float  # the main subject's
    wanted: Array  # (N,)

    def points(self, frame: int) -> Array:
        """The aim point and the main subject's top and bottom at ``frame``, the three points framing projects."""
        half = np.array([0.0, self.height / 2, 0.0])
        return np.stack([self.aim[frame], self.centres[0, frame] + half, self.centres[0, frame] - half])


def framing_targets(path: CameraPath, shot: Shot, world: World, start: float, aspect: float) -> FramingTargets | None:
    """The targets ``framing`` measures ``path`` against (None without subjects to frame). The path counts only
    through the view it takes at mid-shot (which way the subjects are spread in depth, where a standing camera
    stands from)."""
    count = path.frames
    names = framed_subjects(world, shot)
    if not names:
        return None
    times = start + np.arange(count) / path.fps
    centres = np.stack([object_centres(world, subject, times) for subject in names])  # (S, N, 3)
    height = world.object(names[0]).height()
    aim = centres.mean(axis=0)
    aim[:, 1] += aim_lift(world, shot, names[0])
    middle = count // 2  # the view the camera took, as the director knew it when it framed the subjects
    forward = aim[middle] - np.asarray(path.positions[middle])
    forward /= max(float(np.linalg.norm(forward)), 1e-9)
    followed = smoothed_aim(aim, times)  # the aim as the camera follows it
    fit, depths = fit_height(world, shot, names, centres, followed, times, aspect, forward)
    frame = frame_height(world, shot, names, fit, aspect, depths)
    share = height / frame  # of the frame's height the main subject fills
    nominal = frame / (2 * np.tan(np.radians(FIELD_OF_VIEW[shot.size]) / 2))
    back = np.asarray(path.positions[middle]) - followed.mean(axis=0)  # where a standing camera stands from
    back /= max(float(np.linalg.norm(back)), 1e-9)
    share *= nominal / standing_distance(shot.move, nominal, followed, FIELD_OF_VIEW[shot.size], back)
    progress = geometry.smoothstep(np.arange(count) / max(count - 1, 1))
    wanted = share / np.array([distance_factor(shot.move, float(u)) for u in progress])
    return FramingTargets(names=names, centres=centres, aim=aim, height=height, wanted=wanted)


def framing_errors(ndc: Array, depth: Array, wanted: float, screen_x: float = 0.5) -> tuple[float, float]:
    """One frame's position error (NDC distance of the aim point from its place) and size ratio (log of the main
    subject's share of the frame height over the ``wanted`` one), from :meth:`FramingTargets.points` projected."""
    if np.any(depth <= 0.05):
        return 2.0, -3.0  # behind the camera: as far off as it gets
    position_error = float(np.linalg.norm(ndc[0] - [2 * screen_x - 1.0, 0.0]))
    return position_error, float(np.log(max(abs(ndc[1, 1] - ndc[2, 1]) / 2, 1e-3) / wanted))


def framing_cost(position_error: float | Array, size_ratio: float | Array) -> float | Array:
    """The framing check's per-frame cost: the larger of the position and the size error, each over its
    tolerance (1 = at the tolerance; framed at 1 or less)."""
    return np.maximum(np.asarray(position_error) / POSITION_TOLERANCE, np.abs(size_ratio) / SIZE_TOLERANCE)
