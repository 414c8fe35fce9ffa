"""Camera direction by the shipped RL policy: run it frame by frame over a shot, in numpy.

The policy (``storyreel/data/camera_policy/policy.npz``, see its ``MODEL_CARD.md``) was trained on
``storyreel/CameraFraming-v0``; here it drives the same :class:`~storyreel.envs.framing.CameraRig` through the same
:class:`~storyreel.envs.framing.FramingTask` it trained on, starting from the least occluded view of the shot's
main subject, and the poses become a :class:`CameraPath`. Neither torch nor gymnasium is needed.
"""

from __future__ import annotations

import functools
from pathlib import Path

from storyreel import geometry
from storyreel.envs.framing import build_task, place_camera, rollout
from storyreel.envs.policy import NumpyPolicy
from storyreel.schema import CameraPath, Shot
from storyreel.world.world import World

POLICY_PATH = Path(__file__).resolve().parents[1] / "data" / "camera_policy" / "policy.npz"


@functools.cache
def shipped_policy() -> NumpyPolicy:
    """The policy that ships in the package (loaded once)."""
    return NumpyPolicy.load(POLICY_PATH)


def film_with_policy(
    world: World,
    shot: Shot,
    *,
    start: float,
    fps: int,
    aspect: float,
    seed: int = 0,
    policy: NumpyPolicy | None = None,
) -> CameraPath:
    """Film ``shot`` (story time ``start`` onwards) with ``policy`` (default: the shipped one). Deterministic:
    the same world, shot and seed give the same path."""
    task = build_task(world, shot, start=start, fps=fps, aspect=aspect)
    episode = rollout(task, place_camera(task, seed=seed), (policy or shipped_policy()).act)
    return CameraPath(
        fps=fps,
        positions=[tuple(map(float, p)) for p in episode.positions],
        orientations=[tuple(map(float, geometry.matrix_to_quaternion(r))) for r in episode.rotations],
        fov_y=[task.fov_y] * task.frames,
    )
