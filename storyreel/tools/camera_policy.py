"""Camera direction by the shipped RL policy: the baseline director's path, corrected frame by frame, in numpy.

The policy (``storyreel/data/camera_policy/policy.npz``, see its ``MODEL_CARD.md``) was trained on
``storyreel/CameraResidual-v0``; here it corrects the baseline's path through the same
:class:`~storyreel.envs.residual.ResidualEpisode` it trained on, and the corrected poses become a
:class:`CameraPath`. Neither torch nor gymnasium is needed.
"""

from __future__ import annotations

import functools
from pathlib import Path

from storyreel.envs.policy import NumpyPolicy
from storyreel.envs.residual import build_residual_task, rollout
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
    base: CameraPath,
    *,
    start: float,
    aspect: float,
    policy: NumpyPolicy | None = None,
) -> CameraPath:
    """Film ``shot`` (story time ``start`` onwards) by correcting the baseline's path ``base`` with ``policy``
    (default: the shipped one). Deterministic: the same world, shot and path give the same corrected path."""
    task = build_residual_task(world, shot, base, start=start, aspect=aspect)
    return rollout(task, (policy or shipped_policy()).act).path()
