"""Cinematography checks of one shot: the subjects in view, framed where and as large as the shot asks, not hidden
behind other things, and a picture that shows something at all.

``subjects_framed`` and ``not_blank`` read the rendered frames (instance masks, colours); ``framing`` reads the
world the shot films: the subjects' exact positions projected by the camera path; ``occlusion`` tests points on
the main subject against the frames' exact depth.
"""

from __future__ import annotations

import numpy as np
import trimesh
from numpy.typing import NDArray

from storyreel import geometry
from storyreel.envs.framing import (
    framed_subjects,
    framing_cost,
    framing_errors,
    framing_targets,
)
from storyreel.geometry import Array
from storyreel.schema import (
    MIN_SUBJECT_SPAN,
    OCCLUSION_THRESHOLD,
    POSITION_TOLERANCE,
    SIZE_TOLERANCE,
    CameraMove,
    CameraPath,
    CheckResult,
    RevisionAction,
    Shot,
)
from storyreel.tools.checks.analysis import analysis_frames
from storyreel.tools.checks.result import check_result, frames_text, suggest
from storyreel.tools.checks.screen import extent, project, tighter, wider
from storyreel.tools.render.frames import FrameSet
from storyreel.world.world import World, WorldObject

# subjects_framed: a subject counts as visible when it covers MIN_SUBJECT_SHARE of the frame or its pixels span
# MIN_SUBJECT_SPAN of the frame's height across or down (thin things: a lamppost in a wide shot spans 16 % of the
# height on 0.1 % of the pixels, a robot in an extreme-wide shot 9 % on 0.13 %; a lost ball spans 3 %). It is
# framed when the centre of its visible pixels lies inside the central box (FRAMING_MARGIN from each edge: the
# camera director fits subjects within two thirds of the half-width, schema.FIT_SPREAD), it is not a small member of
# the cast cut by the frame edge (a box under half the frame that touches an edge is partly outside; a prop may run
# out of the frame, as the end of a table does in any film), and no head of a framed subject is cut off by the
# frame (story.heads_cut, from the exact head pose). Clean renders of the calibration park: 1.0; the camera aimed
# 40 degrees off: 0.
MIN_SUBJECT_SHARE = 0.002
FRAMING_MARGIN = 0.05
FRAMED_THRESHOLD = 0.9

# not_blank: a frame whose luma (0-1) mean or spread is this low shows nothing. The example films' darkest frame
# has a mean of 0.05 (space) and the flattest a spread of 0.024; a camera inside a wall sees a spread of 0.
BLANK_MEAN = 0.03
BLANK_STD = 0.01

# framing: per frame, the distance (NDC, the frame spans -1..1) of the subjects' aim point from where the shot asks
# for it, over POSITION_TOLERANCE, and |log| of the main subject's height on screen over the height its size asks
# for, over SIZE_TOLERANCE; a frame is framed when both are 1 or less, and the shot passes when FRAMING_THRESHOLD of
# its frames are. The size asked for is 1 / FRAME_SPAN of the frame, through a dolly's change of distance, or less
# where the framed subjects stand too far apart to fit otherwise (FIT_SPREAD times their largest distance from
# their middle across the frame, as the camera director frames them). Clean renders of the calibration park: 1.0
# (the subject at 0.9-1.0 times the size asked for); aimed 25 degrees off (0.63 from its place) or three times as
# far (0.33 times the size): 0. In the example films 14 of 20 shots pass (the subject at 0.74-1.04 times the size);
# the director misses where it loses a small prop (a ball at 0.04 times), cannot come closer than 1.2 m (a cat's
# close-up at 0.17 times), stands a static camera back from a run (0.02 times) or tilts away from the subject.
FRAMING_THRESHOLD = 0.8
TRAVELLING = 1.0  # m: a subject that moves further in a static shot is better followed than held from afar
STANDING_MOVES = (CameraMove.STATIC, CameraMove.PAN, CameraMove.TILT)  # moves whose camera stays where it is

# occlusion: per frame, the share of OCCLUSION_POINTS points spread over the main subject's surface (those inside
# the frame) behind something else: the depth the frame shows at the point's pixel is nearer than the point by more
# than OCCLUSION_DEPTH_GAP (relative, at least OCCLUSION_MIN_GAP metres) and belongs to another object; the score is
# its mean over the shot. Clean renders of the calibration park: 0-0.0003; a wall between camera and subject: 1.0.
# In the example films 0-0.10, but for a bus passing in front of a taxi for half its shot (0.50).
OCCLUSION_POINTS = 64
OCCLUSION_DEPTH_GAP = 0.02
OCCLUSION_MIN_GAP = 0.05  # m
OCCLUSION_RAYS = 16  # rays per view the suggestion casts (World.occlusion) to weigh a raised and a swung camera
RAISED_VIEW = 30.0  # degrees the camera rises when the suggestion weighs looking over what is in the way
SWUNG_VIEW = 45.0  # degrees the camera swings round the subject when it weighs another side


def subjects_framed(
    frames: FrameSet,
    shot: Shot,
    heads_cut: NDArray[np.bool_] | None = None,
    subjects: list[str] | None = None,
    whole: list[str] | None = None,
) -> CheckResult:
    """Share of frames in which every subject the shot must frame (``Shot.framed_subjects``) is visible and well
    inside the frame, and no head of theirs is cut off by the frame's edge (``heads_cut``, per frame, from the
    world's exact head poses: a head cut off fails a frame whatever the subject's size). ``subjects`` are those the
    camera frames (``envs.framing.framed_subjects``: landmarks only have to be seen), by default all the shot's;
    ``whole`` those the frame's edge may not cut (the cast: half a person is a fault, the end of a table is not), by
    default all of them.

    Per frame: 1 when all subjects are framed, else 0."""
    name, count = "subjects_framed", len(frames)
    subjects = shot.framed_subjects() if subjects is None else subjects
    if not subjects:
        return check_result(name, shot.id, 1.0, FRAMED_THRESHOLD, True, "no subjects to frame", "", np.ones(count))
    instance = analysis_frames(frames).instance
    height, width = instance.shape[1:]
    framed = np.ones(count, dtype=bool)
    failures: list[tuple[int, str, str]] = []  # (failed frames, subject, why) per subject that failed
    for subject in subjects:
        ids = [key for key, value in frames.instance_names.items() if value == subject]
        mask = np.isin(instance, ids) if ids else np.zeros(instance.shape, dtype=bool)
        rows, columns = np.any(mask, axis=2), np.any(mask, axis=1)  # (N, H), (N, W)
        pixels = mask.sum(axis=(1, 2))
        span = np.maximum(extent(rows), extent(columns)) / height
        visible = (pixels / (height * width) >= MIN_SUBJECT_SHARE) | (span >= MIN_SUBJECT_SPAN)
        safe = np.maximum(pixels, 1)
        centre_y = (mask.sum(axis=2) * np.arange(height)).sum(axis=1) / safe / height
        centre_x = (mask.sum(axis=1) * np.arange(width)).sum(axis=1) / safe / width
        centred = (np.abs(centre_x - 0.5) <= 0.5 - FRAMING_MARGIN) & (np.abs(centre_y - 0.5) <= 0.5 - FRAMING_MARGIN)
        cut = _cut_by_edge(rows) | _cut_by_edge(columns) if whole is None or subject in whole else np.zeros(count, bool)
        ok = visible & centred & ~cut
        framed &= ok
        if not ok.all():
            reasons = {
                "out of view": int((pixels == 0).sum()),
                "too small": int((~visible & (pixels > 0)).sum()),
                "off centre": int((visible & ~centred).sum()),
                "cut by the edge": int((visible & centred & cut).sum()),
            }
            failures.append((int((~ok).sum()), subject, max(reasons, key=lambda reason: reasons[reason])))
    if heads_cut is not None and heads_cut.any():
        framed &= ~heads_cut
        failures.append((int(heads_cut.sum()), subjects[0], "head cut off"))
    score = float(framed.mean())
    if not failures:
        detail = f"{', '.join(subjects)} framed in every frame"
        return check_result(name, shot.id, score, FRAMED_THRESHOLD, True, detail, "", framed.astype(float))
    failed, subject, why = max(failures)
    detail = f"{subject} {why} in {failed}/{count} frames (first: {frames_text(np.flatnonzero(~framed), 3)})"
    if why == "head cut off":
        suggestion = suggest(RevisionAction.STAND_BACK, f"give {subject}'s head room: the frame's edge cuts it off")
    elif why == "cut by the edge" and wider(shot.size) != shot.size:
        instead = f"{wider(shot.size).value} instead of {shot.size.value}"
        suggestion = suggest(RevisionAction.WIDER_SHOT, f"film {instead} to keep {subject} whole in frame")
    elif why == "cut by the edge":
        suggestion = suggest(RevisionAction.STAND_BACK, f"give {subject} more room in the frame")
    elif why == "off centre":
        suggestion = suggest(RevisionAction.RESEED_CAMERA, f"film {subject} from another view that centres it")
    elif why == "too small" and tighter(shot.size) != shot.size:
        instead = f"{tighter(shot.size).value} instead of {shot.size.value}"
        suggestion = suggest(RevisionAction.TIGHTER_SHOT, f"film {instead} so that {subject} shows")
    elif wider(shot.size) != shot.size:
        instead = f"{wider(shot.size).value} instead of {shot.size.value}"
        suggestion = suggest(RevisionAction.WIDER_SHOT, f"film {instead} so that {subject} stays in view")
    else:
        suggestion = suggest(RevisionAction.RESEED_CAMERA, f"film {subject} from another view that keeps it in view")
    return check_result(name, shot.id, score, FRAMED_THRESHOLD, True, detail, suggestion, framed.astype(float))


def _cut_by_edge(occupied: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """Per frame, from (N, L) occupancy along one axis: the occupied span touches an end of the axis while being
    under half its length, i.e. a small thing running out of the frame (a close-up filling the frame is not)."""
    touches = occupied[:, 0] | occupied[:, -1]
    return touches & (extent(occupied) < occupied.shape[1] / 2)


def not_blank(frames: FrameSet, shot_id: str | None = None) -> CheckResult:
    """Share of frames that show something: luma mean above BLANK_MEAN and spread above BLANK_STD.

    Per frame: the luma mean (0-1)."""
    shot_id = frames.shot_id if shot_id is None else shot_id
    rgb = analysis_frames(frames).rgb
    weights = np.array([0.299, 0.587, 0.114], dtype=np.float32) / 255
    luma = weights[0] * rgb[..., 0] + weights[1] * rgb[..., 1] + weights[2] * rgb[..., 2]
    means, spreads = luma.mean(axis=(1, 2)), luma.std(axis=(1, 2))
    blank = np.flatnonzero((means < BLANK_MEAN) | (spreads < BLANK_STD))
    score = 1.0 - len(blank) / max(len(frames), 1)
    if len(blank):
        detail = f"{len(blank)}/{len(frames)} blank frames: {frames_text(blank)}"
    else:
        detail = f"no blank frames (darkest luma mean {means.min():.2f})"
    suggestion = suggest(
        RevisionAction.RESEED_CAMERA, "film from another view: this camera sits inside an object or looks at nothing"
    )
    return check_result("not_blank", shot_id, score, 1.0, True, detail, suggestion, means)


def framing(
    path: CameraPath, shot: Shot, world: World, start: float, aspect: float, screen_x: float = 0.5
) -> CheckResult:
    """Share of frames framed as the shot asks: the framed subjects' aim point (their mean centre, raised for close
    sizes as the camera director raises it) near ``screen_x`` across the frame and mid-height, and the main
    subject's projected height near the share of the frame its shot size asks for (``FRAME_SPAN``; less where the
    subjects need room, more where the smallest would not read: ``envs.framing.frame_height``; less where a camera
    that stands holds the subject's travel: ``envs.framing.standing_distance``; dollies move through 1.6 to 1 times
    the distance). Measured on the world's exact positions, seen by the camera path.

    Per frame: the larger of the position and the size error, each over its tolerance (1 = at the tolerance)."""
    name, count = "framing", path.frames
    targets = framing_targets(path, shot, world, start, aspect)
    if targets is None:
        return check_result(name, shot.id, 1.0, FRAMING_THRESHOLD, True, "no subjects to frame", "", np.zeros(count))
    names, centres = targets.names, targets.centres
    position_error, size_ratio = np.zeros(count), np.zeros(count)
    for frame in range(count):
        ndc, depth = project(path, frame, aspect, targets.points(frame))
        position_error[frame], size_ratio[frame] = framing_errors(ndc, depth, targets.wanted[frame], screen_x)
    cost = np.asarray(framing_cost(position_error, size_ratio))
    framed = cost <= 1.0
    score = float(framed.mean())
    detail = (
        f"framed as asked in {int(framed.sum())}/{count} frames: {names[0]} at {np.exp(np.median(size_ratio)):.2f}x "
        f"the height {shot.size.value} asks for, aim {np.median(position_error):.2f} from its place (median)"
    )
    off = ~framed
    too_small = int((off & (size_ratio < -SIZE_TOLERANCE)).sum())
    too_large = int((off & (size_ratio > SIZE_TOLERANCE)).sum())
    misplaced = int((off & (position_error > POSITION_TOLERANCE)).sum())
    if too_small >= max(too_large, misplaced) and shot.move in STANDING_MOVES and _travels(centres[0]):
        suggestion = suggest(
            RevisionAction.FOLLOW_SUBJECT,
            f"track {names[0]}: a camera that stays put has to stand back to hold all its travel, so it is too "
            f"small in {too_small} frames",
        )
    elif too_small >= max(too_large, misplaced) and tighter(shot.size) != shot.size:
        instead = f"{tighter(shot.size).value} instead of {shot.size.value}"
        suggestion = suggest(
            RevisionAction.TIGHTER_SHOT, f"film {instead}: {names[0]} is too small in {too_small} frames"
        )
    elif too_large >= misplaced and wider(shot.size) != shot.size:
        instead = f"{wider(shot.size).value} instead of {shot.size.value}"
        suggestion = suggest(
            RevisionAction.WIDER_SHOT, f"film {instead}: {names[0]} is too large in {too_large} frames"
        )
    elif shot.move is CameraMove.TILT:
        suggestion = suggest(RevisionAction.STEADY_CAMERA, f"hold the camera on {names[0]} instead of tilting to it")
    else:
        suggestion = suggest(RevisionAction.RESEED_CAMERA, f"film from another view that aims at {', '.join(names)}")
    return check_result(name, shot.id, score, FRAMING_THRESHOLD, True, detail, suggestion, cost)


def _travels(centres: NDArray[np.floating]) -> bool:
    """Whether a subject's centres (N, 3) over a shot travel further than TRAVELLING metres from where they start."""
    return bool(np.max(np.linalg.norm(centres - centres[0], axis=1)) > TRAVELLING)


def occlusion(frames: FrameSet, path: CameraPath, shot: Shot, world: World, start: float) -> CheckResult:
    """How much of the main subject other things hide: per frame, the share of points spread over its surface
    (those in frame) that the frame's depth shows something else in front of, a z-buffer test on the exact depth.
    The score is its mean over the shot; passes at OCCLUSION_THRESHOLD or less.

    Per frame: the share of the subject's points hidden."""
    frames = analysis_frames(frames)
    name, count = "occlusion", len(frames)
    names = framed_subjects(world, shot)
    if not names:
        return check_result(name, shot.id, 0.0, OCCLUSION_THRESHOLD, False, "no subject", "", np.zeros(count))
    subject = world.object(names[0])
    hidden = hidden_share(frames, path, subject, start, world.saddled_with(subject.name))
    score = float(hidden.mean())
    detail = f"{subject.name} {score:.0%} hidden on average (limit {OCCLUSION_THRESHOLD:.0%}); most {hidden.max():.0%}"
    suggestion = ""
    if score > OCCLUSION_THRESHOLD:
        worst = int(np.argmax(hidden))
        suggestion = clearer_view(world, subject.name, np.asarray(path.positions[worst]), start + worst / path.fps)
    return check_result(name, shot.id, score, OCCLUSION_THRESHOLD, False, detail, suggestion, hidden)


def hidden_share(
    frames: FrameSet, path: CameraPath, subject: WorldObject, start: float, saddled: list[WorldObject] | None = None
) -> Array:
    """Per frame, the share of points on ``subject``'s surface inside the frame that something else hides; what it
    is ``saddled`` with (``World.saddled_with``: its riders, its mount) hides nothing of it (a horse under its
    knight is a horse seen, and a knight's leg beyond his horse's flank a knight in the saddle)."""
    meshes = [part.mesh for part in subject.asset.parts]
    combined = trimesh.util.concatenate(meshes)
    owner = np.repeat(np.arange(len(meshes)), [len(mesh.faces) for mesh in meshes])
    points, faces = trimesh.sample.sample_surface(combined, OCCLUSION_POINTS, seed=0)
    local = np.c_[points, np.ones(len(points))]  # (K, 4), each in its part's frame
    matrices = subject.part_matrices(start + np.arange(len(frames)) / path.fps)[:, owner[faces]]  # (N, K, 4, 4)
    placed = np.einsum("nkij,kj->nki", matrices, local)[..., :3]
    height, width = frames.height, frames.width
    covering = [subject.instance_id, *(other.instance_id for other in saddled or [])]
    shares = np.zeros(len(frames))
    for frame in range(len(frames)):
        view = geometry.view_matrix(np.asarray(path.positions[frame]), np.asarray(path.orientations[frame]))
        projection = geometry.perspective(path.fov_y[frame], width / height)
        pixels, depth = geometry.project(placed[frame], view, projection, width, height)
        column, row = np.floor(pixels[:, 0]).astype(int), np.floor(pixels[:, 1]).astype(int)
        inside = (depth > 0.05) & (column >= 0) & (column < width) & (row >= 0) & (row < height)
        if not inside.any():
            continue
        column, row, depth = column[inside], row[inside], depth[inside]
        shown = frames.depth[frame, row, column].astype(np.float32)
        other = ~np.isin(frames.instance[frame, row, column], covering)
        nearer = shown < depth - np.maximum(OCCLUSION_DEPTH_GAP * depth, OCCLUSION_MIN_GAP)
        shares[frame] = float(np.mean(other & nearer))
    return shares


def clearer_view(world: World, subject: str, eye: Array, time: float) -> str:
    """Raise the camera or swing it round the subject, whichever hides less of it from ``eye``'s distance."""
    centre = world.object(subject).center(time)
    offset = eye - centre
    reach = float(np.linalg.norm(offset))
    azimuth = float(np.arctan2(offset[0], offset[2]))
    elevation = float(np.arcsin(np.clip(offset[1] / max(reach, 1e-9), -1.0, 1.0)))
    raised = centre + _spherical(azimuth, min(elevation + np.radians(RAISED_VIEW), np.radians(80.0)), reach)
    swung = [centre + _spherical(azimuth + sign * np.radians(SWUNG_VIEW), elevation, reach) for sign in (-1, 1)]
    hidden = world.occlusion(np.stack([raised, *swung]), subject, time, OCCLUSION_RAYS)
    if hidden[0] <= hidden[1:].min():
        return suggest(
            RevisionAction.RAISE_CAMERA, f"look over what hides {subject} ({hidden[0]:.0%} hidden from there)"
        )
    return suggest(
        RevisionAction.MOVE_CAMERA, f"swing round {subject} past what hides it ({hidden[1:].min():.0%} hidden there)"
    )


def _spherical(azimuth: float, elevation: float, reach: float) -> Array:
    return reach * np.array(
        [np.cos(elevation) * np.sin(azimuth), np.sin(elevation), np.cos(elevation) * np.cos(azimuth)]
    )
